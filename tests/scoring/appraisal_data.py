"""Files handed in to the appraisal board, written straight with the ORM (the unit's own pages are tested
elsewhere).

Block SO 2025, framework areas: 1 (two leaves appraised by Sở Tư pháp, the personas' appraiser agency), 2 (one
leaf of Sở Tài chính), 3 (survey), 9 (a bonus and a penalty leaf, appraised by the coordinator)."""
from decimal import Decimal

from django.utils import timezone

from scoring.models import Agency, AgencyRound, Assessment, AssessmentStatus, Criterion, Cycle, LeafScore
from tests.conftest import make_agency, make_block, make_framework

LEAVES = {"1.1": ("appraised", "2"), "1.2": ("appraised", "3"), "2.1": ("appraised", "4"), "3.1": ("survey", "5"),
          "9.1": ("bonus", "1"), "9.2": ("penalty", "2")}
S = AssessmentStatus


def make_appraisal_framework(year=2025, block=None):
    block = block or make_block("SO")
    framework = make_framework(year=year, block=block, leaves=LEAVES, bonus_cap=Decimal(1), penalty_cap=Decimal(2))
    Criterion.objects.filter(framework=framework, area_code="1").update(agency=make_agency("STP", "Sở Tư pháp"))
    Criterion.objects.filter(framework=framework, area_code="2").update(agency=make_agency("STC", "Sở Tài chính"))
    Criterion.objects.filter(framework=framework, code="1.2").update(rule="manual 0.25")
    return framework


def make_cycle(year=2025, block=None, *, round_one_done=True, **fields):
    """The cycle; by default every agency has finished round 1 and the explanation round is open, so a question
    goes straight to the unit and the coordinator accepts any leaf (test_services_rounds.py starts before)."""
    framework = make_appraisal_framework(year, block)
    if round_one_done:
        fields.setdefault("explanation_round_opened_at", timezone.now())
    cycle = Cycle.objects.create(year=year, block=framework.block, framework=framework, **fields)
    if round_one_done:
        AgencyRound.objects.bulk_create(AgencyRound(cycle=cycle, agency=agency)
                                        for agency in Agency.objects.filter(code__in=["STP", "STC"]))
    return cycle


def make_file(cycle, unit, status=S.SUBMITTED, scores=None, **fields):
    """A unit's file; `scores` maps leaf codes to LeafScore fields (a Decimal alone is the self-score)."""
    assessment = Assessment.objects.create(cycle=cycle, unit=unit, status=status, **fields)
    for code, values in (scores or {}).items():
        values = {"self_score": values} if not isinstance(values, dict) else values
        LeafScore.objects.create(assessment=assessment, criterion=leaf(cycle, code), **values)
    return assessment


def leaf(cycle, code):
    return Criterion.objects.get(framework=cycle.framework_id, code=code)


def score_of(assessment, code):
    return LeafScore.objects.select_related("assessment__cycle", "criterion").get(
        assessment=assessment, criterion__code=code)


def self_scored(**overrides):
    """Self-scores of every leaf but the survey one: 1.1 = 2, 1.2 = 2.5, 2.1 = 3, bonus 1, penalty 0.5."""
    scores = {"1.1": Decimal("2"), "1.2": Decimal("2.5"), "2.1": Decimal("3"), "9.1": Decimal("1"),
              "9.2": Decimal("0.5")}
    return {**scores, **overrides}
