"""Acceptance (issue 3): a published result cannot be changed by any page, form, command or admin action except the
two procedures (EX-8, UH 15.3.2): the material-error correction (EX-10) and an appeal outcome. Each path is tried
with a different grade and shown refusing; the material-error path then succeeds with a new version."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from enrolment.dataset.importer import DatasetError, import_dataset
from examinations.models import Result, ResultProcedure
from examinations.results_import import RawRow
from examinations.services import results as services
from examinations.services.results import GridRefused, ResultRefused, record_result
from examinations.services.results_import import ImportRefused, apply_import
from tests.enrolment import datasets as ds

from .conftest import line, proclaim

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

GRID_ARGS = ["BIO101", "2026-2027", "JAN"]


@pytest.fixture
def superuser(make_user):
    return make_user("root", is_superuser=True, is_staff=True)


@pytest.fixture
def published(faculty, lecturer):
    """An Peeters' 8 for BIO101 in JAN, proclaimed on 12 February 2027."""
    result = record_result(line(faculty, "an", "BIO101"), faculty["periods"]["JAN"], "numeric", 8, by=lecturer)
    proclaim(faculty, "JAN")
    return result


def unchanged(published):
    """The only current version is still the published one, and no other version was written."""
    current = Result.objects.get(student=published.student, course_unit=published.course_unit, is_current=True)
    return current.pk == published.pk and current.grade == 8 and Result.objects.filter(
        student=published.student, course_unit=published.course_unit).count() == 1


def test_the_grid_page_refuses(published, faculty, lecturer, student_admin, client_as):
    field = f"g-{published.line_id}"
    for user in (lecturer, student_admin):
        client = client_as(user)
        page = client.get(reverse("examinations:results_grid", args=GRID_ARGS)).content.decode()
        assert f'name="{field}"' not in page  # read-only on the page ...
        client.post(reverse("examinations:results_grid", args=GRID_ARGS), {field: "15"})  # ... and a forged post
        assert unchanged(published)
    with pytest.raises(GridRefused) as refused:  # the service behind the page
        services.enter_results(student_admin, faculty["units"]["BIO101"], faculty["periods"]["JAN"],
                               {published.line_id: "15"})
    assert "material-error procedure" in refused.value.errors[published.line_id]
    assert unchanged(published)


def test_the_results_file_import_refuses(published, faculty, student_admin, client_as):
    client = client_as(student_admin)
    response = client.post(reverse("examinations:results_import"), {
        "step": "preview", "exam_period": faculty["periods"]["JAN"].pk,
        "file": SimpleUploadedFile("jan.csv", b"student number,course unit code,grade\n2600001,BIO101,15\n",
                                   content_type="text/csv")})
    assert "proclaimed" in response.content.decode() and "token" not in response.context
    with pytest.raises(ImportRefused):  # the confirm step's service, called directly
        apply_import(student_admin, faculty["periods"]["JAN"], [RawRow(2, "2600001", "BIO101", "15")])
    assert unchanged(published)


def test_an_import_confirmed_after_the_proclamation_refuses(faculty, lecturer, student_admin, client_as):
    client = client_as(student_admin)
    response = client.post(reverse("examinations:results_import"), {
        "step": "preview", "exam_period": faculty["periods"]["JAN"].pk,
        "file": SimpleUploadedFile("jan.csv", b"student number,course unit code,grade\n2600001,BIO101,15\n",
                                   content_type="text/csv")})
    token = response.context["token"]  # previewed before the proclamation ...
    published = record_result(line(faculty, "an", "BIO101"), faculty["periods"]["JAN"], "numeric", 8, by=lecturer)
    proclaim(faculty, "JAN")
    client.post(reverse("examinations:results_import"), {"step": "confirm", "token": token})  # ... confirmed after
    assert unchanged(published)


