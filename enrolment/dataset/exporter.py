"""``export_dataset``: the database in the ``eel-dataset/1`` format, so that importing it into an empty
database reproduces it. Reads in a fixed number of queries, whatever the size."""

from __future__ import annotations

from collections import Counter, defaultdict

from enrolment.models import AcademicYear, CourseUnit, Degree, Programme, ProgrammeLine, StudyContract
from examinations.models import Outcome, Result
from students.models import Student

from . import appeals as appeal_section
from . import decisions as decision_section
from . import second_opportunity as second_opportunity_section
from .importer import FORMAT, dataset_reason


def _d(value):
    return value.isoformat() if value else None


def export_dataset() -> dict:
    years = list(AcademicYear.objects.prefetch_related("periods", "exam_periods").order_by("starts_on"))
    regulations = Counter(y.regulations for y in years).most_common(1)
    units_by_programme = defaultdict(list)
    for u in CourseUnit.objects.order_by("code"):
        units_by_programme[u.programme_id].append(u)
    # Plain values, not model instances: a large university has a million study-programme lines (issue 8).
    lines_by_contract = defaultdict(list)
    for contract_id, code, added_on, removed_on, exempted in ProgrammeLine.objects.order_by(
            "course_unit__code").values_list("contract_id", "course_unit__code", "added_on", "removed_on", "exempted"):
        lines_by_contract[contract_id].append(
            {"code": code, "added_on": _d(added_on), "removed_on": _d(removed_on), "exempted": exempted})
    return {
        "format": FORMAT,
        "regulations": regulations[0][0] if regulations else "uhasselt-2026-2027",
        "academic_years": [
            {
                "code": y.code, "starts_on": _d(y.starts_on), "ends_on": _d(y.ends_on),
                "periods": [
                    {"code": p.code, "semester": p.semester, "starts_on": _d(p.starts_on),
                     "lessons_end_on": _d(p.lessons_end_on), "ends_on": _d(p.ends_on),
                     "deregistration_deadline": _d(p.deregistration_deadline)}
                    for p in sorted(y.periods.all(), key=lambda p: (p.starts_on, p.code))
                ],
                "exam_periods": [
                    {"code": e.code, "opportunity": e.opportunity, "starts_on": _d(e.starts_on),
                     "ends_on": _d(e.ends_on), "results_published_on": _d(e.results_published_on)}
                    for e in sorted(y.exam_periods.all(), key=lambda e: (e.starts_on, e.code))
                ],
            }
            for y in years
        ],
        "programmes": [
            {
                "code": p.code, "name": p.name, "kind": p.kind, "credits": p.credits,
                **({"educational": True} if p.educational else {}),
                "course_units": [
                    {"code": u.code, "name": u.name, "credits": u.credits, "period": u.period_code,
                     "exam_period": u.exam_period_code, "stage": u.stage, "package": u.package,
                     "result_kind": u.result_kind, "tolerance_excluded": u.tolerance_excluded,
                     "opportunities": u.opportunities}
                    for u in units_by_programme[p.id]
                ],
            }
            for p in Programme.objects.order_by("code")
        ],
        "students": [_student(s) for s in Student.objects.order_by("number").iterator(chunk_size=2000)],
        "enrolments": [
            {
                "student": number, "programme": programme, "academic_year": year, "contract": kind,
                "enrolled_on": _d(enrolled_on), "deregistered_on": _d(deregistered_on),
                "deregistration_reason": dataset_reason(reason or "") or None,
                "course_units": lines_by_contract.pop(cid, []),
            }
            for cid, number, programme, year, kind, enrolled_on, deregistered_on, reason in (
                StudyContract.objects.order_by("student__number", "academic_year__starts_on", "enrolled_on", "id")
                .values_list("id", "student__number", "programme__code", "academic_year__code", "kind",
                             "enrolled_on", "deregistered_on", "deregistration_reason"))
        ],
        "results": [
            {"student": number, "academic_year": year, "course_unit": code, "opportunity": opportunity,
             "grade": grade if outcome == Outcome.NUMERIC else outcome}
            for number, year, code, opportunity, outcome, grade in Result.objects.filter(is_current=True).order_by(
                "student__number", "academic_year__starts_on", "course_unit__code", "opportunity").values_list(
                "student__number", "academic_year__code", "course_unit__code", "opportunity", "outcome", "grade")
        ],
        "degrees": [
            {"student": d.student.number, "programme": d.programme.code, "awarded_on": _d(d.awarded_on)}
            for d in Degree.objects.select_related("student", "programme").order_by("student__number", "awarded_on")
        ],
        **decision_section.export(),
        "appeals": appeal_section.export(),
        # EX-2: the registrations; the A the sweep records for an unregistered unit is in "results" above.
        "second_opportunity_registrations": second_opportunity_section.export(),
    }


def _student(s: Student) -> dict:
    out = {
        "number": s.number, "first_name": s.first_name, "last_name": s.last_name,
        "date_of_birth": _d(s.date_of_birth), "email": s.email,
        "address": {"street": s.street, "postcode": s.postcode, "city": s.city, "country": s.country},
        "first_enrolled_in_flemish_higher_education": s.first_enrolled_year or None,
    }
    if s.register_balance is not None:
        out["learning_account"] = {
            "balance": s.register_balance, "as_of": _d(s.register_as_of),
            "bonus_credits_earned": s.register_bonus_used, "initial_master_obtained": s.register_master_obtained,
        }
    return out
