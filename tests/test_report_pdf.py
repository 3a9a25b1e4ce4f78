"""The PDF (templates/report.typ, set by Typst): the demo report as a tagged PDF/UA-1 with its headings, figures, TOC page
numbers and running header; the HTML's headings at the HTML's levels and its figures as the HTML prints them; its pages
reviewed as images; and a submitted text carrying Typst markup printed as the characters it is."""

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
from pypdf.generic import ArrayObject, DictionaryObject

from tests.active_content import scan_pdf
from tertial.accepted import Accepted
from tertial.archive import content_hash
from tertial.assembly import build_report
from tertial.config import load_cycle
from tertial.ledger import ACCEPTED, Version
from tertial.reading import read_submission
from tertial.render.charts import ReportCharts
from tertial.render.html import render_html
from tertial.render.pdf import page_images, render_pdf, render_report_pdf, typst_inputs
from tertial.report import Report, Signature
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


def test_the_pdf_sets_the_demo_report_with_its_headings_figures_toc_and_header(demo_report):
    pdf = render_report_pdf(demo_report, ReportCharts(demo_report))
    texts = pages(pdf)
    whole = " ".join(texts)
    for heading in ("Förslag till beslut", "Innehållsförteckning", "Sammanfattande analys",
                    "Uppföljning av Kommunfullmäktiges inriktningsmål", "Uppföljning av ekonomi", "Resultatenheter",
                    "Investeringar", "Attesterat av", *(f"KF:s inriktningsmål: {g.numbered_title}" for g in demo_report.goals)):
        assert heading in whole, heading
    assert "2 739,6" in whole and "Budgetföljsamheten är 100,2 %." in whole  # the driftbudget's total, computed adherence
    assert "38,87 %" in whole  # an indicator's outcome as typed, with its unit
    # The TOC's page numbers point at the page the heading stands on; every page after the first carries the header.
    toc = next(t for t in texts if t.startswith(f"UTKAST {demo_report.namnd}") and "Innehållsförteckning" in t)
    economy_page = int(re.search(r"Uppföljning av ekonomi[ .]*?(\d+)", toc)[1])
    assert texts[economy_page - 1].count("Uppföljning av ekonomi") >= 1
    assert all(demo_report.namnd in t and f"Sida {n} av {len(texts)}" in t for n, t in enumerate(texts[1:], start=2))
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"] and catalog["/Lang"] == "sv-SE"
    assert 'pdfuaid:part="1"' in catalog["/Metadata"].get_object().get_data().decode() or \
        "<pdfuaid:part>1</pdfuaid:part>" in catalog["/Metadata"].get_object().get_data().decode()
    assert reader.metadata.title == demo_report.title
    assert pdf_headings(pdf) == html_headings(render_html(demo_report, True, ReportCharts(demo_report)))
    scan_pdf("report.pdf", pdf)
    assert render_report_pdf(demo_report, ReportCharts(demo_report)) == pdf  # same report, same bytes


def _golden(name: str) -> tuple[Report, str]:
    golden = ROOT / "tests" / "golden"
    return Report.model_validate_json((golden / f"{name}.json").read_text(encoding="utf-8")), \
        (golden / f"{name}.html").read_text(encoding="utf-8")


def _plain(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", markup)).split())


def html_headings(page: str) -> list[tuple[int, str]]:
    """(level, text) of every heading the HTML prints, in order: h1–h6, and below h6 a paragraph with its aria-level."""
    found = re.finditer(r'<h([1-6])[^>]*>(.*?)</h\1>|<p role="heading" aria-level="(\d+)"[^>]*>(.*?)</p>', page, re.DOTALL)
    return [(int(m[1] or m[3]), _plain(m[2] or m[4])) for m in found if _plain(m[2] or m[4])]


def struct_nodes(node, found: list) -> list:
    """The structure tree's elements in document order, each as (type, element)."""
    node = node.get_object()
    if not isinstance(node, DictionaryObject):
        return found
    if "/S" in node:
        found.append((str(node["/S"]), node))
    kids = node.get("/K")
    for kid in kids if isinstance(kids, ArrayObject) else [kids] if kids is not None else []:
        struct_nodes(kid, found)
    return found


def pdf_headings(pdf: bytes) -> list[tuple[int, str]]:
    """(level, title) of every heading in the PDF's structure tree: /H1–/H6, and /H7 … below them (role-mapped to /P)."""
    tree = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]
    return [(int(kind[2:]), " ".join(str(node["/T"]).split())) for kind, node in struct_nodes(tree, [])
            if re.fullmatch(r"/H\d+", kind)]


