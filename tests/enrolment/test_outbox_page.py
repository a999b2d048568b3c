"""The staff page "Outbox" (enrolment/views_outbox.py): student administration and superusers only; filters,
search, pagination at a constant number of queries; the error of failed notices; "send again" (POST, CSRF)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enrolment import outbox
from enrolment.models import Notice, NoticeAudience, NoticeStatus

pytestmark = pytest.mark.django_db

URL = reverse("enrolment:outbox")


def notice(key, *, audience=NoticeAudience.STUDENT, to="an.peeters@example.org", subject=None, **fields):
    return Notice.objects.create(key=key, audience=audience, to=to, subject=subject or f"Subject {key}",
                                 body="text", **fields)


def failed(key, error="SMTPServerDisconnected: 421 Service not available", **fields):
    fields.setdefault("attempts", outbox.MAX_ATTEMPTS)
    return notice(key, status=NoticeStatus.FAILED, last_error=error, **fields)


def rows(response) -> list[str]:
    return [n.key for n in response.context["object_list"]]


def test_outbox_page_is_for_the_student_administration_and_superusers(
        client, client_as, make_user, student_admin, academic_advisor, lecturer, committee_chair, ombudsperson,
        appeals_secretary, outsider):
    assert client.get(URL).status_code == 302  # to the log-in page
    for user in (academic_advisor, lecturer, committee_chair, ombudsperson, appeals_secretary, outsider):
        response = client_as(user).get(URL)
        assert response.status_code == 403, user
    assert client_as(student_admin).get(URL).status_code == 200
    assert client_as(make_user("root", is_superuser=True)).get(URL).status_code == 200


def test_the_menu_offers_the_outbox_to_whom_may_open_it(client_as, student_admin, lecturer, outsider):
    def offered(user):
        return f'href="{URL}"' in client_as(user).get(reverse("dashboard")).content.decode()

    assert offered(student_admin)
    assert not offered(lecturer) and not offered(outsider)


def test_lists_notices_with_status_and_the_error_of_failed_ones(client_as, student_admin):
    now = timezone.now()
    notice("sent", status=NoticeStatus.SENT, attempts=1, sent_at=now)
    notice("waiting", attempts=2, next_attempt_at=now + timedelta(minutes=2),
           last_error="SMTPServerDisconnected: Connection unexpectedly closed")
    failed("failed", error="SMTPRecipientsRefused: {'x@example.org': (550, b'5.1.1 User unknown')}")
    failed("interrupted", error=outbox.INTERRUPTED)
    failed("withdrawn", error=f"{outbox.WITHDRAWN_PREFIX}the hearing was planned again", attempts=0)
    response = client_as(student_admin).get(URL)
    html = response.content.decode()
    assert set(rows(response)) == {"sent", "waiting", "failed", "interrupted", "withdrawn"}
    assert "5.1.1 User unknown" in html and "Connection unexpectedly closed" in html
    assert "Interrupted while sending" in html and "the hearing was planned again" in html
    totals = response.context["totals"]
    assert (totals["waiting"], totals["failed"], totals["withdrawn"], totals["sent"]) == (1, 2, 1, 1)
    # "Send again" for the failed ones only, not for the withdrawn one.
    retry_urls = {n.key: reverse("enrolment:outbox_retry", args=[n.pk]) for n in Notice.objects.all()}
    assert {key for key, url in retry_urls.items() if f'action="{url}"' in html} == {"failed", "interrupted"}


def test_filters_by_status_and_audience_and_searches_address_and_subject(client_as, student_admin):
    notice("a", to="an.peeters@example.org", subject="Invitation to the hearing")
    notice("b", audience=NoticeAudience.CHAIR, to="chair@example.org", subject="Appeal nearing its decision date")
    failed("c", to="bram@example.org", subject="Decision letter")
    failed("d", error=f"{outbox.WITHDRAWN_PREFIX}replaced", to="old@example.org", subject="Old invitation")
    client = client_as(student_admin)
    assert set(rows(client.get(URL, {"status": "failed"}))) == {"c"}
    assert set(rows(client.get(URL, {"status": "withdrawn"}))) == {"d"}
    assert set(rows(client.get(URL, {"status": "pending"}))) == {"a", "b"}
    assert set(rows(client.get(URL, {"audience": "chair"}))) == {"b"}
    assert set(rows(client.get(URL, {"q": "PEETERS"}))) == {"a"}
    assert set(rows(client.get(URL, {"q": "decision"}))) == {"b", "c"}
    assert set(rows(client.get(URL, {"q": "decision letter"}))) == {"c"}
    assert set(rows(client.get(URL, {"q": "decision", "status": "pending"}))) == {"b"}
    response = client.get(URL, {"q": "nobody"})
    assert rows(response) == [] and "No notice matches this search." in response.content.decode()
    assert client.get(URL, {"status": "nonsense"}).status_code == 200  # a bad filter value: the form says so


def test_pagination_and_a_constant_number_of_queries(client_as, student_admin, django_assert_max_num_queries):
    client = client_as(student_admin)
    for i in range(3):
        failed(f"few.{i}")
    client.get(URL)  # the session and the user's groups are read once per request, like on every page
    with django_assert_max_num_queries(8) as few:
        client.get(URL)
    Notice.objects.bulk_create([Notice(key=f"many.{i}", audience=NoticeAudience.STUDENT, to=f"s{i}@example.org",
                                       subject=f"Reminder {i}", body="x" * 2000, attachment=b"%PDF" * 1000,
                                       attachment_name="letter.pdf", status=NoticeStatus.FAILED,
                                       last_error="TimeoutError: timed out") for i in range(120)])
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(URL)
    assert len(rows(response)) == 50 and response.context["paginator"].count == 123
    # Neither the texts nor the attachments are read for the list.
    assert not any(column in q["sql"] for q in many.captured_queries
                   for column in ('"enrolment_notice"."attachment"', '"enrolment_notice"."body"'))
    last = client.get(URL, {"page": 3})
    assert len(rows(last)) == 23 and "Page 3 of 3" in last.content.decode()


def test_send_again_makes_a_failed_notice_wait_and_returns_to_the_filtered_list(client_as, student_admin,
                                                                                 django_capture_on_commit_callbacks):
    target = failed("c")
    back = f"{URL}?status=failed"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_as(student_admin).post(reverse("enrolment:outbox_retry", args=[target.pk]),
                                                 {"next": back}, follow=True)
    assert response.redirect_chain == [(back, 302)]
    target.refresh_from_db()
    assert target.status == NoticeStatus.PENDING and target.last_error == ""
    assert len(callbacks) == 1  # the task is asked for after the commit
    assert "will be sent again" in response.content.decode()


def test_send_again_of_a_notice_that_is_not_failed_changes_nothing(client_as, student_admin):
    sent = notice("s", status=NoticeStatus.SENT, attempts=1, sent_at=timezone.now())
    withdrawn = failed("w", error=f"{outbox.WITHDRAWN_PREFIX}replaced")
    client = client_as(student_admin)
    for target in (sent, withdrawn):
        response = client.post(reverse("enrolment:outbox_retry", args=[target.pk]), follow=True)
        assert "Nothing changed." in response.content.decode()
    assert Notice.objects.get(pk=sent.pk).status == NoticeStatus.SENT
    assert Notice.objects.get(pk=withdrawn.pk).status == NoticeStatus.FAILED
    response = client.post(reverse("enrolment:outbox_retry", args=[999999]), follow=True)
    assert "This notice does not exist." in response.content.decode()


def test_send_again_refuses_other_roles_get_an_outside_next_and_a_missing_csrf_token(
        client_as, student_admin, academic_advisor, lecturer):
    target = failed("c")
    url = reverse("enrolment:outbox_retry", args=[target.pk])
    for user in (academic_advisor, lecturer):
        assert client_as(user).post(url).status_code == 403
        assert client_as(user).post(reverse("enrolment:outbox_retry_all")).status_code == 403
    assert client_as(student_admin).get(url).status_code == 405
    assert Notice.objects.get(pk=target.pk).status == NoticeStatus.FAILED

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(student_admin)
    assert strict.post(url).status_code == 403
    assert Notice.objects.get(pk=target.pk).status == NoticeStatus.FAILED

    response = client_as(student_admin).post(url, {"next": "https://evil.example.org/"})
    assert response.status_code == 302 and response.url == URL


def test_send_all_failed_again(client_as, student_admin):
    failed("c1")
    failed("c2")
    failed("w", error=f"{outbox.WITHDRAWN_PREFIX}replaced")
    client = client_as(student_admin)
    assert 'data-testid="retry-all"' in client.get(URL).content.decode()
    response = client.post(reverse("enrolment:outbox_retry_all"), follow=True)
    assert "Failed notices to send again: 2." in response.content.decode()
    assert set(Notice.objects.filter(status=NoticeStatus.PENDING).values_list("key", flat=True)) == {"c1", "c2"}
    response = client.post(reverse("enrolment:outbox_retry_all"), follow=True)
    assert "There are no failed notices." in response.content.decode()


def test_notices_waiting_long_past_their_time_warn_that_the_worker_may_be_down(client_as, student_admin):
    client = client_as(student_admin)
    notice("fresh")
    assert 'data-testid="late-warning"' not in client.get(URL).content.decode()
    notice("stale", next_attempt_at=timezone.now() - timedelta(hours=2))
    html = client.get(URL).content.decode()
    assert 'data-testid="late-warning"' in html and "Is the worker running?" in html
