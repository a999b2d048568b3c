"""Read side of the student administration: what pages and reports need, in a fixed number of queries."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from enrolment.models import AcademicYear, Degree, EnrolmentException, ProgrammeLine, StudyContract
from examinations.models import Result

from . import labels
from .models import LedgerMovement, Student


class StudentNotFound(LookupError):
    """No student with that number."""


def movement_labels(student_id: int, extra: dict[str, labels.ContractLabel] | None = None) -> labels.Labels:
    """What :func:`students.labels.describe` needs to know of the student's contracts, in 1 query: each contract's
    programme, kind and deregistration reason, and the contract of each study-programme line. ``extra`` adds
    contracts a preview is about to write (key ``new``)."""
    contracts: dict[str, labels.ContractLabel] = dict(extra or {})
    line_contracts: dict[str, str] = {}
    rows = StudyContract.objects.filter(student_id=student_id).values_list(
        "id", "programme__code", "kind", "deregistration_reason", "lines__id")
    for contract_id, programme, kind, reason, line_id in rows:
        contracts[str(contract_id)] = labels.ContractLabel(programme, kind, reason or "")
        if line_id is not None:
            line_contracts[str(line_id)] = str(contract_id)
    return labels.Labels(contracts, line_contracts)


def describe_movement(m: LedgerMovement, known: labels.Labels) -> str:
    unit = m.course_unit
    return labels.describe(m.kind, m.cause, m.note, m.article, unit.code if unit else None,
                           unit.name if unit else None, known)


def labels_of_contracts(contracts) -> labels.Labels:
    """:class:`students.labels.Labels` from contracts already loaded with their ``line_list`` (no query)."""
    return labels.Labels(
        {str(c.pk): labels.ContractLabel(c.programme.code, c.kind, c.deregistration_reason) for c in contracts},
        {str(ln.pk): str(c.pk) for c in contracts for ln in c.line_list},
    )


def statement(student: Student, as_of: date, known: labels.Labels | None = None, with_labels: bool = True) -> dict:
    """The learning-account statement at the end of ``as_of`` (LA-15): balance and every movement up to then,
    each with its label in words (``students.labels``; internal cause keys are never shown).

    One query for the movements whatever their number, and one for the labels' contracts unless ``known`` is
    given or ``with_labels`` is false.
    """
    movements = list(
        LedgerMovement.objects.filter(student=student, on__lte=as_of)
        .select_related("academic_year", "course_unit", "recorded_by")
        .order_by("on", "id")
    )
    if with_labels and known is None:
        known = movement_labels(student.pk) if movements else labels.NO_LABELS
    running = 0
    rows = []
    for m in movements:
        running += m.credits
        rows.append({"movement": m, "balance": running,
                     "label": describe_movement(m, known) if with_labels else ""})
    return {"student": student, "as_of": as_of, "balance": running, "rows": rows}


def statement_json(number: str, as_of: date) -> dict:
    """``learning_account --format json`` as specified in shared/spec/dataset.md."""
    try:
        student = Student.objects.get(number=number)
    except Student.DoesNotExist:
        raise StudentNotFound(f"unknown student '{number}'") from None
    data = statement(student, as_of, with_labels=False)
    return {
        "student": student.number,
        "as_of": as_of.isoformat(),
        "balance": data["balance"],
        "movements": [
            {
                "on": r["movement"].on.isoformat(),
                "kind": r["movement"].kind,
                "credits": r["movement"].credits,
                "academic_year": r["movement"].academic_year.code if r["movement"].academic_year else None,
                "course_unit": r["movement"].course_unit.code if r["movement"].course_unit else None,
                "rule": r["movement"].article,
                "note": r["movement"].note,
            }
            for r in data["rows"]
        ],
    }


def student_list(search: str = "") -> QuerySet[Student]:
    qs = Student.objects.all()
    if search:
        qs = qs.filter(
            Q(number__icontains=search) | Q(last_name__icontains=search) | Q(first_name__icontains=search)
            | Q(email__icontains=search)
        )
    return qs


def get_student(number: str) -> Student:
    return get_object_or_404(Student, number=number)


# ------------------------------------------------------------------------------------ pages (web shell) ----
def current_academic_year(today: date):
    """The academic year running on ``today``; between years, the one that started last (1 query)."""
    running = AcademicYear.objects.filter(starts_on__lte=today).order_by("-starts_on").first()
    return running or AcademicYear.objects.order_by("starts_on").first()


def dashboard_counts(today: date) -> dict:
    """Students on record and active study contracts in the academic year running on ``today`` (3 queries)."""
    year = current_academic_year(today)
    active = 0
    if year is not None:
        active = StudyContract.objects.filter(academic_year=year, deregistered_on__isnull=True).count()
    return {"students": Student.objects.count(), "year": year, "active_contracts": active}


def _balance_subquery(as_of: date):
    total = (
        LedgerMovement.objects.filter(student=OuterRef("pk"), on__lte=as_of)
        .order_by()
        .values("student")
        .annotate(total=Sum("credits"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


def student_rows(as_of: date) -> QuerySet[Student]:
    """Students for the list page and its CSV export: each with ``balance`` (at the end of ``as_of``) and
    ``contracts`` (programme and year loaded), in 2 queries per page whatever the number of students."""
    contracts = StudyContract.objects.select_related("programme", "academic_year").order_by(
        "-academic_year__starts_on", "enrolled_on", "id"
    )
    return Student.objects.annotate(balance=_balance_subquery(as_of)).prefetch_related(
        Prefetch("contracts", queryset=contracts, to_attr="contract_list")
    )


def search_students(qs: QuerySet[Student], text: str) -> QuerySet[Student]:
    """Every word of ``text`` must occur in the number, a name or the e-mail ("an peet" finds An Peeters)."""
    for word in text.split():
        qs = qs.filter(
            Q(number__icontains=word) | Q(last_name__icontains=word) | Q(first_name__icontains=word)
            | Q(email__icontains=word)
        )
    return qs


def results_by_year(student: Student) -> list[tuple[AcademicYear, list[Result]]]:
    """The student's current results (the latest version of each), newest academic year first, by unit and
    opportunity (1 query)."""
    results = (
        Result.objects.filter(student=student, is_current=True)
        .select_related("academic_year", "course_unit", "exam_period")
        .order_by("-academic_year__starts_on", "course_unit__code", "opportunity")
    )
    out: list[tuple[AcademicYear, list[Result]]] = []
    for r in results:
        if not out or out[-1][0].pk != r.academic_year_id:
            out.append((r.academic_year, []))
        out[-1][1].append(r)
    return out


def register_hint(student: Student, first_enrolment_year: AcademicYear | None) -> dict | None:
    """LA-1: without a register opening the account opens at 140 on the first enrolment recorded here. That is
    right for a student new to Flemish higher education; when her first enrolment here is not in the first
    academic year on record (or she started elsewhere earlier), she may bring a balance from the government's
    register that nobody recorded. ``None`` when there is nothing to point out; otherwise the years (1 query)."""
    if student.register_balance is not None or first_enrolment_year is None:
        return None
    first_on_record = AcademicYear.objects.order_by("starts_on").first()
    later = first_on_record is not None and first_on_record.pk != first_enrolment_year.pk
    earlier_elsewhere = bool(student.first_enrolled_year) and student.first_enrolled_year < first_enrolment_year.code
    if not (later or earlier_elsewhere):
        return None
    return {"first_enrolment_year": first_enrolment_year, "first_year_on_record": first_on_record}


def student_page(number: str, as_of: date, today: date | None = None) -> dict:
    """Everything the student page shows, in 8 queries whatever the number of contracts, lines, results or
    movements: the student, her contracts (newest year first) with their lines, her results by academic year,
    her degrees, her exception decisions, the learning-account statement at the end of ``as_of`` and whether to
    point out a missing register opening (:func:`register_hint`).

    Each contract says whether the page offers its write actions (``open_for_changes``: active, and its academic
    year not ended on ``today``); each line whether it may be removed (``removable``: not removed, no result,
    in an open contract) - the same conditions the services' guards refuse.
    """
    today = today or as_of
    student = get_student(number)
    lines = ProgrammeLine.objects.select_related("course_unit").annotate(
        has_results=Exists(Result.objects.filter(line=OuterRef("pk")))
    ).order_by("course_unit__stage", "course_unit__code")
    contracts = list(
        StudyContract.objects.filter(student=student)
        .select_related("programme", "academic_year")
        .prefetch_related(Prefetch("lines", queryset=lines, to_attr="line_list"))
        .order_by("-academic_year__starts_on", "enrolled_on", "id")
    )
    for contract in contracts:
        taken = [ln for ln in contract.line_list if ln.removed_on is None]
        contract.credits_taken = sum(ln.course_unit.credits for ln in taken)
        contract.credits_counted = sum(ln.course_unit.credits for ln in taken if not ln.exempted)
        contract.open_for_changes = contract.active and contract.academic_year.ends_on >= today
        for ln in contract.line_list:
            ln.removable = contract.open_for_changes and ln.removed_on is None and not ln.has_results
    exceptions = list(
        EnrolmentException.objects.filter(student=student).select_related("academic_year", "recorded_by")
    )
    first = min((c.academic_year for c in contracts), key=lambda y: y.starts_on) if contracts else None
    return {
        "student": student,
        "contracts": contracts,
        "exceptions": exceptions,
        "results_by_year": results_by_year(student),
        "register_hint": register_hint(student, first),
        "degrees": list(Degree.objects.filter(student=student).select_related("programme").order_by("awarded_on")),
        "statement": statement(student, as_of, known=labels_of_contracts(contracts)),
    }


def statement_for(number: str, as_of: date) -> dict:
    """The statement of the student with this number (404 when unknown), in 2 queries."""
    return statement(get_student(number), as_of)
