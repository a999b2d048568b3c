"""The student administration's journey in a real browser: find a student, enrol her, remove a unit before
1 December, and read the refund and the new balance in her learning-account statement."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from enrolment.dataset.importer import import_dataset
from tests.views.conftest import TODAY, dataset, enrolment, student

pytestmark = pytest.mark.browser
SCREENSHOT = "/tmp/eel-student-page.png"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """The live server's "today" in the middle of 2026-2027: the removal below is dated before it."""
    from tests.clock import Clock

    return Clock(monkeypatch, TODAY)


@pytest.fixture
def lies(transactional_db):
    import_dataset(dataset(
        students=[student("2600005", "Lies", "Claes", "lies.claes@example.org"),
                  student("2600001", "An", "Peeters", "an.peeters@example.org")],
        enrolments=[enrolment("2600001")],
    ))
    return "2600005"


def test_enrol_then_remove_a_unit_before_1_december(page, live_server, login, student_admin, lies):
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, student_admin)

    # Find her in the list and open her page.
    page.goto(live_server.url + reverse("students:list"))
    page.fill("input[name=q]", "claes")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Claes, Lies").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lies Claes")
    expect(page.get_by_test_id("balance")).to_have_text("0")

    # Enrol: programme, its units (stage 1 ticked at once), preview, confirm.
    page.get_by_role("link", name="Enrol", exact=True).click()
    page.select_option("select[name=academic_year]", label="2026-2027")
    page.select_option("select[name=programme]", label="BA-INF Bachelor of Informatics")
    page.fill("input[name=enrolled_on]", "2026-09-20")
    page.get_by_role("button", name="Show the programme's course units").click()
    page.locator("tbody[data-stage='1'] .eel-tick-all").click()
    for code in ("INF101", "INF102", "INF103"):
        expect(page.locator(f"input[data-code={code}]")).to_be_checked()
    expect(page.locator("input[data-code=INF201]")).not_to_be_checked()
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_test_id("finding-EN-2")).to_contain_text("ok")
    expect(page.get_by_test_id("finding-LA-14")).to_contain_text("this enrolment uses 17")
    expect(page.get_by_test_id("preview-balance")).to_contain_text(re.compile(r"0\s*→\s*123"))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".alert-success")).to_contain_text("Lies Claes is enrolled: BA-INF, 2026-2027")

    # Remove INF101 at her request of 5 November (S1: until 8 November, EN-6): the preview shows the refund.
    page.get_by_role("link", name="Remove INF101").click()
    expect(page.get_by_test_id("cutoff")).to_contain_text("before 2026-12-01")
    page.fill("input[name=requested_on]", "2026-11-05")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_test_id("preview-note")).to_contain_text("Refund: +6 credits")
    expect(page.get_by_test_id("preview-movements")).to_contain_text("+6")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".alert-success")).to_contain_text("INF101 is removed")

    # Her statement at the end of the year: the refund movement and the new balance.
    page.fill("input[name=as_of]", "2027-09-01")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.get_by_test_id("balance")).to_have_text("129")
    refund = page.get_by_test_id("statement").locator("tbody tr", has_text="Refund")
    expect(refund).to_contain_text("+6")
    expect(refund).to_contain_text("INF101")
    expect(refund).to_contain_text("LA-6")
    expect(page.locator("tr.eel-removed")).to_contain_text("2026-11-05")
    page.screenshot(path=SCREENSHOT, full_page=True)
