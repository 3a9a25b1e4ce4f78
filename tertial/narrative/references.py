"""References: every "bilaga N" in the decisions and texts names a bilaga the report lists."""

from __future__ import annotations

import re

from tertial.findings import Finding
from tertial.narrative.phrases import FLAGS
from tertial.narrative.places import all_blocks, decision_places, goal_place, narrative_finding, text_place
from tertial.report import Report, walk_goals

_ATTACHMENT = re.compile(r"\bbilaga (\d+)\b", FLAGS)


def check_attachments(report: Report) -> list[Finding]:
    """Every 'bilaga N' in the decisions and texts refers to a bilaga the report lists."""
    listed = len(report.attachments)
    places = decision_places(report)
    places += [text_place(b) for b in all_blocks(report)] + [goal_place(g) for g in walk_goals(report.goals)]
    findings = []
    for where in places:
        for match in _ATTACHMENT.finditer(where.text):
            if not 1 <= int(match.group(1)) <= listed:
                findings.append(narrative_finding("narrative_attachment", where, match.group(0), expected=str(listed)))
    return findings
