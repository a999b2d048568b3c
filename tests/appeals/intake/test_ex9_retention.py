"""EX-9 (UH 15.4.4): the retention command removes an appeal's evidence files and the PDF copies of its sent
notices once the contested exam's five years have ended, and nothing else."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from appeals.models import Appeal, EvidenceDocument
from appeals.services import intake as services
from config.regulations.base import CommitteeRules
from enrolment.models import Notice
from examinations.rules import retention as rules
from examinations.services.retention import apply_retention
from students.models import AuditEvent

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def committee():
    return CommitteeRules()  # the defaults: 1 February, five years (UH 15.4.4)


# --- the pure rule -----------------------------------------------------------------------------------------------

def test_ex9_ordinary_retention_kept_on_1_february_removable_on_2_february():
    until = rules.ordinary_kept_until(date(2027, 9, 13), committee())
    assert until == date(2028, 2, 1)
    assert not rules.may_remove(date(2028, 2, 1), until)
    assert rules.may_remove(date(2028, 2, 2), until)


def test_ex9_appeal_file_kept_five_years_from_the_appeal_never_less_than_1_february():
    cr = committee()
    assert rules.appeal_file_kept_until(date(2027, 2, 6), date(2027, 2, 19), date(2027, 9, 13), cr) == date(2032, 2, 19)
    # a contest counted from the exam when it is the later day, and never before the ordinary date
    assert rules.appeal_file_kept_until(date(2027, 2, 6), date(2027, 2, 1), date(2027, 9, 13), cr) == date(2032, 2, 6)


def test_ex9_appeal_file_of_29_february_kept_until_1_march():
    assert rules.appeal_file_kept_until(date(2028, 2, 5), date(2028, 2, 29), date(2028, 9, 13),
                                        committee()) == date(2033, 3, 1)


# --- the service and the command ---------------------------------------------------------------------------------

@pytest.fixture
def case(register, people, private_media):
    appeal = register()
    doc, _ = services.add_document(appeal.pk, upload=SimpleUploadedFile("letter.pdf", PDF, "application/pdf"),
                                   title="Copy", received_on=date(2027, 2, 19), by=people["secretary"])
    sent = Notice.objects.create(key="appeals.test.letter", audience="student", to="an@example.org", subject="S",
                                 body="Your appeal was decided.", attachment_name="appeal.pdf",
                                 attachment_type="application/pdf", attachment=PDF, about_model="appeals.appeal",
                                 about_pk=appeal.pk, about_label=appeal.reference, status="sent",
                                 sent_at=timezone.now())
    pending = Notice.objects.create(key="appeals.test.pending", audience="student", to="an@example.org",
                                    subject="S", body="B", attachment_name="p.pdf", attachment=PDF,
                                    about_model="appeals.appeal", about_pk=appeal.pk)
    period = appeal.contested_decision.exam_period
    until = rules.appeal_file_kept_until(period.ends_on, appeal.received_on, period.academic_year.ends_on,
                                         period.academic_year.rules.committee)
    return {"appeal": appeal, "doc": doc, "path": private_media / doc.file.name, "sent": sent,
            "pending": pending, "until": until, "people": people}


def run(*args):
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def test_ex9_contested_files_kept_past_the_ordinary_1_february(case):
    year = case["appeal"].contested_decision.exam_period.academic_year
    after_ordinary = rules.ordinary_kept_until(year.ends_on, year.rules.committee) + timedelta(days=1)
    assert apply_retention(after_ordinary) == []
    assert case["path"].exists() and not AuditEvent.objects.filter(kind="retention").exists()


@pytest.mark.django_db(transaction=True)
def test_ex9_kept_on_the_last_day_removed_the_day_after(case):
    assert case["until"] == date(2032, 2, 19)
    assert apply_retention(case["until"]) == []
    removed = apply_retention(case["until"] + timedelta(days=1), by=case["people"]["admin"])
    assert sorted(r.what for r in removed) == ["attachment", "evidence"]
    doc = EvidenceDocument.objects.get(pk=case["doc"].pk)
    assert doc.file.name == "" and doc.original_name == "letter.pdf" and doc.sha256, "the row stays"
    assert not case["path"].exists(), "the file went after commit"
    sent = Notice.objects.get(pk=case["sent"].pk)
    assert sent.attachment is None and sent.body == "Your appeal was decided." and sent.attachment_name
    assert Notice.objects.get(pk=case["pending"].pk).attachment is not None, "a pending notice still needs it"
    assert Appeal.objects.filter(pk=case["appeal"].pk).exists()
    event = AuditEvent.objects.get(kind="retention")
    assert event.by == case["people"]["admin"] and "letter.pdf" in event.summary


@pytest.mark.django_db(transaction=True)
def test_ex9_dry_run_changes_nothing_and_a_second_run_removes_nothing_more(case):
    day = (case["until"] + timedelta(days=1)).isoformat()
    out = run("--as-of", day, "--dry-run")
    assert "would remove: appeal evidence file" in out and "would remove 2" in out
    assert case["path"].exists() and EvidenceDocument.objects.get(pk=case["doc"].pk).file.name
    assert Notice.objects.get(pk=case["sent"].pk).attachment is not None
    assert not AuditEvent.objects.filter(kind="retention").exists()
    assert "removed 2" in run("--as-of", day)
    assert not case["path"].exists()
    assert "removed 0" in run("--as-of", day)
    assert AuditEvent.objects.filter(kind="retention").count() == 1


def test_ex9_command_refuses_a_bad_date_or_user(case):
    with pytest.raises(CommandError, match="not a date"):
        run("--as-of", "01/02/2032")
    with pytest.raises(CommandError, match="no user"):
        run("--by", "nobody")
