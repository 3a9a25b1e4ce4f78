"""One calendar (.ics) per contributor: its deadline and the nämnd's meeting."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event

from tertial.cycle import Cycle


def _event(uid: str, day: dt.date, summary: str, description: str, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    return event


def contributor_calendar(cycle: Cycle, contributor_id: str) -> bytes:
    """All-day events; the stamp is fixed by the cycle so the same cycle gives the same bytes."""
    cfg, contributor = cycle.config, cycle.contributor(contributor_id)
    stamp = dt.datetime.combine(cfg.period_end, dt.time(), tzinfo=dt.UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//Tertial//Rapportcykel//SV")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{cycle.title} – {contributor.avdelning}")
    events = [
        (f"{cfg.id}-{contributor_id}-inlamning", cycle.deadline(contributor_id), f"Sista dag för underlag: {cycle.title}",
         f"{contributor.avdelning} lämnar sitt underlag till {cfg.prepared_by}. Ansvarig: {contributor.responsible}."),
        (f"{cfg.id}-attest", cfg.attest_date, f"Attest: {cycle.title}", "Förvaltningsledningen attesterar rapporten."),
        (f"{cfg.id}-namnd", cfg.meeting_date, f"Nämndsammanträde: {cfg.namnd}", f"Nämnden behandlar {cycle.title}."),
    ]
    for uid, day, summary, description in events:
        calendar.add_component(_event(f"{uid}@tertial", day, summary, description, stamp))
    return calendar.to_ical()
