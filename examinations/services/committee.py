"""Committees, ties, meetings, deliberation decisions, sign-off and proclamation (EC-1 .. EC-6, DL-7 .. DL-9,
EX-8, EX-9).

Each use case loads its facts, asks ``examinations.rules.committee`` and writes in one transaction. The meeting
row is locked (``select_for_update``) by every step that changes a meeting or its decisions, so two clicks or
two secretaries cannot interleave; the unique keys of the models make repeats change nothing.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config import audit
from config.audit import audit_step
from enrolment.models import Programme, ProgrammeLine
from students.models import Student
from students.services import sync_ledgers

from ..models import (
    Attendance,
    CommitteeMember,
    CommitteeRole,
    Decision,
    ExamCommittee,
    ExamPeriod,
    Meeting,
    MeetingKind,
    MeetingSignature,
    MeetingStatus,
    Proclamation,
    Result,
    StudyProgressDecision,
    TieDeclaration,
    ToleranceChoice,
)
from ..queries import deliberation_proposal
from ..rules import Attempt, final_result, require_rules
from ..rules import committee as ec


class CommitteeRefused(Exception):
    """A committee action the rules do not allow, with the reasons in plain words."""

    def __init__(self, *problems):
        self.problems = [str(p) for p in problems]
        super().__init__(" ".join(self.problems))


def _refuse_if(problems):
    blocking = [p for p in problems if getattr(p, "blocking", True)]
    if blocking:
        raise CommitteeRefused(*blocking)


# ---------------------------------------------------------------- seats


def seats_on(committee_id: int, on: date):
    """The seats of a committee on a date (since <= on, not ended before it)."""
    return (CommitteeMember.objects.filter(committee_id=committee_id, since__lte=on)
            .filter(Q(until__isnull=True) | Q(until__gte=on)).select_related("user"))


def seat_value(member: CommitteeMember) -> ec.Seat:
    return ec.Seat(member.user_id, member.role, member.user.get_full_name() or member.user.get_username())


@audit_step("Committee created")
@transaction.atomic
def create_committee(programme_id: int) -> ExamCommittee:
    """EC-1: one committee per programme (idempotent)."""
    committee, _created = ExamCommittee.objects.get_or_create(programme_id=programme_id)
    return committee


@audit_step("Committee member added ({role})")
@transaction.atomic
def add_member(committee_id: int, user_id: int, role: str, since: date, by=None) -> CommitteeMember:
    """Seat a person on the committee. One seat per person; one chair, vice chair and secretary at a time.
    Seating the same person in the same role again changes nothing."""
    ExamCommittee.objects.select_for_update().get(pk=committee_id)
    if role not in CommitteeRole.values:
        raise CommitteeRefused(_("Unknown role."))
    current = CommitteeMember.objects.filter(committee_id=committee_id, until__isnull=True)
    own = current.filter(user_id=user_id).first()
    if own is not None:
        if own.role == role:
            return own
        raise CommitteeRefused(_("%(person)s already sits on this committee as %(role)s; end that membership "
                                 "first.") % {"person": own.user, "role": own.get_role_display()})
    if role in ec.OFFICERS:
        holder = current.filter(role=role).select_related("user").first()
        if holder is not None:
            raise CommitteeRefused(_("%(person)s is the %(role)s; end that membership first (one per committee, "
                                     "UH 14.1.2).") % {"person": holder.user, "role": ec.role_word(role)})
    return CommitteeMember.objects.create(committee_id=committee_id, user_id=user_id, role=role, since=since)


@audit_step("Committee membership ended")
@transaction.atomic
def end_member(member_id: int, until: date, by=None) -> CommitteeMember:
    member = CommitteeMember.objects.select_for_update().get(pk=member_id)
    if member.until is not None:
        if member.until == until:
            return member
        raise CommitteeRefused(_("This membership already ended on %(date)s.") % {"date": member.until.isoformat()})
    if until < member.since:
        raise CommitteeRefused(_("A membership cannot end before it began (%(date)s).")
                               % {"date": member.since.isoformat()})
    member.until = until
    member.save(update_fields=["until"])
    return member


@audit_step("Tie declared ({kind})")
@transaction.atomic
def declare_tie(person_id: int, student_number: str, kind: str, declared_on: date, by) -> TieDeclaration:
    """EC-4 / EX-11: record a staff member's family (third degree) or cohabitation tie with a student. Declared
    once per pair; declaring it again changes nothing."""
    student = Student.objects.filter(number=student_number).first()
    if student is None:
        raise CommitteeRefused(_("No student has the number %(number)s.") % {"number": student_number})
    tie, created = TieDeclaration.objects.get_or_create(
        person_id=person_id, student=student,
        defaults={"kind": kind, "declared_on": declared_on, "recorded_by": by})
    return tie


# ---------------------------------------------------------------- meetings


@audit_step("Meeting planned")
@transaction.atomic
def create_meeting(committee_id: int, kind: str, form: str, exam_period_id: int, held_on: date, by) -> Meeting:
    """EC-2 / EC-6: plan a meeting of the committee or its bureau on an exam period's results. The same
    meeting planned twice (committee, kind, exam period, date) is the same meeting."""
    ExamCommittee.objects.select_for_update().get(pk=committee_id)
    period = ExamPeriod.objects.get(pk=exam_period_id)
    if held_on < period.starts_on:
        raise CommitteeRefused(_("The meeting on the results of %(period)s is held after the exam period starts "
                                 "(%(date)s).") % {"period": period, "date": period.starts_on.isoformat()})
    existing = Meeting.objects.filter(committee_id=committee_id, kind=kind, exam_period=period,
                                      held_on=held_on).first()
    if existing is not None:
        return existing
    return Meeting.objects.create(committee_id=committee_id, kind=kind, form=form, exam_period=period,
                                  held_on=held_on, created_by=by)


def _presences(meeting: Meeting) -> tuple[list[ec.Presence], dict[int, CommitteeMember]]:
    seats = list(seats_on(meeting.committee_id, meeting.held_on))
    attendance = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    presences = []
    for m in seats:
        a = attendance.get(m.id)
        presences.append(ec.Presence(seat_value(m), bool(a and a.present), (a.replaces if a else "")))
    return presences, {m.user_id: m for m in seats}


def _locked(meeting_id: int) -> Meeting:
    return Meeting.objects.select_for_update().select_related("committee__programme", "exam_period__academic_year"
                                                              ).get(pk=meeting_id)


@transaction.atomic
def record_attendance(meeting_id: int, rows: dict[int, dict], by=None) -> Meeting:
    """The attendance list: ``rows`` maps a member id to {present, replaces, note}. Only while the meeting is
    planned; replacements (EC-6) only in a bureau meeting."""
    meeting = _locked(meeting_id)
    if meeting.status != MeetingStatus.PLANNED:
        raise CommitteeRefused(_("The attendance is recorded before the meeting opens."))
    seats = {m.id: m for m in seats_on(meeting.committee_id, meeting.held_on)}
    unknown = set(rows) - set(seats)
    if unknown:
        raise CommitteeRefused(_("Only members of the committee on the day of the meeting are on its attendance list."))
    for member_id, row in rows.items():
        replaces = row.get("replaces") or ""
        if replaces and meeting.kind != MeetingKind.BUREAU:
            raise CommitteeRefused(_("Replacements apply to a bureau meeting only (UH 14.6.2)."))
        Attendance.objects.update_or_create(
            meeting=meeting, member_id=member_id,
            defaults={"present": bool(row.get("present")), "replaces": replaces, "note": row.get("note", "")[:200]})
    return meeting


def opening_check(meeting: Meeting, reason: str = "") -> tuple[list[ec.Problem], ec.Presiding, dict[str, int]]:
    """What the rules say about opening this meeting now (EC-3, EC-5, EC-6): problems, who presides, signers."""
    presences, _seats = _presences(meeting)
    regs = meeting.exam_period.academic_year.rules
    problems = ec.opening_problems(meeting.kind, presences, regs.committee)
    chair = ec.presiding(meeting.kind, presences, reason)
    problems += list(chair.problems)
    signers = ec.required_signers(meeting.kind, presences, chair.seat)
    slots = ("chair", "vice_chair") if meeting.kind == MeetingKind.BUREAU else ("chair", "secretary")
    for slot in slots:
        if slot not in signers and chair.seat is not None:
            problems.append(ec.Problem(_("Nobody can sign the report as %(role)s (UH 14.3.7, 14.6.5).")
                                       % {"role": ec.role_word(slot)}))
    return problems, chair, signers


@audit_step("Meeting opened", reason="presiding_reason")
@transaction.atomic
def open_meeting(meeting_id: int, by, presiding_reason: str = "") -> Meeting:
    """EC-3 / EC-6: a meeting opens only with its quorum (committee) or its chair and vice chair (bureau);
    EC-5: who presides, and why the chair does not."""
    meeting = _locked(meeting_id)
    if meeting.status == MeetingStatus.OPEN:
        return meeting
    try:
        ec.next_state(meeting.status, MeetingStatus.OPEN)
    except ec.IllegalTransition as exc:
        raise CommitteeRefused(str(exc)) from None
    problems, chair, _signers = opening_check(meeting, presiding_reason)
    _refuse_if(problems)
    _presence, seat_by_user = _presences(meeting)
    meeting.presiding = seat_by_user[chair.seat.user_id]
    meeting.presiding_reason = presiding_reason.strip() if chair.reason_needed else ""
    meeting.status = MeetingStatus.OPEN
    meeting.save(update_fields=["presiding", "presiding_reason", "status"])
    return meeting


@audit_step("Meeting closed")
@transaction.atomic
def close_meeting(meeting_id: int, by) -> Meeting:
    meeting = _locked(meeting_id)
    if meeting.status == MeetingStatus.CLOSED:
        return meeting
    try:
        meeting.status = ec.next_state(meeting.status, MeetingStatus.CLOSED)
    except ec.IllegalTransition as exc:
        raise CommitteeRefused(str(exc)) from None
    meeting.save(update_fields=["status"])
    return meeting


@audit_step("Minutes signed")
@transaction.atomic
def sign_meeting(meeting_id: int, by) -> MeetingSignature:
    """EC-5 / EC-6: the report is signed by the chair (or the member who presided) and the secretary; a bureau
    report by its chair and vice chair (or the member who replaced one). After the last signature the meeting
    is signed and nothing in it changes any more. Signing twice changes nothing."""
    meeting = _locked(meeting_id)
    own = MeetingSignature.objects.filter(meeting=meeting, user=by).first()
    if own is not None:
        return own
    if meeting.status != MeetingStatus.CLOSED:
        raise CommitteeRefused(_("The report is signed after the meeting is closed, before it is signed by both."))
    presences, _seats = _presences(meeting)
    presiding_seat = seat_value(meeting.presiding) if meeting.presiding_id else None
    signers = ec.required_signers(meeting.kind, presences, presiding_seat)
    slots = [slot for slot, uid in signers.items() if uid == by.id]
    if not slots:
        names = ", ".join(ec.role_word(s) for s in signers)
        raise CommitteeRefused(_("This report is signed by the %(roles)s of the meeting only (UH 14.3.7, 14.6.5).")
                               % {"roles": names})
    signature = MeetingSignature.objects.create(meeting=meeting, role=slots[0], user=by, signed_at=timezone.now())
    if set(MeetingSignature.objects.filter(meeting=meeting).values_list("role", flat=True)) >= set(signers):
        meeting.status = ec.next_state(meeting.status, MeetingStatus.SIGNED)
        meeting.save(update_fields=["status"])
    return signature


# ---------------------------------------------------------------- deliberation decisions


def proposal_for(meeting: Meeting) -> dict:
    """The deliberation proposal the meeting decides on: the programme, the exam period's year and opportunity."""
    return deliberation_proposal(meeting.committee.programme.code, meeting.exam_period.academic_year.code,
                                 meeting.exam_period.opportunity)


