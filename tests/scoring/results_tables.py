"""Stored results written straight with the ORM, for the tests of what reads them (API, exports, pages,
publications): the engine's arithmetic is tested in test_services_results.py.

Block SO 2025: SNV (own_unit of the personas) first, STC second, STP third, BQL scored but not ranked. The framework
has areas 1 and 2 (indexed) and 9 (bonus only: no index), precision 2 and tiers A ≥ 90, B ≥ 70, C."""
from decimal import Decimal

from scoring.models import Unit, UnitResult
from tests.conftest import make_block, make_framework, make_unit

LEAVES = {"1.1": ("appraised", "10"), "1.2": ("appraised", "10"), "2.1": ("survey", "10"), "9.1": ("bonus", "5")}
GRADES = [("A", "90"), ("B", "70"), ("C", "0")]


def area(code, points, maximum, index, change=None):
    return {"code": code, "points": points, "max": maximum, "index": index, "change": change}


def make_result(unit, framework, **fields):
    """A stored result with plain defaults; `fields` override any of them."""
    values = {
        "year": framework.year, "block": unit.block, "framework": framework, "group": unit.group,
        "ranked": unit.ranked, "appraised": Decimal("15"), "survey": Decimal("5"), "bonus": Decimal("0"),
        "penalty": Decimal("0"), "total": Decimal("20"), "max_total": Decimal("30"), "index": Decimal("66.67"),
        "grade": "C", "rank": None, "areas": [area("1", "15.000", "20.000", "75.00"), area("2", "5", "10", "50.00")],
    }
    return UnitResult.objects.create(unit=unit, **{**values, **fields})


def make_block_results(year=2025):
    """The SO table of `year`: {unit code: UnitResult}."""
    block = make_block("SO")
    framework = make_framework(year=year, block=block, leaves=LEAVES, grades=GRADES)
    units = {code: _unit(code, block) for code in ("SNV", "STC", "STP")}
    units["BQL"] = _unit("BQL", block, ranked=False)
    return {
        "SNV": make_result(
            units["SNV"], framework, appraised=Decimal("18.5"), survey=Decimal("8.25"), bonus=Decimal("1"),
            total=Decimal("27.75"), index=Decimal("92.5"), self_total=Decimal("29.125"), grade="A", rank=1,
            previous_index=Decimal("90.25"), previous_rank=2, index_change=Decimal("2.25"), rank_change=1,
            comparable=True, areas=[area("1", "18.500", "20.000", "92.50", "1.00"),
                                    area("2", "8.250", "10.000", "82.50", None)]),
        "STC": make_result(
            units["STC"], framework, total=Decimal("24"), index=Decimal("80"), grade="B", rank=2,
            previous_index=Decimal("85"), previous_rank=1, index_change=Decimal("-5"), rank_change=-1,
            comparable=False),
        "STP": make_result(units["STP"], framework, total=Decimal("18.143"), index=Decimal("60.48"), grade="C",
                           rank=3, penalty=Decimal("1.857")),
        "BQL": make_result(units["BQL"], framework, total=Decimal("28.5"), index=Decimal("95"), grade="A",
                           rank=None),
    }


def _unit(code, block, ranked=True):
    return Unit.objects.filter(code=code).first() or make_unit(code, block=block, ranked=ranked)
