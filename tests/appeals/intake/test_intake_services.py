"""The intake services against PostgreSQL: registration (AP-1, AP-2, AP-7), references, idempotency, the status
moves with their transitions, the AP-3 checklist, AP-4's arguments, and the evidence documents."""

import io
from datetime import UTC, date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from appeals.models import (
    AdmissibilityCheck,
    Appeal,
    AppealSequence,
    AppealStatus,
    AppealTransition,
    EvidenceDocument,
)
from appeals.services import intake as services
from appeals.services.intake import AppealRefused

from .conftest import all_yes

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


# ---- intake -----------------------------------------------------------------------------------------------------

def test_ap2_ap7_an_appeal_on_a_proclaimed_decision_takes_the_proclamation_date(register, uni):
    appeal = register()
    assert appeal.reference == "APP-2027-0001"
    assert (appeal.decision_kind, appeal.contested_decision, appeal.programme) == (
        "exam_decision", uni["an_jan"], uni["ba_inf"])
    # Proclaimed Friday 12 Feb 2027: day 7 is Friday 19 Feb. Received Friday 19 Feb: day 20 is Thursday 11 Mar.
    assert (appeal.decision_notified_on, appeal.lodge_by, appeal.decide_by) == (
        date(2027, 2, 12), date(2027, 2, 19), date(2027, 3, 11))
    assert appeal.in_time and appeal.status == AppealStatus.RECEIVED
    t = AppealTransition.objects.get(appeal=appeal)
    assert (t.from_status, t.to_status, t.note) == ("", "received", "Registered.")


def test_ap3_a_late_appeal_is_registered_and_marked_late(register):
    appeal = register(postmarked_on=date(2027, 2, 20), received_on=date(2027, 2, 22))
    assert appeal.late and appeal.status == AppealStatus.RECEIVED
    assert "after the last day 2027-02-19 (AP-2): late" in appeal.transitions.get().note


def test_an_irregularity_decision_takes_the_letter_date(register, uni):
    appeal = register(contested_irregularity=uni["irregularity"])
    assert appeal.decision_kind == "disciplinary_decision"
    # Letter Monday 15 Feb 2027 -> day 7 Monday 22 Feb.
    assert (appeal.decision_notified_on, appeal.lodge_by) == (date(2027, 2, 15), date(2027, 2, 22))
    assert appeal.programme == uni["ba_inf"]


def test_ap1_another_kind_is_described_by_hand(register, uni):
    appeal = register(decision_kind="exemption", description="Exemption for INF102 refused on 1 Feb 2027",
                      decision_notified_on=date(2027, 2, 16), programme=uni["ba_inf"])
    assert appeal.contested_decision is None and appeal.decision_kind == "exemption"
    assert appeal.lodge_by == date(2027, 2, 23)
    with pytest.raises(AppealRefused, match="Describe the contested decision"):
        register(decision_kind="exemption", decision_notified_on=date(2027, 2, 16))
    with pytest.raises(AppealRefused, match="kind of the contested decision"):
        register(decision_kind="grade_complaint", description="x", decision_notified_on=date(2027, 2, 16))


def test_a_decision_of_another_student_is_refused(register, uni):
    with pytest.raises(AppealRefused, match="not one of this student's"):
        register(contested_decision=uni["bram_jan"])
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(("kw", "words"), [
    ({"postmarked_on": date(2027, 2, 19), "received_on": date(2027, 2, 18)}, "before its postmark"),
    ({"postmarked_on": date(2027, 2, 10), "received_on": date(2027, 2, 11)}, r"proclaimed or notified \(2027-02-12\)"),
    ({"postmarked_on": date(2027, 2, 18), "received_on": date(2027, 2, 23)}, "lies after today"),
])
def test_impossible_dates_are_refused(register, kw, words):
    with pytest.raises(AppealRefused, match=words):
        register(today=date(2027, 2, 22), **kw)


