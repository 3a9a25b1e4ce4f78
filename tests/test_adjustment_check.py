"""The decision points' budgetjustering/ombudgetering amounts against the requests (narrative_adjustment).

Pure and fast: a Report built in memory with only decisions and the economy owner's requests.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tertial.findings import Severity
from tertial.narrative.adjustments import check_adjustments
from tertial.report_checks import check_report
from tertial.report import BudgetRequest, Economy, EconomySection, Report
from tests.test_narrative import report as empty_report

APPROVE = "Nämnden godkänner tertialrapport 1 år 2024 och överlämnar den till kommunstyrelsen."
# Seed 004 T1 2024: the three requests and their decision points as the demo cycle words them.
SEED_REQUESTS = (("Trygghetsinvesteringar", "investering", "0.2"), ("Klimatinvesteringar", "investering", "0.8"),
                 ("Lokalt arbete med demokrati och mänskliga rättigheter", "drift", "0.9"))
SEED_DECISIONS = (
    "Nämnden ansöker hos kommunstyrelsen om en budgetjustering på 0,2 mnkr i investeringsmedel för en "
    "trygghetsinvestering, enligt bilaga 2.",
    "Nämnden ansöker hos kommunstyrelsen om en budgetjustering på 0,8 mnkr i investeringsmedel för en "
    "klimatinvestering, enligt bilaga 2.",
    "Nämnden ansöker hos kommunstyrelsen om en budgetjustering på 0,9 mnkr i driftmedel för det lokala arbetet "
    "med demokrati och mänskliga rättigheter, enligt bilaga 3.",
    "Nämnden ansöker om kompetensutvecklingsmedel på 1,5 mnkr för utbildning i rehabilitering, enligt bilaga 4.",
    "Nämnden anmäler omslutningsförändringar på sammanlagt 85,6 mnkr.",
)


def requests_report(decisions: tuple[str, ...] | list[str], requests=SEED_REQUESTS, kind: str = "T1",
                    missing: bool = False) -> Report:
    title = "Budgetjusteringar" if kind != "VB" else "Ombudgeteringar"
    section = EconomySection(
        key=title.lower(), title=title, owner="Ekonomienheten", missing=missing,
        requests=[BudgetRequest(title=t, kind=k, amount=Decimal(a), heading=f"{t} ({k})", sentence="")
                  for t, k, a in requests])
    attachments = [f"Bilaga {n}" for n in range(1, 6)]  # the decisions refer to bilaga 2–4
    return empty_report(kind=kind).model_copy(update={"decisions": [APPROVE, *decisions], "attachments": attachments,
                                                      "economy": Economy(adjustments=section)})


def only(findings):
    assert len(findings) == 1, [f.message for f in findings]
    return findings[0]


def test_seed_decisions_that_agree_with_the_requests_pass():
    assert check_report(requests_report(SEED_DECISIONS)) == []


def test_seed_klimatinvestering_stated_as_1_0_against_the_request_of_0_8():
    """Seed 004 §8 rule 25: 'klimatinvestering om 1,0 mnkr' where the request (and beslut 3) say 0,8."""
    decisions = list(SEED_DECISIONS)
    decisions[1] = decisions[1].replace("0,8 mnkr", "1,0 mnkr")
    finding = only(check_adjustments(requests_report(decisions)))
    assert (finding.rule_id, finding.severity, finding.item_id, finding.value) == (
        "narrative_adjustment", Severity.ERROR, "3", "budgetjustering på 1,0 mnkr")
    assert finding.message == (
        "Beslutspunkt 3 säger 'budgetjustering på 1,0 mnkr', men begäran 'Klimatinvesteringar (investering)' under "
        "Budgetjusteringar gäller 0,8 mnkr. Rätta beloppet i beslutet eller i begäran så att de stämmer.")
    # The same report through the whole narrative check: this is its only finding.
    assert [f.rule_id for f in check_report(requests_report(decisions))] == ["narrative_adjustment"]


@pytest.mark.parametrize("decision, expected", [
    # The kind alone names the request when it is the only one of that kind.
    ("Nämnden begär en budgetjustering på 0,9 mnkr i driftmedel, enligt bilaga 3.", None),
    ("Nämnden begär en budgetjustering på 0,7 mnkr i driftmedel, enligt bilaga 3.", "0,9 mnkr"),
    # "sammanlagt": the sum of the requests of the stated kind (or of all).
    ("Nämnden begär budgetjusteringar på sammanlagt 1,0 mnkr i investeringsmedel.", None),
    ("Nämnden begär budgetjusteringar på sammanlagt 1,2 mnkr i investeringsmedel.", "1,0 mnkr"),
    ("Nämnden begär budgetjusteringar på sammanlagt 1,9 mnkr.", None),
    # The amount before the noun, as the mini cycle writes it.
    ("Nämnden begär 0,2 mnkr i budgetjustering för trygghetsinvesteringar enligt bilaga 2.", None),
    ("Nämnden begär 0,3 mnkr i budgetjustering för trygghetsinvesteringar enligt bilaga 2.", "0,2 mnkr"),
    # Within ±0,05 mnkr.
    ("Nämnden begär en budgetjustering på 0,84 mnkr för klimatinvesteringar.", None),
])
def test_decision_shapes(decision, expected):
    findings = check_adjustments(requests_report([decision]))
    if expected is None:
        assert findings == [], [f.message for f in findings]
    else:
        assert f"gäller {expected}" in only(findings).message or f"sammanlagt {expected}" in findings[0].message


def test_two_amounts_in_one_decision_are_read_apart():
    decision = ("Nämnden begär en budgetjustering på 0,2 mnkr för trygghetsinvesteringar och en budgetjustering "
                "på 0,5 mnkr för klimatinvesteringar, enligt bilaga 2.")
    finding = only(check_adjustments(requests_report([decision])))
    assert finding.value == "budgetjustering på 0,5 mnkr" and "'Klimatinvesteringar (investering)'" in finding.message


@pytest.mark.parametrize("decision", [
    "Nämnden begär en budgetjustering på 0,5 mnkr i investeringsmedel, enligt bilaga 2.",  # two investering requests
    "Nämnden begär en budgetjustering på 0,5 mnkr för inventarier.",  # names no request at all
    "Nämnden ansöker om kompetensutvecklingsmedel på 1,5 mnkr.",  # not a budgetjustering
])
def test_a_decision_that_names_no_single_request_is_skipped(decision):
    assert check_adjustments(requests_report([decision])) == []


def test_vb_ombudgetering():
    requests = (("Nycklade medel för stadsmiljön", "investering", "3.3"),)
    right = "Nämnden begär ombudgetering med 3,3 mnkr i investeringsmedel till 2025 för nycklade medel för stadsmiljön."
    assert check_adjustments(requests_report([right], requests, kind="VB")) == []
    finding = only(check_adjustments(requests_report([right.replace("3,3", "3,0")], requests, kind="VB")))
    assert "men begäran 'Nycklade medel för stadsmiljön (investering)' under Ombudgeteringar gäller 3,3 mnkr" in finding.message


def test_without_requests_there_is_nothing_to_hold_a_decision_against():
    wrong = list(SEED_DECISIONS)
    wrong[1] = wrong[1].replace("0,8 mnkr", "1,0 mnkr")
    assert check_adjustments(requests_report(wrong, requests=())) == []
    assert check_adjustments(requests_report(wrong, missing=True)) == []
