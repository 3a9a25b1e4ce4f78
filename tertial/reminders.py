"""Which reminders are due on a day, and their Swedish wording.

Three kinds, each with a key that names it once and for all (the ledger keeps one event
per key, so a mail is never sent twice):

- a reminder at each configured number of working days before the deadline
  (`reminder:<contributor>:<deadline>:<offset>`); a missed day is caught up, but only the
  most recent offset is sent, never a stale one;
- a notice on every working day after the deadline (`late:<contributor>:<deadline>:<day>`);
- one escalation to the avdelningschef and the controller once the submission is
  `escalate_after_working_days` working days late (`escalation:<contributor>:<deadline>`).

Only contributors without a usable version are reminded, and only on working days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from tertial.access import require_token_key
from tertial.cycle import Cycle
from tertial.deadlines import is_working_day, long_date, working_days_between
from tertial.ledger import Event, Ledger, Version
from tertial.mail import Mail
from tertial.settings import load_settings
from tertial.status import ContributorStatus, EventKind, Status
from tertial.web.links import handout_link


@dataclass(frozen=True)
class DueMail:
    key: str
    kind: EventKind
    contributor_id: str
    mail: Mail


@dataclass(frozen=True)
class Delivery:
    """One due mail and what became of it."""

    key: str
    kind: str
    contributor_id: str
    recipients: tuple[str, ...]
    subject: str
    sent: bool
    error: str | None = None


def due_mails(cycle: Cycle, statuses: list[ContributorStatus], as_of: dt.date,
              links: dict[str, str] | None = None) -> list[DueMail]:
    """Every mail due on `as_of`, sent or not; the caller skips the keys already recorded. `links`: each contributor's
    personal page, told in their own reminders and late notices (never in an escalation, which goes to others)."""
    if not is_working_day(as_of):
        return []
    due: list[DueMail] = []
    for status in statuses:
        if status.needs_submission:
            due += _due_for(cycle, status, as_of, (links or {}).get(status.contributor_id))
    return due


def unsent_mails(cycle: Cycle, ledger: Ledger, statuses: list[ContributorStatus], as_of: dt.date,
                 workdir: Path | None = None) -> list[DueMail]:
    """The mails due on `as_of` whose key the ledger has not recorded yet; each contributor's own mails carry the link to
    their page when the installation says where `tertial serve` is (TERTIAL_PUBLIC_URL; the key is looked up here)."""
    sent = {e.key for e in ledger.events(cycle.config.id)}
    links = personal_links(cycle, workdir) if workdir is not None else None
    return [item for item in due_mails(cycle, statuses, as_of, links) if item.key not in sent]


def personal_links(cycle: Cycle, workdir: Path) -> dict[str, str] | None:
    """Each contributor's page (the link printed in their workbook), when the installation says where `tertial serve`
    is (TERTIAL_PUBLIC_URL); None without it."""
    base_url = load_settings().public_url
    if not base_url:
        return None
    key = require_token_key(workdir)
    return {c.id: handout_link(key, cycle, workdir, c.id, base_url) for c in cycle.config.contributors}


def _due_for(cycle: Cycle, status: ContributorStatus, as_of: dt.date, link: str | None) -> list[DueMail]:
    who, deadline = status.contributor_id, status.deadline
    if as_of <= deadline:
        left = working_days_between(as_of, deadline)
        offsets = [k for k in cycle.config.reminder_working_days if k >= left]
        if not offsets:
            return []
        offset = min(offsets)
        return [DueMail(f"reminder:{who}:{deadline.isoformat()}:{offset}", EventKind.REMINDER, who,
                        reminder_mail(cycle, status, left, link))]
    late = working_days_between(deadline, as_of)
    due = [DueMail(f"late:{who}:{deadline.isoformat()}:{as_of.isoformat()}", EventKind.LATE_NOTICE, who,
                   late_mail(cycle, status, late, link))]
    escalation = escalation_mail(cycle, status, late)
    if late >= cycle.config.escalate_after_working_days and escalation is not None:
        due.append(DueMail(f"escalation:{who}:{deadline.isoformat()}", EventKind.ESCALATION, who, escalation))
    return due


def _contributor_recipients(cycle: Cycle, contributor_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    contributor = cycle.contributor(contributor_id)
    return (contributor.email,), ((contributor.deputy_email,) if contributor.deputy_email else ())


def what_is_missing(status: ContributorStatus) -> str:
    """One sentence on what the contributor has still to do."""
    if status.status is Status.RETURNED:
        return (f"Version {status.latest_version} återsändes av {status.reviewed_by} med kommentaren: "
                f"\"{status.comment}\". Skicka en rättad version.")
    if status.latest_version is not None and status.errors:
        return (f"Senaste versionen (version {status.latest_version}) har {status.errors} fel som måste rättas "
                "innan underlaget kan godkännas. Se återkopplingen och skicka en rättad version.")
    if status.latest_version is not None:
        return f"Version {status.latest_version} har tagits emot men inte godkänts ännu."
    return "Vi har inte fått något underlag från er ännu."


def scope(cycle: Cycle, contributor_id: str) -> str:
    """What the contributor's submission covers, in a short Swedish list."""
    parts = []
    goals = [_goal_name(cycle, goal_id) for goal_id in cycle.owned(contributor_id, cycle.goal_owner)]
    if goals:
        parts.append(f"mål {', '.join(goals)}")
    for owners, singular, plural in ((cycle.indicator_owner, "indikator", "indikatorer"),
                                     (cycle.activity_owner, "aktivitet", "aktiviteter"),
                                     (cycle.text_owner, "textavsnitt", "textavsnitt")):
        n = len(cycle.owned(contributor_id, owners))
        if n:
            parts.append(f"{n} {singular if n == 1 else plural}")
    if cycle.economy_owner == contributor_id:
        parts.append("ekonomitabellerna")
    return ", ".join(parts) or "inga delar"


