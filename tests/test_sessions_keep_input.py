"""Nothing typed is lost when the session ends (parindex/sessions.py): a post that meets an ended session is kept,
and the form's page shows it again once the user has signed in; nothing is saved or sent by itself."""
import json
import time

import pytest
from django.test import Client
from django.urls import reverse

from parindex.sessions import IDLE_KEY, KEPT_POST_KEY, START_KEY
from scoring.models import Role
from tests.conftest import PASSWORD

MINUTE = 60


@pytest.fixture
def officer_client(personas):
    client = Client()
    response = client.post(reverse("login"), {"username": "canbo", "password": PASSWORD})
    assert response.status_code == 302
    return client


def expire(client):
    session = client.session
    now = int(time.time())
    session[IDLE_KEY], session[START_KEY] = now - 31 * MINUTE, now - 2 * 60 * MINUTE
    session.save()


def kept_data(response):
    text = response.content.decode()
    start = text.index('id="kept-post-data"')
    body = text[text.index(">", start) + 1:text.index("</script>", start)]
    return json.loads(body)


def test_a_post_after_the_session_ended_is_kept_and_refilled_after_signing_in(officer_client):
    expire(officer_client)
    form_page = "/frameworks/"
    action = reverse("scoring:cycle_list")  # any page: what matters is the kept post, not the view

    response = officer_client.post(action, {"explanation": "Báo cáo dài tôi vừa gõ", "version": "3",
                                            "csrfmiddlewaretoken": "x", "confirmed": "1"},
                                   HTTP_REFERER=f"http://testserver{form_page}")

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={form_page}"
    signed_in = officer_client.post(response.url, {"username": "canbo", "password": PASSWORD}, follow=True)
    assert signed_in.redirect_chain[-1][0] == form_page
    data = kept_data(signed_in)
    assert data["action"] == action
    assert ["explanation", "Báo cáo dài tôi vừa gõ"] in data["fields"]
    assert not any(name in {"csrfmiddlewaretoken", "confirmed"} for name, _value in data["fields"])
    assert "Báo cáo dài tôi vừa gõ" in signed_in.content.decode()  # readable without JavaScript too


def test_the_login_page_says_what_was_kept(officer_client):
    expire(officer_client)

    response = officer_client.post(reverse("scoring:cycle_list"), {"explanation": "x"}, follow=True)

    assert "nội dung bạn vừa nhập đã được giữ" in response.content.decode()


def test_the_kept_post_is_shown_once_and_only_on_its_page(officer_client):
    expire(officer_client)
    officer_client.post(reverse("scoring:cycle_list"), {"explanation": "Một lần"},
                        HTTP_REFERER="http://testserver/frameworks/")
    officer_client.post(reverse("login"), {"username": "canbo", "password": PASSWORD})

    assert "kept-post-data" not in officer_client.get("/").content.decode()
    assert "kept-post-data" in officer_client.get("/frameworks/").content.decode()
    assert "kept-post-data" not in officer_client.get("/frameworks/").content.decode()
    assert KEPT_POST_KEY not in officer_client.session


def test_passwords_are_never_kept(officer_client):
    expire(officer_client)

    officer_client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "a", "note": "x"})

    kept = officer_client.session[KEPT_POST_KEY]
    assert [name for name, _value in kept["fields"]] == ["note"]


def test_an_anonymous_post_without_any_field_is_not_kept(client, personas):
    response = client.post(reverse("scoring:cycle_list"))

    assert response.status_code == 302 and KEPT_POST_KEY not in client.session


def test_a_signed_in_page_tells_the_script_the_idle_limit(client, personas, settings):
    client.force_login(personas[Role.LEADER])

    text = client.get("/").content.decode()

    assert f'data-session-idle="{settings.SESSION_IDLE_SECONDS}"' in text
    assert 'id="session-dialog"' in text


def test_staying_signed_in_moves_the_idle_clock(officer_client):
    session = officer_client.session
    session[IDLE_KEY] = int(time.time()) - 29 * MINUTE
    session.save()

    response = officer_client.get(reverse("session_keepalive"))

    assert response.json() == {"idle_seconds": 30 * MINUTE}
    assert abs(officer_client.session[IDLE_KEY] - time.time()) < 5


def test_choosing_the_language_on_the_login_page_is_not_taken_for_an_expired_form(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": reverse("login")})

    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert response.cookies["django_language"].value == "en"
    assert KEPT_POST_KEY not in client.session
