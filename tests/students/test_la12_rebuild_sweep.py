"""LA-12 sweep: the yearly learning-account rebuild (+10 per academic year, up to 60) for every account the
engine says grows, once per academic year that started, idempotent and safe with two sweeps at once; and the
Deadlines hooks of LA-12 and LA-6/LA-7."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection

from enrolment.models import DeadlineFlag
from students.models import LedgerMovement
from students.services import balance_at, sync_ledgers
from students.sweeps import rebuild_candidates, rebuild_learning_accounts, upcoming_rebuild, upcoming_refund_windows
from tests.enrolment.factories import ContractFactory, ProgrammeFactory, StudentFactory, make_year


def master_holder(balance: int, as_of: date = date(2026, 8, 1)):
    """LA-12 after the initial master's degree: a register position below 60, master obtained."""
    student = StudentFactory(register_balance=balance, register_as_of=as_of, register_master_obtained=True)
    sync_ledgers([student.pk])
    return student


def rebuilds(student) -> list[tuple]:
    return list(LedgerMovement.objects.filter(student=student, kind="rebuild").order_by("on")
                .values_list("on", "credits", "cause"))


@pytest.mark.django_db
def test_la12_a_new_academic_year_on_record_is_rebuilt_from_its_first_day():
    make_year(2026)
    student = master_holder(44)
    assert rebuilds(student) == [(date(2026, 9, 14), 10, "rebuild:2026-2027")]  # synced when recorded
    later = make_year(2027)  # the new year comes on record; nothing about the student changes
    assert rebuild_learning_accounts(date(2027, 9, 13)).count == 0  # the day before it starts
    assert rebuilds(student)[-1][2] == "rebuild:2026-2027"
    result = rebuild_learning_accounts(date(2027, 9, 14))
    assert [(r.model, r.pk) for r in result.affected] == [("students.student", student.pk)]
    assert "+6 on 2027-09-14 (2027-2028, LA-12)" in result.affected[0].label
    assert rebuilds(student)[-1] == (date(2027, 9, 14), 6, "rebuild:2027-2028")  # 54 -> 60
    assert balance_at(student.pk, date(2027, 9, 14)) == 60
    flag = DeadlineFlag.objects.get(rule="LA-12", pk_value=later.pk)
    assert (flag.kind, flag.due_on) == ("rebuild", date(2027, 9, 14))


@pytest.mark.django_db
def test_la12_twice_is_once_and_the_repeat_is_cheap(django_assert_max_num_queries):
    make_year(2026)
    student = master_holder(24)
    make_year(2027)
    assert rebuild_learning_accounts(date(2027, 10, 1)).count == 1
    with django_assert_max_num_queries(2):  # the years and the years done
        assert rebuild_learning_accounts(date(2027, 10, 1)).count == 0
    assert [c for _, c, _ in rebuilds(student)] == [10, 10]


@pytest.mark.django_db
def test_la12_catch_up_after_a_year_without_sweeps():
    make_year(2026)
    student = master_holder(24)
    make_year(2027)
    make_year(2028)
    result = rebuild_learning_accounts(date(2029, 1, 10))
    assert rebuilds(student) == [(date(2026, 9, 14), 10, "rebuild:2026-2027"),
                                 (date(2027, 9, 14), 10, "rebuild:2027-2028"),
                                 (date(2028, 9, 14), 10, "rebuild:2028-2029")]
    assert result.count == 2 and balance_at(student.pk, date(2029, 1, 10)) == 54
    assert DeadlineFlag.objects.filter(rule="LA-12").count() == 3
    assert rebuild_learning_accounts(date(2029, 1, 11)).count == 0


@pytest.mark.django_db
def test_la12_a_year_without_enrolment_and_only_accounts_below_60():
    y25, y26 = make_year(2025), make_year(2026)
    programme = ProgrammeFactory(kind="bachelor")
    idle_low = StudentFactory(register_balance=30, register_as_of=date(2025, 8, 1))
    idle_high = StudentFactory(register_balance=80, register_as_of=date(2025, 8, 1))
    studying = StudentFactory(register_balance=30, register_as_of=date(2025, 8, 1))
    for s in (idle_low, idle_high, studying):
        ContractFactory(student=s, programme=programme, academic_year=y25, enrolled_on=date(2025, 9, 10))
    ContractFactory(student=studying, programme=programme, academic_year=y26, enrolled_on=date(2026, 9, 10))
    sync_ledgers([idle_low.pk, idle_high.pk, studying.pk])
    y27 = make_year(2027)  # 2026-2027 passes without enrolment for two of them
    assert rebuild_candidates(y27, y26) == [idle_low.pk]
    result = rebuild_learning_accounts(date(2027, 9, 14))
    assert [r.pk for r in result.affected] == [idle_low.pk]
    assert rebuilds(idle_low) == [(date(2027, 9, 14), 10, "rebuild:2027-2028")]
    assert not rebuilds(idle_high) and not rebuilds(studying)
    assert y25.pk  # the first year on record has no year before it


@pytest.mark.django_db
def test_la12_a_register_balance_of_0_is_rebuilt_too():
    make_year(2026)
    student = master_holder(0)
    assert rebuilds(student) == [(date(2026, 9, 14), 10, "rebuild:2026-2027")]
    make_year(2027)
    assert rebuild_learning_accounts(date(2027, 9, 14)).count == 1
    assert balance_at(student.pk, date(2027, 9, 14)) == 20


@pytest.mark.django_db(transaction=True)
def test_la12_two_sweeps_at_once_rebuild_once():
    make_year(2026)
    students = [master_holder(24) for _ in range(5)]
    make_year(2027)
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            results.append(rebuild_learning_accounts(date(2027, 9, 20)))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(r.count for r in results) == [0, 5]
    assert all(len(rebuilds(s)) == 2 for s in students)
    assert DeadlineFlag.objects.filter(rule="LA-12").count() == 2


@pytest.mark.django_db
def test_la12_upcoming_the_year_start():
    make_year(2026)
    y27 = make_year(2027)
    items = upcoming_rebuild(date(2027, 9, 1), date(2027, 9, 30))
    assert [(d.rule, d.due_on, d.programme, d.ref.pk) for d in items] == [("LA-12", date(2027, 9, 14), "", y27.pk)]
    assert "2027-2028" in items[0].what


@pytest.mark.django_db
def test_la6_la7_upcoming_refund_windows():
    year = make_year(2026)
    items = upcoming_refund_windows(date(2026, 11, 23), date(2026, 12, 23))
    assert [(d.rule, d.due_on, d.programme, d.ref.pk) for d in items] == [
        ("LA-6/LA-7", date(2026, 12, 1), "", year.pk)]
    assert "first-semester" in items[0].what
    items = upcoming_refund_windows(date(2027, 3, 1), date(2027, 3, 31))
    assert [d.due_on for d in items] == [date(2027, 3, 15)] and "second-semester" in items[0].what
    assert upcoming_refund_windows(date(2026, 12, 2), date(2027, 3, 14)) == []
