"""The report profile: the report's parts in order and nesting, as data rather than code.

The built-in profiles (`profiles/t1.yaml`, `t2.yaml`, `vb.yaml`) give each report kind the outline Tertial has
always printed. A nämnd's own profile, named by `profile:` in cycle.yaml, either extends one of them
(`extends: VB`; its parts replace the base's part of the same name or are added where `after`/`before` says;
`remove` drops parts) or, without `extends`, is the whole outline.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Annotated, Iterator

import yaml
from pydantic import Field, model_validator

from tertial.deviation_headings import AreaHeading, DeviationHeadings
from tertial.plan import ITEM_ID, Strict
from tertial.profile_text import Labels
from tertial.economy_columns import EconomyTables
from tertial.resources import PROFILES
from tertial.table_columns import TableColumns
from tertial.vocabulary import ReportKind


ECONOMY_TITLE = "Uppföljning av ekonomi"
OPERATIONS_TITLE = "Uppföljning av driftbudget"


class PartKind(StrEnum):
    FRONT_MATTER = "front_matter"
    SUMMARY = "summary"
    DIRECTIVES = "directives"
    GOALS = "goals"
    ECONOMY = "economy"
    BALANCE_SHEET = "balance_sheet"
    SPECIAL_REPORTS = "special_reports"
    SECTION = "section"
    ATTEST = "attest"


class SummaryStyle(StrEnum):
    """How the nämnd writes its Sammanfattande analys."""

    POSITIVE_CHALLENGES = "positivt_utmaningar"  # Positivt under perioden / Utmaningar, per inriktningsmål
    ANALYSIS = "sammanfattande_analys"  # one text


class SectionTableColumn(Strict):
    """One column of a free section's table: its key in report.json and its heading (also the workbook's)."""

    key: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", description="Kolumnens stabila nyckel (i report.json), unik i tabellen.",
                     examples=["antal"])
    heading: str = Field(min_length=1, description="Rubriken som den skrivs ut, och som kolumnrubrik i arbetsboken.",
                         examples=["Antal"])


class SectionTable(Strict):
    """A simple table in a free section: named rows, numbers in declared columns, filled by the section's owner on the
    workbook's Tabeller sheet. Printed after the section's text."""

    corner: str = Field("", description="Rubriken över radnamnen (hörncellen), t.ex. året.", examples=["2013"])
    columns: list[SectionTableColumn] = Field(min_length=1, description="Värdekolumnerna, i utskriftsordning.")
    rows: list[str] = Field(default_factory=list, description=(
        "Fasta radnamn i utskriftsordning; utelämnade: ägaren skriver sina egna rader."), examples=[["Lex Sarah", "Lex Maria"]])
    words: list[str] = Field(default_factory=list, description=(
        "Utöver tal, de ord en cell får innehålla (t.ex. Flera)."), examples=[["Flera"]])

    @model_validator(mode="after")
    def _each_once(self) -> SectionTable:
        for what, values in (("kolumnnyckeln", [c.key for c in self.columns]), ("kolumnrubriken", [c.heading for c in self.columns]),
                             ("raden", self.rows)):
            twice = [v for n, v in enumerate(values) if v in values[:n]]
            if twice:
                raise ValueError(f"{what} '{twice[0]}' står mer än en gång i tabellen")
        if reserved := [c.heading for c in self.columns if c.heading in TABLE_FIXED_HEADERS]:
            raise ValueError(f"kolumnrubriken '{reserved[0]}' är upptagen av arbetsbokens bladet Tabeller; välj en annan rubrik")
        return self


# The Tabeller sheet's own columns, before the tables' value columns.
TABLE_FIXED_HEADERS = ("Avsnitt", "Rad")


class Section(Strict):
    """A free section: the controller's own heading, its owner's text, and sub-sections."""

    key: str = Field(pattern=ITEM_ID, description="Avsnittets nyckel: raden på bladet Texter; unik i rapporten.")
    title: str = Field(min_length=1, description="Rubriken, som den skrivs ut ({year} och {previous_year} fylls i).")
    owner: str | None = Field(None, description=(
        "Bidragsgivarens id som skriver avsnittet; utelämnad för en rubrik över underavsnitt (ett avsnitt utan "
        "underavsnitt måste ha en ägare)."))
    empty: str = Field("", description=(
        "Den fasta meningen som skrivs ut när ägaren har lämnat in men lämnat texten tom. Har ägaren inte lämnat in "
        "alls står Underlag saknas från …"), examples=["Inga rapporter har lämnats under perioden."])
    sections: list[Section] = Field(default_factory=list, description=(
        "Underavsnitt, en rubriknivå ned, i utskriftsordning; samma nycklar som avsnittet."))
    table: SectionTable | None = Field(None, description=(
        "En enkel tabell som ägaren fyller i på bladet Tabeller, utskriven efter avsnittets text."))

    @model_validator(mode="after")
    def _owned_or_heading(self) -> Section:
        if self.owner is None and not self.sections:
            raise ValueError(f"avsnittet '{self.key}' saknar ägare (owner); ett avsnitt utan underavsnitt skrivs av en bidragsgivare")
        return self


_SECTION_KEYS = ("key", "title", "owner", "empty", "sections", "under", "table")
# The parts that may stand inside the goal tree under a goal (`under:`), besides free sections.
UNDER_PARTS = (PartKind.SECTION, PartKind.BALANCE_SHEET, PartKind.SPECIAL_REPORTS, PartKind.ECONOMY)


class Part(Strict):
    """One part of the outline. A free section (`part: section`) carries its own key, title and owner."""

    part: PartKind = Field(description=(
        "Delen: front_matter (tjänsteutlåtandet), summary (Sammanfattande analys), directives (arbete utifrån "
        "direktiven), goals (målträdet), economy (Uppföljning av ekonomi), balance_sheet (Analys av balansräkning), "
        "special_reports (de inbyggda Särskilda redovisningar), section (ett eget avsnitt) eller attest (Attesterat "
        "av). Se docs/rapportprofil.md."))
    style: SummaryStyle | None = Field(None, description=(
        "Bara för summary: positivt_utmaningar (Positivt under perioden och Utmaningar per inriktningsmål) eller "
        "sammanfattande_analys (en enda text)."))
    key: str | None = Field(None, pattern=ITEM_ID, description=(
        "För part: section: avsnittets nyckel, raden på bladet Texter; unik och inte en av Tertials egna (sammanfattning, "
        "direktiv …)."), examples=["lokaler"])
    title: str | None = Field(None, min_length=1, description="För part: section: rubriken som den skrivs ut.",
                              examples=["Medel för lokaländamål"])
    owner: str | None = Field(None, description=(
        "För part: section: bidragsgivarens id som skriver avsnittet (behövs inte också under owns.texts)."),
        examples=["ekonomi"])
    empty: str = Field("", description="För part: section: den fasta meningen när ägaren lämnat texten tom.")
    sections: list[Section] = Field(default_factory=list, description="För part: section: underavsnitten, i ordning.")
    under: str | None = Field(None, description=(
        "Skriv ut delen inne i målträdet, efter det här målets eget innehåll (målets id; numret inom citattecken). "
        "Gäller section, balance_sheet, special_reports och economy; dispositionen måste ha part: goals."),
        examples=["administration"])
    table: SectionTable | None = Field(None, description="För part: section: en enkel tabell som ägaren fyller i.")
    after: str | None = Field(None, description=(
        "I en profil med extends: delen (namn eller avsnittets key) som den här läggs efter. Utan after och before "
        "läggs en ny del före Attesterat av."), examples=["goals"])
    before: str | None = Field(None, description=(
        "I en profil med extends: delen (namn eller avsnittets key) som den här läggs före."), examples=["economy"])

    @model_validator(mode="after")
    def _keys_fit_the_part(self) -> Part:
        given = self.model_fields_set
        if self.part is PartKind.SECTION:
            if not self.key or not self.title:
                raise ValueError("ett fritt avsnitt (part: section) behöver både key och title")
            if self.owner is None and not self.sections:
                raise ValueError(f"avsnittet '{self.key}' saknar ägare (owner); ett avsnitt utan underavsnitt skrivs av en bidragsgivare")
        elif "under" in given and self.part not in UNDER_PARTS:
            allowed = ", ".join(p.value for p in UNDER_PARTS)
            raise ValueError(f"under gäller bara part: {allowed}, inte part: {self.part.value}")
        elif wrong := [k for k in _SECTION_KEYS if k in given and k != "under"]:
            raise ValueError(f"{', '.join(wrong)} gäller bara fria avsnitt (part: section), inte part: {self.part.value}")
        if self.part is not PartKind.SUMMARY and "style" in given:
            raise ValueError("style gäller bara part: summary")
        if self.after and self.before:
            raise ValueError("ange antingen after eller before, inte båda")
        return self

    @property
    def name(self) -> str:
        """What the outline calls it: the part's kind, or a free section's key."""
        return f"section:{self.key}" if self.part is PartKind.SECTION else self.part.value

    def section(self) -> Section:
        return Section(key=self.key, title=self.title, owner=self.owner, empty=self.empty, sections=self.sections,
                       table=self.table)


PART_KEY = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"  # no ':', which joins it to the goal's id on the Texter sheet


class GoalPart(Strict):
    """One contributor's part of a goal's analysis, printed under its own sub-heading."""

    key: str = Field(pattern=PART_KEY, description="Delens nyckel; raden på bladet Texter är <key>:<målets id>.",
                     examples=["stad"])
    title: str = Field(min_length=1, description="Underrubriken som den skrivs ut ('Stadsövergripande arbete').",
                       examples=["Stadsövergripande arbete"])
    owner: str = Field(min_length=1, description="Bidragsgivarens id som skriver delen.", examples=["stab"])
    empty: str = Field("", description=(
        "Den fasta meningen när ägaren lämnar texten tom; utelämnad: texten krävs."),
        examples=["Inget att rapportera under perioden."])


class GoalParts(Strict):
    """Goals whose analysis is written in parts, by several contributors, in the order the parts are listed.

    The goal's assessment (and its own analysis, optional here, printed before the parts) stays with its owner in
    cycle.yaml (`owns.goals`)."""

    goals: list[str] = Field(min_length=1, description=(
        "Målens id (numret för ett numrerat mål). Målets bedömning och egen analys stannar hos ägaren i cycle.yaml."),
        examples=[["trygga", "hemlosa"]])
    parts: list[GoalPart] = Field(min_length=1, description="Delarna, i utskriftsordning, var och en med egen ägare.")


class EconomyHeadings(Strict):
    """The economy part's own headings, as the nämnd's report prints them."""

    title: str = Field(ECONOMY_TITLE, description=(
        "Ekonomidelens rubrik; tom: ingen, för en ekonomi i målträdet (under) vars rapport inte har någon egen rubrik."))
    operations: str = Field(OPERATIONS_TITLE, min_length=1, description=(
        "Driftbudgetens underrubrik ('Uppföljning av driftbudget', 'Budgetavvikelser')."), examples=["Budgetavvikelser"])


# Units that count whole things: a count is never negative, and '1,330' in one is 1 330 (tertial.checking.indicator_rules).
COUNT_UNITS = ("st", "antal", "personer", "pers", "person", "barn", "elever", "platser", "ärenden", "hushåll", "besök")


class ProfileFile(Strict):
    """A profile as written in YAML."""

    extends: ReportKind | None = Field(None, description=(
        "Den inbyggda profilen som profilen utgår från: T1, T2 eller VB. Då ersätter en del med samma namn basens del, "
        "nya delar läggs in där after/before säger, och remove tar bort delar. Utan extends är parts hela dispositionen."))
    parts: list[Part] = Field(default_factory=list, description="Rapportens delar i ordning (eller, med extends, ändringarna).")
    remove: list[str] = Field(default_factory=list, description=(
        "Med extends: basens delar som lämnas bort, med delens namn eller avsnittets key."), examples=[["directives"]])
    columns: TableColumns | None = Field(None, description=(
        "Indikator- och aktivitetstabellernas kolumner; utelämnad: basens, annars Tertials för rapporttypen."))
    economy: EconomyTables | None = Field(None, description=(
        "Ekonomitabellernas titlar, enheter och kolumner; utelämnad: basens, annars Tertials."))
    deviation_headings: DeviationHeadings | None = Field(None, description=(
        "Områdestexternas rubriker får driftbudgetradens avvikelse med tecken ('Barn och ungdom +4,5 mnkr'); null: "
        "bara rubriken, även om basen har avvikelser."))
    area_texts: list[AreaHeading] | None = Field(None, description=(
        "Driftbudgetens områdestexter i utskriftsordning, med sina rubriker; utelämnad: en per huvudrad (top), med "
        "radens namn."))
    labels: Labels | None = Field(None, description="Etiketten på ett måls analys och en rads analys: Analys eller Kommentar.")
    goal_parts: list[GoalParts] = Field(default_factory=list, description=(
        "Mål vars analys flera bidragsgivare skriver, var och en sin del under egen underrubrik."))
    total_deviation_heading: bool = Field(True, description=(
        "false: rubriken Uppföljning av driftbudget utan totalens avvikelse, som en Tertialrapport 1 kan skriva den."))
    economy_headings: EconomyHeadings | None = Field(None, description=(
        "Ekonomidelens rubrik och driftbudgetens underrubrik; utelämnad: Tertials."))
    count_units: list[Annotated[str, Field(min_length=1)]] | None = Field(None, description=(
        "Enheter som räknar hela saker: ett antal i dem är aldrig negativt, och '1,330' i dem läses som tusental. "
        "Listan ersätter Tertials (" + ", ".join(COUNT_UNITS) + "); skriv med dem som ska gälla."),
        examples=[[*COUNT_UNITS, "brukare", "placeringar"]])


@dataclass(frozen=True)
class Profile:
    """The outline a report is built and printed by."""

    parts: tuple[Part, ...]
    columns: TableColumns | None = None  # the tables' own columns; None: those Tertial prints for the report kind
    deviation_headings: DeviationHeadings | None = None  # None: the area texts are headed by their labels alone
    area_texts: tuple[AreaHeading, ...] | None = None  # None: one text per top-level row, headed by its name
    labels: Labels = Labels()  # Analys or Kommentar, for a goal's analysis and a row's
    economy: EconomyTables | None = None  # the economy tables as declared; None: those Tertial prints for the kind
    goal_parts: tuple[GoalParts, ...] = ()  # goals whose analysis several contributors write, part by part
    total_deviation_heading: bool = True  # False: Uppföljning av driftbudget is headed without the total's deviation
    economy_headings: EconomyHeadings | None = None  # None: Uppföljning av ekonomi / Uppföljning av driftbudget
    count_units: frozenset[str] = frozenset(COUNT_UNITS)  # lower case, as indicator units are compared

    def counts(self, unit: str) -> bool:
        """True for a unit that counts whole things ('st', 'Barn.')."""
        return unit.strip().rstrip(".").lower() in self.count_units

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.parts]

    def part(self, kind: PartKind) -> Part | None:
        return next((p for p in self.parts if p.part is kind), None)

    @property
    def summary_style(self) -> SummaryStyle:
        summary = self.part(PartKind.SUMMARY)
        return (summary.style if summary else None) or SummaryStyle.POSITIVE_CHALLENGES

    def sections(self) -> list[Section]:
        return [p.section() for p in self.parts if p.part is PartKind.SECTION]

    @property
    def printed_names(self) -> list[str]:
        """The parts printed in the outline itself; a section placed in the goal tree is printed with its goal."""
        return [p.name for p in self.parts if not p.under]

    def outline_sections(self) -> list[Section]:
        """The free sections printed in the outline itself, in order."""
        return [p.section() for p in self.parts if p.part is PartKind.SECTION and not p.under]

    def goal_sections(self, goal_id: str) -> list[Section]:
        """The free sections printed inside the goal tree after this goal's own content, in order."""
        return [p.section() for p in self.parts if p.part is PartKind.SECTION and p.under == goal_id]

    def parts_under(self, goal_id: str) -> list[Part]:
        """Every part printed inside the goal tree after this goal's own content (free sections, the balance sheet
        analysis, the special reports), in order."""
        return [p for p in self.parts if p.under == goal_id]

    def placed_in_tree(self, kind: PartKind) -> bool:
        """True when the outline prints this built-in part inside the goal tree rather than in the outline."""
        part = self.part(kind)
        return part is not None and part.under is not None

    def parts_of_goal(self, goal_id: str) -> list[GoalPart]:
        """The parts of this goal's analysis that contributors write, in print order; none: the owner's one analysis."""
        return next((list(group.parts) for group in self.goal_parts if goal_id in group.goals), [])


