"""The ombudspersons' services against PostgreSQL: appointments (OM-1), standing aside (OM-2), mediation cases
with notes and outcome, and the view log. Each is idempotent and append-only where the record says so."""

import uuid
from datetime import date

import pytest

from appeals.models import (
    FileView,
    MediationNote,
    MediationTransition,
    OmbudsAssignment,
    StandAside,
)
from appeals.services import ombuds as services
from appeals.services.ombuds import OmbudsRefused

from .conftest import SINCE, TODAY

pytestmark = pytest.mark.django_db


# --- OM-1 ----------------------------------------------------------------------------------------------------------


def test_om1_assign_twice_is_one_appointment_and_warns_of_gaps(uni, people, make_user):
    from config.access import Role
    from tests.enrolment.factories import ProgrammeFactory

    bio = ProgrammeFactory(code="BA-BIO")
    new = make_user("nora", Role.OMBUDSPERSON)
    first, created, warnings = services.assign(user=new, role="principal", programme=bio, since=SINCE,
                                               by=people["admin"])
    assert created and [w.kind for w in warnings] == ["no_deputy"]
    again, created_again, _w = services.assign(user=new, role="principal", programme=bio, since=SINCE,
                                               by=people["admin"])
    assert again == first and not created_again
    assert OmbudsAssignment.objects.filter(user=new).count() == 1


def test_om1_overlapping_terms_and_misplaced_programmes_are_refused(uni, people):
    with pytest.raises(OmbudsRefused, match="already holds"):
        services.assign(user=people["olga"], role="principal", programme=uni["ba_inf"], since=date(2026, 10, 1),
                        by=people["admin"])
    with pytest.raises(OmbudsRefused, match="central ombudsperson"):
        services.assign(user=people["olga"], role="central", programme=uni["ba_inf"], since=SINCE,
                        by=people["admin"])
    with pytest.raises(OmbudsRefused, match="central ombudsperson"):
        services.assign(user=people["olga"], role="deputy", programme=None, since=SINCE, by=people["admin"])
    with pytest.raises(OmbudsRefused, match="before it starts"):
        services.assign(user=people["olga"], role="deputy", programme=uni["ba_mat"], since=SINCE,
                        until=date(2026, 8, 1), by=people["admin"])


def test_om1_end_a_term_then_a_new_one_may_follow(uni, people):
    olga = OmbudsAssignment.objects.get(user=people["olga"], role="principal")
    services.end_assignment(olga.pk, date(2027, 1, 31), by=people["admin"])
    assert services.end_assignment(olga.pk, date(2027, 1, 31), by=people["admin"]).until == date(2027, 1, 31)
    with pytest.raises(OmbudsRefused, match="already ended"):
        services.end_assignment(olga.pk, date(2027, 6, 30), by=people["admin"])
    _a, created, _w = services.assign(user=people["olga"], role="principal", programme=uni["ba_inf"],
                                      since=date(2027, 2, 1), by=people["admin"])
    assert created


# --- OM-2: standing aside ------------------------------------------------------------------------------------------


def test_om2_stand_aside_is_recorded_once_with_who_when_why(uni, people):
    aside, created = services.stand_aside(user=people["olga"], obj=uni["an_appeal"], reason="related",
                                          explanation="The student is my niece.", by=people["olga"])
    again, created_again = services.stand_aside(user=people["olga"], obj=uni["an_appeal"], reason="involved",
                                                explanation="Clicked twice.", by=people["olga"])
    assert created and not created_again and again == aside
    assert (aside.appeal_id, aside.recorded_by, aside.reason) == (uni["an_appeal"].pk, people["olga"], "related")
    assert aside.recorded_at is not None and aside.file == uni["an_appeal"]
    with pytest.raises(ValueError):
        aside.delete()
    with pytest.raises(ValueError):
        aside.save()


def test_om2_stand_aside_needs_an_explanation(uni, people):
    with pytest.raises(OmbudsRefused):
        services.stand_aside(user=people["olga"], obj=uni["an_irr"], reason="involved", explanation="  ",
                             by=people["olga"])
    assert not StandAside.objects.exists()


# --- OM-2: mediation cases -----------------------------------------------------------------------------------------


def test_om2_open_mediation_twice_is_one_case_with_its_first_note_and_transition(uni, people):
    case = uni["an_case"]
    again, created = services.open_mediation(
        student=uni["an"], programme=uni["ba_inf"], subject="Feedback on the INF101 project refused",
        kind="unfair_treatment", opened_on=date(2027, 2, 20), by=people["olga"], today=TODAY,
        other_party=people["lecturer"])
    assert again == case and not created
    assert case.status == "open" and [n.text for n in case.notes.all()] == ["First talk with the student."]
    assert [(t.from_status, t.to_status, t.by) for t in case.transitions.all()] == [("", "open", people["olga"])]


