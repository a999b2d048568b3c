"""AP-2 (UH 19.3.2): the last day to lodge an internal appeal, appeals/rules.py lodge_by."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from appeals.rules import lodge_by
from config.calendar import belgian_holidays, holidays_around, is_working_day

BE = belgian_holidays(2026, 2028)


def test_ap2_seven_calendar_days_from_the_day_after():
    # Proclaimed Friday 9 July 2027: day 1 is Saturday 10 July, day 7 is Friday 16 July.
    assert lodge_by(date(2027, 7, 9), BE) == date(2027, 7, 16)


def test_ap2_a_seventh_day_on_saturday_moves_to_monday():
    # Notified Saturday 3 July 2027: the seventh day is Saturday 10 July -> Monday 12 July.
    assert lodge_by(date(2027, 7, 3), BE) == date(2027, 7, 12)


def test_ap2_a_seventh_day_on_sunday_moves_to_monday():
    assert lodge_by(date(2027, 7, 4), BE) == date(2027, 7, 12)


def test_ap2_a_seventh_day_on_a_public_holiday_moves_to_the_next_working_day():
    # 21 July 2027 (Belgian national day) is a Wednesday: notified on 14 July -> Thursday 22 July.
    assert date(2027, 7, 21) in BE
    assert lodge_by(date(2027, 7, 14), BE) == date(2027, 7, 22)


def test_ap2_holiday_then_weekend():
    # Friday 1 November 2024 (All Saints): notified 25 October 2024 -> Monday 4 November.
    assert lodge_by(date(2024, 10, 25), belgian_holidays(2024)) == date(2024, 11, 4)


def test_ap2_christmas_and_boxing_day():
    # 25 December 2026 is a Friday (holiday), 26-27 the weekend: notified on 18 December -> Monday 28 December.
    assert lodge_by(date(2026, 12, 18), BE) == date(2026, 12, 28)


def test_ap2_holidays_are_an_argument():
    assert lodge_by(date(2027, 7, 9), frozenset({date(2027, 7, 16)})) == date(2027, 7, 19)


@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)))
def test_ap2_property_never_shorter_than_seven_days_and_ends_on_a_working_day(notified):
    holidays = holidays_around(notified)
    last = lodge_by(notified, holidays)
    assert last >= notified + timedelta(days=7)
    assert is_working_day(last, holidays)
    # Every day between the seventh and the last one is a weekend day or a holiday.
    day = notified + timedelta(days=7)
    while day < last:
        assert not is_working_day(day, holidays)
        day += timedelta(days=1)
