"""Golden files: the mini plan's T1, T2 and VB, rendered to HTML and JSON, byte for byte.

Regenerate only when a change in output is intended, and review the diff:
    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py
"""

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from tasks.assembly import Accepted, build_report
from tasks.intake import content_hash
from tasks.reading import read_submission
from tasks.rendering import render_html, render_json
from tests.builders import write_filled
from tests.conftest import DATA
from tertial.config import load_cycle
from tertial.ledger import ACCEPTED, Version

GOLDEN = Path(__file__).parent / "golden"


def _accepted(cycle, inbox: Path) -> dict[str, Accepted]:
    """Each contributor's filled submission as an accepted version 1, as the ledger would record it."""
    accepted = {}
    for contributor in cycle.config.contributors:
        path = write_filled(inbox, cycle, contributor.id)
        version = Version(id=1, cycle_id=cycle.config.id, contributor_id=contributor.id, number=1,
                          sha256=content_hash(path), original_name=path.name, archive_path=str(path),
                          received_at=dt.datetime(2025, 5, 2, tzinfo=dt.UTC), status=ACCEPTED, errors=0, warnings=0)
        accepted[contributor.id] = Accepted(read_submission.fn(path, cycle), version)
    return accepted


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    root = tmp_path_factory.mktemp("golden")
    shutil.copytree(DATA / "mini", root, dirs_exist_ok=True)
    built = {}
    for name in ("cycle", "t2", "vb"):
        cycle = load_cycle(root / f"{name}.yaml")
        built[name] = build_report.fn(cycle, _accepted(cycle, root / f"inkorg-{name}"))
        if name == "t2":
            (root / "t2-report.json").write_text(render_json(built[name]), encoding="utf-8")
    return built


@pytest.mark.parametrize("name", ["cycle", "t2", "vb"])
@pytest.mark.parametrize("kind, render", [("json", render_json), ("html", render_html)])
def test_output_matches_golden(reports, name, kind, render):
    produced = render(reports[name])
    golden = GOLDEN / f"mini-{name}.{kind}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(produced, encoding="utf-8")
    assert golden.exists(), f"{golden.name} is missing: run UPDATE_GOLDEN=1 pytest {__file__}"
    assert produced == golden.read_text(encoding="utf-8"), f"{golden.name} differs; if intended, regenerate and review the diff"