# How the parts are named to the controller (check-config lists the outline with these).
PART_TITLES = {
    PartKind.FRONT_MATTER: "Tjänsteutlåtande", PartKind.SUMMARY: "Sammanfattande analys",
    PartKind.DIRECTIVES: "Arbete utifrån direktiven", PartKind.GOALS: "Uppföljning av mål",
    PartKind.ECONOMY: "Uppföljning av ekonomi", PartKind.BALANCE_SHEET: "Analys av balansräkning",
    PartKind.SPECIAL_REPORTS: "Särskilda redovisningar (inbyggda)", PartKind.ATTEST: "Attesterat av",
}


def outline_text(profile: Profile) -> str:
    """The outline in one line: 'Tjänsteutlåtande, …, Särskilda redovisningar (Synpunkter och klagomål, …), …', and
    the goals written in parts: '; mål i delar: trygga, hemlosa (Stadsövergripande arbete av stad, …)'."""
    groups = [f"{', '.join(g.goals)} ({', '.join(f'{p.title} av {p.owner}' for p in g.parts)})" for g in profile.goal_parts]
    return ", ".join(_part_text(p) for p in profile.parts) + (f"; mål i delar: {'; '.join(groups)}" if groups else "")


def _part_text(part: Part) -> str:
    if part.part is not PartKind.SECTION:
        return PART_TITLES[part.part] + (f" [i målträdet under mål {part.under}]" if part.under else "")
    return _section_text(part.section()) + (f" [i målträdet under mål {part.under}]" if part.under else "")


