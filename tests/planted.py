"""Planted mistakes: one contributor mistake per file, written into a clean example workbook as a contributor would.

Each `Plant` names the file it starts from, the edit (cells typed, a row cleared), and the cell where the
mistake sits. `measure` takes every planted file through intake (the suites and Python rules, as one batch) and,
for mistakes in texts, through the report check of the whole cycle with the planted file in place of the clean
one; a mistake is *caught* when a finding of its rule names its sheet and cell. Used by tests/test_planted.py.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from tertial.accepted import Accepted
from tertial.archive import content_hash
from tertial.assembly import build_report
from tertial.checking.suites import check_submissions
from tertial.config import load_cycle
from tertial.cycle import Cycle
from tertial.errors import SubmissionError
from tertial.findings import Finding, Severity
from tertial.ledger import ACCEPTED, Version
from tertial.reading import read_submission
from tertial.report_checks import check_report
from tertial.submission import Submission

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
Edit = Callable[[Workbook], None]


@dataclass(frozen=True)
class Plant:
    kind: str  # what the contributor did wrong, in a few words (unique across the set)
    rule: str  # the rule that must report it
    cycle: str  # the example folder
    file: str  # the submission file in its submissions/ folder
    sheet: str
    cell: str  # where the mistake sits, and where it must be reported
    edit: Edit = field(repr=False, compare=False)
    text: bool = False  # a mistake only the report check can see (a text against the report's figures)


def put(**cells: object) -> Callable[[str], Edit]:
    """An edit typing values into cells of one sheet: put(F3="118,")("Indikatorer")."""
    def on(sheet: str) -> Edit:
        def edit(workbook: Workbook) -> None:
            for address, value in cells.items():
                workbook[sheet][address].value = value
        return edit
    return on


def plant(kind: str, rule: str, cycle: str, file: str, sheet: str, cell: str, value: object = None, *,
          edit: Edit | None = None, text: bool = False) -> Plant:
    """A plant typing `value` into `cell` (or making its own `edit`)."""
    return Plant(kind, rule, cycle, file, sheet, cell, edit or put(**{cell: value})(sheet), text)


def replace_in(sheet: str, cell: str, old: str, new: str) -> Edit:
    """An edit changing one phrase of a text cell, as a contributor revising a text would."""
    def edit(workbook: Workbook) -> None:
        current = workbook[sheet][cell].value
        if old not in (current or ""):
            raise AssertionError(f"{sheet}!{cell} does not contain {old!r}: {current!r}")
        workbook[sheet][cell].value = current.replace(old, new, 1)
    return edit


def row_of(workbook: Workbook, sheet: str, item_id: str) -> int | None:
    sheet_ = workbook[sheet]
    for row in range(2, sheet_.max_row + 1):
        if str(sheet_.cell(row, 1).value or "").strip() == item_id:
            return row
    return None


def column_of(workbook: Workbook, sheet: str, header: str) -> int | None:
    for cell in workbook[sheet][1]:
        if cell.value == header:
            return cell.column
    return None


def planted_file(p: Plant, folder: Path) -> Path:
    """The clean file copied to `folder` under the plant's own name, with the mistake typed into it."""
    path = folder / f"{p.kind.replace(' ', '_').replace('/', '-')}.xlsx"
    shutil.copyfile(EXAMPLES / p.cycle / "submissions" / p.file, path)
    workbook = load_workbook(path)
    p.edit(workbook)
    workbook.save(path)
    return path


def _at_cell(found: Finding, p: Plant, workbook: Workbook) -> bool:
    """Whether the finding names the plant's cell: by address, by row and column, or by its item and column."""
    if found.sheet != p.sheet:
        return False
    if found.cell:
        return found.cell == p.cell
    if found.row is not None and found.column:
        column = column_of(workbook, p.sheet, found.column)
        return column is not None and f"{get_column_letter(column)}{found.row}" == p.cell
    if not (found.item_id and found.column):
        return False
    row, column = row_of(workbook, p.sheet, found.item_id), column_of(workbook, p.sheet, found.column)
    return row is not None and column is not None and f"{get_column_letter(column)}{row}" == p.cell


