"""The Typst prototype (templates/report.typ): the demo report as a tagged PDF/UA-1 with its headings, figures, TOC page
numbers and running header, and a submitted text carrying Typst markup printed as the characters it is."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.active_content import scan_pdf
from tertial.accepted import Accepted
from tertial.archive import content_hash
from tertial.assembly import build_report
from tertial.config import load_cycle
from tertial.ledger import ACCEPTED, Version
from tertial.reading import read_submission
from tertial.render.charts import ReportCharts
from tertial.render.typst_pdf import render_typst_pdf
from tertial.report import Report
from tertial.resources import EXAMPLES

pytestmark = pytest.mark.pdf

DEMO = EXAMPLES / "eav-t1-2024"
ROOT = Path(__file__).resolve().parents[1]
# What a contributor could type to make Typst read a file, link out, run code or lay out their text as markup.
TYPST_MARKUP = ('#read("/etc/passwd") #link("https://angripare.example")[Klicka] #eval("1 + 1") '
                '#image("/etc/hostname") *fet* _kursiv_ $x^2$ <etikett> @etikett = Rubrik #{ 7 * 7 } \\ ]')


@pytest.fixture(scope="module")
def demo_report() -> Report:
    """The demo cycle's report from its corrected submissions (the draft with errors left out), without Prefect."""
    cycle = load_cycle(DEMO / "cycle.yaml")
    accepted = {}
    for path in sorted((DEMO / "submissions").iterdir()):
        if path.name == "forskola-fel.xlsx":
            continue
        submission = read_submission(path, cycle)
        version = Version(id=len(accepted) + 1, cycle_id=cycle.config.id, contributor_id=submission.contributor_id, number=1,
                          sha256=content_hash(path), original_name=path.name, archive_path=str(path),
                          received_at=dt.datetime(2024, 5, 6, tzinfo=dt.UTC), status=ACCEPTED, errors=0, warnings=0)
        accepted[submission.contributor_id] = Accepted(submission, version)
    return build_report(cycle, accepted)


