"""Property-based tests (hypothesis) of the import validators: whatever arrives, each either accepts it within its
rules or refuses it with its own error in words, never with another exception, and a refused dataset writes
nothing."""

from __future__ import annotations

import copy
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appeals.services.intake import AppealRefused, safe_filename
from config.csv_export import safe_cell
from config.validators import FORMULA_STARTS, name_problem
from enrolment.dataset.importer import DatasetError, import_dataset, validate
from examinations.results_import import ResultsFileError, check_upload, read_results_file
from examinations.rules.results import InvalidResult, parse_result

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=15,
)
DB_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def base_dataset() -> dict:
    year = {"code": "2026-2027", "starts_on": "2026-09-14", "ends_on": "2027-09-12",
            "periods": [{"code": "S1", "semester": 1, "starts_on": "2026-09-14", "lessons_end_on": "2026-12-23",
                         "ends_on": "2027-02-07", "deregistration_deadline": "2026-11-08"}],
            "exam_periods": [{"code": "JAN", "opportunity": 1, "starts_on": "2027-01-04", "ends_on": "2027-02-05",
                              "results_published_on": "2027-02-12"}]}
    unit = {"code": "INF101", "name": "Programming", "credits": 6, "period": "S1", "exam_period": "JAN", "stage": 1,
            "package": 1, "result_kind": "numeric", "tolerance_excluded": False, "opportunities": 2}
    student = {"number": "2600001", "first_name": "An", "last_name": "Peeters", "date_of_birth": "2008-03-01",
               "email": "an@example.org",
               "address": {"street": "Markt 1", "postcode": "3500", "city": "Hasselt", "country": "BE"}}
    enrolment = {"student": "2600001", "programme": "BA-INF", "academic_year": "2026-2027", "contract": "diploma",
                 "enrolled_on": "2026-09-10", "deregistered_on": None, "deregistration_reason": None,
                 "course_units": [{"code": "INF101", "added_on": "2026-09-10", "removed_on": None,
                                   "exempted": False}]}
    result = {"student": "2600001", "academic_year": "2026-2027", "course_unit": "INF101", "opportunity": 1,
              "grade": 14}
    return {"format": "eel-dataset/1", "regulations": "uhasselt-2026-2027", "academic_years": [year],
            "programmes": [{"code": "BA-INF", "name": "Bachelor of Informatics", "kind": "bachelor", "credits": 180,
                            "course_units": [unit]}],
            "students": [student], "enrolments": [enrolment], "results": [result],
            "appeals": [{"reference": "AP-1", "student": "2600001", "decision_kind": "exam_decision",
                         "decision_notified_on": "2027-02-12", "postmarked_on": "2027-02-15",
                         "received_on": "2027-02-16"}],
            "learning_account_corrections": [{"student": "2600001", "on": "2027-03-01", "credits": 6,
                                              "reference": "RvS-1", "reason": "Force majeure"}],
            "enrolment_exceptions": [{"student": "2600001", "academic_year": "2026-2027", "rule": "EN-3",
                                      "decided_by": "Vice rector", "decided_on": "2026-09-01", "reference": "VR-1",
                                      "reason": "Top sport", "max_credits": 80}]}


