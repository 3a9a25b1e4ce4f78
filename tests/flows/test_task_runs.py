"""A collect makes the same few Prefect task runs however many files it takes in (issue 18.5): each step of the
intake is one task over the whole batch, seen (and retried) as a step in Prefect's UI, not a task run per file."""

from __future__ import annotations

import shutil

import pytest

from flows.collect import collect
from tests.builders import filled_rows, write_filled, write_filled_csv
from tests.conftest import MINI
from tests.prefect_records import task_runs
from tests.test_bad_corpus import BAD

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

# open the cycle, find the files; archive, read, validate, record; feedback text, page, annotated workbook;
# the status: statuses, artifacts, page
STEPS = ["archive_originals", "contributor_statuses", "find_submissions", "open_cycle", "publish_status_artifacts",
         "read_archived", "record_versions", "validate_submissions", "write_annotated", "write_feedback",
         "write_feedback_html", "write_status_page"]


def test_the_task_runs_of_a_collect_do_not_grow_with_its_files(tmp_path, mini_cycle):
    one, many = tmp_path / "en", tmp_path / "flera"
    write_filled(one / "inkorg", mini_cycle, "barn")
    write_filled(many / "inkorg", mini_cycle, "barn")
    wrong = filled_rows(mini_cycle, "aldre")
    wrong["indicators"][0]["period"] = "Tertial 2 2025"
    write_filled(many / "inkorg", mini_cycle, "aldre", wrong, name="aldre-utkast.xlsx")
    write_filled(many / "inkorg", mini_cycle, "aldre")
    write_filled_csv(many / "inkorg", mini_cycle, "stab")
    shutil.copy2(BAD / "truncated.xlsx", many / "inkorg")  # a file nobody sent, recorded all the same
    runs = {}
    for folder in (one, many):
        state = collect(cycle_path=MINI, inbox=folder / "inkorg", workdir=folder / "arbete", return_state=True)
        assert len(state.result()) == len(list((folder / "inkorg").iterdir()))  # every file recorded
        runs[folder.name] = task_runs(state)
    assert runs["en"] == runs["flera"] == STEPS  # 12, for 1 file as for 5
