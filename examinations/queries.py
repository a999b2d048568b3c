"""Read side of the examinations: the deliberation proposal, in a fixed number of queries per programme."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection
from django.db.models import F, Lookup, Q

from enrolment.models import AcademicYear, ContractKind, Programme, ProgrammeLine
from students.models import Student

from . import rules
from .models import Result


class ProposalError(LookupError):
    """No proposal can be built for the programme, year or opportunity asked for."""


class _AnyOf(Lookup):
    """``lhs = ANY(%s)`` with one array parameter (PostgreSQL)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]


def _among(field: str, ids: list[int]):
    """``field IN ids``; on PostgreSQL as one array parameter: thousands of students are one parameter, not
    thousands of placeholders to send and parse."""
    if connection.vendor == "postgresql":
        return _AnyOf(F(field), ids)
    return Q(**{f"{field}__in": ids})


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

    # Plain values, not model instances, and everything grouped per student once: the largest programme of a
    # large university has thousands of students and a hundred thousand results (issue 8).
    unit_info = {u.id: u for u in programme.course_units.all()}
    by_student: dict[int, list[tuple[int, bool]]] = defaultdict(list)  # student -> [(unit, exempted)]
    numbers: dict[int, str] = {}
    deliberated = ProgrammeLine.objects.filter(
        academic_year=year, contract__programme=programme, removed_on__isnull=True,
        contract__deregistered_on__isnull=True, contract__kind__in=[ContractKind.DIPLOMA, ContractKind.EXAM])
    for sid, uid, exempted in deliberated.order_by().values_list("student_id", "course_unit_id", "exempted"):
        by_student[sid].append((uid, exempted))
    student_ids = list(by_student)
    numbers.update(Student.objects.filter(_among("id", student_ids)).values_list("id", "number"))
    # Students by number, each one's units by code (the order of the report).
    by_student = {sid: sorted(by_student[sid], key=lambda line: unit_info[line[0]].code)
                  for sid in sorted(by_student, key=numbers.__getitem__)}
    # student -> (year, unit) -> attempts; and the start of every year seen
    attempts: dict[int, dict[tuple[int, int], list[rules.Attempt]]] = defaultdict(lambda: defaultdict(list))
    years_start = dict(AcademicYear.objects.values_list("id", "starts_on"))
    # Attempts and unit outcomes are immutable values with few distinct ones: made once, shared.
    attempt_of: dict[tuple, rules.Attempt] = {}
    for sid, yid, uid, attempt_opportunity, outcome, grade in Result.objects.filter(
            _among("student_id", student_ids), course_unit_id__in=list(unit_info), is_current=True,
    ).order_by().values_list("student_id", "academic_year_id", "course_unit_id", "opportunity", "outcome", "grade"):
        key = (attempt_opportunity, outcome, grade)
        attempt = attempt_of.get(key)
        if attempt is None:
            attempt = attempt_of[key] = rules.Attempt(attempt_opportunity, outcome, grade)
        attempts[sid][(yid, uid)].append(attempt)
    earlier_exempt = defaultdict(set)
    for sid, uid in ProgrammeLine.objects.filter(
            _among("student_id", student_ids), course_unit_id__in=list(unit_info), exempted=True,
            academic_year__starts_on__lt=year.starts_on).values_list("student_id", "course_unit_id"):
        earlier_exempt[sid].add(uid)

    bachelor = programme.kind == "bachelor"
    no_attempts: dict[tuple[int, int], list[rules.Attempt]] = {}
    outcome_of: dict[tuple, rules.UnitOutcome] = {}
    students_out = []
    for sid, own in by_student.items():
        mine = attempts.get(sid, no_attempts)
        packages: dict[int | None, list[rules.UnitOutcome]] = defaultdict(list)
        for uid, exempted in own:
            unit = unit_info[uid]
            result = rules.final_result(mine.get((year.id, uid), []), opportunity)
            unit_outcome = outcome_of.get((uid, exempted, result))
            if unit_outcome is None:
                unit_outcome = outcome_of[(uid, exempted, result)] = rules.UnitOutcome(
                    unit.code, unit.credits, exempted, unit.tolerance_excluded, result)
            packages[unit.package if bachelor else None].append(unit_outcome)
        outcomes = [rules.package_outcome(programme.kind, p, units, d, programme.credits)
                    for p, units in sorted(packages.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))]

        # Earlier years: credit certificates and exemptions count towards the programme (DL-2 .. DL-6).
        covered: dict[int | None, int] = defaultdict(int)
        this_year_units = {uid for uid, _ in own}
        earlier_results: dict[int, tuple] = {}
        for (y, uid), atts in mine.items():
            if y == year.id or years_start.get(y) is None or years_start[y] >= year.starts_on:
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
            "student": numbers[sid],
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
