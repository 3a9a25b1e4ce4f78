"""Text Tertial writes is never run: no formulas in workbooks or CSV, no markup in HTML."""

import csv

import openpyxl
import pytest

from tertial.reading import read_submission
from tertial.workbooks import csv_safe, write_csv_folder
from tests.builders import filled_rows, write_filled

HOSTILE = "=HYPERLINK(\"http://example.invalid\",\"klicka\")"


@pytest.mark.parametrize(
    "text, written",
    [
        ("=1+1", "'=1+1"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("-13,0", "-13,0"),  # a negative amount stays a number
        ("+15,0 mnkr", "+15,0 mnkr"),
        ("Vanlig text", "Vanlig text"),
    ],
)
def test_csv_cells_are_neutralised(text, written):
    assert csv_safe(text) == written


def test_formula_text_stays_text_in_the_workbook(tmp_path, mini_cycle):
    rows = filled_rows(mini_cycle, "barn")
    rows["goals"][0]["analysis"] = HOSTILE
    path = write_filled(tmp_path, mini_cycle, "barn", rows)
    cell = openpyxl.load_workbook(path)["Mål"]["D2"]
    assert (cell.data_type, cell.value) == ("s", HOSTILE)
    # Read back, it is the contributor's text, not a formula finding.
    assert read_submission(path, mini_cycle).frame("goals").loc[0, "analysis"] == HOSTILE


def test_csv_folder_neutralises_formula_text(tmp_path, mini_cycle):
    rows = filled_rows(mini_cycle, "aldre")
    rows["goals"][0]["analysis"] = HOSTILE
    folder = write_csv_folder(tmp_path / "aldre", mini_cycle, "aldre", rows)
    with (folder / "mal.csv").open(encoding="utf-8") as handle:
        cells = [row for row in csv.reader(handle, delimiter=";")][1]
    assert "'" + HOSTILE in cells


def test_script_in_an_analysis_is_escaped_in_the_report(mini_cycle, tmp_path):
    from tertial.assembly import build_report
    from tertial.render.html import render_html
    from tests.builders import accepted_versions

    accepted = accepted_versions(mini_cycle, tmp_path / "inkorg")
    rows = filled_rows(mini_cycle, "barn")
    rows["indicators"][0]["analysis"] = "<script>alert('x')</script>"
    hostile = write_filled(tmp_path / "fientlig", mini_cycle, "barn", rows)
    accepted["barn"] = type(accepted["barn"])(read_submission(hostile, mini_cycle), accepted["barn"].version)
    html = render_html(build_report(mini_cycle, accepted))
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


def test_neutralised_csv_reads_back_unchanged(tmp_path, mini_cycle):
    rows = filled_rows(mini_cycle, "aldre")
    rows["goals"][0]["analysis"] = "- Första punkten\n- Andra punkten"
    folder = write_csv_folder(tmp_path / "aldre", mini_cycle, "aldre", rows)
    assert read_submission(folder, mini_cycle).frame("goals").loc[0, "analysis"] == "- Första punkten\n- Andra punkten"


def test_formula_is_shown_as_text_in_the_annotated_copy(tmp_path, mini_cycle):
    import datetime as dt

    from tertial.feedback.annotated_workbook import annotated_workbook
    from tasks.validation import validate_submission

    path = write_filled(tmp_path, mini_cycle, "barn")
    wb = openpyxl.load_workbook(path)
    wb["Mål"]["D2"] = HOSTILE  # typed in Excel: a formula cell
    wb.save(path)
    findings = validate_submission.fn(read_submission(path, mini_cycle), mini_cycle)
    assert any(f.rule_id == "formula" and f.row == 2 for f in findings)
    out = annotated_workbook(path, findings, tmp_path / "ut.xlsx", dt.datetime(2025, 5, 2))
    cell = openpyxl.load_workbook(out)["Mål"]["D2"]
    assert (cell.data_type, cell.value) == ("s", HOSTILE)
    assert "formel" in cell.comment.text


def test_script_text_is_plain_text_in_pdf_and_word(mini_cycle, tmp_path):
    import io

    from docx import Document
    from pypdf import PdfReader

    from tertial.assembly import build_report
    from tertial.render.pdf import render_report_pdf
    from tertial.render.word import document_bytes
    from tests.builders import accepted_versions

    accepted = accepted_versions(mini_cycle, tmp_path / "inkorg")
    rows = filled_rows(mini_cycle, "barn")
    rows["indicators"][0]["analysis"] = "<script>alert('x')</script>"
    hostile = write_filled(tmp_path / "fientlig", mini_cycle, "barn", rows)
    accepted["barn"] = type(accepted["barn"])(read_submission(hostile, mini_cycle), accepted["barn"].version)
    report = build_report(mini_cycle, accepted)
    pdf = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render_report_pdf(report))).pages)
    assert "<script>alert('x')</script>" in pdf  # printed as the text it is, not run or dropped
    cells = [c.text for t in Document(io.BytesIO(document_bytes(report))).tables for r in t.rows for c in r.cells]
    assert "Analys: <script>alert('x')</script>" in cells


