"""Totals and precision as the reports print them (issue 15, point 2).

Pure functions first (tolerance, rounding), then the mini plan's economy owner's workbook read, prepared (the
Python rules, no GX) and assembled, then seed 004's driftbudget table (E2) from its printed rows and totals.
"""

import datetime as dt
import json
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from tests.builders import accepted_version, changed_copy, filled_rows, write_filled
from tests.conftest import DATA
from tertial.assembly import build_report
from tertial.checking.prepare import prepare
from tertial.config import load_cycle
from tertial.economy_totals import TOTAL_ID, printed, rounding_tolerance, sum_gap
from tertial.findings import Severity
from tertial.numbers import format_number
from tertial.reading import read_submission
from tertial.render.formats import render_json
from tertial.render.html import render_html
from tertial.workbooks import Handout, prefilled_rows, write_workbook

OWNER = "stab"  # the mini cycle's economy owner


# --- tolerance and rounding ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("terms, decimals, tolerance", [(1, 1, "0.10"), (3, 1, "0.20"), (12, 1, "0.65"), (2, 0, "1.5")])
def test_tolerance_grows_with_the_number_of_rounded_terms(terms, decimals, tolerance):
    assert rounding_tolerance(terms, decimals) == D(tolerance)


@pytest.mark.parametrize("stated, within", [("10.2", True), ("9.8", True), ("10.21", False), ("9.79", False)])
def test_a_stated_sum_of_three_terms_may_be_off_by_0_20_and_no_more(stated, within):
    gap = sum_gap(D(stated), [D("3.3"), D("3.3"), D("3.4"), None])  # three terms given: Σ 10,0, tolerance 0,20
    assert (gap.computed, gap.terms, gap.tolerance, gap.within) == (D("10.0"), 3, D("0.20"), within)


def test_no_stated_sum_is_nothing_to_check():
    assert sum_gap(None, [D("1.0")]) is None


@pytest.mark.parametrize("value, shown", [
    ("16.75", "16,8"), ("16.749", "16,7"), ("-16.75", "-16,8"), ("-0.05", "-0,1"), ("-0.049", "0,0"), ("0.05", "0,1"),
    ("2757.85", "2\u00a0757,9"),
])
def test_figures_are_rounded_half_up_once_when_printed(value, shown):
    assert format_number(D(value), 1) == shown
    assert format_number(printed(D(value), 1), 1) == shown  # rounding the printed figure again changes nothing


def test_tkr_print_whole_and_zero_is_never_negative():
    assert printed(D("49460.3"), 0) == D("49460") and printed(D("-0.4"), 0) == D("0") and str(printed(D("-0.04"), 1)) == "0.0"


# --- the mini plan: a submission with more decimals, and the sum row ----------------------------------------------

def _rows(cycle, economy=None, total=None, investments_total=None):
    rows = filled_rows(cycle, OWNER)
    for row in rows["economy"]:
        row.update((economy or {}).get(row["id"], {}))
    if total is not None:
        rows["economy"].append({"id": TOTAL_ID, "name": "Totalt", "row_type": "total", **total})
    if investments_total is not None:
        rows["investments"].append({"id": TOTAL_ID, "name": "Totalt", **investments_total})
    return rows


def _prepared(tmp_path, cycle, rows):
    path = write_filled(tmp_path, cycle, OWNER, rows)
    return prepare(read_submission(path, cycle), cycle).findings


def _report(tmp_path, cycle, rows):
    return build_report(cycle, {OWNER: accepted_version(cycle, tmp_path / "inkorg", OWNER, rows)})


# Two areas each 8,4 as printed, 16,73 together: the nämnd's 16,7, not 8,4 + 8,4 = 16,8.
UNROUNDED = {
    "iof": {"budget": "356,74", "requested": "0,2", "performance": "0,0", "forecast_before": "348,57",
            "forecast_after": "348,57", "deviation": ""},
    "iof-barn": {"budget": "220,4", "requested": "0,2", "performance": "0,0", "forecast_before": "220,6",
                 "forecast_after": "220,6", "deviation": ""},
    "aldre": {"budget": "815,04", "forecast_before": "806,68", "forecast_after": "806,68", "deviation": ""},
}


