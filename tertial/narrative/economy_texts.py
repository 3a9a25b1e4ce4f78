"""Economy texts against the tables (issue 16, point 4): a sum written in prose ("sammanlagt 2,5 mnkr varav 1,5 mnkr
… 0,8 mnkr … och 0,2 mnkr"), the units' amounts in an area text against the area's deviation, an amount said to be
"före begärda budgetjusteringar", and the budgetföljsamhet and prognossäkerhet indicators against the economy.

Every figure of a table is read as the table prints it (`EconomyTable.printed`), so a check and the print agree.
A phrase we cannot read is skipped: a false alarm teaches contributors to ignore the warnings.
"""

from __future__ import annotations

import re
from decimal import Decimal

from tertial.economy_totals import half_unit, rounding_tolerance
from tertial.findings import Finding, finding
from tertial.narrative.amounts import _AMOUNT, _claimed, _figures
from tertial.narrative.phrases import FLAGS, stated_amount
from tertial.narrative.speakers import before_requests, clause_after, names_area, sentences
from tertial.narrative.places import Place, all_blocks, decision_places, goal_place, narrative_finding, text_place
from tertial.numbers import format_number, format_signed_mnkr
from tertial.report import EconomyLine, EconomyTable, IndicatorRow, Report, walk_goals
from tertial.vocabulary import ReportKind

_NUMBER = r"(?P<amount>[−-]?\s?\d+(?:[ \u00a0\u202f]\d{3})*(?:[,.]\d+)?)"
_MONEY = re.compile(rf"(?<![\d,.]){_NUMBER}\s*(?P<unit>mnkr|tkr|miljoner\s+kronor)\b", FLAGS)
def _decimals(match: re.Match) -> int:
    written = match["amount"].replace(".", ",")
    return len(written.split(",", 1)[1]) if "," in written else 0


def _unit(match: re.Match) -> str:
    return "tkr" if match["unit"].lower() == "tkr" else "mnkr"


def _text_places(report: Report) -> list[Place]:
    return (decision_places(report) + [text_place(b) for b in all_blocks(report)]
            + [goal_place(g) for g in walk_goals(report.goals) if g.analysis])


# --- Sums written in prose -----------------------------------------------------------------------------------------

# "om sammanlagt 2,5 mnkr varav 1,5 mnkr …", "uppgår till totalt 1,9 mnkr, varav 0,9 mnkr … och 1,0 mnkr …": the total
# is the amount right before 'varav'; the parts are the amounts after it in the same sentence, up to a word that starts
# another statement ("vilket", "jämfört", "motsvarar", "än").
_VARAV = re.compile(r"\s*,?\s*varav\b", FLAGS)
_PART_STOP = re.compile(r"\b(?:vilket|vilka|jämfört|motsvarar|motsvarande|än|per|dvs)\b|[;:]", FLAGS)
_NEGATIVE = re.compile(r"\b(?:minsk\w*|lägre|negativ\w*|underskott\w*|sänk\w*)\b", FLAGS)


def _parts(sentence: str, start: int) -> list[re.Match]:
    parts = []
    for match in _MONEY.finditer(sentence, start):
        if _PART_STOP.search(sentence, start, match.start()):
            break
        parts.append(match)
        start = match.end()
    return parts


def _sum_fits(total: Decimal, parts: list[Decimal], signs: list[int], tolerance: Decimal) -> bool:
    """The parts as written, or with the signs their words give ("minskade … om 24,7 mnkr och ökade … om 35,6 mnkr")."""
    plain = sum(parts, Decimal(0))
    signed = sum((s * p for s, p in zip(signs, parts)), Decimal(0))
    # each rounded figure lies less than half a unit from the figure behind it: strictly inside Σ of those halves
    return any(abs(abs(total) - abs(figure)) < tolerance for figure in (plain, signed))


