"""EX-2 (UH 12.2.5) sweep: after 8 August every failed, unregistered unit gets A for the second opportunity."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from config.regulations import get_regulations
from enrolment.models import DeadlineFlag, ProgrammeLine, SweepRun, SweepStatus
from examinations.models import (
    ExamPeriod,
    Outcome,
    Result,
    ResultProcedure,
    SecondOpportunityRegistration,
    StudyProgressDecision,
)
from examinations.rules import results as result_rules
from examinations.rules.deliberation import Attempt
from examinations.services import results as services
from examinations.services import sweeps
from examinations.services.results import record_result
from examinations.services.sweeps import absent_for_unregistered, upcoming_second_opportunity

from .conftest import line, proclaim

SWEEP = "ex2_second_opportunity_absent"


# ---- the pure rule ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("opportunities, first, registered, tolerated, second, due", [
    (2, Attempt(1, "numeric", 7), False, False, False, True),
    (2, Attempt(1, "fail"), False, False, False, True),
    (2, Attempt(1, "absent_justified"), False, False, False, True),
    (2, Attempt(1, "numeric", 7), True, False, False, False),
    (2, Attempt(1, "numeric", 7), False, True, False, False),
    (2, Attempt(1, "numeric", 7), False, False, True, False),
    (2, Attempt(1, "numeric", 10), False, False, False, False),
    (2, Attempt(1, "pass"), False, False, False, False),
    (2, None, False, False, False, False),
    (1, Attempt(1, "numeric", 7), False, False, False, False),
])
def test_ex2_absent_for_unregistered_rule(opportunities, first, registered, tolerated, second, due):
    assert result_rules.absent_for_unregistered(opportunities, first, registered, tolerated, second) is due


def test_ex2_registration_closes_after_8_august():
    rr = get_regulations("uhasselt-2026-2027").results
    assert not result_rules.second_opportunity_closed(date(2027, 8, 8), date(2027, 9, 12), rr)
    assert result_rules.second_opportunity_closed(date(2027, 8, 9), date(2027, 9, 12), rr)


# ---- the sweep -------------------------------------------------------------------------------------------------

@pytest.fixture
def failed_units(faculty, student_admin):
    """First-opportunity results: An failed BIO101 and registered it; Bram failed BIO101 and BIO103 and did not
    register; Chloe passed BIO101, was justifiedly absent for BIO102 (not registered) and had BIO103 tolerated;
    An failed BIO104 (one opportunity); Bram already has a second-opportunity result for BIO102 he failed."""
    p = faculty["periods"]
    s = faculty["students"]

    def put(student, unit, period, outcome, grade=None):
        record_result(line(faculty, student, unit), p[period], outcome, grade, by=student_admin)

    put("an", "BIO101", "JAN", Outcome.NUMERIC, 7)
    put("bram", "BIO101", "JAN", Outcome.NUMERIC, 6)
    put("chloe", "BIO101", "JAN", Outcome.NUMERIC, 14)
    put("bram", "BIO103", "JAN", Outcome.FAIL)
    put("chloe", "BIO103", "JAN", Outcome.FAIL)
    put("an", "BIO104", "JAN", Outcome.NUMERIC, 5)
    put("chloe", "BIO102", "JUN", Outcome.ABSENT_JUSTIFIED)
    put("bram", "BIO102", "JUN", Outcome.NUMERIC, 8)
    put("bram", "BIO102", "SEP", Outcome.NUMERIC, 12)
    services.register_second_opportunity(s["an"], faculty["year"], faculty["units"]["BIO101"], date(2027, 7, 20),
                                         by=student_admin)
    announcement = proclaim(faculty, "JUN", on=date(2027, 7, 9))
    StudyProgressDecision.objects.create(
        student=s["chloe"], programme=faculty["ba"], exam_period=p["JUN"], proclamation=announcement,
        decided_on=date(2027, 7, 9), programme_passed=False,
        packages=[{"package": 1, "passed": True, "failed": ["BIO103"], "tolerated": ["BIO103"]}])
    return faculty


def sweep_results():
    return {(r.student.first_name, r.course_unit.code) for r in Result.objects.filter(procedure=ResultProcedure.SWEEP)}


def test_ex2_nothing_before_the_registration_closes(failed_units):
    assert absent_for_unregistered(date(2027, 8, 8)).count == 0
    assert not sweep_results()


def test_ex2_sweep_gives_a_to_exactly_the_unregistered_failed_units(failed_units):
    out = StringIO()
    call_command("run_deadlines", "--as-of", "2027-08-09", stdout=out)
    assert sweep_results() == {("Bram", "BIO101"), ("Bram", "BIO103"), ("Chloe", "BIO102")}
    for r in Result.objects.filter(procedure=ResultProcedure.SWEEP):
        assert (r.outcome, r.grade, r.opportunity, r.exam_period.code, r.is_current) == ("absent", None, 2, "SEP", True)
        assert "2027-08-08" in r.reason
    run = SweepRun.objects.get(name=SWEEP)
    assert (run.status, run.count, run.as_of) == (SweepStatus.DONE, 3, date(2027, 8, 9))
    assert {ref["pk"] for ref in run.affected} == set(
        Result.objects.filter(procedure=ResultProcedure.SWEEP).values_list("pk", flat=True))
    assert "ex2_second_opportunity_absent (EX-2) as of 2027-08-09: 3 changed" in out.getvalue()
    assert "2600002 BIO101 2026-2027: A (opportunity 2)" in out.getvalue()


def test_ex2_sweep_run_twice_records_nothing_the_second_time(failed_units):
    call_command("run_deadlines", "--as-of", "2027-08-09", stdout=StringIO())
    before = Result.objects.count()
    call_command("run_deadlines", "--as-of", "2027-08-10", stdout=StringIO())
    assert Result.objects.count() == before
    assert [r.count for r in SweepRun.objects.filter(name=SWEEP).order_by("id")] == [3, 0]


def test_ex2_sweep_catches_up_on_a_later_day(failed_units):
    """A sweep that did not run on 9 August applies the deadline on its first run after it."""
    assert absent_for_unregistered(date(2027, 11, 2)).count == 3


def test_ex2_sweep_leaves_a_proclaimed_second_opportunity(failed_units):
    proclaim(failed_units, "SEP", on=date(2027, 9, 10))
    result = absent_for_unregistered(date(2027, 9, 11))
    assert result.count == 0
    assert [(ref.model, ref.label) for ref, _ in result.skipped] == [("examinations.proclamation",
                                                                     "BA-BIO 2026-2027 SEP")]
    assert "proclaimed" in result.skipped[0][1] and result.skipped[0][1].endswith(": 3.")


def test_ex2_sweep_reports_a_proclaimed_second_opportunity_once(failed_units):
    """The defect of the first version: every run re-listed the units of a proclaimed second opportunity. Now the
    first run reports them skipped (with the reason, kept on a flag) and a repeat reports nothing."""
    proclaim(failed_units, "SEP", on=date(2027, 9, 10))
    first = absent_for_unregistered(date(2027, 9, 11))
    assert (first.count, len(first.skipped)) == (0, 1)
    flag = DeadlineFlag.objects.get(rule="EX-2", kind="skipped")
    assert (flag.model, flag.programme_id) == ("examinations.proclamation", failed_units["ba"].pk)
    assert "proclaimed" in flag.note
    again = absent_for_unregistered(date(2027, 9, 12))
    assert (again.count, again.skipped) == (0, ())
    assert DeadlineFlag.objects.filter(rule="EX-2").count() == 1


def test_ex2_a_fully_proclaimed_year_is_not_read_again(failed_units, django_assert_max_num_queries):
    proclaim(failed_units, "SEP", on=date(2027, 9, 10))
    absent_for_unregistered(date(2027, 9, 11))
    with django_assert_max_num_queries(5):  # the years, the period, its proclamations, their flags, programmes
        assert absent_for_unregistered(date(2027, 9, 12)).skipped == ()


def test_ex2_rechecks_under_the_lock(failed_units, student_admin):
    """What was due when read but registered (or removed, or proclaimed) before the locks were taken gets no A."""
    year = failed_units["year"]
    closes = date(2027, 8, 8)
    due = sweeps._ex2_due(year, closes)
    assert {(r["student__number"], r["course_unit__code"]) for r in due} == {
        ("2600002", "BIO101"), ("2600002", "BIO103"), ("2600003", "BIO102")}
    SecondOpportunityRegistration.objects.create(student=failed_units["students"]["bram"], academic_year=year,
                                                 course_unit=failed_units["units"]["BIO101"],
                                                 registered_on=date(2027, 8, 8))
    ProgrammeLine.objects.filter(pk=line(failed_units, "chloe", "BIO102").pk).update(removed_on=date(2027, 8, 1))
    refs = sweeps._record_absent(year, failed_units["periods"]["SEP"], closes, due)
    assert [r.label for r in refs] == ["2600002 BIO103 2026-2027: A (opportunity 2)"]
    assert sweeps._record_absent(year, failed_units["periods"]["SEP"], closes, due) == []


def test_ex2_repeat_is_cheap(failed_units, django_assert_max_num_queries):
    """A repeat finds nothing to do with a few bulk reads, whatever the number of records (one year here: the
    years, its second-opportunity period, the period's proclamations, the due lines, the tolerated decisions; and
    the savepoint with its ``SET LOCAL jit = off`` around the due lines)."""
    absent_for_unregistered(date(2027, 8, 9))
    with django_assert_max_num_queries(8):
        again = absent_for_unregistered(date(2027, 8, 10))
    assert (again.count, again.skipped) == (0, ())


def test_ex2_a_year_without_a_second_period_is_reported_once(failed_units):
    # The period is in use by Bram's result (protected): make it a first-opportunity period instead.
    ExamPeriod.objects.filter(academic_year=failed_units["year"], opportunity=2).update(opportunity=1)
    first = absent_for_unregistered(date(2027, 8, 9))
    assert first.count == 0 and len(first.skipped) == 1
    assert "no second-opportunity exam period" in first.skipped[0][1]
    assert absent_for_unregistered(date(2027, 8, 10)).skipped == ()


def test_ex2_upcoming_lists_the_closing_per_programme(failed_units):
    due = upcoming_second_opportunity(date(2027, 7, 25), date(2027, 8, 24))
    assert [(d.rule, d.due_on, d.programme) for d in due] == [("EX-2", date(2027, 8, 8), "BA-BIO")]
    assert due[0].what.endswith(": 3")
    assert upcoming_second_opportunity(date(2027, 8, 9), date(2027, 9, 8)) == []
