import json

from django.core.management.base import BaseCommand

from enrolment.dataset.exporter import export_dataset


def write_dataset(data: dict, write) -> None:
    """The data set as JSON, one record of each section per line: readable, diffable, and written by the C encoder
    (``json.dump`` with an indent runs the pure-Python encoder: minutes for a large university)."""
    write("{\n")
    last = len(data) - 1
    for i, (key, value) in enumerate(data.items()):
        write(json.dumps(key) + ": ")
        if isinstance(value, list) and value:
            write("[\n")
            for j, item in enumerate(value):
                write(json.dumps(item, ensure_ascii=False) + (",\n" if j < len(value) - 1 else "\n"))
            write("]")
        else:
            write(json.dumps(value, ensure_ascii=False))
        write(",\n" if i < last else "\n")
    write("}\n")


class Command(BaseCommand):
    help = "Write the database as an eel-dataset/1 file (standard output when no FILE is given)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="where to write; default standard output")

    def handle(self, file=None, **options):
        data = export_dataset()
        if file and file != "-":
            with open(file, "w", encoding="utf-8") as fh:
                write_dataset(data, fh.write)
        else:
            write_dataset(data, lambda text: self.stdout.write(text, ending=""))
