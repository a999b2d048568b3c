"""``python manage.py benchmark --students N [--seed S] [--repeat K] [--json FILE]``

Generates a data set of N students (``generate_dataset``), imports it (``import_dataset``) and measures what staff
wait for in the busiest weeks (issue 8): the deliberation proposal of the largest programme beside a one-query
floor, 1,000 learning-account statements, the student list and page, a 10,000-row XLSX results file, the deadline
sweeps of a busy day and their repeat, and ``export_dataset``. Prints a table and writes the same as JSON.

The data of ``DATABASE_URL``'s database is never touched: the benchmark drops and creates ``<name>_bench`` beside
it and works there (see ``enrolment.bench.database``). SQLite is refused above 10,000 students.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from enrolment.bench import database
from enrolment.bench.runner import Options, run
from enrolment.bench.stats import table

SQLITE_LIMIT = 10_000


class Command(BaseCommand):
    help = ("Generate and import N students into <database>_bench and measure the busiest operations; prints a "
            "table and writes JSON.")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, required=True, help="number of students to generate")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument("--repeat", type=int, default=10,
                            help="runs per measure (default 10; measures that change data run at most 3 times)")
        parser.add_argument("--json", dest="json_file", help="also write the report as JSON to this file")
        parser.add_argument("--workdir", help="where the generated files go (default: a new temporary directory)")
        parser.add_argument("--result-rows", type=int, default=10_000,
                            help="rows of the results file (default 10,000)")
        parser.add_argument("--in-place", action="store_true",
                            help="use the configured database as it is (it must hold no students): for tests")
        parser.add_argument("--drop", action="store_true", help="drop the benchmark database afterwards")

    def handle(self, *args, students, seed, repeat, json_file=None, workdir=None, result_rows=10_000,
               in_place=False, drop=False, **options):
        if students < 1 or repeat < 1:
            raise CommandError("--students and --repeat must be at least 1")
        if database.engine() == "sqlite" and students > SQLITE_LIMIT:
            raise CommandError(f"SQLite is for at most {SQLITE_LIMIT:,} students; set DATABASE_URL to PostgreSQL "
                               "for a larger benchmark.")
        from django.conf import settings

        original = settings.DATABASES["default"]["NAME"]
        url = os.environ.get("DATABASE_URL")
        try:
            self.bench(students, seed, repeat, json_file, workdir, result_rows, in_place, drop, original)
        finally:  # this process and its environment point at the configured database again
            if settings.DATABASES["default"]["NAME"] != original:
                database.use(str(original))
            if url is None:
                os.environ.pop("DATABASE_URL", None)
            else:
                os.environ["DATABASE_URL"] = url

    def bench(self, students, seed, repeat, json_file, workdir, result_rows, in_place, drop, original):
        if in_place:
            from students.models import Student

            if Student.objects.exists():
                raise CommandError("--in-place needs a database without students; without it the benchmark "
                                   "works in a database of its own.")
            database.use(original)  # the commands it starts use this database too
        else:
            name = database.bench_name(str(original))
            self.stderr.write(f"Benchmark database: {name} (dropped and created; {original} is not touched)")
            database.recreate(name)
            database.use(name)
            call_command("migrate", verbosity=0, interactive=False)
        work = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="eel-bench-"))
        self.stderr.write(f"Files in {work}")
        options = Options(students=students, seed=seed, repeat=repeat, workdir=work, result_rows=result_rows,
                          in_place=in_place)

        def progress(report):  # a long run that is stopped half-way still leaves what it measured
            if json_file:
                Path(json_file).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")

        report, measures = run(options, log=lambda text: self.stderr.write(text), progress=progress)
        self.stdout.write(f"EEL Office benchmark: {students} students, seed {seed}, {report['database']}, "
                          f"{report['machine']['cores']} cores ({report['machine']['cpu']})")
        self.stdout.write(table(measures))
        if json_file:
            Path(json_file).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        if drop and not in_place:
            database.use(str(original))
            database.drop(name)
            self.stderr.write(f"Dropped {name}")
        failed = [m["name"] for m in report["measures"] if m.get("error")]
        if failed:
            raise CommandError(f"measures that failed: {', '.join(failed)}")

