"""Recording results: the one door through which every result (entry, file, correction, sanction, sweep) goes.

EX-8: once the exam period is proclaimed for the student's programme, a result changes only through the
material-error procedure (EX-10), an appeal outcome or an irregularity sanction (IR-4). Every change is a new
version that supersedes the current one, with who, when, why and by which procedure; the learning account
is brought up to date in the same transaction (LA-4, LA-5).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from config.access import Role, has_role
from config.audit import audit_step
from config.calendar import holidays_around
from enrolment.models import AcademicYear, CourseUnit, ProgrammeLine
from students.models import Student
from students.services import sync_ledgers

from ..models import (
    CourseUnitLecturer,
    ExamPeriod,
    MaterialError,
    Outcome,
    Proclamation,
    Result,
    ResultProcedure,
    RetakeRequest,
    RetakeStatus,
    SecondOpportunityRegistration,
    StudyProgressDecision,
    TieDeclaration,
)
from ..models.results import AFTER_PUBLICATION
from ..rules import results as result_rules
from ..rules.deliberation import Attempt


class ResultRefused(Exception):
    """A result that may not be recorded, with the reason in words a staff member understands."""


def decided_refusal(current: Result) -> str:
    """A result set by a procedure (an irregularity sanction, a material-error correction, an appeal outcome)
    is not overwritten by ordinary entry, a results file or a sweep: only another procedure changes it."""
    return _("This result was set by a procedure (%(procedure)s): it changes only through the material-error "
             "procedure (EX-10) or an appeal outcome.") % {"procedure": current.get_procedure_display()}


def proclaimed_refusal() -> str:
    """EX-8 (UH 15.3.2): the one sentence every path that refuses a change after the proclamation says."""
    return _("The results of this exam period are proclaimed: a result changes only through the material-error "
             "procedure (EX-10) or an appeal outcome.")


def is_proclaimed(exam_period_id: int, programme_id: int) -> bool:
    return Proclamation.objects.filter(exam_period_id=exam_period_id, programme_id=programme_id).exists()


@audit_step("Result recorded ({procedure})", reason="reason")
@transaction.atomic
def record_result(line: ProgrammeLine, exam_period: ExamPeriod, outcome: str, grade: int | None, by,
                  procedure: str = ResultProcedure.ENTRY, reason: str = "", decided_on: date | None = None,
                  ) -> Result:
    """Record (or change) the result of ``line``'s unit in ``exam_period``. Idempotent: recording the value
    that is already current changes nothing and returns the current version."""
    if outcome == Outcome.NUMERIC:
        if grade is None or not 0 <= grade <= 20:
            raise ResultRefused(_("A grade is a whole number from 0 to 20 (EX-4)."))
    elif grade is not None:
        raise ResultRefused(_("Only a numeric result has a grade."))
    if exam_period.academic_year_id != line.academic_year_id:
        raise ResultRefused(_("The exam period is not in the academic year of the study programme line."))
    if line.removed_on is not None:
        raise ResultRefused(_("%(unit)s was removed from the study programme on %(date)s.")
                             % {"unit": line.course_unit.code, "date": line.removed_on})
    if line.exempted:
        raise ResultRefused(_("%(unit)s is exempted: it gets no result.") % {"unit": line.course_unit.code})
    opportunity = exam_period.opportunity
    current = (Result.objects.select_for_update()
               .filter(student_id=line.student_id, academic_year_id=line.academic_year_id,
                       course_unit_id=line.course_unit_id, opportunity=opportunity, is_current=True).first())
    if current is not None and (current.outcome, current.grade) == (outcome, grade):
        return current
    if current is not None and current.procedure in AFTER_PUBLICATION and procedure not in AFTER_PUBLICATION:
        raise ResultRefused(decided_refusal(current))
    published = is_proclaimed(exam_period.id, line.contract.programme_id)
    if published and procedure not in AFTER_PUBLICATION:
        raise ResultRefused(proclaimed_refusal())
    if published and decided_on is None:
        raise ResultRefused(_("A correction after the proclamation needs the date it was decided."))
    if current is not None and procedure != ResultProcedure.ENTRY and procedure != ResultProcedure.FILE \
            and not reason.strip():
        raise ResultRefused(_("A correction needs its reason."))
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


# ---------------------------------------------------------------------------------------------------------------
# Who may grade what (EX-11), shared by the grid and the file import.


def is_results_admin(user) -> bool:
    """The student administration (and superusers) enter results for every unit (UH 15.2, 13.1.2)."""
    return has_role(user, (Role.STUDENT_ADMIN,))


def coordinated_unit_ids(user) -> set[int]:
    return set(CourseUnitLecturer.objects.filter(user_id=user.pk, coordinating=True)
               .values_list("course_unit_id", flat=True))


def tied_student_ids(user) -> frozenset[int]:
    """EX-11: the students this person declared a family or cohabitation tie with."""
    return frozenset(TieDeclaration.objects.filter(person_id=user.pk).values_list("student_id", flat=True))


def unit_exam_periods(unit: CourseUnit, periods) -> list[ExamPeriod]:
    """The exam periods of a year in which ``unit`` is examined: its first-opportunity period and, when the
    study guide gives it two opportunities, the second-opportunity period(s) (EX-1, UH 12.2)."""
    return [p for p in periods if (p.opportunity == 1 and p.code == unit.exam_period_code)
            or (p.opportunity == 2 and unit.opportunities == 2)]


def period_refusal(unit: CourseUnit, period: ExamPeriod) -> str | None:
    if period.opportunity == 2 and unit.opportunities < 2:
        return _("%(unit)s has one exam opportunity a year (UH 12.2.2).") % {"unit": unit.code}
    if period.opportunity == 1 and unit.exam_period_code != period.code:
        return _("%(unit)s is examined in %(examined)s, not in %(period)s.") % {
            "unit": unit.code, "examined": unit.exam_period_code, "period": period.code}
    return None


# ---------------------------------------------------------------------------------------------------------------
# The grid: results of one unit in one exam period, entered by its coordinating lecturer or the administration.


class GridRefused(ResultRefused):
    """Some cells of a grid are wrong; nothing was saved. ``errors`` maps a line id to the reason."""

    def __init__(self, errors: dict[int, str]):
        super().__init__(_("Results that could not be recorded: %(n)d; nothing was saved.") % {"n": len(errors)})
        self.errors = errors


@transaction.atomic
def enter_results(user, unit: CourseUnit, period: ExamPeriod, entries: dict[int, str]) -> tuple[int, int]:
    """Record the grid's cells (``line id -> cell text``; blank cells change nothing) through
    :func:`record_result`. Every cell is checked first; one wrong cell saves nothing. Returns (recorded,
    unchanged)."""
    refusal = period_refusal(unit, period)
    if refusal:
        raise ResultRefused(refusal)
    admin = is_results_admin(user)
    coordinator = unit.pk in coordinated_unit_ids(user)
    if not admin and not coordinator:
        raise ResultRefused(_("Only the coordinating lecturer of %(unit)s or the student administration enters its "
                              "results (UH 15.2).") % {"unit": unit.code})
    ties = tied_student_ids(user) if coordinator else frozenset()
    entries = {line_id: text for line_id, text in entries.items() if text is not None and str(text).strip()}
    lines = {ln.pk: ln for ln in ProgrammeLine.objects.select_related("contract", "course_unit").filter(
        pk__in=entries, course_unit=unit, academic_year_id=period.academic_year_id)}
    current = {(r.student_id, r.course_unit_id): r for r in Result.objects.filter(
        student_id__in=[ln.student_id for ln in lines.values()], academic_year_id=period.academic_year_id,
        course_unit=unit, opportunity=period.opportunity, is_current=True)}
    published = set(Proclamation.objects.filter(exam_period=period).values_list("programme_id", flat=True))
    errors, todo = {}, []
    for line_id, text in entries.items():
        line = lines.get(line_id)
        if line is None:
            errors[line_id] = _("This student does not take %(unit)s in %(year)s.") % {
                "unit": unit.code, "year": period.academic_year.code}
            continue
        try:
            parsed = result_rules.parse_result(text, unit.result_kind)
        except result_rules.InvalidResult as bad:
            errors[line_id] = str(bad)
            continue
        old = current.get((line.student_id, unit.pk))
        if old is not None and (old.outcome, old.grade) == (parsed.outcome, parsed.grade):
            continue
        if result_rules.examiner_excluded(line.student_id, ties):
            errors[line_id] = _("You declared a tie with this student: the chair appoints another examiner "
                                "(UH 13.1.2).")
        elif line.removed_on is not None:
            errors[line_id] = _("%(unit)s was removed from the study programme on %(date)s.") % {
                "unit": unit.code, "date": line.removed_on}
        elif line.exempted:
            errors[line_id] = _("The student is exempted from %(unit)s.") % {"unit": unit.code}
        elif old is not None and old.procedure in AFTER_PUBLICATION:
            errors[line_id] = decided_refusal(old)
        elif line.contract.programme_id in published:
            errors[line_id] = proclaimed_refusal()
        else:
            todo.append((line, parsed))
    if errors:
        raise GridRefused(errors)
    for line, parsed in todo:
        record_result(line, period, parsed.outcome, parsed.grade, by=user, procedure=ResultProcedure.ENTRY)
    return len(todo), len(entries) - len(todo)


# ---------------------------------------------------------------------------------------------------------------
# EX-2 and EX-3


def _line(student: Student, year: AcademicYear, unit: CourseUnit) -> ProgrammeLine:
    line = (ProgrammeLine.objects.select_related("contract", "course_unit")
            .filter(student=student, academic_year=year, course_unit=unit, removed_on__isnull=True).first())
    if line is None:
        raise ResultRefused(_("%(unit)s is not in the study programme of %(student)s in %(year)s.") % {
            "unit": unit.code, "student": student.number, "year": year.code})
    if line.exempted:
        raise ResultRefused(_("%(student)s is exempted from %(unit)s in %(year)s.") % {
            "student": student.number, "unit": unit.code, "year": year.code})
    return line


def _first_opportunity(student: Student, year: AcademicYear, unit: CourseUnit) -> Attempt | None:
    r = Result.objects.filter(student=student, academic_year=year, course_unit=unit, opportunity=1,
                              is_current=True).first()
    return Attempt(1, r.outcome, r.grade) if r else None


def tolerance_announcement(student: Student, year: AcademicYear, unit: CourseUnit) -> date | None:
    """The date of the proclaimed decision that tolerated this unit's fail (EX-3: "the announcement that he
    satisfied the tolerance rules"), or ``None`` when no decision of the year's first opportunity tolerates it."""
    dates = [d.decided_on for d in StudyProgressDecision.objects.filter(
        student=student, exam_period__academic_year=year, exam_period__opportunity=1, is_current=True)
        if any(unit.code in (p.get("tolerated") or ()) for p in d.packages or ())]
    return min(dates) if dates else None


