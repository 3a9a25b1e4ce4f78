"""Economy texts against the tables (issue 16, point 4), on small reports built from seed 004's driftbudget (E1/E2)
and seed 002's resultaträkning: the real sentences of the seeds pass, the invented mistakes are found, once.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tertial.findings import Severity
from tertial.narrative.economy_texts import (check_before_requests, check_budget_indicators, check_prose_sums,
                                             check_unit_sums)
from tertial.report import EconomyLine, EconomyTable, GoalSection, IndicatorRow
from tertial.report_checks import check_report
from tests.test_narrative import economy, goal, report

D = Decimal
COLUMNS = ("budget", "requested", "performance", "forecast_before", "forecast_after", "deviation")


def _row(id: str, name: str, *figures: str) -> EconomyLine:
    """A row of seed 004's Budget per verksamhetsområde (E2), as printed."""
    return EconomyLine(id=id, name=name, row_type="top", values=dict(zip(COLUMNS, map(D, figures))))


SEED004_ROWS = [
    _row("adm", "Nämnd och administration", "80.7", "0.5", "0.0", "78.4", "78.4", "2.8"),
    _row("forskola", "Förskoleverksamhet", "635.5", "0.0", "-24.7", "605.3", "604.0", "6.8"),
    _row("aldre", "Äldreomsorg", "815.0", "0.0", "0.0", "817.5", "815.0", "0.0"),
    _row("fn", "Stöd och service till personer med funktionsnedsättning", "553.0", "0.0", "35.6", "591.3", "588.6", "0.0"),
]
SEED004_TOTAL = _row("totalt", "Totalt", "2739.6", "0.9", "10.9", "2757.9", "2751.4", "0.0")

# seed 004, L2473–L2493: the area's deviation, then its units, which sum to it (6,8 − 1,3 = 5,5 före).
FORSKOLA = ("Avdelning förskola prognostiserar ett överskott om 5,5 mnkr före resultatöverföring och ett överskott om "
            "6,8 mnkr efter resultatöverföring. Överskottet i prognosen förklaras främst av prognostiserade bidrag för "
            "kvalitetshöjande åtgärder. Resultatenheterna prognostiserar att hämta 1,3 mnkr ur fonderna.\n\n"
            "Beställare prognostiserar ett överskott om 6,8 mnkr inklusive justeringar av fondförändring.\n\n"
            "Resultatenheterna prognostiserar ett underskott om 1,3 mnkr. Underskottet förklaras av minskade barnantal "
            "jämfört med år 2023.\n\n"
            "Enheten Stureby, som inte är en resultatenhet, prognostiserar ett underskott om cirka 1,3 mnkr, vilket beror "
            "på minskat barnantal.")
# seed 004, L2511 and L2521: one unit's amount, the others unsaid: not a sum to check.
ALDRE = ("Social omsorg äldre prognostiserar ett underskott om 2,5 mnkr före resultatöverföring och ett utfall inom "
         "fastställd budget efter resultatöverföring.\n\nResultatenheterna prognostiserar att hämta 2,5 mnkr ur fonderna."
         "\n\nBeställarenheten prognostiserar ett underskott om 21,0 mnkr jämfört med budget.")
# seed 004, L2563 and L2592.
FN = ("Verksamhetsområdet prognostiserar ett underskott om 2,7 mnkr före resultatöverföring och ett utfall inom "
      "fastställd budget efter resultatöverföringar.\n\nUtförare prognostiserar ett underskott om 2,7 mnkr jämfört med "
      "budget. Resultatenheterna prognostiserar att hämta 2,7 mnkr ur fonderna.")


def _seed004(texts: dict[str, str], summary: str = "", goals: list[GoalSection] = ()):
    return report(list(goals), summary=summary, econ=economy(SEED004_ROWS, SEED004_TOTAL, texts))


def _rules(findings) -> list[str]:
    return [f.rule_id for f in findings]


# --- the units' amounts in an area text ------------------------------------------------------------------------------

def test_seed004_area_texts_whose_units_sum_to_the_area_raise_nothing():
    built = _seed004({"ekonomi:forskola": FORSKOLA, "ekonomi:aldre": ALDRE, "ekonomi:fn": FN})
    assert check_report(built) == []  # before issue 16: 'underskott om 1,3 mnkr' and 'om 21,0 mnkr' each warned


