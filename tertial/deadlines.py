"""Swedish working days: the arithmetic behind deadlines, reminders and lateness.

A working day is Monday–Friday and not a Swedish holiday. Besides the public holidays we
count midsommarafton, julafton and nyårsafton as holidays ("de facto" in the `holidays`
package): offices are closed, and a deadline on one of them would be met by nobody.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

from babel.dates import format_date

from tertial.settings import load_settings

# Categories present in every `holidays` release we allow; `de_facto` is added when the installed one has it.
_WANTED_CATEGORIES = ("public", "de_facto")


@cache
def _holidays(year: int) -> frozenset[dt.date]:
    import holidays  # its country tables load on first use: many commands never count working days

    supported = getattr(holidays.SE, "supported_categories", ("public",))
    categories = tuple(c for c in _WANTED_CATEGORIES if c in supported) or None
    days = holidays.country_holidays("SE", years=year, categories=categories)
    return frozenset(days)


def is_working_day(day: dt.date) -> bool:
    # Some releases list every Sunday as a holiday; the weekday test makes that irrelevant.
    return day.weekday() < 5 and day not in _holidays(day.year)


def previous_working_day(day: dt.date) -> dt.date:
    """`day` itself when it is a working day, else the closest working day before it."""
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def working_days_before(day: dt.date, count: int) -> dt.date:
    """The working day `count` working days before `day` (count 0: `day`, moved back if not a working day)."""
    if count < 0:
        raise ValueError("count must be zero or more")
    if count == 0:
        return previous_working_day(day)
    while count:
        day -= dt.timedelta(days=1)
        count -= is_working_day(day)
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end] — negative, counted in (end, start], when end is before start.

    From a deadline's point of view: 0 on the deadline, 1 the working day before it,
    -1 the first working day after it.
    """
    if end < start:
        return -working_days_between(end, start)
    return sum(is_working_day(start + dt.timedelta(days=n)) for n in range(1, (end - start).days + 1))


def days_left(deadline: dt.date, as_of: dt.date) -> int:
    """Working days left to the deadline; negative when late, and at least one day late once it has passed."""
    left = working_days_between(as_of, deadline)
    return min(left, -1) if as_of > deadline else left


def long_date(day: dt.date) -> str:
    """'fredag 17 maj 2024' — how a deadline is written to people."""
    return format_date(day, "EEEE d MMMM y", locale="sv_SE")


def today() -> dt.date:
    """Today in Sweden (TERTIAL_TIMEZONE), whatever the server's time zone: a day's reminders belong to the Swedish day."""
    return dt.datetime.now(ZoneInfo(load_settings().timezone)).date()


def swedish_moment(at: dt.datetime) -> dt.datetime:
    """A recorded moment in Swedish time (TERTIAL_TIMEZONE); the ledger keeps UTC (SQLite drops the zone: UTC)."""
    return at.replace(tzinfo=at.tzinfo or dt.UTC).astimezone(ZoneInfo(load_settings().timezone))


def local_time(at: dt.datetime) -> str:
    """A recorded moment in Swedish time, to the minute: how the ledger's moments are shown."""
    return swedish_moment(at).strftime("%Y-%m-%d %H:%M")


def days_text(days_left: int, delivered: bool = False) -> str:
    """'3 arbetsdagar kvar', 'sista dag i dag', '1 arbetsdag sent'; a delivered contributor is never late."""
    if days_left < 0 and delivered:
        return "sista dag har passerat"
    if days_left == 0:
        return "sista dag i dag"
    days = abs(days_left)
    unit = "arbetsdag" if days == 1 else "arbetsdagar"
    return f"{days} {unit} kvar" if days_left > 0 else f"{days} {unit} sent"
