"""EX-3 (UH 12.2.6) sweep: the window for a written request to retake a tolerated fail closes 10 working days after
the announcement; the closure is recorded once per decision and the tolerance is final."""

from datetime import date

import pytest

from enrolment.models import DeadlineFlag
from examinations.models import Outcome, RetakeStatus, SecondOpportunityRegistration, StudyProgressDecision
from examinations.services import results as services
from examinations.services.results import record_result
from examinations.services.sweeps import close_retake_requests, upcoming_retake_requests

from .conftest import line, proclaim

ANNOUNCED = date(2027, 7, 9)  # Friday; 21 July is a holiday: the tenth working day is Monday 26 July
LAST_DAY = date(2027, 7, 26)


@pytest.fixture
def tolerated(faculty, student_admin):
    """Chloe failed BIO103 and BIO101 (8/20) in the first opportunity; the June decision tolerated both. Bram's
    decision tolerates nothing."""
    p = faculty["periods"]
    record_result(line(faculty, "chloe", "BIO103"), p["JAN"], Outcome.FAIL, None, by=student_admin)
    record_result(line(faculty, "chloe", "BIO101"), p["JAN"], Outcome.NUMERIC, 8, by=student_admin)
    announcement = proclaim(faculty, "JUN", on=ANNOUNCED)
    decisions = {}
    for name, tolerated_units in (("chloe", ["BIO101", "BIO103"]), ("bram", [])):
        decisions[name] = StudyProgressDecision.objects.create(
            student=faculty["students"][name], programme=faculty["ba"], exam_period=p["JUN"],
            proclamation=announcement, decided_on=ANNOUNCED, programme_passed=False,
            packages=[{"package": 1, "passed": True, "failed": tolerated_units, "tolerated": tolerated_units}])
    faculty["decisions"] = decisions
    faculty["announcement"] = announcement
    return faculty


def closed_flags():
    return DeadlineFlag.objects.filter(rule="EX-3", kind="closed")


def test_ex3_window_open_on_its_last_day(tolerated):
    assert close_retake_requests(LAST_DAY).count == 0
    assert not closed_flags().exists()


def test_ex3_window_closed_the_day_after_once(tolerated):
    result = close_retake_requests(date(2027, 7, 27))
    chloe = tolerated["decisions"]["chloe"]
    assert [(r.model, r.pk) for r in result.affected] == [("examinations.studyprogressdecision", chloe.pk)]
    assert "2600003" in result.affected[0].label and "BIO101, BIO103" in result.affected[0].label
    flag = closed_flags().get()
    assert (flag.pk_value, flag.due_on, flag.flagged_on) == (chloe.pk, LAST_DAY, date(2027, 7, 27))
    assert "Tolerance final: BIO101, BIO103" in flag.note
    again = close_retake_requests(date(2027, 7, 28))
    assert (again.count, again.skipped) == ((0), ())
    assert closed_flags().count() == 1


def test_ex3_catch_up_after_a_long_gap(tolerated):
    assert close_retake_requests(date(2027, 11, 2)).count == 1
    assert closed_flags().get().due_on == LAST_DAY


def test_ex3_requests_in_time_are_granted_late_ones_refused(tolerated, student_admin):
    """The existing service: on the last day a request is granted (and registers the unit); after it, it is
    recorded as late and registers nothing. The closure names the granted retake."""
    chloe, year, units = tolerated["students"]["chloe"], tolerated["year"], tolerated["units"]
    granted = services.request_retake(chloe, year, units["BIO103"], LAST_DAY, by=student_admin)
    assert granted.status == RetakeStatus.GRANTED
    close_retake_requests(date(2027, 7, 27))
    late = services.request_retake(chloe, year, units["BIO101"], date(2027, 7, 27), by=student_admin)
    assert late.status == RetakeStatus.LATE
    assert set(SecondOpportunityRegistration.objects.filter(student=chloe)
               .values_list("course_unit__code", flat=True)) == {"BIO103"}
    note = closed_flags().get().note
    assert "Tolerance final: BIO101." in note and "Retake granted: BIO103." in note


def test_ex3_repeat_is_cheap(tolerated, django_assert_max_num_queries):
    close_retake_requests(date(2027, 7, 27))
    with django_assert_max_num_queries(3):  # the years, the open decisions of the one year, the requests
        assert close_retake_requests(date(2027, 7, 28)).count == 0


def test_ex3_upcoming_names_the_announcement(tolerated):
    due = upcoming_retake_requests(date(2027, 7, 20), date(2027, 8, 19))
    assert len(due) == 1
    d = due[0]
    assert (d.rule, d.due_on, d.programme) == ("EX-3", LAST_DAY, "BA-BIO")
    assert d.ref.model == "examinations.proclamation" and d.ref.pk == tolerated["announcement"].pk
    assert d.what.endswith(": 1")
    assert upcoming_retake_requests(date(2027, 7, 27), date(2027, 8, 26)) == []
