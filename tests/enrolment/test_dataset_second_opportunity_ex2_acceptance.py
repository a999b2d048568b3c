"""Issue 5 acceptance, EX-2 (UH 12.2.5): after importing a dataset with failed first-opportunity units, some
registered for the second opportunity by 8 August and some not, ``run_deadlines`` as of 9 August gives exactly
the unregistered ones an ``A`` for opportunity 2, visible in ``export_dataset``; running it again changes
nothing."""

from __future__ import annotations

import copy
import json
from io import StringIO

import pytest
from django.core.management import call_command

from enrolment.models import SweepRun
from examinations.models import Result, ResultProcedure
from tests.enrolment import datasets as ds
from tests.enrolment.test_dataset_import import import_file

pytestmark = pytest.mark.django_db

SWEEP = "ex2_second_opportunity_absent"
UNITS = [ds.unit("INF101", 6), ds.unit("INF102", 6), ds.unit("INF103", 6, "S2"),
         ds.unit("INF104", 6, opportunities=1), ds.unit("INF105", 3, result_kind="pass_fail")]
CODES = [u["code"] for u in UNITS]
STUDENTS = ["2600001", "2600002", "2600003", "2600004", "2600005"]


def registration(student, unit, on) -> dict:
    return {"student": student, "academic_year": "2026-2027", "course_unit": unit, "registered_on": on}


def dataset() -> dict:
    """2600001 failed INF101 (registered 20 July) and INF103 (not registered); 2600002 failed INF101 (not
    registered) and INF104 (one opportunity); 2600003 was absent for INF103 (not registered) and justifiedly
    absent for INF102 (registered on 8 August, the last day); 2600004 passed INF101 and failed the pass/fail
    INF105 (registered 11 July, the first day); 2600005 has no result yet."""
    r = ds.result
    data = ds.dataset(
        programmes=[ds.programme("BA-INF", "bachelor", copy.deepcopy(UNITS))],
        students=[ds.student(n) for n in STUDENTS],
        enrolments=[ds.enrolment(n, "BA-INF", CODES) for n in STUDENTS],
        results=[r("2600001", "INF101", 7), r("2600001", "INF103", 9), r("2600001", "INF102", 15),
                 r("2600002", "INF101", 6), r("2600002", "INF104", 5),
                 r("2600003", "INF103", "absent"), r("2600003", "INF102", "absent_justified"),
                 r("2600004", "INF101", 14), r("2600004", "INF105", "fail")],
    )
    data["second_opportunity_registrations"] = [
        registration("2600001", "INF101", "2027-07-20"), registration("2600003", "INF102", "2027-08-08"),
        registration("2600004", "INF105", "2027-07-11")]
    return data


def export(tmp_path, name: str) -> dict:
    path = tmp_path / name
    call_command("export_dataset", str(path))
    return json.loads(path.read_text(encoding="utf-8"))


def second_opportunity(exported: dict) -> set[tuple]:
    return {(r["student"], r["course_unit"], r["grade"]) for r in exported["results"] if r["opportunity"] == 2}


def test_ex2_acceptance_run_deadlines_on_9_august_gives_a_to_exactly_the_unregistered_fails(tmp_path):
    import_file(tmp_path, dataset())
    before = export(tmp_path, "before.json")
    assert second_opportunity(before) == set()

    # 8 August is the last day to register: nothing yet.
    call_command("run_deadlines", as_of="2027-08-08", stdout=StringIO())
    assert export(tmp_path, "on-8-august.json") == before

    out = StringIO()
    call_command("run_deadlines", as_of="2027-08-09", stdout=out)
    after = export(tmp_path, "after.json")
    assert second_opportunity(after) == {("2600001", "INF103", "absent"), ("2600002", "INF101", "absent"),
                                         ("2600003", "INF103", "absent")}
    assert after["second_opportunity_registrations"] == dataset()["second_opportunity_registrations"]
    # Everything else in the export is as before: only the three results were added.
    assert {k: v for k, v in after.items() if k != "results"} == {k: v for k, v in before.items() if k != "results"}
    assert [r for r in after["results"] if r["opportunity"] == 1] == before["results"]
    assert set(Result.objects.filter(procedure=ResultProcedure.SWEEP).values_list(
        "student__number", "course_unit__code", "opportunity", "exam_period__code")) == {
        ("2600001", "INF103", 2, "SEP"), ("2600002", "INF101", 2, "SEP"), ("2600003", "INF103", 2, "SEP")}
    assert f"{SWEEP} (EX-2) as of 2027-08-09: 3 changed" in out.getvalue()

    # Running it again, that day or later, changes nothing.
    call_command("run_deadlines", as_of="2027-08-09", stdout=StringIO())
    call_command("run_deadlines", as_of="2027-08-20", stdout=StringIO())
    assert export(tmp_path, "again.json") == after
    assert [r.count for r in SweepRun.objects.filter(name=SWEEP).order_by("id")] == [0, 3, 0, 0]
