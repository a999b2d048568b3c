"""Every page of the student administration, requested as every persona: who gets in, who gets 403 and who is
sent to the log-in page. The table is the permission map of students/urls.py and enrolment/urls.py."""

import pytest
from django.urls import reverse

READ = {"student_admin": 200, "academic_advisor": 200, "lecturer": 403, "ombudsperson": 403, "outsider": 403}
WRITE = {"student_admin": 200, "academic_advisor": 403, "lecturer": 403, "ombudsperson": 403, "outsider": 403}
ANY = {"student_admin": 200, "academic_advisor": 200, "lecturer": 200, "ombudsperson": 200, "outsider": 200}


def args_for(name, school):
    line = school["contract"].lines.order_by("id").first()
    return {
        "dashboard": [],
        "students:list": [],
        "students:detail": [school["an"].number],
        "students:statement_pdf": [school["an"].number],
        "students:register_opening": [school["an"].number],
        "students:correction": [school["an"].number],
        "enrolment:enrol": [school["bram"].number],
        "enrolment:add_unit": [school["contract"].pk],
        "enrolment:withdraw": [school["contract"].pk],
        "enrolment:change_programme": [school["contract"].pk],
        "enrolment:remove_unit": [line.pk],
    }[name]


PAGES = [
    ("dashboard", "", ANY),
    ("students:list", "", READ),
    ("students:list", "?format=csv", READ),
    ("students:detail", "", READ),
    ("students:statement_pdf", "", READ),
    ("students:register_opening", "", WRITE),
    ("students:correction", "", WRITE),
    ("enrolment:enrol", "", WRITE),
    ("enrolment:add_unit", "", WRITE),
    ("enrolment:remove_unit", "", WRITE),
    ("enrolment:withdraw", "", WRITE),
    ("enrolment:change_programme", "", WRITE),
]
PERSONAS = ["student_admin", "academic_advisor", "lecturer", "ombudsperson", "outsider"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "query", "expected"), PAGES, ids=[f"{n}{q}" for n, q, _ in PAGES])
def test_page_answers_each_role(request, client_as, school, name, query, expected, persona):
    user = request.getfixturevalue(persona)
    response = client_as(user).get(reverse(name, args=args_for(name, school)) + query)
    assert response.status_code == expected[persona]


@pytest.mark.parametrize(("name", "query", "expected"), PAGES, ids=[f"{n}{q}" for n, q, _ in PAGES])
def test_anonymous_is_sent_to_log_in(client, school, name, query, expected):
    url = reverse(name, args=args_for(name, school)) + query
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


WRITE_PAGES = [name for name, _q, expected in PAGES if expected is WRITE]


@pytest.mark.parametrize("name", WRITE_PAGES)
@pytest.mark.parametrize("persona", ["academic_advisor", "lecturer", "outsider"])
def test_write_pages_refuse_posts_too(request, client_as, school, name, persona):
    user = request.getfixturevalue(persona)
    response = client_as(user).post(reverse(name, args=args_for(name, school)), {"step": "confirm"})
    assert response.status_code == 403


def test_unknown_student_is_404_for_readers_and_403_for_others(client_as, school, student_admin, lecturer):
    url = reverse("students:detail", args=["9999999"])
    assert client_as(student_admin).get(url).status_code == 404
    assert client_as(lecturer).get(url).status_code == 403


def test_pages_say_who_may_use_them(client_as, school, student_admin):
    client = client_as(student_admin)
    page = client.get(reverse("students:detail", args=[school["an"].number])).content.decode()
    assert "Who may use this page: Student administration, Academic advisor" in page
    page = client.get(reverse("enrolment:withdraw", args=[school["contract"].pk])).content.decode()
    assert "Who may use this page: Student administration" in page