def _may_record(meeting: Meeting, by, seat_by_user: dict[int, CommitteeMember]) -> bool:
    seat = seat_by_user.get(by.id)
    if by.is_superuser:
        return True
    return seat is not None and (seat.role in ec.OFFICERS or seat.id == meeting.presiding_id)


def verdict_of(entry: dict) -> ec.Verdict:
    return ec.Verdict(bool(entry["programme_passed"]),
                      frozenset(p["package"] for p in entry["packages"] if p["passed"]), entry.get("distinction"))


@audit_step("Committee decision", reason="reason")
@transaction.atomic
def record_decision(meeting_id: int, student_number: str, by, *, follow: bool = True, programme_passed: bool = False,
                    passed_packages=(), distinction: str | None = None, reason: str = "",
                    vote_requested: bool = False, secret_ballot: bool = False, votes_for: int = 0,
                    votes_against: int = 0, abstentions: int = 0) -> Decision:
    """A student's decision in an open meeting (DL-7, DL-8, EC-3, EC-4), as a new version.

    ``follow``: the proposal stands. Otherwise the committee deviates in the student's favour (a pass the rules
    do not give, a higher distinction) with its reasons. With a vote, ``votes_for`` count for the deviation;
    when it is rejected, the proposal stands and the vote and the motion's reasons stay on record. Members with a
    tie to the student (EC-4) are kept out: they cannot record the decision and are not counted as voters.
    Recording what is already current changes nothing.
    """
    meeting = _locked(meeting_id)
    if meeting.status != MeetingStatus.OPEN:
        raise CommitteeRefused(_("Decisions are taken while the meeting is in session."))
    student = Student.objects.filter(number=student_number).first()
    entry = None
    if student is not None:
        entry = next((s for s in proposal_for(meeting)["students"] if s["student"] == student_number), None)
    if entry is None:
        raise CommitteeRefused(_("%(number)s is not deliberated in %(programme)s this year.")
                               % {"number": student_number, "programme": meeting.committee.programme.code})
    presences, seat_by_user = _presences(meeting)
    if not _may_record(meeting, by, seat_by_user):
        raise CommitteeRefused(_("Decisions are recorded by the chair, the vice chair or the secretary of the "
                               "committee, or the member presiding."))
    ties = TieDeclaration.objects.filter(student=student).values_list("person_id", "student_id")
    excluded = ec.excluded_members(student.id, seat_by_user, ties)
    if by.id in excluded or TieDeclaration.objects.filter(person=by, student=student).exists():
        raise CommitteeRefused(_("You have a declared tie with this student and take no part in his or her "
                               "deliberation (UH 14.3.5)."))
    proposal = verdict_of(entry)
    packages = [p["package"] for p in entry["packages"]]
    regs = meeting.exam_period.academic_year.rules
    d = require_rules(regs)
    if follow:
        wanted = proposal
    else:
        wanted = ec.Verdict(programme_passed, frozenset(passed_packages), distinction or None)
    deviation = ec.deviates(proposal, wanted)
    problems = ec.deviation_problems(proposal, wanted, packages, reason, meeting.kind,
                                     meeting.committee.programme.kind, d)
    eligible = sum(1 for p in presences if p.present and p.seat.votes and p.seat.user_id not in excluded)
    vote = ec.vote_outcome(vote_requested, votes_for, votes_against, abstentions, eligible, meeting.kind)
    _refuse_if(problems + list(vote.problems))
    if vote.requested and not vote.favourable:
        wanted = proposal  # EC-3: the stricter option carried; the proposal stands
    final_deviates = ec.deviates(proposal, wanted)
    values = dict(
        follows_proposal=not final_deviates, programme_passed=wanted.programme_passed,
        passed_packages=sorted(wanted.passed_packages, key=lambda p: p or 0), distinction=wanted.distinction or "",
        reason=reason.strip() if (deviation or vote.requested) else "", vote_requested=vote.requested,
        secret_ballot=secret_ballot if vote.requested else False,
        votes_for=votes_for if vote.requested else 0, votes_against=votes_against if vote.requested else 0,
        abstentions=abstentions if vote.requested else 0, excluded_members=sorted(excluded),
    )
    current = Decision.objects.filter(meeting=meeting, student=student, is_current=True).first()
    if current is not None and all(getattr(current, k) == v for k, v in values.items()) \
            and current.proposal == entry:
        return current
    version = 1
    if current is not None:
        version = current.version + 1
        Decision.objects.filter(pk=current.pk).update(is_current=False)
    return Decision.objects.create(meeting=meeting, student=student, proposal=entry, version=version,
                                   supersedes=current, recorded_by=by, **values)


