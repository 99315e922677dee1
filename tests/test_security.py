"""Login throttling (django-axes), session rotation and lifetime (parindex/sessions.py), password change."""
import time

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from parindex.sessions import IDLE_KEY, START_KEY

from .conftest import PASSWORD

ADDRESS_A, ADDRESS_B = "10.0.0.1", "10.0.0.2"
MINUTE, HOUR = 60, 3600
LOCKED = "Tạm khóa đăng nhập"


def log_in(username, password=PASSWORD, address=ADDRESS_A, client=None):
    client = client or Client()
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(username, times, address=ADDRESS_A):
    return [log_in(username, "mat-khau-sai", address) for _ in range(times)]


def signed_in(response):
    return response.status_code == 302 and response.url == reverse("home")


@pytest.fixture
def users(personas):
    return personas["coordinator"], personas["leader"]


def test_four_failures_show_the_vietnamese_error_and_do_not_lock(users):
    responses = fail("dieuphoi", 4)

    assert [r.status_code for r in responses] == [200] * 4
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in responses[-1].content.decode()
    assert signed_in(log_in("dieuphoi"))


def test_the_fifth_failure_locks_the_user_out_from_that_address(users):
    fifth = fail("dieuphoi", 5)[-1]
    right_password = log_in("dieuphoi")

    assert fifth.status_code == 429
    assert right_password.status_code == 429
    assert LOCKED in right_password.content.decode()
    assert "thử lại sau 15 phút" in right_password.content.decode()


def test_a_locked_user_can_still_log_in_from_another_address(users):
    fail("dieuphoi", 5, ADDRESS_A)

    assert signed_in(log_in("dieuphoi", address=ADDRESS_B))


def test_another_user_can_still_log_in_from_the_locked_address(users):
    fail("dieuphoi", 5, ADDRESS_A)

    assert signed_in(log_in("lanhdao", address=ADDRESS_A))


def test_a_successful_login_resets_the_failure_count(users):
    fail("dieuphoi", 4)
    assert signed_in(log_in("dieuphoi"))

    fail("dieuphoi", 4)

    assert signed_in(log_in("dieuphoi"))


def test_logging_in_gives_the_browser_a_new_session_key(users):
    client = Client()
    before = client.session.session_key  # the test client saves an anonymous session and sets its cookie

    assert signed_in(log_in("dieuphoi", client=client))

    after = client.session.session_key
    assert after != before
    assert not SessionStore().exists(before)
    assert client.session[SESSION_KEY] == str(users[0].pk)


def test_logging_out_needs_a_post_so_a_link_cannot_sign_users_out(client, users):
    client.force_login(users[0], backend="django.contrib.auth.backends.ModelBackend")

    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200


@pytest.fixture
def session_client(users):
    """A client signed in through the login form, with its session clock readable and settable."""
    client = Client()
    assert signed_in(log_in("dieuphoi", client=client))
    return client


def shift_clock(client, *, idle, since_login):
    """Pretends the last request was `idle` seconds ago and the login `since_login` seconds ago."""
    session = client.session
    now = int(time.time())
    session[IDLE_KEY], session[START_KEY] = now - idle, now - since_login
    session.save()


def is_sent_to_login(response):
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_login_request_starts_the_session_clock(session_client):
    session = session_client.session

    assert abs(session[START_KEY] - time.time()) < 5
    assert session[IDLE_KEY] >= session[START_KEY]


def test_a_request_after_29_idle_minutes_keeps_the_user_signed_in(session_client):
    shift_clock(session_client, idle=29 * MINUTE, since_login=2 * HOUR)

    response = session_client.get(reverse("home"))

    assert response.status_code == 200
    assert "Xin chào" in response.content.decode()


def test_a_request_after_31_idle_minutes_logs_out_and_redirects_to_login(session_client):
    shift_clock(session_client, idle=31 * MINUTE, since_login=2 * HOUR)

    response = session_client.get(reverse("home"))

    assert is_sent_to_login(response)
    assert SESSION_KEY not in session_client.session
    assert is_sent_to_login(session_client.get(reverse("home")))  # stays logged out


def test_the_api_answers_401_after_the_idle_timeout(session_client):
    shift_clock(session_client, idle=31 * MINUTE, since_login=2 * HOUR)

    assert session_client.get(reverse("scoring_api:unit_list")).status_code == 401


