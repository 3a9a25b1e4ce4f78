"""Report profiles: the outline as data — a nämnd's own parts, order, free sections and summary choice."""

import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from docx import Document

from tasks.validation import validate_submission
from tests.builders import accepted_version, changed_copy, filled_rows, write_filled
from tests.conftest import DATA
from tertial.accepted import Accepted
from tertial.assembly import build_report
from tertial.config import load_cycle
from tertial.errors import ConfigError
from tertial.findings import Severity
from tertial.prefill import handout_rows
from tertial.reading import read_submission
from tertial.render.formats import render_json
from tertial.render.html import render_html
from tertial.render.word import document_bytes
from tertial.workbooks import prefilled_rows

OUTLINE = DATA / "outline"
FIXED_SALES = "Nämnden har under året inte sålt några anläggningstillgångar."
FIXED_PREMISES = "Nämnden har under året inte haft några medel för särskilda lokaländamål."


def _accepted(cycle, inbox: Path, contributors: list[str], blank: set[str]) -> dict[str, Accepted]:
    """Filled submissions from `contributors` (the others send none); the text rows in `blank` left empty."""
    accepted = {}
    for contributor in contributors:
        rows = filled_rows(cycle, contributor)
        for row in rows["texts"]:
            row["text"] = "" if row["key"] in blank else f"Texten om {row['title']}."
        accepted[contributor] = accepted_version(cycle, inbox, contributor, rows)
    return accepted


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    cycle = load_cycle(OUTLINE / "cycle.yaml")
    return build_report(cycle, _accepted(cycle, tmp_path_factory.mktemp("inkorg"), ["stab", "barn"], {"forsaljningar"}))


def test_the_outline_follows_the_profile_in_report_json(report):
    data = json.loads(render_json(report))
    assert data["outline"] == ["front_matter", "summary", "goals", "economy", "section:sarskilda", "balance_sheet",
                               "section:forsaljningar", "section:lokaler", "attest"]
    assert [(s["key"], s["title"], [c["title"] for c in s["sections"]]) for s in data["sections"]] == [
        ("sarskilda", "Särskilda redovisningar", ["Synpunkter och klagomål", "Redovisning av Lex Sarah-rapporter"]),
        ("forsaljningar", "Försäljningar av anläggningstillgångar", []),
        ("lokaler", "Medel för lokaländamål", []),
    ]
    klagomal, lex_sarah = data["sections"][0]["sections"]
    assert (klagomal["owner"], klagomal["paragraphs"]) == ("Stabsavdelningen", ["Texten om Synpunkter och klagomål."])
    assert (lex_sarah["owner"], lex_sarah["paragraphs"]) == ("Avdelningen för barn och unga",
                                                             ["Texten om Redovisning av Lex Sarah-rapporter."])
    assert data["special_reports"] == []


def test_an_empty_section_gets_its_fixed_sentence_and_a_missing_owner_does_not(report):
    sales, premises = report.sections[1], report.sections[2]
    assert (sales.paragraphs, sales.missing) == ([FIXED_SALES], False)
    assert (premises.paragraphs, premises.missing, premises.owner) == ([], True, "Äldreavdelningen")


def test_the_summary_is_one_text_when_the_profile_chooses_it(report):
    assert report.summary_analysis == []
    assert report.summary_text.paragraphs == ["Texten om Sammanfattande analys."]
    html = render_html(report)
    assert "Positivt under perioden" not in html and "Arbete utifrån direktiven" not in html
    assert "<p>Texten om Sammanfattande analys.</p>" in html


