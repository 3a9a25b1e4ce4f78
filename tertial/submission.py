"""The canonical submission format: sheets, their columns, and the parsed submission.

A workbook (xlsx) and a folder of CSV files carry the same content; `docs/inlamningsformat.md`
documents both. Columns are identified by header text, never by position, so a contributor
who moves a column loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from tertial.economy_columns import EconomyTables, EconomyTableSpec, investments_as_text, table_spec
from tertial.findings import Finding
from tertial.vocabulary import ReportKind

TEMPLATE_VERSION = "1"
META_SHEET = "_tertial"


@dataclass(frozen=True)
class Column:
    key: str  # canonical name in the parsed frames
    header: str  # header text in the workbook
    numeric: bool = False
    required: bool = False  # the header must be present


@dataclass(frozen=True)
class Sheet:
    key: str  # canonical name, also the CSV file stem
    name: str  # sheet name in the workbook
    columns: tuple[Column, ...]
    id_column: str

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def previous_outcome_header(year: int) -> str:
    return f"Utfall VB {year - 1}"


def sheets_for(kind: ReportKind, year: int, economy: EconomyTables | None = None) -> dict[str, Sheet]:
    """The sheets of a submission for a report of this kind and year (the economy's as the profile declares them)."""
    tertial = kind.is_tertial
    return {
        "goals": Sheet("mal", "Mål", (
            Column("goal", "Målnummer", required=True),
            Column("title", "Mål"),
            Column("assessment", "Bedömning", required=True),
            Column("analysis", "Analys", required=True),
            Column("description", "Beskrivning"),
            Column("expected", "Förväntat resultat"),
        ), "goal"),
        "indicators": Sheet("indikatorer", "Indikatorer", tuple(c for c in (
            Column("id", "Id", required=True),
            Column("name", "Indikator"),
            Column("goal", "Mål"),
            Column("unit", "Enhet"),
            Column("period", "Period", required=True),
            Column("outcome", "Periodens utfall", numeric=True, required=True),
            Column("men", "Utfall män/pojkar", numeric=True),
            Column("women", "Utfall kvinnor/flickor", numeric=True),
            Column("previous", previous_outcome_header(year), numeric=True),
            Column("forecast", "Prognos helår", numeric=True, required=True) if tertial else None,
            Column("annual_target", "Årsmål"),
            Column("kf_target", "KF:s årsmål"),
            Column("status", "Status", required=True),
            Column("analysis", "Analys", required=True),
        ) if c is not None), "id"),
        "activities": Sheet("aktiviteter", "Aktiviteter", (
            Column("id", "Id", required=True),
            Column("name", "Aktivitet"),
            Column("goal", "Mål"),
            Column("start", "Startdatum", required=True),
            Column("end", "Slutdatum", required=True),
            Column("status", "Status", required=True),
            Column("deviation", "Avvikelse", required=True),
            Column("analysis", "Analys"),
        ), "id"),
        "texts": Sheet("texter", "Texter", (
            Column("key", "Avsnitt", required=True),
            Column("title", "Rubrik"),
            Column("text", "Text", required=True),
        ), "key"),
        **_declared_sheets(_economy_sheets(kind, year, investments_as_text(economy)), economy, year),
    }


def _economy_sheets(kind: ReportKind, year: int, investments_text: bool = False) -> dict[str, Sheet]:
    """The economy owner's sheets; Omslutningsförändringar only in a tertial report, Intäkter och kostnader only in the VB;
    no Investeringar when the profile has the investments reported as a text."""
    turnover = Sheet("omslutning", "Omslutningsförändringar", (
        Column("name", "Verksamhetsområde", required=True),
        Column("amount", "Omslutningsförändring (mnkr)", numeric=True, required=True),
        Column("comment", "Kommentar"),
    ), "name")
    return {
        "economy": Sheet("ekonomi", "Ekonomi", _economy_columns(kind), "id"),
        **({} if investments_text else {"investments": Sheet("investeringar", "Investeringar", _investment_columns(kind), "id")}),
        "result_units": Sheet("resultatenheter", "Resultatenheter", _result_unit_columns(kind, year), "name"),
        **({"turnover": turnover} if kind.is_tertial else {}),
        "adjustments": _adjustment_sheet(kind),
        **({} if kind.is_tertial else {"revenue_costs": _revenue_cost_sheet(year)}),
    }


# Sheets the economy owner may leave out: a nämnd without resultatenheter or requests simply has none.
OPTIONAL_ECONOMY_SHEETS = ("result_units", "turnover", "adjustments", "revenue_costs")
ECONOMY_SHEETS = ("economy", "investments", *OPTIONAL_ECONOMY_SHEETS)


# The columns each economy sheet has before its amounts, and after them, when a profile declares the table.
_DECLARED_SHEETS = {
    "operations": ("economy", "ekonomi", "Ekonomi", (Column("id", "Id", required=True), Column("name", "Verksamhetsområde"),
                                                     Column("row_type", "Radtyp")), (Column("comment", "Kommentar"),), "id"),
    "investments": ("investments", "investeringar", "Investeringar", (Column("id", "Id", required=True),
                                                                     Column("name", "Investering")), (), "id"),
    "result_units": ("result_units", "resultatenheter", "Resultatenheter", (Column("name", "Resultatenhet", required=True),),
                     (), "name"),
    "revenue_costs": ("revenue_costs", "intakter_kostnader", "Intäkter och kostnader",
                      (Column("name", "Post", required=True), Column("kind", "Typ", required=True)),
                      (Column("comment", "Kommentar"),), "name"),
}


def _declared_sheets(sheets: dict[str, Sheet], economy: EconomyTables | None, year: int) -> dict[str, Sheet]:
    """Each economy table the profile declares gets a sheet of its entered columns, in print order, under its
    headings (with the unit); a declared Intäkter och kostnader is collected in T1 and T2 too."""
    out = dict(sheets)
    for table, (key, stem, name, head, tail, id_column) in _DECLARED_SHEETS.items():
        spec = table_spec(economy, table)
        if spec is not None:
            out[key] = Sheet(stem, name, head + _amount_columns(spec, table, year) + tail, id_column)
    return out


def _amount_columns(spec: EconomyTableSpec, table: str, year: int) -> tuple[Column, ...]:
    unit = spec.unit or ("tkr" if table == "result_units" else "mnkr")
    headings = dict(spec.printed(year))
    return tuple(Column(k, f"{headings[k]} ({unit})", numeric=True, required=True) for k in spec.entered)


def _result_unit_columns(kind: ReportKind, year: int) -> tuple[Column, ...]:
    """Resultatenheter in tkr; the headers carry the sign conventions, which differ between the columns."""
    result = "Prognos resultat" if kind.is_tertial else "Resultat"
    return (
        Column("name", "Resultatenhet", required=True),
        Column("budget", f"Bruttobudget {year} (tkr)", numeric=True, required=True),
        Column("brought", f"Resultatöverföring från {year - 1} (tkr), överskott (-) underskott (+)", numeric=True, required=True),
        Column("result", f"{result} {year} (tkr), överskott (-) underskott (+)", numeric=True, required=True),
        # Optional: Tertial computes it; when given it must agree.
        Column("carried", f"Resultatöverföring till {year + 1} (tkr), överskott (+) underskott (-)", numeric=True),
    )


def _revenue_cost_sheet(year: int) -> Sheet:
    """The VB's Intäkts- och kostnadsutveckling: one row per post, last year's and this year's outcome in mnkr."""
    return Sheet("intakter_kostnader", "Intäkter och kostnader", (
        Column("name", "Post", required=True),
        Column("kind", "Typ", required=True),
        Column("previous", f"Utfall {year - 1} (mnkr)", numeric=True, required=True),
        Column("outcome", f"Utfall {year} (mnkr)", numeric=True, required=True),
        Column("comment", "Kommentar"),
    ), "name")


def _adjustment_sheet(kind: ReportKind) -> Sheet:
    """Budgetjusteringar in T1/T2, ombudgeteringar in the VB: one row per request."""
    key, name = ("budgetjusteringar", "Budgetjusteringar") if kind.is_tertial else ("ombudgeteringar", "Ombudgeteringar")
    return Sheet(key, name, (
        Column("title", "Rubrik", required=True),
        Column("kind", "Typ", required=True),
        Column("amount", "Belopp (mnkr)", numeric=True, required=True),
        Column("text", "Motivering", required=True),
    ), "title")


def _economy_columns(kind: ReportKind) -> tuple[Column, ...]:
    head = (Column("id", "Id", required=True), Column("name", "Verksamhetsområde"), Column("row_type", "Radtyp"))
    if kind.is_tertial:
        numbers = (
            ("budget", "Budget"), ("requested", "Begärda budgetjusteringar"),
            ("performance", "Prestationsförändringar"), ("forecast_before", "Prognos före resultatöverföringar"),
            ("forecast_after", "Prognos efter resultatöverföringar"), ("deviation", "Avvikelse"),
        )
    else:
        numbers = (
            ("previous", "Bokslut föregående år"), ("budget", "Budget"), ("outcome", "Utfall"),
            ("deviation", "Avvikelse"), ("transfer", "Resultatöverföring"), ("adjusted", "Justerad avvikelse"),
        )
    optional = {"deviation", "adjusted"}
    cols = tuple(Column(k, h, numeric=True, required=k not in optional) for k, h in numbers)
    return head + cols + (Column("comment", "Kommentar"),)


def _investment_columns(kind: ReportKind) -> tuple[Column, ...]:
    head = (Column("id", "Id", required=True), Column("name", "Investering"))
    if kind.is_tertial:
        numbers = (("budget", "Budget"), ("requested", "Begärda budgetjusteringar"), ("forecast", "Prognos"), ("deviation", "Avvikelse"))
    else:
        numbers = (("budget", "Budget"), ("outcome", "Bokslut"), ("deviation", "Avvikelse"))
    return head + tuple(Column(k, h, numeric=True, required=k != "deviation") for k, h in numbers)


@dataclass
class Submission:
    """What one contributor sent, read into frames of raw text (one row per item)."""

    file: str
    cycle_id: str
    contributor_id: str
    template_version: str
    # Frames keyed like sheets_for(); each has the sheet's column keys plus "_row" (1-based row in the sheet).
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    token: str = ""  # the issued-to token from the hidden sheet ('' when none)
    # Warnings made while reading (text cleaned at the door); the file is named when they are reported.
    notes: list[Finding] = field(default_factory=list)
    # Sheets read as free tables (tertial.key_figures): Nyckeltal sheets and Total driftbudget, cells as read.
    free_tables: dict[str, list[list[object]]] = field(default_factory=dict)
    # Each workbook sheet's headers in row 1 → column number (1-based, the first of a repeated header wins), so a
    # finding can name its cell ('F6'); empty for a CSV folder, whose rows and columns are not a sheet's cells.
    layouts: dict[str, dict[str, int]] = field(default_factory=dict)

    def frame(self, key: str) -> pd.DataFrame:
        return self.frames.get(key, pd.DataFrame())


# Sheets read as free tables by tertial.key_figures, beside the fixed sheets above: any sheet whose name starts
# with KEY_FIGURE_PREFIX (one nyckeltal table each) and the economy owner's total driftbudget.
KEY_FIGURE_PREFIX = "Nyckeltal"
TOTAL_BUDGET_SHEET = "Total driftbudget"


def is_free_table(sheet: str) -> bool:
    return is_key_figure_sheet(sheet) or sheet == TOTAL_BUDGET_SHEET


def is_key_figure_sheet(sheet: str) -> bool:
    """'Nyckeltal förskola', also as 'nyckeltal förskola' or 'NYCKELTAL …': a contributor need not match the case."""
    return sheet.casefold().startswith(KEY_FIGURE_PREFIX.casefold())
