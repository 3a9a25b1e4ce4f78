"""The report as an editable Word document: real headings, real tables, from the report model."""

from __future__ import annotations

import copy
import datetime as dt
import io
from pathlib import Path

from docx.document import Document as DocumentType
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import Table
from docx.text.paragraph import Paragraph

from tertial.analysis_headings import paragraph_heading
from tertial.numbers import format_number, format_quantity
from tertial.render.charts import Chart, Picture, ReportCharts
from tertial.render.word_contents import add_contents
from tertial.render.word_template import BODY_STYLE, TABLE_STYLE, base_document
from tertial.report import (
    ActivityRow, EconomySection, EconomyTable, FreeSection, GoalSection, IndicatorRow, Report, TextBlock,
)
from tertial.report import ATTESTED_BY, DRAFT_MARK, NO_ATTESTERS, NOT_ATTESTED, KeyFigureTable
from tertial.sections import SPECIAL_REPORTS_TITLE
from tertial.table_columns import ANALYSIS_COLUMN
from tertial.targets import printed_target
from tertial.vocabulary import GENDER_EQUALITY_MARK
from tertial.workbooks import pin_ooxml_times

def _styled(doc: DocumentType, paragraph: Paragraph, name: str) -> Paragraph:
    """`paragraph` in the style `name`. The style's id is set directly: python-docx's own `style=` looks for the
    default paragraph style among all of them on every paragraph, ≈ 2 ms each and a fifth of the document's time."""
    paragraph._p.style = doc.styles[name].style_id
    return paragraph


def _heading(doc: DocumentType, text: str, level: int) -> Paragraph:
    """As `doc.add_heading`: a Title at level 0, else Heading `level`."""
    return _styled(doc, doc.add_paragraph(text), "Title" if level == 0 else f"Heading {level}")


_LEGEND = "● Uppfylls helt  ◆ Uppfylls delvis  ▲ Uppfylls inte  ■ Ej bedömd eller ej mätbar  ✓ Aktiviteten är genomförd"


def _text(doc: DocumentType, block: TextBlock, heading: str | None = None, level: int = 3) -> None:
    if heading:
        _heading(doc, heading, level)
    if block.missing:
        doc.add_paragraph(f"Underlag saknas från {block.owner}.")
    for paragraph in block.paragraphs:
        sub = paragraph_heading(paragraph)
        if sub:
            _heading(doc, sub[1], min(level + sub[0], 9))
        else:
            doc.add_paragraph(paragraph)
    for bullet in block.bullets:
        _styled(doc, doc.add_paragraph(bullet), "List Bullet")


def _table(doc: DocumentType, headers: list[str], rows: list[list[str]]) -> Table:
    """A grid, its text in the Tabell style, its header row repeated on every page the table runs over."""
    table = doc.add_table(rows=1, cols=len(headers))
    table._tbl.tblStyle_val = doc.styles["Table Grid"].style_id  # as `table.style =`, without its default search
    text_style = doc.styles[TABLE_STYLE].style_id
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, header in zip(table.rows[0].cells, headers):
        cell.text = header
        cell._tc.p_lst[0].style = text_style
        for run in cell.paragraphs[0].runs:  # an empty corner cell has none
            run.bold = True
    _add_rows(table, rows, text_style)
    doc.add_paragraph()
    return table


def _add_rows(table: Table, rows: list[list[str]], text_style: str) -> None:
    """The rows, each a copy of one blank row in the Tabell style with its texts added: the same XML as python-docx's
    `add_row` and `cell.text` give, at a fraction of their cost (they search the row's elements again per cell)."""
    if not rows:
        return
    blank = table.add_row()._tr
    for tc in blank.iterchildren(qn("w:tc")):
        tc.find(qn("w:p")).style = text_style
    blank.getparent().remove(blank)
    for values in rows:
        tr = copy.deepcopy(blank)
        for tc, value in zip(tr.iterchildren(qn("w:tc")), values):
            tc.find(qn("w:p")).add_r().text = value
        table._tbl.append(tr)


