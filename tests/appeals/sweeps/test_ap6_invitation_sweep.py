"""AP-6 sweep (UH 19.4.2): a planned hearing whose invitation did not leave the outbox 24 hours before it cannot
hear the student; the sweep marks it once for the committee to plan again, and tells the chair and secretary."""

from datetime import date

import pytest

from appeals.models import AppealHearing, AppealTransition, HearingStatus
from appeals.services import committee as services
from appeals.services.committee import CommitteeRefused, HearingRecord
from appeals.services.sweeps import refuse_late_invitations, upcoming_hearings
from enrolment.models import DeadlineFlag, Notice, NoticeStatus
from enrolment.outbox import deliver_due

from .conftest import at, sent_mail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def mail_down(settings):
    settings.EMAIL_BACKEND = "tests.appeals.committee.conftest.BrokenMailBackend"


@pytest.fixture
def planned(appeal, people):
    """A hearing on Thursday 22 July 10:00, planned on Tuesday 20 July 09:00: the invitation must leave by
    Wednesday 21 July 10:00."""
    return services.plan_hearing(appeal.pk, starts_at=at(22), place="Room C.101", by=people["secretary"])


def notices(prefix):
    return sorted(Notice.objects.filter(key__startswith=prefix).values_list("key", "audience", "to"))


def test_ap6_an_invitation_still_waiting_after_its_last_moment_marks_the_hearing_once(planned, mail_down, clock,
                                                                                     appeal, people):
    deliver_due()  # the mail server is down: the invitation waits
    assert refuse_late_invitations(date(2027, 7, 20)).count == 0
    clock.set(at(21, 10, 0))  # the last moment itself: it may still leave now
    assert refuse_late_invitations(date(2027, 7, 21)).count == 0
    clock.set(at(21, 10, 1))
    result = refuse_late_invitations(date(2027, 7, 21))
    assert [(r.model, r.pk) for r in result.affected] == [("appeals.appealhearing", planned.pk)]
    planned.refresh_from_db()
    assert planned.status == HearingStatus.NOT_INVITED
    invitation = Notice.objects.get(key=services.invitation_key(planned.pk))
    assert invitation.status == NoticeStatus.FAILED and invitation.last_error.startswith("Withdrawn")
    flag = DeadlineFlag.objects.get(rule="AP-6")
    assert (flag.kind, flag.model, flag.pk_value, flag.due_on) == ("not_invited", "appeals.appealhearing",
                                                                  planned.pk, date(2027, 7, 21))
    note = AppealTransition.objects.filter(appeal=appeal).last()
    assert "had not been sent by 2027-07-21 10:00" in note.note and "Plan a new hearing" in note.note
    # The chair and the secretary are told; the student, who never had the invitation, is not.
    assert [(a, to) for _k, a, to in notices(f"appeals.hearing.{planned.pk}.not_invited")] == [
        ("chair", "appeals_chair@example.org"), ("secretary", "appeals_secretary@example.org")]
    assert refuse_late_invitations(date(2027, 7, 21)).count == 0
    clock.set(at(23))
    assert refuse_late_invitations(date(2027, 7, 23)).count == 0
    assert DeadlineFlag.objects.filter(rule="AP-6").count() == 1


def test_ap6_the_committee_cannot_record_it_and_plans_again(planned, mail_down, clock, appeal, people, pool,
                                                            settings):
    clock.set(at(21, 12))
    refuse_late_invitations(date(2027, 7, 21))
    clock.set(at(22, 12))
    with pytest.raises(CommitteeRefused, match="did not go out 24 hours before"):
        services.record_hearing(planned.pk, HearingRecord(present_member_ids=frozenset({pool["chair"].pk}),
                                                          student_present=True, minutes="x"), by=people["secretary"])
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    again = services.plan_hearing(appeal.pk, starts_at=at(26), place="Room C.101", by=people["secretary"])
    assert again.status == HearingStatus.PLANNED and AppealHearing.objects.count() == 2
    invitations = [m for m in sent_mail() if m.subject.startswith("Invitation")]
    assert len(invitations) == 1 and "2027-07-26 10:00" in invitations[0].body


def test_ap6_an_invitation_that_left_late_marks_the_hearing_at_once_and_the_student_is_told(planned, clock,
                                                                                           appeal):
    clock.set(at(21, 10, 30))
    deliver_due()  # the mail server came back half an hour too late
    result = refuse_late_invitations(date(2027, 7, 21))
    assert result.count == 1
    note = AppealTransition.objects.filter(appeal=appeal).last()
    assert "was sent on 2027-07-21 10:30, after 2027-07-21 10:00" in note.note
    assert [a for _k, a, _to in notices(f"appeals.hearing.{planned.pk}.not_invited")] == [
        "chair", "secretary", "student"]


def test_ap6_an_invitation_that_left_in_time_is_never_marked(planned, clock):
    deliver_due()
    clock.set(at(30))
    assert refuse_late_invitations(date(2027, 7, 30)).count == 0
    planned.refresh_from_db()
    assert planned.status == HearingStatus.PLANNED and not DeadlineFlag.objects.exists()


def test_ap6_a_session_without_hearing_the_student_needs_no_invitation(appeal, people, clock):
    services.plan_hearing(appeal.pk, starts_at=at(22), place="Room C.101", hear_student=False,
                          by=people["secretary"])
    clock.set(at(30))
    assert refuse_late_invitations(date(2027, 7, 30)).count == 0


def test_ap6_a_sweep_that_did_not_run_catches_up_and_judges_the_end_of_its_day(planned, mail_down, clock):
    clock.set(at(30))
    # Run for a past day: the end of 20 July comes before the last moment (21 July 10:00): nothing yet.
    assert refuse_late_invitations(date(2027, 7, 20)).count == 0
    assert refuse_late_invitations(date(2027, 7, 21)).count == 1  # the end of 21 July is past it


def test_ap6_the_sweep_never_judges_a_moment_still_to_come(planned, mail_down, clock):
    # Today is 20 July 09:00: a run "as of" 25 July judges now, when the invitation may still leave in time.
    assert refuse_late_invitations(date(2027, 7, 25)).count == 0


def test_ap6_a_repeat_run_reads_little(planned, mail_down, clock, django_assert_max_num_queries):
    clock.set(at(21, 12))
    refuse_late_invitations(date(2027, 7, 21))
    with django_assert_max_num_queries(3):
        assert refuse_late_invitations(date(2027, 7, 21)).count == 0


def test_ap6_upcoming_lists_the_last_moment_of_each_planned_invitation(planned, mail_down):
    deliver_due()
    due = upcoming_hearings(date(2027, 7, 20), date(2027, 7, 21))
    assert [(d.rule, d.due_on, d.programme, d.ref.pk) for d in due] == [("AP-6", date(2027, 7, 21), "BA-INF",
                                                                           planned.pk)]
    assert "waits in the outbox; it must leave by 2027-07-21 10:00" in due[0].what
    assert upcoming_hearings(date(2027, 7, 22), date(2027, 8, 20)) == []


def test_ap6_upcoming_says_when_the_invitation_left(planned):
    deliver_due()
    (due,) = upcoming_hearings(date(2027, 7, 20), date(2027, 8, 19))
    assert "invitation sent on 2027-07-20 09:00" in due.what
