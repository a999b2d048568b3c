"""A small faculty for the intake tests: BA-INF and BA-MAT in 2026-2027; An Peeters (BA-INF) with a proclaimed
January decision (published 2027-02-12) and an irregularity decision on INF102; Bram Janssens (BA-MAT) with his
own January decision. One user per role, an ombudsperson seated on each programme's examination committee.
"Today" is 2027-02-22 (tests/clock.py)."""

from datetime import date

import pytest
from django.test import override_settings

from appeals.services import intake as services
from config.access import Role
from examinations.models import (
    CommitteeMember,
    ExamCommittee,
    ExamPeriod,
    Irregularity,
    Proclamation,
    StudyProgressDecision,
)
from tests.clock import Clock
from tests.enrolment.factories import (
    ContractFactory,
    CourseUnitFactory,
    ProgrammeFactory,
    StudentFactory,
    make_year,
)

TODAY = date(2027, 2, 22)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    return Clock(monkeypatch, TODAY)


@pytest.fixture(autouse=True)
def private_media(tmp_path):
    root = tmp_path / "private"
    with override_settings(PRIVATE_MEDIA_ROOT=root):
        yield root


@pytest.fixture
def people(make_user, student_admin, appeals_secretary, ombudsperson, lecturer, academic_advisor, outsider,
           committee_chair):
    return {
        "secretary": appeals_secretary,
        "chair": make_user("appeals_chair", Role.APPEALS_CHAIR, first_name="Anna", last_name="Alen"),
        "member": make_user("appeals_member", Role.APPEALS_MEMBER, first_name="Bram", last_name="Bos"),
        "admin": student_admin,
        "ombuds": ombudsperson,
        "mat_ombuds": make_user("mat_ombuds", Role.OMBUDSPERSON, first_name="Oscar", last_name="Other"),
        "lecturer": lecturer,
        "advisor": academic_advisor,
        "exam_chair": committee_chair,
        "outsider": outsider,
    }


def decision_for(student, programme, period, published_on):
    proclamation = (Proclamation.objects.filter(exam_period=period, programme=programme).first()
                    or Proclamation.objects.create(exam_period=period, programme=programme,
                                                   published_on=published_on))
    return StudyProgressDecision.objects.create(
        student=student, programme=programme, exam_period=period, proclamation=proclamation,
        decided_on=published_on, programme_passed=False, packages=[])


@pytest.fixture
def uni(db, people):
    year = make_year(2026)
    jan = ExamPeriod.objects.get(academic_year=year, code="JAN")
    ba_inf = ProgrammeFactory(code="BA-INF", name="Bachelor of Informatics")
    ba_mat = ProgrammeFactory(code="BA-MAT", name="Bachelor of Mathematics")
    inf102 = CourseUnitFactory(programme=ba_inf, code="INF102", name="Databases")
    mat101 = CourseUnitFactory(programme=ba_mat, code="MAT101", name="Analysis")
    an = StudentFactory(number="2600001", first_name="An", last_name="Peeters")
    bram = StudentFactory(number="2600002", first_name="Bram", last_name="Janssens")
    ContractFactory(student=an, programme=ba_inf, academic_year=year, units=[inf102])
    ContractFactory(student=bram, programme=ba_mat, academic_year=year, units=[mat101])
    inf_committee = ExamCommittee.objects.create(programme=ba_inf)
    mat_committee = ExamCommittee.objects.create(programme=ba_mat)
    CommitteeMember.objects.create(committee=inf_committee, user=people["ombuds"], role="ombudsperson",
                                   since=date(2026, 9, 1))
    CommitteeMember.objects.create(committee=mat_committee, user=people["mat_ombuds"], role="ombudsperson",
                                   since=date(2026, 9, 1))
    irregularity = Irregularity.objects.create(
        student=an, course_unit=inf102, exam_period=jan, committee=inf_committee, discovered_on=date(2027, 1, 12),
        reported_on=date(2027, 1, 13), reported_by_name="Ingrid Invigilator", description="Notes under the paper",
        status="notified", irregularity_found=True, decided_on=date(2027, 2, 11), decision_reasons="Cheating",
        letter_sent_on=date(2027, 2, 15))
    return {
        "year": year, "jan": jan, "ba_inf": ba_inf, "ba_mat": ba_mat, "an": an, "bram": bram,
        "an_jan": decision_for(an, ba_inf, jan, date(2027, 2, 12)),
        "bram_jan": decision_for(bram, ba_mat, jan, date(2027, 2, 12)),
        "irregularity": irregularity,
    }


@pytest.fixture
def register(uni, people):
    """register(**overrides) -> the appeal, through the service (An's January decision, in time by default)."""

    def make(**kw):
        kw.setdefault("student", uni["an"])
        if "decision_kind" not in kw and "contested_irregularity" not in kw:
            kw.setdefault("contested_decision", uni["an_jan"])
        kw.setdefault("decision_kind", "")
        kw.setdefault("postmarked_on", date(2027, 2, 18))
        kw.setdefault("received_on", date(2027, 2, 19))
        kw.setdefault("by", people["secretary"])
        appeal, _ = services.register_appeal(**kw)
        return appeal

    return make


def all_yes(**overrides):
    """The points the secretary reads, all met, with ``point=(False, reason)`` overrides."""
    answers = {p: (True, "") for p in ("name", "address", "signature", "decision_identified", "arguments")}
    answers.update(overrides)
    return answers
