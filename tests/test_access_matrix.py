"""Every route answers each persona as tests/access_matrix.py says, and no route escapes the matrix."""
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .access_matrix import ANONYMOUS, CAPABILITIES, LOGIN, MATRIX, ROLES, SIDES, WHOLE_NAMESPACES, Redirect
from .conftest import make_framework

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def walk_routes(patterns=None, namespaces=(), prefix=""):
    """Yields (full route name or None, pattern text, namespaces) for every route the project serves."""
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


@pytest.fixture
def route_objects(request, own_unit, other_unit):
    """The values route kwargs name in the matrix, for a request about the own unit or another unit.

    A capability's objects are built only for the routes that need them: its own routes (after the capabilities
    listed before it, which it may build on) and any route whose kwargs name a value not built yet."""
    framework = make_framework(leaves={"1.1": ("appraised", "10")})
    shared = {"framework": framework.pk, "unknown_token": "khong-co-trong-phien", "own_unit_code": own_unit.code,
              **survey_objects(own_unit, other_unit), **result_objects()}
    sides = {"own": {**shared, "unit": own_unit.pk, "unit_code": own_unit.code},
             "other": {**shared, "unit": other_unit.pk, "unit_code": other_unit.code}}
    route = request.node.callspec.params["route"]
    owner = next((n for n, capability in enumerate(CAPABILITIES) if route in capability.MATRIX), -1)
    for n, capability in enumerate(CAPABILITIES):
        if n > owner and not missing_names(MATRIX[route], sides["own"]):
            break
        for side, values in capability.objects(own_unit, other_unit).items():
            sides[side].update(values)
    return sides


def missing_names(rule, objects):
    outcomes = [outcome for outcome in rule.outcomes.values() if isinstance(outcome, Redirect)]
    names = set(rule.kwargs.values()) | {name for outcome in outcomes for name in outcome.kwargs.values()}
    return names - set(objects)


def survey_objects(own_unit, other_unit):
    """A survey rating both units, with a group invited by name (one question, not answered yet) and a group
    answering its public link."""
    from surveys.models import Option, Question, RespondentGroup, Survey

    survey = Survey.objects.create(code="KS-2024", name="Khảo sát 2024", year=2024)
    survey.blocks.add(own_unit.block, other_unit.block)
    invited = RespondentGroup.objects.create(survey=survey, code="CB", name="Cán bộ", identified=True)
    RespondentGroup.objects.create(survey=survey, code="ND", name="Người dân")
    question = Question.objects.create(survey=survey, group=invited, code="C1", text="Ông/bà hài lòng không?")
    Option.objects.create(question=question, label="Có", weight=100)
    return {"survey": survey.pk, "invited_group": invited.pk, "question": question.pk, "survey_code": survey.code}


def result_objects():
    """A results run of 2024 that no persona started, still queued, and a publication of 2024."""
    from scoring.models import Job, Publication

    job = Job.objects.create(kind="compute_results", scope="results:2024:*", params={"year": 2024, "block": None})
    publication = Publication.objects.create(year=2024, version=1, content={"year": 2024, "blocks": []},
                                             sha256="0" * 64)
    return {"job": job.pk, "publication": publication.pk}


def cases():
    for route in MATRIX:
        yield pytest.param(route, ANONYMOUS, "own", id=f"{route}-{ANONYMOUS}")
        for role in ROLES:
            for side in SIDES:
                yield pytest.param(route, role, side, id=f"{route}-{role}-{side}")


def assert_outcome(response, expected, url, objects):
    if expected == LOGIN and url.startswith("/api/"):
        assert response.status_code == 401, f"{url}: expected 401, got {response.status_code}"
    elif expected == LOGIN or isinstance(expected, Redirect):
        target = reverse("login") if expected == LOGIN else reverse(expected.route,
                                                                    kwargs=route_kwargs(expected, objects))
        assert response.status_code == 302, f"{url}: expected a redirect to {target}, got {response.status_code}"
        assert urlsplit(response.url).path == target
    else:
        assert response.status_code == expected, f"{url}: expected {expected}, got {response.status_code}"


def route_kwargs(rule, objects):
    return {name: objects[value] for name, value in rule.kwargs.items()}


@pytest.mark.parametrize(("route", "who", "side"), list(cases()))
def test_the_route_answers_each_persona_as_the_access_matrix_says(client, personas, route_objects, route, who, side):
    rule = MATRIX[route]
    if who != ANONYMOUS:
        client.force_login(personas[who], backend=MODEL_BACKEND)
    url = reverse(route, kwargs=route_kwargs(rule, route_objects[side]))

    response = getattr(client, rule.method)(url, rule.data)

    assert_outcome(response, rule.expected(who, side), url, route_objects[side])
