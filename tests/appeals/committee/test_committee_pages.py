"""The appeals committee's pages for every role: who may (200), who may not (403), who does not sit on the appeal
or was excluded from it (404); the steps through the pages; the lists' query budgets; the letter read back."""

import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from appeals.models import AppealDecision, AppealHearing, AppealMotion, PoolMember
from appeals.services import committee as services
from appeals.services import intake as intake_services
from appeals.views import committee as views

from .conftest import TERM, at, sent_mail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def url(name, *args):
    return reverse(f"appeals:{name}", args=args)


@pytest.fixture
def voting(held, appeal, people):
    """A session held with its quorum (chair, member1, member2) and a motion being voted on."""
    hearing = held()
    motion = services.put_motion(appeal.pk, hearing_id=hearing.pk, outcome="unfounded",
                                 reasons="The grading follows the published criteria.", by=people["secretary"])
    return hearing, motion


def all_urls(appeal, hearing_pk=1, motion_pk=1, seat_pk=1):
    return {
        "committee_pool": ("get", url("committee_pool")),
        "committee_pool_add": ("post", url("committee_pool_add")),
        "committee_pool_end": ("post", url("committee_pool_end", seat_pk)),
        "committee_appeals": ("get", url("committee_appeals")),
        "committee_appeal": ("get", url("committee_appeal", appeal.pk)),
        "committee_exclude": ("get", url("committee_exclude", appeal.pk)),
        "committee_hearing_plan": ("get", url("committee_hearing_plan", appeal.pk)),
        "committee_hearing_record": ("get", url("committee_hearing_record", appeal.pk, hearing_pk)),
        "committee_motion": ("get", url("committee_motion", appeal.pk)),
        "committee_vote": ("post", url("committee_vote", appeal.pk, motion_pk)),
        "committee_vote_close": ("post", url("committee_vote_close", appeal.pk, motion_pk)),
        "committee_later_date": ("get", url("committee_later_date", appeal.pk)),
        "committee_letter": ("get", url("committee_letter", appeal.pk)),
        "committee_letter_send": ("post", url("committee_letter_send", appeal.pk)),
    }


def test_every_url_declares_its_roles(appeal):
    assert set(views.PAGE_ROLES) == set(all_urls(appeal))


@pytest.mark.parametrize("who", ["admin", "ombuds", "lecturer", "exam_chair", "outsider"])
def test_roles_outside_the_committee_are_refused_every_page(client_as, people, appeal, who):
    client = client_as(people[who])
    for name, (method, path) in all_urls(appeal).items():
        assert getattr(client, method)(path).status_code == 403, name


def test_anonymous_visitors_are_sent_to_the_log_in(client, appeal):
    for name, (method, path) in all_urls(appeal).items():
        response = getattr(client, method)(path)
        assert response.status_code == 302 and "/login/" in response["Location"], name


@pytest.mark.parametrize("who, status", [("secretary", 200), ("chair", 200), ("member1", 403)])
def test_the_pool_page_is_the_secretarys_and_the_chairs(client_as, people, pool, who, status):
    response = client_as(people[who]).get(url("committee_pool"))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "Anna Alen" in page and "5 / 18" in page and 'data-testid="pool-ok"' in page


def test_members_may_not_seat_end_or_plan(client_as, people, pool, appeal):
    member = client_as(people["member1"])
    assert member.post(url("committee_pool_add"), {}).status_code == 403
    assert member.post(url("committee_pool_end", pool["member2"].pk), {"until": "2027-07-31"}).status_code == 403
    assert member.get(url("committee_hearing_plan", appeal.pk)).status_code == 403
    assert member.get(url("committee_motion", appeal.pk)).status_code == 403
    assert member.get(url("committee_exclude", appeal.pk)).status_code == 403
    assert member.post(url("committee_letter_send", appeal.pk)).status_code == 403


def test_only_the_chair_excludes(client_as, people, pool, appeal):
    assert client_as(people["secretary"]).get(url("committee_exclude", appeal.pk)).status_code == 403
    chair = client_as(people["chair"])
    page = chair.get(url("committee_appeal", appeal.pk)).content.decode()
    assert "Eva Exam sat on the examination committee of BA-INF that took the contested decision." in page
    assert chair.get(url("committee_exclude", appeal.pk) + f"?member={pool['exam'].pk}").status_code == 200
    response = chair.post(url("committee_exclude", appeal.pk), {
        "member": pool["exam"].pk, "ground": "exam_committee", "reason": "She sat on the June committee.",
        "decided_on": "2027-07-20"})
    assert response.status_code == 302
    assert client_as(people["exam"]).get(url("committee_appeal", appeal.pk)).status_code == 404


