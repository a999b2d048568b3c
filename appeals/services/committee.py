"""The appeals committee (AP-5 .. AP-8; UH 19.1, 19.4): the pool, exclusions, hearings, the vote, the decision, the
notice of a later decision date and the decision letter.

Every step locks what two clerks could change at once (the appeal's row, the motion's row, the pool), asks the
rules in ``appeals.rules`` (the ``ap5_`` .. ``ap8_`` functions), writes its records and moves the appeal's status
through the intake's :func:`appeals.services.intake.move_appeal` (one writer of the status, with its transition).
Repeating a step with the same values (a double submit) changes nothing. A new study-progress decision changes
results only through :func:`examinations.services.results.record_result` (procedure ``appeal``: a new version,
the learning account synchronised) and then writes a new version of the contested decision (procedure
``appeal``), recomputed from the deliberation proposal; the old one stays, superseded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from config import audit
from config.access import Role, has_role
from config.audit import audit_step
from config.calendar import holidays_around
from config.regulations import DEFAULT_CODE, Regulations, get_regulations
from config.sweeps import Ref
from enrolment.models import AcademicYear, Notice, NoticeAudience, NoticeStatus
from enrolment.outbox import notify, withdraw
from examinations.models import Result, ResultProcedure, StudyProgressDecision
from examinations.models.results import DecisionProcedure
from examinations.queries import deliberation_proposal
from examinations.rules.results import InvalidResult, parse_result
from examinations.services.results import ResultRefused, record_result

from .. import rules
from ..models import (
    Appeal,
    AppealBallot,
    AppealDecision,
    AppealExclusion,
    AppealHearing,
    AppealMotion,
    AppealOutcome,
    AppealStatus,
    AppealTransition,
    DecisionKind,
    HearingAttendance,
    HearingStatus,
    LaterDecisionNotice,
    MotionStatus,
    PoolMember,
    PoolRole,
)
from .intake import AppealRefused, move_appeal


class CommitteeRefused(Exception):
    """A step of the appeals committee that may not be taken; ``problems`` in plain words."""

    def __init__(self, *problems):
        self.problems = [str(p) for p in problems if p]
        super().__init__(" ".join(self.problems))


def _refuse_if(problems) -> None:
    problems = [p for p in problems if p]
    if problems:
        raise CommitteeRefused(*problems)


def _now(now: datetime | None) -> datetime:
    return timezone.localtime(now or timezone.now())


def regulations_for(appeal: Appeal) -> Regulations:
    """The regulations of the appeal's academic year: the contested decision's, else the year in which the appeal
    was received, else the default preset."""
    if appeal.contested_decision_id:
        return appeal.contested_decision.exam_period.academic_year.rules
    year = (AcademicYear.objects.filter(starts_on__lte=appeal.received_on).order_by("-starts_on").first())
    return year.rules if year is not None else get_regulations(DEFAULT_CODE)


def committee_rules(appeal: Appeal):
    return regulations_for(appeal).appeals_committee


def _lock_appeal(appeal_id: int) -> Appeal:
    try:
        return (Appeal.objects.select_for_update(of=("self",))
                .select_related("student", "contested_decision__exam_period__academic_year",
                                "contested_decision__programme").get(pk=appeal_id))
    except Appeal.DoesNotExist:
        raise CommitteeRefused(_("There is no such appeal."))


def _move(appeal: Appeal, target: str, by, note: str) -> Appeal:
    try:
        return move_appeal(appeal.pk, target, by=by, note=note, expected=appeal.status)
    except AppealRefused as refused:
        raise CommitteeRefused(str(refused))


def _refuse_if_decided(appeal: Appeal) -> None:
    if appeal.status == AppealStatus.DECIDED:
        raise CommitteeRefused(_("The appeal is decided."))


# ---------------------------------------------------------------------------------------------------------------
# AP-5: the pool


def _lock_pool() -> None:
    """Two clerks adding seats at once could both pass the limit of 18: one pool, one lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [190102])  # UH 19.1.2
    list(PoolMember.objects.select_for_update().values_list("pk", flat=True))


def pool_seats() -> list[rules.PoolSeat]:
    return [m.as_seat() for m in PoolMember.objects.select_related("user")]


