"""The set-based path (results_sql, PostgreSQL) gives exactly the rows of the portable path (scoring.computation).

A seeded generator makes blocks with random frameworks (areas interleaved, survey, bonus and penalty leaves, zero
maxima, caps or none, clamping on or off, precision 0-3, grade tiers with area, survey and penalty conditions, a
methodology change between the years) and random files (missing files and leaf rows, unappraised leaves, N/A on
either side, self-scores, bonus above its cap, penalties past zero, a block without survey); both paths compute
both years and every field of every row is compared.
"""
import random
from decimal import Decimal

import pytest
from django.db import DataError, connection, transaction
from django.forms.models import model_to_dict

from scoring import computation
from scoring.models import Assessment, Criterion, Cycle, GradeTier, LeafScore, RosterEntry, Unit, UnitResult
from scoring.services import results as results_service
from scoring.services import results_sql
from scoring.services.results import results_compute
from scoring.services.results_sql import _percent, _scale
from tests.celery_worker import wait_for
from tests.conftest import make_block, make_framework

D = Decimal
YEARS = (2030, 2031)
METHODS = ("appraised",) * 5 + ("survey",) * 2 + ("bonus", "penalty")
MAXIMA = ("0", "0.5", "1", "2.5", "3.333", "5", "10", "12.125")


def rows(year):
    """Every field of every row of the year but the id and the time, by unit."""
    return {row.unit_id: {field: value for field, value in model_to_dict(row).items()
                          if field not in ("id", "computed_at")}
            for row in UnitResult.objects.filter(year=year)}


def roster(year):
    return set(RosterEntry.objects.filter(cycle__year=year).values_list("unit", flat=True))


def both_paths(monkeypatch, year, block_code=None):
    """(set-based rows, portable rows) of the same run."""
    results_compute(year=year, block_code=block_code)
    set_based = rows(year)
    with monkeypatch.context() as patch:
        patch.setattr(results_service, "SET_BASED_VENDORS", ())
        results_compute(year=year, block_code=block_code)
    return set_based, rows(year)


@pytest.mark.parametrize("seed", range(6))
def test_the_set_based_path_gives_the_rows_of_the_portable_path_on_random_data(require_postgres, monkeypatch,
                                                                                seed):
    rng = random.Random(seed)
    for number in range(4):
        make_random_block(rng, f"K{number}", survey_held=number != 1)
    # A unit moved to another block stays on its old block's rosters: a year's roster never moves (rule 13).
    moved = Unit.objects.filter(block__code="K0", assessments__isnull=False).order_by("pk").first()
    Unit.objects.filter(pk=moved.pk).update(block=Unit.objects.filter(block__code="K3").first().block,
                                            active=True)

    for year in YEARS:
        set_based, portable = both_paths(monkeypatch, year)
        assert set_based == portable
        assert set(set_based) == roster(year)
    # A block-scoped run too, against last year's rows.
    assert both_paths(monkeypatch, YEARS[1], "K2")[0] == rows(YEARS[1])


def test_the_random_data_covers_the_cases_the_paths_must_agree_on(require_postgres):
    for seed in range(10):
        rng = random.Random(seed)
        for number in range(4):
            make_random_block(rng, f"S{seed}K{number}", survey_held=number != 1)
    for year in YEARS:
        results_compute(year=year)

    stored = list(UnitResult.objects.filter(year=YEARS[1]))
    assert {row.incomplete for row in stored} == {True, False}
    assert {row.comparable for row in stored} == {True, False, None}
    assert any(row.self_total is None for row in stored) and any(row.self_total is not None for row in stored)
    assert any(row.survey_index is None for row in stored) and any(row.survey_index is not None for row in stored)
    assert any(row.total == 0 and row.appraised + row.survey > 0 for row in stored)  # a penalty clamped at zero
    assert any(row.total == row.max_total and row.bonus > 0 and row.max_total > 0 for row in stored)
    assert any(row.total < 0 for row in stored)  # no clamp
    assert any(row.rank is None and row.index is not None for row in stored)  # not ranked
    assert len({row.grade for row in stored}) >= 3
    assert any(area["index"] is None for row in stored for area in row.areas)  # an area of zero maximum
    assert any(area["change"] is not None for row in stored for area in row.areas)
    ranks = [(row.block_id, row.group, row.rank) for row in stored if row.rank is not None]
    assert len(ranks) > len(set(ranks))  # ties


