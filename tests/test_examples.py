"""The T2 and VB example cycles (examples/eav-t2-2024, examples/eav-vb-2024) run through the real flows.

Each example is collected and assembled once (module fixture), in every format; the tests read the
report model, the JSON, the HTML, the PDF text and the Word headings. Regenerate the examples with
`python -m scripts.make_example_cycles` when the plan or the submission format changes.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from flows.run_cycle import CycleResult, run_cycle
from tertial.config import load_cycle
from tertial.findings import Severity
from tertial.report import EconomyTable, GoalSection
from tertial.targets import propose_status
from tertial.vocabulary import IndicatorStatus
from tertial.wording import number_word

pytestmark = [pytest.mark.flow, pytest.mark.slow, pytest.mark.pdf, pytest.mark.usefixtures("prefect_harness")]

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
FOLDERS = ("eav-t1-2024", "eav-t2-2024", "eav-vb-2024")  # the T1 folder holds the shared plan
NAMND = "Enskede-Årsta-Vantörs stadsdelsnämnd"
SPECIAL = "Särskilda redovisningar"
SPECIAL_SECTIONS = ("Bedömning av nämndens interna kontroll", "Systematiskt kvalitetsarbete", "Systematiskt arbetsmiljöarbete")
VB_SECTIONS = ("Analys av balansräkning", SPECIAL, *SPECIAL_SECTIONS)
REVENUE_COSTS = "Intäkts- och kostnadsutveckling"
COMPARISON = "Jämförelse utfall med lämnad prognos i tertialrapport 2"
CENT = Decimal("0.05")  # sums of one-decimal figures, compared as floats from the model


@pytest.fixture(scope="module")
def runs(tmp_path_factory, prefect_harness) -> dict[str, CycleResult]:
    """Collect and assemble both examples from a copy, so nothing is written into examples/."""
    root = tmp_path_factory.mktemp("examples")
    for folder in FOLDERS:
        shutil.copytree(EXAMPLES / folder, root / folder)
    results = {}
    for kind, folder in (("T2", "eav-t2-2024"), ("VB", "eav-vb-2024")):
        results[kind] = run_cycle(cycle_path=root / folder / "cycle.yaml", inbox=root / folder / "submissions",
                                  workdir=root / f"arbete-{kind}", formats=("json", "html", "pdf", "docx"))
    return results


def _walk(goals: list[GoalSection]):
    for goal in goals:
        yield goal
        yield from _walk(goal.children)


def _rows(table: EconomyTable) -> dict[str, dict[str, Decimal | None]]:
    return {line.id: line.values for line in table.rows}


def _pdf_text(result: CycleResult) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(result.files["pdf"]).pages)


@pytest.mark.parametrize("kind", ["T2", "VB"])
def test_every_submission_is_accepted_without_errors(runs, kind):
    intake = runs[kind].intake
    assert len(intake) == 8
    errors = [f.line() for o in intake for f in o.findings if f.severity is Severity.ERROR]
    assert errors == []
    assert [o.version.status for o in intake] == ["godkänd"] * 8
    assert runs[kind].report.missing == []


def test_t2_is_tertialrapport_2_with_forecasts(runs):
    result = runs["T2"]
    assert result.title == f"Tertialrapport 2 år 2024 för {NAMND}"
    html = result.files["html"].read_text(encoding="utf-8")
    assert "<th>Prognos helår</th>" in html
    indicators = [i for g in _walk(result.report.goals) for i in g.indicators]
    assert len(indicators) == 83
    assert {i.period for i in indicators} == {"Tertial 2 2024", "2024"}
    # Every tertial indicator has an August outcome and a forecast.
    assert all(i.outcome is not None and i.forecast is not None for i in indicators if i.period == "Tertial 2 2024")
    columns = [header for _, header in result.report.economy.operations.columns]
    assert "Prognos efter resultatöverföringar" in columns and result.report.economy.t2_comparison is None


def test_vb_has_full_year_columns_and_no_forecast(runs):
    result = runs["VB"]
    assert result.title == f"{NAMND}s verksamhetsberättelse för år 2024"
    html = result.files["html"].read_text(encoding="utf-8")
    assert "<th>Prognos helår</th>" not in html
    indicators = [i for g in _walk(result.report.goals) for i in g.indicators]
    assert {i.period for i in indicators} == {"VB 2024", "2024"}
    assert all(i.outcome is not None and i.forecast is None for i in indicators)
    economy = result.report.economy
    assert [h for _, h in economy.operations.columns] == [
        "Bokslut föregående år", "Budget", "Utfall", "Avvikelse mot budget", "Resultatöverföring", "Justerad avvikelse"]
    assert [h for _, h in economy.investments.columns] == ["Budget", "Bokslut", "Avvikelse"]
    for header in ("Bokslut föregående år", "Resultatöverföring", "Justerad avvikelse", COMPARISON):
        assert header in html, header


def test_vb_comparison_uses_the_t2_forecasts(runs):
    t2_forecasts = {k: v["forecast_after"] for k, v in _rows(runs["T2"].report.economy.operations).items()}
    vb = runs["VB"].report.economy
    outcomes = {k: v["outcome"] for k, v in _rows(vb.operations).items()}
    table = _rows(vb.t2_comparison)
    assert vb.t2_comparison.title == COMPARISON and set(table) == set(t2_forecasts) == set(outcomes)
    for ident, values in table.items():
        assert values["t2_forecast"] == t2_forecasts[ident], ident
        assert values["outcome"] == outcomes[ident], ident
        assert float(values["difference"]) == pytest.approx(float(outcomes[ident] - t2_forecasts[ident])), ident
    differences = [v["difference"] for v in table.values()]
    assert any(d > 0 for d in differences) and any(d < 0 for d in differences)
    # The committed t2-report.json carries the same forecasts as the T2 example's own assembly.
    committed = json.loads((EXAMPLES / "eav-vb-2024" / "t2-report.json").read_text(encoding="utf-8"))
    assert {r["id"]: r["values"]["forecast_after"] for r in committed["economy"]["operations"]["rows"]} == pytest.approx(
        {k: float(v) for k, v in t2_forecasts.items()})


def _assert_totals(table: EconomyTable, counted: set[str]) -> None:
    for key, _ in table.columns:
        expected = sum(float(values[key] or 0) for ident, values in _rows(table).items() if ident in counted)
        assert float(table.total.values[key]) == pytest.approx(expected, abs=float(CENT)), (table.title, key)


@pytest.mark.parametrize("kind", ["T2", "VB"])
def test_economy_rows_and_totals_add_up(runs, kind):
    report, cycle = runs[kind].report, load_cycle(EXAMPLES / ("eav-t2-2024" if kind == "T2" else "eav-vb-2024") / "cycle.yaml")
    areas = cycle.plan.economy.areas
    counted = {r.id for r in areas if r.row_type.value != "varav"}
    economy = report.economy
    for table in (economy.operations, economy.t2_comparison):
        if table is not None:
            _assert_totals(table, counted)
    _assert_totals(economy.investments, {r.id for r in cycle.plan.economy.investments})
    rows = {k: {c: float(x or 0) for c, x in v.items()} for k, v in _rows(economy.operations).items()}
    for ident, v in rows.items():
        if kind == "T2":
            assert v["deviation"] == pytest.approx(v["budget"] + v["requested"] + v["performance"] - v["forecast_after"], abs=0.05)
        else:
            assert v["deviation"] == pytest.approx(v["budget"] - v["outcome"], abs=0.05), ident
            assert v["adjusted"] == pytest.approx(v["deviation"] + v["transfer"], abs=0.05), ident
    varav = [r.id for r in areas if r.parent == "iof" and r.row_type.value == "varav"]
    for column in rows["iof"]:
        assert sum(rows[c][column] for c in varav) == pytest.approx(rows["iof"][column], abs=0.05), column


@pytest.mark.parametrize("kind", ["T2", "VB"])
def test_statuses_are_the_proposed_ones_and_counts_match(runs, kind):
    report, cycle = runs[kind].report, load_cycle(EXAMPLES / ("eav-t2-2024" if kind == "T2" else "eav-vb-2024") / "cycle.yaml")
    plan = {i.id: i for i in cycle.plan.indicators}
    checked = 0
    for goal in _walk(report.goals):
        for row in goal.indicators:
            forecast = row.forecast if kind == "T2" else None
            assert row.status == propose_status(plan[row.id], row.outcome, forecast).value, row.id
        statuses = Counter(row.status for row in goal.indicators)
        assert goal.status_counts == {k: v for k, v in statuses.items() if v}
        if len(goal.indicators) >= 2 and len(statuses) >= 2:
            sentence = goal.basis_sentence
            assert f"av {number_word(len(goal.indicators))} indikatorer" in sentence, (goal.number, sentence)
            for label in ("Uppfylls helt", "Uppfylls delvis", "Uppfylls inte"):
                if statuses[label]:
                    word = label.split()[-1]
                    assert re.search(rf"\b{number_word(statuses[label])}\b(?: av \w+ indikatorer bedöms uppfyllas)? {word}\b",
                                     sentence), (goal.number, label, sentence)
            checked += 1
    assert checked >= 5  # enough goals with mixed statuses to make the check meaningful
    assert not [f.line() for f in runs[kind].findings if f.rule_id.startswith("narrative_")]


def test_vb_only_sections_are_present(runs):
    vb, t2 = runs["VB"].report, runs["T2"].report
    assert [b.title for b in vb.extra_sections] == ["Analys av balansräkning"]
    assert [b.title for b in vb.special_reports] == list(SPECIAL_SECTIONS)
    assert all(b.paragraphs and not b.missing for b in [*vb.extra_sections, *vb.special_reports])
    assert t2.extra_sections == [] and t2.special_reports == []


def _in_order(text: str, headings: list[str]) -> None:
    """Each heading occurs after the one before it, searching the body: past the TOC, whose last entry is Attesterat av."""
    toc_end = text.index("Attesterat av", text.index("Innehållsförteckning"))
    position = toc_end + len("Attesterat av")
    for heading in headings:
        found = text.find(heading, position)
        assert found >= 0, f"'{heading}' missing after position {position}"
        position = found + len(heading)


def test_pdf_text_has_the_headings_in_order(runs):
    common = ["Sammanfattande analys", "Uppföljning av Kommunfullmäktiges inriktningsmål", "Uppföljning av ekonomi"]
    t2 = _pdf_text(runs["T2"])
    assert f"Tertialrapport 2 år 2024 för {NAMND}" in t2
    _in_order(t2, [*common, "Investeringar", "Attesterat av"])
    vb = _pdf_text(runs["VB"])
    assert f"{NAMND}s verksamhetsberättelse för år 2024" in vb
    _in_order(vb, [*common, REVENUE_COSTS, COMPARISON, "Investeringar", *VB_SECTIONS, "Attesterat av"])


def test_word_has_the_vb_headings_as_real_headings(runs):
    headings = [(p.style.name, p.text) for p in Document(runs["VB"].files["docx"]).paragraphs if p.style.name.startswith(("Heading", "Title"))]
    texts = [text for _, text in headings]
    for heading in (*VB_SECTIONS, COMPARISON, REVENUE_COSTS, "Uppföljning av ekonomi"):
        assert heading in texts, heading
    levels = dict((text, style) for style, text in headings)
    assert {levels[h] for h in ("Analys av balansräkning", SPECIAL)} == {"Heading 1"}
    assert {levels[h] for h in (*SPECIAL_SECTIONS, COMPARISON, REVENUE_COSTS)} == {"Heading 2"}
    order = [texts.index(h) for h in ("Uppföljning av ekonomi", REVENUE_COSTS, COMPARISON, *VB_SECTIONS, "Attesterat av")]
    assert order == sorted(order)
    # The three sections are the only headings between Särskilda redovisningar and Attesterat av.
    assert texts[texts.index(SPECIAL) + 1:texts.index("Attesterat av")] == list(SPECIAL_SECTIONS)


def test_t2_area_texts_are_headed_by_their_signed_deviation_everywhere(runs):
    result = runs["T2"]
    titles = [block.title for block in result.report.economy.area_texts]
    expected = ["Nämnd och administration +3,9 mnkr", "Individ- och familjeomsorg -7,6 mnkr", "Övrig verksamhet ±0 mnkr"]
    assert set(expected) <= set(titles)
    html = _html(result)
    headings = [(p.style.name, p.text) for p in Document(result.files["docx"]).paragraphs]
    for title in expected:
        assert f"<h4>{title}</h4>" in html and ("Heading 3", title) in headings, title
    assert set(expected) <= {block["title"] for block in json.loads(result.files["json"].read_text(encoding="utf-8"))["economy"]["area_texts"]}


@pytest.mark.parametrize("kind, column", [("T2", "deviation"), ("VB", "adjusted")])
def test_each_area_heading_shows_the_figure_its_table_row_prints(runs, kind, column):
    html, economy = _html(runs[kind]), runs[kind].report.economy
    place = [key for key, _ in economy.operations.columns].index(column)
    for line in (line for line in economy.operations.rows if line.row_type == "top"):
        row = re.search(rf'<tr class="top" data-id="{re.escape(line.id)}">(.*?)</tr>', html, re.S).group(1)
        printed = re.findall(r'<td class="num">(.*?)</td>', row)[place]
        title = next(b.title for b in economy.area_texts if b.key == f"ekonomi:{line.id}").replace("\u00a0", " ")
        figure = "±0" if printed.strip("-").replace("0", "").replace(",", "") == "" else \
            (printed if printed.startswith("-") else f"+{printed}")
        assert title == f"{line.name} {figure} mnkr", (title, printed)


# --- the economy owner's optional sheets: Resultatenheter, Omslutningsförändringar, requests ------


def _html(result: CycleResult) -> str:
    return result.files["html"].read_text(encoding="utf-8").replace("\u00a0", " ").replace("\u202f", " ")


def _numbers(row_html: str) -> list[Decimal]:
    return [Decimal(c.replace(" ", "").replace(",", ".")) for c in re.findall(r'<td class="num">(.*?)</td>', row_html)]


def test_t2_resultatenheter_sum_and_sentence(runs):
    section = runs["T2"].report.economy.result_units
    table = section.table
    assert len(table.rows) == 20 and [h for _, h in table.columns][2] == "Resultat 2024 (prognos) Överskott (-) Underskott (+)"
    for key, _ in table.columns:
        assert table.total.values[key] == sum((r.values[key] for r in table.rows), Decimal(0)), key
    for row in table.rows:  # 'till' as typed in the submission follows the rule
        assert row.values["carried"] == -(row.values["brought"] + row.values["result"]), row.name
    result = table.total.values["result"]
    mnkr = f"{(result / 1000).quantize(Decimal('0.1'), ROUND_HALF_UP):.1f}".replace(".", ",")  # as the reports round
    assert section.sentences == [f"Nämnden har tjugo resultatenheter. Resultatenheterna prognostiserar att hämta {mnkr} mnkr ur fonderna."]
    # The units' fondmedel are the operations table's fonduttag: Prognos före − efter resultatöverföringar.
    total = runs["T2"].report.economy.operations.total.values
    assert result / 1000 == pytest.approx(total["forecast_before"] - total["forecast_after"], abs=CENT)
    # The HTML's Summa row shows the same sums.
    html = _html(runs["T2"])
    units = re.search(r'<table class="data economy" id="tabell-resultatenheter">.*?</table>', html, re.S).group(0)
    assert units.count('<tr class="top"') == 20
    summa = re.search(r'<tr class="total".*?</tr>', units, re.S).group(0)
    assert _numbers(summa) == [table.total.values[k] for k, _ in table.columns]
    assert section.sentences[0] in html


def test_t2_omslutning_total_is_the_decisions_amount(runs):
    report = runs["T2"].report
    turnover = report.economy.turnover
    total = turnover.table.total.values["amount"]
    assert len(turnover.table.rows) >= 3 and total == sum((r.values["amount"] for r in turnover.table.rows), Decimal(0))
    stated = [re.search(r"omslutningsförändringar på sammanlagt (\d+,\d) mnkr", d) for d in report.decisions]
    amounts = [Decimal(m.group(1).replace(",", ".")) for m in stated if m]
    assert amounts == [total]
    table = re.search(r'id="tabell-omslutningsforandringar">.*?</table>', _html(runs["T2"]), re.S).group(0)
    assert _numbers(re.search(r'<tr class="total".*?</tr>', table, re.S).group(0)) == [total]


def _decision_amount(decisions: list[str], amount: Decimal) -> bool:
    said = f"{amount:.1f}".replace(".", ",") + " mnkr"
    return any(said in d and ("budgetjustering" in d or "ombudgetering" in d) for d in decisions)


def test_t2_budget_requests_are_sub_headings_everywhere(runs):
    result = runs["T2"]
    requests = result.report.economy.adjustments.requests
    assert 1 <= len(requests) <= 2 and {r.kind for r in requests} <= {"drift", "investering"}
    html, pdf = _html(result), _pdf_text(result)
    word = [(p.style.name, p.text) for p in Document(result.files["docx"]).paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 2", "Budgetjusteringar") in word
    for request in requests:
        assert re.search(rf'<h4 id="budgetjusteringar-\d+">{re.escape(request.heading)}</h4>', html), request.heading
        assert request.heading in pdf and request.sentence in pdf, request.heading
        assert ("Heading 3", request.heading) in word, request.heading
        assert _decision_amount(result.report.decisions, request.amount), request.title  # a decision point of its own


def test_vb_ombudgetering_and_vb_wording(runs):
    result = runs["VB"]
    economy = result.report.economy
    assert economy.turnover is None
    (request,) = economy.adjustments.requests
    assert economy.adjustments.title == "Ombudgeteringar" and request.heading.endswith("(investering)")
    assert request.sentence.startswith("Nämnden begär ombudgetering med") and request.sentence.endswith("till 2025.")
    assert _decision_amount(result.report.decisions, request.amount)
    html = _html(result)
    assert f'<h4 id="ombudgeteringar-1">{request.heading}</h4>' in html and request.heading in _pdf_text(result)
    units = economy.result_units
    assert units.sentences[0].startswith("Nämnden har under året haft tjugo resultatenheter.")
    assert "har hämtat" in units.sentences[0] and units.sentences[0] in html
    # 'till' left empty in the submission: derived by the rule, and the Summa row adds up.
    for key, _ in units.table.columns:
        assert units.table.total.values[key] == sum((r.values[key] for r in units.table.rows), Decimal(0)), key
    assert all(r.values["carried"] == -(r.values["brought"] + r.values["result"]) for r in units.table.rows)
    total = economy.operations.total.values
    assert units.table.total.values["result"] / 1000 == pytest.approx(total["transfer"], abs=CENT)


def test_vb_revenue_and_cost_table_nets_to_the_operations_outcome(runs):
    result = runs["VB"]
    economy = result.report.economy
    section = economy.revenue_costs
    table = section.table
    posts = [line for line in table.rows if line.row_type == "top"]
    assert len(posts) >= 5 and [h for _, h in table.columns] == ["Utfall 2023", "Utfall 2024", "Förändring"]
    for line in posts:
        assert line.values["change"] == line.values["outcome"] - line.values["previous"], line.name
    sums = {line.name: line.values for line in table.rows if line.row_type == "sum"}
    for key, _ in table.columns:
        assert sums["Summa intäkter"][key] + sums["Summa kostnader"][key] == table.total.values[key], key
        assert sum((line.values[key] for line in posts), Decimal(0)) == table.total.values[key], key
    assert table.total.values["outcome"] == economy.operations.total.values["outcome"]
    assert table.total.values["previous"] == economy.operations.total.values["previous"]
    # First under Uppföljning av ekonomi, with its computed sentence, in HTML, PDF and Word.
    html = _html(result)
    assert html.index('<h2 id="uppfoljning-ekonomi">') < html.index(f'<h3 id="{section.key}">') < html.index('<h3 id="driftbudget">')
    netto = re.search(r'<tr class="total" data-id="netto">.*?</tr>', html, re.S).group(0)
    assert _numbers(netto) == [table.total.values[k] for k, _ in table.columns]
    sentence = section.sentences[0].replace("\u00a0", " ")
    assert sentence.startswith("Nettokostnaden uppgick till") and sentence in html and sentence in _pdf_text(result)
    word = Document(result.files["docx"])
    netto_row = next(t for t in word.tables if t.rows[-1].cells[0].text == "Netto").rows[-1]
    assert netto_row.cells[2].text.replace("\u00a0", " ") == f"{table.total.values['outcome']:,.1f}".replace(",", " ").replace(".", ",")


# The T2's Intäkter och kostnader per kostnadsgruppering (profil.yaml): Budget, Prognos, Avvikelse (computed) per
# post, as scripts/make_example_cycles.py's T2_REVENUE_COSTS gives them; Övriga kostnader balances Netto to the
# driftbudget (Budget + Begärda + Prestation; Prognos efter resultatöverföringar).
T2_REVENUE_COST_ROWS = [
    ("Taxor och avgifter", "top", "-63.0", "-65.2", "2.2"),
    ("Bidrag", "top", "-140.0", "-154.9", "14.9"),
    ("Försäljning av verksamhet", "top", "-95.0", "-100.4", "5.4"),
    ("Summa intäkter", "sum", "-298.0", "-320.5", "22.5"),
    ("Personalkostnader", "top", "1548.0", "1571.3", "-23.3"),
    ("Lokalkostnader", "top", "380.0", "382.6", "-2.6"),
    ("Köp av verksamhet", "top", "846.0", "858.9", "-12.9"),
    ("Övriga kostnader", "top", "278.9", "256.4", "22.5"),
    ("Summa kostnader", "sum", "3052.9", "3069.2", "-16.3"),
    ("Netto", "total", "2754.9", "2748.7", "6.2"),
]


def test_t2_intakter_och_kostnader_per_kostnadsgruppering(runs):
    result = runs["T2"]
    section = json.loads(result.files["json"].read_text(encoding="utf-8"))["economy"]["revenue_costs"]
    table = section["table"]
    assert table["title"] == "Intäkter och kostnader per kostnadsgruppering"
    assert [header for _, header in table["columns"]] == ["Budget", "Prognos", "Avvikelse"]
    printed = [(line["name"], line["row_type"], *(Decimal(str(line["values"][k])) for k in ("budget", "forecast", "deviation")))
               for line in [*table["rows"], table["total"]]]
    assert printed == [(name, kind, *map(Decimal, figures)) for name, kind, *figures in T2_REVENUE_COST_ROWS]
    # Netto is the driftbudget's: its available budget, its forecast after resultatöverföringar, its Avvikelse.
    operations = result.report.economy.operations.total.values
    assert Decimal(str(table["total"]["values"]["budget"])) == operations["budget"] + operations["requested"] + operations["performance"]
    assert Decimal(str(table["total"]["values"]["forecast"])) == operations["forecast_after"]
    assert Decimal(str(table["total"]["values"]["deviation"])) == operations["deviation"]
    html = _html(result)
    assert "Intäkter och kostnader per kostnadsgruppering" in html
    for name, kind, *figures in T2_REVENUE_COST_ROWS:
        ident = {"Summa intäkter": "summa-intakter", "Summa kostnader": "summa-kostnader", "Netto": "netto"}.get(name, name)
        row = re.search(rf'<tr class="{kind}" data-id="{re.escape(ident)}"><td>{re.escape(name)}</td>.*?</tr>', html, re.S)
        assert row and _numbers(row.group(0)) == [Decimal(f) for f in figures], name


@pytest.mark.parametrize("kind", ["T2", "VB"])
def test_kontroller_has_no_findings(runs, kind):
    assert runs[kind].findings == []
    assert runs[kind].files["kontroller"].read_text(encoding="utf-8") == "Inga avvikelser mellan texter och data.\n"
