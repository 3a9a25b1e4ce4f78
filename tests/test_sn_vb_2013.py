"""Socialnämndens verksamhetsberättelse 2013 (seed 002) rebuilt from submissions (issue 14, point 6).

The example `examples/sn-vb-2013` is collected and assembled once through the real flows, in all four formats;
every goal, indicator and activity of the seed's own rows (a copy in tests/data/seed002_*.csv) is looked up in
the assembled report.json and compared. Regenerate the example with `python -m scripts.make_sn_vb_2013`.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from flows.run_cycle import CycleResult, run_cycle
from scripts._common import prose
from scripts.make_sn_vb_2013 import PROSE, filled_rows, main, plan_document
from tests.test_report_pdf import html_headings, pdf_headings
from tertial.analysis_headings import analysis_blocks
from tertial.checking.suites import check_submissions
from tertial.config import load_cycle
from tertial.findings import Severity
from tertial.numbers import parse_quantity
from tertial.reading import read_submission
from tertial.workbooks import write_workbook

pytestmark = [pytest.mark.flow, pytest.mark.slow, pytest.mark.pdf, pytest.mark.usefixtures("prefect_harness")]

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sn-vb-2013"
DATA = Path(__file__).parent / "data"
ASSESSMENT = "Uppfylls helt"  # the report's only goal assessment, 31 times (seed002 analysis §3)
KF_AREAS = ["1.1", "1.2", "1.3", "1.6", "1.7", "2.1", "2.3", "2.4", "3.1", "3.2"]  # with the city's gaps
OUTLINE = ["front_matter", "summary", "section:namnden", "section:utskott", "goals", "attest"]  # economy: under 3.1
HEADINGS = ["Sammanfattande analys", "Socialnämnden 2013", "Socialnämndens utskott och råd för funktionshinderfrågor 2013",
            "Tillståndsutskottet", "Individutskottet", "Organisations- och föreningsutskottet",
            "Socialnämnden, Äldrenämnden och Överförmyndarnämndens gemensamma funktionshinderråd 2013",
            "Uppföljning av Kommunfullmäktiges inriktningsmål", "Attesterat av"]
# The free sections the report prints inside the goal tree (seed002 analysis §1), by nämndmål, in order.
PLACED = {"kostnadseffektiva": [("forsaljningar", "Försäljningar av anläggningstillgångar"),
                                ("projekt", "Stora projekt som inte är investeringar"),
                                ("lokaler", "Medel för lokaländamål"),
                                ("balansrakning", "Analys av balansräkning")],
          "administrationen": [("klagomal", "Synpunkter och klagomål"),
                               ("lex_sarah", "Redovisning av inkomna Lex Sarah-rapporter")]}
# The sub-headings of nämndmål "Stockholmare är trygga och säkra i staden" as the report prints them (L1130–L1290).
TRYGGA = [("heading", "Stadsövergripande arbete"), ("subheading", "Brottsförebyggande arbete och trygghetsmätning"),
          ("heading", "Nämndens verksamhet"), ("subheading", "Kris- och katastrofberedskap"),
          ("subheading", "Stöd till unga brottsoffer och medling"),
          ("subheading", "Insatser riktade till ungdomar som begått brott")]
# The tables' headers as the 2013 report prints them (seed002 analysis §2.1, §2.2): no men/women, no forecast.
INDICATOR_HEADERS = ["Indikator", "Periodens utfall", "Periodens utfall VB 2012", "Årsmål", "KF:s årsmål", "Period"]
ACTIVITY_HEADERS = ["Aktivitet", "Startdatum", "Slutdatum", "Avvikelse"]
# The rows that miss their årsmål with no Kommentar in the published report (seed002 analysis §8 V6).
UNCOMMENTED_MISSES = {"Nöjd Kund-Index", "Andel ungdomar som ska ha fullföljt sin ungdomstjänst.", "Sjukfrånvaro",
                      "Nämndens budgetföljsamhet efter resultatöverföringar", "Nämndens budgetföljsamhet före resultatöverföringar"}


# The deviation headings of Budgetavvikelser as the report prints them (seed002_economy.csv, text:Budgetavvikelser
# (rubriker); analysis §4 E8): the row's Bokslut 2013 with '+', '–' (en dash) or '±'. The report spaces every sign
# but the first ('+4,5'); the profile prints one style, so the comparison is of sign and figure, spaces aside.
DEVIATION_HEADINGS = "text:Budgetavvikelser (rubriker)"


def _seed(kind: str) -> list[dict[str, str]]:
    with (DATA / f"seed002_{kind}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def run(tmp_path_factory, prefect_harness) -> CycleResult:
    """Collect and assemble the example from a copy, so nothing is written into examples/."""
    root = tmp_path_factory.mktemp("sn-vb-2013")
    shutil.copytree(EXAMPLE, root / "sn-vb-2013")
    return run_cycle(cycle_path=root / "sn-vb-2013" / "cycle.yaml", inbox=root / "sn-vb-2013" / "submissions",
                     workdir=root / "arbete", formats=("json", "html", "pdf", "docx"))


@pytest.fixture(scope="module")
def data(run) -> dict:
    return json.loads(run.files["json"].read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def html(run) -> str:
    """The HTML report's text, tags and entities resolved."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", run.files["html"].read_text(encoding="utf-8"))).replace("\u00a0", " ").split())


