"""Results and deliberation (rules.md sections 3-4: EX-4, EX-5, DL-1 .. DL-8) as pure functions.

No Django, no clock. The thresholds come from ``Regulations.deliberation`` (UH 16); a preset without
deliberation rules (PXL: its examination regulations are not in the source) makes :func:`require_rules`
refuse with a clear message instead of inventing numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from config.regulations import DeliberationRules, Regulations, round_half_up

NUMERIC, PASS, FAIL, ABSENT, ABSENT_JUSTIFIED = "numeric", "pass", "fail", "absent", "absent_justified"
NO_DISTINCTION_KINDS = frozenset({"bridging", "preparatory"})  # UH 16.7.2


class NoDeliberationRules(LookupError):
    """The year's regulations hold no deliberation thresholds (PXL)."""


def require_rules(regs: Regulations) -> DeliberationRules:
    if regs.deliberation is None:
        raise NoDeliberationRules(
            f"The {regs.label} regulations contain no deliberation rules (their examination regulations are not "
            "part of the source text); configure them before deliberating."
        )
    return regs.deliberation


@dataclass(frozen=True)
class Attempt:
    opportunity: int
    outcome: str
    grade: int | None = None


def _rank(a: Attempt) -> tuple[int, int]:
    """EX-5 ordering: a numeric grade by its value, pass above fail, any result above an absence."""
    if a.outcome == NUMERIC:
        return (2, a.grade or 0)
    if a.outcome == PASS:
        return (3, 0)
    if a.outcome == FAIL:
        return (1, 0)
    if a.outcome == ABSENT:
        return (0, 0)
    return (-1, 0)  # justified absence: no result


def _half_up(numerator: int, denominator: int) -> int:
    """``round_half_up(Fraction(numerator, denominator))`` for a positive denominator, in integers:
    floor(n/d + 1/2) = (2n + d) // 2d. A deliberation proposal computes it thousands of times."""
    return (2 * numerator + denominator) // (2 * denominator)


def final_result(attempts: list[Attempt], opportunity: int = 2) -> Attempt | None:
    """EX-5 (UH 12.4.2): the highest result of the opportunities up to ``opportunity`` within one year."""
    if len(attempts) == 1:  # the usual case, without building a list
        a = attempts[0]
        return a if a.opportunity <= opportunity and a.outcome != ABSENT_JUSTIFIED else None
    usable = [a for a in attempts if a.opportunity <= opportunity and a.outcome != ABSENT_JUSTIFIED]
    if not usable:
        return None
    return max(usable, key=lambda a: (_rank(a), -a.opportunity))


@dataclass(frozen=True)
class UnitOutcome:
    code: str
    credits: int
    exempted: bool = False
    tolerance_excluded: bool = False
    result: Attempt | None = None


def has_certificate(result: Attempt | None, d: DeliberationRules) -> bool:
    """EX-4: a credit certificate needs >= 10/20 or "pass"."""
    if result is None:
        return False
    return result.outcome == PASS or (result.outcome == NUMERIC and (result.grade or 0) >= d.pass_grade)


def is_tolerable(unit: UnitOutcome, d: DeliberationRules) -> bool:
    """DL-3..6 and DL-7: a fail of 8 or 9 on a unit that is not excluded from tolerance."""
    r = unit.result
    return (r is not None and r.outcome == NUMERIC and r.grade in d.tolerable_grades
            and not unit.tolerance_excluded)


def weighted_percentage(units: list[UnitOutcome]) -> int | None:
    """DL-1 (UH 16.3): sum(result x credits) / (20 x credits) x 100, rounded half up; exemptions and
    non-numeric results left out. ``None`` when no numeric result exists."""
    numeric = [u for u in units if not u.exempted and u.result is not None and u.result.outcome == NUMERIC]
    credits = sum(u.credits for u in numeric)
    if not credits:
        return None
    return _half_up(sum(u.result.grade * u.credits for u in numeric) * 100, 20 * credits)


def tolerance_allowance(kind: str, package: int | None, credits_taken: int, d: DeliberationRules,
                        programme_credits: int = 0, exempted_credits: int = 0) -> int:
    """The credits that tolerable fails may cover (rounded half up everywhere, UH 16.4-16.7).

    - DL-3, package 1: 12 on a 60-credit package, pro rata to the credits actually taken.
    - DL-4, package 2: 12 on 120, pro rata, capped at 12.
    - DL-5, master: 6, reduced pro rata only by exemptions (the text's "in the event of exemptions"), capped.
      Advanced master and postgraduate programmes have no rule of their own; the master rule is applied, the
      reading in the student's favour.
    - DL-6, bridging/preparatory: 10 % of the credits taken.
    """
    if kind == "bachelor" and package == 1:
        return _half_up(d.package1_credits * credits_taken, d.package1_nominal)
    if kind == "bachelor":
        return min(d.package2_credits, _half_up(d.package2_credits * credits_taken, d.package2_nominal))
    if kind in ("bridging", "preparatory"):
        return _half_up(d.bridging_share_percent * credits_taken, 100)
    if programme_credits and exempted_credits:
        share = Fraction(d.master_credits * (programme_credits - exempted_credits), programme_credits)
        return min(d.master_credits, round_half_up(share))
    return d.master_credits


