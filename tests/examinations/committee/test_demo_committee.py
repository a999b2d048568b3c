"""examinations/demo_committee.py: the demo committee meets EC-1 and is idempotent."""

import pytest
from django.contrib.auth import get_user_model

from examinations.demo_committee import ensure_demo_committee
from examinations.models import CommitteeMember, Meeting, MeetingStatus
from examinations.rules import committee as ec
from examinations.services.committee import seat_value
from students.demo import ensure_demo_users
from tests.enrolment.factories import table_counts

from .conftest import ALL_PASSED

pytestmark = pytest.mark.django_db


def test_nothing_without_a_programme():
    assert ensure_demo_committee() is None


def test_demo_committee_meets_ec1_and_is_idempotent(enrol, year):
    enrol(ALL_PASSED)
    ensure_demo_users()
    made = ensure_demo_committee()
    committee = made["committee"]
    assert made["programme"].code == "BA-TST"
    seats = {m.user.username: m.role for m in CommitteeMember.objects.filter(committee=committee)
             .select_related("user")}
    assert seats["chair"] == "chair" and seats["secretary"] == "secretary" and seats["member"] == "member"
    assert seats["ombuds"] == "ombudsperson" and seats["advisor"] == "academic_advisor"
    problems = ec.composition_problems(
        [seat_value(m) for m in CommitteeMember.objects.filter(committee=committee).select_related("user")],
        year.rules.committee)
    assert problems == []
    assert not get_user_model().objects.get(username="demo-member2").has_usable_password()
    meeting = Meeting.objects.get(committee=committee)
    assert meeting.status == MeetingStatus.OPEN and meeting.presiding.user.username == "chair"

    before = table_counts(("examinations", "auth"))
    again = ensure_demo_committee()
    assert again["committee"].pk == committee.pk and again["meeting"].pk == meeting.pk
    assert table_counts(("examinations", "auth")) == before
