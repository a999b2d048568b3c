"""``python manage.py apply_retention [--as-of DATE] [--dry-run] [--by USERNAME]``: remove what EX-9 (UH 15.4.4)
no longer requires: the evidence files of appeals and the PDF copies attached to their sent notices, once the
contested exam's five years have ended. Prints every item; ``--dry-run`` only lists them. See
:mod:`examinations.services.retention`."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from config.clock import today
from examinations.services.retention import apply_retention


class Command(BaseCommand):
    help = "Remove appeal documents and notice attachments past their EX-9 retention (UH 15.4.4)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="the day to apply the retention for, YYYY-MM-DD (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="list what would be removed, remove nothing")
        parser.add_argument("--by", help="user name recorded in the audit event as the one who ran it")

    def handle(self, *args, as_of=None, dry_run=False, by=None, **options):
        try:
            day = date.fromisoformat(as_of) if as_of else today()
        except ValueError as bad:
            raise CommandError(f"--as-of: {as_of!r} is not a date like 2032-02-02") from bad
        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"--by: no user named {by!r}")
        removals = apply_retention(day, by=user, dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        for r in removals:
            self.stdout.write(f"{verb}: {r.line()}")
        self.stdout.write(f"apply_retention (EX-9) as of {day.isoformat()}: {verb} {len(removals)}")
