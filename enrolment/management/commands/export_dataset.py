import json

from django.core.management.base import BaseCommand

from enrolment.dataset.exporter import export_dataset


class Command(BaseCommand):
    help = "Write the database as an eel-dataset/1 file (standard output when no FILE is given)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="where to write; default standard output")

    def handle(self, file=None, **options):
        data = export_dataset()
        if file and file != "-":
            with open(file, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=1, ensure_ascii=False)
                fh.write("\n")
        else:
            self.stdout.write(json.dumps(data, indent=1, ensure_ascii=False))
