"""Validating many submissions in one GX run per sheet gives exactly the findings of one-by-one validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tertial.reading import read_submission
from tasks.validation import validate_submission, validate_submissions
from tertial.config import load_cycle
from tertial.cycle import Cycle
from tertial.errors import SubmissionError
from tertial.findings import Severity
from tertial.submission import Submission
from tertial.resources import EXAMPLES
from tests.builders import filled_rows, write_filled

DEMO = EXAMPLES / "eav-t1-2024"
BAD = Path(__file__).parent / "data" / "bad"


def _readable(paths: list[Path], cycle: Cycle) -> list[Submission]:
    """The files that read at all (validation only sees those), with each file's own name on it."""
    submissions = []
    for path in paths:
        try:
            submission = read_submission(path, cycle)
        except SubmissionError:
            continue
        submission.file = path.name
        submissions.append(submission)
    return submissions


def _same_as_one_by_one(submissions: list[Submission], cycle: Cycle) -> list[list]:
    together = validate_submissions.fn(submissions, cycle)
    alone = [validate_submission.fn(s, cycle) for s in submissions]
    assert together == alone  # same findings, same order, same file/sheet/row/column
    return together


def test_demo_submissions_including_the_erroneous_one():
    cycle = load_cycle(DEMO / "cycle.yaml")
    submissions = _readable(sorted((DEMO / "submissions").iterdir()), cycle)
    assert "forskola-fel.xlsx" in [s.file for s in submissions]
    findings = dict(zip([s.file for s in submissions], _same_as_one_by_one(submissions, cycle)))
    assert findings["forskola-fel.xlsx"] and all(f.file == "forskola-fel.xlsx" for f in findings["forskola-fel.xlsx"])
    assert not [f for f in findings["forskola.xlsx"] if f.severity is Severity.ERROR]


def test_bad_corpus_as_one_collect(mini_cycle):
    submissions = _readable(sorted(BAD.iterdir()), mini_cycle)
    assert len(submissions) > 10
    found = _same_as_one_by_one(submissions, mini_cycle)
    assert sum(map(len, found)) > 0


def test_same_item_in_two_submissions_is_neither_duplicate_nor_foreign(tmp_path, mini_cycle):
    """Two versions from one contributor, and one with an id it does not own, stacked in one run."""
    first = write_filled(tmp_path / "a", mini_cycle, "barn")
    rows = filled_rows(mini_cycle, "barn")
    rows["indicators"][0]["outcome"] = "134 %"  # 1.1-I1 is a share
    rows["indicators"][1]["id"] = "9.9-I9"
    second = write_filled(tmp_path / "b", mini_cycle, "barn", rows)
    third = write_filled(tmp_path / "c", mini_cycle, "stab")
    found = _same_as_one_by_one(_readable([first, second, third], mini_cycle), mini_cycle)
    assert found[0] == [] and found[2] == []
    assert {f.rule_id for f in found[1]} >= {"indicator_unknown", "indicator_percent_range"}


@pytest.mark.parametrize("count", [0, 1])
def test_no_or_one_submission(mini_cycle, tmp_path, count):
    submissions = _readable([write_filled(tmp_path, mini_cycle, "aldre")][:count], mini_cycle)
    assert _same_as_one_by_one(submissions, mini_cycle) == [[]] * count
