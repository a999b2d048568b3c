"""Read side of the appeals committee: who sees which appeal, the pool page, the appeal's committee page and the
decision letter, each in a fixed number of queries.

Scoping (AP-5): the committee's secretary sees every appeal; the chair every appeal except one he excluded himself
from; a member the appeals she sits on — her seat's term overlaps the appeal's handling (from its receipt to its
decision, or today) — and was not excluded from. Anything else is answered as missing (404).
:func:`member_scope` is the predicate the intake's ``appeals_for`` ORs in for appeals committee members.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from config.access import Role, has_role, user_roles
from config.calendar import holidays_around
from examinations.models import CommitteeMember, TieDeclaration

from . import rules
from .models import (
    Appeal,
    AppealBallot,
    AppealDecision,
    AppealExclusion,
    AppealHearing,
    AppealMotion,
    AppealStatus,
    DecisionKind,
    HearingAttendance,
    HearingStatus,
    LaterDecisionNotice,
    MotionStatus,
    PoolMember,
)
from .services import committee as services

#: Who may open the committee's pages at all (the object scope narrows it further).
COMMITTEE_READERS = (Role.APPEALS_SECRETARY, Role.APPEALS_CHAIR, Role.APPEALS_MEMBER)
#: Who keeps the pool and the appeal's committee file: plans and records hearings, puts motions, sends letters.
FILE_KEEPERS = (Role.APPEALS_SECRETARY, Role.APPEALS_CHAIR)
#: Who excludes involved members (UH 19.1.2: "the chair may exclude").
CHAIR = (Role.APPEALS_CHAIR,)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def member_scope(user, today: date | None = None) -> Q:
    """The appeals an appeals committee member (or the chair) sits on and was not excluded from: a seat whose term
    overlaps the appeal's handling (from its receipt to its decision, or today)."""
    end = Coalesce(OuterRef("committee_decision__decided_on"), Value(_today(today)))
    seats = PoolMember.objects.filter(user_id=user.pk, role__in=rules.POOL_VOTING_ROLES, since__lte=end).filter(
        Q(until__isnull=True) | Q(until__gte=OuterRef("received_on")))
    excluded = AppealExclusion.objects.filter(appeal_id=OuterRef("pk"), member__user_id=user.pk)
    return Q(Exists(seats)) & ~Q(Exists(excluded))


def excluded_scope(user) -> Q:
    return Q(Exists(AppealExclusion.objects.filter(appeal_id=OuterRef("pk"), member__user_id=user.pk)))


def committee_appeals_for(user, today: date | None = None) -> QuerySet:
    """The appeals this user may open on the committee's pages, with what the list shows."""
    qs = Appeal.objects.select_related("student", "programme", "committee_decision")
    if not user.is_authenticated:
        return qs.none()
    roles = user_roles(user)
    if user.is_superuser or Role.APPEALS_SECRETARY in roles:
        return qs
    if Role.APPEALS_CHAIR in roles:
        return qs.exclude(excluded_scope(user))
    if Role.APPEALS_MEMBER in roles:
        return qs.filter(member_scope(user, today))
    return qs.none()


def access_committee_appeal(user, pk: int, today: date | None = None) -> Appeal:
    """The appeal, or 404 when it does not exist or this user does not sit on it (or was excluded from it)."""
    try:
        return committee_appeals_for(user, today).select_related(
            "contested_decision__programme", "contested_decision__exam_period__academic_year",
            "contested_decision__proclamation").get(pk=pk)
    except Appeal.DoesNotExist:
        raise Http404("No such appeal.")


def may_keep_file(user) -> bool:
    return has_role(user, FILE_KEEPERS)


def may_exclude(user) -> bool:
    return has_role(user, CHAIR)


# ---------------------------------------------------------------------------------------------------------------
# The pool


def pool_members(status: str = "current", role: str = "", search: str = "", today: date | None = None) -> QuerySet:
    """The pool's seats for the pool page: ``status`` current (on ``today``), ended, future or all."""
    today = _today(today)
    qs = PoolMember.objects.select_related("user").annotate(n_exclusions=Count("exclusions"))
    active = Q(since__lte=today) & (Q(until__isnull=True) | Q(until__gte=today))
    if status == "current":
        qs = qs.filter(active)
    elif status == "ended":
        qs = qs.filter(until__lt=today)
    elif status == "future":
        qs = qs.filter(since__gt=today)
    if role:
        qs = qs.filter(role=role)
    if search:
        qs = qs.filter(Q(user__first_name__icontains=search) | Q(user__last_name__icontains=search)
                       | Q(user__username__icontains=search) | Q(faculty__icontains=search))
    return qs.order_by("role", "user__last_name", "user__first_name", "since")


