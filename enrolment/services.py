"""Student administration use cases: enrol, add or remove a course unit, withdraw, change programme, record an
exception decision. Each runs in one transaction, locks the student's row, applies the pure rules, writes the
facts and brings the learning account up to date (students.services.sync_ledgers)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from config import audit
from config.audit import audit_step
from students import rules as la_rules
from students.models import LedgerMovement, Student
from students.services import balance_at, preview_ledger, sync_ledgers

from . import rules
from .models import (
    AcademicYear,
    ContractKind,
    CourseUnit,
    Degree,
    DeregistrationReason,
    EducationPeriod,
    EnrolmentException,
    ExceptionRule,
    Programme,
    ProgrammeKind,
    ProgrammeLine,
    StudyContract,
)


class EnrolmentRefused(Exception):
    def __init__(self, message: str, findings: Iterable[rules.Finding] = ()):
        super().__init__(message)
        self.findings = tuple(findings)


@dataclass(frozen=True)
class Preview:
    """What an action will do, shown before staff confirm it."""

    outcome: rules.CheckOutcome
    movements: tuple[la_rules.NewMovement, ...]
    balance_before: int
    credits: int

    @property
    def allowed(self) -> bool:
        return self.outcome.allowed

    @property
    def balance_after(self) -> int:
        return self.balance_before + sum(m.credits for m in self.movements)


# -------------------------------------------------------------------------------------------- guards ----
# Each action's guard loads the facts its rule needs and raises EnrolmentRefused with the rule's reason. The
# preview of the action and the action itself call the same guard, so the preview refuses what the confirmation
# would refuse. Called without the form's input (date, unit), a guard checks the subject alone: the pages use
# that to say at once that a deregistered contract or a removed unit cannot be changed.
def _refuse(reason: str | None) -> None:
    if reason:
        raise EnrolmentRefused(reason)


def contract_state(contract: StudyContract) -> rules.ContractState:
    return rules.ContractState(
        programme_code=contract.programme.code, kind=contract.kind, enrolled_on=contract.enrolled_on,
        year_code=contract.academic_year.code, year_ends_on=contract.academic_year.ends_on,
        deregistered_on=contract.deregistered_on,
    )


def check_addition(contract: StudyContract, unit: CourseUnit | None = None, added_on: date | None = None) -> None:
    """The guard of :func:`add_unit` (``rules.addition_refusal``)."""
    already = unit is not None and ProgrammeLine.objects.filter(contract=contract, course_unit=unit).exists()
    _refuse(rules.addition_refusal(contract_state(contract), added_on, unit.code if unit else "",
                                   unit.programme.code if unit else "", already))


def _today(today: date | None) -> date:
    """The day the request dates may not pass (LA-6: the student's request counts); the views pass it."""
    return today if today is not None else timezone.localdate()


def check_removal(line: ProgrammeLine, requested_on: date | None = None, today: date | None = None) -> None:
    """The guard of :func:`remove_unit` (``rules.removal_refusal``)."""
    state = rules.LineState(unit_code=line.course_unit.code, added_on=line.added_on, removed_on=line.removed_on,
                            has_results=line.results.exists())
    _refuse(rules.removal_refusal(contract_state(line.contract), state, requested_on, _today(today)))
    if requested_on is not None:  # EN-6: until the period's deregistration date (year-long units: 15 December)
        _refuse(rules.removal_deadline_refusal(line.course_unit.code, line.course_unit.period_code,
                                              period_dates(line.academic_year_id), requested_on))


def check_deregistration(contract: StudyContract, on: date | None = None, today: date | None = None) -> None:
    """The guard of :func:`withdraw` (``rules.deregistration_refusal``)."""
    _refuse(rules.deregistration_refusal(contract_state(contract), on, _today(today)))


def check_programme_change(contract: StudyContract, programme: Programme | None = None,
                           on: date | None = None, today: date | None = None) -> None:
    """The guard of :func:`change_programme` (``rules.programme_change_refusal``)."""
    _refuse(rules.programme_change_refusal(contract_state(contract), programme.code if programme else "", on,
                                           _today(today)))


def check_enrolment(year: AcademicYear, enrolled_on: date, unit_ids) -> None:
    """The guard of :func:`enrol` (``rules.enrolment_refusal``)."""
    _refuse(rules.enrolment_refusal(len(list(unit_ids)), year.code, year.starts_on, year.ends_on, enrolled_on))


def _exceptions(student: Student, year: AcademicYear) -> rules.Exceptions:
    la14 = en3 = None
    en2 = False
    for e in EnrolmentException.objects.filter(student=student, academic_year=year):
        if e.rule == ExceptionRule.LA14:
            la14 = max(la14 or 0, e.max_credits or 0)
        elif e.rule == ExceptionRule.EN3:
            en3 = max(en3 or 0, e.max_credits or 0)
        elif e.rule == ExceptionRule.EN2:
            en2 = True
    return rules.Exceptions(la14_max_credits=la14, en2=en2, en3_max_credits=en3)


def _situation(student: Student, year: AcademicYear, programme: Programme, on: date,
               exclude_contract: StudyContract | None = None) -> rules.StudentSituation:
    held = list(Degree.objects.filter(student=student, awarded_on__lte=on).values_list("programme__kind",
                                                                                       "programme__code"))
    degrees = [kind for kind, _code in held]
    active_lines = ProgrammeLine.objects.filter(student=student, academic_year=year, removed_on__isnull=True).filter(
        contract__deregistered_on__isnull=True)
    if exclude_contract is not None:
        active_lines = active_lines.exclude(contract=exclude_contract)
    taken = list(active_lines.values_list("course_unit__code", "course_unit__credits", "exempted"))
    kinds = set(StudyContract.objects.filter(student=student, academic_year=year, programme=programme,
                                             deregistered_on__isnull=True).values_list("kind", flat=True))
    earlier_bachelor = StudyContract.objects.filter(student=student, programme__kind=ProgrammeKind.BACHELOR).exclude(
        pk=getattr(exclude_contract, "pk", None)).exists()
    first_year = frozenset(CourseUnit.objects.filter(programme=programme, stage=1).values_list("code", flat=True))
    balance = balance_at(student.pk, on)
    if not LedgerMovement.objects.filter(student=student, cause="opening").exists():
        # LA-1: this first enrolment opens the account (or the register's position does).
        balance += student.register_balance if student.register_balance is not None else year.rules.la_initial_credits
    return rules.StudentSituation(
        balance=balance,
        holds_bachelor=ProgrammeKind.BACHELOR in degrees,
        holds_master=ProgrammeKind.MASTER in degrees or student.register_master_obtained,
        earlier_bachelor_enrolment=earlier_bachelor,
        credits_this_year=sum(credits for _code, credits, exempted in taken if not exempted),
        units_this_year=frozenset(code for code, _credits, _exempted in taken),
        contract_kinds_in_programme=frozenset(kinds),
        first_year_units=first_year,
        degree_programmes=frozenset(code for _kind, code in held),
    )


def _request(programme: Programme, kind: str, units: list[CourseUnit], exempted: set[int], on: date):
    return rules.EnrolmentRequest(
        contract_kind=kind, programme_code=programme.code, programme_kind=programme.kind,
        units=tuple(rules.UnitChoice(u.code, u.credits, u.stage, u.package, u.pk in exempted) for u in units),
        enrolled_on=on, educational=programme.educational,
    )


def _units(programme: Programme, unit_ids: Iterable[int], kind: str) -> list[CourseUnit]:
    units = list(CourseUnit.objects.filter(pk__in=list(unit_ids)))
    if kind != ContractKind.CREDIT and kind != ContractKind.EXAM:
        foreign = [u.code for u in units if u.programme_id != programme.pk]
        if foreign:
            raise EnrolmentRefused(_("Not part of %(programme)s: %(codes)s.")
                                   % {"programme": programme.code, "codes": ", ".join(foreign)})
    return units


def _fake_line(unit: CourseUnit, year: AcademicYear, on: date, exempted: bool, key: str) -> la_rules.LineFacts:
    period = year.periods.filter(code=unit.period_code).first()
    return la_rules.LineFacts(key=key, unit_code=unit.code, credits=unit.credits,
                              semester=period.semester if period else 1, added_on=on, exempted=exempted,
                              limit_date=period.deregistration_deadline if period else None)


def preview_enrolment(student: Student, programme: Programme, year: AcademicYear, kind: str, enrolled_on: date,
                      unit_ids: Iterable[int], exempted_ids: Iterable[int] = ()) -> Preview:
    """EN-1, LA-14, EN-2, EN-3 and the deduction (LA-3), before anything is saved."""
    unit_ids = list(unit_ids)
    check_enrolment(year, enrolled_on, unit_ids)
    exempted = set(exempted_ids)
    units = _units(programme, unit_ids, kind)
    request = _request(programme, kind, units, exempted, enrolled_on)
    outcome = rules.enrolment_checks(request, _situation(student, year, programme, enrolled_on), year.rules,
                                     _exceptions(student, year))
    first_year = student.first_enrolled_year or year.code

    def change(facts: la_rules.AccountFacts) -> la_rules.AccountFacts:
        contract = la_rules.ContractFacts(
            key="new", year=year.code, programme_code=programme.code, programme_kind=programme.kind, kind=kind,
            enrolled_on=enrolled_on, educational=programme.educational,
            lines=tuple(_fake_line(u, year, enrolled_on, u.pk in exempted, f"new-{u.pk}") for u in units),
            generation_student=kind == "diploma" and programme.kind == "bachelor" and year.code == first_year,
        )
        return dataclasses.replace(facts, contracts=facts.contracts + (contract,))

    movements = tuple(preview_ledger(student.pk, change))
    return Preview(outcome, movements, balance_at(student.pk, enrolled_on), rules.account_credits(request))


@audit_step("Enrolment ({kind})")
@transaction.atomic
def enrol(student: Student, programme: Programme, year: AcademicYear, kind: str, enrolled_on: date,
          unit_ids: Iterable[int], exempted_ids: Iterable[int] = (), by=None) -> StudyContract:
    """A new study contract with its study programme (UH 3.1, 4.1); refused with the reasons when a check fails."""
    Student.objects.select_for_update().get(pk=student.pk)
    unit_ids, exempted = list(unit_ids), set(exempted_ids)
    preview = preview_enrolment(student, programme, year, kind, enrolled_on, unit_ids, exempted)
    if not preview.allowed:
        raise EnrolmentRefused(_("The enrolment cannot be saved: %(reasons)s")
                               % {"reasons": " ".join(f.message for f in preview.outcome.blocking)},
                               preview.outcome.blocking)
    contract = StudyContract.objects.create(student=student, programme=programme, academic_year=year, kind=kind,
                                            enrolled_on=enrolled_on, recorded_by=by)
    audit.bulk_create(ProgrammeLine, [
        ProgrammeLine(contract=contract, course_unit_id=uid, student=student, academic_year=year, added_on=enrolled_on,
                      exempted=uid in exempted, recorded_by=by)
        for uid in unit_ids
    ])
    if not student.first_enrolled_year:
        Student.objects.filter(pk=student.pk).update(first_enrolled_year=year.code)
    sync_ledgers([student.pk], by=by)
    return contract


def preview_addition(contract: StudyContract, unit: CourseUnit, added_on: date, exempted: bool = False) -> Preview:
    """LA-3: the checks and the deduction of adding the unit on that day, after the guard of :func:`add_unit`."""
    check_addition(contract, unit, added_on)
    year = contract.academic_year
    request = _request(contract.programme, contract.kind, [unit], {unit.pk} if exempted else set(), added_on)
    outcome = rules.addition_checks(request, _situation(contract.student, year, contract.programme, added_on),
                                    year.rules, _exceptions(contract.student, year))

    def change(facts):
        contracts = tuple(
            dataclasses.replace(c, lines=c.lines + (_fake_line(unit, year, added_on, exempted, f"new-{unit.pk}"),))
            if c.key == str(contract.pk) else c for c in facts.contracts)
        return dataclasses.replace(facts, contracts=contracts)

    return Preview(outcome, tuple(preview_ledger(contract.student_id, change)),
                   balance_at(contract.student_id, added_on), 0 if exempted else unit.credits)


@audit_step("Course unit added")
@transaction.atomic
def add_unit(
    contract: StudyContract, unit: CourseUnit, added_on: date, exempted: bool = False, by=None
) -> ProgrammeLine:
    """LA-3: a unit added during the year deducts its credits on the day it is added."""
    Student.objects.select_for_update().get(pk=contract.student_id)
    contract = StudyContract.objects.select_related("academic_year", "programme", "student").get(pk=contract.pk)
    preview = preview_addition(contract, unit, added_on, exempted)  # runs check_addition on the locked state
    if not preview.allowed:
        raise EnrolmentRefused(" ".join(f.message for f in preview.outcome.blocking), preview.outcome.blocking)
    line = ProgrammeLine.objects.create(contract=contract, course_unit=unit, student_id=contract.student_id,
                                        academic_year=contract.academic_year, added_on=added_on, exempted=exempted,
                                        recorded_by=by)
    sync_ledgers([contract.student_id], by=by)
    return line


def preview_removal(line: ProgrammeLine, requested_on: date, today: date | None = None) -> Preview:
    """LA-6: whether removing the unit on the request date gives its credits back, before it is confirmed; after
    the guard of :func:`remove_unit`."""
    check_removal(line, requested_on, today)
    key = str(line.pk)

    def change(facts):
        contracts = tuple(
            dataclasses.replace(c, lines=tuple(dataclasses.replace(ln, removed_on=requested_on) if ln.key == key else ln
                                               for ln in c.lines))
            for c in facts.contracts)
        return dataclasses.replace(facts, contracts=contracts)

    return Preview(rules.CheckOutcome(), tuple(preview_ledger(line.student_id, change)),
                   balance_at(line.student_id, requested_on), line.course_unit.credits)


@audit_step("Course unit removed")
@transaction.atomic
def remove_unit(line: ProgrammeLine, requested_on: date, by=None, today: date | None = None) -> ProgrammeLine:
    """Deregistration from a course unit (UH 3.4); the refund follows LA-6 on the date of the student's request."""
    Student.objects.select_for_update().get(pk=line.student_id)
    line = ProgrammeLine.objects.select_related(
        "course_unit", "contract", "contract__programme", "contract__academic_year", "academic_year").get(pk=line.pk)
    check_removal(line, requested_on, today)
    line.removed_on = requested_on
    line.removal_recorded_at = timezone.now()
    line.removal_recorded_by = by
    line.save(update_fields=["removed_on", "removal_recorded_at", "removal_recorded_by"])
    sync_ledgers([line.student_id], by=by)
    return line


def preview_deregistration(contract: StudyContract, on: date, reason: str, today: date | None = None) -> Preview:
    """LA-7 / LA-8 / LA-9 / LA-10: the refunds of a withdrawal or change of programme on that date, after the
    guard of :func:`withdraw`."""
    check_deregistration(contract, on, today)
    key = str(contract.pk)

    def change(facts):
        return dataclasses.replace(facts, contracts=tuple(
            dataclasses.replace(c, deregistered_on=on, deregistration_reason=reason) if c.key == key else c
            for c in facts.contracts))

    return Preview(rules.CheckOutcome(), tuple(preview_ledger(contract.student_id, change)),
                   balance_at(contract.student_id, on), 0)


def _deregister(contract: StudyContract, on: date, reason: str, by, today: date | None) -> StudyContract:
    contract = StudyContract.objects.select_related("academic_year", "programme").get(pk=contract.pk)
    check_deregistration(contract, on, today)
    contract.deregistered_on, contract.deregistration_reason = on, reason
    contract.deregistration_recorded_by = by
    contract.save(update_fields=["deregistered_on", "deregistration_reason", "deregistration_recorded_by"])
    return contract


@audit_step("Withdrawal")
@transaction.atomic
def withdraw(contract: StudyContract, on: date, by=None, today: date | None = None) -> StudyContract:
    """Deregistration from a programme (UH 8.1), effective on the date of the student's request."""
    Student.objects.select_for_update().get(pk=contract.student_id)
    contract = _deregister(contract, on, DeregistrationReason.WITHDRAWAL, by, today)
    sync_ledgers([contract.student_id], by=by)
    return contract


def preview_programme_change(contract: StudyContract, programme: Programme, on: date, unit_ids: Iterable[int],
                             exempted_ids: Iterable[int] = (), today: date | None = None) -> Preview:
    """UH 3.6: what ``services.change_programme`` would check and write, without writing anything.

    The checks see the student as the service does: the old contract already deregistered (its units and credits
    no longer count this year, its refunds are in the balance), but still on record as an earlier bachelor's
    enrolment (EN-2). The movements are the old contract's refunds (LA-7, LA-8, LA-10) and the new contract's
    deduction (LA-3).
    """
    check_programme_change(contract, programme, on, today)
    unit_ids = list(unit_ids)
    student: Student = contract.student
    year: AcademicYear = contract.academic_year
    check_enrolment(year, on, unit_ids)
    kind = ContractKind.DIPLOMA
    exempted = set(exempted_ids)
    units = _units(programme, unit_ids, kind)
    request = _request(programme, kind, units, exempted, on)
    situation = _situation(student, year, programme, on, exclude_contract=contract)
    if contract.programme.kind == ProgrammeKind.BACHELOR and not situation.earlier_bachelor_enrolment:
        situation = dataclasses.replace(situation, earlier_bachelor_enrolment=True)
    # LA-14 counts the old contract's refunds, dated the day of the change (LA-7; see
    # tests/enrolment/test_services.py::test_la14_change_of_programme_counts_the_refund_of_the_old_contract).
    refunds = preview_deregistration(contract, on, DeregistrationReason.PROGRAMME_CHANGE, today).movements
    situation = dataclasses.replace(situation, balance=situation.balance + sum(m.credits for m in refunds
                                                                               if m.on <= on))
    outcome = rules.enrolment_checks(request, situation, year.rules, _exceptions(student, year))

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
            lines=tuple(_fake_line(u, year, on, u.pk in exempted, f"new-{u.pk}") for u in units),
            generation_student=programme.kind == ProgrammeKind.BACHELOR and year.code == first_year,
        )
        return dataclasses.replace(facts, contracts=old + (new,))

    movements = tuple(preview_ledger(student.pk, change))
    return Preview(outcome, movements, balance_at(student.pk, on),
                            rules.account_credits(request))


