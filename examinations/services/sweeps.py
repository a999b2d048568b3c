"""The examination sweeps of ``config.sweeps`` (rules.md section 9).

EX-2 (UH 12.2.5): once the second-opportunity registration has closed (8 August), every failed unit that was not
registered gets ``A`` for the second opportunity, recorded through :func:`record_result` (procedure ``sweep``).
Idempotent: a unit that has a second-opportunity result is left alone, and each unit is decided under the
student's row lock (the one :func:`register_second_opportunity` takes), rechecked after the lock, so two
sweeps at once, or a sweep beside a registration, record each ``A`` once.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q

from config.sweeps import Ref, SweepResult
from enrolment.models import AcademicYear, ProgrammeLine
from students.models import Student

from ..models import ExamPeriod, Outcome, Result, ResultProcedure, SecondOpportunityRegistration, StudyProgressDecision
from ..rules import results as result_rules
from ..rules.deliberation import Attempt
from .results import ResultRefused, record_result


def _tolerated(year: AcademicYear) -> set[tuple[int, str]]:
    """(student, unit code) of the fails that a current first-opportunity decision of ``year`` tolerated."""
    return {(d.student_id, code)
            for d in StudyProgressDecision.objects.filter(exam_period__academic_year=year,
                                                          exam_period__opportunity=1, is_current=True)
            for p in d.packages or () for code in (p.get("tolerated") or ())}


def _label(line: ProgrammeLine, year: AcademicYear) -> str:
    return f"{line.student.number} {line.course_unit.code} {year.code}"


def _due_lines(year: AcademicYear, closes: date) -> list[ProgrammeLine]:
    """The lines of ``year`` for which EX-2 records ``A`` (pure rule: ``absent_for_unregistered``)."""
    results = Result.objects.filter(academic_year=year, is_current=True)
    firsts = {(r.student_id, r.course_unit_id): Attempt(1, r.outcome, r.grade) for r in results.filter(opportunity=1)}
    seconds = set(results.filter(opportunity=2).values_list("student_id", "course_unit_id"))
    registered = set(SecondOpportunityRegistration.objects.filter(academic_year=year)
                     .values_list("student_id", "course_unit_id"))
    tolerated = _tolerated(year)
    lines = (ProgrammeLine.objects.select_related("contract", "course_unit", "student")
             .filter(academic_year=year, removed_on__isnull=True, exempted=False, course_unit__opportunities=2)
             .filter(Q(contract__deregistered_on__isnull=True) | Q(contract__deregistered_on__gt=closes))
             .order_by("student__number", "course_unit__code"))
    return [ln for ln in lines if result_rules.absent_for_unregistered(
        ln.course_unit.opportunities, firsts.get((ln.student_id, ln.course_unit_id)),
        registered=(ln.student_id, ln.course_unit_id) in registered,
        tolerated=(ln.student_id, ln.course_unit.code) in tolerated,
        has_second_result=(ln.student_id, ln.course_unit_id) in seconds)]


def _still_due(line: ProgrammeLine) -> bool:
    """Rechecked under the lock: another sweep or a registration may have come first."""
    key = {"student_id": line.student_id, "academic_year_id": line.academic_year_id,
           "course_unit_id": line.course_unit_id}
    return not (SecondOpportunityRegistration.objects.filter(**key).exists()
                or Result.objects.filter(**key, opportunity=2, is_current=True).exists())


def absent_for_unregistered(as_of: date) -> SweepResult:
    """EX-2 sweep: ``A`` for the second opportunity of every failed, unregistered unit of each academic year
    whose registration closed before ``as_of``."""
    affected, skipped = [], []
    for year in AcademicYear.objects.order_by("starts_on"):
        rr = year.rules.results
        if rr is None or not result_rules.second_opportunity_closed(as_of, year.ends_on, rr):
            continue
        closes = result_rules.second_opportunity_window(year.ends_on, rr)[1]
        period = ExamPeriod.objects.filter(academic_year=year, opportunity=2).order_by("starts_on").first()
        for line in _due_lines(year, closes):
            ref = Ref("enrolment.programmeline", line.pk, _label(line, year))
            if period is None:
                skipped.append((ref, f"{year.code} has no second-opportunity exam period"))
                continue
            try:
                with transaction.atomic():
                    Student.objects.select_for_update().filter(pk=line.student_id).first()
                    if not _still_due(line):
                        continue
                    result = record_result(
                        line, period, Outcome.ABSENT, None, by=None, procedure=ResultProcedure.SWEEP,
                        reason=f"EX-2 (UH 12.2.5): not registered for the second opportunity by "
                               f"{closes.isoformat()}.")
            except ResultRefused as refused:
                skipped.append((ref, str(refused)))
                continue
            affected.append(Ref("examinations.result", result.pk, f"{_label(line, year)}: A (opportunity 2)"))
    return SweepResult(affected=tuple(affected), skipped=tuple(skipped))


def upcoming_second_opportunity(start, end):  # PLACEHOLDER
    return []


def close_retake_requests(as_of):  # PLACEHOLDER
    return SweepResult()


def upcoming_retake_requests(start, end):  # PLACEHOLDER
    return []


def flag_material_errors(as_of):  # PLACEHOLDER
    return SweepResult()


def upcoming_material_errors(start, end):  # PLACEHOLDER
    return []


def flag_late_irregularity_reports(as_of):  # PLACEHOLDER
    return SweepResult()


def upcoming_irregularity_reports(start, end):  # PLACEHOLDER
    return []


def flag_late_sanction_notices(as_of):  # PLACEHOLDER
    return SweepResult()


def upcoming_sanction_notices(start, end):  # PLACEHOLDER
    return []


def list_script_retention(as_of):  # PLACEHOLDER
    return SweepResult()


def upcoming_script_retention(start, end):  # PLACEHOLDER
    return []