def _headings(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", html)]


def test_html_prints_the_parts_in_profile_order_with_nested_sub_headings(report):
    html = render_html(report)
    headings = _headings(html)
    order = ["Sammanfattande analys", "Uppföljning av Kommunfullmäktiges inriktningsmål", "Uppföljning av ekonomi",
             "Särskilda redovisningar", "Synpunkter och klagomål", "Redovisning av Lex Sarah-rapporter",
             "Analys av balansräkning", "Försäljningar av anläggningstillgångar", "Medel för lokaländamål", "Attesterat av"]
    positions = [headings.index(h, headings.index("Innehållsförteckning") + 1) for h in order]
    assert positions == sorted(positions)
    assert '<h2>Särskilda redovisningar</h2>' in html and '<h3>Synpunkter och klagomål</h3>' in html
    assert f"<p>{FIXED_SALES}</p>" in html
    assert '<p class="missing">Underlag saknas från Äldreavdelningen.</p>' in html
    toc = html[html.index('<nav class="toc">'):html.index("</nav>")]
    assert ('<li><a href="#avsnitt-sarskilda">Särskilda redovisningar</a><ol><li><a href="#avsnitt-klagomal">'
            'Synpunkter och klagomål</a></li>') in toc
    assert toc.index("#uppfoljning-ekonomi") < toc.index("#avsnitt-sarskilda") < toc.index("#avsnitt-balansrakning") \
        < toc.index("#avsnitt-lokaler") < toc.index("#attesterat-av")


def test_word_prints_the_parts_in_profile_order_with_nested_sub_headings(report):
    doc = Document(io.BytesIO(document_bytes(report)))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    wanted = [("Heading 1", "Uppföljning av ekonomi"), ("Heading 1", "Särskilda redovisningar"),
              ("Heading 2", "Synpunkter och klagomål"), ("Heading 2", "Redovisning av Lex Sarah-rapporter"),
              ("Heading 1", "Analys av balansräkning"), ("Heading 1", "Försäljningar av anläggningstillgångar"),
              ("Heading 1", "Medel för lokaländamål"), ("Heading 1", "Attesterat av")]
    assert [h for h in headings if h in wanted] == wanted
    texts = [p.text for p in doc.paragraphs if not p.style.name.startswith("toc")]  # not the contents
    assert texts[texts.index("Försäljningar av anläggningstillgångar") + 1] == FIXED_SALES
    assert "Arbete utifrån direktiven till alla nämnder och bolagsstyrelser" not in texts
    assert "Texten om Sammanfattande analys." in texts


def test_free_sections_are_offered_on_their_owners_texter_sheet():
    cycle = load_cycle(OUTLINE / "cycle.yaml")
    keys = {c: [r["key"] for r in prefilled_rows(cycle, c)["texts"]] for c in ("stab", "barn", "aldre")}
    assert keys == {
        "stab": ["sammanfattning", "sammanfattande_analys", "ekonomi", "ekonomi:iof", "ekonomi:aldre", "investeringar",
                 "balansrakning", "klagomal", "forsaljningar"],
        "barn": ["lex_sarah"], "aldre": ["lokaler"],
    }


def _broken(tmp_path: Path, change) -> Path:
    return changed_copy(OUTLINE, tmp_path, "profil.yaml", change)


@pytest.mark.parametrize("change, expected", [
    (lambda p: p["parts"].append({"part": "bilagor"}),
     "parts[4].part: förväntade ett av: 'front_matter', 'summary', 'directives', 'goals', 'economy', 'balance_sheet', "
     "'special_reports', 'section' eller 'attest' (fann 'bilagor')"),
    (lambda p: p["parts"][1]["sections"][1].update(owner="ekonomi"),
     "parts[1].sections[1].owner: 'ekonomi' är ingen bidragsgivare i cykeln; ange en av: stab, barn, aldre"),
    (lambda p: p["parts"][3].update(key="klagomal"),
     "parts[3].key: avsnittet 'klagomal' finns redan (parts[1].sections[0]); varje avsnitt behöver en egen key"),
    (lambda p: p["parts"][2].update(key="direktiv"),
     "parts[2].key: 'direktiv' är redan ett av Tertials egna textavsnitt; välj en annan key"),
    (lambda p: p["parts"][1].update(after="budget"),
     "parts[1].after: delen 'budget' finns inte i dispositionen; ange en del (front_matter, summary, goals, economy, "
     "balance_sheet, attest)"),
    (lambda p: p["remove"].append("bilagor"), "remove[2]: 'bilagor' finns inte i grundprofilen VB"),
    (lambda p: p["parts"][3].pop("owner"),
     "parts[3]: avsnittet 'lokaler' saknar ägare (owner); ett avsnitt utan underavsnitt skrivs av en bidragsgivare"),
    (lambda p: p["parts"][0].update(owner="stab"),
     "parts[0]: owner gäller bara fria avsnitt (part: section), inte part: summary"),
    (lambda p: p.update(extends=None) or p["parts"].extend([{"part": "goals"}, {"part": "goals"}]),
     "parts[4].part: delen 'goals' står mer än en gång i dispositionen"),
    (lambda p: p["parts"].extend([{"part": "goals"}, {"part": "goals"}]),
     "parts[5].part: delen 'goals' står mer än en gång i dispositionen"),
])
def test_check_config_refuses_a_broken_profile_naming_file_and_key(tmp_path, change, expected):
    with pytest.raises(ConfigError) as caught:
        load_cycle(_broken(tmp_path, change))
    assert caught.value.file.name == "profil.yaml"
    assert expected in caught.value.problems


def test_check_config_command_names_the_profile_file_and_key(tmp_path):
    path = _broken(tmp_path, lambda p: p["parts"][2].update(owner="okand"))
    done = subprocess.run([str(Path(sys.executable).parent / "tertial"), "check-config", "--cycle", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "Fel i konfigurationsfilen profil.yaml:",
        "  - parts[2].owner: 'okand' är ingen bidragsgivare i cykeln; ange en av: stab, barn, aldre",
    ]


def test_a_text_owned_outside_the_outline_is_named_as_such(tmp_path):
    shutil.copytree(OUTLINE, tmp_path, dirs_exist_ok=True)
    config = yaml.safe_load((tmp_path / "cycle.yaml").read_text(encoding="utf-8"))
    config["contributors"][0]["owns"]["texts"].append("direktiv")  # the profile removes the directives
    (tmp_path / "cycle.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_cycle(tmp_path / "cycle.yaml")
    assert caught.value.problems == ["contributors.owns: textavsnitt 'direktiv' (hos stab) finns inte i rapportens "
                                     "disposition (planen och rapportprofilen)"]


def test_check_config_lists_the_outline_of_a_good_profile():
    done = subprocess.run([str(Path(sys.executable).parent / "tertial"), "check-config", "--cycle", str(OUTLINE / "cycle.yaml")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1] == (
        "Disposition enligt profil.yaml: Tjänsteutlåtande, Sammanfattande analys, Uppföljning av mål, Uppföljning av "
        "ekonomi, Särskilda redovisningar (Synpunkter och klagomål, Redovisning av Lex Sarah-rapporter), Analys av "
        "balansräkning, Försäljningar av anläggningstillgångar, Medel för lokaländamål, Attesterat av.")


def test_a_profile_without_extends_is_the_whole_outline(tmp_path):
    def replace(profile):
        profile.update(extends=None, remove=[])
        profile["parts"][1].pop("after")
        profile["parts"] = [{"part": "front_matter"}, *profile["parts"][1:3], {"part": "goals"}, {"part": "attest"}]

    shutil.copytree(OUTLINE, tmp_path, dirs_exist_ok=True)
    config = yaml.safe_load((tmp_path / "cycle.yaml").read_text(encoding="utf-8"))
    config["contributors"][0]["owns"]["texts"] = ["sammanfattning"]  # no summary, economy or balance sheet texts now
    config["contributors"][0]["owns"]["economy"] = True
    (tmp_path / "cycle.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    cycle = load_cycle(_broken(tmp_path, replace))
    assert cycle.outline.names == ["front_matter", "section:sarskilda", "section:forsaljningar", "goals", "attest"]
    assert [s.key for s in cycle.sections] == ["sammanfattning", "klagomal", "lex_sarah", "forsaljningar"]


def test_the_previous_reports_profile_texts_are_handed_out_again(report):
    cycle = load_cycle(OUTLINE / "cycle.yaml")
    texts = {c: {r["key"]: r["text"] for r in handout_rows(cycle, c, report, {})["texts"]} for c in ("stab", "barn")}
    assert texts["barn"] == {"lex_sarah": "Texten om Redovisning av Lex Sarah-rapporter."}
    assert texts["stab"]["sammanfattande_analys"] == "Texten om Sammanfattande analys."
    assert texts["stab"]["klagomal"] == "Texten om Synpunkter och klagomål."


def test_a_section_with_a_fixed_sentence_may_be_left_empty_and_one_without_may_not(tmp_path):
    cycle = load_cycle(OUTLINE / "cycle.yaml")
    rows = {c: filled_rows(cycle, c) for c in ("stab", "barn")}
    for contributor_rows in rows.values():
        for row in contributor_rows["texts"]:
            row["text"] = "" if row["key"] in ("forsaljningar", "lex_sarah") else "Text."
    findings = {c: validate_submission.fn(read_submission(write_filled(tmp_path, cycle, c, r), cycle), cycle)
                for c, r in rows.items()}
    assert [f.rule_id for f in findings["stab"] if f.severity is Severity.ERROR] == []
    assert [(f.rule_id, f.row) for f in findings["barn"] if f.severity is Severity.ERROR] == [("text_missing", 2)]
