"""The report, the contributor's feedback page and the status page as a reader meets them (issue 19, points 5 and 7).

Two reports of different shape, each collected and assembled once through the real flows: the demo (Tertialrapport 1
2024, its files handed in as `tertial demo` does, so one feedback page lists errors) and Socialnämndens
verksamhetsberättelse 2013 (seed 002: its own table columns, the economy and free sections inside the goal tree).
Every page passes axe-core in headless Chromium and fits a phone and a 1 200 px screen; the PDF is tagged PDF/UA-1 with
headings in order, header cells, alternative texts and its language; columns and headings are measured on the page.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from commands.cycle import deliver_in_name_order
from flows.run_cycle import CycleResult, run_cycle
from tests.webapp import accessible, chromium, fits_the_screen

pytestmark = [pytest.mark.flow, pytest.mark.slow, pytest.mark.pdf, pytest.mark.browser,
              pytest.mark.usefixtures("prefect_harness")]

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
REPORTS = {"demo": "eav-t1-2024", "sn-vb-2013": "sn-vb-2013"}
MM = 72 / 25.4
# report.css: A4 with 22 mm on the left and 20 mm on the right; the text between is the tables' width.
LEFT, RIGHT = 22 * MM, 20 * MM
A4_TEXT_PX = round((210 - 22 - 20) / 25.4 * 96)  # the same width in CSS pixels, for Chromium's print layout
SUB_HEADINGS = ("Beskrivning", "Förväntat resultat")


@pytest.fixture(scope="module")
def runs(tmp_path_factory, prefect_harness) -> dict[str, CycleResult]:
    root = tmp_path_factory.mktemp("lasbar")
    results = {}
    for name, folder in REPORTS.items():
        shutil.copytree(EXAMPLES / folder, root / folder, ignore=shutil.ignore_patterns("submissions"))
        deliver_in_name_order(EXAMPLES / folder / "submissions", root / f"inkorg-{name}")
        results[name] = run_cycle(cycle_path=root / folder / "cycle.yaml", inbox=root / f"inkorg-{name}",
                                  workdir=root / f"arbete-{name}", formats=("json", "html", "pdf"))
    return results


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def _pages(result: CycleResult) -> list[Path]:
    """The report, the status page and every feedback page the run wrote."""
    workdir = result.files["html"].parents[1]
    return [result.files["html"], workdir / "lage" / "index.html", *sorted((workdir / "aterkoppling").glob("*.html"))]


@pytest.mark.parametrize("name", REPORTS)
def test_every_page_passes_axe_and_fits_a_phone_and_a_wide_screen(runs, browser, name):
    pages = _pages(runs[name])
    assert len(pages) >= 3
    page = browser.new_page()
    for path in pages:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(path.as_uri())
        accessible(page)
        fits_the_screen(page)
    page.close()


def test_a_feedback_page_with_errors_passes_axe(runs, browser):
    """The demo's forskola-fel.xlsx is rejected: its page lists the errors in a table, which axe checks too."""
    rejected = [p for p in _pages(runs["demo"]) if "Inlämningen är underkänd" in p.read_text(encoding="utf-8")]
    assert rejected
    page = browser.new_page()
    page.goto(rejected[0].as_uri())
    assert page.locator("#fel tbody tr").count() > 0
    accessible(page)
    page.close()


@pytest.mark.parametrize("name", REPORTS)
def test_the_status_page_names_what_each_link_shows(runs, browser, name):
    page = browser.new_page()
    page.goto((runs[name].files["html"].parents[1] / "lage" / "index.html").as_uri())
    links = page.locator("#status a").all_inner_texts()
    assert links and all(re.fullmatch(r"Återkoppling på version \d+", text) for text in links), links
    assert page.get_by_role("progressbar", name="Avdelningar med godkänt underlag").count() == 1
    page.close()


def _heading_levels(page) -> list[int]:
    """Every heading's level in document order: h1–h6, and a heading by role at its aria-level."""
    return page.evaluate("""() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role=heading]')].map(h =>
        h.getAttribute('aria-level') ? Number(h.getAttribute('aria-level')) : Number(h.tagName.slice(1)))""")


def _skips(levels: list[int]) -> list[tuple[int, int, int]]:
    return [(n, a, b) for n, (a, b) in enumerate(zip(levels, levels[1:])) if b > a + 1]


@pytest.mark.parametrize("name", REPORTS)
def test_html_headings_go_down_one_level_at_a_time_and_are_no_smaller_than_the_text(runs, browser, name):
    page = browser.new_page(viewport={"width": A4_TEXT_PX, "height": 1000})
    page.emulate_media(media="print")
    page.goto(runs[name].files["html"].as_uri())
    levels = _heading_levels(page)
    assert levels[0] == 1 and _skips(levels) == []
    assert max(levels) >= 6  # a nämndmål's Analys and what it holds stand at the bottom of the outline
    sizes = page.evaluate("""() => {
        const size = e => parseFloat(getComputedStyle(e).fontSize);
        const body = size(document.querySelector('main > p, section p'));
        return [body, ...[...document.querySelectorAll('h4, h5, h6, [role=heading]')].map(size)];
    }""")
    assert min(sizes[1:]) >= sizes[0], sizes[:1] + sorted(set(sizes[1:]))
    page.close()


