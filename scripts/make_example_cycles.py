#!/usr/bin/env python
"""Generate the example cycles ``examples/eav-t2-2024`` and ``examples/eav-vb-2024``.

Both reuse the seed004 plan of the demo cycle (``examples/eav-t1-2024/plan.yaml``, referenced
relatively) and its eight contributors. The figures are *constructed*: the T1 figures from the
published report are carried forward by fixed rules to an August data set (T2) and a full-year data
set (VB). Indicator statuses are proposed by the product's own rule (``tertial.targets``), every
economy identity holds by construction, and the script runs the product's validation on each
submission and stops on any error. The VB points at ``t2-report.json``, the T2 example assembled
with the product's own ``build_report``, so its Jämförelse section uses the T2 forecasts.

Deterministic: reruns give byte-identical files (xlsx timestamps pinned, JSON with sorted keys).

    python scripts/make_example_cycles.py [--data ../shared/data] [--examples examples]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "scripts")]

import make_demo_data as demo  # noqa: E402
from tasks.assembly import Accepted, build_report  # noqa: E402
from tertial.archive import content_hash  # noqa: E402
from tasks.reading import read_submission  # noqa: E402
from tasks.rendering import render_json  # noqa: E402
from tasks.validation import validate_submission  # noqa: E402
from tasks.workbooks import Rows, pin_xlsx_timestamps, prefilled_rows, write_csv_folder, write_workbook  # noqa: E402
from tertial.access import EXAMPLE_TOKEN_KEY  # noqa: E402
from tertial.config import load_cycle  # noqa: E402
from tertial.cycle import Cycle  # noqa: E402
from tertial.findings import Finding, Severity  # noqa: E402
from tertial.ledger import ACCEPTED, Version  # noqa: E402
from tertial.numbers import decimals_of, format_number  # noqa: E402
from tertial.plan import Indicator, RowType  # noqa: E402
from tertial.targets import needs_analysis, propose_status  # noqa: E402
from tertial.vocabulary import ActivityStatus, Aggregation, Direction, Frequency, IndicatorStatus, ReportKind  # noqa: E402

T1_FOLDER = "eav-t1-2024"
PLAN_REF = f"../{T1_FOLDER}/plan.yaml"
T2_REPORT = "t2-report.json"
ZERO = Decimal(0)
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Kind:
    """What differs between the two example cycles."""

    kind: ReportKind
    folder: str
    period_end: dt.date
    attest_date: dt.date
    meeting_date: dt.date
    deadline: dt.date
    submitted_at: dt.datetime  # pinned into the xlsx files


T2 = Kind(ReportKind.T2, "eav-t2-2024", dt.date(2024, 8, 31), dt.date(2024, 9, 17), dt.date(2024, 9, 26),
          dt.date(2024, 9, 6), dt.datetime(2024, 9, 6, 9, 0, 0))
VB = Kind(ReportKind.VB, "eav-vb-2024", dt.date(2024, 12, 31), dt.date(2025, 2, 7), dt.date(2025, 2, 20),
          dt.date(2025, 1, 27), dt.datetime(2025, 1, 27, 9, 0, 0))

# --------------------------------------------------------------------------- numbers


def dec(raw: str) -> Decimal | None:
    return demo._number(raw)


def rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def shown(value: Decimal | None, places: int, unit: str = "") -> str:
    """A cell as a contributor types it: Swedish digits with ordinary spaces, then the plan's unit."""
    if value is None:
        return ""
    number = format_number(rounded(value, places), places).replace("\u00a0", " ")
    return f"{number} {unit}" if unit else number


def mnkr(value: Decimal) -> str:
    return shown(value, 1)

# --------------------------------------------------------------------------- indicators


@dataclass(frozen=True)
class Reading:
    """One indicator's figures in one report (None: cell left empty)."""

    outcome: Decimal | None = None
    men: Decimal | None = None
    women: Decimal | None = None
    forecast: Decimal | None = None


# Share of the way from the T1 outcome to the T1 forecast that an August outcome has come.
T2_PROGRESS = Decimal("0.6")
# Full-year outcomes drift from the last known forecast by these shares, in turn, so that some land above it
# and some below (a fixed cycle keeps the example deterministic).
VB_DRIFT = tuple(Decimal(s) for s in ("0", "0.03", "-0.02", "0.01", "-0.04", "0.02", "-0.01"))
# A full-year outcome stays within this share of last year's, as real outcomes mostly do (and the
# product's large-change rule would otherwise ask about it).
VB_MAX_CHANGE = Decimal("0.4")
# Indicators that have no figure at all in the plan or T1 (no outcome, forecast, previous outcome or target):
# a full-year outcome is invented for the VB.
VB_INVENTED = {"1.2-I1": Decimal("61"), "1.3-I7": Decimal("78"), "1.4-I1": Decimal("84")}


def places_of(indicator: Indicator, row: dict[str, str]) -> int:
    """The decimals the indicator is written with: as in T1's outcome or forecast, else last year's outcome."""
    written = [dec(row[key]) for key in ("period_outcome", "forecast", "outcome_men", "outcome_women")]
    written = [v for v in written if v is not None] or [v for v in (indicator.previous_outcome,) if v is not None]
    return max((decimals_of(v) for v in written), default=0)


def t1_reading(row: dict[str, str]) -> Reading:
    return Reading(dec(row["period_outcome"]), dec(row["outcome_men"]), dec(row["outcome_women"]), dec(row["forecast"]))


def capped(indicator: Indicator, value: Decimal) -> Decimal:
    """Shares stay within 0–100 % (budget ratios, which are bands, may pass 100)."""
    if indicator.unit == "%" and indicator.direction is not Direction.BAND:
        return min(max(value, ZERO), Decimal(100))
    return value


def split_by_sex(indicator: Indicator, total: Decimal, t1: Reading, places: int) -> tuple[Decimal | None, Decimal | None]:
    """Men and women for a new total: parts keep T1's shares; rates keep T1's gap, centred on the total."""
    if indicator.aggregation is Aggregation.NONE or t1.men is None or t1.women is None:
        return None, None
    if indicator.aggregation is Aggregation.PARTS:
        base = t1.outcome or (t1.men + t1.women)
        men = rounded(total * t1.men / base, places) if base else ZERO
        return men, total - men
    half = abs(t1.men - t1.women) / 2
    high, low = capped(indicator, rounded(total + half, places)), capped(indicator, rounded(total - half, places))
    return (high, low) if t1.men >= t1.women else (low, high)


def t2_reading(indicator: Indicator, row: dict[str, str]) -> Reading:
    """August: a tertial indicator's outcome moves from T1 toward the forecast; annual ones are unchanged."""
    t1, places = t1_reading(row), places_of(indicator, row)
    if indicator.frequency is Frequency.ANNUAL or t1.outcome is None:
        return t1
    forecast = t1.forecast if t1.forecast is not None else t1.outcome
    outcome = capped(indicator, rounded(t1.outcome + (forecast - t1.outcome) * T2_PROGRESS, places))
    men, women = split_by_sex(indicator, outcome, t1, places)
    return Reading(outcome, men, women, forecast)


def vb_base(indicator: Indicator, t2: Reading) -> Decimal:
    """The last known figure for the year: T2's forecast, its outcome, last year's outcome, or the årsmål."""
    target = indicator.annual_target.value if indicator.annual_target else None
    for value in (t2.forecast, t2.outcome, indicator.previous_outcome, target, VB_INVENTED.get(indicator.id)):
        if value is not None:
            return value
    raise SystemExit(f"{indicator.id}: no figure to build a full-year outcome from; add it to VB_INVENTED")


def vb_reading(indicator: Indicator, row: dict[str, str], t2: Reading, index: int) -> Reading:
    """The year's outcome: the last known figure, drifted by VB_DRIFT, kept near last year's outcome."""
    places = places_of(indicator, row)
    value = vb_base(indicator, t2) * (1 + VB_DRIFT[index % len(VB_DRIFT)])
    previous = indicator.previous_outcome
    if previous:
        low, high = sorted((previous * (1 - VB_MAX_CHANGE), previous * (1 + VB_MAX_CHANGE)))
        value = min(max(value, low), high)
    outcome = capped(indicator, rounded(value, places))
    men, women = split_by_sex(indicator, outcome, t1_reading(row), places)
    return Reading(outcome, men, women, None)

