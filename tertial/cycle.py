"""A reporting cycle: which report, its dates, and who contributes what."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from pydantic import BeforeValidator, Field, model_validator

from tertial.deadlines import previous_working_day, working_days_before
from tertial.plan import ITEM_ID, Plan, Strict
from tertial.profile import Profile, builtin_profile
from tertial.sections import TextSection, goal_part_sections, owned_sections, required_sections
from tertial.vocabulary import ReportKind, report_title

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def _one_line(value: object) -> object:
    """Names, addresses and the avdelning go into mail headers, where a CR/LF would start a header of its own."""
    if isinstance(value, str) and any(unicodedata.category(c) == "Cc" for c in value):
        raise ValueError("innehåller ett styrtecken (radbrytning, tabb eller liknande); värdet hamnar i e-post "
                         "och ska vara en enda rad text")
    return value


OneLine = Annotated[str, BeforeValidator(_one_line)]
OptionalOneLine = Annotated[str | None, BeforeValidator(_one_line)]


class Person(Strict):
    name: OneLine = Field(min_length=1)
    title: OneLine = ""
    phone: OneLine = ""
    email: OptionalOneLine = Field(None, pattern=EMAIL)


class Ownership(Strict):
    """What one contributor owns. Indicators and activities default to their goal's owner."""

    goals: list[str] = Field(default_factory=list, description="Goal numbers whose assessment and texts it writes.")
    indicators: list[str] = Field(default_factory=list, description="Indicator ids, beyond those of its goals.")
    activities: list[str] = Field(default_factory=list, description="Activity ids, beyond those of its goals.")
    texts: list[str] = Field(default_factory=list, description="Text section keys, e.g. 'sammanfattning'.")
    economy: bool = Field(False, description="Whether it submits the economy tables.")


class Contributor(Strict):
    id: str = Field(pattern=ITEM_ID, description="Short stable id, used in file names and the ledger.")
    avdelning: OneLine = Field(min_length=1, description="The avdelning or enhet, as named in the report.")
    responsible: OneLine = Field(min_length=1, description="Who answers for the submission.")
    email: OneLine = Field(pattern=EMAIL)
    deputy: OptionalOneLine = None
    deputy_email: OptionalOneLine = Field(None, pattern=EMAIL)
    chief_email: OptionalOneLine = Field(None, pattern=EMAIL, description="Avdelningschef, for escalation.")
    deadline: dt.date | None = Field(None, description="Overrides the cycle's default deadline.")
    deadline_working_days_before_attest: int | None = Field(
        None, ge=0, description="Deadline as Swedish working days before the attest date; an explicit deadline wins.")
    owns: Ownership = Field(default_factory=Ownership)


class WebRoles(Strict):
    """Who signs in to `tertial serve` beside the contributors (whose personal links need no sign-in)."""

    controllers: list[Annotated[str, Field(pattern=EMAIL)]] = Field(
        default_factory=list, description="E-mail addresses that sign in as controller: follow up, approve, return, assemble.")
    leadership: list[Annotated[str, Field(pattern=EMAIL)]] = Field(
        default_factory=list, description="E-mail addresses that sign in as leadership: read the cycle's status and draft.")


class Decision(Strict):
    """A point in Förslag till beslut beyond the standard approval."""

    text: str = Field(min_length=1)


class CycleConfig(Strict):
    id: str = Field(pattern=ITEM_ID, description="Cycle id, e.g. 'eav-t1-2024'.")
    namnd: OneLine = Field(min_length=1)
    kind: ReportKind
    year: int = Field(ge=2000, le=2100)
    plan: Path = Field(description="The plan file, relative to this file.")
    period_end: dt.date
    attest_date: dt.date
    meeting_date: dt.date
    deadline: dt.date | None = Field(None, description="Default contributor deadline.")
    deadline_working_days_before_attest: int | None = Field(
        None, ge=0, description="Default deadline as Swedish working days before the attest date; wins over `deadline`.")
    reminder_working_days: list[Annotated[int, Field(ge=0)]] = Field(
        default_factory=lambda: [5, 1], description="Remind this many working days before the deadline.")
    escalate_after_working_days: int = Field(
        2, ge=1, description="Escalate to the chief and the controller once this many working days late.")
    handlaggare: Person
    signer: Person
    prepared_by: OneLine = Field(min_length=1, description="Avdelning that prepared the ärende.")
    attesters: list[Person] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    attachments: list[str] = Field(default_factory=list, description="Bilagor in order: Bilaga 1, Bilaga 2 …")
    contributors: list[Contributor] = Field(min_length=1)
    t2_report: Path | None = Field(None, description="The T2 cycle's report.json (relative to this file), for the VB's comparison with its forecasts.")
    kolada_municipality: str | None = Field(None, description="Kolada municipality or unit id, for pre-filling outcomes.")
    web_roles: WebRoles = Field(default_factory=WebRoles, description="Who signs in to tertial serve, and as what.")
    profile: Path | None = Field(None, description="The nämnd's report profile (its outline), relative to this file; "
                                                   "none: the built-in profile of the report kind.")

    @model_validator(mode="after")
    def _dates_in_order(self) -> "CycleConfig":
        if not self.period_end < self.attest_date <= self.meeting_date:
            raise ValueError("datumen måste följa varandra: period_end < attest_date <= meeting_date")
        ids = [c.id for c in self.contributors]
        if len(set(ids)) != len(ids):
            raise ValueError("varje bidragsgivare måste ha ett eget id")
        return self


