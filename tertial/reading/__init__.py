"""Reading a submission (xlsx workbook or CSV folder) into frames of raw text.

Reading never judges content: it only finds the sheets and columns by their headers and
keeps each cell's text with its row number. Only a submission whose structure cannot be
read at all raises SubmissionError; everything else is left for validation.

Files come from outside, so reading is also the guard: every way a file can be damaged,
disguised or too big ends in a SubmissionError with the Swedish message of its structure rule
(expectations/rules.yaml), never in a raw exception, and nothing is unpacked or parsed before
the limits in `limits.py` are checked.

The steps, each in its module: `guard` (what kind of file it is, its sizes, before anything is
parsed), `xlsx` or `csv_folder` (the cells as tables), `identity` (the hidden sheet _tertial),
`frames` (each sheet's recognised columns as text) and `cells` (a cell as text).
"""

from __future__ import annotations

import logging
from pathlib import Path

from tertial.asked_sheets import asked_sheets
from tertial.cycle import Cycle
from tertial.errors import SubmissionError
from tertial.findings import refusal
from tertial.reading.cells import FORMULA, cell_address, clean_text, header_columns
from tertial.reading.csv_folder import csv_tables
from tertial.reading.frames import sheet_frame
from tertial.reading.guard import check_workbook
from tertial.reading.identity import check_identity, read_meta
from tertial.reading.limits import MAX_CELL_CHARS, MAX_FILE_BYTES, MAX_ROWS
from tertial.reading.xlsx import workbook_tables
from tertial.section_tables import TABLES, owned_tables
from tertial.submission import ECONOMY_SHEETS, OPTIONAL_ECONOMY_SHEETS, Submission, is_free_table

__all__ = ["FORMULA", "MAX_CELL_CHARS", "MAX_FILE_BYTES", "MAX_ROWS", "check_workbook", "claimed_contributor", "clean_text",
           "read_submission"]

logger = logging.getLogger(__name__)


def read_submission(path: Path, cycle: Cycle) -> Submission:
    """Read a workbook or a CSV folder sent for this cycle."""
    try:
        return _read(path, cycle)
    except SubmissionError:
        raise
    except Exception as exc:  # the last line: one odd file must never stop the intake of the others
        logger.exception("unexpected error reading %s", path)
        raise refusal("structure_unexpected", file=path.name, error=type(exc).__name__) from exc


def claimed_contributor(path: Path) -> str | None:
    """The contributor a workbook or CSV folder says it comes from (its _tertial sheet), read through the same guarded
    reader; None when the file cannot say, and intake will name why. Claimed, not proven: the token proves it."""
    try:
        tables = csv_tables(path) if path.is_dir() else workbook_tables(path)
        return read_meta(tables, path)["bidragsgivare"]
    except Exception:  # noqa: BLE001 - whatever the file is, intake reads it again and refuses it by name
        return None


def _read(path: Path, cycle: Cycle) -> Submission:
    folder = path.is_dir()
    tables = csv_tables(path) if folder else workbook_tables(path)
    meta = read_meta(tables, path)
    check_identity(meta, cycle, path)
    contributor = meta["bidragsgivare"]
    frames, notes = {}, []
    for key, sheet in asked_sheets(cycle).items():  # a column the report does not print is not required
        optional = key in OPTIONAL_ECONOMY_SHEETS or (key in ECONOMY_SHEETS and cycle.economy_owner != contributor)
        optional = optional or (key == TABLES and not owned_tables(cycle, contributor))  # only a table's owner has it
        if sheet.name not in tables and optional:
            continue
        try:
            frames[key] = sheet_frame(tables, sheet, path.name, folder, notes)
        except SubmissionError as error:
            error.contributor_id, error.token = contributor, meta.get("nyckel", "")
            if not folder and error.cell is None and error.sheet in tables:  # a workbook's cell is named by address
                error.cell = cell_address({error.sheet: header_columns(tables[error.sheet])}, error.sheet, error.row,
                                          error.column)
            raise
    return Submission(
        file=path.name, cycle_id=meta["cykel"], contributor_id=contributor,
        template_version=meta["mallversion"], token=meta.get("nyckel", ""), frames=frames, notes=notes,
        free_tables={name: table for name, table in tables.items() if is_free_table(name)},
        layouts={} if folder else {name: header_columns(table) for name, table in tables.items()},
    )