def _accepted(path: Path, cycle: Cycle, contributor: str) -> Accepted:
    version = Version(id=1, cycle_id=cycle.config.id, contributor_id=contributor, number=1, sha256=content_hash(path),
                      original_name=path.name, archive_path=str(path), received_at=dt.datetime(2025, 5, 2, tzinfo=dt.UTC),
                      status=ACCEPTED, errors=0, warnings=0)
    return Accepted(read_submission(path, cycle), version)


@dataclass
class Outcome:
    plant: Plant
    findings: list[Finding]
    caught: bool


def measure(plants: list[Plant], folder: Path) -> list[Outcome]:
    """Every plant through intake (one batch per cycle) and, for text mistakes, the report check."""
    outcomes = []
    for name in dict.fromkeys(p.cycle for p in plants):
        cycle = load_cycle(EXAMPLES / name / "cycle.yaml")
        mine = [p for p in plants if p.cycle == name]
        paths = [planted_file(p, folder) for p in mine]
        read = [_read(path, cycle) for path in paths]
        readable = [r for r in read if not isinstance(r, Finding)]
        checked = iter(check_submissions(readable, cycle))
        intake = [[r] if isinstance(r, Finding) else next(checked) for r in read]
        clean = _clean_accepted(cycle, name)
        for p, path, found in zip(mine, paths, intake):
            if p.text and not any(f.severity is Severity.ERROR for f in found):
                contributor = next(c for c, a in clean.items() if Path(a.version.original_name).name == p.file)
                found = found + check_report(build_report(cycle, {**clean, contributor: _accepted(path, cycle, contributor)}))
            workbook = load_workbook(path)
            outcomes.append(Outcome(p, found, any(f.rule_id == p.rule and _at_cell(f, p, workbook) for f in found)))
    return outcomes


def _read(path: Path, cycle: Cycle) -> Submission | Finding:
    """The submission, or the refusal of a file that cannot be read at all, as the intake flow records it."""
    try:
        return read_submission(path, cycle)
    except SubmissionError as error:
        return Finding(error.rule_id, Severity.ERROR, error.message, file=error.file, sheet=error.sheet, row=error.row,
                       column=error.column, cell=error.cell)


def clean_findings(name: str) -> tuple[list[Finding], list[Finding]]:
    """The intake findings of every clean workbook of an example, and its report check's findings."""
    cycle = load_cycle(EXAMPLES / name / "cycle.yaml")
    clean = _clean_accepted(cycle, name)
    intake = check_submissions([a.submission for a in clean.values()], cycle)
    return [f for fs in intake for f in fs], check_report(build_report(cycle, clean))


def _clean_accepted(cycle: Cycle, name: str) -> dict[str, Accepted]:
    """Each contributor's clean submission in the example (a workbook, or a folder of CSV files)."""
    folder = EXAMPLES / name / "submissions"
    accepted = {}
    for contributor in cycle.config.contributors:
        path = next((p for p in (folder / f"{contributor.id}.xlsx", folder / contributor.id) if p.exists()), None)
        if path is not None:
            accepted[contributor.id] = _accepted(path, cycle, contributor.id)
    return accepted


def merge(sheet: str, cells: str) -> Edit:
    def edit(workbook: Workbook) -> None:
        workbook[sheet].merge_cells(cells)
    return edit


def copy_cell(sheet: str, source: str, target: str) -> Edit:
    def edit(workbook: Workbook) -> None:
        workbook[sheet][target].value = workbook[sheet][source].value
    return edit


def add_row(sheet: str, *values: object) -> Edit:
    def edit(workbook: Workbook) -> None:
        workbook[sheet].append(list(values))
    return edit


def both(*edits: Edit) -> Edit:
    def edit(workbook: Workbook) -> None:
        for each in edits:
            each(workbook)
    return edit


T1, T2, VB, SN = "eav-t1-2024", "eav-t2-2024", "eav-vb-2024", "sn-vb-2013"
BU, EK, ADM, FSK = "barn-unga.xlsx", "ekonomi.xlsx", "administrativa.xlsx", "forskola.xlsx"
IND, MAL, AKT, TXT, EKO = "Indikatorer", "Mål", "Aktiviteter", "Texter", "Ekonomi"

