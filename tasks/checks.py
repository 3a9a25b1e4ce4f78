"""Turning a read submission into typed frames for the expectation suites.

Parsing Swedish numbers and dates happens here, and so does everything the suites need
to know from the plan (expected period, whether an analysis is required …), added as
columns so the suites stay plain data.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from dataclasses import dataclass, field, replace

import pandas as pd

from tasks.indicator_facts import add_indicator_facts, unit_findings_rows
from tertial.reading import FORMULA
from tertial.cycle import Cycle
from tertial.findings import Finding, Severity
from tertial.economy import (
    ADJUSTMENT_KINDS, REVENUE_COST_KINDS, TKR_TOLERANCE, TOLERANCE, carried_over, investment_deviation,
    operations_deviation, revenue_cost_kind, revenue_cost_sign_ok, within_tolerance,
)
from tertial.plan import RowType
from tertial.messages import message
from tertial.numbers import format_number, to_decimal
from tertial.numbers import RULES as NUMBER_RULES, NumberParseError, parse_quantity, shortened
from tertial.submission import OPTIONAL_ECONOMY_SHEETS, Sheet, Submission, sheets_for
from tertial.vocabulary import ActivityStatus, Assessment, IndicatorStatus, ReportKind


# Rules for a cell that could not be read at all: reported once, not also as missing or out of range.
UNREADABLE = {*NUMBER_RULES, "date_invalid", "formula"}


@dataclass
class Prepared:
    """Typed frames per sheet, the suite parameters for each, and findings made while parsing."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    parameters: dict[str, dict[str, object]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def prepare(submission: Submission, cycle: Cycle) -> Prepared:
    sheets = sheets_for(cycle.config.kind, cycle.config.year)
    prepared = Prepared(findings=[replace(note, file=submission.file) for note in submission.notes])
    for key, raw in submission.frames.items():
        sheet = sheets[key]
        frame = raw.copy().reset_index(drop=True).replace("", None)
        frame = _parse_columns(frame, sheet, submission.file, prepared.findings)
        owned = owned_ids(key, cycle, submission.contributor_id)
        _missing_items(frame, sheet, owned, submission.file, prepared.findings, cycle)
        frame, params = _ENRICH[key](frame, cycle)
        prepared.findings += identity_findings(key, frame, sheet, cycle, submission.file)
        prepared.findings += result_unit_findings(key, frame, sheet, submission.file)
        prepared.findings += revenue_cost_sign_findings(key, frame, sheet, submission.file)
        prepared.findings += not_owner_findings(key, frame, sheet, cycle, submission)
        if key == "indicators":
            prepared.findings += unit_findings(frame, sheet, cycle, submission.file)
        prepared.frames[key] = frame
        prepared.parameters[key] = {"owned_ids": sorted(owned) or ["-"], **params}
    return prepared


def owned_ids(key: str, cycle: Cycle, contributor: str) -> set[str]:
    plan = cycle.plan
    owners = {
        "goals": cycle.goal_owner, "indicators": cycle.indicator_owner,
        "activities": cycle.activity_owner, "texts": cycle.text_owner,
    }
    if key in owners:
        return set(cycle.owned(contributor, owners[key]))
    if cycle.economy_owner != contributor or key in OPTIONAL_ECONOMY_SHEETS:
        return set()  # the optional sheets' rows are the contributor's own (resultatenheter, requests)
    rows = plan.economy.areas if key == "economy" else plan.economy.investments
    return {r.id for r in rows}


def _parse_columns(frame: pd.DataFrame, sheet: Sheet, file: str, findings: list[Finding]) -> pd.DataFrame:
    for column in sheet.columns:
        if column.key not in frame:
            frame[column.key] = None
            continue
        parsed, units = [], []
        for index, raw in frame[column.key].items():
            value, unit = _parse_cell(raw, column, sheet, frame.at[index, "_row"], file, findings)
            parsed.append(value)
            units.append(unit)
        if column.numeric:
            frame[f"{column.key}_raw"] = frame[column.key]
            frame[column.key] = pd.Series(parsed, index=frame.index, dtype="float64")
            frame[f"{column.key}_unit"] = units
        elif column.key in ("start", "end"):
            frame[column.key] = pd.to_datetime(pd.Series(parsed, index=frame.index, dtype="object"))
        else:
            frame[column.key] = parsed
    return frame