@dataclass(frozen=True)
class Cycle:
    """A loaded cycle: its configuration, its plan, and the owner of every item."""

    config: CycleConfig
    plan: Plan
    source: Path
    goal_owner: dict[str, str] = field(default_factory=dict)
    indicator_owner: dict[str, str] = field(default_factory=dict)
    activity_owner: dict[str, str] = field(default_factory=dict)
    text_owner: dict[str, str] = field(default_factory=dict)
    economy_owner: str | None = None
    profile: Profile | None = None  # the nämnd's own outline; None: the built-in one of its kind

    @property
    def outline(self) -> Profile:
        return self.profile or builtin_profile(self.config.kind)

    @property
    def kind(self) -> ReportKind:
        return self.config.kind

    @property
    def title(self) -> str:
        return report_title(self.config.kind, self.config.year, self.config.namnd)

    @property
    def sections(self) -> list[TextSection]:
        return required_sections(self.plan, self.config.kind, self.profile)

    def contributor(self, contributor_id: str) -> Contributor:
        return next(c for c in self.config.contributors if c.id == contributor_id)

    def deadline(self, contributor_id: str) -> dt.date:
        """Explicit date, then contributor offset, then cycle offset, then cycle date, then the attest date.

        A date that is not a Swedish working day moves to the working day before it.
        """
        own, cfg = self.contributor(contributor_id), self.config
        if own.deadline:
            return previous_working_day(own.deadline)
        offset = own.deadline_working_days_before_attest
        if offset is None:
            offset = cfg.deadline_working_days_before_attest
        if offset is not None:
            return working_days_before(cfg.attest_date, offset)
        return previous_working_day(cfg.deadline or cfg.attest_date)

    def owned(self, contributor_id: str, owners: dict[str, str]) -> list[str]:
        return [key for key, owner in owners.items() if owner == contributor_id]


def resolve_ownership(config: CycleConfig, plan: Plan, profile: Profile | None = None) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Map every item to its one owner; return the maps and the problems found.

    A free section of the profile is owned by the contributor the profile names (who may list it too)."""
    problems: list[str] = []
    goals = _single_owner("mål", [g.id for g in plan.goals], config, lambda o: o.goals, problems)
    maps = {"goals": goals}
    for kind, items, pick in (
        ("indikator", plan.indicators, lambda o: o.indicators),
        ("aktivitet", plan.activities, lambda o: o.activities),
    ):
        explicit = _claims(config, pick)
        _unknown(kind, explicit, {i.id for i in items}, problems)
        owners: dict[str, str] = {}
        for item in items:
            claimants = explicit.get(item.id, [])
            if len(claimants) > 1:
                problems.append(f"{kind} {item.id} ägs av flera: {', '.join(claimants)}")
            owners[item.id] = claimants[0] if claimants else goals.get(item.goal, "")
            if not owners[item.id]:
                problems.append(f"{kind} {item.id} ägs inte av någon bidragsgivare")
        maps[kind] = owners
    keys = [s.key for s in required_sections(plan, config.kind, profile)]
    given = {s.key: s.owner for s in owned_sections(profile)} if profile else {}
    given |= {section.key: part.owner for section, part in goal_part_sections(plan, profile)}
    maps["texts"] = _single_owner("textavsnitt", keys, config, lambda o: o.texts, problems, given)
    economy = [c.id for c in config.contributors if c.owns.economy]
    if (plan.economy.areas or plan.economy.investments) and len(economy) != 1:
        problems.append(f"ekonomin ska ägas av exakt en bidragsgivare, men ägs av {len(economy)}: {', '.join(economy) or 'ingen'}")
    maps["economy"] = {"economy": economy[0]} if economy else {}
    return maps, problems


def _claims(config: CycleConfig, pick) -> dict[str, list[str]]:
    claims: dict[str, list[str]] = defaultdict(list)
    for contributor in config.contributors:
        for key in pick(contributor.owns):
            claims[key].append(contributor.id)
    return claims


# Text sections come from the plan (its goals, its economy) and from the report's outline.
_SOURCE = {"textavsnitt": "rapportens disposition (planen och rapportprofilen)"}


def _unknown(kind: str, claims: dict[str, list[str]], known: set[str], problems: list[str]) -> None:
    for key in sorted(set(claims) - known):
        problems.append(f"{kind} '{key}' (hos {', '.join(claims[key])}) finns inte i {_SOURCE.get(kind, 'planen')}")


def _single_owner(kind: str, keys: list[str], config: CycleConfig, pick, problems: list[str],
                  given: dict[str, str] | None = None) -> dict[str, str]:
    claims = _claims(config, pick)
    for key, owner in (given or {}).items():
        if owner not in claims[key]:
            claims[key].append(owner)
    _unknown(kind, claims, set(keys), problems)
    owners: dict[str, str] = {}
    for key in keys:
        claimants = claims.get(key, [])
        if not claimants:
            problems.append(f"{kind} {key} ägs inte av någon bidragsgivare")
        elif len(claimants) > 1:
            problems.append(f"{kind} {key} ägs av flera: {', '.join(claimants)}")
        if claimants:
            owners[key] = claimants[0]
    return owners
