"""Narrative consistency: numbers and counts written in free texts, checked against the data.

Published reports often say "Av nämndens 27 mål" where there are 25 nämndmål, or "ett överskott
om 15,0 mnkr" where the table says otherwise. The texts are typed by hand; the data is not. Here
we read the few phrase shapes that state a count, an assessment or an amount, and compare them
with the report model. The parsing is deliberately narrow: a phrase we do not understand is
skipped, because a false alarm teaches contributors to ignore the warnings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from os.path import commonprefix

from tertial.economy import TOLERANCE
from tertial.findings import Finding, Severity
from tertial.messages import message
from tertial.numbers import NumberParseError, format_number, format_signed_mnkr, parse_quantity
from tertial.report import BudgetRequest, EconomyLine, EconomySection, EconomyTable, GoalSection, Report, TextBlock, text_of, walk_goals
from tertial.vocabulary import Assessment, ReportKind
from tertial.wording import NUMBER_WORDS, number_word

# The rule ids this module emits; tests/test_rules_and_layers.py only scans tasks/ and flows/.
RULES = ("narrative_indicator_count", "narrative_goal_count", "narrative_amount", "narrative_assessment_word",
         "narrative_attachment", "narrative_turnover", "narrative_adjustment", "narrative_fund_withdrawal",
         "narrative_revenue_cost_net")

_FLAGS = re.IGNORECASE
_NUMBER_WORDS = {word: n for n, word in enumerate(NUMBER_WORDS)} | {"ett": 1}
# Longest first so "tretton" is not read as "tre"; \b on both sides keeps "en" from matching inside words.
_NUM = r"(?:\d+|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_ALL = r"(?:samtliga|alla)"
_VERB = r"(?:uppfylls|uppfyllas|uppnås|nås)"
_DEGREES = {"helt": Assessment.HELT.value, "delvis": Assessment.DELVIS.value, "inte": Assessment.INTE.value}


# --- places: where a text sits, so a finding can name it ---------------------------------------


@dataclass(frozen=True)
class Place:
    """A free text and where it lives in the report."""

    text: str
    place: str  # "Analysen för mål 1.3", "Texten 'Sammanfattning'"
    item_id: str
    item_name: str
    sheet: str
    column: str


def _goal_place(goal: GoalSection) -> Place:
    return Place(goal.analysis, f"Analysen för mål {goal.number}", goal.number, goal.title, "Mål", "Analys")


def _text_place(block: TextBlock) -> Place:
    return Place(text_of(block), f"Texten '{block.title}'", block.key, block.title, "Texter", "Text")


def _finding(rule_id: str, where: Place, value: str, severity: Severity = Severity.WARNING, **values: str) -> Finding:
    return Finding(
        rule_id=rule_id, severity=severity, message=message(rule_id, place=where.place, value=value, **values),
        sheet=where.sheet, column=where.column, item_id=where.item_id, item_name=where.item_name, value=value,
    )


# --- count claims: "tre av sex indikatorer bedöms uppfyllas helt och två delvis" -----------------


@dataclass(frozen=True)
class Part:
    count: int | None  # None: all of them ("samtliga", "alla", "De fem nämndmålen bedöms …")
    degree: str  # "helt", "delvis" or "inte"


@dataclass(frozen=True)
class Claim:
    phrase: str
    total: int | None  # None when the text does not say how many there are
    parts: tuple[Part, ...]
    reportwide: bool  # "nämndens 27 mål": the whole nämnd, wherever the sentence stands


@dataclass(frozen=True)
class Noun:
    rule_id: str
    pattern: str
    singular: str
    plural: str
    neuter: bool  # "ett nämndmål" but "en indikator"
    level: int  # the goal level counted; 0 for indicators


INDICATORS = Noun("narrative_indicator_count", r"indikatorer(?:na)?", "indikator", "indikatorer", False, 0)
NAMNDMAL = Noun("narrative_goal_count", r"nämndmål(?:en)?|mål(?:en)?(?!\s+för\s+verksamhetsområde)", "nämndmål", "nämndmål", True, 3)
AREA_GOALS = Noun("narrative_goal_count", r"mål(?:en)?\s+för\s+verksamhetsområde(?:t|na|n)?|verksamhetsområdesmål(?:en)?",
                  "mål för verksamhetsområdet", "mål för verksamhetsområdet", True, 2)
DIRECTION_GOALS = Noun("narrative_goal_count", r"inriktningsmål(?:en)?", "inriktningsmål", "inriktningsmål", True, 1)

# The words that make a number the whole count: "De fem", "nämndens 27", "samtliga sex", "tre av sex".
_LEAD = r"de|nämndens|kommunfullmäktiges|totalt|sammanlagt|nämnden\s+har|målet\s+har"
_HEAD = (rf"\b(?:(?P<n>{_NUM}|{_ALL})\s+av\s+(?:de\s+|nämndens\s+)?|(?P<all>{_ALL})\s+(?:de\s+)?|(?P<lead>{_LEAD})\s+)?"
         rf"(?:(?P<m>{_NUM})\s+)?(?P<noun>{{noun}})\b")
_STATUS = re.compile(
    rf"\s+(?:(?:bedöms|kommer\s+att)\s+)?(?:(?P<n>{_NUM}|{_ALL})\s+)?(?:(?P<neg>inte)\s+)?(?:kommer\s+att\s+)?"
    rf"{_VERB}\b(?:\s+(?P<deg>helt|delvis|inte)\b)?", _FLAGS)
# A qualifier right after the noun narrows the count to a subset we cannot identify.
_RESTRICTED = re.compile(r"\s+(?:som|om|inom|för|under|i|med|kring|avseende|rörande|utom)\b", _FLAGS)
_TAIL = re.compile(
    rf"(?:\s*,\s*|\s+och\s+)(?P<n>{_NUM})\s+(?:(?:bedöms|kommer\s+att)\s+)?(?:(?P<neg>inte)\s+)?"
    rf"(?:{_VERB}\b\s*)?(?P<deg>\b(?:helt|delvis|inte)\b)?", _FLAGS)


def _count(word: str | None) -> int | None:
    """'sex' → 6, '27' → 27; 'samtliga'/'alla' → None (all of them)."""
    if word is None or word.lower() in ("samtliga", "alla"):
        return None
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


def _degree(match: re.Match) -> str | None:
    """The stated degree; None when absent or ambiguous ("inte helt" can be delvis or inte)."""
    deg, neg = match["deg"], match["neg"]
    if neg and deg:
        return None
    return (deg or neg or "").lower() or None


def _status_parts(text: str, pos: int) -> tuple[str | None, list[tuple[str | None, str]], int]:
    """After the noun: (count word of the first status, [(count word, degree)…], end position)."""
    first = _STATUS.match(text, pos)
    if not first or _degree(first) is None:
        return None, [], pos
    parts, end = [(first["n"], _degree(first))], first.end()
    while (tail := _TAIL.match(text, end)) and _degree(tail):
        parts.append((tail["n"], _degree(tail)))
        end = tail.end()
    return first["n"], parts, end


def claims(text: str, noun: Noun) -> Iterator[Claim]:
    """Every count claim about `noun` in the text, in the shapes the reports use."""
    for head in re.finditer(_HEAD.format(noun=noun.pattern), text, _FLAGS):
        reportwide = "nämnden" in head[0].lower()  # "nämndens 27 mål", "nämnden har 25 nämndmål"
        if noun is NAMNDMAL and not head["noun"].lower().startswith("nämnd") and "nämndens" not in head[0].lower():
            continue  # a bare "mål" is a nämndmål only as "nämndens N mål"
        claim = _claim(text, head, reportwide)
        if claim is not None:
            yield claim


def _claim(text: str, head: re.Match, reportwide: bool) -> Claim | None:
    stated_total = bool(head["n"] or head["all"] or head["lead"])
    if head["m"] is None and not head["all"]:
        return None
    if stated_total and _RESTRICTED.match(text, head.end()):
        return None  # "de två indikatorerna som mäter trygghet": the total of a subset, not of the goal
    first_n, parts, end = _status_parts(text, head.end())
    if not stated_total and not parts:
        return None  # "två indikatorer saknar utfall": a number, but not a claim we can check
    lead_count = head["n"] if head["n"] else None if stated_total else head["m"]
    counts = [first_n or lead_count] + [n for n, _ in parts[1:]]
    return Claim(
        phrase=text[head.start():end].strip(), total=_count(head["m"]) if stated_total else None,
        parts=tuple(Part(_count(n), degree) for n, (_, degree) in zip(counts, parts)), reportwide=reportwide,
    )


# --- checking a count claim against one or more populations -------------------------------------


@dataclass(frozen=True)
class Scope:
    owner: str  # "målet", "nämnden", "inriktningsmål 1": who "has" the counted things
    statuses: tuple[str, ...]


def _holds(claim: Claim, scope: Scope) -> bool:
    total = len(scope.statuses)
    if claim.total is not None and claim.total != total:
        return False
    return all(scope.statuses.count(_DEGREES[p.degree]) == (total if p.count is None else p.count) for p in claim.parts)


def _actual(claim: Claim, scope: Scope, noun: Noun) -> str:
    """'tio indikatorer och tre av dem bedöms uppfyllas helt och sex delvis' from the data."""
    total = len(scope.statuses)
    head = f"{number_word(total, noun.neuter)} {noun.singular if total == 1 else noun.plural}"
    degrees = list(dict.fromkeys(p.degree for p in claim.parts))
    if not degrees:
        return head
    counts = [scope.statuses.count(_DEGREES[d]) for d in degrees]
    said = [_how_many(n, noun) for n in counts]
    rest = [f"{n} {d}" for n, d in zip(said[1:], degrees[1:])]
    tail = "".join(f" och {r}" if i == len(rest) - 1 else f", {r}" for i, r in enumerate(rest))
    verb = "inte uppfyllas" if degrees[0] == "inte" else f"uppfyllas {degrees[0]}"
    first = "samtliga" if counts[0] == total > 1 else f"{said[0]} av dem"
    return f"{head} och {first} bedöms {verb}{tail}"


def _how_many(n: int, noun: Noun) -> str:
    """'ingen'/'inget' reads better than 'noll av dem'."""
    return ("inget" if noun.neuter else "ingen") if n == 0 else number_word(n, noun.neuter)


def _check_claims(where: Place, noun: Noun, scopes_of: Callable[[Claim], list[Scope]]) -> list[Finding]:
    """One finding per claim that no scope bears out; the first scope is the one we name."""
    out = []
    for claim in claims(where.text, noun):
        scopes = scopes_of(claim)
        if not scopes or any(_holds(claim, s) for s in scopes):
            continue
        out.append(_finding(noun.rule_id, where, claim.phrase, scope=scopes[0].owner, expected=_actual(claim, scopes[0], noun)))
    return out


def _statuses(goals: list[GoalSection], level: int) -> tuple[str, ...]:
    return tuple(g.assessment for g in goals if g.level == level)


def _indicator_statuses(goals: list[GoalSection]) -> tuple[str, ...]:
    return tuple(i.status for g in goals for i in g.indicators)


def _reportwide(report: Report, noun: Noun) -> Scope:
    goals = list(walk_goals(report.goals))
    return Scope("nämnden", _indicator_statuses(goals) if noun is INDICATORS else _statuses(goals, noun.level))


def _goal_scopes(report: Report, goal: GoalSection, noun: Noun, claim: Claim) -> list[Scope]:
    """What a count in goal's own analysis may refer to; first the reading we name in the message."""
    below = list(walk_goals(goal.children))
    if noun is INDICATORS:
        # A level-1 or level-2 analysis may count the indicators of the whole branch.
        direct, branch = Scope("målet", _indicator_statuses([goal])), Scope("målet", _indicator_statuses([goal, *below]))
        return [direct, branch] if direct.statuses else [branch, direct]
    if noun is DIRECTION_GOALS:
        return [_reportwide(report, noun)]
    if noun is AREA_GOALS:
        return [Scope("målet", _statuses(goal.children, 2))] if goal.level == 1 else []
    if goal.level == 3:
        return [_reportwide(report, noun)] if claim.reportwide else []
    under = Scope("målet", _statuses(below, 3))
    return [_reportwide(report, noun), under] if claim.reportwide else [under]


