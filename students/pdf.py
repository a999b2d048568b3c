"""The learning-account statement as a PDF: an HTML template rendered by WeasyPrint (DejaVu fonts)."""

from datetime import date

from django.template.loader import render_to_string
from weasyprint import HTML


def statement_pdf(statement: dict, printed_on: date) -> bytes:
    html = render_to_string("students/statement_pdf.html", {"statement": statement, "printed_on": printed_on})
    return HTML(string=html).write_pdf()


def statement_filename(number: str, as_of: date) -> str:
    return f"learning-account-{number}-{as_of.isoformat()}.pdf"
