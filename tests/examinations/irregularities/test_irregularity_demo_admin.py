"""The demo's open irregularity file (idempotent, committee created when missing) and the read-only admin."""

from datetime import date

import pytest
from django.urls import reverse

from examinations.demo_irregularities import DEMO_REPORTER, ensure_demo_irregularities
from examinations.models import CommitteeMember, ExamCommittee, Irregularity, IrregularityStatus, IrregularityTransition

pytestmark = pytest.mark.django_db


def test_the_demo_opens_one_file_and_a_second_run_changes_nothing(uni):
    irr = ensure_demo_irregularities()
    assert irr.status == IrregularityStatus.INFORMED and irr.reported_by_name == DEMO_REPORTER
    assert irr.student == uni["an"] and irr.course_unit.code == "INF101"  # first student, first graded unit
    assert ensure_demo_irregularities().pk == irr.pk
    assert Irregularity.objects.count() == 1 and IrregularityTransition.objects.count() == 2


def test_the_demo_creates_the_committee_when_the_committee_demo_has_not_run(uni):
    CommitteeMember.objects.all().delete()
    ExamCommittee.objects.all().delete()
    irr = ensure_demo_irregularities()
    assert ExamCommittee.objects.count() == 1 and irr.committee.programme.code in ("BA-INF", "BA-MAT")
    assert not CommitteeMember.objects.exists()  # membership is the committee demo's


def test_the_demo_prefers_the_programme_where_the_demo_chair_sits(uni, people):
    # the user "chair" moves from the BA-INF committee to the chair of BA-MAT
    CommitteeMember.objects.filter(role="chair").delete()
    CommitteeMember.objects.create(committee=uni["committees"]["BA-MAT"], user=people["chair"], role="chair",
                                   since=date(2026, 9, 1))
    assert ensure_demo_irregularities().committee.programme.code == "BA-MAT"


def test_the_demo_without_results_does_nothing(db):
    assert ensure_demo_irregularities() is None


def test_the_admin_shows_files_read_only(client_as, make_user, uni, people):
    from .conftest import report

    irr = report(uni, people["admin"])
    admin = make_user("root", is_superuser=True, is_staff=True)
    client = client_as(admin)
    assert client.get(reverse("admin:examinations_irregularity_changelist")).status_code == 200
    page = client.get(reverse("admin:examinations_irregularity_change", args=[irr.pk]))
    assert page.status_code == 200 and "Ines Invigilator" in page.content.decode()
    assert client.get(reverse("admin:examinations_irregularity_add")).status_code == 403
    delete = reverse("admin:examinations_irregularity_delete", args=[irr.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Irregularity.objects.filter(pk=irr.pk).exists()