def _block_scopes(report: Report, goal: GoalSection | None, noun: Noun, claim: Claim) -> list[Scope]:
    """Counts in the Sammanfattning (goal None) or in one inriktningsmål's sammanfattande analys."""
    if goal is None or noun is DIRECTION_GOALS or claim.reportwide:
        return [_reportwide(report, noun)]
    branch = list(walk_goals([goal]))
    owner = f"inriktningsmål {goal.number}"
    if noun is INDICATORS:
        return [Scope(owner, _indicator_statuses(branch))]
    return [Scope(owner, _statuses(branch, noun.level))]


_NOUNS = (INDICATORS, NAMNDMAL, AREA_GOALS, DIRECTION_GOALS)


def check_goal_counts(report: Report) -> list[Finding]:
    out = []
    for goal in walk_goals(report.goals):
        for noun in _NOUNS:
            out += _check_claims(_goal_place(goal), noun, partial(_goal_scopes, report, goal, noun))
    return out


def check_text_counts(report: Report) -> list[Finding]:
    by_number = {g.number: g for g in report.goals}
    blocks = [(report.summary, None)] + [(b, by_number.get(s.number)) for s in report.summary_analysis for b in (s.positive, s.challenges)]
    out = []
    for block, goal in blocks:
        for noun in _NOUNS:
            out += _check_claims(_text_place(block), noun, partial(_block_scopes, report, goal, noun))
    return out


