"""The results engine (issue 4): leaf scores in, one UnitResult row per unit, year and index out.

One pipeline, per cycle (a block's year of one index, PAR or DTI...): the cycle's roster (rule 13) → leaf sums →
parts → index → grade → rank (the units', and each area's component index) → rows.

This module holds what the two back ends share: the services, the scheduling of runs and refreshes, the scope
(which cycles) and the locks. Each back end runs the whole pipeline for a run's cycles with one call,
`blocks_compute(cycles, scope, report)`, and gives the same rows:
- results_sql (PostgreSQL): per block, one statement computes every unit's sums, totals, indices, area indices and
  ranks and yearly changes, Python grades and ranks the units through scoring.computation, one upsert writes them;
  a year-wide run computes blocks ahead on two more connections;
- results_portable (elsewhere, SQLite): per block, the leaves are summed per area in SQL and the arithmetic is
  scoring.computation's; the areas are ranked over the rows written.
A one-unit refresh (results_refresh_units) takes the portable path on every database
(results_portable.block_refresh) and re-ranks the block's areas with the back end's block_area_ranks. Memory grows
with the units of a block, never with leaves.

A run replaces its scope in one transaction, so a crash leaves the previous results whole. Every writer takes a
PostgreSQL advisory lock per (year, block, index) in block-code order before reading: runs over the same or over
overlapping scopes (a year and one of its blocks, a refresh) queue behind each other and can't deadlock.
"""
from itertools import groupby
from operator import itemgetter

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ..models import Cycle, Job, JobStatus, RosterEntry, Unit, UnitResult
from ..models.indices import PAR
from . import results_portable as portable
from . import results_sql
from .jobs import job_enqueue, job_progress, job_runner, jobs_sweep

COMPUTE_KIND, REFRESH_KIND = "compute_results", "refresh_results"
# Namespace of this module's advisory locks (two-key form), so they can't collide with other locks.
LOCK_NAMESPACE = 4004
# The databases that compute a full run themselves (results_sql); the others take the portable path.
SET_BASED_VENDORS = ("postgresql",)


def results_scope(year, block_code=None, index_code=None):
    """A run's scope: a year, one of its blocks, one of its indices (PAR, DTI...); None is every one."""
    return f"results:{year}:{block_code or '*'}" + (f":{index_code}" if index_code else "")


# --- Services --------------------------------------------------------------------------------------------------


def results_compute(*, year: int, block_code: str | None = None, index_code: str | None = None,
                    progress=None) -> dict:
    """Recomputes the results of a year, or of one of its blocks or indices, all or nothing: each cycle in scope
    (one per block and index) gives its roster's rows.

    A year-wide run covers every cycle and drops rows of blocks and indices that no longer have one."""
    cycles = _cycles(year, block_code, index_code)
    report = _every_few_percent(progress or (lambda percent, message: None))
    block_ids = None if block_code is None else [cycle.block_id for cycle in cycles]
    set_based = connection.vendor in SET_BASED_VENDORS
    # Other connections see only committed scores: not from inside a caller's transaction (tests, a service that
    # just wrote scores), where the run computes every block on its own connection.
    read_ahead = set_based and len(cycles) > 1 and not connection.in_atomic_block
    with transaction.atomic():
        _tune_for_aggregates()
        for cycle in cycles:  # every block's lock, in block-code order, before any score is read
            _block_lock(cycle)
        scope = (year, block_ids, index_code)
        written = (results_sql.blocks_compute(cycles, scope, report, read_ahead=read_ahead) if set_based
                   else portable.blocks_compute(cycles, scope, report))
    report(100, _("Xong: %(units)s đơn vị") % {"units": written})
    return {"units": written, "blocks": [cycle.block.code for cycle in cycles]}


def results_run_start(*, year: int, block_code: str | None = None, index_code: str | None = None,
                      user=None) -> Job:
    """Starts a results run in the background; a run of the same scope already waiting or running is returned."""
    scope = results_scope(year, block_code, index_code)
    jobs_sweep(resend=False)  # a run that will never finish must not be handed back instead of a new one
    with transaction.atomic():
        _advisory_lock(f"start:{scope}")  # two clicks at once still make one job
        running = _pending_job(COMPUTE_KIND, scope)
        if running:
            return running
        params = {"year": year, "block": block_code, **({"index": index_code} if index_code else {})}
        return job_enqueue(kind=COMPUTE_KIND, scope=scope, params=params, user=user)


def results_refresh_units(*, year: int, unit_ids) -> None:
    """Recomputes these units' rows and re-ranks their blocks; no other block is read or written.

    Blocks without results that year are left alone: they need a full run, not a partial one."""
    unit_ids = set(unit_ids)
    # Every unit's component ranks may move: re-ranked in one statement where the database can.
    area_ranks = (results_sql.block_area_ranks if connection.vendor in SET_BASED_VENDORS
                  else portable.block_area_ranks)
    with transaction.atomic():
        for cycle in _cycles_of_units(year, unit_ids):
            _block_lock(cycle)
            portable.block_refresh(cycle, unit_ids, area_ranks)


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
                           index_code=job.params.get("index"), progress=lambda percent, message: job_progress(job, percent, message))


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


def _cycles(year, block_code, index_code=None):
    cycles = Cycle.objects.filter(year=year).select_related("block", "framework").order_by("block__code", "index_code")
    if index_code:
        cycles = cycles.filter(index_code=index_code)
    cycles = list(cycles.filter(block__code=block_code) if block_code else cycles)
    if cycles:
        return cycles
    if index_code and index_code != PAR:
        message = _("Chưa có kỳ đánh giá chỉ số %(index)s năm %(year)s.")
        raise ValueError(message % {"index": index_code, "year": year})
    if block_code:
        message = _("Chưa có kỳ đánh giá năm %(year)s cho khối %(block)s.")
        raise ValueError(message % {"year": year, "block": block_code})
    raise ValueError(_("Chưa có kỳ đánh giá nào năm %(year)s.") % {"year": year})


def _cycles_of_units(year, unit_ids):
    # The unit's block, and any cycle whose roster holds it: a unit that left the block or the roster loses its row.
    rosters = RosterEntry.objects.filter(unit__in=unit_ids).values("cycle")
    blocks = Unit.objects.filter(pk__in=unit_ids).values("block")
    return list(Cycle.objects.filter(Q(pk__in=rosters) | Q(block__in=blocks), year=year)
                .select_related("block", "framework").order_by("block__code", "index_code"))


def _every_few_percent(progress, step=5):
    """`progress` called at 0, then only once the percent moved by `step` or more: a job's progress is written on
    a connection of its own (jobs.job_progress), too dear to open for each of 60 blocks."""
    last = None

    def report(percent, message):
        nonlocal last
        if last is None or percent - last >= step or percent == 100:
            last = percent
            progress(percent, message)

    return report


def _tune_for_aggregates():
    if connection.vendor == "postgresql":  # for this transaction only
        with connection.cursor() as cursor:
            cursor.execute(results_sql.TUNING.format(scope="LOCAL"))


# --- Locks -----------------------------------------------------------------------------------------------------


def _block_lock(cycle):
    _advisory_lock(results_scope(cycle.year, cycle.block.code, cycle.index_code))


def _advisory_lock(key):
    """Held until the transaction ends. SQLite needs none: it lets one writer at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [LOCK_NAMESPACE, key])
