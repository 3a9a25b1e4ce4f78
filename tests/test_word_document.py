"""Word for the secretariat: a table of contents Word updates, Swedish language, header rows repeated on every
page, Rubrik 1–4, Brödtext and Tabell, and the city's own template (styles, header, footer, logo)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from lxml import etree
from PIL import Image
from pypdf import PdfReader
from typer.testing import CliRunner

from commands import app
from tests.active_content import scan_docx
from tests.builders import accepted_versions
from tests.conftest import DATA
from tertial.assembly import build_report
from tertial.config import load_cycle
from tertial.render.formats import write_report_files
from tertial.render.word import document_bytes
from tertial.render.word_template import WordTemplateError, check_template

HEADER_TEXT = "Testdals stad · Stadsledningskontoret"
FOOTER_TEXT = "Testdals stad, 123 45 Testdal"
SAMPLE_TEXT = "Mallens exempeltext som inte hör till rapporten"
TEMPLATE_FONT = "Georgia"
TOC_INSTRUCTION = 'TOC \\o "1-4" \\h \\z \\u'
DOTX = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
ATTACHED_TEMPLATE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("mini")
    shutil.copytree(DATA / "mini", root, dirs_exist_ok=True)
    cycle = load_cycle(root / "cycle.yaml")
    return build_report(cycle, accepted_versions(cycle, root / "inkorg-cycle"))


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A city's template as a Swedish Word saves one (.dotx): a logo and a line in the header, a footer, Rubrik 1 in
    Georgia under its Swedish id, sample text in the body, neither List Bullet nor TOC Heading (Word keeps only
    the styles a template uses), and a link to the template it was made from on its author's machine."""
    folder = tmp_path_factory.mktemp("mall")
    logo = folder / "logo.png"
    Image.new("RGB", (40, 20), "#2f5d8a").save(logo)
    doc = Document()
    header = doc.sections[0].header.paragraphs[0]
    header.add_run().add_picture(str(logo), width=Cm(2))
    header.add_run(" " + HEADER_TEXT)
    doc.sections[0].footer.paragraphs[0].text = FOOTER_TEXT
    doc.styles["Heading 1"].font.name = TEMPLATE_FONT
    doc.add_paragraph(SAMPLE_TEXT)
    r_id = doc.part.part_related_by(RT.SETTINGS).relate_to("file:///C:/Users/anna/Mallar/Normal.dotm", ATTACHED_TEMPLATE, is_external=True)
    attached = OxmlElement("w:attachedTemplate", {qn("r:id"): r_id})
    doc.settings.element.find(qn("w:defaultTabStop")).addprevious(attached)
    for unused in ("List Bullet", "TOC Heading"):
        element = doc.styles[unused].element
        element.getparent().remove(element)
    for element in doc.styles.element.iter():
        for attribute in (qn("w:styleId"), qn("w:val")):
            if element.get(attribute) == "Heading1":
                element.set(attribute, "Rubrik1")
    saved = io.BytesIO()
    doc.save(saved)
    path = folder / "stadens.dotx"
    _rewrite(saved.getvalue(), path, lambda name, data: data.replace(DOCX.encode(), DOTX.encode())
             if name == "[Content_Types].xml" else data)
    return path


def _rewrite(package: bytes, target: Path, change) -> None:
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            out.writestr(info.filename, change(info.filename, source.read(info)))


def _parts(data: bytes) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: etree.fromstring(package.read(name)) for name in package.namelist() if name.endswith(".xml")}


def _style(styles: etree._Element, style_id: str) -> etree._Element:
    return next(s for s in styles.iter(qn("w:style")) if s.get(qn("w:styleId")) == style_id)


def _text(paragraph: etree._Element) -> str:
    return "".join(t.text or "" for t in paragraph.iter(qn("w:t")))