@pytest.fixture(scope="module")
def headings(run) -> list[str]:
    """The HTML report's headings h2–h5 in order (a nämndmål's Analys label and what it holds are h6 and below)."""
    page = run.files["html"].read_text(encoding="utf-8")
    return [unescape(" ".join(h.split())) for h in re.findall(r"<h[2-5][^>]*>([^<]*)</h[2-5]>", page)]


def _walk(nodes: list[dict]):
    for node in nodes:
        yield node
        yield from _walk(node["children"])


def _goals(data: dict) -> dict[str, dict]:
    """Each goal of the report by the name the seed rows give it: '1. Title', '1.1 Title' or a nämndmål's title."""
    found = {}
    for node in _walk(data["goals"]):
        number = node["number"]
        found[f"{number}{'.' if number and '.' not in number else ''} {node['title']}" if number else node["title"]] = node
    return found


def _enclosing(row: dict[str, str]) -> str:
    return row["namnd_goal"] or row["kf_area_goal"]


def _placed(data: dict, seed: list[dict[str, str]], items: str, column: str) -> int:
    """Every seed row's item stands under the goal the row names, in the row order; the number of items."""
    goals, by_goal = _goals(data), {}
    for row in seed:
        by_goal.setdefault(_enclosing(row), []).append(row[column])
    assert {g: [i["name"] for i in goals[g][items]] for g in by_goal} == by_goal
    assert sum(len(n[items]) for n in _walk(data["goals"])) == len(seed)
    return len(seed)


def _value(raw: str) -> float | None:
    return float(parse_quantity(raw).value) if raw else None


def test_every_submission_is_accepted_and_all_four_formats_are_written(run):
    errors = [f.line() for o in run.intake for f in o.findings if f.severity is Severity.ERROR]
    assert errors == []
    assert sorted(o.version.contributor_id for o in run.intake) == ["administration", "personal", "socialtjanst", "stadsovergripande"]
    assert [o.version.status for o in run.intake] == ["godkänd"] * 4
    assert run.report.missing == []
    assert all(run.files[f].stat().st_size > 0 for f in ("json", "html", "pdf", "docx"))
    assert [f.line() for f in run.findings if f.severity is Severity.ERROR] == []


def test_intake_warns_of_the_doubled_count_alone(run):
    warnings = [f for o in run.intake for f in o.findings if f.severity is Severity.WARNING]
    names = {i.id: i.name for i in load_cycle(EXAMPLE / "cycle.yaml").plan.indicators}
    # 3 st in 2012, 6 st in 2013. The 2013 layout has no Förväntat resultat and no statuses, so none is missed.
    assert [(f.rule_id, names[f.item_id]) for f in warnings] == [
        ("indicator_large_change", "Antal tävlande i kvalitetsutmärkelsen")]


