"""Signed deviation headings: each verksamhetsområde's analysis text headed by its label and deviation.

Stockholm's reports head an area's economy text with the deviation of its driftbudget row, as printed:
"Barn och ungdom +4,5 mnkr", "Insatser för kvinnofrid -5,1 mnkr", "Nämnd och övergripande administration ±0 mnkr".
The report profile says whether headings carry the deviation (`deviation_headings`: from which column of the
driftbudget table, with which minus sign) and, optionally, which area texts there are, in order (`area_texts`):
a heading may have a label of its own, print its label only, or stand for a purpose without a row in the table.
A profile that says nothing keeps today's texts: one per top-level row, headed by the row's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from tertial.economy import operations_columns
from tertial.numbers import format_signed
from tertial.plan import ITEM_ID, EconomyLayout, RowType, Strict
from tertial.vocabulary import ReportKind

TEXT_PREFIX = "ekonomi:"  # an area's text key on the Texter sheet: 'ekonomi:<row or key>'


class AreaHeading(Strict):
    """One area text: a driftbudget row (its deviation printed), or a purpose without a row (its label only).

    The row's text key stays 'ekonomi:<row>', as without a list, so a profile that adds one changes no Texter key."""

    row: str | None = Field(None, pattern=ITEM_ID, description=(
        "Driftbudgetens rad (id i planens economy.areas) som texten följer; texten är ekonomi:<row> på bladet Texter. "
        "Ange row eller key, inte båda."), examples=["iof"])
    key: str | None = Field(None, pattern=ITEM_ID, description=(
        "En rubrik utan rad i tabellen: texten är ekonomi:<key> på bladet Texter; kräver label."), examples=["lokaler"])
    label: str | None = Field(None, min_length=1, description="Rubriken som den skrivs ut; utelämnad: radens namn.",
                              examples=["Individ- och familjeomsorg"])
    deviation: bool = Field(True, description=(
        "false: bara rubriken, utan avvikelse, även när profilens rubriker annars har avvikelsen."))

    @model_validator(mode="after")
    def _row_or_key(self) -> AreaHeading:
        if (self.row is None) == (self.key is None):
            raise ValueError("ange antingen row (en rad i driftbudgeten) eller key (en rubrik utan rad), inte båda")
        if self.row is None and self.label is None:
            raise ValueError(f"rubriken '{self.key}' har ingen rad i driftbudgeten och behöver en label")
        return self

    @property
    def text_key(self) -> str:
        return f"{TEXT_PREFIX}{self.row or self.key}"


class DeviationHeadings(Strict):
    """How the area texts' headings carry the deviation; declared in the report profile."""

    column: str = Field("deviation", pattern=ITEM_ID,
                        description="Driftbudgetens kolumn vars värde rubriken skriver ut (deviation, adjusted …).")
    minus: Literal["-", "\u2212", "\u2013"] = Field("-", description="Minustecknet som det skrivs: '-', '−' (U+2212) eller '–'.")
    spaced: bool = Field(False, description="true: mellanslag mellan tecknet och talet: '+ 0,3 mnkr'.")


@dataclass(frozen=True)
class AreaText:
    """An area text the report prints: its text key, its label, and the row whose deviation heads it (if any)."""

    key: str
    label: str
    row: str | None


def area_texts(layout: EconomyLayout, declared: tuple[AreaHeading, ...] | None) -> list[AreaText]:
    """The area texts in print order: the profile's list, or one per top-level row with the row's own name."""
    if declared is None:
        return [AreaText(f"{TEXT_PREFIX}{row.id}", row.name, row.id) for row in layout.areas if row.row_type is RowType.TOP]
    names = {row.id: row.name for row in layout.areas}
    return [AreaText(area.text_key, area.label or names.get(area.row or "", area.key or ""),
                     area.row if area.deviation else None) for area in declared]


def heading(text: AreaText, headings: DeviationHeadings | None, values: dict[str, dict[str, Decimal | None]],
            decimals: int, unit: str) -> str:
    """'<label> <signed deviation> <unit>'; the label alone when the text has no row or the row no value."""
    value = values.get(text.row or "", {}).get(headings.column) if headings else None
    return text.label if value is None else f"{text.label} {signed(value, headings, decimals, unit)}"


def signed(value: Decimal, headings: DeviationHeadings | None, decimals: int, unit: str) -> str:
    """A signed figure in the profile's style (its minus, its spacing); the reports' '-' without a profile's."""
    style = headings or DeviationHeadings()
    return format_signed(value, decimals, unit, style.minus, style.spaced)


def heading_problems(headings: DeviationHeadings | None, declared: tuple[AreaHeading, ...] | None,
                     layout: EconomyLayout, kind: ReportKind, table: list[str] | None = None) -> list[str]:
    """What check-config says about a profile's headings and area texts, each named by its key in the profile file;
    `table`: the driftbudget's columns as the profile declares them (none: the kind's own)."""
    columns = table or [key for key, _ in operations_columns(kind)]
    problems = []
    if headings is not None and headings.column not in columns:
        problems.append(f"deviation_headings.column: kolumnen '{headings.column}' finns inte i driftbudgeten i en "
                        f"{kind.value}; välj bland: {', '.join(columns)}")
    rows = [row.id for row in layout.areas]
    seen: set[str] = set()
    for n, area in enumerate(declared or ()):
        if area.row is not None and area.row not in rows:
            problems.append(f"area_texts[{n}].row: raden '{area.row}' finns inte i planens "
                            f"economy.areas; ange en av: {', '.join(rows) or '(planen har inga rader)'}")
        if area.key is not None and area.key in rows:
            problems.append(f"area_texts[{n}].key: '{area.key}' är en rad i driftbudgeten; skriv row: {area.key}")
        if area.text_key in seen:
            problems.append(f"area_texts[{n}]: texten '{area.text_key}' står redan i listan; varje text en gång")
        seen.add(area.text_key)
    return problems
