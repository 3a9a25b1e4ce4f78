"""bench/direct.py stays in step with the flows it mirrors: the same inbox gives the same outcome and files.

The bench times the cycle's work without Prefect (bench/direct.py) against the flows, so the two must do
the same work. Both run on the mini cycle here, each in its own work folder, and everything they write is
compared: each file's verdict and findings, the feedback files, the report in every format asked for,
kontroller.txt and the leadership page. Only the moments of receipt differ between the two runs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench import direct
from flows.run_cycle import run_cycle
from tests.builders import filled_rows, write_filled, write_filled_csv

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

FORMATS = ("json", "html", "docx")
# A version's moment of receipt, as the report's appendix and the leadership page print it.
RECEIVED = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(\+00:00|Z)?")


@pytest.fixture(scope="module")
def inbox(tmp_path_factory, mini_cycle) -> Path:
    """Two good submissions, one with an error, and one file that is not a submission at all."""
    folder = tmp_path_factory.mktemp("inkorg")
    write_filled(folder, mini_cycle, "barn")
    write_filled_csv(folder, mini_cycle, "stab")
    wrong = filled_rows(mini_cycle, "aldre")
    wrong["indicators"][0]["period"] = "Tertial 2 2025"
    write_filled(folder, mini_cycle, "aldre", wrong, name="aldre-utkast.xlsx")
    (folder / "anteckningar.txt").write_text("inte ett underlag\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def both(tmp_path_factory, mini_cycle, inbox):
    """(flow result, direct result, flow workdir, direct workdir)."""
    root = tmp_path_factory.mktemp("bench-direct")
    flow_dir, direct_dir = root / "flode", root / "direkt"
    flowed = run_cycle(cycle_path=mini_cycle.source, inbox=inbox, workdir=flow_dir, formats=FORMATS)
    directed = direct.run_cycle(mini_cycle.source, inbox, direct_dir, f"sqlite:///{direct_dir / 'tertial.sqlite'}", FORMATS)
    return flowed, directed, flow_dir, direct_dir


def _outcomes(intake) -> list[tuple]:
    return sorted((o.file, o.version.contributor_id, o.version.number, o.version.status, o.version.errors,
                   o.version.warnings, o.new, tuple(f.line() for f in o.findings), tuple(sorted(o.feedback)))
                  for o in intake)


def _text(path: Path, workdir: Path) -> str:
    """A written file with the run's own work folder and moments of receipt taken out."""
    return RECEIVED.sub("<mottagen>", path.read_text(encoding="utf-8").replace(str(workdir), "<arbete>"))


def test_direct_takes_in_the_inbox_as_the_flow_does(both):
    flowed, directed, _, _ = both
    intake, _ = directed
    assert _outcomes(intake) == _outcomes(flowed.intake)
    verdicts = {o.file: (o.version.status, o.version.errors) for o in intake}
    assert verdicts["barn.xlsx"] == ("godkänd", 0) and verdicts["aldre-utkast.xlsx"] == ("underkänd", 1)


def test_direct_writes_the_same_feedback(both):
    flowed, _, flow_dir, direct_dir = both
    names = sorted(p.name for p in (flow_dir / "aterkoppling").iterdir())
    assert names == sorted(p.name for p in (direct_dir / "aterkoppling").iterdir())
    assert "aldre-v1.txt" in names and "aldre-v1.xlsx" in names
    for name in names:
        if name.endswith((".txt", ".html")):
            assert _text(direct_dir / "aterkoppling" / name, direct_dir) == _text(flow_dir / "aterkoppling" / name, flow_dir), name


def test_direct_assembles_the_same_report_and_checks(both):
    flowed, directed, flow_dir, direct_dir = both
    _, files = directed
    assert sorted(files) == sorted(flowed.files) == sorted([*FORMATS, "kontroller"])
    for kind in ("json", "html", "kontroller"):
        assert _text(files[kind], direct_dir) == _text(flowed.files[kind], flow_dir), kind
    report = json.loads(files["json"].read_text(encoding="utf-8"))
    assert report["missing"] == ["Äldreavdelningen"]
    assert files["docx"].stat().st_size > 0


def test_direct_publishes_the_same_status_page(both):
    _, _, flow_dir, direct_dir = both
    page = Path("lage") / "index.html"
    assert _text(direct_dir / page, direct_dir) == _text(flow_dir / page, flow_dir)
