"""The task runner is configuration: sequential, threads or processes give the same versions, findings and report."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from flows.run_cycle import run_cycle
from tertial.runners import parse_runner, task_runner
from tests.builders import filled_rows, write_filled, write_filled_csv
from tertial.errors import TertialError
from tertial.ledger import Ledger

pytestmark = [pytest.mark.flow, pytest.mark.pdf, pytest.mark.usefixtures("prefect_harness")]

RUNNERS = ("sequential", "threads:3", "processes:2")


@pytest.mark.parametrize("text, parsed", [("sequential", ("sequential", 1)), ("threads:3", ("threads", 3)),
                                          ("Processes:2", ("processes", 2)), ("sequential:4", ("sequential", 1))])
def test_runner_names(text, parsed):
    assert parse_runner(text) == parsed


@pytest.mark.parametrize("text", ["dask", "threads:0", "threads:x", "processes:-1"])
def test_unknown_runner_is_one_swedish_line(text):
    with pytest.raises(TertialError, match="TERTIAL_TASK_RUNNER"):
        task_runner(text)


@pytest.fixture(scope="module")
def runs(tmp_path_factory, mini_cycle, prefect_harness):
    """The same inbox (accepted, rejected, unreadable, CSV, an identical re-send) taken in and assembled by each runner."""
    inbox = tmp_path_factory.mktemp("inkorg")
    write_filled(inbox, mini_cycle, "barn")
    write_filled(inbox, mini_cycle, "barn", name="barn-kopia.xlsx")
    write_filled_csv(inbox, mini_cycle, "stab")
    wrong = filled_rows(mini_cycle, "aldre")
    wrong["indicators"][0]["period"] = "Tertial 2 2025"
    write_filled(inbox, mini_cycle, "aldre", wrong, name="aldre-utkast.xlsx")
    (inbox / "anteckningar.xlsx").write_bytes(b"inte en arbetsbok")
    results = {}
    for name in RUNNERS:
        workdir = tmp_path_factory.mktemp(name.replace(":", "-"))
        flow = run_cycle.with_options(task_runner=task_runner(name))
        results[name] = (flow(cycle_path=mini_cycle.source, inbox=inbox, workdir=workdir, formats=("json", "html", "pdf", "docx")), workdir)
    return results


def _ledger(workdir, cycle_id: str) -> list[tuple]:
    ledger = Ledger(f"sqlite:///{workdir / 'tertial.sqlite'}")
    return [(v.contributor_id, v.number, v.sha256, v.original_name, v.status, v.errors, v.warnings,
             [f.to_dict() for f in ledger.findings(v.id)]) for v in ledger.versions(cycle_id)]


@pytest.mark.parametrize("name", RUNNERS[1:])
def test_same_versions_and_findings(runs, mini_cycle, name):
    (first, first_dir), (other, other_dir) = runs["sequential"], runs[name]
    assert _ledger(other_dir, mini_cycle.config.id) == _ledger(first_dir, mini_cycle.config.id)
    assert [(o.file, o.version.number, o.new, o.findings) for o in other.intake] == \
           [(o.file, o.version.number, o.new, o.findings) for o in first.intake]
    assert [o.new for o in first.intake if o.file.startswith("barn")] == [True, False]  # an identical re-send


@pytest.mark.parametrize("name", RUNNERS[1:])
def test_same_report_bytes(runs, name):
    (first, _), (other, _) = runs["sequential"], runs[name]
    assert list(other.files) == list(first.files)
    for kind in ("json", "html", "docx", "kontroller"):
        assert other.files[kind].read_bytes() == first.files[kind].read_bytes(), kind
    text = [[page.extract_text() for page in PdfReader(r.files["pdf"]).pages] for r in (first, other)]
    assert text[0] == text[1]
