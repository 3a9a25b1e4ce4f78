"""A report's standing from the ledger (tertial/attestation.py), without flows: the content hash leaves the standing
out, an attester is found by name or address whatever the case, and a cycle naming no attester is final once approved."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from tertial.assembly import build_report
from tertial.attestation import AttestationRefused, attest, content_hash, with_standing
from tertial.ledger import Arrival, Ledger
from tertial.render.html import render_html
from tertial.report import NO_ATTESTERS
from tertial.review import approve
from tests.builders import accepted_versions
from tests.conftest import DATA


@pytest.fixture
def approved(tmp_path, mini_cycle):
    """A ledger where every contributor of the mini cycle has one accepted version, approved by the controller."""
    ledger = Ledger(f"sqlite:///{tmp_path / 'liggare.sqlite'}")
    for n, contributor in enumerate(c.id for c in mini_cycle.config.contributors):
        ledger.record(Arrival(mini_cycle.config.id, contributor, str(n).ljust(64, "0"), f"{contributor}.xlsx",
                              f"/arkiv/{contributor}", "inkorg", dt.datetime(2025, 5, 2, 9, tzinfo=dt.UTC)), [])
        approve(ledger, mini_cycle, contributor, "Kim Controller")
    return ledger


@pytest.fixture(scope="module")
def report(mini_cycle):
    return build_report(mini_cycle, accepted_versions(mini_cycle, DATA / "mini" / "inkorg-cycle"))


def test_the_named_attester_makes_the_approved_report_final_and_the_standing_is_not_content(approved, report, mini_cycle):
    waiting = with_standing(report, mini_cycle, approved)
    assert (waiting.draft, waiting.draft_reasons) == (True, ["väntar på attest av Robin Chef"])
    assert content_hash(waiting) == content_hash(report) == waiting.content_sha256
    with pytest.raises(AttestationRefused, match="Kim Controller får inte attestera testdal-t1-2025"):
        attest(approved, mini_cycle, report, "Kim Controller", dt.datetime.now(dt.UTC))
    # 23:30 UTC on 15 May is 16 May in Sweden: the day printed is the Swedish one.
    event, new = attest(approved, mini_cycle, report, "  robin   CHEF ", dt.datetime(2025, 5, 15, 23, 30, tzinfo=dt.UTC))
    assert new and event.actor == "Robin Chef"
    assert not attest(approved, mini_cycle, report, "Robin Chef", dt.datetime.now(dt.UTC))[1]  # once per content
    final = with_standing(report, mini_cycle, approved)
    assert (final.draft, final.draft_reasons, [(s.name, s.date) for s in final.attestations]) == (
        False, [], [("Robin Chef", dt.date(2025, 5, 16))])


def test_a_cycle_naming_no_attester_is_final_once_every_part_is_approved(approved, report, mini_cycle):
    cycle = dataclasses.replace(mini_cycle, config=mini_cycle.config.model_copy(update={"attesters": []}))
    final = with_standing(report, cycle, approved)
    assert (final.draft, final.attestations) == (False, [])
    html = render_html(final)
    assert NO_ATTESTERS in html and "UTKAST" not in html and "godkänts digitalt" not in html
    with pytest.raises(AttestationRefused, match="namnger ingen attestant"):
        attest(approved, cycle, report, "Robin Chef", dt.datetime.now(dt.UTC))
