"""The results engine's pillar step (issue 14): a framework's second grouping of leaves besides the areas.

After a block's rows are written (full run on either back end, or a refresh), each roster unit's pillars are
computed like its areas (rules 2 and 6: official points of the appraised and survey leaves in the pillar, N/A
leaves out of points and maximum), ranked in the block and group by rule 9 and compared with last year's row of
the same unit (rule 10), into UnitResult.pillars. Four queries and a batched write per block, whatever the number
of units; a framework without pillars (PAR) costs one query that finds none.
"""
from decimal import Decimal

from django.db.models import Count, Q, Sum

from .. import computation
from ..computation import APPRAISED, SURVEY
from ..models import LeafScore, Pillar, RosterEntry, UnitResult

BATCH = 500


def block_pillars(cycle) -> None:
    """Writes the pillars of the block's rows of this cycle; nothing happens when its framework has none."""
    # Without a survey, survey leaves vanish from pillars as from areas (rule 6).
    methods = [APPRAISED, SURVEY] if cycle.survey_held else [APPRAISED]
    pillars = _pillars(cycle, methods)
    if not pillars:
        return
    rows = list(_block_rows(cycle).values_list("pk", "unit_id", "group", "ranked", "pillars"))
    sums = _pillar_sums(cycle, methods, {pk: code for pk, code, *_rest in pillars})
    slots = [(code, leaves, max_points) for _pk, code, leaves, max_points in pillars if leaves]
    results = {unit_id: computation.component_results(slots, sums.get(unit_id, {}), cycle.framework.precision)
               for _pk, unit_id, *_rest in rows}
    ranks = computation.rank_areas(
        (unit_id, group, ranked, {pillar.code: pillar.index for pillar in results[unit_id]})
        for _pk, unit_id, group, ranked, _stored in rows)
    last = _last_year(cycle)
    changed = []
    for pk, unit_id, _group, _ranked, stored in rows:
        pillars = [_pillar_json(pillar, ranks[unit_id].get(pillar.code), last.get((unit_id, pillar.code), {}))
                   for pillar in results[unit_id]]
        if pillars != stored:
            changed.append(UnitResult(pk=pk, pillars=pillars))
    UnitResult.objects.bulk_update(changed, ["pillars"], batch_size=BATCH)


def _pillars(cycle, methods):
    """(id, code, counted leaves, Σ their max) of the framework's pillars in order: the one query a PAR run pays."""
    counted = Q(criteria__method__in=methods)
    return list(Pillar.objects.filter(framework=cycle.framework_id).order_by("position").annotate(
        leaves=Count("criteria", filter=counted), max_points=Sum("criteria__max_points", filter=counted),
    ).values_list("pk", "code", "leaves", "max_points"))


def _block_rows(cycle):
    """The rows this cycle wrote: its index's, of units on its roster (a full run drops the others after)."""
    roster = RosterEntry.objects.filter(cycle=cycle).values("unit")
    return UnitResult.objects.filter(year=cycle.year, block=cycle.block_id, index_code=cycle.index_code,
                                     unit__in=roster).order_by()


def _pillar_sums(cycle, methods, codes):
    """{unit id: {pillar code: (points of applicable leaves, N/A leaves, Σ max of N/A leaves)}}, in one query."""
    scores = LeafScore.objects.filter(assessment__cycle=cycle, criterion__framework=cycle.framework_id,
                                      criterion__pillar__isnull=False, criterion__method__in=methods)
    sums = {}
    for unit_id, pillar_id, points, na_count, na_max in (
            scores.order_by().values("assessment__unit_id", "criterion__pillar_id").annotate(
                points=Sum("final_score", filter=Q(not_applicable=False)),
                na_count=Count("pk", filter=Q(not_applicable=True)),
                na_max=Sum("criterion__max_points", filter=Q(not_applicable=True)))
            .values_list("assessment__unit_id", "criterion__pillar_id", "points", "na_count", "na_max")):
        sums.setdefault(unit_id, {})[codes[pillar_id]] = (points, na_count, na_max)
    return sums


def _last_year(cycle):
    """{(unit id, pillar code): last year's pillar JSON of the same index} of the units of this cycle's rows."""
    units = _block_rows(cycle).values("unit")
    stored = UnitResult.objects.filter(year=cycle.year - 1, index_code=cycle.index_code, unit__in=units).order_by()
    return {(unit_id, pillar["code"]): pillar for unit_id, pillars in stored.values_list("unit_id", "pillars")
            for pillar in pillars}


def _pillar_json(pillar, rank, last):
    """Shaped like an element of UnitResult.areas, decimals as strings."""
    last_index, last_rank = last.get("index"), last.get("rank")
    change = None if pillar.index is None or last_index is None else pillar.index - Decimal(last_index)
    return {"code": pillar.code, "points": str(pillar.points), "max": str(pillar.max_points),
            "index": _text(pillar.index), "rank": rank,
            "rank_change": None if rank is None or last_rank is None else last_rank - rank, "change": _text(change)}


def _text(value):
    return None if value is None else str(value)
