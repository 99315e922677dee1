"""The results engine's set-based path on PostgreSQL: a year (or a block) computed by the database.

One statement sums the leaf scores and does rules 2-7 (N/A exclusions, parts, caps, Max_total, the clamp, totals,
indices, area indices and their changes, the self-assessed total, "incomplete") for every unit of the run into a
temporary table; Python then grades and ranks those units through scoring.computation (rules 8-9), and one upsert
per block writes them. No leaf and no area crosses into Python: only a handful of numbers per unit.

It gives exactly the rows of the portable path (results.py, leaf sums through scoring.computation), which SQLite
and the one-unit refresh use: tests/scoring/test_services_results_sql.py compares the two on random data.
"""
from django.db import connection
from django.utils import timezone

from .. import computation

RUN_TABLE = "results_run"


def _percent(points, max_points, places):
    """SQL of computation.percent: points / max × 100 rounded half up (ties away from zero, as ROUND_HALF_UP) at
    `places` decimals, NULL when max is 0. An integer division of the exact values, so nothing is rounded twice:
    q = floor((2·|p|·100·10^d + |m|) / (2·|m|)) is |p|·100/|m| rounded half up to an integer at scale 10^d."""
    scale = f"power(10::numeric, {places})"
    return (f"CASE WHEN {max_points} = 0 THEN NULL ELSE round(sign({points}) * sign({max_points}) * "
            f"div(200 * abs({points}) * {scale} + abs({max_points}), 2 * abs({max_points})) / {scale}, {places}) END")


def _clamped(total, max_total):
    return f"CASE WHEN clamp_total THEN LEAST(GREATEST({total}, 0), {max_total}) ELSE {total} END"


