"""The student page shows her results per academic year and her degrees, in a number of queries that does not
grow with them; enrolling again in a programme whose degree she holds is explained (UH 2.6)."""

from datetime import date

import pytest
from django.urls import reverse

from enrolment.models import Degree
from tests.enrolment.factories import record_result

from .test_pages import DETAIL_BUDGET


def test_results_per_year_and_degrees(client_as, academic_advisor, school):
    lines = {ln.course_unit.code: ln for ln in school["contract"].lines.select_related("course_unit")}
    record_result(lines["INF101"], 14)
    record_result(lines["INF102"], 8)
    record_result(lines["INF102"], 11, opportunity=2)
    record_result(lines["INF103"], "absent")
    Degree.objects.create(student=school["an"], programme=school["ba_mat"], awarded_on=date(2026, 7, 3))
    client = client_as(academic_advisor)
    response = client.get(reverse("students:detail", args=[school["an"].number]))
    [(year, results)] = response.context["results_by_year"]
    assert year.code == "2026-2027"
    assert [(r.course_unit.code, r.opportunity) for r in results] == [
        ("INF101", 1), ("INF102", 1), ("INF102", 2), ("INF103", 1)]
    page = response.content.decode()
    for text in ('data-testid="results-2026-2027"', "14/20", "8/20", "11/20", "A (unauthorised absence)",
                 "Degrees", "BA-MAT</span> Bachelor of Mathematics", "2026-07-03"):
        assert text in page, text
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    page = client.get(reverse("students:detail", args=[school["an"].number])).content.decode()
    for text in ("Resultaten", "Creditbewijs", "A (ongewettigde afwezigheid)", "Diploma's", "Uitgereikt op"):
        assert text in page, text


def test_no_results_and_no_degrees_say_so(client_as, academic_advisor, school):
    page = client_as(academic_advisor).get(reverse("students:detail", args=[school["an"].number])).content.decode()
    assert "No results on record." in page and "No degrees on record." in page


@pytest.mark.parametrize("many", [False, True])
def test_the_page_costs_the_same_with_many_results_and_degrees(client_as, student_admin, school, many,
                                                                django_assert_max_num_queries):
    from enrolment.services import add_unit

    if many:
        add_unit(school["contract"], school["units"]["INF201"], date(2026, 10, 1))
        for line in school["contract"].lines.all():
            record_result(line, 7)
            record_result(line, 12, opportunity=2)
        Degree.objects.create(student=school["an"], programme=school["ba_mat"], awarded_on=date(2026, 7, 3))
        Degree.objects.create(student=school["an"], programme=school["ba_inf"], awarded_on=date(2027, 7, 3))
    client = client_as(student_admin)
    url = reverse("students:detail", args=[school["an"].number])
    client.get(url)
    with django_assert_max_num_queries(DETAIL_BUDGET):
        response = client.get(url)
    assert sum(len(rs) for _y, rs in response.context["results_by_year"]) == (8 if many else 0)


def test_enrolling_again_in_a_held_programme_is_explained(client_as, student_admin, school):
    Degree.objects.create(student=school["bram"], programme=school["ba_mat"], awarded_on=date(2026, 7, 3))
    units = school["units"]
    url = reverse("enrolment:enrol", args=[school["bram"].number])
    data = {"academic_year": school["contract"].academic_year_id, "programme": school["ba_mat"].pk,
            "kind": "diploma", "enrolled_on": "2026-09-20", "units": [units["MAT101"].pk, units["MAT102"].pk],
            "step": "preview"}
    preview = client_as(student_admin).post(url, data)
    finding = next(f for f in preview.context["findings"] if f.rule == "UH 2.6")
    assert finding.blocking
    assert preview.context["allowed"] is False
    assert ("The student already holds the degree of BA-MAT. Enrolling in it again is possible only to take course "
            "units of at least 30 credits (UH 2.6.1); this enrolment takes 12.") in finding.message
    assert not preview.context["exception_forms"]  # no exception decision is provided for
