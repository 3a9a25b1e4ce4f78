"""Writing submissions in the canonical format: the contributor's pre-filled workbook, or CSV files.

The handout workbook holds exactly what one contributor owns. Cells Tertial fills from the
plan are locked; the cells the contributor answers are open, with drop-down lists for closed
vocabularies. An instructions sheet comes first and a hidden sheet identifies cycle,
contributor and template version, so intake never relies on the file name.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.reader.excel import load_workbook

from tertial.access import issue_token
from tertial.asked_sheets import asked_sheets
from tertial.activity_statuses import activity_statuses
from tertial.cycle import Cycle
from tertial.inert import formulas_as_text
from tertial.layout import NOT_FOLLOWED_UP
from tertial.numbers import NumberParseError, format_quantity, parse_quantity
from tertial.economy import ADJUSTMENT, ADJUSTMENT_KINDS, REVENUE_COST_KINDS
from tertial.economy_columns import investments_as_text, table_spec
from tertial.economy_totals import TOTAL_ID, TOTAL_NAME
from tertial.section_tables import TABLES, open_cell, owned_tables, prefilled_table_rows
from tertial.submission import ECONOMY_SHEETS, META_SHEET, OPTIONAL_ECONOMY_SHEETS, TEMPLATE_VERSION, Sheet, sheets_for
from tertial.vocabulary import Aggregation, IndicatorStatus

Rows = dict[str, list[dict[str, object]]]
INSTRUCTIONS_SHEET = "Instruktioner"

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
_INPUT_FILL = PatternFill("solid", fgColor="FFFDE7")
_WIDE = {"name", "title", "analysis", "text", "description", "expected", "deviation", "comment"}

# Columns a contributor answers, per sheet; everything else is pre-filled and locked.
INPUT_COLUMNS = {
    "goals": {"assessment", "analysis", "description", "expected"},
    "indicators": {"outcome", "men", "women", "forecast", "status", "analysis"},
    "activities": {"status", "deviation", "analysis"},
    "texts": {"text"},
    "economy": {"budget", "requested", "performance", "forecast_before", "forecast_after", "deviation",
                "previous", "outcome", "transfer", "adjusted", "comment"},
    "investments": {"budget", "requested", "forecast", "outcome", "deviation"},
    "result_units": {"name", "budget", "brought", "result", "carried"},
    "turnover": {"name", "amount", "comment"},
    "adjustments": {"title", "kind", "amount", "text"},
    "revenue_costs": {"name", "kind", "previous", "outcome", "comment"},
}
# The optional economy sheets have no rows from the plan: the contributor adds them, so this many are left open.
OPEN_ROWS = 40
# Below its sections, the Texter sheet leaves this many rows open for a text that continues past one cell.
CONTINUATION_ROWS = 10
_CHOICES = {
    ("adjustments", "kind"): list(ADJUSTMENT_KINDS),
    ("revenue_costs", "kind"): list(REVENUE_COST_KINDS),
    ("indicators", "status"): [s.value for s in IndicatorStatus],
}
# Excel refuses a drop-down whose literal list is longer than this.
MAX_LIST_CHARS = 255
# An indicator not followed up this period has no figures to give, and no status but Ej mätbar.
_FIGURES = {"outcome", "men", "women", "forecast"}
_NOT_FOLLOWED_UP_STATUSES = [IndicatorStatus.EJ_MATBAR.value]


@dataclass(frozen=True)
class Handout:
    """What makes a workbook a handout rather than a plain canonical file."""

    deadline: dt.date
    stamp: dt.datetime  # fixed document time, so the same cycle gives the same bytes
    link: str | None = None  # the contributor's personal page under `tertial serve`, when the installation has one


def prefilled_rows(cycle: Cycle, contributor_id: str) -> Rows:
    """The rows a contributor receives: every item it owns, with what the plan already knows."""
    plan, cfg = cycle.plan, cycle.config
    goals = [plan.goal(n) for n in cycle.owned(contributor_id, cycle.goal_owner)]
    indicators = [i for i in plan.indicators if cycle.indicator_owner.get(i.id) == contributor_id]
    activities = [a for a in plan.activities if cycle.activity_owner.get(a.id) == contributor_id]
    texts = [s for s in cycle.sections if cycle.text_owner.get(s.key) == contributor_id]
    rows: Rows = {
        "goals": [{"goal": g.id, "title": g.heading if g.number != g.id else g.title} for g in goals],
        "indicators": [{
            "id": i.id, "name": i.name, "goal": i.goal, "unit": i.unit,
            "period": i.period(cfg.kind, cfg.year),
            "previous": cell_quantity(i.previous_outcome, i.unit),
            "annual_target": i.annual_target.raw if i.annual_target else "",
            "kf_target": i.kf_target.raw if i.kf_target else "",
        } for i in indicators],
        "activities": [{
            "id": a.id, "name": a.name, "goal": a.goal, "start": a.start.isoformat(), "end": a.end.isoformat(),
        } for a in activities],
        "texts": [{"key": s.key, "title": s.title} for s in texts],
    }
    if owned_tables(cycle, contributor_id):  # the Tabeller sheet: only the owner of a section's table gets it
        rows[TABLES] = prefilled_table_rows(cycle, contributor_id)
    if cycle.economy_owner == contributor_id:
        rows["economy"] = [{"id": r.id, "name": r.name, "row_type": r.row_type.value} for r in plan.economy.areas]
        if not investments_as_text(cycle.outline.economy):
            rows["investments"] = [{"id": r.id, "name": r.name} for r in plan.economy.investments]
        rows |= {key: [] for key in OPTIONAL_ECONOMY_SHEETS if key in sheets_for(cfg.kind, cfg.year, cycle.outline.economy)}
    return rows


def offered_rows(key: str, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """A sheet's rows as handed out: the Ekonomi and Investeringar sheets end with the sum row (Totalt), which the
    contributor may fill with the nämnd's own totals or leave empty for Tertial to compute. A canonical file written
    from given rows holds those rows only."""
    if key not in ("economy", "investments") or not rows or any(row.get("id") == TOTAL_ID for row in rows):
        return rows
    return [*rows, {"id": TOTAL_ID, "name": TOTAL_NAME, "row_type": "total"}]


def cell_quantity(value: Decimal | None, unit: str) -> str:
    """A figure with its unit as a cell shows it ('22 %', not '22'), with the plain spaces a person types."""
    return format_quantity(value, unit).replace("\u00a0", " ")


def meta_rows(cycle: Cycle, contributor_id: str, token_key: bytes | None = None) -> list[tuple[str, str]]:
    """The hidden sheet's identity rows; with the installation's key, the token that proves them."""
    rows = [
        ("cykel", cycle.config.id),
        ("bidragsgivare", contributor_id),
        ("mallversion", TEMPLATE_VERSION),
        ("rapport", cycle.config.kind.value),
        ("år", str(cycle.config.year)),
    ]
    return rows + [("nyckel", issue_token(token_key, cycle.config.id, contributor_id))] if token_key else rows


def _sheets_in(rows: Rows, cycle: Cycle) -> list[tuple[str, Sheet]]:
    sheets = asked_sheets(cycle)  # the input columns the report does not print are not asked for
    return [(key, _written(key, sheet, cycle)) for key, sheet in sheets.items()
            if (key not in ECONOMY_SHEETS and key != TABLES) or key in rows]


def _written(key: str, sheet: Sheet, cycle: Cycle) -> Sheet:
    """The sheet as written: the activities' Analys column only when the plan asks for it (it is read whenever present)."""
    if key == "activities" and not cycle.plan.activity_analysis:
        return replace(sheet, columns=tuple(c for c in sheet.columns if c.key != "analysis"))
    return sheet


