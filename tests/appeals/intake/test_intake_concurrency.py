"""Two clicks at the same moment move an appeal once, take two different reference numbers, register one letter
once (the same intake key) and store one checklist: row locks and the conditional status update serialise them."""

import threading
from datetime import date

import pytest
from django.db import connection

from appeals.models import AdmissibilityCheck, Appeal, AppealTransition
from appeals.services import intake as services
from appeals.services.intake import AppealRefused

from .conftest import all_yes

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(fn, n=2):
    barrier, errors, results = threading.Barrier(n), [], []

    def run():
        try:
            barrier.wait()
            results.append(fn())
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return errors, results


def test_two_simultaneous_moves_from_the_same_state_one_wins(register, people):
    appeal = register()
    errors, _ = at_once(lambda: services.move_appeal(appeal.pk, "admissible", by=people["chair"],
                                                     expected="received"))
    assert len(errors) == 1 and isinstance(errors[0], AppealRefused)
    assert AppealTransition.objects.filter(appeal=appeal, to_status="admissible").count() == 1


def test_two_simultaneous_intakes_take_two_references(uni, people):
    def intake():
        return services.register_appeal(student=uni["an"], decision_kind="", contested_decision=uni["an_jan"],
                                        postmarked_on=date(2027, 2, 18), received_on=date(2027, 2, 19),
                                        by=people["secretary"])[0].reference

    errors, refs = at_once(intake, n=3)
    assert errors == [] and sorted(refs) == ["APP-2027-0001", "APP-2027-0002", "APP-2027-0003"]


def test_a_double_submit_of_one_letter_registers_it_once(uni, people):
    def intake():
        return services.register_appeal(student=uni["an"], decision_kind="", contested_decision=uni["an_jan"],
                                        postmarked_on=date(2027, 2, 18), received_on=date(2027, 2, 19),
                                        intake_key="same-form", by=people["secretary"])

    errors, results = at_once(intake)
    assert errors == [] and Appeal.objects.count() == 1
    assert sorted(created for _, created in results) == [False, True]


def test_two_simultaneous_checklists_store_one(register, people):
    appeal = register()
    errors, _ = at_once(lambda: services.record_admissibility(
        appeal.pk, answers=all_yes(), checked_on=date(2027, 2, 22), signed_by="student", by=people["secretary"]))
    assert errors == []
    assert AdmissibilityCheck.objects.filter(appeal=appeal).count() == 1
    assert AppealTransition.objects.filter(appeal=appeal).count() == 2