@transaction.atomic
def register_second_opportunity(student: Student, year: AcademicYear, unit: CourseUnit, registered_on: date,
                                by) -> SecondOpportunityRegistration:
    """EX-2 (UH 12.2.5): record the student's registration of a failed unit for the second opportunity.
    Idempotent: registering again returns the registration on record."""
    rr = result_rules.require_result_rules(year.rules)
    Student.objects.select_for_update().filter(pk=student.pk).first()
    existing = SecondOpportunityRegistration.objects.filter(student=student, academic_year=year,
                                                            course_unit=unit).first()
    if existing is not None:
        return existing
    _line(student, year, unit)
    tolerated = tolerance_announcement(student, year, unit) is not None
    granted = RetakeRequest.objects.filter(student=student, academic_year=year, course_unit=unit,
                                           status=RetakeStatus.GRANTED).exists()
    refusal = result_rules.second_opportunity_refusal(
        registered_on, result_rules.second_opportunity_window(year.ends_on, rr), unit.opportunities,
        _first_opportunity(student, year, unit), tolerated=tolerated, retake_granted=granted)
    if refusal:
        raise ResultRefused(refusal)
    return SecondOpportunityRegistration.objects.create(student=student, academic_year=year, course_unit=unit,
                                                        registered_on=registered_on, recorded_by=by)


