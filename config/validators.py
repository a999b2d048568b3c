"""Checks on names typed or imported by staff: a person's or a place's name is shown on pages, printed in letters
and exported to spreadsheets, so it may not carry markup, control characters or a spreadsheet formula."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: A spreadsheet runs a cell that starts with one of these as a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@")


def name_problem(value: str) -> str | None:
    """Why ``value`` is not acceptable as a name, or None."""
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return _("control characters are not allowed")
    if "<" in value or ">" in value:
        return _("< and > are not allowed in a name")
    if value.lstrip().startswith(FORMULA_STARTS):
        return _("a name may not start with =, +, - or @")
    return None


def validate_name(value: str) -> None:
    """Form validator for :func:`name_problem`."""
    problem = name_problem(value or "")
    if problem:
        raise ValidationError(problem[0].upper() + problem[1:] + ".", code="name")
