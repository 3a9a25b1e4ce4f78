"""The VB's own parts: Intäkts- och kostnadsutveckling (from the economy owner's optional sheet, through
validation and assembly, into HTML and Word) and Särskilda redovisningar as one heading over its three sections."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from tertial.archive import content_hash
from tertial.reading import read_submission
from tasks.validation import validate_submission
from tasks.workbooks import write_handout
from tests.builders import MINI_VB_REVENUE_COSTS, REVENUE_COST_KEYS, filled_rows, write_filled
from tests.conftest import DATA
from tertial.accepted import Accepted
from tertial.assembly import build_report
from tertial.config import load_cycle
from tertial.ledger import ACCEPTED, Version
from tertial.report_checks import check_report
from tertial.render.formats import render_json
from tertial.render.html import render_html
from tertial.render.word import document_bytes
from tertial.report import Report
from tertial.submission import sheets_for
from tertial.vocabulary import ReportKind
from tertial.wording import net_cost_sentence
from tertial.workbooks import prefilled_rows, write_csv_folder

D = Decimal
SPECIAL = ["Bedömning av nämndens interna kontroll", "Systematiskt kvalitetsarbete", "Systematiskt arbetsmiljöarbete"]
NET_SENTENCE = "Nettokostnaden uppgick till 1 198,8 mnkr, en ökning med 27,2 mnkr jämfört med föregående år."


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture(scope="module")
def mini(tmp_path_factory) -> Path:
    """The mini plan with the T2 report the VB compares against, assembled from the mini T2 cycle."""
    root = tmp_path_factory.mktemp("vb") / "mini"
    shutil.copytree(DATA / "mini", root)
    t2 = load_cycle(root / "t2.yaml")
    (root / "t2-report.json").write_text(render_json(_report(t2, root / "inkorg-t2")), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def vb(mini) -> Report:
    return _report(load_cycle(mini / "vb.yaml"), mini / "inkorg-vb")


def _report(cycle, folder: Path, stab_rows=None, without: tuple[str, ...] = ()) -> Report:
    accepted = {}
    for contributor in cycle.config.contributors:
        if contributor.id in without:
            continue
        path = write_filled(folder, cycle, contributor.id, stab_rows if contributor.id == "stab" else None)
        version = Version(id=1, cycle_id=cycle.config.id, contributor_id=contributor.id, number=1, sha256=content_hash(path),
                          original_name=path.name, archive_path=str(path), status=ACCEPTED, errors=0, warnings=0,
                          received_at=dt.datetime(2026, 1, 20, tzinfo=dt.UTC))
        accepted[contributor.id] = Accepted(read_submission(path, cycle), version)
    return build_report(cycle, accepted)


def _stab_rows(mini: Path, posts) -> dict:
    rows = filled_rows(load_cycle(mini / "vb.yaml"), "stab")
    rows["revenue_costs"] = [dict(zip(REVENUE_COST_KEYS, p)) for p in posts]
    return rows


# --- the table: Förändring, Summa intäkter, Summa kostnader, Netto -------------------------------


def test_change_sums_and_net_are_computed(vb):
    section = vb.economy.revenue_costs
    table = section.table
    assert (section.title, section.missing) == ("Intäkts- och kostnadsutveckling", False)
    assert [h for _, h in table.columns] == ["Utfall 2024", "Utfall 2025", "Förändring"]
    lines = {line.name: line.values for line in table.rows}
    assert [line.name for line in table.rows] == ["Taxor och avgifter", "Bidrag", "Summa intäkter", "Personalkostnader",
                                                  "Lokalkostnader", "Köp av verksamhet", "Summa kostnader"]
    assert lines["Taxor och avgifter"] == {"previous": D("-44.1"), "outcome": D("-47.0"), "change": D("-2.9")}
    assert lines["Köp av verksamhet"]["change"] == D("-8.0")
    assert lines["Summa intäkter"] == {"previous": D("-165.5"), "outcome": D("-165.5"), "change": D("0.0")}
    assert lines["Summa kostnader"] == {"previous": D("1337.1"), "outcome": D("1364.3"), "change": D("27.2")}
    assert (table.total.name, table.total.values) == ("Netto", {"previous": D("1171.6"), "outcome": D("1198.8"), "change": D("27.2")})
    assert table.comment_header == "Kommentar" and table.rows[5].comment == "Färre externa placeringar."
    assert [_plain(s) for s in section.sentences] == [NET_SENTENCE]


@pytest.mark.parametrize("net, previous, expected", [
    ("1198.8", "1171.6", "Nettokostnaden uppgick till 1\u00a0198,8 mnkr, en ökning med 27,2 mnkr jämfört med föregående år."),
    ("719.4", "748.5", "Nettokostnaden uppgick till 719,4 mnkr, en minskning med 29,1 mnkr jämfört med föregående år."),
    ("80.04", "80.0", "Nettokostnaden uppgick till 80,0 mnkr, i nivå med föregående år."),
    ("-5.0", "-3.0", "Nettointäkten uppgick till 5,0 mnkr, en ökning med 2,0 mnkr jämfört med föregående år."),
])
def test_net_cost_sentence(net, previous, expected):
    assert net_cost_sentence(D(net), D(previous)) == expected


def test_intakter_come_first_whatever_the_sheet_order(mini, tmp_path):
    posts = [("Personalkostnader", "Kostnader", "10,0", "12,0", ""), ("Avgifter", "Intäkt", "-1,0", "-1,5", ""),
             ("Lokaler", "kostnad", "3,0", "2,5", "")]
    report = _report(load_cycle(mini / "vb.yaml"), tmp_path, _stab_rows(mini, posts))
    table = report.economy.revenue_costs.table
    assert [line.name for line in table.rows] == ["Avgifter", "Summa intäkter", "Personalkostnader", "Lokaler", "Summa kostnader"]
    assert table.total.values == {"previous": D("12.0"), "outcome": D("13.0"), "change": D("1.0")}
    assert table.comment_header == ""  # no row has a comment: no empty column


# --- the cross-check: Netto is the operations table's total Utfall -------------------------------


def test_net_equal_to_the_operations_outcome_gives_no_finding(vb):
    assert vb.economy.operations.total.values["outcome"] == vb.economy.revenue_costs.table.total.values["outcome"]
    assert check_report(vb) == []


def test_net_unlike_the_operations_outcome_is_an_error(mini, tmp_path):
    posts = [*MINI_VB_REVENUE_COSTS[:2], ("Personalkostnader", "kostnad", "820,4", "852,2", ""), *MINI_VB_REVENUE_COSTS[3:]]
    report = _report(load_cycle(mini / "vb.yaml"), tmp_path, _stab_rows(mini, posts))
    findings = [f for f in check_report(report) if f.rule_id == "narrative_revenue_cost_net"]
    assert [(f.severity.value, f.sheet, f.column, f.item_id, f.value) for f in findings] == [
        ("fel", "Intäkter och kostnader", "Utfall 2025 (mnkr)", "intakts-och-kostnadsutveckling", "1\u00a0200,0 mnkr")]
    assert _plain(findings[0].message) == (
        "Tabellen Intäkts- och kostnadsutveckling: Netto (Utfall 2025) är 1 200,0 mnkr, men driftbudgetens totala 'Utfall' "
        "är 1 198,8 mnkr. Rätta bladet 'Intäkter och kostnader' eller driftbudgeten så att de stämmer.")
    # 0,1 mnkr apart is rounding, not a finding.
    close = [*MINI_VB_REVENUE_COSTS[:2], ("Personalkostnader", "kostnad", "820,4", "851,1", ""), *MINI_VB_REVENUE_COSTS[3:]]
    report = _report(load_cycle(mini / "vb.yaml"), tmp_path / "nära", _stab_rows(mini, close))
    assert [f for f in check_report(report) if f.rule_id == "narrative_revenue_cost_net"] == []


def test_last_years_net_unlike_the_bokslut_is_an_error(mini, tmp_path):
    posts = [*MINI_VB_REVENUE_COSTS[:2], ("Personalkostnader", "kostnad", "823,4", "851,0", ""), *MINI_VB_REVENUE_COSTS[3:]]
    report = _report(load_cycle(mini / "vb.yaml"), tmp_path, _stab_rows(mini, posts))
    findings = [f for f in check_report(report) if f.rule_id == "narrative_revenue_cost_net"]
    assert [(f.column, f.value) for f in findings] == [("Utfall 2024 (mnkr)", "1\u00a0174,6 mnkr")]
    assert "Netto (Utfall 2024) är 1 174,6 mnkr, men driftbudgetens totala 'Bokslut föregående år' är 1 171,6 mnkr" in _plain(
        findings[0].message)


# --- validation, located to the cell ---------------------------------------------------------------


def test_a_wrong_typ_and_a_wrong_sign_are_reported_with_their_cell(mini, tmp_path):
    cycle = load_cycle(mini / "vb.yaml")
    posts = [MINI_VB_REVENUE_COSTS[0], ("Bidrag", "lokaler", "-121,4", "-118,5", ""),
             ("Personalkostnader", "KOSTNADER", "820,4", "-851,0", ""), *MINI_VB_REVENUE_COSTS[3:]]
    path = write_filled(tmp_path, cycle, "stab", _stab_rows(mini, posts))
    findings = validate_submission.fn(read_submission(path, cycle), cycle)
    assert [f.line() for f in findings] == [
        "FEL: stab.xlsx, blad 'Intäkter och kostnader', cell B3, rad 3, kolumn 'Typ': Typen 'lokaler' finns inte. Skriv en av: intäkt, kostnad.",
        "VARNING: stab.xlsx, blad 'Intäkter och kostnader', cell D4, rad 4, kolumn 'Utfall 2025 (mnkr)': Beloppet -851,0 för "
        "'Personalkostnader' har fel tecken för typen kostnad. Skriv intäkter med minus (t.ex. -47,0) och kostnader utan minus.",
    ]


def test_missing_values_and_duplicates_are_errors(mini, tmp_path):
    cycle = load_cycle(mini / "vb.yaml")
    posts = [MINI_VB_REVENUE_COSTS[0], ("Bidrag", "", "-121,4", "", ""), *MINI_VB_REVENUE_COSTS[2:], MINI_VB_REVENUE_COSTS[4]]
    findings = validate_submission.fn(read_submission(write_filled(tmp_path, cycle, "stab", _stab_rows(mini, posts)), cycle), cycle)
    assert sorted((f.rule_id, f.row, f.column) for f in findings) == [
        ("revenue_cost_duplicate", 6, "Post"), ("revenue_cost_duplicate", 7, "Post"),
        ("revenue_cost_kind_missing", 3, "Typ"), ("revenue_cost_value_missing", 3, "Utfall 2025 (mnkr)"),
    ]


def test_the_sheet_is_vb_only_and_read_from_csv(mini, tmp_path):
    assert "revenue_costs" not in sheets_for(ReportKind.T2, 2025)
    assert sheets_for(ReportKind.VB, 2025)["revenue_costs"].name == "Intäkter och kostnader"
    cycle = load_cycle(mini / "vb.yaml")
    folder = write_csv_folder(tmp_path / "stab", cycle, "stab", filled_rows(cycle, "stab"))
    assert (folder / "intakter_kostnader.csv").read_text(encoding="utf-8").startswith(
        "Post;Typ;Utfall 2024 (mnkr);Utfall 2025 (mnkr);Kommentar\n")
    frame = read_submission(folder, cycle).frames["revenue_costs"]
    assert list(frame["name"]) == [p[0] for p in MINI_VB_REVENUE_COSTS]


def test_handout_has_the_sheet_with_a_typ_list(mini, tmp_path):
    cycle = load_cycle(mini / "vb.yaml")
    workbook = load_workbook(write_handout.fn(cycle, "stab", prefilled_rows(cycle, "stab"), tmp_path, tmp_path))
    sheet = workbook["Intäkter och kostnader"]
    assert [c.value for c in sheet[1]] == ["Post", "Typ", "Utfall 2024 (mnkr)", "Utfall 2025 (mnkr)", "Kommentar"]
    assert [v.formula1 for v in sheet.data_validations.dataValidation] == ['"intäkt,kostnad"']
    assert not sheet.cell(2, 1).protection.locked
    assert "Intäkter och kostnader" not in load_workbook(write_handout.fn(cycle, "barn", prefilled_rows(cycle, "barn"), tmp_path, tmp_path)).sheetnames


def test_handout_carries_last_years_posts_and_outcomes(mini, tmp_path):
    """Last year's VB gives the posts, their Typ and 'Utfall <år-1>'; this year's Utfall is the contributor's to fill."""
    from tasks.prefill import handout_rows

    cycle = load_cycle(mini / "vb.yaml")  # VB 2025
    last_year = Report.model_validate_json((DATA.parent / "golden" / "mini-vb.json").read_text(encoding="utf-8"))
    last_year = last_year.model_copy(update={"year": 2024})
    rows = handout_rows.fn(cycle, "stab", last_year, {})["revenue_costs"]
    assert [(r["name"], r["kind"], r["previous"], r["outcome"]) for r in rows] == [
        ("Taxor och avgifter", "intäkt", "-47,0", ""), ("Bidrag", "intäkt", "-118,5", ""),
        ("Personalkostnader", "kostnad", "851,0", ""), ("Lokalkostnader", "kostnad", "114,8", ""),
        ("Köp av verksamhet", "kostnad", "398,5", "")]
    sheet = load_workbook(write_handout.fn(cycle, "stab", {**prefilled_rows(cycle, "stab"), "revenue_costs": rows}, tmp_path, tmp_path))["Intäkter och kostnader"]
    assert [c.value for c in sheet[4]][:3] == ["Personalkostnader", "kostnad", "851,0"]
    same_year = last_year.model_copy(update={"year": 2025})  # a report of the same year has nothing to carry over
    assert handout_rows.fn(cycle, "stab", same_year, {})["revenue_costs"] == prefilled_rows(cycle, "stab")["revenue_costs"]


