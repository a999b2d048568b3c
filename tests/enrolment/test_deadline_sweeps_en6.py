"""EN-6 (UH 3.4.2): deregistration from year-long units closes after 15 December: the removal guard refuses it,
and the sweep records the closure once per academic year."""

from __future__ import annotations

from datetime import date

import pytest

from enrolment import services
from enrolment.deadline_sweeps import close_year_long_deregistration, upcoming_year_long_deregistration
from enrolment.models import DeadlineFlag, EducationPeriod, ProgrammeLine
from tests.enrolment.factories import (
    ContractFactory,
    CourseUnitFactory,
    ProgrammeFactory,
    StudentFactory,
    make_year,
    table_counts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    return make_year(2026)


def test_en6_sweep_boundary_day_and_twice_is_once(year):
    assert close_year_long_deregistration(date(2026, 12, 15)).count == 0
    first = close_year_long_deregistration(date(2026, 12, 16))
    assert [(r.model, r.pk) for r in first.affected] == [("enrolment.academicyear", year.pk)]
    assert "closed after 2026-12-15" in first.affected[0].label
    assert close_year_long_deregistration(date(2026, 12, 16)).count == 0
    assert close_year_long_deregistration(date(2026, 12, 17)).count == 0
    flag = DeadlineFlag.objects.get(rule="EN-6")
    assert (flag.kind, flag.due_on, flag.flagged_on) == ("year_long_closed", date(2026, 12, 15), date(2026, 12, 16))


def test_en6_catch_up_records_every_year_once(year):
    earlier = make_year(2025)
    make_year(2027)  # its 15 December has not come
    result = close_year_long_deregistration(date(2027, 3, 1))
    assert sorted(r.pk for r in result.affected) == sorted([earlier.pk, year.pk])
    assert close_year_long_deregistration(date(2027, 3, 2)).count == 0


def test_en6_the_date_comes_from_the_academic_calendar(year):
    EducationPeriod.objects.filter(academic_year=year, code="YEAR").update(deregistration_deadline=date(2026, 12, 18))
    assert close_year_long_deregistration(date(2026, 12, 18)).count == 0
    assert close_year_long_deregistration(date(2026, 12, 19)).count == 1


def test_en6_upcoming_shows_the_last_day(year):
    items = upcoming_year_long_deregistration(date(2026, 11, 23), date(2026, 12, 23))
    assert [(d.rule, d.due_on, d.programme, d.ref.pk) for d in items] == [("EN-6", date(2026, 12, 15), "", year.pk)]
    assert "year-long" in items[0].what
    assert upcoming_year_long_deregistration(date(2026, 12, 16), date(2027, 1, 15)) == []


@pytest.fixture
def lines(year):
    programme = ProgrammeFactory(code="BA-BIO")
    long = CourseUnitFactory(programme=programme, code="BIO100", period_code="YEAR", credits=10)
    s1 = CourseUnitFactory(programme=programme, code="BIO101", period_code="S1")
    c = ContractFactory(student=StudentFactory(), programme=programme, academic_year=year,
                        enrolled_on=date(2026, 9, 10), units=[long, s1])
    return {"long": ProgrammeLine.objects.get(contract=c, course_unit=long),
            "s1": ProgrammeLine.objects.get(contract=c, course_unit=s1)}


def test_en6_removing_a_year_long_unit_after_15_december_is_refused_and_changes_nothing(lines):
    counts = table_counts()
    with pytest.raises(services.EnrolmentRefused, match=r"BIO100 runs over the whole academic year.*2026-12-15"):
        services.remove_unit(lines["long"], date(2026, 12, 16), today=date(2027, 1, 5))
    with pytest.raises(services.EnrolmentRefused, match="UH 3.4.2"):
        services.preview_removal(lines["long"], date(2026, 12, 16), today=date(2027, 1, 5))
    assert table_counts() == counts


def test_en6_removing_a_year_long_unit_on_15_december_is_still_possible(lines):
    line = services.remove_unit(lines["long"], date(2026, 12, 15), today=date(2026, 12, 15))
    assert line.removed_on == date(2026, 12, 15)


def test_en6_a_semester_unit_until_halfway_through_its_period(lines):
    """UH 3.4.2: the semester's own date of the calendar (8 November for S1), not 15 December."""
    counts = table_counts()
    with pytest.raises(services.EnrolmentRefused, match=r"until 2026-11-08, halfway through .* S1"):
        services.remove_unit(lines["s1"], date(2026, 11, 9), today=date(2026, 12, 20))
    assert table_counts() == counts
    line = services.remove_unit(lines["s1"], date(2026, 11, 8), today=date(2026, 12, 20))
    assert line.removed_on == date(2026, 11, 8)
