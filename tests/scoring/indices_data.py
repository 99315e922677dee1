"""Block SO of two years with PAR (engine rows) and DDCI (imported editions), for the unit page and the report.

PAR 2023: SNV 85,00 (2nd, B), STC 90,00 (1st, A). PAR 2024: SNV 92,50 (1st, A), STC 80,00 (2nd, B), SXD 40,00
incomplete (3rd, C). Area 1 ranks: 2023 SNV 2, STC 1; 2024 SNV 1, STC 2, SXD 3.
DDCI 2023: SNV 55,00 (3rd), STC 70,00 (1st), SXD 60,00 (2nd). DDCI 2024: SNV 60,02 (1st), STC 58,00 (2nd), SXD not
rated. Sub-index "Chi phí thời gian": SNV 2023 4,0 (3rd) → 2024 8,0 (1st)."""
from decimal import Decimal

from scoring.excel.indices import IndexRow
from scoring.models import Index, Unit, UnitResult
from scoring.services.indices import edition_import

from tests.conftest import make_block, make_framework

D = Decimal
TIME, OPEN = "Chi phí thời gian", "Tính minh bạch"


def _par(year, unit, block, framework, index, rank, grade, area_one, area_rank, incomplete=False, previous=None):
    zero = D(0)
    UnitResult.objects.create(
        year=year, unit=unit, block=block, framework=framework, appraised=zero, survey=zero, bonus=zero,
        penalty=zero, total=zero, max_total=D(100), index=D(index), grade=grade, rank=rank, incomplete=incomplete,
        # The results run stores each area's rank in the block (rule 9) with the area.
        areas=[{"code": "1", "points": "1", "max": "2", "index": area_one, "change": None, "rank": area_rank}],
        previous_index=D(previous[0]) if previous else None, previous_rank=previous[1] if previous else None,
        index_change=D(index) - D(previous[0]) if previous else None,
        rank_change=previous[1] - rank if previous else None)


def make_indices_province():
    block = make_block("SO")
    units = {code: Unit.objects.get_or_create(code=code, defaults={"name": name, "block": block})[0]
             for code, name in (("SNV", "Sở Nội vụ"), ("STC", "Sở Tài chính"), ("SXD", "Sở Xây dựng"))}
    old, new = make_framework(year=2023, block=block), make_framework(year=2024, block=block)
    _par(2023, units["SNV"], block, old, "85.00", 2, "B", "80.00", 2)
    _par(2023, units["STC"], block, old, "90.00", 1, "A", "95.00", 1)
    _par(2024, units["SNV"], block, new, "92.50", 1, "A", "99.00", 1, previous=("85.00", 2))
    _par(2024, units["STC"], block, new, "80.00", 2, "B", "70.00", 2, previous=("90.00", 1))
    _par(2024, units["SXD"], block, new, "40.00", 3, "C", "10.00", 3, incomplete=True)
    ddci = Index.objects.standard("DDCI")
    rows_2023 = [IndexRow(2, "SNV", D("55.00"), 3, ((TIME, D(4)), (OPEN, D(6)))),
                 IndexRow(3, "STC", D("70.00"), 1, ((TIME, D(7)), (OPEN, D(7)))),
                 IndexRow(4, "SXD", D("60.00"), 2, ((TIME, D(5)), (OPEN, D(8))))]
    rows_2024 = [IndexRow(2, "SNV", D("60.02"), 1, ((TIME, D(8)), (OPEN, D(6)))),
                 IndexRow(3, "STC", D("58.00"), 2, ((TIME, D(6)), (OPEN, D(7)))),
                 IndexRow(4, "SXD", None, None, ((TIME, None), (OPEN, None)))]
    edition_import(index=ddci, year=2023, block=block, rows=rows_2023, version="DDCI-2023")
    edition_import(index=ddci, year=2024, block=block, rows=rows_2024, version="DDCI-2023")
    return block, units
