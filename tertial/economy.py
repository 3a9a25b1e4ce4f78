"""Economy arithmetic: totals by row type, deviations, budget adherence.

Conventions of the reports: amounts in mnkr with one decimal, revenue negative, cost
positive; `varav` rows break their parent down and never count in a total.
"""

from __future__ import annotations

from decimal import Decimal

from tertial.economy_columns import complete, compute
from tertial.plan import EconomyRow, RowType
from tertial.vocabulary import ReportKind

TOLERANCE = Decimal("0.1")  # sums of rounded figures may differ by this much

Values = dict[str, Decimal | None]


def operations_columns(kind: ReportKind) -> list[tuple[str, str]]:
    if kind.is_tertial:
        return [("budget", "Budget"), ("requested", "Begärda budgetjusteringar"),
                ("performance", "Prestationsförändringar"), ("forecast_before", "Prognos före resultatöverföringar"),
                ("forecast_after", "Prognos efter resultatöverföringar"), ("deviation", "Avvikelse")]
    return [("previous", "Bokslut föregående år"), ("budget", "Budget"), ("outcome", "Utfall"),
            ("deviation", "Avvikelse mot budget"), ("transfer", "Resultatöverföring"), ("adjusted", "Justerad avvikelse")]


def investment_columns(kind: ReportKind) -> list[tuple[str, str]]:
    if kind.is_tertial:
        return [("budget", "Budget"), ("requested", "Begärda budgetjusteringar"), ("forecast", "Prognos"), ("deviation", "Avvikelse")]
    return [("budget", "Budget"), ("outcome", "Bokslut"), ("deviation", "Avvikelse")]


def _z(value: Decimal | None) -> Decimal:
    return value if value is not None else Decimal(0)


def operations_deviation(values: Values, kind: ReportKind) -> Decimal:
    """Avvikelse = Budget + Begärda + Prestation − Prognos (efter) in a tertial report; Budget − Utfall in the VB."""
    return compute("deviation", values, [k for k, _ in operations_columns(kind)])


def investment_deviation(values: Values, kind: ReportKind) -> Decimal:
    return compute("deviation", values, [k for k, _ in investment_columns(kind)])


def complete_operations(values: Values, kind: ReportKind) -> Values:
    """Fill the derived columns (Avvikelse, Justerad avvikelse) the contributor left empty; a given one is kept as
    given (validation holds it to its formula, within rounding), as the nämnd printed it."""
    keys = [k for k, _ in operations_columns(kind)]
    return complete(values, keys, [k for k in keys if values.get(k) is not None])


def complete_investment(values: Values, kind: ReportKind) -> Values:
    """Avvikelse computed where the contributor left it empty, kept as given otherwise."""
    done = dict(values)
    if done.get("deviation") is None:
        done["deviation"] = investment_deviation(values, kind)
    return done


def total(rows: list[tuple[EconomyRow, Values]], columns: list[str]) -> Values:
    """Σ per column over the rows that count: top-level and additive, never varav."""
    return column_sums([values for row, values in rows if row.row_type is not RowType.VARAV], columns)


def budget_adherence(totals: Values, kind: ReportKind) -> Decimal | None:
    """Budgetföljsamhet in per cent: Prognos (före) / available budget, or Utfall / Budget in the VB."""
    return compute("consumption", totals, [k for k, _ in operations_columns(kind)])


