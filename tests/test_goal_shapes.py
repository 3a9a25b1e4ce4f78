"""Goals as nämnder have them (issue 14, point 2), on the invented plan in tests/data/goals: unnumbered
nämndmål, KF areas with gaps, inriktningsmål in prose only, and a scale with "Ingen" for goals outside
the förvaltning."""

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from tasks.validation import validate_submission
from tertial.access import EXAMPLE_TOKEN_KEY
from tertial.accepted import Accepted
from tertial.archive import content_hash
from tertial.assembly import assemble
from tertial.config import load_cycle
from tertial.errors import ConfigError
from tertial.ledger import ACCEPTED, Version
from tertial.reading import read_submission
from tertial.render.formats import render_json
from tertial.render.html import render_html
from tertial.render.word import build_document
from tertial.report import walk_goals
from tertial.report_checks import check_report
from tertial.vocabulary import Assessment
from tertial.wording import goals_sentence
from tertial.workbooks import Handout, prefilled_rows, write_workbook

GOALS = Path(__file__).parent / "data" / "goals"
# What each goal's owner answers: assessment and analysis ("" = left empty).
ANSWERS = {
    "1": ("", "Nämnden bidrar till inriktningsmålet genom arbetet nedan."),
    "3": ("", "Nämnden arbetar för effektiva verksamheter."),
    "3.2": ("Uppfylls helt", "Administrationen håller sin andel."),
    "1.1": ("Uppfylls helt", "Ett av de två nämndmålen som berör förvaltningen uppfylls helt och ett delvis."),
    "arbete": ("Uppfylls helt", "Fler arbetar eller studerar."),
    "skulder": ("Uppfylls delvis", "Skuldrådgivningen har längre väntetider."),
    "servering": ("Ingen", ""),
    "1.3": ("Uppfylls helt", "Miljöarbetet följer planen."),
    "livsmiljo": ("Uppfylls helt", "Fler resor görs med cykel."),
}


@pytest.fixture(scope="module")
def cycle():
    return load_cycle(GOALS / "cycle.yaml")


def _rows(cycle, contributor, answers=ANSWERS):
    rows = prefilled_rows(cycle, contributor)
    for row in rows["goals"]:
        assessment, analysis = answers[row["goal"]]
        row.update(assessment=assessment, analysis=analysis)
        if cycle.plan.goal(row["goal"]).level == 3:
            row.update(description="Arbetet sker med andra nämnder.", expected="- Fler i arbete")
    for row in rows["indicators"]:
        row.update(outcome="1,8 %", forecast="1,9 %", status="Uppfylls helt")
    for row in rows["activities"]:
        row.update(status="Pågår")
    for row in rows["texts"]:
        row["text"] = f"Text om {row['title']}."
    return rows


def _accepted(cycle, folder: Path) -> dict[str, Accepted]:
    accepted = {}
    for contributor in cycle.config.contributors:
        path = write_workbook(folder / f"{contributor.id}.xlsx", cycle, contributor.id, _rows(cycle, contributor.id))
        version = Version(id=1, cycle_id=cycle.config.id, contributor_id=contributor.id, number=1,
                          sha256=content_hash(path), original_name=path.name, archive_path=str(path),
                          received_at=dt.datetime(2025, 5, 2, tzinfo=dt.UTC), status=ACCEPTED, errors=0, warnings=0)
        accepted[contributor.id] = Accepted(read_submission(path, cycle), version)
    return accepted


@pytest.fixture(scope="module")
def report(cycle, tmp_path_factory):
    built, _ = assemble(cycle, _accepted(cycle, tmp_path_factory.mktemp("goals")))
    return built


def _goal(report, key):
    return next(g for g in walk_goals(report.goals) if g.key == key)


def test_unnumbered_goals_take_their_level_from_the_goal_they_fall_under(cycle):
    levels = {g.id: (g.number, g.parent, g.level) for g in cycle.plan.goals}
    assert levels["arbete"] == (None, "1.1", 3)
    assert levels["livsmiljo"] == (None, "1.3", 3)
    assert levels["3.2"] == ("3.2", "3", 2)  # KF areas 1.2, 2 and 3.1 are missing: nothing complains
    assert [g.id for g in cycle.plan.children("1")] == ["1.1", "1.3"]
    assert cycle.owned("iof", cycle.goal_owner) == ["1.1", "arbete", "skulder", "servering", "1.3", "livsmiljo"]