def test_amounts_with_more_decimals_are_summed_unrounded_and_printed_rounded(tmp_path, mini_cycle):
    report = _report(tmp_path, mini_cycle, _rows(mini_cycle, UNROUNDED))
    table = report.economy.operations
    rows = {line.id: line.values for line in table.rows}
    assert (rows["iof"]["deviation"], rows["aldre"]["deviation"]) == (D("8.37"), D("8.36"))
    assert table.total.values["deviation"] == D("16.73")
    assert report.economy.deviation_heading == "+16,7 mnkr"
    html = render_html(report)
    assert ">8,4</td>" in html and ">16,7</td>" in html and ">16,8</td>" not in html
    data = json.loads(render_json(report))["economy"]["operations"]
    # JSON carries the printed figures: the same as the table, never 356.74 or 16.73.
    assert data["rows"][0]["values"]["budget"] == 356.7 and data["rows"][0]["values"]["deviation"] == 8.4
    assert data["total"]["values"]["deviation"] == 16.7
    assert render_json(report) == render_json(_report(tmp_path / "again", mini_cycle, _rows(mini_cycle, UNROUNDED)))


def test_html_word_and_json_print_the_same_figures(tmp_path, mini_cycle):
    from tertial.render.word import _economy_table
    from tertial.render.word_template import base_document

    report = _report(tmp_path, mini_cycle, _rows(mini_cycle, UNROUNDED))
    table = report.economy.operations
    doc = base_document(None)  # Tertial's own styles (Tabell), as the report is written
    _economy_table(doc, table)
    word = [[cell.text for cell in row.cells[1:]] for row in doc.tables[0].rows[1:]]
    data = json.loads(render_json(report))["economy"]["operations"]
    published = [[format_number(D(str(line["values"][k])), 1) if line["values"][k] is not None else "" for k, _ in table.columns]
                 for line in [*data["rows"], data["total"]]]
    html = render_html(report)
    assert word == published
    assert all(f'<td class="num">{cell}</td>' in html for row in published for cell in row if cell)
    assert word[0][0] == "356,7" and word[-1][-1] == "16,7"


def test_a_submitted_total_within_rounding_is_printed_as_given(tmp_path, mini_cycle):
    # Σ of the counted rows (iof, aldre, avskr): Prognos efter 348,57 + 806,68 + 20,3 = 1 175,55; the nämnd printed 1 175,6.
    total = {"budget": "1 192,1", "forecast_after": "1 175,6", "deviation": "16,7"}
    rows = _rows(mini_cycle, UNROUNDED, total)
    assert not [f for f in _prepared(tmp_path, mini_cycle, rows) if f.severity is Severity.ERROR]
    report = _report(tmp_path, mini_cycle, rows)
    values = report.economy.operations.total.values
    assert (values["budget"], values["forecast_after"], values["deviation"]) == (D("1192.1"), D("1175.6"), D("16.7"))
    assert values["requested"] == D("0.2")  # not given in the sum row: Σ of the rows
    assert report.economy.deviation_heading == "+16,7 mnkr"
    assert "1\u00a0192,1" in render_html(report)


def test_a_total_outside_the_tolerance_is_an_error_at_its_cell_naming_its_rows(tmp_path, mini_cycle):
    rows = _rows(mini_cycle, total={"budget": "1 192,5"})  # Σ 356,7 + 815,0 + 20,3 = 1 192,0; 3 rows: ±0,20
    found = [f for f in _prepared(tmp_path, mini_cycle, rows) if f.rule_id == "economy_total_mismatch"]
    assert [(f.sheet, f.row, f.column, f.item_id, f.severity) for f in found] == [("Ekonomi", 6, "Budget", TOTAL_ID, Severity.ERROR)]
    message = found[0].message
    assert "1 192,5" in message and "1\u00a0192,0" in message
    assert "'Individ- och familjeomsorg', 'Äldreomsorg', 'Avskrivningar'" in message and "varav" not in message
    assert "högst 0,20 mnkr" in message and "lämna totalraden tom" in message


