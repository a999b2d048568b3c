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


def _rows(queryset) -> list[tuple]:
    """A ``values_list`` query's rows in one fetch on a plain cursor: the SQL is the ORM's, without its per-row
    iteration (a hundred thousand rows per proposal)."""
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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
    rank = {uid: i for i, uid in enumerate(sorted(unit_info, key=lambda uid: unit_info[uid].code))}
    by_student: dict[int, list[tuple[int, int, bool]]] = defaultdict(list)  # student -> [(rank, unit, exempted)]
    deliberated = ProgrammeLine.objects.filter(
        academic_year=year, contract__programme=programme, removed_on__isnull=True,
        contract__deregistered_on__isnull=True, contract__kind__in=[ContractKind.DIPLOMA, ContractKind.EXAM])
    for sid, uid, exempted in _rows(deliberated.order_by().values_list("student_id", "course_unit_id", "exempted")):
        by_student[sid].append((rank[uid], uid, exempted))
    student_ids = list(by_student)
    numbers: dict[int, str] = dict(Student.objects.filter(_among("id", student_ids)).values_list("id", "number"))
    years_start = dict(AcademicYear.objects.values_list("id", "starts_on"))
    # This year's attempts per (student, unit) and, per student and unit, those of the latest earlier year (a
    # later year replaces, UH 12.4.2). Attempts are immutable values with few distinct ones: made once, shared;
    # a single attempt is kept as itself, more as a list (most units have one).
    this_year: dict[tuple[int, int], rules.Attempt | list[rules.Attempt]] = {}
    earlier: dict[int, dict[int, tuple]] = {}  # student -> unit -> (start of its year, attempt or attempts)
    attempt_of: dict[tuple, rules.Attempt] = {}
    earlier_years = [yid for yid, started in years_start.items() if started < year.starts_on]
    for sid, yid, uid, attempt_opportunity, outcome, grade in _rows(Result.objects.filter(
            Q(academic_year_id__in=earlier_years) | Q(academic_year=year, opportunity__lte=opportunity),
            _among("student_id", student_ids), course_unit_id__in=list(unit_info), is_current=True,
    ).order_by().values_list("student_id", "academic_year_id", "course_unit_id", "opportunity", "outcome", "grade")):
        key = (attempt_opportunity, outcome, grade)
        attempt = attempt_of.get(key)
        if attempt is None:
            attempt = attempt_of[key] = rules.Attempt(attempt_opportunity, outcome, grade)
        if yid == year.id:
            found = this_year.setdefault((sid, uid), attempt)
            if found is not attempt:  # one current result per opportunity: a second opportunity's
                if type(found) is list:
                    found.append(attempt)
                else:
                    this_year[(sid, uid)] = [found, attempt]
            continue
        mine = earlier.get(sid)
        if mine is None:
            mine = earlier[sid] = {}
        started = years_start[yid]
        found = mine.get(uid)
        if found is None or started > found[0]:
            mine[uid] = (started, attempt)
        elif started == found[0]:
            mine[uid] = (started, [*found[1], attempt] if type(found[1]) is list else [found[1], attempt])
    earlier_exempt = defaultdict(set)
    for sid, uid in ProgrammeLine.objects.filter(
            _among("student_id", student_ids), course_unit_id__in=list(unit_info), exempted=True,
            academic_year__starts_on__lt=year.starts_on).values_list("student_id", "course_unit_id"):
        earlier_exempt[sid].add(uid)

    bachelor = programme.kind == "bachelor"
    # Final results and unit outcomes are shared too, keyed by the identity of the interned attempt (or of the
    # line's own list of attempts): no dataclass hashing and no rule call per line. Every object keyed by its id
    # is held by ``attempt_of``, ``this_year`` or ``earlier`` until the end, so no id is reused meanwhile.
    final_of: dict[tuple[int, int], rules.Attempt | None] = {}

    def final(found, up_to: int) -> rules.Attempt | None:
        key = (id(found), up_to)
        if key not in final_of:
            attempts = [] if found is None else found if type(found) is list else [found]
            final_of[key] = rules.final_result(attempts, up_to)
        return final_of[key]

    package_of = {uid: (u.package if bachelor else None) for uid, u in unit_info.items()}
    outcome_of: dict[tuple, rules.UnitOutcome] = {}
    no_earlier: dict[int, tuple] = {}
    students_out = []
    for sid in sorted(by_student, key=numbers.__getitem__):  # students by number, their units by code
        own = by_student[sid]
        own.sort()
        packages: dict[int | None, list[rules.UnitOutcome]] = defaultdict(list)
        for _rank, uid, exempted in own:
            found = this_year.get((sid, uid))
            unit_key = (uid, exempted, id(found))
            unit_outcome = outcome_of.get(unit_key)
            if unit_outcome is None:
                unit = unit_info[uid]
                unit_outcome = outcome_of[unit_key] = rules.UnitOutcome(
                    unit.code, unit.credits, exempted, unit.tolerance_excluded, final(found, opportunity))
            packages[package_of[uid]].append(unit_outcome)
        outcomes = [rules.package_outcome(programme.kind, p, units, d, programme.credits)
                    for p, units in sorted(packages.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))]

        # Earlier years: credit certificates and exemptions count towards the programme (DL-2 .. DL-6).
        covered: dict[int | None, int] = defaultdict(int)
        this_year_units = {uid for _rank, uid, _exempted in own}
        earlier_results = {uid: (started, final(found, 2))
                           for uid, (started, found) in earlier.get(sid, no_earlier).items()}
        for uid, (_, best) in earlier_results.items():
            if uid not in this_year_units and rules.has_certificate(best, d):
                covered[unit_info[uid].package if bachelor else None] += unit_info[uid].credits
        for uid in earlier_exempt.get(sid, ()):
            if uid not in this_year_units:
                covered[unit_info[uid].package if bachelor else None] += unit_info[uid].credits
        for o in outcomes:
            if o.passed:
                covered[o.package] += o.credits_taken + sum(
                    u.credits for u in packages[o.package] if u.exempted)
        needed = [1, 2] if bachelor else [None]
        programme_passed = all(o.passed for o in outcomes) and all(
            covered[p] >= rules.package_target_credits(programme.kind, p, programme.credits, d) for p in needed)

        distinction = None
        if programme_passed:
            all_units = []
            for uid, (_, best) in earlier_results.items():
                if uid not in this_year_units:
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
