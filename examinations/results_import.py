"""Reading a results file (CSV or XLSX) into plain rows: student number, course unit code, grade.

Only reading: what the rows mean is checked by :mod:`examinations.services.results_import`. The header row may
name the columns in English or in Dutch; other columns (a name, a remark) are ignored. Limits: 5 MB, 50,000 rows.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
EXTENSIONS = (".csv", ".xlsx")
CONTENT_TYPES = {
    ".csv": {"text/csv", "text/plain", "application/csv", "application/vnd.ms-excel", "text/comma-separated-values",
             "application/octet-stream", ""},
    ".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/octet-stream",
              "application/zip", ""},
}

# Accepted header names, normalised (lower case, single spaces, no punctuation).
COLUMNS = {
    "student": {"student number", "student", "student no", "student nr", "number", "studentnummer", "stamnummer",
                "studentnr", "student id"},
    "unit": {"course unit code", "course unit", "unit code", "unit", "code", "course", "course code",
             "opleidingsonderdeel", "code opleidingsonderdeel", "olod", "olod code", "vakcode", "vak"},
    "grade": {"grade", "result", "score", "mark", "cijfer", "resultaat", "examencijfer", "score op 20", "punt",
              "punten"},
}
COLUMN_NAMES = {"student": "student number", "unit": "course unit code", "grade": "grade"}


class ResultsFileError(ValueError):
    """The file cannot be read as a results file; nothing was checked or saved."""


@dataclass(frozen=True)
class RawRow:
    row: int  # the row number in the file (the header is row 1 of a spreadsheet, line 1 of a CSV)
    student: str
    unit: str
    grade: str | int | float | None

    def as_list(self) -> list:
        return [self.row, self.student, self.unit, self.grade]

    @classmethod
    def from_list(cls, values: list) -> RawRow:
        row, student, unit, grade = values
        return cls(int(row), str(student), str(unit), grade)


def check_upload(name: str, content_type: str, size: int) -> str:
    """The file's extension, or a clear refusal for a wrong type or size."""
    lower = (name or "").lower()
    ext = next((e for e in EXTENSIONS if lower.endswith(e)), None)
    if ext is None:
        raise ResultsFileError(_("Upload a .csv or .xlsx file (an .xls file: save it as .xlsx first)."))
    if size > MAX_BYTES:
        raise ResultsFileError(_("The file is %(size).1f MB; the limit is %(limit)d MB.") % {
            "size": size / 1024 / 1024, "limit": MAX_BYTES // 1024 // 1024})
    if size == 0:
        raise ResultsFileError(_("The file is empty."))
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype not in CONTENT_TYPES[ext]:
        raise ResultsFileError(_("The file says it is '%(type)s', which is not a %(ext)s file.") % {
            "type": ctype, "ext": ext})
    return ext


def read_results_file(data: bytes, ext: str) -> list[RawRow]:
    if ext == ".xlsx":
        rows = _xlsx_rows(data)
    else:
        rows = _csv_rows(data)
    return _table(rows)


def _normalise(header) -> str:
    text = str(header or "").strip().lower().replace("_", " ").replace("-", " ")
    return " ".join(re.sub(r"[^\w ]", " ", text).split())


def _table(rows) -> list[RawRow]:
    header, positions = None, {}
    out: list[RawRow] = []
    for number, values in rows:
        values = list(values)
        if not any(_cell(v) != "" for v in values):
            continue
        if header is None:
            header = [_normalise(v) for v in values]
            for key, names in COLUMNS.items():
                for i, h in enumerate(header):
                    if h in names:
                        positions[key] = i
                        break
            missing = [COLUMN_NAMES[k] for k in COLUMNS if k not in positions]
            if missing:
                raise ResultsFileError(_(
                    "Row %(row)d should name the columns; no column for: %(missing)s. Accepted headers include "
                    "'student number', 'course unit code' and 'grade' (or studentnummer, opleidingsonderdeel, "
                    "cijfer).") % {"row": number, "missing": ", ".join(missing)})
            continue
        if len(out) >= MAX_ROWS:
            raise ResultsFileError(_("The file has more than %(max)d rows; split it.") % {"max": MAX_ROWS})

        def at(key, values=values):
            i = positions[key]
            return values[i] if i < len(values) else None

        out.append(RawRow(number, _text(at("student")), _text(at("unit")), _grade(at("grade"))))
    if header is None:
        raise ResultsFileError(_("The file holds no rows."))
    if not out:
        raise ResultsFileError(_("The file has a header but no results."))
    return out


def _cell(v) -> str:
    return "" if v is None else str(v).strip()


def _text(v) -> str:
    """A student number or unit code; a spreadsheet may store 2600001 as a number (2600001.0)."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return _cell(v)


def _grade(v):
    if v is None or isinstance(v, int | float) and not isinstance(v, bool):
        return v
    return _cell(v)


def _csv_rows(data: bytes):
    if data.startswith(b"PK\x03\x04"):
        raise ResultsFileError(_("This is a spreadsheet (.xlsx) with a .csv name; rename it or save it as CSV."))
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if "\x00" in text:
        raise ResultsFileError(_("The file is not a text (CSV) file."))
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for values in reader:
            yield reader.line_num, values
    except csv.Error as exc:
        raise ResultsFileError(_("Line %(line)d: %(error)s.") % {"line": reader.line_num, "error": exc})


def _xlsx_rows(data: bytes):
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not data.startswith(b"PK"):
        raise ResultsFileError(_("This is not an .xlsx spreadsheet (an .xls or CSV file with an .xlsx name?)."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ResultsFileError(_("The spreadsheet cannot be read (%(error)s).") % {"error": exc.__class__.__name__})
    try:
        sheet = workbook.worksheets[0]
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    finally:
        workbook.close()
