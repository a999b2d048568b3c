"""Demo data for the irregularity procedure: one open file, so the demo shows the procedure (``load_demo`` calls
:func:`ensure_demo_irregularities`). Idempotent; it never assumes the committee pages or their demo exist: the
programme's examination committee is created when missing, its members are left to the committee demo."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q

from enrolment.models import AcademicYear, Programme

from .models import ExamCommittee, Irregularity, Outcome, Result
from .services import irregularity as services

DEMO_REPORTER = "Ingrid Invigilator (demo)"
DEMO_FACTS = ("During the written exam the invigilator found a sheet of handwritten notes on the subject under the "
              "student's exam paper. The sheet was confiscated; questions 1 to 3 had been answered. The student "
              "finished the exam.")


def _programme(graded, year):
    """The programme whose committee seats the demo chair (the committee demo's), so that ``chair``,
    ``secretary`` and ``ombuds`` find the file; else the bachelor programme with the most graded students, the
    committee demo's own choice; else any programme with a grade."""
    seated = (Programme.objects.filter(committee__members__user__username="chair", committee__members__role="chair",
                                       pk__in=graded.values("line__contract__programme_id")).order_by("code").first())
    if seated is not None:
        return seated
    ranked = (Programme.objects.filter(pk__in=graded.values("line__contract__programme_id"))
              .annotate(n=Count("contracts", filter=Q(contracts__academic_year=year)))
              .order_by("-n", "code"))
    return ranked.filter(kind="bachelor").first() or ranked.first()


@transaction.atomic
def ensure_demo_irregularities() -> Irregularity | None:
    """One open irregularity file (reported, the ombudsperson and the student informed) for the first student
    (by number) with a first-opportunity grade in the latest academic year with results, in the demo committee's
    programme (:func:`_programme`). Returns the file, or None when there are no results to attach it to."""
    existing = Irregularity.objects.filter(reported_by_name=DEMO_REPORTER).first()
    if existing is not None:
        return existing
    year = (AcademicYear.objects.filter(pk__in=Result.objects.filter(is_current=True).values("academic_year_id"))
            .order_by("-starts_on").first())
    if year is None:
        return None
    graded = Result.objects.filter(academic_year=year, is_current=True, opportunity=1, outcome=Outcome.NUMERIC,
                                   line__removed_on__isnull=True)
    programme = _programme(graded, year)
    result = (graded.filter(line__contract__programme=programme)
              .select_related("line__contract__programme", "line__course_unit", "line__academic_year", "exam_period",
                              "student")
              .order_by("student__number", "course_unit__code").first())
    if result is None:
        return None
    same = Irregularity.objects.filter(student_id=result.student_id, course_unit_id=result.course_unit_id,
                                       exam_period_id=result.exam_period_id).first()
    if same is not None:
        return same
    ExamCommittee.objects.get_or_create(programme=result.line.contract.programme)
    by = get_user_model().objects.filter(username="studadmin").first()
    period = result.exam_period
    discovered = min(period.starts_on + timedelta(days=3), period.ends_on)
    reported = discovered + timedelta(days=2)
    irr, _ = services.report_irregularity(line=result.line, exam_period=period, discovered_on=discovered,
                                         reported_on=reported, reported_by_name=DEMO_REPORTER,
                                         description=DEMO_FACTS, by=by)
    return services.inform(irr.pk, ombudsperson_informed_on=reported + timedelta(days=1),
                           student_informed_on=reported + timedelta(days=1), by=by)
