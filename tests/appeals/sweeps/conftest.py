"""The appeals committee's faculty (tests/appeals/committee/conftest.py): BA-INF's June decisions proclaimed on
2027-07-09, An's appeal postmarked 2027-07-13 and received 2027-07-14 (decide by 2027-08-03), the pool, and "now"
2027-07-20 09:00 in Brussels (``clock``)."""

from tests.appeals.committee.conftest import (  # noqa: F401 - fixtures used by the sweep tests
    ALL_MET,
    BrokenMailBackend,
    NowClock,
    appeal,
    at,
    clock,
    held,
    people,
    pool,
    sent_mail,
    uni,
)
