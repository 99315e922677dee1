"""No input answers 500 (issue 13, point 5): every field of every form a page shows and every field and query
parameter of every API operation (from the OpenAPI schema) is sent over-long text, a NUL byte, huge and non-finite
numbers and impossible dates, one field at a time, as each role the access matrix lets in, on the objects the
access matrix builds. Each request is rolled back, so every one meets the same data."""
import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from .access_matrix import CAPABILITIES, LOGIN, MATRIX
from .conftest import make_framework
from .test_access_matrix import result_objects, route_kwargs, survey_objects

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
BAD_TEXT = ("x" * 100_000, "ab\x00cd", "1e999999", "NaN", "-Infinity", "1" * 40, "31/02/2025", "-1",
            "0,00000000000000000000000000001")
BAD_JSON = (*BAD_TEXT, 10 ** 40, 1e308, -1, True, None, [], {"a": 1})
ROLES = ("coordinator", "appraiser", "unit_officer", "unit_head", "admin", "leader")
SKIPPED = {"logout", "admin:index", "api_schema", "api_docs", "healthz", "set_language",
           "surveys:answer_token"}  # a token route: no objects for it; the public link stands for the respondent
REFUSED = {403, 404, 405, LOGIN}


@pytest.fixture
def world(own_unit, other_unit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    framework = make_framework(leaves={"1.1": ("appraised", "10")})
    objects = {"framework": framework.pk, "unknown_token": "khong-co-trong-phien", "unit": own_unit.pk,
               "unit_code": own_unit.code, **survey_objects(own_unit, other_unit), **result_objects()}
    for capability in CAPABILITIES:
        objects.update(capability.objects(own_unit, other_unit)["own"])
    return objects


@pytest.fixture(scope="module")
def schema():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


class Forms(HTMLParser):
    """The forms of a page: method, action and {field: default value} (the first option, checked boxes)."""

    def __init__(self):
        super().__init__()
        self.forms, self._select, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action"),
                               "fields": {}, "files": set(), "button": None})
        if not self.forms or not attrs.get("name"):
            return
        form, name = self.forms[-1], attrs["name"]
        kind = (attrs.get("type") or "text").lower()
        if tag == "input" and kind == "file":
            form["files"].add(name)
        elif tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in attrs or name not in form["fields"]:
                form["fields"][name] = attrs.get("value", "on")
        elif tag == "input" and kind == "submit" or tag == "button":
            if form["button"] is None and name != "cancel":
                form["button"] = (name, attrs.get("value", ""))
        elif tag == "input":
            form["fields"][name] = attrs.get("value", "")
        elif tag == "select":
            self._select = name
            form["fields"].setdefault(name, "")
        elif tag == "option" and self._select and not form["fields"].get(self._select):
            form["fields"][self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            form["fields"][name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None


def page_forms(html):
    parser = Forms()
    parser.feed(html)
    for form in parser.forms:
        form["fields"].pop("csrfmiddlewaretoken", None)
    return parser.forms


class Probe:
    def __init__(self, client, user):
        self.client, self.user, self.failures, self.requests = client, user, [], 0

    def send(self, what, call):
        """Runs `call` (a request) in a transaction that is rolled back; a 500 or an exception is a failure."""
        self.client.force_login(self.user, backend=MODEL_BACKEND)
        self.requests += 1
        try:
            with transaction.atomic():
                response = call()
                transaction.set_rollback(True)
        except Exception as error:  # the test client re-raises what the view raised: that is the 500
            self.failures.append(f"{what}: {type(error).__name__}: {str(error)[:200]}")
            return
        if response.status_code >= 500:
            self.failures.append(f"{what}: {response.status_code}")


def routes():
    for name, rule in MATRIX.items():
        if name not in SKIPPED:
            yield pytest.param(name, id=name)


def allowed_roles(rule):
    """The manager, the appraiser and the unit officer where the route lets them in; else the first role it does."""
    allowed = [role for role in ROLES if rule.expected(role, "own") not in REFUSED]
    return [role for role in allowed if role in ROLES[:3]] or allowed[:1]


def short(value):
    text = repr(value)
    return text if len(text) < 40 else text[:37] + "..."


def fuzz_form(probe, url, form):
    action = form["action"] or url
    if urlsplit(action).netloc or action.startswith(("/accounts/logout", "/i18n/")):
        return
    extra = dict([form["button"]]) if form["button"] else {}
    for field in form["fields"]:
        for value in BAD_TEXT:
            data = {**form["fields"], **extra, field: value}
            what = f"{form['method'].upper()} {action} {field}={short(value)}"
            if form["method"] == "post":
                probe.send(what, lambda: probe.client.post(action, data))
            else:
                probe.send(what, lambda: probe.client.get(action, data))


def fuzz_api(probe, url, schema, world):
    template = re.sub(r"/\d+/", "/{id}/", url)
    operations = schema["paths"].get(template, {})
    for method, operation in operations.items():
        if method == "delete":
            continue
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            for value in BAD_TEXT:
                probe.send(f"{method.upper()} {url}?{parameter['name']}={short(value)}",
                           lambda: probe.client.get(url, {parameter["name"]: value}))
        content = operation.get("requestBody", {}).get("content", {})
        for media, body in content.items():
            properties = _properties(schema, body["schema"])
            for prop in properties:
                for value in BAD_JSON if media == "application/json" else BAD_TEXT:
                    what = f"{method.upper()} {url} {prop}={short(value)}"
                    probe.send(what, _request(probe.client, method, url, media, properties, prop, value, world))
            break  # one media type per operation


def _properties(schema, body_schema):
    if "$ref" in body_schema:
        body_schema = schema["components"]["schemas"][body_schema["$ref"].split("/")[-1]]
    return list(body_schema.get("properties", {}))


def _request(client, method, url, media, properties, prop, value, world):
    def call():
        from scoring.models import LeafScore

        data = {}
        if "version" in properties and prop != "version":
            leaf = re.search(r"/leaves/(\d+)/", url)
            data["version"] = LeafScore.objects.get(pk=leaf.group(1)).version if leaf else 1
        data[prop] = value
        if media == "multipart/form-data":
            data.setdefault("title", "Tài liệu")
            if prop != "file":
                data["file"] = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
            else:
                data["file"] = SimpleUploadedFile("a.pdf", value.encode() if isinstance(value, str) else b"x")
            return client.post(url, data)
        return client.generic(method.upper(), url, json.dumps(data), content_type="application/json")
    return call


@pytest.mark.parametrize("route", list(routes()))
def test_no_field_of_the_route_answers_500_to_hostile_values(client, personas, world, schema, route):
    rule = MATRIX[route]
    url = reverse(route, kwargs=route_kwargs(rule, world))
    failures, sent = [], 0
    for role in allowed_roles(rule):
        probe = Probe(client, personas[role])
        if route.startswith("scoring_api:"):
            fuzz_api(probe, url, schema, world)
        elif rule.method == "get":
            client.force_login(personas[role], backend=MODEL_BACKEND)
            response = client.get(url, rule.data)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                for form in page_forms(response.content.decode()):
                    fuzz_form(probe, url, form)
        else:
            for field in rule.data or {"_": ""}:
                for value in BAD_TEXT:
                    probe.send(f"POST {url} {field}={short(value)}",
                               lambda: client.post(url, {**rule.data, field: value}))
        failures += probe.failures
        sent += probe.requests

    assert not failures, f"{len(failures)} of {sent} requests failed:\n" + "\n".join(failures[:40])
