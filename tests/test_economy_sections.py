"""Resultatenheter, Omslutningsförändringar and Budgetjusteringar/Ombudgeteringar: from the economy
owner's optional sheets, through validation and assembly, into HTML and Word."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from tertial.archive import content_hash
from tertial.reading import read_submission
from tasks.validation import validate_submission
from tasks.workbooks import write_handout
from tests.builders import filled_rows, write_filled
from tests.conftest import DATA
from tertial.accepted import Accepted
from tertial.assembly import build_report
from tertial.config import load_cycle
from tertial.economy import carried_over, complete_result_unit
from tertial.ledger import ACCEPTED, Version
from tertial.render.charts import ReportCharts
from tertial.render.html import render_html
from tertial.render.word import document_bytes
from tertial.report_checks import check_report
from tertial.vocabulary import ReportKind
from tertial.wording import no_adjustments_sentence, no_turnover_sentence, result_units_sentence
from tertial.workbooks import write_csv_folder

D = Decimal


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


# --- arithmetic and sentences ------------------------------------------------------------------


def test_till_is_minus_the_sum_of_from_and_result():
    assert carried_over(D("-2310"), D("-265")) == D("2575")  # Snösättras förskolor, seed 004 E10
    assert carried_over(D("-1684.0"), D("1900.0")) == D("-216.0")  # Stureby hemtjänst: the seed prints 228,3
    assert complete_result_unit({"brought": D("-727"), "result": D("727"), "carried": None})["carried"] == 0
    # A stated value is kept (validation has checked it); only a blank one is computed.
    assert complete_result_unit({"brought": D("-950"), "result": D("0"), "carried": D("950.4")})["carried"] == D("950.4")


@pytest.mark.parametrize("count, result, kind, expected", [
    (20, "7437", ReportKind.T1, "Nämnden har tjugo resultatenheter. Resultatenheterna prognostiserar att hämta 7,4 mnkr ur fonderna."),
    (2, "-1250", ReportKind.T2, "Nämnden har två resultatenheter. Resultatenheterna prognostiserar att lämna 1,3 mnkr till fonderna."),
    (1, "238", ReportKind.VB, "Nämnden har under året haft en resultatenhet. Resultatenheten har hämtat 0,2 mnkr ur fonderna."),
    (4, "-919", ReportKind.VB, "Nämnden har under året haft fyra resultatenheter. Resultatenheterna har lämnat 0,9 mnkr till fonderna."),
    (3, "40", ReportKind.T1, "Nämnden har tre resultatenheter. Resultatenheterna prognostiserar ett resultat i nivå med budget."),
    (0, "0", ReportKind.T1, "Nämnden har inga resultatenheter."),
])
def test_result_units_sentence_from_the_sum_in_mnkr(count, result, kind, expected):
    assert result_units_sentence(count, D(result), kind) == expected


def test_fixed_sentences_name_the_report():
    assert no_turnover_sentence(ReportKind.T1) == "Nämnden har inga omslutningsförändringar att anmäla i samband med tertialrapport 1."
    assert no_adjustments_sentence(ReportKind.T2) == "Nämnden begär inga budgetjusteringar i samband med tertialrapport 2."
    assert no_adjustments_sentence(ReportKind.VB) == "Nämnden begär inga ombudgeteringar."


# --- the mini cycles, from real files ------------------------------------------------------------


@pytest.fixture()
def mini(tmp_path):
    shutil.copytree(DATA / "mini", tmp_path / "mini")
    return tmp_path / "mini"


def _accept(cycle, paths: dict[str, Path]) -> dict[str, Accepted]:
    accepted = {}
    for contributor, path in paths.items():
        version = Version(id=1, cycle_id=cycle.config.id, contributor_id=contributor, number=1, sha256=content_hash(path),
                          original_name=path.name, archive_path=str(path), status=ACCEPTED, errors=0, warnings=0,
                          received_at=dt.datetime(2025, 5, 2, tzinfo=dt.UTC))
        accepted[contributor] = Accepted(read_submission(path, cycle), version)
    return accepted


def _report(cycle, folder: Path, stab_rows=None, without: tuple[str, ...] = ()):
    paths = {c.id: write_filled(folder, cycle, c.id, stab_rows if c.id == "stab" else None)
             for c in cycle.config.contributors if c.id not in without}
    return build_report(cycle, _accept(cycle, paths))


def test_t1_sections_computed_from_the_owners_sheets(mini, tmp_path):
    report = _report(load_cycle(mini / "cycle.yaml"), tmp_path / "in")
    units = report.economy.result_units
    assert [line.values["carried"] for line in units.table.rows] == [D("1710"), D("-216.0")]  # computed, stated
    assert units.table.total.values == {"budget": D("70278"), "brought": D("-3994"), "result": D("2500"), "carried": D("1494")}
    assert units.sentences == ["Nämnden har två resultatenheter. Resultatenheterna prognostiserar att hämta 2,5 mnkr ur fonderna."]
    assert report.economy.turnover.table.total.values["amount"] == D("3.5")
    assert report.economy.turnover.sentences == ["Nämnden anmäler omslutningsförändringar på sammanlagt 3,5 mnkr."]
    requests = report.economy.adjustments.requests
    assert [(r.heading, r.amount) for r in requests] == [("Inventarier (investering)", D("0.5")), ("Ungas delaktighet (drift)", D("0.2"))]
    assert requests[0].bullets == ["Sängar", "Matsalsmöbler"]
    assert report.economy.adjustments.sentences == [
        "Nämnden begär budgetjusteringar på sammanlagt 0,7 mnkr, varav 0,2 mnkr i driftmedel och 0,5 mnkr i investeringsmedel."]


def test_without_the_new_sheets_each_section_prints_its_fixed_sentence(mini, tmp_path):
    cycle = load_cycle(mini / "t2.yaml")
    rows = {k: v for k, v in filled_rows(cycle, "stab").items() if k not in ("result_units", "turnover", "adjustments")}
    path = write_filled(tmp_path, cycle, "stab", rows)
    assert "Resultatenheter" not in load_workbook(path).sheetnames
    submission = read_submission(path, cycle)
    assert validate_submission.fn(submission, cycle) == []
    report = _report(cycle, tmp_path / "in", stab_rows=rows)
    economy = report.economy
    assert (economy.result_units.table, economy.turnover.table, economy.adjustments.requests) == (None, None, [])
    html = render_html(report)
    for sentence in ("Nämnden har inga resultatenheter.",
                     "Nämnden har inga omslutningsförändringar att anmäla i samband med tertialrapport 2.",
                     "Nämnden begär inga budgetjusteringar i samband med tertialrapport 2."):
        assert sentence in html
    assert 'id="tabell-resultatenheter"' not in html


def test_sections_say_underlag_saknas_when_the_economy_owner_has_not_submitted(mini, tmp_path):
    report = _report(load_cycle(mini / "cycle.yaml"), tmp_path / "in", without=("stab",))
    for section in (report.economy.result_units, report.economy.turnover, report.economy.adjustments):
        assert section.missing and section.sentences == [] and section.owner == "Stabsavdelningen"
    html = render_html(report)
    part = html[html.index('<h3 id="omslutningsforandringar">'):html.index('<h3 id="budgetjusteringar">')]
    assert "Underlag saknas från Stabsavdelningen." in part and "Nämnden har inga" not in part
    # The decision states 3,5 mnkr, but without the owner's data there is nothing to hold it against.
    assert [f for f in check_report(report) if f.rule_id == "narrative_turnover"] == []


def test_vb_has_ombudgeteringar_and_no_omslutning(mini, tmp_path):
    cycle = load_cycle(mini / "vb.yaml")
    assert "turnover" not in filled_rows(cycle, "stab")
    folder = write_csv_folder(tmp_path / "stab", cycle, "stab", filled_rows(cycle, "stab"))
    assert (folder / "ombudgeteringar.csv").exists()  # the VB's own sheet, read back by its file name
    assert read_submission(folder, cycle).frames["adjustments"].empty


# --- validation: the Swedish message names file, sheet, row and column ---------------------------


def test_a_wrong_till_is_an_error_located_to_the_cell(mini, tmp_path):
    cycle = load_cycle(mini / "cycle.yaml")
    rows = filled_rows(cycle, "stab")
    rows["result_units"][1]["carried"] = "467,0"  # Enskede hemtjänst's printed value: −(−2 194 + 2 250) is −56
    rows["result_units"][1].update(brought="-2 194,0", result="2 250,0")
    findings = validate_submission.fn(read_submission(write_filled(tmp_path, cycle, "stab", rows), cycle), cycle)
    assert [(f.rule_id, f.severity.value, f.file, f.sheet, f.row, f.item_id, f.value) for f in findings] == [
        ("result_unit_transfer", "fel", "stab.xlsx", "Resultatenheter", 3, "Hemtjänsten Norr", "467,0")]
    assert [f.line() for f in findings] == [
        "FEL: stab.xlsx, blad 'Resultatenheter', cell E3, rad 3, kolumn 'Resultatöverföring till 2026 (tkr), överskott (+) "
        "underskott (-)': Resultatöverföringen till nästa år för 'Hemtjänsten Norr' är 467,0 tkr, men ska vara -56 tkr "
        "enligt regeln till = −(från + resultat). Rätta beloppet, eller lämna cellen tom så räknar Tertial ut den."]


def test_rounding_within_one_tkr_is_accepted(mini, tmp_path):
    cycle = load_cycle(mini / "cycle.yaml")
    rows = filled_rows(cycle, "stab")
    rows["result_units"][1]["carried"] = "-216,8"
    assert validate_submission.fn(read_submission(write_filled(tmp_path, cycle, "stab", rows), cycle), cycle) == []


def test_request_and_turnover_rows_are_checked(mini, tmp_path):
    cycle = load_cycle(mini / "cycle.yaml")
    rows = filled_rows(cycle, "stab")
    rows["adjustments"][0]["kind"] = "Investering"  # any case is understood
    rows["adjustments"][1].update(kind="lokaler", text="")
    rows["turnover"][1]["amount"] = ""
    findings = validate_submission.fn(read_submission(write_filled(tmp_path, cycle, "stab", rows), cycle), cycle)
    assert sorted((f.rule_id, f.sheet, f.row, f.column) for f in findings) == [
        ("adjustment_kind_unknown", "Budgetjusteringar", 3, "Typ"),
        ("adjustment_text_missing", "Budgetjusteringar", 3, "Motivering"),
        ("turnover_value_missing", "Omslutningsförändringar", 3, "Omslutningsförändring (mnkr)"),
    ]
    unknown = next(f for f in findings if f.rule_id == "adjustment_kind_unknown")
    assert unknown.message == "Typen 'lokaler' finns inte. Skriv en av: drift, investering."


def test_only_the_economy_owner_fills_the_optional_sheets(mini, tmp_path):
    cycle = load_cycle(mini / "cycle.yaml")
    rows = filled_rows(cycle, "barn")
    rows["turnover"] = [{"name": "Äldreomsorg", "amount": "1,0"}]
    findings = validate_submission.fn(read_submission(write_filled(tmp_path, cycle, "barn", rows), cycle), cycle)
    assert [(f.rule_id, f.sheet, f.row) for f in findings] == [("economy_sheet_not_owner", "Omslutningsförändringar", 2)]


# --- narrative: the decision's total ----------------------------------------------------------------


def test_decision_total_of_omslutningsforandringar_must_match_the_table(mini, tmp_path):
    report = _report(load_cycle(mini / "cycle.yaml"), tmp_path / "in")
    assert [f for f in check_report(report) if f.rule_id == "narrative_turnover"] == []
    wrong = report.model_copy(update={"decisions": [*report.decisions[:-1], "Nämnden anmäler omslutningsförändringar om 4,5 mnkr."]})
    findings = [f for f in check_report(wrong) if f.rule_id == "narrative_turnover"]
    assert [(f.sheet, f.item_id, f.value) for f in findings] == [("Beslut", "4", "omslutningsförändringar om 4,5 mnkr")]
    assert "men omslutningsförändringarna summerar till 3,5 mnkr" in findings[0].message


# --- Word: real headings, real tables, one picture per indicator trend ---------------------------


def test_word_has_the_sections_as_headings_and_tables(mini, tmp_path):
    report = _report(load_cycle(mini / "cycle.yaml"), tmp_path / "in")
    doc = Document(io.BytesIO(document_bytes(report)))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for heading in [("Heading 2", "Resultatenheter"), ("Heading 2", "Omslutningsförändringar"), ("Heading 2", "Budgetjusteringar"),
                    ("Heading 3", "Inventarier (investering)"), ("Heading 3", "Ungas delaktighet (drift)")]:
        assert heading in headings
    assert headings.index(("Heading 2", "Resultatenheter")) < headings.index(("Heading 2", "Investeringar")) \
        < headings.index(("Heading 2", "Omslutningsförändringar"))
    units = next(t for t in doc.tables if t.rows[0].cells[0].text == "Resultatenhetens namn")
    assert [_plain(c.text) for c in units.rows[-1].cells] == ["Summa resultatenheter", "70 278", "-3 994", "2 500", "1 494"]
    assert _plain(units.rows[1].cells[4].text) == "1 710"  # computed from the rule
    turnover = next(t for t in doc.tables if t.rows[0].cells[0].text == "Verksamhetsområden")
    assert [c.text for c in turnover.rows[0].cells] == ["Verksamhetsområden", "Omslutningsförändring (mnkr)", "Kommentar"]
    assert [c.text for c in turnover.rows[-1].cells][:2] == ["Totalt", "3,5"]
    texts = [p.text for p in doc.paragraphs]
    assert "Nämnden ansöker om en budgetjustering på 0,5 mnkr i investeringsmedel." in texts


def test_word_has_one_trend_picture_per_indicator_with_its_alt_text(mini, tmp_path):
    report = _report(load_cycle(mini / "cycle.yaml"), tmp_path / "in")
    data = document_bytes(report)
    trends = [i.trend.alt for g in _walk(report.goals) for i in g.indicators if i.trend]
    assert len(trends) >= 3
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    described = re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', xml)
    unescaped = [d.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"') for d in described]
    economy_alt = ReportCharts(report).economy.alt
    assert sorted(unescaped) == sorted(trends + [economy_alt])
    # Each trend sits in its indicator's row, under the name.
    doc = Document(io.BytesIO(data))
    cells = [c for t in doc.tables if t.rows[0].cells[0].text == "Indikator" for r in t.rows for c in r.cells[:1]]
    assert sum(len(c._element.findall(".//" + "{http://schemas.openxmlformats.org/drawingml/2006/main}blip")) for c in cells) == len(trends)
    assert document_bytes(report) == data  # deterministic, pictures included


def test_charts_are_drawn_once_per_report(mini, tmp_path, monkeypatch):
    import tertial.render.charts as charts
    from tasks.rendering import write_report

    report = _report(load_cycle(mini / "cycle.yaml"), tmp_path / "in")
    calls = {"economy": 0, "trend": 0}
    economy_chart, trend_picture = charts.economy_chart, charts.trend_picture
    # Spies that count and call the real drawing functions.
    monkeypatch.setattr(charts, "economy_chart", lambda *a: calls.__setitem__("economy", calls["economy"] + 1) or economy_chart(*a))
    monkeypatch.setattr(charts, "trend_picture", lambda *a: calls.__setitem__("trend", calls["trend"] + 1) or trend_picture(*a))
    write_report.fn(report, tmp_path / "ut", ("html", "docx"))
    assert calls == {"economy": 1, "trend": len([i for g in _walk(report.goals) for i in g.indicators if i.trend])}


def test_the_economy_chart_is_drawn_once_for_the_pdf_and_the_other_formats_side_by_side(mini, tmp_path, monkeypatch):
    """write_formats may give the PDF a task of its own beside the others; both use one drawing of the chart."""
    import tertial.render.charts as charts
    from tertial.render.formats import write_report_files

    report = _report(load_cycle(mini / "cycle.yaml"), tmp_path / "in")
    drawn = []
    draw = charts.draw_economy_chart
    monkeypatch.setattr(charts, "draw_economy_chart", lambda *a: drawn.append(a) or draw(*a))
    charts._economy_chart_of.cache_clear()
    write_report_files(report, tmp_path / "pdf", ("pdf",))
    write_report_files(report, tmp_path / "ovriga", ("html", "docx"))
    assert len(drawn) == 1
    assert sorted(p.name for p in (tmp_path / "pdf").iterdir() if not p.name.startswith(".")) == ["report.pdf"]

def _walk(goals):
    for goal in goals:
        yield goal
        yield from _walk(goal.children)


# --- the handout ----------------------------------------------------------------------------------


def test_handout_has_open_rows_and_a_typ_list_for_the_economy_owner_only(mini, tmp_path):
    cycle = load_cycle(mini / "cycle.yaml")
    from tertial.workbooks import OPEN_ROWS, prefilled_rows

    stab = load_workbook(write_handout.fn(cycle, "stab", prefilled_rows(cycle, "stab"), tmp_path, tmp_path))
    assert {"Resultatenheter", "Omslutningsförändringar", "Budgetjusteringar"} <= set(stab.sheetnames)
    sheet = stab["Budgetjusteringar"]
    assert [c.value for c in sheet[1]] == ["Rubrik", "Typ", "Belopp (mnkr)", "Motivering"]
    assert sheet.protection.sheet and not sheet.cell(OPEN_ROWS + 1, 1).protection.locked
    assert [v.formula1 for v in sheet.data_validations.dataValidation] == ['"drift,investering"']
    barn = load_workbook(write_handout.fn(cycle, "barn", prefilled_rows(cycle, "barn"), tmp_path, tmp_path))
    assert "Resultatenheter" not in barn.sheetnames


def test_handout_carries_the_previous_reports_result_units(mini, tmp_path):
    from tasks.prefill import handout_rows

    t1 = _report(load_cycle(mini / "cycle.yaml"), tmp_path / "in")
    t2 = load_cycle(mini / "t2.yaml")
    rows = handout_rows.fn(t2, "stab", t1, {})["result_units"]
    assert [(r["name"], r["budget"], r["brought"]) for r in rows] == [
        ("Förskolan Solen", "41 164", "-2 310"), ("Hemtjänsten Norr", "29 114", "-1 684")]
    last_year = t1.model_copy(update={"year": 2024})  # a VB 2024 before the 2025 cycle: 'till' becomes 'från'
    rows = handout_rows.fn(t2, "stab", last_year, {})["result_units"]
    assert [(r["name"], r["budget"], r["brought"]) for r in rows] == [("Förskolan Solen", "", "-1 710"), ("Hemtjänsten Norr", "", "216")]
    assert "result_units" not in handout_rows.fn(t2, "barn", t1, {})
