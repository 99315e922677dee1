"""The results engine's portable path: leaf sums read per block, the arithmetic in Python (scoring.computation).

SQLite computes every run this way, and every database refreshes one unit this way. Per block, one SQL query sums
each unit's leaf scores by area and method (a GROUP BY read through a plain cursor, so no Django converter runs
per value); scoring.computation turns the sums into totals, indices, grades, ranks and yearly changes; the rows
are written by one upsert reading them from arrays (unnest; a VALUES list on SQLite), so a row keeps its id.
PostgreSQL computes full runs set-based instead (results_sql.py), to the same rows.
"""
import json
from dataclasses import dataclass
from decimal import Context, Decimal
from itertools import groupby
from operator import itemgetter

from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import computation
from ..computation import APPRAISED, BONUS, PENALTY, SCORED_METHODS, SURVEY, ZERO, RankEntry, ScoringRules
from ..models import Criterion, GradeTier, RosterEntry, Unit, UnitResult

BATCH = 500
# The columns a run writes, in the order of the engine's row tuples; all but the key (year, unit, index) are
# replaced on conflict.
WRITE_COLUMNS = (
    ("year", "integer"), ("unit_id", "bigint"), ("index_code", "text"), ("block_id", "bigint"), ("framework_id", "bigint"),
    ("group", "text"), ("ranked", "boolean"), ("appraised", "numeric"), ("survey", "numeric"),
    ("bonus", "numeric"), ("penalty", "numeric"), ("total", "numeric"), ("max_total", "numeric"),
    ("index", "numeric"), ("survey_index", "numeric"), ("self_total", "numeric"), ("self_index", "numeric"),
    ("grade", "text"), ("rank", "integer"), ("previous_index", "numeric"), ("previous_rank", "integer"),
    ("index_change", "numeric"), ("rank_change", "integer"), ("comparable", "boolean"),
    ("incomplete", "boolean"), ("areas", "jsonb"), ("computed_at", "timestamptz"),
)


# --- The pipeline, block by block ------------------------------------------------------------------------------


def roster_members(cycles, unit_ids=None):
    """{cycle id: {unit id: (group, ranked)}}: the cycle's roster (rule 13), and nothing else; a member without a
    file shows as incomplete."""
    members = {cycle.pk: {} for cycle in cycles}
    roster = RosterEntry.objects.filter(cycle__in=members)
    if unit_ids is not None:
        roster = roster.filter(unit__in=unit_ids)
    for cycle_id, pk, group, ranked in roster.order_by().values_list("cycle_id", "unit_id", "unit__group",
                                                                     "unit__ranked"):
        members[cycle_id][pk] = (group, ranked)
    return members


