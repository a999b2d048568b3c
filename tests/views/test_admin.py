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
