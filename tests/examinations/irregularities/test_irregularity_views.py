"""The irregularity pages for every role: who may, who may not (403), who is out of scope (404); the list's
filters and query budget; the actions through the pages; the decision letter PDF read back with pypdf."""

import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from examinations.models import Irregularity, IrregularityStatus, IrregularityTransition, Result, Sanction
from examinations.rules import irregularity as rules
from examinations.services import irregularity as services
from examinations.views import irregularities as views

from .conftest import advance, report

pytestmark = pytest.mark.django_db
S = IrregularityStatus
TODAY = date(2027, 2, 11)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(views, "today", lambda: TODAY)


@pytest.fixture
def inf_file(uni, people):
    return report(uni, people["admin"])


@pytest.fixture
def mat_file(uni, people):
    return report(uni, people["admin"], line=uni["mat_line"], unit=None, description="Phone during the exam.")


def url(name, *args):
    return reverse(f"examinations:{name}", args=args)


# ---------------------------------------------------------------- every page, every role

READERS = ["admin", "chair", "vice", "secretary", "member", "ombuds"]
REFUSED = ["lecturer", "advisor", "outsider"]


def test_the_pages_declare_their_roles():
    assert set(views.PAGE_ROLES) == {"irregularity_list", "irregularity_report", "irregularity_detail",
                                     "irregularity_action", "irregularity_letter"}


@pytest.mark.parametrize("who", READERS)
def test_the_list_and_the_file_are_open_to_the_committee_and_the_administration(client_as, people, inf_file, who):
    client = client_as(people[who])
    assert client.get(url("irregularity_list")).status_code == 200
    assert client.get(url("irregularity_detail", inf_file.pk)).status_code == 200


@pytest.mark.parametrize("who", REFUSED)
def test_lecturers_advisors_and_outsiders_are_refused_every_page(client_as, people, inf_file, who):
    client = client_as(people[who])
    for name, args in (("irregularity_list", ()), ("irregularity_report", ()),
                       ("irregularity_detail", (inf_file.pk,)), ("irregularity_action", (inf_file.pk, "inform")),
                       ("irregularity_letter", (inf_file.pk,))):
        assert client.get(url(name, *args)).status_code == 403, name


def test_anonymous_visitors_are_sent_to_the_log_in(client, inf_file):
    response = client.get(url("irregularity_detail", inf_file.pk))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_ombudsperson_sees_only_her_programmes_files(client_as, people, inf_file, mat_file):
    inf_ombuds, mat_ombuds = client_as(people["ombuds"]), client_as(people["mat_ombuds"])
    assert f"irregularity-{inf_file.pk}" in inf_ombuds.get(url("irregularity_list")).content.decode()
    page = mat_ombuds.get(url("irregularity_list")).content.decode()
    assert f"irregularity-{mat_file.pk}" in page and f"irregularity-{inf_file.pk}" not in page
    assert mat_ombuds.get(url("irregularity_detail", inf_file.pk)).status_code == 404
    assert mat_ombuds.get(url("irregularity_letter", inf_file.pk)).status_code == 404
    assert inf_ombuds.get(url("irregularity_detail", inf_file.pk)).status_code == 200


def test_committee_people_see_only_their_committees_files(client_as, people, inf_file, mat_file):
    mat_chair = client_as(people["mat_chair"])
    page = mat_chair.get(url("irregularity_list")).content.decode()
    assert f"irregularity-{mat_file.pk}" in page and f"irregularity-{inf_file.pk}" not in page
    assert mat_chair.get(url("irregularity_detail", inf_file.pk)).status_code == 404
    assert mat_chair.get(url("irregularity_action", inf_file.pk, "inform")).status_code == 404
    admin_page = client_as(people["admin"]).get(url("irregularity_list")).content.decode()
    assert f"irregularity-{mat_file.pk}" in admin_page and f"irregularity-{inf_file.pk}" in admin_page


def test_an_ended_seat_gives_no_sight(client_as, people, uni, inf_file):
    uni["committees"]["BA-INF"].members.filter(user=people["member"]).update(until=date(2027, 1, 31))
    assert client_as(people["member"]).get(url("irregularity_detail", inf_file.pk)).status_code == 404


def test_a_missing_file_is_404(client_as, people, uni):
    assert client_as(people["admin"]).get(url("irregularity_detail", 999999)).status_code == 404


# ---------------------------------------------------------------- the list


