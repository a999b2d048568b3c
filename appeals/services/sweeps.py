"""The appeals' deadline sweeps of ``config.sweeps`` (rules.md section 9): AP-2, AP-6 and AP-7 / AP-8.

Each sweep reads what may be due in a few bulk queries, decides with the pure rules of :mod:`appeals.rules` and
writes only what changes. Running twice, or on two workers at once, has the effect of running once: the AP-2 sweep
works in one transaction under its own advisory lock and writes in bulk; the AP-7/AP-8 consequence is written in
batches with the appeals' rows locked (and :class:`CouncilRouteWithoutDecision` is one per appeal); a ``nearing``
flag is one per appeal and rule (``enrolment.flags.raise_flag``); a hearing changes status under the appeal's and
the hearing's row locks, as ``plan_hearing`` takes them; the outbox's notice keys send each notice once. A repeat
run finds nothing to do in a handful of queries. Notices go through the outbox only.

AP-2 (UH 19.3.2). The 7-day window of every proclamation (exam decisions) and of every notified disciplinary
decision (an irregularity established, notified by letter or by the rector) closes after its last day
(``rules.lodge_by``: extended past weekends and public holidays); the sweep records each closure once
(``DeadlineFlag`` AP-2 ``closed`` on the proclamation or the irregularity). An appeal lodged after the last day of
its own window (computed at intake from the day the student was notified, which may be later than the
proclamation: the reading in the student's favour) is late. The intake marks that when it registers the appeal
(a note and the AP-2 ``late`` flag); the sweep marks the appeals that came in otherwise (a dataset import, or an
intake from before the flag), with a note on the file when the intake wrote none.

AP-6 (UH 19.4.2). The invitation to a hearing waits in the outbox until it is sent; when it has not left 24 hours
before the hearing (``rules.ap6_invitation_missed``), the hearing cannot hear the student. The sweep marks the
hearing ``not_invited`` (the committee plans again; ``record_hearing`` refuses it), withdraws the invitation if it
still waits, notes it on the file and tells the chair and the secretary; a student who did receive the late
invitation is told the hearing will not take place as planned. The sweep judges the moment at the end of
``as_of`` (or now, for today): it never acts on a time still to come.

AP-7 / AP-8 (UH 19.4.3-8). The decision must reach the student within 20 calendar days from the day after receipt
(``decide_by``), or by the later date the committee announced before that period expired. "Reached" means the
e-mail left the outbox (the notice's ``sent_at``; for a letter from before the outbox, its recorded day): a
letter waiting in a broken outbox has not notified anyone. From ``decision_warning_days`` before that date the
appeal is flagged ``nearing`` and the chair and the secretary are told; the day after it, without a decision, the
appeal is flagged ``overdue`` and the AP-8 consequence is recorded once (:class:`CouncilRouteWithoutDecision`:
the day the period expired and the last day for the Council for Disputes) and noted on the file. The student is
told of the route, and the chair and secretary of the missed deadline, while that route is still open (a sweep
catching up on an appeal imported long after its dates records the consequence but writes to nobody); a student
whose decision letter went out meanwhile, late, has the route in the letter and gets no second message. The flags
carry the rule: AP-7 against the 20-day date, AP-8 against an announced later date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import CharField, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from config.access import Role
from config.audit import audit_step
from config.calendar import holidays_around
from config.regulations import DEFAULT_CODE, AppealsCommitteeRules, get_regulations
from config.sweeps import Due, Ref, SweepResult
from enrolment.flags import raise_flag
from enrolment.models import AcademicYear, DeadlineFlag, Notice, NoticeAudience, NoticeStatus
from enrolment.outbox import notify, notify_many
from examinations.models import Irregularity, Proclamation

from .. import rules
from ..models import (
    Appeal,
    AppealDecision,
    AppealHearing,
    AppealTransition,
    CouncilRouteWithoutDecision,
    DecisionKind,
    HearingStatus,
    PoolMember,
    PoolRole,
)
from . import committee
from .intake import LATE_FLAG, irregularity_notified_on

AP2, AP6, AP7, AP8 = "AP-2", "AP-6", "AP-7", "AP-8"
CLOSED, NOT_INVITED = "closed", "not_invited"
#: More than any last day of AP-2 can move past weekends and holidays (Christmas: a weekend and two holidays).
MAX_EXTENSION_DAYS = 10


# ---------------------------------------------------------------------------------------------------------------
# Shared: the regulations of an appeal without a query per appeal, who hears of it, notes on the file


class _Regulations:
    """The appeals committee's numbers per appeal, as :func:`committee.regulations_for` decides them (the contested
    decision's year, else the year in which the appeal was received, else the default), from one query."""

    def __init__(self):
        self.years = list(AcademicYear.objects.order_by("starts_on"))
        self.default = get_regulations(DEFAULT_CODE).appeals_committee

    def all(self) -> list[AppealsCommitteeRules]:
        return [self.default] + [y.rules.appeals_committee for y in self.years]

    def of(self, appeal: Appeal) -> AppealsCommitteeRules:
        if appeal.contested_decision_id:
            return appeal.contested_decision.exam_period.academic_year.rules.appeals_committee
        started = [y for y in self.years if y.starts_on <= appeal.received_on]
        return started[-1].rules.appeals_committee if started else self.default


