"""Assessments and leaves to hang evidence on: a cycle per year of the unit's block, one assessment per unit."""
from scoring.models import Assessment, AssessmentStatus, Cycle, Framework, LeafScore
from tests.conftest import make_framework

LEAVES = {"1.1": ("appraised", "2"), "1.2": ("appraised", "3"), "2.1": ("survey", "5")}


def make_assessment(unit, *, year=2024, status=AssessmentStatus.DRAFT, **cycle_fields):
    framework = (Framework.objects.filter(year=year, block=unit.block).first()
                 or make_framework(year=year, block=unit.block, leaves=LEAVES))
    cycle, _ = Cycle.objects.get_or_create(year=year, block=unit.block, defaults={"framework": framework,
                                                                                  **cycle_fields})
    return Assessment.objects.create(cycle=cycle, unit=unit, status=status)


def make_leaf_score(assessment, code="1.1", **fields):
    criterion = assessment.cycle.framework.criteria.get(code=code)
    return LeafScore.objects.create(assessment=assessment, criterion=criterion, **fields)


def set_status(leaf_score, status, **cycle_fields):
    """Moves the leaf's assessment to `status` (and changes its cycle), as the workflow would have."""
    Assessment.objects.filter(pk=leaf_score.assessment_id).update(status=status)
    if cycle_fields:
        Cycle.objects.filter(pk=leaf_score.assessment.cycle_id).update(**cycle_fields)
    return LeafScore.objects.select_related("assessment__cycle", "criterion").get(pk=leaf_score.pk)
