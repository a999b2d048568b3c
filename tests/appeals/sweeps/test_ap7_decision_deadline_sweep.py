"""AP-7 / AP-8 sweep (UH 19.4.3-8): An's appeal, received on 14 July 2027, must be decided and notified by 3 August.
From 29 July (5 days before) it is flagged nearing and the chair and secretary are told; from 4 August without a
decision it is overdue, and the student may appeal to the Council for Disputes until 10 August: recorded once, the
student told. A later date announced in time moves all of it; a letter that left in time stops it."""

from datetime import date

import pytest

from appeals.models import AppealDecision, AppealTransition, CouncilRouteWithoutDecision
from appeals.services import committee as services
from appeals.services.sweeps import flag_decision_deadlines, upcoming_decision_deadlines
from enrolment.models import DeadlineFlag, Notice, NoticeStatus
from enrolment.outbox import deliver_due

from .conftest import at, sent_mail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def mail_down(settings):
    settings.EMAIL_BACKEND = "tests.appeals.committee.conftest.BrokenMailBackend"


def flags():
    return sorted((f.rule, f.kind, f.due_on, f.flagged_on) for f in DeadlineFlag.objects.filter(
        model="appeals.appeal"))


def notice_keys(appeal):
    return sorted(k.removeprefix(f"appeals.appeal.{appeal.pk}.") for k in Notice.objects.filter(
        key__startswith=f"appeals.appeal.{appeal.pk}.").values_list("key", flat=True))


def decide(held, appeal, pool, people):
    hearing = held()
    motion = services.put_motion(appeal.pk, hearing_id=hearing.pk, outcome="unfounded", reasons="The grading holds.",
                                 by=people["secretary"])
    for key in ("chair", "member1"):
        services.cast_vote(motion.pk, member_id=pool[key].pk, choice="for", by=people[key])
    services.close_vote(motion.pk, by=people["chair"])


def test_ap7_nearing_from_five_days_before_once_with_a_notice_to_the_chair_and_secretary(appeal):
    assert flag_decision_deadlines(date(2027, 7, 28)).count == 0
    result = flag_decision_deadlines(date(2027, 7, 29))
    assert [r.label for r in result.affected] == [f"{appeal.reference}: decision due by 2027-08-03 (AP-7)"]
    assert flags() == [("AP-7", "nearing", date(2027, 8, 3), date(2027, 7, 29))]
    assert [k.rsplit(".", 1)[0] for k in notice_keys(appeal)] == ["ap-7.nearing.chair", "ap-7.nearing.secretary"]
    mails = sent_mail()
    assert {m.to[0] for m in mails} == {"appeals_chair@example.org", "appeals_secretary@example.org"}
    assert "must reach the student by 2027-08-03" in mails[0].body and "5 days remain" in mails[0].body
    assert flag_decision_deadlines(date(2027, 7, 29)).count == 0
    assert flag_decision_deadlines(date(2027, 8, 3)).count == 0
    assert len(Notice.objects.all()) == 2


def test_ap8_overdue_the_day_after_records_the_route_to_the_council_once_and_tells_the_student(appeal):
    flag_decision_deadlines(date(2027, 7, 29))
    assert flag_decision_deadlines(date(2027, 8, 3)).count == 0
    result = flag_decision_deadlines(date(2027, 8, 4))
    assert [r.label for r in result.affected] == [
        f"{appeal.reference}: no decision by 2027-08-03 (AP-7); Council for Disputes until 2027-08-10"]
    route = CouncilRouteWithoutDecision.objects.get(appeal=appeal)
    assert (route.expired_on, route.council_by, route.recorded_on) == (date(2027, 8, 3), date(2027, 8, 10),
                                                                      date(2027, 8, 4))
    assert route.student_notified and not route.later_date_counted
    assert flags() == [("AP-7", "nearing", date(2027, 8, 3), date(2027, 7, 29)),
                       ("AP-7", "overdue", date(2027, 8, 3), date(2027, 8, 4))]
    note = AppealTransition.objects.filter(appeal=appeal).last()
    assert "No decision on appeal" in note.note and "until 2027-08-10" in note.note
    student = [m for m in sent_mail() if m.to == ["an.peeters@example.org"]]
    assert len(student) == 1 and "within 7 calendar days from 2027-08-04, that is until 2027-08-10" in \
        " ".join(student[0].body.split())
    assert flag_decision_deadlines(date(2027, 8, 4)).count == 0
    assert flag_decision_deadlines(date(2027, 8, 20)).count == 0
    assert CouncilRouteWithoutDecision.objects.count() == 1 and len(sent_mail()) == 5  # 2 nearing, 2 + 1 overdue


def test_ap8_a_sweep_catching_up_sees_only_overdue_and_tells_the_student_while_the_route_is_open(appeal):
    assert flag_decision_deadlines(date(2027, 8, 9)).count == 1
    assert [f[:2] for f in flags()] == [("AP-7", "overdue")]
    assert "council_route" in notice_keys(appeal)


