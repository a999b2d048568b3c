"""AP-2 acceptance (UH 19.3.2) over academic year 2026-2027: the last day to lodge an internal appeal.

Every expected date is worked out by hand in the table (day 7 = the day of proclamation or notification + 7; a
seventh day on a Saturday, Sunday or Belgian public holiday moves to the next working day), never by the function
under test. The holidays come from the shell's maintained calendar (``config.calendar.holidays_around``, the
``holidays`` package), as in production.

The Belgian public holidays of the academic year (14 September 2026 - 12 September 2027), with their weekdays:
All Saints Sun 1 Nov 2026, Armistice Wed 11 Nov 2026, Christmas Fri 25 Dec 2026, New Year Fri 1 Jan 2027,
Easter Sunday 28 Mar / Easter Monday Mon 29 Mar 2027, Labour Day Sat 1 May 2027, Ascension Thu 6 May 2027,
Whit Sunday 16 May / Whit Monday Mon 17 May 2027, National Day Wed 21 Jul 2027, Assumption Sun 15 Aug 2027.
"""

from datetime import date

import pytest

from appeals import rules
from config.calendar import holidays_around

# (case, proclaimed or notified on, expected last day to lodge)
TABLE = [
    # An ordinary week: day 7 is a working day and stays.
    ("ordinary week, Monday to Monday", date(2027, 2, 1), date(2027, 2, 8)),
    ("ordinary week, Wednesday to Wednesday", date(2027, 1, 20), date(2027, 1, 27)),
    ("ordinary week, Friday to Friday", date(2027, 6, 25), date(2027, 7, 2)),
    ("day 7 the eve of Ascension stays", date(2027, 4, 28), date(2027, 5, 5)),
    # A seventh day on a Saturday or a Sunday: the next Monday.
    ("day 7 on Saturday 14 Nov 2026 -> Monday 16 Nov", date(2026, 11, 7), date(2026, 11, 16)),
    ("day 7 on Saturday 20 Feb 2027 -> Monday 22 Feb", date(2027, 2, 13), date(2027, 2, 22)),
    ("day 7 on Sunday 14 Feb 2027 -> Monday 15 Feb", date(2027, 2, 7), date(2027, 2, 15)),
    ("day 7 on Sunday 11 Jul 2027 -> Monday 12 Jul", date(2027, 7, 4), date(2027, 7, 12)),
    # A seventh day on each public holiday of the year.
    ("All Saints, Sunday 1 Nov 2026 -> Monday 2 Nov", date(2026, 10, 25), date(2026, 11, 2)),
    ("Armistice, Wednesday 11 Nov 2026 -> Thursday 12 Nov", date(2026, 11, 4), date(2026, 11, 12)),
    ("Christmas, Friday 25 Dec 2026 -> past the weekend, Monday 28 Dec", date(2026, 12, 18), date(2026, 12, 28)),
    ("New Year, Friday 1 Jan 2027 -> past the weekend, Monday 4 Jan", date(2026, 12, 25), date(2027, 1, 4)),
    ("Easter Monday, 29 Mar 2027 -> Tuesday 30 Mar", date(2027, 3, 22), date(2027, 3, 30)),
    ("Labour Day, Saturday 1 May 2027 -> Monday 3 May", date(2027, 4, 24), date(2027, 5, 3)),
    ("Ascension, Thursday 6 May 2027 -> Friday 7 May", date(2027, 4, 29), date(2027, 5, 7)),
    ("Whit Monday, 17 May 2027 -> Tuesday 18 May", date(2027, 5, 10), date(2027, 5, 18)),
    ("National Day, Wednesday 21 Jul 2027 -> Thursday 22 Jul", date(2027, 7, 14), date(2027, 7, 22)),
    ("Assumption, Sunday 15 Aug 2027 -> Monday 16 Aug", date(2027, 8, 8), date(2027, 8, 16)),
    # A weekend followed by a holiday: the extension runs on over both.
    ("Saturday 27 Mar, Easter Sunday, Easter Monday -> Tuesday 30 Mar", date(2027, 3, 20), date(2027, 3, 30)),
    ("Saturday 15 May, Whit Sunday, Whit Monday -> Tuesday 18 May", date(2027, 5, 8), date(2027, 5, 18)),
    ("Saturday 31 Oct, All Saints on Sunday -> Monday 2 Nov", date(2026, 10, 24), date(2026, 11, 2)),
    ("Saturday 26 Dec after Christmas -> Monday 28 Dec", date(2026, 12, 19), date(2026, 12, 28)),
    ("Saturday 2 Jan after New Year -> Monday 4 Jan", date(2026, 12, 26), date(2027, 1, 4)),
]


@pytest.mark.parametrize(("case", "notified_on", "expected"), TABLE, ids=[row[0] for row in TABLE])
def test_ap2_lodge_by_over_2026_2027(case, notified_on, expected):
    assert rules.lodge_by(notified_on, holidays_around(notified_on)) == expected


def test_ap2_the_table_covers_every_public_holiday_of_the_academic_year():
    """The table's holidays are the calendar's: a seventh day falls on each one."""
    start, end = date(2026, 9, 14), date(2027, 9, 12)
    calendar = {d for d in holidays_around(start) | holidays_around(end) if start <= d <= end}
    sevenths = {notified.toordinal() + 7 for _, notified, _ in TABLE}
    weekday_or_named = {d for d in calendar if d.toordinal() in sevenths}
    # Easter Sunday and Whit Sunday are Sundays: covered by the weekend cases.
    assert calendar - weekday_or_named == {date(2027, 3, 28), date(2027, 5, 16)}
    assert calendar == {date(2026, 11, 1), date(2026, 11, 11), date(2026, 12, 25), date(2027, 1, 1),
                        date(2027, 3, 28), date(2027, 3, 29), date(2027, 5, 1), date(2027, 5, 6), date(2027, 5, 16),
                        date(2027, 5, 17), date(2027, 7, 21), date(2027, 8, 15)}


@pytest.mark.parametrize(("case", "notified_on", "expected"), TABLE, ids=[row[0] for row in TABLE])
def test_ap3_postmark_on_the_last_day_is_in_time_the_day_after_is_late(case, notified_on, expected):
    assert rules.in_time(expected, expected) is True
    assert rules.in_time(date.fromordinal(expected.toordinal() + 1), expected) is False