def test_units_that_do_not_sum_to_the_area_give_one_warning_for_the_text():
    text = FORSKOLA.replace("ett underskott om 1,3 mnkr. Underskottet", "ett underskott om 1,9 mnkr. Underskottet")
    found = check_report(_seed004({"ekonomi:forskola": text + " Enheten Snösätra prognostiserar ett underskott om 0,4 mnkr."}))
    assert _rules(found) == ["narrative_unit_sum"]  # one for the text, none per unit
    assert found[0].severity == Severity.WARNING and found[0].item_id == "ekonomi:forskola"
    assert "+4,5 mnkr" in found[0].message and "+5,5 mnkr eller +6,8 mnkr" in found[0].message


def test_a_text_with_units_but_no_statement_for_the_area_is_not_summed():
    # seed 002's Budgetavvikelser name a few units under a heading that carries the area's amount (L5195–L5210)
    text = ("De två korttidshemmen Drömmen och Navet har fortsatta problem med tillräcklig beläggning och visar ett "
            "underskott på 0,9 mnkr. Den preliminära beräkningen av kostnaderna för LSS-kollo var något hög vilket ger "
            "ett överskott på 0,5 mnkr.")
    assert check_unit_sums(_seed004({"ekonomi:fn": text})) == []


def test_the_area_statement_itself_is_still_checked_against_its_row():
    found = check_report(_seed004({"ekonomi:fn": FN.replace("underskott om 2,7 mnkr före", "underskott om 3,7 mnkr före")}))
    assert _rules(found) == ["narrative_amount"]


# --- amounts before requested budget adjustments ---------------------------------------------------------------------

def test_an_amount_before_requested_adjustments_is_the_deviation_without_them():
    # Nämnd och administration: 80,7 + 0,5 − 78,4 = 2,8; without the requested 0,5 it is 2,3.
    text = ("Verksamhetsområdet prognostiserar ett överskott om 2,3 mnkr före begärda budgetjusteringar och ett "
            "överskott om 2,8 mnkr efter resultatöverföringar.")
    assert check_report(_seed004({"ekonomi:adm": text})) == []


def test_an_amount_before_requested_adjustments_that_is_the_deviation_with_them_is_found():
    text = "Verksamhetsområdet prognostiserar ett överskott om 2,8 mnkr före begärda budgetjusteringar."
    found = check_report(_seed004({"ekonomi:adm": text}))
    assert _rules(found) == ["narrative_before_requests"]  # not also narrative_amount
    assert found[0].value == "ett överskott om 2,8 mnkr före begärda budgetjusteringar"
    assert "+2,3 mnkr" in found[0].message


def test_the_whole_board_before_requested_tillagg():
    # the total row: 2 739,6 + 10,9 − 2 757,9 = −7,4 before the requested 0,9 (−6,5 with them)
    good = "Nämnden prognostiserar ett underskott om 7,4 mnkr före begärda tilläggsanslag."
    assert check_before_requests(_seed004({"ekonomi": good})) == []
    bad = check_before_requests(_seed004({"ekonomi": good.replace("7,4", "6,5")}))
    assert _rules(bad) == ["narrative_before_requests"] and "-7,4 mnkr" in bad[0].message


# --- sums written in prose ---------------------------------------------------------------------------------------

SEED004_SUMS = [
    # L2463
    "I prognosen har hänsyn även tagits till förväntade budgetjusteringar om sammanlagt 2,5 mnkr varav 1,5 mnkr avser "
    "Kulturplats Snösätra (drift), 0,8 mnkr avser klimatinvestering (investering) och 0,2 mnkr avser trygghetsinvestering "
    "(investering).",
    # L2316: the parts carry their sign in words (−24,7 + 35,6 = 10,9)
    "Prognosen inkluderar beräknade prestationsförändringar med sammanlagt ökade prestationer om 10,9 mnkr, varav "
    "minskade prestationer inom förskoleverksamhet om 24,7 mnkr och ökade prestationer inom stöd och service till "
    "personer med funktionsnedsättning om 35,6 mnkr.",
    # L2318 and L2300
    "Begärda budgetjusteringar uppgår till totalt 1,9 mnkr, varav 0,9 mnkr för drift och 1,0 mnkr för investering.",
    "I kommunstyrelsens avstämningsärende har budgeten justerats med 21,5 mnkr, varav 6,9 mnkr avsåg drift och 14,6 mnkr "
    "avsåg investering.",
    # seed 002, L5385 and L5401: one part is not a sum; seed 004, L291: not money
    "Lokalplanerarna har ett överskott på 681 tkr varav 218 tkr kan överföras till resultatfonden.",
    "Nämnden har ett utrymme för investeringar på 1,7 mnkr varav 0,8 mnkr har förbrukats.",
    "Under ansökningsperioden ansökte 1 150 barn till kollo, varav 64 procent flickor och 36 procent pojkar.",
]


