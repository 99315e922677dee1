"""The demo province's DDCI for 2024 and 2025 (issue 14): for the departments and the districts, a firms' survey
of ten questions, a few dozen firms per unit answering from a fixed random seed (each unit has a standing of its own
that moves a little between the years), then collection closed and the index computed by the engine; 2024 is
published, 2025 is left computed (provisional). One department gets too few firms in 2025 and is shown not rated.

Skipped for a year whose edition exists, so running it again changes nothing."""
import random
from decimal import Decimal

from django.db import transaction

from scoring.models import Block, EditionSource, Index, IndexEdition, Unit
from scoring.services.indices import edition_publish

from .models import CompetitivenessFramework, Indicator, Option, Question, RespondentGroup, Source, SubIndex, Survey
from .services.competitiveness import competitiveness_close
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
    survey = Survey.objects.create(code=f"DDCI-{year}-{block.code}", year=year,
                                   name=f"Khảo sát doanh nghiệp đánh giá DDCI năm {year} ({block.name})")
    survey.blocks.add(block)
    group = RespondentGroup.objects.create(survey=survey, code="DN", name="Doanh nghiệp", position=1)
    edition = IndexEdition.objects.create(index=ddci, year=year, block=block, source=EditionSource.SURVEY,
                                          version="DDCI-2024", precision=2)
    framework = CompetitivenessFramework.objects.create(edition=edition, survey=survey,
                                                        minimum_answers=MINIMUM_ANSWERS, bounds_years=1)
    number = 0
    for position, (code, name, weight, texts) in enumerate(SUB_INDICES):
        sub = SubIndex.objects.create(framework=framework, code=code, name=name, weight=Decimal(weight),
                                      position=position)
        for place, text in enumerate(texts):
            number += 1
            question = Question.objects.create(survey=survey, group=group, code=f"C{number}", text=text,
                                               position=number)
            Option.objects.bulk_create(Option(question=question, label=label, weight=weight, position=n)
                                       for n, (label, weight) in enumerate(SCALE))
            indicator = Indicator.objects.create(sub_index=sub, code=f"{code}.{place + 1}", name=text,
                                                 position=place)
            indicator.questions.add(question)
    return framework


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