@pytest.mark.parametrize("name", ["mini-cycle", "mini-t2", "mini-vb"])
def test_the_pdf_has_the_htmls_headings_at_its_levels_and_its_figures_as_printed(name):
    """T1, T2 and VB with every part the mini plan has: the PDF's heading tree is the HTML's, and every figure of the
    HTML's tables is in the PDF as the HTML prints it; no '-' reads as a soft hyphen (templates/report.typ)."""
    report, page = _golden(name)
    pdf = render_report_pdf(report, ReportCharts(report))
    assert pdf_headings(pdf) == html_headings(page)
    text = "".join(pages(pdf))
    assert "\u00ad" not in text
    squeezed = "".join(text.split())
    figures = {"".join(_plain(t).split()) for t in re.findall(r'<td class="num">([^<]*)</td>', page)} - {""}
    assert len(figures) > 30 and any(f.startswith("-") for f in figures)
    assert sorted(f for f in figures if f not in squeezed) == []


def test_negative_figures_keep_their_sign_in_the_pdfs_text(demo_report):
    """The HTML prints -55 930 (tertial.numbers); the PDF's text reads the same figure, its sign never a soft hyphen."""
    whole = " ".join(pages(render_report_pdf(demo_report, ReportCharts(demo_report))))
    assert "Summa resultatenheter 1 055 433 -55 930 7 437 48 493" in whole and "\u00ad" not in whole


def test_a_headed_analysis_prints_its_sub_headings_without_the_marks(demo_report):
    goal = demo_report.goals[0].model_copy(update={"analysis": "## Stadsövergripande arbete\nFörsta stycket.\n"
                                                               "### Bostad först\nAndra stycket."})
    text = " ".join(pages(render_report_pdf(demo_report.model_copy(update={"goals": [goal]}))))
    assert "Analys Stadsövergripande arbete Första stycket. Bostad först Andra stycket." in text
    assert "##" not in text


def test_a_text_in_any_script_is_set_and_read_back(demo_report):
    """Characters DejaVu Sans lacks (Arabic, CJK, an emoji, a private-use one) get a glyph of the Last Resort font, so
    PDF/UA-1 is kept and the text reads back; without it Typst refused the whole PDF."""
    text = "Ordet ہ och 漢 och 😀 och \ue000 slut."
    summary = demo_report.summary.model_copy(update={"paragraphs": [text]})
    whole = " ".join(pages(render_report_pdf(demo_report.model_copy(update={"summary": summary}))))
    assert "Ordet ہ och 漢 och 😀 och \ue000 slut." in whole


def test_typst_markup_in_a_submitted_text_prints_as_those_characters(demo_report):
    goal = demo_report.goals[0]
    child = goal.children[0]
    indicator = child.indicators[0].model_copy(update={"name": TYPST_MARKUP, "analysis": TYPST_MARKUP})
    hostile = demo_report.model_copy(update={
        "summary": demo_report.summary.model_copy(update={"paragraphs": [TYPST_MARKUP], "bullets": [TYPST_MARKUP]}),
        "goals": [goal.model_copy(update={"analysis": TYPST_MARKUP, "children": [
            child.model_copy(update={"indicators": [indicator], "analysis": "## " + TYPST_MARKUP})]})],
    })
    pdf = render_report_pdf(hostile)
    squeezed = "".join(re.sub(r"(?<=\w)- (?=\w)", "", " ".join(pages(pdf))).split())  # words hyphenated in a cell, joined
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


MM_AT = 36 / 25.4  # pixels per millimetre of the page images


def _inked(image, box: tuple[float, float, float, float], red: bool = False) -> bool:
    """Whether the box (left, top, right, bottom in mm) holds ink: any darker pixel, or with `red` the draft mark's red."""
    crop = image.crop(tuple(round(v * MM_AT) for v in box))
    if red:
        return any(r > 120 and g < 60 and b < 60 for r, g, b in crop.getdata())
    return min(min(pixel) for pixel in crop.getdata()) < 200


def test_the_pages_reviewed_as_images_are_the_pdfs_none_blank_each_with_its_header_and_a_drafts_mark(demo_report):
    """The demo's pages as Typst draws them: as many as the PDF has, none blank, the running header above the text on
    every page, and UTKAST in its middle on every page of the draft and on none of the final report."""
    from PIL import Image

    final = demo_report.model_copy(update={"draft": False, "draft_reasons": [],
                                           "attestations": [Signature(name="Robin Chef", date=demo_report.attest_date)]})
    for report in (demo_report, final):
        inputs = typst_inputs(report, ReportCharts(report))
        images = [Image.open(io.BytesIO(png)).convert("RGB") for png in page_images(inputs, ppi=36)]
        assert len(images) == len(PdfReader(io.BytesIO(render_pdf(inputs, report))).pages) > 20
        for image in images:
            assert image.size == (round(210 * MM_AT), round(297 * MM_AT))
            assert _inked(image, (22, 25, 190, 275))  # the text area: no blank page
            assert _inked(image, (22, 8, 80, 21)) and _inked(image, (130, 8, 190, 21))  # nämnd left, title right
            assert _inked(image, (80, 8, 130, 21), red=True) == report.draft  # UTKAST in the middle, in red
            assert _inked(image, (150, 280, 190, 290))  # Sida n av N