def _appeals_with_rules():
    return Appeal.objects.select_related("student", "programme", "contested_decision__exam_period__academic_year")


class _Committee:
    """The chair and the secretary on a day, with an e-mail address: the seats of the pool (AP-5); when the pool has
    no such seat, the users who hold the role."""

    def __init__(self):
        self._cache: dict[date, list[tuple[str, int, str]]] = {}

    def on(self, day: date) -> list[tuple[str, int, str]]:
        """``[(audience, user id, e-mail)]``."""
        if day not in self._cache:
            seats = (PoolMember.objects.filter(role__in=[PoolRole.CHAIR, PoolRole.SECRETARY], since__lte=day)
                     .filter(Q(until__isnull=True) | Q(until__gte=day)).select_related("user"))
            found = {(NoticeAudience.CHAIR if s.role == PoolRole.CHAIR else NoticeAudience.SECRETARY, s.user_id,
                      s.user.email) for s in seats if s.user.email and s.user.is_active}
            for audience, role in ((NoticeAudience.CHAIR, Role.APPEALS_CHAIR),
                                   (NoticeAudience.SECRETARY, Role.APPEALS_SECRETARY)):
                if not any(a == audience for a, _uid, _email in found):
                    found |= {(audience, u.pk, u.email) for u in get_user_model().objects.filter(
                        groups__name=role, is_active=True).exclude(email="")}
            self._cache[day] = sorted(found)
        return self._cache[day]


def _tell_committee(people: Iterable[tuple[str, int, str]], key: str, subject: str, body: str, about: Ref) -> None:
    for audience, user_id, email in people:
        notify(key=f"{key}.{audience}.{user_id}", audience=audience, to=email, subject=subject, body=body,
               about=about)


def _note_on_file(appeal_id: int, note: str) -> None:
    """A fact the sweep records on the appeal's file, keeping its status (as the intake and committee do)."""
    status = Appeal.objects.filter(pk=appeal_id).values_list("status", flat=True).get()
    AppealTransition.objects.create(appeal_id=appeal_id, from_status=status, to_status=status, by=None, note=note)


def _day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def _appeal_ref(appeal: Appeal) -> Ref:
    return Ref("appeals.appeal", appeal.pk, appeal.reference)


# ---------------------------------------------------------------------------------------------------------------
# AP-2: the appeal windows


def _proclamation_ref(p: Proclamation) -> Ref:
    return Ref("examinations.proclamation", p.pk,
               f"{p.programme.code} {p.exam_period.academic_year.code} {p.exam_period.code}, proclaimed "
               f"{p.published_on.isoformat()}")


def _irregularity_ref(i: Irregularity, notified_on: date) -> Ref:
    return Ref("examinations.irregularity", i.pk,
               f"{i.student.number} {i.course_unit.code} {i.exam_period.code}: disciplinary decision notified "
               f"{notified_on.isoformat()}")


def _closed(model: str):
    return Exists(DeadlineFlag.objects.filter(rule=AP2, kind=CLOSED, model=model, pk_value=OuterRef("pk")))