# Every unit of the run's cycles (active units of the block, and any unit with a file in the cycle), one row each.
# The steps follow results._unit_result, which follows computation.aggregate_leaves; LEAST ignores a NULL cap.
UNIT_RESULTS = """
CREATE TEMPORARY TABLE {table} ON COMMIT DROP AS
WITH cycles AS (
    SELECT c.id AS cycle_id, c.block_id, c.framework_id, f.version, f.precision, f.bonus_cap, f.penalty_cap,
           f.clamp_total,
           -- A survey is held when any survey leaf of the cycle has a final score; without one, A is rescaled.
           EXISTS (SELECT 1 FROM scoring_leafscore ls JOIN scoring_assessment a ON a.id = ls.assessment_id
                   JOIN scoring_criterion cr ON cr.id = ls.criterion_id
                   WHERE a.cycle_id = c.id AND cr.method = 'survey' AND ls.final_score IS NOT NULL) AS survey_held
    FROM scoring_cycle c JOIN scoring_framework f ON f.id = c.framework_id
    WHERE c.id = ANY(%(cycles)s)
),
members AS (
    SELECT c.cycle_id, u.id AS unit_id FROM cycles c JOIN scoring_unit u ON u.block_id = c.block_id AND u.active
    UNION
    SELECT a.cycle_id, a.unit_id FROM scoring_assessment a WHERE a.cycle_id = ANY(%(cycles)s)
),
-- (area, method) of each framework: leaf count, Σ max points, and its first leaf, which orders the areas.
slots AS (
    SELECT cr.framework_id, cr.area_code AS area, cr.method, COUNT(*) AS leaves, SUM(cr.max_points) AS max_points,
           MIN(ARRAY[cr.position::bigint, cr.id]) AS first
    FROM scoring_criterion cr
    WHERE cr.framework_id IN (SELECT framework_id FROM cycles) AND cr.method <> ''
    GROUP BY cr.framework_id, cr.area_code, cr.method
),
sums AS (
    SELECT a.cycle_id, a.unit_id, cr.area_code AS area, cr.method,
           SUM(ls.final_score) FILTER (WHERE NOT ls.not_applicable) AS points,
           COUNT(ls.final_score) FILTER (WHERE NOT ls.not_applicable) AS scored,
           COUNT(*) FILTER (WHERE ls.not_applicable) AS na,
           SUM(cr.max_points) FILTER (WHERE ls.not_applicable) AS na_max,
           SUM(ls.self_score) FILTER (WHERE NOT ls.self_not_applicable) AS own_points,
           COUNT(ls.self_score) FILTER (WHERE NOT ls.self_not_applicable) AS own_scored,
           COUNT(*) FILTER (WHERE ls.self_not_applicable) AS own_na,
           SUM(cr.max_points) FILTER (WHERE ls.self_not_applicable) AS own_na_max
    FROM scoring_leafscore ls
    JOIN scoring_assessment a ON a.id = ls.assessment_id
    JOIN scoring_criterion cr ON cr.id = ls.criterion_id
    JOIN cycles c ON c.cycle_id = a.cycle_id AND c.framework_id = cr.framework_id
    WHERE cr.method <> ''
    GROUP BY a.cycle_id, a.unit_id, cr.area_code, cr.method
),
-- One row per member and slot. A slot whose leaves are all N/A has an applicable maximum of 0, so maxima need no
-- test; an area needs one, since an area with no applicable leaf has no index (rule 2).
cells AS (
    SELECT m.cycle_id, m.unit_id, s.area, s.method, s.first,
           s.method <> 'survey' OR c.survey_held AS counted,
           s.method IN ('appraised', 'survey') AS scored_method,
           COALESCE(x.points, 0) AS points,
           s.leaves - COALESCE(x.na, 0) AS applicable,
           s.leaves - COALESCE(x.na, 0) - COALESCE(x.scored, 0) AS unscored,
           s.max_points - COALESCE(x.na_max, 0) AS applicable_max,
           -- Survey leaves are never self-scored: the self-assessed total keeps their official points.
           CASE WHEN s.method = 'survey' THEN COALESCE(x.points, 0) ELSE COALESCE(x.own_points, 0) END AS own_points,
           s.max_points - COALESCE(CASE WHEN s.method = 'survey' THEN x.na_max ELSE x.na_max END, 0) AS own_max,
           COALESCE(x.own_scored > 0 OR x.own_na > 0, false) AS self_scored
    FROM members m
    JOIN cycles c ON c.cycle_id = m.cycle_id
    LEFT JOIN slots s ON s.framework_id = c.framework_id
    LEFT JOIN sums x ON x.cycle_id = m.cycle_id AND x.unit_id = m.unit_id AND x.area = s.area
                        AND x.method = s.method
),
parts AS (
    SELECT cycle_id, unit_id,
           COALESCE(SUM(points) FILTER (WHERE counted AND method = 'appraised'), 0) AS appraised,
           COALESCE(SUM(points) FILTER (WHERE counted AND method = 'survey'), 0) AS survey,
           COALESCE(SUM(points) FILTER (WHERE counted AND method = 'bonus'), 0) AS bonus_claimed,
           COALESCE(SUM(points) FILTER (WHERE counted AND method = 'penalty'), 0) AS penalty_claimed,
           COALESCE(SUM(applicable_max) FILTER (WHERE counted AND method = 'appraised'), 0) AS max_appraised,
           COALESCE(SUM(applicable_max) FILTER (WHERE counted AND method = 'survey'), 0) AS max_survey,
           COALESCE(SUM(own_points) FILTER (WHERE counted AND method = 'appraised'), 0) AS own_appraised,
           COALESCE(SUM(own_points) FILTER (WHERE counted AND method = 'bonus'), 0) AS own_bonus_claimed,
           COALESCE(SUM(own_points) FILTER (WHERE counted AND method = 'penalty'), 0) AS own_penalty_claimed,
           COALESCE(SUM(own_max) FILTER (WHERE counted AND scored_method), 0) AS own_max_total,
           -- A leaf without a row or without a final score counts 0 and leaves the result incomplete (rule 3).
           COALESCE(bool_or(unscored > 0) FILTER (WHERE counted AND scored_method), false) AS incomplete,
           COALESCE(bool_or(self_scored), false) AS self_scored
    FROM cells GROUP BY cycle_id, unit_id
),
totals AS (
    SELECT p.*, c.block_id, c.framework_id, c.version, c.precision, c.survey_held, c.clamp_total,
           p.max_appraised + p.max_survey AS max_total,
           LEAST(p.bonus_claimed, c.bonus_cap) AS bonus, LEAST(p.penalty_claimed, c.penalty_cap) AS penalty,
           LEAST(p.own_bonus_claimed, c.bonus_cap) AS own_bonus,
           LEAST(p.own_penalty_claimed, c.penalty_cap) AS own_penalty
    FROM parts p JOIN cycles c ON c.cycle_id = p.cycle_id
),
areas AS (
    SELECT cycle_id, unit_id, area, MIN(first) AS first, SUM(points) AS points, SUM(applicable_max) AS max_points
    FROM cells WHERE counted AND scored_method AND applicable > 0
    GROUP BY cycle_id, unit_id, area
),
previous AS (
    SELECT r.unit_id, r.index, r.rank, r.areas, f.version
    FROM scoring_unitresult r JOIN scoring_framework f ON f.id = r.framework_id
    WHERE r.year = %(previous_year)s AND r.unit_id IN (SELECT unit_id FROM members)
),
previous_areas AS (
    SELECT p.unit_id, e->>'code' AS area, (e->>'index')::numeric AS index
    FROM previous p CROSS JOIN jsonb_array_elements(p.areas) e WHERE e->>'index' IS NOT NULL
),
area_lists AS (
    SELECT a.cycle_id, a.unit_id, MIN(i.index) AS lowest_index,
           jsonb_agg(jsonb_build_object('code', a.area, 'points', round(a.points, 3)::text,
                                        'max', round(a.max_points, 3)::text, 'index', i.index::text,
                                        'change', (i.index - pa.index)::text) ORDER BY a.first) AS areas
    FROM areas a
    JOIN cycles c ON c.cycle_id = a.cycle_id
    CROSS JOIN LATERAL (SELECT {area_index} AS index) i
    LEFT JOIN previous_areas pa ON pa.unit_id = a.unit_id AND pa.area = a.area
    GROUP BY a.cycle_id, a.unit_id
)
SELECT t.cycle_id, t.unit_id, t.block_id, t.framework_id, u."group", u.ranked,
       round(t.appraised, 3) AS appraised, round(t.survey, 3) AS survey, round(t.bonus, 3) AS bonus,
       round(t.penalty, 3) AS penalty, round(s.total, 3) AS total, round(t.max_total, 3) AS max_total,
       i.index, CASE WHEN t.survey_held THEN {survey_index} END AS survey_index,
       CASE WHEN t.self_scored THEN round(s.own_total, 3) END AS self_total,
       CASE WHEN t.self_scored THEN {own_index} END AS self_index,
       p.index AS previous_index, p.rank AS previous_rank, i.index - p.index AS index_change,
       CASE WHEN p.unit_id IS NOT NULL THEN p.version = t.version END AS comparable,
       t.incomplete, COALESCE(l.areas, '[]'::jsonb) AS areas, l.lowest_index
FROM totals t
CROSS JOIN LATERAL (SELECT {total} AS total, {own_total} AS own_total) s
CROSS JOIN LATERAL (SELECT {index} AS index) i
JOIN scoring_unit u ON u.id = t.unit_id
LEFT JOIN area_lists l ON l.cycle_id = t.cycle_id AND l.unit_id = t.unit_id
LEFT JOIN previous p ON p.unit_id = t.unit_id
""".format(
    table=RUN_TABLE,
    area_index=_percent("a.points", "a.max_points", "c.precision"),
    survey_index=_percent("t.survey", "t.max_survey", "t.precision"),
    own_index=_percent("s.own_total", "t.own_max_total", "t.precision"),
    index=_percent("s.total", "t.max_total", "t.precision"),
    total=_clamped("t.appraised + t.survey + t.bonus - t.penalty", "t.max_total"),
    own_total=_clamped("t.own_appraised + t.survey + t.own_bonus - t.own_penalty", "t.own_max_total"),
)

