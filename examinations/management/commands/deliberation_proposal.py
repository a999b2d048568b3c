import csv
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from examinations.queries import ProposalError, deliberation_proposal
from examinations.rules import NoDeliberationRules


class Command(BaseCommand):
    help = "The deliberation proposal for every student of a programme in an academic year (DL-1 .. DL-8)."

    def add_arguments(self, parser):
        parser.add_argument("programme")
        parser.add_argument("academic_year")
        parser.add_argument("--opportunity", type=int, choices=[1, 2], default=1)
        parser.add_argument("--format", choices=["text", "json", "csv"], default="text")

    def handle(self, programme, academic_year, opportunity=1, format="text", **options):
        try:
            data = deliberation_proposal(programme, academic_year, opportunity)
        except (ProposalError, NoDeliberationRules) as exc:
            raise CommandError(str(exc)) from None
        if format == "json":
            self.stdout.write(json.dumps(data))
            return
        if format == "csv":
            writer = csv.writer(sys.stdout)
            writer.writerow(["student", "package", "complete", "credits_taken", "weighted_percentage", "failed",
                             "tolerated", "passed", "programme_passed", "distinction"])
            for s in data["students"]:
                for p in s["packages"]:
                    writer.writerow([s["student"], p["package"] if p["package"] is not None else "", p["complete"],
                                     p["credits_taken"], "" if p["weighted_percentage"] is None
                                     else p["weighted_percentage"], " ".join(p["failed"]), " ".join(p["tolerated"]),
                                     p["passed"], s["programme_passed"], s["distinction"] or ""])
            return
        self.stdout.write(f"Deliberation proposal {data['programme']} {data['academic_year']}, "
                          f"opportunity {data['opportunity']}: {len(data['students'])} students")
        for s in data["students"]:
            verdict = "programme passed" if s["programme_passed"] else "programme not (yet) passed"
            extra = f", {s['distinction'].replace('_', ' ')}" if s["distinction"] else ""
            self.stdout.write(f"\n{s['student']}: {verdict}{extra}")
            for p in s["packages"]:
                label = f"package {p['package']}" if p["package"] else "programme"
                self.stdout.write(f"  {label}: {'PASSED' if p['passed'] else 'not passed'}, "
                                  f"{p['credits_taken']} credits, {p['weighted_percentage']}%")
                for reason in p["reasons"]:
                    self.stdout.write(f"    - {reason}")
