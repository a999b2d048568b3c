"""The intake's pages for every role: who may open each (and who gets 403 or, outside her scope, 404), the intake
flow (dates shown before confirming, a late letter marked late, a double submit registering once), the checklist,
the arguments, the evidence upload and its permission-checked download, the list's filters, CSV and query budget."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appeals.models import Appeal, AppealTransition, EvidenceDocument
from appeals.services import intake as services
from appeals.views.intake import PAGE_ROLES

from .conftest import all_yes
from .test_intake_services import PDF, PNG

pytestmark = pytest.mark.django_db

READERS = {"secretary", "chair", "admin", "ombuds"}  # who opens An's (BA-INF) appeal today
ROLE_BLIND = {"lecturer", "advisor", "exam_chair", "outsider"}  # no appeals role: 403 everywhere


@pytest.fixture
def appeal(register):
    return register(conservatory=True)


@pytest.fixture
def document(appeal, people):
    doc, _ = services.add_document(appeal.pk, upload=SimpleUploadedFile("letter.pdf", PDF), title="The letter",
                                   received_on=date(2027, 2, 19), by=people["secretary"])
    return doc


def urls(appeal, document):
    return {
        "appeal_list": reverse("appeals:appeal_list"),
        "appeal_intake": reverse("appeals:appeal_intake"),
        "appeal_detail": reverse("appeals:appeal_detail", args=[appeal.pk]),
        "appeal_admissibility": reverse("appeals:appeal_admissibility", args=[appeal.pk]),
        "appeal_arguments": reverse("appeals:appeal_arguments", args=[appeal.pk]),
        "appeal_document_add": reverse("appeals:appeal_document_add", args=[appeal.pk]),
        "appeal_document": reverse("appeals:appeal_document", args=[appeal.pk, document.pk]),
    }


# Per page: the users who get 200; the users with the page's role but without this appeal in their scope get 404;
# everyone else 403.
EXPECTED = {
    "appeal_list": {"ok": {"secretary", "chair", "member", "admin", "ombuds", "mat_ombuds"}, "hidden": set()},
    "appeal_intake": {"ok": {"secretary"}, "hidden": set()},
    "appeal_detail": {"ok": READERS, "hidden": {"member", "mat_ombuds"}},
    "appeal_admissibility": {"ok": {"secretary", "chair"}, "hidden": set()},
    "appeal_arguments": {"ok": {"secretary", "chair"}, "hidden": set()},
    "appeal_document_add": {"ok": {"secretary", "chair"}, "hidden": set()},
    "appeal_document": {"ok": {"secretary", "chair", "ombuds"}, "hidden": {"member", "mat_ombuds"}},
}
USERS = ("secretary", "chair", "member", "admin", "ombuds", "mat_ombuds", "lecturer", "advisor", "exam_chair",
         "outsider")


def test_every_page_is_declared():
    assert set(PAGE_ROLES) == set(EXPECTED)


@pytest.mark.parametrize("page", sorted(EXPECTED))
@pytest.mark.parametrize("who", USERS)
def test_who_may_open_each_page(page, who, appeal, document, people, client_as):
    url = urls(appeal, document)[page]
    expected = EXPECTED[page]
    status = 200 if who in expected["ok"] else 404 if who in expected["hidden"] else 403
    assert client_as(people[who]).get(url).status_code == status


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_anonymous_goes_to_the_log_in_page(page, appeal, document, client):
    response = client.get(urls(appeal, document)[page])
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_student_administration_reads_but_is_offered_no_action(appeal, document, people, client_as):
    page = client_as(people["admin"]).get(reverse("appeals:appeal_detail", args=[appeal.pk])).content.decode()
    assert appeal.reference in page and "The letter" in page
    assert 'data-testid="action-' not in page
    assert reverse("appeals:appeal_document", args=[appeal.pk, document.pk]) not in page
    list_page = client_as(people["admin"]).get(reverse("appeals:appeal_list")).content.decode()
    assert 'data-testid="register-link"' not in list_page


def test_ombudsperson_sees_only_her_programmes_appeals(register, uni, people, client_as):
    mine = register()
    other = register(student=uni["bram"], contested_decision=uni["bram_jan"])
    page = client_as(people["ombuds"]).get(reverse("appeals:appeal_list")).content.decode()
    assert mine.reference in page and other.reference not in page
    page = client_as(people["mat_ombuds"]).get(reverse("appeals:appeal_list")).content.decode()
    assert other.reference in page and mine.reference not in page


def test_members_see_no_appeal_until_they_sit_on_one(appeal, people, client_as):
    page = client_as(people["member"]).get(reverse("appeals:appeal_list")).content.decode()
    assert 'data-testid="empty-state"' in page and appeal.reference not in page


def test_ap5_a_sitting_member_opens_the_appeal_until_excluded(appeal, people, client_as):
    from appeals.services import committee

    seat = committee.add_pool_member(user=people["member"], role="member", since=date(2026, 9, 1))
    client = client_as(people["member"])
    url = reverse("appeals:appeal_detail", args=[appeal.pk])
    assert client.get(url).status_code == 200
    assert appeal.reference in client.get(reverse("appeals:appeal_list")).content.decode()
    committee.exclude_member(appeal.pk, member_id=seat.pk, ground="other", reason="Her own student",
                             decided_on=date(2027, 2, 22), by=people["chair"])
    assert client.get(url).status_code == 404
    assert appeal.reference not in client.get(reverse("appeals:appeal_list")).content.decode()


def test_ap5_the_chair_excluded_from_an_appeal_no_longer_opens_it(appeal, register, people, client_as):
    from appeals.services import committee

    seat = committee.add_pool_member(user=people["chair"], role="chair", since=date(2026, 9, 1), external=True)
    other = register()
    committee.exclude_member(appeal.pk, member_id=seat.pk, ground="tie", reason="Related to the student",
                             decided_on=date(2027, 2, 22), by=people["chair"])
    client = client_as(people["chair"])
    assert client.get(reverse("appeals:appeal_detail", args=[appeal.pk])).status_code == 404
    assert client.get(reverse("appeals:appeal_detail", args=[other.pk])).status_code == 200


def test_om2_an_ombudsperson_who_stood_aside_no_longer_opens_the_appeal(appeal, people, client_as):
    from appeals.services import ombuds

    client = client_as(people["ombuds"])
    url = reverse("appeals:appeal_detail", args=[appeal.pk])
    assert client.get(url).status_code == 200
    ombuds.stand_aside(user=people["ombuds"], obj=appeal, reason="involved", explanation="Taught the unit",
                       by=people["ombuds"])
    assert client.get(url).status_code == 404
    assert appeal.reference not in client.get(reverse("appeals:appeal_list")).content.decode()


def test_every_view_of_the_file_and_its_documents_is_logged(appeal, document, people, client_as):
    from appeals.models import FileView

    client_as(people["ombuds"]).get(reverse("appeals:appeal_detail", args=[appeal.pk]))
    client_as(people["secretary"]).get(reverse("appeals:appeal_document", args=[appeal.pk, document.pk]))
    client_as(people["member"]).get(reverse("appeals:appeal_detail", args=[appeal.pk]))  # 404: not logged
    assert sorted(FileView.objects.filter(appeal=appeal).values_list("user__username", "page")) == [
        ("appeals_secretary", "appeals:appeal_document"), ("ombudsperson", "appeals:appeal_detail")]


# ---- the intake ---------------------------------------------------------------------------------------------------

def intake_data(**overrides):
    data = {"student": "2600001", "contested": "", "decision_kind": "", "description": "",
            "decision_notified_on": "", "postmarked_on": "2027-02-18", "received_on": "2027-02-19",
            "email_notice_on": "2027-02-17", "intake_key": "key-1", "step": "preview"}
    data.update(overrides)
    return data


def test_intake_starts_with_the_student_number(uni, people, client_as):
    client = client_as(people["secretary"])
    assert 'name="student"' in client.get(reverse("appeals:appeal_intake")).content.decode()
    page = client.get(reverse("appeals:appeal_intake") + "?student=9999999").content.decode()
    assert "There is no student with number 9999999" in page
    page = client.get(reverse("appeals:appeal_intake") + "?student=2600001").content.decode()
    assert f'value="spd:{uni["an_jan"].pk}"' in page and f'value="irr:{uni["irregularity"].pk}"' in page
    assert f'value="spd:{uni["bram_jan"].pk}"' not in page
    assert "Another decision, described by hand" in page


def test_intake_shows_the_deadlines_then_registers(uni, people, client_as):
    client = client_as(people["secretary"])
    url = reverse("appeals:appeal_intake")
    data = intake_data(contested=f"spd:{uni['an_jan'].pk}")
    page = client.post(url, data).content.decode()
    assert 'data-testid="lodge-by">2027-02-19' in page and 'data-testid="decide-by">2027-03-11' in page
    assert 'data-testid="in-time">in time' in page
    assert not Appeal.objects.exists(), "checking the dates saves nothing"
    response = client.post(url, {**data, "step": "confirm"})
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("appeals:appeal_detail", args=[appeal.pk])
    assert (appeal.reference, appeal.contested_decision, appeal.email_notice_on) == (
        "APP-2027-0001", uni["an_jan"], date(2027, 2, 17))
    again = client.post(url, {**data, "step": "confirm"}, follow=True)
    assert "already registered as APP-2027-0001" in again.content.decode()
    assert Appeal.objects.count() == 1


def test_a_late_letter_is_registered_with_a_warning(uni, people, client_as):
    client = client_as(people["secretary"])
    data = intake_data(contested=f"spd:{uni['an_jan'].pk}", postmarked_on="2027-02-20", received_on="2027-02-22")
    page = client.post(reverse("appeals:appeal_intake"), data).content.decode()
    assert 'data-testid="in-time">late' in page and "committee decides on its admissibility" in page
    page = client.post(reverse("appeals:appeal_intake"), {**data, "step": "confirm"}, follow=True).content.decode()
    assert "registered and marked late" in page and 'data-testid="late"' in page
    assert Appeal.objects.get().late


def test_a_decision_by_hand_needs_its_kind_description_and_date(uni, people, client_as):
    client = client_as(people["secretary"])
    url = reverse("appeals:appeal_intake")
    page = client.post(url, intake_data(contested="other")).content.decode()
    for words in ("Choose the kind of decision.", "Describe the contested decision.",
                  "Enter the date the decision was notified."):
        assert words in page
    data = intake_data(contested="other", decision_kind="exemption", description="Exemption refused",
                       decision_notified_on="2027-02-16", programme=uni["ba_inf"].pk, step="confirm")
    assert client.post(url, data).status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.decision_kind, appeal.programme, appeal.lodge_by) == ("exemption", uni["ba_inf"],
                                                                          date(2027, 2, 23))


def test_intake_refuses_dates_after_today_and_before_the_postmark(uni, people, client_as):
    client = client_as(people["secretary"])
    page = client.post(reverse("appeals:appeal_intake"), intake_data(
        contested=f"spd:{uni['an_jan'].pk}", postmarked_on="2027-02-19", received_on="2027-02-23")).content.decode()
    assert "This date lies after today." in page
    page = client.post(reverse("appeals:appeal_intake"), intake_data(
        contested=f"spd:{uni['an_jan'].pk}", postmarked_on="2027-02-19", received_on="2027-02-18")).content.decode()
    assert "cannot arrive before its postmark" in page
    assert not Appeal.objects.exists()


# ---- the file page, checklist, arguments ------------------------------------------------------------------------

def test_file_page_shows_facts_deadlines_and_history(appeal, people, client_as, today):
    page = client_as(people["secretary"]).get(reverse("appeals:appeal_detail", args=[appeal.pk])).content.decode()
    assert "APP-2027-0001" in page and "2027-02-19" in page and "2027-03-11" in page
    assert 'data-testid="days-left">17 days left' in page  # 22 Feb -> 11 Mar
    assert "arguments awaited" in page and 'data-testid="action-arguments"' in page
    assert "Conservatory appeal (AP-4): the arguments follow" in page
    today.set(date(2027, 3, 13))
    page = client_as(people["secretary"]).get(reverse("appeals:appeal_detail", args=[appeal.pk])).content.decode()
    assert 'data-testid="days-left">2 days past' in page and "overdue" in page


def checklist_post(**overrides):
    data = {"checked_on": "2027-02-22", "signed_by": "student", "note": ""}
    for point in ("name", "address", "signature", "decision_identified", "arguments"):
        data[f"{point}_ok"] = "yes"
        data[f"{point}_reason"] = ""
    data.update(overrides)
    return data


def test_checklist_page_records_the_outcome(register, people, client_as):
    appeal = register()
    client = client_as(people["chair"])
    url = reverse("appeals:appeal_admissibility", args=[appeal.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="computed-in_time"' in page and 'data-testid="computed-not_appealed_before"' in page
    page = client.post(url, checklist_post(address_ok="no")).content.decode()
    assert "Give the reason why this point is not met." in page
    response = client.post(url, checklist_post(address_ok="no", address_reason="No address given"), follow=True)
    page = response.content.decode()
    assert "Admissibility checked: inadmissible" in page and "No address given" in page
    assert Appeal.objects.get().status == "inadmissible"


def test_conservatory_appeal_completes_after_the_arguments(appeal, people, client_as):
    client = client_as(people["secretary"])
    url = reverse("appeals:appeal_admissibility", args=[appeal.pk])
    assert 'name="arguments_ok"' not in client.get(url).content.decode()
    client.post(url, checklist_post())
    assert Appeal.objects.get().status == "received"
    response = client.post(reverse("appeals:appeal_arguments", args=[appeal.pk]), {"received_on": "2027-02-22"})
    assert response.status_code == 302
    assert 'name="arguments_ok"' in client.get(url).content.decode()
    client.post(url, checklist_post())
    assert Appeal.objects.get().status == "admissible"


def test_checklist_page_refuses_once_the_committee_has_the_file(register, people, client_as):
    appeal = register()
    services.record_admissibility(appeal.pk, answers=all_yes(), checked_on=date(2027, 2, 22), signed_by="student",
                                  by=people["secretary"])
    services.move_appeal(appeal.pk, "hearing_planned", by=people["chair"])
    response = client_as(people["secretary"]).get(reverse("appeals:appeal_admissibility", args=[appeal.pk]),
                                                  follow=True)
    assert "can no longer be checked here" in response.content.decode()


# ---- evidence ---------------------------------------------------------------------------------------------------

def test_upload_then_download_as_an_attachment_never_sniffed(appeal, people, client_as, private_media):
    client = client_as(people["secretary"])
    url = reverse("appeals:appeal_document_add", args=[appeal.pk])
    response = client.post(url, {"title": "Scan", "received_on": "2027-02-19",
                                 "file": SimpleUploadedFile("scan.png", PNG, content_type="image/png")})
    assert response.status_code == 302
    doc = EvidenceDocument.objects.get()
    download = client.get(reverse("appeals:appeal_document", args=[appeal.pk, doc.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"] == 'attachment; filename="scan.png"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]
    assert str(private_media) in doc.file.path


def test_upload_refuses_a_disguised_file_and_a_path(appeal, people, client_as):
    client = client_as(people["secretary"])
    url = reverse("appeals:appeal_document_add", args=[appeal.pk])
    page = client.post(url, {"title": "X", "received_on": "2027-02-19", "file": SimpleUploadedFile(
        "evil.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")}).content.decode()
    assert "Only PDF, JPEG and PNG files are accepted" in page
    # The multipart parser keeps only the base name of "../../x.pdf"; the stored name is random anyway.
    client.post(url, {"title": "Y", "received_on": "2027-02-19",
                      "file": SimpleUploadedFile("../../x.pdf", PDF, content_type="application/pdf")})
    doc = EvidenceDocument.objects.get()
    assert doc.original_name == "x.pdf" and ".." not in doc.file.name


def test_a_document_of_another_appeal_is_not_found(register, document, people, client_as, uni):
    other = register(student=uni["bram"], contested_decision=uni["bram_jan"])
    url = reverse("appeals:appeal_document", args=[other.pk, document.pk])
    assert client_as(people["secretary"]).get(url).status_code == 404


def test_documents_are_never_under_a_public_url(document, client):
    from django.conf import settings

    assert not str(settings.PRIVATE_MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))
    for prefix in ("/media/", "/static/", "/"):
        assert client.get(prefix + document.file.name).status_code in (302, 404)


# ---- the list ---------------------------------------------------------------------------------------------------

@pytest.fixture
def many(register, uni):
    appeals = [register(postmarked_on=date(2027, 2, 18), received_on=date(2027, 2, 19))]
    appeals.append(register(postmarked_on=date(2027, 2, 20), received_on=date(2027, 2, 22)))  # late
    appeals.append(register(student=uni["bram"], contested_decision=uni["bram_jan"],
                            postmarked_on=date(2027, 2, 15), received_on=date(2027, 2, 16)))
    old = register(decision_kind="exemption", description="Old exemption", decision_notified_on=date(2027, 1, 4),
                   postmarked_on=date(2027, 1, 8), received_on=date(2027, 1, 11))  # decide_by 31 Jan: past
    appeals.append(old)
    return appeals


def references(response):
    return {a.reference for a, _ in response.context["rows"]}


def test_list_search_and_filters(many, people, client_as):
    client = client_as(people["secretary"])
    url = reverse("appeals:appeal_list")
    assert len(references(client.get(url))) == 4
    assert references(client.get(url, {"q": "Janssens"})) == {many[2].reference}
    assert references(client.get(url, {"q": "2600002"})) == {many[2].reference}
    assert references(client.get(url, {"q": many[1].reference})) == {many[1].reference}
    assert references(client.get(url, {"late": "late"})) == {many[1].reference}
    assert references(client.get(url, {"deadline": "past"})) == {many[3].reference}
    # 22 Feb + 7 = 1 Mar: none due that soon (decide_by 11, 14, 8 Mar)
    assert references(client.get(url, {"deadline": "soon"})) == set()
    services.record_admissibility(many[0].pk, answers=all_yes(), checked_on=date(2027, 2, 22), signed_by="student",
                                  by=people["secretary"])
    assert references(client.get(url, {"status": "admissible"})) == {many[0].reference}
    empty = client.get(url, {"q": "nobody"}).content.decode()
    assert "No appeal matches this search." in empty


def test_list_deadline_soon(many, people, client_as, today):
    today.set(date(2027, 3, 5))
    got = references(client_as(people["secretary"]).get(reverse("appeals:appeal_list"), {"deadline": "soon"}))
    assert got == {many[0].reference, many[2].reference}


def test_list_csv_export(many, people, client_as):
    response = client_as(people["admin"]).get(reverse("appeals:appeal_list"), {"format": "csv", "late": "late"})
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Reference" and len(rows) == 2
    assert rows[1][0] == many[1].reference and rows[1][8:10] == ["2027-02-19", "no"]


def test_list_pagination(register, people, client_as):
    for _ in range(27):
        register()
    client = client_as(people["secretary"])
    first = client.get(reverse("appeals:appeal_list"))
    assert len(first.context["rows"]) == 25 and "Page 1 of 2" in first.content.decode()
    assert len(client.get(reverse("appeals:appeal_list"), {"page": 2}).context["rows"]) == 2


@pytest.mark.parametrize("who", ["secretary", "ombuds"])
def test_list_query_budget_does_not_grow_with_the_appeals(who, register, people, client_as, uni,
                                                          django_assert_max_num_queries):
    client = client_as(people[who])
    register()
    client.get(reverse("appeals:appeal_list"))
    budget = 8 if who == "secretary" else 14  # the ombudsperson's scope: her appointments and stand-asides
    with django_assert_max_num_queries(budget):
        client.get(reverse("appeals:appeal_list"))
    for _ in range(20):
        register()
        register(student=uni["bram"], contested_decision=uni["bram_jan"])
    with django_assert_max_num_queries(budget):
        response = client.get(reverse("appeals:appeal_list"))
    assert len(response.context["rows"]) >= 21
    with django_assert_max_num_queries(budget):
        client.get(reverse("appeals:appeal_list"), {"format": "csv"})


def test_file_page_query_budget(appeal, document, people, client_as, django_assert_max_num_queries):
    client = client_as(people["secretary"])
    services.record_admissibility(appeal.pk, answers=all_yes(), checked_on=date(2027, 2, 22), signed_by="student",
                                  by=people["secretary"])
    # + 6: the History panel (the appeal's, checks', exclusions', hearings', motions' and decision's history).
    with django_assert_max_num_queries(14 + 6):
        client.get(reverse("appeals:appeal_detail", args=[appeal.pk]))
    ombuds = client_as(people["ombuds"])
    with django_assert_max_num_queries(20 + 6):
        assert ombuds.get(reverse("appeals:appeal_detail", args=[appeal.pk])).status_code == 200
    assert AppealTransition.objects.filter(appeal=appeal).count() == 2
