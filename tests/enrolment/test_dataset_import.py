"""import_dataset, export_dataset and learning_account (shared/spec/dataset.md) against the database."""

from __future__ import annotations

import copy
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from students.models import LedgerMovement, Student
from tests.enrolment import datasets as ds
from tests.enrolment.factories import table_counts

pytestmark = pytest.mark.django_db

counts = table_counts  # every model of the students, enrolment and examinations apps


def import_file(tmp_path, data: dict, *args) -> str:
    out = io.StringIO()
    call_command("import_dataset", ds.write_json(tmp_path, data), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def import_refused(tmp_path, data: dict) -> tuple[str, list[str]]:
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_dataset", ds.write_json(tmp_path, data, "bad.json"), stdout=io.StringIO(), stderr=err)
    return str(exc.value), err.getvalue().splitlines()


def statement(number: str, as_of: str) -> dict:
    out = io.StringIO()
    call_command("learning_account", number, "--as-of", as_of, "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["balance"] == sum(m["credits"] for m in data["movements"])  # dataset.md: balance = sum
    return data


def ledger() -> list[tuple]:
    return list(LedgerMovement.objects.order_by("id").values_list(
        "student__number", "on", "kind", "credits", "academic_year__code", "course_unit__code", "cause", "revision"))


# -------------------------------------------------------------------------------------- LA-5 example ----
def test_la5_worked_example_through_import_and_statement(tmp_path):
    import_file(tmp_path, ds.worked_example(passed=[]))
    data = statement("2600001", "2027-09-30")
    assert data["balance"] == 80
    assert [(m["on"], m["kind"], m["credits"], m["academic_year"]) for m in data["movements"]] == [
        ("2026-09-10", "opening", 140, None), ("2026-09-10", "enrolment", -60, "2026-2027")]


def test_la5_worked_example_4_credit_pass_gives_88_and_all_60_give_200(tmp_path):
    import_file(tmp_path, ds.worked_example(passed=["INF101"]))
    assert statement("2600001", "2027-02-11")["balance"] == 80  # before the results are published
    data = statement("2600001", "2027-02-12")
    assert data["balance"] == 88
    assert data["as_of"] == "2027-02-12" and data["student"] == "2600001"
    assert {(m["kind"], m["credits"], m["course_unit"]) for m in data["movements"] if m["on"] == ds.JAN_PUBLISHED} \
        == {("restitution", 4, "INF101"), ("bonus", 4, "INF101")}

    # The same file with the other results added: 80 + 120.
    out = import_file(tmp_path, ds.worked_example(passed=ds.BA_CODES))
    assert "7 results created" in out
    assert statement("2600001", "2027-09-30")["balance"] == 200


def test_la5_fails_and_absences_restore_nothing(tmp_path):
    data = ds.worked_example(passed=[])
    data["results"] = [ds.result("2600001", "INF101", 9), ds.result("2600001", "INF102", "absent"),
                       ds.result("2600001", "INF103", "absent_justified"), ds.result("2600001", "INF104", 10)]
    import_file(tmp_path, data)
    assert statement("2600001", "2027-09-30")["balance"] == 80 + 16


# ---------------------------------------------------------------------------------------------- LA-12 ----
def test_la12_rebuild_44_54_60_through_import_and_statement(tmp_path):
    la = {"balance": 44, "as_of": "2026-09-01", "initial_master_obtained": True}
    import_file(tmp_path, ds.dataset(years=(2026, 2027), students=[ds.student("2100001", "2021-2022", la)]))
    assert statement("2100001", "2026-09-13")["balance"] == 44
    assert statement("2100001", "2026-10-01")["balance"] == 54
    data = statement("2100001", "2027-10-01")
    assert data["balance"] == 60
    assert [(m["kind"], m["credits"], m["academic_year"]) for m in data["movements"]] == [
        ("opening", 44, None), ("rebuild", 10, "2026-2027"), ("rebuild", 6, "2027-2028")]


def test_la1_register_only_dataset_into_an_empty_database(tmp_path):
    # "students arriving from the government's learning-account register" (dataset.md), before any calendar.
    la = {"balance": 44, "as_of": "2026-09-01", "bonus_credits_earned": 60, "initial_master_obtained": True}
    data = ds.dataset(years=(), students=[ds.student("2100001", "2021-2022", la)])
    assert import_file(tmp_path, data) == "1 students created; 1 learning-account movements written\n"
    assert [(m["kind"], m["credits"]) for m in statement("2100001", "2026-10-01")["movements"]] == [("opening", 44)]


def test_learning_account_text_format_and_unknown_student(tmp_path):
    import_file(tmp_path, ds.worked_example())
    out = io.StringIO()
    call_command("learning_account", "2600001", "--as-of", "2027-09-30", stdout=out)
    assert "Balance: 88 credits" in out.getvalue()
    with pytest.raises(CommandError, match="unknown student"):
        call_command("learning_account", "9999999", stdout=io.StringIO())
    with pytest.raises(CommandError, match="not a date"):
        call_command("learning_account", "2600001", "--as-of", "30/09/2027", stdout=io.StringIO())


# --------------------------------------------------------------------------------------- bad datasets ----
def bad_dataset() -> tuple[dict, list[str]]:
    """The worked example with one mistake of every kind, and the problem line each must produce."""
    data = ds.worked_example()
    data["programmes"].append(ds.programme("MA-INF", "master", [ds.unit("MA101", 6, package=None)], credits=120))
    data["students"].append(ds.student("2600002"))
    data["students"][1]["learning_account"] = {"balance": "many", "as_of": "2026-09-01"}
    data["enrolments"][0]["course_units"].append(ds.line("NOPE"))
    data["enrolments"][0]["course_units"][0]["removed_on"] = "2027-10-01"
    data["enrolments"].append(ds.enrolment("2600002", "MA-INF", ["INF101"]))
    data["results"] = [
        ds.result("2600001", "INF101", 21),
        ds.result("2600001", "INF102", 9.5),
        ds.result("2699999", "INF103", 12),
        ds.result("2600001", "MA101", 12),
        ds.result("2600001", "INF104", 12),
        ds.result("2600001", "INF104", 13),
    ]
    expected = [
        "students[1].learning_account.balance: expected a whole number, got 'many'",
        "enrolments[0].course_units[0].removed_on: 2027-10-01 is outside the academic year 2026-2027",
        "enrolments[0].course_units[8].code: unknown course unit 'NOPE'",
        "enrolments[1].course_units[0].code: course unit 'INF101' is not part of programme 'MA-INF'",
        "results[0].grade: 21 is outside 0..20",
        "results[1].grade: expected a whole number 0-20 or one of pass, fail, absent, absent_justified, got 9.5",
        "results[2].student: unknown student '2699999'",
        "results[3].course_unit: course unit 'MA101' is not in the study programme of student '2600001' in 2026-2027",
        "results[5]: a result for the same student, unit, year and opportunity appears twice (also results[4])",
    ]
    return data, expected


def test_dataset_with_errors_names_every_problem_with_its_json_path_and_loads_nothing(tmp_path):
    import_file(tmp_path, ds.dataset(years=(2027,), students=[ds.student("2700001", "2027-2028")]))
    before, movements_before = counts(), ledger()
    data, expected = bad_dataset()
    message, problems = import_refused(tmp_path, data)
    for problem in expected:
        assert problem in problems
    assert message == f"{len(problems)} problem(s); nothing was imported."
    assert counts() == before
    assert ledger() == movements_before


def test_dataset_with_errors_into_an_empty_database_loads_nothing(tmp_path):
    data, _ = bad_dataset()
    import_refused(tmp_path, data)
    assert set(counts().values()) == {0}


@pytest.mark.parametrize(("change", "problem"), [
    (lambda d: d.update(format="eel-dataset/2"), "format: expected 'eel-dataset/1', got 'eel-dataset/2'"),
    (lambda d: d.update(regulations="kuleuven"), "regulations: unknown regulations 'kuleuven'"),
    (lambda d: d["programmes"][0]["course_units"][0].update(credits="4"),
     "programmes[0].course_units[0].credits: expected a whole number, got '4'"),
    (lambda d: d["enrolments"][0].update(enrolled_on="10/09/2026"),
     "enrolments[0].enrolled_on: '10/09/2026' is not a date YYYY-MM-DD"),
    (lambda d: d["enrolments"][0].update(enrolled_on="2025-09-10"),
     "enrolments[0].enrolled_on: 2025-09-10 is outside the academic year 2026-2027"),
    (lambda d: d["enrolments"][0].update(contract="full"), "enrolments[0].contract: 'full' is not one of"),
    (lambda d: d.update(results=[ds.result("2600001", "INF101", True)]), "results[0].grade: expected a whole number"),
    (lambda d: d["enrolments"].append(copy.deepcopy(d["enrolments"][0])),
     "enrolments[1]: the same contract appears twice (also enrolments[0])"),
    (lambda d: d.update(students="2600001"), "students: expected a list, got text"),
    (lambda d: d["academic_years"][0]["exam_periods"][0].update(results_published_on="2027-09-13"),
     "academic_years[0].exam_periods[0].results_published_on: 2027-09-13 is outside the academic year 2026-2027"),
])
def test_each_kind_of_mistake_is_reported_with_its_path(tmp_path, change, problem):
    data = ds.worked_example()
    change(data)
    _, problems = import_refused(tmp_path, data)
    assert any(p.startswith(problem) for p in problems), problems
    assert set(counts().values()) == {0}


def test_not_json_and_missing_file_are_command_errors(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_dataset", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_dataset", str(tmp_path / "missing.json"), stdout=io.StringIO())


def test_a_different_grade_for_an_already_imported_result_is_refused(tmp_path):
    import_file(tmp_path, ds.worked_example(passed=["INF101"], grade=12))
    before, movements_before = counts(), ledger()
    again = ds.worked_example(passed=["INF101"], grade=14)
    again["students"].append(ds.student("2600002"))  # would be new: must not be created either
    message, problems = import_refused(tmp_path, again)
    assert problems == ["results[0].grade: already recorded as 12; a recorded result changes only through the "
                        "material-error or appeal procedure"]
    assert counts() == before
    assert ledger() == movements_before
    assert not Student.objects.filter(number="2600002").exists()


def test_en1_unit_already_in_another_recorded_contract_is_a_problem_not_a_crash(tmp_path):
    import_file(tmp_path, ds.worked_example())
    before, movements_before = counts(), ledger()
    second = ds.worked_example(passed=[])
    second["enrolments"] = [ds.enrolment("2600001", "BA-INF", ["INF101"], contract="credit", enrolled_on="2026-09-20")]
    _, problems = import_refused(tmp_path, second)
    assert len(problems) == 1
    assert problems[0].startswith("enrolments[0].course_units[0].code: course unit 'INF101' is already in another "
                                  "contract in 2026-2027")
    assert counts() == before and ledger() == movements_before


def test_en1_unit_moved_out_of_a_recorded_contract_in_the_same_file_is_accepted(tmp_path):
    import_file(tmp_path, ds.worked_example(passed=[]))
    moved = ds.worked_example(passed=[])
    moved["enrolments"][0]["course_units"][0]["removed_on"] = "2026-10-01"
    moved["enrolments"].append(ds.enrolment("2600001", "BA-INF", ["INF101"], contract="credit",
                                            enrolled_on="2026-10-01"))
    import_file(tmp_path, moved)
    data = statement("2600001", "2026-10-01")
    assert [(m["kind"], m["credits"]) for m in data["movements"] if m["on"] == "2026-10-01"] == [
        ("enrolment", -4), ("refund", 4)]
    assert data["balance"] == 80


def test_en1_exam_contract_beside_a_recorded_diploma_contract_is_refused(tmp_path):
    import_file(tmp_path, ds.worked_example())
    before = counts()
    second = ds.worked_example(passed=[])
    second["programmes"][0]["course_units"].append(ds.unit("INF199", 3))
    second["enrolments"] = [ds.enrolment("2600001", "BA-INF", ["INF199"], contract="exam", enrolled_on="2026-09-20")]
    _, problems = import_refused(tmp_path, second)
    assert problems == ["enrolments[0]: student '2600001' cannot combine a diploma and an exam contract in 'BA-INF' "
                        "in 2026-2027 (EN-1)"]
    assert counts() == before


def test_dry_run_saves_nothing(tmp_path):
    out = import_file(tmp_path, ds.worked_example(), "--dry-run")
    assert out.startswith("Dry run, nothing saved:") and "1 students created" in out
    assert set(counts().values()) == {0}


# ------------------------------------------------------------------------------------------ idempotent ----
def rich_dataset() -> dict:
    """Every section and most special cases: removals, deregistration, exemption, credit contract, second
    opportunity, pass/fail units, two years, a register position, degrees."""
    ba = ds.BA_UNITS + [ds.unit("INF190", 3, result_kind="pass_fail"), ds.unit("INF201", 6, "S2", stage=2, package=2),
                        ds.unit("INF250", 10, "YEAR", stage=2, package=2)]
    ma = [ds.unit("MA101", 6, package=None), ds.unit("MA102", 6, "S2", package=None)]
    return ds.dataset(
        years=(2026, 2027),
        programmes=[ds.programme("BA-INF", "bachelor", ba), ds.programme("MA-INF", "master", ma, credits=120)],
        students=[
            ds.student("2600001"),
            ds.student("2600002", "2019-2020", {"balance": 100, "as_of": "2026-09-01", "bonus_credits_earned": 10,
                                                "initial_master_obtained": False}),
            ds.student("2600003", None),
        ],
        enrolments=[
            ds.enrolment("2600001", "BA-INF", ds.BA_CODES[:7] + [
                ds.line("INF108", exempted=True), ds.line("INF190", removed_on="2026-11-20"),
                ds.line("INF201", added_on="2026-10-05")]),
            ds.enrolment("2600001", "BA-INF", ["INF103", "INF250"], year="2027-2028", enrolled_on="2027-08-30"),
            ds.enrolment("2600002", "MA-INF", ["MA101", "MA102"], deregistered_on="2027-03-01", reason="withdrawal"),
            ds.enrolment("2600002", "BA-INF", ["INF102"], contract="credit", enrolled_on="2026-09-20"),
            ds.enrolment("2600003", "MA-INF", ["MA101"], year="2027-2028", enrolled_on="2027-09-01"),
        ],
        results=[
            ds.result("2600001", "INF101", 12), ds.result("2600001", "INF102", "absent"),
            ds.result("2600001", "INF103", 8), ds.result("2600001", "INF104", 9), ds.result("2600001", "INF104", 11,
                                                                                         opportunity=2),
            ds.result("2600001", "INF103", 14, year="2027-2028"), ds.result("2600002", "MA101", 15),
            ds.result("2600002", "INF102", 10),
        ],
        degrees=[{"student": "2600002", "programme": "BA-INF", "awarded_on": "2026-07-01"}],
    )


def test_importing_the_same_file_twice_changes_nothing_the_second_time(tmp_path):
    first = import_file(tmp_path, rich_dataset())
    assert "learning-account movements written" in first and not first.startswith("0 ")
    after_first, movements_first = counts(), ledger()
    second = import_file(tmp_path, rich_dataset())
    assert second == "0 learning-account movements written\n"
    assert counts() == after_first
    assert ledger() == movements_first


def test_export_then_import_into_an_empty_database_reproduces_the_export(tmp_path):
    class Rollback(Exception):
        """Raised to leave the atomic block, so everything in it is rolled back."""

    numbers = ["2600001", "2600002", "2600003"]
    with pytest.raises(Rollback), transaction.atomic():
        import_file(tmp_path, rich_dataset())
        # A FILE argument: without it the command writes to sys.stdout, not to call_command's stdout.
        call_command("export_dataset", str(tmp_path / "first.json"))
        first = json.loads((tmp_path / "first.json").read_text(encoding="utf-8"))
        statements = {n: statement(n, "2028-09-30") for n in numbers}
        first_counts = counts()
        raise Rollback
    assert set(counts().values()) == {0}

    import_file(tmp_path, first)
    path = tmp_path / "again.json"
    call_command("export_dataset", str(path))
    assert json.loads(path.read_text(encoding="utf-8")) == first
    assert counts() == first_counts
    assert {n: statement(n, "2028-09-30") for n in numbers} == statements
    # The export is itself a valid file to import once more: nothing changes.
    assert import_file(tmp_path, first) == "0 learning-account movements written\n"
