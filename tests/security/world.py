"""A populated university for the URL-by-role walk: the demo (``load_demo``: one user per role, a committee with an
open meeting, an irregularity file, two appeals, an ombudsperson with a mediation case) plus, for every object-level
rule, a record the role must NOT see, and at least one record of every model the admin shows.

What each persona may not see (the "other" records):

- ``other_committee`` (MA-HAN) seats none of the demo's committee users; its ``other_meeting`` and
  ``other_irregularity`` likewise.
- ``tied_student`` is deliberated in the open ``meeting``, and the committee ``secretary`` declared a family tie
  with him (EC-4): she may not decide on him; ``student`` is a student she may decide on.
- ``other_unit`` is coordinated by another lecturer.
- ``other_student`` studies MA-HAN only: committee members of BA-REV do not see his results.
- ``excluded_appeal``: the appeals committee ``member`` is excluded from it (AP-5).
- ``other_mediation``/``other_appeal``/``other_irregularity``: files of MA-HAN, handled by another ombudsperson.

Built once per test module (tests/security/conftest.py) under the fixed "today" ``TODAY``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from config.access import Role

TODAY = date(2026, 11, 23)
BRUSSELS = ZoneInfo("Europe/Brussels")

#: persona -> the demo username signed in as (None: anonymous).
PERSONA_USERS = {
    "anonymous": None,
    "outsider": "outsider",
    "student_admin": "studadmin",
    "academic_advisor": "advisor",
    "lecturer": "lecturer",
    "committee_chair": "chair",
    "committee_secretary": "secretary",
    "committee_member": "member",
    "ombudsperson": "ombuds",
    "appeals_secretary": "appeals",
    "appeals_chair": "appealschair",
    "appeals_member": "appealsmember",
    "superuser": "admin",
}
PERSONAS = tuple(PERSONA_USERS)
# A PDF of a few bytes: the evidence upload checks the magic bytes only.
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _user(username, *roles, **fields):
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username, defaults={
        "first_name": username.title(), "last_name": "Other", "email": f"{username}@example.org", **fields})
    user.groups.add(*[Group.objects.get_or_create(name=r)[0] for r in roles])
    return user


def build_world() -> SimpleNamespace:
    from appeals.models import (
        AdmissibilityCheck,
        Appeal,
        AppealDecision,
        AppealExclusion,
        AppealHearing,
        AppealMotion,
        FileView,
        LaterDecisionNotice,
        MediationCase,
        OmbudsAssignment,
        PoolMember,
        StandAside,
    )
    from appeals.services import intake as intake_services
    from appeals.services import ombuds as ombuds_services
    from enrolment.models import AcademicYear, CourseUnit, Programme, ProgrammeLine, StudyContract
    from examinations.models import (
        CommitteeMember,
        CourseUnitLecturer,
        Decision,
        ExamCommittee,
        ExamPeriod,
        Irregularity,
        MaterialError,
        Meeting,
        MeetingSignature,
        Result,
        RetakeRequest,
        SecondOpportunityRegistration,
        ToleranceChoice,
    )
    from examinations.services import committee as committee_services
    from examinations.services import irregularity as irregularity_services
    from students.models import LedgerMovement, Student

    call_command("load_demo", students=30, stdout=StringIO())
    User = get_user_model()
    u = {name: User.objects.get(username=name) for name in PERSONA_USERS.values() if name and name != "outsider"}
    u["outsider"] = _user("outsider")
    other_chair = _user("other-chair", Role.COMMITTEE_CHAIR)
    other_lecturer = _user("other-lecturer", Role.LECTURER)
    other_ombuds = _user("other-ombuds", Role.OMBUDSPERSON)
    studadmin = u["studadmin"]

    year = AcademicYear.objects.get(code="2026-2027")
    last_year = AcademicYear.objects.get(code="2025-2026")
    committee = ExamCommittee.objects.get(members__user=u["chair"])
    programme = committee.programme
    meeting = Meeting.objects.get(committee=committee, status="open")
    other_programme = Programme.objects.get(code="MA-HAN")

    # ----------------------------------------------------------------- examination committees
    other_committee = committee_services.create_committee(other_programme.pk)
    committee_services.add_member(other_committee.pk, other_chair.pk, "chair", last_year.starts_on)
    other_period = ExamPeriod.objects.get(academic_year=last_year, code="JAN")
    other_meeting = Meeting.objects.create(committee=other_committee, exam_period=other_period,
                                           held_on=other_period.results_published_on - timedelta(days=2),
                                           created_by=other_chair)
    MeetingSignature.objects.create(meeting=other_meeting, role="chair", user=other_chair)
    deliberated = sorted(entry["student"] for entry in committee_services.proposal_for(meeting)["students"])
    student = Student.objects.get(number=deliberated[0])
    tied_student = Student.objects.get(number=deliberated[1])
    tie = committee_services.declare_tie(u["secretary"].pk, tied_student.number, "family", year.starts_on, by=studadmin)
    Decision.objects.create(meeting=meeting, student=student, programme_passed=False, recorded_by=u["chair"])
    member_seat = CommitteeMember.objects.get(committee=committee, user=u["member"])

    # ----------------------------------------------------------------- results
    own_unit = CourseUnit.objects.filter(lecturers__user=u["lecturer"]).order_by("code").first()
    own_period = ExamPeriod.objects.get(academic_year=year, code=own_unit.exam_period_code)
    own_unit_student = (Student.objects.filter(contracts__lines__course_unit=own_unit, contracts__academic_year=year,
                                               contracts__lines__removed_on__isnull=True).order_by("number").first())
    other_unit = (CourseUnit.objects.filter(programme=programme).exclude(lecturers__user=u["lecturer"])
                  .order_by("code").first())
    CourseUnitLecturer.objects.create(course_unit=other_unit, user=other_lecturer, coordinating=True)
    other_unit_period = ExamPeriod.objects.get(academic_year=year, code=other_unit.exam_period_code)
    other_student = (Student.objects.filter(contracts__programme=other_programme)
                     .exclude(contracts__programme=programme).order_by("number").first())
    result = (Result.objects.filter(student=student, is_current=True).order_by("id").first()
              or Result.objects.filter(is_current=True, line__contract__programme=programme).order_by("id").first())
    material_error = MaterialError.objects.create(result=result, reported_on=TODAY, reported_by_name="A. Lecturer",
                                                  description="The grade was typed as 8 instead of 18.")
    ToleranceChoice.objects.create(student=result.student, academic_year=result.academic_year,
                                   course_unit=result.course_unit, chosen_on=TODAY)
    SecondOpportunityRegistration.objects.create(student=result.student, academic_year=result.academic_year,
                                                 course_unit=result.course_unit, registered_on=TODAY)
    RetakeRequest.objects.create(student=result.student, academic_year=result.academic_year,
                                 course_unit=result.course_unit, requested_on=TODAY)

    # ----------------------------------------------------------------- irregularities
    irregularity = Irregularity.objects.get(committee=committee)
    other_result = (Result.objects.filter(line__contract__programme=other_programme, is_current=True,
                                          outcome="numeric").order_by("id").first())
    period = other_result.exam_period
    other_irregularity, _ = irregularity_services.report_irregularity(
        line=other_result.line, exam_period=period, discovered_on=period.starts_on + timedelta(days=2),
        reported_on=period.starts_on + timedelta(days=3), reported_by_name="Another invigilator",
        description="Notes on a phone.", by=studadmin)
    other_irregularity = irregularity_services.inform(  # the same step as the demo's file: a hearing may be planned
        other_irregularity.pk, ombudsperson_informed_on=period.starts_on + timedelta(days=4),
        student_informed_on=period.starts_on + timedelta(days=4), by=studadmin)

    # ----------------------------------------------------------------- appeals: intake and committee
    appeals = list(Appeal.objects.order_by("reference"))
    appeal, excluded_appeal = appeals[0], appeals[-1]
    pool = {m.user.username: m for m in PoolMember.objects.select_related("user")}
    AppealExclusion.objects.create(appeal=excluded_appeal, member=pool["appealsmember"], ground="other",
                                   reason="Supervised the student's project.", decided_on=TODAY,
                                   recorded_by=u["appealschair"])
    AdmissibilityCheck.objects.create(appeal=appeal, checked_on=TODAY, outcome="admissible", signed_by="student",
                                      recorded_by=u["appeals"])
    hearing = AppealHearing.objects.create(appeal=appeal, starts_at=datetime(2026, 12, 2, 14, tzinfo=BRUSSELS),
                                           place="Room A", hear_student=False, planned_by=u["appealschair"])
    motion = AppealMotion.objects.create(appeal=appeal, hearing=hearing, outcome="unfounded",
                                         reasons="The exam was marked by the grid.", put_by=u["appealschair"])
    AppealDecision.objects.create(appeal=appeal, motion=motion, outcome="unfounded", reasons=motion.reasons,
                                  decided_on=TODAY, recorded_by=u["appealschair"])
    LaterDecisionNotice.objects.create(appeal=excluded_appeal, notified_on=TODAY,
                                       decision_date=TODAY + timedelta(days=10), recorded_by=u["appeals"])
    document, _ = intake_services.add_document(
        excluded_appeal.pk, upload=SimpleUploadedFile("transcript.pdf", TINY_PDF, content_type="application/pdf"),
        title="Transcript", received_on=TODAY, by=u["appeals"])
    other_appeal, _ = intake_services.register_appeal(
        student=other_result.student, decision_kind="exam_decision", programme=other_programme,
        decision_notified_on=TODAY - timedelta(days=3), postmarked_on=TODAY - timedelta(days=1), received_on=TODAY,
        description="The exam decision for a unit of MA-HAN.", by=u["appeals"], today=TODAY)

    # ----------------------------------------------------------------- ombudspersons
    mediation = MediationCase.objects.get(programme=programme)
    other_assignment, _created, _warnings = ombuds_services.assign(
        user=other_ombuds, role="principal", programme=other_programme, since=last_year.starts_on, by=studadmin)
    own_assignment = OmbudsAssignment.objects.get(user=u["ombuds"], programme=programme)
    other_mediation, _ = ombuds_services.open_mediation(
        student=other_student, programme=other_programme, subject="A dispute about an internship", kind="regulations",
        opened_on=TODAY, by=other_ombuds, today=TODAY, other_party=other_lecturer)
    StandAside.objects.create(irregularity=other_irregularity, user=other_ombuds, reason="related",
                              explanation="Cousin of the student.", recorded_by=other_ombuds)
    FileView.objects.create(appeal=appeal, user=u["ombuds"], page="file")

    # ----------------------------------------------------------------- deadlines and the outbox
    from config.sweeps import Ref
    from enrolment.models import Notice, NoticeStatus, SweepRun

    sweep_run = SweepRun.objects.create(
        name="ex2_second_opportunity_absent", rule="EX-2", as_of=TODAY, status="done", count=1,
        affected=[Ref("students.student", student.pk, f"{student.number}").as_json()])
    notice = Notice.objects.create(key="security.world.notice", audience="student", to="s@example.org",
                                   subject="A notice", body="Text", status=NoticeStatus.FAILED, attempts=8,
                                   last_error="SMTPServerDisconnected: down")

    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib import admin
    from django.contrib.contenttypes.models import ContentType

    seen = {"user_agent": "Firefox", "ip_address": "192.0.2.1", "username": "studadmin", "path_info": "/login/"}
    AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**seen, locked_out=False)
    AccessLog.objects.create(**seen)

    # One record of every model the admin shows, for its change, delete and history pages.
    admin_objects = SimpleNamespace(**{model._meta.label_lower.replace(".", "_"): model.objects.order_by("pk").first()
                                       for model in admin.site._registry})
    return SimpleNamespace(
        admin_objects=admin_objects, student_type=ContentType.objects.get_for_model(Student), users=u, year=year,
        programme=programme, committee=committee, meeting=meeting, member_seat=member_seat,
        other_committee=other_committee, other_meeting=other_meeting, student=student, tied_student=tied_student,
        tie=tie, own_unit=own_unit, own_period=own_period, own_unit_student=own_unit_student,
        other_unit=other_unit, other_unit_period=other_unit_period,
        other_student=other_student, result=result, material_error=material_error, irregularity=irregularity,
        other_irregularity=other_irregularity, appeal=appeal, excluded_appeal=excluded_appeal, hearing=hearing,
        motion=motion, document=document, other_appeal=other_appeal, pool_member=pool["appealsmember"],
        mediation=mediation, other_mediation=other_mediation, own_assignment=own_assignment,
        other_assignment=other_assignment, contract=StudyContract.objects.filter(student=student, academic_year=year)
        .first(), line=ProgrammeLine.objects.filter(contract__student=student, academic_year=year).first(),
        ledger_movement=LedgerMovement.objects.filter(student=student).first(),
        sweep_run=sweep_run, notice=notice,
    )
