"""The optional ``second_opportunity_registrations`` section of eel-dataset/1 (dataset.md, "Sections added by
later features"; EX-2, UH 12.2.5): ``[{"student", "academic_year", "course_unit", "registered_on"}]``.

A registration names a unit in the student's study programme of that year (not exempted, not removed before the
registration), a unit with two exam opportunities, and a day of that academic year. A unit whose first
opportunity gave a credit certificate (in the file or on record) cannot be registered. A registration without a
first-opportunity result is accepted: a partial file (results still to come from another system) is not wrong,
and the EX-2 sweep gives ``A`` only to failed units anyway. The window itself (11 July - 8 August) is not
checked: a registration by an EX-3 retake request (UH 12.2.6) is dated the day of the request, which may fall
outside it, and such a registration must survive an export and import.

A registration is a fact of the student's file: importing the same one again changes nothing; the same unit
with another ``registered_on`` is reported, never overwritten. The ``A`` that the EX-2 sweep records is a
result like any other and leaves through the ``results`` section (``"opportunity": 2, "grade": "absent"``).
"""

from __future__ import annotations

from examinations.models import Result, SecondOpportunityRegistration
from examinations.rules.deliberation import Attempt
from examinations.rules.results import display, has_credit_certificate

SECTION = "second_opportunity_registrations"


def validate(ck, data: dict, plan) -> list[dict]:
    """Read the section with the importer's checker ``ck`` against the rest of the file (``plan``: its years,
    units, study-programme lines and results) and the database; return the registrations to load."""
    from enrolment.models import ProgrammeLine

    raw = ck.list(data, SECTION, "")
    if not raw:
        return []
    numbers = {r.get("student") for r in raw if isinstance(r, dict) and isinstance(r.get("student"), str)}
    db_lines, db_firsts = {}, {}
    for number, year, code, removed_on, exempted in ProgrammeLine.objects.filter(
            student__number__in=numbers).values_list(
            "student__number", "academic_year__code", "course_unit__code", "removed_on", "exempted"):
        if (number, year, code) not in db_lines or removed_on is None:  # a line still in the programme wins
            db_lines[(number, year, code)] = {"removed_on": removed_on, "exempted": exempted}
    for number, year, code, outcome, grade in Result.objects.filter(
            student__number__in=numbers, opportunity=1, is_current=True).values_list(
            "student__number", "academic_year__code", "course_unit__code", "outcome", "grade"):
        db_firsts[(number, year, code)] = Attempt(1, outcome, grade)
    file_firsts = {(r["student"], r["year"], r["unit"]): Attempt(1, r["outcome"], r["grade"])
                   for r in plan.results if r["opportunity"] == 1}

    registrations, seen = [], {}
    for i, item in enumerate(raw):
        path = f"{SECTION}[{i}]"
        r = ck.obj(item, path)
        if r is None:
            continue
        student = ck.str(r, "student", path, max_len=20)
        if student and student not in plan.student_numbers:
            ck.bad(f"{path}.student", f"unknown student '{student}'")
            student = None
        year_code = ck.str(r, "academic_year", path, max_len=9)
        year = plan.years.get(year_code) if year_code else None
        if year_code and year is None:
            ck.bad(f"{path}.academic_year", f"unknown academic year '{year_code}'")
        code = ck.str(r, "course_unit", path, max_len=30)
        unit = plan.units.get(code) if code else None
        if code and unit is None:
            ck.bad(f"{path}.course_unit", f"unknown course unit '{code}'")
        registered_on = ck.date(r, "registered_on", path)
        if year and registered_on and not year.starts_on <= registered_on <= year.ends_on:
            ck.bad(f"{path}.registered_on", f"{registered_on} is outside the academic year {year.code}")
            registered_on = None
        if not (student and year and unit and registered_on):
            continue
        key = (student, year_code, code)
        if key in seen:
            ck.bad(path, f"the same registration (student '{student}', '{code}', {year_code}) appears twice "
                         f"(also {seen[key]})")
            continue
        seen[key] = path
        problem = _problem(key, unit, registered_on, plan.lines_by_key.get(key) or db_lines.get(key),
                           file_firsts.get(key) or db_firsts.get(key))
        if problem:
            ck.bad(f"{path}.course_unit", problem)
            continue
        registrations.append({"student": student, "year": year_code, "unit": code, "registered_on": registered_on,
                              "path": path})
    return registrations


def _problem(key: tuple[str, str, str], unit: dict, registered_on, line: dict | None,
             first: Attempt | None) -> str | None:
    student, year_code, code = key
    if line is None:
        return f"course unit '{code}' is not in the study programme of student '{student}' in {year_code}"
    if line["exempted"]:
        return f"student '{student}' is exempted from '{code}' in {year_code}"
    if line["removed_on"] is not None and line["removed_on"] < registered_on:
        return (f"course unit '{code}' was removed from the programme of student '{student}' on "
                f"{line['removed_on']}, before the registration")
    if unit["opportunities"] < 2:
        return f"course unit '{code}' has only one exam opportunity (UH 12.2.2)"
    if has_credit_certificate(first):
        return (f"the first opportunity of '{code}' gave student '{student}' a credit certificate "
                f"({display(first.outcome, first.grade)}); only a failed unit is registered (UH 12.2.5)")
    return None


def load(registrations: list[dict], problems: list[str], by) -> int:
    """Record the registrations not yet on record; report one on record with another date. Returns how many
    were new."""
    from enrolment.models import AcademicYear, CourseUnit
    from students.models import Student

    if not registrations:
        return 0
    numbers = {r["student"] for r in registrations}
    students = {s.number: s.id for s in Student.objects.filter(number__in=numbers)}
    years = {y.code: y.id for y in AcademicYear.objects.filter(code__in={r["year"] for r in registrations})}
    units = {u.code: u.id for u in CourseUnit.objects.filter(code__in={r["unit"] for r in registrations})}
    have = {(s, y, u): on for s, y, u, on in SecondOpportunityRegistration.objects.filter(
        student__number__in=numbers).values_list("student__number", "academic_year__code", "course_unit__code",
                                                 "registered_on")}
    new = []
    for r in registrations:
        recorded = have.get((r["student"], r["year"], r["unit"]))
        if recorded is not None:
            if recorded != r["registered_on"]:
                problems.append(f"{r['path']}.registered_on: student '{r['student']}' is already registered for "
                                f"the second opportunity of '{r['unit']}' in {r['year']} on {recorded}; a "
                                "registration is not overwritten")
            continue
        new.append(SecondOpportunityRegistration(
            student_id=students[r["student"]], academic_year_id=years[r["year"]], course_unit_id=units[r["unit"]],
            registered_on=r["registered_on"], recorded_by=by))
    SecondOpportunityRegistration.objects.bulk_create(new, batch_size=2000)
    return len(new)


def export() -> list[dict]:
    return [
        {"student": number, "academic_year": year, "course_unit": code, "registered_on": on.isoformat()}
        for number, year, code, on in SecondOpportunityRegistration.objects.order_by(
            "student__number", "academic_year__starts_on", "course_unit__code").values_list(
            "student__number", "academic_year__code", "course_unit__code", "registered_on")
    ]
