"""load_demo: the run command's data step may run again on a database staff have since worked on."""

from io import StringIO

import pytest
from django.core.management import call_command

from examinations.models import Proclamation, Result
from students.models import LedgerMovement, Student

pytestmark = pytest.mark.django_db


def test_load_demo_twice_after_staff_work_leaves_the_database_as_staff_left_it():
    call_command("load_demo", students=30, stdout=StringIO())
    assert Student.objects.count() == 30
    assert Proclamation.objects.filter(from_dataset=True).exists()  # the demo's results count (LA-4/5)
    # Staff work that contradicts the generated file: a student's number and a result's history.
    student = Student.objects.order_by("number").first()
    Student.objects.filter(pk=student.pk).update(last_name="Changed by staff")
    before = (Result.objects.count(), LedgerMovement.objects.count())
    out = StringIO()
    call_command("load_demo", students=30, stdout=out)
    assert "already loaded" in out.getvalue()
    assert Student.objects.get(pk=student.pk).last_name == "Changed by staff"
    assert (Result.objects.count(), LedgerMovement.objects.count()) == before