@transaction.atomic
def add_pool_member(*, user, role: str, since: date, until: date | None = None, born_on: date | None = None,
                    external: bool = False, faculty: str = "", by=None) -> PoolMember:
    """AP-5 (UH 19.1.1-2): seat a person in the pool for a term. Refused, in words, when the seat would break the
    pool (``rules.ap5_new_seat_problems``); the same seat twice returns the first."""
    _lock_pool()
    if role not in PoolRole.values:
        raise CommitteeRefused(_("Choose the role: chair, voting member or secretary."))
    same = PoolMember.objects.filter(user=user, role=role, since=since).first()
    if same is not None and (same.until, same.born_on, same.external, same.faculty) == (
            until, born_on, external, faculty.strip()):
        return same
    new = rules.PoolSeat(seat_id=0, person_id=user.pk, name=user.get_full_name() or user.get_username(), role=role,
                         since=since, until=until, external=external, born_on=born_on)
    _refuse_if(rules.ap5_new_seat_problems(pool_seats(), new, committee_rules_default()))
    return PoolMember.objects.create(user=user, role=role, since=since, until=until, born_on=born_on,
                                     external=external, faculty=faculty.strip(), recorded_by=by)


def committee_rules_default():
    """The pool is one for all years: the numbers of the default regulations (UHasselt)."""
    return get_regulations(DEFAULT_CODE).appeals_committee


@transaction.atomic
def end_pool_term(member_id: int, *, until: date, by=None) -> PoolMember:
    """AP-5 (UH 19.1.1): a seat's term ends on ``until`` (the last day it counts). Ending it again on the same day
    changes nothing."""
    _lock_pool()
    member = PoolMember.objects.select_related("user").filter(pk=member_id).first()
    if member is None:
        raise CommitteeRefused(_("There is no such seat in the pool."))
    if member.until == until:
        return member
    if until < member.since:
        raise CommitteeRefused(_("The term cannot end (%(until)s) before it starts (%(since)s).")
                               % {"until": until.isoformat(), "since": member.since.isoformat()})
    PoolMember.objects.filter(pk=member.pk).update(until=until)
    member.refresh_from_db()
    return member


# ---------------------------------------------------------------------------------------------------------------
# AP-5: who sits on an appeal


def handling_period(appeal: Appeal, today: date) -> tuple[date, date]:
    """The days over which the committee handles the appeal: from its receipt to its decision (or today)."""
    decision = AppealDecision.objects.filter(appeal=appeal).only("decided_on").first()
    return appeal.received_on, max(appeal.received_on, decision.decided_on if decision else today)


def seats_in_period(start: date, end: date):
    return (PoolMember.objects.filter(since__lte=end).filter(Q(until__isnull=True) | Q(until__gte=start))
            .select_related("user"))


def excluded_seat_ids(appeal: Appeal) -> set[int]:
    return set(AppealExclusion.objects.filter(appeal=appeal).values_list("member_id", flat=True))


def sitting_on(appeal: Appeal, day: date) -> list[PoolMember]:
    """AP-5: the pool on ``day`` less the members excluded from this appeal (the secretary included, no vote)."""
    excluded = excluded_seat_ids(appeal)
    return [m for m in PoolMember.objects.select_related("user").filter(since__lte=day).filter(
        Q(until__isnull=True) | Q(until__gte=day)) if m.pk not in excluded]


@audit_step("Member excluded ({ground})", reason="reason")
@transaction.atomic
def exclude_member(appeal_id: int, *, member_id: int, ground: str, reason: str, decided_on: date,
                   by) -> AppealExclusion:
    """AP-5 (UH 19.1.2): the chair excludes a member (or himself) involved in the matter from handling the appeal.
    Final: the member no longer sits, votes or sees the appeal. The same exclusion twice returns the first."""
    appeal = _lock_appeal(appeal_id)
    existing = AppealExclusion.objects.filter(appeal=appeal, member_id=member_id).first()
    if existing is not None:
        return existing
    _refuse_if_decided(appeal)
    start, end = handling_period(appeal, decided_on)
    member = seats_in_period(start, end).filter(pk=member_id).first()
    if member is None:
        raise CommitteeRefused(_("This person has no seat in the pool while the appeal is handled."))
    if not member.votes:
        raise CommitteeRefused(_("The secretary has no vote and keeps the file (UH 19.4.1); only the chair and the "
                                 "members are excluded."))
    if not reason.strip():
        raise CommitteeRefused(_("Say how the member is involved in the matter (UH 19.1.2)."))
    if AppealBallot.objects.filter(motion__appeal=appeal, motion__status=MotionStatus.OPEN, member=member).exists():
        raise CommitteeRefused(_("%(name)s has voted on the motion now being voted on; close that vote first.")
                               % {"name": member.name})
    if decided_on < appeal.received_on:
        raise CommitteeRefused(_("The exclusion cannot be decided before the appeal was received (%(date)s).")
                               % {"date": appeal.received_on.isoformat()})
    return AppealExclusion.objects.create(appeal=appeal, member=member, ground=ground, reason=reason.strip(),
                                          decided_on=decided_on, recorded_by=by)


# ---------------------------------------------------------------------------------------------------------------
# AP-6: hearings

