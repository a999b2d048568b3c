"""EX-9 (UH 15.4.4) sweep: exam scripts are kept until 1 February of the following academic year, five years when
the result was contested. The sweep records which may now be destroyed (``retention_ended``) and which are kept
five years (``retention_contested``); it deletes nothing."""

from datetime import date

import pytest

from appeals.services.intake import register_appeal
from enrolment.models import DeadlineFlag
from examinations.models import Outcome, Result, StudyProgressDecision
from examinations.services import results as services
from examinations.services.results import record_result
from examinations.services.sweeps import list_script_retention, upcoming_script_retention

from .conftest import line, proclaim

JUN_PROCLAIMED = date(2027, 7, 9)
KEPT_UNTIL = date(2028, 2, 1)  # 2026-2027 ends in September 2027; 1 February of 2027-2028


@pytest.fixture
def contested(faculty, student_admin):
    """JUN results in BIO102 of An (8), Bram (12) and Chloe (14), proclaimed on 9 July; An's JAN BIO101 (12).
    An appeals her June decision (received 14 July); Bram's appeal describes the June decision by hand (a dataset
    import, received 15 July); a material error is reported on Chloe's result on 12 July."""
    p = faculty["periods"]
    record_result(line(faculty, "an", "BIO101"), p["JAN"], Outcome.NUMERIC, 12, by=student_admin)
    for name, grade in (("an", 8), ("bram", 12), ("chloe", 14)):
        record_result(line(faculty, name, "BIO102"), p["JUN"], Outcome.NUMERIC, grade, by=student_admin)
    announcement = proclaim(faculty, "JUN", on=JUN_PROCLAIMED)
    s = faculty["students"]
    decision = StudyProgressDecision.objects.create(
        student=s["an"], programme=faculty["ba"], exam_period=p["JUN"], proclamation=announcement,
        decided_on=JUN_PROCLAIMED, programme_passed=False, packages=[])
    register_appeal(student=s["an"], decision_kind="exam_decision", contested_decision=decision,
                    postmarked_on=date(2027, 7, 13), received_on=date(2027, 7, 14), by=student_admin)
    register_appeal(student=s["bram"], decision_kind="exam_decision", description="June exam decision",
                    decision_notified_on=JUN_PROCLAIMED, postmarked_on=date(2027, 7, 14),
                    received_on=date(2027, 7, 15), by=student_admin)
    chloe = Result.objects.get(student=s["chloe"], course_unit=faculty["units"]["BIO102"], is_current=True)
    services.report_material_error(chloe, date(2027, 7, 12), "Chloe Claes", "Two pages were not graded.",
                                   by=student_admin)
    return faculty


def kept(faculty):
    """{student first name: due_on} of the retention_contested flags."""
    flags = DeadlineFlag.objects.filter(rule="EX-9", kind="retention_contested")
    results = Result.objects.in_bulk([f.pk_value for f in flags])
    return {results[f.pk_value].student.first_name: f.due_on for f in flags}


def test_ex9_contested_scripts_recorded_as_kept_five_years(contested):
    result = list_script_retention(date(2027, 7, 20))
    assert kept(contested) == {"An": date(2032, 7, 14), "Bram": date(2032, 7, 15), "Chloe": date(2032, 7, 12)}
    assert len(result.affected) == 3 and all("kept until 2032" in r.label for r in result.affected)
    assert all(r.model == "examinations.result" for r in result.affected)
    assert not DeadlineFlag.objects.filter(rule="EX-9", kind="retention_ended").exists()
    again = list_script_retention(date(2027, 7, 21))
    assert (again.count, again.skipped) == (0, ())


def test_ex9_periods_end_the_day_after_1_february(contested):
    list_script_retention(date(2027, 7, 20))
    assert list_script_retention(KEPT_UNTIL).count == 0
    result = list_script_retention(date(2028, 2, 2))
    assert sorted(r.label.split(":")[0] for r in result.affected) == ["2026-2027 JAN", "2026-2027 JUN",
                                                                     "2026-2027 SEP"]
    jun = DeadlineFlag.objects.get(rule="EX-9", kind="retention_ended", model="examinations.examperiod",
                                   pk_value=contested["periods"]["JUN"].pk)
    assert (jun.due_on, jun.flagged_on) == (KEPT_UNTIL, date(2028, 2, 2))
    assert jun.note.endswith(": 3.")
    jan = DeadlineFlag.objects.get(model="examinations.examperiod", pk_value=contested["periods"]["JAN"].pk)
    assert jan.note.endswith(": 0.")
    assert list_script_retention(date(2028, 2, 3)).count == 0


def test_ex9_catch_up_ends_the_five_years_on_the_day_after(contested):
    """A first run in July 2032: the contest, the periods and the five years that ended, all at once; Bram's
    script is kept through 15 July 2032."""
    result = list_script_retention(date(2032, 7, 15))
    ended = DeadlineFlag.objects.filter(rule="EX-9", kind="retention_ended", model="examinations.result")
    results = Result.objects.in_bulk([f.pk_value for f in ended])
    assert {results[f.pk_value].student.first_name for f in ended} == {"An", "Chloe"}
    assert result.count == 3 + 3 + 2
    assert list_script_retention(date(2032, 7, 16)).count == 1  # Bram's
    assert list_script_retention(date(2032, 7, 17)).count == 0


def test_ex9_nothing_is_deleted(contested):
    before = Result.objects.count()
    list_script_retention(date(2033, 1, 1))
    assert Result.objects.count() == before


def test_ex9_repeat_is_cheap(contested, django_assert_max_num_queries):
    list_script_retention(date(2028, 2, 2))
    # the appeals, the error reports, the proclamations, their students' unrecorded results, the ended contests,
    # the periods
    with django_assert_max_num_queries(6):
        assert list_script_retention(date(2028, 2, 3)).count == 0


def test_ex9_upcoming(contested):
    list_script_retention(date(2027, 7, 20))
    due = upcoming_script_retention(date(2028, 1, 15), date(2028, 2, 14))
    assert [(d.due_on, d.ref.label) for d in due] == [(KEPT_UNTIL, "2026-2027 JAN"), (KEPT_UNTIL, "2026-2027 JUN"),
                                                      (KEPT_UNTIL, "2026-2027 SEP")]
    assert [d.what.endswith(": 3") for d in due] == [False, True, False]
    five = upcoming_script_retention(date(2032, 7, 1), date(2032, 7, 31))
    assert [(d.due_on, d.programme) for d in five] == [(date(2032, 7, 12), "BA-BIO"), (date(2032, 7, 14), "BA-BIO"),
                                                       (date(2032, 7, 15), "BA-BIO")]
