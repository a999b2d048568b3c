"""EN-10 (UH 4.6.3): reminders of the special-circumstances application dates to the students enrolled in the
year, some days before each date, one per student and date, in bulk, through the outbox."""

from __future__ import annotations

from datetime import date

import pytest

from enrolment.deadline_sweeps import remind_special_circumstances, upcoming_special_circumstances
from enrolment.models import Notice, NoticeAudience
from tests.enrolment.factories import PXL_CODE, ContractFactory, ProgrammeFactory, StudentFactory, make_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    return make_year(2026)


@pytest.fixture
def programme():
    return ProgrammeFactory(code="BA-INF")


def enrolled(year, programme, **kw):
    student = StudentFactory(**kw)
    ContractFactory(student=student, programme=programme, academic_year=year, enrolled_on=date(2026, 9, 10))
    return student


def test_en10_one_reminder_per_enrolled_student_with_an_address_and_date(year, programme):
    a, b = enrolled(year, programme), enrolled(year, programme)
    enrolled(year, programme, email="")  # no address: nobody to remind
    StudentFactory()  # not enrolled this year
    gone = enrolled(year, programme)
    gone.contracts.update(deregistered_on=date(2026, 9, 30), deregistration_reason="withdrawal")
    assert remind_special_circumstances(date(2026, 9, 30)).count == 0  # 15 days before 15 October
    result = remind_special_circumstances(date(2026, 10, 1))  # 14 days before
    assert sorted(r.pk for r in result.affected) == sorted([a.pk, b.pk])
    notices = Notice.objects.order_by("to")
    assert [(n.key, n.to, n.audience) for n in notices] == sorted(
        [(f"en10.2026-2027.2026-10-15.{s.pk}", s.email, NoticeAudience.STUDENT) for s in (a, b)], key=lambda t: t[1])
    assert all("2026-10-15" in n.subject and "UH 4.6.3" in n.body for n in notices)
    assert {(n.about_model, n.about_pk) for n in notices} == {("students.student", a.pk), ("students.student", b.pk)}


def test_en10_a_rerun_adds_nothing_but_a_student_enrolled_since_is_reminded(year, programme):
    enrolled(year, programme)
    assert remind_special_circumstances(date(2026, 10, 1)).count == 1
    assert remind_special_circumstances(date(2026, 10, 1)).count == 0
    assert remind_special_circumstances(date(2026, 10, 10)).count == 0
    late = enrolled(year, programme)
    result = remind_special_circumstances(date(2026, 10, 12))
    assert [r.pk for r in result.affected] == [late.pk]
    assert Notice.objects.count() == 2


def test_en10_the_date_itself_still_reminds_but_not_the_day_after(year, programme):
    enrolled(year, programme)
    assert remind_special_circumstances(date(2026, 10, 16)).count == 0
    assert remind_special_circumstances(date(2026, 10, 15)).count == 1


def test_en10_each_date_of_the_year_once(year, programme):
    enrolled(year, programme)
    for as_of in (date(2026, 10, 1), date(2026, 11, 20), date(2027, 2, 20), date(2027, 6, 30)):
        assert remind_special_circumstances(as_of).count == 1
        assert remind_special_circumstances(as_of).count == 0
    assert sorted(k.split(".")[2] for k in Notice.objects.values_list("key", flat=True)) == [
        "2026-10-15", "2026-12-01", "2027-03-01", "2027-07-01"]


def test_en10_pxl_has_no_fixed_dates(programme):
    pxl = make_year(2018, PXL_CODE)
    student = StudentFactory()
    ContractFactory(student=student, programme=programme, academic_year=pxl, enrolled_on=date(2018, 9, 10))
    assert remind_special_circumstances(date(2018, 10, 10)).count == 0
    assert upcoming_special_circumstances(date(2018, 9, 1), date(2019, 9, 1)) == []


def test_en10_bulk_in_a_fixed_number_of_queries(year, programme, django_assert_max_num_queries):
    for _ in range(30):
        enrolled(year, programme)
    with django_assert_max_num_queries(12):
        assert remind_special_circumstances(date(2026, 10, 5)).count == 30
    with django_assert_max_num_queries(5):  # the years; the year's lock and its savepoint; the recipients
        assert remind_special_circumstances(date(2026, 10, 5)).count == 0


def test_en10_upcoming_lists_the_dates(year):
    items = upcoming_special_circumstances(date(2026, 11, 23), date(2026, 12, 23))
    assert [(d.rule, d.due_on, d.programme) for d in items] == [("EN-10", date(2026, 12, 1), "")]
    assert "14 days" in items[0].what
