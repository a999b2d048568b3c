"""The results services against PostgreSQL: the grid (EX-4, EX-8, EX-11), EX-2, EX-3 and EX-10."""

from datetime import date

import pytest

from examinations.models import (
    MaterialError,
    Meeting,
    MeetingKind,
    Result,
    ResultProcedure,
    RetakeRequest,
    RetakeStatus,
    SecondOpportunityRegistration,
    StudyProgressDecision,
    TieDeclaration,
)
from examinations.services import results as services
from examinations.services.results import GridRefused, ResultRefused, record_result
from students.models import LedgerMovement

from .conftest import line, proclaim

pytestmark = pytest.mark.django_db


def current(faculty, student, unit, opportunity=1):
    return Result.objects.filter(student=faculty["students"][student], course_unit=faculty["units"][unit],
                                 opportunity=opportunity, is_current=True).first()


# ---- the grid --------------------------------------------------------------------------------------------------

def test_ex4_grid_records_results_through_record_result(faculty, lecturer):
    unit, jan = faculty["units"]["BIO101"], faculty["periods"]["JAN"]
    entries = {line(faculty, "an", "BIO101").pk: "14", line(faculty, "bram", "BIO101").pk: "A",
               line(faculty, "chloe", "BIO101").pk: ""}
    assert services.enter_results(lecturer, unit, jan, entries) == (2, 0)
    assert current(faculty, "an", "BIO101").grade == 14
    assert current(faculty, "bram", "BIO101").outcome == "absent"
    assert current(faculty, "chloe", "BIO101") is None
    # Changing one is a new version with a reason; the same value again changes nothing.
    entries = {line(faculty, "an", "BIO101").pk: "15", line(faculty, "bram", "BIO101").pk: "A"}
    assert services.enter_results(lecturer, unit, jan, entries) == (1, 1)
    an = current(faculty, "an", "BIO101")
    assert (an.grade, an.version, an.supersedes.grade, an.procedure) == (15, 2, 14, ResultProcedure.ENTRY)


def test_ex4_one_bad_cell_saves_nothing(faculty, lecturer):
    unit, jan = faculty["units"]["BIO101"], faculty["periods"]["JAN"]
    good, bad = line(faculty, "an", "BIO101").pk, line(faculty, "bram", "BIO101").pk
    with pytest.raises(GridRefused) as refused:
        services.enter_results(lecturer, unit, jan, {good: "12", bad: "9.5"})
    assert refused.value.errors == {bad: "9.5 is not a whole number."}
    assert not Result.objects.exists()


def test_ex11_coordinating_lecturer_cannot_grade_a_student_he_has_a_tie_with(faculty, lecturer, student_admin):
    unit, jan = faculty["units"]["BIO101"], faculty["periods"]["JAN"]
    TieDeclaration.objects.create(person=lecturer, student=faculty["students"]["bram"], kind="family",
                                  declared_on=date(2026, 9, 1))
    bram = line(faculty, "bram", "BIO101").pk
    with pytest.raises(GridRefused) as refused:
        services.enter_results(lecturer, unit, jan, {bram: "12"})
    assert "UH 13.1.2" in refused.value.errors[bram]
    # The substitute's result is recorded by the administration.
    assert services.enter_results(student_admin, unit, jan, {bram: "12"}) == (1, 0)


def test_only_the_coordinator_or_the_administration_enter_a_units_results(faculty, lecturer):
    unit, jan = faculty["units"]["BIO103"], faculty["periods"]["JAN"]  # Lien teaches it but does not coordinate
    with pytest.raises(ResultRefused, match="coordinating lecturer"):
        services.enter_results(lecturer, unit, jan, {line(faculty, "an", "BIO103").pk: "pass"})


def test_ex8_grid_refuses_a_change_after_the_proclamation(faculty, lecturer):
    unit, jan = faculty["units"]["BIO101"], faculty["periods"]["JAN"]
    an = line(faculty, "an", "BIO101").pk
    services.enter_results(lecturer, unit, jan, {an: "8"})
    proclaim(faculty, "JAN")
    with pytest.raises(GridRefused) as refused:
        services.enter_results(lecturer, unit, jan, {an: "12"})
    assert "material-error procedure" in refused.value.errors[an]
    assert services.enter_results(lecturer, unit, jan, {an: "8"}) == (0, 1)  # the same value: nothing to change


