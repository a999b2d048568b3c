"""Playwright (sync API) driving Debian's Chromium against pytest-django's live_server.

Never `playwright install`: it downloads its own browser, which these machines cannot fetch. scripts/test.sh
installs Debian's `chromium` instead. Every test in this folder is marked `browser`: `-m "not browser"` skips them.
"""

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from playwright.sync_api import sync_playwright

# Playwright's sync API keeps an event loop in the main thread, and Django then refuses ORM calls there
# ("SynchronousOnlyOperation") — in this test process only, that is a false alarm.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
# Headless as root in a sandbox-less container, and no calls home: the machine's network is closed and
# Chromium's background requests would only fail.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (scripts/test.sh does so as root)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/Brussels")
    context.set_default_timeout(15_000)
    page = context.new_page()
    # The content security policy refuses inline scripts and styles: Chromium reports each refusal on the console.
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert not refused, f"The content security policy refused: {refused}"


@pytest.fixture
def login(user_password):
    """login(page, live_server, user): sign in through the log-in form; fails if the form does not let them in."""

    def sign_in(page, live_server, user, password=user_password):
        login_path = reverse("login")
        page.goto(live_server.url + login_path)
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("form [type=submit]")
        page.wait_for_url(lambda url: urlparse(url).path != login_path)
        return page

    return sign_in