def test_references_count_per_year_of_receipt_and_skip_one_taken(register, uni):
    Appeal.objects.create(reference="APP-2027-0002", student=uni["bram"], decision_kind="exemption",
                          decision_notified_on=date(2027, 1, 5), postmarked_on=date(2027, 1, 8),
                          received_on=date(2027, 1, 9), lodge_by=date(2027, 1, 12), decide_by=date(2027, 1, 29))
    refs = [register().reference, register().reference, register(
        decision_kind="exemption", description="old", decision_notified_on=date(2026, 12, 1),
        postmarked_on=date(2026, 12, 4), received_on=date(2026, 12, 7)).reference]
    assert refs == ["APP-2027-0001", "APP-2027-0003", "APP-2026-0001"]
    assert AppealSequence.objects.get(year=2027).last == 3


def test_the_same_intake_key_twice_registers_once(uni, people):
    kw = {"student": uni["an"], "decision_kind": "", "contested_decision": uni["an_jan"],
          "postmarked_on": date(2027, 2, 18), "received_on": date(2027, 2, 19), "intake_key": "k1",
          "by": people["secretary"]}
    first, created = services.register_appeal(**kw)
    again, created_again = services.register_appeal(**kw)
    assert (created, created_again, first.pk) == (True, False, again.pk)
    assert Appeal.objects.count() == 1 and AppealTransition.objects.count() == 1


# ---- the status -------------------------------------------------------------------------------------------------

def test_move_appeal_writes_its_transition_and_refuses_an_illegal_move(register, people):
    appeal = register()
    moved = services.move_appeal(appeal.pk, "admissible", by=people["chair"], note="checked")
    assert moved.status == "admissible"
    t = appeal.transitions.last()
    assert (t.from_status, t.to_status, t.by, t.note) == ("received", "admissible", people["chair"], "checked")
    with pytest.raises(AppealRefused, match="cannot become"):
        services.move_appeal(appeal.pk, "heard", by=people["chair"])
    with pytest.raises(AppealRefused, match="changed meanwhile"):
        services.move_appeal(appeal.pk, "decided", by=people["chair"], expected="received")
    assert Appeal.objects.get(pk=appeal.pk).status == "admissible" and appeal.transitions.count() == 2


def test_transitions_are_append_only(register):
    t = register().transitions.get()
    with pytest.raises(ValueError, match="never edited"):
        t.save()
    with pytest.raises(ValueError, match="never deleted"):
        t.delete()


# ---- AP-3: the checklist ----------------------------------------------------------------------------------------

def test_ap3_all_points_met_makes_it_admissible(register, people):
    appeal = register()
    check = services.record_admissibility(appeal.pk, answers=all_yes(), checked_on=date(2027, 2, 22),
                                          signed_by="student", by=people["secretary"])
    assert check.outcome == "admissible" and check.version == 1
    assert Appeal.objects.get(pk=appeal.pk).status == "admissible"
    assert {a.point: a.satisfied for a in check.answers.all()} == {
        "name": True, "address": True, "signature": True, "decision_identified": True, "arguments": True,
        "in_time": True, "not_appealed_before": True}


def test_ap3_a_failed_point_needs_its_reason_and_makes_it_inadmissible(register, people):
    appeal = register()
    with pytest.raises(AppealRefused, match="reason why the point 'Correspondence address'"):
        services.record_admissibility(appeal.pk, answers=all_yes(address=(False, "")), checked_on=date(2027, 2, 22),
                                      signed_by="student", by=people["secretary"])
    check = services.record_admissibility(appeal.pk, answers=all_yes(address=(False, "No address in the letter")),
                                          checked_on=date(2027, 2, 22), signed_by="student", by=people["secretary"])
    assert check.outcome == "inadmissible"
    appeal.refresh_from_db()
    assert appeal.status == "inadmissible"
    assert "Correspondence address: No address in the letter" in appeal.transitions.last().note


def test_ap3_a_late_appeal_fails_in_time_with_the_dates_as_reason(register, people):
    appeal = register(postmarked_on=date(2027, 2, 20), received_on=date(2027, 2, 22))
    check = services.record_admissibility(appeal.pk, answers=all_yes(), checked_on=date(2027, 2, 22),
                                          signed_by="lawyer", by=people["secretary"])
    answer = check.answers.get(point="in_time")
    assert check.outcome == "inadmissible" and answer.satisfied is False
    assert answer.reason == "Postmarked 2027-02-20, after the last day to lodge 2027-02-19 (AP-2, UH 19.3.2)."


