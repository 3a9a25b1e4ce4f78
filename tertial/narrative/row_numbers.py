"""Numbers in an indicator's analysis against its own row, and period words against the report's period.

Deliberately narrow, like every narrative check: a sentence is compared with the row only when it clearly speaks
of the row's own series, so a number about something else is never a false alarm.

- "ökade från 45 till 52 procent": when one end is the row's value (last year's, or this period's outcome or
  forecast), the other end must be the row's too. When neither end fits, the sentence is about something else.
- "12 av 40, det vill säga 35 procent": a ratio and the share the same phrase gives for it must agree.
- "Andelen är högre än i fjol": the row's outcome against last year's, when the row's value is the subject.
- "under januari–april" in a T2 (or "per den 31 augusti" in a T1): a period that is not the report's own,
  unless the sentence compares ("jämfört med", "i fjol", "tertial 1").
"""

from __future__ import annotations

import re
from decimal import Decimal

from tertial.findings import Finding
from tertial.narrative.phrases import FLAGS
from tertial.narrative.places import Place, all_blocks, goal_place, narrative_finding, text_place
from tertial.numbers import format_number
from tertial.report import GoalSection, IndicatorRow, Report, walk_goals

_NUMBER = r"\d+(?:[,.]\d+)?"
_PERCENT = r"(?:\s*%|\s+procent(?:enheter)?\b)"
_FROM_TO = re.compile(rf"\bfrån\s+(?P<a>{_NUMBER}){_PERCENT}?\s+(?:\w+\s+){{0,3}}?till\s+(?P<b>{_NUMBER}){_PERCENT}?", FLAGS)
_WORDS = {"en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9, "tio": 10}
_COUNT = r"(?:\d+|" + "|".join(_WORDS) + r")"
_RATIO_SHARE = re.compile(
    rf"\b(?P<n>{_COUNT})\s+av\s+(?P<m>{_COUNT})\b[^.;:!?]{{0,40}}?(?:\(|vilket\s+(?:motsvarar|är|ger)|det\s+vill\s+säga|dvs\.?|eller|=)"
    rf"\s*(?P<p>{_NUMBER}){_PERCENT}", FLAGS)
# A share written as a whole number: "2 av 3 (67 %)", "1 av 3 (33 procent)".
_SHARE_TOLERANCE = Decimal(1)

_MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november",
           "december"]
_MONTH = "|".join(_MONTHS)
_SHORT = "|".join(m[:3] for m in _MONTHS)
_TERTIAL = 4  # months: a period ending a whole tertial or more before the report's is an earlier report's
# "januari–april", "jan–apr", "per den 30 april": the period a text reports on, not a plan's "till och med juni".
_PERIOD = re.compile(rf"\b(?:jan(?:uari)?\s*[–-]\s*(?P<to>{_MONTH}|{_SHORT})|per\s+(?:den\s+)?\d{{1,2}}\s+(?P<upto>{_MONTH}))\b"
                     rf"(?:\s+(?P<year>\d{{4}}))?", FLAGS)
_COMPARES = re.compile(r"\b(?:jämfört|jämförelse|jämför|fjol|föregående|förra|tidigare|sedan|tertial\s+\d|T\d|"
                       r"första\s+tertialet)\b", FLAGS)


def _decimal(text: str) -> Decimal:
    return Decimal(re.sub(r"[ \u00a0\u202f]", "", text).replace(",", "."))


def _count(text: str) -> int:
    return int(text) if text.isdigit() else _WORDS[text.lower()]


def _near(a: Decimal, b: Decimal | None) -> bool:
    """Within one unit of the last digit the text states: '2,8' fits 2,76 and 2,84, '52' fits 51,6."""
    return b is not None and abs(a - b) <= Decimal(1).scaleb(a.as_tuple().exponent)


def _indicator_place(row: IndicatorRow) -> Place:
    return Place(row.analysis, f"Analysen för indikatorn '{row.name}'", row.id, row.name, "Indikatorer", "Analys")


