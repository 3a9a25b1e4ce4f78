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
    name: OneLine = Field(min_length=1, description="Namnet, som det skrivs ut i rapporten.")
    title: OneLine = Field("", description="Titeln, skriven under namnet (t.ex. Stadsdelsdirektör); tom: ingen.",
                           examples=["Stadsdelsdirektör"])
    phone: OneLine = Field("", description="Telefonnumret efter namnet (handläggaren, i tjänsteutlåtandet och i "
                                           "arbetsböckernas instruktioner); tom: inget.")
    email: OptionalOneLine = Field(None, pattern=EMAIL, description=(
        "E-postadressen. Handläggarens är controllerns: den står i påminnelserna, får eskaleringar och besked om "
        "inlämningar utan känd avsändare; utan den skickas inget av det till controllern."),
        examples=["ewa.jungstedt.pilestal@example.se"])


class Ownership(Strict):
    """What one contributor owns. Indicators and activities default to their goal's owner."""

    goals: list[str] = Field(default_factory=list, description=(
        "Målen (deras id; numret för ett numrerat mål) vars bedömning och analys bidragsgivaren skriver. Målets "
        "indikatorer och aktiviteter följer med, om inte någon annan tar dem under indicators eller activities."))
    indicators: list[str] = Field(default_factory=list, description=(
        "Indikatorer (id) som bidragsgivaren lämnar utfall för, utöver indikatorerna under de egna målen."))
    activities: list[str] = Field(default_factory=list, description=(
        "Aktiviteter (id) som bidragsgivaren lämnar status för, utöver aktiviteterna under de egna målen."))
    texts: list[str] = Field(default_factory=list, description=(
        "Textavsnitt som bidragsgivaren skriver på bladet Texter, t.ex. sammanfattning, direktiv, ekonomi, "
        "ekonomi:<rad>, investeringar; vilka som finns följer av planen och profilen (docs/rapportprofil.md). "
        "Varje avsnitt ska ha exakt en ägare."), examples=[["sammanfattning", "direktiv"]])
    economy: bool = Field(False, description=(
        "true: bidragsgivaren lämnar ekonomins tabeller (driftbudget, investeringar …). Exakt en bidragsgivare ska "
        "ha det när planen har ekonomirader."))


class Contributor(Strict):
    id: str = Field(pattern=ITEM_ID, description=(
        "Bidragsgivarens korta, stabila id: i filnamn, i liggaren och i arbetsbokens styrkta token; byt det inte mitt i "
        "en cykel."))
    avdelning: OneLine = Field(min_length=1, description="Avdelningen eller enheten, som den heter i rapporten.")
    responsible: OneLine = Field(min_length=1, description=(
        "Den som svarar för underlaget: står i arbetsboken och kalendern, och breven hälsar till den."))
    email: OneLine = Field(pattern=EMAIL, description=(
        "Adressen som får arbetsboken, återkopplingen och påminnelserna. En inlämning per e-post tas bara emot från den "
        "eller från deputy_email."))
    deputy: OptionalOneLine = Field(None, description="Ersättarens namn; för läsaren av filen (breven går till deputy_email).")
    deputy_email: OptionalOneLine = Field(None, pattern=EMAIL, description=(
        "Ersättarens adress: kopia på återkoppling och påminnelser, och får också lämna in per e-post."))
    chief_email: OptionalOneLine = Field(None, pattern=EMAIL, description=(
        "Avdelningschefens adress: får eskaleringen (med controllern) när underlaget är escalate_after_working_days "
        "arbetsdagar sent; utan den eskaleras bara till controllern."))
    deadline: dt.date | None = Field(None, description=(
        "Bidragsgivarens egen sista dag; går före alla andra. En dag som inte är en svensk arbetsdag flyttas till "
        "arbetsdagen före."), examples=["2024-05-03"])
    deadline_working_days_before_attest: int | None = Field(None, ge=0, description=(
        "Sista dag som antal svenska arbetsdagar före attestdagen, för den här bidragsgivaren; ett eget deadline går före."),
        examples=[8])
    owns: Ownership = Field(default_factory=Ownership, description=(
        "Vad bidragsgivaren äger: mål, indikatorer, aktiviteter, textavsnitt och ekonomin. Varje del av rapporten ska "
        "ha exakt en ägare; check-config namnger det som saknar ägare eller har flera."))


class WebRoles(Strict):
    """Who signs in to `tertial serve` beside the contributors (whose personal links need no sign-in)."""

    controllers: list[Annotated[str, Field(pattern=EMAIL)]] = Field(default_factory=list, description=(
        "Adresser som loggar in som controller: följer upp, godkänner, återsänder, påminner och sammanställer."))
    leadership: list[Annotated[str, Field(pattern=EMAIL)]] = Field(default_factory=list, description=(
        "Adresser som loggar in som ledning: läser cykelns läge och senaste utkast."))