# --- empty sheet, absent owner --------------------------------------------------------------------


def test_an_empty_sheet_leaves_the_section_out(mini, tmp_path):
    rows = _stab_rows(mini, [])  # the sheet with its header row only
    cycle = load_cycle(mini / "vb.yaml")
    assert "Intäkter och kostnader" in load_workbook(write_filled(tmp_path / "fil", cycle, "stab", rows)).sheetnames
    report = _report(cycle, tmp_path, rows)
    assert report.economy.revenue_costs is None
    html = render_html(report)
    assert "Intäkts- och kostnadsutveckling" not in html and "Nettokostnaden" not in html
    assert "Intäkts- och kostnadsutveckling" not in [p.text for p in Document(io.BytesIO(document_bytes(report))).paragraphs]


def test_without_the_economy_owner_the_section_says_underlag_saknas(mini, tmp_path):
    report = _report(load_cycle(mini / "vb.yaml"), tmp_path, without=("stab",))
    section = report.economy.revenue_costs
    assert (section.missing, section.owner, section.table, section.sentences) == (True, "Stabsavdelningen", None, [])
    html = render_html(report)
    part = html[html.index('<h3 id="intakts-och-kostnadsutveckling">'):html.index('<h3 id="driftbudget">')]
    assert "Underlag saknas från Stabsavdelningen." in part
    assert [f for f in check_report(report) if f.rule_id == "narrative_revenue_cost_net"] == []


