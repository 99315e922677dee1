"""The pillar step of the results engine (services/results_pillars), hand-checked on tests/scoring/pillars_data."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring.models import Framework, UnitResult
from scoring.services.results import results_compute, results_refresh_units
from tests.conftest import make_block, make_framework, make_unit
from tests.scoring.pillars_data import make_pillar_block, make_pillar_framework
from tests.scoring.results_data import import_scores


@pytest.fixture
def dti(db):
    return make_pillar_block()


def pillars(code, year=2025):
    return {pillar["code"]: pillar for pillar in UnitResult.objects.get(year=year, unit__code=code).pillars}


def test_pillar_points_and_index_leave_out_not_applicable_leaves(dti):
    # U1: CQS 8 + 20 of 30; KTS 5 + 6 of 20 (the bonus is in no pillar).
    assert (pillars("U1")["CQS"]["points"], pillars("U1")["CQS"]["max"], pillars("U1")["CQS"]["index"]) == (
        "28.000", "30.000", "93.33")
    assert (pillars("U1")["KTS"]["points"], pillars("U1")["KTS"]["index"]) == ("11.000", "55.00")
    # U2: 1.1 is N/A, so CQS is 15 of 20; U3: 1.2 is N/A, so KTS is the survey's 5 of 10.
    assert (pillars("U2")["CQS"]["max"], pillars("U2")["CQS"]["index"]) == ("20.000", "75.00")
    assert (pillars("U3")["KTS"]["max"], pillars("U3")["KTS"]["index"]) == ("10.000", "50.00")


def test_pillars_keep_the_frameworks_order_and_the_areas_shape(dti):
    row = UnitResult.objects.get(year=2025, unit__code="U1")
    assert [pillar["code"] for pillar in row.pillars] == ["CQS", "KTS"]
    assert set(row.pillars[0]) == {"code", "points", "max", "index", "rank", "rank_change", "change"}
    assert set(row.pillars[0]) == set(row.areas[0])


def test_each_pillar_is_ranked_in_the_block_with_ties_sharing_a_rank(dti):
    # CQS: U1 and U3 tie at 93.33, U2 75.00 is third; KTS: U2 100, U1 55, U3 50.
    assert [pillars(code)["CQS"]["rank"] for code in ("U1", "U2", "U3")] == [1, 3, 1]
    assert [pillars(code)["KTS"]["rank"] for code in ("U1", "U2", "U3")] == [2, 1, 3]


def test_each_pillar_changes_against_last_years_row_of_the_unit(dti):
    # 2024: U1 100 / 100 (both first), U2 50 / 50 (both second).
    assert (pillars("U1")["CQS"]["change"], pillars("U1")["CQS"]["rank_change"]) == ("-6.67", 0)
    assert (pillars("U1")["KTS"]["change"], pillars("U1")["KTS"]["rank_change"]) == ("-45.00", -1)
    assert (pillars("U2")["CQS"]["change"], pillars("U2")["CQS"]["rank_change"]) == ("25.00", -1)
    assert (pillars("U2")["KTS"]["change"], pillars("U2")["KTS"]["rank_change"]) == ("50.00", 1)
    # A unit without last year's result has no change, not a change from zero.
    assert (pillars("U3")["CQS"]["change"], pillars("U3")["CQS"]["rank_change"]) == (None, None)


def test_a_refresh_recomputes_the_pillars_and_reranks_the_block(dti):
    import_scores(2025, "SO", {"U2": {"1.2": "2"}})
    results_refresh_units(year=2025, unit_ids=[UnitResult.objects.get(year=2025, unit__code="U2").unit_id])

    assert (pillars("U2")["KTS"]["points"], pillars("U2")["KTS"]["index"]) == ("12.000", "60.00")
    assert [pillars(code)["KTS"]["rank"] for code in ("U1", "U2", "U3")] == [2, 1, 3]
    import_scores(2025, "SO", {"U2": {"1.2": "0"}})
    results_refresh_units(year=2025, unit_ids=[UnitResult.objects.get(year=2025, unit__code="U2").unit_id])
    # KTS: U1 55, U3 50, U2 10 / 20 = 50: U2 ties U3 for second.
    assert [pillars(code)["KTS"]["rank"] for code in ("U1", "U2", "U3")] == [1, 2, 2]


def test_a_framework_without_pillars_gets_none_for_one_extra_query(db):
    block = make_block("XA")
    make_framework(year=2025, block=block)
    make_unit("X1", block=block)
    import_scores(2025, "XA", {"X1": {"1.1": "2", "1.2": "3", "2.1": "5"}})
    with CaptureQueriesContext(connection) as queries:
        results_compute(year=2025)

    assert UnitResult.objects.get(unit__code="X1").pillars == []
    assert sum("scoring_pillar" in query["sql"] for query in queries) == 1


def test_pillar_indices_follow_the_frameworks_precision(dti):
    UnitResult.objects.all().delete()
    Framework.objects.update(precision=3)
    results_compute(year=2024)
    results_compute(year=2025)
    assert pillars("U1")["CQS"]["index"] == str(Decimal("93.333"))


def test_a_dti_framework_beside_par_gets_its_pillars_and_its_own_last_year(db):
    block = make_pillar_block("DTI")
    for year in (2024, 2025):  # PAR of the same block and units, without pillars
        make_framework(year=year, block=block)
        import_scores(year, "SO", {"U1": {"1.1": "1", "1.2": "1", "2.1": "1"}})
    results_compute(year=2024)
    results_compute(year=2025)

    dti = UnitResult.objects.get(year=2025, unit__code="U1", index_code="DTI")
    assert UnitResult.objects.get(year=2025, unit__code="U1", index_code="PAR").pillars == []
    assert [(pillar["index"], pillar["change"], pillar["rank_change"]) for pillar in dti.pillars] == [
        ("93.33", "-6.67", 0), ("55.00", "-45.00", -1)]


def test_the_pillar_step_costs_the_same_queries_for_more_units(db):
    counts = []
    for year, units in ((2024, 3), (2025, 40)):
        block = make_block(f"K{year}", position=year)
        make_pillar_framework(year, block)
        for n in range(units):
            make_unit(f"{year}-{n:02d}", block=block)
        import_scores(year, block.code, {f"{year}-{n:02d}": {"1.1": "5", "1.2": "NA", "2.2": str(n % 10)}
                                         for n in range(units)})
        with CaptureQueriesContext(connection) as queries:
            results_compute(year=year)
        counts.append(sum('"scoring_pillar' in query["sql"] or "pillars" in query["sql"] for query in queries))

    assert counts[0] == counts[1] > 0, counts
