"""Learning-account use cases: keep each ledger equal to what the recorded facts call for (LA-15).

Every service that records an enrolment, a unit added or removed, a deregistration, a result or a degree
calls :func:`sync_ledgers` in the same transaction. Loading the facts costs a fixed number of queries for any
number of students; the rows to append come from the pure :func:`students.rules.reconcile`.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from config import audit, bulk
from config.audit import audit_step
from config.regulations import get_regulations
from enrolment.models import AcademicYear, CourseUnit, Degree, EducationPeriod, ProgrammeLine, StudyContract
from examinations.models import Outcome, Proclamation, Result

from . import rules
from .models import LedgerMovement, MovementKind, Student

CHUNK = 2000
BULK_STUDENTS = 5000  # from this many students on, sync_ledgers is a bulk load (config.bulk)


def year_facts() -> dict[int, rules.YearFacts]:
    """Every academic year as plain values, keyed by id (2 queries)."""
    s1_end: dict[int, date] = {}
    for p in EducationPeriod.objects.filter(semester=1).only("academic_year_id", "lessons_end_on", "starts_on"):
        # LA-8 bounds on the lessons of the semester-1 period that starts first (S1, not a year-long period).
        if p.academic_year_id not in s1_end or p.lessons_end_on < s1_end[p.academic_year_id]:
            s1_end[p.academic_year_id] = p.lessons_end_on
    return {
        y.id: rules.YearFacts(y.code, y.starts_on, y.ends_on, get_regulations(y.regulations), s1_end.get(y.id))
        for y in AcademicYear.objects.all()
    }


def _periods() -> dict[tuple[int, str], EducationPeriod]:
    return {(p.academic_year_id, p.code): p for p in EducationPeriod.objects.all()}


def load_account_facts(student_ids: Iterable[int], years: dict[int, rules.YearFacts] | None = None
                       ) -> dict[int, rules.AccountFacts]:
    """The facts of the learning accounts of these students, in 8 queries whatever their number."""
    ids = list(student_ids)
    years = years if years is not None else year_facts()
    periods = _periods()
    students = {s.id: s for s in Student.objects.filter(id__in=ids).only(
        "id", "first_enrolled_year", "register_balance", "register_as_of", "register_bonus_used",
        "register_master_obtained")}

    certificate: dict[int, date] = {}
    failed: dict[int, date] = {}
    examined: dict[int, date] = {}
    # LA-4/LA-5 count a result from the proclamation of its exam period for the programme (EX-8); a result
    # not yet proclaimed does not count, and a later version (EX-10, appeal, IR-4) counts from its decision.
    # Plain values, not model instances: this runs over every student of a data-set import.
    proclaimed = dict(((period, programme), on) for period, programme, on in Proclamation.objects.values_list(
        "exam_period_id", "programme_id", "published_on"))
    numeric, passed, fail = Outcome.NUMERIC, Outcome.PASS, Outcome.FAIL
    absences = (Outcome.ABSENT, Outcome.ABSENT_JUSTIFIED)
    for line_id, outcome, grade, decided_on, period_id, start, programme_id in Result.objects.filter(
            student_id__in=ids, is_current=True).values_list(
            "line_id", "outcome", "grade", "decided_on", "exam_period_id", "exam_period__starts_on",
            "line__contract__programme_id"):
        if outcome not in absences:
            examined[line_id] = min(start, examined.get(line_id, start))
        published = proclaimed.get((period_id, programme_id))
        if published is None:
            continue
        if decided_on is not None and decided_on > published:
            published = decided_on
        if outcome == passed or (outcome == numeric and grade >= 10):  # EX-4: a credit certificate
            certificate[line_id] = min(published, certificate.get(line_id, published))
        elif outcome in (numeric, fail):
            failed[line_id] = min(published, failed.get(line_id, published))

    lines_by_contract: dict[int, list[rules.LineFacts]] = defaultdict(list)
    for line_id, contract_id, year_id, added_on, removed_on, exempted, code, credits, period_code in (
            ProgrammeLine.objects.filter(student_id__in=ids).order_by("id").values_list(
                "id", "contract_id", "academic_year_id", "added_on", "removed_on", "exempted", "course_unit__code",
                "course_unit__credits", "course_unit__period_code")):
        period = periods.get((year_id, period_code))
        lines_by_contract[contract_id].append(rules.LineFacts(
            key=str(line_id), unit_code=code, credits=credits,
            semester=period.semester if period else 1, added_on=added_on, removed_on=removed_on,
            exempted=exempted, limit_date=period.deregistration_deadline if period else None,
            certificate_on=certificate.get(line_id), failed_exam_on=failed.get(line_id),
            examined_on=examined.get(line_id),
        ))
    del certificate, failed, examined

    contracts: dict[int, list[StudyContract]] = defaultdict(list)
    for c in StudyContract.objects.filter(student_id__in=ids).select_related("programme").only(
            "id", "student_id", "academic_year_id", "kind", "enrolled_on", "deregistered_on",
            "deregistration_reason", "programme__code", "programme__kind", "programme__educational"):
        contracts[c.student_id].append(c)
    degrees: dict[int, list[rules.DegreeFacts]] = defaultdict(list)
    for d in Degree.objects.filter(student_id__in=ids).select_related("programme"):
        degrees[d.student_id].append(rules.DegreeFacts(str(d.id), d.programme.kind, d.awarded_on))

    out: dict[int, rules.AccountFacts] = {}
    for sid, student in students.items():
        own = sorted(contracts.get(sid, []), key=lambda c: (years[c.academic_year_id].starts_on, c.enrolled_on))
        first_year = student.first_enrolled_year or (years[own[0].academic_year_id].code if own else "")
        contract_facts = tuple(
            rules.ContractFacts(
                key=str(c.id), year=years[c.academic_year_id].code, programme_code=c.programme.code,
                programme_kind=c.programme.kind, kind=c.kind, enrolled_on=c.enrolled_on,
                lines=tuple(lines_by_contract.get(c.id, ())), deregistered_on=c.deregistered_on,
                deregistration_reason=c.deregistration_reason, educational=c.programme.educational,
                generation_student=rules.is_generation_student(
                    c.kind, c.programme.kind, years[c.academic_year_id].code, first_year,
                    [(years[e.academic_year_id].code, e.kind, e.programme.kind) for e in own
                     if years[e.academic_year_id].starts_on < years[c.academic_year_id].starts_on]),
            )
            for c in own
        )
        register = None
        if student.register_balance is not None:
            register = rules.RegisterOpening(student.register_balance, student.register_as_of,
                                             student.register_bonus_used, student.register_master_obtained)
        out[sid] = rules.AccountFacts(tuple(years.values()), contract_facts, tuple(degrees.get(sid, ())), register)
    return out


def _stored(student_ids: list[int]) -> dict[int, list[rules.StoredMovement]]:
    stored: dict[int, list[rules.StoredMovement]] = defaultdict(list)
    rows = LedgerMovement.objects.filter(student_id__in=student_ids).values_list(
        "student_id", "cause", "revision", "on", "kind", "credits"
    )
    for sid, cause, revision, on, kind, credits in rows:
        stored[sid].append(rules.StoredMovement(cause, revision, on, kind, credits))
    return stored


@audit_step("Learning account brought up to date (LA-15)", reason="reason")
@transaction.atomic
def sync_ledgers(student_ids: Iterable[int], by=None, reason: str = "") -> int:
    """Append what each ledger misses (LA-15). Locks the students' rows so two writers cannot interleave.

    Returns the number of movements written; 0 when every ledger already agrees with its facts.
    """
    ids = sorted(set(student_ids))
    # A data-set import syncs every student at once: a bulk load (foreign keys checked once, statistics refreshed).
    with bulk.bulk_load(LedgerMovement, when=len(ids) >= BULK_STUDENTS):
        return _sync_chunks(ids, by, reason)


def _sync_chunks(ids: list[int], by, reason: str) -> int:
    written = 0
    years = year_facts()
    year_ids = {y.code: yid for yid, y in years.items()}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        list(Student.objects.select_for_update().filter(id__in=chunk).values_list("id", flat=True))
        facts = load_account_facts(chunk, years)
        stored = _stored(chunk)
        new_rows = []
        unit_codes = set()
        for sid in chunk:
            if sid not in facts:
                continue
            rows = rules.reconcile(rules.expected_movements(facts[sid]), stored.get(sid, []))
            for row in sorted(rows, key=rules.movement_order):
                new_rows.append((sid, row))
                if row.unit:
                    unit_codes.add(row.unit)
        if not new_rows:
            continue
        unit_ids = dict(CourseUnit.objects.filter(code__in=unit_codes).values_list("code", "id"))
        by_id = by.pk if by is not None else None
        if audit.one_event():
            # A bulk load recorded as one audit event (the dataset import): COPY, no history row per movement.
            written += bulk.insert(
                LedgerMovement,
                ("student_id", "on", "kind", "credits", "academic_year_id", "course_unit_id", "cause", "revision",
                 "article", "note", "recorded_by_id"),
                ((sid, row.on, row.kind, row.credits, year_ids.get(row.year) if row.year else None,
                  unit_ids.get(row.unit) if row.unit else None, row.cause, row.revision, row.article,
                  (reason or row.note)[:300], by_id) for sid, row in new_rows),
            )
            continue
        written += len(audit.bulk_create(
            LedgerMovement,
            [
                LedgerMovement(
                    student_id=sid, on=row.on, kind=row.kind, credits=row.credits,
                    academic_year_id=year_ids.get(row.year) if row.year else None,
                    course_unit_id=unit_ids.get(row.unit) if row.unit else None,
                    cause=row.cause, revision=row.revision, article=row.article,
                    note=(reason or row.note)[:300], recorded_by_id=by_id,
                )
                for sid, row in new_rows
            ],
            batch_size=1000,
        ))
    return written


def preview_ledger(
    student_id: int, change: Callable[[rules.AccountFacts], rules.AccountFacts]
) -> list[rules.NewMovement]:
    """The movements a change of facts would append, without writing anything (for confirmation pages)."""
    facts = load_account_facts([student_id])[student_id]
    stored = _stored([student_id]).get(student_id, [])
    current = rules.reconcile(rules.expected_movements(facts), stored)
    # Rows already owed (none, normally) are written first; the preview shows only what the change adds.
    after = rules.reconcile(rules.expected_movements(change(facts)), stored)
    return [r for r in after if r not in current]


def balance_at(student_id: int, as_of: date) -> int:
    from django.db.models import Sum

    total = LedgerMovement.objects.filter(student_id=student_id, on__lte=as_of).aggregate(t=Sum("credits"))["t"]
    return total or 0


@audit_step("Opening balance from the register (LA-1)")
@transaction.atomic
def record_register_opening(student: Student, balance: int, as_of: date, bonus_used: int, master_obtained: bool,
                            by=None) -> int:
    """LA-1: the opening position from the government's register; the ledger is corrected to follow it."""
    student = Student.objects.select_for_update().get(pk=student.pk)
    student.register_balance = balance
    student.register_as_of = as_of
    student.register_bonus_used = bonus_used
    student.register_master_obtained = master_obtained
    student.full_clean()
    student.save()
    return sync_ledgers([student.pk], by=by, reason="opening balance from the register")


