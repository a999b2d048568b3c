"""The Django admin for reference data: staff only; the ledger can be read there but never written."""

import pytest
from django.urls import reverse

from students.models import LedgerMovement


@pytest.fixture
def superuser(make_user):
    return make_user("root", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("name", [
    "admin:enrolment_academicyear_changelist", "admin:enrolment_programme_changelist",
    "admin:students_student_changelist", "admin:students_ledgermovement_changelist",
    "admin:examinations_examperiod_changelist",
])
def test_reference_data_lists_for_superusers_only(client_as, superuser, student_admin, school, name):
    assert client_as(student_admin).get(reverse(name)).status_code == 302  # not staff: the admin's log-in
    assert client_as(superuser).get(reverse(name)).status_code == 200


def test_year_and_programme_pages_show_their_inlines(client_as, superuser, school):
    client = client_as(superuser)
    year = school["contract"].academic_year
    page = client.get(reverse("admin:enrolment_academicyear_change", args=[year.pk])).content.decode()
    assert "Education periods" in page and "Exam periods" in page
    page = client.get(reverse("admin:enrolment_programme_change", args=[school["ba_inf"].pk])).content.decode()
    assert "INF101" in page


def test_student_search(client_as, superuser, school):
    response = client_as(superuser).get(reverse("admin:students_student_changelist"), {"q": "Peeters"})
    assert list(response.context["cl"].result_list) == [school["an"]]


def test_ledger_is_read_only(client_as, superuser, school):
    client = client_as(superuser)
    movement = LedgerMovement.objects.filter(student=school["an"]).first()
    assert client.get(reverse("admin:students_ledgermovement_add")).status_code == 403
    page = client.get(reverse("admin:students_ledgermovement_change", args=[movement.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    count = LedgerMovement.objects.count()
    response = client.post(reverse("admin:students_ledgermovement_change", args=[movement.pk]), {"credits": 999})
    assert response.status_code == 403
    assert client.post(reverse("admin:students_ledgermovement_delete", args=[movement.pk]),
                       {"post": "yes"}).status_code == 403
    assert LedgerMovement.objects.count() == count


# ------------------------------------------------------------------- course units in study programmes ----
def unit_form_data(unit, **changes):
    data = {"programme": unit.programme_id, "code": unit.code, "name": unit.name, "credits": unit.credits,
            "period_code": unit.period_code, "exam_period_code": unit.exam_period_code, "stage": unit.stage,
            "package": unit.package or "", "result_kind": unit.result_kind, "opportunities": unit.opportunities}
    return {**data, **changes}


def test_credits_of_a_unit_in_study_programmes_are_read_only(client_as, superuser, school):
    from enrolment.models import CourseUnit

    client = client_as(superuser)
    taken, free = school["units"]["INF101"], school["units"]["INF201"]  # INF201 is in no study programme yet
    before = LedgerMovement.objects.count()
    page = client.get(reverse("admin:enrolment_courseunit_change", args=[taken.pk])).content.decode()
    assert "Read-only: this unit is in students' study programmes" in page
    response = client.post(reverse("admin:enrolment_courseunit_change", args=[taken.pk]),
                           unit_form_data(taken, credits=9, name="Programming I"))
    assert response.status_code == 302
    taken.refresh_from_db()
    assert (taken.credits, taken.name) == (6, "Programming I")  # the name changed, the credits did not
    assert LedgerMovement.objects.count() == before

    page = client.get(reverse("admin:enrolment_courseunit_change", args=[free.pk])).content.decode()
    assert "Read-only" not in page
    client.post(reverse("admin:enrolment_courseunit_change", args=[free.pk]), unit_form_data(free, credits=4))
    assert CourseUnit.objects.get(pk=free.pk).credits == 4


def test_the_programme_page_lists_its_units_compactly(client_as, superuser, school):
    client = client_as(superuser)
    response = client.get(reverse("admin:enrolment_programme_change", args=[school["ba_inf"].pk]))
    formset = response.context["inline_admin_formsets"][0]
    assert list(formset.formset.form.base_fields) == ["code", "name", "credits", "stage", "period_code"]
    page = response.content.decode()
    assert "tolerance_excluded" not in page
    # the link to each unit's own page, where the other fields are
    assert reverse("admin:enrolment_courseunit_change", args=[school["units"]["INF101"].pk]) in page
    forms = {f.instance.code: f for f in formset.formset.forms}
    assert forms["INF101"].fields["credits"].disabled
    assert not forms["INF201"].fields["credits"].disabled
