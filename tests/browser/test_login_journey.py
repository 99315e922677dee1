"""A user's first minutes: the login page, the Vietnamese home page (served with no Internet access), logout."""
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TRANSPARENT = ("rgba(0, 0, 0, 0)", "transparent")


def path_of(page):
    return urlsplit(page.url).path


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / name, full_page=True)


def test_an_anonymous_visit_of_the_home_page_lands_on_the_login_page(page, live_server):
    page.goto(live_server.url + reverse("home"))

    assert path_of(page) == reverse("login")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    screenshot(page, "login.png")


def test_the_coordinator_logs_in_to_a_vietnamese_home_page_served_without_internet(
        page, live_server, personas, requested_urls, response_statuses):
    login(page, live_server, "dieuphoi")

    assert path_of(page) == reverse("home")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")
    navigation = page.get_by_role("navigation", name="Điều hướng chính")
    for label in ("Trang chủ", "Bộ chỉ số", "Đơn vị"):
        expect(navigation.get_by_role("link", name=label, exact=True)).to_be_visible()
    assert response_statuses[live_server.url + "/static/css/parindex.css"] == 200
    header_background = page.locator("header.site-header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header_background not in TRANSPARENT
    screenshot(page, "home.png")
    assert requested_urls, "the listener saw no request at all"
    assert [url for url in requested_urls if not url.startswith(live_server.url + "/")] == []


def test_logging_out_returns_to_the_login_page(page, live_server, personas):
    login(page, live_server, "dieuphoi")

    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").click()

    assert path_of(page) == reverse("login")
    page.goto(live_server.url + reverse("home"))
    assert path_of(page) == reverse("login")


def test_a_wrong_password_shows_the_vietnamese_error(page, live_server, personas):
    login(page, live_server, "dieuphoi", password="khong-phai-mat-khau")

    assert path_of(page) == reverse("login")
    expect(page.get_by_role("alert")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng")