# --- Word and HTML: headings, the table's Netto row, the table of contents ------------------------


def test_word_headings_and_the_net_row(vb):
    doc = Document(io.BytesIO(document_bytes(vb)))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    economy = headings.index(("Heading 1", "Uppföljning av ekonomi"))
    assert headings[economy + 1] == ("Heading 2", "Intäkts- och kostnadsutveckling")
    balance = headings.index(("Heading 1", "Analys av balansräkning"))
    special = headings.index(("Heading 1", "Särskilda redovisningar"))
    assert economy < balance < special
    assert headings[special + 1:special + 5] == [*(("Heading 2", t) for t in SPECIAL), ("Heading 1", "Attesterat av")]
    table = next(t for t in doc.tables if t.rows[-1].cells[0].text == "Netto")
    assert [c.text for c in table.rows[0].cells] == ["Mnkr", "Utfall 2024", "Utfall 2025", "Förändring", "Kommentar"]
    assert [_plain(c.text) for c in table.rows[-1].cells] == ["Netto", "1 171,6", "1 198,8", "27,2", ""]
    assert _plain(NET_SENTENCE) in [_plain(p.text) for p in doc.paragraphs]
    assert document_bytes(vb) == document_bytes(vb)


class _Toc(HTMLParser):
    """The table of contents as (depth of nested <ol>, href) per link."""

    def __init__(self) -> None:
        super().__init__()
        self.inside, self.depth, self.links = False, 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "nav" and ("class", "toc") in attrs:
            self.inside = True
        elif self.inside and tag == "ol":
            self.depth += 1
        elif self.inside and tag == "a":
            self.links.append((self.depth, dict(attrs)["href"]))

    def handle_endtag(self, tag):
        if tag == "nav":
            self.inside = False
        elif self.inside and tag == "ol":
            self.depth -= 1


