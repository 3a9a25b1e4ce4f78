"""The goal tree as a nämnd prints it (issue 14), on the invented plan in tests/data/goal-tree: free sections the
profile places under a goal (`under:`), theme sub-headings inside a goal's analysis ('## ' lines), and reminder
mails that name unnumbered goals by their title."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from docx import Document

from tasks.validation import validate_submission
from tertial.assembly import assemble
from tertial.config import load_cycle
from tertial.errors import ConfigError
from tertial.profile import outline_text
from tertial.reading import read_submission
from tertial.reminders import due_mails
from tertial.render.formats import render_json
from tertial.render.html import render_html
from tertial.render.word import document_bytes
from tertial.report import walk_goals
from tertial.status import ContributorStatus, Status
from tertial.workbooks import prefilled_rows, write_workbook
from tests.builders import accepted_version, changed_copy
from tests.test_goal_shapes import ANSWERS, _rows as goal_rows

TREE = Path(__file__).parent / "data" / "goal-tree"
COMPLAINTS = "Förvaltningen tog emot 41 synpunkter och klagomål."
LEX_SARAH_EMPTY = "Inga Lex Sarah-rapporter har kommit in under perioden."
# KF area 1.1's analysis with theme headings ('## ') and one heading under a theme ('### ').
HEADED = ("Nämndmålen under området bidrar till självförsörjning.\n"
          "## Stadsövergripande arbete\nStaden samordnar jobbtorgen.\n\nEtt andra stycke.\n"
          "### Bostad först\nFler har fått eget kontrakt.\n"
          "## Nämndens verksamhet\nHandläggningstiderna har kortats.")


def _rows(cycle, contributor: str) -> dict:
    """The goals plan's answers (tests/test_goal_shapes.py), with KF area 1.1's analysis in themes."""
    rows = goal_rows(cycle, contributor, {**ANSWERS, "1.1": ("Uppfylls helt", HEADED)})
    for row in rows["texts"]:
        row["text"] = {"klagomal": COMPLAINTS, "lex_sarah": ""}.get(row["key"], row["text"])
    return rows


@pytest.fixture(scope="module")
def cycle():
    return load_cycle(TREE / "cycle.yaml")


@pytest.fixture(scope="module")
def report(cycle, tmp_path_factory):
    inbox = tmp_path_factory.mktemp("inkorg")
    accepted = {c.id: accepted_version(cycle, inbox, c.id, _rows(cycle, c.id)) for c in cycle.config.contributors}
    built, findings = assemble(cycle, accepted)
    assert findings == []
    return built


def _goal(report, key):
    return next(g for g in walk_goals(report.goals) if g.key == key)


def test_sections_under_a_goal_are_owned_and_offered_like_other_free_sections(cycle, tmp_path):
    assert cycle.text_owner["klagomal"] == "iof" and cycle.text_owner["lex_sarah"] == "stab"
    assert [r["key"] for r in prefilled_rows(cycle, "iof")["texts"]] == ["klagomal"]
    assert "lex_sarah" in [r["key"] for r in prefilled_rows(cycle, "stab")["texts"]]
    for contributor in ("iof", "stab"):  # the '## ' lines and the empty section with its fixed sentence pass
        path = write_workbook(tmp_path / f"{contributor}.xlsx", cycle, contributor, _rows(cycle, contributor))
        assert [f.line() for f in validate_submission.fn(read_submission(path, cycle), cycle)] == []


def test_sections_under_a_goal_are_in_the_goal_tree_of_report_json_not_the_outline(report):
    data = json.loads(render_json(report))
    assert data["outline"] == ["front_matter", "summary", "directives", "goals", "economy", "attest"]
    assert "sections" not in data  # no free section in the outline itself
    nodes = {n.get("id") or n["number"]: n for n in _walk(data["goals"])}
    complaints = nodes["arbete"]["sections"]
    assert [(s["key"], s["title"], s["owner"], s["paragraphs"]) for s in complaints] == [
        ("klagomal", "Synpunkter och klagomål", "Socialtjänstavdelningen", [COMPLAINTS])]
    special = nodes["3.2"]["sections"][0]
    assert (special["title"], special["owner"], special["paragraphs"]) == ("Särskilda redovisningar", "", [])
    assert [(s["title"], s["paragraphs"]) for s in special["sections"]] == [
        ("Redovisning av Lex Sarah-rapporter", [LEX_SARAH_EMPTY])]
    assert [k for k, n in nodes.items() if "sections" in n] == ["arbete", "3.2"]
    assert [b.key for b in report.profile_blocks()] == ["klagomal", "lex_sarah"]


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node["children"])


def test_html_prints_a_section_after_its_goal_s_own_content_and_before_the_next_goal(report):
    html = render_html(report)
    arbete = html.index('id="mal-arbete"')
    complaints = html.index('<section id="avsnitt-klagomal"><h6>Synpunkter och klagomål</h6>')
    assert arbete < html.index('id="akt-jobbtorg"') < complaints < html.index('id="mal-skulder"')
    assert f"<p>{COMPLAINTS}</p>" in html[complaints:]
    special = html.index('<section id="avsnitt-sarskilda"><h5>Särskilda redovisningar</h5>')
    assert html.index('id="mal-3.2"') < special < html.index('<h6>Redovisning av Lex Sarah-rapporter</h6>')
    assert f"<p>{LEX_SARAH_EMPTY}</p>" in html[special:]
    toc = html[html.index('<nav class="toc">'):html.index("</nav>")]
    assert "avsnitt-klagomal" not in toc


def test_word_prints_a_section_after_its_goal_s_own_content(report):
    doc = Document(io.BytesIO(document_bytes(report)))
    texts = [(p.style.name, p.text) for p in doc.paragraphs]
    complaints = texts.index(("Heading 5", "Synpunkter och klagomål"))
    assert texts[complaints + 1] == ("Body Text", COMPLAINTS)
    assert texts.index(("Heading 4", "Nämndmål: Arbetsföra personer arbetar eller studerar")) < complaints \
        < texts.index(("Heading 4", "Nämndmål: Färre hushåll har skulder hos kronofogden"))
    special = texts.index(("Heading 4", "Särskilda redovisningar"))
    assert texts[special + 1:special + 3] == [("Heading 5", "Redovisning av Lex Sarah-rapporter"), ("Body Text", LEX_SARAH_EMPTY)]


@pytest.mark.parametrize("change, expected", [
    (lambda p: p["parts"][0].update(under="1.2"),
     "parts[0].under: målet '1.2' finns inte i planen; ange ett måls id (1, 1.1, arbete, skulder, servering, 1.3, "
     "livsmiljo, 3, 3.2)"),
    (lambda p: p.update(remove=["goals"]),
     "parts[0].under: dispositionen saknar part: goals, så avsnittet har inget mål att stå under"),
    (lambda p: p["parts"].append({"part": "summary", "under": "1.1"}),
     "parts[2]: under gäller bara part: section, balance_sheet, special_reports, economy, inte part: summary"),
])
def test_check_config_refuses_a_section_under_an_unknown_goal(tmp_path, change, expected):
    with pytest.raises(ConfigError) as caught:
        load_cycle(changed_copy(TREE, tmp_path, "profil.yaml", change))
    assert caught.value.file.name == "profil.yaml"
    assert expected in caught.value.problems


def test_check_config_shows_where_in_the_goal_tree_a_section_is_printed(cycle):
    assert outline_text(cycle.outline) == (
        "Tjänsteutlåtande, Sammanfattande analys, Arbete utifrån direktiven, Uppföljning av mål, Uppföljning av ekonomi, "
        "Synpunkter och klagomål [i målträdet under mål arbete], Särskilda redovisningar (Redovisning av Lex "
        "Sarah-rapporter) [i målträdet under mål 3.2], Attesterat av")


def test_theme_headings_in_an_analysis_are_printed_as_sub_headings(report):
    area = _goal(report, "1.1")
    assert area.analysis == HEADED  # report.json keeps the text as written
    html = render_html(report)
    # the KF area is an h4, its Analys an h5, the themes h6 and below h6 a heading by role
    assert ('<h5>Analys</h5>\n<p>Nämndmålen under området bidrar till självförsörjning.</p>'
            '<h6 class="analysis-heading">Stadsövergripande arbete</h6><p>Staden samordnar jobbtorgen.</p>'
            '<p>Ett andra stycke.</p><p role="heading" aria-level="7" class="analysis-subheading">Bostad först</p><p>Fler har '
            'fått eget kontrakt.</p><h6 class="analysis-heading">Nämndens verksamhet</h6><p>Handläggningstiderna har '
            'kortats.</p>') in html
    assert "##" not in re.sub(r"<script.*?</script>", "", html, flags=re.S)
    assert "<p>Fler arbetar eller studerar.</p>" in html  # an analysis without '## ' lines prints as before
    doc = Document(io.BytesIO(document_bytes(report)))
    texts = [(p.style.name, p.text) for p in doc.paragraphs]
    start = texts.index(("Body Text", "Nämndmålen under området bidrar till självförsörjning."))
    assert texts[start:start + 8] == [
        ("Body Text", "Nämndmålen under området bidrar till självförsörjning."), ("Heading 6", "Stadsövergripande arbete"),
        ("Body Text", "Staden samordnar jobbtorgen."), ("Body Text", "Ett andra stycke."), ("Heading 7", "Bostad först"),
        ("Body Text", "Fler har fått eget kontrakt."), ("Heading 6", "Nämndens verksamhet"),
        ("Body Text", "Handläggningstiderna har kortats.")]


def test_a_reminder_names_unnumbered_goals_by_their_title(cycle):
    status = ContributorStatus(contributor_id="iof", avdelning="Socialtjänstavdelningen", deadline=dt.date(2025, 5, 7),
                               status=Status.NOT_STARTED, days_left=2, latest_version=None, errors=None,
                               warnings=None, usable_version=None)
    mails = due_mails(cycle, [status], dt.date(2025, 5, 5))
    assert [m.key for m in mails] == ["reminder:iof:2025-05-07:5"]
    assert ("Underlaget omfattar: mål 1.1, ”Arbetsföra personer arbetar eller studerar”, ”Färre hushåll har skulder "
            "hos kronofogden”, ”Den som söker serveringstillstånd får ett snabbt besked”, 1.3, ”Nämnden bidrar till en "
            "hållbar livsmiljö”, 1 indikator, 1 aktivitet, 1 textavsnitt") in mails[0].mail.body.splitlines()
