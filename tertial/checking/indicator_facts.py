"""Facts about each submitted indicator row that the suite's expectations test.

The suites in `expectations/` stay plain data; everything that needs the plan (the
expected period, the direction, how men and women add up) is computed here as columns.
"""

from __future__ import annotations

import re

import pandas as pd

from tertial.asked_sheets import forecast_asked
from tertial.cycle import Cycle
from tertial.numbers import format_number, to_decimal
from tertial.plan import Indicator
from tertial.targets import needs_analysis, propose_status
from tertial.vocabulary import Aggregation, Frequency, IndicatorStatus, ReportKind

NUMERIC = ("outcome", "men", "women", "forecast")
# An outcome that moved more than this share from last year's is worth a second look.
LARGE_CHANGE = 0.5


def add_indicator_facts(frame: pd.DataFrame, cycle: Cycle) -> pd.DataFrame:
    kind, year = cycle.config.kind, cycle.config.year
    if "forecast" not in frame:  # the VB has no forecast column; the suite still names it
        frame["forecast"] = pd.Series(float("nan"), index=frame.index, dtype="float64")
    plan = {i.id: i for i in cycle.plan.indicators}
    rows = [plan.get(i) for i in frame["id"]]
    frame["name"] = [i.name if i else n for i, n in zip(rows, frame["name"])]
    frame["expected_period"] = [i.period(kind, year) if i else p for i, p in zip(rows, frame["period"])]
    # An indicator the plan says is not followed up this period needs no outcome, forecast, status or analysis.
    layout = cycle.plan.layout
    chosen = [layout.chose_not_followed_up(s) for s in frame["status"]]
    # The contributor may choose it too (when the plan offers that): then the reason in Analys is what is required.
    frame["needs_reason"] = chosen
    followed = [i is not None and not i.not_followed_up_reason(kind) and not c for i, c in zip(rows, chosen)]
    frame["requires_outcome"] = [f and measured_now(i.frequency, kind) for i, f in zip(rows, followed)]
    asked = forecast_asked(cycle)  # a profile whose report prints no forecast does not ask for one
    frame["requires_forecast"] = [f and asked and i.frequency is not Frequency.ANNUAL for i, f in zip(rows, followed)]
    frame["requires_status"] = [(i is None or f) and layout.indicator_status for i, f in zip(rows, followed)]
    frame["percent_capped"] = [bool(i) and i.unit == "%" and i.direction.value != "band" for i in rows]
    # A tertial report judges the forecast; the VB judges the year's outcome.
    judged = frame["forecast"] if asked else frame["outcome"]
    frame["needs_analysis"] = [f and needs_analysis(i, to_decimal(v)) for i, f, v in zip(rows, followed, judged)]
    # Which of the two reasons applies, for the message of indicator_analysis_missing.
    frame["analysis_cause"] = [analysis_cause(i, kind) for i in rows]
    _add_status_facts(frame, rows if layout.indicator_status else [None] * len(rows))  # no status: none proposed
    _add_sex_facts(frame, rows)
    _add_change_facts(frame, rows, kind)
    return frame


def analysis_cause(indicator: Indicator | None, kind: ReportKind) -> str:
    """Why an indicator needs an analysis, as the message says it: no årsmål, or the judged value misses it."""
    if indicator is not None and indicator.annual_target is None:
        return "saknar årsmål i planen"
    return "har en prognos som inte når årsmålet" if kind.is_tertial else "har ett utfall som inte når årsmålet"


def measured_now(frequency: Frequency, kind: ReportKind) -> bool:
    """Whether an indicator of this frequency has an outcome by this report."""
    if kind is ReportKind.VB:
        return True
    return frequency is Frequency.TERTIAL or (frequency is Frequency.HALF_YEAR and kind is ReportKind.T2)


def _add_status_facts(frame: pd.DataFrame, rows: list[Indicator | None]) -> None:
    """The status the data suggests, and whether the chosen one contradicts it."""
    proposed = [propose_status(i, to_decimal(o), to_decimal(f)).value if i else None
                for i, o, f in zip(rows, frame["outcome"], frame["forecast"])]
    frame["proposed_status"] = proposed
    frame["status_contradicts"] = [_contradicts(chosen, p) for chosen, p in zip(frame["status"], proposed)]