HEARABLE = (AppealStatus.ADMISSIBLE, AppealStatus.INADMISSIBLE, AppealStatus.HEARING_PLANNED, AppealStatus.HEARD)


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# The committee's e-mails go through the outbox (enrolment.outbox): stored in the transaction of the step that
# writes them, sent after commit by a task with retries, once per key.


def invitation_key(hearing_id: int) -> str:
    return f"appeals.hearing.{hearing_id}.invitation"


def later_date_key(appeal_id: int) -> str:
    return f"appeals.appeal.{appeal_id}.later_date"


def letter_key(appeal_id: int) -> str:
    return f"appeals.appeal.{appeal_id}.decision_letter"


def appeal_ref(appeal: Appeal) -> Ref:
    return Ref("appeals.appeal", appeal.pk, appeal.reference)


def hearing_ref(hearing: AppealHearing, appeal: Appeal) -> Ref:
    return Ref("appeals.appealhearing", hearing.pk, f"{appeal.reference}: {_when(hearing.starts_at)}")


def sent_at(key: str) -> datetime | None:
    """When the notice ``key`` left the outbox (None while it waits, or when it was given up on)."""
    notice = Notice.objects.filter(key=key, status=NoticeStatus.SENT).only("sent_at").first()
    return notice.sent_at if notice is not None else None


def invitation_sent_at(hearing: AppealHearing) -> datetime | None:
    """AP-6: when the student's invitation to ``hearing`` left by e-mail. A hearing planned before the outbox has no
    notice: its invitation was e-mailed when it was planned."""
    notice = Notice.objects.filter(key=invitation_key(hearing.pk)).only("status", "sent_at").first()
    if notice is None:
        return hearing.invitation_sent_at
    return notice.sent_at if notice.status == NoticeStatus.SENT else None


def withdraw_notice(key: str, reason: str) -> bool:
    """Keep a notice that waits in the outbox from going out (an invitation to a hearing that was replaced): the
    outbox marks it not sent, with the reason, never to be sent again (``enrolment.outbox.withdraw``)."""
    return withdraw(key, reason)


@audit_step("Hearing planned")
@transaction.atomic
def plan_hearing(appeal_id: int, *, starts_at: datetime, place: str, hear_student: bool = True, by,
                 now: datetime | None = None) -> AppealHearing:
    """AP-6 (UH 19.4.2): the chair convenes the committee; when it hears the student, the invitation goes by
    e-mail now, and is refused when it would come less than 24 hours before the hearing (the times named). A
    hearing planned again replaces the planned one (a new invitation; the old one, if it still waits in the outbox,
    is withdrawn). The same planning twice sends nothing. The invitation goes through the outbox: stored with the
    hearing, sent after commit; whether it left 24 hours ahead is checked when the hearing is recorded and by the
    AP-6 sweep (``appeals.services.sweeps.refuse_late_invitations``)."""
    appeal = _lock_appeal(appeal_id)
    now = _now(now)
    starts_at = timezone.localtime(starts_at)
    planned = AppealHearing.objects.select_for_update().filter(appeal=appeal, status=HearingStatus.PLANNED).first()
    if planned is not None and (planned.starts_at, planned.place, planned.hear_student) == (
            starts_at, place.strip(), hear_student):
        return planned
    _refuse_if_decided(appeal)
    if appeal.status not in HEARABLE:
        raise CommitteeRefused(_("Check the appeal's admissibility first (UH 19.3.4); the committee then takes it "
                                 "up."))
    if not place.strip():
        raise CommitteeRefused(_("Say where the committee meets."))
    if starts_at <= now:
        raise CommitteeRefused(_("The hearing (%(when)s) must lie in the future.") % {"when": _when(starts_at)})
    if hear_student:
        _refuse_if([rules.ap6_invitation_problem(now, starts_at, committee_rules(appeal))])
        if not appeal.student.email:
            raise CommitteeRefused(_("The student has no e-mail address on record to invite him or her "
                                     "(UH 19.4.2)."))
    if planned is not None:
        AppealHearing.objects.filter(pk=planned.pk).update(status=HearingStatus.REPLANNED)
        withdraw_notice(invitation_key(planned.pk), f"hearing replaced by a new planning on {_when(now)}")
    hearing = AppealHearing.objects.create(
        appeal=appeal, starts_at=starts_at, place=place.strip(), hear_student=hear_student,
        invitation_sent_at=now if hear_student else None, invitation_to=appeal.student.email if hear_student else "",
        planned_by=by)
    if hear_student:
        note = _("Hearing on %(when)s at %(place)s; invitation to %(to)s put in the outbox on %(sent)s, to be "
                 "e-mailed at once (UH 19.4.2).") % {
            "when": _when(starts_at), "place": hearing.place, "to": hearing.invitation_to, "sent": _when(now)}
    else:
        note = _("Session on %(when)s at %(place)s, on the file, without hearing the student.") % {
            "when": _when(starts_at), "place": hearing.place}
    if planned is not None:
        note += " " + _("It replaces the session planned on %(when)s.") % {"when": _when(planned.starts_at)}
    _move(appeal, AppealStatus.HEARING_PLANNED, by, note)
    if hear_student:
        notify(key=invitation_key(hearing.pk), audience=NoticeAudience.STUDENT, to=hearing.invitation_to,
               subject=_("Invitation: hearing on your appeal %(reference)s") % {"reference": appeal.reference},
               body=render_to_string("appeals/committee/invitation_email.txt",
                                     {"appeal": appeal, "hearing": hearing, "student": appeal.student}),
               about=hearing_ref(hearing, appeal))
    return hearing


