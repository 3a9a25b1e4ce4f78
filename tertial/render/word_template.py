"""The Word document the report is written into: the city's template (.dotx or .docx) or python-docx's own,
made Swedish (sv-SE) and given the styles the report uses.

Style names. Word knows a built-in style by its English `w:name` ("heading 1", "Body Text"), whatever the
language of its menus, and shows it in the user's language: a Swedish Word shows "Rubrik 1" and "Brödtext",
and writes the `w:styleId` in Swedish ("Rubrik1", "Brdtext"). The report therefore keeps the built-in names
(the navigation pane, the table of contents and screen readers know them as headings; python-docx finds them
as "Heading 1") and, in its own document, the ids a Swedish Word writes. "Tabell", the text in table cells, has
no built-in counterpart and is a style of its own by that name. A template's styles are kept as the template
has them; a style the report needs and the template lacks is taken from python-docx's own.
"""

from __future__ import annotations

import copy
import io
import zipfile
from functools import lru_cache
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.shared import Pt

from tertial.errors import TertialError

LANGUAGE = "sv-SE"
HEADING_LEVELS = 4  # Rubrik 1–4: the levels the table of contents lists
TABLE_STYLE = "Tabell"
BODY_STYLE = "Body Text"  # Brödtext
# Built-in style name → the style id a Swedish Word gives it.
SWEDISH_IDS = {**{f"heading {n}": f"Rubrik{n}" for n in range(1, HEADING_LEVELS + 1)}, BODY_STYLE: "Brdtext"}
TOC_STYLES = tuple(f"toc {n}" for n in range(1, HEADING_LEVELS + 1))  # Innehåll 1–4 in a Swedish Word
# Every style the report's paragraphs and tables name, so a template without one still works.
USED_STYLES = ("Normal", "Title", *(f"heading {n}" for n in range(1, 10)), BODY_STYLE, "List Bullet", "List Number",
               "TOC Heading", "Table Grid")

_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_TEMPLATE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_MACROS = ("vbaProject", "macroEnabled")


class WordTemplateError(TertialError):
    """The Word template cannot be used; the message names the file and what to do."""


def base_document(template: Path | None) -> DocumentType:
    """The template's styles, headers, footers and pictures (its body emptied) or python-docx's default
    document with the report's own look; either way in Swedish and with every style the report uses."""
    if template is None:
        doc = Document()
        doc.styles["Normal"].font.name = "Arial"
        doc.styles["Normal"].font.size = Pt(10)
        _swedish_ids(doc)
    else:
        doc = Document(io.BytesIO(_as_document(template)))
        _empty_body(doc)
        _detach(doc)
        _canonical_names(doc)
    _add_missing_styles(doc)
    _in_swedish(doc)
    return doc


def check_template(template: Path) -> None:
    """A WordTemplateError naming the file unless it is a Word document or template without macros."""
    _as_document(template)


def _as_document(template: Path) -> bytes:
    """The template's bytes, a .dotx's main part declared as a document's so python-docx opens it."""
    if not template.is_file():
        raise WordTemplateError(f"Word-mallen {template} finns inte. Ange sökvägen till stadens .dotx- eller .docx-mall "
                                "med --word-template eller TERTIAL_WORD_TEMPLATE.")
    try:
        with zipfile.ZipFile(template) as package:
            parts = {info.filename: package.read(info) for info in package.infolist()}
    except (OSError, zipfile.BadZipFile) as error:
        raise WordTemplateError(f"Word-mallen {template} går inte att läsa ({type(error).__name__}). Ange en .dotx- "
                                "eller .docx-fil sparad i Word, med --word-template eller TERTIAL_WORD_TEMPLATE.") from None
    types = parts.get("[Content_Types].xml", b"").decode("utf-8", "replace")
    if _DOCUMENT not in types and _TEMPLATE not in types:
        raise WordTemplateError(f"Word-mallen {template} är ingen Word-fil (.dotx eller .docx). Spara mallen i Word "
                                "som Word-mall (.dotx) och ange den igen.")
    if any(marker in name or marker in types for name in parts for marker in _MACROS):
        raise WordTemplateError(f"Word-mallen {template} innehåller makron, och inget aktivt får lämna Tertial. "
                                "Spara mallen som Word-mall utan makron (.dotx) och ange den igen.")
    parts["[Content_Types].xml"] = types.replace(_TEMPLATE, _DOCUMENT).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return out.getvalue()


def _empty_body(doc: DocumentType) -> None:
    """The template's sample text goes; its last section (page size, margins, header and footer) stays."""
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _swedish_ids(doc: DocumentType) -> None:
    """The ids a Swedish Word writes, and every reference to them in the styles part changed along."""
    renamed = {}
    for name, swedish in SWEDISH_IDS.items():
        style = doc.styles[name]
        renamed[style.style_id] = swedish
        style.style_id = swedish
    for reference in doc.styles.element.iter(qn("w:basedOn"), qn("w:next"), qn("w:link")):
        reference.set(qn("w:val"), renamed.get(reference.get(qn("w:val")), reference.get(qn("w:val"))))