def test_ap3_computed_points_cannot_be_overridden(register, people):
    appeal = register(postmarked_on=date(2027, 2, 20), received_on=date(2027, 2, 22))
    check = services.record_admissibility(appeal.pk, answers={**all_yes(), "in_time": (True, "")},
                                          checked_on=date(2027, 2, 22), signed_by="student", by=people["secretary"])
    assert check.outcome == "inadmissible"


def test_ap3_an_earlier_appeal_decided_before_the_postmark_makes_it_inadmissible(register, people):
    first = register(postmarked_on=date(2027, 2, 13), received_on=date(2027, 2, 15))
    services.record_admissibility(first.pk, answers=all_yes(), checked_on=date(2027, 2, 15), signed_by="student",
                                  by=people["secretary"])
    second = register(postmarked_on=date(2027, 2, 18), received_on=date(2027, 2, 19))
    pending = services.computed_points(second)["not_appealed_before"]
    assert pending == (True, ""), "an earlier appeal not yet decided does not count (UH 19.3.4)"
    AppealTransition.objects.create(appeal=first, from_status="admissible", to_status="decided",
                                    at=datetime(2027, 2, 16, 10, tzinfo=UTC))
    Appeal.objects.filter(pk=first.pk).update(status="decided")
    ok, reason = services.computed_points(second)["not_appealed_before"]
    assert ok is False and "APP-2027-0001" in reason


def test_ap3_the_same_checklist_twice_writes_once_and_a_correction_is_a_new_version(register, people):
    appeal = register()
    kw = {"answers": all_yes(), "checked_on": date(2027, 2, 22), "signed_by": "student", "by": people["secretary"]}
    first = services.record_admissibility(appeal.pk, **kw)
    assert services.record_admissibility(appeal.pk, **kw).pk == first.pk
    second = services.record_admissibility(appeal.pk, **{**kw, "answers": all_yes(signature=(False, "Not signed")),
                                                         "signed_by": ""})
    assert (second.version, second.outcome) == (2, "inadmissible")
    assert list(AdmissibilityCheck.objects.filter(appeal=appeal).values_list("version", "is_current")
                .order_by("version")) == [(1, False), (2, True)]
    assert Appeal.objects.get(pk=appeal.pk).status == "inadmissible"
    assert appeal.transitions.count() == 3


def test_ap3_the_checklist_closes_once_the_committee_takes_the_file_up(register, people):
    appeal = register()
    services.record_admissibility(appeal.pk, answers=all_yes(), checked_on=date(2027, 2, 22), signed_by="student",
                                  by=people["secretary"])
    services.move_appeal(appeal.pk, "hearing_planned", by=people["chair"])
    with pytest.raises(AppealRefused, match="committee has taken the appeal up"):
        services.record_admissibility(appeal.pk, answers=all_yes(), checked_on=date(2027, 2, 22),
                                      signed_by="student", by=people["secretary"])


def test_ap3_a_signature_names_who_signed(register, people):
    appeal = register()
    with pytest.raises(AppealRefused, match="student or the lawyer"):
        services.record_admissibility(appeal.pk, answers=all_yes(), checked_on=date(2027, 2, 22),
                                      by=people["secretary"])


# ---- AP-4: the conservatory appeal --------------------------------------------------------------------------------

def test_ap4_conservatory_appeal_pending_until_the_arguments_then_completed(register, people):
    appeal = register(conservatory=True)
    check = services.record_admissibility(appeal.pk, answers=all_yes(), checked_on=date(2027, 2, 22),
                                          signed_by="student", by=people["secretary"])
    assert check.outcome == "pending" and check.answers.get(point="arguments").satisfied is None
    assert Appeal.objects.get(pk=appeal.pk).status == "received"
    services.record_arguments(appeal.pk, received_on=date(2027, 2, 22), by=people["secretary"])
    assert services.record_arguments(appeal.pk, received_on=date(2027, 2, 22), by=people["secretary"])
    with pytest.raises(AppealRefused, match="on file as received on 2027-02-22"):
        services.record_arguments(appeal.pk, received_on=date(2027, 2, 21), by=people["secretary"])
    check = services.record_admissibility(appeal.pk, answers=all_yes(), checked_on=date(2027, 2, 22),
                                          signed_by="student", by=people["secretary"])
    assert (check.version, check.outcome) == (2, "admissible")
    assert Appeal.objects.get(pk=appeal.pk).status == "admissible"


