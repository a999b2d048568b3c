"""Two runs of an examination sweep at the same moment (two workers) have the effect of one: every flag once, every
record reported by one run only (EX-3 and EX-9 write their flags in bulk; EX-2 on real workers is in
test_ex2_sweep_worker)."""

import threading
from datetime import date

import pytest
from django.db import connection

from enrolment.models import DeadlineFlag
from examinations.models import StudyProgressDecision
from examinations.services.sweeps import close_retake_requests, list_script_retention

from .conftest import proclaim
from .test_ex9_retention_sweep import contested  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def twice_at_once(sweep, as_of):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(sweep(as_of))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    return results


def test_ex3_two_runs_at_once_close_each_window_once(faculty):
    announcement = proclaim(faculty, "JUN", on=date(2027, 7, 9))
    for name in ("an", "bram", "chloe"):
        StudyProgressDecision.objects.create(
            student=faculty["students"][name], programme=faculty["ba"], exam_period=faculty["periods"]["JUN"],
            proclamation=announcement, decided_on=date(2027, 7, 9), programme_passed=False,
            packages=[{"package": 1, "passed": True, "failed": ["BIO101"], "tolerated": ["BIO101"]}])
    results = twice_at_once(close_retake_requests, date(2027, 8, 1))
    reported = [ref.pk for r in results for ref in r.affected]
    assert len(reported) == len(set(reported)) == 3
    assert DeadlineFlag.objects.filter(rule="EX-3", kind="closed").count() == 3


def test_ex9_two_runs_at_once_record_each_script_once(contested):  # noqa: F811  (the imported fixture)
    results = twice_at_once(list_script_retention, date(2028, 2, 2))
    reported = [(ref.model, ref.pk) for r in results for ref in r.affected]
    assert len(reported) == len(set(reported)) == 3 + 3
    assert DeadlineFlag.objects.filter(rule="EX-9").count() == 6
