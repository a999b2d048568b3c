"""Internal appeals (rules.md section 7; UH 19-20) as pure functions: dates come in, no clock, no ORM.

The holidays are a plain set of dates; the shell passes ``config.calendar.holidays_around(day)``.
"""

from __future__ import annotations

from datetime import date, timedelta

from config.calendar import next_working_day_from

APPEAL_DAYS = 7  # AP-2 / UH 19.3.2: seven calendar days


def lodge_by(notified_on: date, holidays: frozenset[date], days: int = APPEAL_DAYS) -> date:
    """AP-2 (UH 19.3.2): the last day to lodge an internal appeal.

    The seven calendar days start the day after the proclamation (exam decisions) or the notification (other
    study-progress decisions): day 1 is ``notified_on`` + 1, the last day ``notified_on`` + 7. When that
    seventh day is a Saturday, Sunday or Belgian statutory public holiday, the period runs to the next working
    day. The text says "the next working day on which the postal services are open"; we take every weekday
    that is not a public holiday as such a day, which never shortens the window.
    """
    return next_working_day_from(notified_on + timedelta(days=days), holidays)


DECISION_DAYS = 20  # AP-7 / UH 19.4.3-5: twenty calendar days


def decide_by(received_on: date, days: int = DECISION_DAYS) -> date:
    """AP-7 (UH 19.4.3-5): the last day for the appeals committee's decision (or the notice of
    inadmissibility): twenty calendar days from the day after receipt, so day 20 is ``received_on`` + 20.
    The article gives no weekend extension for the committee's own deadline."""
    return received_on + timedelta(days=days)


def in_time(postmarked_on: date, last_day: date) -> bool:
    """AP-3 (UH 19.3.3): the postmark is the appeal's date; it is in time on or before the last day of AP-2."""
    return postmarked_on <= last_day
