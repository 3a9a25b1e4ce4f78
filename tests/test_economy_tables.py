"""Economy tables declared in the report profile (issue 15, point 1): the workbook's sheets, the checks and the
assembled tables follow the declaration, on the mini plan's T2 (tests/data/econ_tables)."""

import io
from decimal import Decimal as D

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.builders import accepted_version, changed_copy, filled_rows, write_filled
from tests.conftest import DATA
from tertial.assembly import build_report
from tertial.checking.suites import check_submissions
from tertial.config import load_cycle
from tertial.errors import ConfigError
from tertial.reading import read_submission
from tertial.render.html import render_html
from tertial.render.word import document_bytes

ECON = DATA / "econ_tables"
# Budget, Begärda, Prestation, Prognos före, Prognos (efter): the mini T2's figures.
OPERATIONS = {
    "iof": ("356,7", "0,2", "0,0", "369,9", "369,9"),
    "iof-barn": ("220,4", "0,2", "0,0", "240,6", "240,6"),
    "aldre": ("815,0", "0,0", "0,0", "817,5", "815,0"),
    "avskr": ("20,3", "0,0", "0,0", "20,3", "20,3"),
}
OPERATION_KEYS = ("budget", "requested", "performance", "forecast_before", "forecast_after")
REVENUE_COSTS = (("Taxor och avgifter", "intäkt", "-45,0", "-47,0"), ("Bidrag", "intäkt", "-120,0", "-118,5"),
                 ("Personalkostnader", "kostnad", "840,0", "851,0"), ("Lokalkostnader", "kostnad", "115,0", "114,8"))
# Bruttobudget, från, resultat (tkr): Norr carries 2 584 tkr over, more than 10 % of its 10 000.
RESULT_UNITS = (("Förskolan Solen", "41 164", "-2 310", "600"), ("Hemtjänsten Norr", "10 000", "-1 684", "-900"))


def _rows(cycle):
    rows = filled_rows(cycle, "stab")
    for row in rows["economy"]:
        row.update(dict(zip(OPERATION_KEYS, OPERATIONS[row["id"]])))
    rows["revenue_costs"] = [dict(zip(("name", "kind", "budget", "forecast"), r)) for r in REVENUE_COSTS]
    rows["result_units"] = [dict(zip(("name", "budget", "brought", "result"), r)) for r in RESULT_UNITS]
    return rows


@pytest.fixture(scope="module")
def cycle():
    return load_cycle(ECON / "cycle.yaml")


@pytest.fixture(scope="module")
def report(cycle, tmp_path_factory):
    inbox = tmp_path_factory.mktemp("inkorg")
    accepted = {c: accepted_version(cycle, inbox, c) for c in ("barn", "aldre")}
    accepted["stab"] = accepted_version(cycle, inbox, "stab", _rows(cycle))
    return build_report(cycle, accepted)


def _values(line, keys):
    return tuple(line.values.get(k) for k in keys)


def test_the_workbooks_economy_sheets_have_the_declared_entered_columns_in_order(cycle, tmp_path):
    book = load_workbook(write_filled(tmp_path, cycle, "stab"))
    headers = {ws.title: [c.value for c in ws[1]] for ws in book.worksheets}
    assert headers["Ekonomi"] == ["Id", "Verksamhetsområde", "Radtyp", "Budget (mnkr)", "Begärda budgetjusteringar (mnkr)",
                                  "Prestationsförändringar (mnkr)", "Prognos före resultatöverföringar (mnkr)",
                                  "Prognos (mnkr)", "Kommentar"]
    assert headers["Intäkter och kostnader"] == ["Post", "Typ", "Budget (mnkr)", "Prognos (mnkr)", "Kommentar"]
    assert headers["Resultatenheter"] == ["Resultatenhet", "Bruttobudget 2025 (tkr)",
                                          "Resultatöverföring från 2024 Överskott (-) Underskott (+) (tkr)",
                                          "Resultat 2025 Överskott (-) Underskott (+) (tkr)"]
    assert headers["Investeringar"][2:] == ["Budget", "Begärda budgetjusteringar", "Prognos", "Avvikelse"]  # not declared