def _indicator_cell(i: IndicatorRow, key: str) -> str:
    """One cell of an indicator row; `key` is a column of tertial.table_columns.INDICATOR_COLUMNS."""
    figures = {"utfall": i.outcome, "man": i.men, "kvinnor": i.women, "foregaende": i.previous, "prognos": i.forecast}
    if key in figures:
        return format_quantity(figures[key], i.unit)
    if key == "indikator":
        return (f"{i.status_symbol} " if i.status_symbol else "") + (f"{GENDER_EQUALITY_MARK} {i.name}" if i.gender_equality else i.name)
    return {"arsmal": printed_target(i.annual_target), "kf_arsmal": printed_target(i.kf_target), "period": i.period,
            "enhet": i.unit}[key]


def _indicator_rows(goal: GoalSection, keys: list[str], label: str = "Analys") -> tuple[list[list[str]], dict[str, int]]:
    """The table's rows, and the row of each indicator (analysis rows come in between)."""
    rows, positions = [], {}
    for i in goal.indicators:
        positions[i.id] = len(rows) + 1  # after the header row
        rows.append([_indicator_cell(i, key) for key in keys])
        if i.not_followed_up:
            rows.append([f"{label}: {i.not_followed_up}", *[""] * (len(keys) - 1)])
        if i.analysis:
            rows.append([f"{label}: {i.analysis}", *[""] * (len(keys) - 1)])
    return rows, positions


def _indicator_table(doc: DocumentType, goal: GoalSection, report: Report, trends: dict[str, Picture]) -> None:
    """The indicator table; each indicator with a history gets its trend picture under its name, as in HTML."""
    columns = report.table_columns("indicators")
    rows, positions = _indicator_rows(goal, [key for key, _ in columns], report.row_analysis_label)
    table = _table(doc, [heading for _, heading in columns], rows)
    for indicator_id, row in positions.items():
        if indicator_id in trends:
            picture = trends[indicator_id]
            shape = table.rows[row].cells[0].add_paragraph().add_run().add_picture(io.BytesIO(picture.png), width=Cm(2.6))
            shape._inline.docPr.set("descr", picture.alt)


def _goal(doc: DocumentType, goal: GoalSection, report: Report, trends: dict[str, Picture],
          chart: Chart | None = None) -> None:
    _heading(doc, f"{goal.label}: {goal.numbered_title}", goal.level + 1)
    if goal.assessed:
        doc.add_paragraph(f"{goal.assessment_symbol} {goal.assessment}").runs[0].bold = True
    if goal.missing:
        doc.add_paragraph(f"Underlag saknas från {goal.owner}.")
    if goal.level == 3 and goal.description:
        _heading(doc, "Beskrivning", 5)
        doc.add_paragraph(goal.description)
    if goal.level == 3 and goal.expected:
        _heading(doc, "Förväntat resultat", 5)
        for item in goal.expected:
            _styled(doc, doc.add_paragraph(item), "List Bullet")
    if goal.analysis or goal.basis_sentence or goal.parts:
        _heading(doc, report.goal_analysis_label, 5)
        _analysis(doc, goal)
        _goal_parts(doc, goal)
        if goal.basis_sentence:
            doc.add_paragraph(goal.basis_sentence)
    if goal.indicators:
        _indicator_table(doc, goal, report, trends)
    if goal.activities:
        columns = report.table_columns("activities")
        _table(doc, [heading for _, heading in columns], _activity_rows(goal, [key for key, _ in columns], report.row_analysis_label))
    for n, section in enumerate(goal.sections):
        if n == goal.economy_at:
            _economy(doc, report, chart, min(goal.level + 2, 7))
        _free_section(doc, section, min(goal.level + 2, 9))
    if goal.economy_at is not None and goal.economy_at >= len(goal.sections):
        _economy(doc, report, chart, min(goal.level + 2, 7))
    for child in goal.children:
        _goal(doc, child, report, trends, chart)


def _analysis(doc: DocumentType, goal: GoalSection) -> None:
    """The goal's analysis; its '## ' and '### ' lines as sub-headings one and two levels below Analys."""
    if not goal.analysis_headed:
        if goal.analysis:
            doc.add_paragraph(goal.analysis)
        return
    for kind, text in goal.analysis_blocks:
        if kind == "paragraph":
            doc.add_paragraph(text)
        else:
            _heading(doc, text, 6 if kind == "heading" else 7)


