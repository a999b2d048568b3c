"""The error pages (templates/403.html, 404.html, 500.html, 403_csrf.html) with DEBUG off, as staff see them:
in the site's layout, in their language, saying what happened and leading back to the dashboard."""

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

pytestmark = pytest.mark.usefixtures("debug_off")


@pytest.fixture
def debug_off(settings):
    settings.DEBUG = False


def test_403_says_who_may_use_the_page_and_leads_back(client_as, lecturer, school):
    response = client_as(lecturer).get(reverse("students:list"))
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "You have no access to this page" in page
    assert "This page is for the roles Student administration, Academic advisor." in page
    assert f'href="{reverse("dashboard")}"' in page and "Back to the dashboard" in page
    assert "Lien Lecturer" in page  # the site's layout, with who is signed in


def test_403_in_dutch(client_as, academic_advisor, school):
    client = client_as(academic_advisor)
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    response = client.get(reverse("students:correction", args=[school["an"].number]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Je hebt geen toegang tot deze pagina" in page
    assert "Deze pagina is voor de rol Studentenadministratie." in page
    assert "Terug naar het overzicht" in page


def test_404_for_an_unknown_student_and_an_unknown_address(client_as, student_admin, school):
    client = client_as(student_admin)
    for url in (reverse("students:detail", args=["9999999"]), "/no/such/page/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "404.html" in [t.name for t in response.templates]
        page = response.content.decode()
        assert "Page not found" in page and "Back to the dashboard" in page
        assert reverse("students:list") in page  # a reader is offered the student list
        assert "Traceback" not in page and "Using the URLconf" not in page
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    assert "Pagina niet gevonden" in client.get("/no/such/page/").content.decode()


def test_404_for_someone_signed_out(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_500_page(db):
    request = RequestFactory().get("/students/")
    with translation.override("en"):
        response = server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page and "the action that failed saved nothing" in page
    assert f'href="{reverse("dashboard")}"' in page
    with translation.override("nl"):
        assert "Er ging iets mis" in server_error(request).content.decode()


def test_500_through_a_failing_view(client_as, student_admin, school, monkeypatch):
    from students import queries

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(queries, "student_page", broken)
    client = client_as(student_admin)
    client.raise_request_exception = False
    response = client.get(reverse("students:detail", args=[school["an"].number]))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@override_settings(DEBUG=False)
def test_an_expired_form_explains_itself(student_admin, school):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student_admin)
    response = client.post(reverse("students:correction", args=[school["an"].number]), {"step": "preview"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "The form has expired" in page and "Nothing was saved" in page
