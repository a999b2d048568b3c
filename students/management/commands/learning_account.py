import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from students.queries import StudentNotFound, statement_json


class Command(BaseCommand):
    help = "A student's learning-account statement at the end of DATE (default today): balance and movements."

    def add_arguments(self, parser):
        parser.add_argument("student", help="student number")
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today, Europe/Brussels)")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, student, as_of=None, format="text", **options):
        try:
            day = date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            raise CommandError(f"--as-of: '{as_of}' is not a date YYYY-MM-DD") from None
        try:
            data = statement_json(student, day)
        except StudentNotFound as exc:
            raise CommandError(str(exc)) from None
        if format == "json":
            self.stdout.write(json.dumps(data))
            return
        self.stdout.write(f"Learning account of {data['student']} at the end of {data['as_of']}")
        self.stdout.write(f"{'date':<11} {'kind':<12} {'credits':>7}  {'year':<9} {'unit':<10} rule")
        for m in data["movements"]:
            self.stdout.write(f"{m['on']:<11} {m['kind']:<12} {m['credits']:>+7d}  {m['academic_year'] or '':<9} "
                              f"{m['course_unit'] or '':<10} {m['rule']}")
        self.stdout.write(f"Balance: {data['balance']} credits")
