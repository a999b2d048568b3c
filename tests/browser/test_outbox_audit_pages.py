"""The Outbox and the Audit trail in a real browser, as the student administration uses them.

Outbox: the notices are stored and sent through the outbox's own services (``notify``, ``deliver``, ``withdraw``)
with the switchable test mail server (config/testing_mail.py) broken and repaired; the Celery tasks run in-process
(eager), so "Send again" in the browser sends the notice before the list comes back. Audit trail: the changes are
made through the student services (register opening, LA-13 correction) by two staff members; one of them is moved
back in time in its history row, the only way to have a change of another day without freezing the clock of the
live server. Other roles get the 403 page, and neither page makes the browser log an error.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from config import testing_mail
from config.access import Role
from config.celery import app
from config.sweeps import Ref
from enrolment import outbox
from enrolment.models import Notice, NoticeAudience, NoticeStatus
from students.models import LedgerMovement
from students.services import record_correction, record_register_opening
from tests.enrolment.factories import StudentFactory, make_year

pytestmark = pytest.mark.browser
OUTBOX = reverse("enrolment:outbox")
AUDIT = reverse("students:audit")
TIME = r"\d{2}:\d{2}:\d{2}"
STAMP = rf"\d{{4}}-\d{{2}}-\d{{2}} {TIME}"


@pytest.fixture
def browser_errors(page):
    """Every error the page logs on the console or throws (the page fixture checks the CSP refusals itself).
    Not the browser's own request for /favicon.ico, which the site does not serve (a 404 on every site page)."""
    errors = []

    def on_console(message):
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


@pytest.fixture
def mail_server(tmp_path, monkeypatch, settings):
    """The test mail server, breakable (``fail(True)``); the outbox's tasks run in-process, also in the live server's
    thread, when the transaction that asks for them commits."""
    monkeypatch.setenv(testing_mail.ENV, str(tmp_path))
    settings.EMAIL_BACKEND = "config.testing_mail.SwitchableBackend"
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    return testing_mail


def _go(page, locator):
    """Click a link or button that loads another page, and wait for that page (the next step acts on it)."""
    with page.expect_navigation():
        locator.click()


def _notify(key, to, subject, audience=NoticeAudience.STUDENT, about=None):
    return outbox.notify(key=key, audience=audience, to=to, subject=subject, body=f"Body of {subject}", about=about)


def _give_up(notice):
    """The worker's attempts until the outbox gives up (MAX_ATTEMPTS, each after its back-off)."""
    when = timezone.now()
    for _ in range(outbox.MAX_ATTEMPTS):
        when += timedelta(hours=7)  # past any back-off (at most 6 hours)
        outbox.deliver(notice.pk, now=when)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.FAILED
    return notice


@pytest.fixture
def notices(transactional_db, mail_server, student_admin):
    an = StudentFactory(number="2600301", first_name="An", last_name="Peeters", email="an.peeters@example.org")
    # The mail server works: the decision letter goes out at once.
    sent = _notify("letter.2600301", an.email, "Decision letter", about=Ref("students.student", an.pk, "2600301"))
    # The mail server is down: the invitation is tried until the outbox gives up, the reminder to the chair
    # waits for its next attempt, and the old invitation is withdrawn before it could go out.
    mail_server.set_failing(True)
    failed = _give_up(_notify("invitation.2600302", "bram.janssens@example.org", "Invitation to the hearing"))
    waiting = _notify("reminder.chair", "chair@example.org", "Appeal nearing its decision date",
                      audience=NoticeAudience.CHAIR)
    old = _notify("invitation.old", "bram.janssens@example.org", "Old invitation to the hearing")
    assert outbox.withdraw("invitation.old", "the hearing was planned again")
    statuses = dict(Notice.objects.values_list("key", "status"))
    assert statuses == {"letter.2600301": "sent", "invitation.2600302": "failed", "reminder.chair": "pending",
                        "invitation.old": "failed"}
    return {"admin": student_admin, "sent": sent, "failed": failed, "waiting": waiting, "withdrawn": old,
            "mail": mail_server}


def _row(page, notice):
    return page.get_by_test_id(f"notice-{notice.pk}")


