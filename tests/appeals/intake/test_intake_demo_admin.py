"""The demo's two appeals (idempotent; a recorded decision when there is one, else an exam decision by hand) and
the read-only admin, which never links an evidence file."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appeals.demo_intake import IN_TIME_KEY, LATE_KEY, ensure_demo_intake
from appeals.models import Appeal, AppealTransition
from appeals.services import intake as services
from tests.enrolment.factories import (
    ContractFactory,
    CourseUnitFactory,
    ProgrammeFactory,
    StudentFactory,
    make_year,
    record_result,
)

from .test_intake_services import PDF

pytestmark = pytest.mark.django_db


def test_the_demo_registers_one_appeal_in_time_and_one_late_once(uni, today):
    today.set(date(2027, 3, 15))
    first = ensure_demo_intake()
    assert [a.intake_key for a in first] == [IN_TIME_KEY, LATE_KEY]
    in_time, late = first
    assert in_time.in_time and late.late
    assert in_time.contested_decision in (uni["an_jan"], uni["bram_jan"])
    assert late.contested_decision in (uni["an_jan"], uni["bram_jan"])
    assert in_time.student != late.student
    assert {a.recorded_by.username for a in first} == {"appeals"}
    assert all(a.received_on <= date(2027, 3, 15) for a in first)
    again = ensure_demo_intake()
    assert [a.pk for a in again] == [a.pk for a in first]
    assert Appeal.objects.count() == 2 and AppealTransition.objects.count() == 2


def test_without_a_recorded_decision_the_demo_describes_an_exam_decision_by_hand(db, today):
    today.set(date(2027, 3, 15))
    year = make_year(2026)
    programme = ProgrammeFactory(code="BA-BIO")
    unit = CourseUnitFactory(programme=programme, code="BIO101", name="Cells")
    for number in ("2600011", "2600012"):
        contract = ContractFactory(student=StudentFactory(number=number), programme=programme, academic_year=year,
                                   units=[unit])
        record_result(contract.lines.get(), 8)
    in_time, late = ensure_demo_intake()
    assert in_time.contested_decision is None and in_time.decision_kind == "exam_decision"
    assert "BIO101 Cells" in in_time.contested_description and "proclaimed 2027-02-12" in in_time.contested_description
    assert (in_time.decision_notified_on, in_time.in_time, late.late) == (date(2027, 2, 12), True, True)
    assert in_time.programme == programme


def test_the_demo_without_proclaimed_results_registers_nothing(db):
    assert ensure_demo_intake() == []
    assert not Appeal.objects.exists()


def test_the_admin_shows_appeals_read_only_without_file_links(client_as, make_user, register, people):
    appeal = register()
    doc, _ = services.add_document(appeal.pk, upload=SimpleUploadedFile("letter.pdf", PDF), title="Letter",
                                   received_on=date(2027, 2, 19), by=people["secretary"])
    client = client_as(make_user("root", is_superuser=True, is_staff=True))
    assert client.get(reverse("admin:appeals_appeal_changelist")).status_code == 200
    page = client.get(reverse("admin:appeals_appeal_change", args=[appeal.pk]))
    assert page.status_code == 200 and "letter.pdf" in page.content.decode()
    assert doc.file.name not in page.content.decode()
    assert client.get(reverse("admin:appeals_appeal_add")).status_code == 403
    assert client.post(reverse("admin:appeals_appeal_delete", args=[appeal.pk]), {"post": "yes"}).status_code == 403
    assert Appeal.objects.filter(pk=appeal.pk).exists()
