"""The ombudspersons' pages: every URL for a role that may use it and for those that may not, the view log, the
forms through their pages, and query budgets that do not grow with the number of files."""

import uuid
from datetime import date

import pytest
from django.urls import reverse

from appeals.models import FileView, MediationCase, MediationNote, OmbudsAssignment
from appeals.services import ombuds as services
from appeals.views.ombuds import PAGE_ROLES
from config.access import Role
from tests.enrolment.factories import ContractFactory, StudentFactory

from .conftest import TODAY, make_appeal

pytestmark = pytest.mark.django_db


def urls(uni):
    """Every page, with its method and data; the file pages on An's files (Olga's)."""
    case, appeal, irr = uni["an_case"], uni["an_appeal"], uni["an_irr"]
    assignment = OmbudsAssignment.objects.get(role="central")
    return {
        "ombuds_workspace": ("get", reverse("appeals:ombuds_workspace")),
        "ombuds_files": ("get", reverse("appeals:ombuds_files", args=["appeal"])),
        "ombuds_file": ("get", reverse("appeals:ombuds_file", args=["irregularity", irr.pk])),
        "ombuds_stand_aside": ("get", reverse("appeals:ombuds_stand_aside", args=["appeal", appeal.pk])),
        "ombuds_mediation_open": ("get", reverse("appeals:ombuds_mediation_open")),
        "ombuds_mediation_note": ("post", reverse("appeals:ombuds_mediation_note", args=[case.pk])),
        "ombuds_mediation_move": ("get",
                                  reverse("appeals:ombuds_mediation_move", args=[case.pk]) + "?target=mediating"),
        "ombuds_assignments": ("get", reverse("appeals:ombuds_assignments")),
        "ombuds_assignment_add": ("get", reverse("appeals:ombuds_assignment_add")),
        "ombuds_assignment_end": ("get", reverse("appeals:ombuds_assignment_end", args=[assignment.pk])),
        "ombuds_view_log": ("get", reverse("appeals:ombuds_view_log")),
        "ombuds_file_views": ("get", reverse("appeals:ombuds_file_views", args=["appeal", appeal.pk])),
    }


WORKSPACE_PAGES = [name for name, roles in PAGE_ROLES.items() if roles == (Role.OMBUDSPERSON,)]
ADMIN_PAGES = [name for name, roles in PAGE_ROLES.items() if roles == (Role.STUDENT_ADMIN,)]


def test_every_page_is_declared_and_tested():
    assert sorted(WORKSPACE_PAGES + ADMIN_PAGES) == sorted(PAGE_ROLES)


@pytest.mark.parametrize("name", sorted(PAGE_ROLES))
def test_every_page_refuses_the_roles_that_may_not_use_it(name, uni, people, client_as):
    method, url = urls(uni)[name]
    refused = ["lecturer", "advisor", "chair", "appeals", "outsider"]
    refused.append("olga" if name in ADMIN_PAGES else "admin")
    for who in refused:
        response = getattr(client_as(people[who]), method)(url, {"text": "x", "token": str(uuid.uuid4())}
                                                           if method == "post" else None)
        assert response.status_code == 403, (name, who)
    assert FileView.objects.count() == 0
    from django.test import Client

    assert getattr(Client(), method)(url).status_code == 302  # anonymous: to the log-in page


@pytest.mark.parametrize("name", sorted(PAGE_ROLES))
def test_every_page_serves_the_role_that_may_use_it(name, uni, people, client_as):
    method, url = urls(uni)[name]
    who = "admin" if name in ADMIN_PAGES else "olga"
    if method == "post":
        response = client_as(people[who]).post(url, {"text": "A note.", "token": str(uuid.uuid4())})
        assert response.status_code == 302
    else:
        response = client_as(people[who]).get(url)
        assert response.status_code == 200, name
        assert "Who may use this page" in response.content.decode()


def test_an_ombudsperson_without_appointment_has_an_empty_workspace(uni, people, client_as):
    idle = client_as(people["idle"])
    page = idle.get(reverse("appeals:ombuds_workspace"))
    assert page.status_code == 200 and 'data-testid="no-appointments"' in page.content.decode()
    for kind in ("appeal", "irregularity", "mediation"):
        listing = idle.get(reverse("appeals:ombuds_files", args=[kind]))
        assert 'data-testid="empty-state"' in listing.content.decode()
    assert idle.get(reverse("appeals:ombuds_mediation_open")).context["no_programmes"]
    assert idle.get(reverse("appeals:ombuds_files", args=["nothing"])).status_code == 404