def test_an_excluded_member_cannot_open_the_appeal_or_its_letter(client_as, people, pool, appeal):
    exam = client_as(people["exam"])
    assert exam.get(url("committee_appeal", appeal.pk)).status_code == 200
    assert exam.get(url("appeal_detail", appeal.pk)).status_code == 200  # the intake's file page
    assert f'data-testid="appeal-{appeal.pk}"' in exam.get(url("committee_appeals")).content.decode()
    services.exclude_member(appeal.pk, member_id=pool["exam"].pk, ground="exam_committee", reason="June committee.",
                            decided_on=date(2027, 7, 20), by=people["chair"])
    assert exam.get(url("committee_appeal", appeal.pk)).status_code == 404
    assert exam.get(url("appeal_detail", appeal.pk)).status_code == 404
    assert exam.get(url("committee_letter", appeal.pk)).status_code == 404
    assert f'data-testid="appeal-{appeal.pk}"' not in exam.get(url("committee_appeals")).content.decode()


def test_a_member_without_a_seat_sees_no_appeal(client_as, make_user, appeal):
    from config.access import Role

    stranger = client_as(make_user("not_seated", Role.APPEALS_MEMBER))
    assert stranger.get(url("committee_appeal", appeal.pk)).status_code == 404
    assert 'data-testid="empty-state"' in stranger.get(url("committee_appeals")).content.decode()


def test_a_missing_appeal_is_404(client_as, people, pool):
    assert client_as(people["secretary"]).get(url("committee_appeal", 999999)).status_code == 404


# ---------------------------------------------------------------- the pool through its page


def test_the_pool_page_seats_and_refuses_in_words(client_as, people, pool, make_user):
    client = client_as(people["secretary"])
    newcomer = make_user("newcomer", first_name="Nina", last_name="New")
    response = client.post(url("committee_pool_add"), {
        "user": newcomer.pk, "role": "chair", "since": "2027-01-01", "external": "on"})
    assert response.status_code == 400
    assert "Anna Alen and Nina New would both chair the committee from 2027-01-01" in response.content.decode()
    response = client.post(url("committee_pool_add"), {
        "user": newcomer.pk, "role": "member", "since": "2027-01-01", "until": "2030-12-31", "born_on": "1972-02-02",
        "faculty": "Rehabilitation sciences"})
    assert response.status_code == 302 and PoolMember.objects.filter(user=newcomer).exists()
    seat = PoolMember.objects.get(user=newcomer)
    assert client.post(url("committee_pool_end", seat.pk), {"until": "2028-12-31"}).status_code == 302
    seat.refresh_from_db()
    assert seat.until == date(2028, 12, 31)