def _prose_sum_findings(where: Place) -> list[Finding]:
    out = []
    for _, sentence in sentences(where.text):
        for total in _MONEY.finditer(sentence):
            varav = _VARAV.match(sentence, total.end())
            if varav is None:
                continue
            parts = _parts(sentence, varav.end())
            amounts = [stated_amount(p) for p in parts]
            claimed = stated_amount(total)
            if len(parts) < 2 or claimed is None or None in amounts or {_unit(p) for p in parts} != {_unit(total)}:
                continue
            signs, before = [], varav.end()
            for part in parts:
                signs.append(-1 if _NEGATIVE.search(sentence, before, part.start()) else 1)
                before = part.end()
            decimals = max(_decimals(m) for m in [total, *parts])
            if _sum_fits(claimed, amounts, signs, rounding_tolerance(len(parts), decimals)):
                continue
            unit = _unit(total)
            said = sentence[total.start():parts[-1].end()].strip()
            out.append(narrative_finding(
                "narrative_prose_sum", where, said, basis=f"{format_number(claimed, decimals)} {unit}",
                expected=f"{format_number(sum(amounts, Decimal(0)), decimals)} {unit}"))
    return out


# "0,8 mnkr och 0,2 mnkr, totalt 1,0 mnkr": amounts joined by 'och' or commas, then the total the text gives them.
# (An amount's match starts with the space before it, so the words between two amounts end without one.)
_TOTAL_AFTER = re.compile(r"^\s*,?\s*(?:och\s+)?(?:totalt|sammanlagt|tillsammans|alltså|dvs\.?|det\s+vill\s+säga)(?:\s+(?:på|om))?\s*$",
                          FLAGS)
_JOIN = re.compile(r"^\s*(?:,\s*(?:och\b)?|och\b)(?:\s*\w+){0,3}\s*$", FLAGS)


def _total_after_findings(where: Place) -> list[Finding]:
    out = []
    for _, sentence in sentences(where.text):
        money = list(_MONEY.finditer(sentence))
        for i, total in enumerate(money):
            if i < 2 or not _TOTAL_AFTER.search(sentence[money[i - 1].end():total.start()]):
                continue
            parts = [money[i - 1]]
            while len(parts) < i and _JOIN.match(sentence[money[i - len(parts) - 1].end():parts[0].start()]):
                parts.insert(0, money[i - len(parts) - 1])
            amounts, claimed = [stated_amount(p) for p in parts], stated_amount(total)
            if len(parts) < 2 or claimed is None or None in amounts or {_unit(p) for p in parts} != {_unit(total)}:
                continue
            decimals = max(_decimals(m) for m in [total, *parts])
            if _sum_fits(claimed, amounts, [1] * len(amounts), rounding_tolerance(len(parts), decimals)):
                continue
            unit = _unit(total)
            out.append(narrative_finding(
                "narrative_prose_sum", where, sentence[parts[0].start():total.end()].strip(),
                basis=f"{format_number(claimed, decimals)} {unit}",
                expected=f"{format_number(sum(amounts, Decimal(0)), decimals)} {unit}"))
    return out


def check_prose_sums(report: Report) -> list[Finding]:
    """A total written with its parts ('sammanlagt 2,5 mnkr varav …', '0,8 mnkr och 0,2 mnkr, totalt 1,0 mnkr') equals
    the sum of the parts (±rounding of the written figures)."""
    return [f for where in _text_places(report) for f in _prose_sum_findings(where) + _total_after_findings(where)]


# --- Amounts before requested budget adjustments ----------------------------------------------------------------

def _printed_table(table: EconomyTable) -> EconomyTable:
    return table.model_copy(update={"rows": [table.printed(r) for r in table.rows], "total": table.printed(table.total)})


def _area_line(table: EconomyTable, key: str) -> EconomyLine | None:
    area = key.removeprefix("ekonomi:")
    return next((r for r in table.rows if r.id == area), None)