def test_the_total_is_judged_at_the_boundary(tmp_path, mini_cycle):
    inside = _prepared(tmp_path, mini_cycle, _rows(mini_cycle, total={"budget": "1 192,2"}))
    outside = _prepared(tmp_path / "b", mini_cycle, _rows(mini_cycle, total={"budget": "1 192,3"}))
    assert not [f for f in inside if f.rule_id == "economy_total_mismatch"]
    assert [f.column for f in outside if f.rule_id == "economy_total_mismatch"] == ["Budget"]


def test_the_investment_total_is_checked_too(tmp_path, mini_cycle):
    rows = _rows(mini_cycle, investments_total={"budget": "3,2", "requested": "0,5", "forecast": "4,0", "deviation": "0,0"})
    found = [f for f in _prepared(tmp_path, mini_cycle, rows) if f.rule_id == "economy_total_mismatch"]
    assert [(f.sheet, f.column) for f in found] == [("Investeringar", "Prognos")]
    assert "'Inventarier'" in found[0].message


def test_a_derived_cell_gets_the_tolerance_of_its_terms(tmp_path, mini_cycle):
    # Avvikelse = 356,7 + 0,2 + 0,0 − 369,9 = −13,0 from four terms: ±0,25 is rounding, 0,3 is not.
    near = _rows(mini_cycle, {"iof": {"deviation": "-12,75"}})
    far = _rows(mini_cycle, {"iof": {"deviation": "-12,7"}})
    assert not [f for f in _prepared(tmp_path, mini_cycle, near) if f.rule_id == "economy_row_identity"]
    assert [f.row for f in _prepared(tmp_path / "b", mini_cycle, far) if f.rule_id == "economy_row_identity"] == [2]
    report = _report(tmp_path, mini_cycle, near)
    assert report.economy.operations.rows[0].values["deviation"] == D("-12.75")  # as given, printed -12,8


def test_the_handout_offers_the_sum_row_open_for_figures(tmp_path, mini_cycle):
    handout = Handout(deadline=dt.date(2025, 5, 7), stamp=dt.datetime(2025, 4, 1))
    path = write_workbook(tmp_path / "stab.xlsx", mini_cycle, OWNER, prefilled_rows(mini_cycle, OWNER), handout)
    book = load_workbook(path)
    for name, id_column, budget_column in (("Ekonomi", 1, 4), ("Investeringar", 1, 3)):
        sheet = book[name]
        last = sheet.max_row
        assert (sheet.cell(last, id_column).value, sheet.cell(last, 2).value) == (TOTAL_ID, "Totalt")
        assert sheet.cell(last, id_column).protection.locked and not sheet.cell(last, budget_column).protection.locked


def test_an_empty_sum_row_passes_the_suites(tmp_path, mini_cycle):
    from tasks.validation import validate_submission

    rows = _rows(mini_cycle, total={}, investments_total={})
    found = validate_submission.fn(read_submission(write_filled(tmp_path, mini_cycle, OWNER, rows), mini_cycle), mini_cycle)
    assert [f.line() for f in found if f.severity is Severity.ERROR] == []


# --- seed 004, Tertialrapport 1 2024: table E2 as printed --------------------------------------------------------