def test_the_workspace_shows_her_files_and_appointments(uni, people, client_as):
    page = client_as(people["olga"]).get(reverse("appeals:ombuds_workspace"))
    assert page.context["counts"] == {"appeal": 1, "irregularity": 1, "mediation": 1}
    html = page.content.decode()
    assert "BA-INF" in html and "Feedback on the INF101 project refused" in html
    listing = client_as(people["olga"]).get(reverse("appeals:ombuds_files", args=["appeal"]))
    assert [a.reference for a in listing.context["object_list"]] == ["APP-2027-0001"]
    assert "APP-2027-0002" not in listing.content.decode()


def test_every_view_of_a_file_through_these_pages_is_logged(uni, people, client_as):
    olga = client_as(people["olga"])
    for kind, obj in (("appeal", uni["an_appeal"]), ("irregularity", uni["an_irr"]), ("mediation", uni["an_case"])):
        assert olga.get(reverse("appeals:ombuds_file", args=[kind, obj.pk])).status_code == 200
    olga.get(reverse("appeals:ombuds_file", args=["appeal", uni["bram_appeal"].pk]))  # 404: not a view
    views = list(FileView.objects.order_by("id"))
    assert [(v.user, v.file) for v in views] == [(people["olga"], uni["an_appeal"]), (people["olga"], uni["an_irr"]),
                                                (people["olga"], uni["an_case"])]
    assert {v.page for v in views} == {"appeals:ombuds_file"}
    services.log_file_view(people["appeals"], uni["an_appeal"], page="appeals:appeal_detail")

    admin = client_as(people["admin"])
    log = admin.get(reverse("appeals:ombuds_file_views", args=["appeal", uni["an_appeal"].pk]))
    assert [v.user.username for v in log.context["object_list"]] == ["appeals_secretary", "olga"]
    everything = admin.get(reverse("appeals:ombuds_view_log"), {"kind": "mediation"})
    assert [v.file for v in everything.context["object_list"]] == [uni["an_case"]]
    by_user = admin.get(reverse("appeals:ombuds_view_log"), {"user": "appeals_sec"})
    assert len(by_user.context["object_list"]) == 1
    assert admin.get(reverse("appeals:ombuds_file_views", args=["appeal", 999999])).status_code == 404
    assert admin.get(reverse("appeals:ombuds_file_views", args=["other", 1])).status_code == 404
    assert FileView.objects.count() == 4  # reading the log is not a view of a file
    olga.get(reverse("appeals:ombuds_stand_aside", args=["irregularity", uni["an_irr"].pk]))
    olga.get(reverse("appeals:ombuds_mediation_move", args=[uni["an_case"].pk]) + "?target=mediating")
    assert [(v.file, v.page) for v in FileView.objects.order_by("-id")[:2]] == [
        (uni["an_case"], "appeals:ombuds_mediation_move"), (uni["an_irr"], "appeals:ombuds_stand_aside")]


def test_open_a_case_add_a_note_mediate_and_close_through_the_pages(uni, people, client_as):
    olga = client_as(people["olga"])
    data = {"student_number": "2600001", "programme": uni["ba_inf"].pk, "kind": "regulations",
            "subject": "Exam moved without notice", "other_party": people["chair"].pk, "opened_on": "2027-02-25",
            "first_note": "The student shows the e-mail."}
    response = olga.post(reverse("appeals:ombuds_mediation_open"), data)
    case = MediationCase.objects.get(subject="Exam moved without notice")
    assert response.status_code == 302 and response["Location"].endswith(f"/ombuds/files/mediation/{case.pk}/")
    assert olga.post(reverse("appeals:ombuds_mediation_open"), data).status_code == 302
    assert MediationCase.objects.filter(subject="Exam moved without notice").count() == 1

    token = str(uuid.uuid4())
    for _twice in range(2):
        olga.post(reverse("appeals:ombuds_mediation_note", args=[case.pk]), {"text": "Met the chair.", "token": token})
    assert [n.text for n in MediationNote.objects.filter(case=case)] == ["The student shows the e-mail.",
                                                                        "Met the chair."]
    move = reverse("appeals:ombuds_mediation_move", args=[case.pk])
    assert olga.post(move, {"target": "mediating", "note": ""}).status_code == 302
    refused = olga.post(move, {"target": "closed", "outcome": "", "closed_on": "2027-03-01"})
    assert refused.status_code == 200 and "outcome" in refused.content.decode()
    assert olga.post(move, {"target": "closed", "outcome": "resolved", "closed_on": "2027-03-01"}).status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome, case.closed_on) == ("closed", "resolved", date(2027, 3, 1))
    page = olga.get(reverse("appeals:ombuds_file", args=["mediation", case.pk]))
    assert [t for t, _label in page.context["moves"]] == ["mediating"]
    assert "Met the chair." in page.content.decode()
    # A move the case does not allow is refused in words.
    response = olga.get(move + "?target=closed", follow=True)
    assert "not possible" in response.content.decode()


