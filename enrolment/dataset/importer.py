"""``import_dataset``: validate a whole ``eel-dataset/1`` file, then load it in one transaction.

Bad input loads nothing: every problem is collected with its JSON path
(``enrolments[3].course_units[1].code: unknown course unit 'X'``) before anything is written, and problems
found against the database while loading roll the transaction back. Records are matched on their natural
keys, so importing the same file twice changes nothing the second time. Facts that the procedures protect
(a result, an enrolment date, a degree) are never overwritten: a different value is reported as a problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from config import audit, bulk
from config.regulations import PRESETS
from config.validators import name_problem
from enrolment.models import (
    AcademicYear,
    ContractKind,
    CourseUnit,
    Degree,
    DeregistrationReason,
    EducationPeriod,
    Programme,
    ProgrammeKind,
    ProgrammeLine,
    ResultKind,
    StudyContract,
)
from examinations.models import ExamPeriod, Outcome, Proclamation, Result, ResultProcedure
from students.models import AuditEvent, Student
from students.services import sync_ledgers

from . import appeals as appeal_section
from . import decisions as decision_section
from . import second_opportunity as second_opportunity_section

FORMAT = "eel-dataset/1"
YEAR_RE = re.compile(r"^(\d{4})-(\d{4})$")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,29}$")
NUMBER_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{0,19}$")
GRADE_WORDS = {"pass": Outcome.PASS, "fail": Outcome.FAIL, "absent": Outcome.ABSENT,
               "absent_justified": Outcome.ABSENT_JUSTIFIED}
SUMMER_BEFORE_YEAR = timedelta(days=183)  # enrolment opens in the summer before the year starts

#: The deregistration reasons of ``eel-dataset/1`` (LA-8).
DATASET_REASONS = (DeregistrationReason.WITHDRAWAL, DeregistrationReason.PROGRAMME_CHANGE)


def dataset_reason(reason: str) -> str:
    """The deregistration reason as ``eel-dataset/1`` names it (``withdrawal`` or ``programme_change``, LA-8): an
    EN-5 deregistration (no study programme) counts for the learning account as a withdrawal on that day."""
    return "withdrawal" if reason == DeregistrationReason.NO_PROGRAMME else reason


class DatasetError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s) in the dataset")
        self.problems = problems


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    movements: int = 0
    dry_run: bool = False

    def count(self, what: str, created: bool = True, n: int = 1):
        bucket = self.created if created else self.updated
        bucket[what] = bucket.get(what, 0) + n

    def summary(self) -> str:
        parts = [f"{n} {k} created" for k, n in sorted(self.created.items()) if n]
        parts += [f"{n} {k} updated" for k, n in sorted(self.updated.items()) if n]
        parts.append(f"{self.movements} learning-account movements written")
        text = "; ".join(parts) if parts else "nothing to change"
        return ("Dry run, nothing saved: " if self.dry_run else "") + text


class _Check:
    """Collects problems with their JSON paths while reading typed values."""

    def __init__(self):
        self.problems: list[str] = []

    def bad(self, path: str, message: str):
        self.problems.append(f"{path}: {message}")

    def obj(self, value, path) -> dict | None:
        if not isinstance(value, dict):
            self.bad(path, f"expected an object, got {_kind(value)}")
            return None
        return value

    def list(self, parent: dict, key: str, path: str, required=False) -> list:
        value = parent.get(key)
        if value is None:
            if required:
                self.bad(f"{path}{key}", "missing")
            return []
        if not isinstance(value, list):
            self.bad(f"{path}{key}", f"expected a list, got {_kind(value)}")
            return []
        return value

    def str(self, obj: dict, key: str, path: str, pattern: re.Pattern | None = None, max_len=200,
            optional=False, name=False) -> str | None:
        value = obj.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            self.bad(f"{path}.{key}", "missing" if value is None else f"expected text, got {_kind(value)}")
            return None
        if len(value) > max_len:
            self.bad(f"{path}.{key}", f"longer than {max_len} characters")
            return None
        if pattern and not pattern.match(value):
            self.bad(f"{path}.{key}", f"'{value}' is not a valid code")
            return None
        if name and name_problem(value):
            self.bad(f"{path}.{key}", name_problem(value))
            return None
        return value

    def int(self, obj: dict, key: str, path: str, lo: int, hi: int, optional=False) -> int | None:
        value = obj.get(key)
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.bad(f"{path}.{key}", "missing" if value is None else f"expected a whole number, got {value!r}")
            return None
        if not lo <= value <= hi:
            self.bad(f"{path}.{key}", f"{value} is outside {lo}..{hi}")
            return None
        return value

    def bool(self, obj: dict, key: str, path: str, default: bool | None = None) -> bool | None:
        value = obj.get(key, default)
        if not isinstance(value, bool):
            self.bad(f"{path}.{key}", "missing" if value is None else f"expected true or false, got {value!r}")
            return None
        return value

    def date(self, obj: dict, key: str, path: str, optional=False) -> date | None:
        value = obj.get(key)
        if value is None:
            if not optional:
                self.bad(f"{path}.{key}", "missing")
            return None
        if not isinstance(value, str):
            self.bad(f"{path}.{key}", f"expected a date YYYY-MM-DD, got {value!r}")
            return None
        try:
            return date.fromisoformat(value) if len(value) == 10 else _raise()
        except ValueError:
            self.bad(f"{path}.{key}", f"'{value}' is not a date YYYY-MM-DD")
            return None

    def choice(self, obj: dict, key: str, path: str, choices, optional=False) -> str | None:
        value = obj.get(key)
        if value is None and optional:
            return None
        if isinstance(value, list | dict) or value not in choices:  # a list or an object is never a choice
            self.bad(f"{path}.{key}", f"{value!r} is not one of {', '.join(sorted(choices))}")
            return None
        return value


def _raise():
    raise ValueError


def _kind(value) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), type(value).__name__)


# ----------------------------------------------------------------------------------------- validate ----
@dataclass
class _Year:
    code: str
    starts_on: date
    ends_on: date
    periods: dict[str, dict]  # code -> {semester, starts_on, lessons_end_on, ends_on, deregistration_deadline}
    exam_periods: dict[str, dict]  # code -> {opportunity, starts_on, ends_on, results_published_on}
    path: str = ""
    existing: AcademicYear | None = None


@dataclass
class _Plan:
    regulations: str
    years: dict[str, _Year] = field(default_factory=dict)
    programmes: list[dict] = field(default_factory=list)
    units: dict[str, dict] = field(default_factory=dict)  # code -> unit values incl. programme code
    students: list[dict] = field(default_factory=list)
    enrolments: list[dict] = field(default_factory=list)
    results: list[dict] = field(default_factory=list)
    degrees: list[dict] = field(default_factory=list)
    appeals: list[dict] = field(default_factory=list)
    corrections: list[dict] = field(default_factory=list)
    exceptions: list[dict] = field(default_factory=list)
    second_opportunity: list[dict] = field(default_factory=list)


def validate(data: Any, release: bool = False) -> _Plan:
    """Check the whole file against itself and the database; raise :class:`DatasetError` with every problem.

    ``release``: the caller hands ``data`` over; the big sections are dropped from it once read (a large file's
    parsed JSON and the plan made of it need not be in memory together)."""
    ck = _Check()
    if not isinstance(data, dict):
        raise DatasetError([f"$: expected a JSON object, got {_kind(data)}"])
    if data.get("format") != FORMAT:
        ck.bad("format", f"expected '{FORMAT}', got {data.get('format')!r}")
    regulations = data.get("regulations")
    if not isinstance(regulations, str) or regulations not in PRESETS:
        ck.bad("regulations", f"unknown regulations {regulations!r} (known: {', '.join(sorted(PRESETS))})")
    plan = _Plan(regulations=regulations if isinstance(regulations, str) else "")

    _validate_years(ck, data, plan)
    _validate_programmes(ck, data, plan)
    _validate_students(ck, data, plan)
    _validate_enrolments(ck, data, plan)
    if release:
        data["enrolments"] = None
    _validate_results(ck, data, plan)
    if release:
        data["results"] = None
    _validate_degrees(ck, data, plan)
    plan.appeals = appeal_section.validate(ck, data, plan.student_numbers)
    plan.corrections, plan.exceptions = decision_section.validate(ck, data, plan.student_numbers, set(plan.years))
    plan.second_opportunity = second_opportunity_section.validate(ck, data, plan)
    if ck.problems:
        raise DatasetError(ck.problems)
    return plan


def _validate_years(ck: _Check, data: dict, plan: _Plan):
    db_years = {y.code: y for y in AcademicYear.objects.prefetch_related("periods", "exam_periods")}
    for y in db_years.values():
        plan.years[y.code] = _Year(
            y.code, y.starts_on, y.ends_on,
            {p.code: {"semester": p.semester, "deregistration_deadline": p.deregistration_deadline}
             for p in y.periods.all()},
            {e.code: {"opportunity": e.opportunity, "results_published_on": e.results_published_on}
             for e in y.exam_periods.all()},
            existing=y,
        )
    seen = set()
    for i, raw in enumerate(ck.list(data, "academic_years", "")):
        path = f"academic_years[{i}]"
        y = ck.obj(raw, path)
        if y is None:
            continue
        code = ck.str(y, "code", path, max_len=9)
        if code and not YEAR_RE.match(code):
            ck.bad(f"{path}.code", f"'{code}' is not an academic year like 2026-2027")
            code = None
        starts, ends = ck.date(y, "starts_on", path), ck.date(y, "ends_on", path)
        if starts and ends and ends <= starts:
            ck.bad(f"{path}.ends_on", "must be after starts_on")
        if code in seen:
            ck.bad(f"{path}.code", f"academic year '{code}' appears twice")
        seen.add(code)
        existing = db_years.get(code)
        if existing and plan.regulations and existing.regulations != plan.regulations:
            ck.bad("regulations", f"academic year '{code}' is already recorded under '{existing.regulations}'")
        periods, exams = {}, {}
        for j, rp in enumerate(ck.list(y, "periods", f"{path}.")):
            ppath = f"{path}.periods[{j}]"
            p = ck.obj(rp, ppath)
            if p is None:
                continue
            pcode = ck.str(p, "code", ppath, CODE_RE)
            values = {
                "semester": ck.int(p, "semester", ppath, 1, 2),
                "starts_on": ck.date(p, "starts_on", ppath),
                "lessons_end_on": ck.date(p, "lessons_end_on", ppath),
                "ends_on": ck.date(p, "ends_on", ppath),
                "deregistration_deadline": ck.date(p, "deregistration_deadline", ppath),
            }
            if starts and ends:
                for k in ("starts_on", "lessons_end_on", "ends_on", "deregistration_deadline"):
                    if values[k] and not starts <= values[k] <= ends:
                        ck.bad(f"{ppath}.{k}", f"{values[k]} is outside the academic year {code}")
            if pcode in periods:
                ck.bad(f"{ppath}.code", f"period '{pcode}' appears twice")
            if pcode:
                periods[pcode] = values
        for j, re_ in enumerate(ck.list(y, "exam_periods", f"{path}.")):
            epath = f"{path}.exam_periods[{j}]"
            e = ck.obj(re_, epath)
            if e is None:
                continue
            ecode = ck.str(e, "code", epath, CODE_RE)
            values = {
                "opportunity": ck.int(e, "opportunity", epath, 1, 2),
                "starts_on": ck.date(e, "starts_on", epath),
                "ends_on": ck.date(e, "ends_on", epath),
                "results_published_on": ck.date(e, "results_published_on", epath),
            }
            if starts and ends:
                for k in ("starts_on", "ends_on", "results_published_on"):
                    if values[k] and not starts <= values[k] <= ends:
                        ck.bad(f"{epath}.{k}", f"{values[k]} is outside the academic year {code}")
            if ecode in exams:
                ck.bad(f"{epath}.code", f"exam period '{ecode}' appears twice")
            if ecode:
                exams[ecode] = values
        if code and starts and ends:
            if existing and (existing.starts_on, existing.ends_on) != (starts, ends):
                ck.bad(path, f"academic year '{code}' is already recorded from {existing.starts_on} to "
                             f"{existing.ends_on}")
            plan.years[code] = _Year(code, starts, ends, periods, exams, path=path, existing=existing)


def _validate_programmes(ck: _Check, data: dict, plan: _Plan):
    db_units = {u.code: u for u in CourseUnit.objects.select_related("programme")}
    for u in db_units.values():
        plan.units[u.code] = {"code": u.code, "programme": u.programme.code, "credits": u.credits,
                              "period": u.period_code, "exam_period": u.exam_period_code,
                              "result_kind": u.result_kind, "opportunities": u.opportunities, "existing": True}
    known_programmes = set(Programme.objects.values_list("code", flat=True))
    all_periods = {c for y in plan.years.values() for c in y.periods}
    all_exam_periods = {c for y in plan.years.values() for c, e in y.exam_periods.items() if e["opportunity"] == 1}
    seen_programmes, seen_units = set(), {}
    for i, raw in enumerate(ck.list(data, "programmes", "")):
        path = f"programmes[{i}]"
        p = ck.obj(raw, path)
        if p is None:
            continue
        code = ck.str(p, "code", path, CODE_RE)
        kind = ck.choice(p, "kind", path, set(ProgrammeKind.values))
        prog = {"code": code, "name": ck.str(p, "name", path), "kind": kind,
                "credits": ck.int(p, "credits", path, 1, 600),
                "educational": p.get("educational", False) is True, "units": []}
        if code in seen_programmes:
            ck.bad(f"{path}.code", f"programme '{code}' appears twice")
        seen_programmes.add(code)
        for j, ru in enumerate(ck.list(p, "course_units", f"{path}.")):
            upath = f"{path}.course_units[{j}]"
            u = ck.obj(ru, upath)
            if u is None:
                continue
            ucode = ck.str(u, "code", upath, CODE_RE)
            unit = {
                "code": ucode, "programme": code, "name": ck.str(u, "name", upath),
                "credits": ck.int(u, "credits", upath, 1, 60),
                "period": ck.str(u, "period", upath, CODE_RE),
                "exam_period": ck.str(u, "exam_period", upath, CODE_RE),
                "stage": ck.int(u, "stage", upath, 1, 10),
                "package": ck.int(u, "package", upath, 1, 2, optional=True),
                "result_kind": ck.choice(u, "result_kind", upath, set(ResultKind.values)),
                "tolerance_excluded": ck.bool(u, "tolerance_excluded", upath, default=False),
                "opportunities": ck.int(u, "opportunities", upath, 1, 2),
            }
            if unit["period"] and unit["period"] not in all_periods:
                ck.bad(f"{upath}.period", f"unknown education period '{unit['period']}'")
            if unit["exam_period"] and unit["exam_period"] not in all_exam_periods:
                ck.bad(f"{upath}.exam_period", f"unknown first-opportunity exam period '{unit['exam_period']}'")
            if ucode in seen_units:
                ck.bad(f"{upath}.code", f"course unit '{ucode}' appears twice (also {seen_units[ucode]})")
            elif ucode in db_units and db_units[ucode].programme.code != code:
                ck.bad(f"{upath}.code", f"course unit '{ucode}' already belongs to programme "
                                        f"'{db_units[ucode].programme.code}'")
            if ucode:
                seen_units[ucode] = upath
                plan.units[ucode] = unit
                prog["units"].append(unit)
        if code:
            plan.programmes.append(prog)
    plan.programme_codes = known_programmes | seen_programmes  # type: ignore[attr-defined]


def _validate_students(ck: _Check, data: dict, plan: _Plan):
    seen = set()
    for i, raw in enumerate(ck.list(data, "students", "")):
        path = f"students[{i}]"
        s = ck.obj(raw, path)
        if s is None:
            continue
        number = ck.str(s, "number", path, NUMBER_RE, max_len=20)
        email = ck.str(s, "email", path, max_len=254)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                ck.bad(f"{path}.email", f"'{email}' is not an e-mail address")
        address = ck.obj(s.get("address"), f"{path}.address") or {}
        first_year = s.get("first_enrolled_in_flemish_higher_education")
        if first_year is not None and (not isinstance(first_year, str) or not YEAR_RE.match(first_year)):
            ck.bad(f"{path}.first_enrolled_in_flemish_higher_education", f"{first_year!r} is not like 2026-2027")
            first_year = None
        born = ck.date(s, "date_of_birth", path)
        record = {
            "number": number, "first_name": ck.str(s, "first_name", path, max_len=100, name=True),
            "last_name": ck.str(s, "last_name", path, max_len=100, name=True), "date_of_birth": born, "email": email,
            "street": ck.str(address, "street", f"{path}.address", name=True) if address else None,
            "postcode": ck.str(address, "postcode", f"{path}.address", max_len=20, name=True) if address else None,
            "city": ck.str(address, "city", f"{path}.address", max_len=100, name=True) if address else None,
            "country": ck.str(address, "country", f"{path}.address", max_len=2) if address else None,
            "first_enrolled_year": first_year or "", "learning_account": None,
        }
        la = s.get("learning_account")
        if la is not None:
            lpath = f"{path}.learning_account"
            la = ck.obj(la, lpath)
            if la is not None:
                record["learning_account"] = {
                    "balance": ck.int(la, "balance", lpath, -10000, 10000),
                    "as_of": ck.date(la, "as_of", lpath),
                    "bonus_credits_earned": ck.int(la, "bonus_credits_earned", lpath, 0, 60, optional=True) or 0,
                    "initial_master_obtained": ck.bool(la, "initial_master_obtained", lpath, default=False),
                }
        if number in seen:
            ck.bad(f"{path}.number", f"student '{number}' appears twice")
        seen.add(number)
        if number:
            plan.students.append(record)
    plan.student_numbers = seen | set(Student.objects.values_list("number", flat=True))  # type: ignore


def _recorded_contracts(data: dict) -> tuple[dict[tuple, tuple], dict[tuple, set]]:
    """EN-1 against the database: (student, year, unit) of every line not removed -> its contract's key, and the
    kinds of the active contracts per (student, programme, year)."""
    raw = data.get("enrolments") if isinstance(data.get("enrolments"), list) else []
    numbers = {e.get("student") for e in raw if isinstance(e, dict) and isinstance(e.get("student"), str)}
    lines: dict[tuple, tuple] = {}
    kinds: dict[tuple, set] = {}
    if numbers:
        for number, programme, year, kind, unit in ProgrammeLine.objects.filter(
                student__number__in=numbers, removed_on__isnull=True).values_list(
                "student__number", "contract__programme__code", "academic_year__code", "contract__kind",
                "course_unit__code"):
            lines[(number, year, unit)] = (number, programme, year, kind)
        for number, programme, year, kind in StudyContract.objects.filter(
                student__number__in=numbers, deregistered_on__isnull=True).values_list(
                "student__number", "programme__code", "academic_year__code", "kind"):
            kinds.setdefault((number, programme, year), set()).add(kind)
    return lines, kinds


def _validate_enrolments(ck: _Check, data: dict, plan: _Plan):
    seen_contracts: dict[tuple, str] = {}
    units_taken: dict[tuple, str] = {}  # (student, year, unit) -> path of the line (EN-1)
    recorded_lines, recorded_kinds = _recorded_contracts(data)
    against_recorded: list[tuple[str, tuple]] = []  # lines whose unit a recorded contract already holds
    removed_in_file: set[tuple] = set()  # (student, year, unit, contract key) removed by this file
    plan.lines_by_key = {}  # type: ignore[attr-defined]  (student, year, unit) -> line record
    for i, raw in enumerate(ck.list(data, "enrolments", "")):
        path = f"enrolments[{i}]"
        e = ck.obj(raw, path)
        if e is None:
            continue
        student = ck.str(e, "student", path, NUMBER_RE, max_len=20)
        if student and student not in plan.student_numbers:
            ck.bad(f"{path}.student", f"unknown student '{student}'")
            student = None
        programme = ck.str(e, "programme", path, CODE_RE)
        if programme and programme not in plan.programme_codes:
            ck.bad(f"{path}.programme", f"unknown programme '{programme}'")
            programme = None
        year_code = ck.str(e, "academic_year", path, max_len=9)
        year = plan.years.get(year_code) if year_code else None
        if year_code and year is None:
            ck.bad(f"{path}.academic_year", f"unknown academic year '{year_code}'")
        kind = ck.choice(e, "contract", path, set(ContractKind.values))
        enrolled_on = ck.date(e, "enrolled_on", path)
        dereg_on = ck.date(e, "deregistered_on", path, optional=True)
        reason = e.get("deregistration_reason")
        if reason is not None and reason not in DATASET_REASONS:
            ck.bad(f"{path}.deregistration_reason", f"{reason!r} is not one of withdrawal, programme_change")
        elif (reason is None) != (e.get("deregistered_on") is None):
            ck.bad(f"{path}.deregistration_reason", "give both deregistered_on and deregistration_reason, or neither")
        if year and enrolled_on and not (year.starts_on - SUMMER_BEFORE_YEAR <= enrolled_on <= year.ends_on):
            ck.bad(f"{path}.enrolled_on", f"{enrolled_on} is outside the academic year {year.code}")
        if dereg_on and enrolled_on and dereg_on < enrolled_on:
            ck.bad(f"{path}.deregistered_on", "is before enrolled_on")
        elif year and dereg_on and dereg_on > year.ends_on:
            ck.bad(f"{path}.deregistered_on", f"{dereg_on} is outside the academic year {year.code}")
        key = (student, programme, year_code, kind)
        if None not in key:
            if key in seen_contracts:
                ck.bad(path, f"the same contract appears twice (also {seen_contracts[key]})")
            seen_contracts[key] = path
        lines = []
        seen_units = set()
        for j, rl in enumerate(ck.list(e, "course_units", f"{path}.")):
            lpath = f"{path}.course_units[{j}]"
            ln = ck.obj(rl, lpath)
            if ln is None:
                continue
            code = ck.str(ln, "code", lpath, max_len=30)
            unit = plan.units.get(code) if code else None
            if code and unit is None:
                ck.bad(f"{lpath}.code", f"unknown course unit '{code}'")
            elif unit and programme and unit["programme"] != programme:
                ck.bad(f"{lpath}.code", f"course unit '{code}' is not part of programme '{programme}'")
                unit = None
            elif unit and year and unit["period"] not in year.periods:
                ck.bad(f"{lpath}.code", f"the period '{unit['period']}' of course unit '{code}' does not exist "
                                        f"in {year.code}")
            added_on = ck.date(ln, "added_on", lpath)
            removed_on = ck.date(ln, "removed_on", lpath, optional=True)
            exempted = ck.bool(ln, "exempted", lpath, default=False)
            if added_on and enrolled_on and added_on < enrolled_on:
                ck.bad(f"{lpath}.added_on", "is before the enrolment")
            elif year and added_on and added_on > year.ends_on:
                ck.bad(f"{lpath}.added_on", f"{added_on} is outside the academic year {year.code}")
            if removed_on and added_on and removed_on < added_on:
                ck.bad(f"{lpath}.removed_on", "is before added_on")
            elif year and removed_on and removed_on > year.ends_on:
                ck.bad(f"{lpath}.removed_on", f"{removed_on} is outside the academic year {year.code}")
            if code in seen_units:
                ck.bad(f"{lpath}.code", f"course unit '{code}' appears twice in this enrolment")
                continue
            seen_units.add(code)
            if unit and student and year_code and removed_on is None:
                uk = (student, year_code, code)
                if uk in units_taken:
                    ck.bad(f"{lpath}.code", f"course unit '{code}' is already in another contract in {year_code} "
                                            f"({units_taken[uk]}); one contract per unit per year (EN-1)")
                elif recorded_lines.get(uk, key) != key:
                    against_recorded.append((lpath, uk))
                units_taken[uk] = lpath
            elif unit and student and year_code:
                removed_in_file.add((student, year_code, code, key))
            record = {"code": code, "added_on": added_on, "removed_on": removed_on, "exempted": exempted,
                      "path": lpath}
            lines.append(record)
            if unit and student and year_code:
                plan.lines_by_key.setdefault((student, year_code, code), record)
                if removed_on is None:
                    plan.lines_by_key[(student, year_code, code)] = record
        plan.enrolments.append({
            "student": student, "programme": programme, "year": year_code, "kind": kind,
            "enrolled_on": enrolled_on, "deregistered_on": dereg_on, "reason": reason or "", "lines": lines,
            "path": path,
        })
    for lpath, uk in against_recorded:
        other = recorded_lines[uk]
        if (*uk, other) not in removed_in_file:
            ck.bad(f"{lpath}.code", f"course unit '{uk[2]}' is already in another contract in {uk[1]} (the recorded "
                                    f"{other[3]} contract in '{other[1]}'); one contract per unit per year (EN-1)")
    # EN-1 (UH 3.7.2): no diploma and exam contract in the same programme in one year.
    kinds: dict[tuple, set] = {}
    for student, programme, year_code, kind in seen_contracts:
        kinds.setdefault((student, programme, year_code), set()).add(kind)
    for (student, programme, year_code), ks in kinds.items():
        if {"diploma", "exam"} <= ks | recorded_kinds.get((student, programme, year_code), set()):
            ck.bad(seen_contracts.get((student, programme, year_code, "exam"))
                   or seen_contracts[(student, programme, year_code, "diploma")],
                   f"student '{student}' cannot combine a diploma and an exam contract in '{programme}' in "
                   f"{year_code} (EN-1)")


def _validate_results(ck: _Check, data: dict, plan: _Plan):
    seen = {}
    db_lines = {}
    raw_results = data.get("results") if isinstance(data.get("results"), list) else []
    numbers = {r.get("student") for r in raw_results if isinstance(r, dict) and isinstance(r.get("student"), str)}
    if numbers:
        for ln in ProgrammeLine.objects.filter(student__number__in=numbers).select_related(
                "student", "academic_year", "course_unit"):
            key = (ln.student.number, ln.academic_year.code, ln.course_unit.code)
            if key not in db_lines or ln.removed_on is None:
                db_lines[key] = {"removed_on": ln.removed_on, "exempted": ln.exempted}
    for i, raw in enumerate(ck.list(data, "results", "")):
        path = f"results[{i}]"
        r = ck.obj(raw, path)
        if r is None:
            continue
        student = ck.str(r, "student", path, max_len=20)
        if student and student not in plan.student_numbers:
            ck.bad(f"{path}.student", f"unknown student '{student}'")
        year_code = ck.str(r, "academic_year", path, max_len=9)
        year = plan.years.get(year_code) if year_code else None
        if year_code and not year:
            ck.bad(f"{path}.academic_year", f"unknown academic year '{year_code}'")
        code = ck.str(r, "course_unit", path, max_len=30)
        unit = plan.units.get(code) if code else None
        if code and not unit:
            ck.bad(f"{path}.course_unit", f"unknown course unit '{code}'")
        opportunity = ck.int(r, "opportunity", path, 1, 2)
        grade = r.get("grade")
        outcome = None
        if isinstance(grade, bool) or not isinstance(grade, int | str):
            ck.bad(f"{path}.grade", f"expected a whole number 0-20 or one of {', '.join(GRADE_WORDS)}, got {grade!r}")
        elif isinstance(grade, int):
            if not 0 <= grade <= 20:
                ck.bad(f"{path}.grade", f"{grade} is outside 0..20")
            elif unit and unit["result_kind"] == ResultKind.PASS_FAIL:
                ck.bad(f"{path}.grade", f"course unit '{code}' is graded pass/fail, not with a number")
            else:
                outcome = Outcome.NUMERIC
        elif grade not in GRADE_WORDS:
            ck.bad(f"{path}.grade", f"'{grade}' is not a grade (0-20, {', '.join(GRADE_WORDS)})")
        elif unit and unit["result_kind"] == ResultKind.NUMERIC and grade in ("pass", "fail"):
            ck.bad(f"{path}.grade", f"course unit '{code}' is graded with a number, not '{grade}'")
        else:
            outcome = GRADE_WORDS[grade]
        if not (student and year and unit and opportunity and outcome):
            continue
        key = (student, year_code, code, opportunity)
        if key in seen:
            ck.bad(path, f"a result for the same student, unit, year and opportunity appears twice (also {seen[key]})")
            continue
        seen[key] = path
        line = plan.lines_by_key.get((student, year_code, code)) or db_lines.get((student, year_code, code))
        if line is None:
            ck.bad(f"{path}.course_unit", f"course unit '{code}' is not in the study programme of student "
                                          f"'{student}' in {year_code}")
            continue
        if line["exempted"]:
            ck.bad(f"{path}.course_unit", f"student '{student}' is exempted from '{code}' in {year_code}")
            continue
        if opportunity == 2 and unit["opportunities"] < 2:
            ck.bad(f"{path}.opportunity", f"course unit '{code}' has only one exam opportunity")
            continue
        if opportunity == 1:
            period = year.exam_periods.get(unit["exam_period"])
            if period is None:
                ck.bad(f"{path}.course_unit", f"the exam period '{unit['exam_period']}' of '{code}' does not exist "
                                              f"in {year_code}")
                continue
            period_code = unit["exam_period"]
        else:
            second = [c for c, e in year.exam_periods.items() if e["opportunity"] == 2]
            if not second:
                ck.bad(f"{path}.opportunity", f"{year_code} has no second-opportunity exam period")
                continue
            period_code = second[0]
        published = year.exam_periods[period_code]["results_published_on"]
        if line["removed_on"] is not None and line["removed_on"] < published:
            ck.bad(f"{path}.course_unit", f"course unit '{code}' was removed from the programme of student "
                                          f"'{student}' on {line['removed_on']}")
            continue
        plan.results.append({"student": student, "year": year_code, "unit": code, "opportunity": opportunity,
                             "outcome": outcome, "grade": grade if outcome == Outcome.NUMERIC else None,
                             "exam_period": period_code, "path": path})


def _validate_degrees(ck: _Check, data: dict, plan: _Plan):
    seen = {}
    for i, raw in enumerate(ck.list(data, "degrees", "")):
        path = f"degrees[{i}]"
        d = ck.obj(raw, path)
        if d is None:
            continue
        student = ck.str(d, "student", path, max_len=20)
        if student and student not in plan.student_numbers:
            ck.bad(f"{path}.student", f"unknown student '{student}'")
            student = None
        programme = ck.str(d, "programme", path, CODE_RE)
        if programme and programme not in plan.programme_codes:
            ck.bad(f"{path}.programme", f"unknown programme '{programme}'")
            programme = None
        awarded_on = ck.date(d, "awarded_on", path)
        if student and programme:
            if (student, programme) in seen:
                ck.bad(path, f"the same degree appears twice (also {seen[(student, programme)]})")
                continue
            seen[(student, programme)] = path
            if awarded_on:
                plan.degrees.append({"student": student, "programme": programme, "awarded_on": awarded_on,
                                     "path": path})


# --------------------------------------------------------------------------------------------- load ----
def import_dataset(data: Any, dry_run: bool = False, by=None, source: str = "", release: bool = False) -> ImportReport:
    """Validate, then load everything in one transaction; :class:`DatasetError` leaves the database unchanged.

    Audit trail: the bulk load writes no history row per record (60,000 students with their contracts, lines,
    results and movements would double the import); the import is recorded as one ``AuditEvent`` with who, when,
    the file (``source``) and the summary. A record the import changes one by one (an existing student whose
    address differs, ...) still gets its own history row, with the reason "Dataset import <file>".

    ``release``: the caller will not use ``data`` again, so it is emptied once validated (``import_dataset``
    passes the file it parsed): the memory of a large file is then the plan's, not the plan's and the JSON's."""
    plan = validate(data, release=release)
    if release and isinstance(data, dict):
        data.clear()
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic(), audit.audited(by=by, reason=f"Dataset import {source}".strip()), \
            audit.recorded_as_one_event():
        problems: list[str] = []
        student_ids = _load(plan, report, problems, by)
        if plan.corrections or plan.exceptions:
            corrections, exceptions = decision_section.load(plan.corrections, plan.exceptions, by)
            report.count("learning-account corrections", n=corrections)
            report.count("enrolment exceptions", n=exceptions)
        if plan.appeals:
            report.count("appeals", n=appeal_section.load(plan.appeals, problems, by))
        if plan.second_opportunity:
            report.count("second-opportunity registrations",
                         n=second_opportunity_section.load(plan.second_opportunity, problems, by))
        if problems:
            raise DatasetError(problems)
        report.movements = sync_ledgers(student_ids, by=by)
        if any(report.created.values()) or any(report.updated.values()) or report.movements:
            # An import that changes nothing (the same file twice) leaves no trace, as it leaves no row.
            AuditEvent.objects.create(by=audit._user(by), kind=AuditEvent.Kind.DATASET_IMPORT,
                                      source=source[:300], summary=report.summary())
        if dry_run:
            transaction.set_rollback(True)
    return report