def pool_check(today: date | None = None) -> dict:
    """AP-5: the pool's problems on ``today`` and its counts."""
    today = _today(today)
    seats = services.pool_seats()
    active = [s for s in seats if s.active_on(today)]
    return {
        "problems": rules.ap5_pool_problems(seats, today, services.committee_rules_default()),
        "voting": sum(1 for s in active if s.role == rules.POOL_MEMBER),
        "chair": next((s for s in active if s.role == rules.POOL_CHAIR), None),
        "secretaries": [s for s in active if s.role == rules.POOL_SECRETARY],
        "max_voting": services.committee_rules_default().max_voting_members,
    }


# ---------------------------------------------------------------------------------------------------------------
# The committee's list of appeals


OPEN_STATUSES = tuple(s for s in AppealStatus.values if s != AppealStatus.DECIDED)


def appeal_rows(qs: QuerySet, today: date) -> QuerySet:
    """The list's rows with the next hearing and whether the decision is overdue."""
    next_hearing = AppealHearing.objects.filter(appeal_id=OuterRef("pk"), status=HearingStatus.PLANNED)
    return qs.annotate(
        planned_at=next_hearing.values("starts_at")[:1],
        due=Coalesce("later_decision_notice__decision_date", F("decide_by")),
    ).select_related("later_decision_notice")


def row_state(appeal: Appeal, today: date) -> str:
    decision = getattr(appeal, "committee_decision", None)
    if decision is not None:
        return "notified" if decision.notified_on else "decided"
    return "overdue" if appeal.due < today else "open"


# ---------------------------------------------------------------------------------------------------------------
# The appeal's committee page


def involved(appeal: Appeal, seats: list[PoolMember]) -> list[rules.Involvement]:
    """AP-5: the pool members the records show involved: a seat on the examination committee of the contested
    decision's programme on the day of the decision (``examinations.models.CommitteeMember``), or a declared tie
    with the student (``TieDeclaration``)."""
    decision = appeal.contested_decision
    programme_id = decision.programme_id if decision else appeal.programme_id
    people = {}
    if programme_id is not None:
        on = decision.decided_on if decision else appeal.decision_notified_on
        for user_id, code in (CommitteeMember.objects.filter(committee__programme_id=programme_id, since__lte=on)
                              .filter(Q(until__isnull=True) | Q(until__gte=on))
                              .values_list("user_id", "committee__programme__code")):
            people[user_id] = code
    tied = TieDeclaration.objects.filter(student_id=appeal.student_id).values_list("person_id", flat=True)
    return rules.ap5_involvements([s.as_seat() for s in seats], people, set(tied))


def hearings_of(appeal: Appeal) -> list[AppealHearing]:
    return list(AppealHearing.objects.filter(appeal=appeal).select_related("presiding__user", "planned_by")
                .prefetch_related(Prefetch("attendance", queryset=HearingAttendance.objects.select_related(
                    "member__user"))).order_by("starts_at", "id"))


def motions_of(appeal: Appeal) -> list[AppealMotion]:
    return list(AppealMotion.objects.filter(appeal=appeal).select_related("hearing", "put_by", "closed_by")
                .prefetch_related(Prefetch("ballots", queryset=AppealBallot.objects.select_related(
                    "member__user", "recorded_by"))).order_by("put_at", "id"))