def _windows(notified_from: date | None, notified_to: date,
             open_only: bool = False) -> list[tuple[Ref, date, int | None, str]]:
    """The decisions whose AP-2 window opened on a day in [``notified_from``, ``notified_to``] (``None``: from the
    beginning), ``open_only``: those whose closure is not recorded yet; ``(ref, notified on, programme id,
    programme code)``; two queries."""
    found = []
    proclamations = Proclamation.objects.filter(published_on__lte=notified_to).select_related(
        "programme", "exam_period__academic_year")
    if notified_from is not None:
        proclamations = proclamations.filter(published_on__gte=notified_from)
    if open_only:
        proclamations = proclamations.filter(~_closed("examinations.proclamation"))
    for p in proclamations.order_by("published_on", "pk"):
        found.append((_proclamation_ref(p), p.published_on, p.programme_id, p.programme.code))
    notified = Q(letter_sent_on__isnull=False, letter_sent_on__lte=notified_to) | Q(
        letter_sent_on__isnull=True, rector_decided_on__isnull=False, rector_decided_on__lte=notified_to)
    irregularities = Irregularity.objects.filter(notified, irregularity_found=True).select_related(
        "student", "course_unit", "exam_period", "committee__programme")
    if open_only:
        irregularities = irregularities.filter(~_closed("examinations.irregularity"))
    for i in irregularities.order_by("pk"):
        day = irregularity_notified_on(i)
        if notified_from is not None and day < notified_from:
            continue
        found.append((_irregularity_ref(i, day), day, i.committee.programme_id, i.committee.programme.code))
    return found


def _sweep_lock(key: int) -> None:
    """One run of a sweep at a time (a transaction-level advisory lock): a concurrent run waits, then finds done
    what the first did. Lets a sweep write in bulk instead of one savepoint per record."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _flag(rule: str, kind: str, ref: Ref, due_on: date, as_of: date, programme_id: int | None,
          note: str) -> DeadlineFlag:
    return DeadlineFlag(rule=rule, kind=kind, model=ref.model, pk_value=ref.pk, label=ref.label[:300], due_on=due_on,
                        flagged_on=as_of, programme_id=programme_id, note=note)


@audit_step("Sweep AP-2 (UH 19.3.2): appeal window closed")
@transaction.atomic
def close_appeal_windows(as_of: date) -> SweepResult:
    """AP-2 sweep (UH 19.3.2): record once each window that closed on or before ``as_of``, and mark the late
    appeals the intake did not mark. One transaction under the sweep's lock, written in bulk."""
    _sweep_lock(190302)  # UH 19.3.2
    affected, flags = [], []
    # A window is closed on as_of only when as_of > notified_on + 7 (its last day is never earlier).
    for ref, notified_on, programme_id, _code in _windows(None, as_of - timedelta(days=rules.APPEAL_DAYS + 1),
                                                           open_only=True):
        holidays = holidays_around(notified_on)
        if not rules.ap2_window_closed(notified_on, as_of, holidays):
            continue
        last_day = rules.lodge_by(notified_on, holidays)
        flags.append(_flag(AP2, CLOSED, ref, last_day, as_of, programme_id,
                           f"appeal window closed after {last_day.isoformat()} (UH 19.3.2)"))
        affected.append(Ref(ref.model, ref.pk, f"{ref.label}: appeal window closed after {last_day.isoformat()}"))

    rule, kind = LATE_FLAG
    marked = DeadlineFlag.objects.filter(rule=rule, kind=kind, model="appeals.appeal", pk_value=OuterRef("pk"))
    registered = AppealTransition.objects.filter(appeal=OuterRef("pk"), from_status="")
    late = (Appeal.objects.filter(postmarked_on__gt=F("lodge_by"), received_on__lte=as_of).filter(~Exists(marked))
            .annotate(registered=Exists(registered)).order_by("received_on", "pk"))
    notes = []
    for appeal in late:
        if not rules.ap2_late(appeal.postmarked_on, appeal.lodge_by):
            continue
        words = {"postmark": appeal.postmarked_on.isoformat(), "last": appeal.lodge_by.isoformat()}
        flags.append(_flag(rule, kind, _appeal_ref(appeal), appeal.lodge_by, as_of, appeal.programme_id,
                           f"postmarked {words['postmark']}, after the last day {words['last']} (AP-2)"))
        if not appeal.registered:  # the intake wrote no note (a dataset import): the file says it now
            notes.append(AppealTransition(
                appeal=appeal, from_status=appeal.status, to_status=appeal.status, by=None,
                note=_("Postmarked %(postmark)s, after the last day %(last)s (AP-2, UH 19.3.2): late; the committee "
                       "decides on admissibility.") % words))
        affected.append(Ref("appeals.appeal", appeal.pk,
                            f"{appeal.reference}: late (postmarked {words['postmark']}, last day {words['last']})"))
    # ignore_conflicts: an appeal the intake registers at this very moment flags itself; its flag stands.
    DeadlineFlag.objects.bulk_create(flags, batch_size=2000, ignore_conflicts=True)
    AppealTransition.objects.bulk_create(notes, batch_size=2000)
    return SweepResult(affected=tuple(affected))


