"""Checking one file on the command line, with the same steps as intake but nothing recorded."""

from __future__ import annotations

from pathlib import Path

from flows.intake import structure_finding
from tasks.reading import read_submission
from tasks.validation import validate_submission
from tertial.config import load_cycle
from tertial.errors import SubmissionError
from tertial.findings import Finding


def check_file(path: Path, cycle_path: Path) -> list[Finding]:
    cycle = load_cycle(cycle_path)
    if not path.exists():
        raise SubmissionError(file=path.name, message="filen finns inte.")
    try:
        submission = read_submission.fn(path, cycle)
    except SubmissionError as error:
        return [structure_finding(error)]
    return validate_submission.fn(submission, cycle)
