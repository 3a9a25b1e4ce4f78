"""The mails Tertial writes after an intake: feedback to the contributor, and the controller's notice of unknown senders."""

from __future__ import annotations

from pathlib import Path

from tertial.controls import escape_controls
from tertial.cycle import Cycle
from tertial.feedback.text import feedback_text
from tertial.findings import Finding, verdict
from tertial.ledger import Version
from tertial.mail import Mail


def feedback_mail(cycle: Cycle, version: Version, findings: list[Finding], attachments: list[Path]) -> Mail:
    contributor = cycle.contributor(version.contributor_id)
    subject = f"Återkoppling: {cycle.title} – {contributor.avdelning}, version {version.number} {verdict(findings)}"
    cc = (contributor.deputy_email,) if contributor.deputy_email else ()
    return Mail(to=(contributor.email,), cc=cc, subject=subject, body=feedback_text(cycle, version, findings),
                attachments=tuple(attachments))


def unknown_sender_mail(cycle: Cycle, refused: list[tuple[str, Finding]]) -> Mail | None:
    """The controller's notice of files no contributor can be named as the sender of (None without a controller's address).

    Nobody else is told: the file may name a contributor who never sent it. Its content is not attached.
    """
    controller = cycle.config.handlaggare.email
    if not controller or not refused:
        return None
    lines = [f"- {escape_controls(file)}: {finding.message}" for file, finding in refused]
    body = ("Dessa inlämningar kunde inte kopplas till någon bidragsgivare och har sparats som 'okand'. "
            "Ingen återkoppling har skickats till någon bidragsgivare, och ingen bidragsgivares läge har ändrats.\n\n"
            + "\n".join(lines) + "\n\nOriginalen finns i arkivet; se 'tertial history --contributor okand'.\n")
    return Mail(to=(controller,), subject=f"Inlämningar utan känd avsändare: {cycle.title}", body=body)
