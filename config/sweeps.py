"""The deadline sweeps (rules.md section 9): the registry, shared by ``run_deadlines``, the Celery tasks and the
beat schedule.

A sweep is a service function ``(as_of: date) -> SweepResult`` that applies one dated rule to everything due on
``as_of`` (so it catches up on whatever fell due while nothing ran). It is idempotent by unique keys and row
locks: running it twice, or on two workers at once, has the effect of running it once. The functions are named
by dotted path so this module imports no app (settings read it for the beat schedule).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from importlib import import_module

from django.utils.translation import gettext_lazy as _


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
class Due:
    """Something that falls due on ``due_on`` (for the Deadlines page): the rule, the programme it concerns
    (``""`` when it concerns the whole institution), words a person reads, and the record when there is one."""

    rule: str
    due_on: date
    what: str
    programme: str = ""
    ref: Ref | None = None


@dataclass(frozen=True)
class Sweep:
    name: str
    rule: str  # rule ID(s) of rules.md, e.g. "EX-2"
    title: str
    function: str  # dotted path of the service ``(as_of) -> SweepResult``
    hour: int  # the beat runs it daily at this local time
    minute: int
    # dotted path of ``(start: date, end: date) -> list[Due]``: what this rule makes fall due in [start, end]
    upcoming: str = ""

    @property
    def task_name(self) -> str:
        return f"sweeps.{self.name}"

    def load(self):
        return _load(self.function)

    def load_upcoming(self):
        return _load(self.upcoming) if self.upcoming else None


def _load(dotted: str):
    module, _, attr = dotted.rpartition(".")
    return getattr(import_module(module), attr)


SWEEPS: tuple[Sweep, ...] = (
    Sweep("en5_no_study_programme", "EN-5",
          _("Contracts without a study programme two months after enrolment are deregistered (UH 4.1.1)"),
          "enrolment.deadline_sweeps.deregister_without_programme", hour=0, minute=2,
          upcoming="enrolment.deadline_sweeps.upcoming_without_programme"),
    Sweep("la6_refund_windows", "LA-6/LA-7",
          _("Learning-account refund windows close on 1 December and 15 March; the deductions are final"),
          "students.sweeps.close_refund_windows", hour=0, minute=5,
          upcoming="students.sweeps.upcoming_refund_windows"),
    Sweep("en6_year_long_deregistration", "EN-6",
          _("Deregistration from year-long units closes on 15 December (UH 3.4)"),
          "enrolment.deadline_sweeps.close_year_long_deregistration", hour=0, minute=8,
          upcoming="enrolment.deadline_sweeps.upcoming_year_long_deregistration"),
    Sweep("en10_special_circumstances", "EN-10",
          _("Reminders of the special-circumstances application dates (UH 4.6.3)"),
          "enrolment.deadline_sweeps.remind_special_circumstances", hour=7, minute=0,
          upcoming="enrolment.deadline_sweeps.upcoming_special_circumstances"),
    Sweep("la12_rebuild", "LA-12",
          _("Yearly learning-account rebuild (+10 per year, up to 60)"),
          "students.sweeps.rebuild_learning_accounts", hour=0, minute=15,
          upcoming="students.sweeps.upcoming_rebuild"),
    Sweep("ex2_second_opportunity_absent", "EX-2",
          _("A for the second opportunity of failed units not registered by 8 August (UH 12.2.5)"),
          "examinations.services.sweeps.absent_for_unregistered", hour=1, minute=10,
          upcoming="examinations.services.sweeps.upcoming_second_opportunity"),
    Sweep("ex3_retake_requests", "EX-3",
          _("Tolerated-fail retake requests close 10 working days after the announcement (UH 12.2.6)"),
          "examinations.services.sweeps.close_retake_requests", hour=1, minute=20,
          upcoming="examinations.services.sweeps.upcoming_retake_requests"),
    Sweep("ex10_material_errors", "EX-10",
          _("Material-error windows: reports 10 days after the decision, decisions 10 days after the report "
            "(UH 15.5)"),
          "examinations.services.sweeps.flag_material_errors", hour=1, minute=30,
          upcoming="examinations.services.sweeps.upcoming_material_errors"),
    Sweep("ir1_irregularity_reports", "IR-1",
          _("Irregularity reports due within 5 working days of discovery (UH 18.1)"),
          "examinations.services.sweeps.flag_late_irregularity_reports", hour=1, minute=40,
          upcoming="examinations.services.sweeps.upcoming_irregularity_reports"),
    Sweep("ir5_sanction_notices", "IR-5",
          _("Sanction decisions to the student within 5 (rector: 10) calendar days (UH 18.3.2-3)"),
          "examinations.services.sweeps.flag_late_sanction_notices", hour=1, minute=45,
          upcoming="examinations.services.sweeps.upcoming_sanction_notices"),
    Sweep("ex9_script_retention", "EX-9",
          _("Exam scripts kept until 1 February of the next year, five years when appealed (UH 15.4.4)"),
          "examinations.services.sweeps.list_script_retention", hour=2, minute=0,
          upcoming="examinations.services.sweeps.upcoming_script_retention"),
    Sweep("ap2_appeal_windows", "AP-2",
          _("Internal-appeal windows close 7 calendar days after proclamation or notification (UH 19.3.2)"),
          "appeals.services.sweeps.close_appeal_windows", hour=0, minute=20,
          upcoming="appeals.services.sweeps.upcoming_appeal_windows"),
    Sweep("ap6_hearing_invitations", "AP-6",
          _("Hearings whose invitation did not go out 24 hours ahead cannot hear the student (UH 19.4.2)"),
          "appeals.services.sweeps.refuse_late_invitations", hour=0, minute=25,
          upcoming="appeals.services.sweeps.upcoming_hearings"),
    Sweep("ap7_decision_deadlines", "AP-7/AP-8",
          _("Appeals nearing and past their 20-day decision date; the AP-8 consequence (UH 19.4.4-7)"),
          "appeals.services.sweeps.flag_decision_deadlines", hour=0, minute=30,
          upcoming="appeals.services.sweeps.upcoming_decision_deadlines"),
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

    schedule = {sweep.name: {"task": sweep.task_name, "schedule": crontab(hour=sweep.hour, minute=sweep.minute)}
                for sweep in SWEEPS}
    # The outbox: notices whose own task was lost (broker down, worker killed) go out within a minute.
    schedule["outbox_deliver_due"] = {"task": "outbox.deliver_due", "schedule": crontab(minute="*")}
    return schedule
