"""config/bulk.py: COPY inserts and the bulk path of a large import (foreign keys checked once at the end)."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from config import bulk
from enrolment.dataset import importer
from enrolment.dataset.generate import generate
from enrolment.models import AcademicYear, CourseUnit, ProgrammeLine, StudyContract
from examinations.models import Result
from students import services
from students.models import LedgerMovement, Student

pytestmark = pytest.mark.django_db


def foreign_keys() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE contype = 'f' ORDER BY 1, 2")
        return cursor.fetchall()


def exported() -> dict:
    out = io.StringIO()
    call_command("export_dataset", stdout=out)
    return json.loads(out.getvalue())


def test_insert_fills_the_model_defaults_and_the_database_checks_the_rows():
    fields = ("number", "first_name", "last_name", "date_of_birth", "email", "street", "postcode", "city")
    row = ("2699001", "An", "Bulk", date(2008, 3, 1), "an@example.org", "Straat 1", "3500", "Hasselt")
    assert bulk.insert(Student, fields, [row]) == 1
    new = Student.objects.get(number="2699001")
    assert (new.last_name, new.country, new.register_bonus_used, new.register_master_obtained) == (
        "Bulk", "BE", 0, False)
    assert new.created_at is not None and new.updated_at is not None
    with pytest.raises(IntegrityError), transaction.atomic():  # the unique number still holds
        bulk.insert(Student, fields, [row])


def test_insert_refuses_an_unknown_field():
    with pytest.raises(ValueError, match="no field"):
        bulk.insert(Student, ("number", "shoe_size"), [])


def test_foreign_keys_are_checked_once_and_restored_unchanged():
    data = generate(40, seed=5)
    importer.import_dataset(data)
    before = foreign_keys()
    contract = StudyContract.objects.first()
    unit = CourseUnit.objects.exclude(
        pk__in=ProgrammeLine.objects.filter(contract=contract).values("course_unit")).first()
    with transaction.atomic():
        with bulk.bulk_load(ProgrammeLine, Result):
            assert foreign_keys() != before  # dropped for the block
            bulk.insert(ProgrammeLine, ("contract_id", "course_unit_id", "student_id", "academic_year_id",
                                        "added_on", "exempted"),
                        [(contract.pk, unit.pk, contract.student_id, contract.academic_year_id,
                          contract.enrolled_on, False)])
        assert foreign_keys() == before
        transaction.set_rollback(True)
    assert foreign_keys() == before


def test_a_row_pointing_nowhere_fails_when_the_keys_come_back_and_nothing_stays():
    data = generate(40, seed=5)
    importer.import_dataset(data)
    before = foreign_keys()
    lines = ProgrammeLine.objects.count()
    contract = StudyContract.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        with bulk.bulk_load(ProgrammeLine):
            bulk.insert(ProgrammeLine, ("contract_id", "course_unit_id", "student_id", "academic_year_id",
                                        "added_on", "exempted"),
                        [(contract.pk, 987654321, contract.student_id, contract.academic_year_id,
                          contract.enrolled_on, False)])
    assert ProgrammeLine.objects.count() == lines
    assert foreign_keys() == before


def test_rows_written_earlier_in_the_transaction_do_not_stop_the_bulk_path():
    """PostgreSQL refuses ALTER TABLE on a table with pending deferred checks; the bulk path runs them first."""
    data = generate(30, seed=2)
    importer.import_dataset(data)
    before = foreign_keys()
    student = Student.objects.first()
    year = AcademicYear.objects.first()
    with transaction.atomic():
        LedgerMovement.objects.create(student=student, on=year.starts_on, kind="correction", credits=1,
                                      cause="manual-bulk-test", article="LA-13")
        with bulk.bulk_load(LedgerMovement):
            pass  # an empty load: only what bulk_load does on entry and exit is tested
        transaction.set_rollback(True)
    assert foreign_keys() == before


def test_a_large_import_takes_the_bulk_path_and_gives_what_the_row_by_row_path_gives(monkeypatch):
    data = generate(80, seed=4, results_until="2027-08-08")
    importer.import_dataset(json.loads(json.dumps(data)))
    row_by_row = exported()
    counts = (ProgrammeLine.objects.count(), Result.objects.count(), LedgerMovement.objects.count())
    before = foreign_keys()
    # Empty the student records again (in the test's transaction; the catalogue stays) and load the same file on
    # the bulk path.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(f"TRUNCATE {Student._meta.db_table} CASCADE")
    assert not StudyContract.objects.exists() and not LedgerMovement.objects.exists()
    monkeypatch.setattr(bulk, "BULK_ROWS", 1)
    monkeypatch.setattr(services, "BULK_STUDENTS", 1)
    calls = []
    real = bulk.bulk_load

    def spy(*models, when=True):
        calls.append(([m.__name__ for m in models], when))
        return real(*models, when=when)

    monkeypatch.setattr(bulk, "bulk_load", spy)
    importer.import_dataset(json.loads(json.dumps(data)), release=True)
    assert (["AcademicYear", "EducationPeriod", "ExamPeriod", "Programme", "CourseUnit", "Student", "StudyContract",
             "ProgrammeLine", "Result", "Proclamation", "Degree"], True) in calls
    assert (["LedgerMovement"], True) in calls
    assert (ProgrammeLine.objects.count(), Result.objects.count(), LedgerMovement.objects.count()) == counts
    assert exported() == row_by_row
    assert foreign_keys() == before
    assert services.sync_ledgers(Student.objects.values_list("id", flat=True)) == 0