def _goal_parts(doc: DocumentType, goal: GoalSection) -> None:
    """The parts of the analysis several contributors write: each under its sub-heading, one level below Analys."""
    for part in goal.parts:
        _heading(doc, part.title, 6)
        if part.missing:
            doc.add_paragraph(f"Underlag saknas från {part.owner}.")
        for kind, text in part.blocks:
            if kind == "paragraph":
                doc.add_paragraph(text)
            else:
                _heading(doc, text, 7)


def _activity_cell(a: ActivityRow, key: str) -> str:
    """One cell of an activity row; `key` is a column of tertial.table_columns.ACTIVITY_COLUMNS."""
    if key == "aktivitet":
        return (f"{a.printed_symbol} " if a.printed_symbol else "") + a.name
    return {"startdatum": a.start.isoformat(), "slutdatum": a.end.isoformat(), "avvikelse": a.deviation,
            "status": a.status, ANALYSIS_COLUMN: a.analysis}[key]


def _activity_rows(goal: GoalSection, keys: list[str], label: str = "Analys") -> list[list[str]]:
    """One row per activity, its symbol before the name; an analysis on a row of its own below it,
    unless the table has a column for it."""
    rows = []
    for a in goal.activities:
        rows.append([_activity_cell(a, key) for key in keys])
        if a.analysis and ANALYSIS_COLUMN not in keys:
            rows.append([f"{label}: {a.analysis}", *[""] * (len(keys) - 1)])
    return rows


def _chart(doc: DocumentType, chart: Chart | None) -> None:
    """The PNG with its alt text as the picture's description and as a caption."""
    if chart is None:
        return
    shape = doc.add_picture(io.BytesIO(chart.png), width=Cm(16))
    shape._inline.docPr.set("descr", chart.alt)
    doc.add_paragraph(chart.alt)


def _economy_table(doc: DocumentType, table: EconomyTable) -> None:
    if table.caption:
        doc.add_paragraph(table.caption)
    comment = [table.comment_header] if table.comment_header else []
    rows = [[line.name, *(format_number(line.values.get(k), table.decimals) for k, _ in table.columns),
             *([line.comment] if comment else [])] for line in [*table.rows, table.total]]
    _table(doc, [table.name_header or table.unit.capitalize(), *(h for _, h in table.columns), *comment], rows)


def _key_figure_tables(doc: DocumentType, tables: list[KeyFigureTable]) -> None:
    """Each nyckeltal table as printed (a group heading as a row with its label alone), its footnotes below."""
    for kf in tables:
        if kf.title:
            doc.add_paragraph(kf.title)
        rows = [[row.label, *row.cells, *[""] * (len(kf.columns) - len(row.cells))] for row in kf.rows]
        _table(doc, [kf.name_header or "Nyckeltal", *kf.columns], rows)
        for note in kf.notes:
            doc.add_paragraph(note)


def _economy_section(doc: DocumentType, section: EconomySection, level: int = 2) -> None:
    """Heading, computed (or fixed) sentences, the table, and one sub-heading per request."""
    _heading(doc, section.title, level)
    if section.missing:
        doc.add_paragraph(f"Underlag saknas från {section.owner}.")
    for sentence in section.sentences:
        doc.add_paragraph(sentence)
    if section.table:
        _economy_table(doc, section.table)
    for request in section.requests:
        _heading(doc, request.heading, level + 1)
        doc.add_paragraph(request.sentence)
        for paragraph in request.paragraphs:
            doc.add_paragraph(paragraph)
        for bullet in request.bullets:
            _styled(doc, doc.add_paragraph(bullet), "List Bullet")