@dataclass(frozen=True)
class HearingRecord:
    present_member_ids: frozenset[int]
    student_present: bool | None
    representative: str = ""
    representative_lawyer: bool = False
    written_authority_on: date | None = None
    minutes: str = ""


def session_check(present: list[PoolMember], appeal: Appeal) -> rules.SessionCheck:
    return rules.ap5_session_check([m.as_seat() for m in present], committee_rules(appeal))


@audit_step("Hearing recorded")
@transaction.atomic
def record_hearing(hearing_id: int, record: HearingRecord, *, by, now: datetime | None = None) -> AppealHearing:
    """AP-5 / AP-6 (UH 19.1.2, 19.4.2): the record of a session: who of the sitting members attended, who presided
    (the chair, or the oldest sitting member as deputy) and whether the quorum held, whether the student appeared
    or was represented (a representative who is not a lawyer needs the student's written authority), and the
    minutes. Without the quorum the session is on record but the committee cannot vote at it. A student duly
    invited (the invitation left the outbox at least 24 hours before) who does not appear does not stop the
    committee. A hearing the AP-6 sweep found not duly invited is not recorded: the committee plans again."""
    hearing = (AppealHearing.objects.select_for_update().select_related("appeal").filter(pk=hearing_id).first())
    if hearing is None:
        raise CommitteeRefused(_("There is no such hearing."))
    appeal = _lock_appeal(hearing.appeal_id)
    now = _now(now)
    if hearing.status == HearingStatus.HELD:
        present = set(hearing.attendance.filter(present=True).values_list("member_id", flat=True))
        if present == set(record.present_member_ids) and hearing.student_present == record.student_present \
                and hearing.minutes == record.minutes.strip():
            return hearing
        raise CommitteeRefused(_("This hearing is on record already."))
    if hearing.status == HearingStatus.NOT_INVITED:
        raise CommitteeRefused(_("The student's invitation to this hearing did not go out 24 hours before it "
                                 "(UH 19.4.2): the committee cannot hear the student then. Plan a new hearing."))
    if hearing.status != HearingStatus.PLANNED:
        raise CommitteeRefused(_("This hearing was replaced by a later planning."))
    if now < hearing.starts_at:
        raise CommitteeRefused(_("The hearing starts on %(when)s; record it once it is held.")
                               % {"when": _when(hearing.starts_at)})
    day = timezone.localdate(hearing.starts_at)
    sitting = {m.pk: m for m in sitting_on(appeal, day)}
    strangers = set(record.present_member_ids) - set(sitting)
    if strangers:
        raise CommitteeRefused(_("Only the members who sit on this appeal are recorded present."))
    present = [sitting[pk] for pk in sorted(record.present_member_ids)]
    check = session_check(present, appeal)
    student_present = bool(record.student_present) if hearing.hear_student else False
    representative = record.representative.strip() if hearing.hear_student else ""
    problems = rules.ap6_representation_problems(student_present, representative, record.representative_lawyer,
                                                 record.written_authority_on is not None)
    duly_invited = hearing.hear_student and rules.ap6_duly_invited(
        invitation_sent_at(hearing), hearing.starts_at, committee_rules(appeal))
    absence = rules.ap6_absence_finding(hearing.hear_student, duly_invited, student_present,
                                        bool(representative) and not problems)
    if absence is not None and absence.blocking:
        problems.append(absence.text)
    if not record.minutes.strip():
        problems.append(_("Write the minutes of the session (UH 19.4.1: the secretary keeps the file)."))
    _refuse_if(problems)
    AppealHearing.objects.filter(pk=hearing.pk).update(
        status=HearingStatus.HELD, student_present=student_present if hearing.hear_student else None,
        representative=representative, representative_lawyer=record.representative_lawyer and bool(representative),
        written_authority_on=record.written_authority_on if representative else None,
        presiding=check.presiding and check.presiding.seat_id, presiding_deputy=check.deputy, quorum=check.holds,
        minutes=record.minutes.strip(), recorded_at=now, recorded_by=by)
    audit.bulk_create(HearingAttendance, [HearingAttendance(hearing=hearing, member=m, present=m.pk in
                                                             record.present_member_ids) for m in sitting.values()])
    words = [check.text if check.presiding else _("No quorum (UH 19.1.2).")]
    if not check.holds:
        words.append(_("The committee cannot decide at this session."))
    if hearing.hear_student:
        if student_present:
            words.append(_("The student appeared") + (f" ({_('assisted by')} {representative})." if representative
                                                      else "."))
        elif representative:
            words.append(_("The student was represented by %(name)s.") % {"name": representative})
        elif absence is not None:
            words.append(absence.text)
    _move(appeal, AppealStatus.HEARD, by, " ".join(words))
    hearing.refresh_from_db()
    return hearing