# Every place in the base dataset where a value sits: (path of keys and indexes).
def _places(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _places(inner, (*path, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from _places(inner, (*path, i))


PLACES = [p for p in _places(base_dataset()) if p]


def replaced(path, value) -> dict:
    data = copy.deepcopy(base_dataset())
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


def test_the_base_dataset_imports(db):
    report = import_dataset(base_dataset(), dry_run=True)
    assert report.dry_run


@DB_SETTINGS
@given(data=JSON)
def test_any_json_is_validated_or_refused_in_words(db, data):
    try:
        validate(data)
    except DatasetError as exc:
        assert exc.problems and all(isinstance(p, str) and ": " in p for p in exc.problems)


@DB_SETTINGS
@given(place=st.sampled_from(PLACES), value=JSON)
def test_any_value_in_any_place_is_imported_or_refused_without_a_write(db, place, value):
    from enrolment.models import Programme
    from students.models import LedgerMovement, Student

    try:
        import_dataset(replaced(place, value), dry_run=True)
    except DatasetError as exc:
        assert all(": " in p for p in exc.problems)
    assert (Student.objects.count(), Programme.objects.count(), LedgerMovement.objects.count()) == (0, 0, 0)


@DB_SETTINGS
@given(field=st.sampled_from(["first_name", "last_name"]), name=st.text(min_size=1, max_size=40))
def test_a_name_is_imported_only_when_it_is_safe_to_show_and_export(db, field, name):
    data = replaced(("students", 0, field), name)
    try:
        validate(data)
    except DatasetError:
        return
    assert name_problem(name) is None and name.strip()
    assert safe_cell(name) == name or name.startswith(("\t", "\r"))


@settings(max_examples=300, deadline=None)
@given(text=st.text())
def test_name_problem_refuses_markup_control_characters_and_formulas(text):
    refused = name_problem(text) is not None
    dangerous = ("<" in text or ">" in text or any(ord(c) < 32 or ord(c) == 127 for c in text)
                 or text.lstrip().startswith(FORMULA_STARTS))
    assert refused == dangerous


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.text(), st.integers(), st.floats(), st.none()))
def test_an_exported_cell_never_starts_a_formula(value):
    cell = safe_cell(value)
    assert not (isinstance(cell, str) and cell.startswith(("=", "+", "-", "@", "\t", "\r")))


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=2048), ext=st.sampled_from([".csv", ".xlsx"]))
def test_any_bytes_are_read_as_rows_or_refused_in_words(data, ext):
    try:
        rows = read_results_file(data, ext)
    except ResultsFileError as exc:
        assert str(exc)
    else:
        assert rows and all(r.row >= 1 for r in rows)


CELL = st.text(alphabet=string.printable + "éü€\u200b;\"", max_size=12)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.lists(CELL, min_size=0, max_size=5), max_size=8),
       delimiter=st.sampled_from([",", ";", "\t"]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_any_csv_table_is_read_or_refused_in_words(rows, delimiter, encoding):
    text = "\n".join(delimiter.join(["student number", "course unit code", "grade"]) for _ in range(1))
    text += "\n" + "\n".join(delimiter.join(r) for r in rows)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    try:
        read_results_file(data, ".csv")
    except ResultsFileError as exc:
        assert str(exc)


@settings(max_examples=300, deadline=None)
@given(name=st.text(max_size=60), content_type=st.text(max_size=40), size=st.integers(-1, 10**9))
def test_the_results_upload_check_answers_every_name_type_and_size(name, content_type, size):
    try:
        ext = check_upload(name, content_type, size)
    except ResultsFileError as exc:
        assert str(exc)
    else:
        assert ext in (".csv", ".xlsx") and name.lower().endswith(ext) and 0 < size <= 5 * 1024 * 1024


@settings(max_examples=500, deadline=None)
@given(name=st.text(max_size=300))
def test_an_evidence_file_name_is_refused_or_made_safe(name):
    try:
        clean = safe_filename(name)
    except AppealRefused as exc:
        assert str(exc)
        return
    assert clean and "/" not in clean and "\\" not in clean and ".." not in clean
    assert not clean.startswith(".") and len(clean) <= 121
    assert all(c.isascii() and (c.isalnum() or c in "._ ()-") for c in clean)


@settings(max_examples=500, deadline=None)
@given(cell=st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)),
       kind=st.sampled_from(["numeric", "pass_fail"]))
def test_a_result_cell_is_a_valid_result_or_refused_in_words(cell, kind):
    try:
        parsed = parse_result(cell, kind)
    except InvalidResult as exc:
        assert str(exc)
        return
    if parsed.grade is not None:
        assert 0 <= parsed.grade <= 20 and kind == "numeric"


@pytest.mark.parametrize("name", ["Nora", "Van den Broeck", "D'Hondt", "Müller-Lüdenscheidt", "Ørsted", "O'Brien"])
def test_real_names_pass(name):
    assert name_problem(name) is None
