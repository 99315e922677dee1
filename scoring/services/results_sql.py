"""The results engine's set-based path on PostgreSQL: the database computes each block's units.

Per block, one statement (BLOCK_UNITS) sums the leaf scores and does rules 2-7 and 10 (N/A exclusions, parts, caps,
Max_total, the clamp, totals, indices, area indices, the self-assessed total, "incomplete", last year's index, rank
and area changes) for every unit of the block; Python grades and ranks them through scoring.computation (rules
8-9) from a few numbers per unit; one upsert writes the block. No leaf and no area crosses into Python.

A year-wide run outside a caller's transaction computes blocks ahead on READERS connections of their own while the
run's connection loads and writes the blocks before them (blocks_read_ahead): PostgreSQL uses several cores, as
the floor's parallel query does. The rows travel as COPY text into a temporary table of the run's transaction,
which alone writes: the year is still replaced in one transaction.

The rows are exactly those of the portable path (results_portable.py, scoring.computation's arithmetic), which
SQLite and the one-unit refresh use: tests/scoring/test_services_results_sql.py compares both on random data.
"""
import io
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from itertools import islice

from django import db
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import computation
from . import results_portable as portable

RUN_TABLE = "results_run"
# Connections computing blocks ahead of the run's own (the floor's parallel query has two workers too), and how
# many blocks they may hold ready: memory stays that of a few blocks' rows.
READERS, AHEAD = 2, 4
# For the run's transaction and its readers' sessions: a large block's sums group ~50,000 leaves, more than the
# default 4 MB hold; JIT compiling costs more than it saves on these plans; and the planner, which can't know that
# every leaf score of a block matches a leaf of its framework, expects a few hundred rows where there are
# ~50,000 and sorts them to group them, when hashing costs a quarter less.
TUNING = "SET {scope} work_mem = '64MB'; SET {scope} jit = off; SET {scope} enable_sort = off"


def _percent(points, max_points, signed=True):
    """SQL of computation.percent: points / max × 100 rounded half up (ties away from zero, as ROUND_HALF_UP) at
    the cycle's precision, NULL when max is 0. An integer division of the exact values, so nothing is rounded twice:
    floor((2·|p|·100·10^d + |m|) / (2·|m|)) is |p|·100/|m| · 10^d rounded half up; times 10^-d (c.unit, a numeric
    of d decimals) it has the scale Decimal.quantize gives. `signed=False` for points and maxima that can't be
    negative (areas, the survey part)."""
    if not signed:
        return (f"CASE WHEN {max_points} = 0 THEN NULL "
                f"ELSE div(200 * {points} * c.scale + {max_points}, 2 * {max_points}) * c.unit END")
    return (f"CASE WHEN {max_points} = 0 THEN NULL ELSE sign({points}) * sign({max_points}) * "
            f"div(200 * abs({points}) * c.scale + abs({max_points}), 2 * abs({max_points})) * c.unit END")


def _scale(precision):
    # 10^d and 10^-d as exact numerics (the framework's precision d is 0 to 3, a check constraint).
    return (f"(10 ^ {precision})::numeric AS scale, "
            f"CASE {precision} WHEN 0 THEN 1 WHEN 1 THEN 0.1 WHEN 2 THEN 0.01 ELSE 0.001 END AS unit")


def _clamped(total, max_total):
    return f"CASE WHEN c.clamp_total THEN LEAST(GREATEST({total}, 0), {max_total}) ELSE {total} END"


def _by_method(value, method):
    return f"SUM({value}) FILTER (WHERE method = {method})"


