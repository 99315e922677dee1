"""The durable guard on the API: schemathesis generates requests from the OpenAPI schema (drf-spectacular) and sends
them to the live test server as each main role, and every answer must conform to the schema: no server error,
a documented status code and content type, and a body that matches its declared shape.

The number of examples is bounded (SCHEMA_EXAMPLES, default 8 per operation and role) so the whole run stays
within a few minutes; raise it locally to search harder: SCHEMA_EXAMPLES=100 pytest tests/test_api_schema.py."""
import json
import os
import secrets

import pytest
import requests
import schemathesis
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from scoring.models import Role
from tests.scoring.scorecard_data import make_evidence, make_scored_block

pytestmark = [pytest.mark.django_db(transaction=True)]

ROLES = (Role.COORDINATOR, Role.APPRAISER, Role.UNIT_OFFICER, Role.LEADER)
EXAMPLES = int(os.environ.get("SCHEMA_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def published_schema():
    """The schema the server publishes at /api/v1/schema/, rendered the same way."""
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(raw)))


schema = published_schema()


@pytest.fixture
def sessions(live_server, personas, own_unit, other_unit):
    """A signed-in browser session per main role, over a province with results, appraisal rounds and evidence."""
    make_scored_block(own_unit, other_unit)
    make_evidence(own_unit)
    sessions = {role: signed_in_session(personas[role]) for role in ROLES}
    yield sessions
    for session in sessions.values():  # its kept-alive connections would hold the server's threads open
        session.close()


def signed_in_session(user):
    store = SessionStore()
    store.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                  HASH_SESSION_KEY: user.get_session_auth_hash()})
    store.create()
    csrf = secrets.token_hex(16)  # a 32-character secret: the cookie and the header carry the same one
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, store.session_key)
    session.cookies.set(settings.CSRF_COOKIE_NAME, csrf)
    session.headers["X-CSRFToken"] = csrf
    return session


def test_every_answer_of_the_api_matches_its_schema_for_each_role(live_server, sessions):
    # One test walks every operation, so the province is built once (schemathesis's per-operation tests would
    # build and flush it for each of them).
    failures = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            conforms(operation, live_server, sessions)
        except Exception as failure:  # noqa: BLE001 (schemathesis groups its findings; all are reported below)
            failures[operation.label] = failure
    assert not failures, "\n\n".join(f"=== {label}:\n{str(failure)[:3000]}" for label, failure in failures.items())


def conforms(operation, live_server, sessions):
    @given(case=operation.as_strategy())
    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                         suppress_health_check=list(HealthCheck))
    def each_example(case):
        for session in sessions.values():
            # The schema's cookie security scheme would have schemathesis make up a session cookie: send the
            # real one.
            case.cookies = {**(case.cookies or {}), **session.cookies.get_dict()}
            response = case.call(base_url=live_server.url, session=session, timeout=30)
            case.validate_response(response, checks=CHECKS)

    each_example()
