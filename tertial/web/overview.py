"""What leadership's page shows, computed from the ledger and the usable versions; the template only lays it out.

The goals and the economy are read from the report model that assembly builds from the usable versions (newest
accepted, not returned), so the page and the report never differ. Assembling means reading every usable original
back from the archive, so the model is kept until the usable versions change (`Reports`).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from tertial.accepted import accepted_versions
from tertial.assembly import assemble
from tertial.assessments import DEFAULT_GRADES, Grade, Meaning
from tertial.cycle import Cycle
from tertial.economy_columns import formula_for
from tertial.ledger import Ledger
from tertial.render.formats import FORMATS
from tertial.render.status_page import StatusRow, StatusView
from tertial.report import EconomyLine, GoalSection, IndicatorRow, Report
from tertial.settings import load_settings
from tertial.status import Status, usable_versions
from tertial.workspace import Workspace

NOT_YET = "Inte bedömt än"  # a goal whose owner has handed in no usable version (or no row for it)
NOT_REPORTED = "Inte rapporterad än"  # an indicator or activity under such a goal
PROSE_ONLY = "Bedöms inte (beskrivs i text)"
FORMAT_NAMES = {"pdf": "PDF", "docx": "Word", "html": "Webbsida (HTML)", "json": "Data (JSON)"}
MEDIA_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8", "json": "application/json",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
# An indicator's status is one of the built-in words, which are the default scale's (Ej mätbar: not assessed).
_INDICATOR_MEANINGS = {grade.value: grade.means for grade in DEFAULT_GRADES}


# --- The cycle's status ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CycleState:
    """The status page's view (shared with the static page), with what leadership counts from it."""

    view: StatusView
    approved: int  # reviewed and approved by the controller
    late: list[StatusRow]  # overdue contributors, their working days late in `days_text`

    @property
    def delivered(self) -> int:
        return self.view.done


def cycle_state(view: StatusView) -> CycleState:
    return CycleState(view, view.counts.get(Status.REVIEWED.value, 0),
                      [row for row in view.rows if row.status.status is Status.LATE])


def working_days_late(row: StatusRow) -> int:
    return -row.status.days_left


# --- The goal tree ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mark:
    """An assessment or status as shown: its word and symbol always, its colour beside them."""

    word: str
    symbol: str = ""
    colour: str | None = None


@dataclass(frozen=True)
class ItemLine:
    kind: str  # "Indikator" or "Aktivitet"
    name: str
    mark: Mark | None
    note: str = ""


@dataclass(frozen=True)
class GoalLine:
    key: str
    label: str
    title: str
    owner: str
    mark: Mark
    items: list[ItemLine]
    children: list[GoalLine]


def goal_tree(report: Report, cycle: Cycle) -> list[GoalLine]:
    return [_goal_line(goal, cycle) for goal in report.goals]


def _goal_line(goal: GoalSection, cycle: Cycle) -> GoalLine:
    items = [ItemLine("Indikator", i.name, _indicator_mark(i, goal.missing), i.not_followed_up)
             for i in goal.indicators]
    items += [ItemLine("Aktivitet", a.name, _marked(NOT_REPORTED, "", Meaning.EJ_BEDOMD) if goal.missing
                       else Mark(a.status, a.printed_symbol) if a.status else None) for a in goal.activities]
    return GoalLine(goal.key, goal.label, goal.numbered_title, goal.owner, _goal_mark(goal, cycle), items,
                    [_goal_line(child, cycle) for child in goal.children])


def _goal_mark(goal: GoalSection, cycle: Cycle) -> Mark:
    if not goal.assessed:
        return Mark(PROSE_ONLY)
    if goal.missing:
        return _marked(NOT_YET, "", Meaning.EJ_BEDOMD)
    grade: Grade = cycle.plan.assessments.grade(goal.assessment)
    return _marked(grade.value, grade.symbol, grade.means)


def _indicator_mark(row: IndicatorRow, missing: bool) -> Mark | None:
    if missing:
        return _marked(NOT_REPORTED, "", Meaning.EJ_BEDOMD)
    if not row.status:  # a layout without indicator status
        return None
    return _marked(row.status, row.status_symbol, _INDICATOR_MEANINGS.get(row.status, Meaning.EJ_BEDOMD))


def _marked(word: str, symbol: str, meaning: Meaning) -> Mark:
    return Mark(word, symbol, meaning.colour)


