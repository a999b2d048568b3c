"""Query budgets of the learning-account statement and of sync_ledgers (architecture.md "Tests", LA-15)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enrolment.models import ProgrammeLine
from students import queries
from students.models import LedgerMovement
from students.services import sync_ledgers
from tests.enrolment.factories import (
    ContractFactory,
    CourseUnitFactory,
    ProgrammeFactory,
    StudentFactory,
    make_year,
    record_result,
)

pytestmark = pytest.mark.django_db

AS_OF = date(2031, 1, 1)


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.fixture
def years():
    return {start: make_year(start) for start in range(2026, 2031)}


@pytest.fixture
def bachelor():
    programme = ProgrammeFactory(code="BA-X")
    return {stage: [CourseUnitFactory(programme=programme, code=f"X{stage}{i}", stage=stage,
                                      period_code="S1" if i % 2 else "S2") for i in range(4)]
            for stage in (1, 2, 3, 4)}


def enrol_with_results(student, programme, year, units, grades):
    contract = ContractFactory(student=student, programme=programme, academic_year=year, units=units)
    for line, grade in zip(contract.lines.order_by("course_unit__code"), grades, strict=False):
        record_result(line, grade)
    return contract


def statement_commands(student):
    queries.statement(student, AS_OF)
    queries.statement_json(student.number, AS_OF)
    for fmt in ("text", "json"):
        call_command("learning_account", student.number, "--as-of", AS_OF.isoformat(), "--format", fmt,
                     stdout=io.StringIO())


def test_statement_query_count_does_not_grow_with_movements_or_enrolments(years, bachelor):
    student = StudentFactory()
    programme = bachelor[1][0].programme
    other = CourseUnitFactory(code="CREDIT1", programme=ProgrammeFactory(kind="postgraduate"))
    enrol_with_results(student, programme, years[2026], bachelor[1], [12, 8, 14, "absent"])
    ContractFactory(student=student, programme=other.programme, academic_year=years[2026], kind="credit",
                    units=[other])
    sync_ledgers([student.pk])
    small = LedgerMovement.objects.filter(student=student).count()

    statement_only = count_queries(lambda: queries.statement(student, AS_OF))
    json_only = count_queries(lambda: queries.statement_json(student.number, AS_OF))
    everything = count_queries(lambda: statement_commands(student))
    assert statement_only == 2  # the movements, and the contracts for their labels
    assert json_only == 2

    for stage, start in ((2, 2027), (3, 2028), (4, 2029)):
        enrol_with_results(student, programme, years[start], bachelor[stage], [10, 11, 9, 15])
    sync_ledgers([student.pk])
    assert LedgerMovement.objects.filter(student=student).count() >= small + 3 * 5

    assert count_queries(lambda: queries.statement(student, AS_OF)) == statement_only
    assert count_queries(lambda: queries.statement_json(student.number, AS_OF)) == json_only
    assert count_queries(lambda: statement_commands(student)) == everything


def test_statement_rows_carry_a_running_balance(years, bachelor):
    student = StudentFactory()
    enrol_with_results(student, bachelor[1][0].programme, years[2026], bachelor[1], [12, 8, 14, 10])
    sync_ledgers([student.pk])
    data = queries.statement(student, AS_OF)
    running = [r["balance"] for r in data["rows"]]
    assert running[0] == 140 and running[-1] == data["balance"]
    assert data["balance"] == 140 - 24 + 3 * 6 * 2


def make_students(n: int, years, bachelor) -> list[int]:
    """``n`` students with a contract, results and a degree each, whose ledgers are not written yet."""
    programme = bachelor[1][0].programme
    ids = []
    for _ in range(n):
        student = StudentFactory()
        enrol_with_results(student, programme, years[2026], bachelor[1], [12, 9, 10])
        enrol_with_results(student, programme, years[2027], bachelor[2][:2], [15])
        ids.append(student.pk)
    return ids


def test_sync_ledgers_costs_the_same_for_1_and_for_50_students(years, bachelor):
    ids = make_students(51, years, bachelor)
    assert not LedgerMovement.objects.exists()
    one = count_queries(lambda: sync_ledgers(ids[:1]))
    fifty = count_queries(lambda: sync_ledgers(ids[1:]))
    assert one == fifty
    assert one <= 16  # 15 + the movements' history rows (audit trail, one insert per batch)
    assert LedgerMovement.objects.filter(student_id=ids[0]).count() * 50 == LedgerMovement.objects.filter(
        student_id__in=ids[1:]).count()
    # With nothing to write, also a fixed (smaller) number.
    assert count_queries(lambda: sync_ledgers(ids[:1])) == count_queries(lambda: sync_ledgers(ids[1:])) < one


def test_sync_ledgers_after_a_change_for_many_students_costs_the_same(years, bachelor):
    ids = make_students(20, years, bachelor)
    sync_ledgers(ids)
    # Every student's last line is removed before the cut-off: one refund each.
    for line in ProgrammeLine.objects.filter(student_id__in=ids, academic_year=years[2027]):
        line.removed_on = date(2027, 11, 2)
        line.save(update_fields=["removed_on"])
    one = count_queries(lambda: sync_ledgers(ids[:1]))
    many = count_queries(lambda: sync_ledgers(ids[1:]))
    assert one == many
