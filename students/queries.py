"""Read side of the student administration: what pages and reports need, in a fixed number of queries."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import LedgerMovement, Student


class StudentNotFound(LookupError):
    pass


def statement(student: Student, as_of: date) -> dict:
    """The learning-account statement at the end of ``as_of`` (LA-15): balance and every movement up to then.

    One query for the movements, whatever their number.
    """
    movements = list(
        LedgerMovement.objects.filter(student=student, on__lte=as_of)
        .select_related("academic_year", "course_unit", "recorded_by")
        .order_by("on", "id")
    )
    running = 0
    rows = []
    for m in movements:
        running += m.credits
        rows.append({"movement": m, "balance": running})
    return {"student": student, "as_of": as_of, "balance": running, "rows": rows}


def statement_json(number: str, as_of: date) -> dict:
    """``learning_account --format json`` as specified in shared/spec/dataset.md."""
    try:
        student = Student.objects.get(number=number)
    except Student.DoesNotExist:
        raise StudentNotFound(f"unknown student '{number}'") from None
    data = statement(student, as_of)
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
