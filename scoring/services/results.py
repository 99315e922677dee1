"""The results engine (issue 4): leaf scores in, one UnitResult row per unit and year out.

Per block, one SQL query sums each unit's leaf scores by area and method (a GROUP BY read through a plain cursor,
so no Django converter runs per value); scoring.computation turns the sums into totals, indices, grades, ranks
and yearly changes; the block's rows are written by one upsert that reads them from arrays (unnest; a VALUES list
on SQLite), so a row keeps its id. Last year's results are read once per run. Memory grows with the units of one
block, never with leaves: no leaf leaves the database.

A run replaces its scope in one transaction, so a crash leaves the previous results whole. Every writer takes a
PostgreSQL advisory lock per (year, block) in block-code order before reading: runs over the same or over
overlapping scopes (a year and one of its blocks, a refresh) queue behind each other and can't deadlock.
"""
import dataclasses
import json
from contextlib import closing
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Context, Decimal
from itertools import groupby
from operator import itemgetter

from django.conf import settings
from django.db import connection, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import computation
from ..computation import APPRAISED, BONUS, PENALTY, SCORED_METHODS, SURVEY, ZERO, RankEntry, ScoringRules
from ..models import Assessment, Criterion, Cycle, GradeTier, Job, JobStatus, LeafScore, Unit, UnitResult
from .jobs import job_enqueue, job_progress, job_runner

COMPUTE_KIND, REFRESH_KIND = "compute_results", "refresh_results"
BATCH = 500
# Namespace of this module's advisory locks (two-key form), so they can't collide with other locks.
LOCK_NAMESPACE = 4004
# The columns a run writes, in the order of the engine's row tuples; all but year and unit are replaced on conflict.
WRITE_COLUMNS = (
    ("year", "integer"), ("unit_id", "bigint"), ("block_id", "bigint"), ("framework_id", "bigint"),
    ("group", "text"), ("ranked", "boolean"), ("appraised", "numeric"), ("survey", "numeric"),
    ("bonus", "numeric"), ("penalty", "numeric"), ("total", "numeric"), ("max_total", "numeric"),
    ("index", "numeric"), ("survey_index", "numeric"), ("self_total", "numeric"), ("self_index", "numeric"),
    ("grade", "text"), ("rank", "integer"), ("previous_index", "numeric"), ("previous_rank", "integer"),
    ("index_change", "numeric"), ("rank_change", "integer"), ("comparable", "boolean"),
    ("incomplete", "boolean"), ("areas", "jsonb"), ("computed_at", "timestamptz"),
)


def results_scope(year, block_code=None):
    return f"results:{year}:{block_code or '*'}"


# --- Services --------------------------------------------------------------------------------------------------