@transaction.atomic
def request_retake(student: Student, year: AcademicYear, unit: CourseUnit, requested_on: date,
                   by) -> RetakeRequest:
    """EX-3 (UH 12.2.6): record a written request to retake a tolerated fail. In time (10 working days after the
    announcement, Belgian holidays excluded) it is granted and the unit is registered for the second
    opportunity; a late request is recorded as refused (``LATE``), the deadline in :attr:`late_by`.
    Idempotent: a second request for the same unit returns the first."""
    rr = result_rules.require_result_rules(year.rules)
    Student.objects.select_for_update().filter(pk=student.pk).first()
    existing = RetakeRequest.objects.filter(student=student, academic_year=year, course_unit=unit).first()
    if existing is not None:
        return existing
    _line(student, year, unit)
    announced = tolerance_announcement(student, year, unit)
    if announced is None:
        raise ResultRefused(_("%(unit)s is not a tolerated fail of %(student)s in %(year)s: a retake request (UH "
                              "12.2.6) is for a fail tolerated at the first opportunity.") % {
            "unit": unit.code, "student": student.number, "year": year.code})
    deadline = result_rules.retake_request_deadline(announced, holidays_around(announced), rr)
    in_time = requested_on <= deadline
    request = RetakeRequest.objects.create(
        student=student, academic_year=year, course_unit=unit, requested_on=requested_on,
        status=RetakeStatus.GRANTED if in_time else RetakeStatus.LATE, recorded_by=by)
    if in_time:
        SecondOpportunityRegistration.objects.get_or_create(
            student=student, academic_year=year, course_unit=unit,
            defaults={"registered_on": requested_on, "recorded_by": by})
    request.deadline = deadline
    return request


