"""A small faculty for the ombudspersons' tests.

BA-INF: Olga (ombudsperson) with Dirk as deputy; BA-MAT: Oscar with Mia as deputy; Cecile is the central
ombudsperson. An Peeters studies BA-INF, Bram Janssens BA-MAT, both in 2026-2027, each with an irregularity file
(January) and an appeal; An has a mediation case opened by Olga. Appointments go through the services; the
appeals are made directly (their intake is built elsewhere).
"""

from datetime import date, timedelta

import pytest

from appeals.models import Appeal
from appeals.services import ombuds as services
from config.access import Role
from examinations.models import ExamCommittee, ExamPeriod
from examinations.services import irregularity as irregularity_services
from tests.clock import Clock
from tests.enrolment.factories import (
    ContractFactory,
    CourseUnitFactory,
    ProgrammeFactory,
    StudentFactory,
    make_year,
    record_result,
)

SINCE = date(2026, 9, 1)
TODAY = date(2027, 3, 1)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    return Clock(monkeypatch, TODAY)


@pytest.fixture
def people(make_user, student_admin, lecturer, academic_advisor, committee_chair, appeals_secretary, outsider):
    return {
        "admin": student_admin,
        "lecturer": lecturer,
        "advisor": academic_advisor,
        "chair": committee_chair,
        "appeals": appeals_secretary,
        "outsider": outsider,
        "olga": make_user("olga", Role.OMBUDSPERSON, first_name="Olga", last_name="Ombuds"),
        "dirk": make_user("dirk", Role.OMBUDSPERSON, first_name="Dirk", last_name="Deputy"),
        "oscar": make_user("oscar", Role.OMBUDSPERSON, first_name="Oscar", last_name="Other"),
        "mia": make_user("mia", Role.OMBUDSPERSON, first_name="Mia", last_name="Maths-deputy"),
        "cecile": make_user("cecile", Role.OMBUDSPERSON, first_name="Cecile", last_name="Central"),
        "idle": make_user("idle", Role.OMBUDSPERSON, first_name="Ivo", last_name="Idle"),
    }


def make_appeal(student, reference, notified_on=date(2027, 2, 12), **kw):
    return Appeal.objects.create(
        reference=reference, student=student, decision_kind=kw.pop("decision_kind", "exam_decision"),
        decision_notified_on=notified_on, postmarked_on=notified_on + timedelta(days=5),
        received_on=notified_on + timedelta(days=6), lodge_by=notified_on + timedelta(days=7),
        decide_by=notified_on + timedelta(days=26), **kw)


def report(line, period, by):
    irr, _created = irregularity_services.report_irregularity(
        line=line, exam_period=period, discovered_on=date(2027, 1, 20), reported_on=date(2027, 1, 21),
        reported_by_name="Ines Invigilator", description="Notes under the exam paper.", by=by)
    return irr


@pytest.fixture
def uni(db, people):
    year = make_year(2026)
    ba_inf = ProgrammeFactory(code="BA-INF", name="Bachelor of Informatics")
    ba_mat = ProgrammeFactory(code="BA-MAT", name="Bachelor of Mathematics")
    inf101 = CourseUnitFactory(programme=ba_inf, code="INF101", name="Programming")
    mat101 = CourseUnitFactory(programme=ba_mat, code="MAT101", name="Analysis")
    an = StudentFactory(number="2600001", first_name="An", last_name="Peeters")
    bram = StudentFactory(number="2600002", first_name="Bram", last_name="Janssens")
    an_line = ContractFactory(student=an, programme=ba_inf, academic_year=year, units=[inf101]).lines.get()
    bram_line = ContractFactory(student=bram, programme=ba_mat, academic_year=year, units=[mat101]).lines.get()
    record_result(an_line, 12)
    record_result(bram_line, 9)
    ExamCommittee.objects.create(programme=ba_inf)
    ExamCommittee.objects.create(programme=ba_mat)
    jan = ExamPeriod.objects.get(academic_year=year, code="JAN")

    p = people
    for user, role, programme in ((p["olga"], "principal", ba_inf), (p["dirk"], "deputy", ba_inf),
                                  (p["oscar"], "principal", ba_mat), (p["mia"], "deputy", ba_mat),
                                  (p["cecile"], "central", None)):
        services.assign(user=user, role=role, programme=programme, since=SINCE, by=p["admin"])
    case, _created = services.open_mediation(
        student=an, programme=ba_inf, subject="Feedback on the INF101 project refused", kind="unfair_treatment",
        opened_on=date(2027, 2, 20), by=p["olga"], today=TODAY, other_party=p["lecturer"],
        first_note="First talk with the student.")
    return {
        "year": year, "ba_inf": ba_inf, "ba_mat": ba_mat, "an": an, "bram": bram, "jan": jan,
        "an_line": an_line, "bram_line": bram_line,
        "an_irr": report(an_line, jan, p["admin"]), "bram_irr": report(bram_line, jan, p["admin"]),
        "an_appeal": make_appeal(an, "APP-2027-0001"), "bram_appeal": make_appeal(bram, "APP-2027-0002"),
        "an_case": case,
    }
