"""A workbook counts only for the contributor it was issued to (TERTIAL_TOKEN_KEY configured)."""

import openpyxl
import pytest

from flows.gather import collect, open_reporting_cycle
from tests.builders import write_filled
from tests.conftest import MINI
from tests.flows.test_gather import _fill_handout

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]


@pytest.fixture
def keyed(monkeypatch):
    monkeypatch.setenv("TERTIAL_TOKEN_KEY", "testnyckel-som-bara-finns-i-testet")  # the installation's secret


def test_only_the_issued_contributor_can_submit(keyed, tmp_path, mini_cycle):
    handed = {h.contributor_id: h for h in open_reporting_cycle(cycle_path=MINI, out_dir=tmp_path / "ut")}
    meta = {row[0].value: row[1].value for row in openpyxl.load_workbook(handed["barn"].workbook)["_tertial"].iter_rows()}
    assert len(meta["nyckel"]) == 32 and meta["nyckel"] != "testnyckel-som-bara-finns-i-testet"
    inbox = tmp_path / "inkorg"
    inbox.mkdir()
    _fill_handout(handed["barn"].workbook, inbox / "barn.xlsx")
    # Barn's workbook, relabelled as äldre's: the token is barn's, so it does not pass as äldre.
    forged = _fill_handout(handed["barn"].workbook, inbox / "forfalskad.xlsx")
    wb = openpyxl.load_workbook(forged)
    wb["_tertial"]["B2"] = "aldre"
    wb.save(forged)
    unkeyed = write_filled(inbox, mini_cycle, "stab", name="utan-nyckel.xlsx")
    wb = openpyxl.load_workbook(unkeyed)
    wb["_tertial"].delete_rows(6)  # a workbook made outside Tertial has no token
    wb.save(unkeyed)
    outcomes = {o.file: o for o in collect(cycle_path=MINI, inbox=inbox, workdir=tmp_path / "arbete")}
    assert outcomes["barn.xlsx"].version.status == "godkänd"
    for name, claimed in (("forfalskad.xlsx", "aldre"), ("utan-nyckel.xlsx", "stab")):
        outcome = outcomes[name]
        assert (outcome.version.status, outcome.version.contributor_id) == ("underkänd", claimed)
        assert f"inte utfärdad till bidragsgivaren '{claimed}'" in outcome.findings[0].message
        assert (outcome.findings[0].sheet, outcome.findings[0].column) == ("_tertial", "nyckel")