# "1.150": a decimal point with exactly three digits after it is as likely a thousands separator (1 150) as
# a decimal (1,15). It is read as a decimal, as documented, and the contributor is asked to check.
_DOT_THOUSANDS = re.compile(r"^[−-]?\d{1,3}\.\d{3}(?!\d)")

# ÅÅÅÅ-MM-DD, or a date cell read with its time of day; nothing before or after.
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")


def _parse_cell(raw, column, sheet, row, file, findings):
    """(value, unit) for one cell; a finding and (None, '') when it cannot be read."""
    if raw is None or (not isinstance(raw, str) and pd.isna(raw)):
        return None, ""
    where = {"file": file, "sheet": sheet.name, "row": int(row), "column": column.header, "value": shortened(str(raw))}
    if raw == FORMULA:
        findings.append(Finding("formula", Severity.ERROR, message("formula"), **where))
        return None, ""
    if column.numeric:
        try:
            quantity = parse_quantity(raw)
            if isinstance(raw, str) and _DOT_THOUSANDS.match(raw.strip()):
                shown = format_number(quantity.value.normalize())
                findings.append(Finding("number_ambiguous", Severity.WARNING, message("number_ambiguous", value=raw, expected=shown), **where))
            return float(quantity.value), quantity.unit
        except NumberParseError as error:
            findings.append(Finding(error.rule_id, Severity.ERROR, message(error.rule_id, value=where["value"], expected=error.reason_sv),
                                    **where))
            return None, ""
    if column.key in ("start", "end"):
        try:
            if not _ISO_DATE.match(str(raw)):
                raise ValueError(raw)
            return dt.date.fromisoformat(str(raw)[:10]), ""
        except ValueError:
            findings.append(Finding("date_invalid", Severity.ERROR, message("date_invalid", value=raw), **where))
            return None, ""
    return str(raw), ""


def _missing_items(frame, sheet, owned, file, findings, cycle) -> None:
    present = set(frame[sheet.id_column].dropna()) if sheet.id_column in frame else set()
    for item in sorted(owned - present):
        findings.append(Finding(
            "item_missing", Severity.ERROR, message("item_missing", name=item_name(cycle, sheet.key, item), value=item),
            file=file, sheet=sheet.name, item_id=item,
        ))


def item_name(cycle: Cycle, sheet_key: str, item: str) -> str:
    plan = cycle.plan
    names = {
        "mal": {g.number: f"{g.number} {g.title}" for g in plan.goals},
        "indikatorer": {i.id: i.name for i in plan.indicators},
        "aktiviteter": {a.id: a.name for a in plan.activities},
        "texter": {s.key: s.title for s in cycle.sections},
        "ekonomi": {r.id: r.name for r in plan.economy.areas},
        "investeringar": {r.id: r.name for r in plan.economy.investments},
    }
    return names.get(sheet_key, {}).get(item, item)


def _enrich_indicators(frame: pd.DataFrame, cycle: Cycle):
    return add_indicator_facts(frame, cycle), {"statuses": [s.value for s in IndicatorStatus]}


def _enrich_goals(frame: pd.DataFrame, cycle: Cycle):
    titles = {g.number: g for g in cycle.plan.goals}
    frame["name"] = [f"{g} {titles[g].title}" if g in titles else g for g in frame["goal"]]
    frame["is_namndmal"] = [g in titles and titles[g].level == 3 for g in frame["goal"]]
    return frame, {"assessments": [a.value for a in Assessment]}


def _enrich_activities(frame: pd.DataFrame, cycle: Cycle):
    plan = {a.id: a for a in cycle.plan.activities}
    frame["name"] = [plan[i].name if i in plan else n for i, n in zip(frame["id"], frame["name"])]
    period_end = pd.Timestamp(cycle.config.period_end)
    frame["overdue"] = [bool(e < period_end) and s != ActivityStatus.GENOMFORD.value if not pd.isna(e) else False
                        for e, s in zip(frame["end"], frame["status"])]
    year = cycle.config.year
    return frame, {
        "statuses": [s.value for s in ActivityStatus],
        "year_start": dt.datetime(year, 1, 1).isoformat(), "year_end": dt.datetime(year, 12, 31).isoformat(),
    }