def _before_request_findings(where: Place, line: EconomyLine, scope: str, kind: ReportKind) -> list[Finding]:
    requested = line.values.get("requested")
    if requested is None:
        return []
    out = []
    for match in _AMOUNT.finditer(where.text):
        claimed = _claimed(match)
        if claimed is None or not before_requests(where.text, match):
            continue
        figures = [f - requested for f in _figures(line, kind).values() if f is not None]
        if not figures or any(abs(claimed - f) <= rounding_tolerance(1) for f in figures):
            continue
        out.append(narrative_finding("narrative_before_requests", where, (match[0] + clause_after(where.text, match)).strip().rstrip("."),
                                     scope=scope, expected=format_signed_mnkr(figures[0])))
    return out


def check_before_requests(report: Report) -> list[Finding]:
    """An amount said to be 'före begärda budgetjusteringar' equals the deviation without the Begärda column."""
    table, kind = report.economy.operations, ReportKind(report.kind)
    if table is None or table.missing:
        return []
    table = _printed_table(table)
    out = []
    for block in [b for b in (report.economy.overview, report.summary) if b is not None]:
        out += _before_request_findings(text_place(block), table.total, "driftbudgetens totalrad", kind)
    for block in report.economy.area_texts:
        line = _area_line(table, block.key)
        if line is not None:
            out += _before_request_findings(text_place(block), line, f"raden '{line.name}' i driftbudgeten", kind)
    return out


# --- The units' amounts in an area text ----------------------------------------------------------------------------

def unit_statements(text: str, area_name: str) -> tuple[list[re.Match], list[re.Match]]:
    """(area, unit) amount phrases of an area text: a unit's phrase is in a sentence whose words before the amount do
    not name the area; one phrase per unit sentence (its first); phrases 'före begärda …' are in neither."""
    area, units = [], []
    for start, sentence in sentences(text):
        first_unit = True
        for match in _AMOUNT.finditer(text, start, start + len(sentence)):
            if before_requests(text, match):
                continue
            if names_area(text[start:match.start()], area_name):
                area.append(match)
            elif first_unit:
                units.append(match)
                first_unit = False
    return area, units


def check_unit_sums(report: Report) -> list[Finding]:
    """An area text that states the area's deviation and two or more of its units' amounts: the units sum to one of
    the area's deviations (före or efter resultatöverföringar, ±rounding). One warning per text, never one per unit."""
    table, kind = report.economy.operations, ReportKind(report.kind)
    if table is None or table.missing:
        return []
    table = _printed_table(table)
    out = []
    for block in report.economy.area_texts:
        line = _area_line(table, block.key)
        if line is None:
            continue
        where = text_place(block)
        area, units = unit_statements(where.text, line.name)
        amounts = [_claimed(m) for m in units]
        if not area or len(units) < 2 or None in amounts:
            continue
        figures = [f for f in _figures(line, kind).values() if f is not None]
        total = sum(amounts, Decimal(0))
        if not figures or any(abs(total - f) < rounding_tolerance(len(units)) for f in figures):
            continue
        out.append(narrative_finding(
            "narrative_unit_sum", where, "; ".join(m[0] for m in units), basis=format_signed_mnkr(total),
            scope=f"raden '{line.name}' i driftbudgeten", expected=" eller ".join(format_signed_mnkr(f) for f in figures)))
    return out


# --- Budgetföljsamhet and prognossäkerhet ---------------------------------------------------------------------------

_ADHERENCE = re.compile(r"budgetföljsamhet", FLAGS)
_ACCURACY = re.compile(r"prognossäkerhet", FLAGS)
_BEFORE = re.compile(r"\bföre\b", FLAGS)
_AFTER = re.compile(r"\befter\b", FLAGS)


