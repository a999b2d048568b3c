"""Acceptance (issue 4): an ombudsperson cannot open a file outside her programmes, or one where she stood aside;
the deputy takes over, and a declared tie with the student counts without a declaration. Scoping is one queries
function (``queries_ombuds.handled_ids``) behind every page."""

from datetime import date

import pytest
from django.http import Http404
from django.urls import reverse

from appeals import queries_ombuds as queries
from appeals.models import FileKind, StandAside
from appeals.services import ombuds as services
from examinations.models import CommitteeMember, TieDeclaration
from tests.enrolment.factories import ContractFactory, make_year

from .conftest import SINCE, TODAY, make_appeal

pytestmark = pytest.mark.django_db

KINDS = (FileKind.APPEAL, FileKind.IRREGULARITY, FileKind.MEDIATION)


def files(uni, who):
    return {"appeal": uni[f"{who}_appeal"], "irregularity": uni[f"{who}_irr"]}


def url(kind, obj):
    return reverse("appeals:ombuds_file", args=[kind, obj.pk])


def test_each_ombudsperson_handles_the_files_of_her_programmes(uni, people):
    assert queries.handled_ids(people["olga"], "appeal", TODAY) == [uni["an_appeal"].pk]
    assert queries.handled_ids(people["olga"], "irregularity", TODAY) == [uni["an_irr"].pk]
    assert queries.handled_ids(people["olga"], "mediation", TODAY) == [uni["an_case"].pk]
    assert queries.handled_ids(people["oscar"], "appeal", TODAY) == [uni["bram_appeal"].pk]
    assert queries.handled_ids(people["oscar"], "irregularity", TODAY) == [uni["bram_irr"].pk]
    for idle in ("dirk", "mia", "cecile", "idle"):
        assert all(queries.handled_ids(people[idle], kind, TODAY) == [] for kind in KINDS), idle


def test_acceptance_an_ombudsperson_cannot_open_a_file_outside_her_programmes(uni, people, client_as):
    olga = client_as(people["olga"])
    for kind, obj in files(uni, "bram").items():
        assert olga.get(url(kind, obj)).status_code == 404
        assert olga.get(reverse("appeals:ombuds_stand_aside", args=[kind, obj.pk])).status_code == 404
    for kind, obj in files(uni, "an").items():
        assert olga.get(url(kind, obj)).status_code == 200
    assert olga.get(url("mediation", uni["an_case"])).status_code == 200
    assert olga.get(url("appeal", uni["an_appeal"]).replace(str(uni["an_appeal"].pk), "999999")).status_code == 404


def test_acceptance_an_ombudsperson_cannot_open_a_file_where_she_stood_aside(uni, people, client_as):
    olga, dirk = client_as(people["olga"]), client_as(people["dirk"])
    targets = {**files(uni, "an"), "mediation": uni["an_case"]}
    for kind, obj in targets.items():
        assert dirk.get(url(kind, obj)).status_code == 404  # the deputy waits while the principal acts
        response = olga.post(reverse("appeals:ombuds_stand_aside", args=[kind, obj.pk]),
                             {"reason": "related", "explanation": "The student is my nephew."})
        assert response.status_code == 302
        assert olga.get(url(kind, obj)).status_code == 404
        assert olga.post(reverse("appeals:ombuds_stand_aside", args=[kind, obj.pk]),
                         {"reason": "related", "explanation": "Again."}).status_code == 404
        page = dirk.get(url(kind, obj))
        assert page.status_code == 200 and page.context["capacity"] == "deputy"
        assert "The student is my nephew." in page.content.decode()
    assert StandAside.objects.filter(user=people["olga"]).count() == 3
    assert olga.post(reverse("appeals:ombuds_mediation_note", args=[uni["an_case"].pk]),
                     {"text": "x", "token": "5f1e0c5e-8a8b-4e55-9d2e-1d0c4a3b2a10"}).status_code == 404
    assert olga.get(reverse("appeals:ombuds_mediation_move", args=[uni["an_case"].pk]) + "?target=closed"
                    ).status_code == 404