def _enrich_texts(frame: pd.DataFrame, cycle: Cycle):
    titles = {s.key: s.title for s in cycle.sections}
    frame["name"] = [titles.get(k, k) for k in frame["key"]]
    return frame, {}


def _enrich_economy(frame: pd.DataFrame, cycle: Cycle):
    names = {r.id: r.name for r in [*cycle.plan.economy.areas, *cycle.plan.economy.investments]}
    frame["name"] = [names.get(i, n) for i, n in zip(frame["id"], frame["name"])]
    return frame, {}


def _enrich_named(frame: pd.DataFrame, cycle: Cycle):
    return frame, {}


def _enrich_adjustments(frame: pd.DataFrame, cycle: Cycle):
    frame["name"] = frame["title"]
    # Typ is matched without regard to case: 'Drift' is as clear as 'drift'.
    frame["kind_normalised"] = [k.strip().lower() if isinstance(k, str) else None for k in frame["kind"]]
    return frame, {"kinds": list(ADJUSTMENT_KINDS)}


def _enrich_revenue_costs(frame: pd.DataFrame, cycle: Cycle):
    # An unknown Typ keeps its own (lower-cased) text: the suite's in-set rule skips empty cells, not wrong ones.
    frame["kind_normalised"] = [revenue_cost_kind(k) or (k.strip().lower() if isinstance(k, str) else None) for k in frame["kind"]]
    return frame, {"kinds": list(REVENUE_COST_KINDS)}


def unit_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, file: str) -> list[Finding]:
    """A value written in another unit than the indicator's (e.g. '15 st' in a 'barn/avd.' row)."""
    findings = []
    for index, key, unit, expected in unit_findings_rows(frame, cycle):
        row = frame.loc[index]
        raw = str(row[f"{key}_raw"])
        findings.append(Finding(
            "indicator_unit_mismatch", Severity.WARNING,
            message("indicator_unit_mismatch", value=raw, expected=expected or "ingen enhet", name=row["name"]),
            file=file, sheet=sheet.name, row=int(row["_row"]), column=sheet.column(key).header,
            item_id=row["id"], item_name=row["name"], value=raw,
        ))
    return findings


def identity_findings(key: str, frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, file: str) -> list[Finding]:
    """Stated Avvikelse (and the VB's Justerad avvikelse) must equal what the row gives, ±0,1 mnkr."""
    if key not in ("economy", "investments") or frame.empty:
        return []
    kind = cycle.config.kind
    compute = operations_deviation if key == "economy" else investment_deviation
    findings = []
    for _, row in frame.iterrows():
        if _unreadable_number(row, sheet):
            continue
        values = {c.key: to_decimal(row[c.key]) for c in sheet.columns if c.numeric}
        expected = {"deviation": compute(values, kind)}
        if key == "economy" and not kind.is_tertial and values.get("deviation") is not None:
            expected["adjusted"] = values["deviation"] + (values.get("transfer") or 0)
        for column, computed in expected.items():
            stated = values.get(column)
            if stated is not None and not within_tolerance(stated, computed):
                findings.append(_identity_finding(row, sheet, column, computed, file))
    if key == "economy":
        findings += varav_findings(frame, sheet, cycle, file)
    return findings


def _unreadable_number(row: pd.Series, sheet: Sheet) -> bool:
    """A number that could not be read is reported at its cell; the row's sums are not judged on a guess."""
    return any(isinstance(row.get(f"{c.key}_raw"), str) and pd.isna(row[c.key]) for c in sheet.columns if c.numeric)


def _identity_finding(row: pd.Series, sheet: Sheet, column: str, computed, file: str) -> Finding:
    raw = str(row[f"{column}_raw"])
    return Finding(
        "economy_row_identity", Severity.ERROR,
        message("economy_row_identity", value=raw, expected=format_number(computed, 1), name=row["name"]),
        file=file, sheet=sheet.name, row=int(row["_row"]), column=sheet.column(column).header,
        item_id=row["id"], item_name=row["name"], value=raw,
    )


