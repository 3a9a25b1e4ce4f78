"""What-if for the benchmark: the cycle flows with the orchestration fixes proposed in bench/RESULTS.md.

Same tasks, same order as flows/cycle.py, flows/gather.py, flows/intake.py and flows/assemble.py,
with two changes, so that their effect can be measured before anyone changes the real flows:

1. One file's intake is a plain function inside the `samla-in` flow, not a subflow per file
   (each Prefect flow run costs API round trips, server work and up to 1 s joining its
   heartbeat thread).
2. Large arguments (the cycle with its plan, a submission's frames, the report) are wrapped in
   `prefect.utilities.annotations.quote`, so Prefect does not walk them for upstream futures on
   every task call.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow
from prefect.utilities.annotations import quote

from flows.assemble import check_narrative, write_checks
from flows.intake import UNKNOWN_CONTRIBUTOR, IntakeOutcome, structure_finding
from flows.overview import publish_status
from tasks.annotate import write_annotated, write_feedback_html
from tasks.assembly import build_report
from tasks.configuration import open_cycle
from tasks.feedback import write_feedback
from tasks.intake import archive_original, find_submissions
from tasks.ledger import accepted_submissions, record_version
from tasks.reading import read_submission
from tasks.rendering import write_report
from tasks.validation import validate_submission
from tertial.cycle import Cycle
from tertial.errors import SubmissionError
from tertial.ledger import Ledger


def take_in(path: Path, cycle: Cycle, ledger: Ledger, workdir: Path) -> IntakeOutcome:
    archived = archive_original(path, workdir / "arkiv", dt.datetime.now(dt.UTC))
    known = ledger.find(cycle.config.id, archived.sha256)
    if known is not None:
        return IntakeOutcome(path.name, known, False, ledger.findings(known.id), {})
    try:
        submission = read_submission(Path(archived.archive_path), quote(cycle))
        submission.file = archived.original_name
        contributor, findings = submission.contributor_id, validate_submission(quote(submission), quote(cycle))
    except SubmissionError as error:
        error.file = archived.original_name
        contributor, findings = error.contributor_id or UNKNOWN_CONTRIBUTOR, [structure_finding(error)]
    version, new = record_version(quote(ledger), quote(cycle), contributor, archived, quote(findings))
    feedback = {}
    if contributor != UNKNOWN_CONTRIBUTOR:
        out = workdir / "aterkoppling"
        feedback = {"text": write_feedback(quote(cycle), version, quote(findings), out),
                    "html": write_feedback_html(quote(cycle), version, quote(findings), out)}
        annotated = write_annotated(version, quote(findings), out)
        if annotated is not None:
            feedback["xlsx"] = annotated
    return IntakeOutcome(path.name, version, new, findings, feedback)


@flow(name="samla-in-forslag")
def collect(cycle_path: Path, inbox: Path, workdir: Path, ledger_url: str) -> list[IntakeOutcome]:
    cycle = open_cycle(cycle_path)
    workdir.mkdir(parents=True, exist_ok=True)
    ledger = Ledger(ledger_url)
    outcomes = [take_in(path, cycle, ledger, workdir) for path in find_submissions(inbox)]
    publish_status(cycle_path, workdir, ledger_url=ledger_url)
    return outcomes


@flow(name="sammanstall-forslag")
def assemble(cycle_path: Path, workdir: Path, ledger_url: str, formats: tuple[str, ...]) -> dict[str, Path]:
    cycle = open_cycle(cycle_path)
    accepted = accepted_submissions(quote(Ledger(ledger_url)), quote(cycle))
    report = build_report(quote(cycle), quote(accepted))
    findings = check_narrative(quote(report))
    target = workdir / "rapport"
    files = write_report(quote(report), target, tuple(formats), True)
    files["kontroller"] = write_checks(quote(findings), target)
    publish_status(cycle_path, workdir, ledger_url=ledger_url)
    return files


@flow(name="tertialcykel-forslag")
def run_cycle(cycle_path: Path, inbox: Path, workdir: Path, ledger_url: str, formats: tuple[str, ...]) -> list[IntakeOutcome]:
    intake = collect(cycle_path, inbox, workdir, ledger_url)
    assemble(cycle_path, workdir, ledger_url, formats)
    return intake