def test_the_list_filters_by_status_programme_deadline_and_search(client_as, people, uni, inf_file, mat_file,
                                                                 monkeypatch):
    late = report(uni, people["admin"], unit="INF102", reported_on=date(2027, 2, 10))
    decided = advance(report(uni, people["admin"], unit="INF104"), S.DECIDED, people)  # decided 10 February
    client = client_as(people["admin"])

    def shown(**params):
        page = client.get(url("irregularity_list"), params).content.decode()
        return {irr.pk for irr in (inf_file, mat_file, late, decided) if f"irregularity-{irr.pk}\"" in page}

    assert shown() == {inf_file.pk, mat_file.pk, late.pk, decided.pk}
    assert shown(status="decided") == {decided.pk}
    assert shown(programme=uni["ba_mat"].pk) == {mat_file.pk}
    assert shown(deadline="late_report") == {late.pk}
    assert shown(deadline="overdue") == set()  # 11 February: the letter is due on the 15th
    monkeypatch.setattr(views, "today", lambda: date(2027, 2, 16))
    assert shown(deadline="overdue") == {decided.pk}
    assert shown(q="Janssens") == {mat_file.pk}
    assert shown(q="inf102") == {late.pk}
    assert "No irregularity file matches" in client.get(url("irregularity_list"), {"q": "nobody"}).content.decode()


def test_the_list_shows_an_empty_state(client_as, people, uni):
    page = client_as(people["chair"]).get(url("irregularity_list")).content.decode()
    assert 'data-testid="empty-state"' in page


def test_the_list_exports_csv(client_as, people, inf_file):
    response = client_as(people["admin"]).get(url("irregularity_list"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert "2600001" in body and "INF101" in body and "BA-INF" in body


def test_the_list_costs_the_same_number_of_queries_for_many_files(client_as, people, uni,
                                                                 django_assert_max_num_queries):
    from tests.enrolment.factories import ContractFactory, StudentFactory

    client = client_as(people["chair"])

    def add(n):
        start = Irregularity.objects.count()
        for i in range(start, start + n):
            student = StudentFactory(number=f"27{i:05d}")
            contract = ContractFactory(student=student, programme=uni["ba_inf"], academic_year=uni["year"],
                                       units=[uni["units"]["INF101"]])
            report(uni, people["admin"], line=contract.lines.get(), unit=None)

    add(2)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url("irregularity_list")).status_code == 200
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url("irregularity_list")).status_code == 200


def test_the_file_page_costs_a_fixed_number_of_queries(client_as, people, uni, inf_file,
                                                       django_assert_max_num_queries):
    irr = advance(inf_file, S.DECIDED, people)
    services.impose_sanction(irr.pk, kind=rules.NO_GRADES_FOR_PERIOD, by=people["chair"])
    client = client_as(people["chair"])
    with django_assert_max_num_queries(16):
        assert client.get(url("irregularity_detail", irr.pk)).status_code == 200


# ---------------------------------------------------------------- the report page


def report_post(uni, **kw):
    data = {"student_number": "2600001", "unit_code": "inf101", "exam_period": uni["periods"]["JAN"].pk,
            "discovered_on": "2027-01-28", "reported_on": "2027-02-01", "reported_by_name": "Ines Invigilator",
            "description": "Notes under the paper."}
    data.update(kw)
    return data


@pytest.mark.parametrize("who", ["ombuds", "member", "lecturer"])
def test_members_and_ombudspersons_do_not_record_reports(client_as, people, uni, who):
    response = client_as(people[who]).post(url("irregularity_report"), report_post(uni))
    assert response.status_code == 403 and not Irregularity.objects.exists()


def test_a_chair_records_reports_only_for_her_committees_programmes(client_as, people, uni):
    refused = client_as(people["mat_chair"]).post(url("irregularity_report"), report_post(uni))
    assert refused.status_code == 200 and "BA-INF is not one of them" in refused.content.decode()
    assert not Irregularity.objects.exists()
    response = client_as(people["chair"]).post(url("irregularity_report"), report_post(uni))
    irr = Irregularity.objects.get()
    assert response.status_code == 302 and response["Location"] == url("irregularity_detail", irr.pk)
    assert irr.created_by == people["chair"]


def test_the_administration_records_a_report_and_a_double_submit_is_one_file(client_as, people, uni):
    client = client_as(people["admin"])
    first = client.post(url("irregularity_report"), report_post(uni, reported_on="2027-02-05"), follow=True)
    assert "after the limit of five working days" in first.content.decode()
    client.post(url("irregularity_report"), report_post(uni, reported_on="2027-02-05"))
    assert Irregularity.objects.count() == 1 and IrregularityTransition.objects.count() == 1
    irr = Irregularity.objects.get()
    assert irr.reported_late


def test_the_report_form_names_an_unknown_unit(client_as, people, uni):
    response = client_as(people["admin"]).post(url("irregularity_report"), report_post(uni, unit_code="MAT101"))
    assert "does not take MAT101" in response.content.decode()


# ---------------------------------------------------------------- actions through the pages


