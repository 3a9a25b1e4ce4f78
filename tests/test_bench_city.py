"""The benchmark's synthetic city: valid cycles, accepted submissions, rejected drafts, same bytes every time."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from bench.city import CitySpec, generate_city, swedish
from tertial.reading import read_submission
from tasks.validation import validate_submission
from tertial.config import load_cycle
from tertial.findings import Severity

ROOT = Path(__file__).resolve().parents[1]
SPEC = CitySpec(namnder=2, contributors=3, indicators=12, activities=6, error_share=0.5, seed=7)


def digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_numbers_are_written_as_swedish_contributors_write_them():
    assert swedish(2739.6) == "2 739,6"
    assert swedish(34.5, 1, "%") == "34,5 %"
    assert swedish(1150, 0, "st") == "1 150 st"
    assert swedish(-0.04) == "0,0" and swedish(-1.26) == "-1,3"


def test_city_is_deterministic_and_loads(tmp_path):
    first = generate_city(SPEC, tmp_path / "a")
    generate_city(SPEC, tmp_path / "b")
    assert [n.name for n in first] == ["Rinkeby-Kista stadsdelsnämnd", "Spånga-Tensta stadsdelsnämnd"]
    assert digests(tmp_path / "a") == digests(tmp_path / "b")  # YAML and workbooks byte for byte
    for namnd in first:
        cycle = load_cycle(namnd.cycle_path)  # every item owned exactly once, one economy owner
        assert len(cycle.config.contributors) == 3 and cycle.economy_owner == "ekonomienheten"
        assert len(cycle.plan.indicators) == 12 and len(cycle.plan.activities) == 6
        assert len(list(namnd.inbox.iterdir())) == namnd.submissions == 3 + namnd.erroneous


def test_corrected_submissions_pass_and_drafts_fail(tmp_path):
    namnd = generate_city(CitySpec(namnder=1, contributors=3, indicators=12, activities=6, error_share=1.0, seed=3), tmp_path)[0]
    cycle = load_cycle(namnd.cycle_path)
    for path in sorted(namnd.inbox.iterdir()):
        findings = validate_submission.fn(read_submission(path, cycle), cycle)
        errors = [f for f in findings if f.severity is Severity.ERROR]
        if path.stem.endswith("-utkast"):
            assert errors, path.name
        else:
            assert findings == [], (path.name, [f.line() for f in findings])


def test_the_readme_command_starts_the_benchmark_from_the_repository_root():
    """`python -m bench.run`, as the README says, from the root and without PYTHONPATH: its options are offered."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-m", "bench.run", "--help"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "--quick" in done.stdout and "--overhead-namnder" in done.stdout
    assert "python -m bench.run" in (ROOT / "README.md").read_text(encoding="utf-8")
