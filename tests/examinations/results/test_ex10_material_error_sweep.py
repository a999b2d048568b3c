"""EX-10 (UH 15.5.3-4) sweep: material errors reported more than 10 calendar days after the decision are flagged
for the chair (not those corrected in the student's favour: such errors may be corrected at any time); reports
not decided within 10 calendar days are flagged overdue, with a notice to the chair and the secretary."""

from datetime import date

import pytest

from enrolment.models import DeadlineFlag, Notice
from examinations.models import CommitteeMember, ExamCommittee, Outcome, Result
from examinations.services import results as services
from examinations.services.results import record_result
from examinations.services.sweeps import flag_material_errors, upcoming_material_errors

from .conftest import line, proclaim

PROCLAIMED = date(2027, 2, 12)  # the JAN results, announced without a meeting: the decision date
REPORT_BY = date(2027, 2, 22)


@pytest.fixture
def errors(faculty, student_admin, make_user):
    """JAN results of An (12) and Bram (6) in BIO101, proclaimed; the BA-BIO committee with its chair and
    secretary."""
    p = faculty["periods"]
    for name, grade in (("an", 12), ("bram", 6)):
        record_result(line(faculty, name, "BIO101"), p["JAN"], Outcome.NUMERIC, grade, by=student_admin)
    faculty["proclamation"] = proclaim(faculty, "JAN", on=PROCLAIMED)
    committee = ExamCommittee.objects.create(programme=faculty["ba"])
    for username, role in (("chair", "chair"), ("secretary", "secretary")):
        CommitteeMember.objects.create(committee=committee, user=make_user(username), role=role,
                                       since=date(2026, 9, 1))
    return faculty


def report(faculty, student, on, by):
    result = Result.objects.get(student=faculty["students"][student], opportunity=1, is_current=True,
                                course_unit=faculty["units"]["BIO101"])
    return services.report_material_error(result, on, "Lien Lecturer", "Transcription error", by=by)


def flags(kind):
    return set(DeadlineFlag.objects.filter(rule="EX-10", kind=kind).values_list("pk_value", flat=True))


def test_ex10_report_on_the_last_day_is_in_time_the_day_after_is_late(errors, student_admin):
    in_time = report(errors, "an", REPORT_BY, student_admin)
    late = report(errors, "bram", date(2027, 2, 23), student_admin)
    result = flag_material_errors(date(2027, 2, 23))
    assert [(r.pk, r.label.endswith("reported late")) for r in result.affected] == [(late.pk, True)]
    assert flags("late_report") == {late.pk}
    notice = Notice.objects.get(key=f"ex10.material_error.{late.pk}.late_report.chair")
    assert (notice.audience, notice.to) == ("chair", "chair@example.org")
    assert in_time.pk not in flags("late_report")


def test_ex10_undecided_report_overdue_after_ten_days_notice_to_chair_and_secretary(errors, student_admin):
    error = report(errors, "an", date(2027, 2, 15), student_admin)
    assert flag_material_errors(date(2027, 2, 25)).count == 0  # the tenth day: still in time
    result = flag_material_errors(date(2027, 2, 26))
    assert [r.pk for r in result.affected] == [error.pk]
    flag = DeadlineFlag.objects.get(rule="EX-10", kind="overdue")
    assert (flag.due_on, flag.flagged_on, flag.programme_id) == (date(2027, 2, 25), date(2027, 2, 26),
                                                                 errors["ba"].pk)
    assert set(Notice.objects.filter(about_model="examinations.materialerror", about_pk=error.pk)
               .values_list("audience", "to")) == {("chair", "chair@example.org"),
                                                   ("secretary", "secretary@example.org")}
    again = flag_material_errors(date(2027, 2, 27))
    assert (again.count, again.skipped) == (0, ())
    assert Notice.objects.count() == 2


def test_ex10_error_to_the_students_disadvantage_is_no_late_report(errors, student_admin):
    """Bram's 6 was a transcription error for 11: reported long after the window, corrected in his favour."""
    error = report(errors, "bram", date(2027, 3, 15), student_admin)
    services.decide_material_error(error, date(2027, 3, 18), True, Outcome.NUMERIC, 11, "Transcription error.",
                                   by=student_admin)
    assert flag_material_errors(date(2027, 3, 20)).count == 0
    assert not DeadlineFlag.objects.filter(rule="EX-10").exists()


def test_ex10_catch_up_flags_without_notices_for_what_was_decided_meanwhile(errors, student_admin):
    """A sweep that first runs in September: the report decided late (after its ten days) is flagged overdue but
    nobody is told any more; the one still undecided is flagged and told."""
    decided_late = report(errors, "an", date(2027, 2, 15), student_admin)
    services.decide_material_error(decided_late, date(2027, 3, 1), False, None, None, "No error.",
                                   by=student_admin)
    open_one = report(errors, "bram", date(2027, 2, 16), student_admin)
    result = flag_material_errors(date(2027, 9, 1))
    assert {r.pk for r in result.affected} == {decided_late.pk, open_one.pk}
    assert flags("overdue") == {decided_late.pk, open_one.pk}
    assert set(Notice.objects.values_list("about_pk", flat=True)) == {open_one.pk}
    assert flag_material_errors(date(2027, 9, 2)).count == 0


def test_ex10_repeat_is_cheap(errors, student_admin, django_assert_max_num_queries):
    for name, on in (("an", date(2027, 2, 15)), ("bram", date(2027, 3, 1))):
        report(errors, name, on, student_admin)
    flag_material_errors(date(2027, 9, 1))
    # the open reports, the decision dates, the officers (and the batch's savepoint in this test's transaction)
    with django_assert_max_num_queries(5):
        assert flag_material_errors(date(2027, 9, 2)).count == 0


def test_ex10_upcoming_report_window_and_decision(errors, student_admin):
    error = report(errors, "an", date(2027, 2, 16), student_admin)
    due = upcoming_material_errors(date(2027, 2, 15), date(2027, 3, 16))
    assert [(d.due_on, d.programme, d.ref.model, d.ref.pk) for d in due] == [
        (REPORT_BY, "BA-BIO", "examinations.proclamation", errors["proclamation"].pk),
        (date(2027, 2, 26), "BA-BIO", "examinations.materialerror", error.pk)]
    assert upcoming_material_errors(date(2027, 3, 1), date(2027, 3, 31)) == []
