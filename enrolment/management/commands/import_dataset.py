import json
import sys

from django.core.management.base import BaseCommand, CommandError

from enrolment.dataset.importer import DatasetError, import_dataset


class Command(BaseCommand):
    help = "Validate an eel-dataset/1 file and load it in one transaction (nothing is loaded if anything is wrong)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the dataset (JSON); '-' reads standard input")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, save nothing")

    def handle(self, file, dry_run=False, **options):
        try:
            if file == "-":
                data = json.load(sys.stdin)
            else:
                with open(file, encoding="utf-8") as fh:
                    data = json.load(fh)
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file}: not UTF-8 text") from None
        except json.JSONDecodeError as exc:
            raise CommandError(f"{file}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
        except RecursionError:
            raise CommandError(f"{file}: not a dataset (lists or objects nested too deeply)") from None
        except ValueError as exc:  # e.g. a number of thousands of digits
            raise CommandError(f"{file}: not valid JSON ({exc})") from None
        try:
            report = import_dataset(data, dry_run=dry_run, source=file, release=True)
        except DatasetError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(exc.problems)} problem(s); nothing was imported.") from None
        self.stdout.write(report.summary())
