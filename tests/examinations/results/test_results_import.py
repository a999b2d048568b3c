"""Results files: reading CSV and XLSX, every bad row named, all or nothing, and 10,000 rows in one transaction."""

import io
import time
from datetime import date

import pytest
from openpyxl import Workbook

from enrolment.models import ProgrammeLine, StudyContract
from examinations.models import CourseUnitLecturer, Result, ResultProcedure, TieDeclaration
from examinations.results_import import RawRow, ResultsFileError, check_upload, read_results_file
from examinations.services.results import record_result
from examinations.services.results_import import ImportRefused, apply_import, plan_import
from students.models import Student
from tests.enrolment.factories import CourseUnitFactory, ProgrammeFactory

from .conftest import line, proclaim

pytestmark = pytest.mark.django_db


def csv_bytes(text: str, encoding="utf-8") -> bytes:
    return text.encode(encoding)


def xlsx_bytes(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---- reading ----------------------------------------------------------------------------------------------------

def test_csv_with_english_headers_and_extra_columns():
    rows = read_results_file(csv_bytes("Student number,Name,Course unit code,Grade\n2600001,An,BIO101,14\n"
                                       "\n2600002,Bram,BIO101,A\n"), ".csv")
    assert rows == [RawRow(2, "2600001", "BIO101", "14"), RawRow(4, "2600002", "BIO101", "A")]


def test_csv_with_dutch_headers_semicolons_and_a_byte_order_mark():
    data = "\ufeffstudentnummer;opleidingsonderdeel;cijfer\n2600001;BIO101;9,5\n".encode()
    assert read_results_file(data, ".csv") == [RawRow(2, "2600001", "BIO101", "9,5")]


def test_csv_in_windows_1252():
    data = csv_bytes("studentnummer;olod;resultaat;opmerking\n2600001;BIO103;geslaagd;très bien\n", "cp1252")
    assert read_results_file(data, ".csv") == [RawRow(2, "2600001", "BIO103", "geslaagd")]


def test_xlsx_read_only_with_numbers_as_numbers():
    data = xlsx_bytes([("Student number", "Course unit", "Grade"), (2600001, "BIO101", 14), (2600002, "BIO101", 9.5),
                       (None, None, None), ("2600003", "BIO101", "AJ")])
    assert read_results_file(data, ".xlsx") == [RawRow(2, "2600001", "BIO101", 14),
                                                RawRow(3, "2600002", "BIO101", 9.5),
                                                RawRow(5, "2600003", "BIO101", "AJ")]


@pytest.mark.parametrize("data, ext, message", [
    (b"number,unit\n1,BIO101\n", ".csv", "no column for: grade"),
    (b"student,unit,grade\n", ".csv", "header but no results"),
    (b"\n\n", ".csv", "holds no rows"),
    (b"student,unit,grade\n1,2,3\n", ".xlsx", "not an .xlsx spreadsheet"),
    (b"PK\x03\x04garbage", ".xlsx", "cannot be read"),
    (b"PK\x03\x04garbage", ".csv", "This is a spreadsheet"),
])
def test_unreadable_files_are_refused_with_a_clear_reason(data, ext, message):
    with pytest.raises(ResultsFileError, match=message):
        read_results_file(data, ext)


@pytest.mark.parametrize("name, ctype, size, message", [
    ("grades.xls", "application/vnd.ms-excel", 100, "Upload a .csv or .xlsx file"),
    ("grades.pdf", "application/pdf", 100, "Upload a .csv or .xlsx file"),
    ("grades.csv", "text/csv", 6 * 1024 * 1024, "the limit is 5 MB"),
    ("grades.csv", "text/csv", 0, "empty"),
    ("grades.csv", "image/png", 100, "not a .csv file"),
    ("grades.xlsx", "text/csv", 100, "not a .xlsx file"),
])
def test_upload_checks_extension_size_and_content_type(name, ctype, size, message):
    with pytest.raises(ResultsFileError, match=message):
        check_upload(name, ctype, size)


def test_upload_accepts_what_browsers_send():
    assert check_upload("Grades.CSV", "application/vnd.ms-excel", 100) == ".csv"
    assert check_upload("g.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 9) == ".xlsx"


# ---- checking ---------------------------------------------------------------------------------------------------

def test_bad_rows_are_all_named_and_nothing_is_saved(faculty, lecturer):
    other = CourseUnitFactory(programme=ProgrammeFactory(code="BA-CHE"), code="CHE101")
    CourseUnitLecturer.objects.create(course_unit=other, user=lecturer)
    TieDeclaration.objects.create(person=lecturer, student=faculty["students"]["chloe"], kind="cohabitation",
                                  declared_on=date(2026, 9, 1))
    rows = [
        RawRow(2, "2600001", "BIO101", "14"),        # fine
        RawRow(3, "2600002", "BIO101", "21"),        # grade 21
        RawRow(4, "2600003", "BIO101", "9.5"),       # 9.5
        RawRow(5, "2699999", "BIO101", "12"),        # unknown student
        RawRow(6, "2600001", "CHE101", "12"),        # unit not in the student's programme
        RawRow(7, "2600001", "BIO101", "14"),        # duplicate row
        RawRow(8, "2600002", "BIO103", "pass"),      # not the coordinating lecturer
        RawRow(9, "2600003", "BIO101", "12"),        # a declared tie (and a duplicate of row 4)
        RawRow(10, "2600002", "BIO102", "12"),       # examined in JUN, not JAN
        RawRow(11, "2600002", "XYZ", "12"),          # unknown unit
        RawRow(12, "", "BIO101", "12"),              # no student number
    ]
    plan = plan_import(lecturer, faculty["periods"]["JAN"], rows)
    reasons = {p.row: p.reason for p in plan.problems}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert reasons[3] == "21 is above 20."
    assert reasons[4] == "9.5 is not a whole number."
    assert reasons[5] == "Unknown student '2699999'."
    assert reasons[6] == "CHE101 is not in the study programme of 2600001 in 2026-2027."
    assert reasons[7].startswith("Duplicate: row 2")
    assert "not the coordinating lecturer of BIO103" in reasons[8]
    assert "Duplicate: row 4" in reasons[9]
    assert reasons[10] == "BIO102 is examined in JUN, not in JAN."
    assert reasons[11] == "Unknown course unit 'XYZ'."
    assert reasons[12] == "The student number is missing."
    with pytest.raises(ImportRefused):
        apply_import(lecturer, faculty["periods"]["JAN"], rows)
    assert not Result.objects.exists()


def test_ex11_tie_row_is_refused_for_the_coordinator(faculty, lecturer):
    TieDeclaration.objects.create(person=lecturer, student=faculty["students"]["chloe"], kind="family",
                                  declared_on=date(2026, 9, 1))
    plan = plan_import(lecturer, faculty["periods"]["JAN"], [RawRow(2, "2600003", "BIO101", "12")])
    assert "You declared a tie with 2600003" in plan.problems[0].reason


def test_ex8_a_proclaimed_period_refuses_changes_but_not_the_same_result(faculty, lecturer, student_admin):
    jan = faculty["periods"]["JAN"]
    record_result(line(faculty, "an", "BIO101"), jan, "numeric", 14, by=lecturer)
    proclaim(faculty, "JAN")
    plan = plan_import(student_admin, jan, [RawRow(2, "2600001", "BIO101", "14"), RawRow(3, "2600002", "BIO101", "9")])
    assert plan.unchanged == 1
    assert [p.row for p in plan.problems] == [3]
    assert "proclaimed" in plan.problems[0].reason


def test_import_records_new_and_changed_results_and_counts_the_unchanged(faculty, lecturer, student_admin):
    jan = faculty["periods"]["JAN"]
    record_result(line(faculty, "an", "BIO101"), jan, "numeric", 14, by=lecturer)
    record_result(line(faculty, "bram", "BIO101"), jan, "numeric", 9, by=lecturer)
    rows = [RawRow(2, "2600001", "BIO101", "14"), RawRow(3, "2600002", "BIO101", "11"),
            RawRow(4, "2600003", "BIO101", "AJ"), RawRow(5, "2600003", "BIO103", "niet geslaagd"),
            RawRow(6, "2600001", "BIO103", "pass")]
    plan = apply_import(student_admin, jan, rows, "jan.csv")
    assert (len(plan.new), len(plan.changed), plan.unchanged) == (3, 1, 1)
    bram = Result.objects.get(student__number="2600002", is_current=True)
    assert (bram.grade, bram.version, bram.procedure, bram.supersedes.grade) == (11, 2, ResultProcedure.FILE, 9)
    assert "jan.csv" in bram.reason
    assert Result.objects.get(student__number="2600003", course_unit__code="BIO103").outcome == "fail"
    # Importing the same file again records nothing.
    again = apply_import(student_admin, jan, rows, "jan.csv")
    assert (len(again.new), len(again.changed), again.unchanged) == (0, 0, 5)


# ---- 10,000 rows ------------------------------------------------------------------------------------------------

@pytest.fixture
def big_cohort(faculty):
    """500 students x 20 units in one programme: 10,000 study-programme lines, made in bulk."""
    year, programme = faculty["year"], ProgrammeFactory(code="BA-BIG", credits=180)
    units = [CourseUnitFactory(programme=programme, code=f"BIG{i:03d}", credits=3) for i in range(20)]
    students = Student.objects.bulk_create([
        Student(number=f"27{i:05d}", first_name="Stu", last_name=f"Dent{i:05d}", date_of_birth=date(2007, 1, 1),
                email=f"s{i}@example.org", street="Straat 1", postcode="3500", city="Hasselt") for i in range(500)])
    contracts = StudyContract.objects.bulk_create([
        StudyContract(student=s, programme=programme, academic_year=year, kind="diploma",
                      enrolled_on=date(2026, 9, 10)) for s in students])
    ProgrammeLine.objects.bulk_create([
        ProgrammeLine(contract=c, course_unit=u, student_id=c.student_id, academic_year=year,
                      added_on=date(2026, 9, 10)) for c in contracts for u in units])
    return students, units


def test_a_10000_row_file_imports_in_one_transaction_with_bounded_queries(faculty, big_cohort, student_admin,
                                                                          django_assert_max_num_queries):
    students, units = big_cohort
    text = "student number;course unit code;grade\n" + "".join(
        f"{s.number};{u.code};{(i + j) % 21}\n" for i, s in enumerate(students) for j, u in enumerate(units))
    rows = read_results_file(text.encode(), ".csv")
    assert len(rows) == 10_000
    jan = faculty["periods"]["JAN"]
    start = time.monotonic()
    with django_assert_max_num_queries(20):
        plan = plan_import(student_admin, jan, rows)
    assert plan.ok and len(plan.new) == 10_000
    with django_assert_max_num_queries(25):
        apply_import(student_admin, jan, rows, "big.csv")
    first = time.monotonic() - start
    assert Result.objects.filter(is_current=True, procedure=ResultProcedure.FILE).count() == 10_000

    # Every grade changed: 10,000 superseded versions, still a bounded number of queries.
    changed = "student number;course unit code;grade\n" + "".join(
        f"{s.number};{u.code};{(i + j + 1) % 21}\n" for i, s in enumerate(students) for j, u in enumerate(units))
    start = time.monotonic()
    with django_assert_max_num_queries(25):
        plan = apply_import(student_admin, jan, read_results_file(changed.encode(), ".csv"), "big2.csv")
    second = time.monotonic() - start
    assert len(plan.changed) == 10_000
    assert Result.objects.count() == 20_000
    assert Result.objects.filter(is_current=True, version=2).count() == 10_000
    assert first < 30 and second < 30, (first, second)  # a few seconds on a developer machine


def test_one_bad_row_in_10000_saves_nothing(faculty, big_cohort, student_admin):
    students, units = big_cohort
    rows = [RawRow(n + 2, s.number, u.code, "12") for n, (s, u) in enumerate((s, u) for s in students for u in units)]
    rows[7_777] = RawRow(rows[7_777].row, rows[7_777].student, rows[7_777].unit, "21")
    with pytest.raises(ImportRefused) as refused:
        apply_import(student_admin, faculty["periods"]["JAN"], rows)
    assert [(p.row, p.reason) for p in refused.value.plan.problems] == [(7_779, "21 is above 20.")]
    assert not Result.objects.exists()


def test_a_10000_row_file_through_the_pages_shows_counts_and_progress(faculty, big_cohort, student_admin, client_as,
                                                                      monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.clock import Clock

    Clock(monkeypatch, date(2027, 2, 8))
    students, units = big_cohort
    text = "student number,course unit code,grade\n" + "".join(
        f"{s.number},{u.code},{(i * j) % 21}\n" for i, s in enumerate(students) for j, u in enumerate(units))
    client = client_as(student_admin)
    start = time.monotonic()
    response = client.post(reverse("examinations:results_import"), {
        "step": "preview", "exam_period": faculty["periods"]["JAN"].pk,
        "file": SimpleUploadedFile("big.csv", text.encode(), content_type="text/csv")})
    body = response.content.decode()
    assert 'data-testid="count-new">10000<' in body
    assert "Processing 10000 rows" in body and 'id="import-progress"' in body
    assert "The first 500 of 10000 rows are shown." in body
    response = client.post(reverse("examinations:results_import"), {"step": "confirm",
                                                                     "token": response.context["token"]})
    assert response.status_code == 302
    assert Result.objects.filter(is_current=True).count() == 10_000
    assert time.monotonic() - start < 60
