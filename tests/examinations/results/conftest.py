"""A small faculty for the results tests: one bachelor programme in 2026-2027 with four units, three students,
a coordinating lecturer (Lien) for two of the units and a second lecturer (Paul) for a third."""

from datetime import date

import pytest

from config.access import Role
from enrolment.models import ProgrammeLine
from examinations.models import CourseUnitLecturer, ExamPeriod, Proclamation
from tests.enrolment.factories import (
    ContractFactory,
    CourseUnitFactory,
    ProgrammeFactory,
    StudentFactory,
    make_year,
)


@pytest.fixture
def faculty(db, lecturer, make_user):
    year = make_year(2026)
    ba = ProgrammeFactory(code="BA-BIO", name="Bachelor of Biology")
    units = {
        "BIO101": CourseUnitFactory(programme=ba, code="BIO101", name="Cell biology", credits=6),
        "BIO102": CourseUnitFactory(programme=ba, code="BIO102", name="Ecology", credits=5, period_code="S2"),
        "BIO103": CourseUnitFactory(programme=ba, code="BIO103", name="Lab skills", credits=3,
                                    result_kind="pass_fail"),
        "BIO104": CourseUnitFactory(programme=ba, code="BIO104", name="Field trip", credits=3, opportunities=1),
    }
    students = {
        name: StudentFactory(number=number, first_name=name.title(), last_name=last)
        for name, number, last in [("an", "2600001", "Peeters"), ("bram", "2600002", "Janssens"),
                                   ("chloe", "2600003", "Claes")]
    }
    contracts = {name: ContractFactory(student=s, programme=ba, academic_year=year, units=list(units.values()))
                 for name, s in students.items()}
    paul = make_user("paul", Role.LECTURER, first_name="Paul", last_name="Other")
    CourseUnitLecturer.objects.create(course_unit=units["BIO101"], user=lecturer, coordinating=True)
    CourseUnitLecturer.objects.create(course_unit=units["BIO102"], user=lecturer, coordinating=True)
    CourseUnitLecturer.objects.create(course_unit=units["BIO103"], user=paul, coordinating=True)
    CourseUnitLecturer.objects.create(course_unit=units["BIO103"], user=lecturer, coordinating=False)
    periods = {p.code: p for p in ExamPeriod.objects.filter(academic_year=year)}
    return {"year": year, "ba": ba, "units": units, "students": students, "contracts": contracts,
            "periods": periods, "paul": paul}


def line(faculty, student, unit) -> ProgrammeLine:
    return ProgrammeLine.objects.select_related("contract", "course_unit").get(
        student=faculty["students"][student], course_unit=faculty["units"][unit])


def proclaim(faculty, period_code, on=None):
    period = faculty["periods"][period_code]
    return Proclamation.objects.create(exam_period=period, programme=faculty["ba"],
                                       published_on=on or period.results_published_on)


JAN_2027 = date(2027, 2, 12)


@pytest.fixture
def clock(monkeypatch):
    """Today is 11 September 2027, the end of the academic year 2026-2027: every test date lies in the past."""
    from tests.clock import Clock

    return Clock(monkeypatch, date(2027, 9, 11))