def _front_matter(doc: DocumentType, report: Report) -> None:
    doc.add_paragraph(f"Handläggare: {report.handlaggare.name}" + (f", telefon {report.handlaggare.phone}" if report.handlaggare.phone else ""))
    doc.add_paragraph(f"Till: {report.namnd} {report.meeting_date.isoformat()}")
    _heading(doc, report.title, 0)
    if report.missing:
        doc.add_paragraph(f"Underlag saknas från: {', '.join(report.missing)}.")
    _heading(doc, "Förslag till beslut", 1)
    for decision in report.decisions:
        _styled(doc, doc.add_paragraph(decision), "List Number")
    doc.add_paragraph(report.signer.name + (f"\n{report.signer.title}" if report.signer.title else ""))
    _text(doc, report.summary, "Sammanfattning", 1)
    _heading(doc, "Bakgrund", 1)
    doc.add_paragraph(report.background)
    _heading(doc, "Ärendets beredning", 1)
    doc.add_paragraph(report.preparation)
    if report.attachments:
        _heading(doc, "Bilagor", 1)
        for number, attachment in enumerate(report.attachments, start=1):
            doc.add_paragraph(f"Bilaga {number}: {attachment}")


def build_document(report: Report, controller: bool = True, charts: ReportCharts | None = None,
                   template: Path | None = None) -> DocumentType:
    """The report in Word, in the template's styles, header and footer when one is given (tertial.render.word_template)."""
    charts = charts or ReportCharts(report)
    doc = base_document(template)
    doc.core_properties.title = report.title
    doc.core_properties.author = "Tertial"
    parts = {
        "front_matter": lambda: _front_matter(doc, report), "summary": lambda: _summary(doc, report),
        "directives": lambda: _text(doc, report.directives, report.directives.title, 2),
        "goals": lambda: _goals(doc, report, charts.trends, charts.economy), "economy": lambda: _economy(doc, report, charts.economy),
        "balance_sheet": lambda: _balance_sheet(doc, report), "special_reports": lambda: _special_reports(doc, report),
        "attest": lambda: _attest(doc, report),
    }
    if report.draft:
        doc.add_paragraph().add_run(report.draft_notice()).bold = True
    for part in report.parts():
        if part.startswith("section:"):
            _free_section(doc, report.section(part), 1)
        else:
            parts[part]()
    if controller:
        _heading(doc, "Underlag", 1)
        _table(doc, ["Avdelning", "Version", "Fil", "SHA-256"],
               [[s.avdelning, str(s.version) if s.version is not None else "saknas", s.file or "", (s.sha256 or "")[:12]] for s in report.sources])
    _body_text(doc)
    add_contents(doc)
    if report.draft:
        _mark_draft(doc)
    return doc


def _body_text(doc: DocumentType) -> None:
    """Every paragraph of running text without a style of its own is Brödtext (tertial.render.word_template)."""
    body_style = doc.styles[BODY_STYLE].style_id
    for paragraph in doc.element.body.iterchildren(qn("w:p")):
        if paragraph.style is None:
            paragraph.style = body_style


def _mark_draft(doc: DocumentType) -> None:
    """UTKAST in the header of every section, so it stands on every page (after a template's own header text)."""
    for section in doc.sections:
        section.header.is_linked_to_previous = False
        first = section.header.paragraphs[0]
        paragraph = first if not first.text.strip() else section.header.add_paragraph()  # beside a template's own text
        paragraph.add_run(DRAFT_MARK).bold = True


def _summary(doc: DocumentType, report: Report) -> None:
    _heading(doc, "Sammanfattande analys", 1)
    if report.summary_text:
        _text(doc, report.summary_text)
    for block in report.summary_analysis:
        _heading(doc, block.title, 2)
        doc.add_paragraph(f"{block.assessment}. {block.sentence}" if block.assessment else block.sentence)
        _text(doc, block.positive, "Positivt under perioden")
        _text(doc, block.challenges, "Utmaningar")


def _goals(doc: DocumentType, report: Report, trends: dict[str, Picture], chart: Chart | None = None) -> None:
    _heading(doc, "Uppföljning av Kommunfullmäktiges inriktningsmål", 1)
    gender_note = f"  {GENDER_EQUALITY_MARK} Jämställdhetsindikator" if report.gender_equality_marked else ""
    doc.add_paragraph(("  ".join(report.legend) if report.legend else _LEGEND) + gender_note)
    for goal in report.goals:
        _goal(doc, goal, report, trends, chart)