def pages(pdf: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").replace("\u00a0", " ").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_typst_sets_the_demo_report_with_its_headings_figures_toc_and_header(demo_report):
    pdf = render_typst_pdf(demo_report, ReportCharts(demo_report))
    texts = pages(pdf)
    whole = " ".join(texts)
    for heading in ("Förslag till beslut", "Innehållsförteckning", "Sammanfattande analys",
                    "Uppföljning av Kommunfullmäktiges inriktningsmål", "Uppföljning av ekonomi", "Resultatenheter",
                    "Investeringar", "Attesterat av", *(f"KF:s inriktningsmål: {g.numbered_title}" for g in demo_report.goals)):
        assert heading in whole, heading
    assert "2 739,6" in whole and "Budgetföljsamheten är 100,2 %." in whole  # the driftbudget's total, computed adherence
    assert "38,87 %" in whole  # an indicator's outcome as typed, with its unit
    # The TOC's page numbers point at the page the heading stands on; every page after the first carries the header.
    toc = next(t for t in texts if t.startswith(demo_report.namnd) and "Innehållsförteckning" in t)
    economy_page = int(re.search(r"Uppföljning av ekonomi[ .]*?(\d+)", toc)[1])
    assert texts[economy_page - 1].count("Uppföljning av ekonomi") >= 1
    assert all(demo_report.namnd in t and f"Sida {n} av {len(texts)}" in t for n, t in enumerate(texts[1:], start=2))
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"] and catalog["/Lang"] == "sv-SE"
    assert 'pdfuaid:part="1"' in catalog["/Metadata"].get_object().get_data().decode() or \
        "<pdfuaid:part>1</pdfuaid:part>" in catalog["/Metadata"].get_object().get_data().decode()
    assert reader.metadata.title == demo_report.title
    scan_pdf("report.pdf", pdf)
    assert render_typst_pdf(demo_report, ReportCharts(demo_report)) == pdf  # same report, same bytes


@pytest.mark.parametrize("name", ["mini-cycle", "mini-t2", "mini-vb"])
def test_every_heading_and_figure_of_the_golden_html_is_in_the_typst_pdf(name):
    """T1, T2 and VB with every part the mini plan has: each heading the HTML prints and each figure of its tables."""
    golden = ROOT / "tests" / "golden"
    report = Report.model_validate_json((golden / f"{name}.json").read_text(encoding="utf-8"))
    squeezed = "".join("".join(pages(render_typst_pdf(report, ReportCharts(report)))).split())
    # A minus in a bold figure shares its glyph with the hyphenation hyphen of the bold table headers: Typst maps that
    # glyph to U+00AD and marks the real minus with /ActualText "-", which pypdf does not read (bench/RESULTS.md).
    squeezed = re.sub("\u00ad(?=\\d)", "-", squeezed)
    page = (golden / f"{name}.html").read_text(encoding="utf-8")
    texts = [m[1] for m in re.finditer(r"<h[1-6][^>]*>(.*?)</h[1-6]>", page, re.DOTALL)]
    texts += re.findall(r'<td class="num">([^<]+)</td>', page)
    expected = {"".join(html.unescape(re.sub(r"<[^>]+>", "", t)).split()) for t in texts} - {""}
    assert len(expected) > 40
    assert sorted(t for t in expected if t not in squeezed) == []


def test_a_headed_analysis_prints_its_sub_headings_without_the_marks(demo_report):
    goal = demo_report.goals[0].model_copy(update={"analysis": "## Stadsövergripande arbete\nFörsta stycket.\n"
                                                               "### Bostad först\nAndra stycket."})
    text = " ".join(pages(render_typst_pdf(demo_report.model_copy(update={"goals": [goal]}))))
    assert "Analys Stadsövergripande arbete Första stycket. Bostad först Andra stycket." in text
    assert "##" not in text


def test_typst_markup_in_a_submitted_text_prints_as_those_characters(demo_report):
    goal = demo_report.goals[0]
    child = goal.children[0]
    indicator = child.indicators[0].model_copy(update={"name": TYPST_MARKUP, "analysis": TYPST_MARKUP})
    hostile = demo_report.model_copy(update={
        "summary": demo_report.summary.model_copy(update={"paragraphs": [TYPST_MARKUP], "bullets": [TYPST_MARKUP]}),
        "goals": [goal.model_copy(update={"analysis": TYPST_MARKUP, "children": [
            child.model_copy(update={"indicators": [indicator], "analysis": "## " + TYPST_MARKUP})]})],
    })
    pdf = render_typst_pdf(hostile)
    squeezed = "".join("".join(pages(pdf)).split())
    assert squeezed.count("".join(TYPST_MARKUP.split())) >= 5  # summary, bullet, goal, indicator name and its analysis
    assert "root:" not in squeezed  # /etc/passwd was not read
    scan_pdf("report.pdf", pdf)  # no link out, no action


def test_the_bench_compares_the_engines_on_an_assembled_report(tmp_path):
    report = ROOT / "tests" / "golden" / "mini-cycle.json"
    done = subprocess.run([sys.executable, "-m", "bench.pdf_engines", "--quick", "--report", str(report), "--engines",
                           "weasyprint,typst"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1].removeprefix("BENCH "))
    rows = {r["engine"]: r for r in result["results"]}
    assert set(rows) == {"weasyprint", "typst"}
    for row in rows.values():
        assert row["pages"] > 1 and row["cpu_s"] > 0 and row["tagged"] and row["pdfua_1"] and row["fonts_embedded"]
        assert row["toc_page_numbers"] >= 5 and row["running_header_pages"] == 1.0
    assert result["hyphenates_swedish"] == {"weasyprint": True, "typst": True}
    assert result["weight"]["typst"]["python_distributions"] == ["typst"]