def test_the_reader_maps_the_declared_headings_back_and_the_cap_warns(cycle, tmp_path):
    path = write_filled(tmp_path, cycle, "stab", _rows(cycle))
    submission = read_submission(path, cycle)
    assert submission.frame("revenue_costs")[["name", "budget", "forecast"]].values.tolist()[0] == ["Taxor och avgifter", "-45,0", "-47,0"]
    (found,) = check_submissions([submission], cycle)
    assert [(f.rule_id, f.severity.value, f.item_id, f.column) for f in found if f.rule_id.startswith(("result_unit", "revenue", "economy"))] == [
        ("result_unit_cap", "varning", "Hemtjänsten Norr", "Bruttobudget 2025 (tkr)")]
    (cap,) = [f for f in found if f.rule_id == "result_unit_cap"]
    assert "för över 2 584 tkr till nästa år, mer än 10 % av bruttobudgeten (1 000 tkr)" in cap.message.replace("\xa0", " ")


def test_the_operations_table_computes_its_declared_columns(report):
    table = report.economy.operations
    assert table.title == "Driftbudget per verksamhetsområde (mnkr)"
    assert [h for _, h in table.columns] == ["Budget", "Begärda budgetjusteringar", "Prestationsförändringar", "Justerad budget",
                                             "Prognos före resultatöverföringar", "Prognos", "Avvikelse", "Förbrukning %"]
    keys = ("adjusted_budget", "deviation", "consumption")
    lines = {line.id: _values(line, keys) for line in table.rows}
    assert lines == {"iof": (D("356.9"), D("-13.0"), D("103.6")),  # 369,9 / 356,9
                     "iof-barn": (D("220.6"), D("-20.0"), D("109.1")),  # 240,6 / 220,6
                     "aldre": (D("815.0"), D("0.0"), D("100.3")),  # 817,5 / 815,0
                     "avskr": (D("20.3"), D("0.0"), D("100.0"))}
    assert table.total.name == "Nämnden totalt"
    # Σ without the varav row; the share from the sums (1 207,7 / 1 192,2), never a sum of shares.
    assert _values(table.total, ("budget", "adjusted_budget", "forecast_before", "deviation", "consumption")) == (
        D("1192.0"), D("1192.2"), D("1207.7"), D("-13.0"), D("101.3"))


def test_intakter_och_kostnader_is_printed_in_a_t2_with_its_sums(report):
    section = report.economy.revenue_costs
    assert (section.title, section.table.title) == ("Intäkter och kostnader per kostnadsgruppering",) * 2
    table = section.table
    assert [h for _, h in table.columns] == ["Budget", "Prognos", "Avvikelse"]
    rows = [(line.name, line.row_type, *_values(line, ("budget", "forecast", "deviation"))) for line in [*table.rows, table.total]]
    assert rows == [
        ("Taxor och avgifter", "top", D("-45.0"), D("-47.0"), D("2.0")),
        ("Bidrag", "top", D("-120.0"), D("-118.5"), D("-1.5")),
        ("Summa intäkter", "sum", D("-165.0"), D("-165.5"), D("0.5")),
        ("Personalkostnader", "top", D("840.0"), D("851.0"), D("-11.0")),
        ("Lokalkostnader", "top", D("115.0"), D("114.8"), D("0.2")),
        ("Summa kostnader", "sum", D("955.0"), D("965.8"), D("-10.8")),
        ("Netto", "total", D("790.0"), D("800.3"), D("-10.3")),
    ]
    assert section.sentences == []  # the sentence on the net cost compares two years' outcome, which this table has not


def test_result_units_with_their_declared_columns(report):
    section = report.economy.result_units
    assert section.sentences[0].startswith("Nämnden har två resultatenheter.")
    assert [h for _, h in section.table.columns][0] == "Bruttobudget 2025"
    assert [line.values["carried"] for line in section.table.rows] == [D("1710"), D("2584")]


