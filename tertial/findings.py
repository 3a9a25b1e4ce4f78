"""A finding: one problem in a submission, located to the cell, with a Swedish message."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


# The verdict on a submission version, as the ledger stores it and feedback and mail show it.
ACCEPTED = "godkänd"
REJECTED = "underkänd"


class Severity(StrEnum):
    ERROR = "fel"  # blocks the submission
    WARNING = "varning"  # informs the contributor


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

    def location(self) -> str:
        parts = [p for p in (
            self.file,
            f"blad '{self.sheet}'" if self.sheet else None,
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


def verdict(findings: list[Finding]) -> str:
    """A version with any error is rejected; warnings alone never reject it."""
    return REJECTED if count(findings, Severity.ERROR) else ACCEPTED