def results_compute(*, year: int, block_code: str | None = None, progress=None) -> dict:
    """Recomputes the results of a year or of one of its blocks, all or nothing.

    A year-wide run covers every block with a cycle and drops rows of blocks that no longer have one."""
    cycles = _cycles(year, block_code)
    report = progress or (lambda percent, message: None)
    written = set()
    prefetch = _prefetch_possible(cycles)
    with transaction.atomic(), closing(_block_sums(cycles, prefetch)) as sums:
        _tune_for_aggregates()
        members, shapes = _members(cycles), _framework_shapes(cycles)
        # Last year's results of the units in scope, read once: a year-wide run reads the whole year.
        previous = _previous_results(year - 1, None if block_code is None else
                                     {pk for units in members.values() for pk in units})
        for cycle in cycles if prefetch else ():  # in block-code order, before any block's scores are read
            _block_lock(cycle)
        for number, cycle in enumerate(cycles):
            report(number * 100 // len(cycles), _("Khối %(block)s: đang tính") % {"block": cycle.block.code})
            _block_lock(cycle)
            shape = _with_survey_held(shapes[cycle.pk], cycle)
            units = _unit_results(cycle, shape, rows=next(sums))
            rows, _ranks = _block_rows(cycle, shape, members[cycle.pk], units, previous)
            _upsert(rows)
            written.update((cycle.block_id, unit_id) for unit_id in members[cycle.pk])
        _stale_delete(year, None if block_code is None else [cycle.block_id for cycle in cycles], written)
    report(100, _("Xong: %(units)s đơn vị") % {"units": len(written)})
    return {"units": len(written), "blocks": [cycle.block.code for cycle in cycles]}


def results_run_start(*, year: int, block_code: str | None = None, user=None) -> Job:
    """Starts a results run in the background; a run of the same scope already waiting or running is returned."""
    scope = results_scope(year, block_code)
    with transaction.atomic():
        _advisory_lock(f"start:{scope}")  # two clicks at once still make one job
        running = _pending_job(COMPUTE_KIND, scope)
        if running:
            return running
        return job_enqueue(kind=COMPUTE_KIND, scope=scope, params={"year": year, "block": block_code}, user=user)


def results_refresh_units(*, year: int, unit_ids) -> None:
    """Recomputes these units' rows and re-ranks their blocks; no other block is read or written.

    Blocks without results that year are left alone: they need a full run, not a partial one."""
    unit_ids = set(unit_ids)
    with transaction.atomic():
        for cycle in _cycles_of_units(year, unit_ids):
            _block_refresh(cycle, unit_ids)


def results_refresh_later(*, year: int, unit_ids) -> None:
    """After a score change: refreshes the units' results a few seconds after the commit, one job per block.

    Calls within the delay merge into the job still waiting, so an appraiser saving ten leaves costs one run."""
    unit_ids = sorted(set(unit_ids))
    if unit_ids:
        # robust: the change is committed already; a failed scheduling is logged, not reported as a failed save.
        transaction.on_commit(lambda: _refresh_schedule(year, unit_ids), robust=True)


@job_runner(COMPUTE_KIND)
def compute_results_job(job):
    return results_compute(year=job.params["year"], block_code=job.params.get("block"),
                           progress=lambda percent, message: job_progress(job, percent, message))


@job_runner(REFRESH_KIND)
def refresh_results_job(job):
    results_refresh_units(year=job.params["year"], unit_ids=job.params["unit_ids"])
    return {"units": len(job.params["unit_ids"])}


# --- Scheduling ------------------------------------------------------------------------------------------------


def _pending_job(kind, scope):
    return (Job.objects.filter(kind=kind, scope=scope, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
            .order_by("pk").first())


def _refresh_schedule(year, unit_ids):
    with_results = UnitResult.objects.filter(year=year).values("block")
    units = (Unit.objects.filter(pk__in=unit_ids, block__in=with_results)
             .order_by("block__code", "pk").values_list("block__code", "pk"))
    for block_code, rows in groupby(units, key=itemgetter(0)):
        _refresh_enqueue(year, block_code, [pk for _code, pk in rows])


def _refresh_enqueue(year, block_code, unit_ids):
    scope = results_scope(year, block_code)
    with transaction.atomic():
        _advisory_lock(f"start:{REFRESH_KIND}:{scope}")
        # Only a job still QUEUED can take more units: a claimed one has read its params already.
        waiting = Job.objects.select_for_update().filter(kind=REFRESH_KIND, scope=scope, status=JobStatus.QUEUED)
        job = waiting.order_by("pk").first()
        if job:
            merged = sorted(set(job.params["unit_ids"]) | set(unit_ids))
            Job.objects.filter(pk=job.pk).update(params={**job.params, "unit_ids": merged})
            return
        job_enqueue(kind=REFRESH_KIND, scope=scope, params={"year": year, "block": block_code,
                                                             "unit_ids": sorted(unit_ids)},
                    countdown=settings.RESULTS_REFRESH_DELAY_SECONDS)


# --- Blocks ----------------------------------------------------------------------------------------------------


def _cycles(year, block_code):
    cycles = Cycle.objects.filter(year=year).select_related("block", "framework").order_by("block__code")
    cycles = list(cycles.filter(block__code=block_code) if block_code else cycles)
    if cycles:
        return cycles
    if block_code:
        message = _("Chưa có kỳ đánh giá năm %(year)s cho khối %(block)s.")
        raise ValueError(message % {"year": year, "block": block_code})
    raise ValueError(_("Chưa có kỳ đánh giá nào năm %(year)s.") % {"year": year})


def _cycles_of_units(year, unit_ids):
    blocks = Unit.objects.filter(pk__in=unit_ids).values("block")
    return list(Cycle.objects.filter(year=year, block__in=blocks).select_related("block", "framework")
                .order_by("block__code"))


def _members(cycles, unit_ids=None):
    """{cycle id: {unit id: (group, ranked)}}: every active unit of the block gets a row (a missing file shows as
    incomplete), and so does any unit with a file in the cycle."""
    members = {cycle.pk: {} for cycle in cycles}
    cycle_of_block = {cycle.block_id: cycle.pk for cycle in cycles}
    active = Unit.objects.filter(block__in=cycle_of_block, active=True)
    filed = Assessment.objects.filter(cycle__in=members)
    if unit_ids is not None:
        active, filed = active.filter(pk__in=unit_ids), filed.filter(unit__in=unit_ids)
    for block_id, pk, group, ranked in active.order_by().values_list("block_id", "pk", "group", "ranked"):
        members[cycle_of_block[block_id]][pk] = (group, ranked)
    for cycle_id, pk, group, ranked in filed.order_by().values_list("cycle_id", "unit_id", "unit__group",
                                                                    "unit__ranked"):
        members[cycle_id][pk] = (group, ranked)
    return members


def _block_refresh(cycle, unit_ids):
    _block_lock(cycle)
    stored = UnitResult.objects.filter(year=cycle.year, block=cycle.block_id)
    if not stored.exists():
        return
    others = list(stored.exclude(unit__in=unit_ids).order_by().values_list(
        "pk", "unit_id", "index", "ranked", "group", "rank", "previous_rank", "rank_change"))
    # The other units are ranked on their stored index: their scores did not change.
    fixed = [RankEntry(unit_id, index, ranked, group) for _pk, unit_id, index, ranked, group, *_rest in others]
    members = _members([cycle], unit_ids)[cycle.pk]
    shape = _framework_shape(cycle)
    results = _unit_results(cycle, shape, sorted(members)) if members else {}
    rows, ranks = _block_rows(cycle, shape, members, results, _previous_results(cycle.year - 1, members), fixed)
    _upsert(rows)
    _update_ranks(others, ranks)


def _block_rows(cycle, shape, members, results, previous, fixed=()):
    """The row tuples (WRITE_COLUMNS) of the block's `members`, ranked together with the `fixed` entries; and the
    ranks."""
    results = {pk: results.get(pk) or _unit_result(shape, {}) for pk in members}
    ranks = computation.rank_units([*fixed, *(RankEntry(pk, results[pk][0].index, ranked, group)
                                              for pk, (group, ranked) in members.items())])
    now = timezone.now()
    rows = [_row(cycle, pk, members[pk], results[pk], ranks[pk], previous.get(pk), now) for pk in sorted(members)]
    return rows, ranks


def _stale_delete(year, block_ids, written):
    """Drops the rows of the scope (the year, or these blocks) that the run did not write."""
    stored = UnitResult.objects.filter(year=year)
    if block_ids is not None:
        stored = stored.filter(block__in=block_ids)
    stale = [pk for pk, block_id, unit_id in stored.order_by().values_list("pk", "block_id", "unit_id")
             if (block_id, unit_id) not in written]
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


# --- Writing ---------------------------------------------------------------------------------------------------


def _upsert(rows):
    """Inserts or replaces (by year and unit, so a row keeps its id) the rows, in a few statements: on PostgreSQL
    one array per column, unnested (one parameter each, whatever the number of rows), elsewhere a VALUES list."""
    quoted = [(connection.ops.quote_name(name), sql_type) for name, sql_type in WRITE_COLUMNS]
    names = ", ".join(name for name, _type in quoted)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name, _type in quoted[2:])
    conflict = f"ON CONFLICT (year, unit_id) DO UPDATE SET {updates}"
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


# --- Reading the inputs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameworkShape:
    """What the engine needs of a framework: leaf counts and maxima per (area, method), in framework order."""

    leaves: dict  # (area_code, method) -> (leaf count, Σ max points)
    rules: ScoringRules
    # (area, method, leaf count, Σ max points) of the counted leaves: without a survey, survey leaves vanish and A
    # is rescaled to 100 (rule 6).
    slots: tuple


def _framework_shape(cycle):
    return _with_survey_held(_framework_shapes([cycle])[cycle.pk], cycle)


def _framework_shapes(cycles):
    """{cycle id: FrameworkShape} as if a survey were held (see _with_survey_held), in two queries whatever the
    number of cycles."""
    frameworks = {cycle.framework_id for cycle in cycles}
    leaves, tiers = {pk: {} for pk in frameworks}, {pk: [] for pk in frameworks}
    for framework_id, area, method, max_points in (
            Criterion.objects.filter(framework__in=frameworks).exclude(method="").order_by("framework", "position")
            .values_list("framework_id", "area_code", "method", "max_points")):
        count, total = leaves[framework_id].get((area, method), (0, ZERO))
        leaves[framework_id][(area, method)] = (count + 1, total + max_points)
    for framework_id, *values in GradeTier.objects.filter(framework__in=frameworks).order_by(
            "framework", "position").values_list("framework_id", "code", "min_index", "min_area_index",
                                                 "min_survey_index", "max_penalty"):
        tiers[framework_id].append(computation.GradeTier(*values))
    return {cycle.pk: _shape(leaves[cycle.framework_id], _rules(cycle.framework, tuple(tiers[cycle.framework_id]),
                                                               survey_held=True))
            for cycle in cycles}


def _shape(leaves, rules):
    slots = tuple((area, method, count, max_points) for (area, method), (count, max_points) in leaves.items()
                  if method != SURVEY or rules.survey_held)
    return FrameworkShape(leaves, rules, slots)


def _with_survey_held(shape, cycle):
    """The shape with whether the cycle holds a survey, read from its scores: so after the block's lock."""
    held = _survey_held(cycle)
    return shape if held else _shape(shape.leaves, dataclasses.replace(shape.rules, survey_held=False))


def _rules(framework, tiers, survey_held):
    return ScoringRules(precision=framework.precision, bonus_cap=framework.bonus_cap,
                        penalty_cap=framework.penalty_cap, clamp_total=framework.clamp_total, grades=tiers,
                        survey_held=survey_held)


def _survey_held(cycle):
    """A survey is held when any survey leaf of the cycle has a final score; otherwise A is rescaled (rule 6)."""
    return LeafScore.objects.filter(assessment__cycle=cycle, criterion__method=SURVEY,
                                    final_score__isnull=False).exists()


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
    scores. A block's rows are a few thousand: they are read whole, through a plain cursor (no Django converter
    per value)."""
    units = "" if unit_ids is None else f" AND a.unit_id IN ({', '.join(['%s'] * len(unit_ids))})"
    with connection.cursor() as cursor:
        cursor.execute(LEAF_SUMS.format(units=units), [cycle.pk, cycle.framework_id, *(unit_ids or ())])
        rows = cursor.fetchall()
    return rows if connection.vendor == "postgresql" else [_decimal_sums(row) for row in rows]


def _tune_for_aggregates():
    # For this transaction only: a large block's sums sort tens of thousands of leaves, which spills to disk with
    # the default 4 MB; and JIT compiling costs more than it saves on these plans.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off")


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


def _unit_results(cycle, shape, unit_ids=None, rows=None):
    """{unit id: (official computation.UnitResult, self-assessed (total, index) or None)} of the units with leaf
    scores in the cycle (of these units only, if given), from its LEAF_SUMS rows (read now unless given)."""
    rows = _leaf_sums(cycle, unit_ids) if rows is None else rows
    return {unit_id: _unit_result(shape, {(area, method): sums for _u, area, method, *sums in unit_rows})
            for unit_id, unit_rows in groupby(rows, key=itemgetter(0))}


def _prefetch_possible(cycles):
    # A second connection sees only committed leaf scores: not from inside a caller's transaction (tests, a
    # service that just wrote scores), where the run reads on its own connection as before.
    return connection.vendor == "postgresql" and len(cycles) > 1 and not connection.in_atomic_block


def _block_sums(cycles, prefetch):
    """Each cycle's LEAF_SUMS rows in turn (None: read them in the run's own transaction). Prefetched, the next
    block's query runs in PostgreSQL on a second connection while this block is computed in Python, so both
    cores work; one block ahead at most, so memory stays flat."""
    if not prefetch:
        yield from (None for _cycle in cycles)
        return
    with ThreadPoolExecutor(max_workers=1) as reader:
        try:
            ahead = reader.submit(_leaf_sums_apart, cycles[0])
            for following in cycles[1:]:
                rows, ahead = ahead.result(), reader.submit(_leaf_sums_apart, following)
                yield rows
            yield ahead.result()
        finally:
            reader.submit(_close_connection).result()


def _close_connection():
    connection.close()  # looked up in the reader thread: its own connection, not the run's


def _leaf_sums_apart(cycle):
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '64MB'; SET jit = off")
    return _leaf_sums(cycle)


def _previous_results(year, unit_ids=None):
    """Last year's stored results of these units (None: all of them):
    {unit_id: (index, areas as JSON text, rank, framework version)}; the areas are decoded only when compared."""
    stored = (UnitResult.objects.filter(year=year).order_by()
              .annotate(areas_text=Cast("areas", output_field=TextField()))
              .values_list("unit_id", "index", "areas_text", "rank", "framework__version"))
    if unit_ids is None:
        return {unit_id: rest for unit_id, *rest in stored.iterator(chunk_size=2000)}
    unit_ids, previous = sorted(unit_ids), {}
    for start in range(0, len(unit_ids), BATCH):
        previous.update((unit_id, rest) for unit_id, *rest in stored.filter(unit__in=unit_ids[start:start + BATCH]))
    return previous


def _stored_result(index, areas):
    # Only the index and the area indices take part in a comparison (computation.compare_years).
    return computation.UnitResult(ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, index, None, tuple(
        computation.AreaResult(area["code"], ZERO, ZERO, _decimal(area["index"])) for area in json.loads(areas)),
        None, False)


def _decimal(value):
    return None if value is None else Decimal(value)


# --- One unit --------------------------------------------------------------------------------------------------

NO_SCORES = (None, 0, 0, None, None, 0, 0, None)


def _unit_result(shape, sums):
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


def _row(cycle, unit_id, unit, results, rank, previous, now):
    (group, ranked), (result, own) = unit, results
    change = _change(cycle, result, rank, previous)
    own_total, own_index = own or (None, None)
    return (
        cycle.year, unit_id, cycle.block_id, cycle.framework_id, group, ranked, result.appraised, result.survey,
        result.bonus, result.penalty, result.total, result.max_total, result.index, result.survey_index, own_total,
        own_index, result.grade or "", rank, change.previous_index, change.previous_rank, change.index_change,
        change.rank_change, change.comparable if previous else None, result.incomplete,
        json.dumps(_areas_json(result.areas, dict(change.area_changes))), now)


def _change(cycle, result, rank, previous):
    if previous is None:
        return computation.compare_years(result, None, rank=rank, previous_rank=None, comparable=False)
    index, areas, last_rank, last_version = previous
    return computation.compare_years(result, _stored_result(index, areas), rank=rank, previous_rank=last_rank,
                                     comparable=last_version == cycle.framework.version)


def _areas_json(areas, changes):
    return [{"code": area.code, "points": str(area.points), "max": str(area.max_points),
             "index": _text(area.index), "change": _text(changes.get(area.code))} for area in areas]


def _text(value):
    return None if value is None else str(value)


# --- Locks -----------------------------------------------------------------------------------------------------


def _block_lock(cycle):
    _advisory_lock(results_scope(cycle.year, cycle.block.code))


def _advisory_lock(key):
    """Held until the transaction ends. SQLite needs none: it lets one writer at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [LOCK_NAMESPACE, key])
