"""The demo province's digital transformation index (DTI) for 2024 and 2025, as the province receives it from the
evaluating department: a workbook per year and block with each unit's pillars and total on DTI's 0-1 scale
(0,7024) and its rank as published, brought in through the same import as any consultant's results. 2024 is
published; 2025 is left computed (provisional). The departments' 2025 is appraised instead (demo_dti_years.py).

Skipped for a year and block whose edition exists, so running it again changes nothing."""
import random
from decimal import ROUND_HALF_UP, Decimal

from ..computation import RankEntry, rank_units
from ..excel.indices import IndexRow
from ..models import Block, Index, IndexEdition, Unit
from ..services.indices import edition_import, edition_publish

YEARS = (2024, 2025)
BLOCKS = ("SO", "HUYEN")
PUBLISHED = (2024,)
# The departments' DTI of 2025 is appraised like PAR (scoring/demo/dti_years.py): not imported.
APPRAISED = {(2025, "SO")}
SEED = 1414
PLACES = Decimal("0.0001")
PILLARS = ("Chuyển đổi nhận thức", "Thể chế số", "Hạ tầng và nền tảng số", "Nhân lực số", "An toàn thông tin mạng",
           "Hoạt động chính quyền số")


def seed_indices() -> dict[str, int]:
    dti = Index.objects.standard("DTI")
    created = 0
    for year in YEARS:
        for block in Block.objects.filter(code__in=BLOCKS).order_by("position"):
            if (year, block.code) in APPRAISED or IndexEdition.objects.filter(index=dti, year=year,
                                                                             block=block).exists():
                continue
            units = list(Unit.objects.active().filter(block=block).order_by("code"))
            edition = edition_import(index=dti, year=year, block=block, rows=dti_rows(units, year), version="DTI-2022",
                                     precision=4)
            if year in PUBLISHED:
                edition_publish(edition=edition)
            created += 1
    return {"kỳ DTI": created} if created else {}


def dti_rows(units, year) -> list[IndexRow]:
    rng = random.Random(f"{SEED}-{year}")
    values = {}
    for unit in units:
        standing = random.Random(f"{SEED}-{unit.code}").uniform(0.45, 0.9) + (year - YEARS[0]) * 0.03
        pillars = tuple((name, _ratio(standing + rng.uniform(-0.12, 0.12))) for name in PILLARS)
        total = _ratio(sum(value for _name, value in pillars) / len(pillars))
        values[unit] = (total, pillars)
    ranks = rank_units(RankEntry(unit.pk, total, unit.ranked, unit.group) for unit, (total, _p) in values.items())
    return [IndexRow(n + 2, unit.code, total, ranks[unit.pk], pillars)
            for n, (unit, (total, pillars)) in enumerate(values.items())]


def _ratio(value):
    return min(Decimal(1), max(Decimal(0), Decimal(value))).quantize(PLACES, rounding=ROUND_HALF_UP)
