"""Indicators as nämnder report them (issue 14 point 3), on the invented plan in tests/data/indicator-states.

Not followed up this period (with its reason), direction unknown, the KF target as text in the city's spellings
and as a band, the Period as the plan gives it, the jämställdhetsindikator; in the checks, the report and the
handout workbook.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from docx import Document
from openpyxl import load_workbook

from tasks.validation import validate_submission
from tertial.accepted import Accepted
from tertial.archive import content_hash
from tertial.assembly import assemble
from tertial.config import load_cycle
from tertial.errors import ConfigError
from tertial.ledger import ACCEPTED, Version
from tertial.reading import read_submission
from tertial.render.formats import render_json
from tertial.render.html import render_html
from tertial.render.word import document_bytes
from tertial.report import walk_goals
from tertial.targets import propose_status, target_bounds
from tertial.vocabulary import IndicatorStatus
from tertial.workbooks import Handout, prefilled_rows, write_workbook

DIR = Path(__file__).parent / "data" / "indicator-states"
REASON = "Stockholmsenkäten har inte genomförts 2013. Nästa gång är 2014."
# Per indicator: outcome, men, women, forecast (T1 only), status, analysis.
VALUES = {
    "enkat-tobak": ("", "", "", "", "", ""),  # not followed up: nothing given, not even a status
    "hemlosa": ("3 100 st", "", "", "", "Uppfylls helt", ""),  # above its target; the plan knows no direction
    "tavlande": ("6 st", "2 st", "4 st", "6 st", "Uppfylls helt", ""),
    "prognos": ("-1 %", "", "", "", "Uppfylls helt", ""),
    "admin": ("3,98 %", "", "", "", "Uppfylls helt", ""),
}


def _filled(cycle, contributor: str) -> dict:
    rows = prefilled_rows(cycle, contributor)
    for row in rows["indicators"]:
        row.update(dict(zip(("outcome", "men", "women", "forecast", "status", "analysis"), VALUES[row["id"]])))
    for row in rows["goals"]:
        row.update(assessment="Uppfylls helt", analysis=f"Målet {row['goal']} nås.")
    for row in rows["texts"]:
        row["text"] = f"Text om {row['title']}."
    return rows


def _submission(tmp_path: Path, cycle, contributor: str, rows: dict | None = None):
    path = write_workbook(tmp_path / f"{contributor}.xlsx", cycle, contributor, rows or _filled(cycle, contributor))
    return path, read_submission(path, cycle)


def _findings(tmp_path: Path, cycle, contributor: str, rows: dict | None = None):
    return validate_submission.fn(_submission(tmp_path, cycle, contributor, rows)[1], cycle)


def _report(tmp_path: Path, cycle):
    accepted = {}
    for contributor in cycle.config.contributors:
        path, submission = _submission(tmp_path, cycle, contributor.id)
        version = Version(id=1, cycle_id=cycle.config.id, contributor_id=contributor.id, number=1, sha256=content_hash(path),
                          original_name=path.name, archive_path=str(path), status=ACCEPTED, errors=0, warnings=0,
                          received_at=dt.datetime(2014, 1, 20, tzinfo=dt.UTC))
        accepted[contributor.id] = Accepted(submission, version)
    report, findings = assemble(cycle, accepted)
    assert findings == []
    return report


def _rows(report) -> dict:
    return {i.id: i for goal in walk_goals(report.goals) for i in goal.indicators}


def _variant(tmp_path: Path, kind: str, indicator: str, **changes) -> Path:
    """The invented cycle copied to tmp_path, with one indicator of its plan changed (None removes a key)."""
    folder = tmp_path / "variant"
    shutil.copytree(DIR, folder)
    plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    entry = next(i for i in plan["indicators"] if i["id"] == indicator)
    for key, value in changes.items():
        entry.pop(key, None) if value is None else entry.update({key: value})
    (folder / "plan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    return folder / f"{kind}.yaml"


@pytest.fixture(scope="module")
def vb():
    return load_cycle(DIR / "vb.yaml")


@pytest.fixture(scope="module")
def t1():
    return load_cycle(DIR / "t1.yaml")


@pytest.mark.parametrize("contributor", ["social", "stab"])
def test_the_invented_plan_s_consistent_rows_give_no_finding(tmp_path, vb, t1, contributor):
    for cycle in (vb, t1):
        assert [f.line() for f in _findings(tmp_path / cycle.config.kind, cycle, contributor)] == []


def test_not_followed_up_needs_no_outcome_status_or_analysis(tmp_path, vb):
    assert [f for f in _findings(tmp_path, vb, "social") if f.item_id == "enkat-tobak"] == []
    # Without the plan's reason the same empty row is three errors (it has no årsmål, so it needs an analysis too).
    cycle = load_cycle(_variant(tmp_path, "vb", "enkat-tobak", not_followed_up=None))
    rules = sorted(f.rule_id for f in _findings(tmp_path, cycle, "social") if f.item_name == "Andel unga som inte använder tobak")
    assert rules == ["indicator_analysis_missing", "indicator_outcome_missing", "indicator_status_missing"]


def test_the_reason_is_printed_under_the_row(tmp_path, vb):
    report = _report(tmp_path, vb)
    row = _rows(report)["enkat-tobak"]
    assert (row.not_followed_up, row.outcome, row.status, row.previous) == (REASON, None, "Ej mätbar", Decimal("81"))
    assert f'"not_followed_up": "{REASON}"' in render_json(report)
    html = render_html(report)
    assert f'<tr class="analysis not-followed-up"><td colspan="8"><strong>Analys</strong> {REASON}</td></tr>' in html
    cells = [c.text for t in Document(io.BytesIO(document_bytes(report))).tables for r in t.rows for c in r.cells]
    assert f"Analys: {REASON}" in cells


def test_the_reason_applies_only_to_the_report_kind_it_names(tmp_path):
    cycle = load_cycle(_variant(tmp_path, "vb", "enkat-tobak", not_followed_up={"T1": REASON}))
    assert "indicator_outcome_missing" in {f.rule_id for f in _findings(tmp_path, cycle, "social")}


def test_unknown_direction_proposes_no_status_and_warns_of_nothing(tmp_path, vb):
    hemlosa = next(i for i in vb.plan.indicators if i.id == "hemlosa")
    assert propose_status(hemlosa, Decimal(3100), None) is IndicatorStatus.EJ_MATBAR
    assert [f.line() for f in _findings(tmp_path, vb, "social") if f.item_name == "Antal hemlösa"] == []
    # The same row with 'lower is better' is judged: Uppfylls helt contradicts 3 100 against 2 850, with no analysis.
    cycle = load_cycle(_variant(tmp_path, "vb", "hemlosa", direction="lower"))
    rules = sorted(f.rule_id for f in _findings(tmp_path, cycle, "social") if f.item_name == "Antal hemlösa")
    assert rules == ["indicator_analysis_missing", "indicator_status_contradicts"]


def test_text_and_band_targets_in_the_city_s_spellings_are_kept_as_written(tmp_path, vb):
    by_id = {i.id: i for i in vb.plan.indicators}
    assert {k: i.kf_target.text for k, i in by_id.items()} == {
        "enkat-tobak": "-", "hemlosa": "tas fram av nämnden", "tavlande": "Tas fram av nämnd/ styrelse",
        "prognos": "+/- 1 %", "admin": "minska"}
    band = by_id["prognos"]
    assert target_bounds(band.annual_target, band.direction) == (Decimal(-1), Decimal(1))
    assert propose_status(band, Decimal(-1), None) is IndicatorStatus.HELT
    assert propose_status(band, Decimal("-1.5"), None) is not IndicatorStatus.HELT
    rows = _rows(_report(tmp_path, vb))
    assert (rows["prognos"].annual_target, rows["prognos"].kf_target) == ("+/-1 %", "+/- 1 %")
    html = render_html(_report(tmp_path / "again", vb))
    assert '<td class="num">Tas fram av nämnd/ styrelse</td>' in html and '<td class="num">tas fram av nämnden</td>' in html


def test_a_text_outside_the_spellings_is_still_refused(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_cycle(_variant(tmp_path, "vb", "admin", kf_target="lite lägre"))
    assert "indicators[4] (id admin).kf_target" in caught.value.message_sv
    assert "'lite lägre' är varken ett tal eller en av de fasta texterna" in caught.value.message_sv


def test_the_period_is_printed_as_the_plan_gives_it(tmp_path, vb, t1):
    assert {k: r.period for k, r in _rows(_report(tmp_path, vb)).items()} == {
        "enkat-tobak": "2013", "hemlosa": "Verksamhetsberättelse 2013", "tavlande": "VB 2013", "prognos": "2013",
        "admin": "VB 2013"}
    assert {k: r.period for k, r in _rows(_report(tmp_path / "t1", t1)).items()} == {
        "enkat-tobak": "2013", "hemlosa": "2013", "tavlande": "Tertial 1 2013", "prognos": "2013", "admin": "2013"}


def test_a_period_different_from_the_plan_s_label_is_an_error(tmp_path, vb):
    rows = _filled(vb, "social")
    next(r for r in rows["indicators"] if r["id"] == "hemlosa")["period"] = "VB 2013"
    hit = next(f for f in _findings(tmp_path, vb, "social", rows) if f.rule_id == "indicator_period")
    assert "ska vara 'Verksamhetsberättelse 2013'" in hit.message


@pytest.mark.parametrize("label, expected", [
    ("VB 2012", "indikatorn hemlosa: period_label 'VB 2012' gäller inte planens år 2013"),
    ("Verksamhetsberättelse", "indicators[1] (id hemlosa).period_label: periodetiketten 'Verksamhetsberättelse' saknar årtal"),
])
def test_check_config_refuses_a_period_label_of_another_year(tmp_path, label, expected):
    with pytest.raises(ConfigError) as caught:
        load_cycle(_variant(tmp_path, "vb", "hemlosa", period_label=label))
    assert caught.value.file.name == "plan.yaml"
    assert expected in caught.value.message_sv


def test_the_gender_equality_marker_is_printed_before_the_name(tmp_path, vb):
    report = _report(tmp_path, vb)
    rows = _rows(report)
    assert [k for k, r in rows.items() if r.gender_equality] == ["tavlande"]
    assert (rows["tavlande"].men, rows["tavlande"].women, rows["tavlande"].unit) == (Decimal(2), Decimal(4), "st")
    html = render_html(report)
    assert '<span class="gender-equality" title="Jämställdhetsindikator">♀</span> Antal tävlande' in html
    assert html.count("♀") == 2  # the row, and the legend that explains it
    cells = [c.text for t in Document(io.BytesIO(document_bytes(report))).tables for r in t.rows for c in r.cells]
    assert "● ♀ Antal tävlande i kvalitetsutmärkelsen" in cells
    # Rows that do not use the new fields keep the JSON they had.
    json = render_json(report)
    assert json.count('"gender_equality": true') == 1 and '"gender_equality": false' not in json
    assert json.count('"not_followed_up"') == 1


def _validations(path: Path, sheet: str) -> dict[str, list[str]]:
    """Each cell with a drop-down → the values it offers."""
    ws = load_workbook(path)[sheet]
    offered = {}
    for validation in ws.data_validations.dataValidation:
        values = validation.formula1.strip('"').split(",")
        for cell_range in validation.sqref.ranges:
            for row in ws.iter_rows(min_row=cell_range.min_row, max_row=cell_range.max_row,
                                    min_col=cell_range.min_col, max_col=cell_range.max_col):
                offered |= {cell.coordinate: values for cell in row}
    return offered


def test_the_handout_offers_what_the_plan_allows(tmp_path, vb):
    handout = Handout(deadline=dt.date(2014, 1, 27), stamp=dt.datetime(2013, 12, 31))
    path = write_workbook(tmp_path / "social.xlsx", vb, "social", prefilled_rows(vb, "social"), handout)
    ws = load_workbook(path)["Indikatorer"]
    header = {c.value: c.column_letter for c in ws[1]}
    ids = {ws[f"A{r}"].value: r for r in range(2, ws.max_row + 1)}
    assert {i: ws[f"{header['Period']}{r}"].value for i, r in ids.items()} == {
        "enkat-tobak": "2013", "hemlosa": "Verksamhetsberättelse 2013", "tavlande": "VB 2013"}
    assert ws[f"{header['KF:s årsmål']}{ids['hemlosa']}"].value == "tas fram av nämnden"
    offered = _validations(path, "Indikatorer")
    status = header["Status"]
    assert offered[f"{status}{ids['enkat-tobak']}"] == ["Ej mätbar"]
    assert offered[f"{status}{ids['hemlosa']}"] == offered[f"{status}{ids['tavlande']}"] == [s.value for s in IndicatorStatus]
    assert set(offered) == {f"{status}{r}" for r in ids.values()}

    def is_open(column: str, item: str) -> bool:
        return not ws[f"{header[column]}{ids[item]}"].protection.locked

    assert [is_open(c, "enkat-tobak") for c in ("Periodens utfall", "Status", "Analys")] == [False, True, True]
    assert [is_open(c, "tavlande") for c in ("Periodens utfall", "Utfall män/pojkar", "Utfall kvinnor/flickor")] == [True] * 3
    assert [is_open(c, "hemlosa") for c in ("Periodens utfall", "Utfall män/pojkar")] == [True, False]