def test_om2_a_declared_tie_with_the_student_counts_as_standing_aside(uni, people):
    TieDeclaration.objects.create(person=people["olga"], student=uni["an"], kind="family", declared_on=SINCE)
    assert all(queries.handled_ids(people["olga"], kind, TODAY) == [] for kind in KINDS)
    assert queries.handled_ids(people["dirk"], "appeal", TODAY) == [uni["an_appeal"].pk]
    assert queries.handled_ids(people["dirk"], "mediation", TODAY) == [uni["an_case"].pk]
    with pytest.raises(Http404):
        queries.access_file(people["olga"], "irregularity", uni["an_irr"].pk, TODAY)


def test_om2_the_central_ombudsperson_takes_over_when_principal_and_deputy_stand_aside(uni, people):
    for who in ("olga", "dirk"):
        services.stand_aside(user=people[who], obj=uni["an_irr"], reason="involved", explanation="Examiner.",
                             by=people[who])
    assert queries.handled_ids(people["cecile"], "irregularity", TODAY) == [uni["an_irr"].pk]
    page = queries.file_page(people["cecile"], "irregularity", uni["an_irr"].pk, TODAY)
    assert page.handling.level == "central"


def test_om2_the_other_party_of_a_mediation_case_never_handles_it(uni, people):
    case, _c = services.open_mediation(
        student=uni["an"], programme=uni["ba_inf"], subject="The ombudsperson's own course", kind="unfair_treatment",
        opened_on=TODAY, by=people["dirk"], today=TODAY, other_party=people["olga"])
    assert case.pk not in queries.handled_ids(people["olga"], "mediation", TODAY)
    assert case.pk in queries.handled_ids(people["dirk"], "mediation", TODAY)


def test_scope_follows_terms_and_committee_seats(uni, people, make_user):
    from appeals.models import OmbudsAssignment
    from config.access import Role

    olga = OmbudsAssignment.objects.get(user=people["olga"], role="principal")
    services.end_assignment(olga.pk, date(2027, 2, 28), by=people["admin"])
    assert queries.handled_ids(people["olga"], "appeal", TODAY) == []
    assert queries.handled_ids(people["dirk"], "appeal", TODAY) == [uni["an_appeal"].pk]  # no principal: deputy
    # The ombudsperson seated on the examination committee is the programme's ombudsperson (UH 14.1.4).
    seated = make_user("seated", Role.OMBUDSPERSON)
    CommitteeMember.objects.create(committee=uni["an_irr"].committee, user=seated, role="ombudsperson", since=SINCE)
    assert queries.handled_ids(seated, "irregularity", TODAY) == [uni["an_irr"].pk]
    assert queries.handled_ids(people["dirk"], "irregularity", TODAY) == []


def test_appeal_scope_follows_the_contracts_of_the_appeals_year(uni, people):
    later = make_year(2027)
    ContractFactory(student=uni["bram"], programme=uni["ba_inf"], academic_year=later)
    old = make_appeal(uni["bram"], "APP-2027-0009", notified_on=date(2027, 2, 15))
    new = make_appeal(uni["bram"], "APP-2028-0001", notified_on=date(2027, 10, 15))
    assert old.pk not in queries.handled_ids(people["olga"], "appeal", TODAY)
    assert new.pk in queries.handled_ids(people["olga"], "appeal", TODAY)
    assert new.pk not in queries.handled_ids(people["oscar"], "appeal", TODAY)
    named = make_appeal(uni["bram"], "APP-2027-0010", programme=uni["ba_inf"])
    assert named.pk in queries.handled_ids(people["olga"], "appeal", TODAY)
    assert named.pk in queries.handled_ids(people["oscar"], "appeal", TODAY)


def test_an_appeal_of_a_student_without_any_programme_goes_to_the_central_ombudsperson(uni, people):
    from tests.enrolment.factories import StudentFactory

    lone = make_appeal(StudentFactory(number="2600099"), "APP-2027-0099", decision_kind="learning_account_refusal")
    assert queries.handled_ids(people["cecile"], "appeal", TODAY) == [lone.pk]
    assert lone.pk not in queries.handled_ids(people["olga"], "appeal", TODAY)
