"""``python manage.py generate_dataset --students N [--seed S] [--years 2025-2026,2026-2027] FILE``

Writes a realistic, deterministic ``eel-dataset/1`` file (FILE ``-``: standard output). The same arguments give
byte-identical output. No database is touched.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from enrolment.dataset.generate import generate


class Command(BaseCommand):
    help = "Write a generated eel-dataset/1 file (deterministic for a seed); FILE '-' writes to standard output."
    requires_system_checks = []  # pure generation: no models, no database

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, required=True, help="number of students")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument("--years", default="2025-2026,2026-2027",
                            help="comma-separated academic years (default 2025-2026,2026-2027)")
        parser.add_argument("--results-until", default="2026-11-23",
                            help="write results published on or before this date (default 2026-11-23)")
        parser.add_argument("file", help="where to write; '-' for standard output")

    def handle(self, *args, students, seed, years, results_until, file, **options):
        year_codes = tuple(y.strip() for y in years.split(",") if y.strip())
        try:
            data = generate(students, seed=seed, years=year_codes, results_until=results_until)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        text = json.dumps(data, indent=1, sort_keys=False, ensure_ascii=False) + "\n"
        if file == "-":
            buffer = getattr(self.stdout, "buffer", None)
            if buffer is not None:  # bytes, so that a non-UTF-8 terminal locale cannot break the names
                self.stdout.flush()
                buffer.write(text.encode("utf-8"))
                buffer.flush()
            else:
                self.stdout.write(text, ending="")
        else:
            with open(file, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        summary = (f"{len(data['students'])} students, {len(data['programmes'])} programmes, "
                   f"{len(data['enrolments'])} enrolments, {len(data['results'])} results, "
                   f"{len(data['degrees'])} degrees")
        self.stderr.write(f"Generated {summary}" + ("" if file == "-" else f" into {file}"))
