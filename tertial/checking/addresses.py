"""A finding's cell address ('F6'), from the sheet's layout as read: one place for every rule.

The rules locate a finding by sheet, row and column header; the reader knows where each header stands
(`Submission.layouts`), so the address follows without any rule knowing it. A CSV folder has no layout:
its findings keep the CSV file's row and column header only.
"""

from __future__ import annotations

from dataclasses import replace

from openpyxl.utils import get_column_letter

from tertial.findings import Finding


def cell_address(layouts: dict[str, dict[str, int]], sheet: str | None, row: int | None, column: str | None) -> str | None:
    """'F6' for a header found in the sheet's row 1, or None when the sheet, row or header is not known."""
    if not sheet or row is None or row < 1 or not column:
        return None
    number = layouts.get(sheet, {}).get(column.strip())
    return f"{get_column_letter(number)}{row}" if number else None


def with_cells(findings: list[Finding], layouts: dict[str, dict[str, int]]) -> list[Finding]:
    """Each finding with its cell address filled where the layout names it (a given one is kept)."""
    out = []
    for f in findings:
        address = f.cell or cell_address(layouts, f.sheet, f.row, f.column)
        out.append(replace(f, cell=address) if address != f.cell else f)
    return out
