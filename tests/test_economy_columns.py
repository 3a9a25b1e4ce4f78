"""The economy column catalogue: every computed column's formula, as data, against figures worked by hand (issue 15)."""

from decimal import Decimal as D

import pytest
from pydantic import ValidationError

from tertial.economy import (
    budget_adherence, carried_over, complete_operations, investment_deviation, operations_columns, operations_deviation,
    t2_difference, with_change,
)
from tertial.economy_columns import Catalogue, EconomyTables, catalogue, complete, compute, formula_for, heading
from tertial.vocabulary import ReportKind

ROW = {"previous_budget": D("-30.3"), "previous": D("-26.0"), "budget": D("356.7"), "requested": D("0.2"),
       "performance": D("1.1"), "outcome": D("350.2"), "forecast": D("360.0"), "forecast_before": D("369.9"),
       "forecast_after": D("365.4"), "previous_forecast": D("362.5"), "t2_forecast": D("352.0"), "transfer": D("-2.5"),
       "brought": D("-2310"), "result": D("600")}


@pytest.mark.parametrize("key, table, expected", [
    ("previous_deviation", ["previous_budget", "previous"], D("-4.3")),  # −30,3 − (−26,0)
    ("adjusted_budget", ["budget", "requested", "performance"], D("358.0")),  # 356,7 + 0,2 + 1,1
    ("adjusted_budget", ["budget", "requested"], D("356.9")),
    ("deviation", ["budget", "requested", "performance", "forecast_after"], D("-7.4")),  # 358,0 − 365,4
    ("deviation", ["budget", "requested", "forecast"], D("-3.1")),  # 356,9 − 360,0
    ("deviation", ["budget", "forecast"], D("-3.3")),  # 356,7 − 360,0
    ("deviation", ["budget", "outcome"], D("6.5")),  # 356,7 − 350,2
    ("adjusted", ["budget", "outcome", "deviation", "transfer"], D("4.0")),  # 6,5 + (−2,5)
    ("forecast_change", ["forecast", "previous_forecast"], D("-2.5")),  # 360,0 − 362,5
    ("difference", ["outcome", "t2_forecast"], D("-1.8")),  # 350,2 − 352,0
    ("consumption", ["budget", "requested", "performance", "forecast_before"], D("103.3")),  # 369,9 / 358,0 = 1,03324
    ("consumption", ["budget", "outcome"], D("98.2")),  # 350,2 / 356,7 = 0,98178
    ("change", ["previous", "outcome"], D("376.2")),  # 350,2 − (−26,0)
    ("carried", ["brought", "result"], D("1710")),  # −(−2 310 + 600)
])
def test_every_computed_column_against_figures_worked_by_hand(key, table, expected):
    done = complete({k: ROW.get(k) for k in table}, [*table, key] if key not in table else table)
    assert done[key] == expected


def test_the_first_formula_whose_inputs_the_table_has_applies():
    assert formula_for("deviation", ["budget", "outcome", "forecast"]).minus == ["forecast"]
    assert formula_for("deviation", ["budget", "outcome"]).minus == ["outcome"]
    assert formula_for("deviation", ["budget"]) is None  # nothing to compute it from: check-config refuses such a table


def test_empty_cells_count_as_zero_but_a_share_of_nothing_is_none():
    assert compute("deviation", {"budget": D("5.0"), "outcome": None}, ["budget", "outcome"]) == D("5.0")
    assert compute("consumption", {"budget": D("0"), "outcome": D("3")}, ["budget", "outcome"]) is None
    assert compute("consumption", {"budget": D("3"), "outcome": None}, ["budget", "outcome"]) is None


def test_a_column_the_profile_takes_as_entered_is_not_computed():
    values = {"deviation": D("4.5"), "transfer": None, "adjusted": None}
    done = complete(values, ["deviation", "transfer", "adjusted"], entered=["deviation"])
    assert (done["deviation"], done["adjusted"]) == (D("4.5"), D("4.5"))