# ---------------------------------------------------------------------------------------------------------------
# AP-7: the vote


def result_candidates(appeal: Appeal) -> list[Result]:
    """The current results a new decision may change: the student's, in the contested decision's programme and
    academic year, of its exam period and the earlier ones of that year."""
    d = appeal.contested_decision
    if d is None:
        return []
    return list(Result.objects.filter(
        student_id=appeal.student_id, academic_year_id=d.exam_period.academic_year_id, is_current=True,
        line__contract__programme_id=d.programme_id, exam_period__starts_on__lte=d.exam_period.starts_on)
        .select_related("course_unit", "exam_period", "line").order_by("exam_period__starts_on", "course_unit__code"))


def _result_changes(appeal: Appeal, changes: dict[int, str]) -> list[dict]:
    """``{result id: new value as typed}`` -> the motion's result changes; unchanged values are left out."""
    candidates = {r.pk: r for r in result_candidates(appeal)}
    out, problems = [], []
    for result_id, text in changes.items():
        text = (text or "").strip()
        if not text:
            continue
        result = candidates.get(int(result_id))
        if result is None:
            problems.append(_("A result that is not part of the contested decision cannot be changed here."))
            continue
        try:
            parsed = parse_result(text, result.course_unit.result_kind)
        except InvalidResult as bad:
            problems.append(f"{result.course_unit.code}: {bad}")
            continue
        if (parsed.outcome, parsed.grade) == (result.outcome, result.grade):
            continue
        out.append({"result": result.pk, "line": result.line_id, "exam_period": result.exam_period_id,
                    "unit": result.course_unit.code, "period": result.exam_period.code,
                    "opportunity": result.opportunity, "outcome": parsed.outcome, "grade": parsed.grade,
                    "display": parsed.display, "before": result.display})
    _refuse_if(problems)
    return out


def _lock_motion(motion_id: int) -> AppealMotion:
    motion = AppealMotion.objects.select_for_update().select_related("hearing").filter(pk=motion_id).first()
    if motion is None:
        raise CommitteeRefused(_("There is no such motion."))
    return motion


@audit_step("Motion put ({outcome})")
@transaction.atomic
def put_motion(appeal_id: int, *, hearing_id: int, outcome: str, reasons: str, new_decision_text: str = "",
               result_changes: dict[int, str] | None = None, by) -> AppealMotion:
    """AP-7 (UH 19.4.4): put an outcome to the vote at a session held with its quorum: inadmissible, unfounded
    (each duly justified) or a new study-progress decision (new results of the contested exam decision, or the
    decision in words). One motion at a time; the same motion twice returns the first."""
    appeal = _lock_appeal(appeal_id)
    _refuse_if_decided(appeal)
    typed = {k: v for k, v in (result_changes or {}).items() if (v or "").strip()}
    changes = _result_changes(appeal, typed) if outcome == AppealOutcome.NEW_DECISION else []
    values = dict(outcome=outcome, reasons=reasons.strip(), new_decision_text=new_decision_text.strip(),
                  result_changes=changes)
    open_motion = AppealMotion.objects.filter(appeal=appeal, status=MotionStatus.OPEN).first()
    if open_motion is not None:
        if open_motion.hearing_id == hearing_id and all(getattr(open_motion, k) == v for k, v in values.items()):
            return open_motion
        raise CommitteeRefused(_("A motion is being voted on; close that vote first."))
    hearing = AppealHearing.objects.filter(pk=hearing_id, appeal=appeal).first()
    if hearing is None or hearing.status != HearingStatus.HELD:
        raise CommitteeRefused(_("The committee votes at a session on record (UH 19.4.4)."))
    if not hearing.quorum:
        raise CommitteeRefused(_("The session of %(when)s had no quorum: the committee cannot decide at it "
                                 "(UH 19.1.2).") % {"when": _when(hearing.starts_at)})
    _refuse_if(rules.ap7_motion_problems(outcome, reasons,
                                         result_changes=len(changes) if changes or not typed else len(typed),
                                         new_decision_text=new_decision_text,
                                         recorded_decision=appeal.contested_decision_id is not None))
    return AppealMotion.objects.create(appeal=appeal, hearing=hearing, put_by=by, **values)


