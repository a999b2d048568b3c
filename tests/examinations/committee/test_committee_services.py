"""The committee services against PostgreSQL: membership, ties, meetings (quorum, presiding, sign-off),
decisions in versions, tolerance choices, proclamation (EC-1 .. EC-6, DL-7 .. DL-9, EX-8)."""

from datetime import date

import pytest

from examinations.models import (
    Decision,
    MeetingSignature,
    MeetingStatus,
    Proclamation,
    Result,
    StudyProgressDecision,
    TieDeclaration,
    ToleranceChoice,
)
from examinations.services import committee as services
from examinations.services.committee import CommitteeRefused
from examinations.services.results import ResultRefused, record_result
from students.models import LedgerMovement

from .conftest import ALL_PASSED, FAILED, HELD_ON, TOLERATED

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- membership


def test_ec1_one_officer_per_role_and_one_seat_per_person(committee, people, make_user):
    other = make_user("other_chair")
    with pytest.raises(CommitteeRefused, match="is the chair; end that membership first"):
        services.add_member(committee.pk, other.pk, "chair", date(2026, 10, 1))
    with pytest.raises(CommitteeRefused, match="already sits on this committee"):
        services.add_member(committee.pk, people["member1"].pk, "secretary", date(2026, 10, 1))
    # The same seat again changes nothing.
    again = services.add_member(committee.pk, people["member1"].pk, "member", date(2026, 10, 1))
    assert again.since == date(2026, 9, 1)


def test_ending_a_membership_frees_the_role(committee, people, make_user):
    seat = committee.members.get(user=people["chair"])
    with pytest.raises(CommitteeRefused, match="cannot end before it began"):
        services.end_member(seat.pk, date(2026, 1, 1))
    services.end_member(seat.pk, date(2027, 1, 31))
    assert services.end_member(seat.pk, date(2027, 1, 31)).until == date(2027, 1, 31)  # idempotent
    new_chair = services.add_member(committee.pk, make_user("new_chair").pk, "chair", date(2027, 2, 1))
    assert new_chair.role == "chair"


def test_ec4_a_tie_is_declared_once(people, enrol, student_admin):
    student = enrol(ALL_PASSED)
    tie = services.declare_tie(people["member1"].pk, student.number, "family", date(2026, 10, 1), student_admin)
    again = services.declare_tie(people["member1"].pk, student.number, "cohabitation", date(2026, 10, 2),
                                 student_admin)
    assert again.pk == tie.pk and TieDeclaration.objects.count() == 1
    with pytest.raises(CommitteeRefused, match="No student has the number 9999999"):
        services.declare_tie(people["member1"].pk, "9999999", "family", date(2026, 10, 1), student_admin)


# ---------------------------------------------------------------- meetings


def test_ec3_the_meeting_opens_only_with_its_quorum(meeting_for, people):
    meeting = meeting_for(present=("chair", "secretary", "ombuds", "advisor"), open=False)
    with pytest.raises(CommitteeRefused) as refused:
        services.open_meeting(meeting.pk, people["secretary"])
    assert refused.value.problems == [
        "No quorum: 2 of 5 voting members present; at least 3 needed (UH 14.3.3). The meeting cannot take binding "
        "decisions."]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


def test_ec3_with_quorum_the_chair_presides(meeting_for, people):
    meeting = meeting_for(present=("chair", "secretary", "member1"))
    assert meeting.status == MeetingStatus.OPEN
    assert meeting.presiding.user == people["chair"]
    assert meeting.presiding_reason == ""


def test_ec5_vice_chair_presides_for_an_absent_chair_with_the_reason(meeting_for, people):
    meeting = meeting_for(present=("vice", "secretary", "member1"), open=False)
    with pytest.raises(CommitteeRefused, match="The chair is absent: record why"):
        services.open_meeting(meeting.pk, people["secretary"])
    meeting = services.open_meeting(meeting.pk, people["secretary"], presiding_reason="Ill (force majeure)")
    assert meeting.presiding.user == people["vice"]
    assert meeting.presiding_reason == "Ill (force majeure)"