# --- assessment words: "nämndmålet kommer att uppfyllas delvis" vs the goal's Bedömning ----------

# Only the goal itself as subject, never "indikatorerna"; the lookbehind keeps "årsmålet" and "KF-målet" out.
_SUBJECT = r"(?<![-\w])(?P<subject>målet\s+för\s+verksamhetsområdet|nämndmålet|inriktningsmålet|målet)"
_FILLER = (r"(?:(?:bedöms|beräknas|förväntas|väntas|kommer|att|kunna|bli|vara|är|blir|därmed|också|ändå|"
           r"sammantaget|fortfarande|inte|helt|delvis)\s+){0,5}")
_ASSESSMENT = re.compile(
    rf"{_SUBJECT}\s+(?P<pre>{_FILLER})(?:{_VERB}|uppfyllt|uppnått|nått)\b(?P<post>(?:\s+(?:helt|delvis|inte|fullt\s+ut)\b)*)",
    _FLAGS)
_OWN_SUBJECTS = {1: {"målet", "inriktningsmålet"}, 2: {"målet", "målet för verksamhetsområdet"}, 3: {"målet", "nämndmålet"}}
_CONDITIONAL = re.compile(r"\b(?:om|ifall|när|innan|tills)\s+$", _FLAGS)  # "om målet nås helt" is no assessment


