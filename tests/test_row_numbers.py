"""Issue 16, point 1: numbers in analysis texts against their own row, and period words against the report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tertial.findings import Severity
from tertial.narrative.row_numbers import check_period_words, check_row_numbers
from tertial.report import IndicatorRow
from tests.test_narrative import HELT, goal, only, report

# Seed 004 (T1 2024), L2467: "… från 2,2 procent till 2,8 procent, vilket medför ökade räntekostnader …"
SEED004_RANGE = "Internräntan har ökat med 0,6 procentenheter, från 2,2 procent till 2,8 procent."
# Seed 004 (T1 2024), L2543 and L2626: the T1's own months.
SEED004_T1 = "Beläggningen inom vård-och omsorgsboende var 94,6 procent under januari-april."
SEED004_MARS = "Antal hushåll för januari-mars är 921 i snitt."


def _row(analysis: str, outcome: str | None = "2.8", previous: str | None = "2.2", forecast: str | None = None) -> IndicatorRow:
    amount = lambda v: None if v is None else Decimal(v)  # noqa: E731
    return IndicatorRow(id="I1", name="Internränta", unit="%", level="namnd", period="2024", status=HELT, status_symbol="",
                        outcome=amount(outcome), previous=amount(previous), forecast=amount(forecast), analysis=analysis)


def _report(row: IndicatorRow):
    return report([goal("3.1", analysis="Målet bedöms uppfyllas helt.").model_copy(update={"indicators": [row]})])


@pytest.mark.parametrize("outcome, previous, forecast", [
    ("2.8", "2.2", None), (None, "2.2", "2.8"), ("3.4", "1.0", None),  # the right values; or another series entirely
    ("2.8", None, None),  # no value of last year to compare with
])
def test_a_change_that_fits_its_row_or_another_series_passes(outcome, previous, forecast):
    assert check_row_numbers(_report(_row(SEED004_RANGE, outcome, previous, forecast))) == []


@pytest.mark.parametrize("outcome, previous, expected", [
    ("3.0", "2.2", "raden visar periodens utfall 3"),
    ("2.8", "2.0", "raden visar föregående års utfall 2"),
])
def test_a_change_with_one_end_off_its_row_is_a_warning(outcome, previous, expected):
    finding = only(check_row_numbers(_report(_row(SEED004_RANGE, outcome, previous))))
    assert (finding.rule_id, finding.severity, finding.sheet, finding.column, finding.item_id) == (
        "narrative_row_number", Severity.WARNING, "Indikatorer", "Analys", "I1")
    assert f"Analysen för indikatorn 'Internränta' säger 'från 2,2 procent till 2,8 procent', men {expected}" in finding.message


@pytest.mark.parametrize("text, wrong", [
    ("12 av 40 enheter (30 %) har svarat.", False), ("Tre av fem, det vill säga 60 procent, deltog.", False),
    ("2 av 3 (67 %) har svarat.", False),
    ("12 av 40 enheter (35 %) har svarat.", True), ("Tre av fem, det vill säga 50 procent, deltog.", True),
])
def test_a_ratio_and_the_share_it_is_given(text, wrong):
    findings = check_row_numbers(_report(_row(text)))
    assert bool(findings) is wrong, [f.message for f in findings]
    goal_findings = check_row_numbers(report([goal("3.1", analysis=text)]))
    assert bool(goal_findings) is wrong


def _t(text: str, kind: str, end: dt.date):
    return report(summary=text, kind=kind).model_copy(update={"period_end": end})


T1, T2 = ("T1", dt.date(2024, 4, 30)), ("T2", dt.date(2024, 8, 31))


@pytest.mark.parametrize("text, kind", [
    (SEED004_T1, T1), (SEED004_MARS, T1),  # a T1's own months, and statistics to the month before
    ("Beläggningen var 94,6 procent under januari–augusti.", T2),
    ("Jämfört med januari–april har beläggningen ökat.", T2),  # a comparison
    ("Beläggningen var 93 procent under januari–april 2023.", T2),  # another year
    ("Aktiviteten pågår till och med april.", T2),
])
def test_the_report_s_own_period_or_a_comparison_passes(text, kind):
    assert check_period_words(_t(text, *kind)) == []


@pytest.mark.parametrize("text, value", [
    (SEED004_T1, "januari-april"),  # seed 004's T1 sentence left unchanged in a T2
    ("Prognosen per den 30 april visar ett underskott på 2,0 mnkr.", "per den 30 april"),
])
def test_a_t1_period_in_a_t2_is_a_warning(text, value):
    finding = only(check_period_words(_t(text, *T2)))
    assert (finding.rule_id, finding.severity, finding.value) == ("narrative_period_word", Severity.WARNING, value)
    assert "men rapporten gäller januari–augusti 2024" in finding.message


# Seed 002 (VB 2013), sjukfrånvaro 5,1 % against 4,3 % the year before: "Trots olika insatser har sjukfrånvaron
# successivt ökat något under året." Here the row's own subject, in the shapes the check reads.
@pytest.mark.parametrize("text, wrong", [
    ("Utfallet har ökat något jämfört med föregående år.", False),
    ("Andelen är högre än i fjol.", False),
    ("Andelen flickor har minskat jämfört med föregående år.", False),  # a part of the row: not read
    ("Utfallet har minskat jämfört med föregående år.", True),
    ("Andelen är lägre än i fjol trots insatserna.", True),
])
def test_a_comparison_with_last_year_against_the_row(text, wrong):
    findings = check_row_numbers(_report(_row(text, outcome="5.1", previous="4.3")))
    assert bool(findings) is wrong, [f.message for f in findings]
    if wrong:
        assert "men raden visar att utfallet har ökat, från 4,3 till 5,1" in findings[0].message
