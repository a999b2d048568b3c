"""LA-6/LA-7 sweep: the refund windows close on 1 December and 15 March, recorded once."""

from datetime import date

import pytest

from config.regulations import get_regulations
from enrolment.models import RefundWindowClosure
from students import rules
from students.sweeps import close_refund_windows
from tests.enrolment.factories import make_year

UH = get_regulations("uhasselt-2026-2027")
PXL = get_regulations("pxl-2018-2019")
STARTS = date(2026, 9, 14)


@pytest.mark.parametrize("as_of, closed", [
    (date(2026, 11, 30), []),
    (date(2026, 12, 1), [(1, date(2026, 12, 1))]),
    (date(2027, 3, 14), [(1, date(2026, 12, 1))]),
    (date(2027, 3, 15), [(1, date(2026, 12, 1)), (2, date(2027, 3, 15))]),
])
def test_la6_la7_closed_refund_windows(as_of, closed):
    assert rules.closed_refund_windows(as_of, STARTS, UH) == closed


def test_la6_pxl_decides_by_period_limit_dates_not_fixed_windows():
    assert rules.closed_refund_windows(date(2027, 6, 1), STARTS, PXL) == []


@pytest.mark.django_db
def test_la6_la7_sweep_records_each_closure_once():
    year = make_year(2026)
    assert close_refund_windows(date(2026, 11, 30)).count == 0
    first = close_refund_windows(date(2026, 12, 1))
    assert first.count == 1 and "2026-2027 semester 1" in first.affected[0].label
    assert close_refund_windows(date(2026, 12, 2)).count == 0
    # A sweep that did not run on 15 March catches up on its next run.
    assert close_refund_windows(date(2027, 4, 2)).count == 1
    assert close_refund_windows(date(2027, 4, 3)).count == 0
    assert list(RefundWindowClosure.objects.filter(academic_year=year).values_list("semester", "cutoff")) == [
        (1, date(2026, 12, 1)), (2, date(2027, 3, 15))]