def _allowed(words: str) -> set[str] | None:
    """The assessments a phrase allows; None when it states no degree or an unclear one."""
    has = {w for w in ("helt", "delvis", "inte") if re.search(rf"\b{w}\b", words)} | ({"helt"} if "fullt ut" in words else set())
    if has == {"inte", "helt"}:
        return {Assessment.DELVIS.value, Assessment.INTE.value}
    return {_DEGREES[has.pop()]} if len(has) == 1 else None


def check_assessment_words(report: Report) -> list[Finding]:
    out = []
    for goal in walk_goals(report.goals):
        if goal.assessment not in _DEGREES.values():
            continue
        for match in _ASSESSMENT.finditer(goal.analysis):
            subject = " ".join(match["subject"].lower().split())
            allowed = _allowed(f"{match['pre']} {match['post']}".lower())
            if subject not in _OWN_SUBJECTS.get(goal.level, {"målet"}) or allowed is None or goal.assessment in allowed:
                continue
            if _CONDITIONAL.search(goal.analysis[:match.start()]):
                continue
            out.append(_finding("narrative_assessment_word", _goal_place(goal), match[0], Severity.ERROR, expected=goal.assessment))
    return out


# --- amounts: "ett underskott på 6,5 mnkr före resultatöverföringar" vs the operations table -----