def test_report_keeps_the_plan_numbers_and_prints_none_for_unnumbered_goals(report):
    assert [g.number for g in report.goals] == ["1", "3"]
    assert [c.number for c in report.goals[0].children] == ["1.1", "1.3"]
    arbete = _goal(report, "arbete")
    assert (arbete.number, arbete.id, arbete.level, arbete.label) == ("", "arbete", 3, "Nämndmål")
    assert [i.id for i in arbete.indicators] == ["bistand"] and [a.id for a in arbete.activities] == ["jobbtorg"]
    data = json.loads(render_json(report))
    nodes = {n.get("id") or n["number"]: n for n in _walk(data["goals"])}
    assert nodes["arbete"]["number"] == "" and nodes["arbete"]["id"] == "arbete"
    assert "id" not in nodes["1.1"] and "counted" not in nodes["1.1"]  # numbered, assessed goals read as before


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node["children"])


def test_a_level_in_prose_only_has_no_assessment_printed_or_counted(report):
    first = report.goals[0]
    assert (first.assessed, first.counted, first.assessment, first.assessment_symbol, first.basis_sentence) == (
        False, False, "", "", "")
    assert first.analysis == "Nämnden bidrar till inriktningsmålet genom arbetet nedan."
    assert report.summary_analysis[0].assessment == ""
    data = json.loads(render_json(report))
    assert data["goals"][0]["assessed"] is False and data["goals"][0]["assessment"] == ""


def test_a_goal_outside_the_forvaltning_is_printed_as_ingen_and_left_out_of_the_count(report):
    servering = _goal(report, "servering")
    assert (servering.assessment, servering.assessment_symbol, servering.counted) == ("Ingen", "—", False)
    assert _goal(report, "1.1").basis_sentence == (
        "Av de två nämndmål som berör förvaltningen bedöms ett uppfyllas helt och ett delvis. "
        "Ett nämndmål berör inte förvaltningen.")
    assert _goal(report, "1.3").basis_sentence == "Nämndmålet bedöms uppfyllas helt."


def test_html_prints_no_number_for_unnumbered_goals_and_no_assessment_for_prose_levels(report):
    html = render_html(report)
    assert '<h5 class="goal-heading">Nämndmål: Arbetsföra personer arbetar eller studerar</h5>' in html
    assert '<h4 class="goal-heading">KF:s mål för verksamhetsområdet: 3.2 Administrationen är effektiv</h4>' in html
    assert 'id="mal-arbete"' in html
    first = html[html.index('<section class="goal goal-1" id="mal-1">'):html.index('id="mal-1.1"')]
    assert 'class="assessment"' not in first
    assert "Av de två nämndmål som berör förvaltningen bedöms ett uppfyllas helt och ett delvis." in html
    assert 'data-assessment="Ingen"><span class="symbol">—</span>Ingen</p>' in html
    assert ("<p class=\"legend\">● Uppfylls helt \u00a0 ◆ Uppfylls delvis \u00a0 ▲ Uppfylls inte \u00a0 ■ Ej bedömd \u00a0 "
            "— Ingen \u00a0 ■ Ej mätbar \u00a0 ✓ Aktiviteten är genomförd</p>") in html


def test_count_checks_count_only_the_goals_that_concern_the_forvaltning(report):
    # 1.1's analysis counts two nämndmål (helt, delvis): right, since the third is "Ingen".
    assert [f for f in check_report(report) if f.rule_id == "narrative_goal_count"] == []
    wrong = report.model_copy(update={"goals": [_with_analysis(report.goals[0], "1.1", "Samtliga tre nämndmål bedöms uppfyllas helt.")] + report.goals[1:]})
    assert [f.item_id for f in check_report(wrong) if f.rule_id == "narrative_goal_count"] == ["1.1"]