PLANTS: list[Plant] = [
    # --- Indicators: numbers as contributors type them (seed 004's 1.3-I1, a tertial share).
    plant("percentage over 100", "indicator_percent_range", T1, BU, IND, "F2", "134 %"),
    plant("words in a number cell", "number_invalid", T1, BU, IND, "F2", "ca 24"),
    plant("truncated number", "number_truncated", T1, BU, IND, "F2", "24,"),
    plant("range instead of a value", "number_range", T1, BU, IND, "F2", "24–25 %"),
    plant("Excel turned the number into a date", "number_date", T1, BU, IND, "F2", dt.datetime(2024, 1, 24)),
    plant("exponent notation", "number_exponent", T1, BU, IND, "F2", "2,41E+01"),
    plant("number with too many digits", "number_too_long", T1, BU, IND, "F2", "24,1234567890123456789012345 %"),
    plant("tertial outcome left empty", "indicator_outcome_missing", T1, BU, IND, "F2", None),
    plant("outcome in another unit", "indicator_unit_mismatch", T1, BU, IND, "F2", "24,1 st"),
    plant("percentage without unit", "indicator_unit_missing", T1, BU, IND, "F2", "24,1"),
    plant("men's outcome not a number", "number_invalid", T1, BU, IND, "G2", "ca 23"),
    plant("total outside men and women", "indicator_sex_outside_rate", T1, BU, IND, "F2", edit=put(G2="30 %", H2="31 %")(IND)),
    plant("forecast left empty", "indicator_forecast_missing", T1, BU, IND, "J2", None),
    plant("forecast in words", "number_invalid", T1, BU, IND, "J2", "som i fjol"),
    plant("status left empty", "indicator_status_missing", T1, BU, IND, "M2", None),
    plant("status in own words", "indicator_status_unknown", T1, BU, IND, "M2", "Bra"),
    plant("status with a lookalike letter", "structure_lookalike_choice", T1, BU, IND, "M2", "Uppfylls h\u0435lt"),
    plant("status contradicts the figures", "indicator_status_contradicts", T1, BU, IND, "M2", "Uppfylls inte"),
    plant("wrong period", "indicator_period", T1, BU, IND, "E2", "Tertial 2 2024"),
    plant("analysis missing for a missed target", "indicator_analysis_missing", T1, BU, IND, "N3", None),
    plant("analysis as an Excel formula", "formula_text", T1, BU, IND, "N2", "=-Fler utredningar"),
    plant("formula in an outcome", "formula", T1, BU, IND, "F2", "=23+1"),
    plant("indicator id cleared", "row_id_missing", T1, BU, IND, "A2", None),
    plant("indicator id mistyped", "indicator_unknown", T1, BU, IND, "A2", "1.3-I99"),
    plant("indicator row pasted twice", "indicator_duplicate", T1, BU, IND, "A3", "1.3-I1"),
    plant("header renamed", "structure_header_renamed", T1, BU, IND, "F1", "Utfall"),
    plant("merged cells", "structure_merged_cell", T1, BU, IND, "F2", edit=merge(IND, "F2:G2")),
    plant("negative count", "indicator_negative_count", T1, BU, IND, "F5", "-3 st"),
    plant("comma as thousands separator", "number_comma_thousands", T1, BU, IND, "F5", "1,330 st"),
    plant("large change nobody explains", "indicator_large_change", T1, FSK, IND, "F3",
          edit=put(F3="10 %", G3="1 %", H3="9 %")(IND)),
    # --- Goals.
    plant("goal assessment left empty", "goal_assessment_missing", T1, BU, MAL, "C3", None),
    plant("goal assessment in own words", "goal_assessment_unknown", T1, BU, MAL, "C3", "Helt"),
    plant("goal analysis left empty", "goal_analysis_missing", T1, BU, MAL, "D3", None),
    plant("expected result left empty", "goal_expected_missing", T1, BU, MAL, "F3", None),
    plant("goal number mistyped", "goal_unknown", T1, BU, MAL, "A3", "1.3.9"),
    plant("goal row pasted twice", "goal_duplicate", T1, BU, MAL, "A4", "1.3.1"),
    plant("wrong count of indicators met", "goal_analysis_count", T1, BU, MAL, "D3",
          edit=replace_in(MAL, "D3", "Fler föräldrar", "Två av två indikatorer uppfylls helt. Fler föräldrar")),
    # --- Activities.
    plant("end date before start date", "activity_end_before_start", T1, BU, AKT, "E3", "2023-12-31"),
    plant("date that does not exist", "date_invalid", T1, BU, AKT, "D3", "2024-02-30"),
    plant("activity status left empty", "activity_status_missing", T1, BU, AKT, "F3", None),
    plant("activity status in own words", "activity_status_unknown", T1, BU, AKT, "F3", "Klar"),
    # Reported where the contributor is asked to act: the Avvikelse that explains the delay.
    plant("ended activity still running", "activity_overdue", T1, BU, AKT, "G3", edit=put(E3="2024-03-31")(AKT)),
    plant("activity id mistyped", "activity_unknown", T1, BU, AKT, "A3", "1.3.1-A99"),
    plant("activity row pasted twice", "activity_duplicate", T1, BU, AKT, "A4", "1.3.1-A1"),
    # --- Texts.
    plant("text section key mistyped", "text_unknown", T1, ADM, TXT, "A9", "direktiven"),
    plant("text left empty", "text_missing", T1, ADM, TXT, "C9", None),
    # --- Economy: the driftbudget table.
    plant("economy forecast left empty", "economy_forecast_missing", T1, EK, EKO, "G2", None),
    plant("economy amount in words", "number_invalid", T1, EK, EKO, "D2", "ca 80"),
    plant("deviation does not follow from the row", "economy_row_identity", T1, EK, EKO, "I2", "3,8"),
    plant("sum row does not add up", "economy_total_mismatch", T1, EK, EKO, "D19", "2 740,6"),
    plant("area smaller than its varav rows", "economy_varav_exceeds", T1, EK, EKO, "D3", "156,7"),
    plant("economy row id mistyped", "economy_unknown", T1, EK, EKO, "A8", "stadsmiljon"),
    plant("economy row pasted twice", "economy_duplicate", T1, EK, EKO, "A5", "iof-barn"),
    plant("formula in a budget cell", "formula", T1, EK, EKO, "D2", "=80+0,7"),
    plant("point that may be a thousands separator", "number_ambiguous", T1, EK, EKO, "D2", "80.700"),
    # --- Investments, result units, turnover, adjustments, total driftbudget, key figures.
    plant("investment deviation wrong", "economy_row_identity", T1, EK, "Investeringar", "F2", "1,0"),
    plant("investment id mistyped", "investment_unknown", T1, EK, "Investeringar", "A2", "parken"),
    plant("investment total does not add up", "economy_total_mismatch", T1, EK, "Investeringar", "C9", "40,7"),
    plant("result unit transfer wrong", "result_unit_transfer", T1, EK, "Resultatenheter", "E2", "2 675"),
    plant("result unit named twice", "result_unit_duplicate", T1, EK, "Resultatenheter", "A3", "Snösättras förskolor"),
    plant("result unit budget left empty", "result_unit_value_missing", T1, EK, "Resultatenheter", "B2", None),
    plant("result units' sum row wrong", "economy_total_mismatch", T1, EK, "Resultatenheter", "B22", "1 055 533"),
    plant("turnover amount left empty", "turnover_value_missing", T1, EK, "Omslutningsförändringar", "B2", None),
    plant("turnover area named twice", "turnover_duplicate", T1, EK, "Omslutningsförändringar", "A3", "Individ- och familjeomsorg, vuxna"),
    plant("adjustment kind in own words", "adjustment_kind_unknown", T1, EK, "Budgetjusteringar", "B2", "invest"),
    plant("adjustment kind left empty", "adjustment_kind_missing", T1, EK, "Budgetjusteringar", "B2", None),
    plant("adjustment amount left empty", "adjustment_value_missing", T1, EK, "Budgetjusteringar", "C2", None),
    plant("adjustment motivation left empty", "adjustment_text_missing", T1, EK, "Budgetjusteringar", "D2", None),
    plant("sum row typed into adjustments", "adjustment_sum_row", T1, EK, "Budgetjusteringar", "A5", edit=add_row("Budgetjusteringar", "Summa", None, "1,9")),
    plant("total driftbudget deviation wrong", "total_budget_identity", T1, EK, "Total driftbudget", "F2", "-7,5"),
    plant("total driftbudget header changed", "total_budget_header", T1, EK, "Total driftbudget", "B1", "Budget 2024"),
    plant("key figure in words", "free_table_not_number", T1, EK, "Nyckeltal förskola", "D2", "ca 3 600"),
    plant("key figure area mistyped", "key_figure_area_unknown", T1, EK, "Nyckeltal förskola", "B8", "forskolan"),
    # --- Texts against the report's own figures (the report check).
    plant("area text amount differs from the table", "narrative_amount", T1, EK, TXT, "C3", text=True,
          edit=replace_in(TXT, "C3", "2,8 mnkr", "3,8 mnkr")),
    plant("surplus written as a deficit", "narrative_amount", T1, EK, TXT, "C3", text=True,
          edit=replace_in(TXT, "C3", "ett överskott på 2,8", "ett underskott på 2,8")),
    plant("overview deficit wrong", "narrative_amount", T1, EK, TXT, "C2", text=True,
          edit=replace_in(TXT, "C2", "underskott på 6,5 mnkr", "underskott på 7,5 mnkr")),
    plant("investment forecast in text wrong", "narrative_table_amount", T1, EK, TXT, "C16", text=True,
          edit=replace_in(TXT, "C16", "prognosen 40,7", "prognosen 41,7")),
    plant("requested adjustments in text wrong", "narrative_table_amount", T1, EK, TXT, "C16", text=True,
          edit=replace_in(TXT, "C16", "begär 1,0 mnkr", "begär 1,5 mnkr")),
    plant("two amounts and a wrong total", "narrative_prose_sum", T1, EK, TXT, "C16", text=True,
          edit=replace_in(TXT, "C16", "Nämnden begär 1,0 mnkr i justeringar",
                          "Nämnden begär 0,8 mnkr och 0,2 mnkr, totalt 1,2 mnkr, i justeringar")),
    plant("fund withdrawal in summary wrong", "narrative_table_amount", T1, ADM, TXT, "C2", text=True,
          edit=replace_in(TXT, "C2", "tagit 6,5 mnkr", "tagit 8,5 mnkr")),
    plant("count of inriktningsmål wrong", "narrative_goal_count", T1, ADM, TXT, "C2", text=True,
          edit=replace_in(TXT, "C2", "att kommunfullmäktiges tre inriktningsmål nås",
                          "att två av kommunfullmäktiges tre inriktningsmål nås helt")),
    plant("assessment word contradicts the assessment", "narrative_assessment_word", T1, ADM, MAL, "D5", text=True,
          edit=replace_in(MAL, "D5", "bedöms nås helt", "bedöms nås delvis")),
    plant("attachment that does not exist", "narrative_attachment", T1, ADM, TXT, "C9", text=True,
          edit=replace_in(TXT, "C9", "bär det trygghetsskapande arbetet.",
                          "bär det trygghetsskapande arbetet, se bilaga 9.")),
    # Reported at the later of the two places, naming the earlier.
    plant("paragraph pasted under two goals", "narrative_repeated_paragraph", T1, ADM, MAL, "D10", text=True, edit=copy_cell(MAL, "D10", "D8")),
    plant("forecast quoted wrongly in the analysis", "narrative_row_number", T1, BU, IND, "N3", text=True,
          edit=replace_in(IND, "N3", "Prognosen, 70,", "Prognosen, 72,")),
    plant("budget indicator against the economy", "narrative_budget_indicator", T1, EK, IND, "F2", "97 %", text=True),
    # Reported at the Analys, which is asked to explain the assessment.
    plant("goal judged unmet while its indicators are met", "narrative_goal_basis", T1, BU, MAL, "D3", text=True,
          edit=both(put(C3="Uppfylls inte")(MAL), replace_in(MAL, "D3", "bedöms nås helt", "bedöms inte nås"))),
    plant("share that does not fit its ratio", "narrative_row_number", T1, BU, IND, "N3", text=True,
          edit=replace_in(IND, "N3", "Insatserna ses över", "8 av 12 placerade barn, det vill säga 60 procent, når målen. Insatserna ses över")),
    plant("units' amounts do not add up to the area's", "narrative_unit_sum", T1, EK, TXT, "C4", text=True,
          edit=replace_in(TXT, "C4", "Höga placeringskostnader",
                          "Barn och ungdom visar ett underskott på 20,0 mnkr. Vuxna visar ett överskott på 4,0 mnkr. "
                          "Nyanlända visar ett överskott på 5,0 mnkr. Höga placeringskostnader")),
    plant("amount before requests wrong", "narrative_before_requests", T1, EK, TXT, "C3", text=True,
          edit=replace_in(TXT, "C3", "Vakanta tjänster", "Det motsvarar ett överskott på 3,0 mnkr före begärda budgetjusteringar. Vakanta tjänster")),
    plant("requested adjustment differs from the investments", "adjustment_investment_mismatch", T1, EK, "Budgetjusteringar", "C2", "0,4",
          text=True),
    plant("attachment named by another's title", "narrative_attachment_title", T1, ADM, TXT, "C9", text=True,
          edit=replace_in(TXT, "C9", "bär det trygghetsskapande arbetet.",
                          "bär det trygghetsskapande arbetet, se åtgärdsplanen för att förebygga brott i bilaga 3.")),
    plant("status of an unmeasurable indicator", "indicator_status_contradicts", T1, "aldre.xlsx", IND, "M2", "Uppfylls helt"),
    plant("annual period for a tertial indicator", "indicator_period", T1, BU, IND, "E2", "2024"),
    # --- The T2 2024 example.
    plant("first tertial's months in a T2", "narrative_period_word", T2, ADM, MAL, "D7", text=True,
          edit=replace_in(MAL, "D7", "under maj till augusti", "under januari–april")),
    plant("wrong count of activities completed", "narrative_activity_count", T2, "aldre.xlsx", MAL, "D3", text=True,
          edit=replace_in(MAL, "D3", "0 av målets 2 aktiviteter", "2 av målets 2 aktiviteter")),
    plant("last tertial's period in a T2", "indicator_period", T2, BU, IND, "E2", "Tertial 1 2024"),
    plant("T2 forecast after transfers left empty", "economy_forecast_missing", T2, EK, EKO, "H3", None),
    plant("T2 status says unmet where the forecast meets", "indicator_status_contradicts", T2, BU, IND, "M2", "Uppfylls inte"),
    # --- The VB 2024 example.
    plant("activity still running at year end", "activity_overdue", VB, "aldre.xlsx", AKT, "G2",
          edit=put(F2="Pågår")(AKT)),
    plant("VB deviation does not follow from the row", "economy_row_identity", VB, EK, EKO, "G2", "6,1"),
    plant("VB adjusted deviation does not follow", "economy_row_identity", VB, EK, EKO, "I2", "9,9"),
    plant("VB investment outcome in words", "number_invalid", VB, EK, "Investeringar", "D2", "drygt fem"),
    plant("VB year's outcome left empty", "indicator_outcome_missing", VB, BU, IND, "F2", None),
    # --- Seed 002's VB 2013.
    plant("VB outcome left empty", "indicator_outcome_missing", SN, "personal.xlsx", IND, "F7", None),
    plant("economy outcome in words", "number_invalid", SN, "administration.xlsx", EKO, "E2", "fyra"),
    plant("revenue/cost kind in own words", "revenue_cost_kind_unknown", SN, "administration.xlsx", "Intäkter och kostnader", "B2", "inkomst"),
    plant("revenue sum row does not add up", "economy_total_mismatch", SN, "administration.xlsx", "Intäkter och kostnader", "G8", "-620,8"),
    plant("revenue comment says the opposite of the row", "narrative_row_comment_budget", SN, "administration.xlsx",
          "Intäkter och kostnader", "I4", "Bidragen blev 33,2 mnkr högre än budgeterat.", text=True),
    plant("revenue written as a cost", "revenue_cost_sign", SN, "administration.xlsx", "Intäkter och kostnader", "G2", "47,7"),
    plant("unit result left empty", "result_unit_value_missing", SN, "administration.xlsx", "Resultatenheter", "B2", None),
    plant("previous year's value quoted wrongly", "narrative_row_number", SN, "stadsovergripande.xlsx", IND, "K3", text=True,
          edit=replace_in(IND, "K3", "från 65 till 69", "från 62 till 69")),
    plant("target quoted wrongly", "narrative_row_number", SN, "personal.xlsx", IND, "K6", text=True,
          edit=replace_in(IND, "K6", "93 procent", "95 procent")),
    plant("VB result in goal analysis wrong", "narrative_amount", SN, "administration.xlsx", MAL, "D5", text=True,
          edit=replace_in(MAL, "D5", "7,8 mnkr", "8,7 mnkr")),
]