def test_the_pool_filters_and_exports(client_as, people, pool):
    client = client_as(people["chair"])
    page = client.get(url("committee_pool"), {"role": "chair"}).content.decode()
    assert f'data-testid="seat-{pool["chair"].pk}"' in page and f'data-testid="seat-{pool["member1"].pk}"' not in page
    assert 'data-testid="empty-state"' in client.get(url("committee_pool"), {"q": "nobody"}).content.decode()
    csv = client.get(url("committee_pool"), {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and "Anna Alen" in csv.content.decode("utf-8-sig")


def test_the_pool_page_costs_a_fixed_number_of_queries(client_as, people, pool, make_user,
                                                       django_assert_max_num_queries):
    client = client_as(people["secretary"])
    with django_assert_max_num_queries(14) as few:
        assert client.get(url("committee_pool")).status_code == 200
    for i in range(8):
        services.add_pool_member(user=make_user(f"m{i}"), role="member", since=TERM, by=people["secretary"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url("committee_pool")).status_code == 200


# ---------------------------------------------------------------- the committee's list


def test_the_list_filters_and_costs_the_same_for_many_appeals(client_as, people, uni, appeal,
                                                              django_assert_max_num_queries):
    client = client_as(people["secretary"])

    def add(n):
        for i in range(n):
            intake_services.register_appeal(
                student=uni["bram"], decision_kind="exemption", description=f"Exemption refused ({i})",
                decision_notified_on=date(2027, 7, 10), postmarked_on=date(2027, 7, 13), received_on=date(2027, 7, 14),
                by=people["secretary"])

    add(2)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url("committee_appeals")).status_code == 200
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url("committee_appeals")).status_code == 200
    page = client.get(url("committee_appeals"), {"q": appeal.reference}).content.decode()
    assert f'data-testid="appeal-{appeal.pk}"' in page and page.count('data-testid="appeal-') == 1
    assert 'data-testid="empty-state"' in client.get(url("committee_appeals"), {"state": "notified"}).content.decode()


def test_the_appeal_page_costs_a_fixed_number_of_queries(client_as, people, voting, appeal, pool,
                                                         django_assert_max_num_queries):
    services.cast_vote(voting[1].pk, member_id=pool["member1"].pk, choice="for", by=people["member1"])
    client = client_as(people["chair"])
    with django_assert_max_num_queries(25):
        assert client.get(url("committee_appeal", appeal.pk)).status_code == 200


# ---------------------------------------------------------------- hearings through the pages


def test_planning_through_the_page_emails_the_invitation(client_as, people, appeal):
    client = client_as(people["secretary"])
    assert client.get(url("committee_hearing_plan", appeal.pk)).status_code == 200
    response = client.post(url("committee_hearing_plan", appeal.pk), {
        "starts_at": "2027-07-21T08:00", "place": "Room C.101", "hear_student": "on"})
    assert response.status_code == 200
    assert "it should have been sent by 2027-07-20 08:00" in response.content.decode()
    assert sent_mail() == []
    response = client.post(url("committee_hearing_plan", appeal.pk), {
        "starts_at": "2027-07-22T10:00", "place": "Room C.101", "hear_student": "on"})
    assert response.status_code == 302 and len(sent_mail()) == 1


def test_recording_the_session_through_the_page(client_as, people, pool, appeal, clock):
    hearing = services.plan_hearing(appeal.pk, starts_at=at(22), place="Room C.101", by=people["secretary"])
    clock.set(at(22, 12))
    client = client_as(people["secretary"])  # signed in after the clock moved: a session lasts 8 hours
    page = client.get(url("committee_appeal", appeal.pk)).content.decode()
    assert 'data-testid="record-hearing"' in page
    response = client.post(url("committee_hearing_record", appeal.pk, hearing.pk), {
        "present": [pool["chair"].pk, pool["member1"].pk, pool["member2"].pk, pool["secretary"].pk],
        "student_present": "", "representative": "Mother Peeters", "minutes": "Heard the mother."})
    assert response.status_code == 200 and "replaced the student without written authority" in response.content.decode()
    response = client.post(url("committee_hearing_record", appeal.pk, hearing.pk), {
        "present": [pool["chair"].pk, pool["member1"].pk, pool["member2"].pk, pool["secretary"].pk],
        "student_present": "", "representative": "Mother Peeters", "written_authority_on": "2027-07-19",
        "minutes": "Heard the mother."})
    assert response.status_code == 302
    hearing.refresh_from_db()
    assert hearing.quorum and hearing.representative == "Mother Peeters"


# ---------------------------------------------------------------- the vote through the pages


def test_a_member_votes_for_herself_and_not_for_others(client_as, people, pool, voting, appeal):
    _hearing, motion = voting
    member = client_as(people["member1"])
    page = member.get(url("committee_appeal", appeal.pk)).content.decode()
    assert 'data-testid="my-vote"' in page and 'data-testid="record-vote"' not in page
    assert member.post(url("committee_vote", appeal.pk, motion.pk),
                       {"member": pool["member1"].pk, "choice": "for"}).status_code == 302
    assert motion.ballots.get(member=pool["member1"]).choice == "for"
    assert member.post(url("committee_vote", appeal.pk, motion.pk),
                       {"member": pool["member2"].pk, "choice": "against"}).status_code == 403
    assert member.post(url("committee_vote_close", appeal.pk, motion.pk)).status_code == 403
    # A member who was not present reads the appeal but has no vote.
    absent = client_as(people["member3"]).get(url("committee_appeal", appeal.pk)).content.decode()
    assert 'data-testid="my-vote"' not in absent


def test_the_secretary_records_votes_and_the_chair_gives_the_casting_vote(client_as, people, pool, voting, appeal):
    _hearing, motion = voting
    secretary, chair = client_as(people["secretary"]), client_as(people["chair"])
    for key, choice in (("chair", "abstain"), ("member1", "for"), ("member2", "against")):
        assert secretary.post(url("committee_vote", appeal.pk, motion.pk),
                              {"member": pool[key].pk, "choice": choice}).status_code == 302
    response = secretary.post(url("committee_vote_close", appeal.pk, motion.pk), {"casting_vote": ""}, follow=True)
    assert "the chair holds the casting vote" in response.content.decode()
    assert chair.post(url("committee_vote_close", appeal.pk, motion.pk), {"casting_vote": "for"}).status_code == 302
    motion.refresh_from_db()
    assert motion.status == "carried" and motion.by_casting_vote
    page = chair.get(url("committee_appeal", appeal.pk)).content.decode()
    assert "Rejected: unfounded" in page and 'data-testid="send-letter"' in page


def test_the_motion_page_offers_the_contested_results(client_as, people, voting, appeal, uni):
    AppealMotion.objects.all().delete()
    client = client_as(people["secretary"])
    page = client.get(url("committee_motion", appeal.pk)).content.decode()
    result = uni["results"][("2600001", "INF100")]
    assert f'name="result_{result.pk}"' in page and "INF100" in page
    response = client.post(url("committee_motion", appeal.pk), {
        "hearing": voting[0].pk, "outcome": "new_decision", "reasons": "Regraded by the key.",
        f"result_{result.pk}": "11"})
    assert response.status_code == 302
    motion = AppealMotion.objects.get(appeal=appeal)
    assert motion.result_changes[0]["unit"] == "INF100" and motion.result_changes[0]["display"] == "11"


# ---------------------------------------------------------------- the letter


def test_the_letter_downloads_and_is_sent_once(client_as, people, pool, voting, appeal, clock):
    _hearing, motion = voting
    for key in ("chair", "member1"):
        services.cast_vote(motion.pk, member_id=pool[key].pk, choice="for", by=people[key])
    services.close_vote(motion.pk, by=people["chair"])
    member = client_as(people["member1"])
    response = member.get(url("committee_letter", appeal.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Draft printed on 2027-07-22" in text and "Council for Disputes" in text
    clock.set(at(23, 11))
    assert client_as(people["secretary"]).post(url("committee_letter_send", appeal.pk)).status_code == 302
    decision = AppealDecision.objects.get(appeal=appeal)
    assert decision.council_by == date(2027, 7, 30) and len(sent_mail()) == 2  # invitation, letter
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(
        client_as(people["member1"]).get(url("committee_letter", appeal.pk)).content)).pages)
    assert "Notified by e-mail on 2027-07-23" in text and "The last day is 2027-07-30" in text


def test_no_letter_before_the_decision(client_as, people, appeal, pool):
    assert client_as(people["secretary"]).get(url("committee_letter", appeal.pk)).status_code == 404


def test_the_later_date_page(client_as, people, appeal, pool):
    client = client_as(people["chair"])
    response = client.post(url("committee_later_date", appeal.pk), {"decision_date": "2027-08-01"})
    assert response.status_code == 200 and "must come after the end of the decision period" in \
        response.content.decode()
    response = client.post(url("committee_later_date", appeal.pk), {"decision_date": "2027-08-20", "reason": "Summer"})
    assert response.status_code == 302 and len(sent_mail()) == 1
    assert 'data-testid="later-notice"' in client.get(url("committee_appeal", appeal.pk)).content.decode()


def test_a_hearing_of_another_appeal_is_not_recorded_here(client_as, people, appeal, pool, uni):
    other, _ = intake_services.register_appeal(
        student=uni["bram"], decision_kind="", contested_decision=uni["decisions"]["2600002"],
        postmarked_on=date(2027, 7, 13), received_on=date(2027, 7, 14), by=people["secretary"])
    intake_services.record_admissibility(other.pk, answers={p: (True, "") for p in (
        "name", "address", "signature", "decision_identified", "arguments")}, checked_on=date(2027, 7, 15),
        signed_by="student", by=people["secretary"])
    hearing = services.plan_hearing(other.pk, starts_at=at(22), place="Room C.101", by=people["secretary"])
    response = client_as(people["secretary"]).get(url("committee_hearing_record", appeal.pk, hearing.pk))
    assert response.status_code == 302 and AppealHearing.objects.get(pk=hearing.pk).status == "planned"