def test_the_word_file_is_swedish_with_a_toc_field_repeating_header_rows_and_named_styles(report):
    data = document_bytes(report)
    parts = _parts(data)
    document, styles, settings = parts["word/document.xml"], parts["word/styles.xml"], parts["word/settings.xml"]
    # sv-SE in the defaults and in the styles the report uses
    assert styles.find(f"{qn('w:docDefaults')}//{qn('w:lang')}").get(qn("w:val")) == "sv-SE"
    for style_id in ("Rubrik1", "Rubrik2", "Rubrik3", "Rubrik4", "Brdtext", "Tabell"):
        assert _style(styles, style_id).find(f"{qn('w:rPr')}/{qn('w:lang')}").get(qn("w:val")) == "sv-SE"
    assert settings.find(qn("w:themeFontLang")).get(qn("w:val")) == "sv-SE"
    # Rubrik 1–4 and Brödtext are Word's built-in styles (as a Swedish Word writes them): headings to the navigation pane
    names = {s.get(qn("w:styleId")): s.find(qn("w:name")).get(qn("w:val")) for s in styles.iter(qn("w:style"))}
    assert [names[f"Rubrik{n}"] for n in range(1, 5)] == [f"heading {n}" for n in range(1, 5)]
    assert names["Brdtext"] == "Body Text" and names["Tabell"] == "Tabell"
    body = document.find(qn("w:body"))
    used = [p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") for p in body.iterchildren(qn("w:p"))]
    assert all(u is not None for u in used), "every paragraph has a named style"
    assert {"Rubrik1", "Rubrik2", "Rubrik3", "Rubrik4", "Brdtext"} <= {u.get(qn("w:val")) for u in used}
    # a TOC field Word refreshes on opening, its result the headings of levels 1–4 in order
    assert settings.find(qn("w:updateFields")).get(qn("w:val")) == "true"
    instructions = [i.text.strip() for i in document.iter(qn("w:instrText"))]
    assert instructions == [TOC_INSTRUCTION]
    paragraphs = list(body.iterchildren(qn("w:p")))
    style_of = [p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) for p in paragraphs]
    entries = [_text(p) for p, s in zip(paragraphs, style_of) if s.startswith("toc")]
    headings = [_text(p) for p, s in zip(paragraphs, style_of) if re.fullmatch("Rubrik[1-4]", s)]
    assert entries == headings and "Uppföljning av Kommunfullmäktiges inriktningsmål" in entries
    kinds = [f.get(qn("w:fldCharType")) for f in body.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    assert style_of.index("Title") < style_of.index("TOCHeading") < style_of.index("toc1")  # under the title
    # every table's header row repeats on each page; its cells are in the Tabell style
    tables = list(body.iter(qn("w:tbl")))
    assert tables and all(t.find(f"{qn('w:tr')}/{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for t in tables)
    assert {p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) for t in tables for p in t.iter(qn("w:p"))
            if _text(p)} == {"Tabell"}
    # python-docx, like Word, still knows the headings by their built-in names
    assert "Heading 1" in {p.style.name for p in Document(io.BytesIO(data)).paragraphs}
    assert document_bytes(report) == data


def test_the_citys_template_gives_styles_header_footer_and_logo(report, template):
    data = document_bytes(report, template=template)
    parts = _parts(data)
    headers = [root for name, root in parts.items() if re.fullmatch(r"word/header\d*\.xml", name)]
    assert any(HEADER_TEXT in _text(h) for h in headers)
    assert any(h.find(f".//{qn('a:blip')}") is not None for h in headers)  # the logo
    footers = [root for name, root in parts.items() if re.fullmatch(r"word/footer\d*\.xml", name)]
    assert any(FOOTER_TEXT in _text(f) for f in footers)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert DOCX in package.read("[Content_Types].xml").decode()  # a document, though made from a .dotx
        assert any(name.startswith("word/media/") for name in package.namelist())
    heading = next(s for s in parts["word/styles.xml"].iter(qn("w:style")) if s.find(qn("w:name")).get(qn("w:val")) == "heading 1")
    assert heading.find(f"{qn('w:rPr')}/{qn('w:rFonts')}").get(qn("w:ascii")) == TEMPLATE_FONT
    doc = Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    assert SAMPLE_TEXT not in texts and report.title in texts
    assert "List Bullet" in {p.style.name for p in doc.paragraphs}  # the styles the template lacked, added,
    assert doc.styles["TOC Heading"].base_style.style_id == "Rubrik1"  # based on its own Rubrik 1
    assert "Innehåll" in texts
    assert parts["word/settings.xml"].find(qn("w:updateFields")) is not None
    assert parts["word/settings.xml"].find(qn("w:attachedTemplate")) is None
    scan_docx("rapport.docx", data)  # nothing active, no link to the author's machine
    assert document_bytes(report, template=template) == data


def test_the_template_comes_from_the_setting_unless_the_run_names_one(report, template, tmp_path, monkeypatch):
    monkeypatch.setenv("TERTIAL_WORD_TEMPLATE", str(template))
    written = write_report_files(report, tmp_path / "ut", ("docx",))
    assert any(HEADER_TEXT in _text(root) for name, root in _parts(written["docx"].read_bytes()).items() if "header" in name)
    plain = tmp_path / "egen.docx"
    plain.write_bytes(document_bytes(report))
    again = write_report_files(report, tmp_path / "ut2", ("docx",), word_template=plain)
    assert not any(HEADER_TEXT in _text(root) for name, root in _parts(again["docx"].read_bytes()).items() if "header" in name)


def test_a_template_that_cannot_be_used_is_named_with_what_to_do(template, tmp_path):
    text = tmp_path / "mall.dotx"
    text.write_text("inte en mall", encoding="utf-8")
    macros = tmp_path / "makro.dotx"
    _rewrite(template.read_bytes(), macros, lambda name, data: data)
    with zipfile.ZipFile(macros, "a") as package:
        package.writestr("word/vbaProject.bin", b"\x00")
    for path, words in ((tmp_path / "saknas.dotx", "finns inte"), (text, "går inte att läsa"), (macros, "makron")):
        with pytest.raises(WordTemplateError) as caught:
            check_template(path)
        assert str(path) in caught.value.message_sv and words in caught.value.message_sv
    result = CliRunner().invoke(app, ["assemble", "--cycle", str(DATA / "mini" / "cycle.yaml"), "--workdir", str(tmp_path),
                                      "--word-template", str(tmp_path / "saknas.dotx")])
    assert result.exit_code == 2 and "Word-mallen" in result.output and "finns inte" in result.output


@pytest.mark.slow
def test_libreoffice_opens_the_word_file_with_its_contents_and_the_templates_header(report, template, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None or not (Path(soffice).resolve().parent / "libswlo.so").exists():
        if os.environ.get("CI"):
            pytest.fail("CI must have LibreOffice Writer (make test installs libreoffice-writer-nogui)")
        pytest.skip("LibreOffice Writer is not installed; `make test` installs it")
    source = tmp_path / "rapport.docx"
    source.write_bytes(document_bytes(report, template=template))
    done = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(source)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    # LibreOffice's only line on stderr is about its Java helper, never about the document
    assert [line for line in done.stderr.splitlines() if line.strip() and "javaldx" not in line] == []
    pdf = PdfReader(tmp_path / "rapport.pdf")
    pages = [page.extract_text() for page in pdf.pages]
    first = pages[0]
    assert "Innehåll" in first
    contents = first[first.index("Innehåll"):]
    assert contents.index("Förslag till beslut") < contents.index("Sammanfattande analys") < contents.index("Uppföljning av ekonomi")
    assert all(HEADER_TEXT in page for page in pages) and FOOTER_TEXT in pages[-1]
    # LibreOffice read the headings as headings: they are the PDF's bookmarks
    bookmarks = [item.title for item in _flatten(pdf.outline)]
    assert "Förslag till beslut" in bookmarks and "Uppföljning av Kommunfullmäktiges inriktningsmål" in bookmarks


def _flatten(outline):
    for item in outline:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item
