"""Two optional sections of eel-dataset/1 that keep the decisions staff record by hand, so that an export
imported elsewhere loses nothing (dataset.md allows optional keys):

- ``learning_account_corrections``: ``[{"student", "on", "credits", "reference", "reason"}]`` (LA-13);
- ``enrolment_exceptions``: ``[{"student", "academic_year", "rule", "decided_by", "decided_on", "reference",
  "reason", "max_credits"}]`` (an exception to LA-14, EN-2 or EN-3 by the authorised person).

A decision already on record (same student and the same facts) is not recorded twice.
"""

from __future__ import annotations

from enrolment.models import AcademicYear, EnrolmentException, ExceptionRule
from students.models import LedgerMovement, MovementKind, Student


def validate(ck, data: dict, student_numbers: set[str], year_codes: set[str]) -> tuple[list[dict], list[dict]]:
    corrections, exceptions = [], []
    for i, raw in enumerate(ck.list(data, "learning_account_corrections", "")):
        path = f"learning_account_corrections[{i}]"
        c = ck.obj(raw, path)
        if c is None:
            continue
        values = {"student": ck.str(c, "student", path, max_len=20), "on": ck.date(c, "on", path),
                  "credits": ck.int(c, "credits", path, -400, 400),
                  "reference": ck.str(c, "reference", path, max_len=100),
                  "reason": ck.str(c, "reason", path, max_len=300)}
        if values["student"] and values["student"] not in student_numbers:
            ck.bad(f"{path}.student", f"unknown student '{values['student']}'")
            continue
        if values["credits"] == 0:
            ck.bad(f"{path}.credits", "a correction of 0 credits changes nothing")
            continue
        if all(v is not None for v in values.values()):
            corrections.append(values | {"path": path})
    for i, raw in enumerate(ck.list(data, "enrolment_exceptions", "")):
        path = f"enrolment_exceptions[{i}]"
        e = ck.obj(raw, path)
        if e is None:
            continue
        values = {"student": ck.str(e, "student", path, max_len=20),
                  "academic_year": ck.str(e, "academic_year", path, max_len=9),
                  "rule": ck.choice(e, "rule", path, set(ExceptionRule.values)),
                  "decided_by": ck.str(e, "decided_by", path, max_len=200),
                  "decided_on": ck.date(e, "decided_on", path),
                  "reference": ck.str(e, "reference", path, max_len=100),
                  "reason": ck.str(e, "reason", path, max_len=2000)}
        max_credits = ck.int(e, "max_credits", path, 1, 200, optional=True)
        if values["student"] and values["student"] not in student_numbers:
            ck.bad(f"{path}.student", f"unknown student '{values['student']}'")
            continue
        if values["academic_year"] and values["academic_year"] not in year_codes:
            ck.bad(f"{path}.academic_year", f"unknown academic year '{values['academic_year']}'")
            continue
        if values["rule"] in (ExceptionRule.LA14, ExceptionRule.EN3) and max_credits is None:
            ck.bad(f"{path}.max_credits", "an exception to LA-14 or EN-3 states how many credits it allows")
            continue
        if all(v is not None for v in values.values()):
            exceptions.append(values | {"max_credits": max_credits, "path": path})
    return corrections, exceptions


def load(corrections: list[dict], exceptions: list[dict], by) -> tuple[int, int]:
    from students import rules as ledger_rules

    numbers = {c["student"] for c in corrections} | {e["student"] for e in exceptions}
    students = {s.number: s for s in Student.objects.filter(number__in=numbers)}
    years = {y.code: y for y in AcademicYear.objects.all()}
    have = set(LedgerMovement.objects.filter(student__number__in=numbers, kind=MovementKind.CORRECTION,
                                             cause__startswith=ledger_rules.MANUAL_CAUSE_PREFIX)
               .values_list("student__number", "on", "credits", "reference"))
    manual: dict[str, int] = {}
    for number in LedgerMovement.objects.filter(
            student__number__in=numbers, cause__startswith=ledger_rules.MANUAL_CAUSE_PREFIX).values_list(
            "student__number", flat=True):
        manual[number] = manual.get(number, 0) + 1
    new_movements = []
    for c in corrections:
        key = (c["student"], c["on"], c["credits"], c["reference"])
        if key in have:
            continue
        have.add(key)
        manual[c["student"]] = manual.get(c["student"], 0) + 1
        new_movements.append(LedgerMovement(
            student=students[c["student"]], on=c["on"], kind=MovementKind.CORRECTION, credits=c["credits"],
            cause=f"{ledger_rules.MANUAL_CAUSE_PREFIX}{manual[c['student']]}", article="LA-13", note=c["reason"],
            reference=c["reference"], recorded_by=by))
    LedgerMovement.objects.bulk_create(new_movements)
    have_exc = set(EnrolmentException.objects.filter(student__number__in=numbers).values_list(
        "student__number", "academic_year__code", "rule", "reference"))
    new_exc = []
    for e in exceptions:
        key = (e["student"], e["academic_year"], e["rule"], e["reference"])
        if key in have_exc:
            continue
        have_exc.add(key)
        new_exc.append(EnrolmentException(
            student=students[e["student"]], academic_year=years[e["academic_year"]], rule=e["rule"],
            decided_by=e["decided_by"], decided_on=e["decided_on"], reference=e["reference"], reason=e["reason"],
            max_credits=e["max_credits"], recorded_by=by))
    EnrolmentException.objects.bulk_create(new_exc)
    return len(new_movements), len(new_exc)


def export() -> dict:
    from students import rules as ledger_rules

    return {
        "learning_account_corrections": [
            {"student": m.student.number, "on": m.on.isoformat(), "credits": m.credits, "reference": m.reference,
             "reason": m.note}
            for m in LedgerMovement.objects.filter(cause__startswith=ledger_rules.MANUAL_CAUSE_PREFIX)
            .select_related("student").order_by("student__number", "on", "id")
        ],
        "enrolment_exceptions": [
            {"student": e.student.number, "academic_year": e.academic_year.code, "rule": e.rule,
             "decided_by": e.decided_by, "decided_on": e.decided_on.isoformat(), "reference": e.reference,
             "reason": e.reason, "max_credits": e.max_credits}
            for e in EnrolmentException.objects.select_related("student", "academic_year")
            .order_by("student__number", "decided_on", "id")
        ],
    }
