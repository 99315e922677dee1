"""The demo departments' DTI runs like PAR: 2025 appraised by STTTT, computed and published; 2026 open beside PAR
with a few departments self-assessing; seeding again changes nothing."""
import pytest
from django.apps import apps

from scoring.demo import seed_demo
from scoring.demo.dti_years import seed_dti_open, seed_dti_scored
from scoring.models import Assessment, AssessmentStatus, AuditEntry, Cycle, Framework, LeafScore, Unit, UnitResult
from scoring.selectors.status import results_status


@pytest.fixture
def demo(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_demo()
    return seed_dti_scored(), seed_dti_open()


def test_the_departments_dti_2025_is_appraised_by_stttt_computed_and_published(demo):
    scored, _opened = demo
    departments = Unit.objects.active().filter(block__code="SO").count()
    framework = Framework.objects.get(index__code="DTI", year=2025, block__code="SO")
    assert scored == {"đơn vị chấm điểm DTI năm 2025": departments}
    assert set(framework.criteria.exclude(method="").values_list("agency__code", flat=True)) == {"STTTT"}
    results = UnitResult.objects.filter(year=2025, block__code="SO", index_code="DTI")
    assert results.count() == departments and not results.filter(incomplete=True).exists()
    assert not UnitResult.objects.filter(year=2025, index_code="PAR").exists()  # PAR is demo_results' work
    assert results_status(2025, framework.block, "DTI").published
    scores = LeafScore.objects.filter(assessment__cycle__index_code="DTI", assessment__cycle__year=2025)
    assert not scores.filter(final_score=None).exclude(not_applicable=True).exists()
    actors = set(AuditEntry.objects.filter(entity="leaf_score", entity_id__in=scores.values("pk"))
                 .values_list("actor__username", flat=True))
    assert actors == {"thamdinh.stttt"}


def test_the_2026_dti_cycle_is_open_beside_par_with_departments_self_assessing(demo):
    _scored, opened = demo
    cycle = Cycle.objects.get(year=2026, block__code="SO", index_code="DTI")
    assert cycle.is_open and opened == {"hồ sơ kỳ DTI 2026": cycle.assessments.count()}
    statuses = dict(Assessment.objects.filter(cycle=cycle).values_list("unit__code", "status"))
    assert statuses["STTTT"] == statuses["STC"] == AssessmentStatus.SUBMITTED
    assert statuses["SNV"] == AssessmentStatus.DRAFT
    assert LeafScore.objects.filter(assessment__cycle=cycle, assessment__unit__code="SNV",
                                    self_score__isnull=False).exists()


def test_seeding_again_changes_nothing(demo):
    counts = {model._meta.label: model.objects.count() for model in apps.get_models()}
    assert seed_dti_scored() == {} and seed_dti_open() == {}
    assert {model._meta.label: model.objects.count() for model in apps.get_models()} == counts