# One block's units (the cycle's roster), one row each. The rules are
# those of results_portable.unit_result (computation.aggregate_leaves made from sums): a leaf N/A counts in neither
# points nor maximum, so a maximum is the framework's minus the N/A leaves' (rule 2); a leaf without a row or a final
# score counts 0 and leaves the result incomplete (rule 3); without a survey held, survey leaves vanish (rule 6);
# LEAST ignores a NULL cap. Zeros are written 0.000 so that points keep 3 decimals in the areas' texts.
BLOCK_UNITS = """
WITH cycle AS (
    SELECT c.id AS cycle_id, c.block_id, c.index_code, c.framework_id, f.version, {scale}, f.bonus_cap, f.penalty_cap, f.clamp_total,
           c.survey_held
    FROM scoring_cycle c JOIN scoring_framework f ON f.id = c.framework_id
    WHERE c.id = %(cycle)s
),
-- The framework's leaves, methods as numbers (1 appraised, 2 survey, 3 bonus, 4 penalty), areas on the "C"
-- collation (compared and grouped as bytes). Leaf scores of any other criterion are left out, as in the portable
-- path.
leaves AS MATERIALIZED (
    SELECT cr.id, cr.area_code COLLATE "C" AS area, cr.max_points, ARRAY[cr.position::bigint, cr.id] AS first,
           CASE cr.method WHEN 'appraised' THEN 1 WHEN 'survey' THEN 2 WHEN 'bonus' THEN 3 ELSE 4 END AS method
    FROM scoring_criterion cr
    WHERE cr.framework_id = %(framework)s AND cr.method IN ('appraised', 'survey', 'bonus', 'penalty')
),
-- The one pass over the block's leaf scores: per file, area and method.
sums AS (
    SELECT ls.assessment_id, l.area, l.method,
           SUM(ls.final_score) FILTER (WHERE NOT ls.not_applicable) AS points,
           COUNT(ls.final_score) FILTER (WHERE NOT ls.not_applicable) AS scored,
           COUNT(*) FILTER (WHERE ls.not_applicable) AS na,
           SUM(l.max_points) FILTER (WHERE ls.not_applicable) AS na_max,
           SUM(ls.self_score) FILTER (WHERE NOT ls.self_not_applicable) AS own_points,
           SUM(l.max_points) FILTER (WHERE ls.self_not_applicable) AS own_na_max,
           bool_or(ls.self_not_applicable OR ls.self_score IS NOT NULL) AS self_scored
    FROM scoring_assessment a
    JOIN scoring_leafscore ls ON ls.assessment_id = a.id
    JOIN leaves l ON l.id = ls.criterion_id
    WHERE a.cycle_id = %(cycle)s
    GROUP BY ls.assessment_id, l.area, l.method
),
-- Each unit of the cycle's roster (rule 13) with its file, if any.
members AS (
    SELECT r.unit_id, a.id AS assessment_id
    FROM scoring_rosterentry r
    LEFT JOIN scoring_assessment a ON a.cycle_id = r.cycle_id AND a.unit_id = r.unit_id
    WHERE r.cycle_id = %(cycle)s
),
-- Per area, its appraised and survey leaves (count, Σ max, first leaf, which orders the areas).
framework_areas AS (
    SELECT area, to_json(area::text)::text AS code_json,
           COUNT(*) FILTER (WHERE method = 1) AS a_leaves,
           COALESCE(SUM(max_points) FILTER (WHERE method = 1), 0.000) AS a_max,
           MIN(first) FILTER (WHERE method = 1) AS a_first,
           COUNT(*) FILTER (WHERE method = 2) AS x_leaves,
           COALESCE(SUM(max_points) FILTER (WHERE method = 2), 0.000) AS x_max,
           MIN(first) FILTER (WHERE method = 2) AS x_first
    FROM leaves WHERE method IN (1, 2) GROUP BY area
),
framework AS (
    SELECT COALESCE(SUM(a_leaves), 0) AS a_leaves, COALESCE(SUM(a_max), 0.000) AS a_max,
           COALESCE(SUM(x_leaves), 0) AS x_leaves, COALESCE(SUM(x_max), 0.000) AS x_max
    FROM framework_areas
),
file_sums AS (
    SELECT assessment_id, {a_points} AS a_points, {x_points} AS x_points, {b_points} AS b_points,
           {p_points} AS p_points, {a_rows} AS a_rows, {x_rows} AS x_rows, {a_na_max} AS a_na_max,
           {x_na_max} AS x_na_max, {a_own} AS a_own, {b_own} AS b_own, {p_own} AS p_own,
           {a_own_na_max} AS a_own_na_max, bool_or(self_scored) AS self_scored
    FROM sums GROUP BY assessment_id
),
area_sums AS (
    SELECT assessment_id, area, {a_points} AS a_points, {x_points} AS x_points, {a_na} AS a_na, {x_na} AS x_na,
           {a_na_max} AS a_na_max, {x_na_max} AS x_na_max
    FROM sums WHERE method IN (1, 2) GROUP BY assessment_id, area
),
-- MATERIALIZED: each expression is computed once per row; inlined, PostgreSQL would repeat it at every reference.
parts AS MATERIALIZED (
    SELECT m.unit_id,
           COALESCE(s.a_points, 0.000) AS appraised,
           CASE WHEN c.survey_held THEN COALESCE(s.x_points, 0.000) ELSE 0.000 END AS survey,
           LEAST(COALESCE(s.b_points, 0.000), c.bonus_cap) AS bonus,
           LEAST(COALESCE(s.p_points, 0.000), c.penalty_cap) AS penalty,
           f.a_max - COALESCE(s.a_na_max, 0.000) AS max_appraised,
           CASE WHEN c.survey_held THEN f.x_max - COALESCE(s.x_na_max, 0.000) ELSE 0.000 END AS max_survey,
           COALESCE(s.a_own, 0.000) AS own_appraised,
           LEAST(COALESCE(s.b_own, 0.000), c.bonus_cap) AS own_bonus,
           LEAST(COALESCE(s.p_own, 0.000), c.penalty_cap) AS own_penalty,
           f.a_max - COALESCE(s.a_own_na_max, 0.000) AS own_max_appraised,
           f.a_leaves - COALESCE(s.a_rows, 0)
               + CASE WHEN c.survey_held THEN f.x_leaves - COALESCE(s.x_rows, 0) ELSE 0 END > 0 AS incomplete,
           COALESCE(s.self_scored, false) AS self_scored
    FROM members m CROSS JOIN cycle c CROSS JOIN framework f
    LEFT JOIN file_sums s ON s.assessment_id = m.assessment_id
),
raw_totals AS MATERIALIZED (
    SELECT t.*, t.max_appraised + t.max_survey AS max_total, t.own_max_appraised + t.max_survey AS own_max_total,
           t.appraised + t.survey + t.bonus - t.penalty AS raw_total,
           t.own_appraised + t.survey + t.own_bonus - t.own_penalty AS own_raw_total
    FROM parts t
),
totals AS MATERIALIZED (
    SELECT t.*, {total} AS total, {own_total} AS own_total FROM raw_totals t CROSS JOIN cycle c
),
indices AS MATERIALIZED (
    SELECT t.*, {index} AS index, CASE WHEN c.survey_held THEN {survey_index} END AS survey_index,
           CASE WHEN t.self_scored THEN {own_index} END AS self_index
    FROM totals t CROSS JOIN cycle c
),
-- Every member's areas: an area is listed when one of its counted slots has an applicable leaf, in the order of
-- the first such slot's first leaf.
area_values AS MATERIALIZED (
    SELECT m.unit_id, fa.area, fa.code_json,
           COALESCE(s.a_points, 0.000) + CASE WHEN c.survey_held THEN COALESCE(s.x_points, 0.000) ELSE 0.000 END
               AS points,
           fa.a_max - COALESCE(s.a_na_max, 0.000)
               + CASE WHEN c.survey_held THEN fa.x_max - COALESCE(s.x_na_max, 0.000) ELSE 0.000 END AS max_points,
           LEAST(CASE WHEN fa.a_leaves - COALESCE(s.a_na, 0) > 0 THEN fa.a_first END,
                 CASE WHEN c.survey_held AND fa.x_leaves - COALESCE(s.x_na, 0) > 0 THEN fa.x_first END) AS first
    FROM members m CROSS JOIN cycle c CROSS JOIN framework_areas fa
    LEFT JOIN area_sums s ON s.assessment_id = m.assessment_id AND s.area = fa.area
),
previous AS (
    SELECT r.unit_id, r.index, r.rank, r.areas, f.version, r.survey_index
    FROM scoring_unitresult r JOIN scoring_framework f ON f.id = r.framework_id
    WHERE r.year = %(previous_year)s AND r.index_code = %(index)s AND r.unit_id IN (SELECT unit_id FROM members)
),
-- results_portable.scope_changed: a unit that absorbed or was split from a unit with a result last year, or that
-- gave part of itself to a unit first on a roster this year.
scope_changed AS (
    SELECT s.to_unit_id AS unit_id FROM scoring_unit_successors s
    WHERE EXISTS (SELECT 1 FROM scoring_unitresult r WHERE r.unit_id = s.from_unit_id AND r.year = %(previous_year)s
                  AND r.index_code = %(index)s)
    UNION
    SELECT s.from_unit_id FROM scoring_unit_successors s
    JOIN scoring_rosterentry re ON re.unit_id = s.to_unit_id
    JOIN scoring_cycle cy ON cy.id = re.cycle_id AND cy.year = %(previous_year)s + 1 AND cy.index_code = %(index)s
    WHERE NOT EXISTS (SELECT 1 FROM scoring_unitresult r WHERE r.unit_id = s.to_unit_id
                      AND r.year = %(previous_year)s AND r.index_code = %(index)s)
),
previous_areas AS (
    SELECT p.unit_id, e.code COLLATE "C" AS area, e.index, e.rank
    FROM previous p CROSS JOIN jsonb_to_recordset(p.areas) AS e(code text, index numeric, rank integer)
    WHERE e.index IS NOT NULL
),
area_indices AS MATERIALIZED (
    SELECT a.*, {area_index} AS index FROM area_values a CROSS JOIN cycle c WHERE a.first IS NOT NULL
),
-- Each area's component index ranked in the block (and group) by rule 9: RANK() is the competition rank (ties
-- share, the next skips), over the ranked units with an index, as computation.rank_areas.
area_ranks AS (
    SELECT a.*, CASE WHEN u.ranked AND a.index IS NOT NULL THEN
               RANK() OVER (PARTITION BY a.area, u."group", u.ranked AND a.index IS NOT NULL ORDER BY a.index DESC)
           END AS rank
    FROM area_indices a JOIN scoring_unit u ON u.id = a.unit_id
),
-- The areas as JSON text, parsed once per unit when written: building jsonb value by value costs several times
-- more. Kept as text until then, so that a reader's COPY moves it as is.
area_lists AS (
    SELECT a.unit_id, MIN(a.index) AS lowest_index,
           ('[' || string_agg('{{"code":' || a.code_json || ',"points":"' || a.points::text
                              || '","max":"' || a.max_points::text || '","index":'
                              || COALESCE('"' || a.index::text || '"', 'null') || ',"change":'
                              || COALESCE('"' || (a.index - pa.index)::text || '"', 'null') || ',"rank":'
                              || COALESCE(a.rank::text, 'null') || ',"rank_change":'
                              || COALESCE((pa.rank - a.rank)::text, 'null') || '}}',
                              ',' ORDER BY a.first) || ']') AS areas
    FROM area_ranks a
    LEFT JOIN previous_areas pa ON pa.unit_id = a.unit_id AND pa.area = a.area
    GROUP BY a.unit_id
)
SELECT c.cycle_id, t.unit_id, c.block_id, c.index_code, c.framework_id, u."group", u.ranked, t.appraised, t.survey, t.bonus,
       t.penalty, t.total, t.max_total, t.index, t.survey_index,
       CASE WHEN t.self_scored THEN t.own_total END AS self_total, t.self_index,
       p.index AS previous_index, p.rank AS previous_rank, t.index - p.index AS index_change,
       -- Not like for like: another methodology edition, a unit whose scope changed, a survey held one year only.
       CASE WHEN p.unit_id IS NOT NULL THEN p.version = c.version AND sc.unit_id IS NULL
                 AND (p.survey_index IS NULL) = (t.survey_index IS NULL) END AS comparable,
       t.incomplete, COALESCE(l.areas, '[]') AS areas, l.lowest_index
FROM indices t
CROSS JOIN cycle c
JOIN scoring_unit u ON u.id = t.unit_id
LEFT JOIN area_lists l ON l.unit_id = t.unit_id
LEFT JOIN previous p ON p.unit_id = t.unit_id
LEFT JOIN (SELECT DISTINCT unit_id FROM scope_changed) sc ON sc.unit_id = t.unit_id
""".format(
    a_points=_by_method("points", 1), x_points=_by_method("points", 2), b_points=_by_method("points", 3),
    p_points=_by_method("points", 4), a_rows=_by_method("scored + na", 1), x_rows=_by_method("scored + na", 2),
    a_na=_by_method("na", 1), x_na=_by_method("na", 2), a_na_max=_by_method("na_max", 1),
    x_na_max=_by_method("na_max", 2), a_own=_by_method("own_points", 1), b_own=_by_method("own_points", 3),
    p_own=_by_method("own_points", 4), a_own_na_max=_by_method("own_na_max", 1),
    scale=_scale("f.precision"),
    area_index=_percent("a.points", "a.max_points", signed=False),
    survey_index=_percent("t.survey", "t.max_survey", signed=False),
    own_index=_percent("t.own_total", "t.own_max_total"),
    index=_percent("t.total", "t.max_total"),
    total=_clamped("t.raw_total", "t.max_total"), own_total=_clamped("t.own_raw_total", "t.own_max_total"),
)
# What grading and ranking need of each unit the block statement computed, a few numbers per unit.
RANKING_INPUTS = 'unit_id, "group", ranked, index, lowest_index, survey_index, penalty'

