"""The demo (ensure_demo_ombuds: idempotent, on the committee demo's programme) and the admin (appointments
editable, records read-only, mediation cases absent)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from appeals.demo_ombuds import DEMO_SUBJECT, ensure_demo_ombuds
from appeals.models import FileView, MediationCase, MediationNote, OmbudsAssignment, StandAside
from examinations.models import CommitteeMember, ExamCommittee
from tests.enrolment.factories import ContractFactory, ProgrammeFactory, StudentFactory, make_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_school(db):
    year = make_year(2026)
    big = ProgrammeFactory(code="BA-BIG", kind="bachelor")
    small = ProgrammeFactory(code="BA-SMALL", kind="bachelor")
    for i in range(3):
        ContractFactory(student=StudentFactory(number=f"260010{i}"), programme=big, academic_year=year)
    ContractFactory(student=StudentFactory(number="2600200"), programme=small, academic_year=year)
    return {"year": year, "big": big, "small": small}


def counts():
    return (OmbudsAssignment.objects.count(), MediationCase.objects.count(), MediationNote.objects.count(),
            get_user_model().objects.count())


def test_demo_appoints_ombuds_with_a_deputy_and_opens_one_case_idempotently(demo_school, client_as):
    result = ensure_demo_ombuds()
    assert result["programme"] == demo_school["big"]
    assert (result["principal"].user.username, result["principal"].role) == ("ombuds", "principal")
    deputy = result["deputy"].user
    assert result["deputy"].role == "deputy" and not deputy.has_usable_password()
    case = result["case"]
    assert case.subject == DEMO_SUBJECT and case.programme == demo_school["big"] and case.notes.count() == 1
    before = counts()
    assert ensure_demo_ombuds()["case"] == case
    assert counts() == before
    ombuds = get_user_model().objects.get(username="ombuds")
    page = client_as(ombuds).get(reverse("appeals:ombuds_workspace"))
    assert page.context["counts"]["mediation"] == 1


def test_demo_follows_the_examination_committee_demo(demo_school, make_user):
    chair = make_user("chair")
    committee = ExamCommittee.objects.create(programme=demo_school["small"])
    CommitteeMember.objects.create(committee=committee, user=chair, role="chair", since=demo_school["year"].starts_on)
    assert ensure_demo_ombuds()["programme"] == demo_school["small"]


def test_demo_without_programmes_does_nothing(db):
    assert ensure_demo_ombuds() is None


def test_admin_appointments_editable_records_read_only_cases_absent(uni, people, client_as, make_user):
    from appeals.services import ombuds as services

    services.stand_aside(user=people["olga"], obj=uni["an_irr"], reason="involved", explanation="x", by=people["olga"])
    services.log_file_view(people["olga"], uni["an_irr"])
    root = make_user("root", is_superuser=True, is_staff=True)
    admin = client_as(root)
    assert admin.get(reverse("admin:appeals_ombudsassignment_changelist")).status_code == 200
    assert admin.get(reverse("admin:appeals_ombudsassignment_add")).status_code == 200
    assert admin.get(reverse("admin:appeals_standaside_changelist")).status_code == 200
    assert admin.get(reverse("admin:appeals_fileview_changelist")).status_code == 200
    aside = StandAside.objects.get()
    assert admin.post(reverse("admin:appeals_standaside_delete", args=[aside.pk]), {"post": "yes"}).status_code == 403
    view = FileView.objects.get()
    assert admin.post(reverse("admin:appeals_fileview_change", args=[view.pk]), {}).status_code == 403
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("admin:appeals_mediationcase_changelist")
    with pytest.raises(NoReverseMatch):
        reverse("admin:appeals_mediationnote_changelist")
