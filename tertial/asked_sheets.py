"""The sheets a cycle asks its contributors for: the canonical sheets, less the input columns its report does not print,
and the Tabeller sheet when its profile's free sections have tables (`tertial.section_tables`).

A profile that declares the indicator table's columns without men/women or forecast (a verksamhetsberättelse of
2013 printed neither) makes the handout leave those input columns out, and intake no longer requires them.
Without declared columns every sheet is the canonical one (`tertial.submission.sheets_for`).
"""

from __future__ import annotations

from dataclasses import replace

from tertial.cycle import Cycle
from tertial.section_tables import TABLES, tables_sheet
from tertial.submission import Sheet, sheets_for
from tertial.table_columns import unasked_indicator_inputs


def asked_sheets(cycle: Cycle) -> dict[str, Sheet]:
    """sheets_for() of the cycle's report, with the unprinted indicator inputs left out."""
    sheets = sheets_for(cycle.config.kind, cycle.config.year, cycle.outline.economy)
    unasked = unasked_indicator_inputs(cycle.outline.columns)
    if unasked:
        indicators = sheets["indicators"]
        sheets["indicators"] = replace(indicators, columns=tuple(c for c in indicators.columns if c.key not in unasked))
    tables = tables_sheet(cycle.outline)
    return {**sheets, TABLES: tables} if tables else sheets


def forecast_asked(cycle: Cycle) -> bool:
    """Whether the contributors give a forecast: a tertial report whose profile prints one (or declares no columns)."""
    return cycle.config.kind.is_tertial and "forecast" not in unasked_indicator_inputs(cycle.outline.columns)
