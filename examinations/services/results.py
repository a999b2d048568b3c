"""Recording results: the one door through which every result (entry, file, correction, sanction, sweep) goes.

EX-8: once the exam period is proclaimed for the student's programme, a result changes only through the
material-error procedure (EX-10), an appeal outcome or an irregularity sanction (IR-4). Every change is a new
version that supersedes the current one, with who, when, why and by which procedure; the learning account
is brought up to date in the same transaction (LA-4, LA-5).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from enrolment.models import ProgrammeLine
from students.services import sync_ledgers

from ..models import AFTER_PUBLICATION, ExamPeriod, Outcome, Proclamation, Result, ResultProcedure


class ResultRefused(Exception):
    """A result that may not be recorded, with the reason in words a staff member understands."""


def is_proclaimed(exam_period_id: int, programme_id: int) -> bool:
    return Proclamation.objects.filter(exam_period_id=exam_period_id, programme_id=programme_id).exists()


def proclaimed_pairs() -> set[tuple[int, int]]:
    """(exam period, programme) pairs that are proclaimed, in one query."""
    return set(Proclamation.objects.values_list("exam_period_id", "programme_id"))


@transaction.atomic
def record_result(line: ProgrammeLine, exam_period: ExamPeriod, outcome: str, grade: int | None, by,
                  procedure: str = ResultProcedure.ENTRY, reason: str = "", decided_on: date | None = None,
                  ) -> Result:
    """Record (or change) the result of ``line``'s unit in ``exam_period``. Idempotent: recording the value
    that is already current changes nothing and returns the current version."""
    if outcome == Outcome.NUMERIC:
        if grade is None or not 0 <= grade <= 20:
            raise ResultRefused("A grade is a whole number from 0 to 20 (EX-4).")
    elif grade is not None:
        raise ResultRefused("Only a numeric result has a grade.")
    if exam_period.academic_year_id != line.academic_year_id:
        raise ResultRefused("The exam period is not in the academic year of the study programme line.")
    if line.removed_on is not None:
        raise ResultRefused(f"{line.course_unit.code} was removed from the study programme on {line.removed_on}.")
    if line.exempted:
        raise ResultRefused(f"{line.course_unit.code} is exempted: it gets no result.")
    opportunity = exam_period.opportunity
    current = (Result.objects.select_for_update()
               .filter(student_id=line.student_id, academic_year_id=line.academic_year_id,
                       course_unit_id=line.course_unit_id, opportunity=opportunity, is_current=True).first())
    if current is not None and (current.outcome, current.grade) == (outcome, grade):
        return current
    published = is_proclaimed(exam_period.id, line.contract.programme_id)
    if published and procedure not in AFTER_PUBLICATION:
        raise ResultRefused(
            "The results of this exam period are proclaimed: a result changes only through the material-error "
            "procedure (EX-10) or an appeal outcome."
        )
    if published and decided_on is None:
        raise ResultRefused("A correction after the proclamation needs the date it was decided.")
    if current is not None and procedure != ResultProcedure.ENTRY and procedure != ResultProcedure.FILE \
            and not reason.strip():
        raise ResultRefused("A correction needs its reason.")
    if current is not None and not reason.strip():
        reason = "Changed before the proclamation."
    version = 1
    if current is not None:
        version = current.version + 1
        Result.objects.filter(pk=current.pk).update(is_current=False)
    result = Result.objects.create(
        line=line, student_id=line.student_id, academic_year_id=line.academic_year_id,
        course_unit_id=line.course_unit_id, exam_period=exam_period, opportunity=opportunity, outcome=outcome,
        grade=grade, version=version, supersedes=current, procedure=procedure, reason=reason,
        decided_on=decided_on if published else None, recorded_by=by,
    )
    if published:
        sync_ledgers([line.student_id])
    return result
