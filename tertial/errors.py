"""Errors that reach users: each carries where it happened and a Swedish message."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class TertialError(Exception):
    """Base for problems we explain to the user in one Swedish line."""

    def __init__(self, message_sv: str) -> None:
        super().__init__(message_sv)
        self.message_sv = message_sv


class ConfigError(TertialError):
    """A cycle or plan file is wrong; ``problems`` lists each place with what was expected."""

    def __init__(self, file: Path, problems: list[str]) -> None:
        self.file = Path(file)
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"Fel i konfigurationsfilen {self.file.name}:\n{lines}")


@dataclass
class SubmissionError(TertialError):
    """A submission cannot be read at all (not a workbook, a sheet missing …)."""

    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    rule_id: str = "structure"
    contributor_id: str | None = None
    token: str = field(default="", repr=False)  # the claimed contributor's token, to tell whether the claim holds
    extra: dict[str, str] = field(default_factory=dict)
    cell: str | None = None  # the cell's address ('F6') in a workbook, when the reader can name one

    def __post_init__(self) -> None:
        super().__init__(self.located_message)

    @property
    def located_message(self) -> str:
        where = [f"fil {self.file}"]
        if self.sheet:
            where.append(f"blad '{self.sheet}'")
        if self.cell:
            where.append(f"cell {self.cell}")
        if self.row is not None:
            where.append(f"rad {self.row}")
        if self.column:
            where.append(f"kolumn '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class MissingSubmissions(TertialError):
    """Contributors without an accepted version; the report would have holes."""
