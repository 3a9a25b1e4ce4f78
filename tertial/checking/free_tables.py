"""The checks of a submission's free tables: its Nyckeltal sheets and the Total driftbudget sheet."""

from __future__ import annotations

from tertial.cycle import Cycle
from tertial.findings import Finding, finding
from tertial.key_figures import TOTAL_BUDGET_SHEET, read_key_figures, read_total_budget
from tertial.submission import Submission


def free_table_findings(submission: Submission, cycle: Cycle) -> list[Finding]:
    """Each cell that cannot be printed as written, an unplaceable table, and a total that does not add up."""
    found: list[Finding] = []
    for sheet, table in submission.free_tables.items():
        if sheet == TOTAL_BUDGET_SHEET:
            if cycle.economy_owner != submission.contributor_id:
                found.append(finding("economy_sheet_not_owner", sheet=sheet, row=1, item_id=""))
                continue
            found += read_total_budget(sheet, table, cycle.plan.economy.unit)[1]
        else:
            found += read_key_figures(sheet, table, cycle.plan.economy.areas)[1]
    return found