# --------------------------------------------------------------------------- economy

Values = dict[str, Decimal]


def d(*raw: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(r) for r in raw)


# T2 against T1, per area: (new requested budget adjustment, change in prestationsförändringar, change in the
# forecast before resultatöverföringar, resultatenheternas fondmedel used). T1's requested adjustments count as
# granted in June, so they are part of T2's budget. The iof row is the sum of its varav rows.
T2_AREAS = {
    "adm": d("0.0", "0.0", "-1.1", "0.0"),
    "iof": d("1.5", "0.0", "-3.9", "0.0"),
    "iof-barn": d("1.5", "0.0", "-4.8", "0.0"),
    "iof-vuxna": d("0.0", "0.0", "0.9", "0.0"),
    "iof-socialpsykiatri": d("0.0", "0.0", "0.3", "0.0"),
    "iof-nyanlanda": d("0.0", "0.0", "-0.3", "0.0"),
    "stadsmiljo": d("0.0", "0.0", "0.7", "0.0"),
    "avskrivningar": d("0.0", "0.0", "0.2", "0.0"),
    "internrantor": d("0.0", "0.0", "-0.1", "0.0"),
    "forskola": d("0.0", "-3.2", "-4.6", "1.6"),
    "aldre": d("0.8", "0.0", "1.4", "2.9"),
    "fn": d("0.0", "4.1", "3.6", "2.7"),
    "bkf": d("0.3", "0.0", "0.4", "0.0"),
    "arbetsmarknad": d("0.0", "0.0", "-0.6", "0.0"),
    "ekbistand": d("0.0", "0.0", "2.1", "0.0"),
    "ekbistand-handlaggare": d("0.0", "0.0", "-0.3", "0.0"),
    "ovrigt": d("0.0", "0.0", "0.0", "0.0"),
}
# VB per area: (Bokslut 2023, the year's outcome minus T2's forecast before resultatöverföringar,
# resultatöverföring). Bokslut 2023 is invented; the iof row is the sum of its varav rows.
VB_AREAS = {
    "adm": d("76.9", "-1.2", "0.0"),
    "iof": d("340.3", "2.5", "0.0"),
    "iof-barn": d("214.8", "2.9", "0.0"),
    "iof-vuxna": d("57.2", "-0.6", "0.0"),
    "iof-socialpsykiatri": d("72.1", "0.4", "0.0"),
    "iof-nyanlanda": d("-3.8", "-0.2", "0.0"),
    "stadsmiljo": d("32.0", "0.5", "0.0"),
    "avskrivningar": d("19.6", "-0.3", "0.0"),
    "internrantor": d("4.6", "0.1", "0.0"),
    "forskola": d("598.4", "-2.4", "1.2"),
    "aldre": d("796.2", "1.0", "2.9"),
    "fn": d("541.7", "-1.5", "2.1"),
    "bkf": d("50.3", "-0.8", "0.0"),
    "arbetsmarknad": d("22.8", "0.4", "0.0"),
    "ekbistand": d("158.9", "-1.7", "0.0"),
    "ekbistand-handlaggare": d("42.1", "-0.1", "0.0"),
    "ovrigt": d("0.0", "0.0", "0.0"),
}
# Investments: T2 (new requested adjustment, forecast minus available budget); VB (outcome minus T2's forecast).
T2_INVESTMENTS = {"park": d("0.0", "0.0"), "parkreinv": d("0.0", "-0.6"), "nycklade": d("0.0", "-2.4"),
                  "klimat": d("0.5", "0.0"), "trygghet": d("0.0", "-0.3"), "ovriga": d("0.0", "0.0"),
                  "maskiner": d("0.0", "0.4")}
VB_INVESTMENTS = {"park": Decimal("-0.2"), "parkreinv": Decimal("0.1"), "nycklade": Decimal("-0.9"),
                  "klimat": Decimal("-0.4"), "trygghet": ZERO, "ovriga": ZERO, "maskiner": Decimal("0.1")}


def t1_economy(economy_rows: list[dict[str, str]]) -> tuple[dict[str, Values], dict[str, Values]]:
    """T1's operations and investment rows from the seed, by id, as numbers."""
    def parse(values: dict[str, str], columns: dict[str, str]) -> Values:
        return {columns[k]: dec(v) or ZERO for k, v in values.items()}
    e2 = demo.economy_table(economy_rows, demo.E2_TABLE)
    e11 = demo.economy_table(economy_rows, demo.E11_TABLE)
    areas = {demo.AREA_IDS[label]: parse(v, demo.E2_COLUMNS) for label, v in e2.items() if label in demo.AREA_IDS}
    investments = {demo.INVESTMENT_IDS[label]: parse(v, demo.E11_COLUMNS) for label, v in e11.items() if label in demo.INVESTMENT_IDS}
    return areas, investments


def t2_area(t1: Values, change: tuple[Decimal, ...]) -> Values:
    requested, performance, forecast, funds = change
    row = {"budget": t1["budget"] + t1["requested"], "requested": requested,
           "performance": t1["performance"] + performance, "forecast_before": t1["forecast_before"] + forecast}
    row["forecast_after"] = row["forecast_before"] - funds
    row["deviation"] = row["budget"] + row["requested"] + row["performance"] - row["forecast_after"]
    return row


def vb_area(t2: Values, change: tuple[Decimal, ...]) -> Values:
    previous, outcome, transfer = change
    row = {"previous": previous, "budget": t2["budget"] + t2["requested"] + t2["performance"],
           "outcome": t2["forecast_before"] + outcome, "transfer": transfer}
    row["deviation"] = row["budget"] - row["outcome"]
    row["adjusted"] = row["deviation"] + transfer
    return row


def t2_investment(t1: Values, change: tuple[Decimal, ...]) -> Values:
    requested, forecast = change
    row = {"budget": t1["budget"] + t1["requested"], "requested": requested}
    row["forecast"] = row["budget"] + requested + forecast
    row["deviation"] = row["budget"] + requested - row["forecast"]
    return row


def vb_investment(t2: Values, change: Decimal) -> Values:
    row = {"budget": t2["budget"] + t2["requested"], "outcome": t2["forecast"] + change}
    row["deviation"] = row["budget"] - row["outcome"]
    return row


@dataclass(frozen=True)
class Economy:
    """One report's economy tables, by row id, and the layout's row types."""

    areas: dict[str, Values]
    investments: dict[str, Values]
    counted: tuple[str, ...]  # ids of the rows a total counts (top and additive, never varav)
    sheets: dict[str, list[dict[str, object]]] = field(default_factory=dict)  # result_units, turnover, adjustments

    def total(self, column: str) -> Decimal:
        return sum((self.areas[i][column] for i in self.counted), ZERO)

    def investment_total(self, column: str) -> Decimal:
        return sum((v[column] for v in self.investments.values()), ZERO)


def build_economies(cycle: Cycle, economy_rows: list[dict[str, str]]) -> tuple[Economy, Economy]:
    """T2's and the VB's economy, each derived from the one before."""
    areas, investments = t1_economy(economy_rows)
    counted = tuple(r.id for r in cycle.plan.economy.areas if r.row_type is not RowType.VARAV)
    t2 = Economy({i: t2_area(areas[i], T2_AREAS[i]) for i in areas},
                 {i: t2_investment(investments[i], T2_INVESTMENTS[i]) for i in investments}, counted)
    vb = Economy({i: vb_area(t2.areas[i], VB_AREAS[i]) for i in areas},
                 {i: vb_investment(t2.investments[i], VB_INVESTMENTS[i]) for i in investments}, counted)
    check_varav(cycle, t2, ("budget", "requested", "performance", "forecast_before", "forecast_after"))
    check_varav(cycle, vb, ("previous", "budget", "outcome"))
    return t2, vb


def check_varav(cycle: Cycle, economy: Economy, columns: tuple[str, ...]) -> None:
    """Where varav rows break a parent down completely (iof), they must add up to it in every column."""
    parent = "iof"
    children = [r.id for r in cycle.plan.economy.areas if r.parent == parent and r.row_type is RowType.VARAV]
    for column in columns:
        parts = sum((economy.areas[c][column] for c in children), ZERO)
        if parts != economy.areas[parent][column]:
            raise SystemExit(f"{parent}.{column}: the varav rows give {parts}, the row {economy.areas[parent][column]}")