@audit_step("Tolerance choice")
@transaction.atomic
def record_tolerance_choice(meeting_id: int, student_number: str, unit_code: str, chosen_on: date,
                            by) -> ToleranceChoice:
    """DL-9 (UH 4.5): the student uses tolerance for a tolerable fail; final. Recording it again returns the
    choice on record. Recorded with a meeting whose report is not signed yet (the report lists it)."""
    meeting = _locked(meeting_id)
    if meeting.status == MeetingStatus.SIGNED:
        raise CommitteeRefused(_("The report of this meeting is signed and changes no more (UH 14.3.7): record the "
                                 "choice at the next meeting."))
    year = meeting.exam_period.academic_year
    line = (ProgrammeLine.objects.select_related("course_unit", "student")
            .filter(student__number=student_number, academic_year=year, course_unit__code=unit_code,
                    contract__programme_id=meeting.committee.programme_id, removed_on__isnull=True).first())
    if line is None:
        raise CommitteeRefused(_("%(unit)s is not in %(number)s's study programme of %(year)s.")
                               % {"unit": unit_code, "number": student_number, "year": year.code})
    existing = ToleranceChoice.objects.filter(student_id=line.student_id, academic_year=year,
                                              course_unit_id=line.course_unit_id).first()
    if existing is not None:
        return existing
    attempts = [Attempt(r.opportunity, r.outcome, r.grade) for r in Result.objects.filter(
        student_id=line.student_id, academic_year=year, course_unit_id=line.course_unit_id, is_current=True)]
    best = final_result(attempts, meeting.exam_period.opportunity)
    later = ProgrammeLine.objects.filter(student_id=line.student_id, course_unit_id=line.course_unit_id,
                                         academic_year__starts_on__gt=year.starts_on).exists()
    problems = ec.tolerance_choice_problems(best.outcome if best else None, best.grade if best else None,
                                            line.course_unit.tolerance_excluded, False, later,
                                            require_rules(year.rules))
    _refuse_if(problems)
    return ToleranceChoice.objects.create(student_id=line.student_id, academic_year=year,
                                          course_unit_id=line.course_unit_id, chosen_on=chosen_on, meeting=meeting,
                                          recorded_by=by)


