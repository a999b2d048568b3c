"""EC-1 .. EC-6, DL-7 .. DL-9 and EX-9: the committee rules as pure functions (examinations/rules/committee.py)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.regulations import UHASSELT_2026_2027, CommitteeRules
from examinations.rules import committee as ec

C = UHASSELT_2026_2027.committee
D = UHASSELT_2026_2027.deliberation


def seats(*roles):
    return [ec.Seat(i + 1, role, f"Person {i + 1}") for i, role in enumerate(roles)]


FULL = ("chair", "vice_chair", "secretary", "member", "member", "ombudsperson", "academic_advisor")


def blocking(problems):
    return [p.text for p in problems if p.blocking]


def warnings(problems):
    return [p.text for p in problems if not p.blocking]


# ---------------------------------------------------------------- EC-1


def test_ec1_a_complete_committee_has_no_problem():
    assert ec.composition_problems(seats(*FULL), C) == []


def test_ec1_four_voting_members_are_too_few_and_advisors_do_not_count():
    problems = ec.composition_problems(seats("chair", "vice_chair", "secretary", "member", "ombudsperson",
                                             "academic_advisor"), C)
    assert blocking(problems) == ["The committee has 4 voting members; it needs at least 5 (UH 14.1.3)."]


def test_ec1_each_officer_is_required_once():
    problems = blocking(ec.composition_problems(seats("chair", "member", "member", "member", "member"), C))
    assert "The committee has no vice chair (UH 14.1.2)." in problems
    assert "The committee has no secretary (UH 14.1.2)." in problems
    two = blocking(ec.composition_problems(seats("chair", "chair", "vice_chair", "secretary", "member"), C))
    assert two == ["The committee has 2 people in the role of chair; it has one (UH 14.1.2)."]


def test_ec1_more_than_ten_is_a_warning_not_an_error():
    problems = ec.composition_problems(seats(*FULL, *["member"] * 7), C)
    assert blocking(problems) == []
    assert warnings(problems) == ["The committee has 12 voting members; the guideline is at most 10 (UH 14.1.3)."]


def test_ec1_ten_voting_members_is_within_the_guideline():
    assert ec.composition_problems(seats(*FULL, *["member"] * 5), C) == []


def test_ec1_missing_ombudsperson_and_advisor_are_warnings():
    problems = ec.composition_problems(seats("chair", "vice_chair", "secretary", "member", "member"), C)
    assert blocking(problems) == []
    assert len(warnings(problems)) == 2


def test_ec1_numbers_come_from_the_regulations():
    smaller = CommitteeRules(min_members=3, guideline_max_members=4)
    assert blocking(ec.composition_problems(seats("chair", "vice_chair", "secretary"), smaller)) == []


# ---------------------------------------------------------------- EC-3 quorum


@pytest.mark.parametrize("members, present, holds", [(5, 3, True), (5, 2, False), (6, 3, True), (6, 2, False),
                                                     (7, 4, True), (7, 3, False), (10, 5, True)])
def test_ec3_quorum_is_half_of_the_voting_members(members, present, holds):
    assert ec.quorum(members, present, C).holds is holds


def test_ec3_quorum_counts_only_voting_members():
    presences = [ec.Presence(s, s.role != "member") for s in seats(*FULL)]
    # chair, vice chair, secretary present (3 of 5 voting); the ombudsperson and advisor do not count.
    assert ec.opening_problems("committee", presences, C) == []
    presences = [ec.Presence(s, s.role in ("chair", "ombudsperson", "academic_advisor", "secretary"))
                 for s in seats(*FULL)]
    problems = ec.opening_problems("committee", presences, C)
    assert [p.text for p in problems] == [
        "No quorum: 2 of 5 voting members present; at least 3 needed (UH 14.3.3). The meeting cannot take binding "
        "decisions."]


@given(st.integers(min_value=1, max_value=40), st.integers(min_value=0, max_value=40))
def test_ec3_quorum_property_at_least_half(members, present):
    present = min(present, members)
    assert ec.quorum(members, present, C).holds == (2 * present >= members)


# ---------------------------------------------------------------- EC-6 bureau


def bureau(chair=True, vice=True, replace=None):
    s = seats("chair", "vice_chair", "secretary", "member", "member")
    out = [ec.Presence(s[0], chair), ec.Presence(s[1], vice), ec.Presence(s[2], False)]
    out.append(ec.Presence(s[3], replace is not None, replaces=replace or ""))
    out.append(ec.Presence(s[4], False))
    return out


def test_ec6_bureau_needs_chair_and_vice_chair():
    assert ec.opening_problems("bureau", bureau(), C) == []
    problems = ec.opening_problems("bureau", bureau(vice=False), C)
    assert [p.text for p in problems] == [
        "The vice chair is absent and nobody replaces them: the bureau meets with its chair and vice chair "
        "(UH 14.6.2)."]


def test_ec6_one_of_them_may_be_replaced_by_a_committee_member():
    assert ec.opening_problems("bureau", bureau(chair=False, replace="chair"), C) == []
    assert ec.opening_problems("bureau", bureau(vice=False, replace="vice_chair"), C) == []


def test_ec6_not_both_replaced():
    s = seats("chair", "vice_chair", "secretary", "member", "member")
    presences = [ec.Presence(s[0], False), ec.Presence(s[1], False), ec.Presence(s[2], True, "chair"),
                 ec.Presence(s[3], True, "vice_chair"), ec.Presence(s[4], False)]
    assert [p.text for p in ec.opening_problems("bureau", presences, C)] == [
        "Only one of the chair and the vice chair may be replaced (UH 14.6.2)."]


def test_ec6_the_replacement_is_a_present_committee_member():
    s = seats("chair", "vice_chair", "ombudsperson")
    presences = [ec.Presence(s[0], False), ec.Presence(s[1], True), ec.Presence(s[2], True, "chair")]
    texts = [p.text for p in ec.opening_problems("bureau", presences, C)]
    assert any("another member of the committee" in t for t in texts)


def test_ec6_a_committee_meeting_has_no_replacements():
    presences = [ec.Presence(s, True, "chair" if s.role == "member" else "") for s in seats(*FULL)]
    assert any("bureau meeting only" in p.text for p in ec.opening_problems("committee", presences, C))


# ---------------------------------------------------------------- EC-3 votes


def test_ec3_no_vote_asked_means_unanimous():
    outcome = ec.vote_outcome(False)
    assert outcome.favourable and not outcome.requested
    assert "unanimous" in outcome.text
    assert "consensus" in ec.vote_outcome(False, kind="bureau").text


def test_ec3_simple_majority_of_votes_cast_abstentions_not_counted():
    assert ec.vote_outcome(True, 3, 2, 0).favourable
    assert not ec.vote_outcome(True, 2, 3, 0).favourable
    # 2 for, 1 against, 4 abstaining: abstentions are not cast, so 2 > 1 carries.
    assert ec.vote_outcome(True, 2, 1, 4).favourable


def test_ec3_tie_goes_to_the_student():
    outcome = ec.vote_outcome(True, 2, 2, 1)
    assert outcome.favourable
    assert "decided in the student's favour" in outcome.text
    assert ec.vote_outcome(True, 0, 0, 5).favourable


def test_ec3_more_ballots_than_eligible_members_is_refused():
    outcome = ec.vote_outcome(True, 3, 2, 1, eligible=5)
    assert [p.text for p in outcome.problems] == [
        "6 ballots, but only 5 members present may vote on this student (UH 14.3.2, 14.3.5)."]


def test_ec6_the_bureau_does_not_vote():
    assert ec.vote_outcome(True, 2, 0, 0, kind="bureau").problems


@given(st.integers(0, 20), st.integers(0, 20), st.integers(0, 20))
def test_ec3_vote_property(for_, against, abstain):
    assert ec.vote_outcome(True, for_, against, abstain).favourable == (for_ >= against)


# ---------------------------------------------------------------- EC-4


def test_ec4_members_with_a_tie_are_excluded_for_that_student_only():
    ties = [(3, 100), (4, 200)]
    assert ec.excluded_members(100, [1, 2, 3, 4], ties) == {3}
    assert ec.excluded_members(200, [1, 2, 3, 4], ties) == {4}
    assert ec.excluded_members(300, [1, 2, 3, 4], ties) == frozenset()
    assert ec.excluded_members(100, [1, 2], ties) == frozenset()


# ---------------------------------------------------------------- EC-5


def test_ec5_the_chair_presides():
    presences = [ec.Presence(s, True) for s in seats(*FULL)]
    p = ec.presiding("committee", presences)
    assert p.seat.role == "chair" and not p.reason_needed and not p.problems
    assert ec.required_signers("committee", presences, p.seat) == {"chair": 1, "secretary": 3}


def test_ec5_the_vice_chair_replaces_an_absent_chair_and_the_reason_is_recorded():
    presences = [ec.Presence(s, s.role != "chair") for s in seats(*FULL)]
    without = ec.presiding("committee", presences)
    assert without.seat.role == "vice_chair" and without.reason_needed
    assert [p.text for p in without.problems] == [
        "The chair is absent: record why, the report states the reason (UH 14.3.7)."]
    with_reason = ec.presiding("committee", presences, "Force majeure: ill")
    assert not with_reason.problems
    assert ec.required_signers("committee", presences, with_reason.seat) == {"chair": 2, "secretary": 3}


def test_ec5_nobody_presides_without_chair_and_vice_chair():
    presences = [ec.Presence(s, s.role not in ("chair", "vice_chair")) for s in seats(*FULL)]
    assert ec.presiding("committee", presences, "x").seat is None


def test_ec6_bureau_report_signed_by_chair_and_vice_chair_or_their_replacement():
    presences = bureau()
    assert ec.required_signers("bureau", presences, ec.presiding("bureau", presences).seat) == {
        "chair": 1, "vice_chair": 2}
    presences = bureau(vice=False, replace="vice_chair")
    assert ec.required_signers("bureau", presences, None) == {"chair": 1, "vice_chair": 4}


def test_ec5_states_planned_open_closed_signed_and_nothing_after_signing():
    assert ec.next_state("planned", "open") == "open"
    assert ec.next_state("open", "closed") == "closed"
    assert ec.next_state("closed", "signed") == "signed"
    for current, target in [("planned", "closed"), ("signed", "open"), ("closed", "open"), ("open", "signed")]:
        with pytest.raises(ec.IllegalTransition):
            ec.next_state(current, target)


# ---------------------------------------------------------------- DL-7 / DL-8


def verdict(passed=False, packages=(), distinction=None):
    return ec.Verdict(passed, frozenset(packages), distinction)


def check(proposal, decided, reason="Special family circumstances; objectives reached.", kind="committee",
          packages=(1,), programme_kind="bachelor"):
    return [p.text for p in ec.deviation_problems(proposal, decided, packages, reason, kind, programme_kind, D)]


def test_dl7_a_pass_where_the_proposal_fails_is_allowed_with_a_reason():
    assert ec.deviates(verdict(), verdict(packages=[1]))
    assert check(verdict(), verdict(packages=[1])) == []


def test_dl7_a_deviation_needs_its_reason():
    assert check(verdict(), verdict(packages=[1]), reason=" ") == [
        "A deviation from the proposal needs its reasons: they go into the report (UH 14.3.7, 16.8.1, 16.9.3)."]


def test_dl7_never_stricter_than_the_proposal():
    texts = check(verdict(True, [1]), verdict(False, []))
    assert "The proposal passes the programme: the committee never decides more strictly (UH 16.8.1)." in texts
    assert "The proposal passes package 1: the committee never decides more strictly (UH 16.8.1)." in texts


def test_dl7_a_programme_pass_passes_every_package():
    assert check(verdict(), verdict(True, [1]), packages=(1, 2)) == [
        "A pass for the programme means every package deliberated is passed: tick them all (UH 16.8.1)."]
    assert check(verdict(), verdict(True, [1, 2]), packages=(1, 2)) == []


def test_dl7_following_the_proposal_needs_no_reason():
    assert not ec.deviates(verdict(True, [1], "distinction"), verdict(True, [1], "distinction"))
    assert check(verdict(True, [1]), verdict(True, [1]), reason="") == []


def test_dl8_a_higher_distinction_is_allowed():
    assert check(verdict(True, [1], "distinction"), verdict(True, [1], "great_distinction")) == []
    assert check(verdict(True, [1]), verdict(True, [1], "distinction")) == []


def test_dl8_never_a_lower_distinction():
    assert check(verdict(True, [1], "great_distinction"), verdict(True, [1], "distinction")) == [
        "The degree of distinction may only go up, never down (UH 16.9.3)."]
    assert check(verdict(True, [1], "distinction"), verdict(True, [1], None)) == [
        "The degree of distinction may only go up, never down (UH 16.9.3)."]


def test_dl8_a_distinction_needs_a_pass_and_not_for_bridging():
    assert "A degree of distinction needs a pass for the programme (UH 16.9.1)." in check(
        verdict(), verdict(False, [], "distinction"))
    assert check(verdict(), verdict(True, [None], "distinction"), packages=(None,), programme_kind="bridging") == [
        "A bridging or preparatory programme gives no degree of distinction (UH 16.7.2)."]


def test_dl7_the_bureau_does_not_deviate():
    assert check(verdict(), verdict(packages=[1]), kind="bureau") == [
        "Only the examination committee may deviate from the proposal (UH 14.2.1); the bureau hands the case to "
        "the committee (UH 14.5.8)."]


def test_dl8_distinction_rank_follows_the_regulations():
    names = [None, "distinction", "great_distinction", "greatest_distinction", "greatest_distinction_congratulations"]
    assert [ec.distinction_rank(n, D) for n in names] == [0, 1, 2, 3, 4]


# ---------------------------------------------------------------- DL-9


def test_dl9_tolerance_for_a_tolerable_fail_is_recorded():
    assert ec.tolerance_choice_problems("numeric", 9, False, False, False, D) == []
    assert ec.tolerance_choice_problems("numeric", 8, False, False, False, D) == []


def test_dl9_tolerance_choice_is_final():
    assert ec.tolerance_choice_problems("numeric", 9, False, True, False, D)[0].text == (
        "Tolerance is already used for this unit; that choice is final (UH 4.5.1).")
    assert ec.tolerance_choice_withdrawable() is False


def test_dl9_only_8_or_9_not_excluded_not_re_enrolled():
    assert ec.tolerance_choice_problems("numeric", 7, False, False, False, D)
    assert ec.tolerance_choice_problems("numeric", 10, False, False, False, D)
    assert ec.tolerance_choice_problems("absent", None, False, False, False, D)
    assert ec.tolerance_choice_problems("numeric", 9, True, False, False, D)
    assert ec.tolerance_choice_problems("numeric", 9, False, False, True, D)


# ---------------------------------------------------------------- EX-9


def test_ex9_inspection_within_seven_calendar_days_after_the_announcement():
    assert ec.inspection_window(date(2027, 7, 9), C) == (date(2027, 7, 10), date(2027, 7, 16))