def economy_indicators(cycle: Cycle, t2: Economy, vb: Economy) -> dict[ReportKind, dict[str, Decimal]]:
    """Budgetföljsamhet (3.1-I1 after, 3.1-I2 before resultatöverföringar) and prognossäkerhet T2 (3.1-I3),
    computed from the economy tables so the indicator and the table never disagree."""
    names = {i.id: i.name for i in cycle.plan.indicators}
    assert "efter resultatöverföringar" in names["3.1-I1"] and "före" in names["3.1-I2"] and "prognossäkerhet" in names["3.1-I3"]
    available = t2.total("budget") + t2.total("requested") + t2.total("performance")
    budget, outcome = vb.total("budget"), vb.total("outcome")
    forecast = t2.total("forecast_after")
    percent = lambda part, whole: rounded(part / whole * 100, 1)  # noqa: E731
    return {
        ReportKind.T2: {"3.1-I1": percent(t2.total("forecast_after"), available),
                        "3.1-I2": percent(t2.total("forecast_before"), available)},
        ReportKind.VB: {"3.1-I1": percent(outcome - vb.total("transfer"), budget), "3.1-I2": percent(outcome, budget),
                        "3.1-I3": percent(outcome - forecast, forecast)},
    }

# --------------------------------------------------------------------------- the economy owner's own sheets

# The area whose fund each resultatenhet draws on, by a word of its name. A report's Σ Resultat of an area's
# units is that area's fondmedel: T2's Prognos före − efter resultatöverföringar, the VB's Resultatöverföring.
UNIT_AREAS = (("förskolor", "forskola"), ("omsorgsboende", "aldre"), ("servicehus", "aldre"), ("hemtjänst", "aldre"),
              ("Assistans", "fn"), ("LSS", "fn"), ("Daglig", "fn"), ("socialpsykiatri", "iof-socialpsykiatri"))
TKR = Decimal(1000)


@dataclass(frozen=True)
class ResultUnit:
    """A resultatenhet of seed 004 (E10): its budget and 'från 2023' hold all year; T1's result sets the shares."""

    name: str
    area: str
    budget: Decimal
    brought: Decimal
    t1_result: Decimal


def seed_result_units(economy_rows: list[dict[str, str]]) -> list[ResultUnit]:
    units = []
    for row in demo.result_unit_rows(economy_rows):
        name = str(row["name"])
        area = next((a for word, a in UNIT_AREAS if word in name), None)
        if area is None:
            raise SystemExit(f"Resultatenhet '{name}': no area in UNIT_AREAS")
        units.append(ResultUnit(name, area, *(dec(str(row[k])) or ZERO for k in ("budget", "brought", "result"))))
    return units


def spread(units: list[ResultUnit], fund_tkr: Decimal) -> dict[str, Decimal]:
    """An area's fondmedel over its units in proportion to their T1 results, in whole tkr; the rounding
    remainder goes to the unit with the largest result, so the units add up to the fund exactly."""
    base = sum((u.t1_result for u in units), ZERO)
    if not base:
        if fund_tkr:
            raise SystemExit(f"{units[0].area}: fondmedel {fund_tkr} tkr but no T1 results to share them by")
        return {u.name: ZERO for u in units}
    results = {u.name: rounded(u.t1_result * fund_tkr / base, 0) for u in units}
    largest = max(units, key=lambda u: abs(u.t1_result)).name
    results[largest] += fund_tkr - sum(results.values(), ZERO)
    return results


def result_unit_rows(units: list[ResultUnit], funds_mnkr: dict[str, Decimal], state_till: bool) -> list[dict[str, object]]:
    """Resultatenheter in tkr; 'till' typed in (T2) or left for Tertial to derive (VB)."""
    results: dict[str, Decimal] = {}
    for area in dict.fromkeys(u.area for u in units):
        results |= spread([u for u in units if u.area == area], funds_mnkr.get(area, ZERO) * TKR)
    if sum(results.values(), ZERO) != sum(funds_mnkr.values(), ZERO) * TKR:
        raise SystemExit("Resultatenheter: an area with fondmedel has no resultatenheter")
    return [{"name": u.name, "budget": shown(u.budget, 0), "brought": shown(u.brought, 0), "result": shown(results[u.name], 0),
             "carried": shown(-(u.brought + results[u.name]), 0) if state_till else ""} for u in units]


# T2's omslutningsförändringar (mnkr), with our own comments.
T2_TURNOVER = (
    ("Förskoleverksamhet", "4.2", "Statsbidrag för mindre barngrupper och fler barn från andra kommuner under hösten."),
    ("Äldreomsorg", "12.6", "Stimulansmedel och fler platser på vård- och omsorgsboende sålda till andra stadsdelsförvaltningar."),
    ("Individ- och familjeomsorg", "-0.8", "Lägre ersättning från Migrationsverket än budgeterat."),
    ("Arbetsmarknadsåtgärder", "1.1", "Statsbidrag för fler feriejobb under sommaren."),
)
# T2's drift request covers the areas' Begärda budgetjusteringar (T2_AREAS), one bullet per area.
DRIFT_REQUEST = "Stöd till barn, unga och äldre"
DRIFT_ITEMS = {"iof-barn": "öppenvårdsinsatser för barn och unga som ersätter placeringar",
               "aldre": "fler hemtjänsttimmar under hösten", "bkf": "lovaktiviteter under höst- och jullovet"}
INVESTMENT_REQUEST = ("Klimatinvesteringar", "Medlen avser laddplatser för förvaltningens bilar och eldrivna "
                      "arbetsmaskiner för parkskötseln, enligt bilaga 2.")
# The VB's ombudgetering: the nycklade medel that a postponed procurement left unspent (Budget − Bokslut).
VB_REQUEST = ("Nycklade medel för stadsmiljön", "nycklade",
              "Upphandlingen av upprustningen av parkstråken i Rågsved sköts upp till 2025. Medlen behövs för att "
              "genomföra arbetet under våren 2025, som planerat sedan tidigare.")


def t2_requests(t2: Economy) -> list[dict[str, object]]:
    drift = t2.total("requested")
    items = {area: t2.areas[area]["requested"] for area in DRIFT_ITEMS}
    if sum(items.values(), ZERO) != drift:
        raise SystemExit(f"DRIFT_ITEMS give {sum(items.values(), ZERO)} mnkr, the areas request {drift} mnkr")
    bullets = "\n".join(f"- {mnkr(items[a])} mnkr för {what}" for a, what in DRIFT_ITEMS.items())
    return [{"title": DRIFT_REQUEST, "kind": "drift", "amount": mnkr(drift),
             "text": f"Behoven har ökat sedan våren och ryms inte i budgeten. Medlen fördelas enligt bilaga 1 på:\n{bullets}"},
            {"title": INVESTMENT_REQUEST[0], "kind": "investering", "amount": mnkr(t2.investment_total("requested")),
             "text": INVESTMENT_REQUEST[1]}]


# The VB's Intäkter och kostnader (mnkr, invented): post, typ, Utfall 2023, Utfall 2024, kommentar. Revenue negative,
# cost positive. Övriga kostnader (BALANCING_POST) is derived so that Netto is the operations table's total: Utfall
# for 2024, Bokslut föregående år for 2023.
VB_REVENUE_COSTS = (
    ("Taxor och avgifter", "intäkt", "-62.4", "-65.8", ""),
    ("Bidrag", "intäkt", "-148.6", "-156.2", "Statsbidrag för mindre barngrupper och för äldreomsorgens kompetenslyft."),
    ("Försäljning av verksamhet", "intäkt", "-93.1", "-101.7", "Fler platser på vård- och omsorgsboende sålda till andra stadsdelsförvaltningar."),
    ("Personalkostnader", "kostnad", "1512.3", "1574.9", "Löneöversyn och fler medarbetare i hemtjänsten."),
    ("Lokalkostnader", "kostnad", "371.8", "383.4", ""),
    ("Köp av verksamhet", "kostnad", "838.6", "861.2", ""),
)
BALANCING_POST = "Övriga kostnader"