class Decision(Strict):
    """A point in Förslag till beslut beyond the standard approval."""

    text: str = Field(min_length=1, description="Beslutspunkten, som den skrivs i Förslag till beslut.")


class CycleConfig(Strict):
    id: str = Field(pattern=ITEM_ID, description=(
        "Cykelns id, t.ex. eav-t1-2024: i liggaren, arkivet och Prefect-flödenas namn. Byt det inte mitt i en cykel."))
    namnd: OneLine = Field(min_length=1, description="Nämndens namn; ska vara detsamma som planens namnd.")
    kind: ReportKind = Field(description=(
        "Rapporttypen: T1 (tertialrapport 1, per 30 april), T2 (tertialrapport 2 med helårsprognos) eller VB "
        "(verksamhetsberättelse). Avgör disposition, kolumner och vilka utfall som krävs."))
    year: int = Field(ge=2000, le=2100, description="Året rapporten gäller; ska vara detsamma som planens year.")
    plan: Path = Field(description="Planen (plan.yaml), räknat från cykelfilens mapp.")
    period_end: dt.date = Field(description="Periodens sista dag (30 april för T1, 31 augusti för T2, 31 december för VB).")
    attest_date: dt.date = Field(description=(
        "Dagen ledningen attesterar rapporten: efter period_end. Sista dag för underlagen räknas från den när inget "
        "deadline anges, och den skrivs i attestblocket."))
    meeting_date: dt.date = Field(description="Nämndsammanträdet (Till: i tjänsteutlåtandet); samma dag som attest_date eller senare.")
    deadline: dt.date | None = Field(None, description=(
        "Sista dag för alla bidragsgivare som inte har en egen; utan den och utan "
        "deadline_working_days_before_attest är attestdagen sista dag. En helgdag flyttas till arbetsdagen före."))
    deadline_working_days_before_attest: int | None = Field(None, ge=0, description=(
        "Sista dag som antal svenska arbetsdagar före attestdagen; går före deadline."), examples=[8])
    reminder_working_days: list[Annotated[int, Field(ge=0)]] = Field(default_factory=lambda: [5, 1], description=(
        "Påminn så här många arbetsdagar före sista dag (en påminnelse per tal, bara till den som inte lämnat in)."))
    escalate_after_working_days: int = Field(2, ge=1, description=(
        "Eskalera till avdelningschefen (chief_email) och controllern när underlaget är så här många arbetsdagar sent."))
    handlaggare: Person = Field(description=(
        "Handläggaren (controllern): står i tjänsteutlåtandet och arbetsböckerna, och får controllerns e-post. "
        "signer och attesters har samma nycklar."))
    signer: Person = Field(description="Den som undertecknar tjänsteutlåtandet (name, title).")
    prepared_by: OneLine = Field(min_length=1, description=(
        "Avdelningen som berett ärendet: i Ärendets beredning och i bidragsgivarnas kalenderhändelse."))
    attesters: list[Person] = Field(default_factory=list, description=(
        "De som attesterar rapporten, i ordning; skrivs i blocket Attesterat av med attestdagen."))
    decisions: list[Decision] = Field(default_factory=list, description=(
        "Beslutspunkter i Förslag till beslut utöver att nämnden godkänner rapporten."))
    attachments: list[str] = Field(default_factory=list, description="Bilagorna i ordning: Bilaga 1, Bilaga 2 …")
    contributors: list[Contributor] = Field(min_length=1, description="Bidragsgivarna: avdelningar, enheter, ekonomienheten.")
    t2_report: Path | None = Field(None, description=(
        "För VB: T2-cykelns report.json (räknat från cykelfilen); verksamhetsberättelsen jämför utfallen med T2:s prognoser."))
    kolada_municipality: str | None = Field(None, description=(
        "Kommunens (eller enhetens) id i Kolada: väljer raderna i Kolada-filen som `tertial open --kolada` förifyller "
        "utfall från; utan den förifylls inget."), examples=["0180"])
    web_roles: WebRoles = Field(default_factory=WebRoles, description=(
        "Vem som loggar in i `tertial serve` och som vad; bidragsgivarna når sina sidor med personlig länk utan inloggning."))
    profile: Path | None = Field(None, description=(
        "Nämndens rapportprofil (dispositionen), räknat från cykelfilen; utan den gäller Tertials inbyggda profil för "
        "rapporttypen."))

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
