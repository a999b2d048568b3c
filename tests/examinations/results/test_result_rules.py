"""The result rules (examinations/rules/results.py): EX-2, EX-3, EX-4, EX-7, EX-10, EX-11, EN-9."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.calendar import belgian_holidays, is_working_day
from config.regulations import PXL_2018_2019, UHASSELT_2026_2027
from examinations.rules import Attempt
from examinations.rules import results as r

RR = UHASSELT_2026_2027.results
BE = belgian_holidays(2026, 2028)


# ---- EX-4: parsing a result cell -------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, expected", [
    ("12", r.ParsedResult("numeric", 12)), (12, r.ParsedResult("numeric", 12)), (12.0, r.ParsedResult("numeric", 12)),
    (" 0 ", r.ParsedResult("numeric", 0)), ("20", r.ParsedResult("numeric", 20)),
    ("12,0", r.ParsedResult("numeric", 12)),
    ("A", r.ParsedResult("absent")), ("a", r.ParsedResult("absent")), ("AJ", r.ParsedResult("absent_justified")),
    ("GA", r.ParsedResult("absent_justified")), ("absent_justified", r.ParsedResult("absent_justified")),
])
def test_ex4_numeric_unit_accepts_whole_grades_and_absences(cell, expected):
    assert r.parse_result(cell, "numeric") == expected


@pytest.mark.parametrize("cell, message", [
    ("9.5", "9.5 is not a whole number."), (9.5, "9.5 is not a whole number."), ("9,5", "9,5 is not a whole number."),
    ("21", "21 is above 20."), (21, "21 is above 20."), ("-1", "-1 is below 0."),
    ("pass", "'pass': this unit is graded with a whole number from 0 to 20, not pass/fail."),
    ("twelve", "'twelve' is not a result: use a whole number from 0 to 20, A or AJ."),
    ("", "The result is empty."), (None, "The result is empty."), (True, "The result is empty."),
])
def test_ex4_numeric_unit_refuses_with_the_reason(cell, message):
    with pytest.raises(r.InvalidResult) as refused:
        r.parse_result(cell, "numeric")
    assert str(refused.value) == message


@pytest.mark.parametrize("cell, outcome", [
    ("pass", "pass"), ("PASS", "pass"), ("geslaagd", "pass"), ("fail", "fail"), ("Niet geslaagd", "fail"),
    ("niet  geslaagd", "fail"), ("A", "absent"), ("AJ", "absent_justified"),
])
def test_ex4_pass_fail_unit_accepts_pass_fail_in_english_and_dutch(cell, outcome):
    assert r.parse_result(cell, "pass_fail") == r.ParsedResult(outcome)


def test_ex4_pass_fail_unit_refuses_a_number():
    with pytest.raises(r.InvalidResult, match="graded pass or fail, not with a number"):
        r.parse_result("14", "pass_fail")


@given(st.integers(min_value=-50, max_value=50))
def test_ex4_every_whole_number_is_a_grade_exactly_when_it_is_0_to_20(n):
    if 0 <= n <= 20:
        assert r.parse_result(str(n), "numeric").grade == n
    else:
        with pytest.raises(r.InvalidResult):
            r.parse_result(str(n), "numeric")


def test_ex4_credit_certificate_from_10_or_pass():
    assert r.has_credit_certificate(r.ParsedResult("numeric", 10))
    assert not r.has_credit_certificate(r.ParsedResult("numeric", 9))
    assert r.has_credit_certificate(r.ParsedResult("pass"))
    assert not r.has_credit_certificate(r.ParsedResult("absent"))
    assert not r.has_credit_certificate(None)


# ---- EX-2: second-opportunity registration --------------------------------------------------------------------

WINDOW = r.second_opportunity_window(date(2027, 9, 12), RR)
FAILED = Attempt(1, "numeric", 7)


def test_ex2_window_runs_11_july_to_8_august_of_the_year_the_academic_year_ends():
    assert WINDOW == (date(2027, 7, 11), date(2027, 8, 8))


@pytest.mark.parametrize("on, ok", [
    (date(2027, 7, 10), False), (date(2027, 7, 11), True), (date(2027, 8, 8), True), (date(2027, 8, 9), False),
])
def test_ex2_registration_only_inside_the_window(on, ok):
    refusal = r.second_opportunity_refusal(on, WINDOW, 2, FAILED)
    assert (refusal is None) is ok
    if not ok:
        assert "2027-07-11 to 2027-08-08" in refusal


def test_ex2_only_failed_units_with_two_opportunities():
    on = date(2027, 7, 20)
    assert "one exam opportunity" in r.second_opportunity_refusal(on, WINDOW, 1, FAILED)
    assert "credit certificate (12)" in r.second_opportunity_refusal(on, WINDOW, 2, Attempt(1, "numeric", 12))
    assert "no result of the first opportunity" in r.second_opportunity_refusal(on, WINDOW, 2, None)
    assert r.second_opportunity_refusal(on, WINDOW, 2, Attempt(1, "absent")) is None
    assert r.second_opportunity_refusal(on, WINDOW, 2, Attempt(1, "absent_justified")) is None  # student's favour
    assert r.second_opportunity_refusal(on, WINDOW, 2, Attempt(1, "fail")) is None


def test_ex2_a_tolerated_fail_needs_a_granted_retake_request():
    on = date(2027, 7, 20)
    tolerated = Attempt(1, "numeric", 9)
    assert "UH 12.2.6" in r.second_opportunity_refusal(on, WINDOW, 2, tolerated, tolerated=True)
    assert r.second_opportunity_refusal(on, WINDOW, 2, tolerated, tolerated=True, retake_granted=True) is None


# ---- EX-3: retake request of a tolerated fail ----------------------------------------------------------------

def test_ex3_ten_working_days_after_the_announcement():
    # Friday 9 July 2027; 21 July is the Belgian national holiday: 12-16, 19, 20, 22, 23, 26.
    assert r.retake_request_deadline(date(2027, 7, 9), BE, RR) == date(2027, 7, 26)
    assert r.retake_request_in_time(date(2027, 7, 9), date(2027, 7, 26), BE, RR)
    assert not r.retake_request_in_time(date(2027, 7, 9), date(2027, 7, 27), BE, RR)


@given(st.dates(min_value=date(2026, 9, 1), max_value=date(2027, 12, 31)))
def test_ex3_deadline_is_a_working_day_with_exactly_ten_working_days_after_the_announcement(announced):
    deadline = r.retake_request_deadline(announced, BE, RR)
    assert is_working_day(deadline, BE)
    days = [announced + timedelta(days=i) for i in range(1, (deadline - announced).days + 1)]
    assert sum(is_working_day(d, BE) for d in days) == 10


# ---- EX-7: delivery deadline -----------------------------------------------------------------------------------

def test_ex7_one_working_day_before_the_bureau_meeting():
    assert r.results_delivery_deadline(date(2027, 2, 10), BE, RR) == date(2027, 2, 9)  # Wednesday -> Tuesday
    assert r.results_delivery_deadline(date(2027, 2, 8), BE, RR) == date(2027, 2, 5)  # Monday -> Friday
    assert r.results_delivery_deadline(date(2027, 7, 22), BE, RR) == date(2027, 7, 20)  # over 21 July


# ---- EX-10: material errors ------------------------------------------------------------------------------------

DECISION = date(2027, 7, 5)


def test_ex10_report_within_10_calendar_days_after_the_decision():
    assert r.material_error_report_deadline(DECISION, RR) == date(2027, 7, 15)
    lower = (("numeric", 14), ("numeric", 12))
    assert r.material_error_refusal(DECISION, date(2027, 7, 15), date(2027, 7, 16), *lower, RR) is None
    refusal = r.material_error_refusal(DECISION, date(2027, 7, 16), date(2027, 7, 16), *lower, RR)
    assert "after 2027-07-15" in refusal


def test_ex10_decision_within_10_calendar_days_after_the_report():
    lower = (("numeric", 14), ("numeric", 12))
    assert r.material_error_decision_deadline(date(2027, 7, 10), RR) == date(2027, 7, 20)
    assert r.material_error_refusal(DECISION, date(2027, 7, 10), date(2027, 7, 20), *lower, RR) is None
    assert "after 2027-07-20" in r.material_error_refusal(DECISION, date(2027, 7, 10), date(2027, 7, 21), *lower, RR)


def test_ex10_an_error_to_the_students_disadvantage_is_corrected_any_time():
    late = date(2028, 3, 1)
    assert r.material_error_refusal(DECISION, late, late, ("numeric", 8), ("numeric", 11), RR) is None
    assert r.material_error_refusal(DECISION, late, late, ("absent", None), ("absent_justified", None), RR) is None
    assert r.material_error_refusal(DECISION, late, late, ("fail", None), ("pass", None), RR) is None
    assert r.material_error_refusal(DECISION, late, late, ("numeric", 11), ("numeric", 8), RR) is not None


def test_ex10_decision_not_before_report():
    assert "cannot come before" in r.material_error_refusal(
        DECISION, date(2027, 7, 10), date(2027, 7, 9), ("numeric", 8), ("numeric", 11), RR)


# ---- EX-11 ----------------------------------------------------------------------------------------------------

def test_ex11_examiner_with_a_tie_is_excluded():
    assert r.examiner_excluded(7, {7, 9})
    assert not r.examiner_excluded(8, {7, 9})


# ---- EN-9 -----------------------------------------------------------------------------------------------------

def test_en9_credits_with_a_certificate_over_credits_taken():
    s = r.study_success([
        r.UnitTaken(6, final=Attempt(1, "numeric", 12)), r.UnitTaken(6, final=Attempt(2, "numeric", 9)),
        r.UnitTaken(3, final=Attempt(1, "pass")), r.UnitTaken(5, final=None),
        r.UnitTaken(4, exempted=True), r.UnitTaken(6, removed=True, final=Attempt(1, "numeric", 3)),
    ], RR)
    assert (s.credits_taken, s.credits_acquired, s.percentage) == (20, 9, 45)
    assert not s.advice_meeting


def test_en9_below_30_percent_invites_to_a_study_advice_meeting():
    s = r.study_success([r.UnitTaken(7, final=Attempt(1, "numeric", 10)), r.UnitTaken(17)], RR)
    assert s.percentage == 29 and s.advice_meeting
    s = r.study_success([r.UnitTaken(3, final=Attempt(1, "numeric", 10)), r.UnitTaken(7)], RR)
    assert s.percentage == 30 and not s.advice_meeting


def test_en9_percentage_rounds_half_up_and_nothing_taken_gives_no_rate():
    s = r.study_success([r.UnitTaken(1, final=Attempt(1, "pass"))] + [r.UnitTaken(1)] * 7)
    assert s.percentage == 13  # 12.5 -> 13
    assert r.study_success([r.UnitTaken(5, exempted=True)]).rate is None


def test_pxl_has_no_result_rules_and_says_so():
    with pytest.raises(r.NoResultRules, match="PXL 2018-2019"):
        r.require_result_rules(PXL_2018_2019)