def revenue_cost_rows(vb: Economy) -> list[dict[str, object]]:
    """The posts of VB_REVENUE_COSTS and the balancing one, as the economy owner types them."""
    fixed = [(name, kind, Decimal(before), Decimal(now), comment) for name, kind, before, now, comment in VB_REVENUE_COSTS]
    before = vb.total("previous") - sum((p[2] for p in fixed), ZERO)
    now = vb.total("outcome") - sum((p[3] for p in fixed), ZERO)
    if before <= 0 or now <= 0:
        raise SystemExit(f"{BALANCING_POST}: {before} / {now} mnkr; VB_REVENUE_COSTS must leave a positive cost")
    posts = [*fixed, (BALANCING_POST, "kostnad", before, now, "")]
    return [{"name": n, "kind": k, "previous": mnkr(b), "outcome": mnkr(o), "comment": c} for n, k, b, o, c in posts]


def with_owner_sheets(t2: Economy, vb: Economy, economy_rows: list[dict[str, str]]) -> tuple[Economy, Economy]:
    """The economy owner's Resultatenheter, Omslutningsförändringar and requests, built on the two economies."""
    units = seed_result_units(economy_rows)
    t2_funds = {a: v["forecast_before"] - v["forecast_after"] for a, v in t2.areas.items() if a in t2.counted}
    vb_funds = {a: v["transfer"] for a, v in vb.areas.items() if a in vb.counted}
    title, row_id, text = VB_REQUEST
    t2_sheets = {
        "result_units": result_unit_rows(units, {a: f for a, f in t2_funds.items() if f}, state_till=True),
        "turnover": [{"name": n, "amount": mnkr(Decimal(a)), "comment": c} for n, a, c in T2_TURNOVER],
        "adjustments": t2_requests(t2),
    }
    vb_sheets = {
        "result_units": result_unit_rows(units, {a: f for a, f in vb_funds.items() if f}, state_till=False),
        "adjustments": [{"title": title, "kind": "investering", "amount": mnkr(vb.investments[row_id]["deviation"]),
                         "text": text}],
        "revenue_costs": revenue_cost_rows(vb),
    }
    return replace(t2, sheets=t2_sheets), replace(vb, sheets=vb_sheets)


def sheet_total(economy: Economy, sheet: str, column: str) -> Decimal:
    return sum((dec(str(r[column])) or ZERO for r in economy.sheets.get(sheet, [])), ZERO)

# --------------------------------------------------------------------------- texts (our own wording)

SECTIONS = {
    ReportKind.T2: {
        "sammanfattning": "Efter årets första åtta månader bedömer förvaltningen att nämnden bidrar till kommunfullmäktiges "
                          "tre inriktningsmål. Nämnden prognostiserar {before} före resultatöverföringar och {after} efter "
                          "resultatöverföringar. Placeringskostnaderna för barn och unga har minskat sedan våren.",
        "positivt:1": "- Placeringarna av barn och unga har blivit färre och kortare under sommaren\n"
                      "- Sommarens dagkollo och fritidsgårdarnas lovaktiviteter nådde fler flickor än i fjol\n"
                      "- Fler äldre har fått läkemedelsgenomgång och munhälsobedömning",
        "utmaningar:1": "- Väntetiden till skyddat boende är fortsatt lång\n"
                        "- Rekryteringen av förskollärare till Rågsved och Hagsätra går trögt\n"
                        "- Volymerna inom stöd till personer med funktionsnedsättning fortsätter att öka",
        "positivt:2": "- Ängsytorna i Årstaskogen och Rågsvedsparken har utökats\n"
                      "- Mätningen av matsvinn omfattar nu samtliga vård- och omsorgsboenden\n"
                      "- Två nya cykelställ vid parklekar är på plats",
        "utmaningar:2": "- Andelen ekologiska livsmedel ökar långsammare än planerat\n"
                        "- Energianvändningen i lokaler med gammal ventilation är svår att sänka",
        "positivt:3": "- Sjukfrånvaron fortsätter att sjunka\n"
                      "- Drygt 850 ungdomar hade feriejobb under sommaren\n"
                      "- Alla chefer med budgetansvar har gått utbildningen i ekonomistyrning",
        "utmaningar:3": "- Platserna för Stockholmsjobb räcker inte till målet\n"
                        "- Nöjdheten med renhållningen i centrumområdena ligger under målet",
        "direktiv": "Förvaltningen fortsätter att samordna bemanningen mellan enheterna och följer upp avtal för att "
                    "förebygga välfärdsbrott. Lokaler som står tomma delar av dagen lånas ut till föreningar.",
        "ekonomi": "Nämndens budget inklusive begärda justeringar och prestationsförändringar är {available} mnkr. "
                   "Prognosen är {forecast_before} mnkr före och {forecast_after} mnkr efter resultatöverföringar, "
                   "vilket ger {before} före resultatöverföringar. Efter resultatöverföringar blir det {after}.",
        "investeringar": "Investeringsbudgeten är {budget} mnkr och nämnden begär ytterligare {requested} mnkr för "
                         "klimatinvesteringar. Prognosen för året är {forecast} mnkr; nycklade medel för stadsmiljön "
                         "förbrukas inte fullt ut eftersom en upphandling har dragit ut på tiden.",
    },
    ReportKind.VB: {
        "sammanfattning": "Under 2024 har nämnden bidragit till kommunfullmäktiges tre inriktningsmål. Året slutar med "
                          "{before} före resultatöverföringar och {after} efter resultatöverföringar. Placeringskostnaderna "
                          "för barn och unga minskade under hösten men är fortfarande högre än budgeterat.",
        "positivt:1": "- Förskoleteamen har nått fler familjer tidigt\n"
                      "- Hemtjänsttagarna möter färre olika medarbetare än förra året\n"
                      "- Föreningsbidragen söktes för första gången i två omgångar",
        "utmaningar:1": "- Kostnaderna för placeringar av barn och unga överstiger fortfarande budgeten\n"
                        "- Behovet av bostad med särskild service växer snabbare än utbudet",
        "positivt:2": "- Ängsskötseln omfattar nu alla större parker i stadsdelsområdet\n"
                      "- Klimatavtrycket från skolmåltiderna har minskat",
        "utmaningar:2": "- Målet för ekologiska livsmedel nåddes inte\n"
                        "- Utbytet av arbetsmaskiner mot eldrivna försenades",
        "positivt:3": "- Sjukfrånvaron är den lägsta på fem år\n"
                      "- Fler avhysningar kunde avvärjas än året innan",
        "utmaningar:3": "- Platserna för Stockholmsjobb blev färre än planerat\n"
                        "- Förtroendet för förvaltningen har ännu inte ökat",
        "direktiv": "Förvaltningen har under året samordnat lokaler och bemanning mellan avdelningarna och infört en "
                    "rutin för att upptäcka felaktiga utbetalningar. Arbetet fortsätter 2025.",
        "ekonomi": "Nämndens budget för 2024 var {budget} mnkr och utfallet {outcome} mnkr, vilket ger {before} "
                   "före resultatöverföringar. Efter resultatöverföringar blir det {after}. Jämfört med prognosen i "
                   "tertialrapport 2 blev nettokostnaden {difference} mnkr {direction}.",
        "investeringar": "Investeringsbudgeten var {budget} mnkr och utfallet {outcome} mnkr. Nycklade medel för "
                         "stadsmiljön förbrukades inte helt eftersom en upphandling sköts upp till 2025.",
        "balansrakning": "Balansräkningen visar inga väsentliga förändringar jämfört med föregående år. De kortfristiga "
                         "skulderna har minskat något efter att fakturor för placeringar reglerats i tid. "
                         "Anläggningstillgångarna har ökat genom årets parkinvesteringar.",
        "intern_kontroll": "Nämndens internkontrollplan har följts upp två gånger under året. Kontrollerna av "
                           "attestordning, representation och hantering av privata medel visade inga allvarliga brister. "
                           "Rutinen för uppföljning av avtal med leverantörer har skärpts.",
        "kvalitetsarbete": "Verksamheterna följer upp kvaliteten med egenkontroller, avvikelserapportering och "
                           "brukarundersökningar. Under året har avvikelserna inom äldreomsorgen analyserats per enhet och "
                           "förbättringsarbetet redovisats på ledningsgruppens möten.",
        "arbetsmiljo": "Arbetsmiljön har följts upp enligt årshjulet för systematiskt arbetsmiljöarbete. Riskbedömningar "
                       "har gjorts inför organisationsförändringar, och skyddsombuden har deltagit i uppföljningen av "
                       "hot och våld i verksamheterna.",
    },
}
VB_ONLY_TEXTS = {"balansrakning": "ekonomi", "intern_kontroll": "administrativa", "kvalitetsarbete": "administrativa",
                 "arbetsmiljo": "administrativa"}

