"""Economy arithmetic, checked on the rows of Tertialrapport 1 2024 (seed 004, table E2)."""

from decimal import Decimal as D

import pytest

from tertial.economy import budget_adherence, complete_operations, operations_deviation, total
from tertial.plan import EconomyRow, RowType
from tertial.vocabulary import ReportKind

T1 = ReportKind.T1


@pytest.mark.parametrize(
    "budget, requested, performance, forecast_after, deviation",
    [
        ("80.7", "0.5", "0.0", "78.4", "2.8"),  # Nämnd och administration
        ("356.7", "0.2", "0.0", "369.9", "-13.0"),  # Individ- och familjeomsorg
        ("635.5", "0.0", "-24.7", "604.0", "6.8"),  # Förskoleverksamhet: prestation lowers the budget
        ("553.0", "0.0", "35.6", "588.6", "0.0"),  # Funktionsnedsättning: after fund withdrawal
    ],
)
def test_tertial_deviation_is_budget_plus_adjustments_minus_forecast(budget, requested, performance, forecast_after, deviation):
    values = {"budget": D(budget), "requested": D(requested), "performance": D(performance), "forecast_after": D(forecast_after)}
    assert operations_deviation(values, T1) == D(deviation)


def test_vb_deviation_and_adjusted_deviation():
    done = complete_operations({"budget": D("161.3"), "outcome": D("151.7"), "transfer": D("-5.4")}, ReportKind.VB)
    assert (done["deviation"], done["adjusted"]) == (D("9.6"), D("4.2"))


def test_total_counts_top_and_additive_rows_never_varav():
    rows = [
        (EconomyRow(id="iof", name="IoF"), {"budget": D("356.7")}),
        (EconomyRow(id="iof-barn", name="varav barn", row_type=RowType.VARAV, parent="iof"), {"budget": D("220.4")}),
        (EconomyRow(id="stad", name="Stadsmiljö"), {"budget": D("33.7")}),
        (EconomyRow(id="avskr", name="Avskrivningar", row_type=RowType.ADDITIVE, parent="stad"), {"budget": D("20.3")}),
    ]
    assert total(rows, ["budget"]) == {"budget": D("410.7")}
    assert total(list(reversed(rows)), ["budget"]) == {"budget": D("410.7")}  # order does not matter


def test_budget_adherence_of_t1_2024():
    # Prognos före 2 757,9 against 2 739,6 + 0,9 + 10,9 = 2 751,4 → 100,2 % as published.
    totals = {"budget": D("2739.6"), "requested": D("0.9"), "performance": D("10.9"), "forecast_before": D("2757.9")}
    assert budget_adherence(totals, T1) == D("100.2")
