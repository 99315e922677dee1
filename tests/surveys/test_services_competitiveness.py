"""DDCI from firms' answers to ranks (domain.md rule 15): SQL on PostgreSQL, held to the pure module."""
from decimal import Decimal

import pytest

from scoring.models import AuditEntry, EditionState, IndexResult, SubIndexResult
from surveys.models import IndicatorBound
from surveys.services.competitiveness import (
    CollectionClosed, _compute_portable, competitiveness_close, competitiveness_compute,
)

from .competitiveness_data import answer_ddci, make_ddci

D = Decimal
ROWS = [("SNV", "AAA"), ("SNV", "ABA"), ("STC", "CCC"), ("STC", "CDC"), ("SXD", "BBB"), ("SXD", "BBB"),
        ("SXD", "EEE"), ("SYT", "AAA")]


def results(edition):
    return {row.unit.code: (row.rated, row.value, row.rank, row.answers)
            for row in IndexResult.objects.filter(edition=edition).select_related("unit")}


def sub_results(edition):
    return {(row.result.unit.code, row.code): (row.value, row.rank)
            for row in SubIndexResult.objects.filter(result__edition=edition).select_related("result__unit")}


def bounds(framework):
    return {bound.indicator.code: (bound.low, bound.high, bound.year_low, bound.year_high)
            for bound in IndicatorBound.objects.filter(framework=framework).select_related("indicator")}


@pytest.fixture
def ddci(db):
    framework = make_ddci()
    answer_ddci(framework, ROWS)
    return framework


def test_closing_collection_computes_values_ranks_and_stores_the_bounds(ddci):
    counts = competitiveness_close(framework=ddci)
    edition = ddci.edition
    edition.refresh_from_db()
    assert counts == {"units": 4, "rated": 3}
    assert edition.state == EditionState.COMPUTED and edition.computed_at is not None
    assert results(edition) == {
        "SNV": (True, D("100.000"), 1, 2),
        "SXD": (True, D("60.790"), 2, 2),  # time (5.5 + 7.429) / 2 = 6.465; (60 × 6.465 + 40 × 5.5) / 10
        "STC": (True, D("10.000"), 3, 2),
        "SYT": (False, None, None, 1),  # one firm, below the minimum of 2: not rated, not zero
    }
    assert sub_results(edition)[("SXD", "time")] == (D("6.465"), 2)
    assert sub_results(edition)[("SXD", "open")] == (D("5.500"), 2)
    assert ("SYT", "time") not in sub_results(edition)
    assert bounds(ddci) == {"t1": (D(20), D(100), D(20), D(100)), "t2": (D(10), D(80), D(10), D(80)),
                            "o1": (D(20), D(100), D(20), D(100))}
    assert AuditEntry.objects.filter(entity="index_edition", entity_id=edition.pk, new_value="computed").exists()


def test_the_sql_and_the_pure_module_agree(require_postgres, ddci):
    competitiveness_compute(framework=ddci, edition=ddci.edition)
    by_sql = results(ddci.edition), sub_results(ddci.edition), bounds(ddci)
    IndicatorBound.objects.filter(framework=ddci).delete()
    SubIndexResult.objects.filter(result__edition=ddci.edition).delete()
    IndexResult.objects.filter(edition=ddci.edition).delete()
    _compute_portable(ddci, ddci.edition)
    assert (results(ddci.edition), sub_results(ddci.edition), bounds(ddci)) == by_sql


def test_equal_bounds_give_5_5_and_ties_share_a_rank(db):
    framework = make_ddci()
    answer_ddci(framework, [("SNV", "BBB"), ("SNV", "BBB"), ("STC", "BBB"), ("STC", "BBB")])
    competitiveness_close(framework=framework)
    assert results(framework.edition)["SNV"] == (True, D("55.000"), 1, 2)
    assert results(framework.edition)["STC"] == (True, D("55.000"), 1, 2)


def test_bounds_reach_back_over_the_last_years(db):
    earlier = make_ddci(year=2023)
    answer_ddci(earlier, [("SNV", "AAA"), ("SNV", "AAA"), ("STC", "DDD"), ("STC", "DDD")])
    competitiveness_close(framework=earlier)
    framework = make_ddci(year=2024, bounds_years=2)
    answer_ddci(framework, [("SNV", "BBB"), ("SNV", "BBB"), ("STC", "CCC"), ("STC", "CCC")])
    competitiveness_close(framework=framework)
    assert bounds(framework)["t1"] == (D(0), D(100), D(20), D(60))
    # SNV: 1 + 9 × 60 / 100 = 6.4 everywhere → 64; STC: 1 + 9 × 20 / 100 = 2.8 → 28.
    assert results(framework.edition)["SNV"][1:3] == (D("64.000"), 1)
    assert results(framework.edition)["STC"][1:3] == (D("28.000"), 2)


def test_recomputing_replaces_the_rows_and_a_published_edition_is_never_recomputed(require_postgres, ddci):
    competitiveness_close(framework=ddci)
    answer_ddci(ddci, [("SYT", "DDD")])
    competitiveness_close(framework=ddci)
    assert IndexResult.objects.filter(edition=ddci.edition).count() == 4
    # AAA and DDD: t1 = o1 = 50 → 4.375, t2 = 50 → 6.143; (60 × 5.259 + 40 × 4.375) / 10 = 49.054
    assert results(ddci.edition)["SYT"] == (True, D("49.050"), 3, 2)
    ddci.edition.state = EditionState.PUBLISHED
    ddci.edition.save()
    with pytest.raises(CollectionClosed):
        competitiveness_close(framework=ddci)


def test_a_unit_counts_the_fewest_valid_answers_it_has_on_any_question(db):
    framework = make_ddci()
    answer_ddci(framework, [("SNV", "AAA"), ("SNV", "AAE"), ("STC", "BBB"), ("STC", "BBB"), ("SXD", "BBB"),
                            ("SXD", "CC-")])
    competitiveness_close(framework=framework)
    # SNV's second firm did not know about Q3 and SXD's skipped it: each rests on one firm there, below the 2.
    assert results(framework.edition)["SNV"] == (False, None, None, 1)
    assert results(framework.edition)["SXD"] == (False, None, None, 1)
    assert results(framework.edition)["STC"] == (True, D("55.000"), 1, 2)


def test_the_sql_and_the_pure_module_agree_on_many_random_firms(require_postgres, db):
    import random

    rng = random.Random(15)
    units = [f"U{n:02d}" for n in range(12)]
    framework = make_ddci(units=units, minimum_answers=3)
    answer_ddci(framework, [(rng.choice(units), "".join(rng.choice("ABCDE-") for _ in range(3)))
                            for _ in range(80)])
    competitiveness_compute(framework=framework, edition=framework.edition)
    by_sql = results(framework.edition), sub_results(framework.edition), bounds(framework)
    IndicatorBound.objects.filter(framework=framework).delete()
    SubIndexResult.objects.filter(result__edition=framework.edition).delete()
    IndexResult.objects.filter(edition=framework.edition).delete()
    _compute_portable(framework, framework.edition)
    assert (results(framework.edition), sub_results(framework.edition), bounds(framework)) == by_sql
    assert 0 < sum(1 for rated, *_rest in by_sql[0].values() if rated) < len(by_sql[0])
