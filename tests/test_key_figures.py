"""Nyckeltal sheets and the Total driftbudget sheet: read, checked at the cell, assembled and printed as published.

The small tables are invented; the demo's economy submission carries seed 004's seven key-figure tables and its
total driftbudget (written by scripts/make_demo_data.py from the seed rows), compared here cell by cell with the
published rows in tests/data/seed004_economy.csv (a copy of the shared extraction).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook

from tests.builders import write_filled_csv
from tertial.accepted import Accepted
from tertial.archive import content_hash
from tertial.assembly import build_report
from tertial.checking.free_tables import free_table_findings
from tertial.config import load_cycle
from tertial.findings import Severity
from tertial.key_figures import key_figure_tables, read_key_figures, read_total_budget
from tertial.ledger import ACCEPTED, Version
from tertial.plan import EconomyRow, RowType
from tertial.reading import FORMULA, read_submission
from tertial.report import Economy, TextBlock
from tertial.reading.xlsx import workbook_tables
from tertial.render.formats import render_json
from tertial.render.html import render_html
from tertial.render.word import document_bytes

DEMO = Path(__file__).resolve().parents[1] / "examples" / "eav-t1-2024"
SEED = Path(__file__).parent / "data" / "seed004_economy.csv"
AREAS = [EconomyRow(id="iof", name="Individ- och familjeomsorg"),
         EconomyRow(id="iof-vuxna", name="varav vuxna", row_type=RowType.VARAV, parent="iof"),
         EconomyRow(id="forskola", name="Förskoleverksamhet")]
NBSP = "\u00a0"


def _table(*rows: list[object]) -> list[list[object]]:
    return [list(r) for r in rows]


def test_values_keep_their_printed_form_and_marks():
    table, found = read_key_figures("Nyckeltal test", _table(
        ["Nyckeltal", "2023", "T1 2024", "Utv"],
        ["Antal barn", 1074, "3 586", "-2%"],
        ["Snitt barngrupp", 27.1, "16,0", "35,5 %"],
        ["Missbruk"],
        ["Dygn per individ", "i.u.", "-", ""],
        ["Verksamhetsområde", "forskola"],
        ["Fotnot", "* Genomsnitt per månad"],
        ["Fotnot", "Statistik för april saknas"],
    ), AREAS)
    assert found == []
    assert (table.area, table.name_header, table.columns) == ("forskola", "Nyckeltal", ["2023", "T1 2024", "Utv"])
    assert [(r.label, r.cells, r.group) for r in table.rows] == [
        ("Antal barn", [f"1{NBSP}074", f"3{NBSP}586", "-2%"], False),
        ("Snitt barngrupp", ["27,1", "16,0", f"35,5{NBSP}%"], False),
        ("Missbruk", ["", "", ""], True),
        ("Dygn per individ", ["i.u.", "-", ""], False),
    ]
    assert table.notes == ["* Genomsnitt per månad", "Statistik för april saknas"]


def test_a_table_follows_its_areas_own_text_else_its_parents_else_the_last():
    tables = [read_key_figures(f"Nyckeltal {n}", _table(["Nyckeltal", "2024"], ["Ärenden", "5"], ["Verksamhetsområde", area]),
                               AREAS)[0] for n, area in (("a", "varav vuxna"), ("b", "forskola"), ("c", "iof"))]
    assert [(t.area, t.parent) for t in tables] == [("iof-vuxna", "iof"), ("forskola", ""), ("iof", "")]  # named by name or id

    def placed(*keys: str) -> list[list[str]]:
        economy = Economy(area_texts=[TextBlock(key=k, title=k, owner="", missing=False) for k in keys], key_figures=tables)
        return [[t.sheet for t in economy.key_figures_for(k)] for k in keys]
    assert placed("ekonomi:iof", "ekonomi:forskola") == [["Nyckeltal a", "Nyckeltal c"], ["Nyckeltal b"]]
    assert placed("ekonomi:iof", "ekonomi:iof-vuxna", "ekonomi:forskola") == [["Nyckeltal c"], ["Nyckeltal a"], ["Nyckeltal b"]]
    assert placed("ekonomi:iof", "ekonomi:aldre") == [["Nyckeltal a", "Nyckeltal c"], ["Nyckeltal b"]]  # no text of its own


def test_text_where_a_number_belongs_is_an_error_naming_sheet_cell_and_value():
    table, found = read_key_figures("Nyckeltal förskola", _table(
        ["Nyckeltal", "Snitt 2023", "T1 2024"],
        ["Antal barn", "3 473", "ca 3 500"],
        ["Verksamhetsområde", "forskola"],
    ), AREAS)
    assert [(f.rule_id, f.severity, f.sheet, f.row, f.column, f.value) for f in found] == [
        ("free_table_not_number", Severity.ERROR, "Nyckeltal förskola", 2, "T1 2024", "ca 3 500")]
    assert "Cell C2 i bladet 'Nyckeltal förskola' innehåller 'ca 3 500'" in found[0].message
    assert "i.u." in found[0].message  # says what to do
    assert table.rows[0].cells == [f"3{NBSP}473", ""]


def test_a_formula_is_never_read_and_a_value_needs_a_column_header():
    _, found = read_key_figures("Nyckeltal x", _table(
        ["Nyckeltal", "2024"],
        ["Antal", FORMULA, "7"],
        ["Verksamhetsområde", "forskola"],
    ), AREAS)
    assert [(f.rule_id, f.row, f.column) for f in found] == [("formula", 2, "2024"), ("free_table_no_header", 2, None)]
    assert "cell C1" in found[1].message


@pytest.mark.parametrize("meta, rule", [([], "key_figure_area_missing"), ([["Verksamhetsområde", "okänt"]], "key_figure_area_unknown")])
def test_a_table_without_a_known_area_is_an_error_and_not_printed(meta, rule):
    table, found = read_key_figures("Nyckeltal x", _table(["Nyckeltal", "2024"], ["Antal", "1"], *meta), AREAS)
    assert table is None
    assert [f.rule_id for f in found] == [rule] and "forskola" in found[0].message


def test_total_budget_rows_are_checked_against_their_avvikelse():
    header = ["Mnkr", "Budget", "Begärda budgetjusteringar", "Prestations- och omslutningsförändringar", "Prognos", "Avvikelse"]
    table, found = read_total_budget("Total driftbudget", _table(
        header,
        ["Kostnader", "3 152,1", "0,9", "96,5", "3 261,0", "-11,4"],  # within 0,1 of −11,5
        ["Intäkter", "-412,5", "0,0", "-85,6", "-503,1", "4,0"],  # computed 5,0
        ["Prognos/avvikelse efter resultatdispositioner", "", "", "", "", "0,0"],
    ), "mnkr")
    assert [(f.rule_id, f.row, f.column) for f in found] == [("total_budget_identity", 3, "Avvikelse")]
    assert "'Intäkter'" in found[0].message and "5,0" in found[0].message
    assert [line.name for line in table.rows] == ["Kostnader", "Intäkter"]
    assert table.total.name.startswith("Prognos/avvikelse efter") and table.total.values["budget"] is None
    _, missing = read_total_budget("Total driftbudget", _table(header[:-1], ["Kostnader", "1", "0", "0", "1"]), "mnkr")
    assert [(f.rule_id, f.column) for f in missing] == [("total_budget_header", "Avvikelse")]


def test_numbers_typed_in_excel_keep_the_decimals_the_cell_shows(tmp_path):
    workbook = Workbook()
    ws = workbook.active
    ws.title = "nyckeltal förskola"  # the prefix in any case
    ws.append(["Nyckeltal", "Snitt 2023", "T1 2024", "Andel"])
    ws.append(["Snitt barngrupp", 16.0, 1074, 0.355])
    ws["B2"].number_format, ws["D2"].number_format = "0.0", "0.0%"
    ws.append(["Verksamhetsområde", "forskola"])
    workbook.save(tmp_path / "n.xlsx")
    tables = workbook_tables(tmp_path / "n.xlsx")
    table, found = read_key_figures("nyckeltal förskola", tables["nyckeltal förskola"], AREAS)
    assert found == [] and table.rows[0].cells == ["16,0", f"1{NBSP}074", f"35,5{NBSP}%"]


def test_a_csv_folder_carries_key_figures_from_any_contributor_but_the_total_only_from_the_economy_owner(tmp_path, mini_cycle):
    folder = write_filled_csv(tmp_path, mini_cycle, "barn")
    (folder / "Nyckeltal barn.csv").write_text("Nyckeltal;2023;T1 2024\nPlaceringar;1 010;i.u.\nVerksamhetsområde;iof-barn\n",
                                               encoding="utf-8")
    (folder / "Total driftbudget.csv").write_text("Mnkr;Avvikelse\nNetto;0,0\n", encoding="utf-8")
    submission = read_submission(folder, mini_cycle)
    assert [(f.rule_id, f.sheet) for f in free_table_findings(submission, mini_cycle)] == [
        ("economy_sheet_not_owner", "Total driftbudget")]
    (table,) = key_figure_tables([submission], mini_cycle.plan.economy.areas)
    assert (table.area, table.parent, table.rows[0].cells) == ("iof-barn", "iof", [f"1{NBSP}010", "i.u."])


def test_a_merged_cell_is_an_error_at_the_cell_it_covers(tmp_path):
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Nyckeltal äldre"
    ws.append(["Nyckeltal", "Snitt 2023", "Budget 2024"])
    ws.append(["Servicehus", "118", "100"])
    ws.append(["Verksamhetsområde", "aldre"])
    ws.merge_cells("B2:C2")
    workbook.save(tmp_path / "m.xlsx")
    _, found = read_key_figures("Nyckeltal äldre", workbook_tables(tmp_path / "m.xlsx")["Nyckeltal äldre"],
                                [EconomyRow(id="aldre", name="Äldreomsorg")])
    assert [(f.rule_id, f.row, f.column) for f in found] == [("free_table_merged", 2, "Budget 2024")]
    assert "Cell C2" in found[0].message and "B2:C2" in found[0].message


# --------------------------------------------------------------------------- the demo, against the published tables


@pytest.fixture(scope="module")
def demo():
    cycle = load_cycle(DEMO / "cycle.yaml")
    path = DEMO / "submissions" / "ekonomi.xlsx"
    submission = read_submission(path, cycle)
    version = Version(id=1, cycle_id=cycle.config.id, contributor_id="ekonomi", number=1, sha256=content_hash(path),
                      original_name=path.name, archive_path=str(path), received_at=dt.datetime(2024, 5, 6, tzinfo=dt.UTC),
                      status=ACCEPTED, errors=0, warnings=0)
    report = build_report(cycle, {"ekonomi": Accepted(submission, version)})
    return cycle, submission, report


def _published(table_prefix: str) -> dict[str, dict[tuple[str, str], str]]:
    """table -> (row label, column) -> value as printed, for the seed tables whose name starts with the prefix."""
    out: dict[str, dict[tuple[str, str], str]] = {}
    for row in csv.DictReader(SEED.open(encoding="utf-8")):
        if row["table"].startswith(table_prefix) and row["row_label"] not in ("(header)", "(note)"):
            out.setdefault(row["table"], {})[row["row_label"], row["column"]] = row["value_raw"]
    return out


def _plain(text: str) -> str:
    return text.replace(NBSP, " ")


def test_the_demo_submission_passes_its_free_table_checks(demo):
    cycle, submission, _ = demo
    assert len(submission.free_tables) == 8
    assert free_table_findings(submission, cycle) == []


SEED_SHEETS = {"Nyckeltal, IoF barn": "Nyckeltal IoF barn och unga", "Nyckeltal, IoF vuxna": "Nyckeltal IoF vuxna",
               "Socialpsykiatri": "Nyckeltal socialpsykiatri", "Förskoleverksamhet – nyckeltal": "Nyckeltal förskola",
               "Äldreomsorg – nyckeltal": "Nyckeltal äldreomsorg",
               "Stöd och service till personer med funktionsnedsättning –": "Nyckeltal LSS",
               "Ekonomiskt bistånd – nyckeltal": "Nyckeltal ekonomiskt bistånd"}


def compare_key_figures(report: dict) -> int:
    """Assert every published cell of seed 004's seven key-figure tables in report.json as printed; the cells compared."""
    produced: dict[tuple[str, str, str], str] = {}
    for table in report["economy"]["key_figures"]:
        group = ""
        for row in table["rows"]:
            group = row["label"] if row["group"] else group
            label = f"{group} | {row['label']}" if group and not row["group"] else row["label"]
            produced |= {(table["sheet"], label, column): _plain(cell) for column, cell in zip(table["columns"], row["cells"])}
    compared = 0
    for prefix, sheet in SEED_SHEETS.items():
        (cells,) = _published(prefix).values()
        for (label, column), printed in cells.items():
            assert produced[sheet, label, column] == printed, (sheet, label, column)
            compared += 1
    assert compared == sum(1 for cell in produced.values() if cell)  # and nothing printed beyond them
    return compared