def test_outbox_lists_every_notice_with_its_status(page, live_server, login, notices, browser_errors):
    login(page, live_server, notices["admin"])
    page.get_by_role("link", name="Outbox", exact=True).click()
    expect(page.get_by_role("heading", name="Outbox", exact=True)).to_be_visible()
    expect(page.get_by_test_id("totals")).to_contain_text("Waiting: 1")
    expect(page.get_by_test_id("totals")).to_contain_text("Failed: 1")
    expect(page.get_by_test_id("totals")).to_contain_text("Withdrawn: 1")
    expect(page.get_by_test_id("totals")).to_contain_text("Sent: 1")
    expect(page.locator("tbody tr")).to_have_count(4)

    sent = _row(page, notices["sent"])
    expect(sent).to_contain_text("an.peeters@example.org")
    expect(sent).to_contain_text("Decision letter")
    expect(sent).to_contain_text("About: 2600301")
    expect(sent.locator(".badge")).to_have_text("Sent")
    expect(sent.get_by_role("button", name="Send again")).to_have_count(0)

    failed = _row(page, notices["failed"])
    expect(failed.locator(".badge")).to_have_text("Not sent (gave up)")
    expect(failed).to_contain_text(f"Attempts: {outbox.MAX_ATTEMPTS}")
    expect(failed.get_by_test_id("error")).to_have_text("SMTPServerDisconnected: mail server down (test switch)")
    expect(failed.get_by_role("button", name="Send again")).to_be_visible()

    waiting = _row(page, notices["waiting"])
    expect(waiting.locator(".badge")).to_have_text("Waiting to be sent")
    expect(waiting).to_contain_text(f"Attempts: 1 of {outbox.MAX_ATTEMPTS}")
    expect(waiting).to_contain_text("Chair")
    expect(waiting.get_by_role("button", name="Send again")).to_have_count(0)

    withdrawn = _row(page, notices["withdrawn"])
    expect(withdrawn.locator(".badge")).to_have_text("Withdrawn (not to be sent)")
    expect(withdrawn.get_by_test_id("error")).to_contain_text("the hearing was planned again")
    expect(withdrawn.get_by_role("button", name="Send again")).to_have_count(0)
    assert browser_errors == []


def test_outbox_filters_and_search_narrow_the_list(page, live_server, login, notices, browser_errors):
    login(page, live_server, notices["admin"])
    page.goto(live_server.url + OUTBOX)
    rows = page.locator("tbody tr")

    # The "Failed" total is a link to the failed ones (not the withdrawn one).
    _go(page, page.get_by_test_id("totals").get_by_role("link", name="Failed: 1"))
    expect(rows).to_have_count(1)
    expect(_row(page, notices["failed"])).to_be_visible()
    expect(page.get_by_label("Status")).to_have_value("failed")

    _go(page, page.get_by_role("link", name="Clear"))
    expect(rows).to_have_count(4)
    page.get_by_label("To whom").select_option(label="Chair")
    _go(page, page.get_by_role("button", name="Search"))
    expect(rows).to_have_count(1)
    expect(_row(page, notices["waiting"])).to_be_visible()

    _go(page, page.get_by_role("link", name="Clear"))
    page.get_by_label("Search", exact=True).fill("invitation")
    _go(page, page.get_by_role("button", name="Search"))
    expect(rows).to_have_count(2)
    expect(_row(page, notices["failed"])).to_be_visible()
    expect(_row(page, notices["withdrawn"])).to_be_visible()
    page.get_by_label("Status").select_option(label="Withdrawn (not to be sent)")
    _go(page, page.get_by_role("button", name="Search"))
    expect(rows).to_have_count(1)
    expect(_row(page, notices["withdrawn"])).to_be_visible()

    # Nothing matches: the empty state says so and offers the whole list again.
    _go(page, page.get_by_role("link", name="Clear"))
    page.get_by_label("Search", exact=True).fill("nobody@example.org")
    _go(page, page.get_by_role("button", name="Search"))
    empty = page.get_by_test_id("empty-state")
    expect(empty).to_contain_text("No notice matches this search.")
    expect(rows).to_have_count(0)
    _go(page, empty.get_by_role("link", name="Show all notices"))
    expect(rows).to_have_count(4)
    assert browser_errors == []


