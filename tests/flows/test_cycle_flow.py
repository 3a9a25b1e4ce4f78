"""The cycle flow end to end through Prefect's test harness, on the mini cycle."""

import json
import shutil

import pytest

from flows.run_cycle import run_cycle
from tests.builders import filled_rows, write_filled, write_filled_csv
from tertial.ledger import Ledger

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]


@pytest.fixture
def run(tmp_path, mini_cycle):
    inbox, workdir = tmp_path / "inkorg", tmp_path / "arbete"
    write_filled(inbox, mini_cycle, "barn")
    write_filled_csv(inbox, mini_cycle, "stab")
    wrong = filled_rows(mini_cycle, "aldre")
    wrong["indicators"][0]["period"] = "Tertial 2 2025"
    write_filled(inbox, mini_cycle, "aldre", wrong, name="aldre-utkast.xlsx")

    def go():
        return run_cycle(cycle_path=mini_cycle.source, inbox=inbox, workdir=workdir)
    return go, inbox, workdir


def test_flow_records_versions_and_assembles_the_report(run, mini_cycle):
    go, inbox, workdir = run
    result = go()
    verdicts = {o.file: (o.version.status, o.version.errors) for o in result.intake}
    assert verdicts == {"barn.xlsx": ("godkänd", 0), "stab": ("godkänd", 0), "aldre-utkast.xlsx": ("underkänd", 1)}
    report = json.loads(result.files["json"].read_text(encoding="utf-8"))
    assert report["missing"] == ["Äldreavdelningen"]
    goal_11 = report["goals"][0]["children"][0]
    indicator = goal_11["indicators"][0]
    assert (indicator["id"], indicator["outcome"], indicator["forecast"], indicator["annual_target"]) == ("1.1-I1", 72.0, 71.0, "70 %")
    assert goal_11["basis_sentence"].startswith("Bedömningen grundar sig på att en av två indikatorer bedöms uppfyllas helt och en delvis.")
    assert report["economy"]["deviation_heading"] == "-13,0 mnkr"
    assert report["economy"]["operations"]["total"]["values"]["budget"] == pytest.approx(1192.0)
    html = result.files["html"].read_text(encoding="utf-8")
    assert "Underlag saknas från Äldreavdelningen" in html
    feedback = (workdir / "aterkoppling" / "aldre-v1.txt").read_text(encoding="utf-8")
    assert "Perioden är 'Tertial 2 2025' men ska vara 'Tertial 1 2025'" in feedback
    outcome = next(o for o in result.intake if o.file == "aldre-utkast.xlsx")
    assert sorted(outcome.feedback) == ["html", "text", "xlsx"]
    assert "Inlämningen är underkänd" in outcome.feedback["html"].read_text(encoding="utf-8")
    import openpyxl

    marked = openpyxl.load_workbook(outcome.feedback["xlsx"])["Indikatorer"]["E2"]  # Period of the first indicator
    assert "Tertial 1 2025" in marked.comment.text
    csv_outcome = next(o for o in result.intake if o.file == "stab")
    assert sorted(csv_outcome.feedback) == ["html", "text"]  # a CSV folder has no workbook to annotate


def test_rerun_is_idempotent_and_byte_identical(run):
    go, inbox, workdir = run
    first = go()
    outputs = {k: p.read_bytes() for k, p in first.files.items()}
    second = go()
    assert [o.new for o in second.intake] == [False, False, False]  # identical re-sends recognised
    assert {k: p.read_bytes() for k, p in second.files.items()} == outputs


def test_resubmission_is_a_new_version_and_both_stay_retrievable(run, mini_cycle):
    go, inbox, workdir = run
    go()
    write_filled(inbox, mini_cycle, "aldre", name="aldre-rattad.xlsx")
    result = go()
    assert result.report.missing == []
    versions = Ledger(f"sqlite:///{workdir / 'tertial.sqlite'}").versions(mini_cycle.config.id, "aldre")
    assert [(v.number, v.status, v.original_name) for v in versions] == [
        (1, "underkänd", "aldre-utkast.xlsx"), (2, "godkänd", "aldre-rattad.xlsx")]
    for version in versions:  # the archive keeps each original byte for byte
        assert (inbox / version.original_name).read_bytes() == open(version.archive_path, "rb").read()


def test_file_that_is_not_a_workbook_is_rejected_and_archived(run, mini_cycle):
    go, inbox, workdir = run
    (inbox / "anteckningar.xlsx").write_bytes(b"inte en arbetsbok")
    result = go()
    outcome = next(o for o in result.intake if o.file == "anteckningar.xlsx")
    assert (outcome.version.status, outcome.version.contributor_id) == ("underkänd", "okand")
    assert "inte en Excel-arbetsbok" in outcome.findings[0].message
    assert open(outcome.version.archive_path, "rb").read() == b"inte en arbetsbok"
    shutil.rmtree(inbox)