def compare_total_budget(report: dict) -> int:
    """Assert every published cell of seed 004's total driftbudget (E1) in report.json; the cells compared."""
    table = report["economy"]["total_budget"]
    headers = dict(table["columns"])
    printed = {(line["name"], headers[key]): f"{value:.1f}" for line in [*table["rows"], table["total"]]
               for key, value in line["values"].items() if value is not None}
    (published,) = _published("Uppföljning av driftbudget – nämndens totala").values()
    assert printed == {key: _plain(raw).replace(" ", "").replace(",", ".") for key, raw in published.items()}
    return len(printed)


def test_every_key_figure_cell_of_seed_004_reaches_report_json_as_printed(demo):
    _, _, report = demo
    produced = json.loads(render_json(report))
    assert compare_key_figures(produced) == 267
    tables = produced["economy"]["key_figures"]
    places = [(t["sheet"], t["area"]) for t in tables]
    assert places[:3] == [("Nyckeltal IoF barn och unga", "iof-barn"), ("Nyckeltal IoF vuxna", "iof-vuxna"),
                          ("Nyckeltal socialpsykiatri", "iof-socialpsykiatri")]
    assert [t["notes"] for t in tables][-1] == ["Siffror hämtas från Sweco"]


def test_the_total_driftbudget_reaches_report_json_as_printed(demo):
    _, _, report = demo
    assert compare_total_budget(json.loads(render_json(report))) == 19


