"""The intake's pure rules: the appeal's state machine (UH 19.3-19.4), AP-3's checklist outcome, AP-4's pending
conservatory appeal, UH 19.3.4's earlier appeal, AP-7's days left."""

from datetime import date

import pytest

from appeals import rules
from appeals.models import AdmissibilityPoint, AppealStatus

ALL_MET = {p: True for p in rules.POINTS}


def test_the_rules_states_are_the_models_choices():
    assert set(rules.STATES) == set(AppealStatus.values)
    assert set(rules.TRANSITIONS) == set(AppealStatus.values)
    assert rules.POINTS == tuple(AdmissibilityPoint.values)


@pytest.mark.parametrize(("current", "target"), [
    ("received", "admissible"), ("received", "inadmissible"), ("admissible", "hearing_planned"),
    ("admissible", "decided"), ("inadmissible", "decided"), ("inadmissible", "admissible"),
    ("admissible", "inadmissible"), ("hearing_planned", "heard"), ("hearing_planned", "hearing_planned"),
    ("heard", "decided"), ("heard", "hearing_planned"),
])
def test_allowed_moves(current, target):
    assert rules.next_appeal_state(current, target) == target


@pytest.mark.parametrize(("current", "target"), [
    ("received", "hearing_planned"), ("received", "decided"), ("received", "received"), ("hearing_planned", "decided"),
    ("heard", "admissible"), ("decided", "admissible"), ("decided", "decided"), ("hearing_planned", "inadmissible"),
])
def test_refused_moves_say_why(current, target):
    with pytest.raises(rules.IllegalAppealTransition, match="cannot become"):
        rules.next_appeal_state(current, target)


def test_decided_is_final():
    assert rules.TRANSITIONS[rules.DECIDED] == frozenset()


def test_ap3_all_points_met_is_admissible():
    assert rules.admissibility_outcome(ALL_MET, conservatory=False, arguments_received=False) == "admissible"


@pytest.mark.parametrize("point", rules.POINTS)
def test_ap3_any_failed_point_makes_it_inadmissible(point):
    points = {**ALL_MET, point: False}
    assert rules.admissibility_outcome(points, conservatory=False, arguments_received=False) == "inadmissible"


def test_ap4_a_conservatory_appeal_stays_pending_until_its_arguments_come():
    points = {**ALL_MET, rules.ARGUMENTS: None, rules.IN_TIME: False}
    assert rules.admissibility_outcome(points, conservatory=True, arguments_received=False) == "pending"
    points[rules.ARGUMENTS] = True
    assert rules.admissibility_outcome(points, conservatory=True, arguments_received=True) == "inadmissible"
    points[rules.IN_TIME] = True
    assert rules.admissibility_outcome(points, conservatory=True, arguments_received=True) == "admissible"


def test_ap3_a_checklist_must_answer_every_point():
    with pytest.raises(ValueError, match="lacks in_time"):
        rules.admissibility_outcome({p: True for p in rules.POINTS if p != "in_time"}, conservatory=False,
                                    arguments_received=False)


def test_ap3_only_an_appeal_decided_before_the_postmark_counts():
    postmark = date(2027, 2, 18)
    others = [("APP-2027-0001", date(2027, 2, 10)), ("APP-2027-0002", None), ("APP-2027-0003", postmark),
              ("APP-2027-0004", date(2027, 3, 1))]
    assert rules.earlier_decided_appeals(postmark, others) == ["APP-2027-0001"]
    assert rules.earlier_decided_appeals(postmark, []) == []


def test_ap7_days_left():
    assert rules.days_left(date(2027, 3, 11), date(2027, 3, 1)) == 10
    assert rules.days_left(date(2027, 3, 11), date(2027, 3, 11)) == 0
    assert rules.days_left(date(2027, 3, 11), date(2027, 3, 13)) == -2


def test_ap7_decide_by_is_twenty_days_from_the_day_after_receipt_without_extension():
    # Received Friday 19 Feb 2027: day 1 is Saturday 20 Feb, day 20 is Thursday 11 March.
    assert rules.decide_by(date(2027, 2, 19)) == date(2027, 3, 11)
    # Received Saturday 5 Dec 2026: day 20 is Friday 25 Dec (Christmas); AP-7 gives the committee's own deadline
    # no extension.
    assert rules.decide_by(date(2026, 12, 5)) == date(2026, 12, 25)
