"""A small block for the scorecard tests, scored through the import service and computed by the results engine.

Block SO, both years on the same framework edition (comparable), precision 2, tiers A ≥ 90, B ≥ 50, C:

    leaf  method     max   SNV 2025 (self, final)   STC 2025   STP 2025
    1.1   appraised  10    (10, 9) rounds 8 then 9   8          N/A
    1.2   appraised  10    (10, 10)                  8          5
    2.1   appraised  20    (20, 18)                  16         10
    3.1   survey     10    9                         8          5
    9.1   bonus      5     (5, 2)                    —          —
    9.2   penalty    10    —                         —          1

By hand: SNV A 37, X 9, B 2 → 48 / 50 = 96.00 (A), areas 95.00, 90.00, 90.00; STC 40 / 50 = 80.00 (B);
STP 19 / 40 = 47.50 (C; 1.1 is N/A, so its maximum drops out). 2024 shares: SNV 0.8 (80.00, rank 2), STC 0.9
(90.00, rank 1), STP 0.7 (70.00, rank 3); so in 2025 SNV rose one place (+16.00) and STC fell one (−10.00).
Block averages 2025: index 74.50; areas (95 + 80 + 50) / 3 = 75.00, (90 + 80 + 50) / 3 = 73.33, 73.33.
Survey: three responses rate SNV on 3.1 with a weight, a fourth answers "don't know" (not counted).
"""
from datetime import date
from decimal import Decimal

from scoring.models import Evidence, EvidenceFile, LeafScore
from scoring.services.results import results_compute
from tests.conftest import make_block, make_framework, make_unit

from .results_data import import_scores

LEAVES = {"1.1": ("appraised", "10"), "1.2": ("appraised", "10"), "2.1": ("appraised", "20"),
          "3.1": ("survey", "10"), "9.1": ("bonus", "5"), "9.2": ("penalty", "10")}
GRADES = [("A", "90"), ("B", "50"), ("C", "0")]
SHARES_2024 = {"SNV": Decimal("0.8"), "STC": Decimal("0.9"), "STP": Decimal("0.7")}
SCORES_2025 = {
    "SNV": {"1.1": ("10", "9"), "1.2": ("10", "10"), "2.1": ("20", "18"), "3.1": "9", "9.1": ("5", "2")},
    "STC": {"1.1": "8", "1.2": "8", "2.1": "16", "3.1": "8"},
    "STP": {"1.1": ("NA", "NA"), "1.2": "5", "2.1": "10", "3.1": "5", "9.2": "1"},
}


def make_scored_block(own_unit, other_unit):
    """own_unit (SNV) and other_unit (STC) of the personas, plus STP, with results for 2024 and 2025."""
    block = make_block()
    make_unit("STP", "Sở Tư pháp", block=block)
    for year in (2024, 2025):
        make_framework(year=year, block=block, leaves=LEAVES, grades=GRADES)
    import_scores(2024, "SO", {code: {leaf: str(Decimal(maximum) * share)
                                      for leaf, (method, maximum) in LEAVES.items()
                                      if method in ("appraised", "survey")}
                               for code, share in SHARES_2024.items()})
    results_compute(year=2024)
    import_scores(2025, "SO", SCORES_2025)
    _appraisal_rounds(own_unit)
    results_compute(year=2025)
    return block


def _appraisal_rounds(unit):
    """SNV's leaf 1.1 went through both rounds: 8 with a reason, then 9 after its explanation."""
    LeafScore.objects.filter(assessment__unit=unit, assessment__cycle__year=2025, criterion__code="1.1").update(
        appraised_score=Decimal(8), appraisal_reason="Thiếu kế hoạch kiểm tra năm",
        second_score=Decimal(9), second_reason="Đã bổ sung kế hoạch khi giải trình")


def make_evidence(unit, leaf_code="1.2", title="Quyết định ban hành kế hoạch CCHC năm 2025"):
    score = LeafScore.objects.get(assessment__unit=unit, assessment__cycle__year=2025, criterion__code=leaf_code)
    stored = EvidenceFile.objects.create(sha256=f"{unit.pk}-{leaf_code}".ljust(64, "0"), file="evidence/ke-hoach.pdf",
                                         size=10, kind="pdf", original_name="ke-hoach.pdf")
    return Evidence.objects.create(leaf_score=score, file=stored, document_number="12/QĐ-SNV",
                                   issue_date=date(2025, 1, 15), title=title, file_name="ke-hoach.pdf")


def make_survey_answers(unit, other_unit):
    """Three weighted answers and one "don't know" about `unit` on leaf 3.1; one about `other_unit`."""
    from surveys.models import Answer, Option, Question, RespondentGroup, Response, Source, Survey

    survey = Survey.objects.create(code="XHH-2025", name="Điều tra 2025", year=2025)
    group = RespondentGroup.objects.create(survey=survey, code="ND", name="Người dân")
    question = Question.objects.create(survey=survey, group=group, code="C1", text="Hài lòng?", criterion_code="3.1")
    options = {label: Option.objects.create(question=question, label=label, weight=weight, position=position)
               for position, (label, weight) in enumerate((("A", 100), ("B", 60), ("Không biết", None)))}
    answers = [(unit, "A"), (unit, "B"), (unit, "A"), (unit, "Không biết"), (other_unit, "B")]
    for number, (rated, label) in enumerate(answers):
        response = Response.objects.create(survey=survey, group=group, unit=rated, source=Source.PAPER,
                                           respondent_key=f"P{number}", submitted_on=date(2025, 10, 1))
        Answer.objects.create(response=response, question=question, option=options[label])
    return survey
