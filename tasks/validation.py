"""Validating submissions: the Python rules and the expectation suites, as Prefect tasks."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from tertial.checking.suites import HERE, Spread, check_submissions
from tertial.cycle import Cycle
from tertial.findings import Finding
from tertial.submission import Submission


@task(cache_policy=NO_CACHE)
def validate_submission(submission: Submission, cycle: Cycle) -> list[Finding]:
    """All findings for one submission: parsing problems first, then the suites' findings."""
    return check_submissions([submission], cycle)[0]


@task(cache_policy=NO_CACHE)
def validate_submissions(submissions: list[Submission], cycle: Cycle, spread: Spread = HERE) -> list[list[Finding]]:
    """Each submission's findings, exactly as `validate_submission` gives them, from one GX run per sheet for all
    (the runs and the files' preparing spread over `tertial serve`'s warm processes when it passes them)."""
    return check_submissions(submissions, cycle, spread)