STUDENT_FIELDS = ("first_name", "last_name", "date_of_birth", "email", "street", "postcode", "city", "country",
                  "first_enrolled_year")
STUDENT_COLUMNS = (*STUDENT_FIELDS, "register_balance", "register_as_of", "register_bonus_used",
                   "register_master_obtained")
NO_REGISTER = {"register_balance": None, "register_as_of": None, "register_bonus_used": 0,
               "register_master_obtained": False}


class _Ref:
    """A row written by :mod:`config.bulk`: its id and, for a contract, its key (no model instance needed)."""

    __slots__ = ("id", "student_id", "programme_id", "academic_year_id", "kind")

    def __init__(self, id, student_id=None, programme_id=None, academic_year_id=None, kind=None):  # noqa: A002
        self.id, self.student_id, self.programme_id = id, student_id, programme_id
        self.academic_year_id, self.kind = academic_year_id, kind


def _changed(obj, values: dict) -> bool:
    changed = False
    for k, v in values.items():
        if getattr(obj, k) != v:
            setattr(obj, k, v)
            changed = True
    return changed


def _load(plan: _Plan, report: ImportReport, problems: list[str], by) -> list[int]:
    """Write the plan. A large load (``bulk.BULK_ROWS`` new rows and more) checks the foreign keys of the big
    tables once at the end instead of row by row, and refreshes their statistics (:func:`config.bulk.bulk_load`)."""
    rows = len(plan.results) + sum(len(e["lines"]) + 1 for e in plan.enrolments)
    with bulk.bulk_load(AcademicYear, EducationPeriod, ExamPeriod, Programme, CourseUnit, Student, StudyContract,
                        ProgrammeLine, Result, Proclamation, Degree, when=rows >= bulk.BULK_ROWS):
        return _load_rows(plan, report, problems, by)


