"""The results pages: who may use each (403 for the wrong role, 404 for "not yours"), and what each does."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config.access import Role
from examinations.models import (
    CommitteeMember,
    ExamCommittee,
    MaterialError,
    Meeting,
    MeetingKind,
    Result,
    RetakeRequest,
    SecondOpportunityRegistration,
    StudyProgressDecision,
    TieDeclaration,
)
from examinations.services.results import record_result

from .conftest import line, proclaim

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def chair_of_bio(faculty, committee_chair):
    committee = ExamCommittee.objects.create(programme=faculty["ba"])
    CommitteeMember.objects.create(committee=committee, user=committee_chair, role="chair", since=date(2026, 9, 1))
    return committee_chair


@pytest.fixture
def published(faculty, lecturer):
    result = record_result(line(faculty, "an", "BIO101"), faculty["periods"]["JAN"], "numeric", 8, by=lecturer)
    proclaim(faculty, "JAN")
    return result


def urls(faculty, published):
    error = MaterialError.objects.create(result=published, reported_on=date(2027, 2, 15), reported_by_name="X",
                                         description="Y")
    return {
        "units": reverse("examinations:results_units"),
        "grid": reverse("examinations:results_grid", args=["BIO101", "2026-2027", "JAN"]),
        "grid_csv": reverse("examinations:results_grid", args=["BIO101", "2026-2027", "JAN"]) + "?format=csv",
        "import": reverse("examinations:results_import"),
        "student": reverse("examinations:results_student", args=["2600001"]),
        "second": reverse("examinations:results_second_opportunity", args=["2600001", "2026-2027"]),
        "retake": reverse("examinations:results_retake", args=["2600001", "2026-2027"]),
        "errors": reverse("examinations:material_errors"),
        "report": reverse("examinations:material_error_report", args=[published.pk]),
        "error": reverse("examinations:material_error", args=[error.pk]),
    }


EXPECTED = {
    #            admin advisor lecturer paul chair(BIO) chair(other) ombuds outsider
    "units":    (200, 403, 200, 200, 403, 403, 403, 403),
    "grid":     (200, 403, 200, 404, 403, 403, 403, 403),
    "grid_csv": (200, 403, 200, 404, 403, 403, 403, 403),
    "import":   (200, 403, 200, 200, 403, 403, 403, 403),
    "student":  (200, 200, 403, 403, 200, 404, 403, 403),
    "second":   (200, 403, 403, 403, 403, 403, 403, 403),
    "retake":   (200, 403, 403, 403, 403, 403, 403, 403),
    "errors":   (200, 403, 403, 403, 403, 403, 403, 403),
    "report":   (200, 403, 403, 403, 403, 403, 403, 403),
    "error":    (200, 403, 403, 403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("page", EXPECTED)
def test_every_results_page_answers_each_role(page, faculty, published, client_as, student_admin, academic_advisor,
                                              lecturer, chair_of_bio, make_user, ombudsperson, outsider):
    other_chair = make_user("other_chair", Role.COMMITTEE_CHAIR)
    personas = [student_admin, academic_advisor, lecturer, faculty["paul"], chair_of_bio, other_chair,
                ombudsperson, outsider]
    url = urls(faculty, published)[page]
    for persona, expected in zip(personas, EXPECTED[page], strict=True):
        assert client_as(persona).get(url).status_code == expected, (page, persona.username)


def test_anonymous_users_are_sent_to_log_in(client, faculty, published):
    for url in urls(faculty, published).values():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# ---- the unit list ----------------------------------------------------------------------------------------------

def test_lecturer_sees_only_the_units_he_coordinates_with_progress(faculty, lecturer, client_as,
                                                                   django_assert_max_num_queries):
    record_result(line(faculty, "an", "BIO101"), faculty["periods"]["JAN"], "numeric", 12, by=lecturer)
    client = client_as(lecturer)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("examinations:results_units"))
    body = response.content.decode()
    assert "My course units" in body
    assert "BIO101" in body and "BIO102" in body and "BIO103" not in body
    rows = [(r.unit.code, r.period.code, r.entered, r.expected) for r in response.context["object_list"]]
    assert ("BIO101", "JAN", 1, 3) in rows and ("BIO102", "JUN", 0, 3) in rows
    assert ("BIO101", "SEP", 0, 0) in rows  # nobody failed yet


def test_administration_sees_every_unit_and_filters(faculty, student_admin, client_as, django_assert_max_num_queries):
    url, client = reverse("examinations:results_units"), client_as(student_admin)
    with django_assert_max_num_queries(15):
        response = client.get(url)
    codes = {(r.unit.code, r.period.code) for r in response.context["object_list"]}
    assert {("BIO103", "JAN"), ("BIO104", "JAN")} <= codes and ("BIO104", "SEP") not in codes
    response = client_as(student_admin).get(url + "?q=ecol&exam_period=JUN&academic_year=2026-2027")
    assert [(r.unit.code, r.period.code) for r in response.context["object_list"]] == [("BIO102", "JUN")]
    response = client_as(student_admin).get(url + "?q=nothing-like-this")
    assert 'data-testid="empty-state"' in response.content.decode()


def test_a_lecturer_without_units_gets_an_empty_state(faculty, make_user, client_as):
    nobody = make_user("nobody", Role.LECTURER)
    body = client_as(nobody).get(reverse("examinations:results_units")).content.decode()
    assert "You are not the coordinating lecturer of any course unit" in body


# ---- the grid ---------------------------------------------------------------------------------------------------

GRID = ("examinations:results_grid", ["BIO101", "2026-2027", "JAN"])


def test_grid_shows_every_student_and_records_the_entered_results(faculty, lecturer, client_as,
                                                                  django_assert_max_num_queries):
    client = client_as(lecturer)
    with django_assert_max_num_queries(15):
        response = client.get(reverse(*GRID[:1], args=GRID[1]))
    assert [r.student.number for r in response.context["grid"].rows] == ["2600003", "2600002", "2600001"]
    an, bram = line(faculty, "an", "BIO101"), line(faculty, "bram", "BIO101")
    response = client.post(reverse(*GRID[:1], args=GRID[1]), {f"g-{an.pk}": "14", f"g-{bram.pk}": "a"})
    assert response.status_code == 302
    assert {r.student.number: r.display for r in Result.objects.filter(is_current=True)} == {
        "2600001": "14", "2600002": "A"}
    body = client.get(reverse(*GRID[:1], args=GRID[1])).content.decode()
    assert "2 of 3 results entered" in body


def test_grid_with_a_bad_cell_saves_nothing_and_says_why(faculty, lecturer, client_as):
    an, bram = line(faculty, "an", "BIO101"), line(faculty, "bram", "BIO101")
    response = client_as(lecturer).post(reverse(*GRID[:1], args=GRID[1]), {f"g-{an.pk}": "14", f"g-{bram.pk}": "21"})
    assert response.status_code == 200
    assert "21 is above 20." in response.content.decode()
    assert 'value="21"' in response.content.decode()  # what was typed stays in the cell
    assert not Result.objects.exists()


def test_ex11_grid_shows_a_tied_student_excluded_and_ignores_a_forged_cell(faculty, lecturer, client_as):
    TieDeclaration.objects.create(person=lecturer, student=faculty["students"]["bram"], kind="family",
                                  declared_on=date(2026, 9, 1))
    client = client_as(lecturer)
    body = client.get(reverse(*GRID[:1], args=GRID[1])).content.decode()
    bram = line(faculty, "bram", "BIO101")
    assert 'data-testid="excluded"' in body and f'name="g-{bram.pk}"' not in body
    client.post(reverse(*GRID[:1], args=GRID[1]), {f"g-{bram.pk}": "12"})
    assert not Result.objects.exists()


def test_ex5_grid_shows_first_second_and_final_result(faculty, lecturer, student_admin, client_as):
    record_result(line(faculty, "an", "BIO101"), faculty["periods"]["JAN"], "numeric", 7, by=lecturer)
    record_result(line(faculty, "an", "BIO101"), faculty["periods"]["SEP"], "numeric", 11, by=lecturer)
    record_result(line(faculty, "bram", "BIO101"), faculty["periods"]["JAN"], "numeric", 15, by=lecturer)
    response = client_as(student_admin).get(reverse("examinations:results_grid", args=["BIO101", "2026-2027", "SEP"]))
    rows = {r.student.number: r for r in response.context["grid"].rows}
    assert set(rows) == {"2600001"}  # bram passed at the first opportunity, chloe has no result yet
    assert (rows["2600001"].first.grade, rows["2600001"].second.grade, rows["2600001"].final_display) == (7, 11, "11")
    assert "not registered" in response.content.decode()


def test_ex8_a_proclaimed_grid_is_read_only_with_a_note(faculty, lecturer, client_as, published):
    client = client_as(lecturer)
    body = client.get(reverse(*GRID[:1], args=GRID[1])).content.decode()
    assert 'data-testid="proclaimed-note"' in body and "EX-10" in body
    assert 'name="g-' not in body and "Save results" not in body


def test_ex7_grid_shows_the_delivery_deadline_before_the_bureau_meeting(faculty, lecturer, client_as):
    committee = ExamCommittee.objects.create(programme=faculty["ba"])
    Meeting.objects.create(committee=committee, exam_period=faculty["periods"]["JAN"], held_on=date(2027, 2, 8),
                           kind=MeetingKind.BUREAU)
    body = client_as(lecturer).get(reverse(*GRID[:1], args=GRID[1])).content.decode()
    assert "Deliver the results by 2027-02-05" in body


def test_grid_of_a_period_the_unit_is_not_examined_in_is_404(faculty, lecturer, client_as):
    client = client_as(lecturer)
    assert client.get(reverse("examinations:results_grid", args=["BIO101", "2026-2027", "JUN"])).status_code == 404
    assert client.get(reverse("examinations:results_grid", args=["BIO101", "2031-2032", "JAN"])).status_code == 404


def test_grid_csv_is_a_results_file_the_import_reads_back(faculty, lecturer, client_as):
    record_result(line(faculty, "an", "BIO101"), faculty["periods"]["JAN"], "numeric", 12, by=lecturer)
    response = client_as(lecturer).get(reverse(*GRID[:1], args=GRID[1]) + "?format=csv")
    from examinations.results_import import read_results_file
    rows = read_results_file(response.content, ".csv")
    assert [(r.student, r.unit, r.grade) for r in rows] == [
        ("2600003", "BIO101", ""), ("2600002", "BIO101", ""), ("2600001", "BIO101", "12")]


# ---- the import pages -------------------------------------------------------------------------------------------

def upload(client, text, period, name="grades.csv", ctype="text/csv"):
    return client.post(reverse("examinations:results_import"), {
        "step": "preview", "exam_period": period.pk,
        "file": SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text, content_type=ctype)})


def test_import_preview_then_confirm(faculty, lecturer, client_as):
    client = client_as(lecturer)
    jan = faculty["periods"]["JAN"]
    response = upload(client, "student number,course unit code,grade\n2600001,BIO101,14\n2600002,BIO101,A\n", jan)
    body = response.content.decode()
    assert 'data-testid="import-preview"' in body and "Processing 2 rows" in body
    assert not Result.objects.exists()  # the preview saves nothing
    token = response.context["token"]
    response = client.post(reverse("examinations:results_import"), {"step": "confirm", "token": token})
    assert response.status_code == 302
    assert Result.objects.filter(is_current=True, procedure="file").count() == 2
    # The token is spent: confirming twice does nothing more.
    response = client.post(reverse("examinations:results_import"), {"step": "confirm", "token": token})
    assert response.status_code == 302 and Result.objects.count() == 2


def test_the_grids_own_csv_partly_filled_in_imports_and_its_empty_rows_change_nothing(faculty, lecturer,
                                                                                     client_as):
    client = client_as(lecturer)
    download = client.get(reverse(*GRID[:1], args=GRID[1]) + "?format=csv").content.decode()
    filled = download.replace("2600002,BIO101,,", "2600002,BIO101,13,", 1)
    response = upload(client, filled, faculty["periods"]["JAN"])
    assert response.context["plan"].ok and len(response.context["plan"].new) == 1
    assert response.context["plan"].blank == 2
    client.post(reverse("examinations:results_import"), {"step": "confirm", "token": response.context["token"]})
    assert Result.objects.get(is_current=True).grade == 13


def test_import_with_bad_rows_lists_them_and_offers_no_save(faculty, student_admin, client_as):
    response = upload(client_as(student_admin), "studentnummer;olod;cijfer\n2600001;BIO101;21\n2600002;BIO101;9.5\n"
                      "2600009;BIO101;12\n2600001;BIO101;12\n", faculty["periods"]["JAN"])
    body = response.content.decode()
    assert 'data-testid="import-problems"' in body
    for reason in ("21 is above 20.", "9.5 is not a whole number.", "Unknown student &#x27;2600009&#x27;.",
                   "Duplicate: row 2"):
        assert reason in body
    assert "token" not in response.context and 'name="token"' not in body


def test_import_confirm_checks_again_and_trusts_only_the_session(faculty, student_admin, lecturer, client_as):
    client = client_as(student_admin)
    jan = faculty["periods"]["JAN"]
    response = upload(client, "student,unit,grade\n2600001,BIO101,14\n", jan)
    token = response.context["token"]
    # Another user cannot confirm it, and a forged token is refused.
    assert client_as(lecturer).post(reverse("examinations:results_import"),
                                    {"step": "confirm", "token": token}).status_code == 302
    client.post(reverse("examinations:results_import"), {"step": "confirm", "token": "forged"})
    assert not Result.objects.exists()
    # Proclaimed between preview and confirm: refused, nothing saved.
    record_result(line(faculty, "an", "BIO101"), jan, "numeric", 10, by=lecturer)
    proclaim(faculty, "JAN")
    response = client.post(reverse("examinations:results_import"), {"step": "confirm", "token": token})
    assert "proclaimed" in response.content.decode()
    assert Result.objects.get(is_current=True).grade == 10


@pytest.mark.parametrize("name, ctype, content, message", [
    ("grades.pdf", "application/pdf", b"%PDF", "Upload a .csv or .xlsx file"),
    ("grades.csv", "image/png", b"student,unit,grade\n", "not a .csv file"),
    ("grades.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"a,b", "not an .xlsx"),
    ("grades.csv", "text/csv", b"x" * (5 * 1024 * 1024 + 1), "the limit is 5 MB"),
    ("grades.csv", "text/csv", b"x" * (6 * 1024 * 1024), "larger than 5 MB; nothing was read"),
])
def test_import_refuses_wrong_files_with_a_clear_error(faculty, student_admin, client_as, name, ctype, content,
                                                       message):
    client = client_as(student_admin)
    response = upload(client, content, faculty["periods"]["JAN"], name=name, ctype=ctype)
    if response.status_code == 302:  # refused before reading: the message shows on the upload page
        response = client.get(response["Location"])
    assert response.status_code == 200 and message in response.content.decode()


def test_import_of_an_xlsx_file(faculty, student_admin, client_as):
    from .test_results_import import xlsx_bytes
    data = xlsx_bytes([("Student number", "Course unit code", "Grade"), (2600001, "BIO103", "geslaagd")])
    client = client_as(student_admin)
    response = upload(client, data, faculty["periods"]["JAN"], name="lab.xlsx",
                      ctype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    client.post(reverse("examinations:results_import"), {"step": "confirm", "token": response.context["token"]})
    assert Result.objects.get().outcome == "pass"


# ---- the student's results page, EX-2, EX-3 ---------------------------------------------------------------------

def test_en9_student_summary_shows_final_results_and_the_success_rate(faculty, lecturer, academic_advisor, client_as,
                                                                      django_assert_max_num_queries):
    record_result(line(faculty, "an", "BIO101"), faculty["periods"]["JAN"], "numeric", 7, by=lecturer)
    record_result(line(faculty, "an", "BIO101"), faculty["periods"]["SEP"], "numeric", 12, by=lecturer)
    record_result(line(faculty, "an", "BIO102"), faculty["periods"]["JUN"], "numeric", 9, by=lecturer)
    record_result(line(faculty, "an", "BIO103"), faculty["periods"]["JAN"], "pass", None, by=lecturer)
    client = client_as(academic_advisor)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("examinations:results_student", args=["2600001"]))
    success = response.context["success"]
    assert (success.credits_taken, success.credits_acquired, success.percentage) == (17, 9, 53)
    assert 'data-testid="success-rate">53%' in response.content.decode()
    finals = {r.line.course_unit.code: r.final_display for r in response.context["rows"]}
    assert finals == {"BIO101": "12", "BIO102": "9", "BIO103": "pass", "BIO104": ""}
    assert "Register for the second opportunity" not in response.content.decode()  # the advisor only reads


def test_ex2_registration_page(faculty, lecturer, student_admin, client_as):
    record_result(line(faculty, "an", "BIO101"), faculty["periods"]["JAN"], "numeric", 7, by=lecturer)
    client = client_as(student_admin)
    url = reverse("examinations:results_second_opportunity", args=["2600001", "2026-2027"])
    assert "BIO101" in client.get(url + "?unit=BIO101").content.decode()
    unit = faculty["units"]["BIO101"]
    response = client.post(url, {"unit": unit.pk, "on": "2027-08-09"})
    assert "2027-07-11 to 2027-08-08" in response.content.decode()
    response = client.post(url, {"unit": unit.pk, "on": "2027-09-12"})
    assert "2027-09-12 is after today (2027-09-11)" in response.content.decode()
    response = client.post(url, {"unit": unit.pk, "on": "2027-07-15"})
    assert response.status_code == 302
    assert SecondOpportunityRegistration.objects.get().registered_on == date(2027, 7, 15)


def test_ex3_retake_page_refuses_late_with_the_date(faculty, lecturer, student_admin, client_as):
    record_result(line(faculty, "an", "BIO102"), faculty["periods"]["JUN"], "numeric", 9, by=lecturer)
    proclamation = proclaim(faculty, "JUN", on=date(2027, 7, 9))
    StudyProgressDecision.objects.create(
        student=faculty["students"]["an"], programme=faculty["ba"], exam_period=faculty["periods"]["JUN"],
        proclamation=proclamation, decided_on=date(2027, 7, 9), programme_passed=False,
        packages=[{"package": 1, "tolerated": ["BIO102"]}])
    client = client_as(student_admin)
    url = reverse("examinations:results_retake", args=["2600001", "2026-2027"])
    response = client.post(url, {"unit": faculty["units"]["BIO102"].pk, "on": "2027-07-30"}, follow=True)
    assert "after the deadline of 2027-07-26" in response.content.decode()
    assert RetakeRequest.objects.get().status == "late"


# ---- EX-10 pages ------------------------------------------------------------------------------------------------

def test_ex10_report_decide_and_notify(faculty, published, student_admin, client_as):
    client = client_as(student_admin)
    student_page = client.get(reverse("examinations:results_student", args=["2600001"])).content.decode()
    report_url = reverse("examinations:material_error_report", args=[published.pk])
    assert report_url in student_page
    response = client.post(report_url, {"reported_on": "2027-02-15", "reported_by_name": "Prof. Lien",
                                        "description": "Question 4 not counted"})
    error = MaterialError.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("examinations:material_error",
                                                                           args=[error.pk])
    url = reverse("examinations:material_error", args=[error.pk])
    response = client.post(url, {"step": "decide", "decided_on": "2027-02-18", "corrected": "yes",
                                 "corrected_result": "9.5", "reason": "Q4"})
    assert "9.5 is not a whole number." in response.content.decode()
    response = client.post(url, {"step": "decide", "decided_on": "2027-02-18", "corrected": "yes",
                                 "corrected_result": "11", "reason": "Question 4 was not added"})
    assert response.status_code == 302
    current = Result.objects.get(is_current=True)
    assert (current.grade, current.version, current.procedure) == (11, 2, "material_error")
    client.post(url, {"step": "notify", "notified_on": "2027-02-19"})
    error.refresh_from_db()
    assert error.student_notified_on == date(2027, 2, 19)
    body = client.get(reverse("examinations:material_errors")).content.decode()
    assert "8 → 11" in body


def test_material_error_on_an_unpublished_result_is_refused(faculty, lecturer, student_admin, client_as):
    result = record_result(line(faculty, "an", "BIO101"), faculty["periods"]["JAN"], "numeric", 8, by=lecturer)
    response = client_as(student_admin).post(
        reverse("examinations:material_error_report", args=[result.pk]),
        {"reported_on": "2027-02-15", "reported_by_name": "X", "description": "Y"})
    assert "not proclaimed yet" in response.content.decode()
    assert not MaterialError.objects.exists()


# ---- query budgets independent of the number of students ---------------------------------------------------------

def test_grid_and_unit_list_cost_the_same_for_3_or_33_students(faculty, lecturer, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.enrolment.factories import ContractFactory, StudentFactory

    client = client_as(lecturer)
    grid_url, list_url = reverse(*GRID[:1], args=GRID[1]), reverse("examinations:results_units")

    def cost(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = (cost(grid_url), cost(list_url))
    units = list(faculty["units"].values())
    for i in range(30):
        ContractFactory(student=StudentFactory(number=f"28{i:05d}"), programme=faculty["ba"],
                        academic_year=faculty["year"], units=units)
    record_result(line(faculty, "an", "BIO101"), faculty["periods"]["JAN"], "numeric", 12, by=lecturer)
    assert (cost(grid_url), cost(list_url)) == before


def test_material_error_list_has_a_query_budget(faculty, published, student_admin, client_as,
                                                django_assert_max_num_queries):
    for day in (15, 16, 17):
        MaterialError.objects.create(result=published, reported_on=date(2027, 2, day), reported_by_name="X",
                                     description="Y")
    client = client_as(student_admin)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("examinations:material_errors") + "?state=open")
    assert len(response.context["object_list"]) == 3
