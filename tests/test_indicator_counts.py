"""Indicators the plan does not follow up this period (issue 14 point 3), on tests/data/indicator-states: they are
printed with their reason but left out of every count, and the ♀ marker is explained in the legend."""

from __future__ import annotations

import io

from docx import Document

from tertial.config import load_cycle
from tertial.render.html import render_html
from tertial.render.word import document_bytes
from tertial.report import walk_goals
from tertial.report_checks import check_report
from tests.test_indicator_states import DIR, _report

GENDER_NOTE = "♀ Jämställdhetsindikator"


def _area(report):
    return next(g for g in walk_goals(report.goals) if g.key == "1.1")


def test_an_indicator_not_followed_up_is_left_out_of_the_counts(tmp_path):
    area = _area(_report(tmp_path, load_cycle(DIR / "vb.yaml")))
    assert [(i.id, i.status, bool(i.not_followed_up)) for i in area.indicators] == [
        ("enkat-tobak", "Ej mätbar", True), ("hemlosa", "Uppfylls helt", False), ("tavlande", "Uppfylls helt", False)]
    assert area.status_counts == {"Uppfylls helt": 2}
    assert area.basis_sentence == "Bedömningen grundar sig på att samtliga två indikatorer bedöms uppfyllas helt."


def test_a_count_in_the_analysis_is_checked_against_the_followed_up_indicators(tmp_path):
    report = _report(tmp_path, load_cycle(DIR / "vb.yaml"))

    def flagged(text: str) -> list[str]:
        goals = [_with_analysis(g, text) for g in report.goals]
        return [f.item_id for f in check_report(report.model_copy(update={"goals": goals}))
                if f.rule_id == "narrative_indicator_count"]

    assert flagged("Samtliga två indikatorer bedöms uppfyllas helt.") == []
    assert flagged("Samtliga tre indikatorer bedöms uppfyllas helt.") == ["1.1"]


def _with_analysis(goal, text):
    if goal.key == "1.1":
        return goal.model_copy(update={"analysis": text})
    return goal.model_copy(update={"children": [_with_analysis(c, text) for c in goal.children]})


def test_the_legend_explains_the_gender_equality_marker_when_an_indicator_carries_it(tmp_path):
    report = _report(tmp_path, load_cycle(DIR / "vb.yaml"))
    html = render_html(report)
    legend = next(line for line in html.splitlines() if line.startswith('<p class="legend">'))
    assert legend.endswith(f"✓ Aktiviteten är genomförd \u00a0 {GENDER_NOTE}</p>")
    paragraphs = [p.text for p in Document(io.BytesIO(document_bytes(report))).paragraphs]
    assert any(p.startswith("● Uppfylls helt") and p.endswith(f"  {GENDER_NOTE}") for p in paragraphs)
    # Without a marked indicator the legend is as it was.
    plain = report.model_copy(update={"goals": [_unmarked(g) for g in report.goals]})
    assert GENDER_NOTE not in render_html(plain)
    assert not any(GENDER_NOTE in p.text for p in Document(io.BytesIO(document_bytes(plain))).paragraphs)


def _unmarked(goal):
    indicators = [i.model_copy(update={"gender_equality": False}) for i in goal.indicators]
    return goal.model_copy(update={"indicators": indicators, "children": [_unmarked(c) for c in goal.children]})