def test_html_and_word_print_each_table_after_its_area_text(demo):
    _, _, report = demo
    html = render_html(report)
    start = html.index('id="uppfoljning-ekonomi"')
    assert html.index("Anslag för nämndens verksamhet (netto)", start) < html.index(
        'id="tabell-driftbudget-per-verksamhetsomrade"')
    iof_text, forskola_text = (html.index(f"<h4>{title}", start) for title in ("Individ- och familjeomsorg", "Förskoleverksamhet"))
    assert iof_text < html.index('id="nyckeltal-nyckeltal-iof-barn-och-unga"') < forskola_text
    assert forskola_text < html.index('id="nyckeltal-nyckeltal-forskola"')
    assert f"<td class=\"num\">35,5%</td>" in html and "<td class=\"num\">i.u.</td>" in html
    doc = Document(io.BytesIO(document_bytes(report)))
    texts = [[c.text for c in t.rows[0].cells] for t in doc.tables]
    assert ["Nyckeltal", "Snitt 2023", "T1 2023", "T1 2024"] in texts
    assert ["Mnkr", "Budget", "Begärda budgetjusteringar", "Prestations- och omslutningsförändringar", "Prognos", "Avvikelse"] in texts


def test_a_date_a_truncated_number_or_a_range_is_not_read_as_its_first_number():
    """Excel's 2024-02-05 for 5,2, '118,' and '24–25' were read as 2024, 118 and 24 (issue 16)."""
    header = ["Mnkr", "Budget", "Begärda budgetjusteringar", "Prestations- och omslutningsförändringar", "Prognos", "Avvikelse"]
    _, found = read_total_budget("Total driftbudget", _table(
        header, ["Kostnader", "2024-02-05", "118,", "24–25", "3 261,0", ""]), "mnkr")
    assert [(f.rule_id, f.column) for f in found] == [
        ("free_table_not_number", "Budget"), ("free_table_not_number", "Begärda budgetjusteringar"),
        ("free_table_not_number", "Prestations- och omslutningsförändringar")]
    assert "Excel har gjort talet till ett datum; skriv 5,2" in found[0].message
    _, found = read_key_figures("Nyckeltal x", _table(["Nyckeltal", "2024"], ["Antal", "118,"], ["Verksamhetsområde", "forskola"]),
                                AREAS)
    assert [(f.rule_id, f.value) for f in found] == [("free_table_not_number", "118,")]