def _section_text(section: Section) -> str:
    inner = ", ".join(_section_text(child) for child in section.sections)
    return f"{section.title} ({inner})" if inner else section.title


def walk_sections(sections: list[Section], path: str) -> Iterator[tuple[str, Section]]:
    """Every section with its key path in the profile file, each before its sub-sections."""
    for n, section in enumerate(sections):
        here = f"{path}[{n}]"
        yield here, section
        yield from walk_sections(section.sections, f"{here}.sections")


@cache
def builtin_file(kind: ReportKind) -> ProfileFile:
    """Tertial's own profile for a report kind; shipped with it, so it is read without the user-file guards."""
    text = (PROFILES / f"{kind.value.lower()}.yaml").read_text(encoding="utf-8")
    return ProfileFile.model_validate(yaml.safe_load(text))


def builtin_profile(kind: ReportKind) -> Profile:
    return Profile(tuple(builtin_file(kind).parts), deviation_headings=builtin_file(kind).deviation_headings)


def _named(names: list[str], ref: str) -> str | None:
    """The outline name a user's reference means: a part's name, or a free section's key."""
    return next((n for n in (ref, f"section:{ref}") if n in names), None)


def merge(own: ProfileFile) -> tuple[Profile, list[str]]:
    """The outline of a nämnd's profile: its base's parts with its own replacing, added and removed."""
    problems: list[str] = []
    parts = list(builtin_file(own.extends).parts) if own.extends else []
    for n, ref in enumerate(own.remove):
        name = _named([p.name for p in parts], ref)
        if name is None:
            problems.append(f"remove[{n}]: '{ref}' finns inte i grundprofilen {own.extends or '(ingen: extends saknas)'}")
        parts = [p for p in parts if p.name != name]
    for n, part in enumerate(own.parts):
        names = [p.name for p in parts]
        if own.extends and part.name in names:
            parts[names.index(part.name)] = part
            continue
        anchor = part.after or part.before
        if anchor is None:
            parts.insert(_default_place(parts) if own.extends else len(parts), part)
            continue
        target = _named(names, anchor)
        if target is None:
            key = "after" if part.after else "before"
            problems.append(f"parts[{n}].{key}: delen '{anchor}' finns inte i dispositionen; ange en del "
                            f"({', '.join(x.removeprefix('section:') for x in names)})")
            continue
        parts.insert(names.index(target) + (1 if part.after else 0), part)
    columns = own.columns or (builtin_file(own.extends).columns if own.extends else None)
    area_texts = tuple(own.area_texts) if own.area_texts is not None else None
    labels = own.labels or (builtin_file(own.extends).labels if own.extends else None) or Labels()
    economy = own.economy or (builtin_file(own.extends).economy if own.extends else None)
    return Profile(tuple(parts), columns, _deviation_headings(own), area_texts, labels, economy,
                   goal_parts=tuple(own.goal_parts), total_deviation_heading=own.total_deviation_heading,
                   economy_headings=own.economy_headings,
                   count_units=frozenset(u.strip().lower() for u in own.count_units) if own.count_units is not None
                   else frozenset(COUNT_UNITS)), problems


