"""Turning a read submission into typed frames for the expectation suites.

Parsing Swedish numbers and dates happens here, and so does everything the suites need
to know from the plan (expected period, whether an analysis is required …), added as
columns so the suites stay plain data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from dataclasses import dataclass, field

import pandas as pd

from tasks.reading import FORMULA
from tertial.cycle import Cycle
from tertial.findings import Finding, Severity
from tertial.economy import investment_deviation, operations_deviation, within_tolerance
from tertial.messages import message
from tertial.numbers import format_number
from tertial.numbers import NumberParseError, parse_quantity
from tertial.plan import Indicator
from tertial.submission import Sheet, Submission, sheets_for
from tertial.targets import needs_analysis
from tertial.vocabulary import ActivityStatus, Assessment, Frequency, IndicatorStatus, ReportKind, expected_period


@dataclass
class Prepared:
    """Typed frames per sheet, the suite parameters for each, and findings made while parsing."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    parameters: dict[str, dict[str, object]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def prepare(submission: Submission, cycle: Cycle) -> Prepared:
    sheets = sheets_for(cycle.config.kind, cycle.config.year)
    prepared = Prepared()
    for key, raw in submission.frames.items():
        sheet = sheets[key]
        frame = raw.copy().reset_index(drop=True).replace("", None)
        frame = _parse_columns(frame, sheet, submission.file, prepared.findings)
        owned = owned_ids(key, cycle, submission.contributor_id)
        _missing_items(frame, sheet, owned, submission.file, prepared.findings, cycle)
        frame, params = _ENRICH[key](frame, cycle)
        prepared.findings += identity_findings(key, frame, sheet, cycle.config.kind, submission.file)
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
    if cycle.economy_owner != contributor:
        return set()
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


def _parse_cell(raw, column, sheet, row, file, findings):
    """(value, unit) for one cell; a finding and (None, '') when it cannot be read."""
    if raw is None or (not isinstance(raw, str) and pd.isna(raw)):
        return None, ""
    where = {"file": file, "sheet": sheet.name, "row": int(row), "column": column.header, "value": str(raw)}
    if raw == FORMULA:
        findings.append(Finding("formula", Severity.ERROR, message("formula"), **where))
        return None, ""
    if column.numeric:
        try:
            quantity = parse_quantity(raw)
            return float(quantity.value), quantity.unit
        except NumberParseError:
            findings.append(Finding("number_invalid", Severity.ERROR, message("number_invalid", value=raw), **where))
            return None, ""
    if column.key in ("start", "end"):
        try:
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
    kind, year = cycle.config.kind, cycle.config.year
    plan = {i.id: i for i in cycle.plan.indicators}
    rows = [plan.get(i) for i in frame["id"]]
    frame["name"] = [i.name if i else n for i, n in zip(rows, frame["name"])]
    frame["expected_period"] = [expected_period(i.frequency, kind, year) if i else p for i, p in zip(rows, frame["period"])]
    frame["requires_outcome"] = [bool(i) and _measured_now(i.frequency, kind) for i in rows]
    frame["requires_forecast"] = [bool(i) and kind.is_tertial and i.frequency is not Frequency.ANNUAL for i in rows]
    frame["percent_capped"] = [bool(i) and i.unit == "%" and i.direction.value != "band" for i in rows]
    # A tertial report judges the forecast; the VB judges the year's outcome.
    judged = frame["forecast"] if kind.is_tertial else frame["outcome"]
    frame["needs_analysis"] = [_needs_analysis(i, v) for i, v in zip(rows, judged)]
    return frame, {"statuses": [s.value for s in IndicatorStatus]}


def _measured_now(frequency: Frequency, kind: ReportKind) -> bool:
    """Whether an indicator of this frequency has an outcome by this report."""
    if kind is ReportKind.VB:
        return True
    return frequency is Frequency.TERTIAL or (frequency is Frequency.HALF_YEAR and kind is ReportKind.T2)


def _needs_analysis(indicator: Indicator | None, judged: float) -> bool:
    return indicator is not None and needs_analysis(indicator, _decimal(judged))


def _decimal(value: float) -> Decimal | None:
    return None if pd.isna(value) else Decimal(str(value))


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


def identity_findings(key: str, frame: pd.DataFrame, sheet: Sheet, kind: ReportKind, file: str) -> list[Finding]:
    """A stated Avvikelse must equal the one computed from the row (±0,1 mnkr)."""
    if key not in ("economy", "investments") or frame.empty:
        return []
    compute = operations_deviation if key == "economy" else investment_deviation
    findings = []
    for _, row in frame.iterrows():
        values = {c.key: _decimal(row[c.key]) for c in sheet.columns if c.numeric}
        stated, computed = values.get("deviation"), compute(values, kind)
        if stated is None or within_tolerance(stated, computed):
            continue
        shown = format_number(computed, 1)
        findings.append(Finding(
            "economy_row_identity", Severity.ERROR,
            message("economy_row_identity", value=row["deviation_raw"], expected=shown, name=row["name"]),
            file=file, sheet=sheet.name, row=int(row["_row"]), column=sheet.column("deviation").header,
            item_id=row["id"], item_name=row["name"], value=str(row["deviation_raw"]),
        ))
    return findings


_ENRICH = {
    "indicators": _enrich_indicators, "goals": _enrich_goals, "activities": _enrich_activities,
    "texts": _enrich_texts, "economy": _enrich_economy, "investments": _enrich_economy,
}