# "85,6 mnkr", "1 150 miljoner kronor": the amount phrase every amount check reads.
_MNKR = r"(?P<amount>[−-]?\s?\d+(?:[ \u00a0\u202f]\d{3})*(?:[,.]\d+)?)\s*(?:mnkr|miljoner\s+kronor)\b"
_AMOUNT = re.compile(rf"\b(?:ett\s+)?(?P<kind>överskott|underskott)(?:et)?\s+(?:om|med|på)\s+{_MNKR}", _FLAGS)
_TRANSFER = re.compile(r"\b(före|efter)\s+resultatöverföring(?:ar|en|arna)?\b", _FLAGS)
_CLAUSE_END = re.compile(r"[.;:]\s|[;:]|,\s|\s(?:och|men)\s")


def _transfer(text: str, start: int, end: int) -> str | None:
    """'före' or 'efter' resultatöverföringar, said in the same clause as the amount; None if unsaid."""
    after = text[end:]
    stop = _CLAUSE_END.search(after)
    found = _TRANSFER.search(after[: stop.start() if stop else len(after)])
    if found:
        return found[1].lower()
    before = text[:start]
    cut = max((m.end() for m in _CLAUSE_END.finditer(before)), default=0)
    said = _TRANSFER.findall(before[cut:])
    return said[-1].lower() if said else None


def _figures(line: EconomyLine, kind: ReportKind) -> dict[str, Decimal | None]:
    """Deviation before and after resultatöverföringar, as the table's columns define them."""
    v = line.values
    if not kind.is_tertial:
        return {"före": v.get("deviation"), "efter": v.get("adjusted")}
    spent = v.get("forecast_before")
    available = sum((v.get(k) or Decimal(0) for k in ("budget", "requested", "performance")), Decimal(0))
    return {"före": None if spent is None else available - spent, "efter": v.get("deviation")}


def _candidates(lines: list[EconomyLine], kind: ReportKind, transfer: str | None) -> list[Decimal]:
    keys = [transfer] if transfer else ["efter", "före"]
    return [f for line in lines for key in keys if (f := _figures(line, kind)[key]) is not None]


def _stated_amount(match: re.Match) -> Decimal | None:
    """The amount of a phrase matched with _MNKR; None when it is not a number after all."""
    try:
        quantity = parse_quantity(match["amount"])
    except NumberParseError:
        return None
    return None if quantity is None else quantity.value


def _claimed(match: re.Match) -> Decimal | None:
    amount = _stated_amount(match)
    if amount is None:
        return None
    return abs(amount) if match["kind"].lower() == "överskott" else -abs(amount)


def _check_amounts(where: Place, primary: EconomyLine, others: list[EconomyLine], scope: str, kind: ReportKind) -> list[Finding]:
    """Each amount must match the primary line; a match with a related line (a varav row) also passes."""
    out = []
    for match in _AMOUNT.finditer(where.text):
        claimed, transfer = _claimed(match), _transfer(where.text, match.start(), match.end())
        named = _candidates([primary], kind, transfer)
        if claimed is None or not named or any(abs(claimed - f) <= TOLERANCE for f in named + _candidates(others, kind, transfer)):
            continue
        said = f"{scope} ({transfer} resultatöverföringar)" if transfer else scope
        out.append(_finding("narrative_amount", where, match[0], scope=said, expected=format_signed_mnkr(named[0])))
    return out