def _deviation_headings(own: ProfileFile) -> DeviationHeadings | None:
    """The profile's own (`deviation_headings: null` turns its base's off), else its base's."""
    if "deviation_headings" in own.model_fields_set or not own.extends:
        return own.deviation_headings
    return builtin_file(own.extends).deviation_headings


def _default_place(parts: list[Part]) -> int:
    """A part added without a place goes before Attesterat av (at the end when there is none)."""
    names = [p.name for p in parts]
    return names.index(PartKind.ATTEST.value) if PartKind.ATTEST.value in names else len(parts)


def profile_problems(own: ProfileFile, profile: Profile, contributors: list[str], reserved: set[str]) -> list[str]:
    """What makes an outline unusable, each named by its key in the profile file.

    `reserved` are the text keys the built-in parts use (sammanfattning, direktiv, ...): a free section may not
    take one of them.
    """
    problems: list[str] = []
    names = [p.name for p in own.parts]
    for n, part in enumerate(own.parts):
        twice = profile.names.count(part.name) > 1 or names.count(part.name) > 1
        if part.part is not PartKind.SECTION and twice:
            problems.append(f"parts[{n}].part: delen '{part.name}' står mer än en gång i dispositionen")
    seen: dict[str, str] = {}
    own_sections = [(f"parts[{n}]", p.section()) for n, p in enumerate(own.parts) if p.part is PartKind.SECTION]
    for top, section in own_sections:
        for path, item in [(top, section), *walk_sections(section.sections, f"{top}.sections")]:
            problems += _section_problems(path, item, seen, contributors, reserved)
    if own.economy_headings and not own.economy_headings.title.strip() and not profile.placed_in_tree(PartKind.ECONOMY):
        problems.append("economy_headings.title: rubriken får bara vara tom när ekonomin står i målträdet "
                        "(part: economy med under); ange en rubrik")
    return problems


