"""Assessment words: "nämndmålet kommer att uppfyllas delvis" against the goal's Bedömning."""

from __future__ import annotations

import re

from tertial.findings import Finding
from tertial.narrative.phrases import DEGREES, FLAGS, VERB
from tertial.narrative.places import goal_place, narrative_finding
from tertial.report import Report, walk_goals
from tertial.vocabulary import Assessment

# Only the goal itself as subject, never "indikatorerna"; the lookbehind keeps "årsmålet" and "KF-målet" out.
_SUBJECT = r"(?<![-\w])(?P<subject>målet\s+för\s+verksamhetsområdet|nämndmålet|inriktningsmålet|målet)"
_FILLER = (r"(?:(?:bedöms|beräknas|förväntas|väntas|kommer|att|kunna|bli|vara|är|blir|därmed|också|ändå|"
           r"sammantaget|fortfarande|inte|helt|delvis)\s+){0,5}")
_ASSESSMENT = re.compile(
    rf"{_SUBJECT}\s+(?P<pre>{_FILLER})(?:{VERB}|uppfyllt|uppnått|nått)\b(?P<post>(?:\s+(?:helt|delvis|inte|fullt\s+ut)\b)*)",
    FLAGS)
_OWN_SUBJECTS = {1: {"målet", "inriktningsmålet"}, 2: {"målet", "målet för verksamhetsområdet"}, 3: {"målet", "nämndmålet"}}
_CONDITIONAL = re.compile(r"\b(?:om|ifall|när|innan|tills)\s+$", FLAGS)  # "om målet nås helt" is no assessment


def _allowed(words: str) -> set[str] | None:
    """The assessments a phrase allows; None when it states no degree or an unclear one."""
    has = {w for w in ("helt", "delvis", "inte") if re.search(rf"\b{w}\b", words)} | ({"helt"} if "fullt ut" in words else set())
    if has == {"inte", "helt"}:
        return {Assessment.DELVIS.value, Assessment.INTE.value}
    return {DEGREES[has.pop()]} if len(has) == 1 else None


def check_assessment_words(report: Report) -> list[Finding]:
    out = []
    for goal in walk_goals(report.goals):
        if goal.assessment not in DEGREES.values():
            continue
        for match in _ASSESSMENT.finditer(goal.analysis):
            subject = " ".join(match["subject"].lower().split())
            allowed = _allowed(f"{match['pre']} {match['post']}".lower())
            if subject not in _OWN_SUBJECTS.get(goal.level, {"målet"}) or allowed is None or goal.assessment in allowed:
                continue
            if _CONDITIONAL.search(goal.analysis[:match.start()]):
                continue
            out.append(narrative_finding("narrative_assessment_word", goal_place(goal), match[0], expected=goal.assessment))
    return out