def committee_page(user, appeal: Appeal, today: date) -> dict:
    """Everything the appeal's committee page shows: who sits (and who is excluded or looks involved), the
    hearings with their records, the motions with their votes, the decision, the deadlines, and what this user
    may do."""
    start, end = services.handling_period(appeal, today)
    seats = list(services.seats_in_period(start, end).order_by("role", "user__last_name"))
    exclusions = list(AppealExclusion.objects.filter(appeal=appeal).select_related("member__user", "recorded_by"))
    excluded_ids = {e.member_id for e in exclusions}
    involvements = [i for i in involved(appeal, seats) if i.seat_id not in excluded_ids]
    hearings = hearings_of(appeal)
    motions = motions_of(appeal)
    open_motion = next((m for m in motions if m.status == MotionStatus.OPEN), None)
    decision = (AppealDecision.objects.filter(appeal=appeal).select_related(
        "superseded_decision", "new_progress_decision", "recorded_by")
        .prefetch_related("results__course_unit", "results__exam_period", "results__supersedes").first())
    notice = LaterDecisionNotice.objects.filter(appeal=appeal).first()
    my_seats = [s for s in seats if s.user_id == user.pk and s.pk not in excluded_ids]
    keeper = may_keep_file(user)
    planned = next((h for h in hearings if h.status == HearingStatus.PLANNED), None)
    held_with_quorum = [h for h in hearings if h.status == HearingStatus.HELD and h.quorum]
    vote = None
    if open_motion is not None:
        voters = services.voters(open_motion)
        mine = [s for s in my_seats if s.pk in voters]
        ballots = {b.member_id: b for b in open_motion.ballots.all()}
        vote = {"motion": open_motion, "voters": list(voters.values()), "ballots": ballots,
                "rows": [(m, ballots.get(m.pk)) for m in voters.values()],
                "count": services.vote_count(open_motion), "my_seat": mine[0] if mine else None,
                "my_ballot": ballots.get(mine[0].pk) if mine else None}
    decided = appeal.status == AppealStatus.DECIDED
    return {
        "appeal": appeal,
        "seats": seats,
        "sitting_ids": {s.pk for s in seats if s.pk not in excluded_ids},
        "exclusions": exclusions,
        "involvements": involvements,
        "hearings": hearings,
        "planned": planned,
        "motions": motions,
        "vote": vote,
        "decision": decision,
        "notice": notice,
        "deadlines": deadlines(appeal, decision, notice, today),
        "can_keep": keeper,
        "can_exclude": may_exclude(user) and not decided,
        "can_plan": keeper and not decided and appeal.status in services.HEARABLE,
        "can_record": keeper and planned is not None and timezone.now() >= planned.starts_at,
        "can_move": keeper and not decided and open_motion is None and bool(held_with_quorum),
        "can_close": open_motion is not None and (keeper or bool(my_seats and open_motion.hearing.presiding_id
                                                              in {s.pk for s in my_seats})),
        "can_announce": keeper and not decided and notice is None and today <= appeal.decide_by,
        "can_send_letter": keeper and decision is not None and decision.letter_sent_at is None,
    }


def deadlines(appeal: Appeal, decision: AppealDecision | None, notice: LaterDecisionNotice | None,
              today: date) -> list[rules.CommitteeDeadline]:
    later = notice.decision_date if notice else None
    without = rules.ap8_council_deadline_without_decision(
        appeal.decide_by, later, holidays_around(later or appeal.decide_by), services.committee_rules(appeal),
        equivalence=appeal.decision_kind == DecisionKind.DIPLOMA_EQUIVALENCE)
    return rules.ap7_deadlines(
        decide_by=appeal.decide_by, later_date=later, later_notice_on=notice.notified_on if notice else None,
        notified_on=decision.notified_on if decision else None,
        council_by=decision.council_by if decision else None, today=today, council_without_decision_by=without)


def motion_candidates(appeal: Appeal):
    return services.result_candidates(appeal)


def held_hearings(appeal: Appeal) -> list[AppealHearing]:
    return list(AppealHearing.objects.filter(appeal=appeal, status=HearingStatus.HELD, quorum=True)
                .order_by("-starts_at"))


def sitting_for_hearing(hearing: AppealHearing) -> list[PoolMember]:
    return sorted(services.sitting_on(hearing.appeal, timezone.localdate(hearing.starts_at)),
                  key=lambda m: (m.role != "chair", m.role == "secretary", m.user.last_name, m.user.first_name))


# ---------------------------------------------------------------------------------------------------------------
# The decision letter


def letter_context(decision: AppealDecision, printed_on: date) -> dict:
    """What the letter says: the appeal, the outcome and its reasons, the new results and study-progress decision,
    who decided and the vote, and the route to the Council for Disputes with its last day (AP-8)."""
    decision = (AppealDecision.objects.select_related(
        "appeal__student", "appeal__contested_decision__programme",
        "appeal__contested_decision__exam_period__academic_year", "motion__hearing__presiding__user",
        "superseded_decision", "new_progress_decision", "appeal__later_decision_notice")
        .prefetch_related("results__course_unit", "results__exam_period", "results__supersedes")
        .get(pk=decision.pk))
    appeal = decision.appeal
    hearing = decision.motion.hearing
    regs = services.regulations_for(appeal)
    equivalence = appeal.decision_kind == DecisionKind.DIPLOMA_EQUIVALENCE
    council_days = regs.appeals_committee.council_equivalence_days if equivalence else \
        regs.appeals_committee.council_days
    present = [a.member for a in HearingAttendance.objects.filter(hearing=hearing, present=True)
               .select_related("member__user") if a.member.votes]
    return {
        "decision": decision,
        "appeal": appeal,
        "student": appeal.student,
        "hearing": hearing,
        "present": present,
        "motion": decision.motion,
        "results": list(decision.results.all()),
        "institution": regs.institution,
        "council_days": council_days,
        "council_by": decision.council_by,
        "printed_on": printed_on,
    }


def decision_for(appeal: Appeal) -> AppealDecision:
    decision = AppealDecision.objects.filter(appeal=appeal).first()
    if decision is None:
        raise Http404("The committee has not decided yet.")
    return decision