def goal_tree_problems(own: ProfileFile, profile: Profile, goal_ids: list[str]) -> list[str]:
    """A section placed in the goal tree (`under:`) must name a goal of the plan by its id, in an outline with goals."""
    placed = [(n, part.under) for n, part in enumerate(own.parts) if part.under]
    problems = [f"parts[{n}].under: målet '{under}' finns inte i planen; ange ett måls id ({', '.join(goal_ids)})"
                for n, under in placed if under not in goal_ids]
    if placed and profile.part(PartKind.GOALS) is None:
        problems.append(f"parts[{placed[0][0]}].under: dispositionen saknar part: goals, så avsnittet har inget mål att stå under")
    return problems


def _section_problems(path: str, section: Section, seen: dict[str, str], contributors: list[str], reserved: set[str]) -> list[str]:
    problems = []
    if section.key in seen:
        problems.append(f"{path}.key: avsnittet '{section.key}' finns redan ({seen[section.key]}); varje avsnitt behöver en egen key")
    elif section.key in reserved:
        problems.append(f"{path}.key: '{section.key}' är redan ett av Tertials egna textavsnitt; välj en annan key")
    seen.setdefault(section.key, path)
    if section.table is not None and section.owner is None:
        problems.append(f"{path}.table: avsnittet '{section.key}' har en tabell men ingen ägare (owner) som fyller i den")
    if section.owner is not None and section.owner not in contributors:
        problems.append(f"{path}.owner: '{section.owner}' är ingen bidragsgivare i cykeln; ange en av: {', '.join(contributors)}")
    return problems


