"""A small framework with one leaf of every rule type, and a cycle opened on it, for the cycle's tests."""
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from scoring.models import Criterion, Framework, Index
from scoring.models.indices import PAR
from scoring.services.cycles import cycle_open
from tests.conftest import make_block

# code: (method, max, rule, evidence required)
LEAVES = {
    "1.1": ("appraised", "2", "manual 0.25", False),
    "1.2": ("appraised", "1", "choice Đúng hạn=1; Chậm=0.5; Không ban hành=0", False),
    "1.3": ("appraised", "2", "ratio 100=2; 90=1.5; 70=1; 0=0", False),
    "1.4": ("appraised", "3", "proportional", False),
    "1.5": ("appraised", "1", "deduct 0.25", True),
    "2.1": ("survey", "5", "", False),
    "3.1": ("bonus", "2", "", False),
    "3.2": ("bonus", "2", "", False),
    "3.3": ("penalty", "2", "", False),
}
APPRAISED_LEAVES = [code for code, (method, *_rest) in LEAVES.items() if method == "appraised"]


def make_rules_framework(*, year=2025, block=None, bonus_cap="3", penalty_cap="1.5", revision=1, leaves=None,
                         index_code=PAR):
    block = block or make_block()
    leaves = leaves or LEAVES
    framework = Framework.objects.create(
        index=Index.objects.standard(index_code), year=year, block=block, revision=revision, code=f"KHUNG-{year}",
        name=f"Bộ chỉ số {block.code} {year}" + ("" if index_code == PAR else f" {index_code}"),
        version="876/2022", bonus_cap=Decimal(bonus_cap) if bonus_cap else None,
        penalty_cap=Decimal(penalty_cap) if penalty_cap else None)
    areas = {}
    for position, (code, (method, maximum, rule, evidence)) in enumerate(leaves.items()):
        area = code.split(".")[0]
        if area not in areas:
            areas[area] = Criterion.objects.create(framework=framework, code=area, area_code=area, depth=0,
                                                   position=position * 10, title=f"Lĩnh vực {area}",
                                                   max_points=Decimal(10))
        Criterion.objects.create(framework=framework, parent=areas[area], code=code, area_code=area, depth=1,
                                 position=position * 10 + 1, title=f"Tiêu chí {code}", max_points=Decimal(maximum),
                                 method=method, rule=rule, evidence_required=evidence,
                                 guidance=f"Hướng dẫn chấm {code}")
    return framework


def deadlines(start=None, *, days=30):
    """Four deadlines in order, the first `days` after `start` (today by default)."""
    start = (start or timezone.localdate()) + timedelta(days=days)
    return {"self_assessment_deadline": start, "appraisal_deadline": start + timedelta(days=10),
            "explanation_deadline": start + timedelta(days=20), "final_appraisal_deadline": start + timedelta(days=30)}


def open_rules_cycle(*, user=None, framework=None, **dates):
    framework = framework or make_rules_framework()
    return cycle_open(year=framework.year, block=framework.block, user=user, deadlines={**deadlines(), **dates},
                      index_code=framework.index_code)


def score_of(cycle, unit, code):
    from scoring.models import LeafScore

    return LeafScore.objects.select_related("criterion", "assessment__cycle__framework").get(
        assessment__cycle=cycle, assessment__unit=unit, criterion__code=code)
