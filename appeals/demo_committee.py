"""Demo data for the appeals committee (never used in production): the pool with the demo users ``appealschair``
(the external chair), ``appeals`` (the secretary) and ``appealsmember`` (a voting member), and four extra voting
members who never sign in (unusable passwords), so that a session reaches its quorum even with a member excluded.
The terms cover every academic year of the demo. ``ensure_demo_committee()`` is idempotent: running it again
changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from config.access import Role
from enrolment.models import AcademicYear

from .models import PoolMember
from .services import committee as services

# (username, role in the pool, date of birth, external legal expert, faculty); the users come from students/demo.py.
DEMO_SEATS = [
    ("appealschair", "chair", date(1958, 4, 12), True, "External legal expert"),
    ("appeals", "secretary", None, False, "Central administration"),
    ("appealsmember", "member", date(1968, 9, 3), False, "Sciences"),
]
# Extra voting members who never sign in: username, first name, last name, date of birth, faculty.
EXTRA_MEMBERS = [
    ("demo-appeals-member2", "Dirk", "Dewit", date(1961, 2, 20), "Medicine and Life Sciences"),
    ("demo-appeals-member3", "Hanne", "Hendrickx", date(1972, 11, 5), "Law"),
    ("demo-appeals-member4", "Koen", "Kerkhofs", date(1976, 6, 30), "Business Economics"),
    ("demo-appeals-member5", "Lotte", "Lenaerts", date(1981, 1, 15), "Engineering Technology"),
]


def _term(today: date) -> tuple[date, date]:
    """From the start of the demo's first academic year (a year ago at the latest), for four years (UH 19.1.1),
    and at least a year beyond today."""
    first = AcademicYear.objects.order_by("starts_on").values_list("starts_on", flat=True).first()
    since = min(first or today, today - timedelta(days=365))
    until = max(since.replace(year=since.year + 4) - timedelta(days=1), today + timedelta(days=365))
    return since, until


@transaction.atomic
def ensure_demo_committee() -> dict:
    """Seat the demo users and the extra members in the appeals committee's pool; returns {seats, created}."""
    from students.demo import ensure_demo_users

    User = get_user_model()
    usernames = [u for u, *_ in DEMO_SEATS]
    if User.objects.filter(username__in=usernames).count() < len(usernames):
        ensure_demo_users()
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    member_group, _created = Group.objects.get_or_create(name=Role.APPEALS_MEMBER)
    for username, first, last, _born, _faculty in EXTRA_MEMBERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"})
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(member_group)
        users[username] = user

    today = timezone.localdate()
    since, until = _term(today)
    seated = set(PoolMember.objects.filter(since__lte=today).exclude(until__lt=today)
                 .values_list("user__username", "role"))
    has_chair = any(role == "chair" for _u, role in seated)
    wanted = DEMO_SEATS + [(u, "member", born, False, faculty) for u, _f, _l, born, faculty in EXTRA_MEMBERS]
    created = 0
    for username, role, born, external, faculty in wanted:
        if (username, role) in seated or (role == "chair" and has_chair):
            continue
        services.add_pool_member(user=users[username], role=role, since=since, until=until, born_on=born,
                                 external=external, faculty=faculty)
        created += 1
    return {"seats": PoolMember.objects.filter(since__lte=today).exclude(until__lt=today).count(),
            "created": created}
