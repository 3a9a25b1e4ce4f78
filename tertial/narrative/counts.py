"""Count claims: "tre av sex indikatorer bedöms uppfyllas helt och två delvis", checked against the goals."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from tertial.findings import Finding
from tertial.narrative.phrases import DEGREES, FLAGS
from tertial.narrative.places import Place, goal_place, narrative_finding, text_place
from tertial.report import GoalSection, Report, walk_goals
from tertial.wording import NUMBER_WORDS, assessment_phrases, number_word

_NUMBER_WORDS = {word: n for n, word in enumerate(NUMBER_WORDS)} | {"ett": 1}
# Number words to hundra, as the reports spell them: "tjugotre", "fyrtioett", "hundra", "etthundra".
_UNITS = ["", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio"]
_TENS = {20: "tjugo", 30: "trettio", 40: "fyrtio", 50: "femtio", 60: "sextio", 70: "sjuttio", 80: "åttio", 90: "nittio"}
_NUMBER_WORDS |= {f"{ten}{unit}": n + i for n, ten in _TENS.items() for i, unit in enumerate(_UNITS)}
_NUMBER_WORDS |= {f"{ten}ett": n + 1 for n, ten in _TENS.items()} | {"hundra": 100, "etthundra": 100}
# Longest first so "tretton" is not read as "tre"; \b on both sides keeps "en" from matching inside words.
_NUM = r"(?:\d+|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_ALL = r"(?:samtliga|alla)"
# Present and perfect: "uppfylls", "har uppfyllts", "bedöms ha uppnåtts"; the auxiliaries are read around the count.
_VERB = r"(?:uppfylls|uppfyllas|uppnås|nås|uppfyllts|uppnåtts|nåtts)"
_AUX = r"(?:bedöms\s+ha|bedöms|kommer\s+att|har|ha)"


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
    ref: str | None = None  # "som är kopplade till …": "" for the text's own goal, a goal number, None when not said


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
AREA_GOALS = Noun("narrative_goal_count", r"mål(?:en)?\s+för\s+verksamhetsområde(?:t|na|n)?|verksamhetsområdesmål(?:en)?"
                  r"|mål(?:en)?(?!\s+för\s+verksamhetsområde)",  # the bare "mål" only as "KF:s mål" (see `claims`)
                  "mål för verksamhetsområdet", "mål för verksamhetsområdet", True, 2)
# The bare "mål" with a reference: "de mål som är kopplade till inriktningsmål 2" are that goal's own sub-goals.
CHILD_GOALS = Noun("narrative_goal_count", r"mål(?:en)?(?!\s+för\s+verksamhetsområde)", "mål", "mål", True, -1)
DIRECTION_GOALS = Noun("narrative_goal_count", r"inriktningsmål(?:en)?", "inriktningsmål", "inriktningsmål", True, 1)

# The words that make a number the whole count: "De fem", "nämndens 27", "samtliga sex", "tre av sex".
_LEAD = r"de|nämndens|kommunfullmäktiges|KF:s|totalt|sammanlagt|nämnden\s+har|målet\s+har"
_KF = r"(?:KF:s|kommunfullmäktiges)"
_HEAD = (rf"\b(?:(?P<n>{_NUM}|{_ALL})\s+av\s+(?:de\s+|nämndens\s+|(?P<kf>{_KF})\s+)?|(?P<all>{_ALL})\s+(?:de\s+)?|(?P<lead>{_LEAD})\s+)?"
         rf"(?:(?P<m>{_NUM})\s+)?(?P<noun>{{noun}})\b")
_STATUS = re.compile(
    rf"\s+(?:{_AUX}\s+)?(?:(?P<n>{_NUM}|{_ALL})\s+)?(?:(?P<neg>inte)\s+)?(?:{_AUX}\s+)?"
    rf"{_VERB}\b(?:\s+(?P<deg>helt|delvis|inte)\b)?", FLAGS)
# A qualifier right after the noun narrows the count to a subset we cannot identify.
_RESTRICTED = re.compile(r"\s+(?:som|om|inom|för|under|i|med|kring|avseende|rörande|utom)\b", FLAGS)
# The one subset we can identify: the goals that concern the förvaltning, which are the ones counted anyway.
_CONCERNED = re.compile(r"\s+som\s+berör\s+förvaltningen\b", FLAGS)
_TAIL = re.compile(
    rf"(?:\s*,\s*|\s+och\s+)(?P<n>{_NUM})\s+(?:{_AUX}\s+)?(?:(?P<neg>inte)\s+)?(?:{_AUX}\s+)?"
    rf"(?:{_VERB}\b\s*)?(?P<deg>\b(?:helt|delvis|inte)\b)?", FLAGS)
# A restrictive relative clause naming whose goals are counted: "de mål som är kopplade till inriktningsmål 2",
# "de tre nämndmål som hör till målet". Only these references are understood; any other "som …" still restricts.
_LINKED = re.compile(
    r"\s+som\s+(?:är\s+)?(?:kopplade|kopplat|knutna|knutet|hör|tillhör)\s+(?:till\s+)?"
    rf"(?:(?:inriktningsmål|mål|nämndmål)\s+(?P<num>\d+(?:\.\d+)*)(?![.,]?\d)|(?P<own>(?:detta|det\s+här)\s+mål|"
    rf"inriktningsmålet|målet|nämndmålet|verksamhetsområdet|{_KF}\s+mål\s+för\s+verksamhetsområdet))\b", FLAGS)


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


def _word_parts(text: str, pos: int, words: dict[str, str]) -> tuple[str | None, list[tuple[str | None, str]], int]:
    """Like `_status_parts`, in the plan's own assessment words: 'är tre uppfyllt, ett delvis uppfyllt och ett ej uppfyllt',
    'bedöms tre som uppfyllt och två som ej uppfyllt'. Longest word first, so 'delvis uppfyllt' is not read as 'uppfyllt'."""
    said = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    first = re.compile(rf"\s+(?:(?:bedöms|är|har\s+bedömts)\s+)?(?:(?P<n>{_NUM}|{_ALL})\s+)?(?:som\s+)?(?P<w>{said})\b", FLAGS)
    tail = re.compile(rf"(?:\s*,\s*|\s+och\s+)(?P<n>{_NUM})\s+(?:som\s+)?(?P<w>{said})\b", FLAGS)
    meaning = {w.lower(): m for w, m in words.items()}
    match = first.match(text, pos)
    if not match:
        return None, [], pos
    parts, end = [(match["n"], meaning[match["w"].lower()])], match.end()
    while more := tail.match(text, end):
        parts.append((more["n"], meaning[more["w"].lower()]))
        end = more.end()
    return match["n"], parts, end


def claims(text: str, noun: Noun, words: dict[str, str] | None = None) -> Iterator[Claim]:
    """Every count claim about `noun` in the text, in the shapes the reports use; with `words` (the plan's own
    assessment words and their meanings) also in those words."""
    for head in re.finditer(_HEAD.format(noun=noun.pattern), text, FLAGS):
        reportwide = "nämnden" in head[0].lower()  # "nämndens 27 mål", "nämnden har 25 nämndmål"
        said = head[0].lower()
        bare = not re.match(r"(?:nämnd|verksamhet)|mål\w*\s+för", head["noun"], FLAGS)
        kf = bool(re.search(_KF, said, FLAGS))
        if noun is NAMNDMAL and bare and ("nämndens" not in said or kf):
            continue  # a bare "mål" is a nämndmål only as "nämndens N mål"
        if noun is AREA_GOALS and bare and not kf:
            continue  # … and a KF area goal only as "KF:s mål", "ett av kommunfullmäktiges mål"
        if noun is CHILD_GOALS and (not _LINKED.match(text, head.end()) or "nämndens" in said or kf):
            continue  # … and a sub-goal only with the goal it belongs to
        claim = _claim(text, head, reportwide, words)
        if claim is not None:
            yield claim


def _claim(text: str, head: re.Match, reportwide: bool, words: dict[str, str] | None = None) -> Claim | None:
    stated_total = bool(head["n"] or head["all"] or head["lead"])
    linked = _LINKED.match(text, head.end())
    ref = None if linked is None else (linked["num"] or "")
    # "ett av KF:s mål bedöms …", "de mål som är kopplade till målet bedöms …": no total, but a count of parts
    after_av = re.search(r"\bav\s+$", text[:head.start()], FLAGS)  # "Av KF:s mål bedöms två …"
    partial_only = head["m"] is None and not head["all"] and (head["n"] or ((linked or after_av) and head["lead"]))
    if head["m"] is None and not head["all"] and not partial_only:
        return None
    concerned = _CONCERNED.match(text, head.end()) or linked
    if stated_total and not concerned and _RESTRICTED.match(text, head.end()):
        return None  # "de två indikatorerna som mäter trygghet": the total of a subset, not of the goal
    first_n, parts, end = _status_parts(text, concerned.end() if concerned else head.end())
    if not parts and words:
        first_n, parts, end = _word_parts(text, concerned.end() if concerned else head.end(), words)
    if (not stated_total or partial_only) and not parts:
        return None  # "två indikatorer saknar utfall": a number, but not a claim we can check
    lead_count = head["n"] if head["n"] else None if stated_total else head["m"]
    counts = [first_n or lead_count] + [n for n, _ in parts[1:]]
    total = None if partial_only else _count(head["m"]) if stated_total else None
    return Claim(
        phrase=text[head.start():end].strip(), total=total,
        parts=tuple(Part(_count(n), degree) for n, (_, degree) in zip(counts, parts)), reportwide=reportwide, ref=ref,
    )


# --- checking a count claim against one or more populations -------------------------------------


@dataclass(frozen=True)
class Scope:
    owner: str  # "målet", "nämnden", "inriktningsmål 1": who "has" the counted things
    statuses: tuple[str, ...]


def _holds(claim: Claim, scope: Scope) -> bool:
    if claim.parts and "" in scope.statuses:
        return True  # a layout without indicator status: how many are met cannot be checked
    total = len(scope.statuses)
    if claim.total is not None and claim.total != total:
        return False
    return all(scope.statuses.count(DEGREES[p.degree]) == (total if p.count is None else p.count) for p in claim.parts)


def _actual(claim: Claim, scope: Scope, noun: Noun, words: dict[str, str] | None = None) -> str:
    """'tio indikatorer och tre av dem bedöms uppfyllas helt och sex delvis' from the data; in the plan's own
    assessment words when it has them ('fem nämndmål och tre av dem bedöms som uppfyllt och två som ej uppfyllt')."""
    phrases = {degree: assessment_phrases(words or {})[DEGREES[degree]] for degree in DEGREES}
    total = len(scope.statuses)
    head = f"{number_word(total, noun.neuter)} {noun.singular if total == 1 else noun.plural}"
    degrees = list(dict.fromkeys(p.degree for p in claim.parts))
    if not degrees:
        return head
    counts = [scope.statuses.count(DEGREES[d]) for d in degrees]
    said = [_how_many(n, noun) for n in counts]
    rest = [f"{n} {phrases[d][1]}" for n, d in zip(said[1:], degrees[1:])]
    tail = "".join(f" och {r}" if i == len(rest) - 1 else f", {r}" for i, r in enumerate(rest))
    verb = "inte uppfyllas" if degrees[0] == "inte" else f"uppfyllas {degrees[0]}"
    verb = verb if phrases[degrees[0]][1] == degrees[0] else phrases[degrees[0]][0]
    first = "samtliga" if counts[0] == total > 1 else f"{said[0]} av dem"
    return f"{head} och {first} bedöms {verb}{tail}"


def _how_many(n: int, noun: Noun) -> str:
    """'ingen'/'inget' reads better than 'noll av dem'."""
    return ("inget" if noun.neuter else "ingen") if n == 0 else number_word(n, noun.neuter)


def _check_claims(where: Place, noun: Noun, scopes_of: Callable[[Claim], list[Scope]],
                  words: dict[str, str] | None = None, rule_id: str | None = None) -> list[Finding]:
    """One finding per claim that no scope bears out; the first scope is the one we name. `words`: the plan's own
    assessment words, for a count of goals."""
    out = []
    words = None if noun is INDICATORS else words
    for claim in claims(where.text, noun, words):
        scopes = scopes_of(claim)
        if not scopes or any(_holds(claim, s) for s in scopes):
            continue
        out.append(narrative_finding(rule_id or noun.rule_id, where, claim.phrase, scope=scopes[0].owner,
                                     expected=_actual(claim, scopes[0], noun, words)))
    return out


def _statuses(goals: list[GoalSection], level: int) -> tuple[str, ...]:
    """The assessments a count sentence counts: goals without one, or outside the förvaltning, are not counted."""
    return tuple(g.assessment for g in goals if g.level == level and g.counted)


def _indicator_statuses(goals: list[GoalSection]) -> tuple[str, ...]:
    """The statuses a count of indicators counts: one not followed up this period is not counted."""
    return tuple(i.status for g in goals for i in g.indicators if not i.not_followed_up)


def _reportwide(report: Report, noun: Noun) -> Scope:
    goals = list(walk_goals(report.goals))
    return Scope("nämnden", _indicator_statuses(goals) if noun is INDICATORS else _statuses(goals, noun.level))


def _linked_scopes(report: Report, own: GoalSection | None, noun: Noun, claim: Claim) -> list[Scope]:
    """The goals or indicators of the goal a relative clause names: the text's own goal, or one by its number."""
    goal = own if claim.ref == "" else next((g for g in walk_goals(report.goals) if g.number == claim.ref), None)
    if goal is None:
        return []  # a summary's "målet", or a number the plan does not have: nothing we can check against
    owner = "målet" if goal is own else f"mål {goal.number}"
    below = list(walk_goals(goal.children))
    if noun is INDICATORS:
        return [Scope(owner, _indicator_statuses([goal])), Scope(owner, _indicator_statuses([goal, *below]))]
    if noun is CHILD_GOALS:
        return [Scope(owner, tuple(g.assessment for g in goal.children if g.counted))]
    return [Scope(owner, _statuses(below, noun.level))] if noun.level > goal.level else []