def retake_deadline(request: RetakeRequest) -> date | None:
    rr = request.academic_year.rules.results
    announced = tolerance_announcement(request.student, request.academic_year, request.course_unit)
    if rr is None or announced is None:
        return None
    return result_rules.retake_request_deadline(announced, holidays_around(announced), rr)


# ---------------------------------------------------------------------------------------------------------------
# EX-10: material errors in a published result


def decision_date(result: Result) -> date | None:
    """The date the bureau or committee decided on this result: its proclamation's meeting, else the
    announcement itself; ``None`` while the result is not proclaimed."""
    p = (Proclamation.objects.select_related("meeting")
         .filter(exam_period_id=result.exam_period_id, programme_id=result.line.contract.programme_id).first())
    if p is None:
        return None
    return p.meeting.held_on if p.meeting_id else p.published_on


@audit_step("Material error reported")
@transaction.atomic
def report_material_error(result: Result, reported_on: date, reported_by_name: str, description: str,
                          by) -> MaterialError:
    """EX-10 (UH 15.5.3): record the formal report of a suspected material error in a proclaimed result.
    Reported late, it is still recorded: an error to the student's disadvantage may be corrected any time."""
    result = Result.objects.select_for_update().select_related("line__contract").get(pk=result.pk)
    if not result.is_current:
        raise ResultRefused(_("This version of the result has been superseded; report on the current one."))
    if decision_date(result) is None:
        raise ResultRefused(_("This result is not proclaimed yet: before the proclamation it is simply changed in "
                              "the grid (UH 15.5.1)."))
    if not description.strip() or not reported_by_name.strip():
        raise ResultRefused(_("Say who reported the error and what is wrong."))
    return MaterialError.objects.create(result=result, reported_on=reported_on,
                                        reported_by_name=reported_by_name.strip(), description=description.strip(),
                                        recorded_by=by)


@audit_step("Material error decided", reason="reason")
@transaction.atomic
def decide_material_error(error: MaterialError, decided_on: date, corrected: bool, outcome: str | None,
                          grade: int | None, reason: str, by) -> MaterialError:
    """EX-10 (UH 15.5.3-4): decide a reported material error. A correction is a new version of the result through
    :func:`record_result` (procedure ``material_error``, with its reason and decision date), allowed within the
    limits of the rule (any time when the error was to the student's disadvantage)."""
    error = MaterialError.objects.select_for_update().select_related(
        "result__line__contract", "result__line__course_unit", "result__exam_period__academic_year").get(pk=error.pk)
    if error.decided_on is not None:
        raise ResultRefused(_("This report was already decided on %(date)s.") % {"date": error.decided_on})
    result = error.result
    if decided_on < error.reported_on:
        raise ResultRefused(_("The decision (%(decided)s) cannot come before the report (%(reported)s).") % {
            "decided": decided_on, "reported": error.reported_on})
    if not reason.strip():
        raise ResultRefused(_("A decision on a material error needs its reason."))
    correction = None
    if corrected:
        if (outcome, grade) == (result.outcome, result.grade):
            raise ResultRefused(_("The corrected result is the same as the recorded one."))
        rr = result_rules.require_result_rules(result.exam_period.academic_year.rules)
        current = Result.objects.filter(student_id=result.student_id, academic_year_id=result.academic_year_id,
                                        course_unit_id=result.course_unit_id, opportunity=result.opportunity,
                                        is_current=True).first()
        if current is None or current.pk != result.pk:
            raise ResultRefused(_("The result has changed since the report; report the error on the current version."))
        refusal = result_rules.material_error_refusal(decision_date(result), error.reported_on, decided_on,
                                                      (result.outcome, result.grade), (outcome, grade), rr)
        if refusal:
            raise ResultRefused(refusal)
        correction = record_result(result.line, result.exam_period, outcome, grade, by=by,
                                   procedure=ResultProcedure.MATERIAL_ERROR, reason=reason.strip(),
                                   decided_on=decided_on)
    MaterialError.objects.filter(pk=error.pk).update(decided_on=decided_on, corrected=corrected,
                                                     correction=correction)
    error.refresh_from_db()
    return error


@transaction.atomic
def record_student_notified(error: MaterialError, notified_on: date) -> MaterialError:
    """EX-10 (UH 15.5.4): the student administration informs the student of the corrected result."""
    error = MaterialError.objects.select_for_update().get(pk=error.pk)
    if error.decided_on is None:
        raise ResultRefused(_("Decide the report before notifying the student."))
    if notified_on < error.decided_on:
        raise ResultRefused(_("The student cannot be notified (%(notified)s) before the decision (%(decided)s).") % {
            "notified": notified_on, "decided": error.decided_on})
    MaterialError.objects.filter(pk=error.pk).update(student_notified_on=notified_on)
    error.refresh_from_db()
    return error