# ---------------------------------------------------------------- proclamation


@audit_step("Proclamation")
@transaction.atomic
def proclaim(meeting_id: int, published_on: date, by) -> Proclamation:
    """EX-8: the student administration announces the exam period's results for the programme, after the
    signed report. One proclamation per exam period and programme (a second one changes nothing); each student
    deliberated gets a study-progress decision from the meeting's current decision, or from the proposal
    where none was taken; the learning accounts count the results from this date (LA-4, LA-5).

    A bureau's signed report also allows it: the administration announces "after being informed by the
    examination committee bureau" (UH 15.3.1).
    """
    meeting = _locked(meeting_id)
    existing = Proclamation.objects.filter(exam_period=meeting.exam_period,
                                           programme_id=meeting.committee.programme_id).first()
    if existing is not None:
        return existing
    if meeting.status != MeetingStatus.SIGNED:
        raise CommitteeRefused(_("The results are proclaimed after the meeting's report is signed "
                                 "(UH 14.3.7, 15.3.1)."))
    if published_on < meeting.held_on:
        raise CommitteeRefused(_("The results are proclaimed on or after the meeting (%(date)s).")
                               % {"date": meeting.held_on.isoformat()})
    programme = Programme.objects.select_for_update().get(pk=meeting.committee.programme_id)
    try:
        with transaction.atomic():
            proclamation = Proclamation.objects.create(exam_period=meeting.exam_period, programme=programme,
                                                       published_on=published_on, meeting=meeting, recorded_by=by)
    except IntegrityError:
        return Proclamation.objects.get(exam_period=meeting.exam_period, programme=programme)
    entries = proposal_for(meeting)["students"]
    students = dict(Student.objects.filter(number__in=[e["student"] for e in entries]).values_list("number", "id"))
    decisions = {d.student_id: d for d in Decision.objects.filter(meeting=meeting, is_current=True)}
    already = set(StudyProgressDecision.objects.filter(programme=programme, exam_period=meeting.exam_period,
                                                       is_current=True).values_list("student_id", flat=True))
    rows = []
    for entry in entries:
        sid = students[entry["student"]]
        if sid in already:
            continue
        decision = decisions.get(sid)
        passed = set(decision.passed_packages) if decision else {p["package"] for p in entry["packages"]
                                                                   if p["passed"]}
        packages = [{**p, "passed": p["package"] in passed, "proposed": p["passed"]} for p in entry["packages"]]
        percentages = [p["weighted_percentage"] for p in entry["packages"]]
        rows.append(StudyProgressDecision(
            student_id=sid, programme=programme, exam_period=meeting.exam_period, proclamation=proclamation,
            decided_on=published_on,
            programme_passed=decision.programme_passed if decision else entry["programme_passed"],
            distinction=(decision.distinction if decision else entry["distinction"]) or "",
            weighted_percentage=percentages[0] if len(percentages) == 1 else None, packages=packages,
            deviates=bool(decision and not decision.follows_proposal),
            reason=decision.reason if decision and not decision.follows_proposal else "", recorded_by=by,
        ))
    audit.bulk_create(StudyProgressDecision, rows)
    sync_ledgers(list(students.values()), by=by, reason=f"Proclamation {meeting.exam_period} {programme.code}")
    return proclamation

