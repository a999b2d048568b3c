"""Demo data for the examination committees (never used in production): one programme's committee with the demo
users in their roles, enough extra voting members for EC-1, and a meeting in session on the first exam period
of the latest year that is not proclaimed yet, so that ``chair``, ``secretary`` and ``member`` find a
deliberation waiting. ``ensure_demo_committee()`` is idempotent: running it again changes nothing."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count, Q

from config.access import Role
from enrolment.models import AcademicYear, Programme

from .models import CommitteeMember, ExamPeriod, Meeting, MeetingStatus, Proclamation
from .services import committee as services

# (username, role on the committee); the demo users come from students/demo.py.
DEMO_SEATS = [
    ("chair", "chair"),
    ("secretary", "secretary"),
    ("member", "member"),
    ("ombuds", "ombudsperson"),
    ("advisor", "academic_advisor"),
]
# Extra voting members who never sign in (unusable passwords): first name, last name, role.
EXTRA_MEMBERS = [
    ("demo-vicechair", "Vera", "Verbeke", "vice_chair"),
    ("demo-member2", "Ruben", "Renders", "member"),
    ("demo-member3", "Ines", "Indekeu", "member"),
]


def _programme():
    """The bachelor programme with the most diploma contracts in the latest year (any programme otherwise)."""
    year = AcademicYear.objects.order_by("-starts_on").first()
    qs = Programme.objects.annotate(n=Count("contracts", filter=Q(contracts__academic_year=year)))
    return (qs.filter(kind="bachelor").order_by("-n", "code").first() or qs.order_by("-n", "code").first()), year


@transaction.atomic
def ensure_demo_committee() -> dict | None:
    """Seat the demo users on one programme's committee; returns {programme, committee, meeting} or None when
    there is no programme yet."""
    programme, year = _programme()
    if programme is None or year is None:
        return None
    from students.demo import ensure_demo_users

    User = get_user_model()
    usernames = [u for u, _ in DEMO_SEATS]
    if User.objects.filter(username__in=usernames).count() < len(usernames):
        ensure_demo_users()
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    member_group, _ = Group.objects.get_or_create(name=Role.COMMITTEE_MEMBER)
    for username, first, last, _role in EXTRA_MEMBERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last,
                                         "email": f"{username}@example.org"})
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(member_group)
        users[username] = user

    committee = services.create_committee(programme.pk)
    since = year.starts_on
    seated = set(CommitteeMember.objects.filter(committee=committee, until__isnull=True)
                 .values_list("user__username", flat=True))
    taken = set(CommitteeMember.objects.filter(committee=committee, until__isnull=True)
                .values_list("role", flat=True))
    for username, role in DEMO_SEATS + [(u, r) for u, _, _, r in EXTRA_MEMBERS]:
        if username in seated or (role in ("chair", "vice_chair", "secretary") and role in taken):
            continue
        services.add_member(committee.pk, users[username].pk, role, since)

    meeting = _demo_meeting(committee, programme, year, users)
    return {"programme": programme, "committee": committee, "meeting": meeting}


def _demo_meeting(committee, programme, year, users):
    proclaimed = set(Proclamation.objects.filter(programme=programme).values_list("exam_period_id", flat=True))
    period = (ExamPeriod.objects.filter(academic_year=year).exclude(id__in=proclaimed).order_by("starts_on").first())
    if period is None:
        return None
    existing = Meeting.objects.filter(committee=committee, exam_period=period, kind="committee").first()
    if existing is not None:
        return existing
    held_on = max(period.starts_on, period.results_published_on - timedelta(days=3))
    meeting = services.create_meeting(committee.pk, "committee", "physical", period.pk, held_on, by=users["secretary"])
    if meeting.status == MeetingStatus.PLANNED:
        seats = services.seats_on(committee.pk, held_on)
        services.record_attendance(meeting.pk, {m.id: {"present": True} for m in seats})
        try:
            meeting = services.open_meeting(meeting.pk, users["secretary"])
        except services.CommitteeRefused:
            pass  # a committee changed by hand since: leave the meeting planned
    return meeting
