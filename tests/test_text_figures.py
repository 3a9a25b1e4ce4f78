"""Figures a text quotes from its own row, goal or table (issue 16, points 1 and 4), each with a failing and a passing case.

Cases from the examples' texts (seed 004's T1/T2 2024, seed 002's VB 2013) and invented ones. The same rules run on
whole reports in tests/test_planted.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tertial.narrative.economy_texts import _total_after_findings
from tertial.narrative.places import Place
from tertial.narrative.row_comments import _budget_findings
from tertial.narrative.row_numbers import _activity_counts, _quoted_values
from tertial.report import ActivityRow, EconomyLine, GoalSection, IndicatorRow


def _indicator(analysis: str, outcome: str | None = "62,5", forecast: str | None = "70", target: str = "75 %") -> IndicatorRow:
    number = lambda text: None if text is None else Decimal(text.replace(",", "."))  # noqa: E731
    return IndicatorRow(id="1.3-I8", name="Andel placerade barn som når målen", unit="%", level="nämnd", period="Tertial 1 2024",
                        outcome=number(outcome), forecast=number(forecast), previous=Decimal("63.75"), annual_target=target,
                        status="Uppfylls delvis", status_symbol="", analysis=analysis)


@pytest.mark.parametrize("analysis, flagged", [
    # Seed 004's own analyses, as the T1 example writes them: every value is the row's.
    ("Prognosen, 70, ligger nära årsmålet 75 % men inte ända fram.", False),
    ("Utfallet, 62,5, ligger under årsmålet 75 %.", False),
    ("Utfallet 2023 var högre.", False),  # a year, not a value
    ("Årsmålet på 75 procent nås inte.", False),
    ("Prognosen, 72, ligger nära årsmålet 75 % men inte ända fram.", True),
    ("Förvaltningen når inte helt årsmålet på 93 procent.", True),  # seed 002's sentence on another row
    ("Utfallet blev 65 %.", True),
])
def test_a_value_quoted_as_the_rows_own_is_the_rows(analysis, flagged):
    found = _quoted_values(_indicator(analysis))
    assert bool(found) is flagged, [f.message for f in found]
    if flagged:
        assert found[0].rule_id == "narrative_row_number" and found[0].column == "Analys"


def test_a_quoted_value_is_not_judged_against_an_arsmal_that_is_not_a_number():
    assert _quoted_values(_indicator("Årsmålet 50 gäller helåret.", target="Ökning")) == []
    assert _quoted_values(_indicator("Utfallet, 1 277, är högre än i fjol.", outcome="1277")) == []


def _place(text: str) -> Place:
    return Place(text, "Texten 'Investeringar'", "investeringar", "Investeringar", "Texter", "Text")


@pytest.mark.parametrize("text, flagged", [
    ("Nämnden begär 0,8 mnkr och 0,2 mnkr, totalt 1,0 mnkr, i justeringar.", False),
    ("Medlen fördelas på 0,1 mnkr, 0,3 mnkr och 0,5 mnkr, sammanlagt 0,9 mnkr.", False),
    ("Nämnden begär 0,8 mnkr och 0,2 mnkr, totalt 1,2 mnkr, i justeringar.", True),
    ("Medlen fördelas på 0,1 mnkr, 0,3 mnkr och 0,5 mnkr, sammanlagt 1,9 mnkr.", True),
    # Two amounts and a third that is not said to be their total: not read.
    ("Budgeten är 39,7 mnkr och prognosen 40,7 mnkr, vilket ger 1,0 mnkr.", False),
])
def test_amounts_and_the_total_the_text_gives_them(text, flagged):
    found = _total_after_findings(_place(text))
    assert bool(found) is flagged, [f.message for f in found]
    if flagged:
        assert found[0].rule_id == "narrative_prose_sum"


def _revenue(comment: str) -> EconomyLine:
    # Seed 002's Bidrag, ersättningar 2013: revenue written negative; 134,2 mnkr came in against 167,3 budgeted.
    return EconomyLine(id="bidrag", name="Bidrag, ersättningar", row_type="top",
                       values={"budget": Decimal("-167.3"), "outcome": Decimal("-134.2")}, comment=comment)


@pytest.mark.parametrize("comment, flagged", [
    ("Bidragen blev 33,1 mnkr lägre än budgeterat.", False),
    ("Intäkterna blev cirka 33 mnkr lägre än budget.", False),
    ("Bidragen blev 33,1 mnkr högre än budgeterat.", True),
    ("Bidragen blev 13,1 mnkr lägre än budgeterat.", True),
])
def test_a_comment_above_or_below_budget_follows_the_rows_sizes(comment, flagged):
    found = _budget_findings(_revenue(comment))
    assert bool(found) is flagged, [f.message for f in found]
    if flagged:
        assert "134,2" in found[0].message and "167,3" in found[0].message


def _goal(analysis: str, done: int, total: int) -> GoalSection:
    activities = [ActivityRow(id=f"1.4.1-A{i}", name=f"Aktivitet {i}", start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31),
                              status="Genomförd" if i <= done else "Pågår", completed=i <= done) for i in range(1, total + 1)]
    return GoalSection(number="1.4.1", title="Äldre invånare har ett hälsosamt åldrande", level=3, label="Nämndmål",
                       owner="aldre", missing=False, assessment="Uppfylls helt", assessment_symbol="", analysis=analysis,
                       activities=activities)


@pytest.mark.parametrize("analysis, done, total, flagged", [
    ("Arbetet har fortsatt under maj till augusti. 1 av målets 5 aktiviteter är genomförda.", 1, 5, False),
    ("Två av de tre aktiviteterna har slutförts.", 2, 3, False),
    ("3 av 7 aktiviteter är genomförda i hela förvaltningen.", 1, 5, False),  # another set than the goal's
    ("Arbetet har fortsatt under maj till augusti. 2 av målets 2 aktiviteter är genomförda.", 0, 2, True),
    ("Fyra av fem aktiviteter är genomförda.", 3, 5, True),
])
def test_a_count_of_completed_activities_is_the_goals(analysis, done, total, flagged):
    found = _activity_counts(_goal(analysis, done, total))
    assert bool(found) is flagged, [f.message for f in found]
    if flagged:
        assert f"{done} av {total}" in found[0].message


def test_internal_revenue_and_cost_are_the_same_amount():
    """Seed 002: Förvaltningsinterna intäkter and kostnader are equal in size in all four columns; 'Övriga externa
    intäkter' and 'Övriga kostnader' are not an internal pair."""
    from tertial.assembly import build_report
    from tertial.config import load_cycle
    from tertial.economy_checks import _internal_pairs, check_internal_eliminations
    from tests.planted import EXAMPLES, _clean_accepted

    cycle = load_cycle(EXAMPLES / "sn-vb-2013" / "cycle.yaml")
    report = build_report(cycle, _clean_accepted(cycle, "sn-vb-2013"))
    table = report.economy.revenue_costs.table
    assert [(a.name, b.name) for a, b in _internal_pairs(table)] == [("Förvaltningsinterna intäkter", "Förvaltningsinterna kostnader")]
    assert check_internal_eliminations(report) == []
    rows = [r.model_copy(update={"values": {**r.values, "outcome": Decimal("201.3")}}) if r.name == "Förvaltningsinterna kostnader"
            else r for r in table.rows]
    section = report.economy.revenue_costs.model_copy(update={"table": table.model_copy(update={"rows": rows})})
    changed = report.model_copy(update={"economy": report.economy.model_copy(update={"revenue_costs": section})})
    found = check_internal_eliminations(changed)
    assert [(f.rule_id, f.column, f.value, f.item_id) for f in found] == [
        ("revenue_cost_internal", "Bokslut 2013 Utfall (mnkr)", "201,3 mnkr", "Förvaltningsinterna kostnader")]
    assert "211,3 mnkr" in found[0].message


