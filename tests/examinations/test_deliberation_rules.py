"""DL-1 .. DL-8 and EX-4/EX-5 as pure functions (examinations/rules.py), UHasselt thresholds."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from config.regulations import PXL_2018_2019, UHASSELT_2026_2027
from examinations import rules as r

D = UHASSELT_2026_2027.deliberation


def num(grade, opportunity=1):
    return r.Attempt(opportunity, "numeric", grade)


def unit(code, credits, grade=None, **kw):
    result = kw.pop("result", None) or (num(grade) if grade is not None else None)
    return r.UnitOutcome(code, credits, result=result, **kw)


def package1(*grades, credits=6):
    return [unit(f"U{i}", credits, g) for i, g in enumerate(grades)]


# DL-1 ---------------------------------------------------------------------------------------------------
def test_dl1_weighted_percentage_ten_units_at_14_is_70():
    assert r.weighted_percentage(package1(*[14] * 10)) == 70


def test_dl1_rounds_half_up_and_x49_down():
    assert r.weighted_percentage([unit("A", 1, 11), unit("B", 1, 10)]) == 53  # 52.5 -> 53
    assert r.weighted_percentage([unit("A", 3, 10), unit("B", 1, 11), unit("C", 6, 11)]) == 54  # 53.5 -> 54
    assert r.weighted_percentage([unit("A", 100, 10), unit("B", 1, 9)]) == 50  # 49.95 -> 50
    assert r.weighted_percentage([unit("A", 200, 10), unit("B", 1, 0)]) == 50  # 49.75 -> 50
    # 99 credits at 10 and 1 at 9: 99.5 / 2 = 49.95 -> 50; 1 at 9 of 2: 47.5 -> 48 (x.5 up), 47.4 -> 47
    assert r.weighted_percentage([unit("A", 1, 9), unit("B", 1, 10)]) == 48
    assert r.weighted_percentage([unit("A", 5, 9), unit("B", 5, 10), unit("C", 10, 9)]) == 46  # 46.25


def test_dl1_leaves_out_exemptions_and_non_numeric_results():
    units = [unit("A", 6, 14), unit("B", 6, 4, exempted=True), unit("C", 6, result=r.Attempt(1, "pass"))]
    assert r.weighted_percentage(units) == 70
    assert r.weighted_percentage([unit("C", 6, result=r.Attempt(1, "pass"))]) is None


# DL-3: package 1 ------------------------------------------------------------------------------------------
def test_dl3_all_passed():
    out = r.package_outcome("bachelor", 1, package1(*[12] * 10), D)
    assert out.passed and out.failed == () and out.tolerated == ()


def test_dl3_one_fail_needs_54_percent():
    grades = [9] + [11] * 9  # (54 + 594) / 1200 = 54%
    out = r.package_outcome("bachelor", 1, package1(*grades), D)
    assert out.weighted_percentage == 54 and out.passed and out.tolerated == ("U0",)
    grades = [9] + [11] * 8 + [10]  # 53.5 -> 54 (rounded half up)
    assert r.package_outcome("bachelor", 1, package1(*grades), D).passed
    grades = [8] + [11] * 8 + [10]  # 53.0%
    out = r.package_outcome("bachelor", 1, package1(*grades), D)
    assert out.weighted_percentage == 53 and not out.passed


def test_dl3_two_fails_need_58_percent():
    grades = [9, 8] + [12] * 7 + [13]  # (54 + 48 + 504 + 78) / 1200 = 57%
    out = r.package_outcome("bachelor", 1, package1(*grades), D)
    assert out.weighted_percentage == 57 and not out.passed and out.minimum_percentage == 58
    grades = [9, 8] + [13] * 8  # (102 + 624) / 1200 = 60.5 -> 61
    out = r.package_outcome("bachelor", 1, package1(*grades), D)
    assert out.passed and set(out.tolerated) == {"U0", "U1"}


def test_dl3_three_fails_never_tolerated():
    out = r.package_outcome("bachelor", 1, package1(9, 9, 9, *[16] * 7), D)
    assert not out.passed and any("at most 2" in reason for reason in out.reasons)


def test_dl3_fail_of_7_is_not_tolerable():
    out = r.package_outcome("bachelor", 1, package1(7, *[18] * 9), D)
    assert not out.passed


def test_dl3_fails_over_12_credits_not_tolerated():
    units = [unit("A", 7, 9), unit("B", 6, 9)] + [unit(f"P{i}", 47 // 8 if i < 7 else 47 - 7 * 5, 16)
                                                  for i in range(8)]
    out = r.package_outcome("bachelor", 1, units, D)
    assert out.tolerance_credits_allowed == 12 and not out.passed


def test_dl3_pro_rata_on_partial_package_rounds_half_up():
    # 45 credits taken -> 12 * 45 / 60 = 9 credits; 35 taken -> 7; 42.5 impossible; 44 -> 8.8 -> 9; 37 -> 7.4 -> 7
    assert r.tolerance_allowance("bachelor", 1, 45, D) == 9
    assert r.tolerance_allowance("bachelor", 1, 44, D) == 9
    assert r.tolerance_allowance("bachelor", 1, 37, D) == 7
    assert r.tolerance_allowance("bachelor", 1, 35, D) == 7  # 7.0
    assert r.tolerance_allowance("bachelor", 1, 60, D) == 12


def test_dl3_pro_rata_with_exemptions():
    units = package1(9, 9, *[15] * 6) + [unit("E1", 6, exempted=True), unit("E2", 6, exempted=True)]
    out = r.package_outcome("bachelor", 1, units, D)
    assert out.credits_taken == 48 and out.tolerance_credits_allowed == 10  # 9.6 -> 10
    assert not out.passed  # the fails total 12 credits, over the 10 allowed pro rata
    units = package1(9, *[15] * 7) + [unit("E1", 6, exempted=True), unit("E2", 6, exempted=True)]
    assert r.package_outcome("bachelor", 1, units, D).passed  # one 6-credit fail within 10


def test_dl3_incomplete_package_not_passed():
    units = package1(*[15] * 9) + [unit("U9", 6)]
    out = r.package_outcome("bachelor", 1, units, D)
    assert not out.complete and not out.passed and out.missing == ("U9",)


def test_dl3_unauthorised_absence_is_a_result_justified_is_not():
    absent = unit("U9", 6, result=r.Attempt(1, "absent"))
    out = r.package_outcome("bachelor", 1, package1(*[15] * 9) + [absent], D)
    assert out.complete and not out.passed and out.failed == ("U9",)
    assert r.final_result([r.Attempt(1, "absent_justified")]) is None


# DL-4 / DL-5 / DL-6 ---------------------------------------------------------------------------------------
def test_dl4_package2_fails_8_or_9_within_12_credits_and_50_percent():
    units = [unit("A", 6, 8), unit("B", 6, 9), unit("C", 6, 8)] + [unit(f"P{i}", 6, 11) for i in range(17)]
    out = r.package_outcome("bachelor", 2, units, D)
    assert out.credits_taken == 120 and out.tolerance_credits_allowed == 12
    assert not out.passed  # 18 credits of fails
    units = [unit("A", 6, 8), unit("B", 6, 9)] + [unit(f"P{i}", 6, 11) for i in range(18)]
    out = r.package_outcome("bachelor", 2, units, D)
    assert out.passed and out.weighted_percentage == 54 and out.tolerated == ("A", "B")


def test_dl4_pro_rata_on_120_capped_at_12():
    assert r.tolerance_allowance("bachelor", 2, 60, D) == 6
    assert r.tolerance_allowance("bachelor", 2, 65, D) == 7  # 6.5 -> 7
    assert r.tolerance_allowance("bachelor", 2, 150, D) == 12


def test_dl4_49_percent_not_enough():
    units = [unit("A", 6, 9)] + [unit(f"P{i}", 6, 10) for i in range(9)]  # (54 + 540) / 1200 = 49.5 -> 50
    assert r.package_outcome("bachelor", 2, units, D).weighted_percentage == 50
    units = [unit("A", 6, 8)] + [unit(f"P{i}", 6, 10) for i in range(9)]  # 49%
    out = r.package_outcome("bachelor", 2, units, D)
    assert out.weighted_percentage == 49 and not out.passed


def test_dl5_master_6_credits_and_50_percent():
    units = [unit("A", 6, 9)] + [unit(f"P{i}", 6, 12) for i in range(9)]
    assert r.package_outcome("master", None, units, D, programme_credits=60).passed
    units = [unit("A", 7, 9)] + [unit(f"P{i}", 53 // 9 + (1 if i < 53 % 9 else 0), 12) for i in range(9)]
    assert not r.package_outcome("master", None, units, D, programme_credits=60).passed


def test_dl5_master_exemptions_reduce_pro_rata():
    assert r.tolerance_allowance("master", None, 60, D, programme_credits=120, exempted_credits=0) == 6
    assert r.tolerance_allowance("master", None, 90, D, programme_credits=120, exempted_credits=30) == 5  # 4.5
    assert r.tolerance_allowance("master", None, 60, D, programme_credits=60, exempted_credits=10) == 5


def test_dl6_bridging_10_percent_rounded_half_up():
    assert r.tolerance_allowance("bridging", None, 45, D) == 5  # 4.5 -> 5
    assert r.tolerance_allowance("preparatory", None, 44, D) == 4


# DL-7 ----------------------------------------------------------------------------------------------------
def test_dl7_tolerance_excluded_unit_must_be_passed():
    units = package1(*[15] * 9) + [unit("X", 6, 9, tolerance_excluded=True)]
    out = r.package_outcome("bachelor", 1, units, D)
    assert not out.passed and any("excluded from tolerance" in reason for reason in out.reasons)


# DL-8 ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("pct,expected", [
    (67, None), (68, "distinction"), (76, "distinction"), (77, "great_distinction"), (84, "great_distinction"),
    (85, "greatest_distinction"), (89, "greatest_distinction"), (90, "greatest_distinction_congratulations"),
])
def test_dl8_distinction_thresholds(pct, expected):
    assert r.distinction("bachelor", pct, 180, 180, D) == expected


def test_dl8_no_distinction_below_half_the_programme_or_for_bridging():
    assert r.distinction("master", 95, 59, 120, D) is None
    assert r.distinction("master", 95, 60, 120, D) == "greatest_distinction_congratulations"
    assert r.distinction("bridging", 95, 60, 60, D) is None


# EX-4 / EX-5 ----------------------------------------------------------------------------------------------
def test_ex4_certificate_from_10_or_pass():
    assert r.has_certificate(num(10), D) and not r.has_certificate(num(9), D)
    assert r.has_certificate(r.Attempt(1, "pass"), D) and not r.has_certificate(r.Attempt(1, "fail"), D)


def test_ex5_highest_result_of_the_year_kept():
    attempts = [num(12, 1), num(9, 2)]
    assert r.final_result(attempts).grade == 12
    assert r.final_result([num(7, 1), num(11, 2)]).grade == 11
    assert r.final_result([num(7, 1), num(11, 2)], opportunity=1).grade == 7
    assert r.final_result([num(7, 1), r.Attempt(2, "absent")]).grade == 7


def test_pxl_has_no_deliberation_rules():
    with pytest.raises(r.NoDeliberationRules):
        r.require_rules(PXL_2018_2019)


# The one-pass package_outcome against the rules read unit by unit ----------------------------------------
def _package_outcome_by_definition(units):
    """DL-1 and EX-4 applied literally, as the articles read: the figures the one-pass loop must reproduce."""
    taken = [u for u in units if not u.exempted]
    failed = tuple(sorted(u.code for u in taken if u.result is not None and not r.has_certificate(u.result, D)))
    return {
        "credits_taken": sum(u.credits for u in taken),
        "missing": tuple(sorted(u.code for u in taken if u.result is None)),
        "failed": failed,
        "weighted_percentage": r.weighted_percentage(taken),
    }


_attempts = st.one_of(
    st.none(),
    st.builds(r.Attempt, st.just(1), st.just("numeric"), st.integers(0, 20)),
    st.builds(r.Attempt, st.just(1), st.sampled_from(["pass", "fail", "absent"])),
)
_units = st.lists(
    st.builds(lambda i, credits, exempted, excluded, result: r.UnitOutcome(
        f"U{i:02d}", credits, exempted, excluded, result),
        st.integers(0, 99), st.integers(1, 30), st.booleans(), st.booleans(), _attempts),
    max_size=15, unique_by=lambda u: u.code)


@settings(max_examples=400, deadline=None)
@given(units=_units, kind=st.sampled_from(["bachelor", "master", "bridging"]), package=st.sampled_from([1, 2]))
def test_dl1_to_dl7_one_pass_package_outcome_matches_the_definitions(units, kind, package):
    package = package if kind == "bachelor" else None
    outcome = r.package_outcome(kind, package, units, D, 180)
    expected = _package_outcome_by_definition(units)
    assert {k: getattr(outcome, k) for k in expected} == expected
    assert outcome.complete == (not expected["missing"])
    assert outcome.passed == (not expected["missing"] and (not expected["failed"] or bool(outcome.tolerated)))
