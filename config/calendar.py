"""Calendar arithmetic for the dated rules: working days and the Belgian public holidays.

The rules take the holidays as a plain ``frozenset`` of dates (pure, testable with any calendar); the
shell gets them from :func:`belgian_holidays`, which reads the maintained ``holidays`` package, never a
hand-written list.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache


@lru_cache(maxsize=64)
def belgian_holidays(first_year: int, last_year: int | None = None) -> frozenset[date]:
    """The Belgian public holidays of these calendar years (inclusive)."""
    import holidays

    years = range(first_year, (last_year or first_year) + 1)
    return frozenset(holidays.country_holidays("BE", years=years).keys())


def holidays_around(day: date) -> frozenset[date]:
    """The holidays of the year of ``day`` and the next, enough for any deadline of the regulations."""
    return belgian_holidays(day.year - 1, day.year + 1)


def is_working_day(day: date, holidays: frozenset[date]) -> bool:
    """Monday to Friday and not a public holiday."""
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, n: int, holidays: frozenset[date]) -> date:
    """The ``n``-th working day after ``start`` (``start`` itself not counted); ``n`` = 0 gives ``start``."""
    day = start
    while n > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            n -= 1
    return day


def next_working_day_from(day: date, holidays: frozenset[date]) -> date:
    """``day`` itself when it is a working day, else the first working day after it (a deadline that falls
    on a Saturday, Sunday or holiday moves to the next working day)."""
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    return day