AREA_CAUSES = {
    ReportKind.T2: {
        "adm": "Tjänster som stått vakanta under sommaren förklarar överskottet.",
        "iof": "Färre och kortare placeringar av barn och unga har minskat underskottet sedan tertialrapport 1.",
        "stadsmiljo": "Vinterväghållningen i början av året blev dyrare än beräknat.",
        "forskola": "Färre barn än budgeterat ger lägre intäkter, men kostnaderna har anpassats i samma takt.",
        "aldre": "Sjuklönekostnaderna har sjunkit men är fortfarande högre än budgeterat.",
        "fn": "Fler beslut om bostad med särskild service ökar kostnaderna; prestationsersättningen täcker en del.",
        "bkf": "Sommarlovsaktiviteterna blev något dyrare än planerat.",
        "arbetsmarknad": "Färre deltagare i arbetsmarknadsinsatser än budgeterat ger lägre kostnader.",
        "ekbistand": "Antalet hushåll med ekonomiskt bistånd har inte minskat i den takt budgeten förutsätter.",
        "ovrigt": "Verksamhetsområdet har ingen budget och inga kostnader väntas.",
    },
    ReportKind.VB: {
        "adm": "Vakanser under hösten förklarar överskottet.",
        "iof": "Placeringarna av barn och unga blev dyrare i slutet av året än prognosen i tertialrapport 2.",
        "stadsmiljo": "Extra snöröjning i december gav högre kostnader än prognostiserat.",
        "forskola": "Bemanningen anpassades snabbare än väntat till det lägre barnantalet.",
        "aldre": "Fler hemtjänsttimmar under hösten gav ett underskott som resultatenheterna delvis täckte med fonderade medel.",
        "fn": "Två planerade boendeplaceringar startade först 2025.",
        "bkf": "Höstlovsaktiviteterna finansierades delvis med statsbidrag.",
        "arbetsmarknad": "Fler deltagare än väntat i slutet av året.",
        "ekbistand": "Antalet hushåll minskade under hösten, vilket gav lägre kostnader än prognosen.",
        "ovrigt": "Verksamhetsområdet hade ingen budget och inga kostnader.",
    },
}

# Opening sentences of the inriktningsmålens analyses; other goals get one of GOAL_OPENINGS in turn.
GOAL_LEADS = {
    ReportKind.T2: {
        "1": "Välfärdsarbetet har under sommaren haft fokus på barn och unga, där lovverksamheten nådde fler än i fjol.",
        "2": "Miljöarbetet har fortsatt med ängsskötsel, mätning av matsvinn och klimatanpassade inköp.",
        "3": "Ekonomin har förbättrats sedan våren, främst genom färre placeringar inom individ- och familjeomsorgen.",
    },
    ReportKind.VB: {
        "1": "Året har präglats av ett ökat behov av stöd till barn och familjer, som förvaltningen mött med tidiga insatser.",
        "2": "Förvaltningen har minskat klimatavtrycket från måltider och utökat skötseln för biologisk mångfald.",
        "3": "Nämnden har hållit budgeten efter resultatöverföringar, trots höga kostnader för placeringar.",
    },
}
GOAL_OPENINGS = {
    ReportKind.T2: (
        "Arbetet har fortsatt enligt verksamhetsplanen under maj till augusti.",
        "Sommarperioden har använts till uppföljning och planering inför hösten.",
        "Verksamheterna har under perioden följt upp vårens insatser och justerat dem där det behövts.",
        "Samverkan med andra förvaltningar och civilsamhället har bidragit till arbetet under perioden.",
    ),
    ReportKind.VB: (
        "Arbetet under året har genomförts i stort sett enligt verksamhetsplanen.",
        "Insatserna under året har följts upp löpande och justerats utifrån resultaten.",
        "Verksamheterna har under året utvecklat sina arbetssätt i samverkan med andra aktörer.",
        "Året har gett erfarenheter som tas med i verksamhetsplanen för 2025.",
    ),
}
GOAL_KIND = {1: "Inriktningsmålet", 2: "Målet för verksamhetsområdet", 3: "Nämndmålet"}
# Goal assessments that change from T1 (the published report's) during the year.
ASSESSMENT_CHANGES = {
    ReportKind.T2: {"2.2.2": "Uppfylls delvis", "3.2.1": "Uppfylls delvis"},
    ReportKind.VB: {"2.2.2": "Uppfylls delvis", "3.2.1": "Uppfylls delvis", "1.5": "Uppfylls helt",
                    "1.3.2": "Uppfylls delvis", "3.6.1": "Uppfylls delvis"},
}

DECISIONS = {
    ReportKind.T2: ["Nämnden ansöker hos kommunstyrelsen om en budgetjustering på {requested} mnkr i driftmedel för "
                    "stöd till barn, unga och äldre, enligt bilaga 1.",
                    "Nämnden ansöker hos kommunstyrelsen om en budgetjustering på {invest} mnkr i investeringsmedel för "
                    "klimatinvesteringar, enligt bilaga 2.",
                    "Nämnden anmäler omslutningsförändringar på sammanlagt {turnover} mnkr."],
    ReportKind.VB: ["Nämnden ansöker hos kommunstyrelsen om att resultatöverföringar på sammanlagt {transfer} mnkr förs "
                    "över till 2025.",
                    "Nämnden ansöker hos kommunstyrelsen om ombudgetering med {rebudget} mnkr i investeringsmedel till "
                    "2025 för nycklade medel för stadsmiljön.",
                    "Nämnden godkänner uppföljningen av internkontrollplanen för 2024, bilaga 4."],
}
ATTACHMENTS = {
    ReportKind.T2: ["Ansökan om budgetjusteringar – drift", "Ansökan om budgetjusteringar – investeringar"],
    ReportKind.VB: ["Balansräkning 2024", "Resultaträkning 2024", "Nyckeltal 2024", "Uppföljning av internkontrollplan 2024"],
}


def indicator_analysis(kind: ReportKind, indicator: Indicator, value: str, status: IndicatorStatus) -> str:
    """The analysis an indicator row needs: no årsmål, or a figure that misses it."""
    if indicator.annual_target is None:
        return ("Årsmål saknas för indikatorn. Förvaltningen följer utvecklingen och redovisar utfallet i "
                "verksamhetsberättelsen." if kind.is_tertial else
                f"Årsmål saknades för indikatorn. Utfallet för året, {value}, blir jämförelsevärde inför 2025.")
    target = indicator.annual_target.raw
    if kind.is_tertial:
        return {
            IndicatorStatus.DELVIS: f"Prognosen, {value}, ligger nära årsmålet {target} men når inte ända fram. "
                                    "Uppföljningen har förstärkts under hösten.",
            IndicatorStatus.INTE: f"Prognosen, {value}, är långt från årsmålet {target}, som inte bedöms nås i år. "
                                  "Orsakerna analyseras och åtgärderna beskrivs i målets analys.",
        }.get(status, "Underlaget räcker ännu inte för en bedömning; utfallet redovisas i verksamhetsberättelsen.")
    return {
        IndicatorStatus.DELVIS: f"Utfallet, {value}, nådde nästan årsmålet {target}. Arbetssättet behålls och "
                                "följs upp tätare under 2025.",
        IndicatorStatus.INTE: f"Utfallet, {value}, nådde inte årsmålet {target}. Orsakerna har analyserats och "
                              "åtgärder ingår i verksamhetsplanen för 2025.",
    }.get(status, "Underlaget räckte inte för en bedömning av måluppfyllelsen.")


def assessment_sentence(kind: ReportKind, level: int, assessment: str) -> str:
    """The closing sentence; its word always equals the goal's assessment (the product checks that)."""
    word, subject = assessment.split()[-1], GOAL_KIND[level]
    if kind.is_tertial:
        return f"{subject} bedöms nås {word} under året."
    if word == "inte":
        return f"{subject} bedöms inte vara uppfyllt för år 2024."
    return f"{subject} bedöms vara {word} uppfyllt för år 2024."

# --------------------------------------------------------------------------- one report's data set


