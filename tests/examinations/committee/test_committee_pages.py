"""The committee pages with the Django test client: every page refused for a role that may not use it (403) or
for a committee the user does not sit on (404), and then used by a role that may; query budgets."""

from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from config.access import Role
from examinations.models import (
    CommitteeMember,
    Decision,
    ExamCommittee,
    Meeting,
    MeetingStatus,
    Proclamation,
    TieDeclaration,
    ToleranceChoice,
)
from examinations.services import committee as services
from examinations.views.committee import PAGE_ROLES
from tests.enrolment.factories import ProgrammeFactory

from .conftest import ALL_PASSED, FAILED, HELD_ON, TOLERATED

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere(make_user):
    """Another programme's committee and a member who sits only there."""
    person = make_user("elsewhere_member", Role.COMMITTEE_MEMBER, first_name="Els", last_name="Elders")
    committee = ExamCommittee.objects.create(programme=ProgrammeFactory(code="MA-OTH"))
    CommitteeMember.objects.create(committee=committee, user=person, role="member", since=date(2026, 9, 1))
    return person


def url(name, *args):
    return reverse(f"examinations:{name}", args=args)


def pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)


def test_every_committee_url_declares_its_roles():
    from examinations.urls_committee import urlpatterns

    assert {p.name for p in urlpatterns} == set(PAGE_ROLES)
    for p in urlpatterns:
        assert tuple(p.callback.allowed_roles) == tuple(PAGE_ROLES[p.name])


# ---------------------------------------------------------------- committees


def test_committee_list_is_scoped(client_as, committee, people, student_admin, elsewhere, lecturer,
                                  django_assert_max_num_queries):
    assert client_as(lecturer).get(url("committee_list")).status_code == 403
    admin = client_as(student_admin)
    with django_assert_max_num_queries(8):
        everything = admin.get(url("committee_list"))
    assert everything.status_code == 200
    assert b"BA-TST" in everything.content and b"MA-OTH" in everything.content
    mine = client_as(people["member1"]).get(url("committee_list"))
    assert b"BA-TST" in mine.content and b"MA-OTH" not in mine.content
    ombuds = client_as(people["ombuds"]).get(url("committee_list"))
    assert b"BA-TST" in ombuds.content