@dataclass(frozen=True)
class PackageOutcome:
    package: int | None
    complete: bool
    credits_taken: int
    weighted_percentage: int | None
    failed: tuple[str, ...]
    tolerated: tuple[str, ...]
    passed: bool
    missing: tuple[str, ...] = ()
    reasons: tuple[str, ...] = field(default_factory=tuple)
    tolerance_credits_allowed: int = 0
    minimum_percentage: int | None = None


def package_outcome(kind: str, package: int | None, units: list[UnitOutcome], d: DeliberationRules,
                    programme_credits: int = 0) -> PackageOutcome:
    """DL-2 .. DL-7: whether a deliberation package (or a non-bachelor programme) is passed, and why.

    A package is complete when every non-exempt unit has a result (an unauthorised absence is a result; a
    justified absence is not). An incomplete package is not passed.
    """
    # One pass over the units (a proposal runs this for every package of thousands of students, issue 8); the
    # same figures as ``weighted_percentage`` and ``has_certificate`` unit by unit.
    credits_taken = exempted = numeric_credits = numeric_points = 0
    missing_codes: list[str] = []
    failed_units: list[UnitOutcome] = []
    pass_grade = d.pass_grade
    for u in units:
        if u.exempted:
            exempted += u.credits
            continue
        credits_taken += u.credits
        r = u.result
        if r is None:
            missing_codes.append(u.code)
        elif r.outcome == NUMERIC:
            numeric_credits += u.credits
            numeric_points += r.grade * u.credits
            if (r.grade or 0) < pass_grade:
                failed_units.append(u)
        elif r.outcome != PASS:
            failed_units.append(u)
    missing = tuple(sorted(missing_codes))
    failed = tuple(sorted(u.code for u in failed_units))
    pct = _half_up(numeric_points * 100, 20 * numeric_credits) if numeric_credits else None
    allowance = tolerance_allowance(kind, package, credits_taken, d, programme_credits, exempted)
    common = dict(package=package, complete=not missing, credits_taken=credits_taken, weighted_percentage=pct,
                  failed=failed, missing=missing, tolerance_credits_allowed=allowance)
    if missing:
        return PackageOutcome(tolerated=(), passed=False, reasons=(
            f"No result yet for {', '.join(missing)}: an incomplete package is not passed.",), **common)
    if not failed:
        return PackageOutcome(tolerated=(), passed=True, reasons=("Every unit has a credit certificate.",), **common)

    if kind == "bachelor" and package == 1:
        article, minimum = "DL-3 (UH 16.4.2)", (
            d.package1_min_percentage[min(len(failed), len(d.package1_min_percentage)) - 1])
    elif kind == "bachelor":
        article, minimum = "DL-4 (UH 16.4.3)", d.package2_min_percentage
    elif kind in ("bridging", "preparatory"):
        article, minimum = "DL-6 (UH 16.7)", d.bridging_min_percentage
    else:
        article, minimum = "DL-5 (UH 16.6)", d.master_min_percentage
    reasons = []
    excluded = sorted(u.code for u in failed_units if u.tolerance_excluded)
    if excluded:
        reasons.append(f"{', '.join(excluded)} must be passed: excluded from tolerance (DL-7, UH 16.8.2).")
    not_tolerable = sorted(u.code for u in failed_units if not u.tolerance_excluded and not is_tolerable(u, d))
    if not_tolerable:
        reasons.append(f"{', '.join(not_tolerable)}: only fails of 8 or 9 can be tolerated ({article}).")
    if kind == "bachelor" and package == 1 and len(failed) > d.package1_max_fails:
        reasons.append(f"{len(failed)} fails; at most {d.package1_max_fails} can be tolerated ({article}).")
    fail_credits = sum(u.credits for u in failed_units)
    if fail_credits > allowance:
        reasons.append(f"The fails total {fail_credits} credits; tolerance covers at most {allowance} ({article}).")
    if pct is None or pct < minimum:
        reasons.append(f"The weighted percentage is {pct if pct is not None else 'not available'}; tolerance needs "
                       f"at least {minimum}% ({article}).")
    if reasons:
        return PackageOutcome(tolerated=(), passed=False, reasons=tuple(reasons), minimum_percentage=minimum,
                              **common)
    return PackageOutcome(tolerated=failed, passed=True, minimum_percentage=minimum, reasons=(
        f"Passed with tolerance for {', '.join(failed)} ({fail_credits} of {allowance} credits, {pct}% >= "
        f"{minimum}%, {article}).",), **common)


def distinction(kind: str, percentage: int | None, credits_taken: int, programme_credits: int,
                d: DeliberationRules) -> str | None:
    """DL-8 (UH 16.9): the degree of distinction of a passed programme; none for bridging/preparatory
    programmes (UH 16.7.2) and none when less than half of the programme's credits were taken here."""
    if percentage is None or kind in NO_DISTINCTION_KINDS:
        return None
    num, den = d.distinction_min_share
    if credits_taken * den < programme_credits * num:
        return None
    for threshold, name in d.distinctions:
        if percentage >= threshold:
            return name
    return None


def package_target_credits(kind: str, package: int | None, programme_credits: int, d: DeliberationRules) -> int:
    """DL-2: the credits a package must cover: 60 for package 1, the rest of the bachelor for package 2."""
    if kind == "bachelor" and package == 1:
        return d.package1_nominal
    if kind == "bachelor":
        return max(0, programme_credits - d.package1_nominal)
    return programme_credits