def test_ec6_bureau_needs_chair_and_vice_chair_one_may_be_replaced(meeting_for, people):
    meeting = meeting_for(present=("chair",), kind="bureau", open=False)
    with pytest.raises(CommitteeRefused, match="The vice chair is absent and nobody replaces them"):
        services.open_meeting(meeting.pk, people["chair"])
    replaced = meeting_for(present=("chair", "member1"), kind="bureau", replaces={"member1": "vice_chair"},
                           held_on=date(2027, 7, 7))
    assert replaced.status == MeetingStatus.OPEN


def test_replacements_are_for_the_bureau_only(meeting_for, committee, people):
    meeting = meeting_for(open=False)
    member = committee.members.get(user=people["member1"])
    with pytest.raises(CommitteeRefused, match="bureau meeting only"):
        services.record_attendance(meeting.pk, {member.id: {"present": True, "replaces": "chair"}})


def test_planning_the_same_meeting_twice_is_one_meeting(committee, june, people):
    one = services.create_meeting(committee.pk, "committee", "electronic", june.pk, HELD_ON, people["chair"])
    two = services.create_meeting(committee.pk, "committee", "electronic", june.pk, HELD_ON, people["chair"])
    assert one.pk == two.pk
    with pytest.raises(CommitteeRefused, match="after the exam period starts"):
        services.create_meeting(committee.pk, "committee", "physical", june.pk, date(2027, 1, 1), people["chair"])


# ---------------------------------------------------------------- decisions


def test_dl7_follow_then_deviate_in_the_students_favour_in_versions(meeting_for, people, enrol):
    student = enrol(FAILED)
    meeting = meeting_for()
    first = services.record_decision(meeting.pk, student.number, people["secretary"])
    assert first.follows_proposal and not first.programme_passed and first.passed_packages == []
    assert first.proposal["packages"][0]["failed"] == ["TST100", "TST101"]
    same = services.record_decision(meeting.pk, student.number, people["secretary"])
    assert same.pk == first.pk  # nothing changed, no new version
    second = services.record_decision(meeting.pk, student.number, people["chair"], follow=False,
                                      passed_packages=[1], reason="Serious illness in June; objectives reached.")
    assert second.version == 2 and second.supersedes_id == first.pk and not second.follows_proposal
    assert second.passed_packages == [1]
    assert list(Decision.objects.filter(meeting=meeting, is_current=True)) == [second]


def test_dl7_a_deviation_without_a_reason_is_refused(meeting_for, people, enrol):
    student = enrol(FAILED)
    meeting = meeting_for()
    with pytest.raises(CommitteeRefused, match="needs its reasons"):
        services.record_decision(meeting.pk, student.number, people["secretary"], follow=False, passed_packages=[1])
    assert not Decision.objects.exists()


def test_dl7_never_stricter_than_the_proposal(meeting_for, people, enrol):
    student = enrol(ALL_PASSED)
    meeting = meeting_for()
    with pytest.raises(CommitteeRefused, match="never decides more strictly"):
        services.record_decision(meeting.pk, student.number, people["secretary"], follow=False, passed_packages=[],
                                 reason="Stricter")


def test_ec3_a_vote_rejecting_the_deviation_keeps_the_proposal(meeting_for, people, enrol):
    student = enrol(FAILED)
    meeting = meeting_for()
    decision = services.record_decision(
        meeting.pk, student.number, people["secretary"], follow=False, passed_packages=[1], reason="Motion",
        vote_requested=True, secret_ballot=True, votes_for=1, votes_against=3, abstentions=1)
    assert decision.follows_proposal and decision.passed_packages == []
    assert (decision.votes_for, decision.votes_against, decision.abstentions) == (1, 3, 1)
    assert decision.secret_ballot and decision.reason == "Motion"


def test_ec3_a_tied_vote_goes_to_the_student(meeting_for, people, enrol):
    student = enrol(FAILED)
    meeting = meeting_for()
    decision = services.record_decision(
        meeting.pk, student.number, people["secretary"], follow=False, passed_packages=[1], reason="Tie",
        vote_requested=True, votes_for=2, votes_against=2, abstentions=1)
    assert not decision.follows_proposal and decision.passed_packages == [1]