class CorrectionRefused(ValueError):
    """A correction that is not recorded; the message says why, in the staff member's language."""


def _already_recorded(student: Student, credits: int, on: date, reference: str, token) -> LedgerMovement | None:
    """The correction a second submit would repeat: the one recorded with this form's token, or one with the same
    credits, date and decision reference (one decision is recorded once)."""
    manual = LedgerMovement.objects.filter(student=student, cause__startswith=rules.MANUAL_CAUSE_PREFIX)
    if token is not None:
        same_form = LedgerMovement.objects.filter(form_token=token).first()
        if same_form is not None:
            return same_form
    return manual.filter(credits=credits, on=on, reference=reference.strip()[:100]).first()


def _already_recorded_message(movement: LedgerMovement) -> str:
    return _("This correction is already recorded (%(credits)+d credits on %(date)s, decision %(reference)s): "
             "nothing was changed.") % {"credits": movement.credits, "date": movement.on.isoformat(),
                                        "reference": movement.reference}


def check_correction(student: Student, credits: int, on: date, reference: str, token=None) -> None:
    """LA-13: refuse a correction that is already on the ledger (the preview and :func:`record_correction`)."""
    if credits == 0:
        raise CorrectionRefused(_("A correction of 0 credits changes nothing."))
    existing = _already_recorded(student, credits, on, reference, token)
    if existing is not None:
        raise CorrectionRefused(_already_recorded_message(existing))


