"""T2 and VB from the same plan: the VB's outline, its columns, and its comparison with T2's forecasts."""

import json
import shutil

import pytest
from pypdf import PdfReader

from flows.run_cycle import run_cycle
from tests.builders import write_filled
from tests.conftest import DATA
from tertial.config import load_cycle

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]


def _cycle_dir(tmp_path, name: str):
    folder = tmp_path / "cykel"
    folder.mkdir(exist_ok=True)
    for file in ("plan.yaml", name):
        shutil.copy(DATA / "mini" / file, folder / file)
    return folder / name


def _run(tmp_path, name: str, formats=("json", "html")):
    path = _cycle_dir(tmp_path, name)
    cycle = load_cycle(path)
    inbox = tmp_path / f"inkorg-{cycle.config.kind}"
    for contributor in cycle.config.contributors:
        write_filled(inbox, cycle, contributor.id)
    return run_cycle(cycle_path=path, inbox=inbox, workdir=tmp_path / f"arbete-{cycle.config.kind}", formats=formats)


@pytest.fixture(scope="module")
def vb(tmp_path_factory, prefect_harness):
    root = tmp_path_factory.mktemp("kinds")
    t2 = _run(root, "t2.yaml")
    shutil.copy(t2.files["json"], root / "cykel" / "t2-report.json")
    return t2, _run(root, "vb.yaml", formats=("json", "html", "pdf"))


def test_t2_is_a_tertial_report_with_forecasts(vb):
    t2, _ = vb
    assert t2.title == "Tertialrapport 2 år 2025 för Testdals socialnämnd"
    assert [o.version.status for o in t2.intake] == ["godkänd"] * 3
    first = t2.report.goals[0].children[0].indicators[0]
    assert (first.period, float(first.forecast)) == ("Tertial 2 2025", 71.0)


def test_vb_outline_columns_and_sections(vb):
    _, result = vb
    assert [o.version.status for o in result.intake] == ["godkänd"] * 3, [f.line() for o in result.intake for f in o.findings]
    assert result.title == "Testdals socialnämnds verksamhetsberättelse för år 2025"
    html = result.files["html"].read_text(encoding="utf-8")
    assert "<th>Prognos helår</th>" not in html  # the VB drops the forecast column
    for heading in ("Analys av balansräkning", "Bedömning av nämndens interna kontroll", "Systematiskt kvalitetsarbete",
                    "Systematiskt arbetsmiljöarbete", "Jämförelse utfall med lämnad prognos i tertialrapport 2"):
        assert heading in html, heading
    economy = json.loads(result.files["json"].read_text(encoding="utf-8"))["economy"]
    # VB: Avvikelse = Budget − Utfall; Justerad = Avvikelse + Resultatöverföring. Äldre: 815,0 − 812,5 = 2,5; 2,5 − 2,5 = 0.
    aldre = next(r for r in economy["operations"]["rows"] if r["id"] == "aldre")["values"]
    assert (aldre["deviation"], aldre["adjusted"]) == (pytest.approx(2.5), pytest.approx(0.0))
    # Total adjusted: (356,9 − 366,0) + 0 + 0 + (20,3 − 20,3) = −9,1 → the signed heading.
    assert economy["deviation_heading"] == "-9,1 mnkr"


def test_vb_compares_outcome_with_t2_forecast(vb):
    _, result = vb
    table = json.loads(result.files["json"].read_text(encoding="utf-8"))["economy"]["t2_comparison"]
    iof = next(r for r in table["rows"] if r["id"] == "iof")["values"]
    # T2 forecast (after transfers) 369,9, outcome 366,0: 3,9 mnkr under the forecast.
    assert (iof["t2_forecast"], iof["outcome"], iof["difference"]) == (pytest.approx(369.9), pytest.approx(366.0), pytest.approx(-3.9))
    text = "\n".join(p.extract_text() for p in PdfReader(result.files["pdf"]).pages)
    assert "Jämförelse utfall med lämnad prognos i tertialrapport 2" in text
    assert "Testdals socialnämnds verksamhetsberättelse för år 2025" in text
