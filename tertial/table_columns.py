"""The columns of the report's indicator and activity tables, as a report profile declares them.

Nämnder and years print different columns (VB 2013 has no men/women and no forecast; T1 2024 has both), so a
profile may list the columns each table prints, in order, chosen from the catalogue below, each with an optional
heading of its own. A profile that declares none prints the columns Tertial has always printed for its kind.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import AfterValidator, BeforeValidator, Field, field_validator, model_validator

from tertial.plan import Strict
from tertial.vocabulary import ReportKind

PREVIOUS = "foregaende"  # its default heading is the report's own ('Utfall VB 2024'), so it is set per report

# The catalogue, in the order Tertial prints them; the first column holds the row's symbol and name.
INDICATOR_COLUMNS = {
    "indikator": "Indikator", "utfall": "Periodens utfall", "man": "Utfall män/ pojkar",
    "kvinnor": "Utfall kvinnor/ flickor", PREVIOUS: "", "prognos": "Prognos helår", "arsmal": "Årsmål",
    "kf_arsmal": "KF:s årsmål", "period": "Period", "enhet": "Enhet",
}
ACTIVITY_COLUMNS = {
    "aktivitet": "Aktivitet", "status": "Status", "startdatum": "Startdatum", "slutdatum": "Slutdatum",
    "avvikelse": "Avvikelse", "kommentar": "Kommentar",
}


class ColumnKind(StrEnum):
    """What a column holds, which sets its share of the printed table: the name takes what the others leave,
    a text column a fixed share, dates, figures and single words only their own width."""

    NAME = "name"
    TEXT = "text"
    FIGURE = "figure"
    DATE = "date"
    WORD = "word"


_FIGURE_KEYS = ("utfall", "man", "kvinnor", PREVIOUS, "prognos", "arsmal", "kf_arsmal")
KINDS = {
    "indikator": ColumnKind.NAME, **dict.fromkeys(_FIGURE_KEYS, ColumnKind.FIGURE), "period": ColumnKind.WORD,
    "enhet": ColumnKind.WORD,
    "aktivitet": ColumnKind.NAME, "status": ColumnKind.WORD, "startdatum": ColumnKind.DATE, "slutdatum": ColumnKind.DATE,
    "avvikelse": ColumnKind.TEXT, "kommentar": ColumnKind.TEXT,
}


def column_kind(key: str) -> ColumnKind:
    """The kind of a catalogue column (`indikator`, `startdatum`, …)."""
    return KINDS[key]


# Comment columns take the row's analysis, which is otherwise printed on a row of its own under it.
ANALYSIS_COLUMN = "kommentar"

_TODAY = {
    "indicators": ("indikator", "utfall", "man", "kvinnor", PREVIOUS, "prognos", "arsmal", "kf_arsmal", "period"),
    "activities": ("aktivitet", "startdatum", "slutdatum", "avvikelse"),
}


class TableColumn(Strict):
    """One printed column: its key in the table's catalogue and, optionally, its own heading."""

    catalogue: ClassVar[dict[str, str]] = {}
    column: str
    heading: str | None = Field(None, min_length=1, description=(
        "Kolumnrubriken som den skrivs ut; utelämnad: Tertials. {year} och {previous_year} fylls i med cykelns år "
        "och året före."), examples=["Utfall {year}"])

    @field_validator("column")
    @classmethod
    def _in_catalogue(cls, key: str) -> str:
        if key not in cls.catalogue:
            raise ValueError(f"okänd kolumn '{key}'; välj bland: {', '.join(cls.catalogue)}")
        return key


class IndicatorColumn(TableColumn):
    catalogue: ClassVar[dict[str, str]] = INDICATOR_COLUMNS
    column: str = Field(description="Kolumnen, en av: " + ", ".join(INDICATOR_COLUMNS) + ". Den första ska vara indikator.", examples=["utfall"])


class ActivityColumn(TableColumn):
    catalogue: ClassVar[dict[str, str]] = ACTIVITY_COLUMNS
    column: str = Field(description=(
        "Kolumnen, en av: " + ", ".join(ACTIVITY_COLUMNS) + ". Den första ska vara aktivitet; kommentar tar radens "
        "analys (och kräver planens activity_analysis)."), examples=["status"])


def _bare_key(value: object) -> object:
    """`- utfall` is short for `- {column: utfall}`."""
    return {"column": value} if isinstance(value, str) else value


