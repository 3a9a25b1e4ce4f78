"""The developer docs name commands and files that exist."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEV_DOCS = ("README.md", "ARCHITECTURE.md", "bench/RESULTS.md", "examples/eav-t1-2024/README.md",
            "examples/eav-t2-2024/README.md", "examples/eav-vb-2024/README.md")


def test_every_python_module_command_in_the_developer_docs_exists():
    commands = {name for doc in DEV_DOCS
                for name in re.findall(r"python -m ([\w.]+)", (ROOT / doc).read_text(encoding="utf-8"))}
    assert {"scripts.make_demo_data", "scripts.make_example_cycles", "tests.bad_corpus", "bench.run"} <= commands
    missing = sorted(name for name in commands if importlib.util.find_spec(name) is None)
    assert not missing, f"the developer docs name modules that do not exist: {missing}"


def test_no_developer_doc_runs_a_script_by_its_path():
    """A module of a package run by path cannot import its package (`python bench/run.py` failed so)."""
    by_path = {doc: re.findall(r"python (?:scripts|bench|tests)/\S+\.py", (ROOT / doc).read_text(encoding="utf-8"))
               for doc in DEV_DOCS}
    assert not any(by_path.values()), by_path


@pytest.mark.parametrize("script", sorted(p.stem for p in (ROOT / "scripts").glob("make_*.py")))
def test_every_generator_starts(script):
    """A generator that no longer imports (a product name it used has moved) fails here, not when someone needs it."""
    done = subprocess.run([sys.executable, "-m", f"scripts.{script}", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "usage:" in done.stdout