def test_the_file_page_offers_the_actions_of_the_users_capacity(client_as, people, inf_file):
    def actions(who):
        page = client_as(people[who]).get(url("irregularity_detail", inf_file.pk)).content.decode()
        return {slug for slug in ("inform", "replace", "plan-hearing", "decide") if f"action-{slug}\"" in page}

    assert actions("admin") == {"inform", "replace"}
    assert actions("chair") == {"inform"}
    assert actions("secretary") == {"inform", "replace"}
    assert actions("member") == set() and actions("ombuds") == set() and actions("vice") == set()


@pytest.mark.parametrize("who", ["member", "vice"])
def test_a_member_cannot_take_a_step(client_as, people, inf_file, who):
    response = client_as(people[who]).post(url("irregularity_action", inf_file.pk, "inform"), {
        "ombudsperson_informed_on": "2027-02-02", "student_informed_on": "2027-02-02"})
    assert response.status_code == 403
    inf_file.refresh_from_db()
    assert inf_file.status == S.REPORTED


def test_the_ombudsperson_cannot_take_a_step(client_as, people, inf_file):
    assert client_as(people["ombuds"]).get(url("irregularity_action", inf_file.pk, "inform")).status_code == 403


def test_the_chair_informs_and_a_double_submit_is_one_step(client_as, people, inf_file):
    client = client_as(people["chair"])
    assert client.get(url("irregularity_action", inf_file.pk, "inform")).status_code == 200
    data = {"ombudsperson_informed_on": "2027-02-02", "student_informed_on": "2027-02-03"}
    for _ in range(2):
        response = client.post(url("irregularity_action", inf_file.pk, "inform"), data)
        assert response.status_code == 302
    inf_file.refresh_from_db()
    assert inf_file.status == S.INFORMED and inf_file.transitions.count() == 2


def test_an_unknown_action_is_404(client_as, people, inf_file):
    assert client_as(people["admin"]).get(url("irregularity_action", inf_file.pk, "expel")).status_code == 404


def test_a_step_the_state_does_not_allow_is_refused_in_words(client_as, people, inf_file):
    client = client_as(people["chair"])
    response = client.get(url("irregularity_action", inf_file.pk, "decide"), follow=True)
    assert "not possible on the file as it stands" in response.content.decode()
    response = client.post(url("irregularity_action", inf_file.pk, "decide"), {
        "found": "yes", "decided_on": "2027-02-10", "reasons": "Notes."})
    assert response.status_code == 200 and "cannot become decided" in response.content.decode()


def test_a_hearing_without_the_ombudsperson_is_refused_on_the_form(client_as, people, inf_file):
    irr = advance(inf_file, S.HEARING_PLANNED, people)
    response = client_as(people["chair"]).post(url("irregularity_action", irr.pk, "record-hearing"), {
        "held_on": "2027-02-08", "student_attended": "on", "report": "Heard."})
    assert "presence of the ombudsperson" in response.content.decode()


def test_the_secretary_replaces_a_chair_who_is_a_party(client_as, people, inf_file):
    client = client_as(people["secretary"])
    page = client.get(url("irregularity_action", inf_file.pk, "replace")).content.decode()
    assert "Mo Member" in page and "Olga" not in page  # the ombudsperson cannot complete the bureau
    client.post(url("irregularity_action", inf_file.pk, "replace"), {
        "chair_is_party": "on", "substitute": people["member"].pk, "reason": "The chair invigilated."})
    inf_file.refresh_from_db()
    assert inf_file.acting_chair == people["vice"]
    # the chair who is a party no longer sees the step; the vice chair now presides and informs
    chair_page = client_as(people["chair"]).get(url("irregularity_detail", inf_file.pk)).content.decode()
    assert 'action-inform"' not in chair_page
    assert client_as(people["chair"]).post(url("irregularity_action", inf_file.pk, "inform"), {
        "ombudsperson_informed_on": "2027-02-02", "student_informed_on": "2027-02-02"}).status_code == 403
    assert client_as(people["vice"]).post(url("irregularity_action", inf_file.pk, "inform"), {
        "ombudsperson_informed_on": "2027-02-02", "student_informed_on": "2027-02-02"}).status_code == 302


def test_a_sanction_is_previewed_then_confirmed(client_as, people, uni, inf_file):
    irr = advance(inf_file, S.DECIDED, people)
    client = client_as(people["chair"])
    data = {"kind": "no_grades_period", "retained": ["INF104"]}
    preview = client.post(url("irregularity_action", irr.pk, "sanction"), {**data, "step": "preview"})
    body = preview.content.decode()
    assert preview.status_code == 200 and 'data-testid="sanction-changes"' in body
    assert "INF101" in body and "INF102" in body and Result.objects.count() == 4
    changed = client.post(url("irregularity_action", irr.pk, "sanction"), {**data, "step": "change"})
    assert changed.status_code == 200 and 'name="kind"' in changed.content.decode()
    confirmed = client.post(url("irregularity_action", irr.pk, "sanction"), {**data, "step": "confirm"})
    assert confirmed.status_code == 302
    sanction = Sanction.objects.get()
    assert sanction.results.count() == 2 and sanction.retained_units == ["INF104"]
    page = client.get(url("irregularity_detail", irr.pk)).content.decode()
    assert 'data-testid="sanction-no_grades_period"' in page