# The row the portable path writes (results.WRITE_COLUMNS), with the grade and rank Python gave.
BLOCK_WRITE = """
INSERT INTO scoring_unitresult (year, unit_id, block_id, framework_id, "group", ranked, appraised, survey, bonus,
    penalty, total, max_total, index, survey_index, self_total, self_index, grade, rank, previous_index,
    previous_rank, index_change, rank_change, comparable, incomplete, areas, computed_at)
SELECT %(year)s, r.unit_id, r.block_id, r.framework_id, r."group", r.ranked, r.appraised, r.survey, r.bonus,
       r.penalty, r.total, r.max_total, r.index, r.survey_index, r.self_total, r.self_index, g.grade, g.rank,
       r.previous_index, r.previous_rank, r.index_change, r.previous_rank - g.rank, r.comparable, r.incomplete,
       r.areas, %(now)s
FROM {table} r JOIN unnest(%(units)s::bigint[], %(grades)s::text[], %(ranks)s::integer[]) AS g(unit_id, grade, rank)
     ON g.unit_id = r.unit_id
WHERE r.cycle_id = %(cycle)s
ORDER BY r.unit_id
ON CONFLICT (year, unit_id) DO UPDATE SET {updates}
""".format(table=RUN_TABLE, updates=", ".join(
    f"{column} = EXCLUDED.{column}" for column in (
        "block_id", "framework_id", '"group"', "ranked", "appraised", "survey", "bonus", "penalty", "total",
        "max_total", "index", "survey_index", "self_total", "self_index", "grade", "rank", "previous_index",
        "previous_rank", "index_change", "rank_change", "comparable", "incomplete", "areas", "computed_at")))


