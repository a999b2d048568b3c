"""The deadline sweeps (rules.md section 9): the registry, shared by ``run_deadlines``, the Celery tasks and the
beat schedule.

A sweep is a service function ``(as_of: date) -> SweepResult`` that applies one dated rule to everything due on
``as_of`` (so it catches up on whatever fell due while nothing ran). It is idempotent by unique keys and row
locks: running it twice, or on two workers at once, has the effect of running it once. The functions are named
by dotted path so this module imports no app (settings read it for the beat schedule).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module


@dataclass(frozen=True)
class Ref:
    """A record a sweep touched: ``model`` is ``app_label.model_name``, ``label`` words a person reads."""

    model: str
    pk: int
    label: str = ""

    def as_json(self) -> dict:
        return {"model": self.model, "pk": self.pk, "label": self.label}


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did: the records it changed (``affected``) and those it left with a reason (``skipped``)."""

    affected: tuple[Ref, ...] = ()
    skipped: tuple[tuple[Ref, str], ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def count(self) -> int:
        return len(self.affected)


@dataclass(frozen=True)
class Sweep:
    name: str
    rule: str  # rule ID(s) of rules.md, e.g. "EX-2"
    title: str
    function: str  # dotted path of the service ``(as_of) -> SweepResult``
    hour: int  # the beat runs it daily at this local time
    minute: int

    @property
    def task_name(self) -> str:
        return f"sweeps.{self.name}"

    def load(self):
        module, _, attr = self.function.rpartition(".")
        return getattr(import_module(module), attr)


SWEEPS: tuple[Sweep, ...] = (
    Sweep("la6_refund_windows", "LA-6/LA-7",
          "Learning-account refund windows close on 1 December and 15 March; the deductions are final",
          "students.sweeps.close_refund_windows", hour=0, minute=5),
    Sweep("ex2_second_opportunity_absent", "EX-2",
          "A for the second opportunity of failed units not registered by 8 August (UH 12.2.5)",
          "examinations.services.sweeps.absent_for_unregistered", hour=1, minute=10),
)


def get(name: str) -> Sweep:
    for sweep in SWEEPS:
        if sweep.name == name:
            return sweep
    raise KeyError(name)


def beat_schedule() -> dict:
    """The static beat schedule: every sweep daily; a sweep applies everything due, so a missed day catches
    up on the next run."""
    from celery.schedules import crontab

    return {sweep.name: {"task": sweep.task_name, "schedule": crontab(hour=sweep.hour, minute=sweep.minute)}
            for sweep in SWEEPS}