@pytest.mark.parametrize("name", ["array-formula-hyperlink.xlsx", "cell-hyperlinks.xlsx", "defined-name-dde.xlsx"])
def test_the_annotated_copy_of_a_hostile_workbook_is_inert(name, tmp_path, mini_cycle):
    """Array formulas, cell links (javascript:, file:// UNC) and DDE names stay behind; the contributor's text stays."""
    import datetime as dt

    from tests.bad_corpus import HOSTILE_LINK
    from tertial.feedback.annotated_workbook import annotated_workbook
    from tests.active_content import scan_xlsx
    from tests.test_bad_corpus import BAD

    out = annotated_workbook(BAD / name, [], tmp_path / "ut.xlsx", dt.datetime(2025, 5, 2))
    scan_xlsx(name, out.read_bytes())
    analysis = openpyxl.load_workbook(out)["Mål"]["D2"]
    assert (analysis.data_type, analysis.hyperlink) == ("s", None)
    assert analysis.value == (HOSTILE_LINK if name.startswith("array") else openpyxl.load_workbook(BAD / name)["Mål"]["D2"].value)


@pytest.mark.parametrize("name", ["xlm-macro-sheet.xlsx", "auto-open-name.xlsx", "dtd-in-renamed-part.xlsx", "xml-entity-bomb.xlsx"])
def test_a_workbook_the_reader_refuses_is_never_opened_for_annotation(name, tmp_path):
    import datetime as dt

    from tertial.feedback.annotated_workbook import annotated_workbook
    from tests.test_bad_corpus import BAD

    assert annotated_workbook(BAD / name, [], tmp_path / "ut.xlsx", dt.datetime(2025, 5, 2)) is None
    assert not (tmp_path / "ut.xlsx").exists()


def test_a_handout_pre_filled_with_formula_text_is_inert(tmp_path, mini_cycle):
    """Last report's texts pre-fill the handout; one that looks like a formula is written as text."""
    import datetime as dt

    from tertial.workbooks import Handout, write_workbook
    from tests.active_content import scan_xlsx

    rows = filled_rows(mini_cycle, "barn")
    rows["goals"][0]["analysis"] = HOSTILE
    path = write_workbook(tmp_path / "barn.xlsx", mini_cycle, "barn", rows, Handout(dt.date(2025, 5, 7), dt.datetime(2025, 5, 2)))
    scan_xlsx(path.name, path.read_bytes())
    assert openpyxl.load_workbook(path)["Mål"]["D2"].value == HOSTILE


def test_every_kind_of_formula_and_validation_formula_is_left_behind(tmp_path):
    """Data-table and shared formulas (which the corpus does not build) and drop-downs that compute their list."""
    import datetime as dt
    import zipfile

    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.formula import DataTableFormula

    from tertial.feedback.annotated_workbook import annotated_workbook
    from tests.active_content import scan_xlsx

    source = openpyxl.Workbook()
    ws = source.active
    ws.title = "Blad"
    ws["A1"], ws["A2"], ws["B1"], ws["B2"] = 1, 2, "=A1*2", 0
    ws["C1"] = DataTableFormula(ref="C1:C2", r1="A1")
    computed = DataValidation(type="list", formula1="$A$1:$A$2")
    computed.add("D1")
    ws.add_data_validation(computed)
    source.save(tmp_path / "in.xlsx")
    with zipfile.ZipFile(tmp_path / "in.xlsx") as package:  # B1:B2 as one shared formula, as Excel writes a filled-down column
        parts = {name: package.read(name) for name in package.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    sheet = sheet.replace(b"<f>A1*2</f>", b'<f t="shared" ref="B1:B2" si="0">A1*2</f>').replace(b'<c r="B2" t="n"><v>0</v></c>', b'<c r="B2"><f t="shared" si="0"/></c>')
    assert sheet.count(b'si="0"') == 2
    with zipfile.ZipFile(tmp_path / "in.xlsx", "w") as package:
        for name, data in {**parts, "xl/worksheets/sheet1.xml": sheet}.items():
            package.writestr(name, data)
    out = annotated_workbook(tmp_path / "in.xlsx", [], tmp_path / "ut.xlsx", dt.datetime(2025, 5, 2))
    scan_xlsx("ut.xlsx", out.read_bytes())
    copy = openpyxl.load_workbook(out)["Blad"]
    assert [copy[c].value for c in ("B1", "B2", "C1")] == ["=A1*2", "=A2*2", "=TABLE(A1;)"]
    assert copy.data_validations.dataValidation == []