def _from_to(row: IndicatorRow) -> list[Finding]:
    out, where = [], _indicator_place(row)
    now = [v for v in (row.outcome, row.forecast) if v is not None]
    for match in _FROM_TO.finditer(row.analysis):
        a, b = _decimal(match["a"]), _decimal(match["b"])
        start_fits, end_fits = _near(a, row.previous), any(_near(b, v) for v in now)
        if row.previous is None or not now or start_fits == end_fits:
            continue  # both fit, or neither: the sentence is right, or about another series
        if start_fits:
            expected = (f"raden visar periodens utfall {format_number(row.outcome)}" if row.outcome is not None
                        else f"raden visar prognosen {format_number(row.forecast)}")
        else:
            expected = f"raden visar föregående års utfall {format_number(row.previous)}"
        out.append(narrative_finding("narrative_row_number", where, match[0], expected=expected))
    return out


# "Utfallet har ökat jämfört med föregående år", "Andelen är lägre än i fjol": the row's own value as the subject,
# right before the verb, so "Andelen flickor har ökat" (a part of the row) is not read.
_UP, _DOWN = r"ökat|ökade|stigit|steg|högre|fler|större", r"minskat|minskade|sjunkit|sjönk|lägre|färre|mindre"
_VERSUS = re.compile(
    rf"\b(?:utfallet|andelen|antalet|resultatet|värdet|nivån)\s+(?:har\s+|är\s+|var\s+|blev\s+)?(?:något\s+|kraftigt\s+|betydligt\s+)?"
    rf"(?:(?P<up>{_UP})|(?P<down>{_DOWN}))\s+(?:än|jämfört\s+med|sedan)\s+(?:i\s+fjol|föregående\s+år|förra\s+året)\b", FLAGS)


def _versus_last_year(row: IndicatorRow) -> list[Finding]:
    """A comparison with last year's value that goes the other way than the row's outcome and last year's."""
    if row.outcome is None or row.previous is None or row.outcome == row.previous:
        return []
    out, where = [], _indicator_place(row)
    for match in _VERSUS.finditer(row.analysis):
        if bool(match["up"]) != (row.outcome > row.previous):
            way = "ökat" if row.outcome > row.previous else "minskat"
            out.append(narrative_finding("narrative_row_number", where, match[0], expected=(
                f"raden visar att utfallet har {way}, från {format_number(row.previous)} till {format_number(row.outcome)}")))
    return out


# "Prognosen, 70, ligger nära årsmålet 75 %", "årsmålet på 93 procent", "utfallet blev 100,2 %": the row's own value
# named by its column's word. A four-digit whole number after the word is a year ("utfallet 2023"), not a value, and
# an amount of money is the economy's.
_QUOTED = re.compile(
    rf"\b(?P<what>prognosen|utfallet|årsmålet|målvärdet)\s*(?:,\s*|:\s*|\s+(?:på|om|är|var|blev|blir|landade\s+på)\s+|\s+)"
    rf"(?P<n>\d{{1,3}}(?:[ \u00a0\u202f]\d{{3}})+(?:,\d+)?|\d+(?:[,.]\d+)?)(?P<pct>{_PERCENT})?(?![\d\w]|[,.]\d)"
    r"(?!\s*(?:mnkr|tkr|kr|kronor|miljoner|av|procentenheter)\b)"  # money, "12 av 40", a change in points
    r"(?!\s*\w*\s+(?:högre|lägre|fler|färre|mer|mindre|bättre|sämre|över|under)\b)", FLAGS)  # a difference
_YEAR = re.compile(r"(?:19|20)\d\d")


def _target(text: str) -> Decimal | None:
    """The årsmål as a number, when it is one ('75 %', '4,9'); None for 'Ökning', '+/- 1 %', 'Fastställt 2024'."""
    match = re.fullmatch(rf"\s*(?P<n>{_NUMBER}){_PERCENT}?\s*(?:st|[a-zåäö/.]+)?\s*", text or "", FLAGS)
    return _decimal(match["n"]) if match else None


