"""IR-1 .. IR-5: the irregularity rules as pure functions (examinations/rules/irregularity.py)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.calendar import belgian_holidays, is_working_day
from config.regulations import PXL_2018_2019, UHASSELT_2026_2027
from examinations.models import IrregularityStatus, SanctionKind
from examinations.rules import irregularity as ir

IR = UHASSELT_2026_2027.irregularity
BE = belgian_holidays(2026, 2028)
NONE = frozenset()


# ---------------------------------------------------------------- the regulations and the model agree


def test_the_preset_carries_the_limits_of_uh_18():
    assert (IR.report_working_days, IR.letter_days, IR.rector_letter_days, IR.appeal_days) == (5, 5, 10, 7)


def test_a_preset_without_the_procedure_refuses_rather_than_inventing_limits():
    with pytest.raises(ir.NoIrregularityRules, match="no irregularity procedure"):
        ir.require_irregularity_rules(PXL_2018_2019)
    assert ir.require_irregularity_rules(UHASSELT_2026_2027) is IR


def test_the_rules_know_exactly_the_states_and_sanctions_of_the_model():
    assert set(ir.STATES) == set(IrregularityStatus.values)
    assert set(ir.SANCTIONS) == set(SanctionKind.values)


# ---------------------------------------------------------------- IR-1: the report limit


def test_ir1_five_working_days_within_one_week():
    # Monday 2027-01-11 -> Monday 2027-01-18 (the weekend is no working day)
    assert ir.report_deadline(date(2027, 1, 11), BE, IR) == date(2027, 1, 18)


def test_ir1_a_weekend_is_skipped():
    # Thursday 2027-01-28: Fri 29, Mon 1, Tue 2, Wed 3, Thu 4 February
    assert ir.report_deadline(date(2027, 1, 28), BE, IR) == date(2027, 2, 4)


def test_ir1_discovered_on_a_saturday_counts_from_monday():
    assert ir.report_deadline(date(2027, 1, 30), BE, IR) == date(2027, 2, 5)


def test_ir1_easter_monday_is_no_working_day():
    # Wednesday 2027-03-24: Thu 25, Fri 26, (Mon 29 Easter Monday), Tue 30, Wed 31, Thu 1 April
    assert ir.report_deadline(date(2027, 3, 24), BE, IR) == date(2027, 4, 1)
    assert ir.report_deadline(date(2027, 3, 24), NONE, IR) == date(2027, 3, 31)


def test_ir1_ascension_and_whit_monday_in_the_june_exams():
    # Tuesday 2027-05-04: Wed 5, (Thu 6 Ascension), Fri 7, Mon 10, Tue 11, Wed 12
    assert ir.report_deadline(date(2027, 5, 4), BE, IR) == date(2027, 5, 12)
    # Thursday 2027-05-13: Fri 14, (Mon 17 Whit Monday), Tue 18, Wed 19, Thu 20, Fri 21
    assert ir.report_deadline(date(2027, 5, 13), BE, IR) == date(2027, 5, 21)


def test_ir1_new_year_between_christmas_and_the_january_exams():
    # Thursday 2026-12-24: (Fri 25 Christmas), Mon 28, Tue 29, Wed 30, Thu 31, (Fri 1 New Year), Mon 4 January
    assert ir.report_deadline(date(2026, 12, 24), BE, IR) == date(2027, 1, 4)


def test_ir1_a_report_on_the_last_day_is_in_time_one_day_later_is_late():
    assert not ir.report_late(date(2027, 1, 28), date(2027, 2, 4), BE, IR)
    assert ir.report_late(date(2027, 1, 28), date(2027, 2, 5), BE, IR)
    assert not ir.report_late(date(2027, 1, 28), date(2027, 1, 28), BE, IR)


def test_ir1_a_late_report_is_flagged_not_refused():
    # report_late answers a question; nothing in the rules raises for a late report
    assert ir.report_late(date(2027, 1, 4), date(2027, 3, 1), BE, IR) is True


@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 1)))
def test_ir1_the_limit_is_the_fifth_working_day_after_the_discovery_over_a_whole_year(discovered):
    due = ir.report_deadline(discovered, BE, IR)
    assert is_working_day(due, BE)
    between = [discovered + timedelta(days=i) for i in range(1, (due - discovered).days + 1)]
    assert sum(is_working_day(d, BE) for d in between) == 5
    assert 5 <= (due - discovered).days <= 12


def test_ir1_dates_of_the_procedure_keep_their_order():
    assert ir.date_order_problem("the discovery", date(2027, 1, 5), "The report", date(2027, 1, 4)) == (
        "The report (2027-01-04) cannot be before the discovery (2027-01-05).")
    assert ir.date_order_problem("the discovery", date(2027, 1, 5), "the report", date(2027, 1, 5)) is None
    assert ir.date_order_problem("the discovery", None, "the report", date(2027, 1, 5)) is None


# ---------------------------------------------------------------- the state machine

PATH = [ir.REPORTED, ir.INFORMED, ir.HEARING_PLANNED, ir.HEARD, ir.DECIDED, ir.NOTIFIED]


def test_the_procedure_runs_in_order():
    for current, target in zip(PATH, PATH[1:], strict=False):
        assert ir.next_state(current, target) == target
    assert ir.next_state(ir.DECIDED, ir.REFERRED) == ir.REFERRED
    assert ir.next_state(ir.REFERRED, ir.NOTIFIED) == ir.NOTIFIED


def test_ir2_a_planned_hearing_may_be_planned_again():
    assert ir.next_state(ir.HEARING_PLANNED, ir.HEARING_PLANNED) == ir.HEARING_PLANNED


@pytest.mark.parametrize("current,target", [
    (ir.REPORTED, ir.HEARING_PLANNED),  # the ombudsperson and the student are informed first
    (ir.REPORTED, ir.DECIDED),
    (ir.INFORMED, ir.HEARD),  # a hearing is planned before it is held
    (ir.HEARING_PLANNED, ir.DECIDED),  # no decision without the hearing
    (ir.HEARD, ir.NOTIFIED),  # no letter without the decision
    (ir.HEARD, ir.REFERRED),
    (ir.DECIDED, ir.HEARD),  # no way back
    (ir.REFERRED, ir.DECIDED),
    (ir.NOTIFIED, ir.REFERRED),  # nothing after the letter
    (ir.NOTIFIED, ir.NOTIFIED),
    (ir.REPORTED, ir.REPORTED),
    ("unknown", ir.INFORMED),
])
def test_illegal_transitions_raise(current, target):
    with pytest.raises(ir.IllegalTransition, match="cannot become"):
        ir.next_state(current, target)


def test_every_pair_of_states_is_either_a_transition_or_refused():
    for current in ir.STATES:
        for target in ir.STATES:
            if target in ir.TRANSITIONS[current]:
                assert ir.next_state(current, target) == target
            else:
                with pytest.raises(ir.IllegalTransition):
                    ir.next_state(current, target)


def test_actions_follow_the_state():
    every = {ir.ADMIN, ir.CHAIR, ir.VICE_CHAIR, ir.SECRETARY}
    assert ir.allowed_actions(ir.REPORTED, None, every) == (ir.INFORM, ir.REPLACE)
    assert ir.allowed_actions(ir.INFORMED, None, every) == (ir.REPLACE, ir.PLAN_HEARING)
    assert ir.allowed_actions(ir.HEARING_PLANNED, None, every) == (ir.REPLACE, ir.PLAN_HEARING, ir.RECORD_HEARING)
    assert ir.allowed_actions(ir.HEARD, None, every) == (ir.REPLACE, ir.DECIDE)
    assert ir.allowed_actions(ir.DECIDED, True, every) == (ir.SANCTION, ir.REFER, ir.SEND_LETTER)
    assert ir.allowed_actions(ir.REFERRED, True, every) == (ir.SEND_LETTER,)
    assert ir.allowed_actions(ir.NOTIFIED, True, every) == ()


def test_ir3_no_irregularity_means_no_sanction_and_no_rector():
    every = {ir.ADMIN, ir.CHAIR, ir.VICE_CHAIR, ir.SECRETARY}
    assert ir.allowed_actions(ir.DECIDED, False, every) == (ir.SEND_LETTER,)


def test_actions_follow_the_capacity():
    assert ir.allowed_actions(ir.HEARD, None, {ir.ADMIN}) == (ir.REPLACE,)
    assert ir.allowed_actions(ir.HEARD, None, {ir.CHAIR}) == (ir.DECIDE,)
    assert ir.allowed_actions(ir.HEARING_PLANNED, None, {ir.ADMIN}) == (ir.REPLACE, ir.PLAN_HEARING)
    assert ir.allowed_actions(ir.DECIDED, True, {ir.VICE_CHAIR}) == (ir.SANCTION, ir.REFER)
    for reader in (ir.MEMBER, ir.OMBUDSPERSON):
        for status in ir.STATES:
            assert ir.allowed_actions(status, True, {reader}) == ()


# ---------------------------------------------------------------- capacities and IR-3 replacement


def test_capacities_from_the_seats():
    assert ir.capacities(1, administration=True, seat_roles=()) == {ir.ADMIN}
    assert ir.capacities(1, administration=False, seat_roles={"chair"}) == {ir.CHAIR}
    assert ir.capacities(1, administration=False, seat_roles={"vice_chair"}) == {ir.VICE_CHAIR}
    assert ir.capacities(1, administration=False, seat_roles={"secretary"}) == {ir.SECRETARY}
    assert ir.capacities(1, administration=False, seat_roles={"member"}) == {ir.MEMBER}
    assert ir.capacities(1, administration=False, seat_roles={"ombudsperson"}) == {ir.OMBUDSPERSON}
    assert ir.capacities(1, administration=False, seat_roles=()) == frozenset()


def test_ir3_a_chair_who_is_a_party_acts_no_more_and_the_vice_chair_presides():
    assert ir.capacities(1, administration=False, seat_roles={"chair"}, chair_is_party=True,
                         acting_chair_id=2, acting_vice_chair_id=3) == {ir.MEMBER}
    assert ir.capacities(2, administration=False, seat_roles={"vice_chair"}, chair_is_party=True,
                         acting_chair_id=2, acting_vice_chair_id=3) == {ir.CHAIR, ir.MEMBER}
    assert ir.capacities(3, administration=False, seat_roles={"member"}, chair_is_party=True,
                         acting_chair_id=2, acting_vice_chair_id=3) == {ir.VICE_CHAIR, ir.MEMBER}


def test_ir3_a_vice_chair_who_is_a_party_acts_no_more():
    assert ir.capacities(2, administration=False, seat_roles={"vice_chair"}, vice_chair_is_party=True,
                         acting_vice_chair_id=3) == {ir.MEMBER}
    assert ir.capacities(1, administration=False, seat_roles={"chair"}, vice_chair_is_party=True,
                         acting_vice_chair_id=3) == {ir.CHAIR}


def test_ir3_neither_is_a_party_the_bureau_sits_as_it_is():
    assert ir.who_sits(1, 2, chair_is_party=False, vice_chair_is_party=False) == ir.Bureau(1, 2)


def test_ir3_the_chair_is_a_party_the_vice_chair_replaces_her_and_a_member_completes_the_bureau():
    bureau = ir.who_sits(1, 2, chair_is_party=True, vice_chair_is_party=False, substitute_id=5,
                         eligible_ids={1, 2, 4, 5})
    assert bureau == ir.Bureau(2, 5, stands_aside=frozenset({1}))


def test_ir3_the_vice_chair_is_a_party_a_member_replaces_him():
    bureau = ir.who_sits(1, 2, chair_is_party=False, vice_chair_is_party=True, substitute_id=4,
                         eligible_ids={1, 2, 4, 5})
    assert bureau == ir.Bureau(1, 4, stands_aside=frozenset({2}))


def test_ir3_both_are_parties_the_committee_decides_without_them():
    bureau = ir.who_sits(1, 2, chair_is_party=True, vice_chair_is_party=True, substitute_id=4, eligible_ids={4})
    assert bureau == ir.Bureau(None, None, by_committee=True, stands_aside=frozenset({1, 2}))


@pytest.mark.parametrize("substitute,message", [
    (None, "Name the committee member"),
    (1, "neither its chair nor its vice chair"),
    (2, "neither its chair nor its vice chair"),
    (9, "voting member"),  # not on the committee, or its ombudsperson
])
def test_ir3_the_substitute_is_another_voting_member(substitute, message):
    with pytest.raises(ir.Refused, match=message):
        ir.who_sits(1, 2, chair_is_party=False, vice_chair_is_party=True, substitute_id=substitute,
                    eligible_ids={1, 2, 4, 5})


def test_ir3_a_chair_who_is_a_party_without_a_vice_chair_on_record_is_refused():
    with pytest.raises(ir.Refused, match="no vice chair"):
        ir.who_sits(1, None, chair_is_party=True, vice_chair_is_party=False, substitute_id=4, eligible_ids={4})


# ---------------------------------------------------------------- IR-2, IR-3: hearing and decision


def test_ir2_the_planning_needs_an_ombudsperson_on_the_committee():
    assert ir.hearing_planning_problems(True) == []
    assert "presence of the ombudsperson" in ir.hearing_planning_problems(False)[0]


def test_ir2_no_hearing_without_the_ombudsperson_and_the_chair_writes_the_report():
    assert ir.hearing_problems(True, "Heard the student and the invigilator.") == []
    problems = ir.hearing_problems(False, " ")
    assert "presence of the ombudsperson" in problems[0] and "plan the hearing again" in problems[0]
    assert "report of the hearing" in problems[1]


def test_ir3_the_decision_is_yes_or_no_with_reasons():
    assert ir.decision_problems(True, "Notes found in the pencil case.") == []
    assert ir.decision_problems(False, "No evidence.") == []
    assert len(ir.decision_problems(None, "")) == 2
    assert ir.decision_problems(True, "  ") == ["The decision needs its reasons (UH 18.3.2)."]


def test_ir3_no_irregularity_the_student_may_retake():
    assert ir.retake_allowed(False) is True
    assert ir.retake_allowed(True) is False
    assert ir.retake_allowed(None) is False


# ---------------------------------------------------------------- IR-4: sanctions


def m(value, rid=None):
    if isinstance(value, int):
        return ir.Mark("numeric", value, rid)
    return ir.Mark(value, None, rid)


def units():
    """A first-year student: INF101 (JAN) 12, INF102 (JAN) 7, INF103 (JUN) 14, INF104 (JAN, pass/fail) pass,
    INF105 (JUN) no result yet, INF106 (JAN) justified absence, INF107 (JAN) unauthorised absence."""
    return [
        ir.UnitResults(1, "INF101", True, "JAN", 2, m(12, 11)),
        ir.UnitResults(2, "INF102", True, "JAN", 2, m(7, 12)),
        ir.UnitResults(3, "INF103", True, "JUN", 2, m(14, 13)),
        ir.UnitResults(4, "INF104", False, "JAN", 2, m("pass", 14)),
        ir.UnitResults(5, "INF105", True, "JUN", 2, None),
        ir.UnitResults(6, "INF106", True, "JAN", 2, m("absent_justified", 16)),
        ir.UnitResults(7, "INF107", True, "JAN", 1, m("absent", 17)),
    ]


def spec(kind, unit="INF101", period="JAN", opportunity=1, **kw):
    return ir.SanctionSpec(kind, unit, period, opportunity, second_period="SEP", **kw)


def values(new):
    return {(n.unit, n.opportunity): (n.outcome, n.grade) for n in new}


def test_ir4_adjusted_grade_replaces_the_grade_of_that_exam():
    new = ir.apply_sanction(spec(ir.ADJUSTED_GRADE, adjusted_grade=8), units())
    assert values(new) == {("INF101", 1): ("numeric", 8)}
    (n,) = new
    assert n.before == m(12, 11) and n.period == "JAN" and n.line_id == 1
    assert n.reason.startswith("Irregularity sanction (UH 18.3.1)")


def test_ir4_adjusted_grade_is_a_sanction_never_above_the_grade():
    with pytest.raises(ir.Refused, match="cannot be above"):
        ir.apply_sanction(spec(ir.ADJUSTED_GRADE, adjusted_grade=13), units())
    assert ir.apply_sanction(spec(ir.ADJUSTED_GRADE, adjusted_grade=12), units()) == ()  # same value: no-op


@pytest.mark.parametrize("grade", [None, -1, 21])
def test_ir4_adjusted_grade_is_a_grade(grade):
    with pytest.raises(ir.Refused, match="0 to 20"):
        ir.apply_sanction(spec(ir.ADJUSTED_GRADE, adjusted_grade=grade), units())


def test_ir4_adjusted_grade_on_a_pass_fail_unit_is_refused():
    with pytest.raises(ir.Refused, match="pass/fail"):
        ir.apply_sanction(spec(ir.ADJUSTED_GRADE, unit="INF104", adjusted_grade=5), units())


def test_ir4_adjusted_grade_for_an_exam_without_a_result_yet_creates_it():
    new = ir.apply_sanction(spec(ir.ADJUSTED_GRADE, unit="INF105", period="JUN", adjusted_grade=6), units())
    assert values(new) == {("INF105", 1): ("numeric", 6)} and new[0].before is None


def test_ir4_zero_for_the_exam():
    assert values(ir.apply_sanction(spec(ir.ZERO), units())) == {("INF101", 1): ("numeric", 0)}


def test_ir4_zero_on_a_pass_fail_unit_is_a_fail():
    assert values(ir.apply_sanction(spec(ir.ZERO, unit="INF104"), units())) == {("INF104", 1): ("fail", None)}


def test_ir4_zero_in_the_second_opportunity_touches_the_second_result():
    us = units()
    us[1] = ir.UnitResults(2, "INF102", True, "JAN", 2, m(7, 12), m(11, 21))
    new = ir.apply_sanction(spec(ir.ZERO, unit="INF102", period="SEP", opportunity=2), us)
    assert values(new) == {("INF102", 2): ("numeric", 0)} and new[0].period == "SEP"
    assert new[0].before == m(11, 21)


def test_ir4_a_unit_outside_the_programme_is_refused():
    with pytest.raises(ir.Refused, match="not in the student's programme"):
        ir.apply_sanction(spec(ir.ZERO, unit="MAT101"), units())


def test_ir4_first_mark_disregarded_when_the_irregularity_is_in_the_second():
    us = units()
    us[0] = ir.UnitResults(1, "INF101", True, "JAN", 2, m(12, 11), m(9, 21))
    new = ir.apply_sanction(spec(ir.FIRST_DISREGARDED, period="SEP", opportunity=2), us)
    # the first-opportunity 12 becomes a fail, so the final result is the second one (9) though lower (EX-5)
    assert values(new) == {("INF101", 1): ("fail", None)} and new[0].period == "JAN"
    from examinations.rules.deliberation import Attempt, final_result
    assert final_result([Attempt(1, "fail"), Attempt(2, "numeric", 9)]) == Attempt(2, "numeric", 9)


def test_ir4_first_mark_disregarded_only_for_the_second_opportunity():
    with pytest.raises(ir.Refused, match="second opportunity"):
        ir.apply_sanction(spec(ir.FIRST_DISREGARDED), units())


def test_ir4_no_grades_for_the_period_every_graded_result_of_the_period_becomes_fail():
    new = ir.apply_sanction(spec(ir.NO_GRADES_FOR_PERIOD), units())
    # JAN: INF101 12, INF102 7, INF104 pass -> fail; the absences (INF106 AJ, INF107 A) stay; JUN untouched
    assert values(new) == {("INF101", 1): ("fail", None), ("INF102", 1): ("fail", None),
                           ("INF104", 1): ("fail", None)}


def test_ir4_no_grades_reads_as_fail_not_zero_so_the_percentage_of_the_other_units_is_spared():
    from examinations.rules.deliberation import Attempt, UnitOutcome, weighted_percentage
    new = ir.apply_sanction(spec(ir.NO_GRADES_FOR_PERIOD), units())
    after = [UnitOutcome(n.unit, 6, result=Attempt(1, n.outcome, n.grade)) for n in new]
    other = UnitOutcome("INF103", 6, result=Attempt(1, "numeric", 14))
    assert weighted_percentage([*after, other]) == 70  # a 0 would have made it 23


def test_ir4_no_grades_for_a_period_not_yet_graded_counts_the_opportunity_as_taken():
    new = ir.apply_sanction(spec(ir.NO_GRADES_FOR_PERIOD, unit="INF103", period="JUN"), units())
    assert values(new) == {("INF103", 1): ("fail", None), ("INF105", 1): ("fail", None)}
    assert [n.before for n in new] == [m(14, 13), None]


def test_ir4_no_grades_in_a_first_opportunity_may_retain_grades():
    new = ir.apply_sanction(spec(ir.NO_GRADES_FOR_PERIOD, retained=frozenset({"INF104"})), units())
    assert values(new) == {("INF101", 1): ("fail", None), ("INF102", 1): ("fail", None)}


def test_ir4_no_grades_in_a_second_opportunity_retains_nothing():
    us = units()
    us[0] = ir.UnitResults(1, "INF101", True, "JAN", 2, m(12, 11), m(13, 21))
    us[1] = ir.UnitResults(2, "INF102", True, "JAN", 2, m(7, 12), m(11, 22))
    with pytest.raises(ir.Refused, match="only in a first exam opportunity"):
        ir.apply_sanction(spec(ir.NO_GRADES_FOR_PERIOD, period="SEP", opportunity=2,
                               retained=frozenset({"INF101"})), us)
    new = ir.apply_sanction(spec(ir.NO_GRADES_FOR_PERIOD, period="SEP", opportunity=2), us)
    # only what was taken in that second opportunity; the first-opportunity results are not touched
    assert values(new) == {("INF101", 2): ("fail", None), ("INF102", 2): ("fail", None)}


def test_ir4_retained_units_must_be_in_the_programme():
    with pytest.raises(ir.Refused, match="Not in the student's programme"):
        ir.apply_sanction(spec(ir.NO_GRADES_FOR_PERIOD, retained=frozenset({"MAT101"})), units())


def test_ir4_retention_only_with_the_period_sanctions():
    with pytest.raises(ir.Refused, match="retained only"):
        ir.apply_sanction(spec(ir.ZERO, retained=frozenset({"INF104"})), units())


def test_ir4_annulment_of_the_first_opportunity_covers_the_whole_year_and_excludes_from_what_is_left():
    new = ir.apply_sanction(spec(ir.FIRST_ANNULLED, retained=frozenset({"INF103"})), units())
    assert values(new) == {
        ("INF101", 1): ("fail", None), ("INF102", 1): ("fail", None), ("INF104", 1): ("fail", None),
        ("INF105", 1): ("fail", None),  # not yet examined: excluded from its first opportunity
        ("INF106", 1): ("fail", None),  # a justified absence: no catch-up within the annulled opportunity
    }  # INF103 retained; INF107 (A) stays A
    assert {n.period for n in new if n.unit == "INF105"} == {"JUN"}


def test_ir4_annulment_concerns_a_first_opportunity():
    with pytest.raises(ir.Refused, match="first exam opportunity"):
        ir.apply_sanction(spec(ir.FIRST_ANNULLED, period="SEP", opportunity=2), units())


def test_ir4_exclusion_from_the_second_opportunity_for_the_units_concerned_without_a_certificate():
    after_zero = units()
    after_zero[0] = ir.UnitResults(1, "INF101", True, "JAN", 2, m(0, 31))
    new = ir.apply_sanction(spec(ir.EXCLUDED_SECOND, concerned=frozenset({"INF101"})), after_zero)
    assert values(new) == {("INF101", 2): ("fail", None)} and new[0].period == "SEP" and new[0].before is None


def test_ir4_exclusion_leaves_passed_units_one_opportunity_units_and_results_already_obtained():
    us = units()
    us[1] = ir.UnitResults(2, "INF102", True, "JAN", 2, m(7, 12), m(12, 22))  # second already taken
    concerned = frozenset({"INF101", "INF102", "INF103", "INF104", "INF107"})
    # INF101 12, INF103 14, INF104 pass: certificates; INF107 has one opportunity (EX-1)
    assert ir.apply_sanction(spec(ir.EXCLUDED_SECOND, concerned=concerned), us) == ()


def test_ir4_exclusion_comes_in_addition_and_after_a_first_opportunity():
    with pytest.raises(ir.Refused, match="in addition"):
        ir.apply_sanction(spec(ir.EXCLUDED_SECOND), units())
    with pytest.raises(ir.Refused, match="follows an irregularity in the first"):
        ir.apply_sanction(spec(ir.EXCLUDED_SECOND, period="SEP", opportunity=2, concerned=frozenset({"INF101"})),
                          units())


def test_ir4_unknown_sanction():
    with pytest.raises(ir.Refused, match="Unknown"):
        ir.apply_sanction(spec("expulsion"), units())


def test_ir4_one_sanction_and_in_addition_the_exclusion():
    assert ir.combination_problem([], ir.ZERO) is None
    assert "one of the sanctions" in ir.combination_problem([ir.ZERO], ir.NO_GRADES_FOR_PERIOD)
    assert "in addition" in ir.combination_problem([], ir.EXCLUDED_SECOND)
    assert ir.combination_problem([ir.ZERO], ir.EXCLUDED_SECOND) is None
    assert "already excluded" in ir.combination_problem([ir.ZERO, ir.EXCLUDED_SECOND], ir.EXCLUDED_SECOND)
    assert "Unknown" in ir.combination_problem([], "expulsion")


# ---------------------------------------------------------------- IR-5: the letter, the rector, the appeal


def test_ir5_the_reasoned_decision_within_five_calendar_days():
    assert ir.letter_deadline(date(2027, 2, 10), False, IR) == date(2027, 2, 15)  # a Monday
    assert ir.letter_deadline(date(2027, 2, 11), False, IR) == date(2027, 2, 16)


def test_ir5_the_rectors_decision_within_ten_calendar_days():
    assert ir.letter_deadline(date(2027, 2, 10), True, IR) == date(2027, 2, 20)  # a Saturday: calendar days


def test_ir5_the_internal_appeal_runs_seven_days_from_the_day_after_the_notification():
    assert ir.appeal_deadline(date(2027, 2, 10), BE, IR) == date(2027, 2, 17)


def test_ir5_an_appeal_window_ending_on_a_weekend_or_holiday_extends_to_the_next_working_day():
    assert ir.appeal_deadline(date(2027, 2, 13), BE, IR) == date(2027, 2, 22)  # Sat 20 -> Mon 22
    assert ir.appeal_deadline(date(2027, 3, 22), BE, IR) == date(2027, 3, 30)  # Mon 29 Easter Monday -> Tue 30


def test_ir5_deadline_states():
    due = date(2027, 2, 15)
    assert ir.deadline_state(due, date(2027, 2, 15), date(2027, 3, 1)) == ir.MET
    assert ir.deadline_state(due, date(2027, 2, 16), date(2027, 3, 1)) == ir.LATE
    assert ir.deadline_state(due, None, date(2027, 2, 15)) == ir.OPEN
    assert ir.deadline_state(due, None, date(2027, 2, 16)) == ir.OVERDUE


def test_the_deadlines_of_a_file():
    common = dict(discovered_on=date(2027, 1, 28), reported_on=date(2027, 2, 5), holidays=BE, ir=IR)
    (report,) = ir.deadlines(decided_on=None, referred_to_rector=False, letter_sent_on=None,
                             today=date(2027, 2, 8), **common)
    assert (report.rule, report.due, report.state) == ("IR-1", date(2027, 2, 4), ir.LATE)
    report, letter = ir.deadlines(decided_on=date(2027, 2, 20), referred_to_rector=False, letter_sent_on=None,
                                  today=date(2027, 2, 26), **common)
    assert (letter.rule, letter.article, letter.due, letter.state) == ("IR-5", "UH 18.3.2", date(2027, 2, 25),
                                                                       ir.OVERDUE)
    report, letter, appeal = ir.deadlines(decided_on=date(2027, 2, 20), referred_to_rector=True,
                                          letter_sent_on=date(2027, 2, 26), today=date(2027, 3, 1), **common)
    assert (letter.article, letter.due, letter.state) == ("UH 18.3.3", date(2027, 3, 2), ir.MET)
    assert (appeal.due, appeal.state) == (date(2027, 3, 5), ir.OPEN)
    *_, appeal = ir.deadlines(decided_on=date(2027, 2, 20), referred_to_rector=True,
                              letter_sent_on=date(2027, 2, 26), today=date(2027, 3, 6), **common)
    assert appeal.state == ir.CLOSED


def test_ir4_the_units_a_main_sanction_concerns():
    us = units()
    for kind in (ir.ADJUSTED_GRADE, ir.ZERO, ir.FIRST_DISREGARDED):
        assert ir.units_concerned(kind, "INF101", "JAN", 1, frozenset(), us) == {"INF101"}
    assert ir.units_concerned(ir.NO_GRADES_FOR_PERIOD, "INF101", "JAN", 1, frozenset({"INF104"}), us) == {
        "INF101", "INF102", "INF106", "INF107"}
    assert ir.units_concerned(ir.FIRST_ANNULLED, "INF101", "JAN", 1, frozenset({"INF103"}), us) == {
        "INF101", "INF102", "INF104", "INF105", "INF106", "INF107"}
    us[0] = ir.UnitResults(1, "INF101", True, "JAN", 2, m(12, 11), m(13, 21))
    assert ir.units_concerned(ir.NO_GRADES_FOR_PERIOD, "INF101", "SEP", 2, frozenset(), us) == {"INF101"}
    assert ir.units_concerned(ir.EXCLUDED_SECOND, "INF101", "JAN", 1, frozenset(), us) == frozenset()