# id, name, row type, parent; Budget, Begärda, Prestation, Prognos före, Prognos efter, Avvikelse (mnkr, as printed).
SEED004_E2 = (
    ("adm", "Nämnd och administration", "top", None, "80,7", "0,5", "0,0", "78,4", "78,4", "2,8"),
    ("iof", "Individ- och familjeomsorg", "top", None, "356,7", "0,2", "0,0", "369,9", "369,9", "-13,0"),
    ("iof-barn", "varav barn och ungdom", "varav", "iof", "220,4", "0,2", "0,0", "240,6", "240,6", "-20,0"),
    ("iof-vuxna", "varav vuxna", "varav", "iof", "60,7", "0,0", "0,0", "58,7", "58,7", "2,0"),
    ("iof-psyk", "varav socialpsykiatri", "varav", "iof", "75,6", "0,0", "0,0", "75,6", "75,6", "0,0"),
    ("iof-nya", "varav nyanlända", "varav", "iof", "0,0", "0,0", "0,0", "-5,0", "-5,0", "5,0"),
    ("stad", "Stadsmiljöverksamhet", "top", None, "33,7", "0,0", "0,0", "33,3", "33,3", "0,4"),
    ("avskr", "Avskrivningar", "additive", "stad", "20,3", "0,0", "0,0", "20,3", "20,3", "0,0"),
    ("ranta", "Internräntor", "additive", "stad", "5,0", "0,0", "0,0", "5,0", "5,0", "0,0"),
    ("forskola", "Förskoleverksamhet", "top", None, "635,5", "0,0", "-24,7", "605,3", "604,0", "6,8"),
    ("aldre", "Äldreomsorg", "top", None, "815,0", "0,0", "0,0", "817,5", "815,0", "0,0"),
    ("fn", "Stöd och service till personer med funktionsnedsättning", "top", None, "553,0", "0,0", "35,6", "591,3", "588,6", "0,0"),
    ("bkf", "Barn, kultur och fritid", "top", None, "53,8", "0,2", "0,0", "51,9", "51,9", "2,1"),
    ("arb", "Arbetsmarknad åtgärder", "top", None, "24,6", "0,0", "0,0", "23,1", "23,1", "1,5"),
    ("ekb", "Ekonomiskt bistånd", "top", None, "161,3", "0,0", "0,0", "161,8", "161,8", "-0,5"),
    ("ekb-hl", "varav handläggare", "varav", "ekb", "43,9", "0,0", "0,0", "43,4", "43,4", "0,5"),
    ("ovrigt", "Övrig verksamhet", "top", None, "0,0", "0,0", "0,0", "0,0", "0,0", "0,0"),
)
SEED004_E2_TOTAL = ("2 739,6", "0,9", "10,9", "2 757,9", "2 751,4", "0,0")
E2_KEYS = ("budget", "requested", "performance", "forecast_before", "forecast_after", "deviation")


@pytest.fixture(scope="module")
def seed004_cycle(tmp_path_factory):
    areas = [{"id": i, "name": n, "row_type": t, **({"parent": p} if p else {})} for i, n, t, p, *_ in SEED004_E2]

    def change(plan):
        plan["economy"]["areas"] = areas

    def own_area_texts(cycle):
        texts = cycle["contributors"][0]["owns"]["texts"]
        texts += [f"ekonomi:{a['id']}" for a in areas if a["row_type"] == "top" and f"ekonomi:{a['id']}" not in texts]

    folder = tmp_path_factory.mktemp("seed004")
    changed_copy(DATA / "mini", folder, "plan.yaml", change)
    return load_cycle(changed_copy(DATA / "mini", folder, "cycle.yaml", own_area_texts))


def _seed004_rows(cycle, total):
    """The mini owner's filled rows (its goals and texts are the same in both plans), with seed 004's economy."""
    rows = filled_rows(load_cycle(DATA / "mini" / "cycle.yaml"), OWNER)
    figures = {i: dict(zip(E2_KEYS, values)) for i, _, _, _, *values in SEED004_E2}
    own = prefilled_rows(cycle, OWNER)
    rows["economy"] = [{**row, **figures[row["id"]]} for row in own["economy"]]
    rows["texts"] = [{**row, "text": f"Text om {row['title']}."} for row in own["texts"]]
    if total:
        rows["economy"].append({"id": TOTAL_ID, "name": "Totalt", "row_type": "total", **dict(zip(E2_KEYS, total))})
    return rows


def test_seed004_e2_as_printed_passes_and_prints_every_total_as_the_report(tmp_path, seed004_cycle):
    rows = _seed004_rows(seed004_cycle, SEED004_E2_TOTAL)
    found = _prepared(tmp_path, seed004_cycle, rows)
    assert not [f.line() for f in found if f.severity is Severity.ERROR]
    report = _report(tmp_path, seed004_cycle, rows)
    table = report.economy.operations
    shown = tuple(format_number(table.total.values[k], 1).replace("\u00a0", " ") for k in E2_KEYS)
    assert shown == SEED004_E2_TOTAL  # Σ of the printed rows would give 2 757,8, 2 751,3 and 0,1
    assert report.economy.deviation_heading == "±0 mnkr"
    assert report.economy.budget_adherence == D("100.2")  # 2 757,9 / 2 751,4, as published


