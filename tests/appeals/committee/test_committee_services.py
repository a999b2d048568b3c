"""The appeals committee's services against PostgreSQL: the pool (AP-5), exclusions and scoping, hearings with
their e-mailed invitation (AP-6), quorum and deputy (AP-5), the vote (AP-7), the decision and what it changes
through the examinations' services, the later date (AP-8) and the letter with the Council's deadline."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from appeals.models import (
    Appeal,
    AppealDecision,
    AppealHearing,
    AppealMotion,
    AppealStatus,
    AppealTransition,
    HearingStatus,
    MotionStatus,
    PoolMember,
)
from appeals.queries_committee import committee_appeals_for, member_scope
from appeals.services import committee as services
from appeals.services.committee import CommitteeRefused, HearingRecord
from enrolment.models import Notice, NoticeStatus
from examinations.models import Result, ResultProcedure, StudyProgressDecision
from examinations.models.results import DecisionProcedure
from examinations.queries import deliberation_proposal
from students.models import LedgerMovement
from students.services import balance_at

from .conftest import TERM, at, sent_mail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def refused(fn, *args, **kwargs) -> str:
    with pytest.raises(CommitteeRefused) as info:
        fn(*args, **kwargs)
    return str(info.value)


# ---------------------------------------------------------------- AP-5: the pool


def test_ap5_the_pool_is_seated_through_the_service_and_twice_is_once(pool, people):
    again = services.add_pool_member(user=people["member1"], role="member", since=TERM, born_on=date(1965, 1, 1),
                                     faculty="Sciences", by=people["secretary"])
    assert again == pool["member1"] and PoolMember.objects.count() == 7


def test_ap5_a_nineteenth_voting_member_is_refused(pool, make_user, people):
    for i in range(13):
        services.add_pool_member(user=make_user(f"extra{i}"), role="member", since=TERM, by=people["secretary"])
    assert PoolMember.objects.filter(role="member").count() == 18
    problem = refused(services.add_pool_member, user=make_user("nineteenth"), role="member", since=date(2027, 1, 1),
                      by=people["secretary"])
    assert problem == ("On 2027-01-01 the pool would have 19 voting members besides the chair; it has at most 18 "
                       "(UH 19.1.2).")
    services.end_pool_term(pool["member3"].pk, until=date(2026, 12, 31), by=people["secretary"])
    services.add_pool_member(user=make_user("successor"), role="member", since=date(2027, 1, 1),
                             by=people["secretary"])


def test_ap5_a_second_chair_and_a_chair_who_is_not_external_are_refused(pool, make_user, people):
    problem = refused(services.add_pool_member, user=make_user("chair2", first_name="Carl", last_name="Second"),
                      role="chair", since=date(2027, 1, 1), external=True, by=people["secretary"])
    assert problem == "Anna Alen and Carl Second would both chair the committee from 2027-01-01; it has one chair " \
                      "(UH 19.1.2)."
    services.end_pool_term(pool["chair"].pk, until=date(2027, 9, 30), by=people["secretary"])
    problem = refused(services.add_pool_member, user=make_user("chair3", first_name="Cas", last_name="Internal"),
                      role="chair", since=date(2027, 10, 1), by=people["secretary"])
    assert "Cas Internal chairs the committee but is not recorded as an external legal expert" in problem


# ---------------------------------------------------------------- AP-5: exclusions and scope


def test_ap5_a_member_sees_the_appeals_she_sits_on_until_she_is_excluded(appeal, pool, people):
    def sees(key):
        return Appeal.objects.filter(member_scope(people[key])).filter(pk=appeal.pk).exists()

    assert sees("exam") and sees("member1") and sees("chair")
    services.exclude_member(appeal.pk, member_id=pool["exam"].pk, ground="exam_committee",
                            reason="She sat on the BA-INF examination committee in June.", decided_on=date(2027, 7, 20),
                            by=people["chair"])
    assert not sees("exam") and sees("member1")
    assert not committee_appeals_for(people["exam"]).filter(pk=appeal.pk).exists()
    assert committee_appeals_for(people["secretary"]).filter(pk=appeal.pk).exists()


def test_ap5_a_member_whose_term_ended_before_the_appeal_does_not_sit(appeal, pool, people):
    services.end_pool_term(pool["member3"].pk, until=date(2027, 7, 1), by=people["secretary"])
    assert not Appeal.objects.filter(member_scope(people["member3"])).exists()
    assert not committee_appeals_for(people["outsider"]).exists()


def test_ap5_the_chair_who_excludes_himself_no_longer_sees_the_appeal(appeal, pool, people):
    services.exclude_member(appeal.pk, member_id=pool["chair"].pk, ground="other", reason="Advised the student.",
                            decided_on=date(2027, 7, 20), by=people["chair"])
    assert not committee_appeals_for(people["chair"]).filter(pk=appeal.pk).exists()


def test_ap5_an_exclusion_needs_its_reason_and_a_voting_seat_and_is_recorded_once(appeal, pool, people):
    assert "Say how the member is involved" in refused(
        services.exclude_member, appeal.pk, member_id=pool["exam"].pk, ground="other", reason=" ",
        decided_on=date(2027, 7, 20), by=people["chair"])
    assert "only the chair and the members are excluded" in refused(
        services.exclude_member, appeal.pk, member_id=pool["secretary"].pk, ground="other", reason="x",
        decided_on=date(2027, 7, 20), by=people["chair"])
    first = services.exclude_member(appeal.pk, member_id=pool["exam"].pk, ground="tie", reason="Aunt.",
                                    decided_on=date(2027, 7, 20), by=people["chair"])
    again = services.exclude_member(appeal.pk, member_id=pool["exam"].pk, ground="tie", reason="Aunt.",
                                    decided_on=date(2027, 7, 20), by=people["chair"])
    assert first == again


# ---------------------------------------------------------------- AP-6: the hearing


def test_ap6_the_invitation_is_emailed_and_the_appeal_moves_to_hearing_planned(appeal, people):
    hearing = services.plan_hearing(appeal.pk, starts_at=at(22), place="Room C.101", by=people["secretary"])
    assert len(sent_mail()) == 1
    message = sent_mail()[0]
    assert message.to == ["an.peeters@example.org"] and appeal.reference in message.subject
    assert "2027-07-22 10:00" in message.body and "Room C.101" in message.body
    assert "written authority" in message.body
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.HEARING_PLANNED
    assert hearing.invitation_sent_at is not None and hearing.invitation_to == "an.peeters@example.org"
    assert services.plan_hearing(appeal.pk, starts_at=at(22), place="Room C.101", by=people["secretary"]) == hearing
    assert len(sent_mail()) == 1


def test_ap6_an_invitation_less_than_24_hours_before_is_refused_with_the_times(appeal, people, clock):
    clock.set(at(21, 14, 30))
    problem = refused(services.plan_hearing, appeal.pk, starts_at=at(22, 10), place="Room C.101",
                      by=people["secretary"])
    assert problem == ("An invitation sent now (2027-07-21 14:30) comes less than 24 hours before the hearing on "
                       "2027-07-22 10:00 (UH 19.4.2): it should have been sent by 2027-07-21 10:00. Plan the hearing "
                       "on or after 2027-07-22 14:30.")
    assert sent_mail() == [] and not AppealHearing.objects.exists()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ADMISSIBLE
    services.plan_hearing(appeal.pk, starts_at=at(22, 14, 30), place="Room C.101", by=people["secretary"])


def test_ap6_planning_again_replaces_the_planned_hearing_with_a_new_invitation(appeal, people):
    first = services.plan_hearing(appeal.pk, starts_at=at(22), place="Room C.101", by=people["secretary"])
    assert len(sent_mail()) == 1
    second = services.plan_hearing(appeal.pk, starts_at=at(23), place="Room C.101", by=people["secretary"])
    first.refresh_from_db()
    assert first.status == HearingStatus.REPLANNED and second.status == HearingStatus.PLANNED
    assert len(sent_mail()) == 2


def test_ap6_an_invitation_still_waiting_in_the_outbox_is_withdrawn_when_the_hearing_is_planned_again(appeal,
                                                                                                     people):
    first = services.plan_hearing(appeal.pk, starts_at=at(22), place="Room C.101", by=people["secretary"])
    second = services.plan_hearing(appeal.pk, starts_at=at(23), place="Room C.101", by=people["secretary"])
    sent = sent_mail()
    assert len(sent) == 1 and "2027-07-23 10:00" in sent[0].body
    withdrawn = Notice.objects.get(key=services.invitation_key(first.pk))
    assert withdrawn.status == NoticeStatus.FAILED and withdrawn.last_error.startswith("Withdrawn")
    assert Notice.objects.get(key=services.invitation_key(second.pk)).status == NoticeStatus.SENT


def test_ap6_the_invitation_waits_in_the_outbox_while_the_mail_is_down_and_goes_once(appeal, people, settings):
    settings.EMAIL_BACKEND = "tests.appeals.committee.conftest.BrokenMailBackend"
    hearing = services.plan_hearing(appeal.pk, starts_at=at(22), place="Room C.101", by=people["secretary"])
    assert sent_mail() == []
    notice = Notice.objects.get(key=services.invitation_key(hearing.pk))
    assert notice.status == NoticeStatus.PENDING and notice.attempts == 1 and "mail server" in notice.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Notice.objects.filter(pk=notice.pk).update(next_attempt_at=notice.created_at)
    assert len(sent_mail()) == 1 and len(sent_mail()) == 1
    assert services.invitation_sent_at(hearing) is not None


def test_ap6_a_hearing_needs_the_admissibility_checked_first(uni, pool, people):
    from appeals.services import intake

    fresh, _ = intake.register_appeal(student=uni["bram"], decision_kind="", contested_decision=uni["decisions"][
        "2600002"], postmarked_on=date(2027, 7, 13), received_on=date(2027, 7, 14), by=people["secretary"])
    assert "Check the appeal's admissibility first" in refused(
        services.plan_hearing, fresh.pk, starts_at=at(22), place="Room C.101", by=people["secretary"])


def test_ap6_a_session_without_hearing_the_student_sends_nothing(appeal, people):
    hearing = services.plan_hearing(appeal.pk, starts_at=at(20, 14), place="Room C.101", hear_student=False,
                                    by=people["secretary"])
    assert sent_mail() == [] and hearing.invitation_sent_at is None


def test_ap6_a_hearing_is_recorded_once_it_has_started(appeal, people, pool):
    hearing = services.plan_hearing(appeal.pk, starts_at=at(22), place="Room C.101", by=people["secretary"])
    record = HearingRecord(frozenset({pool["chair"].pk, pool["member1"].pk, pool["member2"].pk}), True,
                           minutes="Heard.")
    assert "record it once it is held" in refused(services.record_hearing, hearing.pk, record,
                                                  by=people["secretary"])


def test_ap5_the_chair_and_two_members_make_the_quorum(held, appeal):
    hearing = held(present=("chair", "secretary", "member1", "member2"))
    assert hearing.quorum and hearing.presiding.user.last_name == "Alen" and not hearing.presiding_deputy
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.HEARD
    note = AppealTransition.objects.filter(appeal=appeal, to_status="heard").get().note
    assert "Anna Alen presides; 2 voting members present besides" in note


def test_ap5_without_the_chair_the_oldest_sitting_member_deputises(held):
    hearing = held(present=("secretary", "member1", "deputy", "member2"))
    assert hearing.quorum and hearing.presiding.user.last_name == "Deputy" and hearing.presiding_deputy


def test_ap5_without_a_quorum_the_session_is_on_record_and_the_committee_cannot_decide(held, appeal, people):
    hearing = held(present=("chair", "secretary", "member1"))
    assert hearing.quorum is False
    assert "had no quorum" in refused(services.put_motion, appeal.pk, hearing_id=hearing.pk, outcome="unfounded",
                                      reasons="No arguments.", by=people["secretary"])
    # The committee meets again.
    services.plan_hearing(appeal.pk, starts_at=at(26), place="Room C.101", by=people["secretary"])


def test_ap5_an_excluded_member_is_not_recorded_present(held, appeal, pool, people):
    services.exclude_member(appeal.pk, member_id=pool["exam"].pk, ground="exam_committee", reason="June committee.",
                            decided_on=date(2027, 7, 20), by=people["chair"])
    with pytest.raises(CommitteeRefused, match="Only the members who sit on this appeal"):
        held(present=("chair", "member1", "exam"))


def test_ap6_a_representative_without_written_authority_is_refused_unless_a_lawyer(held):
    with pytest.raises(CommitteeRefused, match="needs the student's written authority"):
        held(student_present=False, representative="Mother Peeters")


def test_ap6_a_lawyer_replaces_the_student_without_written_authority(held):
    hearing = held(student_present=False, representative="Mr. Advocaat", representative_lawyer=True)
    assert hearing.represented and hearing.quorum


def test_ap6_written_authority_is_recorded(held):
    hearing = held(student_present=False, representative="Mother Peeters", written_authority_on=date(2027, 7, 18))
    assert hearing.written_authority_on == date(2027, 7, 18)


def test_ap6_the_committee_proceeds_when_the_duly_invited_student_does_not_appear(held, appeal):
    hearing = held(student_present=False)
    assert hearing.quorum and hearing.student_present is False
    note = AppealTransition.objects.filter(appeal=appeal, to_status="heard").get().note
    assert "The student, duly invited, did not appear: the committee may deliberate" in note


# ---------------------------------------------------------------- AP-7: the vote


def vote(motion, pool, people, **choices):
    for key, choice in choices.items():
        services.cast_vote(motion.pk, member_id=pool[key].pk, choice=choice, by=people[key])


def test_ap7_a_simple_majority_rejects_the_appeal_as_unfounded(held, appeal, pool, people):
    hearing = held()
    motion = services.put_motion(appeal.pk, hearing_id=hearing.pk, outcome="unfounded",
                                 reasons="The grading follows the published criteria.", by=people["secretary"])
    vote(motion, pool, people, chair="for", member1="for", member2="against")
    motion = services.close_vote(motion.pk, by=people["secretary"])
    assert (motion.status, motion.votes_for, motion.votes_against) == (MotionStatus.CARRIED, 2, 1)
    decision = AppealDecision.objects.get(appeal=appeal)
    assert decision.outcome == "unfounded" and decision.decided_on == date(2027, 7, 22)
    assert decision.new_progress_decision is None and not decision.results.exists()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.DECIDED


def test_ap7_a_tie_goes_the_way_the_chair_voted(held, appeal, pool, people):
    hearing = held(present=("chair", "member1", "member2", "member3"))
    motion = services.put_motion(appeal.pk, hearing_id=hearing.pk, outcome="unfounded", reasons="Reasons.",
                                 by=people["secretary"])
    vote(motion, pool, people, chair="against", member1="for", member2="against", member3="for")
    motion = services.close_vote(motion.pk, by=people["secretary"])
    assert motion.status == MotionStatus.REJECTED and motion.by_casting_vote
    assert not AppealDecision.objects.exists()
    # Another outcome may now be put to the vote.
    services.put_motion(appeal.pk, hearing_id=hearing.pk, outcome="inadmissible", reasons="Late.",
                        by=people["secretary"])


def test_ap7_a_tie_with_the_chair_abstaining_waits_for_his_casting_vote(held, appeal, pool, people):
    hearing = held(present=("chair", "member1", "member2"))
    motion = services.put_motion(appeal.pk, hearing_id=hearing.pk, outcome="unfounded", reasons="Reasons.",
                                 by=people["secretary"])
    vote(motion, pool, people, chair="abstain", member1="for", member2="against")
    assert "the chair holds the casting vote" in refused(services.close_vote, motion.pk, by=people["secretary"])
    assert "The casting vote is the chair's" in refused(services.close_vote, motion.pk, casting_vote="for",
                                                        by=people["member1"])
    motion = services.close_vote(motion.pk, casting_vote="for", by=people["chair"])
    assert motion.status == MotionStatus.CARRIED and motion.casting_vote == "for" and motion.by_casting_vote


def test_ap7_each_member_casts_her_own_vote_and_only_those_present_vote(held, appeal, pool, people):
    hearing = held(present=("chair", "member1", "member2"))
    motion = services.put_motion(appeal.pk, hearing_id=hearing.pk, outcome="unfounded", reasons="Reasons.",
                                 by=people["secretary"])
    assert "Each member casts her own vote" in refused(services.cast_vote, motion.pk, member_id=pool["member1"].pk,
                                                        choice="for", by=people["member2"])
    assert "Only the voting members present" in refused(services.cast_vote, motion.pk, member_id=pool["member3"].pk,
                                                         choice="for", by=people["member3"])
    assert "Only the voting members present" in refused(services.cast_vote, motion.pk,
                                                         member_id=pool["secretary"].pk, choice="for",
                                                         by=people["secretary"])
    services.cast_vote(motion.pk, member_id=pool["member1"].pk, choice="for", by=people["secretary"])
    ballot = services.cast_vote(motion.pk, member_id=pool["member1"].pk, choice="against", by=people["member1"])
    assert ballot.choice == "against" and motion.ballots.count() == 1


def test_ap7_one_motion_at_a_time_and_its_reasons(held, appeal, people):
    hearing = held()
    assert "State the reasons" in refused(services.put_motion, appeal.pk, hearing_id=hearing.pk,
                                          outcome="unfounded", reasons=" ", by=people["secretary"])
    first = services.put_motion(appeal.pk, hearing_id=hearing.pk, outcome="unfounded", reasons="R.",
                                by=people["secretary"])
    assert services.put_motion(appeal.pk, hearing_id=hearing.pk, outcome="unfounded", reasons="R.",
                               by=people["secretary"]) == first
    assert "A motion is being voted on" in refused(services.put_motion, appeal.pk, hearing_id=hearing.pk,
                                                   outcome="inadmissible", reasons="R.", by=people["secretary"])


def test_ap7_a_new_result_must_be_a_valid_result_of_the_contested_decision(held, appeal, uni, people):
    hearing = held()
    inf100 = uni["results"][("2600001", "INF100")]
    assert "INF100" in refused(services.put_motion, appeal.pk, hearing_id=hearing.pk, outcome="new_decision",
                               reasons="R.", result_changes={inf100.pk: "21"}, by=people["secretary"])
    bram = uni["results"][("2600002", "INF100")]
    assert "not part of the contested decision" in refused(
        services.put_motion, appeal.pk, hearing_id=hearing.pk, outcome="new_decision", reasons="R.",
        result_changes={bram.pk: "12"}, by=people["secretary"])
    assert "Only a new study-progress decision changes results" in refused(
        services.put_motion, appeal.pk, hearing_id=hearing.pk, outcome="unfounded", reasons="R.",
        result_changes={inf100.pk: "12"}, by=people["secretary"])


# ---------------------------------------------------------------- acceptance: an appeal upheld with a new result


def test_acceptance_an_upheld_appeal_changes_the_deliberation_outcome_and_the_learning_account(
        held, appeal, uni, pool, people):
    an = uni["an"]
    old_decision = uni["decisions"]["2600001"]
    old_result = uni["results"][("2600001", "INF100")]
    assert old_decision.packages[0]["passed"] is False
    proposal = deliberation_proposal("BA-INF", "2026-2027", 1)
    assert next(s for s in proposal["students"] if s["student"] == "2600001")["packages"][0]["passed"] is False
    balance_before = balance_at(an.pk, date(2027, 8, 1))
    movements_before = LedgerMovement.objects.filter(student=an).count()

    hearing = held()
    motion = services.put_motion(
        appeal.pk, hearing_id=hearing.pk, outcome="new_decision",
        reasons="The second question was marked against the published key; marked by the key, the exam gives 11.",
        result_changes={old_result.pk: "11"}, by=people["secretary"])
    vote(motion, pool, people, chair="for", member1="for", member2="abstain")
    services.close_vote(motion.pk, by=people["chair"])

    # The result: a new version by the appeal procedure; the old one kept, superseded.
    new_result = Result.objects.get(student=an, course_unit__code="INF100", is_current=True)
    assert (new_result.grade, new_result.version, new_result.procedure) == (11, 2, ResultProcedure.APPEAL)
    assert new_result.decided_on == date(2027, 7, 22) and appeal.reference in new_result.reason
    old_result.refresh_from_db()
    assert old_result.is_current is False and new_result.supersedes == old_result

    # The deliberation outcome, through the normal query, and the new study-progress decision.
    proposal = deliberation_proposal("BA-INF", "2026-2027", 1)
    assert next(s for s in proposal["students"] if s["student"] == "2600001")["packages"][0]["passed"] is True
    new_decision = StudyProgressDecision.objects.get(student=an, is_current=True)
    assert new_decision.procedure == DecisionProcedure.APPEAL and new_decision.version == 2
    assert new_decision.packages[0]["passed"] is True and new_decision.decided_on == date(2027, 7, 22)
    assert new_decision.supersedes_id == old_decision.pk
    assert new_decision.proclamation_id == old_decision.proclamation_id
    old_decision.refresh_from_db()
    assert old_decision.is_current is False and old_decision.packages[0]["passed"] is False  # kept, superseded

    # The learning account: the credit certificate's credits come back through the ledger's own engine.
    new_movements = LedgerMovement.objects.filter(student=an).order_by("id")[movements_before:]
    assert {(m.kind, m.credits) for m in new_movements} == {("restitution", 6), ("bonus", 6)}  # LA-4, LA-5
    assert balance_at(an.pk, date(2027, 8, 1)) == balance_before + 12

    decision = AppealDecision.objects.get(appeal=appeal)
    assert decision.outcome == "new_decision" and list(decision.results.all()) == [new_result]
    assert decision.superseded_decision == old_decision and decision.new_progress_decision == new_decision
    # Bram's decision is untouched.
    assert StudyProgressDecision.objects.get(student=uni["bram"]).version == 1


def test_ap7_a_new_decision_never_takes_away_what_the_examination_committee_granted(held, appeal, uni, pool,
                                                                                    people):
    contested = uni["decisions"]["2600001"]
    # The examination committee had declared package 1 passed (a deviation in the student's favour, DL-7).
    StudyProgressDecision.objects.filter(pk=contested.pk).update(
        packages=[{**contested.packages[0], "passed": True}], programme_passed=False, deviates=True,
        reason="Declared passed.")
    hearing = held()
    inf101 = uni["results"][("2600001", "INF101")]
    motion = services.put_motion(appeal.pk, hearing_id=hearing.pk, outcome="new_decision", reasons="Regraded.",
                                 result_changes={inf101.pk: "15"}, by=people["secretary"])
    vote(motion, pool, people, chair="for", member1="for")
    services.close_vote(motion.pk, by=people["chair"])
    new = StudyProgressDecision.objects.get(student=uni["an"], is_current=True)
    assert new.packages[0]["passed"] is True and new.packages[0]["proposed"] is False and new.deviates


# ---------------------------------------------------------------- AP-8: later date, letter, Council


def decide_unfounded(held, appeal, pool, people):
    hearing = held()
    motion = services.put_motion(appeal.pk, hearing_id=hearing.pk, outcome="unfounded",
                                 reasons="The grading follows the published criteria.", by=people["secretary"])
    vote(motion, pool, people, chair="for", member1="for")
    services.close_vote(motion.pk, by=people["chair"])
    return AppealDecision.objects.get(appeal=appeal)


def test_ap8_the_letter_is_emailed_with_its_pdf_and_the_councils_last_day(held, appeal, pool, people, clock):
    decide_unfounded(held, appeal, pool, people)
    sent_mail().clear()
    clock.set(at(23, 11))  # Friday 23 July 2027: + 7 = Friday 30 July
    decision = services.send_decision_letter(appeal.pk, by=people["secretary"])
    assert decision.notified_on == date(2027, 7, 23) and decision.council_by == date(2027, 7, 30)
    assert len(sent_mail()) == 1
    message = sent_mail()[0]
    assert message.to == ["an.peeters@example.org"] and "2027-07-30" in message.body
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and name == f"appeal-{appeal.reference}.pdf"
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)
    assert "Rejected: unfounded" in text and "Council for Disputes" in text and "The last day is 2027-07-30" in text
    assert "The grading follows the published criteria." in text
    again = services.send_decision_letter(appeal.pk, by=people["secretary"])
    assert again.letter_sent_at == decision.letter_sent_at and len(sent_mail()) == 1


def test_ap8_the_councils_seven_days_move_past_the_weekend(held, appeal, pool, people, clock):
    decide_unfounded(held, appeal, pool, people)
    clock.set(at(24, 9))  # Saturday 24 July + 7 = Saturday 31 July -> Monday 2 August
    assert services.send_decision_letter(appeal.pk, by=people["secretary"]).council_by == date(2027, 8, 2)


def test_ap8_thirty_days_for_an_equivalence_decision(held, appeal, pool, people, clock):
    Appeal.objects.filter(pk=appeal.pk).update(decision_kind="diploma_equivalence", contested_decision=None)
    hearing = held()
    motion = services.put_motion(appeal.pk, hearing_id=hearing.pk, outcome="unfounded", reasons="R.",
                                 by=people["secretary"])
    vote(motion, pool, people, chair="for")
    services.close_vote(motion.pk, by=people["chair"])
    clock.set(at(23, 11))
    assert services.send_decision_letter(appeal.pk, by=people["secretary"]).council_by == date(2027, 8, 23)


def test_ap8_a_later_decision_date_is_emailed_before_the_period_expires(appeal, people, clock):
    notice = services.announce_later_date(appeal.pk, decision_date=date(2027, 8, 20), reason="Holidays.",
                                          by=people["secretary"])
    assert notice.notified_on == date(2027, 7, 20) and len(sent_mail()) == 1
    assert "2027-08-20" in sent_mail()[0].subject and "2027-08-27" in sent_mail()[0].body
    assert services.announce_later_date(appeal.pk, decision_date=date(2027, 8, 20), by=people["secretary"]) == notice


def test_ap8_a_later_date_after_the_period_expired_is_refused(appeal, people, clock):
    clock.set(at(4, month=8))
    assert "before the decision period expires on 2027-08-03" in refused(
        services.announce_later_date, appeal.pk, decision_date=date(2027, 8, 20), by=people["secretary"])
    assert sent_mail() == []


def test_a_decided_appeal_takes_no_more_steps(held, appeal, pool, people):
    decide_unfounded(held, appeal, pool, people)
    assert "The appeal is decided" in refused(services.plan_hearing, appeal.pk, starts_at=at(29), place="x",
                                              by=people["secretary"])
    assert "The appeal is decided" in refused(services.exclude_member, appeal.pk, member_id=pool["exam"].pk,
                                              ground="other", reason="x", decided_on=date(2027, 7, 23),
                                              by=people["chair"])
    assert AppealMotion.objects.filter(appeal=appeal).count() == 1