def test_ec4_tied_members_are_excluded_and_do_not_vote(meeting_for, people, enrol, student_admin):
    student = enrol(FAILED)
    services.declare_tie(people["member1"].pk, student.number, "family", date(2026, 10, 1), student_admin)
    services.declare_tie(people["secretary"].pk, student.number, "cohabitation", date(2026, 10, 1), student_admin)
    meeting = meeting_for()
    with pytest.raises(CommitteeRefused, match="declared tie with this student"):
        services.record_decision(meeting.pk, student.number, people["secretary"])
    # Five voting members present, two excluded: three ballots at most.
    with pytest.raises(CommitteeRefused, match="only 3 members present may vote"):
        services.record_decision(meeting.pk, student.number, people["chair"], vote_requested=True, votes_for=2,
                                 votes_against=2)
    decision = services.record_decision(meeting.pk, student.number, people["chair"])
    assert sorted(decision.excluded_members) == sorted([people["member1"].id, people["secretary"].id])


def test_decisions_only_in_session_and_by_the_officers(meeting_for, people, enrol):
    student = enrol(FAILED)
    planned = meeting_for(open=False)
    with pytest.raises(CommitteeRefused, match="while the meeting is in session"):
        services.record_decision(planned.pk, student.number, people["secretary"])
    meeting = services.open_meeting(planned.pk, people["secretary"])
    with pytest.raises(CommitteeRefused, match="recorded by the chair"):
        services.record_decision(meeting.pk, student.number, people["member1"])
    with pytest.raises(CommitteeRefused, match="is not deliberated"):
        services.record_decision(meeting.pk, "1234567", people["secretary"])


def test_dl7_the_bureau_does_not_deviate(meeting_for, people, enrol):
    student = enrol(FAILED)
    bureau = meeting_for(present=("chair", "vice"), kind="bureau")
    with pytest.raises(CommitteeRefused, match="Only the examination committee may deviate"):
        services.record_decision(bureau.pk, student.number, people["chair"], follow=False, passed_packages=[1],
                                 reason="x")
    assert services.record_decision(bureau.pk, student.number, people["chair"]).follows_proposal


# ---------------------------------------------------------------- DL-9


def test_dl9_tolerance_choice_is_recorded_once_and_final(meeting_for, people, enrol):
    student = enrol(TOLERATED)
    meeting = meeting_for()
    choice = services.record_tolerance_choice(meeting.pk, student.number, "TST100", date(2027, 7, 8),
                                              people["secretary"])
    again = services.record_tolerance_choice(meeting.pk, student.number, "TST100", date(2027, 7, 9),
                                             people["secretary"])
    assert again.pk == choice.pk and again.chosen_on == date(2027, 7, 8)
    with pytest.raises(CommitteeRefused, match="Only a fail of 8 or 9"):
        services.record_tolerance_choice(meeting.pk, student.number, "TST101", date(2027, 7, 8), people["secretary"])
    assert ToleranceChoice.objects.count() == 1


# ---------------------------------------------------------------- sign-off


def test_ec5_signed_by_chair_and_secretary_then_nothing_changes(meeting_for, people, enrol):
    student = enrol(FAILED)
    meeting = meeting_for()
    with pytest.raises(CommitteeRefused, match="after the meeting is closed"):
        services.sign_meeting(meeting.pk, people["chair"])
    services.close_meeting(meeting.pk, people["secretary"])
    with pytest.raises(CommitteeRefused, match="signed by the chair, secretary of the meeting only"):
        services.sign_meeting(meeting.pk, people["member1"])
    services.sign_meeting(meeting.pk, people["chair"])
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    services.sign_meeting(meeting.pk, people["chair"])  # twice: nothing new
    services.sign_meeting(meeting.pk, people["secretary"])
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SIGNED
    assert sorted(MeetingSignature.objects.filter(meeting=meeting).values_list("role", flat=True)) == [
        "chair", "secretary"]
    with pytest.raises(CommitteeRefused, match="in session"):
        services.record_decision(meeting.pk, student.number, people["chair"])
    with pytest.raises(CommitteeRefused):
        services.open_meeting(meeting.pk, people["chair"])


