"""factory_boy factories for the enrolment, students and examinations models, and the academic calendar of
shared/spec/dataset.md (2026-2027, shifted by whole years for later years)."""

from __future__ import annotations

from datetime import date

import factory

from enrolment.models import (
    AcademicYear,
    CourseUnit,
    Degree,
    EducationPeriod,
    Programme,
    ProgrammeLine,
    StudyContract,
)
from examinations.models import ExamPeriod, Outcome, Proclamation, Result
from students.models import Student

UH_CODE = "uhasselt-2026-2027"
PXL_CODE = "pxl-2018-2019"

# dataset.md's calendar for 2026-2027; other years shift every date by whole years.
PERIODS = [
    {"code": "S1", "semester": 1, "starts_on": date(2026, 9, 14), "lessons_end_on": date(2026, 12, 23),
     "ends_on": date(2027, 2, 7), "deregistration_deadline": date(2026, 11, 8)},
    {"code": "S2", "semester": 2, "starts_on": date(2027, 2, 8), "lessons_end_on": date(2027, 5, 21),
     "ends_on": date(2027, 7, 4), "deregistration_deadline": date(2027, 3, 28)},
    {"code": "YEAR", "semester": 1, "starts_on": date(2026, 9, 14), "lessons_end_on": date(2027, 5, 21),
     "ends_on": date(2027, 7, 4), "deregistration_deadline": date(2026, 12, 15)},
]
EXAM_PERIODS = [
    {"code": "JAN", "opportunity": 1, "starts_on": date(2027, 1, 4), "ends_on": date(2027, 2, 5),
     "results_published_on": date(2027, 2, 12)},
    {"code": "JUN", "opportunity": 1, "starts_on": date(2027, 6, 1), "ends_on": date(2027, 7, 2),
     "results_published_on": date(2027, 7, 9)},
    {"code": "SEP", "opportunity": 2, "starts_on": date(2027, 8, 16), "ends_on": date(2027, 9, 8),
     "results_published_on": date(2027, 9, 10)},
]


def shift(d: date, years: int) -> date:
    return d.replace(year=d.year + years)


def year_code(start: int) -> str:
    return f"{start}-{start + 1}"


def make_year(start: int = 2026, regulations: str = UH_CODE) -> AcademicYear:
    """An academic year with the periods S1, S2, YEAR and exam periods JAN, JUN, SEP of dataset.md."""
    off = start - 2026
    year = AcademicYear.objects.create(code=year_code(start), starts_on=shift(date(2026, 9, 14), off),
                                       ends_on=shift(date(2027, 9, 12), off), regulations=regulations)
    for p in PERIODS:
        EducationPeriod.objects.create(academic_year=year, **{k: shift(v, off) if isinstance(v, date) else v
                                                              for k, v in p.items()})
    for e in EXAM_PERIODS:
        ExamPeriod.objects.create(academic_year=year, **{k: shift(v, off) if isinstance(v, date) else v
                                                         for k, v in e.items()})
    return year


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"PR{n}")
    name = factory.LazyAttribute(lambda o: f"Programme {o.code}")
    kind = "bachelor"
    credits = 180


class CourseUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseUnit

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"CU{n}")
    name = factory.LazyAttribute(lambda o: f"Unit {o.code}")
    credits = 6
    period_code = "S1"
    exam_period_code = factory.LazyAttribute(lambda o: "JUN" if o.period_code in ("S2", "YEAR") else "JAN")
    stage = 1
    package = 1


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    number = factory.Sequence(lambda n: f"26{n:05d}")
    first_name = "An"
    last_name = factory.Sequence(lambda n: f"Peeters{n}")
    date_of_birth = date(2008, 3, 1)
    email = factory.LazyAttribute(lambda o: f"{o.number}@example.org")
    street = "Stationsplein 1"
    postcode = "3500"
    city = "Hasselt"
    country = "BE"


class ContractFactory(factory.django.DjangoModelFactory):
    """A study contract; pass ``units=[...]`` to create its lines on the enrolment date."""

    class Meta:
        model = StudyContract
        skip_postgeneration_save = True

    student = factory.SubFactory(StudentFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    academic_year = None
    kind = "diploma"
    enrolled_on = factory.LazyAttribute(lambda o: date(o.academic_year.starts_on.year, 9, 10))

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        for unit in extracted or ():
            ProgrammeLine.objects.create(contract=self, course_unit=unit, student=self.student,
                                         academic_year=self.academic_year, added_on=self.enrolled_on)


class DegreeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Degree

    student = factory.SubFactory(StudentFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    awarded_on = date(2029, 7, 9)


def record_result(line: ProgrammeLine, grade: int | str, opportunity: int = 1, proclaimed: bool = True) -> Result:
    """A result for a study-programme line, in the unit's first-opportunity period (or the second one); by
    default its exam period is proclaimed for the programme on the period's publication date (EX-8)."""
    unit = line.course_unit
    periods = ExamPeriod.objects.filter(academic_year=line.academic_year)
    period = periods.get(opportunity=2) if opportunity == 2 else periods.get(code=unit.exam_period_code)
    if isinstance(grade, int):
        outcome, value = Outcome.NUMERIC, grade
    else:
        outcome, value = grade, None
    if proclaimed and not Proclamation.objects.filter(exam_period=period,
                                                      programme_id=line.contract.programme_id).exists():
        Proclamation.objects.create(exam_period=period, programme_id=line.contract.programme_id,
                                    published_on=period.results_published_on)
    return Result.objects.create(line=line, student=line.student, academic_year=line.academic_year,
                                 course_unit=unit, exam_period=period, opportunity=opportunity, outcome=outcome,
                                 grade=value)


def table_counts(app_labels=("students", "enrolment", "examinations")) -> dict[str, int]:
    """Rows per model of these apps: a refused action must leave every one unchanged."""
    from django.apps import apps

    return {m._meta.label: m.objects.count() for a in app_labels for m in apps.get_app_config(a).get_models()}
