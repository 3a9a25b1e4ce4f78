"""The handout asks only for the indicator figures the report prints (issue 14), when the profile says so
(`columns.ask_printed_only: true`): a T1 of the mini plan whose indicator table prints no men/women and no
forecast gets an Indikatorer sheet without those columns, and intake neither requires nor misses them."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from tasks.validation import validate_submission
from tertial.assembly import assemble
from tertial.config import load_cycle
from tertial.errors import ConfigError
from tertial.reading import read_submission
from tertial.workbooks import prefilled_rows, write_csv_folder, write_workbook
from tests.builders import accepted_version, changed_copy, filled_rows
from tests.conftest import DATA

MINI = DATA / "mini"
PROFILE = {"extends": "T1",
           "columns": {"indicators": ["indikator", "utfall", "arsmal", "kf_arsmal", "period"], "ask_printed_only": True}}
ALL_INPUTS = ("Utfall män/pojkar", "Utfall kvinnor/flickor", "Prognos helår")


def _with_profile(folder, profile):
    (folder / "profil.yaml").parent.mkdir(parents=True, exist_ok=True)
    path = changed_copy(MINI, folder, "cycle.yaml", lambda c: c.update(profile="profil.yaml"))
    import yaml
    (folder / "profil.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    return load_cycle(path)


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    return _with_profile(tmp_path_factory.mktemp("mini"), PROFILE)


def _headers(path, sheet="Indikatorer"):
    return [c.value for c in load_workbook(path)[sheet][1]]


def test_the_handout_leaves_out_the_figures_the_report_does_not_print(cycle, tmp_path):
    path = write_workbook(tmp_path / "barn.xlsx", cycle, "barn", prefilled_rows(cycle, "barn"))
    headers = _headers(path)
    assert not set(ALL_INPUTS) & set(headers)
    assert {"Periodens utfall", "Status", "Analys", "Årsmål"} <= set(headers)
    folder = write_csv_folder(tmp_path / "csv", cycle, "barn", prefilled_rows(cycle, "barn"))
    assert not set(ALL_INPUTS) & set((folder / "indikatorer.csv").read_text(encoding="utf-8").splitlines()[0].split(";"))


def test_intake_requires_no_forecast_and_judges_the_outcome(cycle, tmp_path):
    rows = {c: _judged_on_outcome(filled_rows(cycle, c)) for c in ("stab", "barn", "aldre")}
    for contributor in rows:
        path = write_workbook(tmp_path / f"{contributor}.xlsx", cycle, contributor, rows[contributor])
        assert [f.line() for f in validate_submission.fn(read_submission(path, cycle), cycle)] == []
    accepted = {c: accepted_version(cycle, tmp_path / "inkorg", c, rows[c]) for c in rows}
    report, findings = assemble(cycle, accepted)
    assert findings == []
    row = report.goals[0].children[0].indicators[0]
    assert (row.outcome, row.men, row.women, row.forecast) == (72, None, None, None)


def _judged_on_outcome(rows):
    """With no forecast asked, the outcome is judged against the årsmål: a miss needs its analysis."""
    for row in rows["indicators"]:
        row["analysis"] = row["analysis"] or "Utfallet når ännu inte årsmålet."
    return rows


def test_without_ask_printed_only_the_handout_asks_for_every_figure(tmp_path):
    profile = {"extends": "T1", "columns": {"indicators": ["indikator", "utfall", "arsmal"]}}
    cycle = _with_profile(tmp_path / "mini", profile)
    path = write_workbook(tmp_path / "barn.xlsx", cycle, "barn", prefilled_rows(cycle, "barn"))
    assert set(ALL_INPUTS) <= set(_headers(path))


def test_check_config_refuses_ask_printed_only_without_indicator_columns(tmp_path):
    with pytest.raises(ConfigError) as caught:
        _with_profile(tmp_path / "mini", {"extends": "T1", "columns": {"activities": ["aktivitet"], "ask_printed_only": True}})
    assert caught.value.file.name == "profil.yaml"
    assert caught.value.problems == ["columns.ask_printed_only: gäller indikatortabellens kolumner, men profilen anger "
                                     "inga; ange columns.indicators eller ta bort ask_printed_only"]