def _goal_name(cycle: Cycle, goal_id: str) -> str:
    """A goal as the contributor knows it: its number, or its title in quotes when the plan prints no number."""
    goal = cycle.plan.goal(goal_id)
    return goal.number or f"”{goal.title}”"


def _body(cycle: Cycle, status: ContributorStatus, opening: str, greeting: str, link: str | None = None) -> str:
    lines = [
        greeting,
        "",
        opening,
        "",
        f"Rapport: {cycle.title}",
        f"Avdelning: {status.avdelning}",
        f"Sista dag: {long_date(status.deadline)}",
        f"Underlaget omfattar: {scope(cycle, status.contributor_id)}",
        *([f"Lämna in på din sida: {link}"] if link else []),
        "",
        f"Det här saknas: {what_is_missing(status)}",
        "",
        f"Frågor besvaras av {cycle.config.handlaggare.name}"
        + (f", {cycle.config.handlaggare.email}" if cycle.config.handlaggare.email else "") + ".",
        "",
        "Det här är ett automatiskt utskick från Tertial.",
    ]
    return "\n".join(lines)


def handout_mail(cycle: Cycle, contributor_id: str, workbook: Path, calendar: Path, link: str | None = None) -> DueMail:
    """The cycle's opening mail to a contributor (and deputy): the pre-filled workbook and the deadline as a calendar
    file attached, and where to hand in: their personal page when there is one, else the inbox by return mail."""
    contributor, deadline = cycle.contributor(contributor_id), cycle.deadline(contributor_id)
    where = (f"Lämna in på din sida: {link}" if link else
             "Lämna in genom att skicka den ifyllda arbetsboken till controllern eller lägga den i inkorgen.")
    body = "\n".join([
        f"Hej {contributor.responsible},", "",
        f"Nu öppnar arbetet med {cycle.title}. Din förifyllda arbetsbok och sista dagen som kalenderfil är bifogade.", "",
        f"Rapport: {cycle.title}", f"Avdelning: {contributor.avdelning}", f"Sista dag: {long_date(deadline)}",
        f"Underlaget omfattar: {scope(cycle, contributor_id)}", where, "",
        "Arbetsboken kontrolleras inom några sekunder när den lämnas in, och återkopplingen pekar ut cellen som ska rättas.", "",
        f"Frågor besvaras av {cycle.config.handlaggare.name}"
        + (f", {cycle.config.handlaggare.email}" if cycle.config.handlaggare.email else "") + ".", "",
        "Det här är ett automatiskt utskick från Tertial.",
    ])
    to, cc = _contributor_recipients(cycle, contributor_id)
    mail = Mail(to=to, cc=cc, subject=f"Underlag till {cycle.title} – sista dag {long_date(deadline)}", body=body,
                attachments=(workbook, calendar))
    return DueMail(f"{EventKind.HANDOUT.value}:{contributor_id}", EventKind.HANDOUT, contributor_id, mail)