# The row the portable path writes (results.WRITE_COLUMNS), with the grade and rank Python gave.
BLOCK_WRITE = """
INSERT INTO scoring_unitresult (year, unit_id, index_code, block_id, framework_id, "group", ranked, appraised, survey, bonus,
    penalty, total, max_total, index, survey_index, self_total, self_index, grade, rank, previous_index,
    previous_rank, index_change, rank_change, comparable, incomplete, areas, computed_at)
SELECT %(year)s, r.unit_id, r.index_code, r.block_id, r.framework_id, r."group", r.ranked, r.appraised, r.survey, r.bonus,
       r.penalty, r.total, r.max_total, r.index, r.survey_index, r.self_total, r.self_index, g.grade, g.rank,
       r.previous_index, r.previous_rank, r.index_change, r.previous_rank - g.rank, r.comparable, r.incomplete,
       r.areas::jsonb, %(now)s
-- The grades and ranks come in unit order: picked by position, no join for the planner to misjudge (the run table
-- has no statistics).
FROM (SELECT *, row_number() OVER (ORDER BY unit_id) AS position FROM {table} WHERE cycle_id = %(cycle)s) r
CROSS JOIN LATERAL (SELECT (%(grades)s::text[])[r.position] AS grade, (%(ranks)s::integer[])[r.position] AS rank) g
ORDER BY r.unit_id
ON CONFLICT (year, unit_id, index_code) DO UPDATE SET {updates}
""".format(table=RUN_TABLE, updates=", ".join(
    f"{column} = EXCLUDED.{column}" for column in (
        "block_id", "framework_id", '"group"', "ranked", "appraised", "survey", "bonus", "penalty", "total",
        "max_total", "index", "survey_index", "self_total", "self_index", "grade", "rank", "previous_index",
        "previous_rank", "index_change", "rank_change", "comparable", "incomplete", "areas", "computed_at")))