def varav_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, file: str) -> list[Finding]:
    """`varav` rows break their parent down, so together they cannot exceed it (±0,1 mnkr)."""
    layout = {r.id: r for r in cycle.plan.economy.areas}
    by_id = frame.set_index("id", drop=False)
    findings = []
    for parent in {r.parent for r in layout.values() if r.row_type is RowType.VARAV}:
        children = [r.id for r in layout.values() if r.parent == parent and r.row_type is RowType.VARAV and r.id in by_id.index]
        if parent not in by_id.index or not children:
            continue
        total = sum((to_decimal(by_id.at[c, "budget"]) or 0) for c in children)
        budget = to_decimal(by_id.at[parent, "budget"])
        if budget is not None and total - budget > TOLERANCE:
            row = by_id.loc[parent]
            findings.append(Finding(
                "economy_varav_exceeds", Severity.ERROR,
                message("economy_varav_exceeds", value=format_number(total, 1), expected=format_number(budget, 1), name=row["name"]),
                file=file, sheet=sheet.name, row=int(row["_row"]), column=sheet.column("budget").header,
                item_id=parent, item_name=row["name"], value=str(row["budget_raw"]),
            ))
    return findings


_ENRICH = {
    "indicators": _enrich_indicators, "goals": _enrich_goals, "activities": _enrich_activities,
    "texts": _enrich_texts, "economy": _enrich_economy, "investments": _enrich_economy,
    "result_units": _enrich_named, "turnover": _enrich_named, "adjustments": _enrich_adjustments,
    "revenue_costs": _enrich_revenue_costs,
}


def result_unit_findings(key: str, frame: pd.DataFrame, sheet: Sheet, file: str) -> list[Finding]:
    """A stated 'till' must be −(från + resultat), within the rounding of whole tkr."""
    if key != "result_units" or frame.empty:
        return []
    findings = []
    for _, row in frame.iterrows():
        stated, brought, result = (to_decimal(row[k]) for k in ("carried", "brought", "result"))
        computed = carried_over(brought, result)
        if stated is None or abs(stated - computed) <= TKR_TOLERANCE:
            continue
        raw = str(row["carried_raw"])
        findings.append(Finding(
            "result_unit_transfer", Severity.ERROR,
            message("result_unit_transfer", value=raw, expected=format_number(computed, 0), name=row["name"]),
            file=file, sheet=sheet.name, row=int(row["_row"]), column=sheet.column("carried").header,
            item_id=row["name"], item_name=row["name"], value=raw,
        ))
    return findings


def revenue_cost_sign_findings(key: str, frame: pd.DataFrame, sheet: Sheet, file: str) -> list[Finding]:
    """Revenue negative, cost positive: a post with the other sign would turn Summa and Netto wrong."""
    if key != "revenue_costs" or frame.empty:
        return []
    findings = []
    for _, row in frame.iterrows():
        kind = revenue_cost_kind(row["kind"])
        for column in ("previous", "outcome"):
            if revenue_cost_sign_ok(kind, to_decimal(row[column])):
                continue
            raw = str(row[f"{column}_raw"])
            findings.append(Finding(
                "revenue_cost_sign", Severity.WARNING,
                message("revenue_cost_sign", value=raw, expected=kind, name=row["name"]),
                file=file, sheet=sheet.name, row=int(row["_row"]), column=sheet.column(column).header,
                item_id=row["name"], item_name=row["name"], value=raw,
            ))
    return findings


def not_owner_findings(key: str, frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, submission: Submission) -> list[Finding]:
    """Rows in an optional economy sheet from someone else than the economy owner would never reach the report."""
    if key not in OPTIONAL_ECONOMY_SHEETS or cycle.economy_owner == submission.contributor_id:
        return []
    return [Finding(
        "economy_sheet_not_owner", Severity.ERROR, message("economy_sheet_not_owner", value=sheet.name),
        file=submission.file, sheet=sheet.name, row=int(row["_row"]), item_id=str(row[sheet.id_column] or ""),
    ) for _, row in frame.iterrows()]
