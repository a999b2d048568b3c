"""Read side of the examinations: the deliberation proposal, in a fixed number of queries per programme."""

from __future__ import annotations

from collections import defaultdict

from enrolment.models import AcademicYear, ContractKind, Programme, ProgrammeLine

from . import rules
from .models import Result


class ProposalError(LookupError):
    """No proposal can be built for the programme, year or opportunity asked for."""


def deliberation_proposal(programme_code: str, year_code: str, opportunity: int = 1) -> dict:
    """What the rules say for every student enrolled in the programme that year (dataset.md), with the why.

    Diploma contracts and exam contracts towards the diploma are deliberated (UH 16.4.1); credit contracts earn
    credit certificates only. Opportunity 1 uses first-opportunity results; opportunity 2 the final result per
    unit (EX-5). ``programme_passed`` counts credit certificates and exemptions from earlier years.
    """
    try:
        programme = Programme.objects.get(code=programme_code)
    except Programme.DoesNotExist:
        raise ProposalError(f"unknown programme '{programme_code}'") from None
    try:
        year = AcademicYear.objects.get(code=year_code)
    except AcademicYear.DoesNotExist:
        raise ProposalError(f"unknown academic year '{year_code}'") from None
    if opportunity not in (1, 2):
        raise ProposalError("the opportunity is 1 or 2")
    d = rules.require_rules(year.rules)

    lines = list(
        ProgrammeLine.objects.filter(
            academic_year=year, contract__programme=programme, removed_on__isnull=True,
            contract__deregistered_on__isnull=True, contract__kind__in=[ContractKind.DIPLOMA, ContractKind.EXAM],
        ).select_related("course_unit", "student").order_by("student__number", "course_unit__code")
    )
    student_ids = {ln.student_id for ln in lines}
    attempts: dict[tuple[int, int, int], list[rules.Attempt]] = defaultdict(list)  # (student, year, unit)
    years_start = {}
    for r in Result.objects.filter(student_id__in=student_ids, course_unit__programme=programme,
                                   is_current=True).select_related(
            "academic_year").only("student_id", "academic_year_id", "academic_year__starts_on", "course_unit_id",
                                  "opportunity", "outcome", "grade"):
        attempts[(r.student_id, r.academic_year_id, r.course_unit_id)].append(
            rules.Attempt(r.opportunity, r.outcome, r.grade))
        years_start[r.academic_year_id] = r.academic_year.starts_on
    earlier_exempt = defaultdict(set)
    for sid, uid in ProgrammeLine.objects.filter(
            student_id__in=student_ids, course_unit__programme=programme, exempted=True,
            academic_year__starts_on__lt=year.starts_on).values_list("student_id", "course_unit_id"):
        earlier_exempt[sid].add(uid)

    by_student: dict[int, list[ProgrammeLine]] = defaultdict(list)
    for ln in lines:
        by_student[ln.student_id].append(ln)
    unit_info = {u.id: u for u in programme.course_units.all()}

    students_out = []
    for sid, own in by_student.items():
        packages: dict[int | None, list[rules.UnitOutcome]] = defaultdict(list)
        for ln in own:
            unit = ln.course_unit
            key = unit.package if programme.kind == "bachelor" else None
            result = rules.final_result(attempts.get((sid, year.id, unit.id), []), opportunity)
            packages[key].append(rules.UnitOutcome(unit.code, unit.credits, ln.exempted, unit.tolerance_excluded,
                                                   result))
        outcomes = [rules.package_outcome(programme.kind, p, units, d, programme.credits)
                    for p, units in sorted(packages.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))]

        # Earlier years: credit certificates and exemptions count towards the programme (DL-2 .. DL-6).
        covered: dict[int | None, int] = defaultdict(int)
        this_year_units = {ln.course_unit_id for ln in own}
        earlier_results: dict[int, tuple] = {}
        for (s, y, uid), atts in attempts.items():
            if s != sid or y == year.id or years_start.get(y) is None or years_start[y] >= year.starts_on:
                continue
            best = rules.final_result(atts)
            prev = earlier_results.get(uid)
            if prev is None or years_start[y] > prev[0]:
                earlier_results[uid] = (years_start[y], best)  # a later year replaces (UH 12.4.2)
        for uid, (_, best) in earlier_results.items():
            if uid not in this_year_units and rules.has_certificate(best, d) and uid in unit_info:
                covered[unit_info[uid].package if programme.kind == "bachelor" else None] += unit_info[uid].credits
        for uid in earlier_exempt[sid]:
            if uid not in this_year_units and uid in unit_info:
                covered[unit_info[uid].package if programme.kind == "bachelor" else None] += unit_info[uid].credits
        for o in outcomes:
            if o.passed:
                covered[o.package] += o.credits_taken + sum(
                    u.credits for u in packages[o.package] if u.exempted)
        needed = [1, 2] if programme.kind == "bachelor" else [None]
        programme_passed = all(o.passed for o in outcomes) and all(
            covered[p] >= rules.package_target_credits(programme.kind, p, programme.credits, d) for p in needed)

        distinction = None
        if programme_passed:
            all_units = []
            for uid, (_, best) in earlier_results.items():
                if uid not in this_year_units and uid in unit_info:
                    all_units.append(rules.UnitOutcome(unit_info[uid].code, unit_info[uid].credits, result=best))
            for units in packages.values():
                all_units.extend(units)
            taken = sum(u.credits for u in all_units if not u.exempted)
            distinction = rules.distinction(programme.kind, rules.weighted_percentage(all_units), taken,
                                            programme.credits, d)
        students_out.append({
            "student": own[0].student.number,
            "packages": [
                {"package": o.package, "complete": o.complete, "credits_taken": o.credits_taken,
                 "weighted_percentage": o.weighted_percentage, "failed": list(o.failed),
                 "tolerated": list(o.tolerated), "passed": o.passed, "missing": list(o.missing),
                 "tolerance_credits_allowed": o.tolerance_credits_allowed,
                 "minimum_percentage": o.minimum_percentage, "reasons": list(o.reasons)}
                for o in outcomes
            ],
            "programme_passed": programme_passed,
            "distinction": distinction,
        })
    return {"programme": programme.code, "academic_year": year.code, "opportunity": opportunity,
            "students": students_out}