@dataclass(frozen=True)
class Dataset:
    """Everything the submissions of one example cycle say, by item id."""

    kind: Kind
    readings: dict[str, Reading]  # indicator id -> figures, rounded as written
    places: dict[str, int]  # indicator id -> decimals written
    statuses: dict[str, IndicatorStatus]
    activities: dict[str, tuple[ActivityStatus, str]]  # activity id -> (status, avvikelse)
    assessments: dict[str, str]  # goal number -> assessment
    economy: Economy
    texts: dict[str, str]  # text section key -> content


def readings_for(cycle: Cycle, seed: dict[str, dict[str, str]], linked: dict[ReportKind, dict[str, Decimal]]) -> dict[ReportKind, dict[str, Reading]]:
    """T2 and VB figures for every indicator; the economy-linked ones come from the economy tables."""
    t2 = {i.id: t2_reading(i, seed[i.id]) for i in cycle.plan.indicators}
    vb = {i.id: vb_reading(i, seed[i.id], t2[i.id], n) for n, i in enumerate(cycle.plan.indicators)}
    t2.update({ident: Reading(outcome=v, forecast=v) for ident, v in linked[ReportKind.T2].items()})
    vb.update({ident: Reading(outcome=v) for ident, v in linked[ReportKind.VB].items()})
    return {ReportKind.T2: t2, ReportKind.VB: vb}


def status_of(indicator: Indicator, reading: Reading, kind: ReportKind) -> IndicatorStatus:
    """The product's proposal: the forecast (else the outcome) in a tertial report, the outcome in the VB."""
    return propose_status(indicator, reading.outcome, reading.forecast if kind.is_tertial else None)


def activity_states(cycle: Cycle, kind: Kind) -> dict[str, tuple[ActivityStatus, str]]:
    """T2: done when ended by the period end, and every seventh ending by October done early.
    VB: done, except every twelfth still running into 2025 and every thirtieth cancelled, each with an avvikelse."""
    states = {}
    for n, activity in enumerate(cycle.plan.activities):
        if kind.kind.is_tertial:
            early = n % 7 == 0 and activity.end <= dt.date(2024, 10, 31)
            done = activity.end <= kind.period_end or early
            states[activity.id] = (ActivityStatus.GENOMFORD if done else ActivityStatus.PAGAR, "")
        elif n % 30 == 11:
            states[activity.id] = (ActivityStatus.AVBRUTEN, "Aktiviteten avbröts efter beslut i ledningsgruppen; behovet "
                                                            "tillgodoses inom ordinarie verksamhet.")
        elif n % 12 == 5:
            states[activity.id] = (ActivityStatus.PAGAR, "Arbetet försenades av vakanser och slutförs under första "
                                                         "kvartalet 2025.")
        else:
            states[activity.id] = (ActivityStatus.GENOMFORD, "")
    return states


def build_dataset(cycle: Cycle, kind: Kind, readings: dict[str, Reading], seed: dict[str, dict[str, str]],
                  economy: Economy, t1_assessments: dict[str, str], texts: dict[str, str]) -> Dataset:
    plan = {i.id: i for i in cycle.plan.indicators}
    places = {i: 1 if i.startswith("3.1-I") else places_of(plan[i], seed[i]) for i in plan}
    readings = {i: Reading(*(None if v is None else rounded(v, places[i]) for v in (r.outcome, r.men, r.women, r.forecast)))
                for i, r in readings.items()}
    statuses = {i: status_of(plan[i], readings[i], kind.kind) for i in plan}
    changes = ASSESSMENT_CHANGES[kind.kind]
    assessments = {g.number: changes.get(g.number, t1_assessments[g.number]) for g in cycle.plan.goals}
    return Dataset(kind, readings, places, statuses, activity_states(cycle, kind), assessments, economy, texts)


def vb_area_text(row: Values, forecast_t2: Decimal, cause: str) -> str:
    text = f"Verksamhetsområdet redovisar {demo.signed_result(row['deviation'])} mot budget före resultatöverföringar."
    if row["transfer"]:
        text += f" Efter resultatöverföringar blir det {demo.signed_result(row['adjusted'])}."
    difference = row["outcome"] - forecast_t2
    if difference:
        text += f" Nettokostnaden blev {mnkr(abs(difference))} mnkr {'högre' if difference > 0 else 'lägre'} än prognosen i tertialrapport 2."
    return f"{text} {cause}"


def section_texts(kind: ReportKind, t2: Economy, vb: Economy) -> dict[str, str]:
    """Every text section; the economy texts are worded around the constructed figures."""
    out = dict(SECTIONS[kind])
    causes = AREA_CAUSES[kind]
    if kind.is_tertial:
        available = t2.total("budget") + t2.total("requested") + t2.total("performance")
        before, after = demo.signed_result(available - t2.total("forecast_before")), demo.signed_result(t2.total("deviation"))
        out["ekonomi"] = out["ekonomi"].format(available=mnkr(available), forecast_before=mnkr(t2.total("forecast_before")),
                                               forecast_after=mnkr(t2.total("forecast_after")), before=before, after=after)
        out["investeringar"] = out["investeringar"].format(**{k: mnkr(t2.investment_total(k)) for k in ("budget", "requested", "forecast")})
        out.update({f"ekonomi:{i}": demo.area_text({k: mnkr(v) for k, v in t2.areas[i].items()}, cause) for i, cause in causes.items()})
    else:
        before, after = demo.signed_result(vb.total("deviation")), demo.signed_result(vb.total("adjusted"))
        difference = vb.total("outcome") - t2.total("forecast_after")
        out["ekonomi"] = out["ekonomi"].format(budget=mnkr(vb.total("budget")), outcome=mnkr(vb.total("outcome")), before=before,
                                               after=after, difference=mnkr(abs(difference)),
                                               direction="högre" if difference > 0 else "lägre")
        out["investeringar"] = out["investeringar"].format(**{k: mnkr(vb.investment_total(k)) for k in ("budget", "outcome")})
        out.update({f"ekonomi:{i}": vb_area_text(vb.areas[i], t2.areas[i]["forecast_after"], cause) for i, cause in causes.items()})
    out["sammanfattning"] = out["sammanfattning"].format(before=before, after=after)
    return out

# --------------------------------------------------------------------------- filling the submissions


def fill_indicators(rows: list[dict[str, object]], cycle: Cycle, data: Dataset) -> None:
    plan, kind = {i.id: i for i in cycle.plan.indicators}, data.kind.kind
    for out in rows:
        ident = str(out["id"])
        indicator, reading, places, status = plan[ident], data.readings[ident], data.places[ident], data.statuses[ident]
        judged = reading.forecast if kind.is_tertial else reading.outcome
        cells = {key: shown(getattr(reading, key), places, indicator.unit) for key in ("outcome", "men", "women", "forecast")}
        needs = needs_analysis(indicator, judged) or status in (IndicatorStatus.DELVIS, IndicatorStatus.INTE)
        value = shown(judged if judged is not None else reading.outcome, places, indicator.unit)
        out.update(cells if kind.is_tertial else {k: v for k, v in cells.items() if k != "forecast"},
                   status=status.value, analysis=indicator_analysis(kind, indicator, value, status) if needs else "")


def fill_activities(rows: list[dict[str, object]], data: Dataset) -> None:
    for out in rows:
        status, deviation = data.activities[str(out["id"])]
        out.update(status=status.value, deviation=deviation)


def activity_sentence(done: int, total: int, kind: ReportKind) -> str:
    verb = "är" if kind.is_tertial else "blev"
    if total == 1:
        if done:
            return f"Målets enda aktivitet {verb} genomförd."
        return "Målets enda aktivitet pågår." if kind.is_tertial else "Målets enda aktivitet blev inte genomförd under året."
    return f"{done} av målets {total} aktiviteter {verb} genomförda."


def goal_analysis(cycle: Cycle, data: Dataset, number: str, index: int) -> str:
    """Opening, how far the goal's own activities have come, the indicator furthest off, and the assessment."""
    kind, level = data.kind.kind, number.count(".") + 1
    openings = GOAL_OPENINGS[kind]
    parts = [GOAL_LEADS[kind].get(number, openings[index % len(openings)])]
    own = [a.id for a in cycle.plan.activities if a.goal == number]
    if own:
        done = sum(data.activities[a][0] is ActivityStatus.GENOMFORD for a in own)
        parts.append(activity_sentence(done, len(own), kind))
    for status in (IndicatorStatus.INTE, IndicatorStatus.DELVIS):
        missed = [i.name for i in cycle.plan.indicators if i.goal == number and data.statuses[i.id] is status]
        if missed:
            parts.append(f"Längst från årsmålet {'ligger' if kind.is_tertial else 'låg'} indikatorn '{missed[0]}'.")
            break
    parts.append(assessment_sentence(kind, level, data.assessments[number]))
    return " ".join(parts)


