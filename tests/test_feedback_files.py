"""Feedback files: the annotated copy of a real workbook and the HTML page, from real findings."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from markupsafe import escape
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from pypdf import PdfReader

from tertial.feedback.files import write_annotated, write_html
from tertial.reading import read_submission
from tasks.validation import validate_submission
from tests.builders import filled_rows, write_filled, write_filled_csv
from tertial.feedback.annotated_workbook import AUTHOR, ERROR_COLOR, FEEDBACK_SHEET, WARNING_COLOR, annotated_workbook
from tertial.feedback.html import FeedbackContext, feedback_html
from tertial.findings import Finding, Severity
from tertial.ledger import REJECTED, Version
from tertial.workbooks import Handout, write_workbook

STAMP = dt.datetime(2025, 5, 6, 8, 0)
TABLE_HEADERS = ("Allvarlighet", "Blad", "Cell", "Rad", "Kolumn", "Meddelande")


def _broken_rows(cycle):
    """A barn submission with an error or two per kind: wrong period, 134 %, a missing activity."""
    rows = filled_rows(cycle, "barn")
    rows["indicators"][0]["period"] = "Tertial 2 2025"
    rows["indicators"][0]["outcome"] = "134 %"
    rows["indicators"][1]["forecast"] = ""  # a warning
    rows["activities"].pop(0)  # a missing item: no row to point at
    return rows


def _findings(path: Path, cycle) -> list[Finding]:
    return validate_submission.fn(read_submission(path, cycle), cycle)


@pytest.fixture(scope="module")
def broken(tmp_path_factory, mini_cycle) -> tuple[Path, list[Finding]]:
    path = write_filled(tmp_path_factory.mktemp("broken"), mini_cycle, "barn", _broken_rows(mini_cycle))
    return path, _findings(path, mini_cycle)


@pytest.fixture(scope="module")
def annotated(tmp_path_factory, broken) -> Path:
    path, findings = broken
    out = annotated_workbook(path, findings, tmp_path_factory.mktemp("out") / "barn-v1.xlsx", STAMP)
    assert out is not None
    return out


def _cell(workbook, sheet: str, row: int, header: str) -> Cell:
    ws = workbook[sheet]
    column = next(c.column for c in ws[1] if c.value == header)
    return ws.cell(row, column)


def _color(cell: Cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:] if cell.fill.fill_type == "solid" else ""


def _look(cell: Cell) -> tuple:
    """What a contributor sees of a cell, beyond its value."""
    fill, font = cell.fill, cell.font
    return (fill.fill_type, fill.fgColor.rgb, font.b, font.sz, cell.number_format,
            cell.alignment.wrap_text, cell.alignment.vertical, cell.protection.locked)


def _one(findings: list[Finding], rule: str) -> Finding:
    hits = [f for f in findings if f.rule_id == rule]
    assert len(hits) == 1, [f.line() for f in findings]
    return hits[0]


def _table(workbook) -> list[tuple]:
    rows = list(workbook[FEEDBACK_SHEET].iter_rows(values_only=True))
    start = rows.index(TABLE_HEADERS)
    return [r for r in rows[start + 1:] if any(v is not None for v in r)]


# --- The annotated workbook ------------------------------------------------------------


def test_offending_cells_are_filled_and_commented(broken, annotated):
    _, findings = broken
    workbook = load_workbook(annotated)
    for rule, header in (("indicator_period", "Period"), ("indicator_percent_range", "Periodens utfall")):
        finding = _one(findings, rule)
        cell = _cell(workbook, "Indikatorer", finding.row, header)
        assert _color(cell) == ERROR_COLOR
        assert cell.comment.author == AUTHOR
        assert finding.message in cell.comment.text
    forecast = _one(findings, "indicator_forecast_missing")
    cell = _cell(workbook, "Indikatorer", forecast.row, "Prognos helår")
    assert _color(cell) == WARNING_COLOR and forecast.message in cell.comment.text


def test_every_located_finding_is_in_its_cells_comment(broken, annotated):
    _, findings = broken
    workbook = load_workbook(annotated)
    for finding in (f for f in findings if f.row is not None):
        cell = _cell(workbook, finding.sheet, finding.row, finding.column)
        assert finding.message in cell.comment.text, finding.line()
        worst = min((f.severity for f in findings if (f.sheet, f.row, f.column) == (finding.sheet, finding.row, finding.column)),
                    key=lambda s: s is not Severity.ERROR)
        assert _color(cell) == (ERROR_COLOR if worst is Severity.ERROR else WARNING_COLOR)


def test_everything_else_is_untouched(broken, annotated):
    path, findings = broken
    marked = {(f.sheet, f.row, f.column) for f in findings if f.row is not None}
    before, after = load_workbook(path), load_workbook(annotated)
    assert after.sheetnames == [FEEDBACK_SHEET, *before.sheetnames]
    assert after["_tertial"].sheet_state == "hidden"
    for ws in before.worksheets:
        headers = {c.column: c.value for c in ws[1]}
        for line in ws.iter_rows():
            for old in line:
                new = after[ws.title][old.coordinate]
                assert new.value == old.value, (ws.title, old.coordinate)
                if (ws.title, old.row, headers.get(old.column)) not in marked:
                    assert new.comment is None and _look(new) == _look(old), (ws.title, old.coordinate)


def test_feedback_sheet_lists_every_finding_errors_first(broken, annotated):
    _, findings = broken
    workbook = load_workbook(annotated)
    assert workbook.active.title == FEEDBACK_SHEET
    table = _table(workbook)
    assert sorted(r[5] for r in table) == sorted(f.message for f in findings)
    labels = [r[0] for r in table]
    assert labels == sorted(labels, key=lambda label: label != "Fel")
    missing = _one(findings, "item_missing")
    assert ("Fel", "Aktiviteter", None, None, None, missing.message) in table
    rows = list(workbook[FEEDBACK_SHEET].iter_rows(values_only=True))
    assert rows.index(("Fel", "Aktiviteter", None, None, None, missing.message)) < rows.index(TABLE_HEADERS)  # named before the table too


def test_same_input_gives_the_same_bytes(tmp_path, broken, annotated):
    path, findings = broken
    again = annotated_workbook(path, findings, tmp_path / "again.xlsx", STAMP)
    assert again.read_bytes() == annotated.read_bytes()
    with zipfile.ZipFile(again) as archive:
        assert b"2025-05-06T08:00:00Z" in archive.read("docProps/core.xml")


def test_several_findings_on_one_cell_are_joined_errors_first(tmp_path, mini_cycle):
    path = write_filled(tmp_path, mini_cycle, "barn")
    findings = [
        Finding("r1", Severity.WARNING, "Första varningen.", sheet="Indikatorer", row=2, column="Status"),
        Finding("r2", Severity.ERROR, "Felet.", sheet="Indikatorer", row=2, column="Status"),
        Finding("r3", Severity.WARNING, "Raden som helhet.", sheet="Indikatorer", row=3),
        Finding("r4", Severity.WARNING, "Okänd kolumn.", sheet="Indikatorer", row=4, column="Finns inte"),
    ]
    workbook = load_workbook(annotated_workbook(path, findings, tmp_path / "out.xlsx", STAMP))
    status = _cell(workbook, "Indikatorer", 2, "Status")
    assert status.comment.text.splitlines() == ["Fel: Felet.", "Varning: Första varningen."]
    assert _color(status) == ERROR_COLOR
    row_level = workbook["Indikatorer"]["A3"]
    assert _color(row_level) == WARNING_COLOR and row_level.comment.text == "Varning: Raden som helhet."
    assert workbook["Indikatorer"]["A4"].comment.text == "Varning (kolumn 'Finns inte'): Okänd kolumn."


def test_handout_protection_is_kept_and_locked_cells_are_marked(tmp_path, mini_cycle):
    handout = Handout(deadline=dt.date(2025, 5, 10), stamp=STAMP)
    path = write_workbook(tmp_path / "barn.xlsx", mini_cycle, "barn", _broken_rows(mini_cycle), handout)
    findings = _findings(path, mini_cycle)
    workbook = load_workbook(annotated_workbook(path, findings, tmp_path / "out.xlsx", STAMP))
    original = load_workbook(path)
    for ws in original.worksheets:
        assert workbook[ws.title].protection.sheet == ws.protection.sheet
        assert len(workbook[ws.title].data_validations.dataValidation) == len(ws.data_validations.dataValidation)
    period = _cell(workbook, "Indikatorer", _one(findings, "indicator_period").row, "Period")
    assert period.protection.locked and _color(period) == ERROR_COLOR and period.comment is not None


def test_a_corrected_copy_sent_back_loses_the_old_marks(tmp_path, mini_cycle, broken):
    """Contributors correct the annotated copy; the next round starts from their own cells and notes."""
    path, findings = broken
    own = load_workbook(path)
    period = _one(findings, "indicator_period")
    _cell(own, "Indikatorer", period.row, "Period").comment = Comment("Frågade ekonomen.", "Anna")
    _cell(own, "Mål", 2, "Analys").comment = Comment("Min egen anteckning.", "Anna")
    own.save(tmp_path / "with-notes.xlsx")
    first = annotated_workbook(tmp_path / "with-notes.xlsx", findings, tmp_path / "first.xlsx", STAMP)
    merged = _cell(load_workbook(first), "Indikatorer", period.row, "Period").comment
    assert merged.author == AUTHOR and period.message in merged.text and merged.text.endswith("Frågade ekonomen.")
    workbook = load_workbook(annotated_workbook(first, [], tmp_path / "second.xlsx", STAMP))
    assert workbook.sheetnames.count(FEEDBACK_SHEET) == 1 and _table(workbook) == [(None, None, None, None, None, "Inga synpunkter.")]
    comments = [c.comment for ws in workbook.worksheets[1:] for line in ws.iter_rows() for c in line if c.comment]
    assert sorted((c.author, c.text) for c in comments) == [("Anna", "Frågade ekonomen."), ("Anna", "Min egen anteckning.")]
    fills = {_color(c) for ws in workbook.worksheets[1:] for line in ws.iter_rows() for c in line}
    assert not fills & {ERROR_COLOR, WARNING_COLOR}


def test_what_is_not_a_workbook_gives_none(tmp_path, mini_cycle):
    finding = Finding("structure", Severity.ERROR, "Trasig.")
    folder = write_filled_csv(tmp_path / "csv", mini_cycle, "barn")
    broken = tmp_path / "trasig.xlsx"
    broken.write_bytes(b"PK\x03\x04 inte en arbetsbok")
    damaged_zip = tmp_path / "zip.xlsx"
    with zipfile.ZipFile(damaged_zip, "w") as archive:
        archive.writestr("hej.txt", "ingen arbetsbok")
    for original in (folder, folder / "indikatorer.csv", broken, damaged_zip):
        assert annotated_workbook(original, [finding], tmp_path / "out.xlsx", STAMP) is None, original
    assert not (tmp_path / "out.xlsx").exists()


def test_task_writes_the_version_copy(tmp_path, broken):
    path, findings = broken
    version = _version(path, errors=sum(f.severity is Severity.ERROR for f in findings))
    out = write_annotated(version, findings, tmp_path / "aterkoppling")
    assert out == tmp_path / "aterkoppling" / "barn-v2.xlsx"
    with zipfile.ZipFile(out) as archive:
        assert b"2025-05-02T10:30:00Z" in archive.read("docProps/core.xml")  # 12:30 in Stockholm


@pytest.mark.slow
def test_annotated_copy_opens_in_libreoffice(tmp_path, broken, annotated):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed; `make test` installs it")
    done = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(annotated)],
        capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(tmp_path / "barn-v1.pdf").pages).split())
    assert "Återkoppling från Tertial" in text and "Allvarlighet" in text
    assert "Tertial 2 2025" in text  # the contributor's own Indikatorer sheet follows


# --- The HTML page -----------------------------------------------------------------------


def _context(findings: list[Finding], accepted: bool) -> FeedbackContext:
    return FeedbackContext(
        title="Tertialrapport 1 2025", avdelning="Barn och familj", file="barn.xlsx", version=3, accepted=accepted,
        errors=[f for f in findings if f.severity is Severity.ERROR],
        warnings=[f for f in findings if f.severity is Severity.WARNING],
    )


def test_html_names_verdict_counts_and_every_finding(broken):
    _, findings = broken
    context = _context(findings, accepted=False)
    html = feedback_html(context)
    assert '<html lang="sv">' in html and "<title>Återkoppling: Tertialrapport 1 2025</title>" in html
    assert "Inlämningen är underkänd" in html and "godkänd" not in html.replace("underkänd", "")
    warnings = len(context.warnings)
    assert f"{len(context.errors)} fel och {warnings} {'varning' if warnings == 1 else 'varningar'}." in html
    for title in ("Barn och familj", "barn.xlsx", "<td>3</td>", "Fel som måste rättas", "Varningar att se över"):
        assert title in html
    for finding in findings:
        assert str(escape(finding.message)) in html, finding.line()
    assert "skicka en rättad version när som helst" in html


def test_html_without_findings_is_accepted_and_has_no_tables():
    html = feedback_html(_context([], accepted=True))
    assert "Inlämningen är godkänd" in html and "0 fel och 0 varningar." in html
    assert "<table>" not in html and "Fel som måste rättas" not in html and "Varningar att se över" not in html


def test_html_escapes_contributor_text(tmp_path, mini_cycle):
    rows = filled_rows(mini_cycle, "barn")
    rows["indicators"][0]["outcome"] = "<script>alert('x')</script>"
    findings = _findings(write_filled(tmp_path, mini_cycle, "barn", rows), mini_cycle)
    assert any(f.value and "<script>" in f.value for f in findings)
    html = feedback_html(_context(findings, accepted=False))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_html_task_writes_the_version_page(tmp_path, mini_cycle, broken):
    path, findings = broken
    version = _version(path, errors=sum(f.severity is Severity.ERROR for f in findings))
    out = write_html(mini_cycle, version, findings, tmp_path)
    html = out.read_text(encoding="utf-8")
    assert out.name == "barn-v2.html" and mini_cycle.title in html and "Inlämningen är underkänd" in html
    assert mini_cycle.contributor("barn").avdelning in html


def _version(path: Path, errors: int) -> Version:
    return Version(
        id=1, cycle_id="mini", contributor_id="barn", number=2, sha256="0" * 64, original_name=path.name,
        archive_path=str(path), received_at=dt.datetime(2025, 5, 2, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        status=REJECTED, errors=errors, warnings=0,
    )