def test_seed004_e2_without_its_total_row_is_the_sum_of_its_rounded_rows(tmp_path, seed004_cycle):
    table = _report(tmp_path, seed004_cycle, _seed004_rows(seed004_cycle, None)).economy.operations
    assert (table.total.values["forecast_before"], table.total.values["forecast_after"]) == (D("2757.8"), D("2751.3"))
    assert table.total.values["deviation"] == D("0.1")  # from the sum row's own figures: 2 739,6 + 0,9 + 10,9 − 2 751,3


def test_seed004_e2_total_off_by_more_than_its_rows_can_explain(tmp_path, seed004_cycle):
    wrong = ("2 740,4", *SEED004_E2_TOTAL[1:])  # 0,8 above Σ 2 739,6 of 12 counted rows: tolerance 0,65
    found = [f for f in _prepared(tmp_path, seed004_cycle, _seed004_rows(seed004_cycle, wrong))
             if f.rule_id == "economy_total_mismatch"]
    assert [(f.row, f.column) for f in found] == [(len(SEED004_E2) + 2, "Budget")]
    assert "'Internräntor'" in found[0].message and "varav" not in found[0].message and "0,65 mnkr" in found[0].message


def test_a_vb_sum_row_adjusted_deviation_follows_its_stated_deviation(tmp_path):
    # Σ budget 1 192,2, utfall 1 198,8, resultatöverföring −2,5; without the T2 report's comparison.
    vb = load_cycle(changed_copy(DATA / "mini", tmp_path / "cycle", "vb.yaml", lambda data: data.pop("t2_report")).with_name("vb.yaml"))
    given = {"budget": "1 192,2", "outcome": "1 198,8", "deviation": "-6,6", "transfer": "-2,5"}
    right = _prepared(tmp_path, vb, _rows(vb, total={**given, "adjusted": "-9,1"}))
    wrong = _prepared(tmp_path / "b", vb, _rows(vb, total={**given, "adjusted": "-8,0"}))
    assert not [f.line() for f in right if f.severity is Severity.ERROR]
    hit = [f for f in wrong if f.severity is Severity.ERROR]
    # Off from Σ of the rows' Justerad avvikelse and from Avvikelse + Resultatöverföring alike: both are said.
    assert sorted((f.rule_id, f.row, f.column) for f in hit) == [
        ("economy_row_identity", 6, "Justerad avvikelse"), ("economy_total_mismatch", 6, "Justerad avvikelse")]
    assert all("-9,1" in f.message for f in hit)
    assert _report(tmp_path, vb, _rows(vb, total={**given, "adjusted": "-9,1"})).economy.deviation_heading == "-9,1 mnkr"


# --- the sheets of the contributor's own rows: a row named as the sum ------------------------------------------------

def _with_sum_rows(cycle, units_sum=None, turnover_sum=None):
    rows = filled_rows(cycle, OWNER)
    if units_sum:
        rows["result_units"].append(dict(zip(("name", "budget", "brought", "result", "carried"), units_sum)))
    if turnover_sum:
        rows["turnover"].append(dict(zip(("name", "amount", "comment"), turnover_sum)))
    return rows


def test_a_summa_row_of_resultatenheter_is_their_sum_row_not_a_unit(tmp_path, mini_cycle):
    # The units: bruttobudget 41 164 + 29 114,0 = 70 278; från −3 994; resultat 600 + 1 900,0 = 2 500.
    rows = _with_sum_rows(mini_cycle, units_sum=("Summa resultatenheter", "70 278", "-3 994", "2 500,4", ""))
    assert not [f.line() for f in _prepared(tmp_path, mini_cycle, rows) if f.severity is Severity.ERROR]
    section = _report(tmp_path, mini_cycle, rows).economy.result_units
    assert [line.name for line in section.table.rows] == ["Förskolan Solen", "Hemtjänsten Norr"]
    assert section.table.total.values["result"] == D("2500.4")  # as given; printed 2 500
    assert section.table.total.values["carried"] == D("1493.6")  # −(från + resultat) of the sum row's own figures
    assert section.sentences[0].startswith("Nämnden har två resultatenheter.") and "2,5 mnkr" in section.sentences[0]


