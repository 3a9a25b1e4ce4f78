"""Writing submissions in the canonical format: a pre-filled workbook or a folder of CSV files."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from tertial.cycle import Cycle
from tertial.numbers import format_number
from tertial.submission import ECONOMY_SHEETS, META_SHEET, TEMPLATE_VERSION, Sheet, sheets_for
from tertial.vocabulary import expected_period

Rows = dict[str, list[dict[str, object]]]

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")


def prefilled_rows(cycle: Cycle, contributor_id: str) -> Rows:
    """The rows a contributor receives: every item it owns, with what the plan already knows."""
    plan, cfg = cycle.plan, cycle.config
    goals = [plan.goal(n) for n in cycle.owned(contributor_id, cycle.goal_owner)]
    indicators = [i for i in plan.indicators if cycle.indicator_owner.get(i.id) == contributor_id]
    activities = [a for a in plan.activities if cycle.activity_owner.get(a.id) == contributor_id]
    texts = [s for s in cycle.sections if cycle.text_owner.get(s.key) == contributor_id]
    rows: Rows = {
        "goals": [{"goal": g.number, "title": g.title} for g in goals],
        "indicators": [{
            "id": i.id, "name": i.name, "goal": i.goal, "unit": i.unit,
            "period": expected_period(i.frequency, cfg.kind, cfg.year),
            "previous": _plain(i.previous_outcome),
            "annual_target": i.annual_target.raw if i.annual_target else "",
            "kf_target": i.kf_target.raw if i.kf_target else "",
        } for i in indicators],
        "activities": [{
            "id": a.id, "name": a.name, "goal": a.goal, "start": a.start.isoformat(), "end": a.end.isoformat(),
        } for a in activities],
        "texts": [{"key": s.key, "title": s.title} for s in texts],
    }
    if cycle.economy_owner == contributor_id:
        rows["economy"] = [{"id": r.id, "name": r.name, "row_type": r.row_type.value} for r in plan.economy.areas]
        rows["investments"] = [{"id": r.id, "name": r.name} for r in plan.economy.investments]
    return rows


def _plain(value: object) -> str:
    return "" if value is None else format_number(value).replace("\u00a0", " ")


def meta_rows(cycle: Cycle, contributor_id: str) -> list[tuple[str, str]]:
    return [
        ("cykel", cycle.config.id),
        ("bidragsgivare", contributor_id),
        ("mallversion", TEMPLATE_VERSION),
        ("rapport", cycle.config.kind.value),
        ("år", str(cycle.config.year)),
    ]


def _sheets_in(rows: Rows, cycle: Cycle) -> list[tuple[str, Sheet]]:
    sheets = sheets_for(cycle.config.kind, cycle.config.year)
    return [(key, sheet) for key, sheet in sheets.items() if key not in ECONOMY_SHEETS or key in rows]


def write_workbook(path: Path, cycle: Cycle, contributor_id: str, rows: Rows) -> Path:
    """Write the canonical workbook; cells hold text exactly as given (Swedish number format)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for key, sheet in _sheets_in(rows, cycle):
        ws = workbook.create_sheet(sheet.name)
        ws.append([c.header for c in sheet.columns])
        for cell in ws[1]:
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        for row in rows.get(key, []):
            ws.append([_cell(row.get(c.key)) for c in sheet.columns])
        for index, column in enumerate(sheet.columns, start=1):
            ws.column_dimensions[ws.cell(1, index).column_letter].width = 60 if column.key in ("name", "title", "analysis", "text") else 18
        for line in ws.iter_rows(min_row=2):
            for cell in line:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "B2"
    meta = workbook.create_sheet(META_SHEET)
    for pair in meta_rows(cycle, contributor_id):
        meta.append(list(pair))
    meta.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _cell(value: object) -> object:
    return None if value in (None, "") else value


def write_csv_folder(folder: Path, cycle: Cycle, contributor_id: str, rows: Rows) -> Path:
    """The same content as CSV files (semicolon-separated, UTF-8), one per sheet."""
    folder.mkdir(parents=True, exist_ok=True)
    for key, sheet in _sheets_in(rows, cycle):
        with (folder / f"{sheet.key}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow([c.header for c in sheet.columns])
            for row in rows.get(key, []):
                writer.writerow(["" if row.get(c.key) is None else row.get(c.key) for c in sheet.columns])
    with (folder / f"{META_SHEET}.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(meta_rows(cycle, contributor_id))
    return folder