def test_the_outline_is_the_reports_in_order(run, data, headings):
    assert data["outline"] == OUTLINE
    assert [h for h in headings if h in HEADINGS] == HEADINGS
    goals = [h for h in headings if h.startswith(("KF:s", "Nämndmål:"))]  # the goal tree in the report's order
    plan = load_cycle(EXAMPLE / "cycle.yaml").plan
    assert goals == [f"{g.label}: {g.number + ('.' if g.level == 1 else '') + ' ' if g.number else ''}{g.title}" for g in plan.goals]
    assert goals[2] == "Nämndmål: Den som söker serveringstillstånd är nöjd med en effektiv, rättssäker och tydlig handläggning"
    pdf = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(run.files["pdf"]).pages)
    assert all(h in pdf for h in ("Synpunkter och klagomål", "Redovisning av inkomna Lex Sarah-rapporter"))
    # The PDF's heading tree is the HTML's, level for level (the economy and free sections inside the goal tree too).
    assert pdf_headings(run.files["pdf"].read_bytes()) == html_headings(run.files["html"].read_text(encoding="utf-8"))
    word = [p.text for p in Document(run.files["docx"]).paragraphs if p.style.name.startswith("Heading")]
    assert [h for h in word if h in ("Socialnämnden 2013", "Synpunkter och klagomål", "Redovisning av inkomna Lex Sarah-rapporter")] == [
        "Socialnämnden 2013", "Synpunkter och klagomål", "Redovisning av inkomna Lex Sarah-rapporter"]


def test_every_goal_of_the_seed_rows_carries_its_published_assessment(data):
    goals = _goals(data)
    rows = _seed("indicators") + _seed("activities")
    named = {name for row in rows for name in (row["kf_goal"], row["kf_area_goal"], row["namnd_goal"]) if name}
    assert named <= goals.keys(), named - goals.keys()
    for row in _seed("indicators"):  # the row's own record of its enclosing goal's assessment
        assert goals[_enclosing(row)]["assessment"] == row["has_analysis"].split("mål: ")[1]
    nodes = list(_walk(data["goals"]))
    assert len(nodes) == 31 and {n["assessment"] for n in nodes} == {ASSESSMENT}
    assert (data["counts"]["inriktningsmal"], data["counts"]["kf_mal"], data["counts"]["namndmal"]) == (3, 10, 18)
    assert [n["number"] for n in nodes if n["level"] == 2] == KF_AREAS
    assert {(n["number"], n["label"]) for n in nodes if n["level"] == 3} == {("", "Nämndmål")}
    for name in ("Den som söker serveringstillstånd är nöjd med en effektiv, rättssäker och tydlig handläggning",
                 "Stockholmare är trygga och säkra i staden"):
        assert goals[name]["id"] and goals[name]["number"] == ""


def test_every_indicator_row_comes_through_with_its_values(data, html):
    goals, seed = _goals(data), _seed("indicators")
    assert _placed(data, seed, "indicators", "indicator") == 33
    for row in seed:
        printed = next(i for i in goals[_enclosing(row)]["indicators"] if i["name"] == row["indicator"])
        expected = (row["unit"], _value(row["period_outcome"]), _value(row["outcome_prev"]), row["annual_target"],
                    row["kf_target"], row["period"])
        got = (printed["unit"], printed["outcome"], printed["previous"], printed["annual_target"], printed["kf_target"],
               printed["period"])
        assert got == expected, row["indicator"]
        assert (printed["men"], printed["women"], printed["forecast"]) == (None, None, None)
        assert (printed["status"], printed["status_symbol"]) == ("", "")  # the 2013 layout has no indicator status
        if not row["period_outcome"]:  # not followed up: the report's reason under the row, in every format
            assert printed["not_followed_up"] and printed["not_followed_up"] in html
        elif row["has_analysis"].startswith("Kommentar") or row["indicator"] in UNCOMMENTED_MISSES:
            assert printed["analysis"], row["indicator"]
        else:
            assert printed["analysis"] == "", row["indicator"]
    assert "tas fram av nämnden/styrelsen" in html and "+/- 1 %" in html and "Verksamhetsberättelse 2013" in html