def blocks_compute(cycles, scope, report, *, read_ahead):
    """The pipeline on PostgreSQL, for the cycles of a run (scope: year, block ids or None, index code or None):
    per block, the database computes the units (BLOCK_UNITS: roster, leaf sums, parts, indices, area ranks) and
    Python grades and ranks them; returns the number of rows written. With `read_ahead`, blocks are computed
    ahead on connections of their own (blocks_read_ahead)."""
    tiers = portable.grade_tiers({cycle.framework_id for cycle in cycles})
    run_table_create()
    with closing(blocks_read_ahead(cycles) if read_ahead else _blocks_here(cycles)) as blocks:
        for number, (cycle, rows) in enumerate(blocks):
            report(number * 100 // len(cycles), _("Khối %(block)s: đang tính") % {"block": cycle.block.code})
            # A block computed ahead is loaded; otherwise it is computed on this connection now.
            units = block_compute(cycle=cycle) if rows is None else block_load(cycle=cycle, rows=rows)
            unit_ids, grades, ranks = block_grades_and_ranks(units, tiers[cycle.framework_id])
            block_write(cycle=cycle, unit_ids=unit_ids, grades=grades, ranks=ranks)
    year, block_ids, index_code = scope
    written = stale_delete(year=year, block_ids=block_ids, index_code=index_code)
    run_table_drop()
    return written


def _blocks_here(cycles):
    yield from ((cycle, None) for cycle in cycles)  # nothing computed ahead




def run_table_create():
    """The run's temporary table (dropped when the transaction ends), with the columns of BLOCK_UNITS."""
    run_table_drop()  # a second run in the same transaction
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {RUN_TABLE} ON COMMIT DROP AS {BLOCK_UNITS} WITH NO DATA",
                       {"cycle": None, "framework": None, "previous_year": None, "index": None})
        # A block's rows in unit order (loading, writing); a unit's rows (the rows the run did not write).
        cursor.execute(f"CREATE INDEX ON pg_temp.{RUN_TABLE} (cycle_id, unit_id)")
        cursor.execute(f"CREATE INDEX ON pg_temp.{RUN_TABLE} (unit_id)")


