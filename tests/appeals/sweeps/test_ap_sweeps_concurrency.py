"""The appeals' sweeps on two workers at once (two threads, two database connections): each effect once."""

import threading
from datetime import date

import pytest
from django.db import connection

from appeals.models import Appeal, AppealHearing, AppealTransition, CouncilRouteWithoutDecision, HearingStatus
from appeals.services import committee as services
from appeals.services.sweeps import close_appeal_windows, flag_decision_deadlines, refuse_late_invitations
from enrolment.models import DeadlineFlag, Notice

from .conftest import at

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clock")]


def twice_at_once(fn, *args):
    barrier, results, errors = threading.Barrier(2), [], []

    def run():
        try:
            barrier.wait()
            results.append(fn(*args).count)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    return sorted(results)


def test_ap2_two_runs_at_once_record_each_closure_and_late_mark_once(uni, appeal):
    Appeal.objects.create(reference="APP-2027-0100", student=uni["bram"], decision_kind="exam_decision",
                          decision_notified_on=date(2027, 7, 9), postmarked_on=date(2027, 7, 19),
                          received_on=date(2027, 7, 20), lodge_by=date(2027, 7, 16), decide_by=date(2027, 8, 9))
    assert twice_at_once(close_appeal_windows, date(2027, 7, 20)) == [0, 2]
    assert DeadlineFlag.objects.filter(rule="AP-2").count() == 2
    assert AppealTransition.objects.filter(appeal__reference="APP-2027-0100").count() == 1


def test_ap8_two_runs_at_once_record_the_consequence_and_tell_the_student_once(appeal):
    assert twice_at_once(flag_decision_deadlines, date(2027, 8, 4)) == [0, 1]
    assert CouncilRouteWithoutDecision.objects.count() == 1
    assert DeadlineFlag.objects.filter(kind="overdue").count() == 1
    assert Notice.objects.filter(key=f"appeals.appeal.{appeal.pk}.council_route").count() == 1
    assert AppealTransition.objects.filter(appeal=appeal, note__startswith="No decision").count() == 1


def test_ap6_two_runs_at_once_mark_the_hearing_once(appeal, people, clock, settings):
    settings.EMAIL_BACKEND = "tests.appeals.committee.conftest.BrokenMailBackend"
    hearing = services.plan_hearing(appeal.pk, starts_at=at(22), place="Room C.101", by=people["secretary"])
    Notice.objects.filter(key=services.invitation_key(hearing.pk)).update(status="pending")  # still waiting
    clock.set(at(21, 12))
    assert twice_at_once(refuse_late_invitations, date(2027, 7, 21)) == [0, 1]
    assert AppealHearing.objects.get().status == HearingStatus.NOT_INVITED
    assert DeadlineFlag.objects.filter(rule="AP-6").count() == 1
    assert AppealTransition.objects.filter(appeal=appeal, note__contains="had not been sent").count() == 1