def within_tolerance(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= TOLERANCE


T2_COMPARISON_COLUMNS = [("t2_forecast", "Prognos T2"), ("outcome", "Utfall"), ("difference", "Differens")]


def t2_difference(outcome: Decimal | None, forecast: Decimal | None) -> Decimal | None:
    """How far the year's outcome landed from the forecast given in T2 (positive: spent more)."""
    if outcome is None or forecast is None:
        return None
    return compute("difference", {"outcome": outcome, "t2_forecast": forecast}, ["outcome", "t2_forecast", "difference"])


def forecast_accuracy(outcome: Decimal | None, forecast: Decimal | None) -> Decimal | None:
    """Prognossäkerhet T2 in per cent: (Utfall − Prognos T2) / Prognos T2, one decimal; none without both figures."""
    if outcome is None or forecast is None:
        return None
    keys = ["outcome", "t2_forecast", "forecast_accuracy"]
    return compute("forecast_accuracy", {"outcome": outcome, "t2_forecast": forecast}, keys)


# --- Resultatenheter (tkr) ---------------------------------------------------------------------

TKR_TOLERANCE = Decimal("1")  # amounts in whole tkr, each rounded: a sum may be off by one
ADJUSTMENT_KINDS = ("drift", "investering")


def result_unit_columns(kind: ReportKind, year: int) -> list[tuple[str, str]]:
    """The report's headers; the opposite sign conventions of 'från' and 'till' are the published ones."""
    result = f"Resultat {year}" + (" (prognos)" if kind.is_tertial else "")
    return [("budget", f"Bruttobudget {year}"),
            ("brought", f"Resultatöverföring från {year - 1} Överskott (-) Underskott (+)"),
            ("result", f"{result} Överskott (-) Underskott (+)"),
            ("carried", f"Resultatöverföring till {year + 1} Överskott (+) Underskott (-)")]


def carried_over(brought: Decimal | None, result: Decimal | None) -> Decimal:
    """Resultatöverföring till nästa år = −(från + resultat): what the fund holds, with the sign turned."""
    return compute("carried", {"brought": brought, "result": result}, ["brought", "result", "carried"])


def complete_result_unit(values: Values) -> Values:
    """'till' computed where the contributor left it blank; a stated one is checked at validation."""
    done = dict(values)
    if done.get("carried") is None:
        done["carried"] = carried_over(values.get("brought"), values.get("result"))
    return done


def column_sums(rows: list[Values], columns: list[str]) -> Values:
    return {c: sum((_z(v.get(c)) for v in rows), Decimal(0)) for c in columns}


# Amounts written with the reports' signs (revenue negative, cost positive); differences and changes are not.
SIGNED_COLUMNS = ("previous", "previous_budget", "budget", "adjusted_budget", "outcome", "forecast", "forecast_before",
                  "forecast_after", "previous_forecast", "t2_forecast")

TURNOVER_COLUMNS = [("amount", "Omslutningsförändring (mnkr)")]


# --- Intäkts- och kostnadsutveckling (VB, mnkr) ------------------------------------------------

REVENUE, COST = "intäkt", "kostnad"
REVENUE_COST_KINDS = (REVENUE, COST)
# In a table the profile declares, a row after Netto that adjusts it (Resultatöverföring/ombudgetering).
ADJUSTMENT = "justering"
# Typ is read leniently: any case, and the plural a contributor is as likely to write ("Intäkter").
_REVENUE_COST_SPELLINGS = {REVENUE: REVENUE, "intäkter": REVENUE, COST: COST, "kostnader": COST,
                           ADJUSTMENT: ADJUSTMENT, "justeringar": ADJUSTMENT}


def revenue_cost_kind(raw: object) -> str | None:
    """'intäkt' or 'kostnad' for a Typ cell, None when it is neither (or empty)."""
    return _REVENUE_COST_SPELLINGS.get(raw.strip().lower()) if isinstance(raw, str) else None


def revenue_cost_columns(year: int) -> list[tuple[str, str]]:
    return [("previous", f"Utfall {year - 1}"), ("outcome", f"Utfall {year}"), ("change", "Förändring")]


def with_change(values: Values) -> Values:
    """Förändring = Utfall − Utfall föregående år, in the table's signs: how it reads per row type is the sign
    convention's (tertial.signs; a larger revenue written negative is a negative change)."""
    return complete(values, ["previous", "outcome", "change"])
