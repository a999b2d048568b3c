"""The one cell neutraliser every CSV export uses (config.csv_export.safe_cell), case by case; the property test
in test_input_properties.py and test_bad_input.test_every_csv_export_neutralises_formulas cover it more widely."""

import datetime
from decimal import Decimal

import pytest

from config.csv_export import CSV_FORMULA_STARTS, safe_cell


@pytest.mark.parametrize("value", ["=1+1", "+32 2 555 01 01", "-5", "@SUM(A1:A2)", "\t=cmd", "\r=cmd",
                                   '=HYPERLINK("http://evil.example","x")'])
def test_a_string_that_starts_like_a_formula_gets_a_leading_quote(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["", "Peeters", "a=b", " =1", "'=already quoted", "\n=1", "Ünal-Ødegaard"])
def test_any_other_string_is_unchanged(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [None, 0, -5, 3.5, Decimal("-1.5"), True, datetime.date(2025, 1, 1)])
def test_a_value_that_is_not_a_string_is_returned_as_it_is(value):
    assert safe_cell(value) is value


def test_the_formula_starts():
    assert CSV_FORMULA_STARTS == ("=", "+", "-", "@", "\t", "\r")


def test_every_csv_export_uses_the_one_function():
    from appeals.views import committee, intake
    from examinations.views import irregularities, results
    from students import views as student_views

    for module in (committee, intake, irregularities, results, student_views):
        assert module.safe_cell is safe_cell, module.__name__
