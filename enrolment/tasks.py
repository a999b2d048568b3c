"""One Celery task per deadline sweep (config/sweeps.py), named ``sweeps.<name>``; each calls the same service
as ``run_deadlines``. ``as_of`` is an ISO date; without it, the day the task runs."""

from datetime import date

from celery import shared_task

from config import sweeps

from .sweeps import run_sweep


def _make_task(sweep: sweeps.Sweep):
    @shared_task(name=sweep.task_name, acks_late=True, reject_on_worker_lost=True)
    def task(as_of: str | None = None) -> int:
        run = run_sweep(sweep.name, date.fromisoformat(as_of) if as_of else None)
        return run.count

    return task


TASKS = {sweep.name: _make_task(sweep) for sweep in sweeps.SWEEPS}


# The outbox (enrolment/outbox.py). Both are safe to run twice or on several workers at once: a notice is
# claimed under a row lock before it is sent, so a redelivered or duplicated task finds nothing to do.
@shared_task(name="outbox.deliver_notice", acks_late=True, reject_on_worker_lost=True)
def deliver_notice(notice_id: int) -> bool:
    """Send one notice right after the transaction that stored it (``notify``)."""
    from .outbox import deliver

    return deliver(notice_id)


@shared_task(name="outbox.deliver_due", acks_late=True, reject_on_worker_lost=True)
def deliver_due() -> int:
    """Send every notice that is due (the beat, every minute; ``notify_many`` after a bulk insert)."""
    from .outbox import deliver_due as send_waiting

    return send_waiting()
