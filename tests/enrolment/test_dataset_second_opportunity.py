"""The optional ``second_opportunity_registrations`` section of eel-dataset/1 (EX-2, UH 12.2.5): import with
clear problems and all or nothing, export, and the round trip."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction

from examinations.models import Result, SecondOpportunityRegistration
from tests.enrolment import datasets as ds
from tests.enrolment.factories import table_counts
from tests.enrolment.test_dataset_import import import_file, import_refused

pytestmark = pytest.mark.django_db

UNITS = [ds.unit("INF101", 6), ds.unit("INF102", 6), ds.unit("INF103", 6, "S2"),
         ds.unit("INF104", 6, opportunities=1), ds.unit("INF105", 3, result_kind="pass_fail")]
CODES = [u["code"] for u in UNITS]


def registration(student="2600001", unit="INF101", on="2027-07-20", year="2026-2027") -> dict:
    return {"student": student, "academic_year": year, "course_unit": unit, "registered_on": on}


def base(*registrations, results=None) -> dict:
    data = ds.dataset(
        programmes=[ds.programme("BA-INF", "bachelor", copy.deepcopy(UNITS))],
        students=[ds.student("2600001"), ds.student("2600002")],
        enrolments=[ds.enrolment("2600001", "BA-INF", CODES[:4] + [ds.line("INF105", exempted=True)]),
                    ds.enrolment("2600002", "BA-INF", ["INF101", ds.line("INF102", removed_on="2027-03-01")])],
        results=results if results is not None else [
            ds.result("2600001", "INF101", 7), ds.result("2600001", "INF102", 14), ds.result("2600001", "INF103", 9),
            ds.result("2600002", "INF101", "absent")],
    )
    data["second_opportunity_registrations"] = list(registrations)
    return data


def export(tmp_path, name="export.json") -> dict:
    path = tmp_path / name
    call_command("export_dataset", str(path))
    return json.loads(path.read_text(encoding="utf-8"))


def recorded() -> set[tuple]:
    return set(SecondOpportunityRegistration.objects.values_list(
        "student__number", "academic_year__code", "course_unit__code", "registered_on"))


def test_ex2_registrations_are_imported_and_exported(tmp_path):
    out = import_file(tmp_path, base(registration(), registration("2600002", on="2027-08-08"),
                                     registration(unit="INF103", on="2027-07-11")))
    assert "3 second-opportunity registrations created" in out
    assert export(tmp_path)["second_opportunity_registrations"] == [
        registration(), registration(unit="INF103", on="2027-07-11"), registration("2600002", on="2027-08-08")]


def test_ex2_a_file_without_the_section_still_imports_and_exports_an_empty_list(tmp_path):
    data = base()
    del data["second_opportunity_registrations"]
    import_file(tmp_path, data)
    assert export(tmp_path)["second_opportunity_registrations"] == []


def test_ex2_a_registration_without_a_first_result_is_accepted(tmp_path):
    """A partial file (results to come from another system) is not wrong; the sweep gives A only to fails."""
    import_file(tmp_path, base(registration(), results=[]))
    assert len(recorded()) == 1


def test_ex2_importing_the_same_registrations_twice_changes_nothing(tmp_path):
    data = base(registration(), registration("2600002"))
    import_file(tmp_path, data)
    before = table_counts()
    assert import_file(tmp_path, data) == "0 learning-account movements written\n"
    assert table_counts() == before


def test_ex2_a_registration_on_record_is_not_overwritten(tmp_path):
    import_file(tmp_path, base(registration()))
    before = table_counts()
    message, problems = import_refused(tmp_path, base(registration(on="2027-08-01")))
    assert problems == ["second_opportunity_registrations[0].registered_on: student '2600001' is already registered "
                        "for the second opportunity of 'INF101' in 2026-2027 on 2027-07-20; a registration is not "
                        "overwritten"]
    assert table_counts() == before
    assert recorded() == {("2600001", "2026-2027", "INF101", date(2027, 7, 20))}


@pytest.mark.parametrize("bad, problem", [
    (registration(student="9999999"), "[0].student: unknown student '9999999'"),
    (registration(year="2030-2031"), "[0].academic_year: unknown academic year '2030-2031'"),
    (registration(unit="XYZ999"), "[0].course_unit: unknown course unit 'XYZ999'"),
    (registration(on="8 August"), "[0].registered_on: '8 August' is not a date YYYY-MM-DD"),
    (registration(on=None), "[0].registered_on: missing"),
    (registration(on="2027-09-13"), "[0].registered_on: 2027-09-13 is outside the academic year 2026-2027"),
    (registration(student="2600002", unit="INF103"),
     "[0].course_unit: course unit 'INF103' is not in the study programme of student '2600002' in 2026-2027"),
    (registration(unit="INF105"), "[0].course_unit: student '2600001' is exempted from 'INF105' in 2026-2027"),
    (registration(student="2600002", unit="INF102"),
     "[0].course_unit: course unit 'INF102' was removed from the programme of student '2600002' on 2027-03-01, "
     "before the registration"),
    (registration(unit="INF104"), "[0].course_unit: course unit 'INF104' has only one exam opportunity (UH 12.2.2)"),
    (registration(unit="INF102"),
     "[0].course_unit: the first opportunity of 'INF102' gave student '2600001' a credit certificate (14); "
     "only a failed unit is registered (UH 12.2.5)"),
    ("not an object", "[0]: expected an object, got text"),
])
def test_ex2_each_bad_registration_is_named_with_its_path_and_nothing_loads(tmp_path, bad, problem):
    before = table_counts()
    _, problems = import_refused(tmp_path, base(bad))
    assert problems == [f"second_opportunity_registrations{problem}"]
    assert table_counts() == before  # all or nothing: the students, units and results of the file neither


def test_ex2_the_same_registration_twice_in_one_file(tmp_path):
    _, problems = import_refused(tmp_path, base(registration(), registration(on="2027-07-21")))
    assert problems == ["second_opportunity_registrations[1]: the same registration (student '2600001', 'INF101', "
                        "2026-2027) appears twice (also second_opportunity_registrations[0])"]


def test_ex2_a_pass_on_record_is_checked_too(tmp_path):
    import_file(tmp_path, base())
    _, problems = import_refused(tmp_path, base(registration(unit="INF102"), results=[]))
    assert problems == ["second_opportunity_registrations[0].course_unit: the first opportunity of 'INF102' gave "
                        "student '2600001' a credit certificate (14); only a failed unit is registered "
                        "(UH 12.2.5)"]


def test_ex2_the_section_must_be_a_list(tmp_path):
    data = base()
    data["second_opportunity_registrations"] = {"student": "2600001"}
    _, problems = import_refused(tmp_path, data)
    assert problems == ["second_opportunity_registrations: expected a list, got an object"]


def test_ex2_export_then_import_into_an_empty_database_keeps_the_registrations_and_the_sweeps_a(tmp_path):
    """Round trip: the registrations, and the A the EX-2 sweep recorded for the unregistered fails (exported as
    opportunity 2 "absent"), come back from the export into an empty database."""
    from examinations.services.sweeps import absent_for_unregistered

    class Rollback(Exception):
        """Raised to leave the atomic block, so everything in it is rolled back."""

    with pytest.raises(Rollback), transaction.atomic():
        import_file(tmp_path, base(registration(), registration("2600002", on="2027-08-08")))
        assert absent_for_unregistered(date(2027, 8, 9)).count == 1  # 2600001 INF103
        first = export(tmp_path, "first.json")
        first_counts = table_counts()
        raise Rollback
    assert set(table_counts().values()) == {0}
    assert ds.result("2600001", "INF103", "absent", opportunity=2) in first["results"]
    assert len(first["second_opportunity_registrations"]) == 2

    import_file(tmp_path, first)
    assert export(tmp_path, "again.json") == first
    # The audit trail is not part of the export: the sweep's result has its history row, the import one event.
    def same(k):
        return k != "examinations.Proclamation" and ".Historical" not in k and k != "students.AuditEvent"
    assert {k: v for k, v in table_counts().items() if same(k)} == {k: v for k, v in first_counts.items() if same(k)}
    assert Result.objects.filter(opportunity=2, outcome="absent").count() == 1
    assert import_file(tmp_path, first) == "0 learning-account movements written\n"
