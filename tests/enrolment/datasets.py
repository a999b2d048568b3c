"""Builders of ``eel-dataset/1`` dictionaries (shared/spec/dataset.md) for the import/export tests."""

from __future__ import annotations

import copy
import json
from datetime import date

from tests.enrolment.factories import EXAM_PERIODS, PERIODS, UH_CODE, shift, year_code


def _iso(values: dict, off: int) -> dict:
    return {k: shift(v, off).isoformat() if isinstance(v, date) else v for k, v in values.items()}


def academic_year(start: int = 2026) -> dict:
    """dataset.md's 2026-2027 calendar (S1, S2, YEAR; JAN, JUN, SEP), shifted to the year starting in ``start``."""
    off = start - 2026
    return {"code": year_code(start), "starts_on": shift(date(2026, 9, 14), off).isoformat(),
            "ends_on": shift(date(2027, 9, 12), off).isoformat(),
            "periods": [_iso(p, off) for p in PERIODS], "exam_periods": [_iso(e, off) for e in EXAM_PERIODS]}


def unit(code: str, credits: int, period: str = "S1", stage: int = 1, package: int | None = 1,
         result_kind: str = "numeric", opportunities: int = 2) -> dict:
    return {"code": code, "name": f"Unit {code}", "credits": credits, "period": period,
            "exam_period": "JAN" if period == "S1" else "JUN", "stage": stage, "package": package,
            "result_kind": result_kind, "tolerance_excluded": False, "opportunities": opportunities}


def programme(code: str, kind: str, units: list[dict], credits: int = 180) -> dict:
    return {"code": code, "name": f"Programme {code}", "kind": kind, "credits": credits, "course_units": units}


def student(number: str, first_year: str | None = "2026-2027", learning_account: dict | None = None) -> dict:
    s = {"number": number, "first_name": "An", "last_name": f"Student {number}", "date_of_birth": "2008-03-01",
         "email": f"s{number}@example.org",
         "address": {"street": "Stationsplein 1", "postcode": "3500", "city": "Hasselt", "country": "BE"},
         "first_enrolled_in_flemish_higher_education": first_year}
    if learning_account is not None:
        s["learning_account"] = learning_account
    return s


def line(code: str, added_on: str = "2026-09-10", removed_on: str | None = None, exempted: bool = False) -> dict:
    return {"code": code, "added_on": added_on, "removed_on": removed_on, "exempted": exempted}


def enrolment(student_: str, programme_: str, units: list, year: str = "2026-2027", contract: str = "diploma",
              enrolled_on: str = "2026-09-10", deregistered_on: str | None = None,
              reason: str | None = None) -> dict:
    return {"student": student_, "programme": programme_, "academic_year": year, "contract": contract,
            "enrolled_on": enrolled_on, "deregistered_on": deregistered_on, "deregistration_reason": reason,
            "course_units": [line(u, added_on=enrolled_on) if isinstance(u, str) else u for u in units]}


def result(student_: str, unit_: str, grade, year: str = "2026-2027", opportunity: int = 1) -> dict:
    return {"student": student_, "academic_year": year, "course_unit": unit_, "opportunity": opportunity,
            "grade": grade}


def dataset(years=(2026,), programmes=(), students=(), enrolments=(), results=(), degrees=(),
            regulations: str = UH_CODE) -> dict:
    return {"format": "eel-dataset/1", "regulations": regulations,
            "academic_years": [academic_year(y) for y in years], "programmes": list(programmes),
            "students": list(students), "enrolments": list(enrolments), "results": list(results),
            "degrees": list(degrees)}


# The LA-5 worked example: a first bachelor year of 60 credits with one 4-credit unit (INF101).
BA_UNITS = [unit("INF101", 4)] + [unit(f"INF1{i:02d}", 8) for i in range(2, 9)]
BA_CODES = [u["code"] for u in BA_UNITS]
JAN_PUBLISHED = "2027-02-12"


def worked_example(passed: list[str] = ("INF101",), grade: int = 12) -> dict:
    return dataset(
        programmes=[programme("BA-INF", "bachelor", copy.deepcopy(BA_UNITS))],
        students=[student("2600001")],
        enrolments=[enrolment("2600001", "BA-INF", BA_CODES)],
        results=[result("2600001", code, grade) for code in passed],
    )


def write_json(tmp_path, data: dict, name: str = "dataset.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)