def test_every_activity_row_comes_through_with_its_dates_and_comment(data, html):
    goals, seed = _goals(data), _seed("activities")
    assert _placed(data, seed, "activities", "activity") == 35
    for row in seed:
        printed = next(a for a in goals[_enclosing(row)]["activities"] if a["name"] == row["activity"])
        assert (printed["start"], printed["end"], printed.get("analysis", "")) == (row["startdatum"], row["slutdatum"], row["kommentar"])
        assert (printed["status"], printed["completed"], printed["deviation"]) == ("", False, "")  # no status in 2013
    assert sum(bool(r["kommentar"]) for r in seed) == 7
    assert all(r["kommentar"] in html for r in seed)


def _table_headers(page: str, kind: str) -> list[list[str]]:
    """The header cells of every indicator or activity table of the HTML report, table by table."""
    tables = re.findall(rf'<table class="data {kind}">(.*?)</table>', page, flags=re.S)
    return [[unescape(" ".join(h.split())) for h in re.findall(r"<th(?: [^>]*)?>(.*?)</th>", t, flags=re.S)] for t in tables]


def test_the_tables_print_exactly_the_columns_the_profile_declares(run, data):
    """Every indicator and activity table has the 2013 report's headers, no more, in its order."""
    page = run.files["html"].read_text(encoding="utf-8")
    tables = {kind: _table_headers(page, kind) for kind in ("indicators", "activities")}
    with_rows = {kind: sum(bool(n[kind]) for n in _walk(data["goals"])) for kind in ("indicators", "activities")}
    assert {kind: len(found) for kind, found in tables.items()} == with_rows  # one table per goal with rows
    assert {tuple(headers) for headers in tables["indicators"]} == {tuple(INDICATOR_HEADERS)}
    assert {tuple(headers) for headers in tables["activities"]} == {tuple(ACTIVITY_HEADERS)}
    assert [h for _, h in data["indicator_columns"]] == INDICATOR_HEADERS
    assert [h for _, h in data["activity_columns"]] == ACTIVITY_HEADERS


def test_special_reports_and_nil_sections_are_free_sections(data, html):
    sections = {s["key"]: s for n in _walk(data["goals"]) for s in n.get("sections", [])}
    sections |= {s["key"]: s for s in data["sections"]}
    assert "15 klagomål och synpunkter" in " ".join(sections["klagomal"]["paragraphs"])
    assert "15 Lex Sarah-rapporter" in " ".join(sections["lex_sarah"]["paragraphs"])
    assert [s["title"] for s in sections["utskott"]["sections"]] == [
        "Tillståndsutskottet", "Individutskottet", "Organisations- och föreningsutskottet",
        "Socialnämnden, Äldrenämnden och Överförmyndarnämndens gemensamma funktionshinderråd 2013"]
    for sentence in ("Inga försäljningar har skett under året.",
                     "Nämnden har inga projekt som faller inom ramen för betydande projekt.",
                     "Nämnden har under året inte haft några medel för särskilda lokaländamål."):
        assert sentence in html
    assert data["economy"]["operations"]["title"] == "Resultat (avvikelse mot budget) per verksamhetsområde"  # issue 15


