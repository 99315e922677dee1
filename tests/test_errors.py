"""Our own error pages, with DEBUG off as in production and under `make run`."""
import pytest
from django.conf import settings
from django.test import Client, override_settings

from scoring.models import Role


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


def text(response):
    return response.content.decode()


def test_a_mistyped_address_gets_the_vietnamese_404_page_with_the_navigation(client, leader):
    client.force_login(leader)

    response = client.get("/khao-sat/khong-co-dau/", HTTP_REFERER="http://testserver/ket-qua/")

    assert response.status_code == 404
    assert "Không tìm thấy trang" in text(response)
    assert 'aria-label="Điều hướng chính"' in text(response)
    assert 'href="http://testserver/ket-qua/"' in text(response)  # the way back
    assert "Not Found" not in text(response)


def test_the_404_page_is_in_english_when_english_was_chosen(client, leader):
    client.force_login(leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_an_anonymous_visitor_gets_the_404_page_with_a_way_to_sign_in(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Không tìm thấy trang" in text(response)
    assert "/accounts/login/" in text(response)


def test_the_way_back_never_leads_to_another_site(client, leader):
    client.force_login(leader)

    response = client.get("/no-such-page/", HTTP_REFERER="https://evil.example/phish")

    assert "evil.example" not in text(response)


def test_a_unit_user_opening_the_dashboard_gets_our_403_with_the_navigation(client, personas):
    client.force_login(personas[Role.UNIT_OFFICER])

    response = client.get("/dashboard/")

    assert response.status_code == 403
    assert "Bạn không có quyền mở trang này" in text(response)
    assert 'aria-label="Điều hướng chính"' in text(response)
    assert "Về trang chủ" in text(response)


def test_a_form_posted_without_a_valid_csrf_token_gets_our_page_in_vietnamese(leader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)

    response = client.post("/i18n/setlang/", {"language": "en"})

    assert response.status_code == 403
    assert "Biểu mẫu đã hết hiệu lực" in text(response)
    assert "Forbidden" not in text(response)


@override_settings(ROOT_URLCONF="tests.error_urls")
def test_a_bad_request_gets_our_400_page(client, leader):
    client.force_login(leader)

    response = client.get("/test-errors/400/")

    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in text(response)
    assert 'aria-label="Điều hướng chính"' in text(response)


@override_settings(ROOT_URLCONF="tests.error_urls")
def test_a_server_error_gets_our_500_page(client, leader):
    client.force_login(leader)
    client.raise_request_exception = False

    response = client.get("/test-errors/500/")

    assert response.status_code == 500
    assert "Hệ thống gặp lỗi" in text(response)
    assert "Về trang chủ" in text(response)


def test_the_500_page_still_answers_when_the_layout_cannot_be_rendered(rf, monkeypatch):
    from parindex import errors

    def fail(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(errors, "render_to_string", fail)

    response = errors.server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Hệ thống gặp lỗi" in text(response)


def test_make_run_serves_the_demo_with_debug_off_so_it_shows_these_pages():
    from pathlib import Path

    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    run_line = next(line for line in makefile.splitlines() if "manage.py runserver" in line)

    assert "DEBUG=$${DEBUG:-0}" in run_line and "STATIC_FINDERS=1" in run_line
