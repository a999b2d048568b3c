"""Two clerks at the same moment: the pool's lock keeps it at 18 voting members; two clicks on "close the vote"
decide once and change the result once; two plannings of the same hearing send one invitation."""

import threading
from datetime import date

import pytest
from django.db import connection

from appeals.models import AppealDecision, AppealHearing, PoolMember
from appeals.services import committee as services
from examinations.models import Result

from .conftest import TERM, at, sent_mail

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clock")]


def at_once(*fns):
    barrier, errors = threading.Barrier(len(fns)), []

    def run(fn):
        try:
            barrier.wait()
            fn()
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in fns]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return errors


def test_two_clerks_seating_the_eighteenth_and_nineteenth_member_at_once_seat_one(pool, people, make_user):
    for i in range(12):
        services.add_pool_member(user=make_user(f"extra{i}"), role="member", since=TERM, by=people["secretary"])
    assert PoolMember.objects.filter(role="member").count() == 17
    a, b = make_user("late_a"), make_user("late_b")
    errors = at_once(
        lambda: services.add_pool_member(user=a, role="member", since=date(2027, 1, 1), by=people["secretary"]),
        lambda: services.add_pool_member(user=b, role="member", since=date(2027, 1, 1), by=people["chair"]))
    assert len(errors) == 1 and "19 voting members" in str(errors[0])
    assert PoolMember.objects.filter(role="member").count() == 18


def test_two_clicks_on_close_the_vote_decide_once(held, appeal, uni, pool, people):
    hearing = held()
    result = uni["results"][("2600001", "INF100")]
    motion = services.put_motion(appeal.pk, hearing_id=hearing.pk, outcome="new_decision", reasons="Regraded.",
                                 result_changes={result.pk: "11"}, by=people["secretary"])
    for key in ("chair", "member1"):
        services.cast_vote(motion.pk, member_id=pool[key].pk, choice="for", by=people[key])
    errors = at_once(lambda: services.close_vote(motion.pk, by=people["chair"]),
                     lambda: services.close_vote(motion.pk, by=people["secretary"]))
    assert errors == []
    assert AppealDecision.objects.count() == 1
    assert Result.objects.filter(student=uni["an"], course_unit__code="INF100").count() == 2


def test_two_clicks_on_plan_send_one_invitation(appeal, people):
    def plan():
        services.plan_hearing(appeal.pk, starts_at=at(22), place="Room C.101", by=people["secretary"])

    errors = at_once(plan, plan)
    assert errors == []
    assert AppealHearing.objects.count() == 1 and len(sent_mail()) == 1