def run_table_drop():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{RUN_TABLE}")


def _block_params(cycle):
    return {"cycle": cycle.pk, "framework": cycle.framework_id, "previous_year": cycle.year - 1,
            "index": cycle.index_code}


def block_compute(*, cycle):
    """Computes the block's units into the run table; returns what grading and ranking need of them:
    [(unit id, group, ranked, index, lowest area index, survey index, penalty)] by unit id."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO pg_temp.{RUN_TABLE} {BLOCK_UNITS} RETURNING {RANKING_INPUTS}",
                       _block_params(cycle))
        return sorted(cursor.fetchall())


def blocks_read_ahead(cycles):
    """Yields, in order, each cycle with its BLOCK_UNITS rows as COPY text, computed on READERS connections of
    their own while the caller writes the blocks before it: PostgreSQL works on several cores, as the floor's
    parallel query does. Python only moves the bytes. The readers see committed data only: not for a run inside a
    caller's transaction. Close the generator (contextlib.closing) to close the readers."""
    params, local, opened, lock = connection.get_connection_params(), threading.local(), [], threading.Lock()

    def compute(cycle):
        if not hasattr(local, "reader"):
            local.reader = connection.get_new_connection(params)
            with lock:
                opened.append(local.reader)
            local.reader.autocommit = True  # one statement per block, read only
            with local.reader.cursor() as cursor:
                cursor.execute(TUNING.format(scope="SESSION"))
        data = io.BytesIO()
        with _as_django_errors(), local.reader.cursor() as cursor:
            query = cursor.mogrify(BLOCK_UNITS, _block_params(cycle)).decode()
            cursor.copy_expert(f"COPY ({query}) TO STDOUT", data)
        return data.getvalue()

    pool, pending, waiting = ThreadPoolExecutor(max_workers=READERS), deque(), iter(cycles)
    try:
        pending.extend((cycle, pool.submit(compute, cycle)) for cycle in islice(waiting, AHEAD))
        while pending:
            cycle, rows = pending.popleft()
            pending.extend((following, pool.submit(compute, following)) for following in islice(waiting, 1))
            yield cycle, rows.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for reader in opened:
            reader.close()


