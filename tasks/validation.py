"""Running the expectation suites in `expectations/` and turning results into findings."""

from __future__ import annotations

import json
import logging
import os
from functools import cache

import pandas as pd

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.checks import Prepared, prepare
from tertial.cycle import Cycle
from tertial.findings import Finding, Severity
from tertial.messages import message
from tertial.resources import EXPECTATIONS
from tertial.submission import Submission, sheets_for
from tertial.vocabulary import ReportKind

# GX phones home, draws progress bars and logs its temporary folders unless told not to.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import great_expectations as gx  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402

# That module sets its own logger to INFO on import; its temp-folder notice is noise to users.
logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)


@cache
def _context():
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


@cache
def load_suite(name: str) -> dict:
    return json.loads((EXPECTATIONS / f"{name}.json").read_text(encoding="utf-8"))


def _batch(name: str, frame: pd.DataFrame):
    context = _context()
    try:
        source = context.data_sources.get("tertial")
    except (KeyError, ValueError):
        source = context.data_sources.add_pandas("tertial")
    try:
        asset = source.get_asset(name)
    except LookupError:
        asset = source.add_dataframe_asset(name)
    try:
        definition = asset.get_batch_definition("whole")
    except KeyError:
        definition = asset.add_batch_definition_whole_dataframe("whole")
    return definition.get_batch(batch_parameters={"dataframe": frame})


def run_suites(prepared: Prepared, submission: Submission, kind: ReportKind, year: int) -> list[Finding]:
    """Validate every prepared sheet with its suite; findings located to the cell."""
    sheets = sheets_for(kind, year)
    findings: list[Finding] = []
    for key, frame in prepared.frames.items():
        if frame.empty:
            continue
        params = prepared.parameters[key]
        suite = gx.ExpectationSuite(**load_suite(key))
        result = _batch(key, frame).validate(suite, result_format="COMPLETE", expectation_parameters=params)
        for item in result.results:
            if item.exception_info and item.exception_info.get("raised_exception"):
                raise RuntimeError(f"suite {key}: {item.exception_info.get('exception_message')}")
            if not item.success:
                findings += _findings(item, frame, sheets[key], params, submission.file)
    return findings


def _findings(item, frame: pd.DataFrame, sheet, params: dict, file: str) -> list[Finding]:
    config = item.expectation_config
    rule = config.meta["rule_id"]
    # meta.cell names the sheet column a derived-column rule is about.
    column_key = config.meta.get("cell") or config.kwargs.get("column") or config.kwargs.get("column_A")
    header = sheet.column(column_key).header if column_key in {c.key for c in sheet.columns} else column_key
    severity = Severity.WARNING if str(config.severity.value) == "warning" else Severity.ERROR
    out = []
    for index in item.result.get("unexpected_index_list") or []:
        row = frame.loc[index]
        value = _shown(row, column_key)
        expected = _expected(config, row, params)
        out.append(Finding(
            rule, severity, message(rule, value=value, expected=expected, name=row.get("name") or ""),
            file=file, sheet=sheet.name, row=int(row["_row"]), column=header,
            item_id=str(row.get(sheet.id_column) or ""), item_name=str(row.get("name") or ""), value=value,
        ))
    return out


def _shown(row: pd.Series, key: str) -> str:
    raw = row.get(f"{key}_raw", row.get(key))
    if raw is None or (not isinstance(raw, str) and pd.isna(raw)):
        return ""
    if isinstance(raw, pd.Timestamp):
        return raw.date().isoformat()
    return str(raw)


def _expected(config, row: pd.Series, params: dict) -> str:
    kwargs = config.kwargs
    if "expected_column" in config.meta:
        return _shown(row, config.meta["expected_column"])
    if "column_B" in kwargs:
        return _shown(row, kwargs["column_B"])
    value_set = kwargs.get("value_set")
    if isinstance(value_set, dict):
        value_set = params[value_set["$PARAMETER"]]
    if isinstance(value_set, list):
        return ", ".join(map(str, value_set))
    if "min_value" in kwargs or "max_value" in kwargs:
        low, high = (_param(kwargs.get(k), params) for k in ("min_value", "max_value"))
        return f"{low}–{high}"
    return ""


def _param(value, params: dict) -> str:
    if isinstance(value, dict):
        value = params[value["$PARAMETER"]]
    return str(value)[:10]


@task(cache_policy=NO_CACHE)
def validate_submission(submission: Submission, cycle: Cycle) -> list[Finding]:
    """All findings for one submission: parsing problems first, then the suites' findings."""
    prepared = prepare(submission, cycle)
    findings = one_per_cell(prepared.findings + run_suites(prepared, submission, cycle.config.kind, cycle.config.year))
    return sorted(findings, key=lambda f: (f.severity is not Severity.ERROR, f.sheet or "", f.row or 0, f.rule_id))


UNREADABLE = {"number_invalid", "date_invalid", "formula"}


def one_per_cell(findings: list[Finding]) -> list[Finding]:
    """A cell that could not be read is reported once, not also as missing or out of range."""
    unreadable = {(f.sheet, f.row, f.column) for f in findings if f.rule_id in UNREADABLE}
    return [f for f in findings if f.rule_id in UNREADABLE or (f.sheet, f.row, f.column) not in unreadable]
