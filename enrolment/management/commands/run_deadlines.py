"""``python manage.py run_deadlines [--as-of DATE]``: every deadline sweep (rules.md section 9) for that day,
synchronously, through the same service the Celery tasks call; prints what each did."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from config import sweeps
from enrolment.sweeps import run_sweep


class Command(BaseCommand):
    help = "Apply every deadline sweep due as of a date (default: today) and print what each did."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="the day to apply the deadlines for, YYYY-MM-DD (default: today)")
        parser.add_argument("--only", action="append", choices=[s.name for s in sweeps.SWEEPS],
                            help="run only this sweep (may be repeated)")

    def handle(self, *args, as_of=None, only=None, **options):
        try:
            day = date.fromisoformat(as_of) if as_of else None
        except ValueError as bad:
            raise CommandError(f"--as-of: {as_of!r} is not a date like 2027-08-09") from bad
        for sweep in sweeps.SWEEPS:
            if only and sweep.name not in only:
                continue
            run = run_sweep(sweep.name, day)
            self.stdout.write(f"{sweep.name} ({sweep.rule}) as of {run.as_of}: {run.count} changed, "
                              f"{len(run.skipped)} left")
            for ref in run.affected:
                self.stdout.write(f"  + {ref['label'] or ref['model'] + ' ' + str(ref['pk'])}")
            for ref in run.skipped:
                self.stdout.write(f"  - {ref['label']}: {ref['reason']}")
