"""Economy checks of the assembled report: one economy table against another.

Their rule ids (`narrative_fund_withdrawal`, `narrative_revenue_cost_net`) are older than this module, from when
these checks lived with the narrative checks; they keep them so that findings in stored ledgers still name them.
"""

from __future__ import annotations

from decimal import Decimal

from tertial.economy import TOLERANCE
from tertial.findings import Finding, finding
from tertial.numbers import format_number
from tertial.report import EconomyLine, EconomyTable, Report
from tertial.vocabulary import ReportKind


def fund_movement(report: Report) -> tuple[Decimal, str] | None:
    """What the operations table says the funds give or take, in mnkr, and which columns say it."""
    operations = report.economy.operations
    if operations is None or operations.missing:
        return None
    kind = ReportKind(report.kind)
    moved = moved_through_funds(operations.printed(operations.total), kind)
    columns = "Prognos före − Prognos efter resultatöverföringar" if kind.is_tertial else "Resultatöverföring"
    return None if moved is None else (moved, columns)


def moved_through_funds(line: EconomyLine, kind: ReportKind) -> Decimal | None:
    """What one line of the operations table moves through the funds: Prognos före − efter in a tertial report,
    Resultatöverföring in a VB; None when a figure is missing."""
    v = line.values
    if not kind.is_tertial:
        return v.get("transfer")
    before, after = v.get("forecast_before"), v.get("forecast_after")
    return None if before is None or after is None else before - after


def check_fund_withdrawal(report: Report) -> list[Finding]:
    """Σ Resultat of the resultatenheter (tkr) is what the operations table moves through the funds (mnkr, ±0,1).

    The mistake it catches: the units' results sum to 7 437 tkr while the table and the texts take 6,5 mnkr.
    """
    units, movement = report.economy.result_units, fund_movement(report)
    if units is None or units.missing or units.table is None or not units.table.rows or movement is None:
        return []
    if "brought" not in dict(units.table.columns):
        # A profile's table without 'från' is not the units' fund account (seed 002 prints only each unit's
        # överskott, and its Resultatöverföring also holds the ombudgeteringar): nothing to hold it against.
        return []
    result = (units.table.printed(units.table.total).values.get("result") or Decimal(0)) / 1000
    expected, columns = movement
    if abs(result - expected) <= TOLERANCE:
        return []
    return [finding("narrative_fund_withdrawal", sheet="Resultatenheter", column="Resultat", item_id="resultatenheter",
                    item_name=units.title, value=f"{format_number(result, 1)} mnkr", place="Tabellen Resultatenheter",
                    expected=f"{format_number(expected, 1)} mnkr", scope=columns)]


def check_revenue_cost_net(report: Report) -> list[Finding]:
    """The VB's Netto in Intäkts- och kostnadsutveckling is the operations table's total, for both years (±0,1 mnkr).

    Both state the net cost: a VB's resultaträkning (its Netto) and its driftbudget agree. Last year's Netto is
    the driftbudget's Bokslut föregående år.
    """
    section, operations = report.economy.revenue_costs, report.economy.operations
    if section is None or section.missing or section.table is None or operations is None or operations.missing:
        return []
    headers = dict(operations.columns)
    findings = []
    for key, year in (("outcome", report.year), ("previous", report.year - 1)):
        net, total = section.table.printed(section.table.total).values.get(key), operations.printed(operations.total).values.get(key)
        if net is None or total is None or abs(net - total) <= TOLERANCE:
            continue
        column = f"Utfall {year}"
        findings.append(finding(
            "narrative_revenue_cost_net", sheet="Intäkter och kostnader", column=f"{column} (mnkr)", item_id=section.key,
            item_name=section.title, value=f"{format_number(net, 1)} mnkr", place=f"Tabellen {section.title}",
            expected=f"{format_number(total, 1)} mnkr", scope=column, basis=headers.get(key, key),
        ))
    return findings


def _same_name(a: str, b: str) -> bool:
    """'Trygghetsinvesteringar' and 'trygghetsinvesteringar ', or 'Klimatinvestering' and 'Klimatinvesteringar'."""
    a, b = " ".join(a.split()).casefold(), " ".join(b.split()).casefold()
    return a == b or (min(len(a), len(b)) >= 6 and (a.startswith(b) or b.startswith(a)) and abs(len(a) - len(b)) <= 3)


def check_investment_requests(report: Report) -> list[Finding]:
    """A requested investment adjustment (Budgetjusteringar, typ investering) equals the Begärda budgetjusteringar of
    the investment row of the same name (±0,05 mnkr: both are written with one decimal)."""
    section, table = report.economy.adjustments, report.economy.investments
    if section is None or section.missing or table is None or table.missing:
        return []
    rows = [table.printed(r) for r in table.rows]
    findings = []
    for request in (r for r in section.requests if r.kind == "investering"):
        row = next((r for r in rows if _same_name(r.name, request.title)), None)
        requested = row.values.get("requested") if row is not None else None
        if requested is None or abs(request.amount - requested) <= Decimal("0.05"):
            continue
        findings.append(finding(
            "adjustment_investment_mismatch", sheet="Budgetjusteringar", column="Belopp (mnkr)", item_id=request.title,
            item_name=request.title, value=f"{format_number(request.amount, 1)} mnkr", name=request.title,
            place=f"Tabellen {section.title}",
            expected=f"{format_number(requested, 1)} mnkr"))
    return findings


def _internal_pairs(table: EconomyTable) -> list[tuple[EconomyLine, EconomyLine]]:
    """The revenue and cost rows of one internal account ('Förvaltningsinterna intäkter' / '… kostnader'): the same
    name but for intäkter/kostnader, and an internal one ('intern' in it), so 'Övriga intäkter' is never paired."""
    def key(name: str) -> str | None:
        words = name.casefold().split()
        if not any("intern" in w for w in words) or not any(w.startswith(("intäkt", "kostnad")) for w in words):
            return None
        return " ".join("<>" if w.startswith(("intäkt", "kostnad")) else w for w in words)
    revenue = {key(r.name): r for r in table.rows if key(r.name) and "intäkt" in r.name.casefold()}
    return [(revenue[key(r.name)], r) for r in table.rows
            if key(r.name) in revenue and "kostnad" in r.name.casefold()]


def check_internal_eliminations(report: Report) -> list[Finding]:
    """An internal account is both a revenue and a cost of the förvaltning: the two rows are equal in size in every
    column (seed 002: Förvaltningsinterna intäkter −147,0 / −199,1 / −173,0 / −211,3 against the costs' 147,0 …)."""
    section = report.economy.revenue_costs
    if section is None or section.missing or section.table is None:
        return []
    table = section.table
    findings = []
    for revenue, cost in _internal_pairs(table):
        for key, header in table.columns:
            a, b = table.printed(revenue).values.get(key), table.printed(cost).values.get(key)
            if a is None or b is None or abs(abs(a) - abs(b)) <= TOLERANCE:
                continue
            findings.append(finding(
                "revenue_cost_internal", sheet="Intäkter och kostnader", column=f"{header} (mnkr)", item_id=cost.id,
                item_name=cost.name, value=f"{format_number(abs(b), 1)} mnkr", place=f"Tabellen {section.title}",
                expected=f"{format_number(abs(a), 1)} mnkr", name=cost.name, other=revenue.name, column_name=header))
    return findings
