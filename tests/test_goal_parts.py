"""Goals written by several contributors, and built-in parts inside the goal tree (issue 14), on the invented plan
in tests/data/goal-parts: the nämndmål 'arbete' and 'trygga' are written in two parts (Stadsövergripande arbete by
one avdelning, Nämndens verksamhet by another, `goal_parts` in the profile) while their assessment comes from the
goal's owner; Analys av balansräkning stands under the nämndmål 'kostnad' and the special reports under
inriktningsmål 3 (`under:` on `part: balance_sheet` and `part: special_reports`)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from docx import Document

from tasks.validation import validate_submission
from tertial.assembly import assemble
from tertial.config import load_cycle
from tertial.errors import ConfigError
from tertial.profile import outline_text
from tertial.reading import read_submission
from tertial.reminders import due_mails
from tertial.section_tables import value_keys
from tertial.render.formats import render_json
from tertial.render.html import render_html
from tertial.render.word import document_bytes
from tertial.report import walk_goals
from tertial.status import ContributorStatus, Status
from tertial.workbooks import prefilled_rows, write_workbook
from tests.builders import accepted_version, changed_copy
from tests.conftest import DATA

PARTS = DATA / "goal-parts"
CITY = "Staden samordnar jobbtorgen.\n### Bostad först\nFler har fått eget kontrakt."
BALANCE = "Tillgångarna har minskat med 25,1 mnkr."
TEXTS = {"stad:arbete": CITY, "verksamhet:arbete": "Handläggningstiderna har kortats.",
         "stad:trygga": "Trygghetsmätningen görs vart annat år.", "verksamhet:trygga": "", "balansrakning": BALANCE}


def _rows(cycle, contributor: str) -> dict:
    """Every answer filled; the goals in parts leave their own Analys empty (the parts carry it)."""
    rows = prefilled_rows(cycle, contributor)
    for row in rows["goals"]:
        parted = row["goal"] in ("arbete", "trygga")
        row.update(assessment="Uppfylls helt", analysis="" if parted else f"Analys av mål {row['goal']}.")
        if cycle.plan.goal(row["goal"]).level == 3:
            row.update(description="Arbetet sker i samverkan.", expected="- Fler i arbete")
    for row in rows["indicators"]:
        row.update(outcome="1,8 %", status="Uppfylls helt")
    for row in rows["texts"]:
        row["text"] = TEXTS.get(row["key"], f"Text om {row['title']}.")
    return fill_tables(cycle, rows)


# The tables (tests/test_section_tables.py): fixed rows with the word 'Flera', and the owner's own rows.
COMPLAINTS = {"Handläggning": ("7", ""), "Bemötande": ("5", "1"), "Övrigt": ("1", "flera")}
IDEAS = [("Digitala tjänster", "3", ""), ("Öppettider", "1 150", "2,5")]


def fill_tables(cycle, rows: dict) -> dict:
    keys = value_keys(cycle.outline)
    own = [r for r in rows.get("tables", []) if r["key"] == "ideer"]
    for row in rows.get("tables", []):
        if row["key"] == "klagomal":
            row.update(zip((keys["Klagomål/synpunkter"], keys["Beröm"]), COMPLAINTS[row["row"]]))
    for row, (name, count, praise) in zip(own, IDEAS):
        row.update({"row": name, keys["Antal"]: count, keys["Beröm"]: praise})
    return rows


@pytest.fixture(scope="module")
def cycle():
    return load_cycle(PARTS / "cycle.yaml")


@pytest.fixture(scope="module")
def report(cycle, tmp_path_factory):
    inbox = tmp_path_factory.mktemp("inkorg")
    accepted = {c: accepted_version(cycle, inbox, c, _rows(cycle, c)) for c in ("stab", "stad", "iof")}
    built, findings = assemble(cycle, accepted)
    assert findings == []
    return built


def _goal(report, key):
    return next(g for g in walk_goals(report.goals) if g.key == key)


def test_each_part_of_a_goal_is_a_text_of_its_own_writer_and_the_assessment_stays_with_the_goal_owner(cycle, tmp_path):
    assert cycle.goal_owner["arbete"] == "stad" and cycle.goal_owner["trygga"] == "iof"
    assert {k: cycle.text_owner[k] for k in TEXTS if ":" in k} == {
        "stad:arbete": "stad", "verksamhet:arbete": "iof", "stad:trygga": "stad", "verksamhet:trygga": "iof"}
    assert [(r["key"], r["title"]) for r in prefilled_rows(cycle, "iof")["texts"]][2:] == [
        ("verksamhet:arbete", "Nämndens verksamhet – Arbetsföra personer arbetar eller studerar"),
        ("verksamhet:trygga", "Nämndens verksamhet – Invånarna är trygga i stadsdelen")]
    assert [r["goal"] for r in prefilled_rows(cycle, "iof")["goals"]] == ["trygga"]
    for contributor in ("stab", "stad", "iof"):  # no Analys on a goal in parts; an empty part with a fixed sentence
        path = write_workbook(tmp_path / f"{contributor}.xlsx", cycle, contributor, _rows(cycle, contributor))
        assert [f.line() for f in validate_submission.fn(read_submission(path, cycle), cycle)] == []


def test_a_part_left_empty_without_a_fixed_sentence_is_refused_like_any_text(cycle, tmp_path):
    rows = _rows(cycle, "stad")
    next(r for r in rows["texts"] if r["key"] == "stad:trygga")["text"] = ""
    path = write_workbook(tmp_path / "stad.xlsx", cycle, "stad", rows)
    lines = [f.line() for f in validate_submission.fn(read_submission(path, cycle), cycle)]
    assert lines == ["FEL: stad.xlsx, blad 'Texter', cell C3, rad 3, kolumn 'Text': Texten saknas för avsnittet 'Stadsövergripande "
                     "arbete – Invånarna är trygga i stadsdelen'. Skriv texten."]


def test_the_parts_print_in_order_under_their_sub_headings(report):
    arbete = _goal(report, "arbete")
    assert (arbete.owner, arbete.assessment, arbete.analysis) == ("Avdelningen för stadsövergripande frågor", "Uppfylls helt", "")
    assert [(p.title, p.owner, p.text) for p in arbete.parts] == [
        ("Stadsövergripande arbete", "Avdelningen för stadsövergripande frågor", CITY),
        ("Nämndens verksamhet", "Socialtjänstavdelningen", "Handläggningstiderna har kortats.")]
    trygga = _goal(report, "trygga")
    assert trygga.owner == "Socialtjänstavdelningen"
    assert trygga.parts[1].text == "Nämndens egna verksamheter har inget särskilt att redovisa."  # the fixed sentence
    html = render_html(report)
    # the nämndmål is an h5, its Analys an h6, the parts and their sub-headings the levels below (role="heading")
    assert ('<h6>Analys</h6>\n<p role="heading" aria-level="7" id="del-stad:arbete" class="analysis-heading">Stadsövergripande '
            'arbete</p><p>Staden samordnar jobbtorgen.</p><p role="heading" aria-level="8" class="analysis-subheading">Bostad '
            'först</p><p>Fler har fått eget kontrakt.</p><p role="heading" aria-level="7" id="del-verksamhet:arbete" '
            'class="analysis-heading">Nämndens verksamhet</p><p>Handläggningstiderna har kortats.</p>') in html
    doc = Document(io.BytesIO(document_bytes(report)))
    texts = [(p.style.name, p.text) for p in doc.paragraphs]
    start = texts.index(("Heading 6", "Stadsövergripande arbete"))
    assert texts[start - 1:start + 6] == [
        ("Heading 5", "Analys"), ("Heading 6", "Stadsövergripande arbete"), ("Body Text", "Staden samordnar jobbtorgen."),
        ("Heading 7", "Bostad först"), ("Body Text", "Fler har fått eget kontrakt."), ("Heading 6", "Nämndens verksamhet"),
        ("Body Text", "Handläggningstiderna har kortats.")]
    nodes = {n.get("id") or n["number"]: n for n in _walk(json.loads(render_json(report))["goals"])}
    assert [(p["key"], p["title"], p["missing"]) for p in nodes["arbete"]["parts"]] == [
        ("stad:arbete", "Stadsövergripande arbete", False), ("verksamhet:arbete", "Nämndens verksamhet", False)]
    assert [k for k, n in nodes.items() if "parts" in n] == ["arbete", "trygga"]


def test_a_part_whose_writer_has_not_submitted_is_reported_missing(cycle, tmp_path):
    accepted = {c: accepted_version(cycle, tmp_path, c, _rows(cycle, c)) for c in ("stab", "stad")}
    built, _ = assemble(cycle, accepted)
    part = _goal(built, "arbete").parts[1]
    assert (part.missing, part.text) == (True, "")
    assert ('<p role="heading" aria-level="7" id="del-verksamhet:arbete" class="analysis-heading">Nämndens verksamhet</p>'
            '<p class="missing">Underlag saknas från Socialtjänstavdelningen.</p>') in render_html(built)
    status = ContributorStatus(contributor_id="stad", avdelning="Avdelningen för stadsövergripande frågor",
                               deadline=dt.date(2026, 1, 26), status=Status.NOT_STARTED, days_left=1, latest_version=None,
                               errors=None, warnings=None, usable_version=None)
    mails = due_mails(cycle, [status], dt.date(2026, 1, 23))
    assert any(line.endswith("2 textavsnitt") for line in mails[0].mail.body.splitlines())


def test_the_balance_sheet_and_the_special_reports_stand_under_their_goals(report):
    assert report.extra_sections == [] and report.special_reports == []
    kostnad = _goal(report, "kostnad")
    assert [(s.key, s.title, s.paragraphs) for s in kostnad.sections][0] == ("balansrakning", "Analys av balansräkning", [BALANCE])
    assert [s.key for s in kostnad.sections] == ["balansrakning", "klagomal"]  # in the outline's order
    special = _goal(report, "3").sections[0]
    assert (special.title, [s.key for s in special.sections]) == (
        "Särskilda redovisningar", ["intern_kontroll", "kvalitetsarbete", "arbetsmiljo"])
    data = json.loads(render_json(report))
    assert data["outline"] == ["front_matter", "summary", "goals", "economy", "section:ideer", "attest"]
    html = render_html(report)
    balance = html.index('<section id="avsnitt-balansrakning"><h6>Analys av balansräkning</h6>')
    assert html.index('id="mal-kostnad"') < balance
    assert html.count("Analys av balansräkning</h") == 1  # not in the outline or its table of contents
    assert html.index('id="mal-3"') < html.index('<section id="avsnitt-sarskilda-redovisningar">') < html.index('id="mal-3.1"')
    doc = Document(io.BytesIO(document_bytes(report)))
    texts = [(p.style.name, p.text) for p in doc.paragraphs]
    at = texts.index(("Heading 5", "Analys av balansräkning"))
    assert texts[at + 1] == ("Body Text", BALANCE)
    assert texts.index(("Heading 4", "Nämndmål: Nämndens verksamheter är kostnadseffektiva")) < at


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node["children"])


def test_check_config_lists_the_built_in_parts_placed_in_the_goal_tree(cycle):
    assert outline_text(cycle.outline) == (
        "Tjänsteutlåtande, Sammanfattande analys, Uppföljning av mål, Uppföljning av ekonomi, Analys av balansräkning "
        "[i målträdet under mål kostnad], Särskilda redovisningar (inbyggda) [i målträdet under mål 3], Synpunkter och "
        "klagomål [i målträdet under mål kostnad], Idéer från brukarna, Attesterat av; mål i delar: arbete, trygga "
        "(Stadsövergripande arbete av stad, Nämndens verksamhet av iof)")


@pytest.mark.parametrize("change, expected", [
    (lambda p: p["goal_parts"][0]["goals"].append("okand"),
     "goal_parts[0].goals[2]: målet 'okand' finns inte i planen; ange ett måls id (1, 1.1, arbete, trygga, 3, 3.1, kostnad)"),
    (lambda p: p["goal_parts"].append({"goals": ["trygga"], "parts": [{"key": "x", "title": "X", "owner": "stab"}]}),
     "goal_parts[1].goals[0]: målet 'trygga' står redan i goal_parts[0].goals[1]; ett mål delas upp på ett enda sätt"),
    (lambda p: p["goal_parts"][0]["parts"][1].update(owner="okand"),
     "goal_parts[0].parts[1].owner: 'okand' är ingen bidragsgivare i cykeln; ange en av: stab, stad, iof"),
    (lambda p: p["goal_parts"][0]["parts"][1].update(key="stad"),
     "goal_parts[0].parts[1].key: delen 'stad' står redan i samma mål; varje del behöver en egen key"),
    (lambda p: p["goal_parts"][0]["parts"][1].update(key="del:1"),
     "goal_parts[0].parts[1].key: har fel form (förväntat mönster ^[A-Za-z0-9][A-Za-z0-9._-]*$) (fann 'del:1')"),
    (lambda p: p["goal_parts"][0].update(parts=[]), "goal_parts[0].parts: förväntade minst 1 element"),
    (lambda p: p["parts"][1].update(under="okand"),
     "parts[1].under: målet 'okand' finns inte i planen; ange ett måls id (1, 1.1, arbete, trygga, 3, 3.1, kostnad)"),
    (lambda p: p["parts"].append({"part": "directives", "under": "3"}),
     "parts[5]: under gäller bara part: section, balance_sheet, special_reports, economy, inte part: directives"),
])
def test_check_config_refuses_wrong_goal_parts_naming_the_key(tmp_path, change, expected):
    with pytest.raises(ConfigError) as caught:
        load_cycle(changed_copy(PARTS, tmp_path, "profil.yaml", change))
    assert caught.value.file.name == "profil.yaml"
    assert expected in caught.value.problems, caught.value.problems