def test_om2_open_mediation_refused_for_whom_would_not_handle_it(uni, people):
    with pytest.raises(OmbudsRefused, match="would not handle"):
        services.open_mediation(student=uni["bram"], programme=uni["ba_mat"], subject="Exam schedule",
                                kind="regulations", opened_on=TODAY, by=people["olga"], today=TODAY,
                                other_party_name="Prof. X")
    with pytest.raises(OmbudsRefused, match="would not handle"):  # the deputy while the principal can act
        services.open_mediation(student=uni["an"], programme=uni["ba_inf"], subject="Exam schedule",
                                kind="regulations", opened_on=TODAY, by=people["dirk"], today=TODAY,
                                other_party_name="Prof. X")
    with pytest.raises(OmbudsRefused, match="after today"):
        services.open_mediation(student=uni["an"], programme=uni["ba_inf"], subject="Exam schedule",
                                kind="regulations", opened_on=date(2027, 3, 2), by=people["olga"], today=TODAY,
                                other_party_name="Prof. X")
    with pytest.raises(OmbudsRefused, match="member of staff"):
        services.open_mediation(student=uni["an"], programme=uni["ba_inf"], subject="Exam schedule",
                                kind="regulations", opened_on=TODAY, by=people["olga"], today=TODAY)
    assert uni["an"].mediation_cases.count() == 1


def test_om2_the_deputy_opens_a_case_against_the_principal_and_handles_it(uni, people):
    case, created = services.open_mediation(
        student=uni["an"], programme=uni["ba_inf"], subject="The ombudsperson's own course", kind="unfair_treatment",
        opened_on=TODAY, by=people["dirk"], today=TODAY, other_party=people["olga"])
    assert created and case.other_party == people["olga"]


def test_om2_the_central_ombudsperson_opens_a_case_brought_to_her(uni, people):
    case, created = services.open_mediation(
        student=uni["bram"], programme=uni["ba_mat"], subject="Student representative's rights",
        kind="regulations", opened_on=TODAY, by=people["cecile"], today=TODAY, other_party_name="Dean's office",
        with_central=True)
    assert created and case.with_central


def test_om2_notes_are_append_only_and_a_form_sent_twice_writes_one(uni, people):
    token = uuid.uuid4()
    note, created = services.add_note(uni["an_case"].pk, author=people["olga"], text="Talked to the lecturer.",
                                      token=token)
    again, created_again = services.add_note(uni["an_case"].pk, author=people["olga"], text="Talked to the lecturer.",
                                             token=token)
    assert created and not created_again and again == note
    assert (note.author, note.written_at is not None) == (people["olga"], True)
    assert MediationNote.objects.filter(case=uni["an_case"]).count() == 2
    with pytest.raises(ValueError):
        note.save()
    with pytest.raises(ValueError):
        note.delete()
    with pytest.raises(OmbudsRefused):
        services.add_note(uni["an_case"].pk, author=people["olga"], text=" ", token=uuid.uuid4())


def test_om2_mediate_close_and_reopen_with_transitions(uni, people):
    pk = uni["an_case"].pk
    case = services.move_mediation(pk, "mediating", by=people["olga"], today=TODAY, note="Meeting planned.")
    assert case.status == "mediating"
    case = services.move_mediation(pk, "closed", by=people["olga"], today=TODAY, outcome="resolved",
                                   closed_on=TODAY)
    assert (case.status, case.outcome, case.closed_on) == ("closed", "resolved", TODAY)
    same = services.move_mediation(pk, "closed", by=people["olga"], today=TODAY, outcome="resolved",
                                   closed_on=TODAY)
    assert same.status == "closed"
    case = services.move_mediation(pk, "mediating", by=people["olga"], today=TODAY, note="It flared up again.")
    assert (case.status, case.outcome, case.closed_on) == ("mediating", "", None)
    assert [(t.from_status, t.to_status, t.outcome) for t in MediationTransition.objects.filter(case_id=pk)] == [
        ("", "open", ""), ("open", "mediating", ""), ("mediating", "closed", "resolved"),
        ("closed", "mediating", "")]


def test_om2_closing_without_outcome_or_with_a_bad_day_is_refused(uni, people):
    pk = uni["an_case"].pk
    with pytest.raises(OmbudsRefused, match="outcome"):
        services.move_mediation(pk, "closed", by=people["olga"], today=TODAY, outcome="", closed_on=TODAY)
    with pytest.raises(OmbudsRefused, match="before it was opened"):
        services.move_mediation(pk, "closed", by=people["olga"], today=TODAY, outcome="referred",
                                closed_on=date(2027, 2, 1))
    assert MediationTransition.objects.filter(case_id=pk).count() == 1
    services.move_mediation(pk, "mediating", by=people["olga"], today=TODAY)
    with pytest.raises(OmbudsRefused, match="cannot be moved"):
        services.move_mediation(pk, "open", by=people["olga"], today=TODAY)
    assert MediationTransition.objects.filter(case_id=pk).count() == 2


# --- The view log --------------------------------------------------------------------------------------------------


def test_log_file_view_records_who_when_which_file_of_each_kind(uni, people):
    for obj in (uni["an_appeal"], uni["an_irr"], uni["an_case"]):
        view = services.log_file_view(people["appeals"], obj, page="appeals:appeal_detail")
        assert view.file == obj and view.user == people["appeals"] and view.at is not None
    assert [v.file_kind for v in FileView.objects.order_by("id")] == ["appeal", "irregularity", "mediation"]
    with pytest.raises(ValueError):
        view.delete()
    with pytest.raises(TypeError):
        services.log_file_view(people["appeals"], uni["an"])


def test_log_file_view_ignores_anonymous_users(uni):
    from django.contrib.auth.models import AnonymousUser

    assert services.log_file_view(AnonymousUser(), uni["an_appeal"]) is None
    assert not FileView.objects.exists()