def _balance_sheet(doc: DocumentType, report: Report) -> None:
    for block in report.extra_sections:
        _text(doc, block, block.title, 1)


def _special_reports(doc: DocumentType, report: Report) -> None:
    if report.special_reports:
        _heading(doc, SPECIAL_REPORTS_TITLE, 1)
        for block in report.special_reports:
            _text(doc, block, block.title, 2)


def _attest(doc: DocumentType, report: Report) -> None:
    _heading(doc, "Attesterat av", 1)
    if report.draft or not report.attestations:
        doc.add_paragraph(NOT_ATTESTED if report.draft else NO_ATTESTERS)
        for reason in report.draft_reasons:
            _styled(doc, doc.add_paragraph(reason), "List Bullet")
        return
    doc.add_paragraph(ATTESTED_BY)
    _table(doc, ["Namn", "Datum"], [[f"{p.name}, {p.title}" if p.title else p.name, p.date.isoformat()] for p in report.attestations])


def _free_section(doc: DocumentType, section: FreeSection, level: int) -> None:
    """Its heading and text (and its table), then its sub-sections one heading level down."""
    _text(doc, section, section.title, level)
    if section.table:
        table = section.table
        _table(doc, [table.corner, *(heading for _, heading in table.columns)],
               [[row.name, *(_table_cell(row.values.get(key)) for key, _ in table.columns)] for row in table.rows])
    for child in section.sections:
        _free_section(doc, child, level + 1)


def _table_cell(value: object) -> str:
    """A cell of a free section's table: a word as written, a number in Swedish form, nothing as empty."""
    if value is None or isinstance(value, str):
        return value or ""
    return format_number(value)


def _economy(doc: DocumentType, report: Report, chart: Chart | None, level: int = 1) -> None:
    """The economy part, in the outline (level 1) or inside the goal tree under a goal (`under:`), its headings lower."""
    economy = report.economy
    if economy.title:
        _heading(doc, economy.title, level)
    sub = level + 1 if economy.title else level  # without a title of its own its sections take the title's level
    if economy.revenue_costs:
        _economy_section(doc, economy.revenue_costs, sub)
    if economy.operations:
        _heading(doc, f"{economy.operations_title} {economy.deviation_heading}".strip(), sub)
        if economy.total_budget:
            _economy_table(doc, economy.total_budget)
        if economy.overview:
            _text(doc, economy.overview)
        if economy.budget_adherence is not None:
            doc.add_paragraph(f"Budgetföljsamheten är {format_quantity(economy.budget_adherence, '%', 1)}.")
        _economy_table(doc, economy.operations)
        _chart(doc, chart)
        for block in economy.area_texts:
            _text(doc, block, block.title, sub + 1)
            _key_figure_tables(doc, economy.key_figures_for(block.key))
    if economy.t2_comparison:
        _heading(doc, economy.t2_comparison.title, sub)
        _economy_table(doc, economy.t2_comparison)
        if economy.forecast_accuracy is not None:
            doc.add_paragraph(f"Prognossäkerheten är {format_quantity(economy.forecast_accuracy, '%', 1)}: utfallet mot "
                              "prognosen i tertialrapport 2.")
    for section in economy.sections_before_investments():
        _economy_section(doc, section, sub)
    if economy.investments or economy.investments_as_text:
        _heading(doc, "Investeringar", sub)
        if economy.investment_text:
            _text(doc, economy.investment_text)
        if economy.investments:
            _economy_table(doc, economy.investments)
    for section in economy.sections_after_investments():
        _economy_section(doc, section, sub)


def document_bytes(report: Report, controller: bool = True, charts: ReportCharts | None = None,
                   template: Path | None = None) -> bytes:
    """The .docx; its document times are fixed by the report so re-runs differ only where the report does."""
    doc = build_document(report, controller, charts, template)
    moment = dt.datetime.combine(report.period_end, dt.time())
    doc.core_properties.created = doc.core_properties.modified = doc.core_properties.last_printed = moment
    buffer = io.BytesIO()
    doc.save(buffer)
    return pin_ooxml_times(buffer.getvalue(), moment)