def test_an_adjusted_grade_needs_its_grade(client_as, people, inf_file):
    irr = advance(inf_file, S.DECIDED, people)
    response = client_as(people["chair"]).post(url("irregularity_action", irr.pk, "sanction"), {
        "kind": "adjusted_grade", "step": "preview"})
    assert "Give the adjusted grade" in response.content.decode()


def test_the_administration_records_the_letter_sent(client_as, people, inf_file):
    irr = advance(inf_file, S.DECIDED, people)
    assert client_as(people["chair"]).get(url("irregularity_detail", irr.pk)).status_code == 200
    client_as(people["admin"]).post(url("irregularity_action", irr.pk, "letter"), {"sent_on": "2027-02-12"})
    irr.refresh_from_db()
    assert irr.status == S.NOTIFIED


# ---------------------------------------------------------------- the decision letter PDF


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_there_is_no_letter_before_the_decision(client_as, people, inf_file):
    assert client_as(people["admin"]).get(url("irregularity_letter", inf_file.pk)).status_code == 404


def test_ir5_the_letter_states_facts_hearing_decision_sanction_and_appeal(client_as, people, uni, inf_file):
    irr = advance(inf_file, S.DECIDED, people)
    services.impose_sanction(irr.pk, kind=rules.ZERO, by=people["chair"])
    draft = pdf_text(client_as(people["ombuds"]).get(url("irregularity_letter", irr.pk)))
    assert "Draft" in draft and "not sent yet" in draft
    services.send_letter(irr.pk, sent_on=date(2027, 2, 13), by=people["admin"])
    response = client_as(people["admin"]).get(url("irregularity_letter", irr.pk))
    assert 'filename="irregularity-' in response["Content-Disposition"]
    text = pdf_text(response)
    for expected in (
        "Decision on an irregularity", "An Peeters", "2600001", "INF101", "Programming",
        "Ines Invigilator", "A page of notes under the exam paper.",  # the facts
        "2027-02-08", "presence of the ombudsperson", "Mr. Lawyer", "The student admits the notes were hers.",
        "inspect the file",  # the hearing (UH 18.2.2)
        "established that an irregularity took place", "The notes cover the exam's questions",  # decision, reasons
        "0 for the exam", "12", "Koen Chair",  # the sanction, the result it changes, who signs
        "Internal appeal", "7 calendar days", "UH 18.2.5", "The last day is 2027-02-22",  # the appeal route
        "Sent through the student portal on 2027-02-13",
    ):
        assert expected in text, expected


def test_ir5_the_letter_of_no_irregularity_offers_the_retake(client_as, people, inf_file):
    irr = advance(inf_file, S.DECIDED, people, found=False)
    text = pdf_text(client_as(people["chair"]).get(url("irregularity_letter", irr.pk)))
    assert "established that no irregularity took place" in text and "take the exam again" in text
    assert "Sanctions" not in text


def test_ir5_the_letter_of_a_referred_file_carries_the_rectors_decision(client_as, people, inf_file):
    irr = advance(inf_file, S.DECIDED, people)
    services.refer_to_rector(irr.pk, referred_on=date(2027, 2, 11), proposal="Repeated.", by=people["chair"])
    services.send_letter(irr.pk, sent_on=date(2027, 2, 18), rector_decided_on=date(2027, 2, 17),
                         rector_decision="Enrolment refused for 2027-2028.", by=people["admin"])
    text = pdf_text(client_as(people["chair"]).get(url("irregularity_letter", irr.pk)))
    assert "proposed to the rector" in text and "Enrolment refused for 2027-2028." in text


def test_om2_an_ombudsperson_who_stood_aside_no_longer_opens_the_file_and_views_are_logged(uni, people, inf_file,
                                                                                         client_as):
    from appeals.models import FileView
    from appeals.services.ombuds import stand_aside

    ombuds = client_as(people["ombuds"])
    assert ombuds.get(url("irregularity_detail", inf_file.pk)).status_code == 200
    assert FileView.objects.filter(user=people["ombuds"]).count() == 1
    stand_aside(user=people["ombuds"], obj=inf_file, reason="related", explanation="Her cousin.",
                by=people["ombuds"])
    assert ombuds.get(url("irregularity_detail", inf_file.pk)).status_code == 404
    assert inf_file.pk not in [i.pk for i in views.queries.irregularities_for(people["ombuds"], TODAY)]
