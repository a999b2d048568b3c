"""Enrolment use cases against PostgreSQL (enrolment.services): the facts they write and the ledger they keep
(LA-3, LA-6, LA-7, LA-8, LA-10, LA-14, EN-1, EN-2, EN-3)."""

from __future__ import annotations

from datetime import date

import pytest

from enrolment import services
from enrolment.models import CourseUnit, ExceptionRule, ProgrammeLine, StudyContract
from students.models import LedgerMovement
from students.services import balance_at, sync_ledgers
from tests.clock import Clock
from tests.enrolment.factories import (
    CourseUnitFactory,
    ProgrammeFactory,
    StudentFactory,
    make_year,
    record_result,
    table_counts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """Requests dated up to the end of 2026-2027 are in the past for these tests, whatever day they run."""
    return Clock(monkeypatch, date(2027, 9, 12))


@pytest.fixture
def year():
    return make_year(2026)


def first_year(code: str, kind: str = "bachelor") -> dict:
    """A programme whose first year is five S1 and five S2 units of 6 credits (60)."""
    programme = ProgrammeFactory(code=code, kind=kind)
    units = [CourseUnitFactory(programme=programme, code=f"{code}-{i}", period_code="S1" if i <= 5 else "S2")
             for i in range(1, 11)]
    later = CourseUnitFactory(programme=programme, code=f"{code}-20", stage=2, package=2, period_code="S1")
    return {"programme": programme, "units": units, "s1": units[:5], "s2": units[5:], "later": later}


@pytest.fixture
def ba():
    return first_year("BA-INF")


@pytest.fixture
def bio():
    return first_year("BA-BIO")


def ids(units) -> list[int]:
    return [u.pk for u in units]


def ledger(student) -> list[tuple]:
    return list(LedgerMovement.objects.filter(student=student).order_by("id").values_list(
        "on", "kind", "credits", "course_unit__code", "article"))


def enrol_ba(student, year, ba, on=date(2026, 9, 10), **kw):
    return services.enrol(student, ba["programme"], year, "diploma", on, ids(ba["units"]), **kw)


def individualised(student, year):
    """EN-2: a recorded individualised programme, so that a first enrolment need not take the whole first year."""
    services.record_exception(student, year, ExceptionRule.EN2, "Chair", date(2026, 9, 1), "IND", "individualised")


def line_of(contract, unit) -> ProgrammeLine:
    return ProgrammeLine.objects.get(contract=contract, course_unit=unit)


# ------------------------------------------------------------------------------------------ LA-1/LA-3 ----
def test_la3_enrol_opens_the_account_and_deducts_the_credits(year, ba, student_admin):
    student = StudentFactory()
    contract = enrol_ba(student, year, ba, by=student_admin)
    assert (contract.kind, contract.enrolled_on, contract.lines.count()) == ("diploma", date(2026, 9, 10), 10)
    assert ledger(student) == [(date(2026, 9, 10), "opening", 140, None, "LA-1"),
                               (date(2026, 9, 10), "enrolment", -60, None, "LA-3")]
    assert set(LedgerMovement.objects.filter(student=student).values_list("recorded_by", flat=True)) == {
        student_admin.pk}
    student.refresh_from_db()
    assert student.first_enrolled_year == "2026-2027"


def test_la2_enrol_with_exempted_units_deducts_only_the_others(year, ba):
    student = StudentFactory()
    enrol_ba(student, year, ba, exempted_ids=ids(ba["s1"][:2]))
    assert balance_at(student.pk, date(2026, 9, 10)) == 140 - 48


def test_la3_adding_a_unit_deducts_its_credits_on_that_day(year, ba):
    student = StudentFactory()
    contract = enrol_ba(student, year, ba)
    line = services.add_unit(contract, ba["later"], date(2026, 10, 1))
    assert line.added_on == date(2026, 10, 1)
    assert ledger(student)[-1] == (date(2026, 10, 1), "addition", -6, "BA-INF-20", "LA-3")
    assert balance_at(student.pk, date(2026, 9, 30)) == 80
    assert balance_at(student.pk, date(2026, 10, 1)) == 74


def test_preview_enrolment_saves_nothing_and_shows_the_movements(year, ba):
    student = StudentFactory()
    preview = services.preview_enrolment(student, ba["programme"], year, "diploma", date(2026, 9, 10),
                                         ids(ba["units"]))
    assert preview.allowed
    assert (preview.balance_before, preview.balance_after, preview.credits) == (0, 80, 60)
    assert not StudyContract.objects.exists() and not LedgerMovement.objects.exists()


# ---------------------------------------------------------------------------------------------- LA-6 ----
@pytest.mark.parametrize(("semester", "on", "refund"), [
    # S1's own deregistration date (EN-6, 8 November) comes before the 1 December cut-off; a year-long unit
    # (until 15 December) counts as first semester for LA-6.
    ("s1", date(2026, 11, 8), True), ("year", date(2026, 11, 30), True), ("year", date(2026, 12, 1), False),
    ("s2", date(2027, 3, 14), True), ("s2", date(2027, 3, 15), False),
])
def test_la6_removing_a_unit_refunds_only_before_the_cutoff(year, ba, semester, on, refund):
    if semester == "year":
        CourseUnit.objects.filter(pk=ba["s1"][0].pk).update(period_code="YEAR")
    student = StudentFactory()
    contract = enrol_ba(student, year, ba)
    unit = CourseUnit.objects.get(pk=ba["s2" if semester == "s2" else "s1"][0].pk)
    preview = services.preview_removal(line_of(contract, unit), on)
    line = services.remove_unit(line_of(contract, unit), on)
    assert line.removed_on == on and line.removal_recorded_at is not None
    refunds = [m for m in ledger(student) if m[1] == "refund"]
    assert refunds == ([(on, "refund", 6, unit.code, "LA-6")] if refund else [])
    assert [(m.kind, m.credits) for m in preview.movements] == ([("refund", 6)] if refund else [])
    assert balance_at(student.pk, on) == (86 if refund else 80)


def test_la6_a_unit_with_a_result_cannot_be_removed(year, ba):
    student = StudentFactory()
    contract = enrol_ba(student, year, ba)
    record_result(line_of(contract, ba["s1"][0]), 7)
    before = table_counts()
    with pytest.raises(services.EnrolmentRefused, match="already has a result"):
        services.remove_unit(line_of(contract, ba["s1"][0]), date(2027, 3, 1))
    assert table_counts() == before
    assert line_of(contract, ba["s1"][0]).removed_on is None


# ---------------------------------------------------------------------------------------------- LA-7 ----
@pytest.mark.parametrize(("on", "back"), [
    (date(2026, 11, 30), 60), (date(2026, 12, 1), 30), (date(2027, 3, 14), 30), (date(2027, 3, 15), 0)])
def test_la7_withdrawal(year, ba, on, back):
    student = StudentFactory()
    contract = enrol_ba(student, year, ba)
    contract = services.withdraw(contract, on)
    assert (contract.deregistered_on, contract.deregistration_reason) == (on, "withdrawal")
    assert balance_at(student.pk, on) == 80 + back
    assert {m[0] for m in ledger(student) if m[1] == "refund"} <= {on}


def test_la7_withdrawal_after_passing_first_semester_units_keeps_their_restitution(year, ba):
    student = StudentFactory()
    contract = enrol_ba(student, year, ba)
    for unit in ba["s1"][:2]:
        record_result(line_of(contract, unit), 13)
    sync_ledgers([student.pk])
    services.withdraw(contract, date(2027, 3, 1))
    # 80 + 2 passed units restored twice (LA-4, LA-5) + the S2 units refunded (LA-7).
    assert balance_at(student.pk, date(2027, 3, 1)) == 80 + 24 + 30


# ------------------------------------------------------------------------------------- LA-8 / LA-10 ----
def test_la8_generation_student_changing_programme_gets_half_of_first_semester_back(year, ba, bio):
    student = StudentFactory()
    old = enrol_ba(student, year, ba)
    new = services.change_programme(old, bio["programme"], date(2026, 12, 10), ids(bio["units"]))
    old.refresh_from_db()
    assert (old.deregistered_on, old.deregistration_reason) == (date(2026, 12, 10), "programme_change")
    assert (new.programme, new.kind, new.enrolled_on, new.deregistered_on) == (
        bio["programme"], "diploma", date(2026, 12, 10), None)
    assert new.lines.count() == 10
    refunds = [m for m in ledger(student) if m[1] == "refund"]
    assert sorted((m[3], m[2], m[4]) for m in refunds) == sorted(
        [(u.code, 3, "LA-8") for u in ba["s1"]] + [(u.code, 6, "LA-7") for u in ba["s2"]])
    # 80 + 15 (half of S1) + 30 (S2) - 60 (the new programme).
    assert balance_at(student.pk, date(2026, 12, 10)) == 65


def test_la10_change_of_programme_refunds_units_whose_deregistration_period_runs(year, ba, bio):
    # Not a generation student (first enrolled elsewhere earlier): only LA-7 / LA-10 apply.
    student = StudentFactory(first_enrolled_year="2024-2025")
    individualised(student, year)
    year_long = CourseUnitFactory(programme=ba["programme"], code="BA-INF-YEAR", period_code="YEAR", credits=10,
                                  stage=2, package=2)
    old = services.enrol(student, ba["programme"], year, "diploma", date(2026, 9, 10),
                         ids(ba["s1"]) + [year_long.pk])
    services.change_programme(old, bio["programme"], date(2026, 12, 10), ids(bio["s1"]))
    refunds = {m[3]: (m[2], m[4]) for m in ledger(student) if m[1] == "refund"}
    # S1 units: deregistration deadline 8 November passed, after 1 December: nothing. The year-long unit: its
    # deadline (15 December) still runs: everything back (UH 3.6.2).
    assert refunds == {"BA-INF-YEAR": (10, "LA-10")}


def test_la10_no_refund_for_a_unit_failed_before_the_change(year, ba, bio):
    student = StudentFactory(first_enrolled_year="2024-2025")
    individualised(student, year)
    old = services.enrol(student, ba["programme"], year, "diploma", date(2026, 9, 10), ids(ba["s2"]))
    record_result(line_of(old, ba["s2"][0]), 6)  # a failed exam (published 9 July 2027 in this calendar)
    services.change_programme(old, bio["programme"], date(2027, 7, 20), ids(bio["s2"][:1]))
    assert not [m for m in ledger(student) if m[1] == "refund"]


def test_la14_change_of_programme_counts_the_refund_of_the_old_contract(year, ba, bio):
    # Register balance 70: 10 left after enrolling for 60. Changing programme on 20 November gives all 60 back
    # (LA-7), so the 60 credits of the new programme fit in the balance of 70.
    student = StudentFactory(register_balance=70, register_as_of=date(2026, 9, 1))
    old = enrol_ba(student, year, ba)
    services.change_programme(old, bio["programme"], date(2026, 11, 20), ids(bio["units"]))
    assert balance_at(student.pk, date(2026, 11, 20)) == 10


# ---------------------------------------------------------------------------------------------- EN-3 ----
def test_en3_enrol_over_72_credits_is_refused_then_allowed_after_a_bureau_decision(year, ba, student_admin):
    student = StudentFactory()
    enrol_ba(student, year, ba)
    extra = CourseUnitFactory(programme=ProgrammeFactory(code="PG-X", kind="postgraduate"), code="PG-1", credits=13)
    before, movements = table_counts(), ledger(student)
    with pytest.raises(services.EnrolmentRefused) as refused:
        services.enrol(student, extra.programme, year, "credit", date(2026, 9, 20), [extra.pk])
    assert "73 credits this academic year is more than the 72 allowed" in str(refused.value)
    assert [f.rule for f in refused.value.findings] == ["EN-3"]
    assert table_counts() == before and ledger(student) == movements

    with pytest.raises(services.EnrolmentRefused, match="how many credits"):
        services.record_exception(student, year, ExceptionRule.EN3, "Bureau BA-INF", date(2026, 9, 18), "B-1",
                                  "graduation year")
    services.record_exception(student, year, ExceptionRule.EN3, "Bureau BA-INF", date(2026, 9, 18), "B-1",
                              "graduation year", max_credits=73, by=student_admin)
    contract = services.enrol(student, extra.programme, year, "credit", date(2026, 9, 20), [extra.pk])
    assert contract.kind == "credit"
    assert balance_at(student.pk, date(2026, 9, 20)) == 80 - 13


# ---------------------------------------------------------------------------------------------- EN-1 ----
def test_en1_second_enrol_for_the_same_unit_in_the_same_year_is_refused(year, ba):
    student = StudentFactory()
    enrol_ba(student, year, ba)
    before, movements = table_counts(), ledger(student)
    unit = ba["s1"][0]
    with pytest.raises(services.EnrolmentRefused, match=f"Already in another contract this academic year: {unit.code}"):
        services.enrol(student, ba["programme"], year, "credit", date(2026, 9, 20), [unit.pk])
    with pytest.raises(services.EnrolmentRefused, match="already has a diploma contract"):
        services.enrol(student, ba["programme"], year, "diploma", date(2026, 9, 20), [ba["later"].pk])
    with pytest.raises(services.EnrolmentRefused, match="cannot be combined"):
        services.enrol(student, ba["programme"], year, "exam", date(2026, 9, 20), [ba["later"].pk])
    assert table_counts() == before and ledger(student) == movements


def test_en1_a_unit_already_in_the_contract_cannot_be_added_again(year, ba):
    student = StudentFactory()
    contract = enrol_ba(student, year, ba)
    with pytest.raises(services.EnrolmentRefused):
        services.add_unit(contract, ba["s1"][0], date(2026, 10, 1))


# ---------------------------------------------------------------------------------------------- EN-2 ----
def test_en2_first_bachelor_enrolment_without_the_full_first_year_is_refused(year, ba):
    student = StudentFactory()
    with pytest.raises(services.EnrolmentRefused, match="full first-year programme; missing: BA-INF-10"):
        services.enrol(student, ba["programme"], year, "diploma", date(2026, 9, 10), ids(ba["units"][:9]))
    services.record_exception(student, year, ExceptionRule.EN2, "Chair BA-INF", date(2026, 9, 9), "IND-1",
                              "individualised programme")
    services.enrol(student, ba["programme"], year, "diploma", date(2026, 9, 10), ids(ba["units"][:9]))
    assert balance_at(student.pk, date(2026, 9, 10)) == 140 - 54


# --------------------------------------------------------------------------------------------- LA-14 ----
def test_la14_enrol_with_balance_zero_is_refused_until_an_exception_decision(year, ba):
    student = StudentFactory(register_balance=0, register_as_of=date(2026, 9, 1))
    sync_ledgers([student.pk])
    before = table_counts()
    with pytest.raises(services.EnrolmentRefused, match="The learning account has 0 credits"):
        enrol_ba(student, year, ba)
    assert table_counts() == before
    services.record_exception(student, year, ExceptionRule.LA14, "Vice rector", date(2026, 9, 5), "VR-7",
                              "force majeure file", max_credits=60)
    enrol_ba(student, year, ba)
    assert balance_at(student.pk, date(2026, 9, 10)) == -60


def test_la14_positive_insufficient_balance_is_capped(year, ba):
    student = StudentFactory(register_balance=40, register_as_of=date(2026, 9, 1))
    with pytest.raises(services.EnrolmentRefused, match="has 40 credits left; this enrolment needs 60") as refused:
        enrol_ba(student, year, ba)
    assert "at most 40 credits" in str(refused.value)


def test_la14_initial_master_is_not_refused_at_uhasselt(year):
    master = first_year("MA-INF", kind="master")
    student = StudentFactory(register_balance=-5, register_as_of=date(2026, 9, 1))
    services.enrol(student, master["programme"], year, "diploma", date(2026, 9, 10), ids(master["units"]))
    assert balance_at(student.pk, date(2026, 9, 10)) == -65


# -------------------------------------------------------------------------- UH 2.6: the same degree twice ----
def test_uh26_enrolling_again_in_a_master_whose_degree_the_student_holds(year):
    from tests.enrolment.factories import DegreeFactory

    master = first_year("MA-INF", kind="master")
    other = first_year("MA-BIO", kind="master")
    student = StudentFactory()
    DegreeFactory(student=student, programme=master["programme"], awarded_on=date(2026, 7, 9))
    before = table_counts()
    # A few units of the same master: refused, with the reason and the article.
    with pytest.raises(services.EnrolmentRefused) as refused:
        services.enrol(student, master["programme"], year, "diploma", date(2026, 9, 10), ids(master["s1"][:4]))
    message = str(refused.value)
    assert "already holds the degree of MA-INF" in message and "at least 30 credits (UH 2.6.1)" in message
    assert "takes 24" in message
    assert [f.rule for f in refused.value.findings] == ["UH 2.6"]
    assert not refused.value.findings[0].exception_allowed
    with pytest.raises(services.EnrolmentRefused, match="already holds the degree of MA-INF"):  # exam contract too
        services.enrol(student, master["programme"], year, "exam", date(2026, 9, 10), ids(master["s1"][:4]))
    assert table_counts() == before
    # The preview says so before anyone confirms.
    preview = services.preview_enrolment(student, master["programme"], year, "diploma", date(2026, 9, 10),
                                         ids(master["s1"][:4]))
    assert not preview.allowed
    # Another master: nothing to say (only the exact programme's degree counts: the reading in her favour).
    assert "UH 2.6" not in [f.rule for f in services.preview_enrolment(
        student, other["programme"], year, "diploma", date(2026, 9, 10), ids(other["units"])).outcome.findings]
    # 30 credits or more of the same master: allowed by UH 2.6.1, and the preview says why.
    preview = services.preview_enrolment(student, master["programme"], year, "diploma", date(2026, 9, 10),
                                         ids(master["s1"]))
    finding = next(f for f in preview.outcome.findings if f.rule == "UH 2.6")
    assert finding.ok and "takes at least 30 credits; this one takes 30" in finding.message


def test_uh26_a_credit_contract_is_no_second_enrolment_in_the_programme(year):
    from tests.enrolment.factories import DegreeFactory

    master = first_year("MA-INF", kind="master")
    student = StudentFactory()
    DegreeFactory(student=student, programme=master["programme"], awarded_on=date(2026, 7, 9))
    contract = services.enrol(student, master["programme"], year, "credit", date(2026, 9, 10), ids(master["s1"][:1]))
    assert contract.kind == "credit"
