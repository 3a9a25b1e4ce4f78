"""The leadership view: a real page in headless Chromium, and the Prefect artifacts behind it."""

import datetime as dt
import json
import os
import shutil
import subprocess

import pytest
from prefect.artifacts import Artifact

from flows.collect import collect
from flows.publish_status import publish_status
from tests.builders import filled_rows, write_filled
from tests.conftest import MINI

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]


@pytest.fixture(scope="module")
def page(tmp_path_factory, mini_cycle, prefect_harness):
    root = tmp_path_factory.mktemp("lage")
    write_filled(root / "inkorg", mini_cycle, "barn")
    wrong = filled_rows(mini_cycle, "aldre")
    wrong["indicators"][0]["period"] = "Tertial 2 2025"
    write_filled(root / "inkorg", mini_cycle, "aldre", wrong)
    collect(cycle_path=MINI, inbox=root / "inkorg", workdir=root)
    # Friday 2 May 2025: before every deadline (äldre 5 May, the others 7 May).
    return publish_status(cycle_path=MINI, workdir=root, as_of=dt.date(2025, 5, 2)), root


@pytest.fixture
def chromium():
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Chromium (make test installs it)")
        pytest.skip("Chromium is not installed; `make test` installs it")
    return path


def _headless(chromium: str, profile, *args: str) -> subprocess.CompletedProcess:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}"]
    return subprocess.run([chromium, *flags, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.browser
def test_page_shows_each_contributor_in_chromium(page, chromium, tmp_path):
    path, _ = page
    dom = _headless(chromium, tmp_path / "profil", "--dump-dom", path.as_uri()).stdout
    rows = {
        contributor: dom.split(f'data-id="{contributor}"')[1].split("</tr>")[0]
        for contributor in ("stab", "barn", "aldre")
    }
    assert "godkänd av systemet" in rows["barn"]
    assert "underkänd" in rows["aldre"] and ">1<" in rows["aldre"]  # one error
    assert "ej påbörjad" in rows["stab"] and "3 arbetsdagar kvar" in rows["stab"]  # Mon 5, Tue 6, Wed 7 May
    assert '<strong id="klara">1 av 3</strong>' in dom
    shot = tmp_path / "lage.png"
    _headless(chromium, tmp_path / "profil2", f"--screenshot={shot}", "--window-size=1200,700", path.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_feedback_links_lead_to_files(page):
    path, root = page
    html = path.read_text(encoding="utf-8")
    assert 'href="../aterkoppling/aldre-v1.html"' in html
    assert (root / "aterkoppling" / "aldre-v1.html").exists()


def test_artifacts_carry_the_same_table(page):
    table = Artifact.get("testdal-t1-2025-status")
    rows = {row["avdelning"]: row for row in json.loads(table.data)}
    assert (rows["Äldreavdelningen"]["status"], rows["Äldreavdelningen"]["fel"]) == ("underkänd", 1)
    assert rows["Stabsavdelningen"]["dagar"] == "3 arbetsdagar kvar"
    overview = Artifact.get("testdal-t1-2025-oversikt")
    assert "1 av 3 avdelningar klara" in str(overview.data)
