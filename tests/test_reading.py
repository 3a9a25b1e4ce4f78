"""Reading submissions: real xlsx files and CSV folders, and every structural mistake named."""

from pathlib import Path

import openpyxl
import pytest

from tertial.reading import read_submission
from tests.builders import write_filled, write_filled_csv
from tertial.errors import SubmissionError

read = read_submission


def test_workbook_round_trips_every_owned_item(tmp_path, mini_cycle):
    submission = read(write_filled(tmp_path, mini_cycle, "barn"), mini_cycle)
    assert submission.contributor_id == "barn"
    indicators = submission.frame("indicators").set_index("id")
    assert set(indicators.index) == {"1.1-I1", "1.1-I2", "1.1.1-I1"}
    assert indicators.loc["1.1-I1", "outcome"] == "72 %"
    assert indicators.loc["1.1-I1", "_row"] == 2
    assert "economy" not in submission.frames  # only the economy owner gets economy sheets


def test_csv_folder_reads_like_the_workbook(tmp_path, mini_cycle):
    from_csv = read(write_filled_csv(tmp_path / "csv", mini_cycle, "stab"), mini_cycle)
    from_xlsx = read(write_filled(tmp_path, mini_cycle, "stab"), mini_cycle)
    for key in ("goals", "texts", "economy", "investments"):
        assert from_csv.frame(key).to_dict("records") == from_xlsx.frame(key).to_dict("records"), key


def test_semicolon_and_comma_csv_both_read(tmp_path, mini_cycle):
    folder = write_filled_csv(tmp_path, mini_cycle, "aldre")
    text = (folder / "indikatorer.csv").read_text(encoding="utf-8")
    (folder / "indikatorer.csv").write_text(text.replace(";", "\t"), encoding="utf-8-sig")
    frame = read(folder, mini_cycle).frame("indicators")
    assert frame.loc[0, "outcome"] == "84 %"


def _edit(path: Path, change) -> Path:
    workbook = openpyxl.load_workbook(path)
    change(workbook)
    workbook.save(path)
    return path


def test_percent_formatted_cell_reads_as_percent(tmp_path, mini_cycle):
    def percent_cell(wb):
        cell = wb["Indikatorer"]["F2"]  # Periodens utfall of the first indicator
        cell.value, cell.number_format = 0.345, "0.0%"
    path = _edit(write_filled(tmp_path, mini_cycle, "barn"), percent_cell)
    assert read(path, mini_cycle).frame("indicators").loc[0, "outcome"] == "34.5 %"


def test_moved_columns_are_found_by_header(tmp_path, mini_cycle):
    path = _edit(write_filled(tmp_path, mini_cycle, "barn"), lambda wb: wb["Indikatorer"].move_range("A1:A10", cols=20))
    frame = read(path, mini_cycle).frame("indicators")
    assert set(frame["id"]) == {"1.1-I1", "1.1-I2", "1.1.1-I1"}


def _structure_error(path: Path, cycle) -> SubmissionError:
    with pytest.raises(SubmissionError) as caught:
        read(path, cycle)
    return caught.value


def test_not_a_workbook(tmp_path, mini_cycle):
    path = tmp_path / "rapport.xlsx"
    path.write_text("det här är ingen arbetsbok", encoding="utf-8")
    error = _structure_error(path, mini_cycle)
    assert error.file == "rapport.xlsx"
    assert "inte en Excel-arbetsbok" in error.message


def test_renamed_sheet_is_named(tmp_path, mini_cycle):
    path = _edit(write_filled(tmp_path, mini_cycle, "barn"), lambda wb: setattr(wb["Aktiviteter"], "title", "Aktiviteter 2025"))
    error = _structure_error(path, mini_cycle)
    assert (error.sheet, error.contributor_id) == ("Aktiviteter", "barn")
    assert "bladet 'Aktiviteter' saknas" in error.located_message


def test_missing_required_header_names_sheet_row_and_column(tmp_path, mini_cycle):
    path = _edit(write_filled(tmp_path, mini_cycle, "barn"), lambda wb: setattr(wb["Indikatorer"]["F1"], "value", "Utfall"))
    error = _structure_error(path, mini_cycle)
    assert (error.sheet, error.row, error.column) == ("Indikatorer", 1, "Periodens utfall")


def test_workbook_from_another_cycle_is_refused(tmp_path, mini_cycle):
    path = _edit(write_filled(tmp_path, mini_cycle, "barn"), lambda wb: setattr(wb["_tertial"]["B1"], "value", "testdal-t1-2024"))
    error = _structure_error(path, mini_cycle)
    assert error.column == "cykel" and "testdal-t1-2024" in error.message


def test_missing_meta_sheet_is_refused(tmp_path, mini_cycle):
    path = _edit(write_filled(tmp_path, mini_cycle, "barn"), lambda wb: wb.remove(wb["_tertial"]))
    assert "'_tertial' saknas" in _structure_error(path, mini_cycle).message


def test_unknown_template_version_is_refused(tmp_path, mini_cycle):
    path = _edit(write_filled(tmp_path, mini_cycle, "barn"), lambda wb: setattr(wb["_tertial"]["B3"], "value", "0"))
    assert "mallversion 0 stöds inte" in _structure_error(path, mini_cycle).message


@pytest.mark.parametrize("name, analysis", [
    ("vertical-tab-from-word.xlsx", "Målet 1.1 nås\nenligt plan."),  # _x000B_ decoded, then a line break
    ("csv-control-characters", "Målet nås\nenligt plan.[31m Röd[0m"),  # CR a line break; ESC and BEL gone
])
def test_control_characters_are_cleaned_at_the_door_with_a_note(name, analysis, mini_cycle):
    submission = read(Path(__file__).parent / "data" / "bad" / name, mini_cycle)
    assert submission.frame("goals").iloc[0]["analysis"] == analysis
    assert [(n.rule_id, n.severity.value, n.sheet, n.row, n.column, n.value) for n in submission.notes] == [
        ("text_cleaned", "varning", "Mål", 2, "Analys", analysis)]


def test_the_claimed_contributor_is_read_from_the_meta_sheet_or_is_none(tmp_path, mini_cycle):
    from tertial.reading import claimed_contributor
    from tests.builders import write_filled

    assert claimed_contributor(write_filled(tmp_path, mini_cycle, "barn")) == "barn"
    (tmp_path / "trasig.xlsx").write_bytes(b"PK\x03\x04 inte en arbetsbok")
    assert claimed_contributor(tmp_path / "trasig.xlsx") is None