@audit_step("Ledger correction (LA-13)", reason="reason")
@transaction.atomic
def record_correction(student: Student, credits: int, on: date, reference: str, reason: str, by,
                      token=None) -> LedgerMovement:
    """LA-13: a correction decided elsewhere (e.g. the Council for Disputes restoring credits for force majeure).

    Idempotent: ``token`` is the one-time token of the form that asks for it, kept on the movement under a unique
    constraint, so that submitting the same form twice records one correction; a correction with the same
    credits, date and decision reference as one on record is refused too. Either way nothing is written and
    :class:`CorrectionRefused` says so.
    """
    if not reference.strip() or not reason.strip():
        raise CorrectionRefused(_("A correction needs the decision's reference and a reason."))
    Student.objects.select_for_update().get(pk=student.pk)
    check_correction(student, credits, on, reference, token)
    n = LedgerMovement.objects.filter(student=student, cause__startswith=rules.MANUAL_CAUSE_PREFIX).count()
    try:
        with transaction.atomic():
            return LedgerMovement.objects.create(
                student=student, on=on, kind=MovementKind.CORRECTION, credits=credits,
                cause=f"{rules.MANUAL_CAUSE_PREFIX}{n + 1}", article="LA-13", note=reason[:300],
                reference=reference.strip()[:100], form_token=token, recorded_by=by,
            )
    except IntegrityError:
        # The same form's token, written by a submit that got in first: the correction is on record.
        existing = LedgerMovement.objects.filter(form_token=token).first() if token is not None else None
        if existing is None:
            raise
        raise CorrectionRefused(_already_recorded_message(existing)) from None


