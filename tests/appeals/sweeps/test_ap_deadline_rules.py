"""The pure rules behind the appeals' deadline sweeps: AP-2 windows and late appeals, AP-6 invitations that did not
leave 24 hours ahead, AP-7 nearing and overdue decision dates, AP-8's route to the Council without a decision."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from appeals import rules
from config.calendar import belgian_holidays
from config.regulations import AppealsCommitteeRules

HOLIDAYS = belgian_holidays(2026, 2028)
RULES = AppealsCommitteeRules()
BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.mark.parametrize("notified, as_of, closed", [
    (date(2027, 7, 9), date(2027, 7, 16), False),  # Friday + 7 = Friday 16 July: the last day itself is open
    (date(2027, 7, 9), date(2027, 7, 17), True),
    (date(2027, 7, 10), date(2027, 7, 18), False),  # Saturday 17 July -> Monday 19 July
    (date(2027, 7, 10), date(2027, 7, 19), False),
    (date(2027, 7, 10), date(2027, 7, 20), True),
    (date(2027, 7, 14), date(2027, 7, 21), False),  # 21 July, national holiday -> Thursday 22 July
    (date(2027, 7, 14), date(2027, 7, 22), False),
    (date(2027, 7, 14), date(2027, 7, 23), True),
])
def test_ap2_window_closes_after_its_last_day_extended_past_weekends_and_holidays(notified, as_of, closed):
    assert rules.ap2_window_closed(notified, as_of, HOLIDAYS) is closed


def test_ap2_late_is_a_postmark_after_the_last_day():
    assert not rules.ap2_late(date(2027, 7, 16), date(2027, 7, 16))
    assert rules.ap2_late(date(2027, 7, 17), date(2027, 7, 16))


def test_ap7_the_decision_is_due_on_the_20th_day_or_the_later_date_announced_in_time():
    decide_by = date(2027, 8, 3)
    assert rules.ap7_decision_due(decide_by, None, None) == decide_by
    assert rules.ap7_decision_due(decide_by, date(2027, 8, 20), date(2027, 8, 3)) == date(2027, 8, 20)
    # Announced, but the e-mail left only after the period expired (or has not left): the date does not move.
    assert rules.ap7_decision_due(decide_by, date(2027, 8, 20), date(2027, 8, 4)) == decide_by
    assert rules.ap7_decision_due(decide_by, date(2027, 8, 20), None) == decide_by


@pytest.mark.parametrize("as_of, notified, stage", [
    (date(2027, 7, 28), None, None),  # six days before
    (date(2027, 7, 29), None, rules.NEARING),  # five days before
    (date(2027, 8, 3), None, rules.NEARING),  # the day itself
    (date(2027, 8, 4), None, rules.OVERDUE),
    (date(2027, 9, 30), None, rules.OVERDUE),  # a sweep catching up sees only overdue
    (date(2027, 7, 30), date(2027, 7, 30), None),  # notified: nothing
    (date(2027, 8, 4), date(2027, 8, 3), None),  # notified on the last day: in time
    (date(2027, 8, 10), date(2027, 8, 5), rules.OVERDUE),  # notified late: the deadline was missed
    (date(2027, 8, 1), date(2027, 8, 5), rules.NEARING),  # a catch-up run for a day before the late letter
])
def test_ap7_decision_stage_nearing_from_the_warning_day_overdue_the_day_after(as_of, notified, stage):
    assert rules.ap7_decision_stage(date(2027, 8, 3), notified, as_of, 5) == stage


def test_ap8_without_a_decision_the_seven_days_run_from_the_expiry():
    route = rules.ap8_route_without_decision(date(2027, 8, 3), None, None, HOLIDAYS, RULES)
    assert (route.expired_on, route.runs_from, route.council_by) == (date(2027, 8, 3), date(2027, 8, 4),
                                                                      date(2027, 8, 10))


def test_ap8_from_the_later_date_when_it_was_announced_before_the_expiry():
    route = rules.ap8_route_without_decision(date(2027, 8, 3), date(2027, 8, 20), date(2027, 7, 20), HOLIDAYS, RULES)
    assert (route.expired_on, route.council_by) == (date(2027, 8, 20), date(2027, 8, 27))
    late = rules.ap8_route_without_decision(date(2027, 8, 3), date(2027, 8, 20), date(2027, 8, 4), HOLIDAYS, RULES)
    assert (late.expired_on, late.council_by) == (date(2027, 8, 3), date(2027, 8, 10))


def test_ap8_the_last_day_moves_past_a_weekend_and_equivalence_has_thirty_days():
    # 2027-08-07 is a Saturday: + 7 = Saturday 14 August -> Monday 16 August (15 August, a Sunday, is a holiday).
    assert rules.ap8_route_without_decision(date(2027, 8, 7), None, None, HOLIDAYS, RULES).council_by == date(
        2027, 8, 16)
    assert rules.ap8_route_without_decision(date(2027, 8, 3), None, None, HOLIDAYS, RULES,
                                            equivalence=True).council_by == date(2027, 9, 2)


HEARING = datetime(2027, 7, 22, 10, 0, tzinfo=BRUSSELS)


def test_ap6_latest_invitation_is_24_elapsed_hours_before_the_hearing():
    assert rules.ap6_latest_invitation(HEARING, RULES) == datetime(2027, 7, 21, 10, 0, tzinfo=BRUSSELS)
    # Across the end of summer time (31 October 2027, 03:00 -> 02:00): 24 hours are 24 hours.
    autumn = datetime(2027, 10, 31, 10, 0, tzinfo=BRUSSELS)
    assert rules.ap6_latest_invitation(autumn, RULES) == datetime(2027, 10, 30, 11, 0, tzinfo=BRUSSELS)


def test_ap6_duly_invited_when_the_invitation_left_at_least_24_hours_before():
    latest = HEARING - timedelta(hours=24)
    assert rules.ap6_duly_invited(latest, HEARING, RULES)
    assert not rules.ap6_duly_invited(latest + timedelta(minutes=1), HEARING, RULES)
    assert not rules.ap6_duly_invited(None, HEARING, RULES)


def test_ap6_an_invitation_is_missed_only_once_its_last_moment_has_passed():
    latest = HEARING - timedelta(hours=24)
    assert not rules.ap6_invitation_missed(None, HEARING, latest, RULES)  # it may still leave now
    assert rules.ap6_invitation_missed(None, HEARING, latest + timedelta(minutes=1), RULES)
    assert rules.ap6_invitation_missed(latest + timedelta(hours=2), HEARING, latest + timedelta(hours=2), RULES)
    assert not rules.ap6_invitation_missed(latest - timedelta(days=1), HEARING, HEARING + timedelta(days=9), RULES)