def _goal_scopes(report: Report, goal: GoalSection, noun: Noun, claim: Claim) -> list[Scope]:
    """What a count in goal's own analysis may refer to; first the reading we name in the message."""
    if claim.ref is not None or noun is CHILD_GOALS:
        return _linked_scopes(report, goal, noun, claim)
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
    if claim.ref is not None or noun is CHILD_GOALS:
        return _linked_scopes(report, goal, noun, claim)
    if goal is None or noun is DIRECTION_GOALS or claim.reportwide:
        return [_reportwide(report, noun)]
    branch = list(walk_goals([goal]))
    owner = f"inriktningsmål {goal.number}"
    if noun is INDICATORS:
        return [Scope(owner, _indicator_statuses(branch))]
    return [Scope(owner, _statuses(branch, noun.level))]


_NOUNS = (INDICATORS, NAMNDMAL, AREA_GOALS, DIRECTION_GOALS, CHILD_GOALS)


def _canonical(report: Report) -> Report:
    """The report with each goal's assessment in the built-in words of what it means, so the plan's own words count."""
    values = {word: DEGREES[means] for word, means in report.assessment_words.items()}
    if not values:
        return report

    def canonical(goal: GoalSection) -> GoalSection:
        return goal.model_copy(update={"assessment": values.get(goal.assessment, goal.assessment),
                                       "children": [canonical(child) for child in goal.children]})

    return report.model_copy(update={"goals": [canonical(goal) for goal in report.goals]})


