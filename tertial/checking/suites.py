"""Running the expectation suites in `expectations/` and turning results into findings.

GX's cost is per expectation, not per row, so the frames of one sheet from many submissions are stacked and
validated in one run where the suite allows it; each finding goes back to its own submission. The runs of the
sheets, and the preparing of the files, are independent of each other: a Spread runs them on several cores
(`tertial serve`'s warm processes), HERE one after the other.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from typing import Protocol

import pandas as pd

from tertial.checking.addresses import with_cells
from tertial.checking.deferred import deferred
from tertial.checking.parse import UNREADABLE
from tertial.checking.prepare import Prepared, prepare
from tertial.checking.row_ids import one_message_per_cell
from tertial.cycle import Cycle
from tertial.economy_columns import EconomyTables
from tertial.findings import Finding, Severity, finding
from tertial.narrative.intake_counts import intake_count_findings
from tertial.resources import EXPECTATIONS
from tertial.submission import Sheet, Submission, sheets_for
from tertial.vocabulary import ReportKind

# GX phones home, draws progress bars and logs its temporary folders unless told not to.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

with deferred("scipy.stats", "altair"):  # for expectations the suites do not use (tertial/checking/deferred.py)
    import great_expectations as gx  # noqa: E402
    from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402

from tertial.checking import gx_kwargs  # noqa: E402

# That module sets its own logger to INFO on import; its temp-folder notice is noise to users.
logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
gx_kwargs.install()


@cache
def _context():
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def warm() -> None:
    """GX's context and every suite loaded, before the first submission waits for them."""
    _context()
    for path in sorted(EXPECTATIONS.glob("*.json")):
        load_suite(path.stem)


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


class Spread(Protocol):
    """Where the independent parts of a check run: `workers` processes, map() giving the results in order."""

    workers: int

    def map(self, function: Callable, *iterables: Iterable) -> Iterable: ...


class _Here:
    workers = 1

    def map(self, function: Callable, *iterables: Iterable) -> Iterable:
        return map(function, *iterables)


HERE: Spread = _Here()

OWNED = "owned_ids"
# Expectations that judge each row on its own can run over many submissions' rows stacked; uniqueness and
# "owned by this contributor" hold per submission, so those columns are marked with the submission first.
ROW_BY_ROW = {"expect_column_values_to_be_in_set", "expect_column_values_to_not_be_null", "expect_column_values_to_be_between",
              "expect_column_pair_values_to_be_equal", "expect_column_pair_values_a_to_be_greater_than_b"}
PER_SUBMISSION = {"expect_column_values_to_be_unique"}
SEPARATOR = "\x1f"  # after the digits of a position: two submissions' marked ids can never be equal


@dataclass(frozen=True)
class Member:
    """One submission's frame of one sheet, as it takes part in a validation run."""

    position: int  # which submission
    frame: pd.DataFrame
    params: dict
    file: str


def run_suites(prepared: list[Prepared], files: list[str], kind: ReportKind, year: int,
               economy: EconomyTables | None = None, spread: Spread = HERE) -> list[list[Finding]]:
    """Validate every prepared sheet of every submission with its suite; findings per submission, located to the cell.

    GX's cost is per expectation, not per row, so all frames of a sheet that look alike go through one run; the runs
    are handed to `spread` the costliest first, so that its processes finish together, and their findings are added
    in the sheets' order all the same.
    """
    sheets = sheets_for(kind, year, economy)
    runs = [(key, group, sheets[key])
            for key in dict.fromkeys(k for p in prepared for k in p.frames if k in sheets)  # Tabeller: Python rules only
            for group in _alike(key, [Member(n, p.frames[key], p.parameters[key], files[n])
                                      for n, p in enumerate(prepared) if key in p.frames and not p.frames[key].empty])]
    costliest_first = sorted(range(len(runs)), key=lambda n: -_cost(runs[n][0]))
    keys, groups, kinds = zip(*(runs[n] for n in costliest_first)) if runs else ((), (), ())
    results = dict(zip(costliest_first, spread.map(_validate_together, keys, groups, kinds)))
    findings: list[list[Finding]] = [[] for _ in prepared]
    for n in range(len(runs)):
        for position, found in results[n]:
            findings[position] += found
    return findings


@cache
def _cost(key: str) -> int:
    """A suite's run costs about one unit per expectation and two with a row condition (bench/RESULTS.md)."""
    return sum(2 if e["kwargs"].get("row_condition") else 1 for e in load_suite(key)["expectations"])


def _alike(key: str, members: list[Member]) -> list[list[Member]]:
    """Frames with the same columns, types and parameters (apart from the owned ids) can be validated together.

    A suite with any other kind of expectation (a sum, a row count) is run for each submission on its own.
    """
    if not _stackable(key):
        return [[member] for member in members]
    groups: dict[str, list[Member]] = {}
    for member in members:
        shape = repr((list(member.frame.columns), [str(t) for t in member.frame.dtypes],
                      sorted((k, v) for k, v in member.params.items() if k != OWNED)))
        groups.setdefault(shape, []).append(member)
    return list(groups.values())


