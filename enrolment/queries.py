"""Read side of enrolment: what the enrolment pages need, in a fixed number of queries. Nothing here writes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from itertools import groupby

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from config.regulations import RefundCutoffPolicy
from students import rules as la_rules
from students.models import Student
from students.services import preview_ledger

from . import services
from .models import (
    AcademicYear,
    ContractKind,
    CourseUnit,
    DeregistrationReason,
    EducationPeriod,
    Programme,
    ProgrammeKind,
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
            "course_unit", "contract", "contract__programme", "contract__student", "academic_year"
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
    (``first_day_without``), or the last day that still does (``last_day_with``, PXL limit dates)."""
    year = line.academic_year
    regs = year.rules
    period = EducationPeriod.objects.filter(academic_year=year, code=line.course_unit.period_code).first()
    if line.contract.kind == ContractKind.CREDIT:
        return {"never": True}
    if regs.refund_cutoff_policy == RefundCutoffPolicy.PERIOD_DEADLINE and period is not None:
        return {"last_day_with": period.deregistration_deadline}
    semester = period.semester if period else 1
    return {"first_day_without": la_rules.refund_cutoff(semester, year.starts_on, regs)}


def preview_programme_change(contract: StudyContract, programme: Programme, on: date, unit_ids: Iterable[int],
                             exempted_ids: Iterable[int] = ()) -> services.Preview:
    """UH 3.6: what ``services.change_programme`` would check and write, without writing anything.

    The checks see the student as the service does: the old contract already deregistered (its units and credits
    no longer count this year, its refunds are in the balance), but still on record as an earlier bachelor's
    enrolment (EN-2). The movements are the old contract's refunds (LA-7, LA-8, LA-10) and the new contract's
    deduction (LA-3).
    """
    student: Student = contract.student
    year: AcademicYear = contract.academic_year
    kind = ContractKind.DIPLOMA
    exempted = set(exempted_ids)
    units = services._units(programme, unit_ids, kind)
    request = services._request(programme, kind, units, exempted, on)
    situation = services._situation(student, year, programme, on, exclude_contract=contract)
    if contract.programme.kind == ProgrammeKind.BACHELOR and not situation.earlier_bachelor_enrolment:
        situation = dataclasses.replace(situation, earlier_bachelor_enrolment=True)
    # LA-14 counts the old contract's refunds, dated the day of the change (LA-7; see
    # tests/enrolment/test_services.py::test_la14_change_of_programme_counts_the_refund_of_the_old_contract).
    refunds = services.preview_deregistration(contract, on, DeregistrationReason.PROGRAMME_CHANGE).movements
    situation = dataclasses.replace(situation, balance=situation.balance + sum(m.credits for m in refunds
                                                                               if m.on <= on))
    outcome = services.rules.enrolment_checks(request, situation, year.rules, services._exceptions(student, year))

    first_year = student.first_enrolled_year or year.code
    old_key = str(contract.pk)

    def change(facts: la_rules.AccountFacts) -> la_rules.AccountFacts:
        old = tuple(
            dataclasses.replace(c, deregistered_on=on, deregistration_reason=DeregistrationReason.PROGRAMME_CHANGE)
            if c.key == old_key else c
            for c in facts.contracts
        )
        new = la_rules.ContractFacts(
            key="new", year=year.code, programme_code=programme.code, programme_kind=programme.kind, kind=kind,
            enrolled_on=on, educational=programme.educational,
            lines=tuple(services._fake_line(u, year, on, u.pk in exempted, f"new-{u.pk}") for u in units),
            generation_student=programme.kind == ProgrammeKind.BACHELOR and year.code == first_year,
        )
        return dataclasses.replace(facts, contracts=old + (new,))

    movements = tuple(preview_ledger(student.pk, change))
    return services.Preview(outcome, movements, services.balance_at(student.pk, on),
                            services.rules.account_credits(request))
