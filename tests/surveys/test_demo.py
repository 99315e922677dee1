"""The demo province's completed survey of 2025."""
import pytest

from scoring.demo import seed_demo
from scoring.models import AuditEntry, Criterion, LeafScore, Unit
from surveys.demo import SEED, demo_responses, seed_survey
from surveys.models import Response, SampleTarget, Survey


@pytest.fixture
def seeded(db):
    seed_demo(password="mat-khau-thu-nghiem-2024")
    return seed_survey()


def test_the_demo_survey_rates_every_block_of_2025_with_a_few_hundred_responses(seeded):
    survey = Survey.objects.get(code="XHH-2025")

    assert survey.year == 2025
    assert set(survey.blocks.values_list("code", flat=True)) == {"SO", "HUYEN", "XA"}
    assert 300 <= Response.objects.count() <= 600
    assert set(Response.objects.values_list("group__code", flat=True)) == {
        "DBHDND", "LDSO", "LDHUYEN", "CONGCHUC", "NGUOIDAN", "DOANHNGHIEP"}
    # Active units only: the demo's two former communes, merged into Xã Sơn Hải, take no part in 2025.
    rated = set(Unit.objects.active().values_list("pk", flat=True))
    assert set(Response.objects.values_list("unit", flat=True)) == rated
    assert seeded["phiếu trả lời"] == Response.objects.count()


def test_every_unit_gets_points_for_every_mapped_survey_leaf(seeded):
    leaves = Criterion.objects.filter(framework__year=2025, method="survey", code__startswith="8.")
    scores = LeafScore.objects.filter(criterion__in=leaves)

    assert scores.count() == Unit.objects.active().count() * 5
    assert not scores.filter(final_score=None).exists()
    assert all(score.final_score <= score.criterion.max_points for score in scores.select_related("criterion"))
    assert len(set(scores.values_list("final_score", flat=True))) > 20  # units differ
    assert AuditEntry.objects.filter(source="survey").count() == scores.count()


def test_sample_targets_are_set_for_citizens_and_businesses(seeded):
    assert set(SampleTarget.objects.values_list("group__code", flat=True)) == {"NGUOIDAN", "DOANHNGHIEP"}
    assert SampleTarget.objects.count() == 2 * Unit.objects.active().count()


def test_seeding_again_creates_nothing(seeded):
    responses = Response.objects.count()

    assert seed_survey() == {}
    assert Response.objects.count() == responses


def test_the_responses_are_the_same_on_every_run(seeded):
    import random

    survey = Survey.objects.get()

    assert demo_responses(survey, random.Random(SEED)) == demo_responses(survey, random.Random(SEED))