def _validate_together(key: str, group: list[Member], sheet: Sheet) -> list[tuple[int, list[Finding]]]:
    """One GX run over the group's frames stacked; each unexpected row handed back to its own submission (by its
    position)."""
    frames = [_marked(m.frame, _own_columns(key), m.position) for m in group]
    origins = [(m, index) for m, frame in zip(group, frames) for index in frame.index]
    owned = [_mark(m.position, item) for m in group for item in m.params.get(OWNED, [])]
    params = {**group[0].params, OWNED: owned}
    suite = _suite_for(key, frames[0])
    read = _read_by(suite, frames[0])
    stacked = pd.concat([frame[read] for frame in frames], ignore_index=True)
    result = _batch(key, stacked).validate(gx.ExpectationSuite(**suite), result_format="COMPLETE", expectation_parameters=params)
    found: dict[int, list[Finding]] = {m.position: [] for m in group}
    for item in result.results:
        if item.exception_info and item.exception_info.get("raised_exception"):
            raise RuntimeError(f"suite {key}: {item.exception_info.get('exception_message')}")
        if item.success:
            continue
        rows: dict[int, list] = {}
        for index in item.result.get("unexpected_index_list") or []:
            member, original = origins[index]
            rows.setdefault(member.position, []).append(original)
        for member in group:
            found[member.position] += _findings(item, _declared(key, item.expectation_config), rows.get(member.position, []),
                                                member, sheet)
    return [(m.position, found[m.position]) for m in group]


def _suite_for(key: str, frame: pd.DataFrame) -> dict:
    """The sheet's suite without the expectations on columns it does not have: a profile that declares an economy
    table's columns leaves some of Tertial's out (every column of an undeclared sheet is present)."""
    suite = load_suite(key)
    present = set(frame.columns)
    kept = [e for e in suite["expectations"]
            if all(e["kwargs"].get(k) in present for k in ("column", "column_A", "column_B") if k in e["kwargs"])]
    return {**suite, "expectations": kept}


def _read_by(suite: dict, frame: pd.DataFrame) -> list[str]:
    """The columns the suite's expectations and their row conditions read: GX's cost of filtering and copying a
    frame grows with its width, and the rest of the frame (raw values, names) is read back from the member's own.
    A condition written as a query string could read any column, so it keeps them all."""
    read: set[str] = set()
    for e in suite["expectations"]:
        kwargs = e["kwargs"]
        condition = kwargs.get("row_condition")
        if condition and not (isinstance(condition, dict) and "name" in condition.get("column", {})):
            return list(frame.columns)
        read |= {kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs}
        read |= set(kwargs.get("column_list") or ())
        if condition:
            read.add(condition["column"]["name"])
    return [c for c in frame.columns if c in read]


def _declared(key: str, config) -> dict:
    """The suite's own kwargs of a result's expectation (GX returns results in an order of its own)."""
    wanted = _identity(config.type, config.meta, config.kwargs)
    return next(e["kwargs"] for e in load_suite(key)["expectations"] if _identity(e["type"], e["meta"], e["kwargs"]) == wanted)


def _identity(kind: str, meta: dict, kwargs: dict) -> tuple:
    """Type, meta and columns tell a suite's expectations apart; parameters are not part of it."""
    return kind, json.dumps(meta, sort_keys=True), kwargs.get("column"), kwargs.get("column_A"), kwargs.get("column_B")


@cache
def _stackable(key: str) -> bool:
    """Every expectation judges rows on their own, and none but 'unique'/'owned' reads a column that gets marked."""
    own = set(_own_columns(key))
    for e in load_suite(key)["expectations"]:
        if e["type"] not in ROW_BY_ROW | PER_SUBMISSION:
            return False
        condition = e["kwargs"].get("row_condition") or {}
        if not isinstance(condition, dict):  # a condition as a query string could read any column
            return False
        reads = {e["kwargs"].get(k) for k in ("column", "column_A", "column_B")} | {condition.get("column", {}).get("name")}
        if not _marks(e) and own & reads:
            return False
    return True


def _marks(expectation: dict) -> bool:
    return expectation["type"] in PER_SUBMISSION or expectation["kwargs"].get("value_set") == {"$PARAMETER": OWNED}


@cache
def _own_columns(key: str) -> tuple[str, ...]:
    """The columns whose values must be unique, or owned, within one submission rather than across all."""
    return tuple(dict.fromkeys(
        e["kwargs"]["column"] for e in load_suite(key)["expectations"] if _marks(e)))


def _mark(position: int, value: object) -> object:
    return f"{position}{SEPARATOR}{value}" if isinstance(value, str) else value