def _column_shares(page) -> list[dict[str, float]]:
    """Each activity table's columns as shares of the table's width, by heading."""
    return page.evaluate("""() => [...document.querySelectorAll('table.activities')].map(t => {
        const width = t.getBoundingClientRect().width;
        return Object.fromEntries([...t.querySelectorAll('thead th')].map(th =>
            [th.textContent.trim(), th.getBoundingClientRect().width / width]));
    })""")


@pytest.mark.parametrize("name", REPORTS)
@pytest.mark.parametrize("width, media", [(A4_TEXT_PX, "print"), (1200, "screen"), (375, "screen")])
def test_activity_names_take_more_room_than_the_deviation_and_dates_little(runs, browser, name, width, media):
    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.emulate_media(media=media)
    page.goto(runs[name].files["html"].as_uri())
    tables = _column_shares(page)
    assert tables
    for shares in tables:
        assert shares["Aktivitet"] > 0.4 and shares["Aktivitet"] > 2 * shares["Avvikelse"], shares
        assert shares["Startdatum"] < 0.2 and shares["Slutdatum"] < 0.2, shares
    page.close()


def _struct_nodes(node, found: list[tuple[str, DictionaryObject]]) -> list[tuple[str, DictionaryObject]]:
    """The structure tree's elements in document order, each with its type (/H1, /Table, /TH, /Figure …)."""
    node = node.get_object()
    if not isinstance(node, DictionaryObject):
        return found
    if "/S" in node:
        found.append((str(node["/S"]), node))
    kids = node.get("/K")
    for kid in kids if isinstance(kids, ArrayObject) else [kids] if kids is not None else []:
        _struct_nodes(kid, found)
    return found


def _tables(nodes: list[tuple[str, DictionaryObject]]) -> list[list[str]]:
    """The element types inside each /Table."""
    return [[kind for kind, _ in _struct_nodes(table, [])] for kind, table in nodes if kind == "/Table"]


@pytest.mark.parametrize("name", REPORTS)
def test_the_pdf_is_tagged_pdf_ua_with_headings_in_order_header_cells_alt_texts_and_swedish(runs, name):
    reader = PdfReader(runs[name].files["pdf"])
    catalog = reader.trailer["/Root"]
    assert str(catalog["/Lang"]) in ("sv", "sv-SE")
    assert catalog["/MarkInfo"]["/Marked"]
    xmp = catalog["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfuaid:part(?:="1"|>1<)', xmp), xmp[:400]
    nodes = _struct_nodes(catalog["/StructTreeRoot"], [])
    # As the HTML's check: /H1–/H6, and below them /H7 … (Typst maps them to /P, as the HTML prints an aria-level).
    levels = [int(kind[2:]) for kind, _ in nodes if re.fullmatch(r"/H\d+", kind)]
    assert levels[0] == 1 and _skips(levels) == [] and max(levels) >= 6
    tables = _tables(nodes)
    assert len(tables) > 10 and all("/TH" in kinds for kinds in tables)
    figures = [node for kind, node in nodes if kind == "/Figure"]
    assert figures and all(str(node.get("/Alt", "")).strip() for node in figures)


def _pieces(reader: PdfReader) -> list[tuple[int, str, float, float, float]]:
    """Every piece of text on every page: (page, text, x, y, font size in points)."""
    found = []
    for number, page in enumerate(reader.pages):
        def seen(text, cm, tm, font, size, number=number):
            if text.strip():
                found.append((number, text.strip(), tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], size * tm[0] * cm[0]))
        page.extract_text(visitor_text=seen)
    return found


def test_pdf_sub_headings_are_no_smaller_than_the_text(runs):
    pieces = _pieces(PdfReader(runs["demo"].files["pdf"]))
    body = Counter(round(size, 1) for *_, size in pieces).most_common(1)[0][0]
    assert body == 10.0  # report.css: body 10 pt
    sub = [size for _, text, *_, size in pieces if text in SUB_HEADINGS]
    assert len(sub) > 10 and min(sub) >= body


@pytest.mark.parametrize("name", REPORTS)
def test_pdf_activity_tables_give_the_name_more_room_than_the_deviation(runs, name):
    """Measured on the PDF's pages: where each header cell's text starts, against the text width of the page."""
    reader = PdfReader(runs[name].files["pdf"])
    right = float(reader.pages[0].mediabox.right) - RIGHT
    headers = {}
    for page, text, x, y, _ in _pieces(reader):
        if text in ("Aktivitet", "Startdatum", "Avvikelse"):  # a header row: the three on one line
            headers.setdefault((page, round(y)), {})[text] = x
    tables = [h for h in headers.values() if len(h) == 3]
    assert tables
    for h in tables:
        name_width, deviation_width = h["Startdatum"] - h["Aktivitet"], right - h["Avvikelse"]
        assert name_width > 2 * deviation_width and name_width > 0.4 * (right - LEFT), h


def test_targets_print_in_the_products_number_form_and_report_json_keeps_the_plans(runs):
    """Seed 002's KF target '1600 st' prints '1 600 st' (a non-breaking space in each gap), as every figure does."""
    html = runs["sn-vb-2013"].files["html"].read_text(encoding="utf-8")
    assert "<td class=\"num\">1\u00a0600\u00a0st</td>" in html and "1600 st" not in html
    assert "\"kf_target\": \"1600 st\"" in runs["sn-vb-2013"].files["json"].read_text(encoding="utf-8")
