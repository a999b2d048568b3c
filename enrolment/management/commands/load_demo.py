from django.core.management.base import BaseCommand

from appeals.demo_committee import ensure_demo_committee as ensure_demo_appeals_committee
from appeals.demo_intake import ensure_demo_intake
from appeals.demo_ombuds import ensure_demo_ombuds
from enrolment.dataset.generate import generate
from enrolment.dataset.importer import DatasetError, import_dataset
from examinations.demo_committee import ensure_demo_committee
from examinations.demo_irregularities import ensure_demo_irregularities
from examinations.demo_results import ensure_demo_results
from students.demo import DEMO_PASSWORD, ensure_demo_users
from students.models import Student


class Command(BaseCommand):
    help = "Load the demo data set (eel-dataset/1, generated for a seed) and one demo user per role. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=240)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, students=240, seed=2026, **options):
        if Student.objects.exists():
            # Staff may have enrolled, corrected and withdrawn since the first load: importing the generated
            # file again would contradict that work, so a database that holds students is left as it is.
            self.stdout.write(
                "Demo data already loaded: the database holds students, so nothing is imported. "
                "To start again from the demo data, delete db.sqlite3 and run scripts/demo.sh."
            )
            self._users_and_examinations()
            return
        data = generate(students, seed=seed)
        try:
            report = import_dataset(data, source="demo dataset")
        except DatasetError as exc:
            for problem in exc.problems[:50]:
                self.stderr.write(problem)
            raise
        self.stdout.write(f"Demo data: {report.summary()}")
        self._users_and_examinations()

    def _users_and_examinations(self):
        users = ensure_demo_users()
        self.stdout.write(f"Demo users (password '{DEMO_PASSWORD}'): {', '.join(users)}")
        # Each is idempotent: the demo lecturer's units to grade, a committee with an open meeting, one
        # irregularity file.
        units = ensure_demo_results()
        self.stdout.write(f"Demo lecturer coordinates: {', '.join(units) or 'nothing'}")
        ensure_demo_committee()
        ensure_demo_irregularities()
        ensure_demo_appeals_committee()
        ensure_demo_intake()
        ensure_demo_ombuds()
