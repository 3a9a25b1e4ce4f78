"""The README's demo command, run as a user runs it, checked against the published figures."""

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.flows.test_local_server import nothing_left_of, recorded_server, user_env
from tests.test_key_figures import compare_key_figures, compare_total_budget
from tertial.numbers import parse_quantity

SEED = Path(__file__).parent / "data" / "seed004_indicators.csv"  # rows extracted from the published T1 2024
pytestmark = [pytest.mark.flow, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """As a user runs it: no Prefect server configured, so the demo starts the work folder's own, stopped at the end."""
    workdir = tmp_path_factory.mktemp("demo")
    tertial = Path(sys.executable).parent / "tertial"
    env = user_env(tmp_path_factory.mktemp("prefect-home"))
    done = subprocess.run([str(tertial), "demo", "--workdir", str(workdir)], capture_output=True, text=True, timeout=600, env=env)
    yield done, workdir
    server = recorded_server(workdir)
    subprocess.run([str(tertial), "server", "stop", "--workdir", str(workdir)], capture_output=True, timeout=120, env=env)
    assert server is None or nothing_left_of(server)


def test_demo_exits_cleanly_without_noise(demo):
    done, _ = demo
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "INFO" not in done.stdout + done.stderr  # no Prefect or GX log lines
    assert "Tertialrapport 1 år 2024 för Enskede-Årsta-Vantörs stadsdelsnämnd" in done.stdout
    assert "Bidragsgivare: 8, med godkänt underlag: 8" in done.stdout
    assert "Godkända: 8, underkända: 1" in done.stdout


def test_demo_reports_the_deliberate_errors(demo):
    _, workdir = demo
    feedback = (workdir / "aterkoppling" / "forskola-v1.txt").read_text(encoding="utf-8")
    assert "inlämningen är underkänd: 6 fel" in feedback
    for expected in ("'ca 35' är inte ett tal", "'Tertial 2 2024' men ska vara 'Tertial 1 2024'", "Statusen 'Bra' finns inte",
                     "134 % ligger utanför 0–100 %", "'Uppfylls nästan' finns inte", "Periodens utfall saknas"):
        assert expected in feedback


def _indicators(report: dict) -> list[dict]:
    def walk(goals):
        for goal in goals:
            yield from ({**i, "goal": goal["number"]} for i in goal["indicators"])
            yield from walk(goal["children"])
    return list(walk(report["goals"]))


def _number(raw: str) -> float | None:
    quantity = parse_quantity(raw)
    return None if quantity is None else float(quantity.value)


def test_report_figures_match_the_published_report(demo):
    _, workdir = demo
    report = json.loads((workdir / "rapport" / "report.json").read_text(encoding="utf-8"))
    counts = report["counts"]
    assert (counts["inriktningsmal"], counts["kf_mal"], counts["namndmal"], counts["indicators"], counts["activities"]) == (3, 16, 25, 83, 91)
    produced = {(i["goal"], i["name"]): i for i in _indicators(report)}
    seed = list(csv.DictReader(SEED.open(encoding="utf-8")))
    assert len(produced) == len(seed) == 83
    for row in seed:
        goal = (row["namnd_goal"] or row["kf_area_goal"]).split(" ")[0]
        indicator = produced[(goal, row["indicator"])]
        for seed_key, key in (("period_outcome", "outcome"), ("outcome_men", "men"), ("outcome_women", "women"), ("forecast", "forecast")):
            assert indicator[key] == _number(row[seed_key]), (row["indicator"], key)
        assert indicator["annual_target"] == row["annual_target"], row["indicator"]
        assert indicator["period"] == row["period"]


def test_demo_writes_pdf_and_word(demo):
    from docx import Document
    from pypdf import PdfReader

    _, workdir = demo
    pdf = "\n".join(p.extract_text() for p in PdfReader(workdir / "rapport" / "report.pdf").pages)
    assert "Tertialrapport 1 år 2024 för Enskede-Årsta-Vantörs stadsdelsnämnd" in pdf
    assert re.search(r"Andel legitimerade ?\nförskollärare", pdf)  # wrapped in its table cell
    headings = [p.text for p in Document(workdir / "rapport" / "report.docx").paragraphs if p.style.name == "Heading 2"]
    assert "KF:s inriktningsmål: 2. Ett grönt och fossilfritt Stockholm som leder en rättvis klimatomställning" in headings


def test_html_shows_the_published_values(demo):
    _, workdir = demo
    html = (workdir / "rapport" / "report.html").read_text(encoding="utf-8")
    row = re.search(r'<tr id="ind-1\.2-I2".*?</tr>', html, re.S).group(0)
    assert "Andel legitimerade förskollärare" in row
    cells = re.findall(r'<td class="num">(.*?)</td>', row)
    assert cells[0] == "34,5\u00a0%" and "35,5\u00a0%" in cells  # period outcome and årsmål, both in the number form
    assert "Uppföljning av Kommunfullmäktiges inriktningsmål" in html
    assert html.count('class="goal goal-3"') == 25


def test_demo_rerun_changes_nothing(demo, tmp_path):
    done, workdir = demo
    # The PDF too: an unchanged HTML reuses the PDF set from it (and a fresh one is byte-identical: test_pdf_reuse.py).
    stable = lambda: {p.name: p.read_bytes() for p in (workdir / "rapport").iterdir() if not p.name.startswith(".")}  # noqa: E731
    before = stable()
    server = recorded_server(workdir)
    again = subprocess.run([str(Path(sys.executable).parent / "tertial"), "demo", "--workdir", str(workdir)],
                           capture_output=True, text=True, timeout=600, env=user_env(tmp_path))
    assert again.returncode == 0
    assert server is not None and recorded_server(workdir) == server and "Startade" not in again.stderr  # the same server
    assert "Redan mottagna och oförändrade: 9" in again.stdout
    assert stable() == before
    assert set(before) == {"report.json", "report.html", "report.docx", "report.pdf", "kontroller.txt"}


def test_status_of_the_demo_cycle(demo):
    """After the demo, with a fixed day: every avdelning has an accepted version, förskola's second."""
    _, workdir = demo
    tertial = Path(sys.executable).parent / "tertial"
    done = subprocess.run([str(tertial), "status", "--cycle", str(workdir / "cykel" / "cycle.yaml"), "--workdir", str(workdir),
                           "--as-of", "2024-05-02", "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = {row["id"]: row for row in json.loads(done.stdout)}
    assert len(rows) == 8 and {row["status"] for row in rows.values()} == {"godkänd av systemet"}
    assert (rows["forskola"]["latest_version"], rows["forskola"]["deadline"], rows["forskola"]["days_left"]) == (2, "2024-05-06", 2)


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_demo_shows_seed_004s_resultatenheter_and_omslutning(demo):
    """E10's Summa (bruttobudget 1 055 433, från −55 930 tkr) and E12's total 85,6 mnkr in HTML, PDF and Word."""
    from docx import Document
    from pypdf import PdfReader

    _, workdir = demo
    html = _plain((workdir / "rapport" / "report.html").read_text(encoding="utf-8"))
    units = re.search(r'<table class="data economy" id="tabell-resultatenheter">.*?</table>', html, re.S).group(0)
    summa = re.search(r'<tr class="total".*?</tr>', units, re.S).group(0)
    assert re.findall(r'<td class="num">(.*?)</td>', summa)[:2] == ["1 055 433", "-55 930"]
    assert units.count('<tr class="top"') == 20
    turnover = re.search(r'id="tabell-omslutningsforandringar">.*?</table>', html, re.S).group(0)
    assert re.findall(r'<td class="num">(.*?)</td>', re.search(r'<tr class="total".*?</tr>', turnover, re.S).group(0)) == ["85,6"]
    assert "Nämnden har tjugo resultatenheter." in html
    for heading in ("Trygghetsinvesteringar (investering)", "Klimatinvesteringar (investering)",
                    "Lokalt arbete med demokrati och mänskliga rättigheter (drift)"):
        assert f">{heading}</h4>" in html

    # Table cells wrap in the PDF: compare with every run of white space as one space.
    pdf = " ".join("\n".join(p.extract_text() for p in PdfReader(workdir / "rapport" / "report.pdf").pages).split())
    assert re.search(r"Summa resultatenheter 1 055 433 -55 930 7 437 48 493", pdf)
    assert "Nämnden anmäler omslutningsförändringar på sammanlagt 85,6 mnkr." in pdf and "Totalt 85,6" in pdf

    doc = Document(workdir / "rapport" / "report.docx")
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Resultatenhetens namn")
    assert [_plain(c.text) for c in table.rows[-1].cells][:3] == ["Summa resultatenheter", "1 055 433", "-55 930"]
    turnover = next(t for t in doc.tables if t.rows[0].cells[0].text == "Verksamhetsområden")
    assert [c.text for c in turnover.rows[-1].cells][:2] == ["Totalt", "85,6"]
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert {"Resultatenheter", "Omslutningsförändringar", "Budgetjusteringar"} <= set(headings)
    checks = (workdir / "rapport" / "kontroller.txt").read_text(encoding="utf-8")
    assert "omslutningsförändringar" not in checks  # decision 7's 85,6 mnkr agrees with the table


def _toc_entries(text: str) -> list[tuple[str, int]]:
    """(title, page) per entry of the PDF's table of contents; long titles wrap over several lines."""
    entries, pending = [], ""
    for line in text.splitlines():
        leader = re.match(r"^(.*?)\s*(?:\. ?){3,}\s*(\d+)$", line)  # a leader of dots, read with or without spaces
        if leader:
            entries.append(((pending + " " + leader.group(1)).strip(), int(leader.group(2))))
            pending = ""
        else:
            pending = (pending + " " + line).strip()
    return entries


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_pdf_table_of_contents_points_at_the_pages_of_its_headings(demo):
    """Every TOC entry's page holds that heading, in outline order; the TOC has its own page after the front matter."""
    from pypdf import PdfReader

    _, workdir = demo
    pages = [page.extract_text() for page in PdfReader(workdir / "rapport" / "report.pdf").pages]
    toc_page = next(i for i, text in enumerate(pages) if "\nInnehållsförteckning\n" in text)
    assert toc_page == 1 and "Förslag till beslut" in pages[0]
    entries = _toc_entries(pages[toc_page].split("\nInnehållsförteckning\n", 1)[1])  # below the running header
    titles = [title for title, _ in entries]
    outline = ["Bilagor", "Sammanfattande analys", "Uppföljning av Kommunfullmäktiges inriktningsmål", "Uppföljning av ekonomi",
               "Uppföljning av driftbudget", "Resultatenheter", "Investeringar", "Omslutningsförändringar", "Budgetjusteringar",
               "Attesterat av"]
    assert [t for t in titles if t in outline] == outline
    assert sum(t.startswith("KF:s inriktningsmål:") for t in titles) == 3
    numbers = [page for _, page in entries]
    # Attesterat av is the last entry; only the controller's Underlag (not in the TOC) may run onto one more page.
    assert numbers == sorted(numbers) and len(pages) - 1 <= numbers[-1] <= len(pages)
    for title, page in entries:
        assert _squash(title) in _squash(pages[page - 1]), (title, page)


def test_count_sentences_follow_the_statuses_and_reach_the_pdf(demo):
    """The 'Bedömningen grundar sig på …' sentences are computed from the confirmed statuses and printed as computed."""
    from pypdf import PdfReader

    from tertial.wording import number_word

    _, workdir = demo
    report = json.loads((workdir / "rapport" / "report.json").read_text(encoding="utf-8"))
    pdf = _squash("".join(page.extract_text() for page in PdfReader(workdir / "rapport" / "report.pdf").pages))
    checked = 0

    def walk(goals):
        yield from goals
        for goal in goals:
            yield from walk(goal["children"])

    for goal in walk(report["goals"]):
        statuses = [i["status"] for i in goal["indicators"]]
        assert goal["status_counts"] == {s: statuses.count(s) for s in set(statuses)}, goal["number"]
        if statuses and goal["basis_sentence"]:
            total = number_word(len(statuses))
            assert f"av {total} indikatorer" in goal["basis_sentence"] or f"samtliga {total} indikatorer" in goal["basis_sentence"] \
                or len(statuses) == 1, goal["number"]
            assert _squash(goal["basis_sentence"]) in pdf, goal["number"]
            checked += 1
    assert checked >= 20
    kf_12 = next(g for g in walk(report["goals"]) if g["number"] == "1.2")
    assert kf_12["basis_sentence"].startswith("Bedömningen grundar sig på att tre av sex indikatorer bedöms uppfyllas helt och två delvis.")


def test_demo_prints_seed_004s_key_figures_and_total_driftbudget(demo):
    """The flow's report.json carries the seven nyckeltal tables and E1 cell for cell (tests/test_key_figures.py)."""
    _, workdir = demo
    report = json.loads((workdir / "rapport" / "report.json").read_text(encoding="utf-8"))
    assert (compare_key_figures(report), compare_total_budget(report)) == (267, 19)