def test_html_toc_nests_the_special_reports_and_leads_the_economy_with_the_table(vb):
    html = render_html(vb)
    toc = _Toc()
    toc.feed(html)
    links = toc.links
    economy = links.index((1, "#uppfoljning-ekonomi"))
    assert links[economy + 1] == (2, "#intakts-och-kostnadsutveckling")
    assert links[-6:] == [(1, "#avsnitt-balansrakning"), (1, "#sarskilda-redovisningar"), (2, "#avsnitt-intern_kontroll"),
                          (2, "#avsnitt-kvalitetsarbete"), (2, "#avsnitt-arbetsmiljo"), (1, "#attesterat-av")]
    body = html[html.index('<h2 id="sarskilda-redovisningar">'):html.index('<h2 id="attesterat-av">')]
    assert [f"<h3>{t}</h3>" in body for t in SPECIAL] == [True] * 3
    assert html.index('<h2>Analys av balansräkning</h2>') < html.index('<h2 id="sarskilda-redovisningar">')
    assert vb.economy.revenue_costs.sentences[0] in html
    netto = html[html.index('data-id="netto"'):html.index("</tr>", html.index('data-id="netto"'))]
    assert [_plain(re.sub(r"<.*", "", v, flags=re.S)) for v in netto.split('<td class="num">')[1:]] == ["1 171,6", "1 198,8", "27,2"]


def test_a_tertial_report_has_neither_part(mini):
    report = Report.model_validate_json((mini / "t2-report.json").read_text(encoding="utf-8"))
    assert (report.economy.revenue_costs, report.special_reports) == (None, [])
    html = render_html(report)
    assert "sarskilda-redovisningar" not in html and "intakts-och-kostnadsutveckling" not in html
