"""The audit trail: every version and event of one contributor, or of the whole cycle, in order, in Swedish time.

Each entry names the person: a version's contributor as the cycle names them, the controller or attester who acted
(named with --by/--namn, or the signed-in user of `tertial serve`), and "tertial" for what the system did on its
own (a reminder it mailed, an assembly from the command line). The mail log is part of it: every mail Tertial sent,
with its recipients and subject.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from tertial.access import UNKNOWN_CONTRIBUTOR
from tertial.chain import as_utc
from tertial.cycle import Cycle
from tertial.deadlines import local_time, swedish_moment
from tertial.ledger import Event, Ledger, Version
from tertial.mail import read_note
from tertial.status import MAILS, EventKind
from tertial.wording import findings_count

MAIL_KINDS = {EventKind.HANDOUT: "utskick", EventKind.REMINDER: "påminnelse", EventKind.LATE_NOTICE: "förseningsbesked",
              EventKind.ESCALATION: "eskalering", EventKind.RETURN_MAIL: "återsändning", EventKind.FEEDBACK_MAIL: "återkoppling"}
ASSEMBLY = "sammanstallning"  # the assemble flow's event (tasks/ledger.py)


@dataclass(frozen=True)
class Entry:
    """One line of the trail: when, what kind, whose part ("" for the whole cycle), who, what, and its particulars."""

    at: dt.datetime
    kind: str
    contributor_id: str
    who: str
    what: str
    details: dict = field(default_factory=dict)

    def line(self) -> str:
        whose = f" [{self.contributor_id}]" if self.contributor_id else ""
        return f"{local_time(self.at)}{whose} {self.who}: {self.what}"

    def to_dict(self) -> dict:
        return {"tid": swedish_moment(self.at).isoformat(timespec="seconds"), "handelse": self.kind,
                "bidragsgivare": self.contributor_id or None, "vem": self.who, "beskrivning": self.what, **self.details}


def history(cycle: Cycle, ledger: Ledger, contributor_id: str | None = None) -> list[Entry]:
    """Every version and event of the contributor (or the whole cycle), oldest first."""
    cycle_id = cycle.config.id
    versions = [(v.received_at, 0, v.id, _version(cycle, v)) for v in ledger.versions(cycle_id, contributor_id)]
    events = [(e.at, 1, e.id, _event(e)) for e in ledger.events(cycle_id, contributor_id)]
    return [entry for *_, entry in sorted(versions + events, key=lambda item: (as_utc(item[0]), *item[1:3]))]


def _version(cycle: Cycle, version: Version) -> Entry:
    known = version.contributor_id != UNKNOWN_CONTRIBUTOR
    who = cycle.contributor(version.contributor_id).responsible if known else "okänd avsändare"
    result = findings_count(version.errors, version.warnings)
    return Entry(version.received_at, "version", version.contributor_id, who,
                 f"version {version.number} ({version.original_name}) mottagen: {version.status} ({result})",
                 {"version": version.number, "fil": version.original_name, "sha256": version.sha256,
                  "resultat": str(version.status), "fel": version.errors, "varningar": version.warnings})


def _event(event: Event) -> Entry:
    def entry(kind: str, what: str, **details) -> Entry:
        return Entry(event.at, kind, event.contributor_id, event.actor, what, details)

    if event.kind == EventKind.APPROVED:
        return entry("godkannande", f"granskade och godkände version {event.version}", version=event.version)
    if event.kind == EventKind.RETURNED:
        return entry("atersandning", f"återsände version {event.version}: ”{event.comment}”", version=event.version,
                     kommentar=event.comment)
    if event.kind in MAILS:
        recipients, subject = read_note(event.comment)
        slag = MAIL_KINDS[EventKind(event.kind)]
        about = {"version": event.version} if event.version is not None else {}  # feedback and returns name theirs
        return entry("e-brev", f"e-brev ({slag}) till {', '.join(recipients)}: {subject}", slag=slag, till=recipients,
                     amne=subject, **about)
    if event.kind == EventKind.ATTESTED:
        content = json.loads(event.comment)["innehall"]
        return entry("attest", f"attesterade rapporten (innehåll {content[:12]})", innehall=content)
    if event.kind == ASSEMBLY:
        return _assembly(event)
    if event.kind == EventKind.DRAFT_ASSEMBLED:
        return entry("utkast", "sammanställde ett utkast i webbappen", filer=json.loads(event.comment)["files"])
    if event.kind == EventKind.SIGNED_IN:
        return entry("inloggning", "loggade in")
    if event.kind == EventKind.REMINDERS_SENT:
        return entry("paminnelser", f"skickade påminnelser i webbappen: {event.comment}")
    return entry(event.kind, event.comment)


def _assembly(event: Event) -> Entry:
    recorded = json.loads(event.comment)
    files = recorded.get("filer", recorded)  # a ledger from before the standing was recorded holds the files alone
    draft = recorded.get("utkast")
    standing = "ett utkast" if draft else ("den slutliga rapporten" if draft is False else "rapporten")
    return Entry(event.at, "sammanstallning", "", event.actor, f"sammanställde {standing} ({len(files)} filer)",
                 {"utkast": draft, "innehall": recorded.get("innehall"), "filer": files})
