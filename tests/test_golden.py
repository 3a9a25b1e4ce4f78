"""Golden files: the mini plan's T1, T2 and VB, rendered to HTML and JSON, byte for byte.

Regenerate only when a change in output is intended, and review the diff:
    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.builders import accepted_versions
from tests.conftest import DATA
from tertial.assembly import build_report
from tertial.config import load_cycle
from tertial.render.formats import render_json
from tertial.render.html import render_html

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    root = tmp_path_factory.mktemp("golden")
    shutil.copytree(DATA / "mini", root, dirs_exist_ok=True)
    built = {}
    for name in ("cycle", "t2", "vb"):
        cycle = load_cycle(root / f"{name}.yaml")
        built[name] = build_report(cycle, accepted_versions(cycle, root / f"inkorg-{name}"))
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
