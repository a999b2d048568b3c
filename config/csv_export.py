"""What every CSV export shares: a cell a spreadsheet would run as a formula is written as text."""

#: A spreadsheet runs a cell that starts with one of these as a formula (CSV/formula injection); a leading tab or
#: carriage return is stripped by some spreadsheets, leaving what follows it to be read as a formula.
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as a CSV cell: a string that starts like a formula gets a leading quote so the spreadsheet keeps it
    text; anything else (numbers, dates, None, other strings) is returned unchanged."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_STARTS):
        return "'" + value
    return value
