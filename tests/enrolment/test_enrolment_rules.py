"""Enrolment checks as pure rules (rules.md EN-1, EN-2, EN-3 and LA-14): enrolment.rules."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from config.regulations import PXL_2018_2019 as PXL
from config.regulations import UHASSELT_2026_2027 as UH
from config.regulations import InsufficientBalancePolicy
from enrolment.rules import (
    EnrolmentRequest,
    Exceptions,
    StudentSituation,
    UnitChoice,
    addition_checks,
    check_first_bachelor_programme,
    check_learning_account,
    check_max_credits,
    check_one_contract_per_unit,
    enrolment_checks,
)

ON = date(2026, 9, 10)


def units(*credits: int, prefix="U", exempted=()) -> tuple[UnitChoice, ...]:
    return tuple(UnitChoice(f"{prefix}{i}", c, exempted=i in exempted) for i, c in enumerate(credits))


def request(*credits: int, kind="diploma", programme_kind="bachelor", educational=False, exempted=(),
            prefix="U") -> EnrolmentRequest:
    return EnrolmentRequest(kind, "BA-INF", programme_kind, units(*credits, prefix=prefix, exempted=exempted), ON,
                            educational)


def situation(balance=140, **kw) -> StudentSituation:
    return StudentSituation(balance=balance, **kw)


# ---------------------------------------------------------------------------------------------- EN-1 ----
def test_en1_unit_already_in_another_contract_this_year_is_refused():
    f = check_one_contract_per_unit(request(6, 6), situation(units_this_year=frozenset({"U1", "X"})))
    assert f.blocking and not f.exception_allowed
    assert f.rule == "EN-1" and "U1" in f.message and "U0" not in f.message


def test_en1_second_contract_of_the_same_kind_in_the_programme_is_refused():
    f = check_one_contract_per_unit(request(6), situation(contract_kinds_in_programme=frozenset({"diploma"})))
    assert f.blocking and "add units to it instead" in f.message


@pytest.mark.parametrize(("have", "want"), [("diploma", "exam"), ("exam", "diploma")])
def test_en1_diploma_and_exam_contract_in_one_programme_are_refused(have, want):
    f = check_one_contract_per_unit(request(6, kind=want), situation(contract_kinds_in_programme=frozenset({have})))
    assert f.blocking and "cannot be combined" in f.message and f.article == "UH 3.7.2"


@pytest.mark.parametrize(("have", "want"), [("diploma", "credit"), ("credit", "diploma"), ("credit", "exam")])
def test_en1_other_contract_combinations_with_other_units_are_allowed(have, want):
    f = check_one_contract_per_unit(request(6, kind=want), situation(contract_kinds_in_programme=frozenset({have})))
    assert f.ok


def test_en1_cannot_be_waived_by_any_exception():
    outcome = enrolment_checks(request(6), situation(units_this_year=frozenset({"U0"})), UH,
                               Exceptions(la14_max_credits=100, en2=True, en3_max_credits=100))
    assert not outcome.allowed
    assert [f.rule for f in outcome.blocking] == ["EN-1"]


def test_en1_applies_to_units_added_to_an_existing_contract():
    sit = situation(units_this_year=frozenset({"U0"}), contract_kinds_in_programme=frozenset({"diploma"}))
    outcome = addition_checks(request(6), sit, UH)
    assert [f.rule for f in outcome.blocking] == ["EN-1"]
    # The contract's own kind is not a reason to refuse an addition.
    assert addition_checks(request(6, prefix="NEW"), sit, UH).allowed


# ---------------------------------------------------------------------------------------------- EN-2 ----
FIRST_YEAR = frozenset({"U0", "U1", "U2"})


def test_en2_first_bachelor_enrolment_takes_the_full_first_year_programme():
    assert check_first_bachelor_programme(request(6, 6, 6), situation(first_year_units=FIRST_YEAR), UH,
                                          Exceptions()).ok


def test_en2_first_bachelor_enrolment_missing_a_unit_is_refused_with_the_missing_units():
    f = check_first_bachelor_programme(request(6, 6), situation(first_year_units=FIRST_YEAR), UH, Exceptions())
    assert f.blocking and f.exception_allowed and "U2" in f.message


def test_en2_individualised_programme_decision_lets_it_pass():
    f = check_first_bachelor_programme(request(6, 6), situation(first_year_units=FIRST_YEAR), UH, Exceptions(en2=True))
    assert f.ok and f.waived_by_exception


@pytest.mark.parametrize("sit", [
    situation(first_year_units=FIRST_YEAR, earlier_bachelor_enrolment=True),
    situation(first_year_units=FIRST_YEAR, holds_bachelor=True),
    situation(first_year_units=FIRST_YEAR, holds_master=True),
], ids=["not-first-enrolment", "holds-bachelor", "holds-master"])
def test_en2_does_not_apply_after_an_earlier_enrolment_or_with_a_degree(sit):
    assert check_first_bachelor_programme(request(6), sit, UH, Exceptions()).ok


@pytest.mark.parametrize(("kind", "programme_kind"), [("credit", "bachelor"), ("exam", "bachelor"),
                                                      ("diploma", "master")])
def test_en2_only_for_a_diploma_contract_in_a_bachelor(kind, programme_kind):
    f = check_first_bachelor_programme(request(6, kind=kind, programme_kind=programme_kind),
                                       situation(first_year_units=FIRST_YEAR), UH, Exceptions())
    assert f.ok


def test_en2_pxl_has_no_full_first_year_rule():
    assert check_first_bachelor_programme(request(6), situation(first_year_units=FIRST_YEAR), PXL, Exceptions()).ok


# ---------------------------------------------------------------------------------------------- EN-3 ----
def test_en3_72_credits_over_all_contracts_is_allowed():
    f = check_max_credits(request(12), situation(credits_this_year=60), UH, Exceptions())
    assert f.ok and "72" in f.message


def test_en3_73_credits_needs_bureau_decision():
    f = check_max_credits(request(13), situation(credits_this_year=60), UH, Exceptions())
    assert f.blocking and f.exception_allowed
    assert "73" in f.message and "72" in f.message and "bureau" in f.message


def test_en3_bureau_exception_allows_up_to_its_number():
    allowed = check_max_credits(request(13), situation(credits_this_year=60), UH, Exceptions(en3_max_credits=75))
    assert allowed.ok and allowed.waived_by_exception
    too_many = check_max_credits(request(16), situation(credits_this_year=60), UH, Exceptions(en3_max_credits=75))
    assert too_many.blocking


def test_en3_counts_one_enrolment_of_73_credits_as_well():
    assert check_max_credits(request(*[6] * 12, 1), situation(), UH, Exceptions()).blocking
    assert check_max_credits(request(*[6] * 12), situation(), UH, Exceptions()).ok


def test_en3_pxl_limit_is_66():
    assert check_max_credits(request(6), situation(credits_this_year=60), PXL, Exceptions()).ok
    assert check_max_credits(request(7), situation(credits_this_year=60), PXL, Exceptions()).blocking


def test_en3_through_all_checks_and_then_with_the_decision():
    req, sit = request(13), situation(credits_this_year=60)
    assert [f.rule for f in enrolment_checks(req, sit, UH).blocking] == ["EN-3"]
    assert enrolment_checks(req, sit, UH, Exceptions(en3_max_credits=73)).allowed


# --------------------------------------------------------------------------------------------- LA-14 ----
@pytest.mark.parametrize("balance", [0, -1, -40])
def test_la14_balance_at_or_below_zero_is_refused(balance):
    f = check_learning_account(request(6), situation(balance), UH, Exceptions())
    assert f.blocking and f.exception_allowed
    assert f.article == "UH 1.3.1" and "vice rector" in f.message and str(balance) in f.message


def test_la14_positive_insufficient_balance_is_capped_naming_the_balance():
    f = check_learning_account(request(30, 30), situation(37), UH, Exceptions())
    assert f.blocking and f.exception_allowed and f.article == "UH 1.3.2"
    assert "37 credits" in f.message and "at most 37 credits" in f.message and "60" in f.message


def test_la14_enrolment_within_the_balance_is_allowed():
    assert check_learning_account(request(30, 30), situation(60), UH, Exceptions()).ok


def test_la14_uh_initial_master_is_never_refused_to_a_student_without_a_master():
    f = check_learning_account(request(60, programme_kind="master"), situation(-20), UH, Exceptions())
    assert f.ok and f.article == "UH 1.3.3"


def test_la14_uh_initial_master_rule_not_for_a_student_holding_a_master():
    f = check_learning_account(request(60, programme_kind="master"), situation(-20, holds_master=True), UH,
                               Exceptions())
    assert f.blocking


def test_la14_pxl_has_no_initial_master_exception():
    assert check_learning_account(request(60, programme_kind="master"), situation(0), PXL, Exceptions()).blocking


@pytest.mark.parametrize("balance", [-10, 0, 20])
def test_la14_exception_decision_lets_it_pass(balance):
    f = check_learning_account(request(30, 30), situation(balance), UH, Exceptions(la14_max_credits=60))
    assert f.ok and f.waived_by_exception and "60" in f.message
    assert enrolment_checks(request(30, 30), situation(balance), UH, Exceptions(la14_max_credits=60)).allowed


def test_la14_exception_for_fewer_credits_than_asked_does_not_pass():
    assert check_learning_account(request(30, 30), situation(20), UH, Exceptions(la14_max_credits=40)).blocking


def test_la14_exempted_units_do_not_need_balance():
    assert check_learning_account(request(30, 30, exempted={1}), situation(30), UH, Exceptions()).ok


@pytest.mark.parametrize(("kind", "programme_kind", "educational", "holds"), [
    ("exam", "bachelor", False, False),
    ("diploma", "advanced_master", False, False),
    ("diploma", "master", True, True),
])
def test_la14_enrolments_that_do_not_use_the_account_are_not_capped_by_it(kind, programme_kind, educational, holds):
    # The engine's reading of LA-2. (UH 1.3.1 says "regardless of the contract type": see the report.)
    f = check_learning_account(request(60, kind=kind, programme_kind=programme_kind, educational=educational),
                               situation(20, holds_master=holds), UH, Exceptions())
    assert f.ok


def test_la14_surcharge_policy_lets_the_student_enrol_and_names_the_missing_credits():
    odisee = dataclasses.replace(UH, insufficient_balance_policy=InsufficientBalancePolicy.SURCHARGE)
    f = check_learning_account(request(30, 30), situation(25), odisee, Exceptions())
    assert f.ok and "double fee for the 35 missing credits" in f.message
    assert check_learning_account(request(30), situation(0), odisee, Exceptions()).blocking


def test_la14_all_checks_report_every_blocking_rule_in_staff_order():
    sit = situation(10, credits_this_year=60, first_year_units=frozenset({"U0", "U1", "Z"}))
    outcome = enrolment_checks(request(6, 7), sit, UH)
    assert [f.rule for f in outcome.findings] == ["EN-1", "LA-14", "EN-2", "EN-3"]
    assert [f.rule for f in outcome.blocking] == ["LA-14", "EN-2", "EN-3"]
    assert not outcome.allowed


# -------------------------------------------------------------------------------------------- UH 2.6 ----
def test_uh26_second_enrolment_in_a_held_degree_needs_30_credits():
    from enrolment.rules import check_second_enrolment

    held = situation(degree_programmes=frozenset({"BA-INF"}))
    assert check_second_enrolment(request(6, 6), situation(), UH) is None  # no degree of this programme
    assert check_second_enrolment(request(6, 6, kind="credit"), held, UH) is None
    refused = check_second_enrolment(request(6, 6, 6, 6), held, UH)
    assert refused.blocking and not refused.exception_allowed and refused.article == "UH 2.6.1"
    assert check_second_enrolment(request(6, 6, 6, 6, 6), held, UH).ok
    # exempted units are not taken up
    assert check_second_enrolment(request(6, 6, 6, 6, 6, exempted=(0,)), held, UH).blocking
    # the educational master's taken again for another subject didactics
    assert check_second_enrolment(request(6, programme_kind="master", educational=True), held, UH).ok
    assert check_second_enrolment(request(6, 6, 6, 6, 6), held, PXL).ok
    assert [f.rule for f in enrolment_checks(request(6, 6), held, UH).blocking] == ["UH 2.6"]