def test_ap8_a_consequence_found_after_its_route_closed_is_recorded_but_told_to_nobody(appeal):
    assert flag_decision_deadlines(date(2027, 9, 30)).count == 1
    route = CouncilRouteWithoutDecision.objects.get()
    assert route.council_by == date(2027, 8, 10) and not route.student_notified
    assert notice_keys(appeal) == []


def test_ap8_a_later_date_announced_in_time_moves_the_decision_date_and_the_route(appeal, people):
    services.announce_later_date(appeal.pk, decision_date=date(2027, 8, 20), by=people["secretary"])
    deliver_due()
    assert flag_decision_deadlines(date(2027, 8, 4)).count == 0
    assert flag_decision_deadlines(date(2027, 8, 14)).count == 0
    assert flag_decision_deadlines(date(2027, 8, 15)).count == 1
    assert flag_decision_deadlines(date(2027, 8, 21)).count == 1
    assert flags() == [("AP-8", "nearing", date(2027, 8, 20), date(2027, 8, 15)),
                       ("AP-8", "overdue", date(2027, 8, 20), date(2027, 8, 21))]
    route = CouncilRouteWithoutDecision.objects.get()
    assert (route.expired_on, route.council_by, route.later_date_counted) == (date(2027, 8, 20), date(2027, 8, 27),
                                                                              True)


def test_ap8_a_later_date_that_never_left_the_outbox_does_not_count_and_is_withdrawn(appeal, people, mail_down):
    services.announce_later_date(appeal.pk, decision_date=date(2027, 8, 20), by=people["secretary"])
    deliver_due()
    assert flag_decision_deadlines(date(2027, 8, 4)).count == 1
    route = CouncilRouteWithoutDecision.objects.get()
    assert (route.expired_on, route.council_by, route.later_date_counted) == (date(2027, 8, 3), date(2027, 8, 10),
                                                                              False)
    later = Notice.objects.get(key=services.later_date_key(appeal.pk))
    assert later.status == NoticeStatus.FAILED and later.last_error.startswith("Withdrawn")


def test_ap7_a_decision_letter_that_left_in_time_ends_it(held, appeal, pool, people, clock):
    decide(held, appeal, pool, people)
    clock.set(at(23, 11))
    services.send_decision_letter(appeal.pk, by=people["secretary"])
    deliver_due()
    assert flag_decision_deadlines(date(2027, 7, 29)).count == 0
    assert flag_decision_deadlines(date(2027, 8, 30)).count == 0
    assert flags() == [] and upcoming_decision_deadlines(date(2027, 7, 20), date(2027, 8, 19)) == []


def test_ap8_a_letter_stuck_in_the_outbox_has_not_notified_the_student(held, appeal, pool, people, clock, settings):
    decide(held, appeal, pool, people)
    clock.set(at(23, 11))
    settings.EMAIL_BACKEND = "tests.appeals.committee.conftest.BrokenMailBackend"
    services.send_decision_letter(appeal.pk, by=people["secretary"])
    deliver_due()
    assert flag_decision_deadlines(date(2027, 7, 29)).count == 1  # written, not sent: still nearing
    assert flag_decision_deadlines(date(2027, 8, 4)).count == 1
    route = CouncilRouteWithoutDecision.objects.get()
    # The letter, once it goes out, states the route itself: the student gets no second message.
    assert not route.student_notified and "council_route" not in notice_keys(appeal)
    assert AppealDecision.objects.get().letter_sent_at is not None


def test_ap7_a_repeat_run_reads_little(appeal, django_assert_max_num_queries):
    flag_decision_deadlines(date(2027, 8, 4))
    with django_assert_max_num_queries(4):
        assert flag_decision_deadlines(date(2027, 8, 5)).count == 0


def test_ap7_upcoming_lists_the_decision_dates(appeal, people):
    due = upcoming_decision_deadlines(date(2027, 7, 20), date(2027, 8, 19))
    assert [(d.rule, d.due_on, d.programme, d.ref.pk) for d in due] == [("AP-7", date(2027, 8, 3), "BA-INF",
                                                                           appeal.pk)]
    services.announce_later_date(appeal.pk, decision_date=date(2027, 8, 20), by=people["secretary"])
    assert upcoming_decision_deadlines(date(2027, 7, 20), date(2027, 8, 19))[0].due_on == date(2027, 8, 3)
    deliver_due()  # the later date counts once its e-mail left
    assert upcoming_decision_deadlines(date(2027, 7, 20), date(2027, 8, 19)) == []
    due = upcoming_decision_deadlines(date(2027, 8, 20), date(2027, 8, 20))
    assert [(d.rule, d.due_on) for d in due] == [("AP-8", date(2027, 8, 20))]
