"""Working days and Belgian public holidays (config/calendar.py), used by EX-3, IR-1 and AP-2."""

from datetime import date

from config.calendar import add_working_days, belgian_holidays, next_working_day_from

BE = belgian_holidays(2026, 2027)


def test_belgian_holidays_come_from_the_package():
    assert date(2026, 11, 11) in BE  # Armistice
    assert date(2026, 12, 25) in BE
    assert date(2027, 3, 29) in BE  # Easter Monday 2027
    assert date(2026, 11, 12) not in BE


def test_working_days_skip_weekends_and_holidays():
    # Monday 9 November 2026 + 5 working days: 10, 12 (11 is Armistice), 13, 16, 17.
    assert add_working_days(date(2026, 11, 9), 5, BE) == date(2026, 11, 17)
    assert add_working_days(date(2026, 11, 9), 0, BE) == date(2026, 11, 9)


def test_a_deadline_on_a_weekend_or_holiday_moves_to_the_next_working_day():
    assert next_working_day_from(date(2026, 11, 14), BE) == date(2026, 11, 16)  # Saturday -> Monday
    assert next_working_day_from(date(2026, 11, 11), BE) == date(2026, 11, 12)
    assert next_working_day_from(date(2026, 11, 12), BE) == date(2026, 11, 12)
