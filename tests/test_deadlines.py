"""Deadlines in Swedish working days, with real Swedish holidays."""

import datetime as dt

import pytest
import yaml

from tertial.config import load_cycle
from tertial.deadlines import (
    days_left, is_working_day, long_date, previous_working_day, working_days_before, working_days_between,
)
from tertial.errors import ConfigError
from tests.conftest import MINI

D = dt.date


@pytest.mark.parametrize(("day", "count", "expected", "why"), [
    (D(2024, 5, 17), 0, D(2024, 5, 17), "the attest date itself"),
    (D(2024, 5, 17), 1, D(2024, 5, 16), "the day before"),
    (D(2024, 5, 17), 5, D(2024, 5, 10), "over a weekend; Kristi himmelsfärd 9 May is not reached"),
    (D(2024, 5, 17), 6, D(2024, 5, 8), "Kristi himmelsfärdsdag 9 May 2024 is skipped"),
    (D(2024, 5, 10), 1, D(2024, 5, 8), "from the klämdag over Kristi himmelsfärd"),
    (D(2024, 4, 2), 1, D(2024, 3, 28), "annandag påsk 1 April and långfredag 29 March are skipped"),
    (D(2024, 4, 3), 2, D(2024, 3, 28), "over the whole Easter weekend"),
    (D(2024, 6, 24), 1, D(2024, 6, 20), "midsommarafton 21 June is not a working day"),
    (D(2025, 6, 23), 1, D(2025, 6, 19), "midsommarafton 20 June 2025"),
    (D(2024, 6, 7), 1, D(2024, 6, 5), "nationaldagen 6 June"),
    (D(2024, 12, 27), 1, D(2024, 12, 23), "julafton, juldagen and annandag jul"),
    (D(2025, 5, 2), 1, D(2025, 4, 30), "första maj"),
    (D(2025, 6, 2), 2, D(2025, 5, 28), "Kristi himmelsfärd 29 May 2025 skipped, the Friday after counts"),
    (D(2024, 5, 19), 0, D(2024, 5, 17), "pingstdagen (a Sunday) moves back to Friday"),
])
def test_working_days_before(day, count, expected, why):
    assert working_days_before(day, count) == expected, why


@pytest.mark.parametrize(("day", "expected"), [
    (D(2024, 5, 9), D(2024, 5, 8)),     # Kristi himmelsfärdsdag → the Wednesday before
    (D(2024, 3, 31), D(2024, 3, 28)),   # påskdagen → skärtorsdagen
    (D(2024, 6, 21), D(2024, 6, 20)),   # midsommarafton → the Thursday
    (D(2025, 6, 21), D(2025, 6, 19)),   # midsommardagen (Saturday) → over midsommarafton
    (D(2025, 1, 6), D(2025, 1, 3)),     # trettondedag jul on a Monday → the Friday
    (D(2024, 5, 10), D(2024, 5, 10)),   # a klämdag is still a working day
])
def test_a_date_that_is_not_a_working_day_moves_to_the_one_before(day, expected):
    assert previous_working_day(day) == expected


@pytest.mark.parametrize(("day", "working"), [
    (D(2024, 5, 12), False),  # a Sunday, whether or not the calendar lists Sundays
    (D(2024, 5, 11), False),  # a Saturday
    (D(2024, 12, 31), False), # nyårsafton
    (D(2024, 5, 13), True),
])
def test_is_working_day(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(("start", "end", "expected"), [
    (D(2025, 5, 7), D(2025, 5, 7), 0),
    (D(2025, 5, 2), D(2025, 5, 7), 3),     # Mon, Tue, Wed
    (D(2025, 4, 28), D(2025, 5, 7), 6),    # första maj skipped
    (D(2025, 5, 8), D(2025, 5, 7), -1),    # from the day after the deadline back to it
    (D(2025, 5, 12), D(2025, 5, 7), -3),   # Thu, Fri, Mon
])
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected
    assert working_days_between(end, start) == -expected


def test_days_left_is_negative_from_the_first_day_after_the_deadline():
    friday = D(2025, 5, 9)
    assert days_left(friday, D(2025, 5, 8)) == 1
    assert days_left(friday, friday) == 0
    assert days_left(friday, D(2025, 5, 10)) == -1  # the Saturday after is late already
    assert days_left(friday, D(2025, 5, 12)) == -1
    assert days_left(friday, D(2025, 5, 14)) == -3


def test_long_swedish_date():
    assert long_date(D(2024, 5, 17)) == "fredag 17 maj 2024"


def _variant(tmp_path, cycle_changes=None, contributor_changes=None):
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data["plan"] = str(MINI.parent / "plan.yaml")
    data.update(cycle_changes or {})
    for contributor in data["contributors"]:
        contributor.update((contributor_changes or {}).get(contributor["id"], {}))
    data = {k: v for k, v in data.items() if v is not None}
    for contributor in data["contributors"]:
        for key in [k for k, v in contributor.items() if v is None]:
            del contributor[key]
    path = tmp_path / "cycle.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_cycle(path)


def test_the_mini_cycle_keeps_its_dates(mini_cycle):
    assert [mini_cycle.deadline(c) for c in ("stab", "barn", "aldre")] == [D(2025, 5, 7), D(2025, 5, 7), D(2025, 5, 5)]
    assert mini_cycle.config.reminder_working_days == [5, 1]
    assert mini_cycle.config.escalate_after_working_days == 2


def test_deadline_precedence(tmp_path):
    """Explicit date, then contributor offset, then cycle offset, then cycle date, then attest date (16 May 2025)."""
    cycle = _variant(tmp_path, {"deadline_working_days_before_attest": 3},
                     {"barn": {"deadline_working_days_before_attest": 1}, "aldre": {"deadline_working_days_before_attest": 8}})
    assert cycle.deadline("aldre") == D(2025, 5, 5)   # its own date wins over its own offset
    assert cycle.deadline("barn") == D(2025, 5, 15)   # its offset wins over the cycle's
    assert cycle.deadline("stab") == D(2025, 5, 13)   # the cycle's offset wins over the cycle's date (7 May)
    no_date = _variant(tmp_path, {"deadline": None}, {"aldre": {"deadline": None}})
    assert {no_date.deadline(c) for c in ("stab", "barn", "aldre")} == {D(2025, 5, 16)}


def test_a_deadline_on_kristi_himmelsfard_moves_to_the_day_before(tmp_path):
    cycle = _variant(tmp_path, {"attest_date": "2025-06-02", "meeting_date": "2025-06-10"},
                     {"barn": {"deadline": "2025-05-29"}, "aldre": {"deadline": None, "deadline_working_days_before_attest": 2}})
    assert cycle.deadline("barn") == D(2025, 5, 28)
    assert cycle.deadline("aldre") == D(2025, 5, 28)


def test_a_negative_offset_is_refused_in_swedish(tmp_path):
    with pytest.raises(ConfigError) as refused:
        _variant(tmp_path, {"deadline_working_days_before_attest": -1, "reminder_working_days": [5, -2]})
    message = refused.value.message_sv
    assert "deadline_working_days_before_attest: måste vara minst 0" in message
    assert "reminder_working_days[1]: måste vara minst 0" in message

