"""The year's plan: goal hierarchy, indicators, activities and the economy layout.

Goal sets change with the political term, so the hierarchy is configuration, never code.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tertial.assessments import AssessmentScale
from tertial.economy_totals import TOTAL_ID
from tertial.activity_statuses import ActivityVocabulary
from tertial.layout import Layout
from tertial.numbers import NumberParseError, parse_quantity
from tertial.vocabulary import (
    KF_TARGET_TEXT_EXAMPLES,
    Aggregation,
    Direction,
    Frequency,
    Level,
    ReportKind,
    TargetScope,
    expected_period,
    is_closed_target_text,
)

GOAL_NUMBER = r"^\d+(\.\d+){0,2}$"
YEAR_IN_LABEL = r"(?<!\d)\d{4}(?!\d)"
ITEM_ID = r"^[A-Za-z0-9][A-Za-z0-9._:-]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(Strict):
    """A target as written: a number with unit, or one of the closed target texts."""

    # How the configuration documentation names it: the file holds one value, its parts are Tertial's own.
    written_as: ClassVar[str] = ("målvärde: ett tal med enhet (`85 %`, `300 000 st`) eller en fast text (" +
                                 ", ".join(f"`{text}`" for text in KF_TARGET_TEXT_EXAMPLES) + ")")

    raw: str
    value: Decimal | None = None
    unit: str = ""
    text: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_raw(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return data
        raw = str(data).strip()
        if is_closed_target_text(raw):
            return {"raw": raw, "text": raw}
        try:
            quantity = parse_quantity(raw)
        except NumberParseError:
            quantity = None
        if quantity is None:
            raise ValueError(
                f"målvärdet '{raw}' är varken ett tal eller en av de fasta texterna "
                f"({', '.join(KF_TARGET_TEXT_EXAMPLES)})"
            )
        return {"raw": raw, "value": quantity.value, "unit": quantity.unit}


class Goal(Strict):
    """A goal of the plan. Its id is its number unless the plan prints none (seed 002's nämndmål): then the
    plan gives an id and the goal it falls under, and its level follows from that goal's."""

    id: str = Field(pattern=ITEM_ID, description=(
        "Målets stabila id, som ägarskap (owns.goals) och profilen hänvisar till. För ett numrerat mål är det numret och "
        "kan utelämnas; ett mål utan nummer måste ha ett."), examples=["trygghet"], json_schema_extra={"derived": True})
    number: str | None = Field(None, pattern=GOAL_NUMBER, description=(
        "Målets nummer som det skrivs ut, t.ex. '1', '1.2', '1.2.1' (inom citattecken i YAML). Numret ger också id, "
        "överordnat mål (1.2 ligger under 1) och nivå (antal delar); utelämnas för ett onumrerat mål."))
    title: str = Field(min_length=1, description="Målets titel, som den är beslutad.")
    parent: str | None = Field(None, description=(
        "Id för målet det här ligger under; följer av numret när det utelämnas. Ett onumrerat mål med parent hamnar "
        "en nivå under det."), examples=["1.2"])
    level: int = Field(ge=1, le=3, description=(
        "1 = KF:s inriktningsmål, 2 = KF:s mål för verksamhetsområdet, 3 = nämndmål. Följer av numret eller parent "
        "när det utelämnas. Nämndmål (nivå 3) har Beskrivning och Förväntat resultat i arbetsboken och rapporten."),
        examples=[3], json_schema_extra={"derived": True})
    assessed: bool | None = Field(None, description=(
        "false: målet beskrivs bara i text, utan bedömning (ingen bedömning efterfrågas, skrivs ut eller räknas). "
        "Utelämnat avgör nivån (assessments.unassessed_levels)."), examples=[False])

    @model_validator(mode="before")
    @classmethod
    def _from_number(cls, data: Any) -> Any:
        """Id, parent and level follow from the number when the plan does not state them."""
        if not isinstance(data, dict):
            return data
        number, data = data.get("number"), dict(data)
        if number is not None and not isinstance(number, str):
            return data  # the field's own check names the wrong type
        if number is None:
            if data.get("id") is None:
                raise ValueError("ett mål utan nummer behöver ett id (id:), så att det kan ägas och hänvisas till")
            if data.get("parent") is None:
                data.setdefault("level", 1)
            return data
        data.setdefault("id", number)
        if data.get("parent") is None:
            data["parent"] = number.rsplit(".", 1)[0] if "." in number else None
        if data.get("level") not in (None, number.count(".") + 1):
            raise ValueError(f"mål {number} har nivå {number.count('.') + 1} enligt sitt nummer, inte {data['level']}")
        data["level"] = number.count(".") + 1
        return data

    @property
    def heading(self) -> str:
        """'1.2 Title', or the title alone for an unnumbered goal."""
        return f"{self.number} {self.title}" if self.number else self.title

    @property
    def label(self) -> str:
        return {1: "KF:s inriktningsmål", 2: "KF:s mål för verksamhetsområdet", 3: "Nämndmål"}[self.level]


class Indicator(Strict):
    id: str = Field(pattern=ITEM_ID, description="Indikatorns stabila id, unikt i planen; raden på bladet Indikatorer.")
    goal: str = Field(pattern=ITEM_ID, description=(
        "Id för målet indikatorn följer upp (numret för ett numrerat mål). Målets ägare lämnar utfallet, om inte någon "
        "tar indikatorn under owns.indicators."))
    name: str = Field(min_length=1, description="Indikatorns namn, som det skrivs ut.")
    unit: str = Field("", description=(
        "Enheten som den skrivs ut: '%', 'st', 'kr', tom för ett index. Med '%' måste utfall och prognos ligga mellan "
        "0 och 100 (utom vid direction: band), och förändringen mot föregående år prövas redan i T1 och T2."))
    direction: Direction = Field(description=(
        "Vilket håll som är bättre: higher (utfallet ska nå årsmålet eller mer), lower (högst årsmålet), band "
        "(inom målintervallet, t.ex. +/- 2 %) eller unknown (planen säger inte: Tertial bedömer inte målet och "
        "föreslår ingen status)."))
    aggregation: Aggregation = Field(Aggregation.NONE, description=(
        "Om indikatorn redovisas per kön, och hur. none: cellerna Utfall män och Utfall kvinnor är låsta i arbetsboken, "
        "förifylls inte från Kolada och kontrolleras inte. rate (en andel eller ett snitt): cellerna är öppna och "
        "totalen ska ligga mellan männens och kvinnornas värde. parts (antal): cellerna är öppna och män + kvinnor "
        "ska bli totalen."))
    frequency: Frequency = Field(description=(
        "Hur ofta indikatorn mäts: tertial (utfall krävs i varje rapport), halvar (i T2 och VB) eller annual (bara i "
        "VB). Avgör också Period och att en årlig indikator inte har någon helårsprognos."))
    level: Level | None = Field(None, description=(
        "kf eller namnd: om indikatorn är KF:s eller nämndens; följer av målet när det utelämnas (nämndmål ger namnd)."),
        examples=["namnd"])
    annual_target: Target | None = Field(None, description=(
        "Årsmålet. Utfallet (i T1/T2 prognosen) jämförs med det i indikatorns riktning; en indikator utan årsmål "
        "eller som inte når det behöver en analys."), examples=["85 %"])
    kf_target: Target | None = Field(None, description="KF:s årsmål: ett tal eller en fast text; skrivs ut i kolumnen KF:s årsmål.",
                                     examples=["Tas fram av nämnd"])
    kf_scope: TargetScope = Field(TargetScope.NAMND, description=(
        "namnd, eller stad när KF:s årsmål gäller hela staden. Sparas med planen; rapporten skriver i dag ut målet "
        "likadant i båda fallen."))
    previous_outcome: Decimal | None = Field(None, description=(
        "Förra årets utfall (i förra årets verksamhetsberättelse). Skrivs ut som föregående utfall och jämförs med "
        "årets: en stor förändring som analysen inte nämner ger en varning (för andelar alltid, för antal bara i VB)."),
        examples=[72])
    kpi: str | None = Field(None, description=(
        "Koladas nyckeltals-id: utfallet (och, med aggregation, män och kvinnor) förifylls från Kolada-filen vid "
        "`tertial open --kolada`."), examples=["N15033"])
    period_label: str | dict[ReportKind, str] | None = Field(None, description=(
        "Perioden som rapporten skriver den ('VB 2013', 'Halvår 1 2024'), för årets alla rapporter eller per "
        "rapporttyp ({T1: …, VB: …}); ska innehålla planens år. Utelämnad: ur frequency."), examples=["VB 2013"])
    not_followed_up: str | dict[ReportKind, str] | None = Field(None, description=(
        "Varför indikatorn inte följs upp i perioden, utskrivet under raden ('Stockholmsenkäten har inte genomförts "
        "2013.'); då krävs inget utfall. För årets alla rapporter eller per rapporttyp."),
        examples=["Mäts vartannat år. Nästa gång är 2025."])
    gender_equality: bool = Field(False, description="true: en jämställdhetsindikator, utskriven med ♀ före namnet.",
                                  examples=[True])

    @field_validator("period_label")
    @classmethod
    def _label_names_a_year(cls, value: str | dict[ReportKind, str] | None) -> Any:
        labels = [value] if isinstance(value, str) else list((value or {}).values())
        for label in labels:
            if not re.search(YEAR_IN_LABEL, label):
                raise ValueError(f"periodetiketten '{label}' saknar årtal (t.ex. 'VB 2013', 'Halvår 1 2024')")
        return value

    def period(self, kind: ReportKind, year: int) -> str:
        """The Period label of this indicator in a report of this kind: the plan's own, else from the frequency."""
        return _for_kind(self.period_label, kind) or expected_period(self.frequency, kind, year)

    def not_followed_up_reason(self, kind: ReportKind) -> str:
        """Why the indicator is not followed up in a report of this kind; '' when it is."""
        return _for_kind(self.not_followed_up, kind)

    @field_validator("annual_target", "kf_target", "period_label", "not_followed_up", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if value in ("", None) else value

    @field_validator("previous_outcome", mode="before")
    @classmethod
    def _swedish_number(cls, value: Any) -> Any:
        try:
            return None if value in ("", None) else parse_quantity(value).value
        except NumberParseError as exc:
            raise ValueError(f"'{value}' är inte ett tal") from exc


class Activity(Strict):
    id: str = Field(pattern=ITEM_ID, description="Aktivitetens stabila id, unikt i planen; raden på bladet Aktiviteter.")
    goal: str = Field(pattern=ITEM_ID, description=(
        "Id för målet aktiviteten hör till (numret för ett numrerat mål); målets ägare lämnar dess status, om inte "
        "någon tar den under owns.activities."))
    name: str = Field(min_length=1, description="Aktivitetens namn, som det skrivs ut.")
    start: dt.date = Field(description="Startdatum.")
    end: dt.date = Field(description=(
        "Slutdatum, inte före start. En aktivitet vars slutdatum passerat utan en avslutande status varnas som försenad."))

    @model_validator(mode="after")
    def _end_after_start(self) -> "Activity":
        if self.end < self.start:
            raise ValueError(f"slutdatum {self.end} ligger före startdatum {self.start}")
        return self


class RowType(StrEnum):
    TOP = "top"  # a verksamhetsområde: counts in the total
    VARAV = "varav"  # a breakdown of its parent: does not count in the total
    ADDITIVE = "additive"  # printed in italics under a parent but counts in the total (Avskrivningar)
    BELOW = "below"  # printed after the areas' sum (Summa) and counted in the total (a resultatöverföring)


class EconomyRow(Strict):
    id: str = Field(pattern=ITEM_ID, description=(
        "Radens id: raden i arbetsbokens ekonomiblad och textavsnittet ekonomi:<id>. 'totalt' är upptaget av summaraden."))
    name: str = Field(min_length=1, description="Radens namn, som det skrivs ut.")
    row_type: RowType = Field(RowType.TOP, description=(
        "top: ett verksamhetsområde, räknas i totalen. varav: en del av raden parent, räknas inte i totalen. additive: "
        "skrivs kursivt under parent men räknas i totalen (Avskrivningar). below: skrivs efter områdenas summa och "
        "räknas i totalen (en resultatöverföring)."))
    parent: str | None = Field(None, description="För varav och additive: id för huvudraden (top) den hör till.",
                               examples=["iof"])


class EconomyLayout(Strict):
    unit: str = Field("mnkr", description="Beloppens enhet i ekonomins tabeller.")
    areas: list[EconomyRow] = Field(default_factory=list, description=(
        "Driftbudgetens rader per verksamhetsområde, i utskriftsordning. Med rader här (eller under investments) ska "
        "exakt en bidragsgivare äga ekonomin."))
    investments: list[EconomyRow] = Field(default_factory=list, description="Investeringarnas rader, i utskriftsordning.")

    @model_validator(mode="after")
    def _parents_exist(self) -> "EconomyLayout":
        tops = {row.id for row in self.areas if row.row_type is RowType.TOP}
        for row in self.areas:
            if row.row_type in (RowType.VARAV, RowType.ADDITIVE) and row.parent not in tops:
                raise ValueError(f"raden '{row.id}' ({row.row_type}) måste ha en förälder bland huvudraderna")
        return self

    @model_validator(mode="after")
    def _sum_row_id_free(self) -> "EconomyLayout":
        """The workbook's sum row has the id 'totalt' in both sheets: no row of the plan may take it."""
        if any(row.id == TOTAL_ID for row in [*self.areas, *self.investments]):
            raise ValueError(f"id '{TOTAL_ID}' är reserverat för arbetsbokens totalrad; ge raden ett annat id")
        return self


class Plan(Strict):
    namnd: str = Field(min_length=1, description="Nämndens namn, stavat som i cykelfilen.")
    year: int = Field(ge=2000, le=2100, description="Planens år; cykelns year ska vara detsamma.")
    goals: list[Goal] = Field(description=(
        "Målen, i utskriftsordning: KF:s inriktningsmål, KF:s mål för verksamhetsområdet och nämndmålen under dem."))
    indicators: list[Indicator] = Field(default_factory=list, description="Indikatorerna, i utskriftsordning under sina mål.")
    activities: list[Activity] = Field(default_factory=list, description="Aktiviteterna, i utskriftsordning under sina mål.")
    activity_statuses: ActivityVocabulary | None = Field(None, description=(
        "Aktiviteternas statusar (värde, symbol, avslutad) som rullistan erbjuder och rapporten skriver; utelämnad: "
        "Tertials (Pågår, Genomförd, Ej påbörjad, Avbruten)."))
    activity_analysis: bool = Field(False, description=(
        "true: bladet Aktiviteter har en kolumn Analys, som skrivs ut under raden (eller i profilens kolumn kommentar)."))
    economy: EconomyLayout = Field(default_factory=EconomyLayout, description=(
        "Ekonomins rader: driftbudget per verksamhetsområde och investeringar."))
    assessments: AssessmentScale = Field(default_factory=AssessmentScale, description=(
        "Målens bedömningsskala och vilka målnivåer som inte bedöms."))
    layout: Layout = Field(default_factory=Layout, description=(
        "Vilka delar av mål, indikatorer och aktiviteter nämndens rapport har; en del som lämnas bort efterfrågas inte "
        "i arbetsboken, saknas inte vid inlämningen och skrivs inte ut."))

    @model_validator(mode="before")
    @classmethod
    def _levels_from_parents(cls, data: Any) -> Any:
        """An unnumbered goal under another one is one level below it, wherever it stands in the list."""
        goals = data.get("goals") if isinstance(data, dict) else None
        if not isinstance(goals, list):
            return data
        goals = [dict(g) if isinstance(g, dict) else g for g in goals]
        entries = [g for g in goals if isinstance(g, dict)]
        levels = {str(g.get("id", g.get("number"))): _stated_level(g) for g in entries}
        for _ in entries:  # one pass per level of nesting at most
            for goal in entries:
                parent = goal.get("parent")
                if goal.get("level") is None and parent is not None and levels.get(str(parent)):
                    goal["level"] = levels[str(goal.get("id"))] = levels[str(parent)] + 1
        for goal in entries:  # under an unknown goal: any level will do, `_references_hold` names the missing parent
            if goal.get("level") is None and goal.get("parent") is not None:
                goal["level"] = 3
        return {**data, "goals": goals}

    @model_validator(mode="after")
    def _references_hold(self) -> "Plan":
        problems = _duplicates("mål", [g.id for g in self.goals])
        problems += _duplicates("indikator", [i.id for i in self.indicators])
        problems += _duplicates("aktivitet", [a.id for a in self.activities])
        levels = {g.id: g.level for g in self.goals}
        problems += [f"mål {g.id} saknar överordnat mål {g.parent}" for g in self.goals if g.parent and g.parent not in levels]
        problems += [f"mål {g.id} har nivå {g.level} men ligger under mål {g.parent} på nivå {levels[g.parent]}"
                     for g in self.goals if g.parent in levels and levels[g.parent] != g.level - 1]
        problems += [f"mål {g.id} ligger överst men har nivå {g.level}" for g in self.goals if g.parent is None and g.level != 1]
        numbers = {g.id: g.number for g in self.goals}
        problems += [f"mål {g.number} kan inte ligga under mål {numbers[g.parent]}" for g in self.goals
                     if g.number and numbers.get(g.parent) and g.number.rsplit(".", 1)[0] != numbers[g.parent]]
        for kind, items in (("indikatorn", self.indicators), ("aktiviteten", self.activities)):
            problems += [f"{kind} {i.id} hänvisar till okänt mål {i.goal}" for i in items if i.goal not in levels]
        problems += _period_labels_of_other_years(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def goal(self, goal_id: str) -> Goal:
        return next(g for g in self.goals if g.id == goal_id)

    def children(self, goal_id: str | None) -> list[Goal]:
        return [g for g in self.goals if g.parent == goal_id]

    def is_assessed(self, goal: Goal) -> bool:
        """Whether the goal is given an assessment: its own `assessed`, else its level's."""
        if goal.assessed is not None:
            return goal.assessed
        return goal.level not in self.assessments.unassessed_levels

    def indicator_level(self, indicator: Indicator) -> Level:
        if indicator.level is not None:
            return indicator.level
        return Level.NAMND if self.goal(indicator.goal).level >= 3 else Level.KF


def _stated_level(goal: dict) -> int | None:
    """The level a goal's own entry gives: by its number, or stated."""
    number = goal.get("number")
    return number.count(".") + 1 if isinstance(number, str) else goal.get("level")
def _period_labels_of_other_years(plan: Plan) -> list[str]:
    """A Period label that names another year than the plan's is a copy from last year's plan."""
    problems = []
    for indicator in plan.indicators:
        for kind in ReportKind:
            label = _for_kind(indicator.period_label, kind)
            if label and str(plan.year) not in re.findall(YEAR_IN_LABEL, label):
                problems.append(f"indikatorn {indicator.id}: period_label '{label}' gäller inte planens år {plan.year}")
    return list(dict.fromkeys(problems))


def _for_kind(value: str | dict[ReportKind, str] | None, kind: ReportKind) -> str:
    """A plan text given for every report of the year, or per report kind; '' when none is given for this kind."""
    if isinstance(value, dict):
        return value.get(kind, "")
    return value or ""


def _duplicates(kind: str, keys: list[str]) -> list[str]:
    seen: set[str] = set()
    repeated = sorted({k for k in keys if k in seen or seen.add(k)})
    return [f"{kind} {k} förekommer flera gånger" for k in repeated]