def _detach(doc: DocumentType) -> None:
    """No link to the template's own template (w:attachedTemplate: a path on the author's machine) leaves with the report."""
    settings = doc.settings.element
    for attached in settings.findall(qn("w:attachedTemplate")):
        settings.remove(attached)
    part = doc.part.part_related_by(RT.SETTINGS)
    for r_id, relationship in list(part.rels.items()):
        if relationship.is_external:
            part.drop_rel(r_id)


def _canonical_names(doc: DocumentType) -> None:
    """A built-in style's name as Word writes it: LibreOffice saves "Heading 1" where Word has "heading 1"."""
    canonical = {name.lower(): name for name in USED_STYLES}
    for name in doc.styles.element.iter(qn("w:name")):
        written = name.get(qn("w:val")) or ""
        name.set(qn("w:val"), canonical.get(written.lower(), written))


@lru_cache(maxsize=1)
def _default_styles() -> bytes:
    return Document().styles.element.xml.encode("utf-8")


def _add_missing_styles(doc: DocumentType) -> None:
    """Styles the report uses that the document lacks: Tabell and the table of contents' levels made here, the
    others copied from python-docx's own document."""
    _copy_default_styles(doc)
    body = doc.styles[BODY_STYLE]
    have = {style.element.name_val for style in doc.styles}
    if TABLE_STYLE not in have:
        table = doc.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        table.base_style, table.quick_style = body, True
        table.paragraph_format.space_after = Pt(0)
    for level, name in enumerate(TOC_STYLES):
        if name not in have:
            toc = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH, builtin=True)  # Word's own "toc N"
            toc.base_style, toc.next_paragraph_style = doc.styles["Normal"], doc.styles["Normal"]
            toc.paragraph_format.left_indent = Pt(11 * level)
            toc.paragraph_format.space_after = Pt(3)
            toc.priority, toc.hidden, toc.unhide_when_used = 39, False, True


def _copy_default_styles(doc: DocumentType) -> None:
    """python-docx's definition of each used style the document lacks, and of what it is based on; their
    references then name the document's own ids (a Swedish Word's "Rubrik1" for python-docx's "Heading1"),
    and a reference to a style the document does not have is dropped."""
    ids = {style.element.name_val: style.style_id for style in doc.styles}
    defaults = {_name(s): s for s in parse_xml(_default_styles()).iter(qn("w:style"))}
    default_names = {s.get(qn("w:styleId")): name for name, s in defaults.items()}
    copied = []
    for name in USED_STYLES:
        while name in defaults and name not in ids:
            style = copy.deepcopy(defaults[name])
            doc.styles.element.append(style)
            copied.append(style)
            ids[name] = style.get(qn("w:styleId"))
            based_on = style.find(qn("w:basedOn"))
            name = default_names.get(based_on.get(qn("w:val"))) if based_on is not None else None
    for style in copied:
        for reference in list(style.iter(qn("w:basedOn"), qn("w:next"), qn("w:link"))):
            target = ids.get(default_names.get(reference.get(qn("w:val"))))
            if target is None:
                style.remove(reference)
            else:
                reference.set(qn("w:val"), target)


def _name(style) -> str:
    return style.find(qn("w:name")).get(qn("w:val"))


def _in_swedish(doc: DocumentType) -> None:
    """sv-SE as the document's language, in its defaults and in each style the report uses (a template's
    style may name a language of its own), and as the language Word chooses the theme's fonts for."""
    used = {*USED_STYLES, TABLE_STYLE, *TOC_STYLES}
    for properties in [_default_run_properties(doc), *(s.element.get_or_add_rPr() for s in doc.styles if s.element.name_val in used)]:
        language = properties.find(qn("w:lang"))
        if language is None:
            language = OxmlElement("w:lang")
            properties.insert_element_before(language, "w:eastAsianLayout", "w:specVanish", "w:oMath", "w:rPrChange")
        language.set(qn("w:val"), LANGUAGE)
    theme_language = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_language is not None:
        theme_language.set(qn("w:val"), LANGUAGE)
    doc.core_properties.language = LANGUAGE


def _default_run_properties(doc: DocumentType) -> CT_RPr:
    """w:docDefaults/w:rPrDefault/w:rPr, made where a template has none."""
    styles = doc.styles.element
    if styles.find(qn("w:docDefaults")) is None:
        styles.insert(0, OxmlElement("w:docDefaults"))
    defaults = styles.find(qn("w:docDefaults"))
    if defaults.find(qn("w:rPrDefault")) is None:
        defaults.insert(0, OxmlElement("w:rPrDefault"))
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults.find(qn("w:rPr")) is None:
        run_defaults.append(OxmlElement("w:rPr"))
    return run_defaults.find(qn("w:rPr"))
