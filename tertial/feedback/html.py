"""The feedback as an HTML page: the verdict, then every error and warning with where it is."""

from __future__ import annotations

from dataclasses import dataclass

from tertial.cycle import Cycle
from tertial.findings import Finding, Severity
from tertial.ledger import Version
from tertial.render.html import shared_environment


@dataclass(frozen=True)
class FeedbackContext:
    """Everything the HTML feedback shows for one submission version."""

    title: str
    avdelning: str
    file: str
    version: int
    accepted: bool
    errors: list[Finding]
    warnings: list[Finding]


def feedback_context(cycle: Cycle, version: Version, findings: list[Finding]) -> FeedbackContext:
    """The context for a recorded version; the verdict is the ledger's."""
    return FeedbackContext(
        title=cycle.title,
        avdelning=cycle.contributor(version.contributor_id).avdelning,
        file=version.original_name,
        version=version.number,
        accepted=version.accepted,
        errors=[f for f in findings if f.severity is Severity.ERROR],
        warnings=[f for f in findings if f.severity is Severity.WARNING],
    )


def feedback_html(context: FeedbackContext) -> str:
    return shared_environment().get_template("feedback.html.j2").render(feedback=context)