def voters(motion: AppealMotion) -> dict[int, PoolMember]:
    """The sitting voting members present at the motion's session, by seat."""
    return {a.member_id: a.member for a in HearingAttendance.objects.filter(
        hearing_id=motion.hearing_id, present=True).select_related("member__user") if a.member.votes}


def may_record_for_others(user) -> bool:
    """The secretary (who keeps the minutes) and the chair record a vote cast in the session for a member."""
    return has_role(user, (Role.APPEALS_SECRETARY, Role.APPEALS_CHAIR))


@audit_step("Vote cast")
@transaction.atomic
def cast_vote(motion_id: int, *, member_id: int, choice: str, by) -> AppealBallot:
    """AP-7: a sitting voting member present at the session votes for, against or abstains; she may change her
    vote until the vote is closed. The secretary or the chair may record it for her."""
    motion = _lock_motion(motion_id)
    if motion.status != MotionStatus.OPEN:
        raise CommitteeRefused(_("The vote on this motion is closed."))
    eligible = voters(motion)
    member = eligible.get(member_id)
    if member is None:
        raise CommitteeRefused(_("Only the voting members present at the session vote (UH 19.1.2, 19.4.4)."))
    if member.user_id != by.pk and not may_record_for_others(by):
        raise CommitteeRefused(_("Each member casts her own vote."))
    if choice not in (rules.VOTE_FOR, rules.VOTE_AGAINST, rules.VOTE_ABSTAIN):
        raise CommitteeRefused(_("Vote for, against, or abstain."))
    ballot, created = AppealBallot.objects.get_or_create(motion=motion, member=member,
                                                         defaults={"choice": choice, "recorded_by": by})
    if not created and ballot.choice != choice:
        AppealBallot.objects.filter(pk=ballot.pk).update(choice=choice, recorded_by=by, recorded_at=timezone.now())
        ballot.refresh_from_db()
    return ballot


def vote_count(motion: AppealMotion, casting_vote: str | None = None) -> rules.VoteResult:
    ballots = dict(AppealBallot.objects.filter(motion=motion).values_list("member_id", "choice"))
    return rules.ap7_vote_result(ballots, motion.hearing.presiding_id, casting_vote)


@audit_step("Vote closed")
@transaction.atomic
def close_vote(motion_id: int, *, casting_vote: str | None = None, by) -> AppealMotion:
    """AP-7 (UH 19.4.4): count the votes: a simple majority of the votes cast; on a tie the vote of the one
    presiding decides, or the casting vote he gives when he abstained. A carried motion is the committee's decision
    (:func:`decide`); a rejected one leaves room for another motion. Closing a closed vote changes nothing."""
    motion = _lock_motion(motion_id)
    if motion.status != MotionStatus.OPEN:
        return motion
    if not AppealBallot.objects.filter(motion=motion).exists():
        raise CommitteeRefused(_("No vote is cast yet."))
    presiding = motion.hearing.presiding
    if casting_vote and not (by.is_superuser or (presiding and presiding.user_id == by.pk)
                             or has_role(by, (Role.APPEALS_CHAIR, Role.APPEALS_SECRETARY))):
        raise CommitteeRefused(_("The casting vote is the chair's (UH 19.4.4)."))
    result = vote_count(motion, casting_vote or None)
    if result.carried is None:
        raise CommitteeRefused(result.text)
    status = MotionStatus.CARRIED if result.carried else MotionStatus.REJECTED
    AppealMotion.objects.filter(pk=motion.pk).update(
        status=status, votes_for=result.votes_for, votes_against=result.votes_against,
        abstentions=result.abstentions, casting_vote=(casting_vote or "") if result.by_casting_vote else "",
        by_casting_vote=result.by_casting_vote, closed_at=timezone.now(), closed_by=by)
    motion.refresh_from_db()
    if result.carried:
        decide(motion, by=by, vote_text=result.text)
    return motion


# ---------------------------------------------------------------------------------------------------------------
# AP-7: the decision