def _load_rows(plan: _Plan, report: ImportReport, problems: list[str], by) -> list[int]:
    # Academic years, periods, exam periods.
    years: dict[str, AcademicYear] = {}
    for y in plan.years.values():
        if y.existing is None:
            years[y.code] = AcademicYear.objects.create(code=y.code, starts_on=y.starts_on, ends_on=y.ends_on,
                                                        regulations=plan.regulations)
            report.count("academic years")
        else:
            years[y.code] = y.existing
        if not y.path:
            continue
        have = {p.code: p for p in years[y.code].periods.all()}
        for code, values in y.periods.items():
            if code not in have:
                EducationPeriod.objects.create(academic_year=years[y.code], code=code, **values)
                report.count("education periods")
            elif _changed(have[code], values):
                have[code].save()
                report.count("education periods", created=False)
        have_exams = {e.code: e for e in years[y.code].exam_periods.all()}
        for code, values in y.exam_periods.items():
            if code not in have_exams:
                ExamPeriod.objects.create(academic_year=years[y.code], code=code, **values)
                report.count("exam periods")
            elif _changed(have_exams[code], values):
                have_exams[code].save()
                report.count("exam periods", created=False)

    # Programmes and course units.
    programmes = {p.code: p for p in Programme.objects.all()}
    units = {u.code: u for u in CourseUnit.objects.all()}
    new_units = []
    for p in plan.programmes:
        values = {"name": p["name"], "kind": p["kind"], "credits": p["credits"], "educational": p["educational"]}
        if p["code"] not in programmes:
            programmes[p["code"]] = Programme.objects.create(code=p["code"], **values)
            report.count("programmes")
        elif _changed(programmes[p["code"]], values):
            programmes[p["code"]].save()
            report.count("programmes", created=False)
        for u in p["units"]:
            values = {"name": u["name"], "credits": u["credits"], "period_code": u["period"],
                      "exam_period_code": u["exam_period"], "stage": u["stage"], "package": u["package"],
                      "result_kind": u["result_kind"], "tolerance_excluded": u["tolerance_excluded"],
                      "opportunities": u["opportunities"]}
            if u["code"] not in units:
                new_units.append(CourseUnit(code=u["code"], programme=programmes[p["code"]], **values))
            elif _changed(units[u["code"]], values):
                units[u["code"]].save()
                report.count("course units", created=False)
    if new_units:
        for u in CourseUnit.objects.bulk_create(new_units, batch_size=1000):
            units[u.code] = u
        report.count("course units", n=len(new_units))

    # Students.
    students = {s.number: s for s in Student.objects.filter(number__in=[s["number"] for s in plan.students])}
    new_students = []
    for s in plan.students:
        la = s["learning_account"]
        values = {k: s[k] for k in STUDENT_FIELDS}
        if la is not None:
            values.update(register_balance=la["balance"], register_as_of=la["as_of"],
                          register_bonus_used=la["bonus_credits_earned"],
                          register_master_obtained=la["initial_master_obtained"])
        if s["number"] not in students:
            new_students.append((s["number"], *(values.get(k, NO_REGISTER.get(k)) for k in STUDENT_COLUMNS)))
        elif _changed(students[s["number"]], values):
            students[s["number"]].save()
            report.count("students", created=False)
    if new_students:
        bulk.insert(Student, ("number", *STUDENT_COLUMNS), new_students)
        report.count("students", n=len(new_students))
        del new_students
    numbers = {s["number"] for s in plan.students} | {e["student"] for e in plan.enrolments} | {
        r["student"] for r in plan.results} | {d["student"] for d in plan.degrees}
    students = {number: _Ref(sid) for number, sid in Student.objects.filter(number__in=numbers).values_list(
        "number", "id")}
    ids = [s.id for s in students.values()]
    del numbers
    by_id = by.pk if by is not None else None

    # Contracts and their lines.
    contracts = {(c.student_id, c.programme_id, c.academic_year_id, c.kind): c
                 for c in StudyContract.objects.filter(student_id__in=ids)}
    new_contracts = []
    for e in plan.enrolments:
        key = (students[e["student"]].id, programmes[e["programme"]].id, years[e["year"]].id, e["kind"])
        c = contracts.get(key)
        if c is None:
            new_contracts.append((*key, e["enrolled_on"], e["deregistered_on"], e["reason"], by_id))
            contracts[key] = None  # its id is read back after the insert
            continue
        if c.enrolled_on != e["enrolled_on"]:
            problems.append(f"{e['path']}.enrolled_on: this contract is already recorded as enrolled on "
                            f"{c.enrolled_on}")
        if c.deregistered_on is None and e["deregistered_on"] is not None:
            c.deregistered_on, c.deregistration_reason = e["deregistered_on"], e["reason"]
            c.save(update_fields=["deregistered_on", "deregistration_reason"])
            report.count("deregistrations", created=False)
        elif (c.deregistered_on, dataset_reason(c.deregistration_reason)) != (e["deregistered_on"], e["reason"]):
            problems.append(f"{e['path']}.deregistered_on: this contract is already recorded as deregistered on "
                            f"{c.deregistered_on} ({c.deregistration_reason or 'active'})")
    if new_contracts:
        bulk.insert(StudyContract, ("student_id", "programme_id", "academic_year_id", "kind", "enrolled_on",
                                    "deregistered_on", "deregistration_reason", "recorded_by_id"), new_contracts)
        report.count("contracts", n=len(new_contracts))
        new_keys = {key[:4] for key in new_contracts}
        del new_contracts
        for cid, *key in StudyContract.objects.filter(student_id__in=ids).values_list(
                "id", "student_id", "programme_id", "academic_year_id", "kind"):
            if tuple(key) in new_keys:
                contracts[tuple(key)] = _Ref(cid, *key)
        del new_keys

    lines = {(ln.contract_id, ln.course_unit_id): ln for ln in ProgrammeLine.objects.filter(student_id__in=ids)}
    new_lines = []
    for e in plan.enrolments:
        c = contracts[(students[e["student"]].id, programmes[e["programme"]].id, years[e["year"]].id, e["kind"])]
        for ln in e["lines"]:
            unit = units[ln["code"]]
            existing = lines.get((c.id, unit.id))
            if existing is None:
                new_lines.append((c.id, unit.id, c.student_id, c.academic_year_id, ln["added_on"], ln["removed_on"],
                                  ln["exempted"], by_id))
                continue
            if (existing.added_on, existing.exempted) != (ln["added_on"], ln["exempted"]):
                problems.append(f"{ln['path']}: already recorded as added on {existing.added_on}"
                                f"{', exempted' if existing.exempted else ''}")
            if existing.removed_on is None and ln["removed_on"] is not None:
                existing.removed_on = ln["removed_on"]
                existing.save(update_fields=["removed_on"])
                report.count("course unit removals", created=False)
            elif existing.removed_on != ln["removed_on"]:
                problems.append(f"{ln['path']}.removed_on: already recorded as removed on {existing.removed_on}")
    if new_lines:
        bulk.insert(ProgrammeLine, ("contract_id", "course_unit_id", "student_id", "academic_year_id", "added_on",
                                    "removed_on", "exempted", "recorded_by_id"), new_lines)
        report.count("study programme lines", n=len(new_lines))
    del new_lines, lines, contracts

    # Results.
    if plan.results:
        line_ids, line_programme = {}, {}
        for ln in ProgrammeLine.objects.filter(student_id__in=ids).order_by("removed_on").values_list(
                "id", "student_id", "academic_year_id", "course_unit_id", "removed_on", "contract__programme_id"):
            key = ln[1:4]
            line_programme[ln[0]] = ln[5]
            if key not in line_ids or ln[4] is None:
                line_ids[key] = ln[0]
        exam_periods = {(e.academic_year_id, e.code): e for e in ExamPeriod.objects.all()}
        results = {(r.student_id, r.academic_year_id, r.course_unit_id, r.opportunity): r
                   for r in Result.objects.filter(student_id__in=ids, is_current=True)}
        new_results = []
        announced = set()
        for r in plan.results:
            sid, yid, uid = students[r["student"]].id, years[r["year"]].id, units[r["unit"]].id
            existing = results.get((sid, yid, uid, r["opportunity"]))
            if existing is None:
                line_id = line_ids[(sid, yid, uid)]
                period = exam_periods[(yid, r["exam_period"])]
                new_results.append((line_id, sid, yid, uid, period.id, r["opportunity"], r["outcome"], r["grade"],
                                    ResultProcedure.DATASET, by_id))
                announced.add((period, line_programme[line_id]))
            elif (existing.outcome, existing.grade) != (r["outcome"], r["grade"]):
                problems.append(f"{r['path']}.grade: already recorded as {existing.display}; a recorded result "
                                "changes only through the material-error or appeal procedure")
        if new_results:
            bulk.insert(Result, ("line_id", "student_id", "academic_year_id", "course_unit_id", "exam_period_id",
                                 "opportunity", "outcome", "grade", "procedure", "recorded_by_id"), new_results)
            report.count("results", n=len(new_results))
        del new_results, line_ids, line_programme, results
        # A dataset's results were announced on their exam period's publication date (EX-8): record that
        # proclamation once per exam period and programme, so that they count for the learning account.
        done = set(Proclamation.objects.values_list("exam_period_id", "programme_id"))
        Proclamation.objects.bulk_create([
            Proclamation(exam_period=period, programme_id=programme_id, published_on=period.results_published_on,
                         from_dataset=True, recorded_by=by)
            for period, programme_id in sorted(announced, key=lambda a: (a[0].id, a[1]))
            if (period.id, programme_id) not in done
        ])

    # Degrees.
    degrees = {(d.student_id, d.programme_id): d for d in Degree.objects.filter(student_id__in=ids)}
    new_degrees = []
    for d in plan.degrees:
        key = (students[d["student"]].id, programmes[d["programme"]].id)
        if key not in degrees:
            new_degrees.append(Degree(student_id=key[0], programme_id=key[1], awarded_on=d["awarded_on"],
                                      recorded_by=by))
        elif degrees[key].awarded_on != d["awarded_on"]:
            problems.append(f"{d['path']}.awarded_on: already recorded as awarded on {degrees[key].awarded_on}")
    if new_degrees:
        Degree.objects.bulk_create(new_degrees)
        report.count("degrees", n=len(new_degrees))
    return ids