def test_grid_refuses_a_unit_in_a_period_it_is_not_examined_in(faculty, lecturer):
    with pytest.raises(ResultRefused, match="examined in JAN, not in JUN"):
        services.enter_results(lecturer, faculty["units"]["BIO101"], faculty["periods"]["JUN"], {})
    with pytest.raises(ResultRefused, match="one exam opportunity"):
        services.enter_results(lecturer, faculty["units"]["BIO104"], faculty["periods"]["SEP"], {})


# ---- EX-2 ------------------------------------------------------------------------------------------------------

def test_ex2_registration_of_a_failed_unit_inside_the_window(faculty, student_admin, lecturer):
    unit, jan = faculty["units"]["BIO101"], faculty["periods"]["JAN"]
    an, year = faculty["students"]["an"], faculty["year"]
    with pytest.raises(ResultRefused, match="no result of the first opportunity"):
        services.register_second_opportunity(an, year, unit, date(2027, 7, 20), by=student_admin)
    services.enter_results(lecturer, unit, jan, {line(faculty, "an", "BIO101").pk: "7"})
    with pytest.raises(ResultRefused, match="2027-07-11 to 2027-08-08"):
        services.register_second_opportunity(an, year, unit, date(2027, 8, 9), by=student_admin)
    reg = services.register_second_opportunity(an, year, unit, date(2027, 8, 8), by=student_admin)
    assert services.register_second_opportunity(an, year, unit, date(2027, 8, 8), by=student_admin) == reg
    assert SecondOpportunityRegistration.objects.count() == 1


def test_ex2_a_passed_unit_is_not_registered(faculty, student_admin, lecturer):
    unit, jan = faculty["units"]["BIO101"], faculty["periods"]["JAN"]
    services.enter_results(lecturer, unit, jan, {line(faculty, "an", "BIO101").pk: "13"})
    with pytest.raises(ResultRefused, match="credit certificate"):
        services.register_second_opportunity(faculty["students"]["an"], faculty["year"], unit, date(2027, 7, 20),
                                             by=student_admin)


# ---- EX-3 ------------------------------------------------------------------------------------------------------

def tolerate(faculty, student, unit_code, on):
    proclamation = proclaim(faculty, "JUN", on=on)
    return StudyProgressDecision.objects.create(
        student=faculty["students"][student], programme=faculty["ba"], exam_period=faculty["periods"]["JUN"],
        proclamation=proclamation, decided_on=on, programme_passed=False,
        packages=[{"package": 1, "passed": True, "failed": [unit_code], "tolerated": [unit_code]}])


def test_ex3_retake_request_in_time_is_granted_and_registers_the_unit(faculty, student_admin, lecturer):
    unit = faculty["units"]["BIO102"]
    services.enter_results(lecturer, unit, faculty["periods"]["JUN"], {line(faculty, "an", "BIO102").pk: "9"})
    tolerate(faculty, "an", "BIO102", date(2027, 7, 9))
    req = services.request_retake(faculty["students"]["an"], faculty["year"], unit, date(2027, 7, 26),
                                  by=student_admin)
    assert req.status == RetakeStatus.GRANTED
    assert SecondOpportunityRegistration.objects.filter(student=faculty["students"]["an"], course_unit=unit).exists()


def test_ex3_late_retake_request_is_refused_with_the_date(faculty, student_admin, lecturer):
    unit = faculty["units"]["BIO102"]
    services.enter_results(lecturer, unit, faculty["periods"]["JUN"], {line(faculty, "an", "BIO102").pk: "9"})
    tolerate(faculty, "an", "BIO102", date(2027, 7, 9))
    req = services.request_retake(faculty["students"]["an"], faculty["year"], unit, date(2027, 7, 27),
                                  by=student_admin)
    assert req.status == RetakeStatus.LATE and req.deadline == date(2027, 7, 26)
    assert services.retake_deadline(req) == date(2027, 7, 26)
    assert not SecondOpportunityRegistration.objects.exists()
    # A tolerated fail is not registered through EX-2 without a granted request.
    with pytest.raises(ResultRefused, match="UH 12.2.6"):
        services.register_second_opportunity(faculty["students"]["an"], faculty["year"], unit, date(2027, 7, 28),
                                             by=student_admin)


def test_ex3_only_a_tolerated_fail(faculty, student_admin):
    with pytest.raises(ResultRefused, match="not a tolerated fail"):
        services.request_retake(faculty["students"]["an"], faculty["year"], faculty["units"]["BIO102"],
                                date(2027, 7, 12), by=student_admin)
    assert not RetakeRequest.objects.exists()


# ---- EX-10 -----------------------------------------------------------------------------------------------------