def _contradicts(chosen: object, proposed: str | None) -> bool:
    """Helt against a miss, or inte against a hit; delvis and ej mätbar are judgements we leave alone."""
    pairs = {(IndicatorStatus.HELT.value, IndicatorStatus.INTE.value), (IndicatorStatus.HELT.value, IndicatorStatus.DELVIS.value),
             (IndicatorStatus.INTE.value, IndicatorStatus.HELT.value)}
    return (chosen, proposed) in pairs


def _add_sex_facts(frame: pd.DataFrame, rows: list[Indicator | None]) -> None:
    """Rates: the total lies between men and women. Parts: men + women = total."""
    aggregation = [i.aggregation.value if i else Aggregation.NONE.value for i in rows]
    men, women, total = frame["men"], frame["women"], frame["outcome"]
    frame["aggregation"] = aggregation
    frame["sex_low"] = pd.concat([men, women], axis=1).min(axis=1, skipna=False)
    frame["sex_high"] = pd.concat([men, women], axis=1).max(axis=1, skipna=False)
    frame["sex_sum_gap"] = ((men + women) - total).abs().round(6)
    frame["sex_range"] = [f"män {m}, kvinnor {w}" for m, w in zip(frame["men_raw"].fillna(""), frame["women_raw"].fillna(""))]


def _add_change_facts(frame: pd.DataFrame, rows: list[Indicator | None], kind: ReportKind) -> None:
    """Change against last year's outcome, where the two are comparable: shares, or full years in the VB.

    A count at the end of April is not comparable with a full year's count, so it is left out.
    """
    comparable = [i is not None and i.previous_outcome and (i.unit == "%" or kind is ReportKind.VB) for i in rows]
    previous = pd.Series([float(i.previous_outcome) if ok else None for i, ok in zip(rows, comparable)],
                         index=frame.index, dtype="float64")
    frame["previous_shown"] = [format_number(i.previous_outcome) if i and i.previous_outcome is not None else "" for i in rows]
    frame["change_ratio"] = ((frame["outcome"] - previous).abs() / previous.abs()).round(6)
    # An analysis that speaks of the change has explained it: the warning is for a change nobody mentions.
    explained = [mentions_change(a) for a in frame["analysis"]] if "analysis" in frame else [False] * len(frame)
    frame.loc[pd.Series(explained, index=frame.index, dtype=bool), "change_ratio"] = float("nan")


# "ökade från 45 till 52 procent", "har halverats", "jämfört med föregående år", "fler än i fjol".
_CHANGE_WORDS = re.compile(
    r"\b(?:ök\w*|minsk\w*|förändr\w*|sjönk|sjunk\w*|steg|stigit|halver\w*|fördubbl\w*|dubbl\w*|tredubbl\w*|"
    r"fler|färre|högre|lägre|nedgång\w*|uppgång\w*|ras\w*|tapp\w*|variera\w*|fjol\w*|"
    r"föregående\s+år|förra\s+året|tidigare\s+år|jämfört\s+med)\b", re.IGNORECASE)


def mentions_change(text: object) -> bool:
    """Whether an indicator's analysis speaks of a change from an earlier value."""
    return isinstance(text, str) and bool(_CHANGE_WORDS.search(text))


def unit_findings_rows(frame: pd.DataFrame, cycle: Cycle) -> list[tuple[int, str, str, str]]:
    """(row index, column key, unit found, unit expected) for cells written in another unit than the plan's."""
    plan = {i.id: i.unit for i in cycle.plan.indicators}
    found = []
    for index, row in frame.iterrows():
        expected = plan.get(row["id"])
        if expected is None:
            continue
        for key in NUMERIC:
            unit = row.get(f"{key}_unit") or ""
            if unit and unit != expected and not _same_unit(unit, expected):
                found.append((index, key, unit, expected))
    return found


def _same_unit(a: str, b: str) -> bool:
    """'st' and '' are the same count; 'barn/avd.' written differently is not worth a warning."""
    return a.rstrip(".").lower() == b.rstrip(".").lower()