def write_workbook(path: Path, cycle: Cycle, contributor_id: str, rows: Rows, handout: Handout | None = None,
                   token_key: bytes | None = None) -> Path:
    """Write the canonical workbook; with `handout`, also instructions, locks and drop-down lists; with `token_key`, its token."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    if handout:
        _instructions(workbook.create_sheet(INSTRUCTIONS_SHEET), cycle, contributor_id, handout)
    for key, sheet in _sheets_in(rows, cycle):
        ws = workbook.create_sheet(sheet.name)
        sheet_rows = offered_rows(key, rows.get(key, [])) if handout else rows.get(key, [])
        _fill_sheet(ws, sheet, sheet_rows)
        if handout:
            _protect(ws, key, sheet, sheet_rows, cycle)
    meta = workbook.create_sheet(META_SHEET)
    for pair in meta_rows(cycle, contributor_id, token_key):
        meta.append(list(pair))
    meta.sheet_state = "hidden"
    if handout:
        meta.protection.sheet = True
        workbook.properties.creator = "Tertial"
    formulas_as_text(workbook)  # every sheet: text from the plan, last report or config is never a formula
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    # The same rows give the same bytes, so a file's SHA-256 identifies its content.
    pin_xlsx_timestamps(path, handout.stamp if handout else dt.datetime.combine(cycle.config.period_end, dt.time()))
    return path


def _fill_sheet(ws: Worksheet, sheet: Sheet, rows: list[dict[str, object]]) -> None:
    ws.append([c.header for c in sheet.columns])
    for cell in ws[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for row in rows:
        ws.append([_cell(row.get(c.key)) for c in sheet.columns])
    for index, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[ws.cell(1, index).column_letter].width = 60 if column.key in _WIDE else 18
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "B2"


def _cell(value: object) -> object:
    return None if value in (None, "") else value


def _protect(ws: Worksheet, key: str, sheet: Sheet, rows: list[dict[str, object]], cycle: Cycle) -> None:
    """Lock everything but the answers; men/women only where the indicator is split by sex."""
    split = {i.id for i in cycle.plan.indicators if i.aggregation is not Aggregation.NONE}
    resting = _not_followed_up(cycle)
    levels = {g.id: g.level for g in cycle.plan.goals}
    unasked = _unassessed_rows(cycle, key, rows)
    if key in OPTIONAL_ECONOMY_SHEETS:
        rows = rows + [{}] * max(0, OPEN_ROWS - len(rows))
    sections = len(rows)
    if key == "texts" and rows:
        rows = rows + [{}] * CONTINUATION_ROWS
    for row_index, row in enumerate(rows, start=2):
        for col_index, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row_index, col_index)
            open_ = open_cell(cycle, row, column.key) if key == TABLES else (
                column.key in INPUT_COLUMNS[key] or (key in ECONOMY_SHEETS and column.numeric))  # declared amounts
            if key == "texts" and column.key == "key":
                open_ = row_index > sections + 1  # a continuation row chooses its Avsnitt
            if key == "indicators" and column.key in ("men", "women"):
                open_ = row.get("id") in split
            if key == "indicators" and column.key in _FIGURES and row.get("id") in resting:
                open_ = False
            if key == "goals" and column.key in ("description", "expected"):
                open_ = levels.get(str(row.get("goal"))) == 3
            if key == "goals" and column.key == "expected":
                open_ = open_ and cycle.plan.layout.goal_expected
            if column.key == "status" and key in ("indicators", "activities"):
                open_ = _status_asked(cycle, key)
            if key == "goals" and column.key == "assessment":
                open_ = row_index not in unasked
            cell.protection = Protection(locked=not open_)
            cell.fill = _INPUT_FILL if open_ else _LOCKED_FILL
    _drop_downs(ws, key, sheet, [_row_choices(key, row, index in unasked, cycle, resting)
                                 for index, row in enumerate(rows, start=2)])
    if key == "texts" and rows:
        _continuation_keys(ws, sheet, sections)
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = False  # widths and heights stay adjustable


def _unassessed_rows(cycle: Cycle, key: str, rows: list[dict[str, object]]) -> set[int]:
    """Worksheet rows of goals that carry no assessment (described in prose only): nothing to pick there."""
    if key != "goals":
        return set()
    goals = {g.id: g for g in cycle.plan.goals}
    return {index for index, row in enumerate(rows, start=2)
            if (goal := goals.get(str(row.get("goal")))) and not cycle.plan.is_assessed(goal)}


def _not_followed_up(cycle: Cycle) -> set[str]:
    """The indicators the plan says are not followed up in this report."""
    return {i.id for i in cycle.plan.indicators if i.not_followed_up_reason(cycle.config.kind)}


def _row_choices(key: str, row: dict[str, object], unasked: bool, cycle: Cycle, resting: set[str]) -> dict[str, list[str]]:
    """Column key → the values this row's drop-down offers: the sheet's list, narrowed where the plan allows less.

    A goal's assessment offers the plan's own scale, and nothing where the goal carries no assessment.
    """
    choices = {column: values for (sheet_key, column), values in _choices(cycle).items() if sheet_key == key}
    if key == "goals":
        choices["assessment"] = [] if unasked else cycle.plan.assessments.values
    if key == "indicators" and row.get("id") in resting:
        choices["status"] = _NOT_FOLLOWED_UP_STATUSES if cycle.plan.layout.indicator_status else []
    elif key == "indicators":
        choices["status"] = cycle.plan.layout.indicator_choices(choices["status"])
    if key == "activities" and not cycle.plan.layout.activity_status:
        choices["status"] = []
    return choices


def _status_asked(cycle: Cycle, key: str) -> bool:
    """Whether the Status column is open: the layout has the status, or (indicators) offers 'Följs inte upp'."""
    layout = cycle.plan.layout
    if key == "activities":
        return layout.activity_status
    return bool(layout.indicator_choices(["status"]))


def _drop_downs(ws: Worksheet, key: str, sheet: Sheet, row_choices: list[dict[str, list[str]]]) -> None:
    """One list validation per column and distinct list, over the rows that offer it (one range when all do)."""
    for index, column in enumerate(sheet.columns, start=1):
        letter = ws.cell(1, index).column_letter
        lists: dict[tuple[str, ...], list[int]] = {}
        for row, choices in enumerate(row_choices, start=2):
            if choices.get(column.key):
                lists.setdefault(tuple(choices[column.key]), []).append(row)
        for choices, rows in lists.items():
            validation = DataValidation(
                type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True, showErrorMessage=True,
                errorTitle="Ogiltigt värde", error=f"Välj ett av värdena i listan: {', '.join(choices)}.",
            )
            for first, last in _runs(rows):
                validation.add(f"{letter}{first}:{letter}{last}")
            ws.add_data_validation(validation)


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Ascending row numbers as (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def _choices(cycle: Cycle) -> dict[tuple[str, str], list[str]]:
    """The closed lists, with the activity statuses the plan offers."""
    declared = table_spec(cycle.outline.economy, "revenue_costs") is not None  # a declared table takes justering rows
    return _CHOICES | {("activities", "status"): [c.value for c in activity_statuses(cycle.plan.activity_statuses)],
                       ("revenue_costs", "kind"): [*REVENUE_COST_KINDS, *([ADJUSTMENT] if declared else [])]}


def _continuation_keys(ws: Worksheet, sheet: Sheet, sections: int) -> None:
    """The open rows below the sections choose their Avsnitt among the sections above (a continuation row).

    The choices are written out as a literal list, as every drop-down Tertial writes (never a range, which is
    a formula); when they do not fit in Excel's 255 characters the Avsnitt is typed, and intake checks it.
    """
    column = [c.key for c in sheet.columns].index("key") + 1
    keys = [str(ws.cell(row, column).value) for row in range(2, sections + 2)]
    choices = ",".join(keys)
    if len(choices) > MAX_LIST_CHARS or '"' in choices:
        return
    letter = ws.cell(1, column).column_letter
    validation = DataValidation(
        type="list", formula1=f'"{choices}"', allow_blank=True, showErrorMessage=True,
        errorTitle="Ogiltigt värde", error="Välj ett av avsnitten ovan: raden fortsätter det avsnittets text.",
    )
    validation.add(f"{letter}{sections + 2}:{letter}{sections + CONTINUATION_ROWS + 1}")
    ws.add_data_validation(validation)


def _instructions(ws: Worksheet, cycle: Cycle, contributor_id: str, handout: Handout) -> None:
    from babel.dates import format_date

    contributor, cfg = cycle.contributor(contributor_id), cycle.config
    declared_revenue_costs = table_spec(cycle.outline.economy, "revenue_costs") is not None
    key_figures_step = 9 if declared_revenue_costs or not cfg.kind.is_tertial else 8  # after the Intäkter och kostnader step
    lines = [
        (cycle.title, True),
        (f"Underlag från {contributor.avdelning} (ansvarig: {contributor.responsible})", False),
        (f"Sista dag att lämna underlaget: {format_date(handout.deadline, 'EEEE d MMMM y', locale='sv_SE')}", True),
        ("", False),
        ("Så här fyller du i arbetsboken", True),
        ("1. Fyll i de gula cellerna. Grå celler kommer från planen och är låsta.", False),
        ("2. Skriv tal som vanligt: 34,5 %, 1 150 eller -0,6. Skriv inte formler.", False),
        ("3. Välj Bedömning och Status i listorna. En indikator utan årsmål, eller vars prognos inte når årsmålet, behöver en analys.", False),
        *([(f"   Följs en indikator inte upp perioden: välj Status '{NOT_FOLLOWED_UP}' och skriv skälet i Analys; "
             "då behövs inget utfall.", False)] if cycle.plan.layout.not_followed_up_choice else []),
        ("4. Punktlistor skrivs med ett bindestreck först på varje rad (- Första punkten).", False),
        ("   En text får vara upp till 32 767 tecken i en cell. Räcker inte det i bladet Texter: skriv resten i en av de "
         "gula raderna längst ned, välj samma Avsnitt i listan. Raderna med samma Avsnitt "
         "fogas ihop uppifrån och ned, och varje fortsättningsrad börjar ett nytt stycke.", False),
        ("5. Byt inte namn på blad eller kolumner och ta inte bort rader. Spara som .xlsx.", False),
        (f"6. Lämna in arbetsboken på din personliga sida: {handout.link} Där får du återkopplingen inom några sekunder; "
         "lämna in en rättad version så ofta du vill. Länken är din egen: dela den inte." if handout.link else
         "6. Skicka arbetsboken till inkorgen. Du får återkoppling inom några sekunder; skicka en rättad version så ofta du vill.",
         False),
        *([("7. Bladen efter Investeringar fylls i bara när nämnden har något att redovisa där: skriv en rad per "
             "resultatenhet, verksamhetsområde eller begäran. Resultatenheter anges i tkr, övriga belopp i mnkr.", False)]
          if cycle.economy_owner == contributor_id else []),
        *([("8. I bladet Intäkter och kostnader skrivs en rad per post (t.ex. Taxor och avgifter, Personalkostnader) "
             "med Typ intäkt eller kostnad och utfallet för båda åren i mnkr: intäkter med minus, kostnader utan. "
             "Tertial räknar ut förändring, summor och netto.", False)]
          if cycle.economy_owner == contributor_id and not cfg.kind.is_tertial and not declared_revenue_costs else []),
        *([("8. I bladet Intäkter och kostnader skrivs en rad per post med Typ intäkt eller kostnad, och efter Netto "
             "eventuella rader med Typ justering (t.ex. resultatöverföring), med beloppen i kolumnernas enhet: intäkter "
             "med minus, kostnader utan. Tertial räknar ut summor, netto och de beräknade kolumnerna.", False)]
          if cycle.economy_owner == contributor_id and declared_revenue_costs else []),
        *([(f"{key_figures_step}. En tabell med nyckeltal (t.ex. antal barn eller vårddygn per år) "
             "läggs till som ett eget blad vars namn börjar med Nyckeltal: rubrikerna på rad 1, ett nyckeltal per rad, "
             "i.u. där uppgiften saknas, en rad Verksamhetsområde (områdets id) och eventuella Fotnot-rader. Nämndens "
             "totala driftbudget skrivs i ett blad Total driftbudget. Se inlämningsformatet, avsnitt 3.11–3.12.", False)]
          if cycle.economy_owner == contributor_id else []),
        *([("I bladet Tabeller fyller du i tabellerna i dina avsnitt: en rad per tabellrad, och i varje gul cell ett tal, "
            "ett av tabellens ord (till exempel Flera) eller inget.", False)] if owned_tables(cycle, contributor_id) else []),
        ("", False),
        (f"Frågor: {cfg.handlaggare.name}{', ' + cfg.handlaggare.phone if cfg.handlaggare.phone else ''}", False),
    ]
    for text, bold in lines:
        ws.append([text])
        ws.cell(ws.max_row, 1).font = Font(bold=bold, size=14 if ws.max_row == 1 else 11)
    ws.column_dimensions["A"].width = 120
    ws.protection.sheet = True


def pin_xlsx_timestamps(path: Path, moment: dt.datetime) -> None:
    """Rewrite the xlsx with fixed document and zip-entry times so reruns give identical bytes."""
    path.write_bytes(pin_ooxml_times(path.read_bytes(), moment))


def pin_ooxml_times(package: bytes, moment: dt.datetime) -> bytes:
    """An Office file (xlsx, docx) with its document times and zip-entry times set to `moment`."""
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(package)) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            target.writestr(zipfile.ZipInfo(name, date_time=moment.timetuple()[:6]), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def write_csv_folder(folder: Path, cycle: Cycle, contributor_id: str, rows: Rows, token_key: bytes | None = None) -> Path:
    """The same content as CSV files (semicolon-separated, UTF-8), one per sheet; with `token_key`, its token."""
    folder.mkdir(parents=True, exist_ok=True)
    for key, sheet in _sheets_in(rows, cycle):
        with (folder / f"{sheet.key}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow([c.header for c in sheet.columns])
            for row in rows.get(key, []):
                writer.writerow([csv_safe(row.get(c.key)) for c in sheet.columns])
    with (folder / f"{META_SHEET}.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(meta_rows(cycle, contributor_id, token_key))
    return folder


def csv_safe(value: object) -> str:
    """A cell as CSV text that a spreadsheet will not run: formula-like text gets a leading apostrophe.

    Numbers such as '-13,0' stay as they are; '=HYPERLINK(…)', '@SUM(…)' or '+cmd|…' do not.
    """
    text = "" if value is None else str(value)
    if text[:1] in ("=", "@", "\t", "\r") or (text[:1] in ("+", "-") and not _is_number(text)):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    """A signed amount with at most a plain unit ('-13,0', '+15,0 mnkr'), nothing a spreadsheet could evaluate."""
    try:
        quantity = parse_quantity(text)
    except NumberParseError:
        return False
    return quantity is not None and not set(quantity.unit) & set("+-*=()&|!^<>;")


def write_handout(cycle: Cycle, contributor_id: str, rows: Rows, out_dir: Path, token_key: bytes,
                  link: str | None = None) -> Path:
    """The pre-filled workbook for one contributor, its token issued under `token_key`; `link`, when given, is where
    the instructions say to hand it in."""
    stamp = dt.datetime.combine(cycle.config.period_end, dt.time())
    handout = Handout(deadline=cycle.deadline(contributor_id), stamp=stamp, link=link)
    return write_workbook(out_dir / f"{cycle.config.id}-{contributor_id}.xlsx", cycle, contributor_id, rows, handout,
                          token_key)


def append_free_tables(path: Path, tables: dict[str, list[list[object]]], moment: dt.datetime) -> Path:
    """Add sheets read as free tables (Nyckeltal sheets, Total driftbudget; see tertial.key_figures) to a written
    workbook, before its hidden sheet, each as rows of cells from A1; the file's times pinned to `moment`."""
    workbook = load_workbook(path)
    for name, rows in tables.items():
        ws = workbook.create_sheet(name, index=workbook.sheetnames.index(META_SHEET))
        for row in rows:
            ws.append([_cell(value) for value in row])
        for cell in ws[1]:
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        ws.column_dimensions["A"].width = 45
    formulas_as_text(workbook)
    workbook.save(path)
    pin_xlsx_timestamps(path, moment)
    return path
