"""Comparing two versions of a contributor's submission, cell by cell."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tertial.accepted import archived_copy
from tertial.cycle import Cycle
from tertial.economy_columns import EconomyTables
from tertial.errors import TertialError
from tertial.ledger import Ledger
from tertial.long_texts import continued
from tertial.reading import read_submission
from tertial.reading.cells import FORMULA, FORMULA_TEXT
from tertial.submission import Submission, sheets_for
from tertial.vocabulary import ReportKind


SHOWN_FORMULA = "(formel)"  # what a diff shows for a formula cell: never its text, never the reader's marker


@dataclass(frozen=True)
class Change:
    sheet: str
    item_id: str
    item_name: str
    column: str
    before: str
    after: str

    def line(self) -> str:
        """'Indikatorer, 1.1-I1 (Andel …), Periodens utfall: '72 %' → '74 %'' in Swedish."""
        where = f"{self.sheet}, {self.item_id}" + (f" ({self.item_name})" if self.item_name else "")
        if self.column == "":
            return f"{where}: {'raden lades till' if self.before == '' else 'raden togs bort'}"
        return f"{where}, {self.column}: '{self.before}' → '{self.after}'"


def _records(frame: pd.DataFrame, id_column: str, continues: bool = False) -> dict[str, dict[str, str]]:
    """The rows by id; with `continues` (the Texter sheet), rows with the same id as one text, as the report joins them."""
    if frame.empty:
        return {}
    clean = frame.drop(columns=["_row"], errors="ignore").fillna("").astype(str)
    clean = clean.replace({FORMULA: SHOWN_FORMULA, FORMULA_TEXT: SHOWN_FORMULA})  # a marker is never shown
    records: dict[str, dict[str, str]] = {}
    for row in clean.to_dict("records"):
        ident = row[id_column]
        records[ident] = continued(records[ident], row) if continues and ident in records else row
    return records


def diff_submissions(old: Submission, new: Submission, kind: ReportKind, year: int,
                     economy: EconomyTables | None = None) -> list[Change]:
    """Every value or text that differs between two versions, in sheet and row order."""
    changes = []
    for key, sheet in sheets_for(kind, year, economy).items():
        continues = key == "texts"
        before, after = (_records(v.frame(key), sheet.id_column, continues) for v in (old, new))
        for item in [*after, *(i for i in before if i not in after)]:
            a, b = before.get(item), after.get(item)
            name = str((b or a).get("name") or (b or a).get("title") or "")
            if a is None or b is None:
                changes.append(Change(sheet.name, item, name, "", "" if a is None else "x", "" if b is None else "x"))
                continue
            changes += [Change(sheet.name, item, name, c.header, a.get(c.key, ""), b.get(c.key, ""))
                        for c in sheet.columns if a.get(c.key, "") != b.get(c.key, "")]
    return changes


def compare_versions(cycle: Cycle, contributor: str, old: int | None, new: int | None, ledger: Ledger) -> list[Change]:
    """Changes between two recorded versions (by default the two newest), read back from the archive."""
    versions = {v.number: v for v in ledger.versions(cycle.config.id, contributor)}
    if len(versions) < 2 and (old is None or new is None):
        raise TertialError(f"{contributor} har {len(versions)} version(er) i {cycle.config.id}; det behövs två att jämföra.")
    numbers = sorted(versions)
    old, new = old or numbers[-2], new or numbers[-1]
    for number in (old, new):
        if number not in versions:
            raise TertialError(f"Version {number} finns inte för {contributor}; det finns {', '.join(map(str, numbers))}.")
    read = [read_submission(archived_copy(versions[n]), cycle) for n in (old, new)]  # each re-hashed first
    return diff_submissions(read[0], read[1], cycle.config.kind, cycle.config.year, cycle.outline.economy)
