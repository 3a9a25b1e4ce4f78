"""What the pages of `tertial serve` show of a recorded version, and the headers every response carries: shared by
the contributor's pages (app.py) and the controller's (controller.py, drafts.py)."""

from __future__ import annotations

from dataclasses import dataclass

from tertial.accepted import archived_copy
from tertial.checking.addresses import with_cells
from tertial.cycle import Cycle
from tertial.deadlines import local_time
from tertial.errors import TertialError
from tertial.findings import Finding
from tertial.ledger import Version
from tertial.reading import read_submission

# On every response: no script but the app's own file (nothing inline), no framing, no third-party anything, and
# the link (the credential) never leaves in a Referer.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}


def attachment(name: str) -> dict[str, str]:
    """The headers of a download: saved under `name`, never shown in the page."""
    return {**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}


def located(version: Version, findings: list[Finding], cycle: Cycle) -> list[Finding]:
    """A recorded version's findings with their cell addresses, which the ledger does not keep: the archived
    original is read back (re-hashed first) for where each header stands, as intake saw it."""
    try:
        layouts = read_submission(archived_copy(version), cycle).layouts
    except TertialError:  # unreadable or changed: its findings name sheet, row and column all the same
        return findings
    return with_cells(findings, layouts)


@dataclass(frozen=True)
class ShownVersion:
    number: int
    file: str
    received: str
    accepted: bool
    status: str
    errors: int
    warnings: int


def shown(version: Version) -> ShownVersion:
    return ShownVersion(version.number, version.original_name, local_time(version.received_at), version.accepted,
                        str(version.status), version.errors, version.warnings)
