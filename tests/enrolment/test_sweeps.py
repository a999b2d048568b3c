"""Section 9 of rules.md: the sweep registry, the run log, ``run_deadlines`` and the Celery wiring."""

from datetime import date
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from config import sweeps
from config.celery import app
from enrolment.models import SweepRun, SweepStatus
from enrolment.sweeps import run_sweep


def test_every_sweep_has_a_task_and_a_daily_beat_entry():
    app.loader.import_default_modules()
    for sweep in sweeps.SWEEPS:
        assert sweep.task_name in app.tasks
        assert settings.CELERY_BEAT_SCHEDULE[sweep.name]["task"] == sweep.task_name
        assert callable(sweep.load())
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST


def test_every_sweep_names_its_rule():
    assert all(s.rule for s in sweeps.SWEEPS)
    assert len({s.name for s in sweeps.SWEEPS}) == len(sweeps.SWEEPS)


@pytest.mark.django_db
def test_run_deadlines_logs_every_sweep(db):
    out = StringIO()
    call_command("run_deadlines", "--as-of", "2027-08-09", stdout=out)
    runs = SweepRun.objects.all()
    assert {r.name for r in runs} == {s.name for s in sweeps.SWEEPS}
    assert all(r.status == SweepStatus.DONE and r.finished_at and r.as_of == date(2027, 8, 9) for r in runs)
    for sweep in sweeps.SWEEPS:
        assert f"{sweep.name} ({sweep.rule}) as of 2027-08-09" in out.getvalue()


@pytest.mark.django_db
def test_run_deadlines_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="not a date"):
        call_command("run_deadlines", "--as-of", "9 August", stdout=StringIO())


@pytest.mark.django_db
def test_a_failing_sweep_is_logged_failed(db, monkeypatch):
    sweep = sweeps.SWEEPS[0]

    def broken(as_of):
        raise RuntimeError("database went away")

    monkeypatch.setattr(sweeps.Sweep, "load", lambda self: broken)
    with pytest.raises(RuntimeError):
        run_sweep(sweep.name, date(2027, 8, 9))
    run = SweepRun.objects.get()
    assert run.status == SweepStatus.FAILED and "database went away" in run.error


@pytest.mark.django_db
def test_the_task_calls_the_same_service(db, settings):
    """The sweep tasks run ``run_sweep``; eagerly here (``task.apply``), on a worker in test_celery_worker."""
    from enrolment.tasks import TASKS

    for name, task in TASKS.items():
        assert task.apply(kwargs={"as_of": "2027-08-09"}).get() == 0
        assert SweepRun.objects.filter(name=name, as_of=date(2027, 8, 9)).exists()
