"""The learning-account sweeps of ``config.sweeps`` (rules.md section 9).

LA-6/LA-7: on 1 December and 15 March a refund window closes. The ledger engine (``students.rules``) already
decides each refund by the date of the request, so no movement is due at the cut-off; the sweep records the
closure once per year and semester (:class:`enrolment.models.RefundWindowClosure`, a unique key), so the log
shows when the deductions became final.

LA-12: the yearly rebuild. The ledger engine already computes it: ``rules.expected_movements`` gives every
academic year on record a ``rebuild:<year>`` movement, dated the year's first day, for an account below 60 after
the initial master's degree or after a year without enrolment or degree, and every service that records a fact
reconciles the student's whole ledger (``services.sync_ledgers``). What no service does is reconcile the accounts
of students about whom nothing new was recorded once a new academic year is on record. The sweep does that, once
per academic year that started on or before ``as_of``: it picks in two queries the students the rebuild can concern
(ledger opened before the year, no rebuild of that year yet, the initial master's obtained or no contract in the
year before, balance before the year below 60), reconciles their ledgers in chunks (the ledger's unique keys
make it idempotent) and marks the year done with a ``DeadlineFlag``, under the year's row lock so that two
sweeps at once rebuild once. Accounts whose facts change later are reconciled by the service that records them.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q, Sum
from django.utils.translation import gettext as _

from config.audit import audit_step
from config.sweeps import Due, Ref, SweepResult
from enrolment.flags import raise_flag
from enrolment.models import AcademicYear, DeadlineFlag, Degree, ProgrammeKind, RefundWindowClosure, StudyContract

from . import rules
from .models import LedgerMovement, MovementKind, Student
from .services import CHUNK, sync_ledgers


@audit_step("Sweep LA-9: refund window closed")
def close_refund_windows(as_of: date) -> SweepResult:
    affected = []
    for year in AcademicYear.objects.order_by("starts_on"):
        for semester, cutoff in rules.closed_refund_windows(as_of, year.starts_on, year.rules):
            try:
                with transaction.atomic():
                    closure, created = RefundWindowClosure.objects.get_or_create(
                        academic_year=year, semester=semester, defaults={"cutoff": cutoff})
            except IntegrityError:  # another sweep recorded it at the same moment
                continue
            if created:
                affected.append(Ref("enrolment.refundwindowclosure", closure.pk,
                                    f"{year.code} semester {semester}: refunds closed on {cutoff.isoformat()} "
                                    f"(LA-6/LA-7)"))
    return SweepResult(affected=tuple(affected))


def upcoming_refund_windows(start: date, end: date) -> list[Due]:
    """LA-6/LA-7: the refund cut-offs (1 December, 15 March) in [start, end], institution-wide."""
    out = []
    for year in AcademicYear.objects.order_by("starts_on"):
        for semester, cutoff in rules.refund_cutoffs_between(start, end, year.starts_on, year.rules):
            if semester == 1:
                what = _("%(year)s: from this day removing a first-semester or year-long unit, or deregistering, no "
                         "longer gives its credits back (LA-6/LA-7)")
            else:
                what = _("%(year)s: from this day removing a second-semester unit, or deregistering, no longer "
                         "gives its credits back (LA-6/LA-7)")
            out.append(Due("LA-6/LA-7", cutoff, what % {"year": year.code},
                           ref=Ref("enrolment.academicyear", year.pk, year.code)))
    return out


# ----------------------------------------------------------------------------------------------- LA-12 ----
def _rebuild_ref(year: AcademicYear) -> Ref:
    return Ref("enrolment.academicyear", year.pk, f"{year.code}: learning-account rebuild (LA-12)")


def rebuild_candidates(year: AcademicYear, previous: AcademicYear | None) -> list[int]:
    """The students whose ledger the LA-12 rebuild of ``year`` may concern, in two queries: a superset of the
    engine's own test (``rules.expected_movements``), which decides for each of them.

    Ledger opened before the year (its opening movement, or the register's date when the register's balance was
    0); no ``rebuild:<year>`` movement yet; the initial master's degree obtained before the year, or the year
    before it spent without a contract and without a degree, the ledger already open when that year began; the
    balance before the year, this year's own summer enrolment left out, below the ceiling (60).
    """
    starts = year.starts_on
    movements = LedgerMovement.objects.filter(student=OuterRef("pk"))
    degrees = Degree.objects.filter(student=OuterRef("pk"))

    def opened_before(day: date) -> Q:
        return Q(Exists(movements.filter(kind=MovementKind.OPENING, on__lt=day))) | Q(register_as_of__lt=day)

    trigger = Q(register_master_obtained=True, register_as_of__lt=starts) | Q(Exists(
        degrees.filter(programme__kind=ProgrammeKind.MASTER, awarded_on__lt=starts)))
    if previous is not None:
        trigger |= (opened_before(previous.starts_on)
                    & ~Q(Exists(StudyContract.objects.filter(student=OuterRef("pk"), academic_year=previous)))
                    & ~Q(Exists(degrees.filter(awarded_on__gte=previous.starts_on, awarded_on__lte=previous.ends_on))))
    triggered = list(Student.objects.filter(opened_before(starts)).filter(trigger)
                     .exclude(Exists(movements.filter(cause=f"rebuild:{year.code}")))
                     .order_by("pk").values_list("pk", flat=True))
    # The balances in a second query, of these students only (in one, PostgreSQL sums every ledger first).
    before: dict[int, int] = {}
    for start in range(0, len(triggered), 10000):
        before.update(LedgerMovement.objects.filter(student_id__in=triggered[start:start + 10000], on__lt=starts)
                      .exclude(academic_year=year).order_by().values("student_id")
                      .annotate(total=Sum("credits")).values_list("student_id", "total"))
    return [pk for pk in triggered if before.get(pk, 0) < year.rules.la_rebuild_ceiling]


def _rebuild_year(year: AcademicYear, previous: AcademicYear | None, as_of: date) -> list[Ref]:
    """The LA-12 rebuild of one academic year, once (the caller holds the year's row lock)."""
    ref = _rebuild_ref(year)
    if DeadlineFlag.objects.filter(rule="LA-12", kind="rebuild", model=ref.model, pk_value=ref.pk).exists():
        return []
    mark = LedgerMovement.objects.aggregate(m=Max("id"))["m"] or 0
    ids = rebuild_candidates(year, previous)
    for start in range(0, len(ids), CHUNK):
        sync_ledgers(ids[start:start + CHUNK])
    # The engine reconciles every year on record, so a catch-up pass writes the later years' rebuilds too.
    written = (LedgerMovement.objects.filter(id__gt=mark, kind=MovementKind.REBUILD)
               .select_related("student", "academic_year").order_by("on", "student__number"))
    affected = [Ref("students.student", m.student_id,
                    f"{m.student.number}: {m.credits:+d} on {m.on.isoformat()} ({m.academic_year.code}, LA-12)")
                for m in written]
    raise_flag(rule="LA-12", kind="rebuild", ref=ref, due_on=year.starts_on, flagged_on=as_of,
               note=f"{len(ids)} accounts reconciled, {len(affected)} rebuilt")
    return affected


@audit_step("Sweep LA-12: yearly rebuild of the learning accounts")
def rebuild_learning_accounts(as_of: date) -> SweepResult:
    """LA-12 sweep: the yearly rebuild of every academic year that started on or before ``as_of`` and was not
    rebuilt yet (a worker down for a year catches up on both)."""
    affected = []
    years = list(AcademicYear.objects.order_by("starts_on"))
    done = set(DeadlineFlag.objects.filter(rule="LA-12", kind="rebuild", model="enrolment.academicyear")
               .values_list("pk_value", flat=True))
    for i, year in enumerate(years):
        if year.pk in done or not rules.rebuild_due(as_of, year.starts_on):
            continue
        with transaction.atomic():  # the year's row lock is held until its flag is written
            AcademicYear.objects.select_for_update().filter(pk=year.pk).first()
            affected.extend(_rebuild_year(year, years[i - 1] if i else None, as_of))
    return SweepResult(affected=tuple(affected))


def upcoming_rebuild(start: date, end: date) -> list[Due]:
    """LA-12: the first days of academic years in [start, end], when the yearly rebuild is applied."""
    return [Due("LA-12", year.starts_on,
                _("%(year)s starts: learning accounts below 60 grow by at most 10 credits (LA-12)")
                % {"year": year.code}, ref=Ref("enrolment.academicyear", year.pk, year.code))
            for year in AcademicYear.objects.filter(starts_on__gte=start, starts_on__lte=end).order_by("starts_on")]