@audit_step("Programme change")
@transaction.atomic
def change_programme(contract: StudyContract, programme: Programme, on: date, unit_ids: Iterable[int],
                     exempted_ids: Iterable[int] = (), by=None, today: date | None = None) -> StudyContract:
    """UH 3.6: a change of programme ends this contract and starts a new diploma contract on the same day."""
    Student.objects.select_for_update().get(pk=contract.student_id)
    contract = StudyContract.objects.select_related("academic_year", "programme", "student").get(pk=contract.pk)
    check_programme_change(contract, programme, on, today)
    old = _deregister(contract, on, DeregistrationReason.PROGRAMME_CHANGE, by, today)
    sync_ledgers([old.student_id], by=by)  # the old contract's refunds count for the new enrolment (LA-14)
    new = enrol(old.student, programme, old.academic_year, ContractKind.DIPLOMA, on, unit_ids, exempted_ids, by=by)
    return new


@audit_step("Enrolment exception ({rule})", reason="reason")
@transaction.atomic
def record_exception(student: Student, year: AcademicYear, rule: str, decided_by: str, decided_on: date,
                     reference: str, reason: str, max_credits: int | None = None, by=None) -> EnrolmentException:
    """An exception decision by the authorised person (vice rector, director, bureau), kept on record."""
    if rule in (ExceptionRule.LA14, ExceptionRule.EN3) and not max_credits:
        raise EnrolmentRefused(_("State how many credits the decision allows."))
    if not decided_by.strip() or not reference.strip() or not reason.strip():
        raise EnrolmentRefused(_("An exception needs who decided, the decision's reference and the reason."))
    return EnrolmentException.objects.create(student=student, academic_year=year, rule=rule, decided_by=decided_by,
                                             decided_on=decided_on, reference=reference, reason=reason,
                                             max_credits=max_credits, recorded_by=by)


