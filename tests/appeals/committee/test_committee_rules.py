"""The appeals committee's rules (AP-5 .. AP-8, UH 19.1, 19.4) as pure functions: appeals/rules.py."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appeals import rules
from appeals.rules import CommitteeFinding, PoolSeat
from config.calendar import belgian_holidays, is_working_day
from config.regulations import UHASSELT_2026_2027

R = UHASSELT_2026_2027.appeals_committee
BE = belgian_holidays(2026, 2028)
TERM = date(2026, 10, 1)


def seat(n, role="member", since=TERM, until=None, external=False, born_on=date(1970, 1, 1), person=None,
         name=None):
    return PoolSeat(seat_id=n, person_id=person or n, name=name or f"M{n}", role=role, since=since, until=until,
                    external=external, born_on=born_on)


def chair(n=100, **kw):
    kw.setdefault("external", True)
    return seat(n, role="chair", name=kw.pop("name", "Chair"), **kw)


def secretary(n=200):
    return seat(n, role="secretary", name="Secretary", born_on=None)


def full_pool(members=18):
    return [chair(), secretary(), *[seat(i) for i in range(1, members + 1)]]


def blocking(problems):
    return [p.text for p in problems if p.blocking]


def warnings(problems):
    return [p.text for p in problems if not p.blocking]


# ---------------------------------------------------------------- AP-5: the pool


def test_ap5_a_full_pool_of_18_an_external_chair_and_a_secretary_has_no_problem():
    assert rules.ap5_pool_problems(full_pool(18), TERM, R) == []


def test_ap5_a_nineteenth_voting_member_is_refused_with_the_day():
    problems = rules.ap5_pool_problems(full_pool(19), TERM, R)
    assert blocking(problems) == ["On 2026-10-01 the pool would have 19 voting members besides the chair; it has at "
                                  "most 18 (UH 19.1.2)."]


def test_ap5_a_member_whose_term_ended_makes_room_for_the_next():
    pool = full_pool(18)
    pool[2] = seat(1, until=date(2027, 1, 31))
    assert rules.ap5_new_seat_problems(pool, seat(19, since=date(2027, 2, 1)), R) == []
    assert blocking(rules.ap5_new_seat_problems(pool, seat(19, since=date(2027, 1, 31)), R))


def test_ap5_the_chair_is_an_external_legal_expert():
    problems = rules.ap5_pool_problems([chair(external=False, name="Jan"), secretary(), seat(1), seat(2)], TERM, R)
    assert blocking(problems) == ["Jan chairs the committee but is not recorded as an external legal expert: the "
                                  "chair is one (UH 19.1.2)."]


def test_ap5_two_chairs_at_once_are_refused_but_a_successor_is_not():
    old = chair(100, until=date(2027, 9, 30), name="Old")
    assert rules.ap5_new_seat_problems([old], chair(101, since=date(2027, 10, 1), name="New"), R) == []
    found = rules.ap5_new_seat_problems([old], chair(101, since=date(2027, 9, 1), name="New"), R)
    assert [p.text for p in found] == ["Old and New would both chair the committee from 2027-09-01; it has one chair "
                                       "(UH 19.1.2)."]


def test_ap5_one_person_one_seat():
    found = rules.ap5_new_seat_problems([seat(1, name="Eva")], seat(2, person=1, role="secretary", name="Eva"), R)
    assert "Eva would hold two seats in the pool at once" in found[0].text


def test_ap5_a_term_that_ends_before_it_starts():
    found = rules.ap5_new_seat_problems([], seat(1, since=date(2027, 1, 1), until=date(2026, 12, 31), name="Eva"), R)
    assert [p.text for p in found] == ["The term of Eva ends on 2026-12-31, before it starts on 2027-01-01."]


def test_ap5_an_incomplete_pool_warns_and_never_blocks_a_new_seat():
    problems = rules.ap5_pool_problems([seat(1, born_on=None, name="Eva")], TERM, R)
    assert blocking(problems) == []
    assert warnings(problems) == [
        "On 2026-10-01 the committee has no chair: the oldest sitting member deputises at every session (UH 19.1.2).",
        "On 2026-10-01 the committee has no secretary to keep its files (UH 19.1.2, 19.4.1).",
        "On 2026-10-01 the pool has 1 voting members besides the chair; a session needs at least 2 (UH 19.1.2).",
        "The date of birth of Eva is not recorded: the oldest sitting member deputises for an absent chair "
        "(UH 19.1.2).",
    ]
    assert rules.ap5_new_seat_problems([], seat(1), R) == []


def test_ap5_involvement_from_the_examination_committee_and_a_tie():
    pool = [chair(), seat(1, name="Eva"), seat(2, name="Piet"), seat(3)]
    found = rules.ap5_involvements(pool, {1: "BA-INF"}, {2})
    assert [(i.seat_id, i.kind) for i in found] == [(1, "exam_committee"), (2, "tie")]
    assert found[0].text == "Eva sat on the examination committee of BA-INF that took the contested decision."


def test_ap5_excluded_and_ended_members_do_not_sit():
    pool = [chair(), secretary(), seat(1), seat(2, until=date(2026, 12, 31)), seat(3)]
    sitting = rules.ap5_sitting(pool, date(2027, 2, 1), excluded_seat_ids={3})
    assert [s.seat_id for s in sitting] == [100, 200, 1]


# ---------------------------------------------------------------- AP-5: presiding and quorum


def test_ap5_quorum_is_the_chair_and_two_voting_members():
    check = rules.ap5_session_check([chair(), seat(1), seat(2)], R)
    assert check.holds and check.presiding.seat_id == 100 and not check.deputy and check.voting_present == 2


def test_ap5_the_chair_and_one_member_are_no_quorum():
    check = rules.ap5_session_check([chair(), seat(1)], R)
    assert not check.holds
    assert blocking(check.problems) == ["1 voting members are present besides the one presiding; the committee "
                                        "deliberates validly with at least 2 (UH 19.1.2)."]


def test_ap5_the_secretary_does_not_count():
    assert not rules.ap5_session_check([chair(), seat(1), secretary()], R).holds


def test_ap5_the_oldest_sitting_member_deputises_for_an_absent_chair():
    present = [seat(1, born_on=date(1970, 5, 1)), seat(2, born_on=date(1961, 2, 3), name="Oldest"),
               seat(3, born_on=date(1980, 1, 1))]
    check = rules.ap5_session_check(present, R)
    assert check.holds and check.deputy and check.presiding.name == "Oldest" and check.voting_present == 2


def test_ap5_a_deputy_and_one_member_are_no_quorum():
    assert not rules.ap5_session_check([seat(1, born_on=date(1960, 1, 1)), seat(2)], R).holds


def test_ap5_an_unknown_date_of_birth_leaves_the_deputy_unknown():
    check = rules.ap5_session_check([seat(1), seat(2, born_on=None, name="Piet"), seat(3)], R)
    assert not check.holds and check.presiding is None
    assert "the date of birth of Piet is not recorded" in blocking(check.problems)[0]


def test_ap5_equal_dates_of_birth_go_to_the_longest_serving():
    present = [seat(1, since=date(2026, 1, 1), name="Later"), seat(2, since=date(2022, 1, 1), name="Earlier"),
               seat(3, born_on=date(1990, 1, 1))]
    check = rules.ap5_session_check(present, R)
    assert check.presiding.name == "Earlier" and check.holds
    assert warnings(check.problems) == ["Earlier and Later share the oldest date of birth; Earlier, the "
                                        "longest-serving, deputises."]


# ---------------------------------------------------------------- AP-6: invitation, representation, absence


BRUSSELS = ZoneInfo("Europe/Brussels")
HEARING = datetime(2027, 2, 20, 10, 0, tzinfo=BRUSSELS)


def test_ap6_an_invitation_exactly_24_hours_before_is_in_time():
    assert rules.ap6_invitation_problem(HEARING - timedelta(hours=24), HEARING, R) is None
    assert rules.ap6_invitation_problem(HEARING - timedelta(days=5), HEARING, R) is None


def test_ap6_a_later_invitation_is_refused_with_the_times_named():
    problem = rules.ap6_invitation_problem(datetime(2027, 2, 19, 14, 30, tzinfo=BRUSSELS), HEARING, R)
    assert problem == ("An invitation sent now (2027-02-19 14:30) comes less than 24 hours before the hearing on "
                       "2027-02-20 10:00 (UH 19.4.2): it should have been sent by 2027-02-19 10:00. Plan the hearing "
                       "on or after 2027-02-20 14:30.")
    assert rules.ap6_invitation_problem(HEARING - timedelta(hours=23, minutes=59), HEARING, R)


def test_ap6_24_hours_are_elapsed_hours_across_the_change_to_summer_time():
    # Clocks go forward on Sunday 28 March 2027 at 02:00: Saturday 10:00 to Sunday 10:00 is 23 hours.
    hearing = datetime(2027, 3, 28, 10, 0, tzinfo=BRUSSELS)
    problem = rules.ap6_invitation_problem(datetime(2027, 3, 27, 10, 0, tzinfo=BRUSSELS), hearing, R)
    assert "it should have been sent by 2027-03-27 09:00" in problem
    assert rules.ap6_invitation_problem(datetime(2027, 3, 27, 9, 0, tzinfo=BRUSSELS), hearing, R) is None


@given(st.integers(min_value=-60 * 72, max_value=60 * 72))
def test_ap6_in_time_exactly_when_24_hours_or_more_remain(minutes):
    sent = HEARING - timedelta(minutes=minutes)
    assert (rules.ap6_invitation_problem(sent, HEARING, R) is None) == (minutes >= 24 * 60)


def test_ap6_a_representative_who_is_not_a_lawyer_needs_written_authority():
    assert rules.ap6_representation_problems(False, "Mother Peeters", lawyer=False, written_authority=False) == [
        "Mother Peeters replaced the student without written authority: a representative who is not a lawyer needs "
        "the student's written authority (UH 19.4.2). Record the authority, or record the student as not "
        "represented."]
    assert rules.ap6_representation_problems(False, "Mother Peeters", lawyer=False, written_authority=True) == []
    assert rules.ap6_representation_problems(False, "Mr. Advocaat", lawyer=True, written_authority=False) == []


def test_ap6_someone_assisting_a_student_who_is_present_needs_no_authority():
    assert rules.ap6_representation_problems(True, "A friend", lawyer=False, written_authority=False) == []


def test_ap6_authority_without_a_representative_asks_for_the_name():
    assert rules.ap6_representation_problems(False, " ", lawyer=True, written_authority=False) == [
        "Name the person who assisted or represented the student."]


def test_ap6_the_committee_may_proceed_when_the_duly_invited_student_does_not_appear():
    note = rules.ap6_absence_finding(hear_student=True, duly_invited=True, student_present=False, represented=False)
    assert isinstance(note, CommitteeFinding) and not note.blocking
    refusal = rules.ap6_absence_finding(True, duly_invited=False, student_present=False, represented=False)
    assert refusal.blocking and "not duly invited" in refusal.text
    assert rules.ap6_absence_finding(True, False, student_present=False, represented=True) is None
    assert rules.ap6_absence_finding(False, False, student_present=False, represented=False) is None


# ---------------------------------------------------------------- AP-7: the vote


F, A, X = rules.VOTE_FOR, rules.VOTE_AGAINST, rules.VOTE_ABSTAIN


def test_ap7_a_simple_majority_of_the_votes_cast_carries():
    result = rules.ap7_vote_result({100: F, 1: F, 2: A}, presiding_id=100)
    assert (result.carried, result.by_casting_vote) == (True, False)
    assert result.text == "2 for, 1 against, 0 abstaining: carried"


def test_ap7_abstentions_are_not_votes_cast():
    result = rules.ap7_vote_result({100: X, 1: F, 2: X, 3: X}, presiding_id=100)
    assert result.carried is True and (result.votes_for, result.abstentions) == (1, 3)
    assert rules.ap7_vote_result({100: A, 1: F, 2: A, 3: X}, presiding_id=100).carried is False


def test_ap7_a_tie_goes_the_way_the_chair_voted():
    result = rules.ap7_vote_result({100: F, 1: A, 2: F, 3: A}, presiding_id=100)
    assert (result.carried, result.by_casting_vote) == (True, True)
    assert result.text == "2 for, 2 against, 0 abstaining: carried by the chair's casting vote"
    assert rules.ap7_vote_result({100: A, 1: F}, presiding_id=100).carried is False


def test_ap7_a_tie_with_the_chair_abstaining_awaits_his_casting_vote():
    ballots = {100: X, 1: F, 2: A}
    pending = rules.ap7_vote_result(ballots, presiding_id=100)
    assert pending.carried is None and "the chair holds the casting vote" in pending.text
    assert rules.ap7_vote_result(ballots, presiding_id=100, casting_vote=A).carried is False
    assert rules.ap7_vote_result(ballots, presiding_id=100, casting_vote=F).carried is True


def test_ap7_the_chairs_casting_vote_is_the_vote_he_cast():
    assert rules.ap7_vote_result({100: F, 1: A}, presiding_id=100, casting_vote=A).carried is True


def test_ap7_a_deputy_presiding_holds_the_casting_vote():
    assert rules.ap7_vote_result({1: A, 2: F, 3: A, 4: F}, presiding_id=4).carried is True


def test_ap7_unknown_votes_are_an_error():
    with pytest.raises(ValueError):
        rules.ap7_vote_result({1: "maybe"}, presiding_id=1)


@given(st.lists(st.sampled_from([F, A, X]), min_size=1, max_size=19), st.sampled_from([F, A, None]))
def test_ap7_majority_decides_and_only_a_tie_needs_the_chair(votes, casting):
    ballots = dict(enumerate(votes))
    result = rules.ap7_vote_result(ballots, presiding_id=0, casting_vote=casting)
    assert result.votes_for + result.votes_against + result.abstentions == len(votes)
    if result.votes_for != result.votes_against:
        assert result.carried == (result.votes_for > result.votes_against) and not result.by_casting_vote
    elif votes[0] in (F, A):
        assert result.carried == (votes[0] == F) and result.by_casting_vote
    else:
        assert result.carried == (None if casting is None else casting == F)


def test_ap7_an_outcome_states_its_reasons_and_a_new_decision_its_content():
    assert rules.ap7_motion_problems("unfounded", " ", result_changes=0, new_decision_text="",
                                     recorded_decision=True) == [
        "State the reasons: the decision is duly justified (UH 19.4.4)."]
    assert rules.ap7_motion_problems("new_decision", "Reasons.", result_changes=0, new_decision_text="",
                                     recorded_decision=True) == [
        "Say what the new study-progress decision is: new results, or the decision in words (UH 19.4.4)."]
    assert rules.ap7_motion_problems("new_decision", "Reasons.", result_changes=1, new_decision_text="",
                                     recorded_decision=True) == []
    assert rules.ap7_motion_problems("new_decision", "Reasons.", result_changes=1, new_decision_text="",
                                     recorded_decision=False)
    assert rules.ap7_motion_problems("unfounded", "Reasons.", result_changes=1, new_decision_text="",
                                     recorded_decision=True)
    assert rules.ap7_motion_problems("upheld", "Reasons.", result_changes=0, new_decision_text="",
                                     recorded_decision=True)


DISTINCTIONS = ("greatest_distinction", "great_distinction", "distinction")


def test_ap7_the_new_decision_follows_the_new_proposal():
    old = {"programme_passed": False, "distinction": "", "packages": [{"package": 1, "passed": False}]}
    proposal = {"programme_passed": True, "distinction": "distinction",
                "packages": [{"package": 1, "passed": True, "weighted_percentage": 71}]}
    new = rules.ap7_new_progress_decision(old, proposal, DISTINCTIONS)
    assert new == {"programme_passed": True, "distinction": "distinction", "weighted_percentage": 71,
                   "packages": [{"package": 1, "passed": True, "proposed": True, "weighted_percentage": 71}],
                   "deviates": False}


def test_ap7_an_appeal_never_takes_away_what_the_committee_granted():
    old = {"programme_passed": True, "distinction": "great_distinction",
           "packages": [{"package": 1, "passed": True}, {"package": 2, "passed": True}]}
    proposal = {"programme_passed": False, "distinction": "distinction",
                "packages": [{"package": 1, "passed": True, "weighted_percentage": 70},
                             {"package": 2, "passed": False, "weighted_percentage": 55}]}
    new = rules.ap7_new_progress_decision(old, proposal, DISTINCTIONS)
    assert new["programme_passed"] is True and new["distinction"] == "great_distinction"
    assert [(p["package"], p["passed"], p["proposed"]) for p in new["packages"]] == [(1, True, True),
                                                                                      (2, True, False)]
    assert new["deviates"] is True and new["weighted_percentage"] is None


# ---------------------------------------------------------------- AP-7 / AP-8: deadlines


def test_ap8_a_later_decision_date_is_announced_before_the_period_expires():
    due = date(2027, 3, 3)
    assert rules.ap8_later_date_problems(date(2027, 3, 3), date(2027, 3, 10), due) == []
    assert rules.ap8_later_date_problems(date(2027, 3, 4), date(2027, 3, 10), due) == [
        "The notice of a later decision date must reach the student before the decision period expires on "
        "2027-03-03 (UH 19.4.7); 2027-03-04 is too late."]
    assert rules.ap8_later_date_problems(date(2027, 3, 1), date(2027, 3, 3), due) == [
        "The later decision date (2027-03-03) must come after the end of the decision period (2027-03-03) "
        "(UH 19.4.7)."]


@pytest.mark.parametrize("notified_on, last_day, why", [
    (date(2027, 3, 1), date(2027, 3, 8), "Monday + 7 = Monday"),
    (date(2027, 3, 6), date(2027, 3, 15), "the seventh day is a Saturday"),
    (date(2027, 3, 7), date(2027, 3, 15), "the seventh day is a Sunday"),
    (date(2027, 3, 22), date(2027, 3, 30), "Easter Monday 29 March 2027"),
    (date(2027, 4, 24), date(2027, 5, 3), "Saturday 1 May, then the weekend"),
    (date(2027, 7, 14), date(2027, 7, 22), "National Day, Wednesday 21 July"),
    (date(2026, 12, 18), date(2026, 12, 28), "Christmas on a Friday, then the weekend"),
])
def test_ap8_the_council_within_seven_days_after_notification(notified_on, last_day, why):
    assert rules.ap8_council_deadline(notified_on, BE, R) == last_day, why


def test_ap8_thirty_days_for_an_equivalence_decision():
    assert rules.ap8_council_deadline(date(2027, 3, 1), BE, R, equivalence=True) == date(2027, 3, 31)
    # Day 30 is Saturday 3 April 2027 -> Monday 5 April (Easter Monday 2027 is 29 March).
    assert rules.ap8_council_deadline(date(2027, 3, 4), BE, R, equivalence=True) == date(2027, 4, 5)


@given(st.dates(min_value=date(2026, 9, 1), max_value=date(2027, 12, 31)), st.booleans())
def test_ap8_the_last_day_is_a_working_day_at_or_after_the_period(notified_on, equivalence):
    days = 30 if equivalence else 7
    last = rules.ap8_council_deadline(notified_on, BE, R, equivalence)
    assert is_working_day(last, BE) and last >= notified_on + timedelta(days=days)
    assert all(not is_working_day(d, BE) for d in (notified_on + timedelta(days=k)
                                                     for k in range(days, (last - notified_on).days)))


def test_ap8_without_a_timely_decision_the_seven_days_run_from_the_expiry():
    assert rules.ap8_council_deadline_without_decision(date(2027, 3, 1), None, BE, R) == date(2027, 3, 8)
    assert rules.ap8_council_deadline_without_decision(date(2027, 3, 1), date(2027, 3, 12), BE, R) == date(
        2027, 3, 19)


def test_ap7_deadlines_met_late_and_the_council_window():
    rows = rules.ap7_deadlines(decide_by=date(2027, 3, 3), later_date=None, later_notice_on=None,
                               notified_on=date(2027, 3, 2), council_by=date(2027, 3, 9), today=date(2027, 3, 5))
    assert [(r.rule, r.state) for r in rows] == [("AP-7", "met"), ("AP-8", "open")]
    rows = rules.ap7_deadlines(decide_by=date(2027, 3, 3), later_date=None, later_notice_on=None, notified_on=None,
                               council_by=None, today=date(2027, 3, 4))
    assert [r.state for r in rows] == ["overdue"]
    rows = rules.ap7_deadlines(decide_by=date(2027, 3, 3), later_date=date(2027, 3, 15),
                               later_notice_on=date(2027, 3, 1), notified_on=date(2027, 3, 16), council_by=None,
                               today=date(2027, 3, 20))
    assert [(r.what, r.state) for r in rows] == [("Notice of a later decision date", "met"),
                                                 ("Decision notified by the announced date", "late")]


def test_ap8_past_the_date_without_a_decision_the_councils_window_is_shown():
    rows = rules.ap7_deadlines(decide_by=date(2027, 3, 3), later_date=None, later_notice_on=None, notified_on=None,
                               council_by=None, today=date(2027, 3, 5), council_without_decision_by=date(2027, 3, 10))
    assert [(r.what, r.due, r.state) for r in rows] == [
        ("Decision notified to the student", date(2027, 3, 3), "overdue"),
        ("Appeal to the Council without a timely decision", date(2027, 3, 10), "open")]
    rows = rules.ap7_deadlines(decide_by=date(2027, 3, 3), later_date=None, later_notice_on=None, notified_on=None,
                               council_by=None, today=date(2027, 3, 3), council_without_decision_by=date(2027, 3, 10))
    assert len(rows) == 1
