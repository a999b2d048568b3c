"""Running the deadline sweeps of ``config.sweeps`` and keeping their log (:class:`enrolment.models.SweepRun`).

``run_deadlines`` and the Celery tasks both call :func:`run_sweep`: the same code whatever starts it. The sweep
itself commits its effects record by record (each under a row lock), so the log row is written around it, not
in one transaction with it: a failure half-way leaves the records already done (a rerun skips them) and a run
marked ``failed`` with the error.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from config import sweeps

from .models import SweepRun, SweepStatus


def run_sweep(name: str, as_of: date | None = None) -> SweepRun:
    """Run the sweep ``name`` for ``as_of`` (default today) and log it. Re-raises the sweep's error after
    logging it as failed."""
    sweep = sweeps.get(name)
    as_of = as_of or timezone.localdate()
    run = SweepRun.objects.create(name=sweep.name, rule=sweep.rule, as_of=as_of)
    try:
        result = sweep.load()(as_of)
    except Exception as error:
        SweepRun.objects.filter(pk=run.pk).update(status=SweepStatus.FAILED, finished_at=timezone.now(),
                                                  error=f"{type(error).__name__}: {error}")
        raise
    run.status = SweepStatus.DONE
    run.finished_at = timezone.now()
    run.count = result.count
    run.affected = [ref.as_json() for ref in result.affected]
    run.skipped = [{**ref.as_json(), "reason": reason} for ref, reason in result.skipped]
    run.save(update_fields=["status", "finished_at", "count", "affected", "skipped"])
    return run


def run_all(as_of: date | None = None) -> list[SweepRun]:
    """Every registered sweep, in the registry's order."""
    return [run_sweep(sweep.name, as_of) for sweep in sweeps.SWEEPS]
