"""Read pages: the list (search, filters, ordering, pagination, empty state, CSV), the student page and its PDF,
with query budgets that stay the same whatever the number of students or movements."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from enrolment.services import add_unit, remove_unit
from students.services import record_correction

from .conftest import dataset, enrolment, student

LIST_BUDGET = 9
# + the results, the degrees and the first academic year on record (register hint); + 4: the History panel (the
# student's, contracts', lines' and movements' history tables, one query each).
DETAIL_BUDGET = 15


def test_dashboard_counts_for_readers(client_as, student_admin, school, many_students):
    many_students(3)
    response = client_as(student_admin).get(reverse("dashboard"))
    assert response.context["counts"]["students"] == 5
    assert response.context["counts"]["active_contracts"] == 4
    assert reverse("students:list") in response.content.decode()


def test_dashboard_tells_users_without_a_role(client_as, outsider, school):
    page = client_as(outsider).get(reverse("dashboard")).content.decode()
    assert "You have no access to student records" in page
    assert reverse("students:list") not in page


def test_list_search_by_name_number_and_email(client_as, academic_advisor, school):
    client = client_as(academic_advisor)
    url = reverse("students:list")
    for q in ("peeters", "2600001", "an.peeters@example", "An Peet"):
        numbers = [s.number for s in client.get(url, {"q": q}).context["object_list"]]
        assert numbers == ["2600001"], q


def test_list_filters_match_one_contract(client_as, academic_advisor, school):
    client = client_as(academic_advisor)
    url = reverse("students:list")
    found = client.get(url, {"programme": school["ba_inf"].pk, "kind": "diploma"}).context["object_list"]
    assert [s.number for s in found] == ["2600001"]
    none = client.get(url, {"programme": school["ba_mat"].pk})
    assert list(none.context["object_list"]) == []
    assert "No student matches this search." in none.content.decode()


def test_list_ordering_and_pagination(client_as, academic_advisor, school, many_students):
    many_students(30)
    client = client_as(academic_advisor)
    url = reverse("students:list")
    first = client.get(url, {"ordering": "-number"})
    assert first.context["object_list"][0].number == "2700029"
    assert len(first.context["object_list"]) == 25
    assert first.context["paginator"].count == 32
    second = client.get(url, {"ordering": "-number", "page": 2})
    assert [s.number for s in second.context["object_list"]][-2:] == ["2600002", "2600001"]
    assert "ordering=-number&amp;page=1" in second.content.decode()


def test_list_empty_state(client_as, student_admin, db):
    page = client_as(student_admin).get(reverse("students:list")).content.decode()
    assert "There are no students yet." in page


@pytest.mark.parametrize("extra", [0, 60])
def test_list_query_budget_does_not_grow(client_as, student_admin, school, many_students,
                                         django_assert_max_num_queries, extra):
    if extra:
        many_students(extra)
    client = client_as(student_admin)
    client.get(reverse("students:list"))  # session and user warm-up is not the page's cost
    with django_assert_max_num_queries(LIST_BUDGET):
        response = client.get(reverse("students:list"), {"programme": school["ba_inf"].pk})
    assert response.status_code == 200
    with django_assert_max_num_queries(LIST_BUDGET):
        assert client.get(reverse("students:list"), {"format": "csv"}).status_code == 200


def test_csv_export_neutralises_formulas(client_as, academic_advisor, school):
    from enrolment.dataset.importer import import_dataset
    from students.models import Student

    # The dataset import refuses such names (config/validators.py); a name typed elsewhere (the admin) may still
    # start like a formula, and the export must neutralise it.
    import_dataset(dataset(students=[student("2600009", "Eve", "Evil", "evil@example.org")]))
    Student.objects.filter(number="2600009").update(first_name="=cmd|' /C calc'!A0", last_name="+Evil")
    response = client_as(academic_advisor).get(reverse("students:list"), {"format": "csv", "q": "evil"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Student number"
    assert rows[1][:3] == ["2600009", "'+Evil", "'=cmd|' /C calc'!A0"]
    assert len(rows) == 2  # the export follows the search


def test_csv_export_lists_contracts_and_balance(client_as, student_admin, school):
    response = client_as(student_admin).get(reverse("students:list"), {"format": "csv", "q": "2600001"})
    row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1]
    assert row[5] == "123"
    assert row[6] == "2026-2027 BA-INF diploma"


def test_student_page_shows_contracts_lines_and_statement(client_as, academic_advisor, school):
    response = client_as(academic_advisor).get(reverse("students:detail", args=["2600001"]), {"as_of": "2027-09-01"})
    page = response.content.decode()
    assert response.context["statement"]["balance"] == 123
    for text in ("Bachelor of Informatics", "INF101", "Programming", "Opening balance", "LA-3",
                 "an.peeters@example.org"):
        assert text in page
    # the academic advisor reaches the results summary (EN-9) from here, and may open it
    summary = reverse("examinations:results_student", args=["2600001"])
    assert f'href="{summary}"' in page
    assert client_as(academic_advisor).get(summary).status_code == 200
    # readers see no write buttons
    assert reverse("enrolment:enrol", args=["2600001"]) not in page
    assert reverse("students:correction", args=["2600001"]) not in page


def test_statement_as_of_a_date(client_as, student_admin, school):
    line = school["contract"].lines.get(course_unit__code="INF101")
    remove_unit(line, date(2026, 11, 5))
    client = client_as(student_admin)
    url = reverse("students:detail", args=["2600001"])
    assert client.get(url, {"as_of": "2026-11-04"}).context["statement"]["balance"] == 123
    assert client.get(url, {"as_of": "2026-11-05"}).context["statement"]["balance"] == 129
    assert client.get(url, {"as_of": "not a date"}).status_code == 200


def _grow(school, n):
    """n more movements and a second contract for An, through the services."""
    an = school["an"]
    add_unit(school["contract"], school["units"]["INF201"], date(2026, 10, 1))
    for i in range(n):
        record_correction(an, 1, date(2026, 10, 2), f"REF-{i}", "test", by=None)


@pytest.mark.parametrize("extra", [0, 40])
def test_student_page_query_budget_does_not_grow(client_as, student_admin, school,
                                                 django_assert_max_num_queries, extra):
    from enrolment.dataset.importer import import_dataset

    if extra:
        _grow(school, extra)
        # a credit contract in BA-MAT as well: more contracts, more lines
        data = dataset(students=[student("2600001", "An", "Peeters", "an.peeters@example.org")],
                       enrolments=[enrolment("2600001", "BA-MAT", ("MAT101", "MAT102"))])
        data["enrolments"][0]["contract"] = "credit"
        import_dataset(data)
    client = client_as(student_admin)
    url = reverse("students:detail", args=["2600001"])
    client.get(url)
    with django_assert_max_num_queries(DETAIL_BUDGET):
        response = client.get(url, {"as_of": "2027-09-01"})
    assert len(response.context["statement"]["rows"]) >= 2 + extra
    with django_assert_max_num_queries(DETAIL_BUDGET):
        assert client.get(reverse("students:statement_pdf", args=["2600001"])).status_code == 200


def test_statement_pdf_downloads_with_the_balance(client_as, academic_advisor, school):
    line = school["contract"].lines.get(course_unit__code="INF101")
    remove_unit(line, date(2026, 11, 5))
    response = client_as(academic_advisor).get(reverse("students:statement_pdf", args=["2600001"]),
                                               {"as_of": "2027-01-31"})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="learning-account-2600001-2027-01-31.pdf"'
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "2600001" in text
    assert "Balance at the end of 2027-01-31: 129" in text
    assert "Refund" in text


def test_pages_in_dutch(client_as, student_admin, school):
    client = client_as(student_admin)
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    page = client.get(reverse("students:detail", args=["2600001"])).content.decode()
    assert 'lang="nl"' in page
    assert "Studiecontracten" in page
    assert "Leerkrediet" in page