def _quoted_values(row: IndicatorRow) -> list[Finding]:
    """A value the analysis quotes as the row's prognos, utfall or årsmål that is not the row's."""
    values = {"prognosen": (row.forecast, "prognosen"), "utfallet": (row.outcome, "periodens utfall"),
              "årsmålet": (_target(row.annual_target), "årsmålet"), "målvärdet": (_target(row.annual_target), "årsmålet")}
    out, where = [], _indicator_place(row)
    for match in _QUOTED.finditer(row.analysis):
        value, column = values[match["what"].lower()]
        if value is None or (_YEAR.fullmatch(match["n"]) and not match["pct"]) or _near(_decimal(match["n"]), value):
            continue
        out.append(narrative_finding("narrative_row_number", where, match[0],
                                     expected=f"raden visar {column} {format_number(value)}"))
    return out


def _ratio_share(where: Place) -> list[Finding]:
    out = []
    for match in _RATIO_SHARE.finditer(where.text):
        n, m, p = _count(match["n"]), _count(match["m"]), _decimal(match["p"])
        if m == 0 or n > m:
            continue
        share = Decimal(n) * 100 / Decimal(m)
        if abs(share - p) > _SHARE_TOLERANCE:
            out.append(narrative_finding("narrative_row_number", where, match[0],
                                         expected=f"{n} av {m} är {format_number(share.quantize(Decimal('0.1')))} %"))
    return out


def check_row_numbers(report: Report) -> list[Finding]:
    out = []
    for goal in walk_goals(report.goals):
        for row in goal.indicators:
            if row.analysis:
                out += _from_to(row) + _ratio_share(_indicator_place(row)) + _versus_last_year(row) + _quoted_values(row)
        out += _ratio_share(goal_place(goal)) + (_activity_counts(goal) if goal.analysis else [])
    return out


# "1 av målets 5 aktiviteter är genomförda", "två av de tre aktiviteterna har slutförts": the goal's own activities.
_ACTIVITIES_DONE = re.compile(
    rf"\b(?P<n>{_COUNT})\s+av\s+(?:målets\s+|de\s+|nämndmålets\s+)?(?P<m>{_COUNT})\s+aktiviteter(?:na)?\s+"
    rf"(?:är|har)\s+(?:nu\s+)?(?:genomförda|genomförts|slutförda|slutförts|avslutade|avslutats|klara)\b", FLAGS)


def _activity_counts(goal: GoalSection) -> list[Finding]:
    """A count of the goal's completed activities, when the text counts the goal's own (or its branch's) activities."""
    out, where = [], goal_place(goal)
    scopes = [goal.activities, [a for g in walk_goals([goal]) for a in g.activities]]
    for match in _ACTIVITIES_DONE.finditer(goal.analysis):
        n, m = _count(match["n"]), _count(match["m"])
        scope = next((s for s in scopes if len(s) == m), None)
        if scope is None:
            continue  # another set of activities than the goal's: not ours to judge
        done = sum(1 for a in scope if a.completed)
        if n != done:
            out.append(narrative_finding("narrative_activity_count", where, match[0],
                                         expected=f"{done} av {m} aktiviteter genomförda"))
    return out


def _texts(report: Report) -> list[Place]:
    places = [goal_place(g) for g in walk_goals(report.goals)]
    places += [_indicator_place(i) for g in walk_goals(report.goals) for i in g.indicators if i.analysis]
    return places + [text_place(b) for b in all_blocks(report)]


def check_period_words(report: Report) -> list[Finding]:
    """A tertial report that names an earlier tertial's period as its own ("januari–april" in a T2), outside a comparison."""
    if report.kind not in ("T1", "T2") or report.period_end.month == 12:
        return []
    own = _MONTHS[report.period_end.month - 1]
    out = []
    for where in _texts(report):
        for match in _PERIOD.finditer(where.text):
            month = next(i for i, m in enumerate(_MONTHS) if m.startswith((match["to"] or match["upto"]).lower()[:3]))
            if month > report.period_end.month - 1 - _TERTIAL or (match["year"] and int(match["year"]) != report.year):
                continue  # within the report's own tertial (statistics to the month before), a plan's later months, another year
            start = max(where.text.rfind(".", 0, match.start()), where.text.rfind("\n", 0, match.start())) + 1
            end = re.search(r"[.!?\n]|$", where.text[match.end():]).start() + match.end()
            if _COMPARES.search(where.text[start:end]):
                continue
            out.append(narrative_finding("narrative_period_word", where, match[0], expected=f"januari–{own} {report.year}"))
    return out