def test_the_nil_sections_and_special_reports_stand_under_their_namndmal(run, data):
    """Placed with `under:`, the sections are in their goal's `sections` in report.json, not in the outline, and the
    HTML prints them after the goal's own analysis and before the next goal (or Analys av balansräkning)."""
    nodes = {n.get("id") or n["number"]: n for n in _walk(data["goals"])}
    assert {k: [(s["key"], s["title"]) for s in n["sections"]] for k, n in nodes.items() if n.get("sections")} == PLACED
    assert [s["key"] for s in data["sections"]] == ["namnden", "utskott"]
    page = run.files["html"].read_text(encoding="utf-8")
    following = {"kostnadseffektiva": 'id="mal-3.2"', "administrationen": "Attesterat av</h"}
    for goal, sections in PLACED.items():
        analysis = page.index(f"<p>{nodes[goal]['analysis']}</p>", page.index(f'id="mal-{goal}"'))
        placed = [page.index(f'<section id="avsnitt-{key}"><h6>{title}</h6>') for key, title in sections]
        assert analysis < placed[0] and placed == sorted(placed) and placed[-1] < page.index(following[goal])
    toc = page[page.index('<nav class="toc">'):page.index("</nav>")]
    assert not any(f"avsnitt-{key}" in toc for sections in PLACED.values() for key, _ in sections)


def test_the_economy_stands_under_namndmal_kostnadseffektiva_with_the_reports_headings(run, data):
    """The whole economy prints inside nämndmål 3.1 after its analysis and before the nil sections (seed text
    L5041–L5407), with no heading of its own and its driftbudget headed Budgetavvikelser; not in the outline or the
    table of contents, in HTML and Word."""
    nodes = {n.get("id") or n["number"]: n for n in _walk(data["goals"])}
    assert [k for k, n in nodes.items() if "economy_at" in n] == ["kostnadseffektiva"]
    assert nodes["kostnadseffektiva"]["economy_at"] == 0
    assert (data["economy"].get("title"), data["economy"]["operations_title"]) == ("", "Budgetavvikelser")
    page = run.files["html"].read_text(encoding="utf-8")
    goal = page.index('id="mal-kostnadseffektiva"')
    analysis = page.index(f"<p>{nodes['kostnadseffektiva']['analysis']}</p>", goal)
    revenue = page.index(">Analys av resultaträkning - uppföljning av driftbudget</h6>")
    operations = page.index('<h6 id="driftbudget">Budgetavvikelser</h6>')
    assert goal < analysis < revenue < operations < page.index('id="investeringar"') \
        < page.index('<section id="avsnitt-forsaljningar">') < page.index('id="mal-3.2"')
    assert "Uppföljning av ekonomi" not in page and "Uppföljning av driftbudget" not in page
    toc = page[page.index('<nav class="toc">'):page.index("</nav>")]
    assert "driftbudget" not in toc and "uppfoljning-ekonomi" not in toc
    word = [(p.style.name, p.text) for p in Document(run.files["docx"]).paragraphs]
    budget = word.index(("Heading 5", "Budgetavvikelser"))
    assert word.index(("Heading 5", "Analys av resultaträkning - uppföljning av driftbudget")) < budget \
        < word.index(("Heading 5", "Försäljningar av anläggningstillgångar"))


def test_goal_texts_print_the_reports_sub_headings(run, data):
    """'## ' and '### ' lines of a goal's analysis print as sub-headings, in the tree's order, in HTML and Word."""
    written = [(n["title"], block) for n in _walk(data["goals"]) for block in _text_blocks(n) if block[0] != "paragraph"]
    assert [b for t, b in written if t == "Stockholmare är trygga och säkra i staden"] == TRYGGA
    assert len({t for t, _ in written}) == 5
    page = run.files["html"].read_text(encoding="utf-8")
    # below h6 (a nämndmål's Analys) a heading is a paragraph with role="heading" and its aria-level
    printed = re.findall(r'<(?:h6|p role="heading" aria-level="\d")(?: id="[^"]*")? class="analysis-(heading|subheading)">'
                         r'([^<]*)</(?:h6|p)>', page)
    assert [(kind, unescape(title)) for kind, title in printed] == [b for _, b in written]
    assert ('<p role="heading" aria-level="8" class="analysis-subheading">Kris- och katastrofberedskap</p><p>Socialjouren kontaktades vid sex '
            'akuta händelser eller olyckor') in page
    assert "##" not in re.sub(r"<script.*?</script>", "", page, flags=re.S)
    word = [p.text for p in Document(run.files["docx"]).paragraphs if p.style.name.startswith("Heading")]
    titles = {title for _, (_, title) in written}
    assert [h for h in word if h in titles] == [title for _, (_, title) in written]