def run_table_fill(*, cycles, year):
    """Computes every unit of these cycles into the run's temporary table (dropped when the transaction ends)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{RUN_TABLE}")  # a second run in the same transaction
        cursor.execute(UNIT_RESULTS, {"cycles": [cycle.pk for cycle in cycles], "previous_year": year - 1})
        cursor.execute(f"CREATE INDEX ON pg_temp.{RUN_TABLE} (cycle_id)")


def run_table_drop():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{RUN_TABLE}")


def run_ranking_inputs():
    """{cycle id: [(unit id, group, ranked, index, lowest area index, survey index, penalty)]}: what grading and
    ranking need, a few numbers per unit."""
    inputs = {}
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT cycle_id, unit_id, "group", ranked, index, lowest_index, survey_index, penalty '
                       f"FROM pg_temp.{RUN_TABLE} ORDER BY cycle_id, unit_id")
        for cycle_id, *row in cursor.fetchall():
            inputs.setdefault(cycle_id, []).append(row)
    return inputs


def block_grades_and_ranks(units, tiers):
    """(unit ids, grades, ranks) of one block's units, graded (rule 8) and ranked (rule 9) by scoring.computation."""
    grades = [computation.grade(index, (lowest,), survey_index, penalty, tiers) or ""
              for _unit, _group, _ranked, index, lowest, survey_index, penalty in units]
    ranks = computation.rank_units(computation.RankEntry(unit, index, ranked, group)
                                   for unit, group, ranked, index, *_rest in units)
    unit_ids = [unit for unit, *_rest in units]
    return unit_ids, grades, [ranks[unit] for unit in unit_ids]


def block_write(*, cycle, unit_ids, grades, ranks):
    """Upserts the block's rows from the run table (by year and unit, so a row keeps its id)."""
    with connection.cursor() as cursor:
        cursor.execute(BLOCK_WRITE, {"year": cycle.year, "cycle": cycle.pk, "units": unit_ids, "grades": grades,
                                     "ranks": ranks, "now": timezone.now()})


def stale_delete(*, year, block_ids):
    """Drops the rows of the scope (the year, or these blocks) that the run did not write; returns how many rows
    the run wrote (one per block and unit)."""
    scope = "" if block_ids is None else " AND s.block_id = ANY(%(blocks)s)"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM scoring_unitresult s WHERE s.year = %(year)s{scope} AND NOT EXISTS "
                       f"(SELECT 1 FROM pg_temp.{RUN_TABLE} r WHERE r.unit_id = s.unit_id "
                       f"AND r.block_id = s.block_id)", {"year": year, "blocks": block_ids})
        cursor.execute(f"SELECT COUNT(*) FROM (SELECT DISTINCT block_id, unit_id FROM pg_temp.{RUN_TABLE}) w")
        return cursor.fetchone()[0]