def blocks_compute(cycles, scope, report):
    """The pipeline elsewhere (SQLite), for the cycles of a run (scope: year, block ids or None, index code or
    None), one block at a time: roster, leaf sums per area (SQL), parts, index, grade, rank (Python), rows, then
    the areas' ranks; returns the number of rows written."""
    members, shapes = roster_members(cycles), framework_shapes(cycles)
    year, block_ids, _index_code = scope
    # Last year's results of the units in scope, read once per index: a year-wide run reads the whole year.
    previous = {code: previous_results(year - 1, code, None if block_ids is None else
                                                {pk for cycle in cycles for pk in members[cycle.pk]})
                for code in {cycle.index_code for cycle in cycles}}
    written = set()
    for number, cycle in enumerate(cycles):
        report(number * 100 // len(cycles), _("Khối %(block)s: đang tính") % {"block": cycle.block.code})
        shape = shapes[cycle.pk]
        units = unit_results(cycle, shape)
        rows, _ranks = block_rows(cycle, shape, members[cycle.pk], units, previous[cycle.index_code])
        rows_upsert(rows)
        written.update((cycle.block_id, cycle.index_code, unit_id) for unit_id in members[cycle.pk])
    _stale_delete(scope, written)
    for cycle in cycles:
        block_area_ranks(cycle=cycle)
    return len(written)


def block_refresh(cycle, unit_ids, area_ranks):
    """Recomputes these units' rows of the cycle on every database and re-ranks the block: the others keep their
    stored index; `area_ranks` re-ranks the components (results_sql's in one statement where it can run)."""
    stored = UnitResult.objects.filter(year=cycle.year, block=cycle.block_id, index_code=cycle.index_code)
    if not stored.exists():
        return
    members = roster_members([cycle], unit_ids)[cycle.pk]
    stored.filter(unit__in=unit_ids).exclude(unit__in=members).delete()  # units taken off the roster
    others = list(stored.exclude(unit__in=unit_ids).order_by().values_list(
        "pk", "unit_id", "index", "ranked", "group", "rank", "previous_rank", "rank_change"))
    # The other units are ranked on their stored index: their scores did not change.
    fixed = [RankEntry(unit_id, index, ranked, group) for _pk, unit_id, index, ranked, group, *_rest in others]
    shape = framework_shape(cycle)
    results = unit_results(cycle, shape, sorted(members)) if members else {}
    rows, ranks = block_rows(cycle, shape, members, results,
                             previous_results(cycle.year - 1, cycle.index_code, members), fixed)
    rows_upsert(rows)
    _update_ranks(others, ranks)
    area_ranks(cycle=cycle)


def _stale_delete(scope, written):
    """Drops the rows of the scope (the year, or these blocks; every index, or one) that the run did not write."""
    year, block_ids, index_code = scope
    stored = UnitResult.objects.filter(year=year)
    if block_ids is not None:
        stored = stored.filter(block__in=block_ids)
    if index_code:
        stored = stored.filter(index_code=index_code)
    stale = [pk for pk, *key in stored.order_by().values_list("pk", "block_id", "index_code", "unit_id")
             if tuple(key) not in written]
    for start in range(0, len(stale), BATCH):
        UnitResult.objects.filter(pk__in=stale[start:start + BATCH]).delete()


def _update_ranks(others, ranks):
    """Other units of the block keep their row; only a rank that moved is written."""
    now, changed = timezone.now(), []
    for pk, unit_id, _index, _ranked, _group, rank, previous_rank, rank_change in others:
        new_rank = ranks[unit_id]
        new_change = None if new_rank is None or previous_rank is None else previous_rank - new_rank
        if (new_rank, new_change) != (rank, rank_change):
            changed.append(UnitResult(pk=pk, rank=new_rank, rank_change=new_change, computed_at=now))
    UnitResult.objects.bulk_update(changed, ["rank", "rank_change", "computed_at"], batch_size=BATCH)


# --- Framework shapes ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameworkShape:
    """What the engine needs of a framework: leaf counts and maxima per (area, method), in framework order."""

    leaves: dict  # (area_code, method) -> (leaf count, Σ max points)
    rules: ScoringRules
    # (area, method, leaf count, Σ max points) of the counted leaves: without a survey, survey leaves vanish and A
    # is rescaled to 100 (rule 6).
    slots: tuple


def framework_shape(cycle):
    return framework_shapes([cycle])[cycle.pk]


def framework_shapes(cycles):
    """{cycle id: FrameworkShape}, with whether the cycle holds a survey, in two queries whatever the number of
    cycles."""
    frameworks = {cycle.framework_id for cycle in cycles}
    leaves, tiers = {pk: {} for pk in frameworks}, grade_tiers(frameworks)
    # Position then id: the order results_sql gives the areas too, even where two leaves share a position.
    for framework_id, area, method, max_points in (
            Criterion.objects.filter(framework__in=frameworks).exclude(method="")
            .order_by("framework", "position", "pk").values_list("framework_id", "area_code", "method", "max_points")):
        count, total = leaves[framework_id].get((area, method), (0, ZERO))
        leaves[framework_id][(area, method)] = (count + 1, total + max_points)
    return {cycle.pk: _shape(leaves[cycle.framework_id], _rules(cycle.framework, tiers[cycle.framework_id],
                                                               survey_held=cycle.survey_held))
            for cycle in cycles}


def grade_tiers(framework_ids):
    """{framework id: (computation.GradeTier, ...) top tier first}, in one query."""
    tiers = {pk: [] for pk in framework_ids}
    for framework_id, *values in GradeTier.objects.filter(framework__in=tiers).order_by(
            "framework", "position").values_list("framework_id", "code", "min_index", "min_area_index",
                                                 "min_survey_index", "max_penalty"):
        tiers[framework_id].append(computation.GradeTier(*values))
    return {pk: tuple(framework_tiers) for pk, framework_tiers in tiers.items()}


def _shape(leaves, rules):
    slots = tuple((area, method, count, max_points) for (area, method), (count, max_points) in leaves.items()
                  if method != SURVEY or rules.survey_held)
    return FrameworkShape(leaves, rules, slots)


def _rules(framework, tiers, survey_held):
    return ScoringRules(precision=framework.precision, bonus_cap=framework.bonus_cap,
                        penalty_cap=framework.penalty_cap, clamp_total=framework.clamp_total, grades=tiers,
                        survey_held=survey_held)


# --- Leaf sums -------------------------------------------------------------------------------------------------

# (unit, area, method) then the official side's points, scored leaves, N/A leaves and N/A maximum, then the same
# four as the unit self-scored them.
LEAF_SUMS = """
SELECT a.unit_id, cr.area_code, cr.method,
       SUM(ls.final_score) FILTER (WHERE NOT ls.not_applicable),
       COUNT(ls.final_score) FILTER (WHERE NOT ls.not_applicable),
       COUNT(*) FILTER (WHERE ls.not_applicable),
       SUM(cr.max_points) FILTER (WHERE ls.not_applicable),
       SUM(ls.self_score) FILTER (WHERE NOT ls.self_not_applicable),
       COUNT(ls.self_score) FILTER (WHERE NOT ls.self_not_applicable),
       COUNT(*) FILTER (WHERE ls.self_not_applicable),
       SUM(cr.max_points) FILTER (WHERE ls.self_not_applicable)
FROM scoring_leafscore ls
JOIN scoring_assessment a ON a.id = ls.assessment_id
JOIN scoring_criterion cr ON cr.id = ls.criterion_id
WHERE a.cycle_id = %s AND cr.framework_id = %s AND cr.method <> ''{units}
GROUP BY a.unit_id, cr.area_code, cr.method
ORDER BY a.unit_id
"""


def _leaf_sums(cycle, unit_ids=None):
    """LEAF_SUMS rows of the cycle's files (of these units only, if given), by unit: the one query that reads leaf
    scores. A block's rows are a few thousand: they are read whole."""
    units = "" if unit_ids is None else f" AND a.unit_id IN ({', '.join(['%s'] * len(unit_ids))})"
    with connection.cursor() as cursor:
        cursor.execute(LEAF_SUMS.format(units=units), [cycle.pk, cycle.framework_id, *(unit_ids or ())])
        rows = cursor.fetchall()
    return rows if connection.vendor == "postgresql" else [_decimal_sums(row) for row in rows]


# SQLite sums decimals as floats; Django reads an aggregate's float back through this context, and so does the
# engine, so that its sums are those the ORM would give.
_from_float = Context(prec=15).create_decimal_from_float
DECIMAL_SUMS = (3, 6, 7, 10)


def _decimal_sums(row):
    row = list(row)
    for position in DECIMAL_SUMS:
        if row[position] is not None:
            row[position] = _from_float(row[position])
    return row


def unit_results(cycle, shape, unit_ids=None):
    """{unit id: (official computation.UnitResult, self-assessed (total, index) or None)} of the units with leaf
    scores in the cycle (of these units only, if given)."""
    return {unit_id: unit_result(shape, {(area, method): sums for _u, area, method, *sums in unit_rows})
            for unit_id, unit_rows in groupby(_leaf_sums(cycle, unit_ids), key=itemgetter(0))}


NO_SCORES = (None, 0, 0, None, None, 0, 0, None)


def unit_result(shape, sums):
    """(official computation.UnitResult, self-assessed (total, index) or None) of one unit, from its LEAF_SUMS by
    (area, method): the sums aggregate_leaves makes leaf by leaf (rules 2-4), made from per-area SQL sums.

    The self-assessed total replaces appraised, bonus and penalty scores with self-scores; survey leaves are never
    self-scored and keep their official points. Only its total and index are kept."""
    points, own_points = dict.fromkeys((APPRAISED, SURVEY, BONUS, PENALTY), ZERO), {}
    maxima, own_maxima = {APPRAISED: ZERO, SURVEY: ZERO}, {APPRAISED: ZERO, SURVEY: ZERO}
    own_points.update(points)
    areas, incomplete = {}, False
    for area, method, count, max_points in shape.slots:
        scored_points, scored, na_count, na_max, *own = sums.get((area, method), NO_SCORES)
        scored_points = scored_points or ZERO
        points[method] += scored_points
        if method == SURVEY:
            own_scored, own_na_count, own_na_max = scored_points, na_count, na_max
        else:
            own_scored, _own_count, own_na_count, own_na_max = own
            own_scored = own_scored or ZERO
        own_points[method] += own_scored
        if method not in SCORED_METHODS:
            continue
        # An area whose leaves are all N/A for this unit has no index; bonus and penalty are never area points.
        if count - na_count:
            applicable_max = max_points - (na_max or ZERO)
            maxima[method] += applicable_max
            area_points, area_max = areas.get(area, (ZERO, ZERO))
            areas[area] = (area_points + scored_points, area_max + applicable_max)
            # A leaf without a row or without a final score counts 0 and leaves the result incomplete (rule 3).
            incomplete = incomplete or count - na_count - scored > 0
        if count - own_na_count:
            own_maxima[method] += max_points - (own_na_max or ZERO)
    parts = computation.UnitParts(
        appraised=points[APPRAISED], survey=points[SURVEY], bonus_claimed=points[BONUS],
        penalty_claimed=points[PENALTY], max_appraised=maxima[APPRAISED], max_survey=maxima[SURVEY],
        areas=tuple(computation.AreaParts(code, *area) for code, area in areas.items()), incomplete=incomplete)
    official = computation.compute_unit(parts, shape.rules)
    # A unit that self-scored nothing (a file imported from the board's records) has no self-assessed total.
    if not any(leaf[5] or leaf[6] for leaf in sums.values()):
        return official, None
    own = computation.unit_total(own_points[APPRAISED], own_points[SURVEY], own_points[BONUS], own_points[PENALTY],
                                 own_maxima[APPRAISED] + own_maxima[SURVEY], shape.rules)
    return official, own


# --- Last year -------------------------------------------------------------------------------------------------


def previous_results(year, index_code, unit_ids=None):
    """Last year's stored results of these units (None: all of them) in an index:
    {unit_id: (index, areas as JSON text, rank, framework version, survey index, scope changed)}; the areas are
    decoded only when compared."""
    stored = (UnitResult.objects.filter(year=year, index_code=index_code).order_by()
              .annotate(areas_text=Cast("areas", output_field=TextField()))
              .values_list("unit_id", "index", "areas_text", "rank", "framework__version", "survey_index"))
    if unit_ids is None:
        previous = {unit_id: rest for unit_id, *rest in stored.iterator(chunk_size=2000)}
    else:
        unit_ids, previous = sorted(unit_ids), {}
        for start in range(0, len(unit_ids), BATCH):
            previous.update((unit_id, rest) for unit_id, *rest in
                            stored.filter(unit__in=unit_ids[start:start + BATCH]))
    changed = scope_changed(year + 1, index_code)
    return {unit_id: (*rest, unit_id in changed) for unit_id, rest in previous.items()}


def scope_changed(year, index_code):
    """The units whose scope changed since last year (rules 10, 13) in an index: a unit that absorbed or was split
    from a unit with a result last year, and a unit that gave part of itself to a unit first on a roster this year."""
    links = Unit.successors.through.objects.order_by()
    last_year = UnitResult.objects.filter(year=year - 1, index_code=index_code)
    absorbed = links.filter(from_unit__in=last_year.values("unit")).values_list("to_unit_id", flat=True)
    new_this_year = (RosterEntry.objects.filter(cycle__year=year, cycle__index_code=index_code)
                     .exclude(unit__in=last_year.values("unit")))
    gave = links.filter(to_unit__in=new_this_year.values("unit")).values_list("from_unit_id", flat=True)
    return set(absorbed) | set(gave)


def _stored_result(index, areas):
    # Only the index and the area indices take part in a comparison (computation.compare_years).
    return computation.UnitResult(ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, index, None, tuple(
        computation.AreaResult(area["code"], ZERO, ZERO, _decimal(area["index"])) for area in json.loads(areas)),
        None, False)


def _decimal(value):
    return None if value is None else Decimal(value)


# --- Rows ------------------------------------------------------------------------------------------------------


def block_rows(cycle, shape, members, results, previous, fixed=()):
    """The row tuples (WRITE_COLUMNS) of the block's `members` ({unit id: (group, ranked)}), ranked together with
    the `fixed` entries; and the ranks."""
    results = {pk: results.get(pk) or unit_result(shape, {}) for pk in members}
    ranks = computation.rank_units([*fixed, *(RankEntry(pk, results[pk][0].index, ranked, group)
                                              for pk, (group, ranked) in members.items())])
    now = timezone.now()
    rows = [_row(cycle, pk, members[pk], results[pk], ranks[pk], previous.get(pk), now) for pk in sorted(members)]
    return rows, ranks


def _row(cycle, unit_id, unit, results, rank, previous, now):
    (group, ranked), (result, own) = unit, results
    change = _change(cycle, result, rank, previous)
    own_total, own_index = own or (None, None)
    return (
        cycle.year, unit_id, cycle.index_code, cycle.block_id, cycle.framework_id, group, ranked, result.appraised, result.survey,
        result.bonus, result.penalty, result.total, result.max_total, result.index, result.survey_index, own_total,
        own_index, result.grade or "", rank, change.previous_index, change.previous_rank, change.index_change,
        change.rank_change, change.comparable if previous else None, result.incomplete,
        json.dumps(_areas_json(result.areas, dict(change.area_changes))), now)


def _change(cycle, result, rank, previous):
    if previous is None:
        return computation.compare_years(result, None, rank=rank, previous_rank=None, comparable=False)
    index, areas, last_rank, last_version, last_survey_index, scope_changed_ = previous
    # Not like for like: another methodology edition, a unit whose scope changed, or a survey held one year only.
    comparable = (last_version == cycle.framework.version and not scope_changed_
                  and (last_survey_index is None) == (result.survey_index is None))
    return computation.compare_years(result, _stored_result(index, areas), rank=rank, previous_rank=last_rank,
                                     comparable=comparable)


def _areas_json(areas, changes):
    return [{"code": area.code, "points": str(area.points), "max": str(area.max_points),
             "index": _text(area.index), "change": _text(changes.get(area.code))} for area in areas]


def _text(value):
    return None if value is None else str(value)


# --- Component ranks ----------------------------------------------------------------------------------------------


def block_area_ranks(cycle):
    """The last step of a block's run: each area's component index ranked in the block (and group) by rule 9, with
    its change since last year, written into the rows' areas (results_sql.AREA_RANKS does the same in one statement
    for set-based runs). Reads the rows just written, so a refresh re-ranks every unit of the block; a row is
    written only when one of its ranks moved."""
    stored = UnitResult.objects.filter(year=cycle.year, block=cycle.block_id, index_code=cycle.index_code).order_by()
    rows = [(pk, unit_id, group, ranked, json.loads(areas)) for pk, unit_id, group, ranked, areas in stored.annotate(
        areas_text=Cast("areas", output_field=TextField())).values_list("pk", "unit_id", "group", "ranked",
                                                                        "areas_text")]
    ranks = computation.rank_areas((unit_id, group, ranked, {area["code"]: _decimal(area["index"]) for area in areas})
                                   for _pk, unit_id, group, ranked, areas in rows)
    last = _previous_area_ranks(cycle.year - 1, cycle.index_code, [unit_id for _pk, unit_id, *_rest in rows])
    changed = []
    for pk, unit_id, _group, _ranked, areas in rows:
        ranked_areas = [_ranked_area(area, ranks[unit_id].get(area["code"]), last.get((unit_id, area["code"])))
                        for area in areas]
        if ranked_areas != areas:
            changed.append((pk, json.dumps(ranked_areas)))
    _areas_write(changed)


def _ranked_area(area, rank, last_rank):
    change = None if rank is None or last_rank is None else last_rank - rank
    return {**area, "rank": rank, "rank_change": change}


def _previous_area_ranks(year, index_code, unit_ids):
    """{(unit id, area code): rank} of last year's rows of these units in an index."""
    ranks = {}
    last_year = UnitResult.objects.filter(year=year, index_code=index_code)
    for start in range(0, len(unit_ids), BATCH * 4):
        for unit_id, areas in (last_year.filter(unit__in=unit_ids[start:start + BATCH * 4])
                               .order_by().annotate(areas_text=Cast("areas", output_field=TextField()))
                               .values_list("unit_id", "areas_text")):
            ranks.update(((unit_id, area["code"]), area.get("rank")) for area in json.loads(areas))
    return ranks


def _areas_write(changed):
    """Writes the rows' new areas JSON: on PostgreSQL one statement over two arrays, elsewhere one per row."""
    table = UnitResult._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for start in range(0, len(changed), BATCH * 10):
                batch = changed[start:start + BATCH * 10]
                cursor.execute(f"UPDATE {table} r SET areas = v.areas::jsonb FROM unnest(%s::bigint[], %s::text[]) "
                               f"AS v(id, areas) WHERE r.id = v.id",
                               [[pk for pk, _areas in batch], [areas for _pk, areas in batch]])
        else:
            cursor.executemany(f"UPDATE {table} SET areas = %s WHERE id = %s", [(areas, pk) for pk, areas in changed])


def rows_upsert(rows):
    """Inserts or replaces (by year, unit and index, so a row keeps its id) the rows, in a few statements: on PostgreSQL
    one array per column, unnested (one parameter each, whatever the number of rows), elsewhere a VALUES list."""
    quoted = [(connection.ops.quote_name(name), sql_type) for name, sql_type in WRITE_COLUMNS]
    names = ", ".join(name for name, _type in quoted)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name, _type in quoted[3:])
    conflict = f"ON CONFLICT (year, unit_id, index_code) DO UPDATE SET {updates}"
    table = UnitResult._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{'text' if sql_type == 'jsonb' else sql_type}[]" for _n, sql_type in quoted)
            columns = ", ".join(f"{name}::jsonb" if sql_type == "jsonb" else name for name, sql_type in quoted)
            if rows:
                cursor.execute(f"INSERT INTO {table} ({names}) SELECT {columns} FROM unnest({arrays}) AS v({names}) "
                               f"{conflict}", [_array_literal(column) for column in zip(*rows)])
            return
        size = connection.features.max_query_params // len(WRITE_COLUMNS)
        cells = "(" + ", ".join(["%s"] * len(WRITE_COLUMNS)) + ")"
        for start in range(0, len(rows), size):
            batch = rows[start:start + size]
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([cells] * len(batch))} {conflict}",
                           [value for row in batch for value in row])


def _array_literal(values):
    """A PostgreSQL array as text, '{1,NULL,"a b"}': one parameter, read by the array parser."""
    return "{" + ",".join(_element(value) for value in values) + "}"


def _element(value):
    if value is None:
        return "NULL"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, (int, Decimal)):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