@contextmanager
def _as_django_errors():
    """A reader's driver errors as Django's (django.db.DataError...), as the run's own connection raises them."""
    try:
        yield
    except connection.Database.Error as error:
        for django_error in (db.DataError, db.OperationalError, db.IntegrityError, db.InternalError,
                             db.ProgrammingError, db.NotSupportedError, db.DatabaseError, db.InterfaceError,
                             db.Error):
            if isinstance(error, getattr(connection.Database, django_error.__name__)):
                raise django_error(*error.args) from error
        raise


def block_load(*, cycle, rows):
    """Loads a block's rows (COPY text of blocks_read_ahead) into the run table; returns what block_compute does."""
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY pg_temp.{RUN_TABLE} FROM STDIN", io.BytesIO(rows))
        cursor.execute(f"SELECT {RANKING_INPUTS} FROM pg_temp.{RUN_TABLE} WHERE cycle_id = %s ORDER BY unit_id",
                       [cycle.pk])
        return cursor.fetchall()


def block_grades_and_ranks(units, tiers):
    """(unit ids, grades, ranks) of one block's units, graded (rule 8) and ranked (rule 9) by scoring.computation."""
    grades = [computation.grade(index, (lowest,), survey_index, penalty, tiers) or ""
              for _unit, _group, _ranked, index, lowest, survey_index, penalty in units]
    ranks = computation.rank_units(computation.RankEntry(unit, index, ranked, group)
                                   for unit, group, ranked, index, *_rest in units)
    unit_ids = [unit for unit, *_rest in units]
    return unit_ids, grades, [ranks[unit] for unit in unit_ids]


