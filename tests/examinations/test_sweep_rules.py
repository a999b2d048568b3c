"""The pure deadline rules the examination sweeps apply (examinations.rules.deadlines): EX-3, EX-9, EX-10, IR-1,
IR-5. Dates only; the boundary day is always still in time."""

from datetime import date

import pytest

from config.calendar import belgian_holidays
from config.regulations import get_regulations
from examinations.rules import deadlines as rules

UH = get_regulations("uhasselt-2026-2027")
RR, IR, CR = UH.results, UH.irregularity, UH.committee
HOLIDAYS = belgian_holidays(2026, 2028)


# ---- EX-3 ------------------------------------------------------------------------------------------------------

def test_ex3_window_closes_after_the_tenth_working_day():
    """Announced Friday 9 July 2027: ten working days, 21 July (national holiday) not counted, end on Monday
    26 July; the window is closed from the 27th."""
    announced = date(2027, 7, 9)
    assert not rules.retake_window_closed(announced, date(2027, 7, 26), HOLIDAYS, RR)
    assert rules.retake_window_closed(announced, date(2027, 7, 27), HOLIDAYS, RR)


def test_ex3_window_never_closes_within_the_minimum_span():
    """The sweep reads only decisions older than working_days_min_span(10) = 12 days: no window closes sooner,
    whatever the weekday (announced on a Sunday, it ends 12 days later)."""
    span = rules.working_days_min_span(RR.retake_request_working_days)
    assert span == 12
    for offset in range(0, 400):
        announced = date.fromordinal(date(2026, 9, 1).toordinal() + offset)
        assert not rules.retake_window_closed(announced, date.fromordinal(announced.toordinal() + span), HOLIDAYS,
                                              RR)
    assert rules.retake_window_closed(date(2026, 9, 13), date(2026, 9, 26), HOLIDAYS, RR)


# ---- EX-10 -----------------------------------------------------------------------------------------------------

def test_ex10_report_late_after_ten_calendar_days():
    decided = date(2027, 7, 9)
    assert not rules.material_error_report_late(decided, date(2027, 7, 19), RR)
    assert rules.material_error_report_late(decided, date(2027, 7, 20), RR)


@pytest.mark.parametrize("recorded, corrected, flagged", [
    (("numeric", 12), None, True),  # not decided yet: the chair is told
    (("numeric", 12), ("numeric", 14), False),  # corrected in the student's favour: may be corrected any time
    (("numeric", 12), ("numeric", 9), True),  # corrected to her cost: the report was late
    (("absent", None), ("numeric", 11), False),
])
def test_ex10_late_report_flag_spares_errors_to_the_students_disadvantage(recorded, corrected, flagged):
    assert rules.flag_late_material_error_report(date(2027, 7, 9), date(2027, 7, 25), date(2027, 8, 1), RR,
                                                 recorded, corrected) is flagged


def test_ex10_late_report_not_flagged_before_it_is_made():
    assert not rules.flag_late_material_error_report(date(2027, 7, 9), date(2027, 7, 25), date(2027, 7, 24), RR)


def test_ex10_decision_overdue_boundary():
    reported = date(2027, 7, 12)
    assert not rules.material_error_decision_overdue(reported, None, date(2027, 7, 22), RR)
    assert rules.material_error_decision_overdue(reported, None, date(2027, 7, 23), RR)
    assert not rules.material_error_decision_overdue(reported, date(2027, 7, 22), date(2027, 9, 1), RR)
    assert rules.material_error_decision_overdue(reported, date(2027, 7, 23), date(2027, 9, 1), RR)


# ---- IR-1 ------------------------------------------------------------------------------------------------------

def test_ir1_report_flagged_after_five_working_days():
    """Discovered Friday 15 January 2027: the fifth working day is Friday 22 January."""
    discovered = date(2027, 1, 15)
    assert not rules.irregularity_report_flagged(discovered, date(2027, 1, 22), date(2027, 2, 1), HOLIDAYS, IR)
    assert rules.irregularity_report_flagged(discovered, date(2027, 1, 25), date(2027, 1, 25), HOLIDAYS, IR)
    assert not rules.irregularity_report_flagged(discovered, date(2027, 1, 25), date(2027, 1, 24), HOLIDAYS, IR)


def test_ir1_never_late_within_the_minimum_span():
    """Discovered on a Sunday, the fifth working day is the Friday: five calendar days."""
    span = rules.working_days_min_span(IR.report_working_days)
    assert span == 5
    for offset in range(0, 400):
        discovered = date.fromordinal(date(2026, 9, 1).toordinal() + offset)
        reported = date.fromordinal(discovered.toordinal() + span)
        assert not rules.irregularity_report_flagged(discovered, reported, reported, HOLIDAYS, IR)
    assert rules.irregularity_report_flagged(date(2026, 9, 13), date(2026, 9, 19), date(2026, 9, 19), HOLIDAYS, IR)


# ---- IR-5 ------------------------------------------------------------------------------------------------------

def test_ir5_notice_overdue_after_five_calendar_days():
    decided = date(2027, 2, 1)
    assert not rules.sanction_notice_overdue(decided, False, None, date(2027, 2, 6), IR)
    assert rules.sanction_notice_overdue(decided, False, None, date(2027, 2, 7), IR)
    assert not rules.sanction_notice_overdue(decided, False, date(2027, 2, 6), date(2027, 3, 1), IR)
    assert rules.sanction_notice_overdue(decided, False, date(2027, 2, 7), date(2027, 3, 1), IR)


def test_ir5_rector_has_ten_calendar_days():
    decided = date(2027, 2, 1)
    assert not rules.sanction_notice_overdue(decided, True, None, date(2027, 2, 11), IR)
    assert rules.sanction_notice_overdue(decided, True, None, date(2027, 2, 12), IR)


# ---- EX-9 ------------------------------------------------------------------------------------------------------

def test_ex9_scripts_kept_until_1_february_of_the_next_academic_year():
    until = rules.script_retention_until(date(2027, 9, 12), CR)
    assert until == date(2028, 2, 1)
    assert not rules.retention_ended(date(2028, 2, 1), until)
    assert rules.retention_ended(date(2028, 2, 2), until)


def test_ex9_contested_scripts_kept_five_years_from_the_later_date():
    year_ends = date(2027, 9, 12)
    assert rules.contested_script_retention_until(date(2027, 7, 2), date(2027, 7, 14), year_ends, CR) == date(
        2032, 7, 14)
    assert rules.contested_script_retention_until(date(2027, 7, 2), None, year_ends, CR) == date(2032, 7, 2)
    # 29 February five years on: the later reading, 1 March.
    assert rules.contested_script_retention_until(date(2028, 2, 29), None, date(2028, 9, 10), CR) == date(
        2033, 3, 1)