def test_record_result_refuses_every_procedure_but_the_two(published, lecturer):
    for procedure in (ResultProcedure.ENTRY, ResultProcedure.FILE, ResultProcedure.DATASET, ResultProcedure.SWEEP):
        with pytest.raises(ResultRefused, match="proclaimed"):
            record_result(published.line, published.exam_period, "numeric", 15, by=lecturer, procedure=procedure,
                          reason="try", decided_on=date(2027, 2, 20))
    assert unchanged(published)


def test_the_dataset_importer_and_its_command_refuse_a_different_grade(db, tmp_path):
    data = ds.worked_example(grade=12)
    import_dataset(data)
    data["results"][0]["grade"] = 15
    with pytest.raises(DatasetError) as refused:
        import_dataset(data)
    assert "already recorded as 12" in str(refused.value.problems)
    with pytest.raises(CommandError):
        call_command("import_dataset", ds.write_json(tmp_path, data), stdout=io.StringIO(), stderr=io.StringIO())
    assert list(Result.objects.values_list("grade", flat=True)) == [12]


def test_the_admin_has_no_add_change_or_delete(published, superuser, client_as):
    client = client_as(superuser)
    assert client.get(reverse("admin:examinations_result_changelist")).status_code == 200
    assert client.get(reverse("admin:examinations_result_add")).status_code == 403
    page = client.get(reverse("admin:examinations_result_change", args=[published.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(reverse("admin:examinations_result_change", args=[published.pk]),
                       {"grade": 15, "outcome": "numeric"}).status_code == 403
    assert client.post(reverse("admin:examinations_result_delete", args=[published.pk]),
                       {"post": "yes"}).status_code == 403
    response = client.post(reverse("admin:examinations_result_changelist"),
                           {"action": "delete_selected", "_selected_action": [published.pk], "post": "yes"})
    assert response.status_code in (200, 302)
    assert unchanged(published)


def test_the_exam_period_admin_cannot_move_published_results(published, superuser, client_as):
    client = client_as(superuser)
    period = published.exam_period
    page = client.get(reverse("admin:examinations_examperiod_change", args=[period.pk])).content.decode()
    assert 'name="opportunity"' not in page
    assert client.post(reverse("admin:examinations_examperiod_delete", args=[period.pk]),
                       {"post": "yes"}).status_code == 403


def test_save_and_delete_on_the_model_refuse(published):
    published.grade = 15
    with pytest.raises(ValueError, match="never edited"):
        published.save()
    with pytest.raises(ValueError, match="never deleted"):
        Result.objects.get(pk=published.pk).delete()
    assert unchanged(published)


def test_the_material_error_procedure_changes_it_with_a_new_version(published, student_admin, client_as):
    client = client_as(student_admin)
    client.post(reverse("examinations:material_error_report", args=[published.pk]),
                {"reported_on": "2027-02-15", "reported_by_name": "Prof. Lien", "description": "Question 4 missing"})
    error = published.material_errors.get()
    client.post(reverse("examinations:material_error", args=[error.pk]),
                {"step": "decide", "decided_on": "2027-02-18", "corrected": "yes", "corrected_result": "11",
                 "reason": "Question 4 was not added"})
    current = Result.objects.get(student=published.student, course_unit=published.course_unit, is_current=True)
    assert (current.grade, current.version, current.procedure, current.supersedes_id, current.decided_on) == (
        11, 2, ResultProcedure.MATERIAL_ERROR, published.pk, date(2027, 2, 18))
    assert current.reason == "Question 4 was not added"
    published.refresh_from_db()
    assert not published.is_current and published.grade == 8  # the old version is kept as it was


def test_an_appeal_outcome_changes_it_with_a_new_version(published, student_admin):
    new = record_result(published.line, published.exam_period, "numeric", 10, by=student_admin,
                        procedure=ResultProcedure.APPEAL, reason="Appeal granted", decided_on=date(2027, 2, 25))
    assert (new.version, new.procedure, new.supersedes_id) == (2, ResultProcedure.APPEAL, published.pk)
