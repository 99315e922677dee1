"""Content-Security-Policy, Permissions-Policy and no caching of signed-in pages (parindex/headers.py)."""
import re
from pathlib import Path

from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def directives(response):
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


def test_every_page_forbids_inline_script(client):
    policy = directives(client.get(reverse("login")))

    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["default-src"]


def test_every_page_turns_off_the_browser_features_nobody_uses(client):
    permissions = client.get(reverse("login")).headers["Permissions-Policy"]

    assert "camera=()" in permissions and "geolocation=()" in permissions and "microphone=()" in permissions


def test_a_signed_in_page_is_never_stored(client, leader):
    client.force_login(leader)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def test_an_api_answer_to_a_signed_in_user_is_never_stored(client, leader):
    client.force_login(leader)

    assert "no-store" in client.get("/api/v1/units/").headers["Cache-Control"]


def test_the_page_after_logging_out_is_not_stored_either(client, leader):
    client.force_login(leader)

    response = client.post(reverse("logout"))

    assert "no-store" in response.headers["Cache-Control"]


def test_the_api_docs_load_their_start_up_script_as_a_file(client, leader):
    client.force_login(leader)

    page = client.get(reverse("api_docs")).content.decode()

    assert not INLINE_SCRIPT.search(page)


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        if INLINE_SCRIPT.search(text) or EVENT_HANDLER.search(text):
            offenders.append(str(path.relative_to(TEMPLATES)))

    assert offenders == []
