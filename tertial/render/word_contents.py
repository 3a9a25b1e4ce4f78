"""The Word report's table of contents: a real TOC field, refreshed by Word when the document is opened.

The field's result is written out too, one line per heading, so a reader that does not update fields
(LibreOffice converting to PDF, a preview in the mail) still shows the contents; Word replaces it with
linked entries and page numbers on opening (w:updateFields).
"""

from __future__ import annotations

from docx.document import Document as DocumentType
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

from tertial.render.word_template import HEADING_LEVELS, TOC_STYLES

TITLE = "Innehåll"
INSTRUCTION = f' TOC \\o "1-{HEADING_LEVELS}" \\h \\z \\u '
NO_HEADINGS = "Rapporten har inga rubriker att visa här."
# w:settings children that come after w:updateFields in the schema's order.
_AFTER_UPDATE_FIELDS = ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids",
                        "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
                        "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions",
                        "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults",
                        "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator")


def add_contents(doc: DocumentType) -> None:
    """The table of contents under the report's title (or first, without one), listing the headings of levels 1–4
    as the finished document has them."""
    heading = doc.add_paragraph(TITLE, style="TOC Heading")._p
    field = _field(doc)
    title_id = doc.styles["Title"].style_id
    title = next((p for p in doc.element.body.iter(qn("w:p")) if p.style == title_id), None)
    for element in reversed([heading, *field]):
        if title is not None:
            title.addnext(element)
        else:
            doc.element.body.insert(0, element)
    _update_fields_on_open(doc)


def _field(doc: DocumentType) -> list[BaseOxmlElement]:
    """The TOC field's paragraphs, its result one line per heading."""
    levels = {doc.styles[f"Heading {n}"].style_id: n for n in range(1, HEADING_LEVELS + 1)}
    entries = [(levels[p.style], "".join(t.text or "" for t in p.iter(qn("w:t"))))
               for p in doc.element.body.iter(qn("w:p")) if p.style in levels]
    styles = [doc.styles[name].style_id for name in TOC_STYLES]
    lines = [(styles[level - 1], text) for level, text in entries] or [(styles[0], NO_HEADINGS)]
    paragraphs = []
    for style, text in lines:
        paragraph = OxmlElement("w:p")
        paragraph.style = style
        paragraph.append(_run(text=text))
        paragraphs.append(paragraph)
    begin = [_run(field="begin"), _run(instruction=INSTRUCTION), _run(field="separate")]
    for run in reversed(begin):
        paragraphs[0].insert(1, run)  # after the paragraph's properties
    paragraphs[-1].append(_run(field="end"))
    return paragraphs


def _run(text: str | None = None, field: str | None = None, instruction: str | None = None) -> BaseOxmlElement:
    run = OxmlElement("w:r")
    if field:
        run.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): field}))
    elif instruction:
        run.append(OxmlElement("w:instrText", {qn("xml:space"): "preserve"}))
        run[-1].text = instruction
    else:
        run.append(OxmlElement("w:t", {qn("xml:space"): "preserve"}))
        run[-1].text = text
    return run


def _update_fields_on_open(doc: DocumentType) -> None:
    settings = doc.settings.element
    if settings.find(qn("w:updateFields")) is None:
        settings.insert_element_before(OxmlElement("w:updateFields"), *_AFTER_UPDATE_FIELDS)
    settings.find(qn("w:updateFields")).set(qn("w:val"), "true")  # a template may say false