def _text_blocks(node: dict) -> list:
    """A goal's text as printed: its own analysis, then each part under its heading (the parts' own headings below)."""
    blocks = analysis_blocks(node["analysis"])
    for part in node.get("parts", []):
        blocks += [("heading", part["title"])]
        blocks += [("subheading" if kind == "heading" else kind, text) for kind, text in analysis_blocks(part["text"])]
    return blocks


def test_two_avdelningar_write_the_parts_of_a_namndmal(data):
    """Stadsövergripande arbete and Nämndens verksamhet each come from their own avdelning; the goal's owner assesses."""
    nodes = {n.get("id") or n["number"]: n for n in _walk(data["goals"])}
    assert [k for k, n in nodes.items() if n.get("parts")] == ["trygga", "hemlosa"]
    for goal in ("trygga", "hemlosa"):
        node = nodes[goal]
        assert (node["owner"], node["assessment"], node["analysis"]) == ("Socialtjänstavdelningen", ASSESSMENT, "")
        assert [(p["key"], p["title"], p["owner"], p["missing"]) for p in node["parts"]] == [
            (f"stadsovergripande:{goal}", "Stadsövergripande arbete", "Avdelningen för stadsövergripande sociala frågor", False),
            (f"verksamhet:{goal}", "Nämndens verksamhet", "Socialtjänstavdelningen", False)]


def test_the_complaints_table_and_the_handouts_columns(run, data):
    """Synpunkter och klagomål prints the report's table (analysis §2.6); no handout asks for men/women figures."""
    nodes = {n.get("id") or n["number"]: n for n in _walk(data["goals"])}
    table = next(s for s in nodes["administrationen"]["sections"] if s["key"] == "klagomal")["table"]
    assert (table["corner"], [h for _, h in table["columns"]]) == ("2013", ["Klagomål/synpunkter", "Beröm", "Idéer"])
    assert [(r["name"], [r["values"][key] for key, _ in table["columns"]]) for r in table["rows"]] == [
        ("Handläggning", [7, None, None]), ("Bemötande", [5, None, None]), ("Kvalitet/verksamhetens innehåll", [1, 1, None]),
        ("Teknik", [None, None, None]), ("Lokaler", [1, None, 1]), ("Övrigt", [1, "Flera", "Flera"])]
    assert sum(r["values"]["klagomal"] or 0 for r in table["rows"]) == 15  # the text's 15 klagomål och synpunkter
    page = run.files["html"].read_text(encoding="utf-8")
    assert ('<tr><td>Övrigt</td><td class="num">1</td><td class="num">Flera</td><td class="num">Flera</td></tr>') in page
    word = next(t for t in Document(run.files["docx"]).tables if t.rows[0].cells[0].text == "2013")
    assert [c.text for c in word.rows[-1].cells] == ["Övrigt", "1", "Flera", "Flera"]
    headers = next(csv.reader((EXAMPLE / "submissions" / "socialtjanst" / "indikatorer.csv").open(encoding="utf-8"), delimiter=";"))
    assert "Periodens utfall" in headers and not {"Utfall män/pojkar", "Utfall kvinnor/flickor"} & set(headers)


