"""A small faculty for the irregularity tests: BA-INF with its committee (chair, vice chair, secretary, two
members, an ombudsperson), BA-MAT with its own (another chair and ombudsperson), and An Peeters in BA-INF
2026-2027 with January results (proclaimed) and a June unit not yet graded.

Committee rows are made here directly (the committee pages are built elsewhere).
"""

from datetime import date

import pytest

from config.access import Role
from examinations.models import CommitteeMember, ExamCommittee, ExamPeriod, IrregularityStatus
from examinations.services import irregularity as services
from tests.enrolment.factories import (
    ContractFactory,
    CourseUnitFactory,
    ProgrammeFactory,
    StudentFactory,
    make_year,
    record_result,
)

SINCE = date(2026, 9, 1)


def seat(committee, user, role, since=SINCE, until=None):
    return CommitteeMember.objects.create(committee=committee, user=user, role=role, since=since, until=until)


@pytest.fixture
def people(make_user, student_admin, lecturer, academic_advisor, outsider):
    return {
        "admin": student_admin,
        "lecturer": lecturer,
        "advisor": academic_advisor,
        "outsider": outsider,
        "chair": make_user("chair", Role.COMMITTEE_CHAIR, first_name="Koen", last_name="Chair"),
        "vice": make_user("vice", Role.COMMITTEE_MEMBER, first_name="Vera", last_name="Vice"),
        "secretary": make_user("secretary", Role.COMMITTEE_SECRETARY, first_name="Sien", last_name="Secretary"),
        "member": make_user("member", Role.COMMITTEE_MEMBER, first_name="Mo", last_name="Member"),
        "member2": make_user("member2", Role.COMMITTEE_MEMBER, first_name="Mira", last_name="Member"),
        "ombuds": make_user("ombuds", Role.OMBUDSPERSON, first_name="Olga", last_name="Ombuds"),
        "mat_chair": make_user("mat_chair", Role.COMMITTEE_CHAIR, first_name="Marc", last_name="Maths"),
        "mat_ombuds": make_user("mat_ombuds", Role.OMBUDSPERSON, first_name="Oscar", last_name="Other"),
        "mat_member": make_user("mat_member", Role.COMMITTEE_MEMBER, first_name="Max", last_name="Maths"),
    }


@pytest.fixture
def uni(db, people):
    year = make_year(2026)
    ba_inf = ProgrammeFactory(code="BA-INF", name="Bachelor of Informatics")
    ba_mat = ProgrammeFactory(code="BA-MAT", name="Bachelor of Mathematics")
    units = {
        "INF101": CourseUnitFactory(programme=ba_inf, code="INF101", name="Programming"),
        "INF102": CourseUnitFactory(programme=ba_inf, code="INF102", name="Databases"),
        "INF103": CourseUnitFactory(programme=ba_inf, code="INF103", name="Networks", period_code="S2"),
        "INF104": CourseUnitFactory(programme=ba_inf, code="INF104", name="Ethics", result_kind="pass_fail"),
        "MAT101": CourseUnitFactory(programme=ba_mat, code="MAT101", name="Analysis"),
    }
    an = StudentFactory(number="2600001", first_name="An", last_name="Peeters")
    contract = ContractFactory(student=an, programme=ba_inf, academic_year=year,
                               units=[units[c] for c in ("INF101", "INF102", "INF103", "INF104")])
    lines = {ln.course_unit.code: ln for ln in contract.lines.select_related("course_unit", "contract")}
    results = {
        "INF101": record_result(lines["INF101"], 12),
        "INF102": record_result(lines["INF102"], 7),
        "INF104": record_result(lines["INF104"], "pass"),
    }
    bram = StudentFactory(number="2600002", first_name="Bram", last_name="Janssens")
    mat_contract = ContractFactory(student=bram, programme=ba_mat, academic_year=year, units=[units["MAT101"]])
    mat_line = mat_contract.lines.get()
    record_result(mat_line, 9)

    inf = ExamCommittee.objects.create(programme=ba_inf)
    for key, role in (("chair", "chair"), ("vice", "vice_chair"), ("secretary", "secretary"), ("member", "member"),
                      ("member2", "member"), ("ombuds", "ombudsperson")):
        seat(inf, people[key], role)
    mat = ExamCommittee.objects.create(programme=ba_mat)
    for key, role in (("mat_chair", "chair"), ("mat_ombuds", "ombudsperson"), ("mat_member", "member")):
        seat(mat, people[key], role)
    periods = {p.code: p for p in ExamPeriod.objects.filter(academic_year=year)}
    return {"year": year, "ba_inf": ba_inf, "ba_mat": ba_mat, "units": units, "an": an, "bram": bram,
            "lines": lines, "mat_line": mat_line, "results": results, "periods": periods,
            "committees": {"BA-INF": inf, "BA-MAT": mat}}


def report(uni, by, unit="INF101", period="JAN", discovered_on=date(2027, 1, 28), reported_on=date(2027, 2, 1),
           line=None, **kw):
    kw.setdefault("reported_by_name", "Ines Invigilator")
    kw.setdefault("description", "A page of notes under the exam paper.")
    irr, _ = services.report_irregularity(
        line=line or uni["lines"][unit], exam_period=uni["periods"][period], discovered_on=discovered_on,
        reported_on=reported_on, by=by, **kw)
    return irr


ORDER = [IrregularityStatus.REPORTED, IrregularityStatus.INFORMED, IrregularityStatus.HEARING_PLANNED,
         IrregularityStatus.HEARD, IrregularityStatus.DECIDED]


def advance(irr, to, people, found=True):
    """Walk a file through the real services up to the state ``to`` (at most: decided)."""
    steps = {
        IrregularityStatus.INFORMED: lambda: services.inform(
            irr.pk, ombudsperson_informed_on=date(2027, 2, 2), student_informed_on=date(2027, 2, 2),
            by=people["chair"]),
        IrregularityStatus.HEARING_PLANNED: lambda: services.plan_hearing(
            irr.pk, invited_on=date(2027, 2, 3), held_on=date(2027, 2, 8), by=people["secretary"]),
        IrregularityStatus.HEARD: lambda: services.record_hearing(
            irr.pk, held_on=date(2027, 2, 8), student_attended=True, examiner_attended=True,
            ombudsperson_attended=True, counsel="Mr. Lawyer", report="The student admits the notes were hers.",
            by=people["chair"]),
        IrregularityStatus.DECIDED: lambda: services.decide(
            irr.pk, found=found, decided_on=date(2027, 2, 10),
            reasons="The notes cover the exam's questions; the student admitted using them.", by=people["chair"]),
    }
    for state in ORDER[ORDER.index(irr.status) + 1: ORDER.index(to) + 1]:
        irr = steps[state]()
    return irr


@pytest.fixture
def file_at(uni, people):
    """file_at(state, found=True, **report kwargs): a file on INF101 (JAN) walked to ``state``."""

    def make(state=IrregularityStatus.REPORTED, found=True, **kw):
        return advance(report(uni, people["admin"], **kw), state, people, found=found)

    return make