def test_outbox_failed_notice_can_be_sent_again(page, live_server, login, notices, browser_errors):
    notices["mail"].set_failing(False)  # the mail server is repaired
    login(page, live_server, notices["admin"])
    page.goto(live_server.url + OUTBOX + "?status=failed")
    failed = _row(page, notices["failed"])
    _go(page, failed.get_by_role("button", name="Send again"))

    expect(page.locator(".alert-success")).to_contain_text(
        "The notice “Invitation to the hearing” to bram.janssens@example.org will be sent again in a moment.")
    # Back on the filtered list, which the notice has left: it went out at once.
    assert page.url.endswith(OUTBOX + "?status=failed")
    expect(page.get_by_test_id("empty-state")).to_contain_text("No notice matches this search.")
    expect(page.get_by_test_id("totals")).to_contain_text("Failed: 0")
    expect(page.get_by_test_id("totals")).to_contain_text("Sent: 2")
    _go(page, page.get_by_test_id("totals").get_by_role("link", name="Sent: 2"))
    expect(_row(page, notices["failed"]).locator(".badge")).to_have_text("Sent")
    expect(_row(page, notices["failed"]).get_by_role("button", name="Send again")).to_have_count(0)
    assert [m["subject"] for m in notices["mail"].sent()] == ["Decision letter", "Invitation to the hearing"]
    assert browser_errors == []


def test_outbox_notice_sent_again_while_the_mail_server_is_down_fails_again(page, live_server, login, notices):
    login(page, live_server, notices["admin"])
    page.goto(live_server.url + OUTBOX)
    _go(page, _row(page, notices["failed"]).get_by_role("button", name="Send again"))
    expect(page.locator(".alert-success")).to_contain_text("will be sent again in a moment")
    failed = _row(page, notices["failed"])
    expect(failed.locator(".badge")).to_have_text("Not sent (gave up)")
    expect(failed).to_contain_text(f"Attempts: {outbox.MAX_ATTEMPTS + 1}")
    expect(failed.get_by_test_id("error")).to_have_text("SMTPServerDisconnected: mail server down (test switch)")


def test_outbox_without_notices_says_none_was_sent_yet(page, live_server, login, transactional_db, student_admin,
                                                        browser_errors):
    login(page, live_server, student_admin)
    page.goto(live_server.url + OUTBOX)
    expect(page.get_by_test_id("empty-state")).to_have_text("No notice has been sent yet.")
    expect(page.get_by_test_id("retry-all")).to_have_count(0)
    assert browser_errors == []


# ------------------------------------------------------------------------------------------------ the audit trail

@pytest.fixture
def changes(transactional_db, make_user, student_admin):
    make_year(2026)
    an = StudentFactory(number="2600311", first_name="An", last_name="Peeters")
    bram = StudentFactory(number="2600312", first_name="Bram", last_name="Janssens")
    colleague = make_user("pieter", Role.STUDENT_ADMIN, first_name="Pieter", last_name="Pauwels")
    today = timezone.localdate()
    record_register_opening(an, 100, today - timedelta(days=30), 0, False, by=student_admin)
    record_correction(an, 6, today, "BOARD-7", "Force majeure recognised by the Council", by=student_admin)
    record_correction(bram, 3, today, "BOARD-9", "Exam missed for a hospital stay", by=colleague)
    # Pieter's correction was made ten days ago.
    earlier = timezone.now() - timedelta(days=10)
    moved = LedgerMovement.history.filter(history_change_reason__contains="hospital stay").update(history_date=earlier)
    assert moved == 1
    return {"admin": student_admin, "colleague": colleague, "an": an, "bram": bram, "today": today,
            "earlier": timezone.localtime(earlier).date()}


def _audit_rows(page, text):
    return page.get_by_test_id("audit-row").filter(has_text=text)


def test_audit_trail_shows_a_change_with_user_time_and_reason(page, live_server, login, changes, browser_errors):
    login(page, live_server, changes["admin"])
    page.get_by_role("link", name="Audit trail", exact=True).click()
    expect(page.get_by_role("heading", name="Audit trail", exact=True)).to_be_visible()

    correction = _audit_rows(page, "Ledger correction (LA-13): Force majeure recognised by the Council")
    expect(correction).to_have_count(1)
    expect(correction).to_contain_text("Sofie Admin")
    expect(correction).to_contain_text("Ledger movement #")
    expect(correction).to_contain_text("created")
    expect(correction.locator("td").first).to_have_text(re.compile(rf"^{changes['today']:%Y-%m-%d} {TIME}$"))

    opening = _audit_rows(page, "Opening balance from the register (LA-1)").filter(has_text="Student #")
    expect(opening).to_have_count(1)
    expect(opening).to_contain_text("Sofie Admin")
    expect(opening).to_contain_text("changed")

    pieter = _audit_rows(page, "Exam missed for a hospital stay")
    expect(pieter).to_contain_text("Pieter Pauwels")
    expect(pieter.locator("td").first).to_have_text(re.compile(rf"^{changes['earlier']:%Y-%m-%d} "))
    assert browser_errors == []