def test_html_and_word_print_the_declared_tables(report):
    html = render_html(report)
    assert "<th>Justerad budget</th><th>Prognos före resultatöverföringar</th><th>Prognos</th><th>Avvikelse</th><th>Förbrukning %</th>" in html
    assert "Intäkter och kostnader per kostnadsgruppering" in html
    tables = [[c.text for c in t.rows[0].cells] for t in Document(io.BytesIO(document_bytes(report))).tables]
    assert ["Mnkr", "Budget", "Prognos", "Avvikelse"] in tables
    assert ["Mnkr", "Budget", "Begärda budgetjusteringar", "Prestationsförändringar", "Justerad budget",
            "Prognos före resultatöverföringar", "Prognos", "Avvikelse", "Förbrukning %"] in tables


def _broken_copy(tmp_path, change):
    """The cycle copied with its profile changed, its plan still the mini one."""
    changed_copy(ECON, tmp_path / "cykel", "profil.yaml", change)
    (tmp_path / "cykel" / "cycle.yaml").write_text(
        (ECON / "cycle.yaml").read_text(encoding="utf-8").replace("../mini/plan.yaml", str(DATA / "mini" / "plan.yaml")),
        encoding="utf-8")
    return tmp_path / "cykel" / "cycle.yaml"


def test_check_config_names_the_profile_file_and_the_key(tmp_path):
    def computed_without_inputs(profile):
        profile["economy"]["operations"]["columns"].remove("performance")
        profile["economy"]["operations"]["columns"].remove("requested")
        profile["economy"]["operations"]["columns"].remove("forecast_before")
    with pytest.raises(ConfigError) as caught:
        load_cycle(_broken_copy(tmp_path, computed_without_inputs))
    assert caught.value.file.name == "profil.yaml"
    assert caught.value.problems == [
        "economy.operations: columns[1]: kolumnen 'adjusted_budget' räknas fram ur (budget, requested, performance) eller "
        "(budget, requested), men tabellen saknar dem; lägg till kolumnerna eller ange entered: true"]


def test_a_resultatenhet_without_bruttobudget_can_be_entered(tmp_path):
    def without_budget(profile):
        profile["economy"]["result_units"] = {"columns": ["result"]}
    cycle = load_cycle(_broken_copy(tmp_path, without_budget))
    rows = _rows(cycle)
    rows["result_units"] = [{"name": "Tillståndsenheten", "result": "-238"}, {"name": "Lokalplanerarna", "result": "-681"}]
    path = write_filled(tmp_path, cycle, "stab", rows)
    (found,) = check_submissions([read_submission(path, cycle)], cycle)
    assert [f.line() for f in found if f.rule_id.startswith("result_unit")] == []
    accepted = {c: accepted_version(cycle, tmp_path / "inkorg", c) for c in ("barn", "aldre")}
    accepted["stab"] = accepted_version(cycle, tmp_path / "inkorg", "stab", rows)
    section = build_report(cycle, accepted).economy.result_units
    assert [h for _, h in section.table.columns] == ["Resultat 2025 Överskott (-) Underskott (+)"]
    assert section.sentences[0].startswith("Nämnden har två resultatenheter.")
    assert section.table.total.values["result"] == D("-919")


def test_the_deviation_headings_take_a_column_of_the_declared_driftbudget(tmp_path):
    def headed_by(column):
        return lambda profile: profile.update(deviation_headings={"column": column})
    assert load_cycle(_broken_copy(tmp_path / "a", headed_by("adjusted_budget"))).outline.deviation_headings.column == "adjusted_budget"
    with pytest.raises(ConfigError) as caught:
        load_cycle(_broken_copy(tmp_path / "b", headed_by("transfer")))
    assert caught.value.problems == [
        "deviation_headings.column: kolumnen 'transfer' finns inte i driftbudgeten i en T2; välj bland: budget, requested, "
        "performance, adjusted_budget, forecast_before, forecast_after, deviation, consumption"]


# --- a declared Intäkter och kostnader with a justering row and the nämnd's own total (issue 15, point 2) -----------

# Netto as printed; a resultatöverföring after it (Typ justering); Nämnden totalt as the nämnd typed it (no Typ): its
# Prognos 806,4 and Avvikelse -16,4 lie 0,1 from Σ of the rounded rows (806,3, -16,3), within 0,05 × (5 + 1).
JUSTERING = ("Resultatöverföring", "justering", "", "6,0")
NET_ROW = ("Netto", "", "790,0", "800,3")