def upcoming_appeal_windows(start: date, end: date) -> list[Due]:
    """AP-2: the last days of appeal windows in [start, end], per proclamation or notified disciplinary decision."""
    out = []
    earliest = start - timedelta(days=rules.APPEAL_DAYS + MAX_EXTENSION_DAYS)
    for ref, notified_on, _programme_id, code in _windows(earliest, end - timedelta(days=rules.APPEAL_DAYS)):
        last_day = rules.lodge_by(notified_on, holidays_around(notified_on))
        if start <= last_day <= end:
            out.append(Due(AP2, last_day, _("%(decision)s: last day to lodge an internal appeal (UH 19.3.2)")
                           % {"decision": ref.label}, programme=code, ref=ref))
    return out


# ---------------------------------------------------------------------------------------------------------------
# AP-6: invitations that did not go out 24 hours before the hearing


def _moment(as_of: date) -> datetime:
    """The moment a sweep for ``as_of`` judges: the end of that day, but never later than now."""
    end = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min))
    return min(end, timezone.now())


def _sent(keys: list[str]) -> dict[str, tuple[str, datetime | None]]:
    """``{key: (status, sent_at)}`` of the notices that exist, in one query."""
    return {k: (s, at) for k, s, at in Notice.objects.filter(key__in=keys).values_list("key", "status", "sent_at")}


def _went_out(notices: dict, key: str, before_outbox: datetime | date | None):
    """When the notice ``key`` left the outbox: its ``sent_at`` (None while it waits or was given up on); without a
    notice (written before the outbox existed), ``before_outbox``, the time the record says it was e-mailed."""
    if key not in notices:
        return before_outbox
    status, sent_at = notices[key]
    return sent_at if status == NoticeStatus.SENT else None


def _hearing_label(hearing: AppealHearing) -> str:
    return f"{hearing.appeal.reference}: hearing of {committee._when(hearing.starts_at)}"


