"""Long texts: as long as one Excel cell allows, and in the Texter sheet continued over several rows.

Nothing below 32 767 characters is cut or refused: not when read, validated, assembled, rendered or
annotated. Rows with the same Avsnitt are one text, top to bottom, each row a new paragraph.
"""

from __future__ import annotations

import datetime as dt

import openpyxl

from tasks.validation import validate_submission
from tests.builders import accepted_versions, filled_rows, write_filled
from tertial.access import EXAMPLE_TOKEN_KEY
from tertial.assembly import assemble
from tertial.feedback.annotated_workbook import annotated_workbook
from tertial.findings import Severity
from tertial.long_texts import PARAGRAPH_BREAK, cell_parts, continued
from tertial.prefill import handout_rows
from tertial.reading import MAX_CELL_CHARS, read_submission
from tertial.versions import diff_submissions
from tertial.render.formats import render_json
from tertial.render.html import render_html
from tertial.workbooks import CONTINUATION_ROWS, write_csv_folder, write_handout

# A text as long as a cell takes: words, so it reads like prose, with one distinct end to find.
FULL_CELL = ("Analysen fortsätter. " * 2000)[: MAX_CELL_CHARS - 5] + " SLUT"


def _stab_rows(cycle, change):
    rows = filled_rows(cycle, "stab")
    change(rows)
    return rows


def _summary(rows):
    return next(r for r in rows["texts"] if r["key"] == "sammanfattning")


def _assembled(tmp_path, cycle, rows):
    """The report with the stab contributor's submission replaced by `rows`."""
    accepted = accepted_versions(cycle, tmp_path / "inkorg")
    path = write_filled(tmp_path, cycle, "stab", rows)
    accepted["stab"] = type(accepted["stab"])(read_submission(path, cycle), accepted["stab"].version)
    return assemble(cycle, accepted)[0], path


def test_a_full_cell_is_read_validated_and_assembled_uncut(tmp_path, mini_cycle):
    def change(rows):
        _summary(rows)["text"] = FULL_CELL
        rows["goals"][0]["analysis"] = FULL_CELL
    rows = _stab_rows(mini_cycle, change)
    report, path = _assembled(tmp_path, mini_cycle, rows)
    submission = read_submission(path, mini_cycle)
    assert len(FULL_CELL) == MAX_CELL_CHARS == 32_767
    assert submission.frame("texts").iloc[0]["text"] == FULL_CELL
    errors = [f.line() for f in validate_submission.fn(submission, mini_cycle) if f.severity is Severity.ERROR]
    assert errors == []
    assert report.summary.paragraphs == [FULL_CELL.strip()]
    assert report.goals[0].analysis == FULL_CELL.strip()
    assert FULL_CELL.strip() in render_html(report) and FULL_CELL.strip() in render_json(report)


def test_a_text_continued_over_three_rows_is_assembled_in_order(tmp_path, mini_cycle):
    def change(rows):
        _summary(rows)["text"] = "Första delen."
        # Continuation rows need not stand under their section: here they come after the other sections.
        rows["texts"] += [{"key": "sammanfattning", "text": "Andra delen."},
                          {"key": "sammanfattning", "text": "Tredje delen.\n- med en punkt"}]
    rows = _stab_rows(mini_cycle, change)
    report, path = _assembled(tmp_path, mini_cycle, rows)
    findings = validate_submission.fn(read_submission(path, mini_cycle), mini_cycle)
    assert [f.line() for f in findings if f.severity is Severity.ERROR] == []
    assert report.summary.paragraphs == ["Första delen.", "Andra delen.", "Tredje delen."]
    assert report.summary.bullets == ["med en punkt"]


def test_a_csv_folder_continues_a_text_the_same_way(tmp_path, mini_cycle):
    rows = _stab_rows(mini_cycle, lambda rows: rows["texts"].append({"key": "sammanfattning", "text": FULL_CELL}))
    folder = write_csv_folder(tmp_path / "stab", mini_cycle, "stab", rows, EXAMPLE_TOKEN_KEY)
    texts = read_submission(folder, mini_cycle).frame("texts")
    assert list(texts[texts["key"] == "sammanfattning"]["text"]) == [_summary(rows)["text"], FULL_CELL]


def test_a_change_in_a_continuation_row_shows_in_the_version_diff(tmp_path, mini_cycle):
    def rows_with(third):
        def change(rows):
            rows["texts"] += [{"key": "sammanfattning", "text": "Andra delen."}, {"key": "sammanfattning", "text": third}]
        return _stab_rows(mini_cycle, change)
    old, new = (read_submission(write_filled(tmp_path, mini_cycle, "stab", rows_with(t), name=f"{n}.xlsx"), mini_cycle)
                for n, t in (("v1", "Tredje delen."), ("v2", "Tredje delen, rättad.")))
    (change,) = diff_submissions(old, new, mini_cycle.config.kind, mini_cycle.config.year)
    assert (change.item_id, change.column) == ("sammanfattning", "Text")
    assert change.before.endswith("Andra delen.\n\nTredje delen.") and change.after.endswith("Tredje delen, rättad.")