def _with_total(cycle, total):
    rows = _rows(cycle)
    rows["revenue_costs"] += [dict(zip(("name", "kind", "budget", "forecast"), r)) for r in (NET_ROW, JUSTERING, total)]
    return rows


def test_the_nämndens_total_after_the_justering_rows_is_printed_as_typed(cycle, tmp_path):
    rows = _with_total(cycle, ("Nämnden totalt", "", "790,0", "806,4"))
    (found,) = check_submissions([read_submission(write_filled(tmp_path, cycle, "stab", rows), cycle)], cycle)
    # Netto is checked against the posts only (not the justering row after it), the total against every row
    assert [f.line() for f in found if f.rule_id.startswith(("economy_total", "revenue"))] == []
    accepted = {c: accepted_version(cycle, tmp_path / "inkorg", c) for c in ("barn", "aldre")}
    accepted["stab"] = accepted_version(cycle, tmp_path / "inkorg", "stab", rows)
    table = build_report(cycle, accepted).economy.revenue_costs.table
    assert [(line.name, line.row_type) for line in table.rows[-2:]] == [("Netto", "sum"), ("Resultatöverföring", "below")]
    assert (table.total.name, _values(table.total, ("budget", "forecast", "deviation"))) == (
        "Nämnden totalt", (D("790.0"), D("806.4"), D("-16.4")))  # Avvikelse from the total's own figures


def test_a_nämndens_total_off_by_more_than_rounding_names_every_row(cycle, tmp_path):
    rows = _with_total(cycle, ("Nämnden totalt", "", "790,0", "807,0"))  # Σ 806,3; 6 terms: ±0,30
    (found,) = check_submissions([read_submission(write_filled(tmp_path, cycle, "stab", rows), cycle)], cycle)
    (gap,) = [f for f in found if f.rule_id == "economy_total_mismatch"]
    assert (gap.item_name, gap.value) == ("Nämnden totalt", "807,0")
    assert "'Taxor och avgifter', 'Bidrag', 'Personalkostnader', 'Lokalkostnader', 'Resultatöverföring'" in gap.message


def test_a_typed_avvikelse_is_kept_as_typed_and_held_to_its_formula_within_rounding(tmp_path):
    """With `entered: true` on Avvikelse the owner types it as printed: 2,1 for 2,0 (= -45,0 − -47,0) passes (two
    terms: ±0,15) and is printed as typed; 2,2 is an error at its cell; a row without its Budget is not judged."""
    def typed(profile):
        profile["economy"]["revenue_costs"]["columns"] = ["budget", "forecast", {"column": "deviation", "entered": True}]
    cycle = load_cycle(_broken_copy(tmp_path, typed))

    def found(deviations):
        rows = _rows(cycle)
        rows["revenue_costs"].append(dict(zip(("name", "kind", "budget", "forecast"), JUSTERING)))
        for row, deviation in zip(rows["revenue_costs"], deviations):
            row["deviation"] = deviation
        path = write_filled(tmp_path, cycle, "stab", rows, name=f"stab-{deviations[0]}.xlsx")
        return rows, [f for f in check_submissions([read_submission(path, cycle)], cycle)[0] if f.rule_id == "economy_row_identity"]

    rows, none = found(("2,1", "-1,5", "-11,0", "0,2", "-6,0"))
    assert none == []
    accepted = {c: accepted_version(cycle, tmp_path / "inkorg", c) for c in ("barn", "aldre")}
    accepted["stab"] = accepted_version(cycle, tmp_path / "inkorg", "stab", rows)
    table = build_report(cycle, accepted).economy.revenue_costs.table
    assert table.rows[0].values["deviation"] == D("2.1")
    _, (off,) = found(("2,2", "-1,5", "-11,0", "0,2", "-9,9"))
    assert (off.item_id, off.column, off.value) == ("Taxor och avgifter", "Avvikelse (mnkr)", "2,2")
    assert "stämmer inte med beräkningen (2,0 mnkr)" in off.message