def test_ec5_the_presiding_vice_chair_signs_for_the_chair(meeting_for, people):
    meeting = meeting_for(present=("vice", "secretary", "member1"), reason="Abroad (force majeure)")
    services.close_meeting(meeting.pk, people["secretary"])
    with pytest.raises(CommitteeRefused):
        services.sign_meeting(meeting.pk, people["chair"])
    signature = services.sign_meeting(meeting.pk, people["vice"])
    assert signature.role == "chair" and signature.user == people["vice"]


# ---------------------------------------------------------------- proclamation


def test_ex8_proclamation_needs_a_signed_report(meeting_for, people, student_admin):
    meeting = meeting_for()
    with pytest.raises(CommitteeRefused, match="after the meeting's report is signed"):
        services.proclaim(meeting.pk, date(2027, 7, 9), student_admin)
    assert not Proclamation.objects.exists()


def test_ex8_proclamation_makes_decisions_and_counts_for_the_ledger(signed, people, enrol, student_admin):
    passed, tolerated, failed = enrol(ALL_PASSED), enrol(TOLERATED), enrol(FAILED)

    def decide(meeting):
        services.record_decision(meeting.pk, failed.number, people["chair"], follow=False, passed_packages=[1],
                                 reason="Exceptional family circumstances (UH 16.8.1).")

    meeting = signed(decide)
    before = LedgerMovement.objects.count()
    proclamation = services.proclaim(meeting.pk, date(2027, 7, 9), student_admin)
    assert proclamation.meeting == meeting and proclamation.published_on == date(2027, 7, 9)
    decisions = {d.student_id: d for d in StudyProgressDecision.objects.filter(proclamation=proclamation)}
    assert set(decisions) == {passed.id, tolerated.id, failed.id}
    assert decisions[failed.id].deviates and decisions[failed.id].reason.startswith("Exceptional")
    assert decisions[failed.id].packages[0]["passed"] and not decisions[failed.id].packages[0]["proposed"]
    assert not decisions[passed.id].deviates and decisions[passed.id].packages[0]["passed"]
    assert decisions[passed.id].weighted_percentage == 70 and decisions[passed.id].decided_on == date(2027, 7, 9)
    # LA-4: the credits of the units passed come back from the proclamation on.
    assert LedgerMovement.objects.count() > before
    assert LedgerMovement.objects.filter(student=passed, on=date(2027, 7, 9)).exists()

    # A second click changes nothing.
    counts = (Proclamation.objects.count(), StudyProgressDecision.objects.count(), LedgerMovement.objects.count())
    assert services.proclaim(meeting.pk, date(2027, 7, 10), student_admin).pk == proclamation.pk
    assert counts == (Proclamation.objects.count(), StudyProgressDecision.objects.count(),
                      LedgerMovement.objects.count())


def test_ex8_after_proclamation_results_change_only_by_the_two_procedures(signed, enrol, student_admin):
    student = enrol(FAILED)
    meeting = signed()
    services.proclaim(meeting.pk, date(2027, 7, 9), student_admin)
    line = student.contracts.get().lines.get(course_unit__code="TST100")
    period = meeting.exam_period
    with pytest.raises(ResultRefused, match="proclaimed"):
        record_result(line, period, "numeric", 12, student_admin)
    corrected = record_result(line, period, "numeric", 12, student_admin, procedure="material_error",
                              reason="Sum of the parts was wrong", decided_on=date(2027, 7, 12))
    assert corrected.version == 2
    assert Result.objects.filter(student=student, course_unit__code="TST100", is_current=True).get().grade == 12


def test_ec5_a_signed_report_takes_no_more_tolerance_choices(signed, people, enrol):
    student = enrol(TOLERATED)
    meeting = signed()
    with pytest.raises(CommitteeRefused, match="signed and changes no more"):
        services.record_tolerance_choice(meeting.pk, student.number, "TST100", date(2027, 7, 8), people["secretary"])
    with pytest.raises(CommitteeRefused):
        services.close_meeting(meeting.pk, people["secretary"])
    assert not ToleranceChoice.objects.exists()