@audit_step("Sweep AP-6 (UH 19.4.2): invitation too late")
def refuse_late_invitations(as_of: date) -> SweepResult:
    """AP-6 sweep (UH 19.4.2): planned hearings whose invitation did not leave 24 hours before them cannot hear the
    student: marked ``not_invited`` for the committee to plan again, once."""
    moment = _moment(as_of)
    regs = _Regulations()
    hours = max(r.invitation_hours for r in regs.all())
    candidates = list(AppealHearing.objects.filter(
        status=HearingStatus.PLANNED, hear_student=True, starts_at__lt=moment + timedelta(hours=hours))
        .select_related("appeal__contested_decision__exam_period__academic_year").order_by("starts_at", "pk"))
    notices = _sent([committee.invitation_key(h.pk) for h in candidates])
    people, affected = _Committee(), []
    for hearing in candidates:
        appeal_rules = regs.of(hearing.appeal)
        key = committee.invitation_key(hearing.pk)
        if not rules.ap6_invitation_missed(_went_out(notices, key, hearing.invitation_sent_at), hearing.starts_at,
                                           moment, appeal_rules):
            continue
        with transaction.atomic():
            appeal = committee._lock_appeal(hearing.appeal_id)  # plan_hearing's order: the appeal, then the hearing
            locked = AppealHearing.objects.select_for_update().filter(pk=hearing.pk,
                                                                      status=HearingStatus.PLANNED).first()
            if locked is None:
                continue  # planned again, recorded or marked meanwhile
            committee.withdraw_notice(key, f"the invitation did not leave 24 hours before the hearing of "
                                           f"{committee._when(hearing.starts_at)} (AP-6)")
            went_out = committee.invitation_sent_at(locked)  # read again under the lock
            if not rules.ap6_invitation_missed(went_out, locked.starts_at, moment, appeal_rules):
                continue
            AppealHearing.objects.filter(pk=locked.pk).update(status=HearingStatus.NOT_INVITED)
            latest = rules.ap6_latest_invitation(timezone.localtime(locked.starts_at), appeal_rules)
            ref = Ref("appeals.appealhearing", locked.pk, _hearing_label(hearing))
            raise_flag(rule=AP6, kind=NOT_INVITED, ref=ref, due_on=latest.date(), flagged_on=as_of,
                       programme_id=appeal.programme_id,
                       note=f"invitation not sent by {latest:%Y-%m-%d %H:%M} (UH 19.4.2)")
            words = {"reference": appeal.reference, "when": committee._when(locked.starts_at),
                     "latest": latest.strftime("%Y-%m-%d %H:%M"), "hours": appeal_rules.invitation_hours}
            if went_out is None:
                why = _("The invitation to the hearing of %(when)s had not been sent by %(latest)s, %(hours)d hours "
                        "before it (UH 19.4.2): the committee cannot hear the student then. Plan a new hearing.")
            else:
                why = _("The invitation to the hearing of %(when)s was sent on %(sent)s, after %(latest)s, "
                        "%(hours)d hours before it (UH 19.4.2): the committee cannot hear the student then. Plan a "
                        "new hearing.")
                words["sent"] = committee._when(went_out)
            _note_on_file(appeal.pk, why % words)
            _tell_committee(people.on(as_of), f"appeals.hearing.{locked.pk}.not_invited",
                            _("Appeal %(reference)s: plan the hearing of %(when)s again") % words,
                            _("Dear member of the appeals committee,\n\n%(why)s\n\nAppeal %(reference)s.\n")
                            % {"why": why % words, "reference": appeal.reference}, ref)
            if went_out is not None and appeal.student.email:
                notify(key=f"appeals.hearing.{locked.pk}.not_invited.student", audience=NoticeAudience.STUDENT,
                       to=appeal.student.email,
                       subject=_("Your appeal %(reference)s: the hearing of %(when)s does not take place") % words,
                       body=_("Dear %(name)s,\n\nThe invitation to the hearing on your appeal %(reference)s on "
                              "%(when)s reached you less than %(hours)d hours before it (UH 19.4.2). The committee "
                              "will therefore not hear you then; you will receive a new invitation.\n\nThe secretary "
                              "of the internal appeals committee\n") % {**words, "name": appeal.student.first_name},
                       about=ref)
        affected.append(Ref("appeals.appealhearing", hearing.pk, f"{_hearing_label(hearing)}: not duly invited"))
    return SweepResult(affected=tuple(affected))


def upcoming_hearings(start: date, end: date) -> list[Due]:
    """AP-6: the planned hearings whose invitation must have left in [start, end] (24 hours before), and whether it
    did."""
    regs = _Regulations()
    hours = max(r.invitation_hours for r in regs.all())
    first = timezone.make_aware(datetime.combine(start, time.min))
    last = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)) + timedelta(hours=hours)
    hearings = list(AppealHearing.objects.filter(status=HearingStatus.PLANNED, hear_student=True,
                                                 starts_at__gte=first, starts_at__lt=last)
                    .select_related("appeal__programme", "appeal__contested_decision__exam_period__academic_year")
                    .order_by("starts_at", "pk"))
    notices = _sent([committee.invitation_key(h.pk) for h in hearings])
    out = []
    for hearing in hearings:
        latest = rules.ap6_latest_invitation(timezone.localtime(hearing.starts_at), regs.of(hearing.appeal))
        if not start <= latest.date() <= end:
            continue
        went_out = _went_out(notices, committee.invitation_key(hearing.pk), hearing.invitation_sent_at)
        words = {"hearing": _hearing_label(hearing), "latest": latest.strftime("%Y-%m-%d %H:%M")}
        if went_out is None:
            what = _("%(hearing)s: the invitation waits in the outbox; it must leave by %(latest)s (UH 19.4.2)")
        else:
            what = _("%(hearing)s: invitation sent on %(sent)s; it had to leave by %(latest)s (UH 19.4.2)")
            words["sent"] = committee._when(went_out)
        out.append(Due(AP6, latest.date(), what % words,
                       programme=hearing.appeal.programme.code if hearing.appeal.programme_id else "",
                       ref=Ref("appeals.appealhearing", hearing.pk, _hearing_label(hearing))))
    return out