def test_audit_trail_filters_by_record_type_user_and_date(page, live_server, login, changes, browser_errors):
    login(page, live_server, changes["admin"])
    page.goto(live_server.url + AUDIT)
    rows = page.get_by_test_id("audit-row")
    everything = rows.count()
    assert everything >= 5  # the students made, An's register opening and its ledger movements, two corrections

    page.get_by_label("Record type").select_option(label="Student")
    _go(page, page.get_by_role("button", name="Search"))
    assert 0 < rows.count() < everything
    for text in rows.all_inner_texts():
        assert "Student #" in text, text
    expect(_audit_rows(page, "Opening balance from the register (LA-1)")).to_have_count(1)
    expect(_audit_rows(page, "Ledger correction")).to_have_count(0)

    _go(page, page.get_by_role("link", name="Clear"))
    page.get_by_label("User (name)").fill("pieter")
    _go(page, page.get_by_role("button", name="Search"))
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Ledger correction (LA-13): Exam missed for a hospital stay")
    expect(rows).to_contain_text("Pieter Pauwels")

    # From today on: Pieter's correction of ten days ago drops out; up to yesterday: only his.
    _go(page, page.get_by_role("link", name="Clear"))
    page.get_by_label("Record type").select_option(label="Ledger movement")
    page.get_by_label("From").fill(f"{changes['today']:%Y-%m-%d}")
    _go(page, page.get_by_role("button", name="Search"))
    expect(_audit_rows(page, "Force majeure recognised by the Council")).to_have_count(1)
    expect(_audit_rows(page, "hospital stay")).to_have_count(0)
    page.get_by_label("From").fill("")
    page.get_by_label("To").fill(f"{changes['today'] - timedelta(days=1):%Y-%m-%d}")
    _go(page, page.get_by_role("button", name="Search"))
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("hospital stay")

    # Text in the reason, and a search that finds nothing.
    _go(page, page.get_by_role("link", name="Clear"))
    page.get_by_label("Text in the reason").fill("force majeure")
    _go(page, page.get_by_role("button", name="Search"))
    expect(rows).to_have_count(1)
    page.get_by_label("Text in the reason").fill("no such reason")
    _go(page, page.get_by_role("button", name="Search"))
    expect(page.get_by_test_id("audit-empty")).to_have_text("Nothing recorded matches this search.")

    # Dates the wrong way round: the form says so and lists nothing.
    _go(page, page.get_by_role("link", name="Clear"))
    page.get_by_label("From").fill(f"{changes['today']:%Y-%m-%d}")
    page.get_by_label("To").fill(f"{changes['earlier']:%Y-%m-%d}")
    _go(page, page.get_by_role("button", name="Search"))
    expect(page.locator("form .alert-danger")).to_have_text("The first date comes after the last one.")
    expect(rows).to_have_count(0)
    assert browser_errors == []


def test_audit_trail_change_is_in_the_history_panel_of_the_student_page(page, live_server, login, changes,
                                                                        browser_errors):
    """The audit rows do not link to their record (see the report); the record's own page shows the same change."""
    login(page, live_server, changes["admin"])
    page.goto(live_server.url + reverse("students:detail", args=[changes["an"].number]))
    history = page.get_by_test_id("history")
    history.get_by_text("History").click()  # the panel is folded
    entry = history.get_by_test_id("history-entry").filter(has_text="Force majeure recognised by the Council")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Sofie Admin")
    expect(entry).to_contain_text("Ledger correction (LA-13)")
    expect(entry.locator("td").first).to_have_text(re.compile(STAMP))
    assert browser_errors == []


# ---------------------------------------------------------------------------------------------- who may not use them

@pytest.mark.parametrize("role", [Role.LECTURER, Role.ACADEMIC_ADVISOR])
def test_outbox_and_audit_trail_refuse_other_roles(page, live_server, login, transactional_db, make_user, role):
    user = make_user("someone", role, first_name="Some", last_name="One")
    login(page, live_server, user)
    menu = page.get_by_role("navigation")
    expect(menu.get_by_role("link", name="Outbox", exact=True)).to_have_count(0)
    expect(menu.get_by_role("link", name="Audit trail", exact=True)).to_have_count(0)
    for url in (OUTBOX, AUDIT):
        response = page.goto(live_server.url + url)
        assert response.status == 403, url
        expect(page.get_by_test_id("error-403")).to_contain_text("You have no access to this page")
        expect(page.get_by_role("heading", name="Outbox", exact=True)).to_have_count(0)
        expect(page.get_by_role("heading", name="Audit trail", exact=True)).to_have_count(0)