def preview_register_opening(student: Student, balance: int, as_of: date, bonus_used: int,
                             master_obtained: bool, today: date) -> dict:
    """LA-1: the movements that recording this register position would append, without writing anything, and
    the balance on the later of ``as_of`` and ``today`` before and after. Runs the same reconciliation as
    :func:`record_register_opening` on the changed facts."""
    opening = rules.RegisterOpening(balance, as_of, bonus_used, master_obtained)
    movements = tuple(preview_ledger(student.pk, lambda facts: dataclasses.replace(facts, register=opening)))
    on = max(as_of, today)
    before = balance_at(student.pk, on)
    return {"movements": movements, "balance_on": on, "balance_before": before,
            "balance_after": before + sum(m.credits for m in movements if m.on <= on)}


def preview_correction(student: Student, credits: int, on: date, reason: str, reference: str = "",
                       token=None) -> dict:
    """LA-13: the one correction movement a decision adds, and the balance on its date before and after; refused
    (:class:`CorrectionRefused`) when it is already recorded."""
    check_correction(student, credits, on, reference, token)
    movement = rules.NewMovement(cause=rules.MANUAL_CAUSE_PREFIX, revision=0, on=on, kind="correction",
                                 credits=credits, year=None, unit=None, article="LA-13", note=reason)
    before = balance_at(student.pk, on)
    return {"movements": (movement,), "balance_on": on, "balance_before": before, "balance_after": before + credits}
