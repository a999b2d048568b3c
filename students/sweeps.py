"""The learning-account sweeps of ``config.sweeps`` (rules.md section 9).

LA-6/LA-7: on 1 December and 15 March a refund window closes. The ledger engine (``students.rules``) already
decides each refund by the date of the request, so no movement is due at the cut-off; the sweep records the
closure once per year and semester (:class:`enrolment.models.RefundWindowClosure`, a unique key), so the log
shows when the deductions became final.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from config.sweeps import Ref, SweepResult
from enrolment.models import AcademicYear, RefundWindowClosure

from . import rules


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


def upcoming_refund_windows(start, end):  # PLACEHOLDER
    return []


def rebuild_learning_accounts(as_of):  # PLACEHOLDER
    return SweepResult()


def upcoming_rebuild(start, end):  # PLACEHOLDER
    return []
