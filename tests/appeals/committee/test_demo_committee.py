"""ensure_demo_committee: the demo pool with the demo users in their roles; idempotent."""

import pytest
from django.contrib.auth import get_user_model

from appeals.demo_committee import ensure_demo_committee
from appeals.models import PoolMember
from appeals.queries_committee import pool_check

pytestmark = pytest.mark.django_db


def test_the_demo_pool_seats_the_demo_users_and_enough_voting_members():
    first = ensure_demo_committee()
    assert first["created"] == 7 and first["seats"] == 7
    roles = dict(PoolMember.objects.values_list("user__username", "role"))
    assert roles["appealschair"] == "chair" and roles["appeals"] == "secretary" and roles["appealsmember"] == "member"
    check = pool_check()
    assert check["chair"].name == "Anna Alen" and check["voting"] == 5
    assert [p.text for p in check["problems"]] == []
    extras = get_user_model().objects.filter(username__startswith="demo-appeals-member")
    assert extras.count() == 4 and not any(u.has_usable_password() for u in extras)
    assert all(u.groups.filter(name="appeals_member").exists() for u in extras)


def test_running_it_again_changes_nothing():
    ensure_demo_committee()
    count = PoolMember.objects.count()
    assert ensure_demo_committee()["created"] == 0 and PoolMember.objects.count() == count