def test_the_rows_as_published_are_refused_where_the_report_prints_no_comment(tmp_path):
    """Five rows miss their årsmål with no Kommentar: as published, each is an error naming the row."""
    cycle = load_cycle(EXAMPLE / "cycle.yaml")
    doc = prose(PROSE)
    plan = plan_document(doc, _seed("indicators"), _seed("activities"))
    seed = {"indicators": dict(zip((i["id"] for i in plan["indicators"]), _seed("indicators"), strict=True)),
            "activities": dict(zip((a["id"] for a in plan["activities"]), _seed("activities"), strict=True))}
    paths = [write_workbook(tmp_path / f"{c.id}.xlsx", cycle, c.id, filled_rows(cycle, c.id, doc, seed, as_published=True))
             for c in cycle.config.contributors]
    found = [f for fs in check_submissions([read_submission(p, cycle) for p in paths], cycle) for f in fs]
    errors = [f for f in found if f.severity is Severity.ERROR]
    names = {i.id: i.name for i in cycle.plan.indicators}
    assert {f.rule_id for f in errors} == {"indicator_analysis_missing"}
    assert {names[f.item_id] for f in errors} == UNCOMMENTED_MISSES


def test_the_example_is_generated_from_the_seed_rows_byte_for_byte(tmp_path):
    """Regenerated from the seed rows kept in tests/data, the example is the one committed."""
    main(["--data", str(DATA), "--examples", str(tmp_path)])
    made = sorted(p.relative_to(tmp_path / "sn-vb-2013") for p in (tmp_path / "sn-vb-2013").rglob("*") if p.is_file())
    kept = sorted(p.relative_to(EXAMPLE) for p in EXAMPLE.rglob("*") if p.is_file())
    assert made == kept
    assert [p for p in made if (tmp_path / "sn-vb-2013" / p).read_bytes() != (EXAMPLE / p).read_bytes()] == []