def _area_lines(table: EconomyTable, area_id: str) -> list[EconomyLine]:
    """The area's row followed by its varav and additive rows, which come right after it."""
    start = next((i for i, r in enumerate(table.rows) if r.id == area_id), None)
    if start is None:
        return []
    rest = table.rows[start + 1:]
    end = next((i for i, r in enumerate(rest) if r.row_type == "top"), len(rest))
    return [table.rows[start], *rest[:end]]


def check_amounts(report: Report) -> list[Finding]:
    table, kind = report.economy.operations, ReportKind(report.kind)
    if table is None or table.missing:
        return []
    out = []
    for block in [b for b in (report.economy.overview, report.summary) if b is not None]:
        out += _check_amounts(_text_place(block), table.total, table.rows, "driftbudgetens totalrad", kind)
    for block in report.economy.area_texts:
        lines = _area_lines(table, block.key.removeprefix("ekonomi:"))
        if lines:
            out += _check_amounts(_text_place(block), lines[0], lines[1:], f"raden '{lines[0].name}' i driftbudgeten", kind)
    return out


_ATTACHMENT = re.compile(r"\bbilaga (\d+)\b", _FLAGS)


def check_attachments(report: Report) -> list[Finding]:
    """Every 'bilaga N' in the decisions and texts refers to a bilaga the report lists."""
    listed = len(report.attachments)
    places = _decision_places(report)
    places += [_text_place(b) for b in _all_blocks(report)] + [_goal_place(g) for g in walk_goals(report.goals)]
    findings = []
    for where in places:
        for match in _ATTACHMENT.finditer(where.text):
            if not 1 <= int(match.group(1)) <= listed:
                findings.append(_finding("narrative_attachment", where, match.group(0), expected=str(listed)))
    return findings


def _all_blocks(report: Report) -> list[TextBlock]:
    economy = report.economy
    blocks = [report.summary, report.directives, *report.extra_sections, *report.special_reports, *economy.area_texts]
    blocks += [b for s in report.summary_analysis for b in (s.positive, s.challenges)]
    return blocks + [b for b in (economy.overview, economy.investment_text) if b]


# "anmäler omslutningsförändringar på sammanlagt 85,6 mnkr", "fastställer omslutningsförändringar om 85,6 mnkr"
_TURNOVER = re.compile(rf"\bomslutningsförändring(?:ar|en|arna)?\s+(?:på|om|med)\s+(?:sammanlagt\s+|totalt\s+)?{_MNKR}", _FLAGS)


def _decision_places(report: Report) -> list[Place]:
    return [Place(d, f"Beslutspunkt {i}", str(i), "Förslag till beslut", "Beslut", "Text") for i, d in enumerate(report.decisions, 1)]


def check_turnover(report: Report) -> list[Finding]:
    """An amount of omslutningsförändringar in a decision or a text equals the table's total (±0,1 mnkr)."""
    section = report.economy.turnover
    if section is None or section.missing:
        return []
    total = (section.table.total.values.get("amount") if section.table else None) or Decimal(0)
    findings = []
    for where in _decision_places(report) + [_text_place(b) for b in _all_blocks(report)]:
        for match in _TURNOVER.finditer(where.text):
            claimed = _stated_amount(match)
            if claimed is not None and abs(claimed - total) > TOLERANCE:
                findings.append(_finding("narrative_turnover", where, match[0], Severity.ERROR, expected=f"{format_number(total, 1)} mnkr"))
    return findings


# --- budget requests: "budgetjustering på 0,8 mnkr i investeringsmedel för en klimatinvestering" ----
#
# The rule (seed 004 §8 rule 25: beslut 3 says 0,8 mnkr for the klimatinvestering, the body 1,0): a decision
# point that states the amount of a budgetjustering or ombudgetering must state the amount of the request it
# names. The phrase shapes read are "budgetjustering(ar) på|om|med|av X mnkr" (also ombudgetering) and
# "X mnkr i budgetjustering". The request is the one whose Rubrik words occur most often in the words around
# the amount (word stems, so "klimatinvestering" names "Klimatinvesteringar"); a tie names none. With no Rubrik
# word at all, a stated kind ("i driftmedel", "investeringsmedel") names the request when it is the only one
# of that kind. "sammanlagt"/"totalt" compares with the sum of the requests (of the stated kind, if any).
# Decision points only: free texts list requests in too many shapes to read without false alarms.