def _apply_new_results(appeal: Appeal, motion: AppealMotion, decided_on: date, by) -> list[Result]:
    reason = _("Appeal %(reference)s: %(reasons)s") % {"reference": appeal.reference, "reasons": motion.reasons}
    written = []
    for change in motion.result_changes:
        result = Result.objects.select_related("line__contract", "line__course_unit", "exam_period").get(
            pk=change["result"])
        current = Result.objects.filter(student_id=result.student_id, academic_year_id=result.academic_year_id,
                                        course_unit_id=result.course_unit_id, opportunity=result.opportunity,
                                        is_current=True).first()
        if current is None or current.pk != result.pk:
            raise CommitteeRefused(_("The result of %(unit)s changed after the motion was put; put it again.")
                                   % {"unit": change["unit"]})
        try:
            written.append(record_result(result.line, result.exam_period, change["outcome"], change["grade"], by=by,
                                         procedure=ResultProcedure.APPEAL, reason=reason, decided_on=decided_on))
        except ResultRefused as refused:
            raise CommitteeRefused(f"{change['unit']}: {refused}")
    return written


def _new_progress_decision(appeal: Appeal, motion: AppealMotion, decided_on: date,
                           by) -> tuple[StudyProgressDecision, StudyProgressDecision]:
    """The contested decision's new version (procedure ``appeal``), from the deliberation proposal as the new
    results make it (``rules.ap7_new_progress_decision``); the version it supersedes stays on record."""
    contested = appeal.contested_decision
    old = (StudyProgressDecision.objects.select_for_update()
           .filter(student_id=contested.student_id, programme_id=contested.programme_id,
                   exam_period_id=contested.exam_period_id, is_current=True).select_related("proclamation").first())
    if old is None:
        raise CommitteeRefused(_("The contested decision has no current version."))
    period = contested.exam_period
    proposal = deliberation_proposal(contested.programme.code, period.academic_year.code, period.opportunity)
    entry = next((s for s in proposal["students"] if s["student"] == appeal.student.number), None)
    if entry is None:
        raise CommitteeRefused(_("%(number)s is no longer deliberated in %(programme)s.")
                               % {"number": appeal.student.number, "programme": contested.programme.code})
    regs = period.academic_year.rules
    names = [name for _threshold, name in (regs.deliberation.distinctions if regs.deliberation else ())]
    values = rules.ap7_new_progress_decision(
        {"programme_passed": old.programme_passed, "distinction": old.distinction, "packages": old.packages},
        entry, names)
    StudyProgressDecision.objects.filter(pk=old.pk).update(is_current=False)
    reason = _("Appeal %(reference)s, decided on %(date)s: %(reasons)s") % {
        "reference": appeal.reference, "date": decided_on.isoformat(), "reasons": motion.reasons}
    new = StudyProgressDecision.objects.create(
        student_id=old.student_id, programme_id=old.programme_id, exam_period_id=old.exam_period_id,
        proclamation=old.proclamation, decided_on=decided_on, programme_passed=values["programme_passed"],
        distinction=values["distinction"] or "", weighted_percentage=values["weighted_percentage"],
        packages=values["packages"], deviates=values["deviates"], reason=reason, version=old.version + 1,
        supersedes=old, procedure=DecisionProcedure.APPEAL, recorded_by=by)
    return old, new


@audit_step("Appeal decided")
@transaction.atomic
def decide(motion: AppealMotion, *, by, vote_text: str = "") -> AppealDecision:
    """AP-7 (UH 19.4.4): the carried motion is the committee's decision, on the day of its session. A new study-
    progress decision writes its new results (``record_result``, procedure ``appeal``: new versions, the learning
    account synchronised) and the contested decision's new version, recomputed from the deliberation proposal."""
    appeal = _lock_appeal(motion.appeal_id)
    existing = AppealDecision.objects.filter(appeal=appeal).first()
    if existing is not None:
        return existing
    decided_on = timezone.localdate(motion.hearing.starts_at)
    results, old, new = [], None, None
    if motion.outcome == AppealOutcome.NEW_DECISION and motion.result_changes:
        results = _apply_new_results(appeal, motion, decided_on, by)
        old, new = _new_progress_decision(appeal, motion, decided_on, by)
    decision = AppealDecision.objects.create(
        appeal=appeal, motion=motion, outcome=motion.outcome, reasons=motion.reasons,
        new_decision_text=motion.new_decision_text, decided_on=decided_on, superseded_decision=old,
        new_progress_decision=new, recorded_by=by)
    decision.results.set(results)
    note = _("Decided on %(date)s: %(outcome)s.") % {"date": decided_on.isoformat(),
                                                    "outcome": AppealOutcome(motion.outcome).label}
    if vote_text:
        note += f" {vote_text}."
    if results:
        note += " " + "; ".join(f"{c['unit']} ({c['period']}): {c['before']} -> {c['display']}"
                                for c in motion.result_changes) + "."
    _move(appeal, AppealStatus.DECIDED, by, note)
    return decision


# ---------------------------------------------------------------------------------------------------------------
# AP-8: a later decision date, the letter and the route to the Council