def test_committee_page_shows_members_and_ec1(client_as, committee, people, elsewhere, lecturer,
                                              django_assert_max_num_queries):
    assert client_as(lecturer).get(url("committee_detail", committee.pk)).status_code == 403
    assert client_as(elsewhere).get(url("committee_detail", committee.pk)).status_code == 404
    chair = client_as(people["chair"])
    with django_assert_max_num_queries(12):
        page = chair.get(url("committee_detail", committee.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "The composition meets EC-1: 5 voting members" in text
    assert "Olivia Op de Beeck" in text and "Ombudsperson (advisory, no vote)" in text


def test_ec1_problems_are_shown(client_as, committee, people, student_admin):
    seat = committee.members.get(user=people["member2"])
    services.end_member(seat.pk, date(2026, 12, 31))
    page = client_as(student_admin).get(url("committee_detail", committee.pk)).content.decode()
    assert "The committee has 4 voting members; it needs at least 5 (UH 14.1.3)." in page


def test_create_committee_student_administration_only(client_as, programme, people, student_admin):
    assert client_as(people["chair"]).post(url("committee_create"), {"programme": programme.pk}).status_code == 403
    response = client_as(student_admin).post(url("committee_create"), {"programme": programme.pk})
    committee = ExamCommittee.objects.get(programme=programme)
    assert response.status_code == 302 and response["Location"] == url("committee_detail", committee.pk)


def test_add_and_end_membership_student_administration_only(client_as, committee, people, student_admin,
                                                            make_user):
    newcomer = make_user("newcomer", Role.COMMITTEE_MEMBER)
    data = {"user": newcomer.pk, "role": "member", "since": "2026-10-01"}
    assert client_as(people["chair"]).post(url("member_add", committee.pk), data).status_code == 403
    admin = client_as(student_admin)
    assert admin.get(url("member_add", committee.pk)).status_code == 200
    assert admin.post(url("member_add", committee.pk), data).status_code == 302
    seat = committee.members.get(user=newcomer)
    refused = admin.post(url("member_add", committee.pk), {**data, "role": "chair"})
    assert "already sits on this committee" in refused.content.decode()
    assert client_as(people["chair"]).post(url("member_end", committee.pk, seat.pk),
                                           {"until": "2027-01-31"}).status_code == 403
    admin.post(url("member_end", committee.pk, seat.pk), {"until": "2027-01-31"})
    seat.refresh_from_db()
    assert seat.until == date(2027, 1, 31)


def test_ties_recorded_by_the_student_administration(client_as, people, student_admin, enrol):
    student = enrol(ALL_PASSED)
    data = {"person": people["member1"].pk, "student": student.number, "kind": "family", "declared_on": "2026-10-01"}
    assert client_as(people["chair"]).get(url("tie_list")).status_code == 403
    assert client_as(people["chair"]).post(url("tie_list"), data).status_code == 403
    admin = client_as(student_admin)
    assert b"No tie is declared." in admin.get(url("tie_list")).content
    assert admin.post(url("tie_list"), data).status_code == 302
    assert TieDeclaration.objects.get().person == people["member1"]
    page = admin.get(url("tie_list")).content.decode()
    assert student.number in page and "Milan Maes" in page
    unknown = admin.post(url("tie_list"), {**data, "student": "0000000"})
    assert "No student has the number 0000000" in unknown.content.decode()


# ---------------------------------------------------------------- meetings


def test_plan_a_meeting_chair_secretary_or_administration(client_as, committee, people, june, lecturer):
    data = {"kind": "committee", "form": "electronic", "exam_period": june.pk, "held_on": "2027-07-06"}
    assert client_as(lecturer).get(url("meeting_create", committee.pk)).status_code == 403
    assert client_as(people["member1"]).get(url("meeting_create", committee.pk)).status_code == 403
    assert client_as(people["ombuds"]).get(url("meeting_create", committee.pk)).status_code == 403
    response = client_as(people["secretary"]).post(url("meeting_create", committee.pk), data)
    meeting = Meeting.objects.get()
    assert response["Location"] == url("meeting_detail", meeting.pk)
    assert meeting.form == "electronic" and meeting.created_by == people["secretary"]


def test_attendance_and_opening_need_the_quorum(client_as, committee, meeting_for, people, elsewhere,
                                               django_assert_max_num_queries):
    meeting = meeting_for(present=(), open=False)
    assert client_as(elsewhere).get(url("meeting_detail", meeting.pk)).status_code == 404
    ombuds = client_as(people["ombuds"])
    with django_assert_max_num_queries(20):
        page = ombuds.get(url("meeting_detail", meeting.pk))
    assert "0 of 5 voting members present; at least 3 needed" in page.content.decode()
    seats = {m.user_id: m.id for m in committee.members.all()}
    data = {f"present_{seats[people[k].id]}": "on" for k in ("chair", "secretary")}
    assert client_as(people["member1"]).post(url("meeting_attendance", meeting.pk), data).status_code == 403
    secretary = client_as(people["secretary"])
    secretary.post(url("meeting_attendance", meeting.pk), data)
    refused = secretary.post(url("meeting_open", meeting.pk), follow=True).content.decode()
    assert "The meeting cannot open." in refused and "No quorum: 2 of 5 voting members present" in refused
    data[f"present_{seats[people['member1'].id]}"] = "on"
    secretary.post(url("meeting_attendance", meeting.pk), data)
    opened = secretary.post(url("meeting_open", meeting.pk))
    assert opened["Location"] == url("meeting_deliberation", meeting.pk)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN and meeting.presiding.user == people["chair"]


def _deliberation_queries(client, meeting):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("meeting_deliberation", meeting.pk))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_proposal_costs_the_same_queries_for_3_or_12_students(client_as, meeting_for, people, enrol,
                                                                  django_assert_max_num_queries):
    for grades in (ALL_PASSED, TOLERATED, FAILED):
        enrol(grades)
    meeting = meeting_for()
    secretary = client_as(people["secretary"])
    secretary.get(url("meeting_deliberation", meeting.pk))  # warm the session and the content types
    few = _deliberation_queries(secretary, meeting)
    for i in range(9):
        enrol((ALL_PASSED, TOLERATED, FAILED)[i % 3])
    student = enrol(FAILED)
    services.record_decision(meeting.pk, student.number, people["chair"], follow=False, passed_packages=[1],
                             reason="Reason")
    many = _deliberation_queries(secretary, meeting)
    assert few == many
    with django_assert_max_num_queries(25):
        secretary.get(url("meeting_deliberation", meeting.pk))


def test_deliberation_page_shows_why(client_as, meeting_for, people, enrol, lecturer):
    tolerated = enrol(TOLERATED)
    failed = enrol(FAILED)
    meeting = meeting_for()
    assert client_as(lecturer).get(url("meeting_deliberation", meeting.pk)).status_code == 403
    page = client_as(people["advisor"]).get(url("meeting_deliberation", meeting.pk)).content.decode()
    assert tolerated.number in page and failed.number in page
    assert "Passed with tolerance for TST100 (6 of 12 credits, 63% &gt;= 54%, DL-3 (UH 16.4.2))." in page
    assert "TST100, TST101: only fails of 8 or 9 can be tolerated" in page
    assert "tolerance covers up to 12 credits" in page
    assert "Decide" not in page  # the academic advisor assists; she does not record decisions


def test_decision_page_deviation_needs_a_reason(client_as, meeting_for, people, enrol):
    student = enrol(FAILED)
    meeting = meeting_for()
    path = url("decision", meeting.pk, student.number)
    assert client_as(people["member1"]).get(path).status_code == 403
    assert client_as(people["ombuds"]).get(path).status_code == 403
    secretary = client_as(people["secretary"])
    assert secretary.get(path).status_code == 200
    refused = secretary.post(path, {"choice": "deviate", "passed_packages": ["1"], "reason": ""})
    assert "needs its reasons" in refused.content.decode()
    assert not Decision.objects.exists()
    done = secretary.post(path, {"choice": "deviate", "passed_packages": ["1"],
                                 "reason": "Hospitalised during the exams; the objectives are reached.",
                                 "vote_requested": "on", "votes_for": "3", "votes_against": "1",
                                 "abstentions": "1"})
    assert done.status_code == 302
    decision = Decision.objects.get()
    assert not decision.follows_proposal and decision.passed_packages == [1] and decision.votes_for == 3
    page = secretary.get(url("meeting_deliberation", meeting.pk)).content.decode()
    assert "deviates" in page and "Hospitalised during the exams" in page


def test_ec4_a_member_with_a_tie_does_not_see_the_student_as_deliberable(client_as, meeting_for, people, enrol,
                                                                          student_admin):
    student = enrol(FAILED)
    other = enrol(ALL_PASSED)
    services.declare_tie(people["secretary"].pk, student.number, "cohabitation", date(2026, 10, 1), student_admin)
    meeting = meeting_for()
    secretary = client_as(people["secretary"])
    page = secretary.get(url("meeting_deliberation", meeting.pk)).content.decode()
    row = page[page.index(f'id="s{student.number}"'):page.index(f'id="s{other.number}"')] \
        if page.index(f'id="s{student.number}"') < page.index(f'id="s{other.number}"') \
        else page[page.index(f'id="s{student.number}"'):]
    assert "take no part in the deliberation" in row
    assert url("decision", meeting.pk, student.number) not in page
    assert "TST100, TST101" not in row
    assert secretary.get(url("decision", meeting.pk, student.number)).status_code == 403
    assert secretary.post(url("decision", meeting.pk, student.number), {"choice": "follow"}).status_code == 403
    chair_page = client_as(people["chair"]).get(url("meeting_deliberation", meeting.pk)).content.decode()
    assert "Excluded by a tie (EC-4): Sofie Segers" in chair_page


def test_tolerance_choice_page(client_as, meeting_for, people, enrol, lecturer, student_admin):
    student = enrol(TOLERATED)
    meeting = meeting_for()
    path = url("tolerance_choice", meeting.pk, student.number)
    data = {"unit": "TST100", "chosen_on": "2027-07-08"}
    assert client_as(lecturer).post(path, data).status_code == 403
    assert client_as(people["member1"]).post(path, data).status_code == 403
    client_as(student_admin).post(path, data)
    assert ToleranceChoice.objects.get().course_unit.code == "TST100"


def test_close_sign_report_and_proclaim(client_as, meeting_for, people, enrol, student_admin,
                                        django_assert_max_num_queries):
    student = enrol(FAILED)
    passed = enrol(ALL_PASSED)
    meeting = meeting_for()
    services.record_decision(meeting.pk, student.number, people["chair"], follow=False, passed_packages=[1],
                             reason="Serious illness; objectives reached.")
    assert client_as(people["member1"]).post(url("meeting_close", meeting.pk)).status_code == 403
    client_as(people["chair"]).post(url("meeting_close", meeting.pk))
    assert client_as(people["ombuds"]).post(url("meeting_sign", meeting.pk)).status_code == 403
    refused = client_as(people["member1"]).post(url("meeting_sign", meeting.pk), follow=True).content.decode()
    assert "signed by the chair, secretary of the meeting only" in refused
    draft = client_as(people["member1"]).get(url("meeting_report", meeting.pk))
    assert "DRAFT: not signed" in pdf_text(draft)
    client_as(people["chair"]).post(url("meeting_sign", meeting.pk))
    client_as(people["secretary"]).post(url("meeting_sign", meeting.pk))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SIGNED

    ombuds = client_as(people["ombuds"])
    with django_assert_max_num_queries(30):
        report = ombuds.get(url("meeting_report", meeting.pk))
    assert report["Content-Type"] == "application/pdf"
    text = pdf_text(report)
    assert "Report of the examination committee" in text and "BA-TST" in text and "2027-07-06" in text
    assert "DRAFT" not in text
    assert "Charlotte Claes" in text and "Sofie Segers" in text and "present" in text
    assert "Presided by Charlotte Claes" in text
    assert "Deviates" in text and "Serious illness; objectives reached." in text
    assert student.number in text and passed.number in text and "Follows the proposal" not in text
    assert "Proposal stands" in text
    signed_lines = [line for line in text.splitlines() if "Charlotte Claes" in line and ":" in line]
    assert signed_lines  # a signature row with its time

    data = {"published_on": "2027-07-09"}
    assert client_as(people["chair"]).post(url("meeting_proclaim", meeting.pk), data).status_code == 403
    client_as(student_admin).post(url("meeting_proclaim", meeting.pk), data)
    client_as(student_admin).post(url("meeting_proclaim", meeting.pk), data)  # a second click: nothing new
    assert Proclamation.objects.count() == 1
    page = client_as(people["chair"]).get(url("meeting_detail", meeting.pk)).content.decode()
    assert "Explanation and inspection: 2027-07-10 to 2027-07-16 (EX-9, UH 15.4.1)." in page
    assert "Internal appeal: 2027-07-10 to 2027-07-16 (AP-2, UH 19.3.2)." in page
    assert "Proclaimed on 2027-07-09" in pdf_text(client_as(student_admin).get(url("meeting_report", meeting.pk)))


def test_anonymous_users_go_to_the_login_page(client, meeting_for):
    meeting = meeting_for(open=False)
    for path in (url("committee_list"), url("meeting_detail", meeting.pk), url("meeting_report", meeting.pk)):
        response = client.get(path)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_held_on_is_shown(client_as, meeting_for, people):
    meeting = meeting_for(open=False)
    assert HELD_ON.isoformat() in client_as(people["chair"]).get(url("meeting_detail", meeting.pk)).content.decode()


POST_ONLY = {"committee_create", "member_end", "meeting_attendance", "meeting_open", "meeting_close", "meeting_sign",
             "meeting_proclaim", "tolerance_choice"}


@pytest.mark.parametrize("name", sorted(PAGE_ROLES))
def test_every_page_refuses_a_lecturer_and_an_outsider(name, client_as, committee, meeting_for, people, enrol,
                                                       lecturer, outsider):
    student = enrol(ALL_PASSED)
    meeting = meeting_for(open=False)
    member = committee.members.first()
    args = {"committee_list": (), "committee_create": (), "tie_list": (), "committee_detail": (committee.pk,),
            "member_add": (committee.pk,), "member_end": (committee.pk, member.pk),
            "meeting_create": (committee.pk,), "decision": (meeting.pk, student.number),
            "tolerance_choice": (meeting.pk, student.number)}.get(name, (meeting.pk,))
    for user in (lecturer, outsider):
        client = client_as(user)
        response = client.post(url(name, *args)) if name in POST_ONLY else client.get(url(name, *args))
        assert response.status_code == 403, (name, user.username)
