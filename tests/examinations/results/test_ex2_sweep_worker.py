"""Section 9 / issue 5 acceptance: sweeps on real Celery workers against the real Redis (scripts/test.sh sets
REDIS_URL to db 15) and the test database.

- Two worker processes (``celery -A config worker``, as in production) and the EX-2 sweep enqueued twice: each
  A is recorded once.
- An embedded worker (``celery.contrib.testing.worker.start_worker``) started after the deadline applies it on
  its first run.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connection, connections

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
ROOT = Path(__file__).resolve().parents[3]
EXPECTED = {("Bram", "BIO101"), ("Bram", "BIO103"), ("Chloe", "BIO102")}
# A queue of this test process only: another test run on the same Redis db neither takes nor purges its tasks.
QUEUE = f"eel-test-{os.getpid()}"


def purge():
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(QUEUE)


def send(as_of: str):
    """By name, as the beat sends it."""
    app.send_task(SWEEP.task_name, kwargs={"as_of": as_of}, queue=QUEUE)


def wait_for_runs(n: int, timeout: float = 60) -> list[SweepRun]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = list(SweepRun.objects.filter(name=SWEEP.name).exclude(status=SweepStatus.RUNNING).order_by("id"))
        if len(runs) >= n:
            return runs
        time.sleep(0.2)
    pytest.fail(f"{n} sweep runs did not finish in {timeout}s: {list(SweepRun.objects.values())}")


def absents() -> set[tuple[str, str]]:
    found = [(r.student.first_name, r.course_unit.code)
             for r in Result.objects.filter(procedure=ResultProcedure.SWEEP)]
    assert len(found) == len(set(found)), found
    return set(found)


@pytest.fixture
def two_worker_processes(tmp_path):
    """Two ``celery worker`` processes on the test database; waits until both answer a ping."""
    db = connection.settings_dict
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "DATABASE_CONN_MAX_AGE": "0"}
    names = [f"sweeper{i}-{os.getpid()}@test" for i in (1, 2)]
    procs = [subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1", "-n", name,
         "-Q", QUEUE, "--without-gossip", "--without-mingle", "-l", "info"],
        cwd=ROOT, env=env, stdout=(tmp_path / f"{name}.log").open("w"), stderr=subprocess.STDOUT) for name in names]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            answered = {k for reply in app.control.ping(destination=names, timeout=1) for k in reply}
            if answered == set(names):
                break
            assert all(p.poll() is None for p in procs), [(tmp_path / f"{n}.log").read_text() for n in names]
        else:
            pytest.fail("the workers did not start: " + " / ".join((tmp_path / f"{n}.log").read_text()
                                                                    for n in names))
        purge()
        yield names
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        purge()


def test_ex2_sweep_enqueued_twice_on_two_workers_records_each_a_once(failed_units, two_worker_processes):  # noqa: F811
    send("2027-08-09")
    send("2027-08-09")
    runs = wait_for_runs(2)
    assert all(r.status == SweepStatus.DONE for r in runs), [r.error for r in runs]
    assert sum(r.count for r in runs) == 3  # split between the workers, or all on the first
    assert absents() == EXPECTED


def _close_worker_connections(**kwargs):
    # The embedded worker thread's own database connection, so the test database can be dropped afterwards.
    connections.close_all()


def test_ex2_worker_started_after_the_deadline_applies_it_on_its_first_run(failed_units):  # noqa: F811
    app.loader.import_default_modules()
    assert not app.conf.task_always_eager
    consumed = app.amqp.queues._consume_from  # start_worker(queues=...) narrows it for the whole app: restored below
    task_postrun.connect(_close_worker_connections, weak=False, dispatch_uid="close-test-worker-db")
    try:
        with start_worker(app, perform_ping_check=False, shutdown_timeout=30, queues=[QUEUE]):
            purge()
            # Nothing ran on 9 August; the first run weeks later applies what fell due then.
            send("2027-10-01")
            (run,) = wait_for_runs(1)
    finally:
        task_postrun.disconnect(dispatch_uid="close-test-worker-db")
        app.amqp.queues._consume_from = consumed
        purge()
    assert (run.status, run.as_of, run.count) == (SweepStatus.DONE, date(2027, 10, 1), 3)
    assert absents() == EXPECTED
