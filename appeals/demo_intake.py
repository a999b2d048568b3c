"""Demo data for the appeals' intake (never used in production): two appeals registered by the demo secretary
``appeals`` — one in time against a proclaimed exam decision (a recorded study-progress decision when the demo has
one, else an exam decision described by hand from a proclamation), and one late. ``ensure_demo_intake()`` is
idempotent: each demo appeal carries a fixed intake key, so running it again returns the same two appeals."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from examinations.models import CommitteeMember, Proclamation, Result, StudyProgressDecision

from .models import Appeal, DecisionKind
from .services import intake as services

IN_TIME_KEY = "demo-intake-in-time"
AGE = timedelta(days=21)
LATE_KEY = "demo-intake-late"


def _ombuds_programme_ids() -> list[int]:
    """The programmes where the demo ombudsperson sits (the committee demo's), so that ``ombuds`` sees the files."""
    return list(CommitteeMember.objects.filter(user__username="ombuds", role="ombudsperson")
                .values_list("committee__programme_id", flat=True))


def _recorded_decisions(today: date) -> list:
    """Current, proclaimed study-progress decisions of two students, proclaimed at least 21 days ago (so that the
    late letter's dates lie in the past too), the ombudsperson's programmes first; empty when the demo has none."""
    qs = (StudyProgressDecision.objects.filter(is_current=True, proclamation__published_on__lte=today - AGE)
          .select_related("student", "programme", "proclamation", "exam_period__academic_year")
          .order_by("-proclamation__published_on", "student__number"))
    return _two_students(list(qs.filter(programme_id__in=_ombuds_programme_ids())[:20]) + list(qs[:20]))


def _proclaimed_results(today: date) -> list:
    """(proclamation, result) of two students for exam decisions described by hand: proclaimed first-opportunity
    results at least 21 days old, the ombudsperson's programmes and the latest proclamation first."""
    proclamations = list(Proclamation.objects.filter(published_on__lte=today - AGE).select_related("programme")
                         .order_by("-published_on", "programme__code")[:50])
    preferred = _ombuds_programme_ids()
    proclamations.sort(key=lambda p: p.programme_id not in preferred)
    for proclamation in proclamations[:10]:
        results = (Result.objects.filter(exam_period_id=proclamation.exam_period_id, is_current=True,
                                         line__contract__programme_id=proclamation.programme_id)
                   .select_related("student", "course_unit", "exam_period__academic_year")
                   .order_by("student__number", "course_unit__code")[:20])
        found = _two_students([(proclamation, r) for r in results], key=lambda pr: pr[1].student_id)
        if found:
            return found
    return []


def _two_students(rows: list, key=lambda d: d.student_id) -> list:
    """The first two rows of different students (one when there is only one)."""
    picked, seen = [], set()
    for row in rows:
        if key(row) not in seen:
            seen.add(key(row))
            picked.append(row)
        if len(picked) == 2:
            break
    return picked


def _contested(today: date) -> list[tuple]:
    """Up to two (student, date proclaimed, the register_appeal arguments naming the decision)."""
    decisions = _recorded_decisions(today)
    if decisions:
        return [(d.student, d.proclamation.published_on,
                 {"contested_decision": d, "decision_kind": DecisionKind.EXAM_DECISION}) for d in decisions]
    out = []
    for proclamation, result in _proclaimed_results(today):
        notified = proclamation.published_on
        out.append((result.student, notified, {
            "decision_kind": DecisionKind.EXAM_DECISION, "programme": proclamation.programme,
            "decision_notified_on": notified,
            "description": (f"Exam decision of {result.exam_period.academic_year.code} {result.exam_period.code} "
                            f"for {result.course_unit.code} {result.course_unit.name}, proclaimed {notified}: "
                            f"the student contests the result {result.display}.")}))
    return out


@transaction.atomic
def ensure_demo_intake() -> list[Appeal]:
    """Register the two demo appeals (once); returns them, or an empty list when the demo has no proclaimed
    results to appeal against."""
    done = list(Appeal.objects.filter(intake_key__in=[IN_TIME_KEY, LATE_KEY]).order_by("reference"))
    if len(done) == 2:
        return done
    from students.demo import ensure_demo_users

    User = get_user_model()
    if not User.objects.filter(username="appeals").exists():
        ensure_demo_users()
    by = User.objects.get(username="appeals")
    today = timezone.localdate()

    contested = _contested(today)
    if not contested:
        return done
    first, second = contested[0], contested[-1]
    appeals = []
    # In time: posted three days after the proclamation, received the next day.
    student, notified, decision = first
    posted = notified + timedelta(days=3)
    appeals.append(services.register_appeal(
        student=student, postmarked_on=posted, received_on=posted + timedelta(days=1), email_notice_on=posted,
        intake_key=IN_TIME_KEY, by=by, **decision)[0])
    # Late: posted two days after the last day to lodge, received two days later; registered and marked late.
    student, notified, decision = second
    posted = services.intake_dates(notified, notified, notified).lodge_by + timedelta(days=2)
    appeals.append(services.register_appeal(
        student=student, postmarked_on=posted, received_on=posted + timedelta(days=2), intake_key=LATE_KEY, by=by,
        **decision)[0])
    return appeals
