"""A small university for the page tests, loaded through the dataset importer (the services write the ledgers)."""

import copy
from datetime import date

import pytest

from enrolment.dataset.importer import import_dataset
from enrolment.models import CourseUnit, Programme, StudyContract
from students.models import Student
from tests.clock import Clock

YEAR = {
    "code": "2026-2027", "starts_on": "2026-09-14", "ends_on": "2027-09-12",
    "periods": [
        {"code": "S1", "semester": 1, "starts_on": "2026-09-14", "lessons_end_on": "2026-12-23",
         "ends_on": "2027-02-07", "deregistration_deadline": "2026-11-08"},
        {"code": "S2", "semester": 2, "starts_on": "2027-02-08", "lessons_end_on": "2027-05-21",
         "ends_on": "2027-07-04", "deregistration_deadline": "2027-03-28"},
    ],
    "exam_periods": [
        {"code": "JAN", "opportunity": 1, "starts_on": "2027-01-04", "ends_on": "2027-02-05",
         "results_published_on": "2027-02-12"},
        {"code": "JUN", "opportunity": 1, "starts_on": "2027-06-01", "ends_on": "2027-07-02",
         "results_published_on": "2027-07-09"},
        {"code": "SEP", "opportunity": 2, "starts_on": "2027-08-16", "ends_on": "2027-09-08",
         "results_published_on": "2027-09-10"},
    ],
}


def unit(code, name, credits, period="S1", stage=1, package=1):
    return {"code": code, "name": name, "credits": credits, "period": period,
            "exam_period": "JAN" if period == "S1" else "JUN", "stage": stage, "package": package,
            "result_kind": "numeric", "tolerance_excluded": False, "opportunities": 2}


PROGRAMMES = [
    {"code": "BA-INF", "name": "Bachelor of Informatics", "kind": "bachelor", "credits": 180, "course_units": [
        unit("INF101", "Programming", 6), unit("INF102", "Databases", 6), unit("INF103", "Networks", 5, "S2"),
        unit("INF201", "Operating systems", 6, stage=2, package=2),
    ]},
    {"code": "BA-MAT", "name": "Bachelor of Mathematics", "kind": "bachelor", "credits": 180, "course_units": [
        unit("MAT101", "Analysis", 7), unit("MAT102", "Algebra", 5, "S2"),
    ]},
]


def student(number, first, last, email=None):
    return {"number": number, "first_name": first, "last_name": last, "date_of_birth": "2008-03-01",
            "email": email or f"{first.lower()}.{number}@example.org",
            "address": {"street": "Stationsplein 1", "postcode": "3500", "city": "Hasselt", "country": "BE"}}


def enrolment(number, programme="BA-INF", units=("INF101", "INF102", "INF103"), on="2026-09-10"):
    return {"student": number, "programme": programme, "academic_year": "2026-2027", "contract": "diploma",
            "enrolled_on": on, "deregistered_on": None, "deregistration_reason": None,
            "course_units": [{"code": c, "added_on": on, "removed_on": None, "exempted": False} for c in units]}


def dataset(students=(), enrolments=()):
    return {"format": "eel-dataset/1", "regulations": "uhasselt-2026-2027", "academic_years": [copy.deepcopy(YEAR)],
            "programmes": copy.deepcopy(PROGRAMMES), "students": list(students), "enrolments": list(enrolments)}


TODAY = date(2027, 1, 15)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """The pages' "today": 2027-01-15, in the middle of the school's academic year; ``today.set(date)``."""
    return Clock(monkeypatch, TODAY)


@pytest.fixture
def school(db):
    """An Peeters (2600001) enrolled in BA-INF stage 1; Bram Janssens (2600002) not enrolled yet."""
    import_dataset(dataset(
        students=[student("2600001", "An", "Peeters", "an.peeters@example.org"),
                  student("2600002", "Bram", "Janssens")],
        enrolments=[enrolment("2600001")],
    ))
    return {
        "an": Student.objects.get(number="2600001"),
        "bram": Student.objects.get(number="2600002"),
        "contract": StudyContract.objects.get(student__number="2600001"),
        "ba_inf": Programme.objects.get(code="BA-INF"),
        "ba_mat": Programme.objects.get(code="BA-MAT"),
        "units": {u.code: u for u in CourseUnit.objects.all()},
    }


@pytest.fixture
def many_students(db):
    """load(n): n more students, each enrolled in BA-INF (for query budgets that must not grow)."""

    def load(n, start=2700000):
        numbers = [str(start + i) for i in range(n)]
        import_dataset(dataset(students=[student(no, f"First{no}", f"Last{no}") for no in numbers],
                               enrolments=[enrolment(no) for no in numbers]))
        return numbers

    return load
