"""Assembling the report data model from the accepted submissions.

`assemble` is the one entry point: the flow's task, the bench and the example script all call it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from tertial.accepted import Accepted
from tertial.activity_statuses import activity_statuses
from tertial.asked_sheets import asked_sheets
from tertial.checking.parse import UNREADABLE
from tertial.checking.prepare import prepare
from tertial.cycle import Cycle
from tertial.deviation_headings import area_texts, heading, signed
from tertial.economy import (
    ADJUSTMENT, COST, REVENUE, T2_COMPARISON_COLUMNS, TURNOVER_COLUMNS, budget_adherence, column_sums, complete_investment,
    complete_operations, complete_result_unit, forecast_accuracy, investment_columns, operations_columns, result_unit_columns,
    revenue_cost_columns, revenue_cost_kind, t2_difference, total, with_change,
)
from tertial.economy_columns import (
    EconomyTableSpec, complete, formula_for, investments_as_text, signs_for, table_spec,
)
from tertial.economy_totals import (
    GRAND_TOTAL, NET, TOTAL_ID, is_sum_name, printed, printed_values, revenue_cost_sum_side, total_as_printed, with_submitted,
)
from tertial.findings import Finding
from tertial.key_figures import key_figure_tables, total_budget_table
from tertial.layout import legend
from tertial.long_texts import continued
from tertial.numbers import NumberParseError, parse_quantity
from tertial.plan import Activity, EconomyRow, Goal, Indicator, RowType
from tertial.profile import GoalPart, PartKind, Section, SummaryStyle
from tertial.analysis_headings import is_heading_paragraph
from tertial.report import (
    ActivityRow, BudgetRequest, Economy, EconomyLine, EconomySection, EconomyTable, FreeSection, GoalPartText, GoalSection,
    IndicatorRow, Person, Report, SectionTableData, Source, SummaryBlock, TableRow, TextBlock,
)
from tertial.sections import BALANCE_SHEET, SPECIAL_REPORTS, SPECIAL_REPORTS_TITLE, SUMMARY_TEXT, TextSection, goal_part_key
from tertial.section_tables import TABLES, cell_value, value_keys
from tertial.submission import previous_outcome_header
from tertial.table_columns import printed_columns
from tertial.trend import indicator_trend
from tertial.vocabulary import IndicatorStatus, ReportKind
from tertial.wording import (
    adjustment_heading, adjustment_sentence, adjustments_total_sentence, assessment_phrases, goals_sentence, indicator_sentence,
    net_cost_sentence, no_adjustments_sentence, no_turnover_sentence, result_units_sentence, turnover_sentence,
)


def assemble(cycle: Cycle, accepted: dict[str, Accepted]) -> tuple[Report, list[Finding]]:
    """The report, and the findings on the accepted cells it had to leave empty (see `unreadable_values`)."""
    return build_report(cycle, accepted), unreadable_values(cycle, accepted)


class _Rows:
    """Submitted rows by sheet and id, across all accepted submissions."""

    def __init__(self, cycle: Cycle, accepted: dict[str, Accepted]) -> None:
        sheets = asked_sheets(cycle)  # the economy's as the profile declares them, and Tabeller
        self.by_sheet: dict[str, dict[str, dict]] = {}
        self.tables: dict[str, list[dict]] = {}  # a section's table rows, in sheet order
        for item in accepted.values():
            for key, frame in item.submission.frames.items():
                if key == TABLES:
                    for record in frame.to_dict("records"):
                        self.tables.setdefault(str(record.get("key") or ""), []).append(record)
                    continue
                id_column = sheets[key].id_column
                found = self.by_sheet.setdefault(key, {})
                for record in frame.to_dict("records"):
                    ident = str(record.get(id_column, ""))
                    if key == "texts" and ident in found:  # the same Avsnitt again: the text continues
                        record = continued(found[ident], record)
                    found[ident] = record

    def get(self, sheet: str, key: str) -> dict | None:
        return self.by_sheet.get(sheet, {}).get(key)


def _number(raw: object) -> Decimal | None:
    try:
        quantity = parse_quantity(raw)
    except NumberParseError:
        return None
    return None if quantity is None else quantity.value


def _text(record: dict | None, key: str) -> str:
    return str(record.get(key) or "").strip() if record else ""


def text_block(key: str, title: str, owner: str, missing: bool, text: str) -> TextBlock:
    """Lines starting with '-' or '•' become bullets; other lines, split on blank lines, paragraphs."""
    bullets, paragraphs, current = [], [], []
    for line in text.splitlines() + [""]:
        stripped = line.strip()
        if is_heading_paragraph(stripped):  # a '## ' line: a sub-heading, a paragraph of its own
            if current:
                paragraphs.append(" ".join(current))
                current = []
            paragraphs.append(stripped)
            continue
        if stripped.startswith(("- ", "• ", "* ")):
            bullets.append(stripped[2:].strip())
        elif stripped:
            current.append(stripped)
        if (not stripped or stripped.startswith(("- ", "• ", "* "))) and current:
            paragraphs.append(" ".join(current))
            current = []
    return TextBlock(key=key, title=title, owner=owner, missing=missing, paragraphs=paragraphs, bullets=bullets)


def unreadable_values(cycle: Cycle, accepted: dict[str, Accepted]) -> list[Finding]:
    """Cells of accepted versions that cannot be read today (a version accepted under older, laxer rules).

    The report leaves them empty and is still made; each is named here, for the controller's checks.
    """
    return [replace(finding, file=item.version.original_name)
            for item in accepted.values() for finding in prepare(item.submission, cycle).findings
            if finding.rule_id in UNREADABLE]


def build_report(cycle: Cycle, accepted: dict[str, Accepted]) -> Report:
    """The whole report, every figure and count computed from the accepted submissions."""
    rows = _Rows(cycle, accepted)
    missing = {c.id for c in cycle.config.contributors} - set(accepted)
    goals = [_goal_section(cycle, goal, rows, missing) for goal in cycle.plan.children(None)]
    cfg = cycle.config
    texts = {s.key: _text_section(cycle, s.key, s.title, rows, missing) for s in cycle.sections}
    per_goal = cycle.outline.summary_style is SummaryStyle.POSITIVE_CHALLENGES
    return Report(
        cycle_id=cfg.id, kind=cfg.kind.value, year=cfg.year, namnd=cfg.namnd, title=cycle.title,
        period_end=cfg.period_end, attest_date=cfg.attest_date, meeting_date=cfg.meeting_date,
        previous_year_header=previous_outcome_header(cfg.year),
        handlaggare=Person(**cfg.handlaggare.model_dump(exclude={"email"})),
        signer=Person(**cfg.signer.model_dump(exclude={"email"})),
        decisions=_decisions(cycle), attachments=list(cfg.attachments),
        summary=texts.get("sammanfattning") or _unused("sammanfattning", "Sammanfattning"),
        background=_BACKGROUND,
        preparation=f"Ärendet har beretts av {cfg.prepared_by} i samverkan med övriga avdelningar inom förvaltningen.",
        summary_analysis=[_summary_block(g, texts) for g in goals] if per_goal else [],
        summary_text=None if per_goal else texts[SUMMARY_TEXT.key],
        directives=texts.get("direktiv") or _unused("direktiv", "Arbete utifrån direktiven till alla nämnder och bolagsstyrelser"),
        goals=goals,
        economy=_economy(cycle, rows, missing, texts, accepted),
        # Placed inside the goal tree (`under:`), the balance sheet analysis and the special reports print with their goal.
        extra_sections=_in_outline(cycle, PartKind.BALANCE_SHEET, [texts[s.key] for s in (BALANCE_SHEET,) if s.key in texts]),
        special_reports=_in_outline(cycle, PartKind.SPECIAL_REPORTS, [texts[s.key] for s in SPECIAL_REPORTS if s.key in texts]),
        attesters=[Person(**p.model_dump(exclude={"email"})) for p in cfg.attesters],
        sources=_sources(cycle, accepted),
        missing=sorted(cycle.contributor(c).avdelning for c in missing),
        counts=_counts(cycle, accepted), legend=legend(cycle.plan.assessments, cycle.plan.layout),
        outline=cycle.outline.printed_names if cycle.profile else None,
        sections=[_free_section(cycle, section, rows, missing) for section in cycle.outline.outline_sections()],
        indicator_columns=_declared_columns(cycle, "indicators"), activity_columns=_declared_columns(cycle, "activities"),
        assessment_words=cycle.plan.assessments.own_words(),
        goal_analysis_label=cycle.outline.labels.goal_analysis.value, row_analysis_label=cycle.outline.labels.row_analysis.value,
    )


def _in_outline(cycle: Cycle, kind: PartKind, blocks: list[TextBlock]) -> list[TextBlock]:
    return [] if cycle.outline.placed_in_tree(kind) else blocks


def _declared_columns(cycle: Cycle, table: str) -> list[tuple[str, str]] | None:
    """A table's (key, heading) when the profile declares its columns; None keeps today's, and report.json as it was."""
    declared = getattr(cycle.outline.columns, table) if cycle.outline.columns else None
    if declared is None:
        return None
    return printed_columns(declared, table, cycle.config.kind, previous_outcome_header(cycle.config.year))


def _unused(key: str, title: str) -> TextBlock:
    """A built-in text block the outline leaves out: empty, never printed."""
    return TextBlock(key=key, title=title, owner="", missing=False)


def _free_section(cycle: Cycle, section: Section, rows: _Rows, missing: set[str]) -> FreeSection:
    """The owner's text, or the profile's fixed sentence when it submitted none; then the sub-sections."""
    children = [_free_section(cycle, child, rows, missing) for child in section.sections]
    if section.owner is None:
        return FreeSection(key=section.key, title=section.title, owner="", missing=False, sections=children)
    block = _text_section(cycle, section.key, section.title, rows, missing)
    if not (block.paragraphs or block.bullets or block.missing) and section.empty:
        block = block.model_copy(update={"paragraphs": [section.empty]})
    table = _section_table(cycle, section, rows.tables.get(section.key, [])) if section.table else None
    return FreeSection(**block.model_dump(), sections=children, table=table)


def _section_table(cycle: Cycle, section: Section, records: list[dict]) -> SectionTableData:
    """The section's table: its fixed rows in the profile's order (or the owner's rows in sheet order), each cell a
    number, one of the table's words, or nothing."""
    keys = value_keys(cycle.outline)
    declared = section.table
    by_name = {_text(r, "row"): r for r in records if _text(r, "row")}
    names = declared.rows or list(by_name)
    rows = [TableRow(name=name, values={c.key: cell_value(_text(by_name.get(name), keys[c.heading]), declared.words)
                                        for c in declared.columns}) for name in names]
    return SectionTableData(corner=declared.corner, columns=[(c.key, c.heading) for c in declared.columns], rows=rows)


_BACKGROUND = (
    "Nämnden följer upp sin verksamhet och ekonomi tre gånger per år: i tertialrapport 1, i tertialrapport 2 "
    "och i verksamhetsberättelsen. Uppföljningen visar hur nämnden bidrar till kommunfullmäktiges mål och "
    "hur budgeten hålls, och lämnas till kommunstyrelsen."
)


def _decisions(cycle: Cycle) -> list[str]:
    cfg = cycle.config
    if cfg.kind is ReportKind.VB:
        first = f"{cfg.namnd} godkänner verksamhetsberättelsen för år {cfg.year} och överlämnar den till kommunstyrelsen."
    else:
        number = 1 if cfg.kind is ReportKind.T1 else 2
        first = f"{cfg.namnd} godkänner tertialrapport {number} år {cfg.year} och överlämnar den till kommunstyrelsen."
    return [first, *(d.text for d in cfg.decisions)]


def _text_section(cycle: Cycle, key: str, title: str, rows: _Rows, missing: set[str]) -> TextBlock:
    owner = cycle.text_owner[key]
    return text_block(key, title, cycle.contributor(owner).avdelning, owner in missing, _text(rows.get("texts", key), "text"))


def _goal_section(cycle: Cycle, goal: Goal, rows: _Rows, missing: set[str]) -> GoalSection:
    owner = cycle.goal_owner[goal.id]
    record = rows.get("goals", goal.id)
    indicators = [_indicator_row(cycle, i, rows) for i in cycle.plan.indicators if i.goal == goal.id]
    activities = [_activity_row(cycle, a, rows) for a in cycle.plan.activities if a.goal == goal.id]
    children = [_goal_section(cycle, child, rows, missing) for child in cycle.plan.children(goal.id)]
    # An indicator the plan does not follow up this period is printed with its reason but counted nowhere.
    statuses = [IndicatorStatus(i.status) for i in indicators if not i.not_followed_up and i.status]
    assessed = cycle.plan.is_assessed(goal)
    grade = cycle.plan.assessments.grade(_text(record, "assessment"))
    return GoalSection(
        number=goal.number or "", title=goal.title, level=goal.level, label=goal.label,
        owner=cycle.contributor(owner).avdelning, missing=owner in missing or record is None,
        assessment=grade.value if assessed else "", assessment_symbol=grade.symbol if assessed else "",
        analysis=_text(record, "analysis"), description=_text(record, "description"),
        expected=[line.lstrip("-•* ").strip() for line in _text(record, "expected").splitlines()
                  if line.strip() and cycle.plan.layout.goal_expected],
        basis_sentence=_basis(cycle, goal, statuses, children) if assessed else "",
        status_counts={s.value: statuses.count(s) for s in IndicatorStatus if statuses.count(s)},
        indicators=indicators, activities=activities, children=children,
        id="" if goal.id == goal.number else goal.id, assessed=assessed, counted=assessed and grade.counted,
        sections=_sections_under(cycle, goal, rows, missing), economy_at=_economy_at(cycle, goal),
        parts=[_goal_part(cycle, goal, part, rows, missing) for part in cycle.outline.parts_of_goal(goal.id)],
    )


def _goal_part(cycle: Cycle, goal: Goal, part: GoalPart, rows: _Rows, missing: set[str]) -> GoalPartText:
    """One contributor's part of the goal's analysis: its text, or the profile's fixed sentence when it left it empty."""
    key = goal_part_key(part.key, goal.id)
    owner = cycle.text_owner[key]
    text = _text(rows.get("texts", key), "text")
    return GoalPartText(key=key, title=part.title, owner=cycle.contributor(owner).avdelning, missing=owner in missing,
                        text=text or ("" if owner in missing else part.empty))


def _sections_under(cycle: Cycle, goal: Goal, rows: _Rows, missing: set[str]) -> list[FreeSection]:
    """The parts the profile prints inside the goal tree after this goal's own content, in the outline's order:
    free sections, and the built-in balance sheet analysis and special reports placed there (`under:`)."""
    out = []
    for part in cycle.outline.parts_under(goal.id):
        if part.part is PartKind.SECTION:
            out.append(_free_section(cycle, part.section(), rows, missing))
        elif part.part is PartKind.BALANCE_SHEET:
            out.append(_builtin_free_section(cycle, BALANCE_SHEET, rows, missing))
        elif part.part is PartKind.SPECIAL_REPORTS:
            out.append(FreeSection(key="sarskilda-redovisningar", title=SPECIAL_REPORTS_TITLE, owner="", missing=False,
                                   sections=[_builtin_free_section(cycle, s, rows, missing) for s in SPECIAL_REPORTS]))
    return out


def _builtin_free_section(cycle: Cycle, section: TextSection, rows: _Rows, missing: set[str]) -> FreeSection:
    return FreeSection(**_text_section(cycle, section.key, section.title, rows, missing).model_dump())


_GOAL_NOUNS = {  # definite singular and plural, then the indefinite forms "… som berör förvaltningen" needs
    2: ("målet för verksamhetsområdet", "målen för verksamhetsområdena", "mål för verksamhetsområdet", "mål för verksamhetsområdena"),
    3: ("nämndmålet", "nämndmålen", "nämndmål", "nämndmål"),
}


def _goals_sentence(cycle: Cycle, goals: list[GoalSection], level: int) -> str:
    """The count sentence over goals that carry an assessment; those outside the förvaltning are named apart."""
    grades = [cycle.plan.assessments.grade(g.assessment) for g in goals if g.assessed]
    counted = [g.as_assessment for g in grades if g.as_assessment is not None]
    singular, plural, indefinite, indefinite_plural = _GOAL_NOUNS[level]
    return goals_sentence(counted, singular, plural, outside=(len(grades) - len(counted), indefinite, indefinite_plural),
                          phrases=assessment_phrases(cycle.plan.assessments.own_words()))


def _basis(cycle: Cycle, goal: Goal, statuses: list[IndicatorStatus], children: list[GoalSection]) -> str:
    if goal.level == 1:
        namndmal = [g for c in children for g in c.children]
        parts = [_goals_sentence(cycle, children, 2), _goals_sentence(cycle, namndmal, 3)]
    else:
        parts = [indicator_sentence(statuses), _goals_sentence(cycle, children, 3)]
    return " ".join(p for p in parts if p)


def _indicator_row(cycle: Cycle, indicator: Indicator, rows: _Rows) -> IndicatorRow:
    record = rows.get("indicators", indicator.id)
    status = _text(record, "status")
    status = IndicatorStatus(status) if status in IndicatorStatus._value2member_map_ else IndicatorStatus.EJ_MATBAR
    outcome, forecast = _number(_text(record, "outcome")), _number(_text(record, "forecast"))
    cfg = cycle.config
    target = indicator.annual_target.value if indicator.annual_target else None
    points = [(f"Utfall VB {cfg.year - 1}", indicator.previous_outcome), ("Periodens utfall", outcome)]
    points += [("Prognos helår", forecast)] if cfg.kind.is_tertial else []
    row = IndicatorRow(
        id=indicator.id, name=indicator.name, unit=indicator.unit, level=cycle.plan.indicator_level(indicator).value,
        period=_text(record, "period") or indicator.period(cfg.kind, cfg.year),
        outcome=outcome, men=_number(_text(record, "men")), women=_number(_text(record, "women")),
        previous=indicator.previous_outcome, forecast=forecast,
        annual_target=indicator.annual_target.raw if indicator.annual_target else "",
        kf_target=indicator.kf_target.raw if indicator.kf_target else "",
        status=status.value, status_symbol=status.symbol, analysis=_text(record, "analysis"),
        trend=indicator_trend(indicator.name, indicator.unit, points, target),
        not_followed_up=indicator.not_followed_up_reason(cfg.kind), gender_equality=indicator.gender_equality,
    )
    return _as_laid_out(cycle, row, record)


def _as_laid_out(cycle: Cycle, row: IndicatorRow, record: dict | None) -> IndicatorRow:
    """Not followed up by the contributor's choice: printed as one the plan marks, its Analys as the reason; no status
    at all in a layout without one."""
    layout = cycle.plan.layout
    if layout.chose_not_followed_up(_text(record, "status")) and not row.not_followed_up:
        row = row.model_copy(update={"not_followed_up": row.analysis, "analysis": ""})
    if not layout.indicator_status:
        row = row.model_copy(update={"status": "", "status_symbol": ""})
    return row


def _activity_row(cycle: Cycle, activity: Activity, rows: _Rows) -> ActivityRow:
    record = rows.get("activities", activity.id)
    declared = cycle.plan.activity_statuses
    statuses = {c.value: c for c in activity_statuses(declared)}
    # No status (only in a version accepted under older rules): the first one that is not finished, as before.
    status = _text(record, "status") or next((c.value for c in statuses.values() if not c.finished), "")
    if not cycle.plan.layout.activity_status:  # a layout without activity status prints none, nor a symbol
        status = ""
    choice = statuses.get(status)
    return ActivityRow(
        id=activity.id, name=activity.name, start=activity.start, end=activity.end, status=status,
        completed=choice is not None and choice.finished, deviation=_text(record, "deviation"),
        analysis=_text(record, "analysis"), symbol=(choice.symbol if choice else "") if declared else None,
    )


def _summary_block(goal: GoalSection, texts: dict[str, TextBlock]) -> SummaryBlock:
    return SummaryBlock(
        number=goal.number, title=goal.title, assessment=goal.assessment, sentence=goal.basis_sentence,
        positive=texts[f"positivt:{goal.key}"], challenges=texts[f"utmaningar:{goal.key}"],
    )


def _economy(cycle: Cycle, rows: _Rows, missing: set[str], texts: dict[str, TextBlock], accepted: dict[str, Accepted]) -> Economy:
    kind, layout = cycle.config.kind, cycle.plan.economy
    absent = cycle.economy_owner in missing
    ops, inv = (table_spec(cycle.outline.economy, key) for key in ("operations", "investments"))
    year = cycle.config.year
    operations = _table(cycle, "economy", _title(ops, "Driftbudget per verksamhetsområde"), layout.areas,
                        _columns(ops, operations_columns(kind), year), rows, absent, ops) if layout.areas else None
    as_text = investments_as_text(cycle.outline.economy)
    investments = _table(cycle, "investments", _title(inv, "Investeringar"), layout.investments,
                         _columns(inv, investment_columns(kind), year), rows, absent, inv) if layout.investments and not as_text else None
    deviation = operations.total.values.get("adjusted" if not kind.is_tertial else "deviation") if operations else None
    comparison = _t2_comparison(cycle, operations) if operations and not kind.is_tertial else None
    return Economy(
        operations=operations, investments=investments,
        t2_comparison=comparison, forecast_accuracy=_forecast_accuracy(comparison),
        deviation_heading=signed(deviation, cycle.outline.deviation_headings, operations.decimals, layout.unit)
        if deviation is not None and not absent and cycle.outline.total_deviation_heading else "",
        budget_adherence=_budget_adherence(operations, kind) if operations and not absent else None,
        area_texts=_area_texts(cycle, operations, texts, absent),
        overview=texts.get("ekonomi"), investment_text=texts.get("investeringar"),
        investments_as_text=as_text and "investeringar" in texts,
        key_figures=key_figure_tables([a.submission for _, a in sorted(accepted.items())], layout.areas),
        total_budget=total_budget_table(accepted[cycle.economy_owner].submission if cycle.economy_owner in accepted else None,
                                        layout.unit),
        **_economy_sections(cycle, accepted.get(cycle.economy_owner or ""), absent),
        **_economy_headings(cycle),
    )


def _economy_headings(cycle: Cycle) -> dict[str, str]:
    """The profile's own economy headings (economy_headings); none: Tertial's defaults, left out of report.json."""
    own = cycle.outline.economy_headings
    return {"title": own.title, "operations_title": own.operations} if own else {}


def _economy_at(cycle: Cycle, goal: Goal) -> int | None:
    """Where the economy placed under this goal (`under:`) prints among the goal's sections, in the outline's order."""
    placed = cycle.outline.parts_under(goal.id)
    kinds = [p.part for p in placed]
    return kinds.index(PartKind.ECONOMY) if PartKind.ECONOMY in kinds else None


def _area_texts(cycle: Cycle, operations: EconomyTable | None, texts: dict[str, TextBlock], absent: bool) -> list[TextBlock]:
    """Each area's text under its heading: its label, and its row's signed deviation when the profile says so."""
    headings, layout = cycle.outline.deviation_headings, cycle.plan.economy
    values = {line.id: line.values for line in operations.rows} if operations and not absent else {}
    decimals = operations.decimals if operations else 1
    # an outline without the economy part asks for no area texts (its tables still reach report.json)
    return [texts[area.key].model_copy(update={"title": heading(area, headings, values, decimals, layout.unit)})
            for area in area_texts(layout, cycle.outline.area_texts) if area.key in texts]


def _budget_adherence(operations: EconomyTable, kind: ReportKind) -> Decimal | None:
    """Budgetföljsamhet from the total row as the table prints it: the figures a reader can check it against."""
    return budget_adherence(printed_values(operations.total.values, operations.decimals), kind)


def _economy_sections(cycle: Cycle, owner: Accepted | None, absent: bool) -> dict[str, EconomySection | None]:
    """The sections only the economy owner writes; read from its submission alone, in its row order."""
    if cycle.economy_owner is None:
        return {}
    avdelning = cycle.contributor(cycle.economy_owner).avdelning

    def records(key: str) -> list[dict]:
        return owner.submission.frame(key).to_dict("records") if owner else []

    tertial = cycle.config.kind.is_tertial
    declared = table_spec(cycle.outline.economy, "revenue_costs")
    return {
        "result_units": _result_units(cycle, records("result_units"), avdelning, absent),
        "turnover": _turnover(cycle, records("turnover"), avdelning, absent) if tertial else None,
        "adjustments": _adjustments(cycle, records("adjustments"), avdelning, absent),
        "revenue_costs": None if tertial and declared is None else _revenue_costs(
            cycle.config.year, records("revenue_costs"), avdelning, absent, declared, signs_for(cycle.outline.economy)),
    }


def _result_units(cycle: Cycle, records: list[dict], owner: str, absent: bool) -> EconomySection:
    kind, year = cycle.config.kind, cycle.config.year
    spec = table_spec(cycle.outline.economy, "result_units")
    columns = _columns(spec, result_unit_columns(kind, year), year)
    records, stated = _sum_record(records)
    lines = []
    for record in records:
        name = _text(record, "name")
        values = {key: _number(_text(record, key)) for key, _ in columns}
        values = complete_result_unit(values) if spec is None else complete(values, [k for k, _ in columns], spec.entered)
        lines.append(EconomyLine(id=name, name=name, row_type="top", values=values))
    totals = column_sums([line.values for line in lines], [key for key, _ in columns])
    if stated:
        keys = [key for key, _ in columns]
        totals = total_as_printed(totals, {key: _number(_text(stated, key)) for key in totals},
                                  *_derived(keys, spec, {"carried"}, complete_result_unit))
    table = EconomyTable(
        title=_title(spec, "Resultatenheter"), unit=(spec.unit if spec else None) or "tkr", columns=columns, rows=lines,
        total=EconomyLine(id="total", name="Summa resultatenheter", row_type="total", values=totals),
        decimals=0, name_header="Resultatenhetens namn", caption="Belopp i tkr.",
    ) if lines else None
    sentences = [] if absent else [result_units_sentence(len(lines), printed(totals["result"], 0), kind)]
    return EconomySection(key="resultatenheter", title="Resultatenheter", owner=owner, missing=absent,
                          sentences=sentences, table=table)


def _sum_record(records: list[dict]) -> tuple[list[dict], dict | None]:
    """The items of a sheet of the contributor's own rows, and the row it wrote as their sum ('Summa …', 'Totalt'),
    printed as the table's sum row rather than as an item."""
    sums = [r for r in records if is_sum_name(_text(r, "name"))]
    return [r for r in records if not is_sum_name(_text(r, "name"))], (sums[-1] if sums else None)


def _turnover(cycle: Cycle, records: list[dict], owner: str, absent: bool) -> EconomySection:
    records, stated = _sum_record(records)
    lines = [EconomyLine(id=_text(r, "name"), name=_text(r, "name"), row_type="top",
                         values={"amount": _number(_text(r, "amount"))}, comment=_text(r, "comment")) for r in records]
    totals = column_sums([line.values for line in lines], ["amount"])
    if stated:
        totals = with_submitted(totals, {"amount": _number(_text(stated, "amount"))})
    table = EconomyTable(
        title="Omslutningsförändringar", unit="mnkr", columns=TURNOVER_COLUMNS, rows=lines,
        total=EconomyLine(id="total", name="Totalt", row_type="total", values=totals),
        name_header="Verksamhetsområden", comment_header="Kommentar",
    ) if lines else None
    sentence = turnover_sentence(totals["amount"]) if lines else no_turnover_sentence(cycle.config.kind)
    return EconomySection(key="omslutningsforandringar", title="Omslutningsförändringar", owner=owner, missing=absent,
                          sentences=[] if absent else [sentence], table=table)


def _adjustments(cycle: Cycle, records: list[dict], owner: str, absent: bool) -> EconomySection:
    kind, year = cycle.config.kind, cycle.config.year
    requests = []
    for record in records:
        if is_sum_name(_text(record, "title")):
            continue  # a sum row typed into the sheet is not a request (the adjustment_sum_row warning says so)
        title, money = _text(record, "title"), _text(record, "kind").lower()
        amount = _number(_text(record, "amount")) or Decimal(0)
        text = text_block("", "", owner, False, _text(record, "text"))
        requests.append(BudgetRequest(
            title=title, kind=money, amount=amount, heading=adjustment_heading(title, money),
            sentence=adjustment_sentence(amount, money, kind, year), paragraphs=text.paragraphs, bullets=text.bullets,
        ))
    if requests:
        sentence = adjustments_total_sentence([(r.kind, r.amount) for r in requests], kind)
    else:
        sentence = no_adjustments_sentence(kind)
    key, title = ("budgetjusteringar", "Budgetjusteringar") if kind.is_tertial else ("ombudgeteringar", "Ombudgeteringar")
    return EconomySection(key=key, title=title, owner=owner, missing=absent,
                          sentences=[sentence] if sentence and not absent else [], requests=requests)


REVENUE_COSTS_KEY, REVENUE_COSTS_TITLE = "intakts-och-kostnadsutveckling", "Intäkts- och kostnadsutveckling"


def _revenue_costs(year: int, records: list[dict], owner: str, absent: bool,
                   spec: EconomyTableSpec | None = None, signs: dict[str, int] | None = None) -> EconomySection | None:
    """The VB's posts, intäkter then kostnader (each in sheet order) with their sums, Netto last.

    An empty sheet leaves the section out: the published VBs have no fixed sentence for it.
    """
    if absent:
        return EconomySection(key=REVENUE_COSTS_KEY, title=REVENUE_COSTS_TITLE, owner=owner, missing=True)
    posts: dict[str, list[EconomyLine]] = {REVENUE: [], COST: [], ADJUSTMENT: []}
    stated: dict[str, dict] = {}  # the contributor's own Summa intäkter, Summa kostnader and Netto rows
    for record in records:
        kind = revenue_cost_kind(record.get("kind"))
        side = revenue_cost_sum_side(_text(record, "name"), kind)
        if side:  # a declared table's sum rows carry its own columns
            stated[side] = {key: _number(_text(record, key)) for key in (spec.keys if spec else ("previous", "outcome", "change"))}
            continue
        if kind is None:  # validation rejects the row; it has no side to be counted on
            continue
        if spec is None:
            values = with_change({key: _number(_text(record, key)) for key in ("previous", "outcome")})
        else:
            values = complete({key: _number(_text(record, key)) for key in spec.keys}, spec.keys, spec.entered)
        name = _text(record, "name")
        posts[kind].append(EconomyLine(id=name, name=name, row_type="below" if kind == ADJUSTMENT else "top", values=values,
                                       comment=_text(record, "comment")))
    if not any(posts.values()):
        return None
    if spec is not None:
        return EconomySection(key=REVENUE_COSTS_KEY, title=_title(spec, REVENUE_COSTS_TITLE), owner=owner, missing=False,
                              **_declared_revenue_cost_table(year, posts, spec, stated, signs))
    return EconomySection(key=REVENUE_COSTS_KEY, title=REVENUE_COSTS_TITLE, owner=owner, missing=False,
                          **_revenue_cost_table(year, posts, stated, signs=signs))


def _declared_revenue_cost_table(year: int, posts: dict[str, list[EconomyLine]], spec: EconomyTableSpec,
                                 stated: dict[str, dict], signs: dict[str, int] | None = None) -> dict:
    """The profile's Intäkter och kostnader: its columns and title; rows of Typ justering (a resultatöverföring)
    after Netto, with the nämnd's total last. The sentence on the net cost needs both years' outcome."""
    found = _revenue_cost_table(year, posts, stated, spec.printed(year), spec, signs)
    table = found["table"].model_copy(update={"title": _title(spec, REVENUE_COSTS_TITLE), "unit": spec.unit or "mnkr"})
    if posts[ADJUSTMENT]:
        keys = spec.keys
        net = table.total.model_copy(update={"row_type": "sum"})
        final = _recomputed(column_sums([net.values, *(line.values for line in posts[ADJUSTMENT])], keys), keys, spec)
        if stated.get(GRAND_TOTAL):  # the nämnd's own total, as given; its empty derived cells from its own figures
            final = total_as_printed(final, stated[GRAND_TOTAL], *_derived(keys, spec, set(), dict))
        table = table.model_copy(update={
            "rows": [*table.rows, net, *posts[ADJUSTMENT]],
            "total": EconomyLine(id="totalt", name=spec.total or "Nämnden totalt", row_type="total", values=final)})
    return {"table": table, "sentences": found["sentences"]}


def _revenue_cost_table(year: int, posts: dict[str, list[EconomyLine]], stated: dict[str, dict] | None = None,
                        columns: list[tuple[str, str]] | None = None, spec: EconomyTableSpec | None = None,
                        signs: dict[str, int] | None = None) -> dict:
    """The table (Summa intäkter, Summa kostnader, Netto: as the contributor gave them, else computed) and the
    sentence on the net cost, read through the sign convention (`signs`; none: the catalogue's)."""
    columns = columns or revenue_cost_columns(year)
    keys = [key for key, _ in columns]
    stated = stated or {}
    derived, finish = _derived(keys, spec, {"change"}, with_change)
    sums = {kind: total_as_printed(column_sums([line.values for line in posts[kind]], keys), stated.get(kind), derived, finish)
            for kind in (REVENUE, COST)}
    net = total_as_printed(column_sums(list(sums.values()), keys), stated.get(NET), derived, finish)
    rows = [*posts[REVENUE], EconomyLine(id="summa-intakter", name="Summa intäkter", row_type="sum", values=sums[REVENUE]),
            *posts[COST], EconomyLine(id="summa-kostnader", name="Summa kostnader", row_type="sum", values=sums[COST])]
    commented = any(line.comment for lines in posts.values() for line in lines)
    table = EconomyTable(
        title=REVENUE_COSTS_TITLE, unit="mnkr", columns=columns, rows=rows,
        total=EconomyLine(id="netto", name="Netto", row_type="total", values=net),
        comment_header="Kommentar" if commented else "",
    )
    sentences = ([net_cost_sentence(net["outcome"], net["previous"], (signs or signs_for(None))[NET])]
                 if {"previous", "outcome"} <= set(keys) else [])
    return {"table": table, "sentences": sentences}


def _title(spec: EconomyTableSpec | None, title: str) -> str:
    return (spec.title if spec else None) or title


def _columns(spec: EconomyTableSpec | None, today: list[tuple[str, str]], year: int) -> list[tuple[str, str]]:
    """(key, heading) in print order: the profile's declaration, or the columns Tertial prints for the kind."""
    return spec.printed(year) if spec is not None else today


def _recomputed(sums: dict, keys: list[str], spec: EconomyTableSpec | None) -> dict:
    """A sum row of a declared table: its shares (Förbrukning %) from its own sums, never a sum of shares."""
    if spec is None:
        return sums
    shares = [k for k in keys if k not in spec.entered and _is_share(k, keys)]
    return {**sums, **{k: v for k, v in complete(sums, keys, [k for k in keys if k not in shares]).items() if k in shares}}


def _is_share(key: str, keys: list[str]) -> bool:
    formula = formula_for(key, keys)
    return formula is not None and bool(formula.over)


def _table(cycle: Cycle, sheet: str, title: str, layout_rows: list[EconomyRow], columns: list[tuple[str, str]], rows: _Rows,
           absent: bool, spec: EconomyTableSpec | None = None) -> EconomyTable:
    kind = cycle.config.kind
    lines = []
    for row in layout_rows:
        record = rows.get(sheet, row.id)
        values = {key: _number(_text(record, key)) for key, _ in columns}
        if spec is not None:
            values = complete(values, [k for k, _ in columns], spec.entered) if record else values
        elif sheet == "economy":
            values = complete_operations(values, kind) if record else values
        elif record:
            values = complete_investment(values, kind)
        lines.append((row, values, _text(record, "comment")))
    keys = [k for k, _ in columns]
    totals = _total_row(sheet, total([(r, v) for r, v, _ in lines], keys), rows.get(sheet, TOTAL_ID), kind, spec, keys)
    shown = [EconomyLine(id=r.id, name=r.name, row_type=r.row_type.value, values=v, comment=c)
             for r, v, c in lines if r.row_type is not RowType.BELOW]
    return EconomyTable(
        title=title, unit=(spec.unit if spec else None) or cycle.plan.economy.unit, columns=columns,
        rows=shown + _below_total(lines, keys, spec),
        total=EconomyLine(id="total", name=(spec.total if spec else None) or "Totalt", row_type="total", values=totals),
        missing=absent,
    )


def _below_total(lines: list[tuple[EconomyRow, dict, str]], keys: list[str], spec: EconomyTableSpec | None) -> list[EconomyLine]:
    """Rows printed between the areas' sum and the total (a resultatöverföring), after that sum; none: no sum row."""
    below = [(r, v, c) for r, v, c in lines if r.row_type is RowType.BELOW]
    if not below:
        return []
    sums = _recomputed(total([(r, v) for r, v, _ in lines if r.row_type is not RowType.BELOW], keys), keys, spec)
    subtotal = EconomyLine(id="summa", name=(spec.subtotal if spec else None) or "Summa", row_type="sum", values=sums)
    return [subtotal, *(EconomyLine(id=r.id, name=r.name, row_type=r.row_type.value, values=v, comment=c) for r, v, c in below)]


def _total_row(sheet: str, sums: dict[str, Decimal | None], record: dict | None, kind: ReportKind,
               spec: EconomyTableSpec | None, keys: list[str]) -> dict[str, Decimal | None]:
    """The Totalt row: the figures the contributor gave in the sheet's sum row as given, the rest computed."""
    submitted = {key: _number(_text(record, key)) for key in sums} if record else None
    if spec is not None:
        return total_as_printed(sums, submitted, *_derived(keys, spec, set(), dict))
    if sheet == "economy":
        return total_as_printed(sums, submitted, {"deviation", "adjusted"}, lambda v: complete_operations(v, kind))
    return total_as_printed(sums, submitted, {"deviation"}, lambda v: complete_investment(v, kind))


def _derived(keys: list[str], spec: EconomyTableSpec | None, builtin: set[str],
             builtin_finish: Callable[[dict], dict]) -> tuple[set[str], Callable[[dict], dict]]:
    """A sum row's computed columns, and how to fill them from its own figures (never a sum of the rows' values)."""
    if spec is None:
        return builtin, builtin_finish
    derived = {k for k in keys if k not in spec.entered and formula_for(k, keys) is not None}
    return derived, lambda values: complete(values, keys, [k for k in keys if values.get(k) is not None])


def _t2_comparison(cycle: Cycle, operations: EconomyTable) -> EconomyTable | None:
    """The VB's outcome per area against the forecast given in T2: the Prognos T2 the economy owner submitted when
    the profile's driftbudget declares that column (it wins), else the T2 report's forecast (after
    resultatöverföringar) from `t2_report`."""
    if _submits_t2_forecast(cycle):
        return _submitted_t2_comparison(cycle, operations)
    if cycle.config.t2_report is None:
        return None
    t2 = Report.model_validate_json((cycle.source.parent / cycle.config.t2_report).read_text(encoding="utf-8"))
    forecasts = {line.id: line.values.get("forecast_after") for line in (t2.economy.operations.rows if t2.economy.operations else [])}
    lines = []
    for line in operations.rows:
        outcome, forecast = line.values.get("outcome"), forecasts.get(line.id)
        values = {"t2_forecast": forecast, "outcome": outcome, "difference": t2_difference(outcome, forecast)}
        lines.append(EconomyLine(id=line.id, name=line.name, row_type=line.row_type, values=values))
    layout = {r.id: r for r in cycle.plan.economy.areas}
    keys = [k for k, _ in T2_COMPARISON_COLUMNS]
    totals = total([(layout[line.id], line.values) for line in lines], keys)
    return EconomyTable(
        title="Jämförelse utfall med lämnad prognos i tertialrapport 2", unit=cycle.plan.economy.unit,
        columns=T2_COMPARISON_COLUMNS, rows=lines, total=EconomyLine(id="total", name="Totalt", row_type="total", values=totals),
        missing=operations.missing,
    )


def _submits_t2_forecast(cycle: Cycle) -> bool:
    """The profile's driftbudget has Prognos T2 as a column the economy owner fills in (a VB's only)."""
    spec = table_spec(cycle.outline.economy, "operations")
    return not cycle.config.kind.is_tertial and spec is not None and "t2_forecast" in spec.entered


def _submitted_t2_comparison(cycle: Cycle, operations: EconomyTable) -> EconomyTable:
    """The Jämförelse table from the driftbudget's own Prognos T2 and Utfall: each area's row, and the total row as
    the driftbudget prints it (the submitted sum row when given), its Differens from its own figures."""
    def compared(values: dict) -> dict:
        forecast, outcome = values.get("t2_forecast"), values.get("outcome")
        return {"t2_forecast": forecast, "outcome": outcome, "difference": t2_difference(outcome, forecast)}
    areas = {r.id for r in cycle.plan.economy.areas}
    lines = [EconomyLine(id=line.id, name=line.name, row_type=line.row_type, values=compared(line.values))
             for line in operations.rows if line.id in areas]
    return EconomyTable(
        title="Jämförelse utfall med lämnad prognos i tertialrapport 2", unit=operations.unit,
        columns=T2_COMPARISON_COLUMNS, rows=lines,
        total=EconomyLine(id="total", name="Totalt", row_type="total", values=compared(operations.total.values)),
        missing=operations.missing,
    )


def _forecast_accuracy(comparison: EconomyTable | None) -> Decimal | None:
    """Prognossäkerhet T2 from the Jämförelse table's total as it is printed, so a reader can check it."""
    if comparison is None or comparison.missing:
        return None
    values = printed_values(comparison.total.values, comparison.decimals)
    return forecast_accuracy(values.get("outcome"), values.get("t2_forecast"))


def _sources(cycle: Cycle, accepted: dict[str, Accepted]) -> list[Source]:
    out = []
    for contributor in cycle.config.contributors:
        item = accepted.get(contributor.id)
        version = item.version if item else None
        out.append(Source(
            contributor=contributor.id, avdelning=contributor.avdelning,
            version=version.number if version else None, sha256=version.sha256 if version else None,
            file=version.original_name if version else None,
        ))
    return out


def _counts(cycle: Cycle, accepted: dict[str, Accepted]) -> dict[str, int]:
    plan = cycle.plan
    return {
        "contributors": len(cycle.config.contributors), "accepted": len(accepted),
        "inriktningsmal": sum(g.level == 1 for g in plan.goals), "kf_mal": sum(g.level == 2 for g in plan.goals),
        "namndmal": sum(g.level == 3 for g in plan.goals), "indicators": len(plan.indicators),
        "activities": len(plan.activities),
    }