def test_the_sql_percent_rounds_half_up_exactly_as_computation_does(require_postgres):
    rng = random.Random(11)
    cases = [(D("1"), D("8"), 2), (D("-1"), D("8"), 2), (D("0.125"), D("1"), 1), (D("-0.125"), D("1"), 1),
             (D("2"), D("3"), 0), (D("1"), D("3"), 3), (D("0"), D("7"), 2), (D("5"), D("0"), 2)]
    cases += [(D(rng.randint(-10**6, 10**6)) / 1000, D(rng.randint(1, 10**6)) / 1000, rng.randint(0, 3))
              for _ in range(2000)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_percent('c.p', 'c.m')} FROM (SELECT p, m, {_scale('d')} FROM "
                       f"unnest(%s::numeric[], %s::numeric[], %s::int[]) AS v(p, m, d)) c",
                       [[p for p, _m, _d in cases], [m for _p, m, _d in cases], [d for _p, _m, d in cases]])
        computed = [value for (value,) in cursor.fetchall()]

    expected = [computation.percent(points, maximum, places) for points, maximum, places in cases]
    assert computed == expected
    # The unsigned form, for points and maxima that can't be negative, on the non-negative cases.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_percent('c.p', 'c.m', signed=False)} FROM (SELECT p, m, {_scale('d')} FROM "
                       f"unnest(%s::numeric[], %s::numeric[], %s::int[]) AS v(p, m, d)) c",
                       [[abs(p) for p, _m, _d in cases], [m for _p, m, _d in cases], [d for _p, _m, d in cases]])
        unsigned = [value for (value,) in cursor.fetchall()]
    assert unsigned == [computation.percent(abs(points), maximum, places) for points, maximum, places in cases]
    assert [str(value) for value in computed[:8]] == ["12.50", "-12.50", "12.5", "-12.5", "67", "33.333", "0.00",
                                                      "None"]


# --- Blocks read ahead on connections of their own -----------------------------------------------------------------


def test_blocks_read_ahead_on_other_connections_give_the_rows_of_the_runs_own_connection(transactional_db,
                                                                                         require_postgres,
                                                                                         monkeypatch):
    rng = random.Random(3)
    for number in range(4):
        make_random_block(rng, f"K{number}", survey_held=number != 1)
    read_ahead = spy(monkeypatch, "blocks_read_ahead")

    for year in YEARS:
        results_compute(year=year)  # outside any transaction: blocks computed ahead by readers
        ahead = rows(year)
        with transaction.atomic():  # inside one, readers couldn't see uncommitted scores: all on this connection
            results_compute(year=year)
        assert rows(year) == ahead
        assert set(ahead) == roster(year)

    assert read_ahead == [4, 4]  # once per year, four blocks each


def test_a_reader_failing_mid_run_leaves_the_previous_results_and_closes_the_readers(transactional_db,
                                                                                     require_postgres,
                                                                                     monkeypatch):
    rng = random.Random(5)
    for number in range(4):
        make_random_block(rng, f"K{number}", survey_held=True)
    results_compute(year=YEARS[0])
    before, sessions = rows(YEARS[0]), database_sessions()
    LeafScore.objects.filter(assessment__cycle__year=YEARS[0]).update(final_score=None)  # a rerun would differ
    third = Cycle.objects.filter(year=YEARS[0]).order_by("block__code")[2]
    # Division by zero for the third block only, in the readers' statement.
    monkeypatch.setattr(results_sql, "BLOCK_UNITS", results_sql.BLOCK_UNITS.replace(
        "WHERE c.id = %(cycle)s", f"WHERE c.id = %(cycle)s AND 1 / (c.id - {third.pk}) <> 0", 1))
    read_ahead = spy(monkeypatch, "blocks_read_ahead")

    with pytest.raises(DataError):
        results_compute(year=YEARS[0])

    assert read_ahead == [4]
    assert rows(YEARS[0]) == before
    assert wait_for(lambda: database_sessions() == sessions, timeout=10)


def spy(monkeypatch, name):
    """Records the number of cycles of each call to results_sql.`name`, which still runs."""
    calls, function = [], getattr(results_sql, name)

    def recorded(cycles):
        calls.append(len(cycles))
        return function(cycles)

    monkeypatch.setattr(results_sql, name, recorded)
    return calls


