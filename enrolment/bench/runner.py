"""The benchmark of issue 8: generate and import a university-sized data set, then measure what staff wait for.

Every measure runs ``repeat`` times (the heavy ones, which change data, ``min(repeat, 3)`` times) and reports the
median and the nearest-rank 95th percentile. A run that changes data and is not the last one is rolled back, so
every run starts from the same state; the last one commits, as staff would. Queries are counted with Django's
``CaptureQueriesContext`` (the most seen in one run). Peak memory is the maximum resident set size
(``ru_maxrss`` from ``wait4``) of the ``import_dataset`` process: the command runs in a process of its own, as
staff would run it, so the figure is that command's alone.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse

from . import database
from .stats import Measure, machine

SWEEP_DAY = (8, 9)  # the day after second-opportunity registration closed (EX-2): much falls due
RESULTS_UNTIL = (8, 8)  # the data set is as on the last day of that registration
GIB = 1024


@dataclass
class Options:
    students: int
    seed: int = 1
    repeat: int = 10
    workdir: Path | None = None
    result_rows: int = 10_000
    statements: int = 1000
    in_place: bool = False
    year: str = "2026-2027"

    @property
    def heavy(self) -> int:
        return max(1, min(self.repeat, 3))


class Benchmark:
    def __init__(self, options: Options, log=print, progress=None):
        self.o = options
        self.log = log
        self.progress = progress or (lambda report: None)  # called with the report so far before each step
        self.machine: dict = {}
        self.measures: list[Measure] = []
        self.meta: dict = {}
        end_year = int(options.year[5:])
        self.sweep_day = date(end_year, *SWEEP_DAY)
        self.results_until = date(end_year, *RESULTS_UNTIL)

    # ----------------------------------------------------------------------------------------------- helpers
    def measure(self, name: str, target: str | None = None, limit: float | None = None, unit: str = "s"):
        m = Measure(name, target, limit, unit)
        self.measures.append(m)
        return m

    @contextmanager
    def timed(self, m: Measure, rollback: bool = False):
        """Time one run of ``m`` and count its queries (every statement sent, ``COPY`` excepted); ``rollback``
        undoes what the run wrote."""
        counter = _Counter()
        with connection.execute_wrapper(counter):
            start = time.perf_counter()
            if rollback:
                with transaction.atomic():
                    yield
                    elapsed = time.perf_counter() - start
                    transaction.set_rollback(True)
            else:
                yield
                elapsed = time.perf_counter() - start
        m.samples.append(elapsed)
        m.count(counter.n)

    def guarded(self, m: Measure, body) -> None:
        try:
            body(m)
        except Exception as error:  # one failing measure must not hide the others
            m.error = f"{type(error).__name__}: {error}"[:500]
            self.log(f"  {m.name}: {m.error}")

    def manage(self, *args: str, log_name: str) -> tuple[float, int, int]:
        """Run ``manage.py args`` in a child process: (seconds, exit code, peak resident memory in KiB)."""
        out = self.o.workdir / f"{log_name}.log"
        with open(out, "wb") as fh:
            start = time.perf_counter()
            proc = subprocess.Popen([sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
                                    stdout=fh, stderr=subprocess.STDOUT, env=os.environ.copy(),
                                    cwd=settings.BASE_DIR)
            _pid, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        return elapsed, proc.returncode, usage.ru_maxrss

    def child_failed(self, m: Measure, code: int, log_name: str) -> None:
        if code != 0:
            tail = (self.o.workdir / f"{log_name}.log").read_text(errors="replace")[-1500:]
            raise RuntimeError(f"exit code {code}: {tail}")

    # ----------------------------------------------------------------------------------------------- phases
    def run(self) -> dict:
        o = self.o
        o.workdir.mkdir(parents=True, exist_ok=True)
        source = o.workdir / f"generated-{o.students}-{o.seed}.json"
        dataset = o.workdir / f"dataset-{o.students}-{o.seed}.json"
        xlsx = o.workdir / f"results-{o.result_rows}.xlsx"
        meta = o.workdir / "inputs.json"
        started = time.time()
        self.machine = machine()  # the load average as the benchmark starts

        self.log(f"generate_dataset --students {o.students} --seed {o.seed}")
        m = self.measure("generate_dataset")

        def generate(m):
            seconds, code, rss = self.manage("generate_dataset", "--students", str(o.students), "--seed",
                                             str(o.seed), "--results-until", self.results_until.isoformat(),
                                             str(source), log_name="generate")
            self.child_failed(m, code, "generate")
            m.samples.append(seconds)
            m.extra["peak_memory_mib"] = round(rss / 1024)

        self.guarded(m, generate)
        if m.error:
            return self.report(started)

        self.log("preparing the inputs (results file, samples)")
        prep = subprocess.run([sys.executable, "-m", "enrolment.bench.prepare", str(source), str(dataset), str(xlsx),
                               str(meta), "--rows", str(o.result_rows), "--seed", str(o.seed), "--year", o.year],
                              cwd=settings.BASE_DIR, capture_output=True, text=True)
        if prep.returncode != 0:
            m = self.measure("prepare inputs")
            m.error = prep.stderr[-1500:]
            return self.report(started)
        self.meta = json.loads(meta.read_text(encoding="utf-8"))

        self.log("import_dataset")
        m = self.measure("import_dataset (one transaction)", "<= 600 s, peak memory <= 3 GiB", 600)
        m.extra["peak_memory_limit_mib"] = 3 * GIB

        def load(m):
            seconds, code, rss = self.manage("import_dataset", str(dataset), log_name="import")
            self.child_failed(m, code, "import")
            m.samples.append(seconds)
            m.extra["peak_memory_mib"] = round(rss / 1024)
            m.extra["peak_memory_source"] = "ru_maxrss of the import_dataset process (wait4)"

        self.guarded(m, load)
        if m.error:
            return self.report(started)

        self.user = self.bench_user()
        # Mail the sweeps send (reminders, notices) stays in memory: a benchmark writes to no one.
        mail = override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
        mail.enable()
        try:
            self.steps(started)
        finally:
            mail.disable()
        return self.report(started)

    def steps(self, started: float) -> None:
        for step in (self.deliberation, self.learning_accounts, self.pages, self.results_file, self.sweeps,
                     self.export):
            self.progress(self.report(started))
            self.log(step.__name__)
            done = len(self.measures)
            step()
            for m in self.measures[done:]:
                self.log(f"  {m.name}: median {m.median}, p95 {m.p95}, queries {m.queries}, ok {m.ok}")

    def report(self, started: float) -> dict:
        return {
            "machine": self.machine,
            "database": self.safe(database.server_version),
            "students": self.o.students,
            "seed": self.o.seed,
            "repeat": self.o.repeat,
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
            "total_s": round(time.time() - started, 1),
            "inputs": {k: v for k, v in self.meta.items() if k not in ("statement_students", "page_students")},
            "measures": [m.as_json() for m in self.measures],
        }

    @staticmethod
    def safe(f):
        try:
            return f()
        except Exception as error:
            return f"unknown ({type(error).__name__})"

    def bench_user(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from config.access import Role

        user, _ = get_user_model().objects.get_or_create(username="benchmark-administration")
        user.groups.add(Group.objects.get_or_create(name=Role.STUDENT_ADMIN)[0])
        return user

    # ---------------------------------------------------------------------------------------------- measures
    def deliberation(self):
        programme, year = self.meta["largest_programme"], self.meta["year"]
        label = f"{programme}, {self.meta['largest_programme_students']} students"
        proposal = self.measure(f"deliberation_proposal ({label})")
        floor = self.measure("floor: one SQL query, weighted percentage per student")
        ratio = self.measure("deliberation_proposal / floor", "<= 3x", 3, unit="ratio")
        sql, params = floor_query(programme, year)

        def run(_m):
            students = None
            for _ in range(self.o.repeat):
                out = io.StringIO()
                with self.timed(proposal):
                    call_command("deliberation_proposal", programme, year, "--format", "json", stdout=out)
                students = len(json.loads(out.getvalue())["students"])
                with self.timed(floor):
                    with connection.cursor() as cursor:
                        cursor.execute(sql, params)
                        rows = cursor.fetchall()
            proposal.extra["students"] = students
            floor.extra["students"] = len(rows)
            ratio.samples = [proposal.median / floor.median]
            ratio.extra["p95_ratio"] = round(proposal.p95 / floor.p95, 2)

        self.guarded(proposal, run)
        if proposal.error:
            ratio.error = floor.error = "see deliberation_proposal"

    def learning_accounts(self):
        m = self.measure(f"learning_account --format json ({len(self.meta['statement_students'])} random students)",
                         "p95 <= 0.1 s", 0.1)
        as_of = self.sweep_day.isoformat()

        def run(m):
            for number in self.meta["statement_students"]:
                with self.timed(m):
                    call_command("learning_account", number, "--as-of", as_of, "--format", "json",
                                 stdout=io.StringIO())

        self.guarded(m, run)

    def pages(self):
        from enrolment.models import AcademicYear, Programme

        client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip("."))
        client.force_login(self.user)
        plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        filters = self.meta["list_filter"]
        query = {"q": self.meta["list_search"], "kind": filters["kind"],
                 "programme": Programme.objects.get(code=filters["programme"]).pk,
                 "academic_year": AcademicYear.objects.get(code=self.meta["year"]).pk}
        listing = self.measure("student list, filtered and searched (test client)", "p95 <= 0.3 s", 0.3)
        everyone = self.measure("student list, first page of everyone (test client)", "p95 <= 0.3 s", 0.3)
        page = self.measure("student page (test client)", "p95 <= 0.3 s", 0.3)
        url = reverse("students:list")

        def get(m, path, data=None):
            with self.timed(m):
                response = client.get(path, data)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: HTTP {response.status_code}")
            return response

        # Static files are served by WhiteNoise in production; the pages are rendered without the manifest.
        with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}):
            get(Measure("warm-up"), url, query)

            def run_list(m):
                for _ in range(self.o.repeat):
                    get(m, url, query)

            def run_everyone(m):
                for _ in range(self.o.repeat):
                    get(m, url)

            def run_page(m):
                numbers = self.meta["page_students"]
                for i in range(self.o.repeat):
                    get(m, reverse("students:detail", args=[numbers[i % len(numbers)]]))

            self.guarded(listing, run_list)
            self.guarded(everyone, run_everyone)
            self.guarded(page, run_page)

    def results_file(self):
        from examinations.models import ExamPeriod
        from examinations.results_import import read_results_file
        from examinations.services.results_import import apply_import

        rows = self.meta["results_rows"]
        m = self.measure(f"results file import, {rows} rows XLSX ({self.meta['results_period']})",
                         "<= 10 s", 10)
        path = self.o.workdir / f"results-{self.o.result_rows}.xlsx"
        period = ExamPeriod.objects.get(academic_year__code=self.meta["year"], code=self.meta["results_period"])

        def run(m):
            data = path.read_bytes()
            for i in range(self.o.heavy):
                with self.timed(m, rollback=i < self.o.heavy - 1):
                    parsed = read_results_file(data, ".xlsx")
                    plan = apply_import(self.user, period, parsed, path.name)
                if len(plan.new) != rows:
                    raise RuntimeError(f"{len(plan.new)} results recorded, {rows} expected")

        self.guarded(m, run)

    def sweeps(self):
        day = self.sweep_day.isoformat()
        first = self.measure(f"run_deadlines --as-of {day}", "<= 60 s", 60)
        again = self.measure(f"run_deadlines --as-of {day}, again", "<= 5 s", 5)

        def run_first(m):
            for i in range(self.o.heavy):
                out = io.StringIO()
                with self.timed(m, rollback=i < self.o.heavy - 1):
                    call_command("run_deadlines", "--as-of", day, stdout=out)
            m.extra["changed"] = changed(out.getvalue())
            m.extra["per_sweep_s"] = per_sweep(day)

        def run_again(m):
            for _ in range(self.o.repeat):
                out = io.StringIO()
                with self.timed(m):
                    call_command("run_deadlines", "--as-of", day, stdout=out)
                if changed(out.getvalue()):
                    raise RuntimeError(f"the repeat changed {changed(out.getvalue())} records")
            m.extra["changed"] = 0
            m.extra["per_sweep_s"] = per_sweep(day)

        self.guarded(first, run_first)
        if first.error:
            again.error = "see the first run"
        else:
            self.guarded(again, run_again)

    def export(self):
        m = self.measure("export_dataset (everything)")
        target = self.o.workdir / "export.json"

        def run(m):
            for _ in range(self.o.heavy):
                with self.timed(m):
                    call_command("export_dataset", str(target))
            m.extra["bytes"] = target.stat().st_size

        self.guarded(m, run)


class _Counter:
    """A ``connection.execute_wrapper`` that counts statements (``executemany`` counts once)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def per_sweep(day: str) -> dict[str, float]:
    """Seconds per sweep of the last committed ``run_deadlines`` for ``day``, from the sweep-run log."""
    from config import sweeps
    from enrolment.models import SweepRun

    out = {}
    for run in SweepRun.objects.filter(as_of=day, finished_at__isnull=False).order_by("-started_at")[
            :len(sweeps.SWEEPS)]:
        out.setdefault(run.name, round((run.finished_at - run.started_at).total_seconds(), 3))
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def changed(output: str) -> int:
    """The number of records the sweeps changed, from ``run_deadlines``' summary lines."""
    total = 0
    for line in output.splitlines():
        if " changed, " in line and not line.startswith(" "):
            total += int(line.split(": ", 1)[1].split(" changed", 1)[0])
    return total


