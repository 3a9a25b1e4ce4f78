"""Intake of bad files through the real flows: each is archived untouched and rejected with its message.

Twelve files from the bad-input corpus (plus a zip bomb made here) and two valid submissions go
into one inbox; `collect` must record every bad one as a rejected version with its Swedish
message, keep its original byte for byte, and still accept the valid ones. Run again, it
records nothing new.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from flows.collect import collect
from tests.bad_corpus import write_zip_bomb
from tertial.archive import content_hash
from tertial.workspace import Workspace
from tests.builders import write_filled, write_filled_csv
from tests.conftest import MINI
from tests.test_bad_corpus import BAD, EXPECTED, Finds, NotIssued, Refused
from tertial.ledger import ACCEPTED, REJECTED, Ledger
from tertial.rules import Kind, registry

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

BAD_FILES = [
    "text-instead-of-workbook.xlsx", "pdf-export.xlsx", "empty.xlsx", "truncated.xlsx", "corrupt-entry.xlsx",
    "encrypted.xlsx", "old-format.xls", "macros.xlsm", "xml-entity-bomb.xlsx",
    "merged-input-cells.xlsx", "lookalike-status.xlsx", "formula-in-outcome.xlsx", "csv-no-meta",
    "claims-another-contributor.xlsx", "token-missing.xlsx", "token-non-ascii.xlsx", "markup-in-cells.xlsx",
]
KNOWN_SENDER = {"merged-input-cells.xlsx", "lookalike-status.xlsx", "formula-in-outcome.xlsx",  # _tertial readable: barn
                "markup-in-cells.xlsx"}
# Issue 12: numbers no report can print are barn's rejected versions, not a stop for everyone's intake.
HOSTILE_NUMBERS = ["number-exponent.xlsx", "number-cell-1e300.xlsx"]
BAD_FILES += HOSTILE_NUMBERS
KNOWN_SENDER |= set(HOSTILE_NUMBERS)
VALID = {"stab.xlsx": "stab", "aldre": "aldre"}


@pytest.fixture
def inbox(tmp_path, mini_cycle) -> Path:
    folder = tmp_path / "inkorg"
    folder.mkdir()
    for name in BAD_FILES:
        source = BAD / name
        shutil.copytree(source, folder / name) if source.is_dir() else shutil.copy2(source, folder / name)
    write_zip_bomb(folder / "zip-bomb.xlsx", mini_cycle)
    write_filled(folder, mini_cycle, "stab")
    write_filled_csv(folder, mini_cycle, "aldre")
    return folder


def _expected_text(name: str) -> tuple[str, str]:
    """(rule id, distinctive text) the ledger must hold for a bad file."""
    if name == "zip-bomb.xlsx":
        return "structure", "filen är för stor uppackad"
    outcome = EXPECTED[name]
    if isinstance(outcome, Refused):
        return "structure", outcome.text
    if isinstance(outcome, NotIssued):
        return "structure", f"inte utfärdad till bidragsgivaren '{outcome.claimed}'"
    first: Finds = outcome[0]
    return first.rule, first.text


def _is(rule_id: str, expected: str) -> bool:
    """The expected rule; for "structure", any structure rule (the reader's each have an id of their own)."""
    return rule_id == expected or (expected == "structure" and registry()[rule_id].kind is Kind.STRUCTURE)


def _same_bytes(original: Path, archived: Path) -> bool:
    if original.is_dir():
        files = lambda root: {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}  # noqa: E731
        return files(original) == files(archived)
    return original.read_bytes() == archived.read_bytes()


def test_bad_files_are_archived_rejected_and_never_block_the_valid_ones(inbox, tmp_path):
    workdir = tmp_path / "arbete"
    outcomes = {o.file: o for o in collect(cycle_path=MINI, inbox=inbox, workdir=workdir)}
    assert set(outcomes) == {p.name for p in inbox.iterdir()}
    _every_bad_file_rejected_with_its_message(outcomes, inbox, workdir)
    for name, contributor in VALID.items():
        assert (outcomes[name].version.contributor_id, outcomes[name].version.status) == (contributor, ACCEPTED), name
        assert _same_bytes(inbox / name, Path(outcomes[name].version.archive_path))
    # A known sender gets feedback on its rejected version; an unknown one cannot be told.
    assert sorted(outcomes["lookalike-status.xlsx"].feedback) == ["html", "text", "xlsx"]
    assert "kyrilliska bokstaven" in outcomes["lookalike-status.xlsx"].feedback["text"].read_text(encoding="utf-8")
    assert outcomes["encrypted.xlsx"].feedback == {}
    # Files claiming äldre without äldre's token are not äldre's: only äldre's own CSV folder is in its history.
    assert outcomes["claims-another-contributor.xlsx"].feedback == {}
    versions = Ledger(Workspace(workdir).default_ledger_url).versions(outcomes["aldre"].version.cycle_id, "aldre")
    assert [v.original_name for v in versions] == ["aldre"]
    _second_run_records_nothing_new(outcomes, inbox, workdir)


def _every_bad_file_rejected_with_its_message(outcomes: dict, inbox: Path, workdir: Path) -> None:
    ledger = Ledger(Workspace(workdir).default_ledger_url)
    for name in [*BAD_FILES, "zip-bomb.xlsx"]:
        outcome, (rule, text) = outcomes[name], _expected_text(name)
        assert (outcome.version.status, outcome.new) == (REJECTED, True), name
        recorded = ledger.findings(outcome.version.id)
        assert any(_is(f.rule_id, rule) and text in f.message for f in recorded), (name, [f.message for f in recorded])
        assert outcome.version.contributor_id == ("barn" if name in KNOWN_SENDER else "okand"), name
        archived = Path(outcome.version.archive_path)
        assert archived.parent.parent.parent == workdir / "arkiv" and archived.name == name
        assert _same_bytes(inbox / name, archived), name
        assert outcome.version.sha256 == content_hash(inbox / name)
    assert hashlib.sha256((inbox / "empty.xlsx").read_bytes()).hexdigest() == outcomes["empty.xlsx"].version.sha256


def _second_run_records_nothing_new(first: dict, inbox: Path, workdir: Path) -> None:
    archive = sorted(p.relative_to(workdir) for p in (workdir / "arkiv").rglob("*"))
    second = collect(cycle_path=MINI, inbox=inbox, workdir=workdir)
    assert all(not o.new for o in second)
    assert {o.file: o.version for o in second} == {name: o.version for name, o in first.items()}
    versions = Ledger(Workspace(workdir).default_ledger_url).versions(first["stab.xlsx"].version.cycle_id)
    assert len(versions) == len(first) == len(BAD_FILES) + 1 + len(VALID)
    assert sorted(p.relative_to(workdir) for p in (workdir / "arkiv").rglob("*")) == archive
