"""A finding: one problem in a submission, located to the cell, with a Swedish message.

Findings are made by `finding` (and a submission that cannot be read at all by `refusal`), which take the
severity and the message from the rule registry, so no check states either itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum

from tertial.errors import SubmissionError
from tertial.rules import message, registry


class Verdict(StrEnum):
    """A version's result from validation, as the ledger stores it: any error makes it rejected."""

    ACCEPTED = "godkänd"
    REJECTED = "underkänd"


# Module-level names for the callers (ledger, tests, scripts) that compare a version's status with them.
ACCEPTED, REJECTED = Verdict.ACCEPTED, Verdict.REJECTED


class Severity(StrEnum):
    ERROR = "fel"  # blocks the submission
    WARNING = "varning"  # informs the contributor


_SEVERITY = {"error": Severity.ERROR, "warning": Severity.WARNING}  # as the registry writes them


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: Severity
    message: str
    file: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    item_id: str | None = None
    item_name: str | None = None
    value: str | None = None
    # The cell's address in the contributor's workbook ('F6'), filled where findings are located
    # (tertial.checking.addresses); None for a CSV folder or a finding about no one cell.
    cell: str | None = None

    def location(self) -> str:
        parts = [p for p in (
            self.file,
            f"blad '{self.sheet}'" if self.sheet else None,
            f"cell {self.cell}" if self.cell else None,
            f"rad {self.row}" if self.row is not None else None,
            f"kolumn '{self.column}'" if self.column else None,
        ) if p]
        return ", ".join(parts)

    def line(self) -> str:
        """One Swedish line: where, what."""
        return f"{self.severity.value.upper()}: {self.location()}: {self.message}"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


def count(findings: list[Finding], severity: Severity) -> int:
    return sum(1 for f in findings if f.severity is severity)


def verdict(findings: list[Finding]) -> Verdict:
    """A version with any error is rejected; warnings alone never reject it."""
    return REJECTED if count(findings, Severity.ERROR) else ACCEPTED


def finding(rule_id: str, *, file: str = "", sheet: str | None = None, row: int | None = None, column: str | None = None,
            item_id: str | None = None, item_name: str | None = None, value: str | None = None, cell: str | None = None,
            **values: object) -> Finding:
    """A finding of a registered rule, located; its severity and Swedish message come from the registry.

    The message's placeholders are filled from `values`, then from the location of the same name ({value},
    {sheet}, {item_id} …); one with neither is left empty.
    """
    rule = registry()[rule_id]
    located = {"file": file, "sheet": sheet, "row": row, "column": column,
               "item_id": item_id, "item_name": item_name, "value": value, "cell": cell}
    text = message(rule_id, **_filled(located, values))
    return Finding(rule_id, _SEVERITY[rule.severity], text, file=file, sheet=sheet, row=row, column=column,
                   item_id=item_id, item_name=item_name, value=value, cell=cell)


def refusal(rule_id: str, *, file: str, sheet: str | None = None, row: int | None = None, column: str | None = None,
            cell: str | None = None, **values: object) -> SubmissionError:
    """The error for a submission that cannot be read at all, with the structure rule's Swedish message.

    Placeholders are filled as by `finding`: from `values`, then from the location of the same name.
    """
    text = message(rule_id, **_filled({"file": file, "sheet": sheet, "row": row, "column": column, "cell": cell}, values))
    return SubmissionError(file=file, sheet=sheet, row=row, column=column, rule_id=rule_id, message=text, cell=cell)


def _filled(located: dict[str, object], values: dict[str, object]) -> dict[str, object]:
    """A message's values: those given, then the location's fields that are set."""
    return {k: v for k, v in located.items() if v is not None} | values
