"""The demo province's DDCI for 2024 and 2025 (issue 14): for the departments and the districts, a firms' survey
of ten questions, a few dozen firms per unit answering from a fixed random seed (each unit has a standing of its own
that moves a little between the years), then collection closed and the index computed by the engine; 2024 is
published, 2025 is left computed (provisional). One department gets too few firms in 2025 and is shown not rated.

Skipped for a year whose edition exists, so running it again changes nothing."""
import random
from decimal import Decimal

from django.db import transaction

from scoring.models import AuditSource, Block, Index, IndexEdition, Unit
from scoring.services.indices import edition_publish

from .competitiveness_workbook import CompetitivenessSpec, GradeLine, IndicatorLine, SubIndexLine
from .models import Source
from .services.competitiveness import competitiveness_close
from .services.competitiveness_setup import competitiveness_import
from .services.design import GroupSpec, OptionSpec, QuestionSpec, SurveySpec, survey_import
from .services.responses import ResponseRow, responses_import

YEARS = (2024, 2025)
BLOCKS = ("SO", "HUYEN")
PUBLISHED = (2024,)
SEED = 1415
MINIMUM_ANSWERS = 20
FIRMS = (24, 40)  # per unit, drawn in this range
FEW_FIRMS = {2025: "BDT"}  # below the minimum that year: not rated
SCALE = (("Rất tốt", 100), ("Tốt", 75), ("Trung bình", 50), ("Kém", 25), ("Rất kém", 0), ("Không biết", None))
# (code, name, weight, questions): questions are the indicators, one each.
SUB_INDICES = (
    ("GNTT", "Gia nhập thị trường", 10, ("Thời gian đăng ký, cấp phép được rút ngắn",)),
    ("MINHBACH", "Tính minh bạch", 15, ("Dễ tiếp cận thông tin, văn bản, quy hoạch",
                                        "Thông tin được công khai trên cổng điện tử")),
    ("THOIGIAN", "Chi phí thời gian", 15, ("Giải quyết thủ tục đúng hẹn", "Số lần phải đi lại được giảm")),
    ("KCT", "Chi phí không chính thức", 15, ("Không phải trả chi phí không chính thức",)),
    ("CANHTRANH", "Cạnh tranh bình đẳng", 10, ("Doanh nghiệp được đối xử bình đẳng",)),
    ("NANGDONG", "Tính năng động của người đứng đầu", 15, ("Lãnh đạo chủ động tháo gỡ vướng mắc",)),
    ("HOTRO", "Hỗ trợ doanh nghiệp", 10, ("Chương trình hỗ trợ doanh nghiệp hiệu quả",)),
    ("THIETCHE", "Thiết chế pháp lý", 10, ("Khiếu nại, phản ánh được giải quyết thỏa đáng",)),
)
# The grades provinces publish DDCI with (code, label, lowest index).
GRADES = (("RT", "Rất tốt", 70), ("TOT", "Tốt", 60), ("KHA", "Khá", 50), ("TB", "Trung bình", 0))


def seed_competitiveness() -> dict[str, int]:
    created = {"kỳ DDCI": 0, "phiếu doanh nghiệp": 0}
    ddci = Index.objects.standard("DDCI")
    for year in YEARS:
        for block in Block.objects.filter(code__in=BLOCKS).order_by("position"):
            if IndexEdition.objects.filter(index=ddci, year=year, block=block).exists():
                continue
            created["phiếu doanh nghiệp"] += _seed_edition(ddci, year, block)
            created["kỳ DDCI"] += 1
    return created if created["kỳ DDCI"] else {}


def _seed_edition(ddci, year, block):
    with transaction.atomic():
        framework = _framework(ddci, year, block)
        units = list(Unit.objects.active().filter(block=block).order_by("code"))
        rows = _responses(framework, units, year, random.Random(f"{SEED}-{year}-{block.code}"))
        responses_import(survey_code=framework.survey.code, rows=rows, source=Source.PAPER)
    competitiveness_close(framework=framework)
    if year in PUBLISHED:
        edition_publish(edition=framework.edition)
    return len(rows)


def _framework(ddci, year, block):
    """The firms' survey and the DDCI framework, brought in as a province brings its own: through the imports of
    the survey design and of the framework workbook."""
    survey_import(spec=ddci_survey_spec(year, block.code, block.name), source=AuditSource.SYSTEM)
    return competitiveness_import(spec=ddci_framework_spec(ddci.code, year, block.code),
                                  source=AuditSource.SYSTEM).framework


def ddci_survey_spec(year, block_code, block_name) -> SurveySpec:
    """The questionnaire: one question per indicator, answered by firms (group DN) on the five-point scale."""
    options = tuple(OptionSpec(label, None if weight is None else Decimal(weight)) for label, weight in SCALE)
    texts = [text for _code, _name, _weight, questions in SUB_INDICES for text in questions]
    return SurveySpec(
        code=f"DDCI-{year}-{block_code}", name=f"Khảo sát doanh nghiệp đánh giá DDCI năm {year} ({block_name})",
        year=year, blocks=(block_code,), groups=(GroupSpec("DN", "Doanh nghiệp"),),
        questions=tuple(QuestionSpec(f"C{number}", "DN", text, options)
                        for number, text in enumerate(texts, start=1)))


def ddci_framework_spec(index, year, block_code) -> CompetitivenessSpec:
    """The DDCI framework: the sub-indices and weights of SUB_INDICES, one indicator per question."""
    subs, indicators, number = [], [], 0
    for row, (code, name, weight, texts) in enumerate(SUB_INDICES, start=2):
        subs.append(SubIndexLine(row, code, name, Decimal(weight)))
        for place, text in enumerate(texts, start=1):
            number += 1
            indicators.append(IndicatorLine(number + 1, code, f"{code}.{place}", text, (f"C{number}",)))
    return CompetitivenessSpec(
        index=index, year=year, block=block_code, survey=f"DDCI-{year}-{block_code}", version="DDCI-2024",
        precision=2, minimum_answers=MINIMUM_ANSWERS, bounds_years=1, sub_indices=tuple(subs),
        indicators=tuple(indicators),
        grades=tuple(GradeLine(row, code, label, Decimal(minimum))
                     for row, (code, label, minimum) in enumerate(GRADES, start=2)))


def _responses(framework, units, year, rng):
    questions = list(framework.survey.questions.order_by("position").values_list("code", flat=True))
    rows = []
    for unit in units:
        standing = random.Random(f"{SEED}-{unit.code}").random() + rng.uniform(-0.1, 0.1)
        firms = 8 if FEW_FIRMS.get(year) == unit.code else rng.randint(*FIRMS)
        for firm in range(firms):
            answers = tuple((code, _answer(rng, standing)) for code in questions)
            rows.append(ResponseRow(f"DN-{unit.code}-{firm + 1:03d}", "DN", unit.code, answers, len(rows) + 2))
    return rows


def _answer(rng, standing):
    if rng.random() < 0.04:
        return "Không biết"
    # A unit of standing 1 mostly hears "Rất tốt", one of standing 0 mostly "Kém".
    pick = min(4, max(0, round(rng.gauss(3.2 - 2.6 * standing, 0.9))))
    return SCALE[pick][0]