def return_mail(cycle: Cycle, event: Event, link: str | None = None) -> Mail:
    """To the contributor and deputy at once: which version, who returned it, the comment, and where to hand in again
    (their page when there is one)."""
    who = cycle.contributor(event.contributor_id)
    again = f"Rätta och lämna in en ny version på din sida: {link}" if link else "Rätta och lämna in en ny version."
    body = "\n".join([
        f"Hej {who.responsible},", "",
        f"Version {event.version} av ert underlag till {cycle.title} har återsänts av {event.actor} med kommentaren:", "",
        event.comment, "", again, "",
        "Det här är ett automatiskt utskick från Tertial.",
    ])
    return Mail(to=(who.email,), cc=(who.deputy_email,) if who.deputy_email else (),
                subject=f"Återsänt underlag: {cycle.title} – {who.avdelning}", body=body)


def return_mail_sent(ledger: Ledger, returned: Event, mail: Mail, at: dt.datetime) -> None:
    """The return's mail in the ledger's mail log, once it has gone: on behalf of whoever returned the version."""
    kind = EventKind.RETURN_MAIL.value
    ledger.record_event(Event(cycle_id=returned.cycle_id, contributor_id=returned.contributor_id, kind=kind, at=at,
                              actor=returned.actor, key=f"{kind}:{returned.key}", comment=mail.note(),
                              version=returned.version))


def feedback_mail_sent(ledger: Ledger, version: Version, mail: Mail, at: dt.datetime) -> None:
    """A version's feedback mail in the ledger's mail log, once it has gone; Tertial sent it, nobody in person."""
    kind = EventKind.FEEDBACK_MAIL.value
    ledger.record_event(Event(cycle_id=version.cycle_id, contributor_id=version.contributor_id, kind=kind, at=at,
                              actor="tertial", key=f"{kind}:{version.cycle_id}:{version.contributor_id}:{version.number}",
                              comment=mail.note(), version=version.number))


def _greeting(cycle: Cycle, status: ContributorStatus) -> str:
    return f"Hej {cycle.contributor(status.contributor_id).responsible},"


def reminder_mail(cycle: Cycle, status: ContributorStatus, left: int, link: str | None = None) -> Mail:
    when = "i dag" if left == 0 else f"om {left} arbetsdag{'ar' if left != 1 else ''}"
    subject = f"Påminnelse: underlag till {cycle.title} – sista dag {long_date(status.deadline)}"
    opening = f"Sista dag att lämna underlaget till {cycle.title} är {long_date(status.deadline)}, {when}."
    to, cc = _contributor_recipients(cycle, status.contributor_id)
    return Mail(to=to, cc=cc, subject=subject, body=_body(cycle, status, opening, _greeting(cycle, status), link))


def late_mail(cycle: Cycle, status: ContributorStatus, late: int, link: str | None = None) -> Mail:
    subject = f"Försenat underlag: {cycle.title} – {status.avdelning}"
    opening = (f"Sista dag för underlaget till {cycle.title} var {long_date(status.deadline)}, "
               f"och det är nu {late} arbetsdag{'ar' if late != 1 else ''} sent. Skicka det så snart som möjligt.")
    to, cc = _contributor_recipients(cycle, status.contributor_id)
    return Mail(to=to, cc=cc, subject=subject, body=_body(cycle, status, opening, _greeting(cycle, status), link))


def escalation_mail(cycle: Cycle, status: ContributorStatus, late: int) -> Mail | None:
    """To the avdelningschef and the controller; None when the cycle names neither's e-mail."""
    chief = cycle.contributor(status.contributor_id).chief_email
    to = tuple(dict.fromkeys(a for a in (chief, cycle.config.handlaggare.email) if a))
    if not to:
        return None
    subject = f"Eskalering: underlag saknas från {status.avdelning} – {cycle.title}"
    opening = (f"Underlaget från {status.avdelning} till {cycle.title} är {late} arbetsdag{'ar' if late != 1 else ''} "
               f"sent (sista dag var {long_date(status.deadline)}). Det här meddelandet går till avdelningschefen "
               "och handläggaren.")
    return Mail(to=to, subject=subject, body=_body(cycle, status, opening, "Hej,"))