def block_write(*, cycle, unit_ids, grades, ranks):
    """Upserts the block's rows from the run table (by year and unit, so a row keeps its id); `grades` and `ranks`
    follow `unit_ids`, which must be every unit of the block in the run table, in increasing order."""
    if list(unit_ids) != sorted(unit_ids):
        raise ValueError("block_write: unit_ids must be in increasing order")
    with connection.cursor() as cursor:
        cursor.execute(BLOCK_WRITE, {"year": cycle.year, "cycle": cycle.pk, "grades": grades, "ranks": ranks,
                                     "now": timezone.now()})
        if cursor.rowcount != len(unit_ids):
            raise RuntimeError(f"block_write: {cursor.rowcount} rows written for {len(unit_ids)} units")


def stale_delete(*, year, block_ids, index_code=None):
    """Drops the rows of the scope (the year, or these blocks; every index, or one) that the run did not write;
    returns how many rows the run wrote (one per block, index and unit)."""
    scope = "" if block_ids is None else " AND s.block_id = ANY(%(blocks)s)"
    scope += "" if index_code is None else " AND s.index_code = %(index)s"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM scoring_unitresult s WHERE s.year = %(year)s{scope} AND NOT EXISTS "
                       f"(SELECT 1 FROM pg_temp.{RUN_TABLE} r WHERE r.unit_id = s.unit_id "
                       f"AND r.block_id = s.block_id AND r.index_code = s.index_code)",
                       {"year": year, "blocks": block_ids, "index": index_code})
        cursor.execute(f"SELECT COUNT(*) FROM (SELECT DISTINCT block_id, index_code, unit_id "
                       f"FROM pg_temp.{RUN_TABLE}) w")
        return cursor.fetchone()[0]


# The component ranks of a block's stored rows re-ranked in one statement, after a one-unit refresh moved a unit's
# areas (a full run ranks them in BLOCK_UNITS): results_portable.block_area_ranks's arithmetic, RANK() being rule
# 9's competition rank.
AREA_RANKS = """
WITH elements AS (
    SELECT r.id, r.unit_id, r."group", r.ranked, e.area, e.position, e.area->>'code' AS code,
           (e.area->>'index')::numeric AS index
    FROM scoring_unitresult r CROSS JOIN LATERAL jsonb_array_elements(r.areas) WITH ORDINALITY AS e(area, position)
    WHERE r.year = %(year)s AND r.block_id = %(block)s AND r.index_code = %(index)s
),
ranked AS (
    SELECT el.*, CASE WHEN el.ranked AND el.index IS NOT NULL THEN
               RANK() OVER (PARTITION BY el.code, el."group", el.ranked AND el.index IS NOT NULL
                            ORDER BY el.index DESC) END AS rank
    FROM elements el
),
previous AS (
    SELECT p.unit_id, e->>'code' AS code, (e->>'rank')::integer AS rank
    FROM scoring_unitresult p CROSS JOIN LATERAL jsonb_array_elements(p.areas) AS e
    WHERE p.year = %(year)s - 1 AND p.index_code = %(index)s AND p.unit_id IN (SELECT unit_id FROM elements)
),
rebuilt AS (
    SELECT r.id, jsonb_agg(r.area || jsonb_build_object('rank', r.rank, 'rank_change', pv.rank - r.rank)
                           ORDER BY r.position) AS areas
    FROM ranked r LEFT JOIN previous pv ON pv.unit_id = r.unit_id AND pv.code = r.code
    GROUP BY r.id
)
UPDATE scoring_unitresult u SET areas = rebuilt.areas FROM rebuilt
WHERE u.id = rebuilt.id AND u.areas IS DISTINCT FROM rebuilt.areas
"""


def block_area_ranks(*, cycle):
    """Re-ranks the components of the block's stored rows (after a refresh)."""
    with connection.cursor() as cursor:
        cursor.execute(AREA_RANKS, {"year": cycle.year, "block": cycle.block_id, "index": cycle.index_code})