ADJUSTMENT_TOLERANCE = Decimal("0.05")  # both amounts are written with one decimal: they must be equal
_NOUN = r"(?:budgetjustering|ombudgetering)(?:ar|en|arna)?"
_ADJUSTMENT_SHAPES = (
    re.compile(rf"\b{_NOUN}\s+(?:på|om|med|av)\s+(?P<total>(?:sammanlagt|totalt)\s+)?{_MNKR}", _FLAGS),
    re.compile(rf"(?<![\d,.])(?P<total>(?:sammanlagt|totalt)\s+)?{_MNKR}\s+i\s+{_NOUN}\b", _FLAGS),
)
_MONEY_KIND = re.compile(r"\b(drift|investering)(?:s?medel|en|ar|arna)?\b", _FLAGS)
_WORD = re.compile(r"\w+")
# Words every request and decision share: they say nothing about which request is meant.
_GENERIC = ("investering", "drift", "budget", "ombudget", "medel", "nämnd", "kommunstyrelse", "mnkr", "enligt",
            "bilaga", "till", "från", "inom", "samt", "eller", "avser", "ansök", "begär")


def _content_words(text: str) -> set[str]:
    words = {w.lower() for w in _WORD.findall(text) if len(w) >= 4 and not w.isdigit()}
    return {w for w in words if not w.startswith(_GENERIC)}


def _same_stem(a: str, b: str) -> bool:
    """'klimatinvestering' ~ 'klimatinvesteringar', 'lokala' ~ 'lokalt': a shared prefix up to a short ending."""
    return len(commonprefix([a, b])) >= max(4, min(len(a), len(b)) - 3)


def _named_requests(window: str, requests: list[BudgetRequest]) -> list[BudgetRequest]:
    """The request(s) the words around an amount name: best Rubrik-word score, else the only one of the kind."""
    kinds = {k.lower() for k in _MONEY_KIND.findall(window)}
    fitting = [r for r in requests if len(kinds) != 1 or r.kind in kinds]
    words = _content_words(window)
    scores = [(sum(any(_same_stem(t, w) for w in words) for t in _content_words(r.title)), r) for r in fitting]
    best = max((s for s, _ in scores), default=0)
    if best:
        return [r for s, r in scores if s == best]
    return fitting if len(kinds) == 1 and len(fitting) == 1 else []


def _adjustment_matches(text: str) -> list[tuple[re.Match, str]]:
    """Each amount phrase with its window: from the phrase to the next one (the first also takes the text
    before it), so two amounts in one decision point are read apart: "… 0,2 mnkr för X och … 0,5 mnkr för Y"."""
    found = sorted((m for shape in _ADJUSTMENT_SHAPES for m in shape.finditer(text)), key=lambda m: m.start())
    out = []
    for i, match in enumerate(found):
        start = match.start() if i else 0
        end = found[i + 1].start() if i + 1 < len(found) else len(text)
        out.append((match, text[start:end]))
    return out


def _stated_against(match: re.Match, window: str, section: EconomySection) -> tuple[str, Decimal] | None:
    """(who, amount) the phrase must agree with; None when it names no single request."""
    if match["total"]:
        kinds = {k.lower() for k in _MONEY_KIND.findall(window)}
        chosen = [r for r in section.requests if len(kinds) != 1 or r.kind in kinds]
        said = f" i {'driftmedel' if 'drift' in kinds else 'investeringsmedel'}" if len(kinds) == 1 else ""
        total = sum((r.amount for r in chosen), Decimal(0))
        return f"begärandena{said} under {section.title} gäller sammanlagt", total
    named = _named_requests(window, section.requests)
    if len(named) != 1:
        return None
    return f"begäran '{named[0].heading}' under {section.title} gäller", named[0].amount