@audit_step("Later decision date announced", reason="reason")
@transaction.atomic
def announce_later_date(appeal_id: int, *, decision_date: date, reason: str = "", by,
                        today: date | None = None) -> LaterDecisionNotice:
    """AP-8 (UH 19.4.7): before the decision period expires the committee e-mails the student the later date on
    which it will decide (through the outbox). Once only: the same notice twice returns the first. The date counts
    for AP-8 when the e-mail left by the end of the period (``appeals.rules.ap7_decision_due``)."""
    appeal = _lock_appeal(appeal_id)
    today = today or timezone.localdate()
    existing = LaterDecisionNotice.objects.filter(appeal=appeal).first()
    if existing is not None:
        if existing.decision_date == decision_date:
            return existing
        raise CommitteeRefused(_("A later decision date (%(date)s) was already announced.")
                               % {"date": existing.decision_date.isoformat()})
    _refuse_if_decided(appeal)
    _refuse_if(rules.ap8_later_date_problems(today, decision_date, appeal.decide_by))
    if not appeal.student.email:
        raise CommitteeRefused(_("The student has no e-mail address on record."))
    notice = LaterDecisionNotice.objects.create(appeal=appeal, notified_on=today, decision_date=decision_date,
                                                reason=reason.strip(), sent_to=appeal.student.email, recorded_by=by)
    council_by = rules.ap8_council_deadline_without_decision(
        appeal.decide_by, decision_date, holidays_around(decision_date), committee_rules(appeal),
        equivalence=appeal.decision_kind == DecisionKind.DIPLOMA_EQUIVALENCE)
    notify(key=later_date_key(appeal.pk), audience=NoticeAudience.STUDENT, to=notice.sent_to,
           subject=_("Your appeal %(reference)s: the committee decides by %(date)s") % {
               "reference": appeal.reference, "date": decision_date.isoformat()},
           body=render_to_string("appeals/committee/later_date_email.txt",
                                 {"appeal": appeal, "notice": notice, "council_by": council_by}),
           about=appeal_ref(appeal))
    return notice


def council_deadline_for(decision: AppealDecision, notified_on: date) -> date:
    appeal = decision.appeal
    return rules.ap8_council_deadline(notified_on, holidays_around(notified_on), committee_rules(appeal),
                                      equivalence=appeal.decision_kind == DecisionKind.DIPLOMA_EQUIVALENCE)


def letter_pdf(context: dict) -> bytes:
    """The decision letter as a PDF (WeasyPrint), from its template and the context of
    ``appeals.queries_committee.letter_context``."""
    from weasyprint import HTML

    return HTML(string=render_to_string("appeals/committee/letter_pdf.html", context)).write_pdf()


@audit_step("Decision letter sent")
@transaction.atomic
def send_decision_letter(appeal_id: int, *, by, now: datetime | None = None) -> AppealDecision:
    """AP-7 / AP-8 (UH 19.4.3-6): the decision is notified to the student by e-mail, the letter attached as a PDF,
    stating the route to the Council for Disputes and its last day (7 days after the notification, 30 for an
    equivalence decision, extended past weekends and holidays). The letter is put in the outbox (sent after commit,
    with retries); once only: sending again changes nothing."""
    from ..queries_committee import letter_context

    appeal = _lock_appeal(appeal_id)
    decision = AppealDecision.objects.select_for_update().filter(appeal=appeal).first()
    if decision is None:
        raise CommitteeRefused(_("The committee has not decided yet."))
    if decision.letter_sent_at is not None:
        return decision
    if not appeal.student.email:
        raise CommitteeRefused(_("The student has no e-mail address on record."))
    now = _now(now)
    notified_on = timezone.localdate(now)
    AppealDecision.objects.filter(pk=decision.pk).update(
        letter_sent_at=now, letter_to=appeal.student.email, notified_on=notified_on,
        council_by=council_deadline_for(decision, notified_on))
    decision.refresh_from_db()
    context = letter_context(decision, printed_on=notified_on)
    pdf = letter_pdf(context)
    notify(key=letter_key(appeal.pk), audience=NoticeAudience.STUDENT, to=decision.letter_to,
           subject=_("Decision on your appeal %(reference)s") % {"reference": appeal.reference},
           body=render_to_string("appeals/committee/letter_email.txt", context), about=appeal_ref(appeal),
           attachment=(f"appeal-{appeal.reference}.pdf", pdf, "application/pdf"))
    # A fact on the file that keeps its status (decided): a transition to the same status, as the intake notes one.
    AppealTransition.objects.create(
        appeal=appeal, from_status=appeal.status, to_status=appeal.status, by=by,
        note=_("Decision letter to %(to)s put in the outbox on %(when)s, to be e-mailed at once; appeal to the "
               "Council for Disputes until %(date)s (UH 19.4.6).") % {"to": decision.letter_to, "when": _when(now),
                                  "date": decision.council_by.isoformat()})
    return decision