def goal_part_problems(own: ProfileFile, goal_ids: list[str], contributors: list[str], reserved: set[str]) -> list[str]:
    """`goal_parts`: each goal of the plan once, each part with its own key and a contributor of the cycle."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for n, group in enumerate(own.goal_parts):
        for m, goal in enumerate(group.goals):
            where = f"goal_parts[{n}].goals[{m}]"
            if goal not in goal_ids:
                problems.append(f"{where}: målet '{goal}' finns inte i planen; ange ett måls id ({', '.join(goal_ids)})")
            elif goal in seen:
                problems.append(f"{where}: målet '{goal}' står redan i {seen[goal]}; ett mål delas upp på ett enda sätt")
            seen.setdefault(goal, where)
        keys = [p.key for p in group.parts]
        for m, part in enumerate(group.parts):
            where = f"goal_parts[{n}].parts[{m}]"
            if part.key in keys[:m]:
                problems.append(f"{where}.key: delen '{part.key}' står redan i samma mål; varje del behöver en egen key")
            if part.owner not in contributors:
                problems.append(f"{where}.owner: '{part.owner}' är ingen bidragsgivare i cykeln; ange en av: {', '.join(contributors)}")
            taken = sorted(f"{part.key}:{goal}" for goal in group.goals if f"{part.key}:{goal}" in reserved)
            if taken:
                problems.append(f"{where}.key: '{taken[0]}' är redan ett av Tertials egna textavsnitt; välj en annan key")
    return problems
