"""Input that used to answer 500 answers 400 (or the page again) with a message (issue 13, point 5)."""
import re

import pytest
from django.urls import reverse

from scoring import rules
from scoring.models import LeafScore
from tests.scoring.cycle_data import open_rules_cycle, score_of

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
FORTY_DIGITS = "1" * 40


@pytest.fixture
def deduct_leaf(own_unit, other_unit, personas):
    return score_of(open_rules_cycle(), own_unit, "1.5")  # deduct 0.25 per occurrence


def test_the_rules_refuse_a_count_past_the_arithmetics_precision():
    rule = rules.DeductRule(per_occurrence=rules.Decimal("0.25"))

    for count in (rules.Decimal(FORTY_DIGITS), int(FORTY_DIGITS), rules.Decimal("1e999999")):
        with pytest.raises(rules.ScoreError, match="quá lớn"):
            rules.suggested_score(rule, rules.Decimal(2), occurrences=count)


def test_the_rules_refuse_huge_ratio_terms_instead_of_overflowing():
    with pytest.raises(rules.ScoreError, match="quá lớn"):
        rules.suggested_score(rules.ProportionalRule(), rules.Decimal(2), numerator=rules.Decimal("1e999999"),
                              denominator=rules.Decimal("1e999999"))


@pytest.mark.parametrize(("count", "message"), [("1" * 29, "Số lần vi phạm quá lớn"),  # the field takes 30
                                                ("9" * 5000, "tối đa 30 kí tự")])
def test_the_leaf_page_answers_a_count_past_28_digits_with_a_message(client, unit_officer, deduct_leaf, count,
                                                                     message):
    client.force_login(unit_officer, backend=MODEL_BACKEND)
    url = reverse("scoring:leaf_detail", args=[deduct_leaf.pk])
    version = re.search(r'name="version" value="(\d+)"', client.get(url).content.decode()).group(1)

    response = client.post(url, {"version": version, "occurrences": count})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert LeafScore.objects.get(pk=deduct_leaf.pk).self_score is None


def test_the_api_answers_a_count_of_forty_digits_with_400(client, unit_officer, deduct_leaf):
    client.force_login(unit_officer, backend=MODEL_BACKEND)
    version = LeafScore.objects.get(pk=deduct_leaf.pk).version

    response = client.patch(f"/api/v1/leaves/{deduct_leaf.pk}/", {"version": version, "occurrences": FORTY_DIGITS},
                            content_type="application/json")

    assert response.status_code == 400
    assert "quá lớn" in response.content.decode()


@pytest.mark.parametrize("url", ["/api/v1/assessments/?status=%00", "/api/v1/assessments/?cycle=%00",
                                 "/api/v1/results/?year=2025&block=%00", "/api/v1/units/?page=%00",
                                 "/api/v1/assessments/?st%00atus=x"])
def test_a_nul_byte_in_an_api_query_is_a_400_with_a_detail(client, coordinator, url):
    client.force_login(coordinator, backend=MODEL_BACKEND)

    response = client.get(url)

    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize("url", ["/frameworks/?block=%00", "/results/?year=2025&block=%00", "/dashboard/?q=%00",
                                 "/units/?q=a%00b"])
def test_a_nul_byte_in_a_page_query_is_a_400_with_a_message(client, coordinator, url):
    client.force_login(coordinator, backend=MODEL_BACKEND)

    response = client.get(url)

    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_byte_in_a_posted_field_is_the_pages_message(client, unit_officer, own_unit, other_unit):
    """The planner reads its scenario's name from the POST itself, past any form field."""
    from tests.access_matrix import MATRIX  # noqa: F401  (imports the capabilities in order)
    from tests.access_planner import YEAR, objects

    objects(own_unit, other_unit)
    client.force_login(unit_officer, backend=MODEL_BACKEND)

    response = client.post(reverse("scoring:planner_scenario_save", args=[own_unit.pk, YEAR]), {"name": "a\x00b"})

    assert response.status_code in (200, 400)
    assert "Tên kịch bản có ký tự không hợp lệ." in response.content.decode()
