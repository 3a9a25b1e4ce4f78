"""Issue 16, point 3: a goal's assessment against its own indicators and activities (`narrative_goal_basis`)."""

from __future__ import annotations

import datetime as dt

import pytest

from tertial.findings import Severity
from tertial.narrative.goal_basis import check_goal_basis
from tertial.report import ActivityRow, GoalSection, IndicatorRow
from tertial.report_checks import check_report
from tests.test_narrative import DELVIS, EJ, HELT, INTE, goal, only, report

# Seed 002 (VB 2013): nämndmålet "Den som söker serveringstillstånd är nöjd med en effektiv, rättssäker och tydlig
# handläggning" is "Uppfylls helt" while Nöjd Kund-Index is 69 % against the årsmål 70 %, with no comment anywhere.
SEED002_ANALYSIS = ("Nämndens arbete präglas av de positiva värden som restaurangerna erbjuder samtidigt som "
                    "skyddsintresset ska tillvaratas.")
# Seed 004, 1.1.1 and 3.7: "Uppfylls helt" with the one indicator delvis, which the analysis says.
SEED004_111 = ("Förvaltningen bedömer att nämndmålet kommer att uppfyllas helt under året. Bedömningen grundar sig på att "
               "det förväntade resultatet beräknas uppnås. Vidare bedöms indikatorn uppnås delvis och planerade aktiviteter "
               "har påbörjats eller bedöms genomföras.")
SEED004_37 = ("Förvaltningen bedömer att målet för verksamhetsområdet kommer att uppnås helt under året. Bedömningen grundar "
              "sig på att indikatorn bedöms uppfyllas delvis. De båda nämndmålen bedöms uppnås helt.")
# Seed 004, 1.3: "Uppfylls helt" with three of ten indicators met.
SEED004_13 = "Bedömningen grundar sig bland annat på att tre av tio indikatorer uppfylls helt och sex uppfylls delvis."
TEN = (HELT,) * 3 + (DELVIS,) * 6 + (INTE,)


def _with(g: GoalSection, **changes) -> GoalSection:
    return g.model_copy(update=changes)


def _indicator(name: str, status: str, analysis: str = "", not_followed_up: str = "") -> IndicatorRow:
    return IndicatorRow(id=name, name=name, unit="%", level="namnd", period="2013", status=status, status_symbol="",
                        analysis=analysis, not_followed_up=not_followed_up)


def _activity(status: str = "Pågår", deviation: str = "") -> ActivityRow:
    return ActivityRow(id="A1", name="Aktivitet", start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31), status=status,
                       completed=status == "Genomförd", deviation=deviation)


def test_seed002_helt_with_an_unexplained_miss_is_a_warning():
    g = _with(goal("1.1.1", HELT, analysis=SEED002_ANALYSIS), indicators=[_indicator("Nöjd Kund-Index", DELVIS)])
    finding = only(check_report(report([g])))
    assert (finding.rule_id, finding.severity, finding.item_id, finding.column) == ("narrative_goal_basis", Severity.WARNING, "1.1.1", "Analys")
    assert "målets bedömning är 'Uppfylls helt', men indikatorn eller indikatorerna 'Nöjd Kund-Index' inte når sina mål" in finding.message


@pytest.mark.parametrize("number, analysis, statuses", [
    ("1.1.1", SEED004_111, (DELVIS,)),
    ("3.7", SEED004_37, (DELVIS,)),
    ("1.3", SEED004_13, TEN),
    ("1.1.1", SEED002_ANALYSIS, (HELT, HELT)),
    ("1.1.1", "Årsmålet nås inte fullt ut, men målet bedöms ändå uppfyllas helt.", (INTE,)),
])
def test_seed004_helt_explained_or_met_passes(number, analysis, statuses):
    assert check_goal_basis(report([goal(number, HELT, analysis=analysis, statuses=statuses)])) == []


def test_a_miss_explained_in_the_indicators_own_analysis_passes():
    rows = [_indicator("Nöjd Kund-Index", DELVIS, analysis="Förvaltningen uppnår inte fullt ut årsmålet om 70 procent.")]
    assert check_goal_basis(report([_with(goal("1.1.1", HELT, analysis=SEED002_ANALYSIS), indicators=rows)])) == []


def test_inte_while_every_indicator_is_met_is_a_warning():
    g = goal("2.1", INTE, analysis="Målet bedöms inte uppfyllas.", statuses=(HELT, HELT))
    finding = only(check_goal_basis(report([g])))
    assert "men alla dess indikatorer ('Indikator 0', 'Indikator 1') når sina mål och ingen aktivitet avviker" in finding.message


@pytest.mark.parametrize("activity", [_activity(deviation="Försenad, leverantören har inte levererat."), _activity("Avbruten")])
def test_inte_with_a_deviating_activity_passes(activity):
    g = _with(goal("2.1", INTE, analysis="Målet bedöms inte uppfyllas.", statuses=(HELT, HELT)), activities=[activity])
    assert check_goal_basis(report([g])) == []


@pytest.mark.parametrize("g", [
    goal("2.1", HELT, statuses=(HELT, INTE, DELVIS)),  # one met: helt is a judgement (the demo T1's 1.3.2, 1.3.3, 3.5)
    goal("2.1", INTE, statuses=(HELT, DELVIS)),  # not all met
    goal("2.1", DELVIS, statuses=(INTE, INTE)),  # delvis is a judgement either way
    goal("2.1", HELT, statuses=(EJ, EJ)),  # nothing measured
    goal("2.1", HELT),  # no indicators: judged on activities (seed 004, 2.3)
    _with(goal("2.1", "Ingen"), counted=False, indicators=[_indicator("X", INTE)]),  # outside the förvaltning
    _with(goal("2.1", HELT), indicators=[_indicator("X", INTE, not_followed_up="Mäts vartannat år.")]),
])
def test_left_out(g):
    assert check_goal_basis(report([g])) == []


def test_the_plan_s_own_words_count():
    """A plan with its own assessment words ('Uppfyllt'): the goal's value is read by its meaning."""
    g = _with(goal("1.1", "Uppfyllt", statuses=(INTE,)))
    r = report([g]).model_copy(update={"assessment_words": {"Uppfyllt": "helt"}})
    assert only(check_goal_basis(r)).rule_id == "narrative_goal_basis"