def check_goal_counts(report: Report) -> list[Finding]:
    out, report = [], _canonical(report)
    for goal in walk_goals(report.goals):
        for noun in _NOUNS:
            out += _check_claims(goal_place(goal), noun, partial(_goal_scopes, report, goal, noun), report.assessment_words)
    return out


def check_text_counts(report: Report) -> list[Finding]:
    report = _canonical(report)
    by_number = {g.number: g for g in report.goals}
    blocks = [(report.summary, None)] + [(b, by_number.get(s.number)) for s in report.summary_analysis for b in (s.positive, s.challenges)]
    out = []
    for block, goal in blocks:
        for noun in _NOUNS:
            out += _check_claims(text_place(block), noun, partial(_block_scopes, report, goal, noun), report.assessment_words)
    return out


def check_own_goal_counts(report: Report, complete: Callable[[GoalSection], bool], rule_id: str) -> list[Finding]:
    """At intake: the counts in the analyses of goals whose whole branch is in this report (`complete`), against that
    branch only. A count of the whole nämnd, or of a goal named by number, waits for the assembled report."""
    out, report = [], _canonical(report)

    def local(goal: GoalSection, noun: Noun, claim: Claim) -> list[Scope]:
        if claim.reportwide or (claim.ref or "") != "" or noun is DIRECTION_GOALS:
            return []
        return _goal_scopes(report, goal, noun, claim)

    for goal in walk_goals(report.goals):
        if complete(goal):
            for noun in _NOUNS:
                out += _check_claims(goal_place(goal), noun, partial(local, goal, noun), report.assessment_words, rule_id)
    return out
