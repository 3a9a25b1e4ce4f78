"""Figures as a reader sees them (issue 19, smaller points): a target in the product's number form in the report, and
a previous outcome with its unit in the contributor's workbook."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from tertial.config import load_cycle
from tertial.submission import previous_outcome_header
from tertial.targets import printed_target
from tertial.workbooks import prefilled_rows, write_workbook
from tests.conftest import MINI

NBSP = "\u00a0"


@pytest.mark.parametrize("raw, printed", [
    ("300000 st", f"300{NBSP}000{NBSP}st"), ("5100", f"5{NBSP}100"), ("2.5 %", f"2,5{NBSP}%"), ("+5 %", f"+5{NBSP}%"),
    ("7,9 %", f"7,9{NBSP}%"), ("Ökning", "Ökning"), ("+/- 1 %", "+/- 1 %"), ("", ""),
])
def test_a_target_prints_in_the_products_number_form_and_a_target_text_as_written(raw, printed):
    assert printed_target(raw) == printed


def test_the_workbook_shows_a_previous_outcome_with_its_unit(tmp_path):
    cycle = load_cycle(MINI)
    rows = prefilled_rows(cycle, "barn")
    percent = next(r for r in rows["indicators"] if r["unit"] == "%" and r["previous"])
    assert percent["previous"].endswith(" %"), percent
    sheet = load_workbook(write_workbook(tmp_path / "barn.xlsx", cycle, "barn", rows))["Indikatorer"]
    headers = [c.value for c in sheet[1]]
    column = headers.index(previous_outcome_header(cycle.config.year))
    shown = {row[0].value: row[column].value for row in sheet.iter_rows(min_row=2)}
    assert shown[percent["id"]] == percent["previous"]
