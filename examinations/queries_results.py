"""Read side of the results pages: the list of units with their progress, the grid of one unit in one exam period,
a student's results of a year with the study success rate (EN-9). Each in a fixed number of queries, and each
scoped to the user: a lecturer sees the units he coordinates, a committee member the students of her programmes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.http import Http404

from config.access import Role, has_role
from config.calendar import holidays_around
from enrolment.models import AcademicYear, CourseUnit, ProgrammeLine
from students.models import Student

from .models import (
    CommitteeMember,
    ExamPeriod,
    MaterialError,
    Meeting,
    MeetingKind,
    Proclamation,
    Result,
    RetakeRequest,
    SecondOpportunityRegistration,
)
from .rules import results as result_rules
from .rules.deliberation import Attempt, final_result
from .services.results import (
    coordinated_unit_ids,
    is_results_admin,
    tied_student_ids,
    unit_exam_periods,
)

COMMITTEE_ROLES = (Role.COMMITTEE_CHAIR, Role.COMMITTEE_SECRETARY, Role.COMMITTEE_MEMBER)
SUMMARY_ROLES = (Role.STUDENT_ADMIN, Role.ACADEMIC_ADVISOR, *COMMITTEE_ROLES)


def default_year(today: date) -> AcademicYear | None:
    """The academic year running today, else the latest one."""
    years = list(AcademicYear.objects.order_by("-starts_on"))
    for y in years:
        if y.starts_on <= today <= y.ends_on:
            return y
    return years[0] if years else None


def units_for(user):
    """The course units whose results this user enters: all for the administration, his own for a lecturer."""
    units = CourseUnit.objects.select_related("programme").order_by("programme__code", "code")
    if is_results_admin(user):
        return units
    return units.filter(lecturers__user_id=user.pk, lecturers__coordinating=True)


def access_unit(user, code: str) -> CourseUnit:
    """The unit, or 404 for both "missing" and "not yours"."""
    unit = units_for(user).filter(code=code).first()
    if unit is None:
        raise Http404("No such course unit among yours.")
    return unit


def access_period(unit: CourseUnit, year_code: str, period_code: str) -> ExamPeriod:
    period = ExamPeriod.objects.select_related("academic_year").filter(
        academic_year__code=year_code, code=period_code).first()
    if period is None or period not in unit_exam_periods(unit, [period]):
        raise Http404("The unit is not examined in this exam period.")
    return period


# ---------------------------------------------------------------------------------------------------------------
# The list of units


@dataclass
class UnitRow:
    unit: CourseUnit
    period: ExamPeriod
    expected: int = 0
    entered: int = 0
    proclaimed: bool = False

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.entered >= self.expected


def unit_rows(units, year: AcademicYear, period_code: str = "") -> list[UnitRow]:
    """Every (unit, exam period) pair of the year, without counts: cheap enough to filter and paginate."""
    periods = list(ExamPeriod.objects.filter(academic_year=year).order_by("starts_on"))
    for p in periods:
        p.academic_year = year
    if period_code:
        periods = [p for p in periods if p.code == period_code]
    rows = []
    for unit in units:
        for p in unit_exam_periods(unit, periods):
            rows.append(UnitRow(unit, p))
    return rows


def count_progress(rows: list[UnitRow]) -> None:
    """Fill in entered / expected / proclaimed for a page of rows in a fixed number of queries."""
    if not rows:
        return
    unit_ids = {r.unit.pk for r in rows}
    year_id = rows[0].period.academic_year_id
    lines = _gradable_lines(year_id, unit_ids)
    results = list(Result.objects.filter(academic_year_id=year_id, course_unit_id__in=unit_ids, is_current=True)
                   .values_list("student_id", "course_unit_id", "opportunity", "exam_period_id", "outcome", "grade"))
    registered = set(SecondOpportunityRegistration.objects.filter(
        academic_year_id=year_id, course_unit_id__in=unit_ids).values_list("student_id", "course_unit_id"))
    proclaimed = set(Proclamation.objects.filter(exam_period__academic_year_id=year_id)
                     .values_list("exam_period_id", "programme_id"))
    by_unit_first = defaultdict(dict)
    entered = defaultdict(set)
    for sid, uid, opp, pid, outcome, grade in results:
        entered[(uid, pid)].add(sid)
        if opp == 1:
            by_unit_first[uid][sid] = Attempt(1, outcome, grade)
    second_results = {(sid, uid) for sid, uid, opp, *_ in results if opp == 2}
    for row in rows:
        uid, period = row.unit.pk, row.period
        own = [ln for ln in lines if ln["course_unit_id"] == uid and _sits(ln, period)]
        if period.opportunity == 1:
            expected = {ln["student_id"] for ln in own}
        else:
            expected = {ln["student_id"] for ln in own if _second_opportunity_row(
                by_unit_first[uid].get(ln["student_id"]), (ln["student_id"], uid) in registered,
                (ln["student_id"], uid) in second_results)}
        row.expected = len(expected)
        row.entered = len(entered[(uid, period.pk)] & expected)
        programmes = {ln["contract__programme_id"] for ln in own}
        row.proclaimed = bool(programmes) and all((period.pk, p) in proclaimed for p in programmes)


def _gradable_lines(year_id: int, unit_ids) -> list[dict]:
    return list(ProgrammeLine.objects.filter(
        academic_year_id=year_id, course_unit_id__in=unit_ids, removed_on__isnull=True, exempted=False,
    ).values("id", "student_id", "course_unit_id", "contract__programme_id", "contract__deregistered_on"))


def _sits(line: dict, period: ExamPeriod) -> bool:
    """A student deregistered before the exam period starts does not sit its exams."""
    off = line["contract__deregistered_on"]
    return off is None or off >= period.starts_on


def _second_opportunity_row(first: Attempt | None, registered: bool, has_result: bool) -> bool:
    """Who belongs on a second-opportunity grid: registered (EX-2), with a result already, or failed at the first
    opportunity (to record the A of an unregistered student, UH 12.2.5)."""
    return registered or has_result or (first is not None and not result_rules.has_credit_certificate(first))


# ---------------------------------------------------------------------------------------------------------------
# The grid


@dataclass
class GridRow:
    line_id: int
    student: Student
    programme_code: str
    first: Result | None
    second: Result | None
    final: Attempt | None
    current: Result | None
    published: bool
    excluded: bool
    deregistered_on: date | None
    registered: bool = False
    value: str = ""
    error: str = ""

    @property
    def editable(self) -> bool:
        return not self.published and not self.excluded

    @property
    def final_display(self) -> str:
        return result_rules.display(self.final.outcome, self.final.grade) if self.final else ""

    @property
    def certificate(self) -> bool:
        return result_rules.has_credit_certificate(self.final)


@dataclass
class Grid:
    unit: CourseUnit
    period: ExamPeriod
    rows: list[GridRow]
    coordinator: bool
    admin: bool
    delivery: dict | None = None
    other_periods: list[ExamPeriod] = field(default_factory=list)

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def entered(self) -> int:
        return sum(1 for r in self.rows if r.current is not None)

    @property
    def all_published(self) -> bool:
        return bool(self.rows) and all(r.published for r in self.rows)

    @property
    def any_editable(self) -> bool:
        return any(r.editable for r in self.rows)

    @property
    def excluded(self) -> int:
        return sum(1 for r in self.rows if r.excluded)


def grid(user, unit: CourseUnit, period: ExamPeriod) -> Grid:
    """Every student with a current line for the unit in the period's year (not removed, not exempted), with the
    results of both opportunities and the final one (EX-5); students the coordinating lecturer declared a tie
    with are shown excluded (EX-11). In a fixed number of queries."""
    year_id = period.academic_year_id
    admin = is_results_admin(user)
    coordinator = unit.pk in coordinated_unit_ids(user)
    ties = tied_student_ids(user) if coordinator else frozenset()
    lines = [ln for ln in ProgrammeLine.objects.filter(
        academic_year_id=year_id, course_unit=unit, removed_on__isnull=True, exempted=False,
    ).select_related("student", "contract__programme").order_by("student__last_name", "student__first_name",
                                                                 "student__number")
        if ln.contract.deregistered_on is None or ln.contract.deregistered_on >= period.starts_on]
    results = defaultdict(dict)
    for r in Result.objects.filter(academic_year_id=year_id, course_unit=unit, is_current=True):
        results[r.student_id][r.opportunity] = r
    registered = set(SecondOpportunityRegistration.objects.filter(
        academic_year_id=year_id, course_unit=unit).values_list("student_id", flat=True))
    proclaimed = set(Proclamation.objects.filter(exam_period=period).values_list("programme_id", flat=True))
    rows = []
    for ln in lines:
        own = results.get(ln.student_id, {})
        first, second = own.get(1), own.get(2)
        first_attempt = Attempt(1, first.outcome, first.grade) if first else None
        if period.opportunity == 2 and not _second_opportunity_row(first_attempt, ln.student_id in registered,
                                                                   second is not None):
            continue
        attempts = [Attempt(r.opportunity, r.outcome, r.grade) for r in own.values()]
        rows.append(GridRow(
            line_id=ln.pk, student=ln.student, programme_code=ln.contract.programme.code, first=first,
            second=second, final=final_result(attempts), current=own.get(period.opportunity),
            published=ln.contract.programme_id in proclaimed,
            excluded=result_rules.examiner_excluded(ln.student_id, ties),
            deregistered_on=ln.contract.deregistered_on, registered=ln.student_id in registered,
        ))
    return Grid(unit, period, rows, coordinator=coordinator, admin=admin, delivery=delivery_deadline(unit, period),
                other_periods=unit_exam_periods(unit, ExamPeriod.objects.filter(academic_year_id=year_id)
                                                .select_related("academic_year").order_by("starts_on")))


def delivery_deadline(unit: CourseUnit, period: ExamPeriod) -> dict | None:
    """EX-7 (UH 15.2.1): when the unit's programme has a bureau meeting planned for the period, the last day to
    deliver the results."""
    meeting = (Meeting.objects.filter(committee__programme_id=unit.programme_id, exam_period=period,
                                      kind=MeetingKind.BUREAU).order_by("held_on").first())
    rr = period.academic_year.rules.results
    if meeting is None or rr is None:
        return None
    return {"meeting_on": meeting.held_on,
            "deliver_by": result_rules.results_delivery_deadline(meeting.held_on, holidays_around(meeting.held_on),
                                                                 rr)}


# ---------------------------------------------------------------------------------------------------------------
# A student's results of a year (EX-5, EN-9)


def committee_programme_ids(user, on: date) -> set[int]:
    return set(CommitteeMember.objects.filter(user_id=user.pk, since__lte=on).filter(
        Q(until__isnull=True) | Q(until__gte=on)).values_list("committee__programme_id", flat=True))


def access_student(user, number: str, today: date) -> Student:
    """The student, or 404 for "missing" and for a committee member whose programmes he is not in."""
    student = Student.objects.filter(number=number).first()
    if student is None:
        raise Http404("No such student.")
    if has_role(user, (Role.STUDENT_ADMIN, Role.ACADEMIC_ADVISOR)):
        return student
    programmes = committee_programme_ids(user, today)
    if not student.contracts.filter(programme_id__in=programmes).exists():
        raise Http404("No such student among your programmes.")
    return student


@dataclass
class SummaryRow:
    line: ProgrammeLine
    first: Result | None
    second: Result | None
    final: Attempt | None
    published: dict[int, bool]
    registered: bool
    retake: RetakeRequest | None
    errors: list[MaterialError]

    @property
    def final_display(self) -> str:
        return result_rules.display(self.final.outcome, self.final.grade) if self.final else ""

    @property
    def certificate(self) -> bool:
        return result_rules.has_credit_certificate(self.final)

    @property
    def first_published(self) -> bool:
        return self.first is not None and self.published.get(1, False)

    @property
    def second_published(self) -> bool:
        return self.second is not None and self.published.get(2, False)


def student_summary(student: Student, year: AcademicYear) -> dict:
    """The student's study programme of the year with both opportunities and the final result per unit (EX-5),
    the second-opportunity registrations and retake requests, and the study success rate (EN-9)."""
    lines = list(ProgrammeLine.objects.filter(student=student, academic_year=year)
                 .select_related("course_unit", "contract__programme").order_by("course_unit__code", "removed_on"))
    results = defaultdict(dict)
    for r in Result.objects.filter(student=student, academic_year=year, is_current=True).select_related(
            "exam_period"):
        results[r.course_unit_id][r.opportunity] = r
    proclaimed = set(Proclamation.objects.filter(exam_period__academic_year=year).values_list(
        "exam_period_id", "programme_id"))
    registered = set(SecondOpportunityRegistration.objects.filter(student=student, academic_year=year)
                     .values_list("course_unit_id", flat=True))
    retakes = {r.course_unit_id: r for r in RetakeRequest.objects.filter(student=student, academic_year=year)}
    errors = defaultdict(list)
    for e in MaterialError.objects.filter(result__student=student, result__academic_year=year).select_related(
            "result", "correction"):
        errors[e.result.course_unit_id].append(e)
    rows, taken = [], []
    for ln in lines:
        own = results.get(ln.course_unit_id, {}) if ln.removed_on is None else {}
        attempts = [Attempt(r.opportunity, r.outcome, r.grade) for r in own.values()]
        final = final_result(attempts)
        rows.append(SummaryRow(
            line=ln, first=own.get(1), second=own.get(2), final=final,
            published={o: (r.exam_period_id, ln.contract.programme_id) in proclaimed for o, r in own.items()},
            registered=ln.course_unit_id in registered, retake=retakes.get(ln.course_unit_id),
            errors=errors.get(ln.course_unit_id, []) if ln.removed_on is None else [],
        ))
        taken.append(result_rules.UnitTaken(ln.course_unit.credits, ln.exempted, ln.removed_on is not None, final))
    return {"rows": rows, "success": result_rules.study_success(taken, year.rules.results)}


def student_years(student: Student) -> list[AcademicYear]:
    return list(AcademicYear.objects.filter(contracts__student=student).distinct().order_by("-starts_on"))


def material_errors():
    return MaterialError.objects.select_related(
        "result__student", "result__course_unit", "result__exam_period__academic_year", "correction",
    ).order_by("-reported_on", "-pk")
