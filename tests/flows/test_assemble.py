"""Assembly in every format, from real submissions; the PDF and Word files are read back."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from flows.assemble import assemble
from tertial.errors import MissingSubmissions
from flows.collect import collect
from tests.builders import filled_rows, write_filled, write_filled_csv
from tests.conftest import MINI

pytestmark = [pytest.mark.flow, pytest.mark.pdf, pytest.mark.usefixtures("prefect_harness")]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, mini_cycle, prefect_harness):
    """Two of three contributors have sent accepted submissions; äldre has not."""
    root = tmp_path_factory.mktemp("assemble")
    rows = filled_rows(mini_cycle, "barn")
    rows["goals"][0]["analysis"] = "Bedömningen grundar sig på att tre av fem indikatorer uppfylls helt."  # 1.1 has two
    write_filled(root / "inkorg", mini_cycle, "barn", rows)
    write_filled_csv(root / "inkorg", mini_cycle, "stab")
    collect(cycle_path=MINI, inbox=root / "inkorg", workdir=root)
    return root


def test_refuses_while_a_contributor_is_missing(workdir):
    with pytest.raises(MissingSubmissions) as caught:
        assemble(cycle_path=MINI, workdir=workdir, formats=("json",), out_dir=workdir / "nej")
    assert "Äldreavdelningen (Eli Äldre)" in caught.value.message_sv
    assert not (workdir / "nej" / "report.json").exists()


def test_cli_refusal_is_one_swedish_line(workdir, server_env):
    done = subprocess.run([str(Path(sys.executable).parent / "tertial"), "assemble", "--cycle", str(MINI),
                           "--workdir", str(workdir), "--format", "json"], capture_output=True, text=True, env=server_env)
    assert done.returncode == 2
    assert "godkänt underlag saknas från Äldreavdelningen" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) <= 2


@pytest.fixture(scope="module")
def draft(workdir):
    return assemble(cycle_path=MINI, workdir=workdir, allow_missing=True, out_dir=workdir / "utkast")


def test_pdf_has_the_outline_page_numbers_and_figures(draft):
    reader = PdfReader(draft.files["pdf"])
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Tertialrapport 1 år 2025 för Testdals socialnämnd" in text
    assert "Underlag saknas från Äldreavdelningen" in text
    for heading in ("Förslag till beslut", "Sammanfattning", "Bakgrund", "Ärendets beredning", "Innehållsförteckning",
                    "Sammanfattande analys", "Uppföljning av ekonomi", "Attesterat av"):
        assert heading in text, heading
    toc = re.search(r"Uppföljning av ekonomi\s*\.*\s*(\d+)", text)
    assert toc and 1 < int(toc.group(1)) <= len(reader.pages)  # a real page number from target-counter
    assert "72 %" in text.replace("\u00a0", " ")
    assert f"Sida 1 av {len(reader.pages)}" in text


def test_word_document_has_real_headings_and_tables(draft):
    doc = Document(draft.files["docx"])
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "Uppföljning av Kommunfullmäktiges inriktningsmål") in headings
    assert ("Heading 2", "KF:s inriktningsmål: 1. En trygg och jämlik välfärd") in headings
    assert ("Heading 4", "Nämndmål: 1.1.1 Barn i behov av stöd upptäcks tidigt") in headings
    indicator_tables = [t for t in doc.tables if t.rows[0].cells[0].text == "Indikator"]
    first = indicator_tables[0]
    assert [c.text for c in first.rows[0].cells][:2] == ["Indikator", "Periodens utfall"]
    assert first.rows[1].cells[1].text.replace("\u00a0", " ") == "72 %"
    economy = next(t for t in doc.tables if t.rows[0].cells[0].text == "Mnkr")
    assert [c.text for c in economy.rows[-1].cells][0] == "Totalt"


def test_outputs_are_byte_identical_on_rerun(draft, workdir):
    again = assemble(cycle_path=MINI, workdir=workdir, allow_missing=True, out_dir=workdir / "igen")
    for kind in ("html", "json", "docx"):
        assert again.files[kind].read_bytes() == draft.files[kind].read_bytes(), kind


def test_texts_that_contradict_the_data_are_listed_for_the_controller(draft):
    hits = [f for f in draft.findings if f.rule_id == "narrative_indicator_count"]
    assert [(f.item_id, f.value) for f in hits] == [("1.1", "tre av fem indikatorer uppfylls helt")]
    assert "tre av fem indikatorer" in draft.files["kontroller"].read_text(encoding="utf-8")


def test_the_runs_word_template_gives_the_header(workdir, tmp_path):
    template = Document()
    template.sections[0].header.paragraphs[0].text = "Testdals stad, mallens sidhuvud"
    template.save(tmp_path / "mall.docx")
    made = assemble(cycle_path=MINI, workdir=workdir, formats=("docx",), allow_missing=True, out_dir=tmp_path / "ut",
                    word_template=tmp_path / "mall.docx")
    assert Document(made.files["docx"]).sections[0].header.paragraphs[0].text == "Testdals stad, mallens sidhuvud"