def goal_tally(tree: list[GoalLine]) -> list[tuple[Mark, int]]:
    """How many goals carry each assessment (in the order first met), not counting goals described in prose only."""
    counts: dict[Mark, int] = {}
    for line in _walk(tree):
        if line.mark.colour is not None:
            counts[line.mark] = counts.get(line.mark, 0) + 1
    return list(counts.items())


def _walk(tree: list[GoalLine]):
    for line in tree:
        yield line
        yield from _walk(line.children)


# --- The economy headline -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class EconomyHeadline:
    """The driftbudget per verksamhetsområde, cut to what the deviation is measured against and the deviation."""

    title: str
    unit: str
    decimals: int
    columns: list[tuple[str, str]]
    lines: list[EconomyLine]
    heading: str  # the total's signed deviation, when the profile heads the driftbudget with it
    adherence: Decimal | None
    missing: bool  # the economy owner has no usable version yet
    owner: str  # the economy owner's avdelning


def economy_headline(report: Report, cycle: Cycle) -> EconomyHeadline | None:
    economy = report.economy
    table = economy.operations
    if table is None:
        return None
    keys = [key for key, _ in table.columns]
    shown = headline_columns(keys, cycle.outline.deviation_headings.column if cycle.outline.deviation_headings else None)
    owner = cycle.contributor(cycle.economy_owner).avdelning if cycle.economy_owner else ""
    return EconomyHeadline(
        title=economy.operations_title, unit=table.unit, decimals=table.decimals,
        columns=[(key, heading) for key, heading in table.columns if key in shown],
        lines=[table.printed(line) for line in [*table.rows, table.total]], heading=economy.deviation_heading,
        adherence=economy.budget_adherence, missing=table.missing, owner=owner,
    )


def headline_columns(keys: list[str], heading_column: str | None) -> list[str]:
    """The table's Avvikelse, the columns its formula subtracts (the prognos in a tertial report, the utfall in a
    verksamhetsberättelse) and the column the profile heads areas with; the whole table when it has no Avvikelse."""
    if "deviation" not in keys:
        return keys
    formula = formula_for("deviation", keys)
    wanted = {*(formula.minus if formula else ()), "deviation", heading_column}
    return [key for key in keys if key in wanted]


# --- The report model, kept while the usable versions stay -------------------------------------------------

class Reports:
    """The report model of the usable versions, assembled again only when the set of usable versions changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._report: Report | None = None

    def current(self, cycle: Cycle, ledger: Ledger) -> Report:
        usable = usable_versions(ledger, cycle.config.id)
        key = (cycle.config.id, tuple((c, v.id, v.sha256) for c, v in sorted(usable.items())))
        with self._lock:  # one assembly at a time; the others wait for it and take its result
            if self._report is None or key != self._key:
                self._report, _ = assemble(cycle, accepted_versions(ledger, cycle))
                self._key = key
            return self._report


# --- The latest draft report ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class DraftFile:
    name: str  # report.pdf: its name in the work folder's report folder, and in its download address
    label: str
    size_kb: int


@dataclass(frozen=True)
class Draft:
    files: list[DraftFile]
    written: str  # when the newest of them was written, local time


def draft_report(workdir: Path) -> Draft | None:
    """The report `tertial assemble` last wrote to the work folder, in the formats it wrote; None before any."""
    folder = Workspace(workdir).report
    paths = [(kind, folder / f"report.{kind}") for kind in FORMATS]
    present = [(kind, path) for kind, path in paths if path.is_file()]
    if not present:
        return None
    newest = max(path.stat().st_mtime for _, path in present)
    local = dt.datetime.fromtimestamp(newest, ZoneInfo(load_settings().timezone))
    return Draft([DraftFile(path.name, FORMAT_NAMES[kind], max(1, round(path.stat().st_size / 1024)))
                  for kind, path in present], local.strftime("%Y-%m-%d %H:%M"))


def draft_file(workdir: Path, name: str) -> tuple[Path, str] | None:
    """One file of the draft by its name, with its media type; None for any other name (nothing else is served)."""
    kinds = {f"report.{kind}": kind for kind in FORMATS}
    path = Workspace(workdir).report / name
    if name not in kinds or not path.is_file():
        return None
    return path, MEDIA_TYPES[kinds[name]]
