"""Issue 6, point 1: every kind of change shows up in its record's History panel with user, time and reason; the
audit search of the student administration (roles: the URL walk's rows; here what it finds and its queries)."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from config.audit import audited
from students.models import AuditEvent, Student

from .world import TODAY

pytestmark = pytest.mark.django_db

STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def _name(user):
    return user.get_full_name() or user.get_username()


def history_rows(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    panel = html[html.index('data-testid="history"'):]
    return panel.split('data-testid="history-entry"')[1:]


def assert_in_history(client, url, user, reason, *also):
    rows = history_rows(client, url)
    found = [r for r in rows if reason in r and (user is None or _name(user) in r) and STAMP.search(r)
             and all(a in r for a in also)]
    assert found, f"no History row with {reason!r} by {user} in {url}:\n" + "\n---\n".join(rows[:5])


def as_user(client, user):
    client.force_login(user)
    return client


def test_student_change_shows_in_the_student_history(world, client):
    from students.services import record_register_opening

    admin = world.users["studadmin"]
    record_register_opening(world.student, 100, TODAY - timedelta(days=400), 0, False, by=admin)
    record_register_opening(world.student, 90, TODAY - timedelta(days=400), 0, False, by=admin)
    url = reverse("students:detail", args=[world.student.number])
    assert_in_history(as_user(client, admin), url, admin, "Opening balance from the register (LA-1)",
                      "register balance: <del>100</del> → <ins>90</ins>")


def test_ledger_movement_shows_in_the_student_history(world, client):
    from students.services import record_correction

    admin = world.users["studadmin"]
    record_correction(world.student, 5, TODAY, "BOARD-7", "Decided by the board of appeal", by=admin)
    url = reverse("students:detail", args=[world.student.number])
    assert_in_history(as_user(client, admin), url, admin, "Ledger correction (LA-13): Decided by the board of appeal",
                      "Ledger movement")


def test_contract_change_shows_in_the_student_history(world, client):
    from enrolment.services import withdraw

    admin = world.users["studadmin"]
    withdraw(world.contract, TODAY, by=admin, today=TODAY)
    url = reverse("students:detail", args=[world.student.number])
    assert_in_history(as_user(client, admin), url, admin, "Withdrawal", "Contract")


def test_programme_line_change_shows_in_the_student_history(world, client):
    from enrolment.services import remove_unit

    admin = world.users["studadmin"]
    line = world.line
    line.refresh_from_db()
    remove_unit(line, TODAY, by=admin, today=TODAY)
    url = reverse("students:detail", args=[line.student.number])
    assert_in_history(as_user(client, admin), url, admin, "Course unit removed", "Programme line")


def test_result_change_shows_in_the_results_history(world, client):
    from examinations.models import Outcome, ResultProcedure
    from examinations.services.results import record_result

    admin = world.users["studadmin"]
    result = world.result
    grade = ((result.grade or 0) + 1) % 21
    record_result(result.line, result.exam_period, Outcome.NUMERIC, grade, by=admin,
                  procedure=ResultProcedure.MATERIAL_ERROR, reason="Typo on the exam sheet", decided_on=TODAY)
    url = reverse("examinations:results_student", args=[result.student.number])
    assert_in_history(as_user(client, admin), url, admin,
                      "Result recorded (material_error): Typo on the exam sheet", "Result")


def test_committee_decision_shows_in_the_meeting_history(world, client):
    from examinations.services.committee import record_decision

    chair = world.users["chair"]
    record_decision(world.meeting.pk, world.student.number, chair, follow=True)
    url = reverse("examinations:meeting_detail", args=[world.meeting.pk])
    assert_in_history(as_user(client, chair), url, chair, "Committee decision", "Decision")


def test_committee_member_shows_in_the_committee_history(world, client):
    from examinations.services.committee import add_member

    admin = world.users["studadmin"]
    add_member(world.committee.pk, world.users["outsider"].pk, "member", TODAY, by=admin)
    url = reverse("examinations:committee_detail", args=[world.committee.pk])
    assert_in_history(as_user(client, admin), url, admin, "Committee member added (member)", "Member")


def test_meeting_records_show_in_the_meeting_history(world, client):
    """The demo planned, opened and recorded attendance of the meeting through the services."""
    chair = world.users["chair"]
    url = reverse("examinations:meeting_detail", args=[world.meeting.pk])
    assert_in_history(as_user(client, chair), url, None, "Meeting opened", "Meeting")


def test_appeal_shows_in_the_appeal_file_history(world, client):
    from appeals.services.intake import register_appeal

    secretary = world.users["appeals"]
    appeal, _ = register_appeal(
        student=world.other_appeal.student, decision_kind="exam_decision", programme=world.other_appeal.programme,
        decision_notified_on=TODAY - timedelta(days=3), postmarked_on=TODAY - timedelta(days=1), received_on=TODAY,
        description="Another exam decision.", by=secretary, today=TODAY)
    url = reverse("appeals:appeal_detail", args=[appeal.pk])
    assert_in_history(as_user(client, secretary), url, secretary, "Appeal registered", "Appeal")


def test_mediation_step_shows_in_the_case_history(world, client):
    from appeals.services.ombuds import move_mediation

    ombuds = world.users["ombuds"]
    move_mediation(world.mediation.pk, "mediating", by=ombuds, today=TODAY, note="Both parties agreed to talk")
    url = reverse("appeals:ombuds_file", args=["mediation", world.mediation.pk])
    assert_in_history(as_user(client, ombuds), url, ombuds, "Mediation moved to mediating", "status")
    # The step's note is the ombudsperson's: the reason the administration's audit search shows does not carry it.
    from appeals.models import MediationCase
    assert not MediationCase.history.filter(history_change_reason__contains="Both parties").exists()


def test_a_note_added_through_the_page_is_in_the_history_without_its_text(world, client):
    ombuds = world.users["ombuds"]
    as_user(client, ombuds)
    response = client.post(reverse("appeals:ombuds_mediation_note", args=[world.mediation.pk]),
                           {"text": "Confidential words", "token": str(uuid.uuid4())})
    assert response.status_code == 302
    url = reverse("appeals:ombuds_file", args=["mediation", world.mediation.pk])
    rows = history_rows(client, url)
    note_rows = [r for r in rows if "Mediation note added" in r]
    assert note_rows and _name(ombuds) in note_rows[0]
    assert all("Confidential words" not in r for r in rows)


def test_a_sweep_is_recorded_without_a_user_and_with_its_rule(world):
    student = Student.objects.get(pk=world.student.pk)
    with audited(reason="Sweep LA-12: yearly rebuild of the learning accounts"):
        student.city = "Gent"
        student.save()
    row = student.history.first()
    assert row.history_user is None
    assert row.history_change_reason == "Sweep LA-12: yearly rebuild of the learning accounts"


def test_the_web_request_user_is_recorded_when_the_service_names_none(world, client, rf):
    """simple-history's middleware: a save inside a request without ``by`` has the request's user."""
    from simple_history.models import HistoricalRecords

    admin = world.users["studadmin"]
    request = rf.get("/")
    request.user = admin
    HistoricalRecords.context.request = request
    try:
        student = Student.objects.get(pk=world.student.pk)
        student.city = "Leuven"
        student.save()
    finally:
        del HistoricalRecords.context.request
    assert student.history.first().history_user == admin


# ----------------------------------------------------------------------------------------------- the audit page

def test_audit_page_lists_the_dataset_import_as_one_event(world, client):
    event = AuditEvent.objects.get()
    assert event.kind == AuditEvent.Kind.DATASET_IMPORT and event.source == "demo dataset"
    as_user(client, world.users["studadmin"])
    response = client.get(reverse("students:audit"), {"record_type": "import"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="audit-row"') == 1 and "demo dataset" in html


def test_audit_page_filters_by_type_user_date_and_reason(world, client):
    from students.services import record_correction

    admin = world.users["studadmin"]
    record_correction(world.student, 3, TODAY, "REF-1", "Unusual words xyzzy", by=admin)
    as_user(client, admin)
    url = reverse("students:audit")
    found = client.get(url, {"record_type": "ledger", "user": "studadmin", "reason": "xyzzy",
                             "date_from": TODAY.isoformat()}).content.decode()
    assert found.count('data-testid="audit-row"') == 1 and "Unusual words xyzzy" in found
    empty = client.get(url, {"record_type": "student", "reason": "xyzzy"}).content.decode()
    assert 'data-testid="audit-empty"' in empty
    bad = client.get(url, {"date_from": "2026-12-01", "date_to": "2026-11-01"})
    assert bad.status_code == 200 and 'data-testid="audit-row"' not in bad.content.decode()


def test_audit_page_queries_do_not_grow_with_the_history(world, client, django_assert_max_num_queries):
    admin = world.users["studadmin"]
    as_user(client, admin)
    url = reverse("students:audit")
    student = Student.objects.get(pk=world.student.pk)
    for i in range(60):
        with audited(by=admin, reason=f"Test change {i}"):
            student.city = f"City {i}"
            student.save()
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(url, {"page": 2, "record_type": "student"}).status_code == 200


def test_history_panel_queries_do_not_grow_with_the_history(world, client, django_assert_num_queries):
    admin = world.users["studadmin"]
    as_user(client, admin)
    url = reverse("students:detail", args=[world.student.number])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url)
    student = Student.objects.get(pk=world.student.pk)
    for i in range(20):
        with audited(by=admin, reason=f"Test change {i}"):
            student.city = f"City {i}"
            student.save()
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(url)


@pytest.mark.parametrize("persona", ["academic_advisor", "lecturer", "committee_chair", "appeals_secretary"])
def test_audit_page_is_for_the_student_administration_only(world, client, persona):
    from .world import PERSONA_USERS

    as_user(client, world.users[PERSONA_USERS[persona]])
    assert client.get(reverse("students:audit")).status_code == 403


def test_proclamation_decisions_show_in_the_results_history(world, client):
    """Closing, signing and proclaiming the meeting writes the study-progress decisions (in bulk, with history)."""
    from examinations.models import StudyProgressDecision
    from examinations.services import committee as services

    chair, secretary = world.users["chair"], world.users["secretary"]
    services.close_meeting(world.meeting.pk, by=chair)
    for user in (chair, secretary):
        try:
            services.sign_meeting(world.meeting.pk, by=user)
        except services.CommitteeRefused:
            pass  # not a signer of this meeting
    services.proclaim(world.meeting.pk, world.meeting.held_on, by=chair)
    decision = StudyProgressDecision.objects.filter(proclamation__meeting_id=world.meeting.pk).first()
    admin = world.users["studadmin"]
    url = reverse("examinations:results_student", args=[decision.student.number])
    assert_in_history(as_user(client, admin), url, chair, "Proclamation", "Study-progress decision")
    url = reverse("examinations:meeting_detail", args=[world.meeting.pk])
    assert_in_history(as_user(client, chair), url, chair, "Minutes signed", "Signature")


def test_appeal_committee_record_shows_in_the_appeal_file_history(world, client):
    from appeals.services.committee import exclude_member

    chair = world.users["appealschair"]
    appeal = world.other_appeal
    exclude_member(appeal.pk, member_id=world.pool_member.pk, ground="other", reason="Supervised her thesis",
                   decided_on=TODAY, by=chair)
    url = reverse("appeals:appeal_detail", args=[appeal.pk])
    assert_in_history(as_user(client, chair), url, chair, "Member excluded (other): Supervised her thesis",
                      "Exclusion")
