"""Tables inside free sections (issue 14), on the invented plan in tests/data/goal-parts: Synpunkter och klagomål
with fixed rows and the word 'Flera' (under a goal), and Idéer från brukarna with the owner's own rows. The owner
fills them on the workbook's sheet Tabeller; each cell is checked; the report prints them in HTML, Word and JSON."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook

from tasks.validation import validate_submission
from tertial.config import load_cycle
from tertial.errors import ConfigError
from tertial.reading import read_submission
from tertial.render.formats import render_json
from tertial.render.html import render_html
from tertial.render.word import document_bytes
from tertial.report import walk_goals, walk_sections
from tertial.section_tables import value_keys
from tertial.workbooks import Handout, prefilled_rows, write_csv_folder, write_workbook
from tests.builders import changed_copy
from tests.test_goal_parts import PARTS, _rows, cycle, report  # noqa: F401 - the same cycle and report fixtures


def _section(report, key):
    in_tree = [s for g in walk_goals(report.goals) for s in g.sections]
    return next(s for s in walk_sections([*report.sections, *in_tree]) if s.key == key)


def test_only_the_owner_gets_the_tabeller_sheet_with_its_rows_and_open_cells(cycle, tmp_path):
    assert "tables" not in prefilled_rows(cycle, "stab")
    handout = Handout(deadline=dt.date(2026, 1, 26), stamp=dt.datetime(2025, 12, 31))
    path = write_workbook(tmp_path / "iof.xlsx", cycle, "iof", prefilled_rows(cycle, "iof"), handout)
    sheet = load_workbook(path)["Tabeller"]
    assert any(str(r[0].value).startswith("I bladet Tabeller") for r in load_workbook(path)["Instruktioner"].iter_rows())
    assert [c.value for c in sheet[1]] == ["Avsnitt", "Rad", "Klagomål/synpunkter", "Beröm", "Antal"]
    assert [(r[0].value, r[1].value) for r in sheet.iter_rows(min_row=2, max_row=5)] == [
        ("klagomal", "Handläggning"), ("klagomal", "Bemötande"), ("klagomal", "Övrigt"), ("ideer", None)]
    locked = [[c.protection.locked for c in row] for row in sheet.iter_rows(min_row=2, max_row=5)]
    assert locked[0] == [True, True, False, False, True]  # a fixed row: its own table's values only
    assert locked[3] == [True, False, True, False, False]  # the owner's own row: its name and its table's values
    assert "Tabeller" not in load_workbook(write_workbook(tmp_path / "stab.xlsx", cycle, "stab", _rows(cycle, "stab"))).sheetnames


def test_a_filled_table_passes_in_a_workbook_and_in_csv(cycle, tmp_path):
    for path in (write_workbook(tmp_path / "iof.xlsx", cycle, "iof", _rows(cycle, "iof")),
                 write_csv_folder(tmp_path / "iof", cycle, "iof", _rows(cycle, "iof"))):
        submission = read_submission(path, cycle)
        assert sum(bool(name) for name in submission.frame("tables")["row"]) == 5  # the open rows left empty too
        assert [f.line() for f in validate_submission.fn(submission, cycle)] == []


@pytest.mark.parametrize("change, expected", [
    (lambda row, keys: row.update({keys["Klagomål/synpunkter"]: "många"}),
     "FEL: iof.xlsx, blad 'Tabeller', cell C2, rad 2, kolumn 'Klagomål/synpunkter': Värdet 'många' i tabellen Synpunkter och "
     "klagomål är inte ett tal eller 'Flera'. Skriv talet med decimalkomma, t.ex. 7 eller 1,5, eller lämna cellen tom."),
    (lambda row, keys: row.update({keys["Antal"]: "4"}),
     "FEL: iof.xlsx, blad 'Tabeller', cell E2, rad 2, kolumn 'Antal': Kolumnen hör inte till tabellen Synpunkter och klagomål, "
     "så värdet '4' kan inte skrivas ut. Skriv det i tabellens egna kolumner."),
    (lambda row, keys: row.update(row="Teknik"),
     "FEL: iof.xlsx, blad 'Tabeller', cell B2, rad 2, kolumn 'Rad': Raden 'Teknik' finns inte i tabellen Synpunkter och "
     "klagomål. Välj en av raderna: Handläggning, Bemötande, Övrigt."),
    (lambda row, keys: row.update(key="lex_sarah"),
     "FEL: iof.xlsx, blad 'Tabeller', cell A2, rad 2, kolumn 'Avsnitt': Tabellen 'lex_sarah' finns inte bland de tabeller ni "
     "ansvarar för (klagomal, ideer). Ändra inte kolumnen Avsnitt."),
])
def test_each_cell_is_checked_with_a_swedish_message(cycle, tmp_path, change, expected):
    rows = _rows(cycle, "iof")
    change(rows["tables"][0], value_keys(cycle.outline))
    path = write_workbook(tmp_path / "iof.xlsx", cycle, "iof", rows)
    assert expected in [f.line() for f in validate_submission.fn(read_submission(path, cycle), cycle)]


def test_the_tables_are_printed_in_every_format(report):
    complaints = _section(report, "klagomal").table
    assert (complaints.corner, complaints.columns) == ("2025", [("klagomal", "Klagomål/synpunkter"), ("berom", "Beröm")])
    assert [(r.name, r.values) for r in complaints.rows] == [
        ("Handläggning", {"klagomal": Decimal(7), "berom": None}), ("Bemötande", {"klagomal": Decimal(5), "berom": Decimal(1)}),
        ("Övrigt", {"klagomal": Decimal(1), "berom": "Flera"})]
    ideas = _section(report, "ideer").table
    assert [(r.name, r.values) for r in ideas.rows] == [
        ("Digitala tjänster", {"antal": Decimal(3), "berom": None}), ("Öppettider", {"antal": Decimal(1150), "berom": Decimal("2.5")})]
    html = render_html(report)
    assert ('<table class="data section-table"><colgroup><col class="col-name"><col class="col-figure"><col class="col-figure">'
            '</colgroup><thead><tr><th>2025</th><th>Klagomål/synpunkter</th><th>Beröm</th></tr>'
            '</thead><tbody><tr><td>Handläggning</td><td class="num">7</td><td class="num"></td></tr>') in html
    assert '<tr><td>Övrigt</td><td class="num">1</td><td class="num">Flera</td></tr>' in html
    assert '<tr><td>Öppettider</td><td class="num">1\xa0150</td><td class="num">2,5</td></tr>' in html
    doc = Document(io.BytesIO(document_bytes(report)))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "2025")
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["2025", "Klagomål/synpunkter", "Beröm"], ["Handläggning", "7", ""], ["Bemötande", "5", "1"], ["Övrigt", "1", "Flera"]]
    data = json.loads(render_json(report))
    ideer = next(s for s in data["sections"] if s["key"] == "ideer")
    assert ideer["table"]["rows"][1] == {"name": "Öppettider", "values": {"antal": 1150.0, "berom": 2.5}}


@pytest.mark.parametrize("change, expected", [
    (lambda p: p["parts"][3]["table"]["columns"].append({"key": "x", "heading": "Beröm"}),
     "parts[3].table: kolumnrubriken 'Beröm' står mer än en gång i tabellen"),
    (lambda p: p["parts"][3]["table"]["columns"].append({"key": "rad", "heading": "Rad"}),
     "parts[3].table: kolumnrubriken 'Rad' är upptagen av arbetsbokens bladet Tabeller; välj en annan rubrik"),
    (lambda p: p["parts"][3]["table"].update(columns=[]), "parts[3].table.columns: förväntade minst 1 element"),
    (lambda p: p["parts"].append({"part": "section", "key": "rubrik", "title": "Rubrik", "sections": [
        {"key": "under", "title": "Under", "owner": "stab"}], "table": {"columns": [{"key": "a", "heading": "A"}]}}),
     "parts[5].table: avsnittet 'rubrik' har en tabell men ingen ägare (owner) som fyller i den"),
    (lambda p: p["parts"][0].update(table={"columns": [{"key": "a", "heading": "A"}]}),
     "parts[0]: table gäller bara fria avsnitt (part: section), inte part: summary"),
])
def test_check_config_refuses_a_wrong_table_naming_the_key(tmp_path, change, expected):
    with pytest.raises(ConfigError) as caught:
        load_cycle(changed_copy(PARTS, tmp_path, "profil.yaml", change))
    assert caught.value.file.name == "profil.yaml"
    assert expected in caught.value.problems, caught.value.problems
