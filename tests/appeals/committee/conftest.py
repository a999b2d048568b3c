"""A faculty for the appeals committee's tests.

BA-INF (bachelor, package 1 of ten June units of 6 credits) in 2026-2027, with its examination committee; An
Peeters failed INF100 with a 7 and passed the other nine with 12: the June decision, proclaimed on 2027-07-09,
says package 1 is not passed. Bram Janssens passed everything. An lodges an appeal (postmarked 2027-07-13,
received 2027-07-14: decide by 2027-08-03) that the secretary registers and finds admissible through the intake's
services.

The appeals committee's pool: an external chair (Anna Alen, born 1955), a secretary, four voting members (the
oldest, Dirk Deputy, born 1958) and Eva Exam, who sits on BA-INF's examination committee (involved). "Now" is
2027-07-20 09:00 in Brussels (``clock``: ``timezone.now`` and ``timezone.localdate``).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from appeals.services import committee as services
from appeals.services import intake as intake_services
from config.access import Role
from enrolment.outbox import deliver_due
from examinations.models import CommitteeMember, ExamCommittee, ExamPeriod, Proclamation, StudyProgressDecision
from examinations.queries import deliberation_proposal
from students.services import sync_ledgers
from tests.enrolment.factories import (
    ContractFactory,
    CourseUnitFactory,
    ProgrammeFactory,
    StudentFactory,
    make_year,
    record_result,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = datetime(2027, 7, 20, 9, 0, tzinfo=BRUSSELS)
PUBLISHED = date(2027, 7, 9)
TERM = date(2026, 10, 1)


def at(day: int, hour: int = 10, minute: int = 0, month: int = 7) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=BRUSSELS)


class BrokenMailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server does not answer")


def sent_mail() -> list:
    """The committee's e-mails go through the outbox: deliver what waits (as the task after commit, or the beat's
    ``outbox.deliver_due``, does) and return the mail sent so far."""
    deliver_due()
    return mail.outbox


class NowClock:
    """``timezone.now()`` and ``timezone.localdate()`` answer a fixed moment; ``set(datetime)`` moves it."""

    def __init__(self, monkeypatch, value: datetime):
        self.value = value
        real_localdate = timezone.localdate
        monkeypatch.setattr("django.utils.timezone.now", lambda: self.value)

        def localdate(value=None, timezone=None):
            return real_localdate(self.value if value is None else value, timezone)

        monkeypatch.setattr("django.utils.timezone.localdate", localdate)

    def set(self, value: datetime) -> datetime:
        self.value = value
        return value


@pytest.fixture
def clock(monkeypatch):
    return NowClock(monkeypatch, NOW)


@pytest.fixture
def people(make_user, appeals_secretary, student_admin, ombudsperson, lecturer, outsider, committee_chair):
    return {
        "secretary": appeals_secretary,
        "chair": make_user("appeals_chair", Role.APPEALS_CHAIR, first_name="Anna", last_name="Alen"),
        "deputy": make_user("deputy", Role.APPEALS_MEMBER, first_name="Dirk", last_name="Deputy"),
        "member1": make_user("member1", Role.APPEALS_MEMBER, first_name="Mo", last_name="Maes"),
        "member2": make_user("member2", Role.APPEALS_MEMBER, first_name="Nora", last_name="Nys"),
        "member3": make_user("member3", Role.APPEALS_MEMBER, first_name="Olaf", last_name="Oris"),
        "exam": make_user("eva_exam", Role.APPEALS_MEMBER, Role.COMMITTEE_MEMBER, first_name="Eva",
                          last_name="Exam"),
        "admin": student_admin,
        "ombuds": ombudsperson,
        "lecturer": lecturer,
        "exam_chair": committee_chair,
        "outsider": outsider,
    }


@pytest.fixture
def pool(people, db):
    """The pool through the service: chair, secretary, five voting members."""
    def seat(key, role, born_on, **kw):
        return services.add_pool_member(user=people[key], role=role, since=TERM, born_on=born_on,
                                        by=people["secretary"], **kw)

    return {
        "chair": seat("chair", "chair", date(1955, 3, 1), external=True, faculty="External legal expert"),
        "secretary": seat("secretary", "secretary", None),
        "deputy": seat("deputy", "member", date(1958, 6, 1), faculty="Medicine"),
        "member1": seat("member1", "member", date(1965, 1, 1), faculty="Sciences"),
        "member2": seat("member2", "member", date(1970, 1, 1), faculty="Law"),
        "member3": seat("member3", "member", date(1975, 1, 1), faculty="Business"),
        "exam": seat("exam", "member", date(1980, 1, 1), faculty="Sciences"),
    }


def proclaim_decisions(programme, period, published_on) -> dict[str, StudyProgressDecision]:
    """The proclamation and one study-progress decision per student, from the deliberation proposal (as
    ``examinations.services.committee.proclaim`` writes them)."""
    proclamation = Proclamation.objects.create(exam_period=period, programme=programme, published_on=published_on)
    out = {}
    for entry in deliberation_proposal(programme.code, period.academic_year.code, period.opportunity)["students"]:
        from students.models import Student

        student = Student.objects.get(number=entry["student"])
        packages = [{**p, "proposed": p["passed"]} for p in entry["packages"]]
        out[entry["student"]] = StudyProgressDecision.objects.create(
            student=student, programme=programme, exam_period=period, proclamation=proclamation,
            decided_on=published_on, programme_passed=entry["programme_passed"],
            distinction=entry["distinction"] or "", packages=packages,
            weighted_percentage=packages[0]["weighted_percentage"] if len(packages) == 1 else None)
    return out


@pytest.fixture
def uni(db, people, clock):
    year = make_year(2026)
    june = ExamPeriod.objects.get(academic_year=year, code="JUN")
    ba_inf = ProgrammeFactory(code="BA-INF", name="Bachelor of Informatics", kind="bachelor", credits=180)
    units = [CourseUnitFactory(programme=ba_inf, code=f"INF1{i:02d}", name=f"Unit {i}", credits=6,
                               period_code="S2", package=1) for i in range(10)]
    an = StudentFactory(number="2600001", first_name="An", last_name="Peeters", email="an.peeters@example.org")
    bram = StudentFactory(number="2600002", first_name="Bram", last_name="Janssens")
    results = {}
    for student, grades in ((an, [7] + [12] * 9), (bram, [14] * 10)):
        contract = ContractFactory(student=student, programme=ba_inf, academic_year=year, units=units)
        for line, grade in zip(contract.lines.order_by("course_unit__code"), grades, strict=True):
            results[(student.number, line.course_unit.code)] = record_result(line, grade, proclaimed=False)
    decisions = proclaim_decisions(ba_inf, june, PUBLISHED)
    sync_ledgers([an.pk, bram.pk])
    committee = ExamCommittee.objects.create(programme=ba_inf)
    CommitteeMember.objects.create(committee=committee, user=people["exam"], role="member", since=TERM)
    CommitteeMember.objects.create(committee=committee, user=people["exam_chair"], role="chair", since=TERM)
    return {"year": year, "june": june, "ba_inf": ba_inf, "units": units, "an": an, "bram": bram,
            "results": results, "decisions": decisions, "committee": committee}


ALL_MET = {p: (True, "") for p in ("name", "address", "signature", "decision_identified", "arguments")}


@pytest.fixture
def appeal(uni, people, pool):
    """An's appeal against her June decision, registered and found admissible (today 2027-07-20)."""
    appeal, _ = intake_services.register_appeal(
        student=uni["an"], decision_kind="", contested_decision=uni["decisions"]["2600001"],
        postmarked_on=date(2027, 7, 13), received_on=date(2027, 7, 14), by=people["secretary"])
    intake_services.record_admissibility(appeal.pk, answers=ALL_MET, checked_on=date(2027, 7, 15),
                                         signed_by="student", by=people["secretary"])
    appeal.refresh_from_db()
    return appeal


EVERYONE = ("chair", "secretary", "deputy", "member1", "member2", "member3", "exam")


@pytest.fixture
def held(appeal, pool, people, clock):
    """held(present=..., student_present=True, **record) -> a session planned for 2027-07-22 10:00 and held."""

    def make(present=("chair", "secretary", "member1", "member2"), student_present=True, hear_student=True,
             starts_at=None, **kw):
        starts_at = starts_at or at(22)
        clock.set(min(clock.value, starts_at.replace(day=starts_at.day - 2)))
        hearing = services.plan_hearing(appeal.pk, starts_at=starts_at, place="Room C.101",
                                        hear_student=hear_student, by=people["secretary"])
        deliver_due()  # the invitation leaves the outbox at once
        clock.set(starts_at.replace(hour=starts_at.hour + 2))
        kw.setdefault("minutes", "The student explained why the INF100 exam was graded wrongly.")
        record = services.HearingRecord(present_member_ids=frozenset(pool[k].pk for k in present),
                                        student_present=student_present, **kw)
        return services.record_hearing(hearing.pk, record, by=people["secretary"])

    return make