def test_ap4_only_a_conservatory_appeal_gets_arguments_later(register, people):
    appeal = register()
    with pytest.raises(AppealRefused, match="Only a conservatory appeal"):
        services.record_arguments(appeal.pk, received_on=date(2027, 2, 22), by=people["secretary"])


# ---- evidence ---------------------------------------------------------------------------------------------------

def upload(content: bytes, name: str):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(("content", "name", "content_type"), [
    (PDF, "letter.pdf", "application/pdf"), (PNG, "scan.png", "image/png"), (JPEG, "photo.JPG", "image/jpeg"),
    (JPEG, "photo.jpeg", "image/jpeg")])
def test_evidence_of_an_accepted_type_is_stored_privately(register, people, private_media, content, name,
                                                           content_type):
    appeal = register()
    doc, created = services.add_document(appeal.pk, upload=upload(content, name), title="Copy",
                                         received_on=date(2027, 2, 19), by=people["secretary"])
    assert created and doc.content_type == content_type and doc.original_name == name
    stored = private_media / doc.file.name
    assert stored.read_bytes() == content
    assert name not in doc.file.name, "the stored name is random"
    with pytest.raises(ValueError, match="no URL"):
        _ = doc.file.url


def test_evidence_is_stored_once_per_appeal(register, people):
    appeal = register()
    first, _ = services.add_document(appeal.pk, upload=upload(PDF, "a.pdf"), title="A",
                                     received_on=date(2027, 2, 19), by=people["secretary"])
    again, created = services.add_document(appeal.pk, upload=upload(PDF, "b.pdf"), title="B",
                                           received_on=date(2027, 2, 19), by=people["secretary"])
    assert (created, again.pk) == (False, first.pk) and EvidenceDocument.objects.count() == 1


@pytest.mark.parametrize(("content", "name", "words"), [
    (b"MZ\x90\x00 not a pdf", "letter.pdf", "Only PDF, JPEG and PNG"),
    (b"<html><script>alert(1)</script>", "page.png", "Only PDF, JPEG and PNG"),
    (PNG, "scan.pdf", "rename it to end in .png"),
    (PDF, "letter.exe", "rename it to end in .pdf"),
    (PDF, "..\\evil.pdf", "file name is not acceptable"),
    (PDF, ".hidden.pdf", "file name is not acceptable"),
    (b"", "empty.pdf", "empty"),
])
def test_evidence_refused_by_content_name_or_size(register, people, content, name, words):
    appeal = register()
    with pytest.raises(AppealRefused, match=words):
        services.add_document(appeal.pk, upload=upload(content, name), title="X", received_on=date(2027, 2, 19),
                              by=people["secretary"])
    assert not EvidenceDocument.objects.exists()


def test_evidence_larger_than_ten_megabytes_is_refused_unread(register, people):
    appeal = register()
    big = upload(PDF + b"0" * (services.MAX_EVIDENCE_BYTES), "big.pdf")
    with pytest.raises(AppealRefused, match="larger than 10 MB"):
        services.add_document(appeal.pk, upload=big, title="Big", received_on=date(2027, 2, 19),
                              by=people["secretary"])


def test_safe_filename_keeps_ordinary_names_and_replaces_odd_characters():
    assert services.safe_filename("Medisch attest (2).pdf") == "Medisch attest (2).pdf"
    assert services.safe_filename("brief<script>.pdf") == "brief_script.pdf"
    assert services.safe_filename("é" * 200 + ".pdf") == "document.pdf"
    assert services.safe_filename("a" * 200 + ".pdf") == "a" * 110 + ".pdf"
    for trick in ("../../etc/passwd.pdf", "/etc/passwd", "a/../b.pdf", "x\x00.pdf", "..", "C:\\boot.pdf"):
        with pytest.raises(AppealRefused, match="not acceptable"):
            services.safe_filename(trick)
    assert services.sniff_type(io.BytesIO(PDF).read(8)) == "application/pdf"
