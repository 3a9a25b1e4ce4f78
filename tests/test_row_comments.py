"""Signs as data: a change read through the table's sign convention, and a row's comment checked against its row.

Revenue is written negative and cost positive, so a revenue whose Förändring is −2,9 has grown by 2,9 mnkr and a
cost whose Förändring is −8,0 has shrunk by 8,0 mnkr. The report is the mini VB's golden report.json.
"""

from decimal import Decimal
from pathlib import Path

import pytest

from tertial.economy import COST, REVENUE
from tertial.findings import Severity
from tertial.narrative.row_comments import check_row_comments
from tertial.report import Report
from tertial.report_checks import check_report
from tertial.signs import NET, change_phrase, growth

GOLDEN_VB = Path(__file__).parent / "golden" / "mini-vb.json"


def _with_comments(comments: dict[str, str]) -> Report:
    """The mini VB with these comments on its revenue and cost posts (by name)."""
    report = Report.model_validate_json(GOLDEN_VB.read_text(encoding="utf-8"))
    section = report.economy.revenue_costs
    rows = [line.model_copy(update={"comment": comments.get(line.id, line.comment)}) for line in section.table.rows]
    table = section.table.model_copy(update={"rows": rows})
    economy = report.economy.model_copy(update={"revenue_costs": section.model_copy(update={"table": table})})
    return report.model_copy(update={"economy": economy})


@pytest.mark.parametrize("kind, change, expected", [
    (REVENUE, Decimal("-2.9"), "har ökat med 2,9 mnkr"),
    (REVENUE, Decimal("2.9"), "har minskat med 2,9 mnkr"),
    (COST, Decimal("-8.0"), "har minskat med 8,0 mnkr"),
    (COST, Decimal("30.6"), "har ökat med 30,6 mnkr"),
    (NET, Decimal("27.25"), "har ökat med 27,3 mnkr"),  # half up, as the table prints it
    (COST, Decimal("0.04"), "är oförändrade"),
])
def test_a_change_is_read_through_the_sign_its_row_is_written_with(kind, change, expected):
    assert change_phrase(kind, change) == expected
    assert growth(kind, change) == (-change if kind == REVENUE else change)


def test_comments_that_follow_the_convention_pass():
    report = _with_comments({
        "Taxor och avgifter": "Intäkterna har ökat med 2,9 mnkr till följd av höjda taxor.",
        "Bidrag": "Bidragen minskade med 2,9 mnkr.",
        "Köp av verksamhet": "Kostnaden har minskat med 8,0 mnkr; färre externa placeringar.",
        "Personalkostnader": "En ökning med 30,6 mnkr, främst löneökningar.",
    })
    assert check_row_comments(report) == []


def test_a_comment_with_the_wrong_direction_or_amount_is_named_with_its_row():
    report = _with_comments({
        "Taxor och avgifter": "Intäkterna har minskat med 2,9 mnkr.",  # Förändring −2,9 on a revenue: an ökning
        "Köp av verksamhet": "Kostnaden har ökat med 8,0 mnkr.",
        "Personalkostnader": "Personalkostnaderna har ökat med 3,0 mnkr.",
    })
    found = check_row_comments(report)
    assert [(f.item_id, f.value, f.severity) for f in found] == [
        ("Taxor och avgifter", "minskat med 2,9 mnkr", Severity.WARNING),
        ("Personalkostnader", "ökat med 3,0 mnkr", Severity.WARNING),
        ("Köp av verksamhet", "ökat med 8,0 mnkr", Severity.WARNING),
    ]
    assert found[0].message == (
        "Kommentaren till raden 'Taxor och avgifter' säger 'minskat med 2,9 mnkr', men raden visar Förändring -2,9 mnkr, "
        "det vill säga att posten har ökat med 2,9 mnkr (intäkter skrivs negativa, kostnader positiva). "
        "Rätta kommentaren eller raden så att de stämmer.")
    assert found[0].sheet == "Intäkter och kostnader" and found[0].column == "Kommentar"
    assert [f.rule_id for f in check_report(report) if f.rule_id == "narrative_row_comment"] == ["narrative_row_comment"] * 3


def test_the_sum_rows_and_a_comment_without_a_change_are_not_checked():
    report = _with_comments({"summa-intakter": "Intäkterna har ökat med 9,9 mnkr.", "Lokalkostnader": "Nya lokaler."})
    assert check_row_comments(report) == []


def test_seed002_comments_with_cirka_rounder_figures_and_parts_of_the_post_pass():
    # seed 002 L5116–L5135: the post's change "cirka 26,6" (26,6); "8,2" written for 8,3; the sentences
    # "Vid Enheten för hemlösa har kostnaderna ökat med 3,2 mnkr" speak of a part of the post, not of the row
    report = _with_comments({
        "Personalkostnader": "Personalkostnaderna har ökat med cirka 30,6 mnkr mellan åren. Löneökningar har medfört "
                             "ökade kostnader på cirka 9 mnkr.",
        "Köp av verksamhet": "Kostnaderna för köp av verksamhet har minskat med 8 mnkr. Av detta beror 2,7 mnkr på "
                             "färre placeringar. Vid Enheten för hemlösa har kostnaderna ökat med 3,2 mnkr. Vid "
                             "Socialjouren har kostnaderna ökat med 0,8 mnkr vilket beror på hemresor.",
    })
    assert check_row_comments(report) == []


def test_a_wrong_change_said_with_cirka_is_found():
    report = _with_comments({"Personalkostnader": "Personalkostnaderna har ökat med cirka 26,6 mnkr mellan åren."})
    assert [(f.item_id, f.value) for f in check_row_comments(report)] == [("Personalkostnader", "ökat med cirka 26,6 mnkr")]


def test_a_change_said_as_a_comparison_with_last_year():
    good = _with_comments({"Personalkostnader": "Personalkostnaderna är 30,6 mnkr högre än föregående år.",
                           "Taxor och avgifter": "Intäkterna blev cirka 3 mnkr högre än 2023."})
    assert check_row_comments(good) == []
    bad = _with_comments({"Personalkostnader": "Personalkostnaderna är 30,6 mnkr lägre än föregående år."})
    assert [(f.item_id, f.value) for f in check_row_comments(bad)] == [("Personalkostnader", "30,6 mnkr lägre än föregående år")]