def test_a_summa_row_of_resultatenheter_off_by_more_than_rounding_names_the_units(tmp_path, mini_cycle):
    rows = _with_sum_rows(mini_cycle, units_sum=("Summa resultatenheter", "70 280", "-3 994", "2 500", ""))
    found = [f for f in _prepared(tmp_path, mini_cycle, rows) if f.rule_id == "economy_total_mismatch"]
    assert [(f.sheet, f.row, f.column) for f in found] == [("Resultatenheter", 4, "Bruttobudget 2025 (tkr)")]
    assert "'Förskolan Solen', 'Hemtjänsten Norr'" in found[0].message and "högst 1,5 tkr" in found[0].message


def test_a_totalt_row_of_omslutningsforandringar(tmp_path, mini_cycle):
    right = _with_sum_rows(mini_cycle, turnover_sum=("Totalt", "3,5", ""))
    section = _report(tmp_path, mini_cycle, right).economy.turnover
    assert [line.name for line in section.table.rows] == ["Äldreomsorg", "Individ- och familjeomsorg"]
    assert section.table.total.values["amount"] == D("3.5")
    wrong = _with_sum_rows(mini_cycle, turnover_sum=("Totalt", "3,7", ""))  # 2 rows: ±0,15
    found = [f for f in _prepared(tmp_path, mini_cycle, wrong) if f.rule_id == "economy_total_mismatch"]
    assert [(f.sheet, f.row, f.value) for f in found] == [("Omslutningsförändringar", 4, "3,7")]


def test_no_plan_row_may_take_the_sum_rows_id(tmp_path):
    from tertial.errors import ConfigError

    def change(plan):
        plan["economy"]["investments"].append({"id": TOTAL_ID, "name": "Totalt investeringar"})

    with pytest.raises(ConfigError, match="reserverat för arbetsbokens totalrad"):
        load_cycle(changed_copy(DATA / "mini", tmp_path, "plan.yaml", change))


# --- the VB's Intäkter och kostnader: Summa intäkter, Summa kostnader, Netto as the contributor gives them -----------

REVENUE_COST_SUMS = (("Summa intäkter", "", "-165,5", "-165,5", ""), ("Summa kostnader", "", "1 337,1", "1 364,3", ""),
                     ("Netto", "", "1 171,6", "1 198,8", ""))


def _vb_with_sums(tmp_path, sums):
    vb = load_cycle(changed_copy(DATA / "mini", tmp_path / "cycle", "vb.yaml", lambda data: data.pop("t2_report")).with_name("vb.yaml"))
    rows = filled_rows(vb, OWNER)
    rows["revenue_costs"] += [dict(zip(("name", "kind", "previous", "outcome", "comment"), s)) for s in sums]
    return vb, rows


def test_revenue_and_cost_sum_rows_are_the_tables_sums_and_need_no_typ(tmp_path):
    from tasks.validation import validate_submission

    vb, rows = _vb_with_sums(tmp_path, REVENUE_COST_SUMS)
    found = validate_submission.fn(read_submission(write_filled(tmp_path, vb, OWNER, rows), vb), vb)
    assert [f.line() for f in found if f.severity is Severity.ERROR] == []
    table = _report(tmp_path, vb, rows).economy.revenue_costs.table
    assert [line.name for line in table.rows] == ["Taxor och avgifter", "Bidrag", "Summa intäkter", "Personalkostnader",
                                                  "Lokalkostnader", "Köp av verksamhet", "Summa kostnader"]
    assert table.total.values == {"previous": D("1171.6"), "outcome": D("1198.8"), "change": D("27.2")}


def test_a_netto_row_off_by_more_than_its_posts_can_explain_names_them(tmp_path):
    vb, rows = _vb_with_sums(tmp_path, (("Netto", "", "1 171,6", "1 199,5", ""),))  # 5 posts: ±0,30
    found = [f for f in _prepared(tmp_path, vb, rows) if f.rule_id == "economy_total_mismatch"]
    assert [(f.sheet, f.row, f.value) for f in found] == [("Intäkter och kostnader", 7, "1 199,5")]
    assert "'Taxor och avgifter', 'Bidrag', 'Personalkostnader', 'Lokalkostnader', 'Köp av verksamhet'" in found[0].message
