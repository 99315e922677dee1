import pytest
from django.db.models import F, Q

from scoring.demo import seed_demo
from scoring.demo.results import demo_score_rows, publish_demo_year, seed_results
from scoring.models import Framework, LeafScore, Publication, Unit, UnitResult


@pytest.fixture
def demo_province(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # nine demo accounts
    seed_demo()


@pytest.fixture
def demo(demo_province):
    return seed_results()


def test_seeding_scores_every_active_unit_plausibly_and_computes_both_years(demo):
    units = Unit.objects.active().count()
    scores = LeafScore.objects.filter(assessment__cycle__year=2025)
    results = UnitResult.objects.filter(year=2025)

    assert demo == {2024: units, 2025: units}
    assert UnitResult.objects.filter(year=2024).count() == results.count() == units
    assert set(results.values_list("block__code", flat=True)) == {"SO", "HUYEN", "XA"}
    assert scores.filter(not_applicable=True).exists()
    assert scores.filter(criterion__method="bonus", final_score__gt=0).exists()
    assert scores.filter(criterion__method="penalty", final_score__gt=0).exists()
    assert scores.filter(self_score__gt=F("final_score")).exists()
    assert not scores.filter(final_score__gt=F("criterion__max_points")).exists()
    assert not results.filter(incomplete=True).exists()  # 2025 is closed, so it can be published (issue 11)
    assert publish_demo_year() == 3 and publish_demo_year() == 0
    assert set(Publication.objects.filter(year=2025).values_list("block__code", flat=True)) == {"SO", "HUYEN", "XA"}
    assert results.filter(index_change__gt=0).exists() and results.filter(index_change__lt=0).exists()
    assert len(set(results.values_list("grade", flat=True))) >= 3
    assert results.filter(unit__code="BQLKCN", rank=None).exists()  # scored, not ranked
    assert not results.filter(Q(index__lt=30) | Q(index__gt=100)).filter(incomplete=False).exists()


def test_seeding_again_changes_nothing(demo):
    before = list(UnitResult.objects.order_by("pk").values())
    scores = LeafScore.objects.count()

    assert seed_results() == {2024: 0, 2025: 0}
    assert LeafScore.objects.count() == scores
    assert list(UnitResult.objects.order_by("pk").values()) == before


def test_a_units_scores_are_the_same_every_time_whoever_else_is_scored(demo_province):
    framework = Framework.objects.get(year=2025, block__code="XA")

    def scores_of(unit_code, unit_codes):
        return [(row.criterion_code, row.self_score, row.final_score)
                for row in demo_score_rows(framework, unit_codes) if row.unit_code == unit_code]

    assert scores_of("XA-002", ["XA-001", "XA-002"]) == scores_of("XA-002", ["XA-002"])
    assert scores_of("XA-001", ["XA-001"]) != scores_of("XA-002", ["XA-002"])