def published_result(faculty, lecturer, grade="14"):
    unit, jan = faculty["units"]["BIO101"], faculty["periods"]["JAN"]
    services.enter_results(lecturer, unit, jan, {line(faculty, "an", "BIO101").pk: grade})
    proclaim(faculty, "JAN")  # 2027-02-12
    return current(faculty, "an", "BIO101")


def test_ex10_correction_in_time_is_a_new_version_and_moves_the_ledger(faculty, lecturer, student_admin):
    result = published_result(faculty, lecturer, "8")
    unpublished = record_result(line(faculty, "an", "BIO102"), faculty["periods"]["JUN"], "numeric", 9, by=lecturer)
    with pytest.raises(ResultRefused, match="not proclaimed yet"):
        services.report_material_error(unpublished, date(2027, 7, 1), "x", "y", by=student_admin)
    error = services.report_material_error(result, date(2027, 2, 15), "Prof. Lien Lecturer", "Part 2 not counted",
                                           by=student_admin)
    before = LedgerMovement.objects.count()
    error = services.decide_material_error(error, date(2027, 2, 20), True, "numeric", 12, "Part 2 was not added",
                                           by=student_admin)
    new = current(faculty, "an", "BIO101")
    assert (new.grade, new.version, new.procedure, new.decided_on) == (12, 2, ResultProcedure.MATERIAL_ERROR,
                                                                       date(2027, 2, 20))
    assert error.correction == new and error.corrected
    assert LedgerMovement.objects.count() > before  # the certificate restores credits (LA-4)
    error = services.record_student_notified(error, date(2027, 2, 21))
    assert error.student_notified_on == date(2027, 2, 21)


def test_ex10_a_late_correction_against_the_student_is_refused(faculty, lecturer, student_admin):
    result = published_result(faculty, lecturer, "14")
    error = services.report_material_error(result, date(2027, 3, 1), "Secretary", "Wrong sum", by=student_admin)
    with pytest.raises(ResultRefused, match="after 2027-02-22"):
        services.decide_material_error(error, date(2027, 3, 2), True, "numeric", 11, "Sum was wrong",
                                       by=student_admin)
    assert current(faculty, "an", "BIO101").grade == 14
    assert MaterialError.objects.get().decided_on is None


def test_ex10_an_error_to_the_students_disadvantage_is_corrected_any_time(faculty, lecturer, student_admin):
    result = published_result(faculty, lecturer, "9")
    error = services.report_material_error(result, date(2027, 6, 1), "Student", "Wrong sum", by=student_admin)
    services.decide_material_error(error, date(2027, 6, 30), True, "numeric", 10, "Sum was wrong", by=student_admin)
    assert current(faculty, "an", "BIO101").grade == 10


def test_ex10_the_decision_date_is_the_meeting_when_the_proclamation_names_one(faculty, lecturer):
    result = published_result(faculty, lecturer)
    assert services.decision_date(result) == date(2027, 2, 12)
    from examinations.models import ExamCommittee, Proclamation
    committee = ExamCommittee.objects.create(programme=faculty["ba"])
    meeting = Meeting.objects.create(committee=committee, exam_period=faculty["periods"]["JAN"],
                                     held_on=date(2027, 2, 9), kind=MeetingKind.COMMITTEE)
    Proclamation.objects.filter(exam_period=faculty["periods"]["JAN"]).update(meeting=meeting)
    assert services.decision_date(result) == date(2027, 2, 9)


def test_ex10_decision_without_correction_keeps_the_result(faculty, lecturer, student_admin):
    result = published_result(faculty, lecturer)
    error = services.report_material_error(result, date(2027, 2, 15), "Student", "I think 15", by=student_admin)
    error = services.decide_material_error(error, date(2027, 2, 16), False, None, None, "Checked: 14 is right",
                                           by=student_admin)
    assert error.corrected is False and error.correction is None
    assert Result.objects.count() == 1
    with pytest.raises(ResultRefused, match="already decided"):
        services.decide_material_error(error, date(2027, 2, 16), False, None, None, "again", by=student_admin)


def test_record_result_stays_the_one_door(faculty, lecturer):
    """record_result's own behaviour is unchanged: idempotent, refuses after publication without a procedure."""
    ln = line(faculty, "an", "BIO101")
    jan = faculty["periods"]["JAN"]
    first = record_result(ln, jan, "numeric", 12, by=lecturer)
    assert record_result(ln, jan, "numeric", 12, by=lecturer) == first
    proclaim(faculty, "JAN")
    with pytest.raises(ResultRefused, match="proclaimed"):
        record_result(ln, jan, "numeric", 13, by=lecturer)