def _percent(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    return None if part is None or not whole else part / whole * 100


def _adherence(report: Report, name: str) -> list[tuple[Decimal, str]]:
    """The budgetföljsamhet the economy gives for an indicator of this name: (per cent, how it is computed)."""
    operations = report.economy.operations
    if operations is None or operations.missing:
        return []
    v = operations.printed(operations.total).values
    if ReportKind(report.kind).is_tertial:
        available = sum((v.get(k) or Decimal(0) for k in ("budget", "requested", "performance")), Decimal(0))
        before = (_percent(v.get("forecast_before"), available), "Prognos före resultatöverföringar / (Budget + Begärda + Prestation)")
        after = (_percent(v.get("forecast_after"), available), "Prognos efter resultatöverföringar / (Budget + Begärda + Prestation)")
    else:
        outcome, budget, transfer, adjusted = v.get("outcome"), v.get("budget"), v.get("transfer"), v.get("adjusted")
        before = [(_percent(outcome, budget), "Utfall / Budget")]
        # the VB's 'efter' is read both ways the reports write the transfer's sign, and from the adjusted deviation
        after = [] if outcome is None or transfer is None else [
            (_percent(outcome - transfer, budget), "(Utfall − Resultatöverföring) / Budget"),
            (_percent(outcome + transfer, budget), "(Utfall + Resultatöverföring) / Budget")]
        if adjusted is not None and budget is not None:
            after.append((_percent(budget - adjusted, budget), "(Budget − Avvikelse efter resultatöverföring) / Budget"))
        return [(p, how) for p, how in (before if _BEFORE.search(name) else after if _AFTER.search(name) else before + after)
                if p is not None]
    said = [before] if _BEFORE.search(name) else [after] if _AFTER.search(name) else [before, after]
    return [(p, how) for p, how in said if p is not None]


def _accuracy(report: Report) -> list[tuple[Decimal, str]]:
    table = report.economy.t2_comparison
    if table is None or table.missing:
        return []
    v = table.printed(table.total).values
    outcome, forecast = v.get("outcome"), v.get("t2_forecast")
    percent = None if outcome is None else _percent(outcome - forecast, forecast) if forecast else None
    return [] if percent is None else [(percent, "(Utfall − Prognos T2) / Prognos T2")]


def _indicator_tolerance(value: Decimal) -> Decimal:
    exponent = value.as_tuple().exponent
    return half_unit(max(0, -exponent) if isinstance(exponent, int) else 1) + Decimal("0.001")


def _indicator_findings(report: Report, indicator: IndicatorRow) -> list[Finding]:
    value = indicator.outcome
    if value is None:
        return []
    if _ADHERENCE.search(indicator.name):
        computed, absolute = _adherence(report, indicator.name), False
    elif _ACCURACY.search(indicator.name):
        computed, absolute = _accuracy(report), True
    else:
        return []
    if not computed:
        return []
    tolerance = _indicator_tolerance(value)
    if not absolute and abs(value) < 50:
        # a budgetföljsamhet written as the deviation from budget ('0,3 %' against the target '+/- 1 %'): either sign
        computed, absolute = [(p - 100, how) for p, how in computed], True
    fits = [abs((abs(value) - abs(p)) if absolute else (value - p)) <= tolerance for p, _ in computed]
    if any(fits):
        return []
    percent, how = computed[0]
    return [finding("narrative_budget_indicator", sheet="Indikatorer", column="Periodens utfall", item_id=indicator.id,
                    item_name=indicator.name, value=f"{format_number(value)} %", scope=how, place=f"Indikatorn '{indicator.name}'",
                    expected=f"{format_number(percent, 1)} %")]


def check_budget_indicators(report: Report) -> list[Finding]:
    """The budgetföljsamhet and prognossäkerhet indicators' outcomes against the figures the economy tables give."""
    return [f for goal in walk_goals(report.goals) for indicator in goal.indicators for f in _indicator_findings(report, indicator)]


def check_economy_texts(report: Report) -> list[Finding]:
    return check_prose_sums(report) + check_before_requests(report) + check_unit_sums(report) + check_budget_indicators(report)
