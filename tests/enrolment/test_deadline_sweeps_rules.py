"""The pure rules of the student-administration sweeps: EN-5 (UH 4.1.1), EN-6 (UH 3.4.2), EN-10 (UH 4.6.3),
and the LA-6/LA-7 and LA-12 dates of the learning-account sweeps."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.regulations import get_regulations
from enrolment import rules
from enrolment.rules import En5, PeriodDates
from students import rules as la_rules

UH = get_regulations("uhasselt-2026-2027")
PXL = get_regulations("pxl-2018-2019")
STARTS, ENDS = date(2026, 9, 14), date(2027, 9, 12)
S1 = PeriodDates("S1", date(2026, 9, 14), date(2026, 12, 23), date(2026, 11, 8))
S2 = PeriodDates("S2", date(2027, 2, 8), date(2027, 5, 21), date(2027, 3, 28))
YEAR = PeriodDates("YEAR", date(2026, 9, 14), date(2027, 5, 21), date(2026, 12, 15))


# ------------------------------------------------------------------------------------------------ EN-5 ----
@pytest.mark.parametrize("enrolled, day", [
    (date(2026, 9, 20), date(2026, 11, 20)),  # two months
    (date(2026, 10, 31), date(2026, 12, 31)),
    (date(2026, 12, 31), date(2027, 2, 28)),  # clamped to the month's last day
    (date(2026, 8, 20), date(2026, 10, 20)),  # a summer enrolment: two months, after 1 October
    (date(2026, 7, 1), date(2026, 10, 1)),  # not before the programme is late (UH 4.1.1: before 1 October)
    (date(2026, 3, 1), date(2026, 10, 1)),
])
def test_en5_deregistration_day_two_months_after_enrolment_not_before_1_october(enrolled, day):
    assert rules.en5_deregistration_day(enrolled, STARTS, ENDS, UH) == day


def test_en5_no_day_after_the_academic_year():
    assert rules.en5_deregistration_day(date(2027, 8, 1), STARTS, ENDS, UH) is None


def test_en5_pxl_30_days_and_summer_enrolments_until_the_year_starts():
    starts, ends = date(2018, 9, 17), date(2019, 9, 15)
    assert rules.en5_deregistration_day(date(2018, 10, 3), starts, ends, PXL) == date(2018, 11, 2)
    assert rules.en5_deregistration_day(date(2018, 7, 10), starts, ends, PXL) == starts


@pytest.mark.parametrize("first_line, as_of, decision", [
    (None, date(2026, 11, 19), En5.NOT_DUE),
    (None, date(2026, 11, 20), En5.DEREGISTER),  # the boundary day itself
    (None, date(2027, 3, 1), En5.DEREGISTER),  # a late sweep still deregisters (dated the day, see the sweep)
    (date(2026, 11, 20), date(2027, 3, 1), En5.HAS_PROGRAMME),  # a line added on the day counts
    (date(2026, 10, 1), date(2026, 11, 20), En5.HAS_PROGRAMME),
    (date(2026, 11, 21), date(2026, 11, 19), En5.NOT_DUE),
    (date(2026, 11, 21), date(2026, 12, 5), En5.LATE_PROGRAMME),  # added after the day, before the sweep
])
def test_en5_decision(first_line, as_of, decision):
    assert rules.en5_decision(date(2026, 11, 20), first_line, as_of) == decision


def test_en5_nothing_without_a_day():
    assert rules.en5_decision(None, None, date(2030, 1, 1)) == En5.NOT_DUE


@given(st.dates(date(2025, 9, 15), date(2027, 7, 1)))
def test_en5_the_day_is_never_before_the_enrolment_nor_the_year_nor_1_october(enrolled):
    day = rules.en5_deregistration_day(enrolled, STARTS, ENDS, UH)
    if day is not None:
        assert day > enrolled and day >= date(2026, 10, 1) and day <= ENDS


# ------------------------------------------------------------------------------------------------ EN-6 ----
def test_en6_the_year_long_period_spans_all_periods():
    assert rules.year_long_periods([S1, S2, YEAR]) == [YEAR]
    assert rules.year_long_periods([S1, S2]) == []
    assert rules.year_long_periods([YEAR]) == []


def test_en6_deadline_from_the_calendar_else_the_regulations():
    assert rules.year_long_deregistration_deadline([S1, S2, YEAR], STARTS, UH) == date(2026, 12, 15)
    moved = PeriodDates("YEAR", YEAR.starts_on, YEAR.lessons_end_on, date(2026, 12, 18))
    assert rules.year_long_deregistration_deadline([S1, S2, moved], STARTS, UH) == date(2026, 12, 18)
    assert rules.year_long_deregistration_deadline([S1, S2], STARTS, UH) == date(2026, 12, 15)
    assert rules.year_long_deregistration_deadline([S1, S2], STARTS, PXL) is None


@pytest.mark.parametrize("as_of, closed", [
    (date(2026, 12, 15), False), (date(2026, 12, 16), True), (date(2027, 6, 1), True)])
def test_en6_closed_from_the_day_after_15_december(as_of, closed):
    assert rules.year_long_deregistration_closed(as_of, date(2026, 12, 15)) is closed


def test_en6_removal_of_a_year_long_unit_until_15_december():
    periods = [S1, S2, YEAR]
    assert rules.removal_deadline_refusal("BIO100", "YEAR", periods, date(2026, 12, 15)) is None
    refusal = rules.removal_deadline_refusal("BIO100", "YEAR", periods, date(2026, 12, 16))
    assert "BIO100" in refusal and "2026-12-15" in refusal and "UH 3.4.2" in refusal
    assert rules.removal_deadline_refusal("BIO100", "YEAR", periods, None) is None


def test_en6_removal_until_halfway_through_the_units_education_period():
    periods = [S1, S2, YEAR]
    assert rules.removal_deadline_refusal("INF101", "S1", periods, S1.deregistration_deadline) is None
    refusal = rules.removal_deadline_refusal("INF101", "S1", periods, S1.deregistration_deadline + timedelta(1))
    assert "INF101" in refusal and S1.deregistration_deadline.isoformat() in refusal and "halfway" in refusal
    assert rules.removal_deadline_refusal("INF201", "S2", periods, S1.deregistration_deadline + timedelta(1)) is None
    assert rules.removal_deadline_refusal("X", "NOT-IN-CALENDAR", periods, date(2027, 6, 1)) is None


# ----------------------------------------------------------------------------------------------- EN-10 ----
def test_en10_the_four_application_dates_of_the_academic_year():
    assert rules.special_circumstances_dates(STARTS, UH) == [
        date(2026, 10, 15), date(2026, 12, 1), date(2027, 3, 1), date(2027, 7, 1)]
    assert rules.special_circumstances_dates(date(2018, 9, 17), PXL) == []


@pytest.mark.parametrize("as_of, due", [
    (date(2026, 9, 30), []),
    (date(2026, 10, 1), [date(2026, 10, 15)]),  # 14 days before
    (date(2026, 10, 15), [date(2026, 10, 15)]),  # the date itself
    (date(2026, 10, 16), []),  # a date gone by is not reminded of
    (date(2026, 11, 17), [date(2026, 12, 1)]),
    (date(2027, 2, 15), [date(2027, 3, 1)]),
    (date(2027, 6, 17), [date(2027, 7, 1)]),
])
def test_en10_reminders_due(as_of, due):
    assert rules.special_circumstances_reminders_due(as_of, STARTS, UH) == due


@given(st.dates(date(2026, 9, 14), date(2027, 9, 12)))
def test_en10_a_reminder_is_due_only_in_the_window_before_its_date(as_of):
    for due in rules.special_circumstances_reminders_due(as_of, STARTS, UH):
        assert timedelta(0) <= due - as_of <= timedelta(days=UH.special_circumstances_reminder_days)


def test_en10_academic_year_day():
    assert rules.academic_year_day((9, 14), STARTS) == date(2026, 9, 14)
    assert rules.academic_year_day((9, 13), STARTS) == date(2027, 9, 13)


# ---------------------------------------------------------------------------------------- LA-6 / LA-12 ----
def test_la6_la7_refund_cutoffs_between():
    assert la_rules.refund_cutoffs_between(date(2026, 11, 23), date(2026, 12, 23), STARTS, UH) == [
        (1, date(2026, 12, 1))]
    assert la_rules.refund_cutoffs_between(date(2026, 12, 2), date(2027, 3, 14), STARTS, UH) == []
    assert la_rules.refund_cutoffs_between(date(2026, 12, 1), date(2027, 3, 15), STARTS, UH) == [
        (1, date(2026, 12, 1)), (2, date(2027, 3, 15))]
    assert la_rules.refund_cutoffs_between(date(2018, 9, 1), date(2019, 9, 1), date(2018, 9, 17), PXL) == []


def test_la12_rebuild_due_from_the_first_day_of_the_year():
    assert not la_rules.rebuild_due(date(2026, 9, 13), STARTS)
    assert la_rules.rebuild_due(date(2026, 9, 14), STARTS)