def test_check_config_reads_the_example_and_lists_its_outline():
    done = subprocess.run([sys.executable, "-m", "commands", "check-config", "--cycle", str(EXAMPLE / "cycle.yaml")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "4 bidragsgivare, 31 mål, 33 indikatorer, 35 aktiviteter" in done.stdout
    assert ("Synpunkter och klagomål [i målträdet under mål administrationen], Redovisning av inkomna Lex "
            "Sarah-rapporter [i målträdet under mål administrationen], Attesterat av") in done.stdout


def _economy_cells(data: dict, table: str) -> dict[tuple[str, str], Decimal | None]:
    """Every cell of an economy table in report.json, rows and total, by (row label, printed heading)."""
    found = data["economy"]["operations"] if table == "operations" else data["economy"][table]["table"]
    return {(line["name"], heading): None if line["values"].get(key) is None else Decimal(str(line["values"][key]))
            for line in [*found["rows"], found["total"]] for key, heading in found["columns"]}


def _printed(table: str) -> dict[tuple[str, str], Decimal | None]:
    name = prose(PROSE)["economy"]["seed_tables"][table]
    return {(r["row_label"], r["column"]): parse_quantity(r["value_raw"]).value if r["value_raw"] else None
            for r in _seed("economy") if r["table"] == name}


def test_the_result_per_verksamhetsomrade_is_the_reports_cell_for_cell(data):
    """Seed 002's table 2: ten areas, Summa, the resultatöverföring after it, Nämnden totalt; Justerad bokslut and
    every total computed (52 cells)."""
    printed, cells = _printed("operations"), _economy_cells(data, "operations")
    assert len(printed) == 52
    assert cells == printed
    assert data["economy"]["deviation_heading"] == ""  # the report's Budgetavvikelser carries no amount


def test_the_resultatrakning_per_kostnadsgruppering_is_the_reports_cell_for_cell(data):
    """Seed 002's table 1 (102 cells): the posts and their Avvikelse as typed, Summa intäkter, Summa kostnader, Netto
    and Nämnden totalt as the owner typed them (the nämnd's figures from unrounded books), each within the rounding
    tolerance of its rows; every cell is the printed one."""
    printed, cells = _printed("revenue_costs"), _economy_cells(data, "revenue_costs")
    assert len(printed) == 102 and cells.keys() == printed.keys()
    assert {cell: (cells[cell], printed[cell]) for cell in printed if cells[cell] != printed[cell]} == {}
    assert data["economy"]["revenue_costs"]["title"] == "Analys av resultaträkning - uppföljning av driftbudget"


def _signed(text: str) -> str:
    return "".join(text.split())


def test_every_deviation_heading_is_printed_with_its_sign_and_figure(run, data, html):
    """Each verksamhetsområde's text is headed by its label and its Bokslut 2013 as printed, in report.json, HTML and
    Word; the texts are the economy owner's."""
    seed = [(r["row_label"], r["value_raw"]) for r in _seed("economy") if r["table"] == DEVIATION_HEADINGS]
    assert len(seed) == 10
    titles = [block["title"] for block in data["economy"]["area_texts"]]
    assert [(t.rsplit(" ", 3)[0], _signed(" ".join(t.rsplit(" ", 3)[1:]))) for t in titles] == [
        (label, _signed(raw)) for label, raw in seed]
    assert all(block["paragraphs"] for block in data["economy"]["area_texts"])
    page = run.files["html"].read_text(encoding="utf-8")
    printed = [" ".join(unescape(h).split())
               for h in re.findall(r'<(?:h6|p role="heading")[^>]*>(.*?)</(?:h6|p)>', page, flags=re.S)]
    word = [" ".join(p.text.split()) for p in Document(run.files["docx"]).paragraphs]
    for label, raw in seed:
        heading = next(t for t in titles if t.startswith(label + " "))
        assert heading in printed and heading in word, heading
        assert _signed(heading[len(label):]) == _signed(raw)
    assert "Analys av resultaträkning - uppföljning av driftbudget" in html  # the table's section, with its text
    assert "nettokostnaderna ökat med 29 mnkr" in html


def test_the_economy_checks_pass_the_consistent_economy_silently(run):
    """The sums and typed Avvikelse pass intake within rounding (analysis §4 E1–E3, E5), and the report's check finds
    nothing: the area texts' amounts of units inside an area (underskott på 3,9 mnkr under Hemlöshet och missbruk
    + 2,2 mnkr) are not read as the area's own."""
    assert not [f for o in run.intake for f in o.findings if f.rule_id.startswith(("economy_", "revenue_cost"))]
    assert [f.line() for f in run.findings] == []


def test_the_ombudgetering_is_the_reports(data, html):
    """The report's one ombudgetering (5 mnkr drift to 2014, analysis §2.5), with its text; never 'inga'."""
    section = data["economy"]["adjustments"]
    assert [(r["title"], r["kind"], float(r["amount"])) for r in section["requests"]] == [
        ("Samverkan med utbildningsnämnden och stadsdelsnämnderna", "drift", 5.0)]
    assert "begär därför ombudgetering med 5 mnkr till 2014" in html and "inga ombudgeteringar" not in html


def test_the_investments_are_the_owners_text_without_a_table(data, html):
    """Investeringar is prose in the report (analysis §2.5): `investments_as: text`, no table."""
    assert data["economy"]["investments"] is None
    assert "Investeringar Nämnden har ett utrymme för investeringar på 1,7 mnkr varav 0,8 mnkr har förbrukats" in html


def test_the_resultatenheter_without_bruttobudget_come_through(data):
    """The report prints no bruttobudget for its four resultatenheter (analysis §2.5); declared without one, each is
    entered with its överskott (negative), what goes into the fund and the fund's total, in tkr."""
    section = data["economy"]["result_units"]
    assert section["sentences"][0].startswith("Nämnden har under året haft fyra resultatenheter.")
    rows = {line["name"]: {k: line["values"].get(k) for k in ("result", "carried", "fund")} for line in section["table"]["rows"]}
    assert rows == {"Tillståndsenheten": {"result": -238, "carried": None, "fund": 305},
                    "Lokalplanerarna": {"result": -681, "carried": 218, "fund": 433},
                    "Intraprenaden Duvnäs föräldrastöd": {"result": -8, "carried": None, "fund": 142},
                    "Intraprenaden Lönnen": {"result": -550, "carried": None, "fund": 550}}
