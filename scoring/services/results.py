"""The results engine (issue 4): leaf scores in, one UnitResult row per unit and year out.

Per block, SQL sums each unit's leaf scores by area and method (one GROUP BY, streamed in unit order);
scoring.computation turns the sums into totals, indices, grades, ranks and yearly changes; the rows are written
with bulk upserts. Memory grows with the units of one block, never with leaves: no leaf leaves the database.

A run replaces its scope in one transaction, so a crash leaves the previous results whole. Every writer takes a
PostgreSQL advisory lock per (year, block) in block-code order before reading: runs over the same or over
overlapping scopes (a year and one of its blocks, a refresh) queue behind each other and can't deadlock.
"""
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import computation
from ..computation import APPRAISED, BONUS, PENALTY, SCORED_METHODS, SURVEY, ZERO, RankEntry, ScoringRules
from ..models import Criterion, Cycle, Job, JobStatus, LeafScore, Unit, UnitResult
from .jobs import job_enqueue, job_progress, job_runner

COMPUTE_KIND, REFRESH_KIND = "compute_results", "refresh_results"
BATCH = 500
# Namespace of this module's advisory locks (two-key form), so they can't collide with other locks.
LOCK_NAMESPACE = 4004
RESULT_FIELDS = (
    "block", "framework", "group", "ranked", "appraised", "survey", "bonus", "penalty", "total", "max_total",
    "index", "survey_index", "self_total", "self_index", "grade", "rank", "previous_index", "previous_rank",
    "index_change", "rank_change", "comparable", "incomplete", "areas", "computed_at",
)


def results_scope(year, block_code=None):
    return f"results:{year}:{block_code or '*'}"


# --- Services --------------------------------------------------------------------------------------------------