def test_todays_formulas_come_from_the_catalogue():
    """The report kinds' own tables: the same figures as the formulas Tertial always had."""
    t = {"budget": D("356.7"), "requested": D("0.2"), "performance": D("0.0"), "forecast_before": D("369.9"),
         "forecast_after": D("369.9")}
    assert operations_deviation(t, ReportKind.T1) == D("-13.0")
    assert budget_adherence(t, ReportKind.T2) == D("103.6")  # 369,9 / 356,9
    vb = {"previous": D("350.1"), "budget": D("356.9"), "outcome": D("366.0"), "transfer": D("-2.5")}
    assert complete_operations(vb, ReportKind.VB)["adjusted"] == D("-11.6")  # 356,9 − 366,0 − 2,5
    assert budget_adherence(vb, ReportKind.VB) == D("102.5")
    assert investment_deviation({"budget": D("3.2"), "requested": D("0.5"), "forecast": D("3.7")}, ReportKind.T2) == D("0.0")
    assert investment_deviation({"budget": D("3.2"), "outcome": D("3.6")}, ReportKind.VB) == D("-0.4")
    assert with_change({"previous": D("-44.1"), "outcome": D("-47.0")})["change"] == D("-2.9")
    assert carried_over(D("-1684"), D("1900")) == D("-216")
    assert t2_difference(D("366.0"), D("369.9")) == D("-3.9") and t2_difference(None, D("1")) is None
    assert [k for k, _ in operations_columns(ReportKind.VB)] == ["previous", "budget", "outcome", "deviation", "transfer", "adjusted"]


def test_headings_take_the_reports_year():
    assert heading("previous_budget", 2013) == "Budget 2012"
    assert heading("carried", 2025) == "Resultatöverföring till 2026 Överskott (+) Underskott (-)"


def test_the_catalogue_refuses_a_formula_on_a_column_it_does_not_have():
    with pytest.raises(ValidationError, match="columns.x: formeln använder 'y'"):
        Catalogue.model_validate({"columns": {"x": {"heading": "X", "formulas": [{"plus": ["y"]}]}}})
    assert all(c.heading for c in catalogue().values())


@pytest.mark.parametrize("declared, expected", [
    ({"operations": {"columns": ["budget", "prognos"]}}, "okänd kolumn 'prognos'"),
    ({"operations": {"columns": ["budget", "adjusted"]}},
     "kolumnen 'adjusted' räknas fram ur (deviation, transfer), men tabellen saknar dem; lägg till kolumnerna eller ange entered: true"),
    ({"operations": {"columns": ["budget", "outcome", "budget"]}}, "columns[2]: kolumnen 'budget' står mer än en gång"),
    ({"investments": {"columns": [{"column": "budget", "entered": True}]}}, "kolumnen 'budget' fylls alltid i av bidragsgivaren"),
    ({"result_units": {"columns": ["brought", "result"], "cap": 10}}, "result_units.cap: taket är en andel av bruttobudgeten"),
    ({"result_units": {"columns": ["budget", "brought"]}}, "resultatenheterna behöver kolumnen 'result'"),
    ({"revenue_costs": {"columns": ["budget"], "cap": 10}}, "revenue_costs.cap: ett tak gäller bara resultatenheter"),
    ({"revenue_costs": {"columns": ["budget"], "unit": "kr"}}, "unit"),
    ({"tabeller": {}}, "tabeller"),
    ({"operations": {"columns": [{"column": "budget", "heading": "Budget {år}"}]}},
     "rubriken 'Budget {år}' kan bara ha {year}, {previous_year} och {next_year} inom klamrar"),
])
def test_a_declaration_that_cannot_be_printed_is_refused(declared, expected):
    with pytest.raises(ValidationError) as caught:
        EconomyTables.model_validate(declared)
    assert expected in str(caught.value)