def floor_query(programme: str, year: str) -> tuple[str, list]:
    """The floor beside ``deliberation_proposal``: one hand-written query over the same rows (the programme's
    study-programme lines of the year, not removed, of active diploma and exam contracts, with their current
    first-opportunity numeric results) that computes only the credit-weighted percentage per student (DL-1)."""
    from enrolment.models import AcademicYear, CourseUnit, Programme, ProgrammeLine, StudyContract
    from examinations.models import Result
    from students.models import Student

    t = {m.__name__: connection.ops.quote_name(m._meta.db_table)
         for m in (ProgrammeLine, StudyContract, CourseUnit, Student, Result, Programme, AcademicYear)}
    sql = f"""
        SELECT s.number, ROUND(100.0 * SUM(r.grade * u.credits) / (20 * SUM(u.credits))) AS weighted_percentage
        FROM {t['ProgrammeLine']} l
        JOIN {t['StudyContract']} c ON c.id = l.contract_id
        JOIN {t['Programme']} p ON p.id = c.programme_id
        JOIN {t['AcademicYear']} y ON y.id = l.academic_year_id
        JOIN {t['CourseUnit']} u ON u.id = l.course_unit_id
        JOIN {t['Student']} s ON s.id = l.student_id
        JOIN {t['Result']} r ON r.student_id = l.student_id AND r.academic_year_id = l.academic_year_id
             AND r.course_unit_id = l.course_unit_id AND r.is_current AND r.opportunity = 1 AND r.outcome = %s
        WHERE p.code = %s AND y.code = %s AND l.removed_on IS NULL AND c.deregistered_on IS NULL
          AND c.kind IN (%s, %s)
        GROUP BY s.number
        ORDER BY s.number
    """
    return sql, ["numeric", programme, year, "diploma", "exam"]


def run(options: Options, log=print, progress=None) -> tuple[dict, list[Measure]]:
    """The report (JSON-ready) and the measures behind it."""
    bench = Benchmark(options, log, progress)
    return bench.run(), bench.measures