def results_compute(*, year: int, block_code: str | None = None, progress=None) -> dict:
    """Recomputes the results of a year or of one of its blocks, all or nothing.

    A year-wide run covers every block with a cycle and drops rows of blocks that no longer have one."""
    cycles = _cycles(year, block_code)
    report = progress or (lambda percent, message: None)
    units = 0
    with transaction.atomic():
        for number, cycle in enumerate(cycles):
            report(number * 100 // len(cycles), _("Khối %(block)s: đang tính") % {"block": cycle.block.code})
            units += _block_compute(cycle)
        if block_code is None:
            UnitResult.objects.filter(year=year).exclude(block__in=[c.block_id for c in cycles]).delete()
    report(100, _("Xong: %(units)s đơn vị") % {"units": units})
    return {"units": units, "blocks": [cycle.block.code for cycle in cycles]}


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


# --- One block -------------------------------------------------------------------------------------------------


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


def _block_compute(cycle):
    _block_lock(cycle)
    units = _block_units(cycle)
    rows, _ranks = _result_rows(cycle, units)
    UnitResult.objects.filter(year=cycle.year, block=cycle.block_id).exclude(unit__in=units.values("pk")).delete()
    _upsert(rows)
    return len(rows)


def _block_refresh(cycle, unit_ids):
    _block_lock(cycle)
    stored = UnitResult.objects.filter(year=cycle.year, block=cycle.block_id)
    if not stored.exists():
        return
    others = list(stored.exclude(unit__in=unit_ids).values_list(
        "pk", "unit_id", "index", "ranked", "group", "rank", "previous_rank", "rank_change"))
    # The other units are ranked on their stored index: their scores did not change.
    fixed = [RankEntry(unit_id, index, ranked, group) for _pk, unit_id, index, ranked, group, *_rest in others]
    rows, ranks = _result_rows(cycle, _block_units(cycle).filter(pk__in=unit_ids), fixed)
    _upsert(rows)
    _update_ranks(others, ranks)


def _block_units(cycle):
    """Every active unit of the block gets a row (a missing file shows as incomplete), plus any unit with a file."""
    return Unit.objects.filter(Q(block=cycle.block_id, active=True) | Q(pk__in=cycle.assessments.values("unit")))


def _result_rows(cycle, units, fixed=()):
    """Unsaved UnitResult rows of `units`, ranked together with the `fixed` entries; and the ranks."""
    shape = _framework_shape(cycle)
    unit_rows = {pk: (group, ranked) for pk, group, ranked in units.order_by().values_list("pk", "group", "ranked")}
    results = _unit_results(cycle, shape, units, unit_rows)
    ranks = computation.rank_units([*fixed, *(RankEntry(pk, results[pk][0].index, ranked, group)
                                              for pk, (group, ranked) in unit_rows.items())])
    previous = _previous_results(cycle.year - 1, units)
    rows = [_row(cycle, pk, unit_rows[pk], results[pk], ranks[pk], previous.get(pk)) for pk in sorted(unit_rows)]
    return rows, ranks


def _update_ranks(others, ranks):
    """Other units of the block keep their row; only a rank that moved is written."""
    now, changed = timezone.now(), []
    for pk, unit_id, _index, _ranked, _group, rank, previous_rank, rank_change in others:
        new_rank = ranks[unit_id]
        new_change = None if new_rank is None or previous_rank is None else previous_rank - new_rank
        if (new_rank, new_change) != (rank, rank_change):
            changed.append(UnitResult(pk=pk, rank=new_rank, rank_change=new_change, computed_at=now))
    UnitResult.objects.bulk_update(changed, ["rank", "rank_change", "computed_at"], batch_size=BATCH)


def _upsert(rows):
    UnitResult.objects.bulk_create(rows, batch_size=BATCH, update_conflicts=True, unique_fields=["year", "unit"],
                                   update_fields=list(RESULT_FIELDS))


# --- Reading a block's inputs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameworkShape:
    """What the engine needs of a framework: leaf counts and maxima per (area, method), in framework order."""

    leaves: dict  # (area_code, method) -> (leaf count, Σ max points)
    rules: ScoringRules


@dataclass(frozen=True)
class LeafSums:
    """One unit's leaf scores of one area and method, summed in SQL."""

    points: Decimal | None = None
    scored: int = 0
    na_count: int = 0
    na_max: Decimal | None = None
    self_points: Decimal | None = None
    self_scored: int = 0
    self_na_count: int = 0
    self_na_max: Decimal | None = None


NO_SCORES = LeafSums()


def _framework_shape(cycle):
    framework = cycle.framework
    leaves = {}
    for area, method, max_points in (Criterion.objects.filter(framework=framework).exclude(method="")
                                     .order_by("position").values_list("area_code", "method", "max_points")):
        count, total = leaves.get((area, method), (0, ZERO))
        leaves[(area, method)] = (count + 1, total + max_points)
    return FrameworkShape(leaves, _rules(framework, _survey_held(cycle)))


def _rules(framework, survey_held):
    tiers = tuple(computation.GradeTier(*values) for values in framework.grades.order_by("position").values_list(
        "code", "min_index", "min_area_index", "min_survey_index", "max_penalty"))
    return ScoringRules(precision=framework.precision, bonus_cap=framework.bonus_cap,
                        penalty_cap=framework.penalty_cap, clamp_total=framework.clamp_total, grades=tiers,
                        survey_held=survey_held)


def _survey_held(cycle):
    """A survey is held when any survey leaf of the cycle has a final score; otherwise A is rescaled (rule 6)."""
    return LeafScore.objects.filter(assessment__cycle=cycle, criterion__method=SURVEY,
                                    final_score__isnull=False).exists()


def _leaf_sums(cycle, units):
    """(unit_id, area, method, *LeafSums) rows ordered by unit: the one query that reads leaf scores."""
    official_na, self_na = Q(not_applicable=True), Q(self_not_applicable=True)
    return (LeafScore.objects.filter(assessment__cycle=cycle, assessment__unit__in=units.values("pk"),
                                     criterion__framework=cycle.framework_id).exclude(criterion__method="")
            .values_list("assessment__unit_id", "criterion__area_code", "criterion__method")
            .annotate(points=Sum("final_score", filter=~official_na),
                      scored=Count("pk", filter=~official_na & Q(final_score__isnull=False)),
                      na_count=Count("pk", filter=official_na),
                      na_max=Sum("criterion__max_points", filter=official_na),
                      self_points=Sum("self_score", filter=~self_na),
                      self_scored=Count("pk", filter=~self_na & Q(self_score__isnull=False)),
                      self_na_count=Count("pk", filter=self_na),
                      self_na_max=Sum("criterion__max_points", filter=self_na))
            .order_by("assessment__unit_id").iterator(chunk_size=2000))


def _unit_results(cycle, shape, units, unit_rows):
    """{unit_id: (official computation.UnitResult, self-assessed one or None)}, reading one unit at a time."""
    results = {}
    for unit_id, rows in groupby(_leaf_sums(cycle, units), key=itemgetter(0)):
        results[unit_id] = _unit_result(shape, {(area, method): LeafSums(*sums) for _u, area, method, *sums in rows})
    for unit_id in unit_rows.keys() - results.keys():
        results[unit_id] = _unit_result(shape, {})
    return results


def _previous_results(year, units):
    """Last year's stored results of these units: {unit_id: (computation.UnitResult, rank, framework version)}."""
    rows = (UnitResult.objects.filter(year=year, unit__in=units.values("pk"))
            .values_list("unit_id", "index", "areas", "rank", "framework__version").iterator(chunk_size=2000))
    return {unit_id: (_stored_result(index, areas), rank, version) for unit_id, index, areas, rank, version in rows}


def _stored_result(index, areas):
    # Only the index and the area indices take part in a comparison (computation.compare_years).
    return computation.UnitResult(ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, index, None, tuple(
        computation.AreaResult(area["code"], Decimal(area["points"]), Decimal(area["max"]), _decimal(area["index"]))
        for area in areas), None, False)


def _decimal(text):
    return None if text is None else Decimal(text)


# --- One unit --------------------------------------------------------------------------------------------------


def _unit_result(shape, sums):
    official = computation.compute_unit(_unit_parts(shape, sums, official=True), shape.rules)
    self_scored = any(leaf.self_scored or leaf.self_na_count for leaf in sums.values())
    # A unit that self-scored nothing (a file imported from the board's records) has no self-assessed total.
    own = computation.compute_unit(_unit_parts(shape, sums, official=False), shape.rules) if self_scored else None
    return official, own


@dataclass(frozen=True)
class Counted:
    """One unit's leaves of one area and method, as one side (official or self-assessed) counts them."""

    area: str
    method: str
    points: Decimal
    max_points: Decimal  # of the applicable leaves
    applicable: int
    missing: int  # applicable leaves without a final score


def _unit_parts(shape, sums, *, official):
    """The sums aggregate_leaves makes leaf by leaf (rules 2-4), made from per-area SQL sums instead."""
    counted = list(_counted(shape, sums, official))
    # An area whose leaves are all N/A for this unit has no index; bonus and penalty are never area points.
    scored = [part for part in counted if part.method in SCORED_METHODS and part.applicable]
    areas = {}
    for part in scored:
        points, max_points = areas.get(part.area, (ZERO, ZERO))
        areas[part.area] = (points + part.points, max_points + part.max_points)
    return computation.UnitParts(
        appraised=_sum(counted, APPRAISED), survey=_sum(counted, SURVEY), bonus_claimed=_sum(counted, BONUS),
        penalty_claimed=_sum(counted, PENALTY), max_appraised=_sum(scored, APPRAISED, "max_points"),
        max_survey=_sum(scored, SURVEY, "max_points"),
        areas=tuple(computation.AreaParts(code, *area) for code, area in areas.items()),
        incomplete=any(part.missing for part in scored))


def _sum(parts, method, field="points"):
    return sum((getattr(part, field) for part in parts if part.method == method), ZERO)


def _counted(shape, sums, official):
    for (area, method), (count, max_points) in shape.leaves.items():
        if method == SURVEY and not shape.rules.survey_held:
            continue  # no survey: its leaves vanish and A is rescaled to 100 (rule 6)
        leaf = sums.get((area, method), NO_SCORES)
        points, na_count, na_max = _side(leaf, method, official)
        # A leaf without a row or without a final score counts 0 and leaves the result incomplete (rule 3).
        yield Counted(area, method, points, max_points - na_max, count - na_count, count - leaf.na_count - leaf.scored)


def _side(leaf, method, official):
    """(points, N/A leaves, N/A maximum) as one side counts them: the self-assessed total replaces appraised,
    bonus and penalty scores with self-scores; survey leaves are never self-scored and keep their points."""
    if official or method == SURVEY:
        return leaf.points or ZERO, leaf.na_count, leaf.na_max or ZERO
    return leaf.self_points or ZERO, leaf.self_na_count, leaf.self_na_max or ZERO


def _row(cycle, unit_id, unit, results, rank, previous):
    (group, ranked), (result, own) = unit, results
    change = _change(cycle, result, rank, previous)
    return UnitResult(
        year=cycle.year, block_id=cycle.block_id, unit_id=unit_id, framework_id=cycle.framework_id, group=group,
        ranked=ranked, appraised=result.appraised, survey=result.survey, bonus=result.bonus,
        penalty=result.penalty, total=result.total, max_total=result.max_total, index=result.index,
        survey_index=result.survey_index, self_total=own.total if own else None,
        self_index=own.index if own else None, grade=result.grade or "", rank=rank,
        previous_index=change.previous_index, previous_rank=change.previous_rank,
        index_change=change.index_change, rank_change=change.rank_change,
        comparable=change.comparable if previous else None, incomplete=result.incomplete,
        areas=_areas_json(result.areas, dict(change.area_changes)))


def _change(cycle, result, rank, previous):
    last, last_rank, last_version = previous or (None, None, None)
    return computation.compare_years(result, last, rank=rank, previous_rank=last_rank,
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