def check_adjustments(report: Report) -> list[Finding]:
    """A budgetjustering or ombudgetering amount in a decision point equals the request it names (±0,05 mnkr)."""
    section = report.economy.adjustments
    if section is None or section.missing or not section.requests:
        return []
    findings = []
    for where in _decision_places(report):
        for match, window in _adjustment_matches(where.text):
            against, claimed = _stated_against(match, window, section), _stated_amount(match)
            if against is None or claimed is None or abs(claimed - against[1]) <= ADJUSTMENT_TOLERANCE:
                continue
            findings.append(_finding("narrative_adjustment", where, match[0].strip(), Severity.ERROR,
                                     scope=against[0], expected=f"{format_number(against[1], 1)} mnkr"))
    return findings


def _fund_movement(report: Report) -> tuple[Decimal, str] | None:
    """What the operations table says the funds give or take, in mnkr, and which columns say it."""
    operations = report.economy.operations
    if operations is None or operations.missing:
        return None
    totals = operations.total.values
    if report.kind == ReportKind.VB.value:
        transfer = totals.get("transfer")
        return None if transfer is None else (transfer, "Resultatöverföring")
    before, after = totals.get("forecast_before"), totals.get("forecast_after")
    return None if before is None or after is None else (before - after, "Prognos före − Prognos efter resultatöverföringar")


def check_fund_withdrawal(report: Report) -> list[Finding]:
    """Σ Resultat of the resultatenheter (tkr) is what the operations table moves through the funds (mnkr, ±0,1).

    Seed 004 fails it: the units' results sum to 7 437 tkr while the table and the texts take 6,5 mnkr.
    """
    units, movement = report.economy.result_units, _fund_movement(report)
    if units is None or units.missing or units.table is None or not units.table.rows or movement is None:
        return []
    result = (units.table.total.values.get("result") or Decimal(0)) / 1000
    expected, columns = movement
    if abs(result - expected) <= TOLERANCE:
        return []
    where = Place("", "Tabellen Resultatenheter", "resultatenheter", units.title, "Resultatenheter", "Resultat")
    shown = f"{format_number(result, 1)} mnkr"
    return [_finding("narrative_fund_withdrawal", where, shown, Severity.ERROR,
                     expected=f"{format_number(expected, 1)} mnkr", scope=columns)]


def check_revenue_cost_net(report: Report) -> list[Finding]:
    """The VB's Netto in Intäkts- och kostnadsutveckling is the operations table's total, for both years (±0,1 mnkr).

    Both state the net cost: seed 002's resultaträkning (Netto 719,4) and its driftbudget agree. Last year's Netto is
    the driftbudget's Bokslut föregående år.
    """
    section, operations = report.economy.revenue_costs, report.economy.operations
    if section is None or section.missing or section.table is None or operations is None or operations.missing:
        return []
    headers = dict(operations.columns)
    findings = []
    for key, year in (("outcome", report.year), ("previous", report.year - 1)):
        net, total = section.table.total.values.get(key), operations.total.values.get(key)
        if net is None or total is None or abs(net - total) <= TOLERANCE:
            continue
        column = f"Utfall {year}"
        where = Place("", f"Tabellen {section.title}", section.key, section.title, "Intäkter och kostnader", f"{column} (mnkr)")
        findings.append(_finding("narrative_revenue_cost_net", where, f"{format_number(net, 1)} mnkr", Severity.ERROR,
                                 expected=f"{format_number(total, 1)} mnkr", scope=column, basis=headers.get(key, key)))
    return findings


def check_report(report: Report) -> list[Finding]:
    """Every narrative-consistency finding for the report: counts, assessment words, amounts, bilagor."""
    return (check_goal_counts(report) + check_text_counts(report) + check_assessment_words(report)
            + check_amounts(report) + check_attachments(report) + check_turnover(report) + check_adjustments(report)
            + check_fund_withdrawal(report) + check_revenue_cost_net(report))