def _in_order(columns: list[TableColumn] | None) -> list[TableColumn] | None:
    """Each column once, the name column (the row's symbol and name) first."""
    if columns is None:
        return None
    keys = [c.column for c in columns]
    if twice := [f"'{k}' (plats {keys.index(k) + 1} och {n + 1})" for n, k in enumerate(keys) if k in keys[:n]]:
        raise ValueError(f"kolumnen {twice[0]} står mer än en gång")
    if not keys:
        raise ValueError("ange tabellens kolumner, den första med radens symbol och namn")
    first = next(iter(columns[0].catalogue))
    if keys[0] != first:
        raise ValueError(f"den första kolumnen ska vara '{first}' (radens symbol och namn), inte '{keys[0]}'")
    return columns


class TableColumns(Strict):
    """A profile's `columns:`: the indicator and the activity table, each in print order; one left out prints as today."""

    indicators: Annotated[list[Annotated[IndicatorColumn, BeforeValidator(_bare_key)]] | None,
                          AfterValidator(_in_order)] = Field(None, description=(
        "Indikatortabellens kolumner i utskriftsordning, varje kolumn en gång; `- utfall` är kort för "
        "`- {column: utfall}`. Utelämnad: Tertials kolumner för rapporttypen."))
    activities: Annotated[list[Annotated[ActivityColumn, BeforeValidator(_bare_key)]] | None,
                          AfterValidator(_in_order)] = Field(None, description=(
        "Aktivitetstabellens kolumner i utskriftsordning; `- status` är kort för `- {column: status}`. Utelämnad: "
        "Tertials kolumner."))
    ask_printed_only: bool = Field(False, description=(
        "true: arbetsboken frågar bara efter de indikatorvärden tabellen skriver ut; kolumnerna för män/kvinnor och "
        "prognos finns inte när de inte skrivs ut (och krävs inte vid inlämningen)."))

    @model_validator(mode="after")
    def _something_declared(self) -> TableColumns:
        if self.indicators is None and self.activities is None:
            raise ValueError("ange indicators, activities eller båda")
        return self


def column_problems(columns: TableColumns | None, activity_analysis: bool) -> list[str]:
    """What the plan cannot fill: a comment column needs the Analys column on the Aktiviteter sheet."""
    if columns and columns.ask_printed_only and columns.indicators is None:
        return ["columns.ask_printed_only: gäller indikatortabellens kolumner, men profilen anger inga; ange "
                "columns.indicators eller ta bort ask_printed_only"]
    keys = [c.column for c in (columns.activities or [])] if columns else []
    if ANALYSIS_COLUMN in keys and not activity_analysis:
        return [f"columns.activities[{keys.index(ANALYSIS_COLUMN)}].column: kolumnen '{ANALYSIS_COLUMN}' skriver ut "
                "aktiviteternas analystext, men planen samlar inte in någon; ange activity_analysis: true i planen"]
    return []


def default_keys(table: str, kind: ReportKind | str) -> list[str]:
    """The columns Tertial has always printed: a verksamhetsberättelse has no forecast."""
    return [k for k in _TODAY[table] if not (k == "prognos" and kind == ReportKind.VB)]


def printed_columns(declared: list[TableColumn] | None, table: str, kind: ReportKind | str,
                    previous_header: str) -> list[tuple[str, str]]:
    """(key, heading) in print order: the declared columns, or today's for the report kind."""
    catalogue = INDICATOR_COLUMNS if table == "indicators" else ACTIVITY_COLUMNS
    defaults = {**catalogue, PREVIOUS: previous_header}
    chosen = [(c.column, c.heading) for c in declared] if declared else [(k, None) for k in default_keys(table, kind)]
    return [(key, heading or defaults[key]) for key, heading in chosen]


# The indicator sheet's input columns and the printed column each one fills.
_INPUT_OF = {"men": "man", "women": "kvinnor", "forecast": "prognos"}


def unasked_indicator_inputs(columns: TableColumns | None) -> set[str]:
    """The Indikatorer sheet's input columns (men, women, forecast) whose printed column the profile leaves out, when it
    says so (`ask_printed_only: true`): the handout does not ask for them and intake does not require them."""
    if columns is None or columns.indicators is None or not columns.ask_printed_only:
        return set()
    printed = {c.column for c in columns.indicators}
    return {key for key, column in _INPUT_OF.items() if column not in printed}
