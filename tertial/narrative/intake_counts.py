"""Count sentences at intake: a contributor's goal analysis that miscounts its own indicators or sub-goals.

The assembled report's check (`narrative_goal_count`, `narrative_indicator_count`) sees every text against every
goal; at intake only the contributor's own part is known. So a goal is checked here only when its whole branch
(its sub-goals and their indicators) is the contributor's, and a count of the whole nämnd waits for the report.
The finding goes to the text's owner, at the goal's Analys cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from tertial.accepted import Accepted
from tertial.assembly import build_report
from tertial.cycle import Cycle
from tertial.findings import Finding, Verdict
from tertial.ledger import Version
from tertial.narrative.counts import check_own_goal_counts
from tertial.report import GoalSection, walk_goals
from tertial.submission import Submission, sheets_for

RULE = "goal_analysis_count"


def intake_count_findings(submission: Submission, cycle: Cycle) -> list[Finding]:
    """The own goals' count sentences against the submission's own assessments and indicator statuses."""
    frame = submission.frames.get("goals")
    if frame is None or frame.empty:
        return []
    version = Version(id=0, cycle_id=submission.cycle_id, contributor_id=submission.contributor_id, number=0, sha256="",
                      original_name=submission.file, archive_path="", received_at=dt.datetime.min, status=Verdict.ACCEPTED,
                      errors=0, warnings=0)
    try:
        report = build_report(cycle, {submission.contributor_id: Accepted(submission, version)})
    except Exception:  # noqa: BLE001 - an advisory check never stops intake; the file's own findings say what is wrong
        return []

    def complete(goal: GoalSection) -> bool:
        return all(not g.missing for g in walk_goals([goal]))

    id_column = sheets_for(cycle.config.kind, cycle.config.year, cycle.outline.economy)["goals"].id_column
    rows = {str(i): r for i, r in zip(frame[id_column], frame["_row"])}
    return [replace(f, row=int(rows[f.item_id]), file=submission.file)
            for f in check_own_goal_counts(report, complete, RULE) if f.item_id in rows]
