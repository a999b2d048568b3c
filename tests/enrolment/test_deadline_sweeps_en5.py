"""EN-5 sweep (UH 4.1.1): contracts without a study programme two months after enrolment are deregistered,
dated that day, through the deregistration service and the ledger; the student is told through the outbox."""

from __future__ import annotations

from datetime import date

import pytest

from enrolment import services
from enrolment.deadline_sweeps import deregister_without_programme, upcoming_without_programme
from enrolment.models import DeadlineFlag, DeregistrationReason, Notice, ProgrammeLine, StudyContract
from students import rules as la_rules
from students.models import LedgerMovement
from students.services import balance_at, load_account_facts, sync_ledgers
from tests.enrolment.factories import (
    PXL_CODE,
    ContractFactory,
    CourseUnitFactory,
    ProgrammeFactory,
    StudentFactory,
    make_year,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    return make_year(2026)


@pytest.fixture
def programme():
    return ProgrammeFactory(code="BA-INF", kind="bachelor")


def contract(year, programme, enrolled_on, kind="diploma", units=(), student=None):
    """A contract as an import or the enrolment page leaves it; its ledger reconciled."""
    c = ContractFactory(student=student or StudentFactory(), programme=programme, academic_year=year, kind=kind,
                        enrolled_on=enrolled_on, units=list(units))
    sync_ledgers([c.student_id])
    return c


def reloaded(c: StudyContract) -> StudyContract:
    return StudyContract.objects.get(pk=c.pk)


def statement(student) -> list[tuple]:
    return list(LedgerMovement.objects.filter(student=student).order_by("on", "id")
                .values_list("on", "kind", "credits", "article"))


def test_en5_acceptance_a_contract_without_programme_is_deregistered_on_its_day_and_refunds_follow_la6_la7(
        year, programme):
    """Acceptance (issue 5): no study programme on the day two months after enrolment -> deregistered by the
    sweep, dated that day, and the learning account follows LA-6/LA-7 for that date, however late the sweep."""
    before_cutoff = contract(year, programme, date(2026, 9, 28))  # day 28 November: before 1 December
    after_cutoff = contract(year, programme, date(2026, 10, 5))  # day 5 December: after 1 December
    result = deregister_without_programme(date(2027, 1, 15))  # the sweep wakes up weeks late
    assert result.count == 2 and not result.skipped
    for c, day in ((before_cutoff, date(2026, 11, 28)), (after_cutoff, date(2026, 12, 5))):
        c = reloaded(c)
        assert (c.deregistered_on, c.deregistration_reason) == (day, DeregistrationReason.NO_PROGRAMME)
        # The ledger is the engine's for a deregistration on that day (LA-7): the contract took no credits, so
        # nothing comes back and nothing is lost; nothing is dated the day the sweep ran.
        facts = load_account_facts([c.student_id])[c.student_id]
        assert facts.contracts[0].deregistered_on == day
        stored = [la_rules.StoredMovement(m.cause, m.revision, m.on, m.kind, m.credits)
                  for m in LedgerMovement.objects.filter(student_id=c.student_id)]
        assert la_rules.reconcile(la_rules.expected_movements(facts), stored) == []
        assert statement(c.student) == [(c.enrolled_on, "opening", 140, "LA-1")]
        assert balance_at(c.student_id, date(2027, 1, 15)) == 140
        notice = Notice.objects.get(key=f"en5.contract.{c.pk}.deregistered")
        assert notice.to == c.student.email and day.isoformat() in notice.body and "UH 4.1.1" in notice.body
    assert "deregistered on 2026-11-28 (EN-5)" in result.affected[0].label


def test_en5_deregistration_date_decides_the_refunds_not_the_sweep_date(year, programme):
    """Why the sweep passes the EN-5 day and not its own date to the deregistration service: LA-7 decides by the
    date it is given. Shown with the service's preview on a contract that has credits (a contract without any
    programme has none, so its own refunds are nil whatever the date)."""
    unit = CourseUnitFactory(programme=programme, credits=6, period_code="S1")
    kept = contract(year, programme, date(2026, 9, 28), units=[unit])
    preview_on_day = services.preview_deregistration(kept, date(2026, 11, 28), DeregistrationReason.NO_PROGRAMME,
                                                     today=date(2027, 1, 15))
    preview_late = services.preview_deregistration(kept, date(2027, 1, 15), DeregistrationReason.NO_PROGRAMME,
                                                   today=date(2027, 1, 15))
    assert [(m.on, m.credits, m.article) for m in preview_on_day.movements] == [(date(2026, 11, 28), 6, "LA-7")]
    assert preview_late.movements == ()


def test_en5_boundary_day(year, programme):
    c = contract(year, programme, date(2026, 9, 20))
    assert deregister_without_programme(date(2026, 11, 19)).count == 0
    assert reloaded(c).deregistered_on is None
    assert deregister_without_programme(date(2026, 11, 20)).count == 1
    assert reloaded(c).deregistered_on == date(2026, 11, 20)


def test_en5_a_line_added_on_the_day_is_a_programme_in_time(year, programme):
    c = contract(year, programme, date(2026, 9, 20))
    unit = CourseUnitFactory(programme=programme)
    ProgrammeLine.objects.create(contract=c, course_unit=unit, student=c.student, academic_year=year,
                                 added_on=date(2026, 11, 20))
    assert deregister_without_programme(date(2027, 1, 1)).count == 0
    assert reloaded(c).deregistered_on is None and not DeadlineFlag.objects.exists()


def test_en5_units_removed_again_still_mean_a_programme_was_requested(year, programme):
    unit = CourseUnitFactory(programme=programme)
    c = contract(year, programme, date(2026, 9, 20), units=[unit])
    ProgrammeLine.objects.filter(contract=c).update(removed_on=date(2026, 10, 1))
    assert deregister_without_programme(date(2027, 1, 1)).count == 0


def test_en5_a_programme_added_after_the_day_is_flagged_for_staff_once(year, programme):
    c = contract(year, programme, date(2026, 9, 20))
    unit = CourseUnitFactory(programme=programme)
    ProgrammeLine.objects.create(contract=c, course_unit=unit, student=c.student, academic_year=year,
                                 added_on=date(2026, 11, 25))
    first = deregister_without_programme(date(2026, 12, 2))
    assert first.count == 0 and len(first.skipped) == 1 and "2026-11-25" in first.skipped[0][1]
    assert reloaded(c).deregistered_on is None
    flag = DeadlineFlag.objects.get(rule="EN-5")
    assert (flag.kind, flag.due_on, flag.pk_value, flag.programme_id) == (
        "late_programme", date(2026, 11, 20), c.pk, programme.pk)
    second = deregister_without_programme(date(2026, 12, 3))
    assert second.count == 0 and not second.skipped and DeadlineFlag.objects.count() == 1


def test_en5_twice_is_once(year, programme):
    c = contract(year, programme, date(2026, 9, 20))
    assert deregister_without_programme(date(2026, 11, 25)).count == 1
    movements = LedgerMovement.objects.count()
    again = deregister_without_programme(date(2026, 11, 25))
    assert again.count == 0 and not again.skipped
    assert Notice.objects.filter(key=f"en5.contract.{c.pk}.deregistered").count() == 1
    assert LedgerMovement.objects.count() == movements


def test_en5_catch_up_after_a_long_gap_dates_each_contract_on_its_own_day(year, programme):
    for enrolled in (date(2026, 8, 10), date(2026, 9, 1), date(2026, 10, 31), date(2027, 1, 10)):
        contract(year, programme, enrolled)
    assert deregister_without_programme(date(2027, 6, 1)).count == 4
    assert dict(StudyContract.objects.values_list("enrolled_on", "deregistered_on")) == {
        date(2026, 8, 10): date(2026, 10, 10), date(2026, 9, 1): date(2026, 11, 1),
        date(2026, 10, 31): date(2026, 12, 31), date(2027, 1, 10): date(2027, 3, 10)}


def test_en5_applies_to_every_contract_kind(year, programme):
    for kind in ("diploma", "credit", "exam"):
        contract(year, programme, date(2026, 9, 20), kind=kind)
    assert deregister_without_programme(date(2026, 11, 20)).count == 3


def test_en5_a_contract_with_its_programme_is_left_alone(year, programme):
    unit = CourseUnitFactory(programme=programme)
    c = contract(year, programme, date(2026, 9, 20), units=[unit])
    assert deregister_without_programme(date(2027, 6, 1)).count == 0
    assert reloaded(c).deregistered_on is None


def test_en5_the_service_refuses_twice_and_a_contract_with_a_programme(year, programme):
    c = contract(year, programme, date(2026, 9, 20))
    services.deregister_without_programme(c, date(2026, 11, 20), today=date(2026, 11, 20))
    with pytest.raises(services.EnrolmentRefused, match="deregistered on 2026-11-20"):
        services.deregister_without_programme(c, date(2026, 11, 20), today=date(2026, 11, 20))
    unit = CourseUnitFactory(programme=programme)
    other = contract(year, programme, date(2026, 9, 20), units=[unit])
    with pytest.raises(services.EnrolmentRefused, match="has a study programme"):
        services.deregister_without_programme(other, date(2026, 11, 20), today=date(2026, 11, 20))
    assert reloaded(other).deregistered_on is None


def test_en5_pxl_may_deregister_so_the_sweep_flags_for_staff(programme):
    pxl = make_year(2018, PXL_CODE)
    c = contract(pxl, programme, date(2018, 10, 3))
    result = deregister_without_programme(date(2018, 11, 2))
    assert result.count == 0 and len(result.skipped) == 1
    assert reloaded(c).deregistered_on is None
    assert DeadlineFlag.objects.get(rule="EN-5").kind == "missing_programme"
    assert not deregister_without_programme(date(2018, 11, 3)).skipped


def test_en5_a_repeat_over_many_contracts_costs_a_fixed_number_of_queries(year, programme,
                                                                          django_assert_max_num_queries):
    unit = CourseUnitFactory(programme=programme)
    for i in range(15):
        contract(year, programme, date(2026, 9, 20), units=[unit] if i % 3 else [])
    assert deregister_without_programme(date(2026, 12, 1)).count == 5
    with django_assert_max_num_queries(3):  # the years done, the years, the candidates
        assert deregister_without_programme(date(2026, 12, 1)).count == 0


def test_en5_an_ended_year_is_swept_once_more_then_not_read_again(year, programme):
    c = contract(year, programme, date(2026, 9, 20))
    first = deregister_without_programme(date(2027, 9, 12))  # the year's last day
    assert first.count == 1 and not first.notes
    assert reloaded(c).deregistered_on == date(2026, 11, 20)
    result = deregister_without_programme(date(2027, 9, 13))
    assert result.count == 0 and result.notes == ("2026-2027: every EN-5 day has passed and was applied",)
    assert DeadlineFlag.objects.filter(rule="EN-5", kind="year_done", pk_value=year.pk).exists()
    contract(year, programme, date(2026, 9, 20))  # history imported afterwards carries its own deregistrations
    assert deregister_without_programme(date(2027, 9, 14)).count == 0


def test_en5_upcoming_lists_contracts_without_programme_reaching_their_day(year, programme):
    due = contract(year, programme, date(2026, 9, 25))  # day 25 November
    contract(year, programme, date(2026, 12, 1))  # day 1 February: outside the range
    unit = CourseUnitFactory(programme=programme)
    contract(year, programme, date(2026, 9, 25), units=[unit])  # has a programme
    items = upcoming_without_programme(date(2026, 11, 23), date(2026, 12, 23))
    assert [(d.rule, d.due_on, d.programme, d.ref.pk) for d in items] == [
        ("EN-5", date(2026, 11, 25), "BA-INF", due.pk)]
    assert due.student.number in items[0].what and "UH 4.1.1" in items[0].what


@pytest.mark.django_db(transaction=True)
def test_en5_two_sweeps_at_once_deregister_once():
    import threading

    from django.db import connection

    year, programme = make_year(2026), ProgrammeFactory(code="BA-INF")
    contracts = [contract(year, programme, date(2026, 9, 20)) for _ in range(6)]
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            results.append(deregister_without_programme(date(2026, 11, 25)))
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
    assert sum(r.count for r in results) == 6
    assert all(reloaded(c).deregistered_on == date(2026, 11, 20) for c in contracts)
    assert Notice.objects.filter(key__startswith="en5.contract.").count() == 6
    assert LedgerMovement.objects.filter(kind="opening").count() == 6


def test_en5_export_names_the_deregistration_a_withdrawal_and_imports_back_unchanged(year, programme):
    """eel-dataset/1 knows two reasons (LA-8); an EN-5 deregistration counts for the learning account as a
    withdrawal on its day, so the export says ``withdrawal`` and importing that export again changes nothing."""
    from enrolment.dataset.exporter import export_dataset
    from enrolment.dataset.importer import import_dataset

    c = contract(year, programme, date(2026, 9, 20))
    deregister_without_programme(date(2026, 11, 20))
    data = export_dataset()
    exported = [e for e in data["enrolments"] if e["student"] == c.student.number]
    assert [(e["deregistered_on"], e["deregistration_reason"]) for e in exported] == [("2026-11-20", "withdrawal")]
    import_dataset(data)
    assert reloaded(c).deregistration_reason == DeregistrationReason.NO_PROGRAMME
