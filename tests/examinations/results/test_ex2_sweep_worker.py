"""Section 9 / issue 5 acceptance: sweeps on real Celery workers against the real Redis (scripts/test.sh sets
REDIS_URL to db 15). The EX-2 sweep enqueued twice and run by two workers at once records each A once, and a
worker started after the deadline applies it on its first run."""

import os
import time
from datetime import date

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections

from config import sweeps
from config.celery import app
from enrolment.models import SweepRun, SweepStatus
from examinations.models import Result, ResultProcedure

from .test_ex2_sweep import failed_units  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.celery,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL): run scripts/test.sh"),
    pytest.mark.django_db(transaction=True),
]

SWEEP = sweeps.get("ex2_second_opportunity_absent")


def _close_worker_connections(**kwargs):
    # The worker threads' own database connections, so the test database can be dropped afterwards.
    connections.close_all()


@pytest.fixture
def two_workers():
    app.loader.import_default_modules()
    assert not app.conf.task_always_eager
    app.control.purge()
    task_postrun.connect(_close_worker_connections, weak=False, dispatch_uid="close-test-worker-db")
    try:
        with start_worker(app, perform_ping_check=False, hostname="sweeper1@test", shutdown_timeout=30), \
                start_worker(app, perform_ping_check=False, hostname="sweeper2@test", shutdown_timeout=30):
            yield
    finally:
        task_postrun.disconnect(dispatch_uid="close-test-worker-db")
        app.control.purge()


def wait_for_runs(n: int, timeout: float = 60) -> list[SweepRun]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = list(SweepRun.objects.filter(name=SWEEP.name).exclude(status=SweepStatus.RUNNING).order_by("id"))
        if len(runs) >= n:
            return runs
        time.sleep(0.2)
    pytest.fail(f"{n} sweep runs did not finish in {timeout}s: {list(SweepRun.objects.values())}")


def test_ex2_sweep_enqueued_twice_on_two_workers_records_each_a_once(failed_units, two_workers):  # noqa: F811
    task = app.tasks[SWEEP.task_name]
    task.delay(as_of="2027-08-09")
    task.delay(as_of="2027-08-09")
    runs = wait_for_runs(2)
    assert all(r.status == SweepStatus.DONE for r in runs), [r.error for r in runs]
    assert sorted(r.count for r in runs) in ([0, 3], [1, 2])  # split between the workers or all on one
    assert sum(r.count for r in runs) == 3
    absents = Result.objects.filter(procedure=ResultProcedure.SWEEP)
    assert absents.count() == 3
    assert {(r.student.first_name, r.course_unit.code) for r in absents} == {
        ("Bram", "BIO101"), ("Bram", "BIO103"), ("Chloe", "BIO102")}


def test_ex2_worker_started_after_the_deadline_applies_it_on_its_first_run(failed_units, two_workers):  # noqa: F811
    # Nothing ran on 9 August; the first run weeks later applies what fell due then.
    app.tasks[SWEEP.task_name].delay(as_of="2027-10-01")
    (run,) = wait_for_runs(1)
    assert (run.status, run.as_of, run.count) == (SweepStatus.DONE, date(2027, 10, 1), 3)
