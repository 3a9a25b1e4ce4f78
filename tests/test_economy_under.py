"""The economy part placed in the goal tree (`under:`) and its own headings (`economy_headings`), on the mini plan's
T2 in tests/data/econ_under: Uppföljning av ekonomi printed under nämndmål 1.1.1, before a free section placed there
too, headed Analys av resultaträkning / Budgetavvikelser; out of the outline and the table of contents."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from docx import Document

from tertial.assembly import assemble
from tertial.config import load_cycle
from tertial.errors import ConfigError
from tertial.profile import outline_text
from tertial.render.formats import render_json
from tertial.render.html import render_html
from tertial.render.word import document_bytes
from tertial.report import walk_goals
from tests.builders import accepted_version, changed_copy
from tests.conftest import DATA

UNDER = DATA / "econ_under"


@pytest.fixture(scope="module")
def cycle():
    return load_cycle(UNDER / "cycle.yaml")


@pytest.fixture(scope="module")
def report(cycle, tmp_path_factory):
    inbox = tmp_path_factory.mktemp("inkorg")
    accepted = {c.id: accepted_version(cycle, inbox, c.id) for c in cycle.config.contributors}
    built, _ = assemble(cycle, accepted)
    return built


def _copy(tmp_path, change):
    """The cycle copied with its plan (../mini) beside it, its profile changed."""
    shutil.copytree(DATA / "mini", tmp_path / "mini")
    return changed_copy(UNDER, tmp_path / "econ_under", "profil.yaml", change)


def _goal(report, key):
    return next(g for g in walk_goals(report.goals) if g.key == key)


def test_the_economy_leaves_the_outline_and_stands_with_its_goal_in_report_json(report):
    data = json.loads(render_json(report))
    assert "economy" not in data["outline"]
    goal = _goal(report, "1.1.1")
    assert goal.economy_at == 0 and [s.key for s in goal.sections] == ["efter_ekonomin"]
    assert [g.economy_at for g in walk_goals(report.goals) if g.key != "1.1.1"] == [None] * 6
    placed = next(g for g in data["goals"][0]["children"][0]["children"] if g["number"] == "1.1.1")
    assert placed["economy_at"] == 0 and "economy_at" not in data["goals"][1]
    assert data["economy"]["title"] == "Analys av resultaträkning"
    assert data["economy"]["operations_title"] == "Budgetavvikelser"
    assert data["economy"]["operations"]["rows"]


def test_html_prints_the_economy_after_its_goal_s_content_before_the_section_and_the_next_goal(report):
    html = render_html(report)
    goal, after = html.index('id="mal-1.1.1"'), html.index('id="mal-1.1.2"')
    title = html.index('<h6 id="uppfoljning-ekonomi">Analys av resultaträkning</h6>')
    operations = html.index('<p role="heading" aria-level="7" id="driftbudget">Budgetavvikelser')
    section = html.index("<h6>Efter ekonomin</h6>")
    assert goal < html.index('id="akt-1.1.1-A1"') < title < operations < section < after
    assert html.count('id="uppfoljning-ekonomi"') == 1 and "Uppföljning av ekonomi" not in html
    toc = html[html.index('<nav class="toc">'):html.index("</nav>")]
    assert "uppfoljning-ekonomi" not in toc and "driftbudget" not in toc


def test_word_prints_the_economy_with_its_goal(report):
    doc = Document(io.BytesIO(document_bytes(report)))
    texts = [(p.style.name, p.text) for p in doc.paragraphs]
    title = texts.index(("Heading 5", "Analys av resultaträkning"))
    assert texts.index(("Heading 4", "Nämndmål: 1.1.1 Barn i behov av stöd upptäcks tidigt")) < title \
        < texts.index(("Heading 4", "Nämndmål: 1.1.2 Familjer får stöd i rätt tid"))
    assert texts[title + 1][0] == "Heading 6" and texts[title + 1][1].startswith("Budgetavvikelser")
    assert title < texts.index(("Heading 5", "Efter ekonomin"))
    assert not any(text == "Uppföljning av ekonomi" for _, text in texts)


def test_the_headings_follow_the_profile_in_the_outline_too(cycle, tmp_path):
    path = _copy(tmp_path, lambda p: p["parts"][0].pop("under"))
    moved = load_cycle(path)
    accepted = {c.id: accepted_version(moved, tmp_path / "inkorg", c.id) for c in moved.config.contributors}
    built, _ = assemble(moved, accepted)
    html = render_html(built)
    assert '<h2 id="uppfoljning-ekonomi">Analys av resultaträkning</h2>' in html
    assert '<h3 id="driftbudget">Budgetavvikelser' in html
    toc = html[html.index('<nav class="toc">'):html.index("</nav>")]
    assert '<a href="#uppfoljning-ekonomi">Analys av resultaträkning</a>' in toc
    assert '<a href="#driftbudget">Budgetavvikelser</a>' in toc


def test_check_config_shows_the_economy_in_the_goal_tree(cycle):
    assert "Uppföljning av ekonomi [i målträdet under mål 1.1.1]" in outline_text(cycle.outline)


@pytest.mark.parametrize("change, expected", [
    (lambda p: p["parts"][0].update(under="9.9"),
     "parts[0].under: målet '9.9' finns inte i planen; ange ett måls id (1, 1.1, 1.1.1, 1.1.2, 1.2, 2, 2.1)"),
    (lambda p: p["economy_headings"].update(operations=""), "economy_headings.operations"),
    (lambda p: p["economy_headings"].update(rubrik="X"), "economy_headings.rubrik"),
])
def test_check_config_refuses_an_unknown_goal_and_bad_headings(tmp_path, change, expected):
    with pytest.raises(ConfigError) as caught:
        load_cycle(_copy(tmp_path, change))
    assert caught.value.file.name == "profil.yaml"
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems


def test_an_economy_under_a_goal_may_print_no_heading_of_its_own(tmp_path):
    path = _copy(tmp_path, lambda p: p["economy_headings"].update(title=""))
    moved = load_cycle(path)
    accepted = {c.id: accepted_version(moved, tmp_path / "inkorg", c.id) for c in moved.config.contributors}
    built, _ = assemble(moved, accepted)
    html = render_html(built)
    assert 'id="uppfoljning-ekonomi"' not in html and '<h6 id="driftbudget">Budgetavvikelser' in html
    texts = [(p.style.name, p.text) for p in Document(io.BytesIO(document_bytes(built))).paragraphs]
    assert any(style == "Heading 5" and text.startswith("Budgetavvikelser") for style, text in texts)


def test_check_config_refuses_an_empty_heading_in_the_outline(tmp_path):
    def change(p):
        p["economy_headings"]["title"] = ""
        p["parts"][0].pop("under")
    with pytest.raises(ConfigError) as caught:
        load_cycle(_copy(tmp_path, change))
    assert caught.value.file.name == "profil.yaml"
    assert ("economy_headings.title: rubriken får bara vara tom när ekonomin står i målträdet (part: economy med under); "
            "ange en rubrik") in caught.value.problems
