"""The page of one sweep run (Deadlines page, issue 5 point 5): the records it changed and those it left, each
linked to its page when it has one, the flags it raised; scoped to a committee member's programmes; a fixed
number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config.sweeps import Ref
from enrolment.models import DeadlineFlag, ProgrammeLine, SweepRun, SweepStatus
from enrolment.queries_deadlines import PLACES
from examinations.models import Irregularity
from tests.enrolment import test_deadlines_page as base
from tests.enrolment.factories import record_result

TODAY = base.TODAY
clock, registry, world = base.clock, base.registry, base.world  # the fixtures of the Deadlines page's tests

pytestmark = pytest.mark.django_db


def page(pk: int) -> str:
    return reverse("enrolment:deadline_run", args=[pk])


def refs(world) -> dict[str, Ref]:
    line_inf = ProgrammeLine.objects.get(contract=world["c_inf"])
    line_bio = ProgrammeLine.objects.get(contract=world["c_bio"])
    result = record_result(line_inf, 7)
    return {
        "result": Ref("examinations.result", result.pk, "2600001 INF101 2026-2027: A (opportunity 2)"),
        "line": Ref("enrolment.programmeline", line_bio.pk, "2600002 BIO101 2026-2027"),
        "contract": Ref("enrolment.studycontract", world["c_inf"].pk, "2600001 BA-INF"),
        "student": Ref("students.student", world["an"].pk, "2600001 An"),
        "closure": Ref("enrolment.refundwindowclosure", 5, "2026-2027 semester 1 closed"),
        "gone": Ref("enrolment.studycontract", 999999, "a contract since removed"),
        "unknown": Ref("nowhere.thing", 3, ""),
    }


@pytest.fixture
def run(world):
    r = refs(world)
    started = timezone.now() - timedelta(minutes=1)
    run = SweepRun.objects.create(
        name="ex2_fake", rule="EX-2", as_of=TODAY, started_at=started, finished_at=timezone.now(),
        status=SweepStatus.DONE, count=4,
        affected=[r[k].as_json() for k in ("result", "line", "closure", "unknown")],
        skipped=[{**r["contract"].as_json(), "reason": "2026-2027 has no second-opportunity exam period"},
                 {**r["gone"].as_json(), "reason": "gone"}, {**r["student"].as_json(), "reason": "no unit"}])
    during = started + timedelta(seconds=30)
    DeadlineFlag.objects.create(rule="EX-2", kind="closed", model=r["line"].model, pk_value=r["line"].pk,
                                label="BIO flag", due_on=TODAY, flagged_on=TODAY, programme=world["bio"],
                                recorded_at=during)
    DeadlineFlag.objects.create(rule="EX-2", kind="closed", model=r["result"].model, pk_value=r["result"].pk,
                                label="INF flag", due_on=TODAY, flagged_on=TODAY, programme=world["inf"],
                                recorded_at=during)
    DeadlineFlag.objects.create(rule="EX-2", kind="nearing", model=r["line"].model, pk_value=r["line"].pk,
                                label="earlier flag", due_on=TODAY, flagged_on=TODAY, programme=world["bio"],
                                recorded_at=started - timedelta(days=1))
    DeadlineFlag.objects.create(rule="AP-7", kind="closed", model=r["line"].model, pk_value=r["line"].pk,
                                label="other rule", due_on=TODAY, flagged_on=TODAY, programme=world["bio"],
                                recorded_at=during)
    return run


def rows(response, key: str) -> list[tuple[str, str]]:
    return [(row.label, row.url) for row in response.context[key].object_list]


def test_the_administration_sees_every_record_linked_to_its_page(run, world, client_as):
    response = client_as(world["admin"]).get(page(run.pk))
    assert response.status_code == 200
    assert rows(response, "affected") == [
        ("2600001 INF101 2026-2027: A (opportunity 2)", reverse("examinations:results_student", args=["2600001"])),
        ("2600002 BIO101 2026-2027", reverse("students:detail", args=["2600002"])),
        ("2026-2027 semester 1 closed", ""),  # no page for a refund window closure
        ("nowhere.thing #3", ""),  # an unknown record type: named, not linked
    ]
    assert [(row.label, row.url, row.reason) for row in response.context["skipped"].object_list] == [
        ("2600001 BA-INF", reverse("students:detail", args=["2600001"]),
         "2026-2027 has no second-opportunity exam period"),
        ("a contract since removed", "", "gone"),
        ("2600001 An", reverse("students:detail", args=["2600001"]), "no unit")]
    assert [f.label for f, _ in response.context["flags"]] == ["INF flag", "BIO flag"]
    html = response.content.decode()
    assert "Done" in html and "ex2_fake" in html
    assert "Only the records of your programmes are listed." not in html


def test_a_committee_chair_sees_the_records_of_her_programme_only(run, world, client_as):
    response = client_as(world["chair"]).get(page(run.pk))
    assert rows(response, "affected") == [
        ("2600001 INF101 2026-2027: A (opportunity 2)", reverse("examinations:results_student", args=["2600001"]))]
    assert response.context["affected_hidden"] == 3
    # The contract's link goes where she may go: the results, not the student file.
    assert rows(response, "skipped") == [("2600001 BA-INF", reverse("examinations:results_student",
                                                                      args=["2600001"]))]
    assert response.context["skipped_hidden"] == 2
    assert [f.label for f, _ in response.context["flags"]] == ["INF flag"]
    html = response.content.decode()
    assert "Records outside your programmes, not listed: 3" in html
    assert "2600002" not in html and "BIO flag" not in html


def test_a_failed_run_shows_its_error(world, client_as):
    run = SweepRun.objects.create(name="gone_sweep", rule="XX-1", as_of=TODAY, status=SweepStatus.FAILED,
                                  error="RuntimeError: database went away")
    response = client_as(world["admin"]).get(page(run.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "RuntimeError: database went away" in html and "Failed" in html and "gone_sweep" in html


def test_a_run_that_does_not_exist_is_404(world, client_as):
    assert client_as(world["admin"]).get(page(424242)).status_code == 404


def test_many_records_are_paginated_and_read_in_a_fixed_number_of_queries(world, client_as,
                                                                            django_assert_max_num_queries):
    r = refs(world)
    small = SweepRun.objects.create(name="ex2_fake", rule="EX-2", as_of=TODAY, status=SweepStatus.DONE,
                                    affected=[r["result"].as_json(), r["line"].as_json()],
                                    skipped=[{**r["contract"].as_json(), "reason": "x"}])
    big = SweepRun.objects.create(name="ex2_fake", rule="EX-2", as_of=TODAY, status=SweepStatus.DONE,
                                  affected=[r["result"].as_json(), r["line"].as_json()] * 150,
                                  skipped=[{**r["contract"].as_json(), "reason": "x"}] * 250)
    for who in ("admin", "chair"):
        client = client_as(world[who])
        client.get(page(small.pk))
        with CaptureQueriesContext(connection) as few:
            client.get(page(small.pk))
        with django_assert_max_num_queries(len(few)):
            response = client.get(page(big.pk), {"page": 2, "left": 3})
        assert len(few) <= 12
    admin = client_as(world["admin"]).get(page(big.pk), {"page": 3, "left": 3})
    assert (admin.context["affected"].number, len(admin.context["affected"].object_list)) == (3, 100)
    assert (admin.context["skipped"].number, len(admin.context["skipped"].object_list)) == (3, 50)
    assert 'href="?page=3&amp;left=2"' in admin.content.decode()
    chair = response  # page 2 of her 150 records (the INF results)
    assert len(chair.context["affected"].object_list) == 50 and chair.context["affected_hidden"] == 150


def test_every_linked_model_exists_and_its_lookup_runs(db):
    """``Ref.model`` -> page: each model of the table exists and its one query compiles (a missing record is
    simply not found: shown without a link)."""
    from django.apps import apps

    for model, lookup in PLACES.items():
        apps.get_model(model)
        assert lookup({1}) == {}
    assert Irregularity._meta.label_lower in PLACES
