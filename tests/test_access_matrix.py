"""Every route answers each persona as tests/access_matrix.py says, and no route escapes the matrix."""
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from scoring.models import Criterion, Framework, Method

from .access_matrix import ANONYMOUS, LOGIN, MATRIX, ROLES, SIDES, WHOLE_NAMESPACES, Redirect
from .conftest import make_block

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def walk_routes(patterns=None, namespaces=(), prefix=""):
    """Yields (full route name or None, pattern text) for every route the project serves."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from walk_routes(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            yield name, prefix + str(entry.pattern), namespaces


def uncovered_routes():
    missing = []
    for name, pattern, namespaces in walk_routes():
        whole = namespaces and namespaces[0] in WHOLE_NAMESPACES
        if whole and WHOLE_NAMESPACES[namespaces[0]] in MATRIX:
            continue
        if name is None:
            missing.append(f"(unnamed route {pattern!r}: give it a name)")
        elif name not in MATRIX:
            missing.append(name)
    return missing


def test_every_route_of_the_project_has_a_line_in_the_access_matrix():
    missing = uncovered_routes()

    assert not missing, (
        f"Routes without an access rule: {', '.join(missing)}. "
        "Add one line per route to MATRIX in tests/access_matrix.py (the format is at the top of that file)."
    )


def test_the_access_matrix_names_only_routes_that_exist():
    routes = {name for name, _, _ in walk_routes() if name}

    assert not set(MATRIX) - routes


def make_framework(block, year=2024):
    framework = Framework.objects.create(year=year, block=block, code=f"{block.code}-{year}",
                                         name=f"Bộ chỉ số {block.name} {year}", version="876/2022")
    area = Criterion.objects.create(framework=framework, code="1", area_code="1", title="Chỉ đạo, điều hành CCHC",
                                    max_points=Decimal("10"))
    Criterion.objects.create(framework=framework, parent=area, code="1.1", area_code="1", depth=1, position=1,
                             title="Kế hoạch CCHC năm", max_points=Decimal("10"), method=Method.APPRAISED)
    return framework


@pytest.fixture
def route_objects(own_unit, other_unit):
    """The values route kwargs name in the matrix, for a request about the own unit or another unit."""
    framework = make_framework(make_block())
    shared = {"framework": framework.pk, "unknown_token": "khong-co-trong-phien"}
    return {"own": {**shared, "unit": own_unit.pk}, "other": {**shared, "unit": other_unit.pk}}


def cases():
    for route in MATRIX:
        yield pytest.param(route, ANONYMOUS, "own", id=f"{route}-{ANONYMOUS}")
        for role in ROLES:
            for side in SIDES:
                yield pytest.param(route, role, side, id=f"{route}-{role}-{side}")


def assert_outcome(response, expected, url):
    if expected == LOGIN and url.startswith("/api/"):
        assert response.status_code == 401, f"{url}: expected 401, got {response.status_code}"
    elif expected == LOGIN or isinstance(expected, Redirect):
        target = reverse("login") if expected == LOGIN else reverse(expected.route)
        assert response.status_code == 302, f"{url}: expected a redirect to {target}, got {response.status_code}"
        assert urlsplit(response.url).path == target
    else:
        assert response.status_code == expected, f"{url}: expected {expected}, got {response.status_code}"


@pytest.mark.parametrize(("route", "who", "side"), list(cases()))
def test_the_route_answers_each_persona_as_the_access_matrix_says(client, personas, route_objects, route, who, side):
    rule = MATRIX[route]
    if who != ANONYMOUS:
        client.force_login(personas[who], backend=MODEL_BACKEND)
    url = reverse(route, kwargs={name: route_objects[side][value] for name, value in rule.kwargs.items()})

    response = getattr(client, rule.method)(url, rule.data)

    assert_outcome(response, rule.expected(who, side), url)