def fill_goals(rows: list[dict[str, object]], cycle: Cycle, data: Dataset) -> None:
    order = {g.number: n for n, g in enumerate(cycle.plan.goals)}
    for out in rows:
        number = str(out["goal"])
        out.update(assessment=data.assessments[number], analysis=goal_analysis(cycle, data, number, order[number]))
        if number.count(".") == 2:  # a nämndmål keeps the plan's description and expected results from T1
            out.update(description=demo.GOAL_TEXTS[number][1], expected=demo.GOAL_TEXTS[number][2])


def fill_economy(rows: Rows, data: Dataset) -> None:
    for out in rows.get("economy", []):
        out.update({k: mnkr(v) for k, v in data.economy.areas[str(out["id"])].items()}, comment="")
    for out in rows.get("investments", []):
        out.update({k: mnkr(v) for k, v in data.economy.investments[str(out["id"])].items()})
    for sheet, sheet_rows in data.economy.sheets.items():
        if sheet in rows:  # the economy owner's workbook has the sheet
            rows[sheet] = [dict(r) for r in sheet_rows]


def filled_rows(cycle: Cycle, contributor_id: str, data: Dataset) -> Rows:
    rows = prefilled_rows(cycle, contributor_id)
    fill_indicators(rows["indicators"], cycle, data)
    fill_activities(rows["activities"], data)
    fill_goals(rows["goals"], cycle, data)
    for out in rows["texts"]:
        out["text"] = data.texts[str(out["key"])]
    fill_economy(rows, data)
    return rows

# --------------------------------------------------------------------------- the cycles and their files


def contributors(plan_doc: dict[str, Any], kind: ReportKind) -> list[dict[str, Any]]:
    """The demo cycle's eight contributors; in the VB they also write its own sections."""
    entries = [demo.contributor_entry(spec, plan_doc) for spec in demo.CONTRIBUTORS]
    for entry in entries:
        entry["owns"] = {k: [str(x) for x in v] if isinstance(v, list) else v for k, v in entry["owns"].items()}
        if kind is ReportKind.VB:
            extra = [key for key, owner in VB_ONLY_TEXTS.items() if owner == entry["id"]]
            if extra:
                entry["owns"]["texts"] = [*entry["owns"].get("texts", []), *extra]
    return entries


def cycle_document(kind: Kind, plan_doc: dict[str, Any], t2: Economy, vb: Economy) -> dict[str, Any]:
    head = {k: v for k, v in demo.CYCLE_HEAD.items() if k not in ("id", "kind", "year", "plan", "period_end", "attest_date",
                                                                 "meeting_date", "deadline")}
    # Every amount from the rows it speaks of, so the decisions and the report's sections agree.
    amounts = {"requested": mnkr(t2.total("requested")), "invest": mnkr(t2.investment_total("requested")),
               "transfer": mnkr(vb.total("transfer")), "turnover": mnkr(sheet_total(t2, "turnover", "amount")),
               "rebudget": mnkr(sheet_total(vb, "adjustments", "amount"))}
    document = {
        "id": kind.folder, "namnd": head.pop("namnd"), "kind": kind.kind.value, "year": demo.YEAR, "plan": PLAN_REF,
        "period_end": kind.period_end, "attest_date": kind.attest_date, "meeting_date": kind.meeting_date,
        "deadline": kind.deadline, **({} if kind.kind.is_tertial else {"t2_report": T2_REPORT}), **head,
        "decisions": [{"text": text.format(**amounts)} for text in DECISIONS[kind.kind]],
        "attachments": ATTACHMENTS[kind.kind],
        "contributors": contributors(plan_doc, kind.kind),
    }
    return document


def write_yaml(path: Path, document: dict[str, Any]) -> None:
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=4096)
    path.write_text("# Generated by scripts/make_example_cycles.py. Do not edit by hand.\n" + text, encoding="utf-8")


def write_submissions(cycle: Cycle, folder: Path, data: Dataset) -> list[Path]:
    shutil.rmtree(folder, ignore_errors=True)
    written = []
    for spec in demo.CONTRIBUTORS:
        rows = filled_rows(cycle, spec.id, data)
        if spec.id == demo.CSV_CONTRIBUTOR:
            written.append(write_csv_folder(folder / spec.id, cycle, spec.id, rows, EXAMPLE_TOKEN_KEY))
            continue
        path = write_workbook(folder / f"{spec.id}.xlsx", cycle, spec.id, rows, token_key=EXAMPLE_TOKEN_KEY)
        pin_xlsx_timestamps(path, data.kind.submitted_at)
        written.append(path)
    return written


def validate(cycle: Cycle, paths: list[Path]) -> list[Finding]:
    """The product's own validation of every submission; any error stops the script."""
    findings = []
    for path in paths:
        found = validate_submission.fn(read_submission.fn(path, cycle), cycle)
        errors = [f.line() for f in found if f.severity is Severity.ERROR]
        if errors:
            raise SystemExit(f"{path}: {len(errors)} fel\n" + "\n".join(errors))
        findings += found
    return findings


def t2_report_json(cycle: Cycle, paths: list[Path], received: dt.datetime) -> str:
    """The T2 report as assembly builds it from the accepted submissions (each a version 1), as JSON."""
    accepted = {}
    for path in paths:
        contributor = path.stem if path.is_file() else path.name
        version = Version(id=1, cycle_id=cycle.config.id, contributor_id=contributor, number=1, sha256=content_hash(path),
                          original_name=path.name, archive_path=str(path), received_at=received.replace(tzinfo=dt.UTC),
                          status=ACCEPTED, errors=0, warnings=0)
        accepted[contributor] = Accepted(read_submission.fn(path, cycle), version)
    return render_json(build_report.fn(cycle, accepted))

# --------------------------------------------------------------------------- README


README = """# Example cycle: {title}

Generated by `python scripts/make_example_cycles.py` (options: `--data` for the seed CSV folder, default
`../shared/data` from the repo root; `--examples` for the examples folder). Do not edit by hand: rerun
the script. Reruns are byte-identical (the xlsx timestamps are pinned).

This cycle uses the **same plan** as the demo cycle: `cycle.yaml` says `plan: {plan}`, so goals,
indicators, activities and the economy layout are those of the published T1 2024 report for
Enskede-Årsta-Vantörs stadsdelsnämnd, and the same eight (invented) contributors own the same items.

**Every figure here is constructed**, not published. {how}

{sheets}

Indicator statuses are those the product itself proposes (`tertial.targets.propose_status`: {judged} against
the årsmål in the indicator's direction; met → helt, within 10 % → delvis, else inte; no comparable target or
figure → Ej mätbar). An analysis is written wherever the product requires one (no årsmål, or a miss) and for
every delvis/inte. Goal assessments are those of the published T1, except {changes}. Budgetföljsamhet
(3.1-I1, 3.1-I2){prognos} is computed from the economy table, so the indicator and the table agree. All texts are
our own wording.

| file | what |
|---|---|
| `cycle.yaml` | the {kind} cycle: dates, decisions, bilagor, 8 contributors and what they own |
| `submissions/<id>.xlsx` | one filled submission per contributor |
| `submissions/{csv}/` | the same for `{csv}`, as a folder of CSV files |
{extra}
## Validation

The script runs the product's validation on every submission and stops on any error: **0 errors**,
{warnings}

## Statuses

{statuses}
"""

