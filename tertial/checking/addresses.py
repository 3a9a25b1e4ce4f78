"""A finding's cell address ('F6'), from the sheet's layout as read: one place for every rule.

The rules locate a finding by sheet, row and column header; the reader knows where each header stands
(`Submission.layouts`), so the address follows without any rule knowing it. A CSV folder has no layout:
its findings keep the CSV file's row and column header only.
"""

from __future__ import annotations

from dataclasses import replace

from tertial.findings import Finding
from tertial.reading.cells import cell_address


def with_cells(findings: list[Finding], layouts: dict[str, dict[str, int]]) -> list[Finding]:
    """Each finding with its cell address filled where the layout names it (a given one is kept)."""
    out = []
    for f in findings:
        address = f.cell or cell_address(layouts, f.sheet, f.row, f.column)
        out.append(replace(f, cell=address) if address != f.cell else f)
    return out