def period_dates(year_id: int) -> list[rules.PeriodDates]:
    """The academic calendar of a year as the EN-6 rules see it (1 query)."""
    return [rules.PeriodDates(p.code, p.starts_on, p.lessons_end_on, p.deregistration_deadline)
            for p in EducationPeriod.objects.filter(academic_year_id=year_id)]


@audit_step("Sweep EN-5 (UH 4.1.1): deregistered without a study programme")
@transaction.atomic
def deregister_without_programme(contract: StudyContract, on: date, today: date | None = None) -> StudyContract:
    """EN-5 (UH 4.1.1): the student administration deregisters a contract that has no study programme, dated
    ``on`` (the day two months after the enrolment, whenever this runs), so the learning account follows LA-6/7
    for that day. Refused (:class:`EnrolmentRefused`) when the contract has a study programme (even one added
    after ``on``: ending a contract the student studies under is for staff to decide) or can no longer be
    deregistered on that day (``rules.deregistration_refusal``)."""
    done, refused = deregister_many_without_programme([(contract.pk, on)], today)
    if refused:
        raise EnrolmentRefused(refused[0][1])
    return done[0]


@audit_step("Sweep EN-5 (UH 4.1.1): deregistered without a study programme")
@transaction.atomic
def deregister_many_without_programme(items: list[tuple[int, date]], today: date | None = None
                                      ) -> tuple[list[StudyContract], list[tuple[int, str]]]:
    """EN-5 in bulk (the deadline sweep): deregister each contract ``(id, day)`` as
    :func:`deregister_without_programme` does, under the row locks of all their students (taken in id order),
    every contract rechecked after the locks; the ledgers reconciled in one go. Returns the contracts
    deregistered and ``(id, reason)`` of those refused."""
    days = dict(items)
    student_ids = sorted(set(StudyContract.objects.filter(pk__in=days).values_list("student_id", flat=True)))
    list(Student.objects.select_for_update().filter(pk__in=student_ids).order_by("pk").values_list("pk", flat=True))
    contracts = StudyContract.objects.filter(pk__in=days).select_related("academic_year", "programme", "student")
    first_lines = dict(ProgrammeLine.objects.filter(contract_id__in=days).order_by().values("contract_id")
                       .annotate(first=Min("added_on")).values_list("contract_id", "first"))
    done, refused = [], []
    for contract in sorted(contracts, key=lambda c: c.pk):
        day = days[contract.pk]
        first = first_lines.get(contract.pk)
        if first is not None:
            refused.append((contract.pk, _("This contract has a study programme (since %(date)s); it is not "
                                           "deregistered for a missing study programme.")
                            % {"date": first.isoformat()}))
            continue
        reason = rules.deregistration_refusal(contract_state(contract), day, _today(today))
        if reason:
            refused.append((contract.pk, reason))
            continue
        contract.deregistered_on, contract.deregistration_reason = day, DeregistrationReason.NO_PROGRAMME
        done.append(contract)
    if done:
        StudyContract.objects.bulk_update(done, ["deregistered_on", "deregistration_reason"])
        sync_ledgers([c.student_id for c in done])
    return done, refused