def test_money_and_comparisons_are_not_read_as_the_rows_or_the_tables_figures():
    """Seed 004 writes 'för stödboende är prognosen 10,0 mnkr' and seed 002 'ett överskott jämfört med budget på 7,8
    mnkr': neither is an indicator's prognos or an investment budget."""
    from tertial.narrative.amounts import _COMPARED_WITH, _INVESTMENT

    assert _quoted_values(_indicator("För stödboende är prognosen 10,0 mnkr.")) == []
    assert _quoted_values(_indicator("Utfallet blev 12 av 40 ärenden.")) == []
    assert _quoted_values(_indicator("Utfallet är 3 procentenheter högre än i fjol.")) == []
    assert _quoted_values(_indicator("Prognosen är 5 procent lägre än årsmålet.")) == []
    text = "Utfallet visar ett överskott jämfört med budget på 7,8 mnkr."
    match = next(_INVESTMENT.finditer(text))
    assert _COMPARED_WITH.search(text, 0, match.start())


@pytest.mark.parametrize("text, whole", [
    ("Bokslutet visar ett överskott på 7,8 mnkr efter resultatöverföringar.", True),  # seed 002, KF 3.1
    ("Nämnden redovisar ett överskott på 7,8 mnkr.", True),
    ("Efter resultatöverföringar väntas ett överskott på 7,8 mnkr.", True),
    ("Hemtjänsten i Stureby visar ett underskott på 1,9 mnkr.", False),
    ("Enheten för hemlösa har ett underskott på 0,8 mnkr.", False),
])
def test_an_amount_in_a_goal_analysis_is_the_nämnds_only_when_said_of_the_whole(text, whole):
    from tertial.narrative.amounts import _AMOUNT
    from tertial.narrative.speakers import speaks_for_whole

    assert speaks_for_whole(text, next(_AMOUNT.finditer(text))) is whole