@pytest.mark.parametrize("analysis, flagged", [
    ("Av de två nämndmål som berör förvaltningen bedöms ett uppfyllas helt och ett delvis.", False),
    ("Av de tre nämndmål som berör förvaltningen bedöms ett uppfyllas helt och två delvis.", True),
    ("De två nämndmål som berör förvaltningen bedöms uppfyllas helt.", True),
])
def test_a_count_of_the_goals_that_concern_the_forvaltning_is_checked(report, analysis, flagged):
    changed = report.model_copy(update={"goals": [_with_analysis(report.goals[0], "1.1", analysis)] + report.goals[1:]})
    findings = [f for f in check_report(changed) if f.rule_id == "narrative_goal_count"]
    assert bool(findings) is flagged, [f.message for f in findings]


def _with_analysis(goal, key, text):
    if goal.key == key:
        return goal.model_copy(update={"analysis": text})
    return goal.model_copy(update={"children": [_with_analysis(c, key, text) for c in goal.children]})


def test_handout_offers_the_plans_scale_and_no_assessment_where_none_is_asked(cycle, tmp_path):
    handout = Handout(deadline=dt.date(2025, 5, 7), stamp=dt.datetime(2025, 4, 1, 8, 0))
    for contributor in ("stab", "iof"):
        write_workbook(tmp_path / f"{contributor}.xlsx", cycle, contributor, prefilled_rows(cycle, contributor), handout,
                       EXAMPLE_TOKEN_KEY)
    stab, iof = (load_workbook(tmp_path / f"{c}.xlsx")["Mål"] for c in ("stab", "iof"))
    for sheet in (stab, iof):
        (validation,) = [v for v in sheet.data_validations.dataValidation if "Uppfylls" in v.formula1]
        assert validation.formula1 == '"Uppfylls helt,Uppfylls delvis,Uppfylls inte,Ej bedömd,Ingen"'
    column = next(c.column_letter for c in stab[1] if c.value == "Bedömning")
    (validation,) = [v for v in stab.data_validations.dataValidation if "Uppfylls" in v.formula1]
    rows = {stab[f"A{r}"].value: r for r in range(2, stab.max_row + 1)}
    assert str(validation.sqref) == f"{column}{rows['3.2']}"  # goals 1 and 3 are prose only
    assert stab[f"{column}{rows['1']}"].protection.locked and not stab[f"{column}{rows['3.2']}"].protection.locked
    iof_rows = {iof[f"A{r}"].value: iof[f"B{r}"].value for r in range(2, iof.max_row + 1)}
    assert iof_rows["arbete"] == "Arbetsföra personer arbetar eller studerar"


def _findings(cycle, tmp_path, contributor, answers):
    path = write_workbook(tmp_path / f"{contributor}.xlsx", cycle, contributor, _rows(cycle, contributor, answers),
                          token_key=EXAMPLE_TOKEN_KEY)
    return [(f.rule_id, f.item_id) for f in validate_submission.fn(read_submission(path, cycle), cycle)]


def test_ingen_needs_no_analysis_and_a_prose_level_no_assessment(cycle, tmp_path):
    assert _findings(cycle, tmp_path, "iof", ANSWERS) == []
    assert _findings(cycle, tmp_path, "stab", ANSWERS) == []
    # The same empty analysis on a goal that concerns the förvaltning is an error, and so is a missing
    # assessment where the level carries one.
    changed = ANSWERS | {"skulder": ("Uppfylls delvis", ""), "3.2": ("", "Text.")}
    assert ("goal_analysis_missing", "skulder") in _findings(cycle, tmp_path, "iof", changed)
    assert ("goal_assessment_missing", "3.2") in _findings(cycle, tmp_path, "stab", changed)


def _problems(tmp_path, change) -> str:
    shutil.copytree(GOALS, tmp_path, dirs_exist_ok=True)
    plan = yaml.safe_load((tmp_path / "plan.yaml").read_text(encoding="utf-8"))
    change(plan)
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_cycle(tmp_path / "cycle.yaml")
    assert caught.value.file.name == "plan.yaml"
    return caught.value.message_sv