HOW = {
    ReportKind.T2: (
        "Dates follow the process in the domain notes (period end 31 August, attest 17 September, nämnd "
        "26 September, contributors' deadline 6 September). A tertial indicator's August outcome has come 60 % of "
        "the way from its T1 outcome to the T1 forecast (rounded as T1 wrote it); the forecast is kept (where T1 "
        "had none, the August outcome is the forecast). Annual indicators are unchanged from T1. Men/women keep "
        "T1's shares (parts) or T1's gap centred on the total (rates). Economy: T1's requested adjustments count as "
        "granted, so T2's budget is T1's budget plus them; new requests, changed prestationsförändringar, forecast "
        "changes and resultatenheternas fondmedel per area are fixed in the script (`T2_AREAS`, `T2_INVESTMENTS`), "
        "and Avvikelse is computed from them, so every identity holds and the `varav` rows of individ- och "
        "familjeomsorg add up to their row. Activities are Genomförd when they end by 31 August, and every seventh "
        "one ending by October is done early; the rest Pågår."),
    ReportKind.VB: (
        "Dates follow the process in the domain notes (VB attested 7 February 2025, nämnd 20 February). "
        "The year's outcome of an indicator is its last known figure (T2's forecast, else its outcome, else last "
        "year's outcome, else the årsmål; three indicators with none of these get an invented figure, "
        "`VB_INVENTED`), drifted by a fixed cycle of shares (`VB_DRIFT`, −4 % to +3 %) and kept within 40 % of "
        "last year's outcome. Periods are `VB 2024` for tertial indicators and `2024` for annual ones, as the "
        "validator expects. Economy: the budget is T2's budget with all its requests and prestationsförändringar; "
        "the outcome is T2's forecast before resultatöverföringar plus a fixed change per area (`VB_AREAS`, both "
        "signs), so the Jämförelse table against T2's forecast (after resultatöverföringar) has differences of "
        "both signs; Bokslut 2023 and the resultatöverföringar are invented. Investments' Bokslut is T2's "
        "forecast plus a fixed change. `t2-report.json` is the T2 example (`../eav-t2-2024/`) assembled with "
        "the product's own `build_report` from its submissions, each as an accepted version 1 (the same report "
        "`tertial assemble` writes for that cycle). Activities are Genomförd, except every twelfth still running "
        "and every thirtieth cancelled, each with an Avvikelse text."),
}


SHEETS = {
    ReportKind.T2: (
        "The economy owner (`ekonomi`) also fills the optional economy sheets. *Resultatenheter*: seed 004's 20 "
        "units with T1's bruttobudget and resultatöverföring från 2023; the August prognos of each unit's result "
        "shares out its area's fondmedel in the operations table (Prognos före − efter resultatöverföringar: "
        "förskola, äldreomsorg, funktionsnedsättning) in proportion to the unit's T1 result, in whole tkr, so "
        "Σ Resultat = {funds} tkr = the table's fonduttag; 'till 2025' is typed in as −(från + resultat). "
        "*Omslutningsförändringar*: {turnover_rows} rows (`T2_TURNOVER`), Σ {turnover} mnkr, the amount of the "
        "decision that anmäler them. *Budgetjusteringar*: one drift request of {drift} mnkr (the areas' Begärda "
        "budgetjusteringar, one bullet per area) and one investering request of {invest} mnkr (klimatinvesteringar), "
        "each a decision point with the same amount. The assembled report's `kontroller.txt` has no findings."),
    ReportKind.VB: (
        "The economy owner (`ekonomi`) also fills the optional economy sheets. *Resultatenheter*: the same 20 units; "
        "each unit's full-year result shares out its area's Resultatöverföring in the operations table in "
        "proportion to the unit's T1 result, so Σ Resultat = {funds} tkr; 'till 2025' is left empty and derived "
        "by Tertial. *Ombudgeteringar*: one investering request of {rebudget} mnkr (the nycklade medel left "
        "unspent, Budget − Bokslut), with a decision point of the same amount. *Intäkter och kostnader*: "
        "{revenue_rows} posts with invented figures (`VB_REVENUE_COSTS`, three intäkter and four kostnader); "
        "Övriga kostnader is derived so that Netto is the operations table's total, {net} mnkr Utfall 2024 and "
        "{previous_net} mnkr Bokslut 2023. The VB has no Omslutningsförändringar. The assembled report's "
        "`kontroller.txt` has no findings."),
}


def sheets_paragraph(economy: Economy, kind: ReportKind) -> str:
    requests = {str(r["kind"]): str(r["amount"]) for r in economy.sheets.get("adjustments", [])}
    return SHEETS[kind].format(
        funds=shown(sheet_total(economy, "result_units", "result"), 0), turnover_rows=len(economy.sheets.get("turnover", [])),
        turnover=mnkr(sheet_total(economy, "turnover", "amount")), drift=requests.get("drift", ""),
        invest=requests.get("investering", ""), rebudget=requests.get("investering", ""),
        revenue_rows=len(economy.sheets.get("revenue_costs", [])), net=mnkr(sheet_total(economy, "revenue_costs", "outcome")),
        previous_net=mnkr(sheet_total(economy, "revenue_costs", "previous")))


def readme(cycle: Cycle, data: Dataset, findings: list[Finding]) -> str:
    kind = data.kind.kind
    warnings = "\n".join(f"- `{f.file}` {f.rule_id} {f.item_id or ''}: {f.message}" for f in findings)
    warned = f"{len(findings)} warnings:\n\n{warnings}" if findings else "0 warnings."
    counts = [(s.value, sum(v is s for v in data.statuses.values())) for s in IndicatorStatus]
    changes = ", ".join(f"{goal} → {word}" for goal, word in ASSESSMENT_CHANGES[kind].items())
    extra = (f"| `{T2_REPORT}` | the T2 example's assembled report, for the Jämförelse section |\n" if not kind.is_tertial else "")
    return README.format(
        title=cycle.title, plan=PLAN_REF, how=HOW[kind], sheets=sheets_paragraph(data.economy, kind), kind=kind.value, csv=demo.CSV_CONTRIBUTOR, extra=extra,
        judged="the forecast, else the period's outcome" if kind.is_tertial else "the year's outcome",
        changes=changes, prognos="" if kind.is_tertial else " and prognossäkerhet T2 (3.1-I3)", warnings=warned,
        statuses="\n".join(f"- {label}: {n} indicators" for label, n in counts),
    )

# --------------------------------------------------------------------------- main


def write_example(root: Path, kind: Kind, plan_doc: dict[str, Any], data_for) -> tuple[Cycle, list[Path]]:
    """cycle.yaml, the submissions (validated) and README.md of one example cycle."""
    out = root / kind.folder
    out.mkdir(parents=True, exist_ok=True)
    cycle_doc, data_builder = data_for(kind)
    write_yaml(out / "cycle.yaml", cycle_doc)
    cycle = load_cycle(out / "cycle.yaml")
    data = data_builder(cycle)
    paths = write_submissions(cycle, out / "submissions", data)
    findings = validate(cycle, paths)
    (out / "README.md").write_text(readme(cycle, data, findings), encoding="utf-8")
    print(f"wrote {out}: cycle.yaml, README.md, {len(paths)} submissions ({len(findings)} warnings)")
    return cycle, paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data", help="folder with seed004_*.csv")
    parser.add_argument("--examples", type=Path, default=REPO / "examples", help=f"folder holding {T1_FOLDER}/")
    args = parser.parse_args(argv)
    notes = args.data.parent / "domain" / demo.NOTES_FILE
    plan_doc = yaml.safe_load((args.examples / T1_FOLDER / "plan.yaml").read_text(encoding="utf-8"))
    t1 = load_cycle(args.examples / T1_FOLDER / "cycle.yaml")
    seed = {ident: row for ident, _, row in demo.numbered(demo.read_rows(args.data / f"{demo.SEED}_indicators.csv"), "I")}
    economy_rows = demo.read_rows(args.data / f"{demo.SEED}_economy.csv")
    t2_economy, vb_economy = with_owner_sheets(*build_economies(t1, economy_rows), economy_rows)
    readings = readings_for(t1, seed, economy_indicators(t1, t2_economy, vb_economy))
    assessments = {number: assessment for number, _, assessment in demo.read_outline(notes)}
    economies = {ReportKind.T2: t2_economy, ReportKind.VB: vb_economy}

    def data_for(kind: Kind):
        texts = section_texts(kind.kind, t2_economy, vb_economy)
        return (cycle_document(kind, plan_doc, t2_economy, vb_economy),
                lambda cycle: build_dataset(cycle, kind, readings[kind.kind], seed, economies[kind.kind], assessments, texts))

    t2_cycle, t2_paths = write_example(args.examples, T2, plan_doc, data_for)
    report = t2_report_json(t2_cycle, t2_paths, T2.submitted_at)
    (args.examples / VB.folder).mkdir(parents=True, exist_ok=True)
    (args.examples / VB.folder / T2_REPORT).write_text(report, encoding="utf-8")
    write_example(args.examples, VB, plan_doc, data_for)


if __name__ == "__main__":
    main()
