"""Read side of enrolment: what the enrolment pages need, in a fixed number of queries. Nothing here writes."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from config.regulations import RefundCutoffPolicy
from students import rules as la_rules

from .models import (
    ContractKind,
    CourseUnit,
    EducationPeriod,
    Programme,
    ProgrammeLine,
    StudyContract,
)

SEARCH_LIMIT = 50


def contract_for_action(pk: int) -> StudyContract:
    """A contract with its student, programme and year (1 query); 404 when it does not exist."""
    return get_object_or_404(StudyContract.objects.select_related("student", "programme", "academic_year"), pk=pk)


def line_for_removal(pk: int) -> ProgrammeLine:
    """A study programme line with its unit, contract, student and year (1 query); 404 when missing."""
    return get_object_or_404(
        ProgrammeLine.objects.select_related(
            "course_unit", "contract", "contract__programme", "contract__student", "contract__academic_year",
            "academic_year",
        ),
        pk=pk,
    )


def units_by_stage(units: Iterable[CourseUnit]) -> list[tuple[int, list[CourseUnit]]]:
    """[(stage, [units])] in stage and code order, for the checkbox list of a study programme."""
    ordered = sorted(units, key=lambda u: (u.stage, u.code))
    return [(stage, list(group)) for stage, group in groupby(ordered, key=lambda u: u.stage)]


def programme_units(programme: Programme | None) -> list[CourseUnit]:
    if programme is None:
        return []
    return list(CourseUnit.objects.filter(programme=programme).select_related("programme"))


def search_units(text: str, exclude_programme: Programme | None = None) -> list[CourseUnit]:
    """Course units of any programme whose code (or name) contains ``text``; at most SEARCH_LIMIT."""
    text = text.strip()
    if not text:
        return []
    qs = CourseUnit.objects.filter(Q(code__icontains=text) | Q(name__icontains=text)).select_related("programme")
    if exclude_programme is not None:
        qs = qs.exclude(programme=exclude_programme)
    return list(qs.order_by("code")[:SEARCH_LIMIT])


def units_by_id(ids: Iterable[int]) -> list[CourseUnit]:
    ids = [i for i in ids if i]
    if not ids:
        return []
    return list(CourseUnit.objects.filter(pk__in=ids).select_related("programme"))


def unit_table(programme: Programme | None, search: str, selected: set[int]) -> dict:
    """The checkbox table of an enrolment form (at most 3 queries): the programme's units by stage, and units of
    other programmes found by ``search`` or already ticked (credit and exam contracts)."""
    own = programme_units(programme)
    found = search_units(search, exclude_programme=programme) if search else []
    shown = {u.pk for u in own} | {u.pk for u in found}
    others = units_by_id(selected - shown)
    return {"stages": units_by_stage(own), "other_units": sorted(others + found, key=lambda u: u.code)}


def addable_units(contract: StudyContract) -> QuerySet[CourseUnit]:
    """Units that may be added to a contract: its programme's units (any programme's for credit and exam
    contracts), except those already in its study programme."""
    qs = CourseUnit.objects.select_related("programme").exclude(lines__contract=contract)
    if contract.kind == ContractKind.DIPLOMA:
        qs = qs.filter(programme=contract.programme_id)
    return qs.order_by("programme__code", "stage", "code")


def refund_cutoff(line: ProgrammeLine) -> dict:
    """LA-6 for the removal form: the first day on which removing this unit no longer gives its credits back
    (``first_day_without``), or the last day that still does (``last_day_with``, PXL limit dates); and the last
    day the unit can be removed at all (``deregistration_until``, EN-6)."""
    year = line.academic_year
    regs = year.rules
    period = EducationPeriod.objects.filter(academic_year=year, code=line.course_unit.period_code).first()
    # EN-6 (UH 3.4.2; PXL Art. 31): the last day a removal may be requested at all.
    until = {"deregistration_until": period.deregistration_deadline} if period is not None else {}
    if line.contract.kind == ContractKind.CREDIT:
        return {"never": True, **until}
    if regs.refund_cutoff_policy == RefundCutoffPolicy.PERIOD_DEADLINE and period is not None:
        return {"last_day_with": period.deregistration_deadline, **until}
    semester = period.semester if period else 1
    return {"first_day_without": la_rules.refund_cutoff(semester, year.starts_on, regs), **until}