def database_sessions():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


# --- The generator ---------------------------------------------------------------------------------------------


def make_random_block(rng, code, *, survey_held):
    block = make_block(code, position=len(code) + rng.randint(1, 99))
    units = [Unit.objects.create(code=f"{code}-{n:02d}", name=f"Đơn vị {code}-{n:02d}", block=block,
                                 group=rng.choice(["", "I", "II"]) if rng.random() < 0.5 else "",
                                 ranked=rng.random() > 0.1, active=rng.random() > 0.1)
             for n in range(rng.randint(6, 14))]
    version = "V1"
    for year in YEARS:
        version = version if rng.random() < 0.7 else f"V{year}"
        framework = make_framework(year=year, block=block, version=version, leaves=random_leaves(rng),
                                   grades=[], precision=rng.randint(0, 3), clamp_total=rng.random() < 0.7,
                                   bonus_cap=rng.choice([None, D("1"), D("2.5")]),
                                   penalty_cap=rng.choice([None, D("2"), D("4.75")]))
        make_random_tiers(rng, framework)
        cycle = Cycle.objects.create(year=year, block=block, framework=framework, survey_held=survey_held)
        # A year-1 newcomer has no previous result; a unit that moved in from nowhere keeps being compared.
        filed = [unit for unit in units if rng.random() < (0.85 if unit.active else 0.5)]
        make_random_files(rng, cycle, filed, survey_held)
        # The roster: most files, and some active units without one; a file off the roster counts for nothing.
        RosterEntry.objects.bulk_create(
            RosterEntry(cycle=cycle, unit=unit) for unit in units
            if unit in filed and rng.random() < 0.95 or unit not in filed and unit.active and rng.random() < 0.5)
    # Units that absorbed or were split from another: compared, but not like for like (rules 10, 13).
    for unit, successor in zip(units, units[1:]):
        if rng.random() < 0.15:
            unit.successors.add(successor)


def random_leaves(rng):
    leaves, areas = {}, rng.sample(["1", "2", "3", "9"], rng.randint(1, 4))
    for number in range(rng.randint(3, 9)):
        area = rng.choice(areas)  # areas interleave: the order of the first leaf decides
        leaves[f"{area}.{number}"] = (rng.choice(METHODS), rng.choice(MAXIMA))
    return leaves


def make_random_tiers(rng, framework):
    GradeTier.objects.filter(framework=framework).delete()  # make_framework's default tiers
    minimum = D(100)
    for position, code in enumerate(rng.sample(["XS", "TOT", "KHA", "TB"], rng.randint(0, 4))):
        minimum = max(D(0), minimum - rng.choice([D(5), D(10), D(25)]))
        GradeTier.objects.create(
            framework=framework, code=code, label=code, position=position, min_index=minimum,
            min_area_index=rng.choice([None, None, D(50), D(80)]),
            min_survey_index=rng.choice([None, None, D(60)]), max_penalty=rng.choice([None, None, D(1)]))


def make_random_files(rng, cycle, units, survey_held):
    leaves = list(Criterion.objects.filter(framework=cycle.framework_id).exclude(method=""))
    assessments = Assessment.objects.bulk_create(Assessment(cycle=cycle, unit=unit) for unit in units)
    LeafScore.objects.bulk_create(
        random_leaf_score(rng, assessment, leaf, survey_held)
        for assessment in assessments for leaf in leaves if rng.random() < 0.92)


def random_leaf_score(rng, assessment, leaf, survey_held):
    # Bonus and penalty leaves claim up to twice their maximum: above the cap, and past zero with the clamp.
    ceiling = leaf.max_points * (2 if leaf.method in ("bonus", "penalty") else 1) + D(2) * (
        leaf.method == "penalty")

    def points():
        return (ceiling * D(rng.randint(0, 1000)) / 1000).quantize(D("0.001"))

    final = None if rng.random() < 0.1 or (leaf.method == "survey" and not survey_held) else points()
    self_score = None if rng.random() < (0.9 if leaf.method == "survey" else 0.3) else points()
    return LeafScore(assessment=assessment, criterion=leaf, final_score=final, appraised_score=final,
                     not_applicable=rng.random() < 0.08, self_score=self_score,
                     self_not_applicable=rng.random() < 0.08)
