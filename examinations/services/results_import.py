"""Importing a results file: every row checked as :func:`record_result` would check it, then all saved at once.

The check loads everything it needs in a fixed number of queries, whatever the number of rows, and names every
bad row with its row number and reason (grade 21 or 9.5, unknown student or unit, unit not in the student's
programme that year, duplicate row, proclaimed exam period, not the coordinating lecturer, a declared tie).
One bad row saves nothing. Saving happens in one transaction: the superseded versions get ``is_current=False``
in one update per chunk, the new versions are written with ``bulk_create``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from config import bulk
from enrolment.models import CourseUnit, ProgrammeLine
from students.models import Student
from students.services import sync_ledgers

from ..models import ExamPeriod, Proclamation, Result, ResultProcedure
from ..models.results import AFTER_PUBLICATION
from ..results_import import RawRow
from ..rules import results as result_rules
from .results import (
    ResultRefused,
    coordinated_unit_ids,
    decided_refusal,
    is_results_admin,
    period_refusal,
    tied_student_ids,
)

CHUNK = 5000


@dataclass(frozen=True)
class Problem:
    row: int
    student: str
    unit: str
    grade: str
    reason: str


@dataclass
class Planned:
    row: int
    student_id: int
    number: str
    name: str
    unit_id: int
    unit_code: str
    line_id: int
    programme_id: int
    outcome: str
    grade: int | None
    old_id: int | None = None
    old_version: int = 0
    old_display: str = ""

    @property
    def display(self) -> str:
        return result_rules.display(self.outcome, self.grade)


@dataclass
class ImportPlan:
    period: ExamPeriod
    total: int
    new: list[Planned] = field(default_factory=list)
    changed: list[Planned] = field(default_factory=list)
    unchanged: int = 0
    blank: int = 0  # rows without a grade: like an empty cell of the grid, they change nothing
    problems: list[Problem] = field(default_factory=list)
    published_programmes: set[int] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def to_record(self) -> list[Planned]:
        return sorted(self.new + self.changed, key=lambda p: p.row)


class ImportRefused(ResultRefused):
    def __init__(self, plan: ImportPlan | None, message: str = ""):
        self.plan = plan
        super().__init__(message or _("Wrong rows in the file: %(n)d; nothing was saved.")
                         % {"n": len(plan.problems)})


def _grade_text(grade) -> str:
    if grade is None:
        return ""
    if isinstance(grade, float) and grade.is_integer():
        return str(int(grade))
    return str(grade)


def plan_import(user, period: ExamPeriod, rows: list[RawRow], lock: bool = False) -> ImportPlan:
    """What the file would record in ``period``: new results, changed results, unchanged rows and every bad row.
    A fixed number of queries for any number of rows; ``lock`` locks the current versions (when saving)."""
    plan = ImportPlan(period=period, total=len(rows))
    year_id = period.academic_year_id
    numbers = {r.student for r in rows if r.student}
    codes = {r.unit for r in rows if r.unit}
    students = {s.number: s for s in Student.objects.filter(number__in=numbers).only(
        "id", "number", "first_name", "last_name")}
    units = {u.code: u for u in CourseUnit.objects.filter(code__in=codes)}
    student_ids = [s.id for s in students.values()]
    unit_ids = [u.id for u in units.values()]
    lines = {}
    for ln in ProgrammeLine.objects.filter(academic_year_id=year_id, student_id__in=student_ids,
                                           course_unit_id__in=unit_ids).values(
            "id", "student_id", "course_unit_id", "removed_on", "exempted", "contract__programme_id"):
        key = (ln["student_id"], ln["course_unit_id"])
        if key not in lines or ln["removed_on"] is None:  # the line not removed wins (EN-1: at most one)
            lines[key] = ln
    current_qs = Result.objects.filter(academic_year_id=year_id, student_id__in=student_ids,
                                       course_unit_id__in=unit_ids, opportunity=period.opportunity, is_current=True)
    if lock:
        current_qs = current_qs.select_for_update()
    current = {(r.student_id, r.course_unit_id): r for r in current_qs.only(
        "id", "student_id", "course_unit_id", "outcome", "grade", "version", "procedure")}
    published = set(Proclamation.objects.filter(exam_period=period).values_list("programme_id", flat=True))
    plan.published_programmes = published
    admin = is_results_admin(user)
    coordinated = coordinated_unit_ids(user)
    ties = tied_student_ids(user) if coordinated else frozenset()
    year_code = period.academic_year.code

    seen: dict[tuple[str, str], int] = {}
    unit_refusals: dict[int, str | None] = {}
    for raw in rows:
        if raw.grade is None or _grade_text(raw.grade).strip() == "":
            # The grid's own CSV download comes with empty grades: a row left empty records nothing.
            plan.blank += 1
            continue
        reasons = []
        student = students.get(raw.student)
        unit = units.get(raw.unit)
        parsed = None
        if not raw.student:
            reasons.append(_("The student number is missing."))
        elif student is None:
            reasons.append(_("Unknown student '%(number)s'.") % {"number": raw.student})
        if not raw.unit:
            reasons.append(_("The course unit code is missing."))
        elif unit is None:
            reasons.append(_("Unknown course unit '%(code)s'.") % {"code": raw.unit})
        if unit is not None:
            try:
                parsed = result_rules.parse_result(raw.grade, unit.result_kind)
            except result_rules.InvalidResult as bad:
                reasons.append(str(bad))
        key = (raw.student, raw.unit)
        if raw.student and raw.unit:
            if key in seen:
                reasons.append(_("Duplicate: row %(row)d already gives a result for this student and unit.")
                               % {"row": seen[key]})
            else:
                seen[key] = raw.row
        if reasons or student is None or unit is None or parsed is None:
            plan.problems.append(Problem(raw.row, raw.student, raw.unit, _grade_text(raw.grade), " ".join(reasons)))
            continue
        if unit.id not in unit_refusals:
            unit_refusals[unit.id] = period_refusal(unit, period)
        line = lines.get((student.id, unit.id))
        old = current.get((student.id, unit.id))
        unchanged = old is not None and (old.outcome, old.grade) == (parsed.outcome, parsed.grade)
        if unit_refusals[unit.id]:
            reasons.append(unit_refusals[unit.id])
        elif not admin and unit.id not in coordinated:
            reasons.append(_("You are not the coordinating lecturer of %(unit)s: its results are delivered by its "
                             "coordinating lecturer or the student administration (UH 15.2).") % {"unit": unit.code})
        elif line is None:
            reasons.append(_("%(unit)s is not in the study programme of %(student)s in %(year)s.") % {
                "unit": unit.code, "student": student.number, "year": year_code})
        elif line["removed_on"] is not None:
            reasons.append(_("%(unit)s was removed from the study programme of %(student)s on %(date)s.") % {
                "unit": unit.code, "student": student.number, "date": line["removed_on"]})
        elif line["exempted"]:
            reasons.append(_("%(student)s is exempted from %(unit)s in %(year)s.") % {
                "student": student.number, "unit": unit.code, "year": year_code})
        elif unchanged:
            plan.unchanged += 1
            continue
        elif result_rules.examiner_excluded(student.id, ties) and unit.id in coordinated:
            reasons.append(_("You declared a tie with %(student)s: the chair appoints another examiner "
                             "(UH 13.1.2).") % {"student": student.number})
        elif old is not None and old.procedure in AFTER_PUBLICATION:
            reasons.append(decided_refusal(old))
        elif line["contract__programme_id"] in published:
            reasons.append(_("The results of %(period)s are proclaimed for this student's programme: a result "
                             "changes only through the material-error procedure (EX-10) or an appeal outcome.")
                           % {"period": period.code})
        if reasons:
            plan.problems.append(Problem(raw.row, raw.student, raw.unit, _grade_text(raw.grade), " ".join(reasons)))
            continue
        planned = Planned(raw.row, student.id, student.number, f"{student.last_name}, {student.first_name}",
                          unit.id, unit.code, line["id"], line["contract__programme_id"], parsed.outcome,
                          parsed.grade)
        if old is None:
            plan.new.append(planned)
        else:
            planned.old_id, planned.old_version = old.id, old.version
            planned.old_display = result_rules.display(old.outcome, old.grade)
            plan.changed.append(planned)
    plan.problems.sort(key=lambda p: p.row)
    return plan


def apply_import(user, period: ExamPeriod, rows: list[RawRow], filename: str = "") -> ImportPlan:
    """Check the rows again (never trusting an earlier preview) and record them all in one transaction, or none.
    Raises :class:`ImportRefused` with the plan when a row is wrong, or when another writer got there first."""
    try:
        with transaction.atomic():
            plan = plan_import(user, period, rows, lock=True)
            if not plan.ok:
                raise ImportRefused(plan)
            _write(user, period, plan, filename)
    except IntegrityError:
        raise ImportRefused(None, _("Results for some of these students were recorded meanwhile by someone else; "
                                    "nothing was saved. Upload the file again to see what changed."))
    return plan


def _write(user, period: ExamPeriod, plan: ImportPlan, filename: str) -> None:
    superseded = [p.old_id for p in plan.changed]
    for i in range(0, len(superseded), CHUNK):
        chunk = superseded[i:i + CHUNK]
        if Result.objects.filter(pk__in=chunk, is_current=True).update(is_current=False) != len(chunk):
            raise IntegrityError("a current result was superseded meanwhile")
    reason = f"Changed before the proclamation (results file {filename})."[:500] if plan.changed else ""
    # COPY, not bulk_create: a file of 10,000 results would otherwise spend most of its time building model
    # instances and INSERT text (issue 8); the database checks every row the same way.
    bulk.insert(Result, ("line_id", "student_id", "academic_year_id", "course_unit_id", "exam_period_id",
                         "opportunity", "outcome", "grade", "version", "supersedes_id", "procedure", "reason",
                         "recorded_by_id"),
                ((p.line_id, p.student_id, period.academic_year_id, p.unit_id, period.id, period.opportunity,
                  p.outcome, p.grade, p.old_version + 1, p.old_id, ResultProcedure.FILE,
                  reason if p.old_id else "", user.pk if user is not None else None)
                 for p in plan.to_record))
    # The import never writes into a proclaimed period (refused above), so the ledger has nothing to learn; the
    # guard stays in case that rule ever changes, as record_result does.
    affected = sorted({p.student_id for p in plan.to_record if p.programme_id in plan.published_programmes})
    if affected:
        sync_ledgers(affected)