def _marked(frame: pd.DataFrame, columns: tuple[str, ...], position: int) -> pd.DataFrame:
    """The frame with those columns' values marked by submission, so 'unique' and 'owned' still hold per submission."""
    present = [c for c in columns if c in frame.columns]
    return frame.assign(**{c: frame[c].map(lambda v: _mark(position, v), na_action="ignore") for c in present})


def _findings(item, declared: dict, indices: list, member: Member, sheet: Sheet) -> list[Finding]:
    """`declared` is the suite's own kwargs: GX's result carries the stacked run's parameters, not this submission's."""
    config, frame, params = item.expectation_config, member.frame, member.params
    rule = config.meta["rule_id"]
    # meta.cell names the sheet column a derived-column rule is about.
    column_key = config.meta.get("cell") or declared.get("column") or declared.get("column_A")
    header = sheet.column(column_key).header if column_key in {c.key for c in sheet.columns} else column_key
    out = []
    for index in indices:
        row = frame.loc[index]
        value = _shown(row, column_key)
        expected = _expected(config.meta, declared, row, params)
        out.append(finding(
            rule, file=member.file, sheet=sheet.name, row=int(row["_row"]), column=header,
            item_id=str(row.get(sheet.id_column) or ""), item_name=str(row.get("name") or ""), value=value,
            expected=expected, name=row.get("name") or "",
        ))
    return out


def _shown(row: pd.Series, key: str) -> str:
    raw = row.get(f"{key}_raw", row.get(key))
    if raw is None or (not isinstance(raw, str) and pd.isna(raw)):
        return ""
    if isinstance(raw, pd.Timestamp):
        return raw.date().isoformat()
    return str(raw)


def _expected(meta: dict, kwargs: dict, row: pd.Series, params: dict) -> str:
    if "expected_column" in meta:
        return _shown(row, meta["expected_column"])
    if "column_B" in kwargs:
        return _shown(row, kwargs["column_B"])
    value_set = kwargs.get("value_set")
    if isinstance(value_set, dict):
        value_set = params[value_set["$PARAMETER"]]
    if isinstance(value_set, list):
        return ", ".join(map(str, value_set))
    if "min_value" in kwargs or "max_value" in kwargs:
        low, high = (_param(kwargs.get(k), params) for k in ("min_value", "max_value"))
        if "min_value" not in kwargs:
            return f"senast {high}"
        return f"tidigast {low}" if "max_value" not in kwargs else f"{low}–{high}"
    return ""


def _param(value, params: dict) -> str:
    if isinstance(value, dict):
        value = params[value["$PARAMETER"]]
    return str(value)[:10]


def check_submissions(submissions: list[Submission], cycle: Cycle, spread: Spread = HERE) -> list[list[Finding]]:
    """Each submission's findings, errors first, from one GX run per sheet for all: parsing problems and the
    Python rules' findings, then the suites'. The files are prepared, and counted, a share per process of `spread`."""
    prepared = _each(spread, prepare, submissions, cycle)
    suites = run_suites(prepared, [s.file for s in submissions], cycle.config.kind, cycle.config.year,
                        cycle.outline.economy, spread)
    # The goal analyses' count sentences, once the submission has no error (a broken cell is reported once, alone).
    clean = [n for n, (p, found) in enumerate(zip(prepared, suites)) if not any(f.severity is Severity.ERROR
                                                                              for f in p.findings + found)]
    counted = dict(zip(clean, _each(spread, intake_count_findings, [submissions[n] for n in clean], cycle)))
    return [_ordered(with_cells(one_message_per_cell(one_per_cell(p.findings + found + counted.get(n, []))), s.layouts))
            for n, (s, p, found) in enumerate(zip(submissions, prepared, suites))]


def _each(spread: Spread, function: Callable, items: list, cycle: Cycle) -> list:
    """function(item, cycle) for every item, in order: a share of the items for each process of `spread` (the cycle
    then crosses to each process once)."""
    shares = [items[start::spread.workers] for start in range(min(spread.workers, len(items)))]
    done = list(spread.map(_for_each, repeat(function), shares, repeat(cycle)))
    results = [None] * len(items)
    for start, share in enumerate(done):
        results[start::spread.workers] = share
    return results


def _for_each(function: Callable, items: list, cycle: Cycle) -> list:
    return [function(item, cycle) for item in items]


def _ordered(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.severity is not Severity.ERROR, f.sheet or "", f.row or 0, f.rule_id))


def one_per_cell(findings: list[Finding]) -> list[Finding]:
    """A cell that could not be read is reported once, not also as missing or out of range."""
    unreadable = {(f.sheet, f.row, f.column) for f in findings if f.rule_id in UNREADABLE}
    return [f for f in findings if f.rule_id in UNREADABLE or (f.sheet, f.row, f.column) not in unreadable]