# ---------------------------------------------------------------------------------------------------------------
# AP-7 / AP-8: the decision date and the route to the Council without a decision


def _letter_sent_in_time():
    """The decision letter's notice left the outbox by ``decide_by`` (such an appeal can no longer be late)."""
    return Exists(Notice.objects.filter(
        key=Concat(Value("appeals.appeal."), Cast(OuterRef("pk"), CharField()), Value(".decision_letter")),
        status=NoticeStatus.SENT, sent_at__date__lte=OuterRef("decide_by")))


class _DecisionState:
    """What the AP-7 / AP-8 rules need of one appeal, from the bulk reads."""

    def __init__(self, appeal: Appeal, notices: dict, appeal_rules: AppealsCommitteeRules):
        self.appeal = appeal
        self.rules = appeal_rules
        later = getattr(appeal, "later_decision_notice", None)
        self.later_date = later.decision_date if later else None
        self.later_announced_on = _day_of(_went_out(notices, committee.later_date_key(appeal.pk),
                                                    later.notified_on if later else None)) if later else None
        decision = getattr(appeal, "committee_decision", None)
        self.letter_written = decision is not None and decision.letter_sent_at is not None
        self.notified_on = _day_of(_went_out(notices, committee.letter_key(appeal.pk), decision.notified_on)) \
            if self.letter_written else None
        self.due = rules.ap7_decision_due(appeal.decide_by, self.later_date, self.later_announced_on)
        self.rule = AP7 if self.due == appeal.decide_by else AP8

    def stage(self, as_of: date) -> str | None:
        return rules.ap7_decision_stage(self.due, self.notified_on, as_of, self.rules.decision_warning_days)

    def route(self) -> rules.CouncilRoute:
        return rules.ap8_route_without_decision(
            self.appeal.decide_by, self.later_date, self.later_announced_on, holidays_around(self.due), self.rules,
            equivalence=self.appeal.decision_kind == DecisionKind.DIPLOMA_EQUIVALENCE)


def _day_of(value) -> date | None:
    return _day(value) if isinstance(value, datetime) else value


def _decision_states(appeals: list[Appeal], regs: _Regulations) -> list[_DecisionState]:
    keys = [k for a in appeals for k in (committee.later_date_key(a.pk), committee.letter_key(a.pk))]
    notices = {}
    for i in range(0, len(keys), 5000):
        notices.update(_sent(keys[i:i + 5000]))
    return [_DecisionState(a, notices, regs.of(a)) for a in appeals]


def _undecided(regs: _Regulations, decide_by_until: date | None = None):
    """Appeals whose decision may still be (or become) late: without the AP-8 consequence recorded and without a
    decision letter that left by ``decide_by``; one query."""
    qs = (_appeals_with_rules().select_related("committee_decision", "later_decision_notice")
          .filter(council_route_without_decision__isnull=True).filter(~_letter_sent_in_time()))
    if decide_by_until is not None:
        qs = qs.filter(decide_by__lte=decide_by_until)
    return list(qs.order_by("decide_by", "pk"))


