"""DDCI end to end on PostgreSQL (issue 14, domain.md rule 15): firms' answers of two years, collection closed,
published, and the unit's page reading values, ranks and their changes, every figure checked by hand.

make_ddci: sub-index "time" (60 %) = t1 (Q1), t2 (Q2); "open" (40 %) = o1 (Q3); A = 100, B = 60, C = 20, D = 0.

2024 (minimum 2 valid answers): SNV AAA ×2 → raw 100 everywhere; STC BBB + DDD → 30; SXD DDD ×2 → 0; SYT one
firm only → not rated. Bounds 0-100: scaled SNV 10, STC 1 + 9·0.3 = 3.7, SXD 1; index = (60·S + 40·S) / 10 →
SNV 100.00, STC 37.00, SXD 10.00; ranks 1, 2, 3.

2025: SNV CCC ×2 → 20; STC AAA ×2 → 100; SXD BBB ×2 → 60; SYT AAA ×2 → 100. Bounds 20-100: scaled SNV 1, STC 10,
SXD 1 + 9·40/80 = 5.5, SYT 10 → index SNV 10.00, STC 100.00, SXD 55.00, SYT 100.00; ranks STC 1, SYT 1 (tie),
SXD 3, SNV 4. Changes: STC +63.00 and up 1 place; SNV −90.00 and down 3; SYT, not rated in 2024, has none."""
from decimal import Decimal

import pytest

from scoring.models import EditionState, IndexResult, Unit
from scoring.selectors.indices import unit_indices
from scoring.services.indices import edition_publish
from surveys.services.competitiveness import CollectionClosed, competitiveness_close

from .competitiveness_data import answer_ddci, make_ddci

pytestmark = pytest.mark.django_db


def figures(edition):
    return {result.unit.code: (result.value, result.rank)
            for result in IndexResult.objects.filter(edition=edition).select_related("unit")}


def test_ddci_from_firms_answers_to_published_ranks_and_changes(require_postgres):
    first = make_ddci(year=2024, minimum_answers=2)
    answer_ddci(first, [("SNV", "AAA"), ("SNV", "AAA"), ("STC", "BBB"), ("STC", "DDD"), ("SXD", "DDD"),
                        ("SXD", "DDD"), ("SYT", "AAA")])
    competitiveness_close(framework=first)
    edition_publish(edition=first.edition)
    assert figures(first.edition) == {"SNV": (Decimal("100.00"), 1), "STC": (Decimal("37.00"), 2),
                                      "SXD": (Decimal("10.00"), 3), "SYT": (None, None)}
    with pytest.raises(CollectionClosed):
        competitiveness_close(framework=first)

    second = make_ddci(year=2025, minimum_answers=2)
    answer_ddci(second, [("SNV", "CCC"), ("SNV", "CCC"), ("STC", "AAA"), ("STC", "AAA"), ("SXD", "BBB"),
                         ("SXD", "BBB"), ("SYT", "AAA"), ("SYT", "AAA")])
    competitiveness_close(framework=second)
    assert figures(second.edition) == {"SNV": (Decimal("10.00"), 4), "STC": (Decimal("100.00"), 1),
                                       "SXD": (Decimal("55.00"), 3), "SYT": (Decimal("100.00"), 1)}
    bounds = {bound.indicator.code: (bound.low, bound.high) for bound in second.bounds.select_related("indicator")}
    assert bounds == {code: (Decimal("20.000"), Decimal("100.000")) for code in ("t1", "t2", "o1")}

    lines = {code: next(line for line in unit_indices(Unit.objects.get(code=code), 2025) if line.code == "DDCI")
             for code in ("SNV", "STC", "SYT")}
    assert (lines["STC"].value_change, lines["STC"].rank_change) == (Decimal("63.00"), 1)
    assert (lines["SNV"].value_change, lines["SNV"].rank_change) == (Decimal("-90.00"), -3)
    assert (lines["SYT"].value_change, lines["SYT"].rank_change) == (None, None)
    assert lines["STC"].provisional
    edition_publish(edition=second.edition)
    second.edition.refresh_from_db()
    assert second.edition.state == EditionState.PUBLISHED
    assert not next(line for line in unit_indices(Unit.objects.get(code="STC"), 2025)
                    if line.code == "DDCI").provisional


def test_the_units_page_names_a_ddci_grade_by_its_label(require_postgres):
    framework = make_ddci(year=2024, minimum_answers=1)
    framework.grades = [{"code": "TOT", "label": "Tốt", "min_index": "60"},
                        {"code": "TB", "label": "Trung bình", "min_index": "0"}]
    framework.save(update_fields=["grades"])
    answer_ddci(framework, [("SNV", "AAA"), ("STC", "DDD")])
    competitiveness_close(framework=framework)
    grades = {code: next(line for line in unit_indices(Unit.objects.get(code=code), 2024)
                         if line.code == "DDCI").grade for code in ("SNV", "STC")}
    assert grades == {"SNV": "Tốt", "STC": "Trung bình"}