def test_three_full_cells_make_one_text_of_three_paragraphs(tmp_path, mini_cycle):
    parts = [FULL_CELL.replace("SLUT", f"DEL{n}") for n in (1, 2, 3)]

    def change(rows):
        _summary(rows)["text"] = parts[0]
        rows["texts"] += [{"key": "sammanfattning", "text": p} for p in parts[1:]]
    report, _ = _assembled(tmp_path, mini_cycle, _stab_rows(mini_cycle, change))
    assert report.summary.paragraphs == [p.strip() for p in parts]
    assert sum(map(len, report.summary.paragraphs)) > 3 * 32_000


def test_the_annotated_workbook_keeps_a_full_cell(tmp_path, mini_cycle):
    def change(rows):
        _summary(rows)["text"] = FULL_CELL
        rows["goals"][0]["assessment"] = "Bra"  # one error, so there is something to annotate
    path = write_filled(tmp_path, mini_cycle, "stab", _stab_rows(mini_cycle, change))
    findings = validate_submission.fn(read_submission(path, mini_cycle), mini_cycle)
    out = annotated_workbook(path, findings, tmp_path / "annoterad.xlsx", dt.datetime(2025, 5, 2))
    texter = openpyxl.load_workbook(out)["Texter"]
    assert next(row[2].value for row in texter.iter_rows(min_row=2) if row[0].value == "sammanfattning") == FULL_CELL


def test_last_reports_text_longer_than_a_cell_is_prefilled_over_rows_not_cut(tmp_path, mini_cycle):
    """openpyxl (like Excel) stops a cell at 32 767 characters: the handout spreads a longer text over rows."""
    parts = [FULL_CELL.replace("SLUT", f"DEL{n}") for n in (1, 2)]

    def change(rows):
        _summary(rows)["text"] = parts[0]
        rows["texts"].append({"key": "sammanfattning", "text": parts[1]})
    previous, _ = _assembled(tmp_path / "t1", mini_cycle, _stab_rows(mini_cycle, change))
    rows = handout_rows(mini_cycle, "stab", previous, {})
    assert [len(r["text"]) for r in rows["texts"] if r["key"] == "sammanfattning"] == [len(p.strip()) for p in parts]
    path = write_handout(mini_cycle, "stab", rows, tmp_path, EXAMPLE_TOKEN_KEY)
    texts = read_submission(path, mini_cycle).frame("texts")
    assert list(texts[texts["key"] == "sammanfattning"]["text"]) == [p.strip() for p in parts]


def test_the_handout_leaves_continuation_rows_choosing_among_its_sections(tmp_path, mini_cycle):
    book = openpyxl.load_workbook(write_handout(mini_cycle, "stab", filled_rows(mini_cycle, "stab"), tmp_path, EXAMPLE_TOKEN_KEY))
    ws = book["Texter"]
    sections = len(filled_rows(mini_cycle, "stab")["texts"])
    first_open = sections + 2
    (validation,) = ws.data_validations.dataValidation
    keys = [ws.cell(row, 1).value for row in range(2, sections + 2)]
    assert validation.formula1 == '"' + ",".join(keys) + '"'  # a literal list, as every drop-down Tertial writes
    assert str(validation.sqref) == f"A{first_open}:A{first_open + CONTINUATION_ROWS - 1}"
    assert ws.cell(2, 1).protection.locked and not ws.cell(first_open, 1).protection.locked
    assert not ws.cell(first_open, 3).protection.locked and ws.cell(first_open, 2).protection.locked
    instructions = " ".join(str(c.value) for c in book["Instruktioner"]["A"] if c.value)
    assert "32 767 tecken" in instructions and "välj samma Avsnitt i listan" in instructions


def test_a_text_longer_than_a_cell_is_split_at_paragraphs_and_joined_back():
    paragraphs = [f"Stycke {n}. " + "ord " * 4000 for n in range(6)]  # about 16 000 characters each
    text = PARAGRAPH_BREAK.join(p.strip() for p in paragraphs)
    parts = cell_parts(text)
    assert len(parts) == 3 and all(len(p) <= MAX_CELL_CHARS for p in parts)
    joined = {"text": parts[0]}
    for part in parts[1:]:
        joined = continued(joined, {"text": part})
    assert joined["text"] == text
