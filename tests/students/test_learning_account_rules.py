"""The learning account as pure rules (rules.md section 1, LA-1 .. LA-15): students.rules.

Every test names the rule it checks. Dates follow the UHasselt 2026-2027 calendar of dataset.md unless a test
says PXL 2018-2019; the edges (1 December, 15 March, limit dates) are checked on the day itself and the day
before.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from config.regulations import PXL_2018_2019, UHASSELT_2026_2027
from enrolment import rules as en_rules
from students import rules
from tests.students.builders import (
    P18,
    PXL,
    UH,
    Y26,
    Y27,
    Y28,
    Y29,
    account,
    balance,
    contract,
    line,
    movements,
    of_kind,
    stored_from,
    write,
)

JAN_2027 = date(2027, 2, 12)  # results of the January exams published (dataset.md)
JUN_2027 = date(2027, 7, 9)

PROGRAMME_KINDS = ["bachelor", "master", "bridging", "preparatory", "advanced_bachelor", "advanced_master",
                   "postgraduate", "associate"]


def refunds(ms) -> dict[str, int]:
    return {m.unit: m.credits for m in of_kind(ms, "refund")}


# ---------------------------------------------------------------------------------------------- LA-1 ----
def test_la1_first_enrolment_opens_140():
    ms = movements(account(contract(line(6), enrolled_on=date(2026, 9, 10))))
    assert (ms[0].kind, ms[0].credits, ms[0].on, ms[0].article) == ("opening", 140, date(2026, 9, 10), "LA-1")
    assert len(of_kind(ms, "opening")) == 1
    assert balance(ms) == 134


def test_la1_opens_on_the_first_enrolment_of_the_career_not_per_year():
    ms = movements(account(contract(line(6), year=Y26), contract(line(6), year=Y27)))
    assert [(m.on, m.credits) for m in of_kind(ms, "opening")] == [(date(2026, 9, 10), 140)]


def test_la1_pxl_opens_140_as_well():
    ms = movements(account(contract(line(6), year=P18, enrolled_on=date(2018, 9, 20)), years=(P18,)))
    assert (ms[0].kind, ms[0].credits) == ("opening", 140)


def test_la1_no_enrolment_and_no_register_means_no_account():
    assert movements(account()) == []


def test_la1_register_opening_balance_replaces_140():
    register = rules.RegisterOpening(balance=97, as_of=date(2026, 9, 1))
    ms = movements(account(contract(line(6)), register=register))
    assert [(m.kind, m.credits, m.on, m.note) for m in of_kind(ms, "opening")] == [
        ("opening", 97, date(2026, 9, 1), "register")]
    assert balance(ms) == 91


def test_la1_register_opening_without_any_academic_year_on_record():
    # Students arriving from the register before any calendar is loaded (dataset.md): the account still opens.
    register = rules.RegisterOpening(balance=44, as_of=date(2026, 9, 1), master_obtained=True)
    assert [(m.kind, m.credits) for m in movements(account(register=register, years=()))] == [("opening", 44)]
    degree = rules.DegreeFacts("D1", "master", date(2027, 7, 9))
    assert [(m.kind, m.credits) for m in movements(account(register=rules.RegisterOpening(100, date(2026, 9, 1)),
                                                           degrees=(degree,), years=()))] == [
        ("opening", 100), ("degree", -140)]


def test_la1_movements_up_to_the_register_date_are_already_in_its_balance():
    # Enrolled and passed in 2026-2027; the register's position of 1 October 2027 already counts all of it.
    c = contract(line(6, certificate_on=JAN_2027), year=Y26)
    register = rules.RegisterOpening(balance=80, as_of=date(2027, 10, 1), bonus_used=6)
    ms = movements(account(c, register=register))
    assert [(m.kind, m.credits) for m in ms] == [("opening", 80)]


# ---------------------------------------------------------------------------------------------- LA-2 ----
@pytest.mark.parametrize("programme_kind", PROGRAMME_KINDS)
def test_la2_diploma_contract_uses_the_account_only_for_initial_bachelor_and_master(programme_kind):
    assert rules.uses_account("diploma", programme_kind) is (programme_kind in ("bachelor", "master"))


@pytest.mark.parametrize("programme_kind", PROGRAMME_KINDS)
def test_la2_every_credit_contract_uses_the_account_whatever_the_programme(programme_kind):
    assert rules.uses_account("credit", programme_kind) is True
    ms = movements(account(contract(line(5), kind="credit", programme_kind=programme_kind)))
    assert [m.credits for m in of_kind(ms, "enrolment")] == [-5]


@pytest.mark.parametrize("programme_kind", PROGRAMME_KINDS)
def test_la2_exam_contract_never_uses_the_account(programme_kind):
    assert rules.uses_account("exam", programme_kind) is False
    ms = movements(account(contract(line(5, certificate_on=JAN_2027), kind="exam", programme_kind=programme_kind)))
    assert [m.kind for m in ms] == ["opening"]
    assert balance(ms) == 140


@pytest.mark.parametrize("programme_kind", ["associate", "bridging", "preparatory", "advanced_bachelor",
                                            "advanced_master", "postgraduate"])
def test_la2_diploma_contracts_outside_initial_programmes_deduct_nothing(programme_kind):
    ms = movements(account(contract(line(30), line(30, certificate_on=JAN_2027), programme_kind=programme_kind)))
    assert not of_kind(ms, "enrolment") and not of_kind(ms, "restitution")
    assert balance(ms) == 140


@pytest.mark.parametrize(
    ("programme_kind", "holds_degree", "uses"),
    [("bachelor", True, False), ("master", True, False), ("bachelor", False, True), ("master", False, True)],
)
def test_la2_educational_programme_is_free_for_degree_holders(programme_kind, holds_degree, uses):
    assert rules.uses_account("diploma", programme_kind, educational=True, holds_degree=holds_degree) is uses


def test_la2_educational_master_after_a_master_degree_deducts_nothing():
    earlier = contract(line(60), programme_kind="master", year=Y26)
    educ = contract(line(60), programme_kind="master", year=Y28, educational=True)
    degree = rules.DegreeFacts("D1", "master", date(2027, 7, 9))
    ms = movements(account(earlier, educ, degrees=(degree,)))
    assert [m.year for m in of_kind(ms, "enrolment")] == ["2026-2027"]


def test_la2_educational_master_with_only_a_bachelor_degree_uses_the_account():
    educ = contract(line(60), programme_kind="master", year=Y27, educational=True)
    degree = rules.DegreeFacts("D1", "bachelor", date(2027, 7, 9))
    ms = movements(account(educ, degrees=(degree,)))
    assert [m.credits for m in of_kind(ms, "enrolment")] == [-60]


def test_la2_educational_bachelor_after_a_bachelor_degree_deducts_nothing():
    educ = contract(line(60), programme_kind="bachelor", year=Y27, educational=True)
    degree = rules.DegreeFacts("D1", "bachelor", date(2027, 7, 9))
    ms = movements(account(educ, degrees=(degree,)))
    assert not of_kind(ms, "enrolment")


def test_la2_exempted_units_never_use_the_account():
    exempt_at_enrolment = line(6, exempted=True)
    exempt_added = line(4, exempted=True, added_on=date(2026, 10, 1))
    exempt_removed = line(3, exempted=True, removed_on=date(2026, 10, 5))
    exempt_with_certificate = line(5, exempted=True, certificate_on=JAN_2027)
    taken = line(10)
    ms = movements(account(contract(exempt_at_enrolment, exempt_added, exempt_removed, exempt_with_certificate, taken)))
    assert [m.credits for m in of_kind(ms, "enrolment")] == [-10]
    assert not of_kind(ms, "addition") and not of_kind(ms, "refund")
    assert not of_kind(ms, "restitution") and not of_kind(ms, "bonus")
    assert balance(ms) == 130


def test_la2_exempted_units_do_not_count_in_the_learning_account_check():
    request = en_rules.EnrolmentRequest("diploma", "BA", "bachelor",
                                        (en_rules.UnitChoice("A", 30, exempted=True), en_rules.UnitChoice("B", 10)),
                                        date(2026, 9, 10))
    assert en_rules.account_credits(request) == 10
    finding = en_rules.check_learning_account(request, en_rules.StudentSituation(balance=10), UH,
                                              en_rules.Exceptions())
    assert finding.ok


# ---------------------------------------------------------------------------------------------- LA-3 ----
def test_la3_enrolment_deducts_the_credits_taken_up():
    ms = movements(account(contract(line(6), line(4), line(5))))
    [enrolment] = of_kind(ms, "enrolment")
    assert (enrolment.credits, enrolment.on, enrolment.year, enrolment.article) == (-15, date(2026, 9, 10),
                                                                                    "2026-2027", "LA-3")


def test_la3_adding_a_unit_later_deducts_its_credits_on_that_day():
    added = line(4, added_on=date(2026, 10, 20), unit="EXTRA")
    ms = movements(account(contract(line(6), added)))
    assert [m.credits for m in of_kind(ms, "enrolment")] == [-6]
    [addition] = of_kind(ms, "addition")
    assert (addition.credits, addition.on, addition.unit) == (-4, date(2026, 10, 20), "EXTRA")
    assert balance(ms, date(2026, 10, 19)) == 134
    assert balance(ms, date(2026, 10, 20)) == 130


def test_la3_units_added_on_the_enrolment_day_belong_to_the_enrolment():
    ms = movements(account(contract(line(6, added_on=date(2026, 9, 10)), enrolled_on=date(2026, 9, 10))))
    assert not of_kind(ms, "addition")
    assert [m.credits for m in of_kind(ms, "enrolment")] == [-6]


# ---------------------------------------------------------------------------------------------- LA-4 ----
def test_la4_pass_restores_the_credits_on_the_publication_date():
    ms = movements(account(contract(line(6, certificate_on=JAN_2027), programme_kind="master")))
    [restitution] = of_kind(ms, "restitution")
    assert (restitution.credits, restitution.on, restitution.article) == (6, JAN_2027, "LA-4")
    assert balance(ms, JAN_2027 - timedelta(days=1)) == 134
    assert balance(ms, JAN_2027) == 140


def test_la4_credits_not_acquired_are_lost():
    # A fail, an absence and a tolerated fail all leave the line without a credit certificate.
    ms = movements(account(contract(line(6), line(4), programme_kind="master")))
    assert not of_kind(ms, "restitution")
    assert balance(ms) == 130


def test_la4_credit_contract_pass_is_restored_without_bonus():
    ms = movements(account(contract(line(6, certificate_on=JAN_2027), kind="credit")))
    assert [m.credits for m in of_kind(ms, "restitution")] == [6]
    assert not of_kind(ms, "bonus")
    assert balance(ms) == 140


# ---------------------------------------------------------------------------------------------- LA-5 ----
def sixty(passed: set[int] = frozenset(), on: date = JAN_2027) -> rules.ContractFacts:
    """A bachelor diploma contract of 60 credits: one 4-credit unit (index 0) and seven of 8 credits."""
    credits = [4] + [8] * 7
    return contract(*(line(c, unit=f"U{i}", certificate_on=on if i in passed else None)
                      for i, c in enumerate(credits)))


def test_la5_worked_example_140_minus_60_is_80():
    assert balance(account(sixty())) == 80


def test_la5_worked_example_80_plus_4x2_is_88():
    ms = movements(account(sixty({0})))
    assert balance(ms) == 88
    assert [(m.kind, m.credits) for m in ms if m.on == JAN_2027] == [("restitution", 4), ("bonus", 4)]


def test_la5_worked_example_passing_all_60_gives_200():
    ms = movements(account(sixty(set(range(8)))))
    assert balance(ms) == 200
    assert sum(m.credits for m in of_kind(ms, "bonus")) == 60


def test_la5_career_wide_58_bonus_used_plus_4_credit_pass_gives_6_back():
    register = rules.RegisterOpening(balance=100, as_of=date(2026, 9, 1), bonus_used=58)
    ms = movements(account(contract(line(4, certificate_on=JAN_2027)), register=register))
    back = [m for m in ms if m.on == JAN_2027]
    assert [(m.kind, m.credits) for m in back] == [("restitution", 4), ("bonus", 2)]
    assert sum(m.credits for m in back) == 6
    assert balance(ms) == 100 - 4 + 6


def test_la5_bonus_runs_across_academic_years():
    # 56 bonus credits in 2026-2027, then a 6-credit pass in 2027-2028: 6 + 4 back; a later pass: no bonus.
    year1 = contract(*(line(8, certificate_on=JUN_2027) for _ in range(7)), year=Y26)
    year2 = contract(line(6, certificate_on=date(2028, 2, 12), unit="SIX"), line(5, certificate_on=date(2028, 7, 9)),
                     year=Y27)
    ms = movements(account(year1, year2))
    bonuses = [(m.year, m.credits) for m in of_kind(ms, "bonus")]
    assert bonuses == [("2026-2027", 8)] * 7 + [("2027-2028", 4)]
    assert balance(ms) == 140 - 56 + 56 * 2 - 11 + 6 + 4 + 5


def test_la5_bonus_follows_the_order_in_which_credits_are_acquired():
    # 58 credits passed in June of year 1, then on one day in year 2 two units: the bonus's last 2 credits go to
    # the first in (date, code) order and nothing to the other.
    year1 = contract(*(line(c, certificate_on=JUN_2027) for c in [10] * 5 + [8]), year=Y26)
    year2 = contract(line(6, unit="A", certificate_on=date(2028, 2, 12)),
                     line(6, unit="B", certificate_on=date(2028, 2, 12)), year=Y27)
    ms = movements(account(year1, year2))
    assert [(m.unit, m.credits) for m in of_kind(ms, "bonus") if m.year == "2027-2028"] == [("A", 2)]


def test_la5_register_with_all_60_used_gives_no_more_bonus():
    register = rules.RegisterOpening(balance=100, as_of=date(2026, 9, 1), bonus_used=60)
    ms = movements(account(contract(line(6, certificate_on=JAN_2027)), register=register))
    assert not of_kind(ms, "bonus")


@pytest.mark.parametrize(("kind", "programme_kind"), [("diploma", "master"), ("credit", "bachelor")])
def test_la5_bonus_only_in_bachelor_programmes_under_a_diploma_contract(kind, programme_kind):
    ms = movements(account(contract(line(6, certificate_on=JAN_2027), kind=kind, programme_kind=programme_kind)))
    assert not of_kind(ms, "bonus")


def test_la5_credits_of_a_master_do_not_use_up_the_bonus():
    master = contract(*(line(10, certificate_on=JAN_2027) for _ in range(6)), programme_kind="master", year=Y26)
    bachelor = contract(line(6, certificate_on=date(2028, 2, 12)), year=Y27)
    assert [m.credits for m in of_kind(movements(account(master, bachelor)), "bonus")] == [6]


@pytest.mark.parametrize(("credits", "used", "bonus"), [(4, 58, 2), (4, 0, 4), (6, 60, 0), (10, 55, 5), (60, 0, 60),
                                                        (1, 59, 1)])
def test_la5_bonus_for(credits, used, bonus):
    assert rules.bonus_for(credits, used, UH) == bonus
    assert rules.bonus_for(credits, used, PXL) == bonus


# ---------------------------------------------------------------------------------------------- LA-6 ----
@pytest.mark.parametrize("regs", [UH, PXL], ids=["uh", "pxl"])
def test_la6_cutoffs_are_1_december_and_15_march(regs):
    assert rules.refund_cutoff(1, date(2026, 9, 14), regs) == date(2026, 12, 1)
    assert rules.refund_cutoff(2, date(2026, 9, 14), regs) == date(2027, 3, 15)


def test_la6_removal_on_1_december_is_too_late():
    assert not rules.removal_refunds(1, date(2026, 12, 1), Y26.starts_on, "diploma", UH)
    ms = movements(account(contract(line(6, removed_on=date(2026, 12, 1)))))
    assert not of_kind(ms, "refund")
    assert balance(ms) == 134


def test_la6_removal_on_30_november_refunds():
    assert rules.removal_refunds(1, date(2026, 11, 30), Y26.starts_on, "diploma", UH)
    ms = movements(account(contract(line(6, removed_on=date(2026, 11, 30), unit="GONE"))))
    [refund] = of_kind(ms, "refund")
    assert (refund.credits, refund.on, refund.unit, refund.article) == (6, date(2026, 11, 30), "GONE", "LA-6")
    assert balance(ms, date(2026, 11, 29)) == 134
    assert balance(ms) == 140


def test_la6_second_semester_14_march_refunds_15_march_does_not():
    assert rules.removal_refunds(2, date(2027, 3, 14), Y26.starts_on, "diploma", UH)
    assert not rules.removal_refunds(2, date(2027, 3, 15), Y26.starts_on, "diploma", UH)
    early = line(5, semester=2, removed_on=date(2027, 3, 14), unit="EARLY")
    late = line(4, semester=2, removed_on=date(2027, 3, 15), unit="LATE")
    assert refunds(movements(account(contract(early, late)))) == {"EARLY": 5}


def test_la6_second_semester_unit_removed_in_december_still_refunds():
    ms = movements(account(contract(line(5, semester=2, removed_on=date(2026, 12, 20), unit="S2"))))
    assert refunds(ms) == {"S2": 5}


def test_la6_year_long_units_count_as_first_semester():
    # A year-long unit has semester 1 (dataset.md periods[].semester): its cut-off is 1 December.
    on_cutoff = line(12, semester=1, removed_on=date(2026, 12, 1), unit="YEAR1")
    before = line(12, semester=1, removed_on=date(2026, 11, 30), unit="YEAR2")
    assert refunds(movements(account(contract(on_cutoff, before)))) == {"YEAR2": 12}


def test_la6_the_refund_is_dated_on_the_request_not_on_processing():
    # The fact recorded is the student's request date; staff processing it in January changes nothing.
    ms = movements(account(contract(line(6, removed_on=date(2026, 11, 28)))))
    assert [m.on for m in of_kind(ms, "refund")] == [date(2026, 11, 28)]


def test_la6_unit_added_later_and_removed_before_the_cutoff_nets_to_zero():
    ms = movements(account(contract(line(6), line(4, added_on=date(2026, 10, 1), removed_on=date(2026, 11, 2)))))
    assert balance(ms) == 134


def test_la6_pxl_limit_date_decides_and_counts_itself():
    limit = date(2018, 11, 10)
    assert rules.removal_refunds(1, limit, P18.starts_on, "diploma", PXL, limit_date=limit)
    assert not rules.removal_refunds(1, limit + timedelta(days=1), P18.starts_on, "diploma", PXL, limit_date=limit)
    # Before 1 December but after the limit date: no refund under PXL, a refund under UHasselt.
    assert not rules.removal_refunds(1, date(2018, 11, 20), P18.starts_on, "diploma", PXL, limit_date=limit)
    assert rules.removal_refunds(1, date(2018, 11, 20), P18.starts_on, "diploma", UH, limit_date=limit)
    # A second-semester limit date after 15 March (1 April 2019) still refunds under PXL.
    assert rules.removal_refunds(2, date(2019, 3, 31), P18.starts_on, "diploma", PXL, limit_date=date(2019, 4, 1))
    assert not rules.removal_refunds(2, date(2019, 3, 31), P18.starts_on, "diploma", UH, limit_date=date(2019, 4, 1))


def test_la6_pxl_limit_dates_through_the_ledger():
    limit, enrolled = date(2018, 11, 10), date(2018, 9, 20)
    on_limit = line(6, removed_on=limit, limit_date=limit, unit="ON", added_on=enrolled)
    after = line(6, removed_on=limit + timedelta(days=1), limit_date=limit, unit="AFTER", added_on=enrolled)
    c = contract(on_limit, after, year=P18, enrolled_on=date(2018, 9, 20))
    assert refunds(movements(account(c, years=(P18,)))) == {"ON": 6}


def test_la6_pxl_without_a_limit_date_falls_back_to_the_fixed_dates():
    assert rules.removal_refunds(1, date(2018, 11, 30), P18.starts_on, "diploma", PXL)
    assert not rules.removal_refunds(1, date(2018, 12, 1), P18.starts_on, "diploma", PXL)


# ---------------------------------------------------------------------------------------------- LA-7 ----
def two_semesters(**kw) -> rules.ContractFacts:
    return contract(line(6, semester=1, unit="S1"), line(5, semester=2, unit="S2"), **kw)


def test_la7_withdrawal_before_1_december_restores_everything():
    ms = movements(account(two_semesters(deregistered_on=date(2026, 11, 30), deregistration_reason="withdrawal")))
    assert refunds(ms) == {"S1": 6, "S2": 5}
    assert {m.on for m in of_kind(ms, "refund")} == {date(2026, 11, 30)}
    assert balance(ms) == 140


def test_la7_withdrawal_on_1_december_keeps_first_semester_restores_second():
    ms = movements(account(two_semesters(deregistered_on=date(2026, 12, 1), deregistration_reason="withdrawal")))
    assert refunds(ms) == {"S2": 5}
    assert balance(ms) == 134


def test_la7_withdrawal_on_14_march_restores_second_semester_15_march_nothing():
    before = movements(account(two_semesters(deregistered_on=date(2027, 3, 14), deregistration_reason="withdrawal")))
    on = movements(account(two_semesters(deregistered_on=date(2027, 3, 15), deregistration_reason="withdrawal")))
    assert refunds(before) == {"S2": 5}
    assert refunds(on) == {}
    assert balance(on) == 129


def test_la7_first_semester_unit_passed_before_withdrawal_is_restored_as_la4():
    c = contract(line(6, unit="S1", certificate_on=JAN_2027), line(5, semester=2, unit="S2"),
                 deregistered_on=date(2027, 3, 1), deregistration_reason="withdrawal")
    ms = movements(account(c))
    assert refunds(ms) == {"S2": 5}
    assert [(m.kind, m.unit, m.credits) for m in ms if m.kind in ("restitution", "bonus")] == [
        ("restitution", "S1", 6), ("bonus", "S1", 6)]


def test_la7_year_long_unit_withdrawn_on_1_december_stays_deducted():
    ms = movements(account(contract(line(12, semester=1, unit="YEAR"), deregistered_on=date(2026, 12, 1),
                                    deregistration_reason="withdrawal")))
    assert refunds(ms) == {}


def test_la7_removed_unit_is_not_refunded_again_at_withdrawal():
    c = contract(line(6, unit="A", removed_on=date(2026, 10, 1)), line(5, unit="B"),
                 deregistered_on=date(2026, 11, 2), deregistration_reason="withdrawal")
    ms = movements(account(c))
    assert refunds(ms) == {"A": 6, "B": 5}
    assert balance(ms) == 140


def test_la7_deregistration_refund_names_the_article():
    ln = line(6)
    c = contract(ln, deregistered_on=date(2026, 11, 1), deregistration_reason="withdrawal")
    assert rules.deregistration_refund(ln, c, Y26) == (6, "LA-7")


# ---------------------------------------------------------------------------------------------- LA-8 ----
def generation_change(on: date, year=Y26, generation=True, reason="programme_change", **line_kw):
    lines = (line(6, semester=1, unit="S1A", **line_kw), line(5, semester=1, unit="S1B", **line_kw),
             line(4, semester=2, unit="S2"))
    enrolled = date(year.starts_on.year, 9, 10)
    lines = tuple(dataclasses.replace(ln, added_on=enrolled) for ln in lines)
    return contract(*lines, year=year, enrolled_on=enrolled, deregistered_on=on, deregistration_reason=reason,
                    generation_student=generation)


@pytest.mark.parametrize("on", [date(2026, 12, 1), date(2026, 12, 15), date(2026, 12, 23)])
def test_la8_generation_student_changing_programme_gets_half_back(on):
    ms = movements(account(generation_change(on)))
    # Half of the first-semester credits, rounded up (in the student's favour): 6 -> 3, 5 -> 3; S2 in full (LA-7).
    assert refunds(ms) == {"S1A": 3, "S1B": 3, "S2": 4}
    assert {m.article for m in of_kind(ms, "refund") if m.unit.startswith("S1")} == {"LA-8"}


def test_la8_generation_student_changing_before_1_december_gets_everything():
    assert refunds(movements(account(generation_change(date(2026, 11, 30))))) == {"S1A": 6, "S1B": 5, "S2": 4}


def test_la8_half_stops_after_the_end_of_first_semester_lessons():
    assert refunds(movements(account(generation_change(date(2026, 12, 24))))) == {"S2": 4}


def test_la8_not_for_a_student_who_is_not_a_generation_student():
    assert refunds(movements(account(generation_change(date(2026, 12, 1), generation=False)))) == {"S2": 4}


def test_la8_not_for_a_withdrawal_without_change_of_programme():
    assert refunds(movements(account(generation_change(date(2026, 12, 1), reason="withdrawal")))) == {"S2": 4}


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2018, 11, 30), {"S1A": 6, "S1B": 5, "S2": 4}),  # before 1 December: in full
        (date(2018, 12, 1), {"S1A": 3, "S1B": 3, "S2": 2}),  # from 1 December: half of every selected unit
        (date(2019, 3, 14), {"S1A": 3, "S1B": 3, "S2": 2}),
        (date(2019, 3, 15), {}),  # from 15 March nothing (no limit dates given here)
    ],
)
def test_la8_pxl_generation_student_reorienting_full_then_half_until_15_march(on, expected):
    ms = movements(account(generation_change(on, year=P18), years=(P18,)))
    assert refunds(ms) == expected


def test_la8_pxl_generation_half_only_for_units_not_yet_examined():
    c = generation_change(date(2019, 2, 1), year=P18, examined_on=date(2019, 1, 7))
    assert refunds(movements(account(c, years=(P18,)))) == {"S2": 2}


def test_la8_pxl_non_generation_student_gets_units_whose_limit_date_has_not_passed():
    open_unit = line(6, unit="OPEN", limit_date=date(2019, 4, 1), added_on=date(2018, 9, 20))
    closed_unit = line(5, unit="CLOSED", limit_date=date(2018, 11, 10), added_on=date(2018, 9, 20))
    c = contract(open_unit, closed_unit, year=P18, enrolled_on=date(2018, 9, 20), deregistered_on=date(2018, 11, 20),
                 deregistration_reason="withdrawal")
    assert refunds(movements(account(c, years=(P18,)))) == {"OPEN": 6}


def test_la8_pxl_generation_student_also_keeps_the_limit_date_rule():
    # 20 March 2019: past 15 March, but the S2 limit date (1 April) has not passed.
    ln = line(6, semester=2, unit="S2", limit_date=date(2019, 4, 1), added_on=date(2018, 9, 20))
    c = contract(ln, year=P18, enrolled_on=date(2018, 9, 20), deregistered_on=date(2019, 3, 20),
                 deregistration_reason="programme_change", generation_student=True)
    assert rules.deregistration_refund(ln, c, P18) == (6, "PXL 23§3")


def test_la8_share_rounds_up_in_the_students_favour():
    assert rules.share_up(5, UH.generation_change_refund_share) == 3
    assert rules.share_up(6, PXL.generation_change_refund_share) == 3


# ---------------------------------------------------------------------------------------------- LA-9 ----
@pytest.mark.parametrize("year", [Y26, P18], ids=["uh", "pxl"])
def test_la9_credit_contract_deregistration_never_refunds(year):
    enrolled = date(year.starts_on.year, 9, 20)
    ln = line(6, added_on=enrolled, limit_date=date(year.starts_on.year, 11, 10))
    c = contract(ln, year=year, kind="credit", enrolled_on=enrolled, deregistered_on=enrolled + timedelta(days=1),
                 deregistration_reason="withdrawal")
    assert rules.deregistration_refund(ln, c, year) == (0, "LA-9")
    ms = movements(account(c, years=(year,)))
    assert not of_kind(ms, "refund")
    assert balance(ms) == 134


@pytest.mark.parametrize("year", [Y26, P18], ids=["uh", "pxl"])
def test_la9_removing_a_unit_of_a_credit_contract_never_refunds(year):
    enrolled = date(year.starts_on.year, 9, 20)
    limit = date(year.starts_on.year, 11, 10)
    assert not rules.removal_refunds(1, enrolled, year.starts_on, "credit", year.regs, limit_date=limit)
    c = contract(line(6, added_on=enrolled, removed_on=enrolled, limit_date=limit), year=year, kind="credit",
                 enrolled_on=enrolled)
    assert not of_kind(movements(account(c, years=(year,))), "refund")


# --------------------------------------------------------------------------------------------- LA-10 ----
def test_la10_change_of_programme_refunds_units_whose_deregistration_period_has_not_expired():
    # A year-long unit (deadline 15 December) left on 10 December: LA-7 alone would keep it deducted.
    year_long = line(12, semester=1, unit="YEAR", limit_date=date(2026, 12, 15))
    s1 = line(6, semester=1, unit="S1", limit_date=date(2026, 11, 8))
    c = contract(year_long, s1, deregistered_on=date(2026, 12, 10), deregistration_reason="programme_change")
    ms = movements(account(c))
    assert refunds(ms) == {"YEAR": 12}
    assert [m.article for m in of_kind(ms, "refund")] == ["LA-10"]


def test_la10_deregistration_period_day_itself_still_counts_the_day_after_does_not():
    for on, expected in [(date(2026, 12, 15), {"YEAR": 12}), (date(2026, 12, 16), {})]:
        c = contract(line(12, unit="YEAR", limit_date=date(2026, 12, 15)), deregistered_on=on,
                     deregistration_reason="programme_change")
        assert refunds(movements(account(c))) == expected, on


def test_la10_second_semester_unit_refunded_after_15_march_while_its_period_runs():
    c = contract(line(6, semester=2, unit="S2", limit_date=date(2027, 3, 28)), deregistered_on=date(2027, 3, 20),
                 deregistration_reason="programme_change")
    assert refunds(movements(account(c))) == {"S2": 6}


def test_la10_never_for_a_unit_whose_exam_was_taken_and_failed():
    # LA-7 would give the second-semester unit back (change before 15 March), LA-8 half; the failed exam wins.
    ln = line(6, semester=2, unit="S2", limit_date=date(2027, 3, 28), failed_exam_on=JAN_2027)
    c = contract(ln, deregistered_on=date(2027, 3, 1), deregistration_reason="programme_change",
                 generation_student=True)
    assert rules.deregistration_refund(ln, c, Y26) == (0, "LA-10")
    assert refunds(movements(account(c))) == {}


def test_la10_failed_exam_after_the_change_does_not_count():
    ln = line(6, semester=2, unit="S2", failed_exam_on=JUN_2027)
    c = contract(ln, deregistered_on=date(2027, 3, 1), deregistration_reason="programme_change")
    assert rules.deregistration_refund(ln, c, Y26) == (6, "LA-7")


def test_la10_limit_date_rule_is_only_for_a_change_of_programme():
    c = contract(line(12, unit="YEAR", limit_date=date(2026, 12, 15)), deregistered_on=date(2026, 12, 10),
                 deregistration_reason="withdrawal")
    assert refunds(movements(account(c))) == {}


# --------------------------------------------------------------------------------------------- LA-11 ----
def test_la11_first_master_deducts_140_second_nothing():
    ba = contract(line(60), programme_kind="master", year=Y26)
    first = rules.DegreeFacts("D1", "master", date(2027, 7, 9))
    second = rules.DegreeFacts("D2", "master", date(2028, 7, 9))
    ms = movements(account(ba, degrees=(second, first)))
    assert [(m.on, m.credits, m.article) for m in of_kind(ms, "degree")] == [(date(2027, 7, 9), -140, "LA-11")]


def test_la11_bachelor_degree_deducts_nothing():
    ms = movements(account(contract(line(60)), degrees=(rules.DegreeFacts("D1", "bachelor", date(2027, 7, 9)),)))
    assert not of_kind(ms, "degree")


def test_la11_register_with_a_master_already_obtained_deducts_nothing_for_the_next():
    register = rules.RegisterOpening(balance=50, as_of=date(2026, 9, 1), master_obtained=True)
    ms = movements(account(contract(line(60), programme_kind="master"), register=register,
                           degrees=(rules.DegreeFacts("D1", "master", date(2027, 7, 9)),)))
    assert not of_kind(ms, "degree")


@pytest.mark.parametrize(("kind", "masters", "register", "first"), [
    ("master", 0, False, True), ("master", 1, False, False), ("master", 0, True, False), ("bachelor", 0, False, False)])
def test_la11_is_first_master_degree(kind, masters, register, first):
    assert rules.is_first_master_degree(kind, masters, register) is first


def test_la11_same_under_pxl():
    c = contract(line(60, added_on=date(2018, 9, 20)), programme_kind="master", year=P18, enrolled_on=date(2018, 9, 20))
    ms = movements(account(c, years=(P18,), degrees=(rules.DegreeFacts("D1", "master", date(2019, 7, 5)),)))
    assert [m.credits for m in of_kind(ms, "degree")] == [-140]


# --------------------------------------------------------------------------------------------- LA-12 ----
def test_la12_rebuild_44_54_60():
    register = rules.RegisterOpening(balance=44, as_of=date(2026, 9, 1), master_obtained=True)
    ms = movements(account(register=register, years=(Y26, Y27, Y28)))
    assert [(m.on, m.credits, m.year) for m in of_kind(ms, "rebuild")] == [
        (Y26.starts_on, 10, "2026-2027"), (Y27.starts_on, 6, "2027-2028")]
    assert balance(ms, date(2026, 10, 1)) == 54
    assert balance(ms, date(2027, 10, 1)) == 60
    assert balance(ms, date(2028, 10, 1)) == 60


@pytest.mark.parametrize(("before", "growth"), [(44, 10), (54, 6), (59, 1), (60, 0), (75, 0), (0, 10), (-30, 10)])
def test_la12_rebuild_credit_at_most_10_up_to_60(before, growth):
    assert rules.rebuild_credit(before, UH) == growth
    assert rules.rebuild_credit(before, PXL) == growth


def test_la12_rebuild_after_a_year_without_enrolment_and_without_degree():
    register = rules.RegisterOpening(balance=30, as_of=date(2026, 9, 1))
    ms = movements(account(contract(line(6), year=Y26), register=register, years=(Y26, Y27, Y28, Y29)))
    # 2026-2027 enrolled (24 left); 2027-2028 idle -> +10 when 2028-2029 starts; idle again -> +10 in 2029-2030.
    assert [(m.on, m.credits) for m in of_kind(ms, "rebuild")] == [(Y28.starts_on, 10), (Y29.starts_on, 10)]
    assert balance(ms) == 44


def test_la12_no_rebuild_when_the_year_without_enrolment_brought_a_degree():
    register = rules.RegisterOpening(balance=30, as_of=date(2026, 9, 1))
    degree = rules.DegreeFacts("D1", "bachelor", date(2028, 2, 1))  # awarded during 2027-2028
    ms = movements(account(contract(line(6), year=Y26), register=register, degrees=(degree,), years=(Y26, Y27, Y28)))
    assert not of_kind(ms, "rebuild")


def test_la12_no_rebuild_at_or_above_60():
    register = rules.RegisterOpening(balance=90, as_of=date(2026, 9, 1), master_obtained=True)
    assert not of_kind(movements(account(register=register)), "rebuild")


def test_la12_no_rebuild_for_years_before_the_account_was_opened():
    # First enrolment in 2028-2029: the years before it are not "years without enrolment" of this account.
    ms = movements(account(contract(line(100), year=Y28), years=(Y26, Y27, Y28, Y29)))
    assert not of_kind(ms, "rebuild")


def test_la12_rebuild_after_the_first_master_degree_also_from_below_zero():
    c = contract(line(60), programme_kind="master", year=Y26)
    ms = movements(account(c, degrees=(rules.DegreeFacts("D1", "master", date(2027, 7, 9)),), years=(Y26, Y27, Y28)))
    # 140 - 60 - 140 = -60, then +10 at the start of each later academic year.
    assert [(m.year, m.credits) for m in of_kind(ms, "rebuild")] == [("2027-2028", 10), ("2028-2029", 10)]
    assert balance(ms) == -40


def test_la12_rebuild_balance_ignores_the_summer_enrolment_of_that_same_year():
    # Enrolled on 1 September 2027 for 2027-2028 (before it starts): the rebuild is computed on 44, not on 44 - 30.
    register = rules.RegisterOpening(balance=44, as_of=date(2026, 9, 1), master_obtained=True)
    c = contract(line(30, added_on=date(2027, 9, 1)), year=Y27, enrolled_on=date(2027, 9, 1), programme_kind="master")
    ms = movements(account(c, register=register, years=(Y26, Y27)))
    assert [(m.year, m.credits) for m in of_kind(ms, "rebuild")] == [("2026-2027", 10), ("2027-2028", 6)]


# --------------------------------------------------------------------------------------------- LA-13 ----
@pytest.mark.django_db
def test_la13_force_majeure_correction_is_a_new_movement_with_the_decision_reference(student_admin):
    from students.models import LedgerMovement
    from students.services import record_correction, sync_ledgers
    from tests.enrolment.factories import ContractFactory, CourseUnitFactory, StudentFactory, make_year

    year = make_year(2026)
    unit = CourseUnitFactory(credits=6)
    student = StudentFactory()
    ContractFactory(student=student, programme=unit.programme, academic_year=year, units=[unit])
    sync_ledgers([student.pk])
    before = list(LedgerMovement.objects.filter(student=student).order_by("id").values())

    m = record_correction(student, 6, date(2027, 10, 3), "RvStvb 2027/123", "force majeure in June", by=student_admin)
    assert (m.kind, m.credits, m.article, m.reference, m.cause) == ("correction", 6, "LA-13", "RvStvb 2027/123",
                                                                    "manual:1")
    assert m.recorded_by == student_admin
    second = record_correction(student, -2, date(2027, 10, 4), "RvStvb 2027/124", "typo in the first", student_admin)
    assert second.cause == "manual:2"
    # Earlier rows are untouched, and reconciling leaves the staff corrections alone.
    assert list(LedgerMovement.objects.filter(student=student, id__lte=before[-1]["id"]).order_by("id").values()) \
        == before
    assert sync_ledgers([student.pk]) == 0
    from students.services import balance_at

    assert balance_at(student.pk, date(2027, 10, 4)) == 140 - 6 + 6 - 2


@pytest.mark.django_db
def test_la13_correction_needs_reference_reason_and_credits():
    from students.models import LedgerMovement
    from students.services import record_correction
    from tests.enrolment.factories import StudentFactory

    student = StudentFactory()
    with pytest.raises(ValueError, match="0 credits"):
        record_correction(student, 0, date(2027, 1, 1), "REF", "reason", None)
    with pytest.raises(ValueError, match="reference"):
        record_correction(student, 5, date(2027, 1, 1), "  ", "reason", None)
    with pytest.raises(ValueError, match="reason"):
        record_correction(student, 5, date(2027, 1, 1), "REF", "", None)
    assert not LedgerMovement.objects.filter(student=student).exists()


@pytest.mark.django_db
def test_la13_movements_are_never_edited_or_deleted():
    from students.models import LedgerMovement
    from students.services import record_correction
    from tests.enrolment.factories import StudentFactory

    m = record_correction(StudentFactory(), 5, date(2027, 1, 1), "REF", "reason", None)
    m.credits = 50
    with pytest.raises(PermissionError):
        m.save()
    with pytest.raises(PermissionError):
        m.delete()
    with pytest.raises(PermissionError):
        LedgerMovement.objects.filter(pk=m.pk).update(credits=50)
    with pytest.raises(PermissionError):
        LedgerMovement.objects.filter(pk=m.pk).delete()


# --------------------------------------------------------------------------------------------- LA-14 ----
def _check(balance_: int, credits: int, programme_kind="bachelor", regs=UH, holds_master=False, exc=None):
    request = en_rules.EnrolmentRequest("diploma", "P", programme_kind, (en_rules.UnitChoice("U", credits),),
                                        date(2026, 9, 10))
    situation = en_rules.StudentSituation(balance=balance_, holds_master=holds_master)
    return en_rules.check_learning_account(request, situation, regs, exc or en_rules.Exceptions())


def test_la14_balance_at_or_below_zero_refuses_positive_caps():
    assert _check(0, 6).blocking and _check(-10, 6).blocking
    capped = _check(20, 30)
    assert capped.blocking and "at most 20 credits" in capped.message
    assert _check(30, 30).ok


# --------------------------------------------------------------------------------------------- LA-15 ----
def busy_account() -> rules.AccountFacts:
    """A career with every kind of movement: register, enrolments, addition, removal, results, degree, rebuild."""
    register = rules.RegisterOpening(balance=120, as_of=date(2026, 9, 1), bonus_used=20)
    y1 = contract(line(6, unit="A", certificate_on=JAN_2027),
                  line(5, unit="B", semester=2, removed_on=date(2027, 3, 1)),
                  line(4, unit="C", added_on=date(2026, 10, 2), certificate_on=JUN_2027), year=Y26)
    y2 = contract(line(60, unit="M", added_on=date(2027, 9, 10), certificate_on=date(2028, 7, 9)),
                  programme_kind="master", year=Y27)
    y3 = contract(line(6, unit="X", added_on=date(2028, 9, 10)), year=Y28, kind="credit",
                  deregistered_on=date(2028, 10, 1), deregistration_reason="withdrawal")
    return account(y1, y2, y3, register=register, degrees=(rules.DegreeFacts("D", "master", date(2028, 7, 9)),),
                   years=(Y26, Y27, Y28, Y29))


def test_la15_balance_is_sum_of_movements():
    ms = movements(busy_account())
    assert {m.kind for m in ms} >= {"opening", "enrolment", "addition", "refund", "restitution", "bonus", "degree",
                                    "rebuild"}
    days = sorted({m.on for m in ms} | {m.on - timedelta(days=1) for m in ms} | {date(2030, 1, 1)})
    for d in days:
        assert rules.balance_on(ms, d) == sum(m.credits for m in ms if m.on <= d)
    assert balance(ms, date(2026, 8, 31)) == 0
    # 120 - 11 - 4 + 5 (B removed before 15 March) + 6+6 + 4+4 (A, C with bonus) - 60 + 60 (master) - 140
    # (degree) + 10 (rebuild 2028) - 6 (credit contract, LA-9) + 10 (rebuild 2029)
    assert balance(ms) == 120 - 11 - 4 + 5 + 12 + 8 - 60 + 60 - 140 + 10 - 6 + 10


def test_la15_every_movement_has_a_date_a_cause_and_a_rule():
    ms = movements(busy_account())
    assert all(m.on and m.cause and m.article and m.credits for m in ms)
    assert len({m.cause for m in ms}) == len(ms)


def test_la15_movements_come_in_date_order_opening_first():
    ms = movements(busy_account())
    assert [m.on for m in ms] == sorted(m.on for m in ms)
    assert ms[0].kind == "opening"


def test_la15_expected_movements_do_not_depend_on_the_order_of_the_facts():
    facts = busy_account()
    shuffled = dataclasses.replace(facts, contracts=tuple(reversed(facts.contracts)),
                                   years=tuple(reversed(facts.years)))
    assert movements(shuffled) == movements(facts)


# LA-15, reconcile: the stored ledger follows the facts by appending rows only.
def test_la15_reconcile_empty_ledger_writes_every_expected_movement():
    expected = movements(busy_account())
    rows = rules.reconcile(expected, [])
    assert [(r.cause, r.on, r.kind, r.credits, r.revision) for r in rows] == sorted(
        (m.cause, m.on, m.kind, m.credits, 0) for m in expected)


def test_la15_reconcile_is_idempotent():
    expected = movements(busy_account())
    stored = stored_from(rules.reconcile(expected, []))
    assert rules.reconcile(expected, stored + stored_from(rules.reconcile(expected, stored))) == []
    assert rules.reconcile(expected, stored) == []


def test_la15_reconcile_reverses_a_restitution_when_the_result_is_removed():
    passed = account(contract(line(6, key="L", unit="A", certificate_on=JAN_2027), key="C"))
    stored = write(passed)
    failed = account(contract(line(6, key="L", unit="A"), key="C"))
    rows = rules.reconcile(movements(failed), stored)
    assert [(r.cause, r.on, r.kind, r.credits, r.revision) for r in rows] == [
        ("bonus:L", JAN_2027, "correction", -6, 1), ("restore:L", JAN_2027, "correction", -6, 1)]
    after = stored + stored_from(rows)
    assert rules.balance_on(after, date.max) == balance(failed) == 134
    assert rules.reconcile(movements(failed), after) == []


def test_la15_reconcile_moves_a_refund_whose_date_moved():
    early = account(contract(line(6, key="L", removed_on=date(2026, 11, 20)), key="C"))
    stored = write(early)
    late = account(contract(line(6, key="L", removed_on=date(2026, 11, 25)), key="C"))
    rows = rules.reconcile(movements(late), stored)
    assert [(r.cause, r.on, r.kind, r.credits) for r in rows] == [
        ("refund:L", date(2026, 11, 20), "correction", -6), ("refund:L", date(2026, 11, 25), "refund", 6)]
    after = stored + stored_from(rows)
    for d in (date(2026, 11, 20), date(2026, 11, 24), date(2026, 11, 25)):
        assert rules.balance_on(after, d) == balance(late, d)
    assert rules.reconcile(movements(late), after) == []


def test_la15_reconcile_reverses_a_refund_when_the_date_moves_past_the_cutoff():
    stored = write(account(contract(line(6, key="L", removed_on=date(2026, 11, 30)), key="C")))
    too_late = account(contract(line(6, key="L", removed_on=date(2026, 12, 1)), key="C"))
    rows = rules.reconcile(movements(too_late), stored)
    assert [(r.cause, r.on, r.credits) for r in rows] == [("refund:L", date(2026, 11, 30), -6)]
    assert rules.balance_on(stored + stored_from(rows), date.max) == 134


def test_la15_reconcile_corrects_an_amount_on_the_same_day():
    stored = write(account(contract(line(6, key="L"), key="C")))
    rows = rules.reconcile(movements(account(contract(line(5, key="L"), key="C"))), stored)
    assert [(r.cause, r.on, r.kind, r.credits, r.revision) for r in rows] == [
        ("enrol:C", date(2026, 9, 10), "correction", 1, 1)]


def test_la15_reconcile_leaves_staff_corrections_alone():
    facts = account(contract(line(6)))
    stored = write(facts) + [rules.StoredMovement("manual:1", 0, date(2027, 1, 1), "correction", 6)]
    assert rules.reconcile(movements(facts), stored) == []


def test_la15_reconcile_after_facts_go_back_and_forth():
    with_refund = account(contract(line(6, key="L", removed_on=date(2026, 11, 20)), key="C"))
    without = account(contract(line(6, key="L"), key="C"))
    stored = write(with_refund)
    stored = write(without, stored)
    stored = write(with_refund, stored)
    assert rules.reconcile(movements(with_refund), stored) == []
    assert [s.revision for s in stored if s.cause == "refund:L"] == [0, 1, 2]
    assert rules.balance_on(stored, date.max) == 140


def test_la15_both_presets_agree_where_the_rules_are_the_same():
    uh = account(sixty({0, 1}))
    pxl_year = dataclasses.replace(Y26, regs=PXL_2018_2019)
    pxl = account(sixty({0, 1}), years=(pxl_year,))
    assert [(m.kind, m.credits) for m in movements(uh)] == [(m.kind, m.credits) for m in movements(pxl)]
    assert UHASSELT_2026_2027.la_initial_credits == PXL_2018_2019.la_initial_credits == 140
