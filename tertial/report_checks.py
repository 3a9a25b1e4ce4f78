"""The checks of an assembled report: its texts against its data, and its economy tables against each other.

Their findings go to the controller's kontroller.txt, not to a contributor's feedback.
"""

from __future__ import annotations

from tertial.economy_checks import (check_fund_withdrawal, check_internal_eliminations, check_investment_requests,
                                     check_revenue_cost_net)
from tertial.findings import Finding
from tertial.narrative.adjustments import check_adjustments
from tertial.narrative.amounts import check_amounts, check_fund_texts, check_investment_text, check_turnover
from tertial.narrative.assessment import check_assessment_words
from tertial.narrative.economy_texts import check_economy_texts
from tertial.narrative.cross_references import check_cross_references
from tertial.narrative.counts import check_goal_counts, check_text_counts
from tertial.narrative.goal_basis import check_goal_basis
from tertial.narrative.references import check_attachments
from tertial.narrative.row_numbers import check_period_words, check_row_numbers
from tertial.narrative.row_comments import check_row_comments
from tertial.report import Report
from tertial.signs import Signs


def check_report(report: Report, signs: Signs | None = None) -> list[Finding]:
    """Every finding for the report: counts, assessment words, amounts, bilagor, then the economy tables (their
    comments read through the profile's sign convention, `signs`; none: the catalogue's)."""
    return (check_goal_counts(report) + check_text_counts(report) + check_assessment_words(report)
            + check_amounts(report) + check_attachments(report) + check_turnover(report) + check_adjustments(report)
            + check_fund_withdrawal(report) + check_revenue_cost_net(report) + check_row_comments(report, signs)
            + check_economy_texts(report) + check_cross_references(report)
            + check_goal_basis(report) + check_row_numbers(report) + check_period_words(report)
            + check_investment_text(report) + check_fund_texts(report) + check_investment_requests(report)
            + check_internal_eliminations(report))
