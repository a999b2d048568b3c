"""A programme with a full examination committee, students with first-opportunity results, and helpers to take
a meeting through its steps with the real services."""

from datetime import date

import pytest

from config.access import Role
from examinations.models import CommitteeMember, ExamCommittee, ExamPeriod
from examinations.services import committee as services
from tests.enrolment.factories import (
    ContractFactory,
    CourseUnitFactory,
    ProgrammeFactory,
    StudentFactory,
    make_year,
    record_result,
)

HELD_ON = date(2027, 7, 6)
SINCE = date(2026, 9, 1)


@pytest.fixture
def year(db):
    return make_year(2026)


@pytest.fixture
def programme(year):
    return ProgrammeFactory(code="BA-TST", name="Bachelor of Testing", kind="bachelor", credits=180)


@pytest.fixture
def units(programme):
    """Package 1: ten units of 6 credits, examined in June (first opportunity)."""
    return [CourseUnitFactory(programme=programme, code=f"TST1{i:02d}", credits=6, period_code="S2", package=1)
            for i in range(10)]


@pytest.fixture
def june(year):
    return ExamPeriod.objects.get(academic_year=year, code="JUN")


@pytest.fixture
def enrol(year, programme, units):
    """enrol(grades, number=None) -> the student, enrolled in package 1 with one grade per unit (None: none)."""

    def make(grades, number=None, last_name=None):
        fields = {}
        if number:
            fields["number"] = number
        if last_name:
            fields["last_name"] = last_name
        student = StudentFactory(**fields)
        contract = ContractFactory(student=student, programme=programme, academic_year=year, units=units)
        for line, grade in zip(contract.lines.order_by("course_unit__code"), grades, strict=True):
            if grade is not None:
                record_result(line, grade, proclaimed=False)
        return student

    return make


# Passes everything; one tolerable fail at 63% (passes with tolerance); two fails of 7 (fails).
ALL_PASSED = [14] * 10
TOLERATED = [9] + [13] * 9
FAILED = [7, 7] + [12] * 8


@pytest.fixture
def people(make_user):
    return {
        "chair": make_user("ec_chair", Role.COMMITTEE_CHAIR, first_name="Charlotte", last_name="Claes"),
        "vice": make_user("ec_vice", Role.COMMITTEE_MEMBER, first_name="Victor", last_name="Vos"),
        "secretary": make_user("ec_secretary", Role.COMMITTEE_SECRETARY, first_name="Sofie", last_name="Segers"),
        "member1": make_user("ec_member1", Role.COMMITTEE_MEMBER, first_name="Milan", last_name="Maes"),
        "member2": make_user("ec_member2", Role.COMMITTEE_MEMBER, first_name="Nora", last_name="Nys"),
        "ombuds": make_user("ec_ombuds", Role.OMBUDSPERSON, first_name="Olivia", last_name="Op de Beeck"),
        "advisor": make_user("ec_advisor", Role.ACADEMIC_ADVISOR, first_name="Amir", last_name="Aerts"),
    }


ROLES = {"chair": "chair", "vice": "vice_chair", "secretary": "secretary", "member1": "member", "member2": "member",
         "ombuds": "ombudsperson", "advisor": "academic_advisor"}


@pytest.fixture
def committee(programme, people):
    committee = ExamCommittee.objects.create(programme=programme)
    for key, role in ROLES.items():
        CommitteeMember.objects.create(committee=committee, user=people[key], role=role, since=SINCE)
    return committee


@pytest.fixture
def meeting_for(committee, june, people):
    """meeting_for(present=(...keys...), kind="committee", open=True) -> a meeting with that attendance."""

    def make(present=tuple(ROLES), kind="committee", open=True, reason="", replaces=None, held_on=HELD_ON):
        meeting = services.create_meeting(committee.pk, kind, "physical", june.pk, held_on, by=people["secretary"])
        members = {m.user_id: m for m in committee.members.all()}
        rows = {}
        for key, user in people.items():
            rows[members[user.id].id] = {"present": key in present,
                                         "replaces": (replaces or {}).get(key, "")}
        services.record_attendance(meeting.pk, rows)
        if open:
            meeting = services.open_meeting(meeting.pk, people["secretary"], presiding_reason=reason)
        return meeting

    return make


@pytest.fixture
def signed(meeting_for, people):
    """signed(decide=callable(meeting)) -> an opened meeting, decided, closed and signed by chair and secretary."""

    def make(decide=None):
        meeting = meeting_for()
        if decide:
            decide(meeting)
        services.close_meeting(meeting.pk, people["secretary"])
        services.sign_meeting(meeting.pk, people["chair"])
        services.sign_meeting(meeting.pk, people["secretary"])
        meeting.refresh_from_db()
        return meeting

    return make
