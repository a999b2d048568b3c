"""Two clicks at the same moment (two browser tabs, a double submit) move a file once: the row lock and the
conditional status update serialise them, and the second finds the step already taken with the same values."""

import threading
from datetime import date

import pytest
from django.db import connection

from examinations.models import IrregularityStatus, IrregularityTransition, Result, Sanction
from examinations.rules import irregularity as rules
from examinations.services import irregularity as services

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(fn, n=2):
    barrier, errors = threading.Barrier(n), []

    def run():
        try:
            barrier.wait()
            fn()
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return errors


def test_two_simultaneous_informs_are_one_step(file_at, people):
    irr = file_at(IrregularityStatus.REPORTED)
    errors = at_once(lambda: services.inform(irr.pk, ombudsperson_informed_on=date(2027, 2, 2),
                                             student_informed_on=date(2027, 2, 2), by=people["chair"]))
    assert errors == []
    assert IrregularityTransition.objects.filter(irregularity=irr).count() == 2


def test_two_simultaneous_sanctions_write_one_version(file_at, people, uni):
    irr = file_at(IrregularityStatus.DECIDED)
    errors = at_once(lambda: services.impose_sanction(irr.pk, kind=rules.ZERO, by=people["chair"]))
    assert errors == []
    assert Sanction.objects.count() == 1
    assert Result.objects.filter(line=uni["lines"]["INF101"]).count() == 2