def test_an_active_session_lives_until_ten_hours_after_login(session_client):
    shift_clock(session_client, idle=MINUTE, since_login=10 * HOUR - 5 * MINUTE)

    assert session_client.get(reverse("home")).status_code == 200


def test_an_active_session_ends_ten_hours_after_login(session_client):
    shift_clock(session_client, idle=MINUTE, since_login=10 * HOUR + MINUTE)

    assert is_sent_to_login(session_client.get(reverse("home")))


def test_each_request_moves_the_idle_clock_but_not_the_login_time(session_client):
    shift_clock(session_client, idle=20 * MINUTE, since_login=3 * HOUR)
    started = session_client.session[START_KEY]

    session_client.get(reverse("home"))

    assert abs(session_client.session[IDLE_KEY] - time.time()) < 5
    assert session_client.session[START_KEY] == started


def test_the_lifetimes_are_thirty_idle_minutes_and_ten_hours():
    assert settings.SESSION_IDLE_SECONDS == 30 * MINUTE
    assert settings.SESSION_ABSOLUTE_SECONDS == 10 * HOUR


NEW_PASSWORD = "mat-khau-moi-cua-dieu-phoi-2025"


def test_a_user_changes_the_password_and_stays_signed_in(session_client, users):
    response = session_client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302 and response.url == reverse("password_change_done")
    assert "Mật khẩu của bạn đã được thay đổi" in session_client.get(response.url).content.decode()
    users[0].refresh_from_db()
    assert users[0].check_password(NEW_PASSWORD)
    assert signed_in(log_in("dieuphoi", NEW_PASSWORD, ADDRESS_B))


def test_a_wrong_old_password_changes_nothing(session_client, users):
    response = session_client.post(reverse("password_change"), {
        "old_password": "khong-dung", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    users[0].refresh_from_db()
    assert users[0].check_password(PASSWORD)


def test_an_expired_session_says_so_on_the_login_page(client, personas, monkeypatch):
    import time as real_time

    from parindex import sessions

    client.force_login(personas["leader"])
    client.get("/")
    later = real_time.time() + 31 * 60
    monkeypatch.setattr(sessions.time, "time", lambda: later)

    response = client.get("/", follow=True)

    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert "Phiên làm việc đã hết hạn" in response.content.decode()


def test_requests_within_a_minute_do_not_rewrite_the_session_row(session_client):
    from django.contrib.sessions.models import Session

    shift_clock(session_client, idle=10, since_login=HOUR)
    key = session_client.session.session_key
    before = Session.objects.get(session_key=key).session_data

    session_client.get(reverse("home"))

    assert Session.objects.get(session_key=key).session_data == before


# --- Behind the reverse proxy (issue 13, point 4) ---------------------------------------------------------------

PROXY = "127.0.0.1"  # every request reaches gunicorn from the proxy


def log_in_through_proxy(username, forwarded, password=PASSWORD):
    """As nginx forwards it: the client's own (forgeable) X-Forwarded-For entries, then the address it saw."""
    return Client().post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=PROXY,
                         HTTP_X_FORWARDED_FOR=forwarded)


def test_behind_the_proxy_a_lockout_holds_for_one_client_address_only(users, settings):
    settings.BEHIND_PROXY = True
    for _ in range(5):
        log_in_through_proxy("lanhdao", "203.0.113.5", password="mat-khau-sai")

    assert log_in_through_proxy("lanhdao", "203.0.113.5").status_code == 429
    assert signed_in(log_in_through_proxy("lanhdao", "198.51.100.7"))


def test_behind_the_proxy_a_forged_first_entry_does_not_escape_the_lockout(users, settings):
    settings.BEHIND_PROXY = True
    for _ in range(5):
        log_in_through_proxy("lanhdao", "203.0.113.5", password="mat-khau-sai")

    assert log_in_through_proxy("lanhdao", "1.2.3.4, 203.0.113.5").status_code == 429


def test_without_the_proxy_setting_the_forwarded_header_is_ignored(users, settings):
    settings.BEHIND_PROXY = False
    for _ in range(5):
        log_in_through_proxy("lanhdao", "203.0.113.5", password="mat-khau-sai")

    assert log_in_through_proxy("lanhdao", "198.51.100.7").status_code == 429  # both come from REMOTE_ADDR