@pytest.mark.parametrize("text", SEED004_SUMS)
def test_seed_sums_in_prose_that_add_up_pass(text):
    assert check_prose_sums(_seed004({"ekonomi": text})) == []


@pytest.mark.parametrize("text, total, parts", [
    (SEED004_SUMS[0].replace("och 0,2 mnkr", "och 0,4 mnkr"), "2,5 mnkr", "2,7 mnkr"),
    (SEED004_SUMS[2].replace("1,0 mnkr för investering", "1,2 mnkr för investering"), "1,9 mnkr", "2,1 mnkr"),
    ("Resultatenheterna för över sammanlagt 1 014 tkr, varav 238 tkr från Tillståndsenheten, 218 tkr från "
     "Lokalplanerarna och 8 tkr från Lönnen.", "1 014 tkr", "464 tkr"),
])
def test_a_total_that_its_parts_do_not_give_is_found(text, total, parts):
    found = check_prose_sums(_seed004({}, summary=text))
    assert _rules(found) == ["narrative_prose_sum"]
    assert f"summerar till {parts}, inte {total}" in found[0].message.replace("\u00a0", " ")
    assert found[0].item_id == "sammanfattning"


def test_the_parts_stop_where_another_statement_starts():
    text = ("Investeringarna uppgår till sammanlagt 2,0 mnkr, varav 1,2 mnkr för parker och 0,8 mnkr för lekplatser, "
            "vilket är 0,5 mnkr mer än 2023.")
    assert check_prose_sums(_seed004({"ekonomi": text})) == []


# --- budgetföljsamhet and prognossäkerhet ---------------------------------------------------------------------------

def _indicator(id: str, name: str, outcome: str | None) -> IndicatorRow:
    return IndicatorRow(id=id, name=name, unit="%", level="KF", period="Tertial 1 2024",
                        outcome=None if outcome is None else D(outcome), status="", status_symbol="")


def _with_indicators(*indicators: IndicatorRow, econ=None, kind: str = "T1"):
    g = goal("3.1").model_copy(update={"indicators": list(indicators)})
    built = report([g], econ=econ or economy(SEED004_ROWS, SEED004_TOTAL, {}), kind=kind)
    return built


def test_seed004_budgetfoljsamhet_agrees_with_the_driftbudget():
    # L1464–L1465: 100 % after, 100,2 % before (2 757,9 / 2 751,4 = 100,24 %)
    built = _with_indicators(_indicator("I1", "Nämndens budgetföljsamhet efter resultatöverföringar", "100"),
                             _indicator("I2", "Nämndens budgetföljsamhet före resultatöverföringar", "100.2"),
                             _indicator("I3", "Nämndens prognossäkerhet T2", None))
    assert check_report(built) == []


def test_a_budgetfoljsamhet_that_is_not_the_driftbudgets_is_found():
    # last year's 102,3 % typed as this period's outcome
    built = _with_indicators(_indicator("I2", "Nämndens budgetföljsamhet före resultatöverföringar", "102.3"))
    found = check_budget_indicators(built)
    assert _rules(found) == ["narrative_budget_indicator"]
    assert (found[0].sheet, found[0].column, found[0].item_id) == ("Indikatorer", "Periodens utfall", "I2")
    assert "100,2\u00a0%" in found[0].message or "100,2 %" in found[0].message


def _vb_economy(t2: tuple[str, str] | None = None):
    # seed 002: Netto budget 733,2, utfall 719,2, Resultatöverföring/ombudgetering 6,0, justerad avvikelse 7,8
    values = {"budget": D("733.2"), "outcome": D("719.2"), "deviation": D("14.0"), "transfer": D("6.0"), "adjusted": D("7.8")}
    total = EconomyLine(id="totalt", name="Totalt", row_type="total", values=values)
    econ = economy([], total, {})
    if t2 is not None:
        forecast, outcome = map(D, t2)
        line = EconomyLine(id="totalt", name="Totalt", row_type="total",
                           values={"t2_forecast": forecast, "outcome": outcome, "difference": outcome - forecast})
        econ = econ.model_copy(update={"t2_comparison": EconomyTable(title="T2", unit="mnkr", columns=[], rows=[], total=line)})
    return econ


