"""Browser tests: Playwright (sync API) drives Debian's Chromium against pytest-django's live_server.

Mark each module `pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]`: the live server
answers from another thread, so it only sees committed rows. Static files reach the browser through the live
server's StaticFilesHandler (it reads the finders, whatever DEBUG says); tests/conftest.py switches off the
manifest storage so {% static %} works without collectstatic.
"""
import os

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="package")
def browser(chromium):
    """One headless Chromium for the browser tests; Playwright gives every launch a fresh temporary profile
    (--user-data-dir) and deletes it on close. Package scope ends it, and the flag below, after tests/browser."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; Django would take the ORM calls of fixtures
    # and of the database teardown for calls from async code and refuse them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    """A new browser context per test: no cookie or storage leaks from one test to the next."""
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def requested_urls(page):
    """Every URL the page asks for, from the moment the fixture is set up."""
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


@pytest.fixture
def response_statuses(page):
    """URL → status of every response the page received."""
    statuses = {}
    page.on("response", lambda response: statuses.__setitem__(response.url, response.status))
    return statuses


def login(page, live_server, username, password=PASSWORD):
    """Signs in through the login form, like a user would, and waits for the next page."""
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Tên đăng nhập", exact=True).fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()


def confirm_in_dialog(page, *expected):
    """Confirms the <dialog> an irreversible action opens (static/js/confirm.js) after checking its summary says
    `expected`, and waits for the page the action leads to."""
    from playwright.sync_api import expect

    dialog = page.locator("dialog.confirm-dialog[open]")
    expect(dialog).to_be_visible()
    for text in expected:
        expect(dialog).to_contain_text(text)
    expect(dialog.get_by_role("button").last).to_be_focused()  # "cancel" has the focus: a stray Enter cancels
    with page.expect_navigation():
        dialog.get_by_role("button").first.click()
