"""A goal's assessment against its own indicators and activities.

A goal's assessment is a judgement, not a roll-up (seed 004: 1.3 "Uppfylls helt" with three of ten indicators
met, and its analysis says so). What a careful reader still questions is the judgement nobody explains: a goal
"uppfylls helt" while none of its own indicators meets its target and neither their analyses nor the goal's mention it,
or a goal "uppfylls inte" while every one of its indicators is met and no activity reports a deviation.

Left out: goals outside the förvaltning (never counted), goals without an assessment, indicators not followed up
this period, and indicators without a status (a layout without statuses: nothing to compare).
"""

from __future__ import annotations

import re

from tertial.findings import Finding
from tertial.narrative.phrases import DEGREES, FLAGS
from tertial.narrative.places import goal_place, narrative_finding
from tertial.report import GoalSection, IndicatorRow, Report, walk_goals
from tertial.vocabulary import ActivityStatus, IndicatorStatus

_MISSED = (IndicatorStatus.DELVIS.value, IndicatorStatus.INTE.value)
# The goal's analysis speaks of an indicator that is not met: "indikatorn bedöms uppfyllas delvis", "tre av tio
# indikatorer uppfylls helt och sex delvis", "årsmålet nås inte". One sentence, so a passing mention elsewhere does not count.
_EXPLAINS = re.compile(r"(?:indikator|årsmål|målvärde|målnivå)[^.!?]*\b(?:delvis|inte|ej|inga|ingen|under|lägre|högre|fler|färre)\b"
                       r"|\b(?:delvis|inte|ej)\b[^.!?]*(?:indikator|årsmål|målvärde|målnivå)", FLAGS)


def _meaning(goal: GoalSection, words: dict[str, str]) -> str | None:
    """'helt', 'delvis' or 'inte' for the goal's assessment, in the built-in or the plan's own words."""
    if goal.assessment in words:
        return words[goal.assessment]
    return next((degree for degree, value in DEGREES.items() if value == goal.assessment), None)


def _judged(goal: GoalSection) -> list[IndicatorRow]:
    """The goal's own indicators that have a status to compare: followed up, and judged helt, delvis or inte."""
    statuses = (IndicatorStatus.HELT.value, *_MISSED)
    return [i for i in goal.indicators if not i.not_followed_up and i.status in statuses]


def _names(rows: list[IndicatorRow]) -> str:
    return ", ".join(f"'{i.name}'" for i in rows)


def check_goal_basis(report: Report) -> list[Finding]:
    out = []
    for goal in walk_goals(report.goals):
        if not goal.counted or not goal.assessed:
            continue
        meaning, judged = _meaning(goal, report.assessment_words), _judged(goal)
        if not judged:
            continue
        if meaning == "helt":
            missed = [i for i in judged if i.status in _MISSED]
            unexplained = [i for i in missed if not i.analysis.strip()]
            if len(missed) == len(judged) and unexplained and not _EXPLAINS.search(goal.analysis):
                out.append(narrative_finding("narrative_goal_basis", goal_place(goal), goal.assessment,
                                             expected=f"indikatorn eller indikatorerna {_names(unexplained)} inte når sina mål"))
        elif meaning == "inte":
            deviating = [a for a in goal.activities if a.deviation.strip() or a.status in
                         (ActivityStatus.EJ_PABORJAD.value, ActivityStatus.AVBRUTEN.value)]
            if all(i.status == IndicatorStatus.HELT.value for i in judged) and not deviating:
                out.append(narrative_finding("narrative_goal_basis", goal_place(goal), goal.assessment,
                                             expected=f"alla dess indikatorer ({_names(judged)}) når sina mål och ingen aktivitet avviker"))
    return out
