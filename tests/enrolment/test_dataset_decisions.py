"""Export then import keeps the decisions staff record by hand: LA-13 corrections and enrolment exceptions."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from enrolment.models import AcademicYear, EnrolmentException
from enrolment.services import record_exception
from students.models import LedgerMovement, Student
from students.services import record_correction
from tests.enrolment import datasets as ds
from tests.enrolment.test_dataset_import import import_file, import_refused

pytestmark = pytest.mark.django_db


def export() -> dict:
    out = io.StringIO()
    call_command("export_dataset", stdout=out)
    return json.loads(out.getvalue())


def manual_movements():
    return list(LedgerMovement.objects.filter(cause__startswith="manual:").order_by("id").values_list(
        "student__number", "on", "credits", "reference", "note"))


def test_la13_corrections_and_exceptions_survive_export_and_import(tmp_path):
    import_file(tmp_path, ds.worked_example())
    student = Student.objects.get(number="2600001")
    record_correction(student, 12, date(2027, 3, 1), "RvS-2027-11", "Force majeure restored by the Council", None)
    record_exception(student, AcademicYear.objects.get(code="2026-2027"), "EN-3", "Vice rector", date(2026, 9, 1),
                     "VR-2026-3", "Top-sport status", max_credits=80)
    data = export()
    assert data["learning_account_corrections"][0]["credits"] == 12
    assert data["enrolment_exceptions"][0]["max_credits"] == 80
    before = (manual_movements(), EnrolmentException.objects.count())

    import_file(tmp_path, data)  # importing the export into the same database changes nothing
    assert (manual_movements(), EnrolmentException.objects.count()) == before

    LedgerMovement.objects.all()._raw_delete(LedgerMovement.objects.db)  # a fresh database, as elsewhere
    EnrolmentException.objects.all().delete()
    import_file(tmp_path, data)
    assert manual_movements() == before[0]
    assert EnrolmentException.objects.get().reference == "VR-2026-3"
    assert export()["learning_account_corrections"] == data["learning_account_corrections"]


def test_bad_decisions_are_named_and_load_nothing(tmp_path):
    data = ds.worked_example()
    data["learning_account_corrections"] = [{"student": "2600001", "on": "2027-03-01", "credits": 0,
                                             "reference": "X", "reason": "Y"}]
    data["enrolment_exceptions"] = [{"student": "2600001", "academic_year": "2026-2027", "rule": "EN-3",
                                     "decided_by": "VR", "decided_on": "2026-09-01", "reference": "R", "reason": "Z"}]
    _, problems = import_refused(tmp_path, data)
    text = "\n".join(problems)
    assert "learning_account_corrections[0].credits" in text
    assert "enrolment_exceptions[0].max_credits" in text
    assert not Student.objects.exists()
