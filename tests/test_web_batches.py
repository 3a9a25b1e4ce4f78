"""Uploads arriving together are taken in as one batch, each answered with its own outcome as soon as it is known.

The intake here is a plain function standing for the served intake (flows.collect.take_in_files, which
tests/test_serve.py runs through the app); what is tested is how Batches gathers, answers and goes on.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tertial.web.batches import Batches


def _at_once(batches: Batches, names: list[str]) -> list:
    """Each name handed in from its own thread at the same moment; each one's answer, or the error it got."""
    start = threading.Barrier(len(names))

    def one(name: str):
        start.wait()
        try:
            return batches.take_in(Path(name))
        except RuntimeError as error:
            return error

    with ThreadPoolExecutor(len(names)) as pool:
        return list(pool.map(one, names))


def test_uploads_at_the_same_moment_are_one_batch_and_each_gets_its_own_outcome():
    taken, published = [], threading.Event()

    def intake(paths: list[Path], answer) -> list[str]:
        taken.append(sorted(p.name for p in paths))
        answer(0, f"först {paths[0].name}")  # answered early: the outcome returned later does not replace it
        return [f"{'först' if place == 0 else 'sedan'} {p.name}" for place, p in enumerate(paths)]

    batches = Batches(intake, after=published.set, quiet=0.2, longest=2)
    answers = _at_once(batches, ["a.xlsx", "b.xlsx", "c.xlsx"])
    assert taken == [["a.xlsx", "b.xlsx", "c.xlsx"]]
    assert [a.split()[1] for a in answers] == ["a.xlsx", "b.xlsx", "c.xlsx"]
    assert sorted(a.split()[0] for a in answers) == ["först", "sedan", "sedan"]
    assert published.wait(5)


def test_a_failing_batch_tells_each_upload_not_yet_answered_and_the_next_batch_goes_on():
    def intake(paths: list[Path], answer) -> list[str]:
        if any(p.name == "trasig.xlsx" for p in paths):
            answer(0, f"mottagen {paths[0].name}")
            raise RuntimeError("liggaren svarar inte")
        return [f"mottagen {p.name}" for p in paths]

    def after():
        raise OSError("lägessidan kunde inte skrivas")  # logged; the service goes on

    batches = Batches(intake, after=after, quiet=0.5, longest=2)
    answers = _at_once(batches, ["trasig.xlsx", "annan.xlsx"])
    assert sum(isinstance(a, str) for a in answers) == 1
    assert [str(a) for a in answers if isinstance(a, RuntimeError)] == ["liggaren svarar inte"]
    assert batches.take_in(Path("nästa.xlsx")) == "mottagen nästa.xlsx"


@pytest.mark.parametrize("returned", [[], ["en", "för", "många"]])
def test_an_intake_that_loses_count_is_an_error_for_its_uploads(returned):
    batches = Batches(lambda paths, answer: returned, quiet=0.01)
    with pytest.raises(RuntimeError, match="outcomes for 1 files"):
        batches.take_in(Path("a.xlsx"))


def test_the_served_intake_answers_each_file_once_its_own_text_and_page_are_written(tmp_path, mini_cycle):
    """flows.collect.take_in_files with the tasks' plain functions, as `tertial serve` runs it: the first file of a
    batch is answered before the last one's feedback files exist, so an upload waits for its own text and page only;
    the annotated workbooks are written after the answers, before the intake returns."""
    from flows.collect import PLAIN, take_in_files
    from tests.builders import write_filled
    from tertial.workspace import Create, Workspace

    inbox, workspace = tmp_path / "inkorg", Workspace(tmp_path / "arbete")
    paths = [write_filled(inbox, mini_cycle, c) for c in ("stab", "barn", "aldre")]
    ledger = workspace.open_ledger(None, create=Create.FOLDER_AND_LEDGER)
    seen: list[tuple[int, str, list[str]]] = []

    def recorded(place, outcome) -> None:  # which feedback pages and workbooks exist when this file is answered
        seen.append((place, outcome.version.contributor_id, sorted(p.name for p in workspace.feedback.glob("*.html")),
                     sorted(p.name for p in workspace.feedback.glob("*.xlsx"))))

    outcomes = take_in_files(paths, mini_cycle, ledger, workspace, PLAIN, recorded)
    assert [o.version.contributor_id for o in outcomes] == ["stab", "barn", "aldre"]
    assert seen == [(0, "stab", ["stab-v1.html"], []), (1, "barn", ["barn-v1.html", "stab-v1.html"], []),
                    (2, "aldre", ["aldre-v1.html", "barn-v1.html", "stab-v1.html"], [])]
    assert [sorted(o.feedback) for o in outcomes] == [["html", "text", "xlsx"]] * 3
    assert all(o.feedback["xlsx"].is_file() for o in outcomes)


def test_settled_waits_for_the_batch_being_taken_in():
    """A download of an annotated workbook waits here for the batch that writes it."""
    going, release, order = threading.Event(), threading.Event(), []

    def intake(paths, answer):
        answer(0, "mottagen")  # answered, the batch's files still to be written
        going.set()
        release.wait(10)
        order.append("batch done")
        return ["mottagen"]

    batches = Batches(intake, quiet=0.01)
    with ThreadPoolExecutor(2) as pool:
        answered = pool.submit(batches.take_in, Path("a.xlsx"))
        assert answered.result(timeout=10) == "mottagen" and going.wait(10)
        waiting = pool.submit(lambda: (batches.settled(), order.append("settled")))
        time.sleep(0.2)
        assert order == []
        release.set()
        waiting.result(timeout=10)
    assert order == ["batch done", "settled"]
    batches.settled()  # nothing being taken in: at once
