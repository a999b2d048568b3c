"""Chromium starts, reaches live_server and shows our pages: the browser tests can be trusted to run."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.browser


def test_login_page_has_username_field(page, live_server):
    page.goto(live_server.url + reverse("login"))
    assert page.locator("input[name=username]").is_visible()
    assert "EEL Office" in page.title()


def test_login_form_signs_in(page, live_server, login, student_admin):
    login(page, live_server, student_admin)
    assert page.url.rstrip("/") == live_server.url + reverse("dashboard").rstrip("/")
    assert "Sofie" in page.inner_text("body")