def _nearing(state: _DecisionState, as_of: date, people: _Committee) -> bool:
    appeal = state.appeal
    ref = _appeal_ref(appeal)
    with transaction.atomic():
        flag = raise_flag(rule=state.rule, kind=rules.NEARING, ref=ref, due_on=state.due, flagged_on=as_of,
                          programme_id=appeal.programme_id,
                          note=f"decision to be notified by {state.due.isoformat()}")
        if flag is None:
            return False
        words = {"reference": appeal.reference, "due": state.due.isoformat(),
                 "days": rules.days_left(state.due, as_of)}
        if state.rule == AP7:
            why = _("The decision on appeal %(reference)s must reach the student by %(due)s, 20 calendar days after "
                    "its receipt (UH 19.4.3-5); %(days)d days remain. Before that day the committee may still tell "
                    "the student by e-mail of a later date on which it will decide (UH 19.4.7).") % words
        else:
            why = _("The decision on appeal %(reference)s must reach the student by %(due)s, the later date the "
                    "committee announced (UH 19.4.7); %(days)d days remain.") % words
        _tell_committee(people.on(as_of), f"appeals.appeal.{appeal.pk}.{state.rule.lower()}.nearing",
                        _("Appeal %(reference)s: the decision is due by %(due)s") % words,
                        _("Dear member of the appeals committee,\n\n%(why)s\n") % {"why": why}, ref)
    return True


OVERDUE_BATCH = 500


def _overdue(states: list[_DecisionState], as_of: date, people: _Committee) -> list[CouncilRouteWithoutDecision]:
    """The AP-8 consequence of overdue appeals, in one transaction: their rows locked (in id order, as one appeal
    at a time is locked by the committee's services), those recorded meanwhile left out, then the flags, the
    records, the notes and the notices written in bulk."""
    by_id = {st.appeal.pk: st for st in states}
    with transaction.atomic():
        list(Appeal.objects.select_for_update().filter(pk__in=by_id).order_by("pk").values_list("pk", flat=True))
        done = set(CouncilRouteWithoutDecision.objects.filter(appeal_id__in=by_id).values_list("appeal_id",
                                                                                               flat=True))
        letters = set(AppealDecision.objects.filter(appeal_id__in=by_id, letter_sent_at__isnull=False)
                      .values_list("appeal_id", flat=True))
        statuses = dict(Appeal.objects.filter(pk__in=by_id).values_list("pk", "status"))
        flags, records, notes, notices = [], [], [], []
        for pk, state in sorted(by_id.items()):
            if pk in done:
                continue  # recorded by a concurrent run
            appeal, route = state.appeal, state.route()
            ref = _appeal_ref(appeal)
            still_open = as_of <= route.council_by
            tell_student = still_open and pk not in letters and bool(appeal.student.email)
            flags.append(_flag(state.rule, rules.OVERDUE, ref, state.due, as_of, appeal.programme_id,
                               f"no decision notified by {state.due.isoformat()}; the Council for Disputes until "
                               f"{route.council_by.isoformat()} (UH 19.4.7-8)"))
            records.append(CouncilRouteWithoutDecision(
                appeal_id=pk, expired_on=route.expired_on, later_date_counted=state.rule == AP8,
                council_by=route.council_by, recorded_on=as_of, student_notified=tell_student))
            days = state.rules.council_equivalence_days \
                if appeal.decision_kind == DecisionKind.DIPLOMA_EQUIVALENCE else state.rules.council_days
            words = {"reference": appeal.reference, "due": state.due.isoformat(),
                     "from": route.runs_from.isoformat(), "until": route.council_by.isoformat(), "days": days}
            if state.rule == AP7:
                fact = _("No decision on appeal %(reference)s was notified to the student by %(due)s, the end of the "
                         "committee's 20-day period (UH 19.4.3-5).") % words
            else:
                fact = _("No decision on appeal %(reference)s was notified to the student by %(due)s, the later "
                         "date the committee announced (UH 19.4.7).") % words
            consequence = _("The student may appeal to the Council for Disputes concerning Study Progress Decisions "
                            "within %(days)d calendar days from %(from)s, until %(until)s (UH 19.4.7-8).") % words
            notes.append(AppealTransition(appeal_id=pk, from_status=statuses[pk], to_status=statuses[pk], by=None,
                                          note=f"{fact} {consequence}"))
            if state.later_date is not None and state.rule == AP7:  # announced, but not before the period expired
                committee.withdraw_notice(committee.later_date_key(pk),
                                          "the decision period expired before the later date went out (UH 19.4.7)")
            if still_open:
                for audience, user_id, email in people.on(as_of):
                    notices.append({
                        "key": f"appeals.appeal.{pk}.{state.rule.lower()}.overdue.{audience}.{user_id}",
                        "audience": audience, "to": email, "about": ref,
                        "subject": _("Appeal %(reference)s: the decision period expired on %(due)s") % words,
                        "body": _("Dear member of the appeals committee,\n\n%(fact)s %(consequence)s\n")
                        % {"fact": fact, "consequence": consequence}})
            if tell_student:
                notices.append({
                    "key": f"appeals.appeal.{pk}.council_route", "audience": NoticeAudience.STUDENT,
                    "to": appeal.student.email, "about": ref,
                    "subject": _("Your appeal %(reference)s: no decision by %(due)s; the Council for Disputes")
                    % words,
                    "body": _("Dear %(name)s,\n\nThe internal appeals committee had to notify you of its decision "
                              "on your appeal %(reference)s by %(due)s (UH 19.4.3-7). No decision has been notified "
                              "to you by that day. You may therefore lodge an appeal with the Council for Disputes "
                              "concerning Study Progress Decisions within %(days)d calendar days from %(from)s, that "
                              "is until %(until)s (UH 19.4.7-8).\n\nThe secretary of the internal appeals "
                              "committee\n") % {**words, "name": appeal.student.first_name}})
        # The appeals are locked and their records checked absent: a conflict here would be a bug, not a race.
        DeadlineFlag.objects.bulk_create(flags, batch_size=2000, ignore_conflicts=True)
        CouncilRouteWithoutDecision.objects.bulk_create(records, batch_size=2000)
        AppealTransition.objects.bulk_create(notes, batch_size=2000)
        notify_many(notices)
    return records