def test_open_a_case_for_a_programme_she_does_not_handle_is_refused_by_the_form(uni, people, client_as):
    response = client_as(people["olga"]).post(reverse("appeals:ombuds_mediation_open"), {
        "student_number": "2600002", "programme": uni["ba_mat"].pk, "kind": "regulations", "subject": "X",
        "other_party_name": "Prof. Y", "opened_on": "2027-02-25"})
    assert response.status_code == 200 and response.context["form"].errors
    assert not MediationCase.objects.filter(subject="X").exists()


def test_appoint_and_end_a_term_through_the_pages_with_om1_warnings(uni, people, client_as, make_user):
    from tests.enrolment.factories import ProgrammeFactory

    bio = ProgrammeFactory(code="BA-BIO")
    nora = make_user("nora", Role.OMBUDSPERSON, first_name="Nora", last_name="New")
    admin = client_as(people["admin"])
    page = admin.get(reverse("appeals:ombuds_assignments"))
    row = next(r for r in page.context["coverage"]["rows"] if r["programme"].code == "BA-BIO")
    assert set(row["warnings"]) == {"no_principal", "no_deputy"}
    response = admin.post(reverse("appeals:ombuds_assignment_add"),
                          {"user": nora.pk, "role": "principal", "programme": bio.pk, "since": "2027-02-01"},
                          follow=True)
    assert "BA-BIO has no deputy" in response.content.decode()
    refused = admin.post(reverse("appeals:ombuds_assignment_add"),
                         {"user": nora.pk, "role": "central", "programme": bio.pk, "since": "2027-02-01"})
    assert refused.status_code == 200 and refused.context["form"].errors
    nora_term = OmbudsAssignment.objects.get(user=nora)
    assert admin.post(reverse("appeals:ombuds_assignment_end", args=[nora_term.pk]),
                      {"until": "2027-02-28"}).status_code == 302
    nora_term.refresh_from_db()
    assert nora_term.until == date(2027, 2, 28)
    current = admin.get(reverse("appeals:ombuds_assignments"), {"current": "current"})
    assert nora_term not in current.context["object_list"]


# --- Query budgets -------------------------------------------------------------------------------------------------


def more_files(uni, people, n, start):
    for i in range(n):
        student = StudentFactory(number=str(start + i))
        ContractFactory(student=student, programme=uni["ba_inf"], academic_year=uni["year"])
        make_appeal(student, f"APP-X-{start + i}")
        services.open_mediation(student=student, programme=uni["ba_inf"], subject=f"Dispute {i}",
                                kind="regulations", opened_on=TODAY, by=people["olga"], today=TODAY,
                                other_party_name="Prof. Z")


@pytest.mark.parametrize("kind", ["appeal", "irregularity", "mediation"])
def test_file_lists_cost_the_same_for_one_file_or_many(kind, uni, people, client_as, django_assert_max_num_queries):
    olga = client_as(people["olga"])
    url = reverse("appeals:ombuds_files", args=[kind])
    with django_assert_max_num_queries(12):
        olga.get(url)
    more_files(uni, people, 30, 2700000)
    with django_assert_max_num_queries(12):
        response = olga.get(url)
    assert response.context["paginator"].count == (31 if kind != "irregularity" else 1)


def test_workspace_file_page_and_admin_pages_have_fixed_budgets(uni, people, client_as,
                                                                django_assert_max_num_queries):
    more_files(uni, people, 20, 2700000)
    for obj in (uni["an_appeal"], uni["an_irr"], uni["an_case"]):
        for _i in range(30):
            services.log_file_view(people["olga"], obj)
    olga, admin = client_as(people["olga"]), client_as(people["admin"])
    with django_assert_max_num_queries(22):
        olga.get(reverse("appeals:ombuds_workspace"))
    # + 3 and + 6: the History panel (the case, its steps and notes; the appeal and its committee records).
    with django_assert_max_num_queries(17 + 3):
        olga.get(reverse("appeals:ombuds_file", args=["mediation", uni["an_case"].pk]))
    with django_assert_max_num_queries(16 + 6):
        olga.get(reverse("appeals:ombuds_file", args=["appeal", uni["an_appeal"].pk]))
    with django_assert_max_num_queries(6):
        admin.get(reverse("appeals:ombuds_view_log"))
    with django_assert_max_num_queries(7):
        admin.get(reverse("appeals:ombuds_file_views", args=["appeal", uni["an_appeal"].pk]))
    with django_assert_max_num_queries(11):
        admin.get(reverse("appeals:ombuds_assignments"))