def test_seed002_budgetfoljsamhet_fore_passes_and_its_unexplained_efter_is_found():
    # seed 002 analysis §4.11: 719/733,2 = 98,1 % before; 98,24 % after cannot be reproduced from the table
    built = _with_indicators(_indicator("I2", "Nämndens budgetföljsamhet före resultatöverföringar", "98.1"),
                             _indicator("I1", "Nämndens budgetföljsamhet efter resultatöverföringar", "98.24"),
                             econ=_vb_economy(), kind="VB")
    assert [f.item_id for f in check_budget_indicators(built)] == ["I1"]
    fixed = _with_indicators(_indicator("I1", "Nämndens budgetföljsamhet efter resultatöverföringar", "98.9"),
                             econ=_vb_economy(), kind="VB")
    assert check_budget_indicators(fixed) == []


def test_prognossakerhet_against_the_t2_comparison():
    econ = _vb_economy(t2=("726.5", "719.2"))  # (719,2 − 726,5) / 726,5 = −1,0 %
    good = _with_indicators(_indicator("I3", "Nämndens prognossäkerhet T2", "-1"), econ=econ, kind="VB")
    assert check_budget_indicators(good) == []
    bad = _with_indicators(_indicator("I3", "Nämndens prognossäkerhet T2", "-3"), econ=econ, kind="VB")
    assert _rules(check_budget_indicators(bad)) == ["narrative_budget_indicator"]


# seed 002's Budgetavvikelser (L5195–L5260): each text names a few units under a heading that carries the area's
# amount; none of these amounts is the area's, and none is wrong.
SEED002_AREAS = {
    "fn": ("Verksamhet för personer med funktionsnedsättning", "0.3",
           "De två korttidshemmen Drömmen och Navet har fortsatta problem med tillräcklig beläggning och visar ett "
           "underskott på 0,9 mnkr. Kostnaden för äldre placeringar utanför länet har minskat med 0,5 mnkr på grund av "
           "omförhandling av avtalen samt på minskning av antalet klienter.\n\nDen preliminära beräkningen av kostnaderna "
           "för LSS-kollo i samband med ansökan om tilläggsanslag i tertialrapport 2 var något hög vilket ger ett "
           "överskott på 0,5 mnkr."),
    "hemloshet": ("Hemlöshet och missbruk", "2.2",
                  "Enheten för hemlösa har under hösten haft ökade kostnader för såväl placeringar som försörjningsstöd "
                  "vilket leder till underskott på 3,9 mnkr. Tack vare god beläggning vid övriga verksamheter blir "
                  "enhetens samlade underskott 1,6 mnkr."),
    "jour": ("Jour- och rådgivande verksamheter", "-0.5",
             "En ökad efterfrågan på familjerådgivning (LOV) innebär ett underskott på 1,1 mnkr. Vid Socialjouren uppstår "
             "ett överskott på 0,6 mnkr vilket främst beror på vakanser i avvaktan på rekrytering."),
    "ovrigt": ("Övrig verksamhet", "1.6",
               "Överskottet är till största delen hänförligt till dödsbohanteringen.\n\nTillståndsenheten, som är "
               "resultatenhet, visar ett överskott på 0,2 mnkr som kommer att överföras till resultatfonden."),
    "adm": ("Nämnd och övergripande administration", "0.0",
            "It-kostnader visar ett överskott på 1 mnkr vilket bland annat beror på att utvecklingskostnader varit lägre "
            "än planerat."),
}


def test_seed002_unit_amounts_in_the_area_texts_raise_nothing():
    rows = [EconomyLine(id=key, name=name, row_type="top",
                        values={"budget": D(100), "outcome": 100 - D(dev), "deviation": D(dev), "transfer": D(0), "adjusted": D(dev)})
            for key, (name, dev, _) in SEED002_AREAS.items()]
    total = EconomyLine(id="totalt", name="Totalt", row_type="total", values={"deviation": D("3.6"), "adjusted": D("3.6")})
    built = report([], econ=economy(rows, total, {f"ekonomi:{k}": text for k, (_, _, text) in SEED002_AREAS.items()}), kind="VB")
    assert check_report(built) == []  # before issue 16: seven narrative_amount warnings, one per unit


def test_a_budgetfoljsamhet_written_as_the_deviation_from_budget():
    # a plan whose target is '+/- 1 %' gives the deviation: 2 757,9 / 2 751,4 − 100 % = 0,2 %
    good = _with_indicators(_indicator("I2", "Budgetföljsamhet före resultatöverföringar", "0.2"))
    assert check_budget_indicators(good) == []
    bad = _with_indicators(_indicator("I2", "Budgetföljsamhet före resultatöverföringar", "1.2"))
    assert _rules(check_budget_indicators(bad)) == ["narrative_budget_indicator"]