@pytest.mark.parametrize("change, expected", [
    (lambda p: p["assessments"]["scale"].append({"value": "Ej aktuell", "means": "ej_bedomd"}),
     "assessments: scale: exakt ett värde ska ha means: ej_bedomd"),
    (lambda p: p["assessments"]["scale"][4].update(value="Ingen, berör ej"),
     "assessments.scale[4].value: värdet 'Ingen, berör ej' får inte innehålla kommatecken"),
    (lambda p: p["assessments"]["scale"][4].update(means="ingen"), "assessments.scale[4].means: förväntade ett av:"),
    (lambda p: p["assessments"]["scale"].append({"value": "Ingen", "means": "beror_inte"}),
     "assessments: scale: värdet 'Ingen' förekommer flera gånger"),
    (lambda p: p["assessments"].update(unassessed_levels=[4]), "assessments: unassessed_levels: nivån 4 finns inte"),
    (lambda p: p["goals"][2].pop("id"), "goals[2]: ett mål utan nummer behöver ett id"),
    (lambda p: p["goals"][2].update(parent="1.2"), "mål arbete saknar överordnat mål 1.2"),
    (lambda p: p["goals"][2].update(level=2), "mål arbete har nivå 2 men ligger under mål 1.1 på nivå 2"),
    (lambda p: p["goals"].append({"number": "3.2.1", "parent": "1.1", "title": "Fel gren"}),
     "mål 3.2.1 kan inte ligga under mål 1.1"),
])
def test_check_config_names_the_key_of_an_inconsistent_goal_or_scale(tmp_path, change, expected):
    assert expected in _problems(tmp_path, change)


HELT, DELVIS, EJ = Assessment.HELT, Assessment.DELVIS, Assessment.EJ_BEDOMD


@pytest.mark.parametrize("assessments, outside, expected", [
    ([HELT, HELT], 0, "De två nämndmålen bedöms uppfyllas helt."),  # no goal outside: as before
    ([HELT, HELT], 1, "De två nämndmål som berör förvaltningen bedöms uppfyllas helt. Ett nämndmål berör inte förvaltningen."),
    ([DELVIS], 2, "Det nämndmål som berör förvaltningen bedöms uppfyllas delvis. Två nämndmål berör inte förvaltningen."),
    ([], 3, "Tre nämndmål berör inte förvaltningen."),
    ([EJ, EJ], 1, "De två nämndmål som berör förvaltningen har inte bedömts. Ett nämndmål berör inte förvaltningen."),
    ([HELT, DELVIS, EJ], 1, "Av de tre nämndmål som berör förvaltningen bedöms ett uppfyllas helt och ett delvis. "
                            "Ett har inte bedömts. Ett nämndmål berör inte förvaltningen."),
])
def test_count_sentence_is_worded_for_goals_outside_the_forvaltning(assessments, outside, expected):
    assert goals_sentence(assessments, "nämndmålet", "nämndmålen", outside=(outside, "nämndmål", "nämndmål")) == expected


def test_word_prints_no_number_and_no_assessment_where_the_plan_has_none(report, tmp_path):
    paragraphs = [p.text for p in build_document(report).paragraphs if not p.style.name.startswith("toc")]  # not the contents
    assert "Nämndmål: Arbetsföra personer arbetar eller studerar" in paragraphs
    heading = paragraphs.index("KF:s inriktningsmål: 1. Bergsjö är tryggt och jämlikt")
    assert paragraphs[heading + 1] == "Analys"  # no assessment line in between
    assert "— Ingen" in paragraphs


def test_check_config_prints_the_scale_problem_with_file_and_key(tmp_path):
    _problems(tmp_path, lambda p: p["assessments"]["scale"][4].update(value="Ingen, berör ej"))  # writes the variant
    done = subprocess.run([str(Path(sys.executable).parent / "tertial"), "check-config", "--cycle", str(tmp_path / "cycle.yaml")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[:2] == [
        "Fel i konfigurationsfilen plan.yaml:",
        "  - assessments.scale[4].value: värdet 'Ingen, berör ej' får inte innehålla kommatecken, citattecken, "
        "radbrytning eller börja eller sluta med mellanslag (det ska stå i en rullista i Excel) (fann 'Ingen, berör ej')",
    ]