def flag_decision_deadlines(as_of: date) -> SweepResult:
    """AP-7 / AP-8 sweep (UH 19.4.3-8): appeals nearing the day their decision is due are flagged (the chair and the
    secretary told); past it without a decision notified, flagged overdue with the AP-8 consequence recorded once
    and the student told of the route to the Council."""
    regs = _Regulations()
    warning = max(r.decision_warning_days for r in regs.all())
    appeals = _undecided(regs, as_of + timedelta(days=warning))
    states = _decision_states(appeals, regs)
    nearing_flagged = set(DeadlineFlag.objects.filter(
        kind=rules.NEARING, rule__in=[AP7, AP8], model="appeals.appeal",
        pk_value__in=[s.appeal.pk for s in states]).values_list("rule", "pk_value")) if states else set()
    people, affected, overdue = _Committee(), [], []
    for state in states:
        stage = state.stage(as_of)
        appeal = state.appeal
        if stage == rules.NEARING and (state.rule, appeal.pk) not in nearing_flagged:
            if _nearing(state, as_of, people):
                affected.append(Ref("appeals.appeal", appeal.pk,
                                    f"{appeal.reference}: decision due by {state.due.isoformat()} ({state.rule})"))
        elif stage == rules.OVERDUE:
            overdue.append(state)
    for start in range(0, len(overdue), OVERDUE_BATCH):
        batch = overdue[start:start + OVERDUE_BATCH]
        refs = {st.appeal.pk: st for st in batch}
        for record in _overdue(batch, as_of, people):
            state = refs[record.appeal_id]
            affected.append(Ref("appeals.appeal", record.appeal_id,
                                f"{state.appeal.reference}: no decision by {record.expired_on.isoformat()} "
                                f"({state.rule}); Council for Disputes until {record.council_by.isoformat()}"))
    return SweepResult(affected=tuple(affected))


def upcoming_decision_deadlines(start: date, end: date) -> list[Due]:
    """AP-7 / AP-8: the days in [start, end] by which a decision must reach the student (the 20-day date, or the
    later date announced in time), for the appeals whose decision has not gone out."""
    regs = _Regulations()
    out = []
    for state in _decision_states(_undecided(regs, end), regs):
        if state.notified_on is not None or not start <= state.due <= end:
            continue
        appeal = state.appeal
        if state.rule == AP7:
            what = _("%(reference)s: the decision must reach the student by this day (UH 19.4.3-5)")
        else:
            what = _("%(reference)s: the decision must reach the student by the later date announced (UH 19.4.7)")
        out.append(Due(state.rule, state.due, what % {"reference": appeal.reference},
                       programme=appeal.programme.code if appeal.programme_id else "", ref=_appeal_ref(appeal)))
    return out
