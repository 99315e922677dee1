"""The results arithmetic (domain.md, rules 2-10): from a unit's sums to index, grade, rank and yearly change.

The engine sums leaf scores in SQL and hands the sums here; aggregate_leaves makes the same sums in Python for
what-if screens and to cross-check the SQL. Everything is Decimal; indices are rounded half up once, at the
framework's precision, and grades and ranks use that rounded index so that what is published is what is ranked.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from scoring.rules import HUNDRED, divide_half_up, quantize_points

APPRAISED, SURVEY, BONUS, PENALTY = "appraised", "survey", "bonus", "penalty"
METHODS = (APPRAISED, SURVEY, BONUS, PENALTY)
# Only these leaves carry a maximum and belong to an area; bonus and penalty sit outside Max_total (rule 5).
SCORED_METHODS = (APPRAISED, SURVEY)
ZERO = Decimal(0)


@dataclass(frozen=True)
class LeafInput:
    code: str
    area_code: str
    method: str
    max_points: Decimal
    score: Decimal | None  # the official (final) score; None = not scored yet
    not_applicable: bool = False


@dataclass(frozen=True)
class AreaParts:
    code: str
    points: Decimal
    max_points: Decimal


@dataclass(frozen=True)
class UnitParts:
    appraised: Decimal
    survey: Decimal
    bonus_claimed: Decimal
    penalty_claimed: Decimal  # positive: points deducted
    max_appraised: Decimal
    max_survey: Decimal
    areas: tuple[AreaParts, ...]
    incomplete: bool


@dataclass(frozen=True)
class GradeTier:
    code: str
    min_index: Decimal
    min_area_index: Decimal | None = None
    min_survey_index: Decimal | None = None
    max_penalty: Decimal | None = None


@dataclass(frozen=True)
class ScoringRules:
    precision: int = 2
    bonus_cap: Decimal | None = None  # None = no cap
    penalty_cap: Decimal | None = None
    clamp_total: bool = True
    grades: tuple[GradeTier, ...] = ()  # top tier first
    survey_held: bool = True


@dataclass(frozen=True)
class AreaResult:
    code: str
    points: Decimal
    max_points: Decimal
    index: Decimal | None


@dataclass(frozen=True)
class UnitResult:
    appraised: Decimal
    survey: Decimal
    bonus: Decimal  # after the cap
    penalty: Decimal  # after the cap
    total: Decimal
    max_total: Decimal
    index: Decimal | None
    survey_index: Decimal | None
    areas: tuple[AreaResult, ...]
    grade: str | None
    incomplete: bool


@dataclass(frozen=True)
class RankEntry:
    key: Hashable
    index: Decimal | None
    ranked: bool
    group: str = ""


@dataclass(frozen=True)
class YearChange:
    previous_index: Decimal | None
    previous_rank: int | None
    index_change: Decimal | None
    rank_change: int | None  # positive = rose ("tăng N bậc")
    comparable: bool
    area_changes: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True)
class BlockStats:
    unit_count: int
    average_index: Decimal | None
    grade_distribution: dict[str, int]
    rose: int
    fell: int


# --- Summing leaves (rules 2-4) --------------------------------------------------------------------------------


def aggregate_leaves(leaves: Iterable[LeafInput], *, survey_held: bool = True) -> UnitParts:
    """One unit's parts from its leaves; N/A leaves count in neither points nor maxima (rule 2)."""
    counted = [leaf for leaf in leaves if _counts(leaf, survey_held)]
    scored = [leaf for leaf in counted if leaf.method in SCORED_METHODS]
    return UnitParts(
        appraised=_sum_points(counted, APPRAISED),
        survey=_sum_points(counted, SURVEY),
        bonus_claimed=_sum_points(counted, BONUS),
        penalty_claimed=_sum_points(counted, PENALTY),
        max_appraised=sum((leaf.max_points for leaf in scored if leaf.method == APPRAISED), ZERO),
        max_survey=sum((leaf.max_points for leaf in scored if leaf.method == SURVEY), ZERO),
        areas=_area_parts(scored),
        # An unscored bonus or penalty leaf is simply not claimed; only missing scored leaves leave a gap.
        incomplete=any(leaf.score is None for leaf in scored),
    )


def _counts(leaf: LeafInput, survey_held: bool) -> bool:
    if leaf.method not in METHODS:
        raise ValueError(f"unknown scoring method {leaf.method!r} on leaf {leaf.code}")
    # Without a survey the index is A rescaled to 100 (rule 6), so survey leaves vanish altogether.
    return not leaf.not_applicable and (survey_held or leaf.method != SURVEY)


def _sum_points(leaves: Sequence[LeafInput], method: str) -> Decimal:
    # A leaf not scored yet counts 0 (rule 3); the incomplete flag says so.
    return sum((leaf.score for leaf in leaves if leaf.method == method and leaf.score is not None), ZERO)


def _area_parts(scored: Sequence[LeafInput]) -> tuple[AreaParts, ...]:
    # Areas keep the order of their first leaf, which is the framework's order when leaves come sorted.
    sums: dict[str, tuple[Decimal, Decimal]] = {}
    for leaf in scored:
        points, max_points = sums.get(leaf.area_code, (ZERO, ZERO))
        sums[leaf.area_code] = (points + (leaf.score or ZERO), max_points + leaf.max_points)
    return tuple(AreaParts(code, points, max_points) for code, (points, max_points) in sums.items())


# --- A unit's result (rules 4-8) -------------------------------------------------------------------------------


def compute_unit(parts: UnitParts, rules: ScoringRules) -> UnitResult:
    """Caps, total, index, component indices and grade of one unit.

    `parts` must already leave survey leaves out when no survey is held (aggregate_leaves(survey_held=False)).
    """
    max_total = parts.max_appraised + parts.max_survey
    bonus, penalty, total = _total(parts.appraised, parts.survey, parts.bonus_claimed, parts.penalty_claimed,
                                   max_total, rules)
    index = percent(total, max_total, rules.precision)
    survey_index = percent(parts.survey, parts.max_survey, rules.precision) if rules.survey_held else None
    areas = tuple(_area_result(area, rules.precision) for area in parts.areas)
    penalty = quantize_points(penalty)
    return UnitResult(
        appraised=quantize_points(parts.appraised),
        survey=quantize_points(parts.survey),
        bonus=quantize_points(bonus),
        penalty=penalty,
        total=quantize_points(total),
        max_total=quantize_points(max_total),
        index=index,
        survey_index=survey_index,
        areas=areas,
        grade=_grade(index, [area.index for area in areas], survey_index, penalty, rules.grades),
        incomplete=parts.incomplete,
    )


def unit_total(appraised: Decimal, survey: Decimal, bonus_claimed: Decimal, penalty_claimed: Decimal,
               max_total: Decimal, rules: ScoringRules) -> tuple[Decimal, Decimal | None]:
    """(total, index) exactly as compute_unit gives them, from the summed parts alone.

    For results that only need these two (the self-assessed total shown beside the official one): no areas,
    grade or survey index to build."""
    _bonus, _penalty, total = _total(appraised, survey, bonus_claimed, penalty_claimed, max_total, rules)
    return quantize_points(total), percent(total, max_total, rules.precision)


def _total(appraised, survey, bonus_claimed, penalty_claimed, max_total, rules):
    """(bonus, penalty, total) after the caps and the clamp, not yet rounded (rules 4-5)."""
    bonus = _capped(bonus_claimed, rules.bonus_cap)
    penalty = _capped(penalty_claimed, rules.penalty_cap)
    return bonus, penalty, _clamped(appraised + survey + bonus - penalty, max_total, rules.clamp_total)


def percent(points: Decimal, max_points: Decimal, precision: int) -> Decimal | None:
    """points / max × 100, rounded half up; None when there is nothing to score against."""
    if max_points == 0:
        return None
    return divide_half_up(points * HUNDRED, max_points, precision)


def _capped(claimed: Decimal, cap: Decimal | None) -> Decimal:
    return claimed if cap is None else min(claimed, cap)


def _clamped(total: Decimal, max_total: Decimal, clamp: bool) -> Decimal:
    # Bonus can push a unit past full marks and penalties below zero; most provinces publish within [0, max].
    return min(max(total, ZERO), max_total) if clamp else total


def component_results(
    slots: Iterable[tuple[str, int, Decimal]],
    sums: dict[str, tuple[Decimal | None, int, Decimal | None]],
    precision: int,
) -> tuple[AreaResult, ...]:
    """A unit's components of a second grouping of leaves (a framework's pillars), by rule 2 and 6 as for areas.

    `slots`: (code, leaf count, Σ max points) of the counted leaves (appraised, and survey when a survey is held)
    in display order; `sums`: {code: (official points of its applicable leaves, N/A leaves, Σ their max)} of the
    unit. N/A leaves count in neither points nor maximum; a component whose leaves are all N/A for the unit has no
    result, as an area has none; a leaf not scored counts 0."""
    parts = []
    for code, count, max_points in slots:
        points, na_count, na_max = sums.get(code, (None, 0, None))
        if count - na_count:
            parts.append(AreaParts(code, points or ZERO, max_points - (na_max or ZERO)))
    return tuple(_area_result(part, precision) for part in parts)


def _area_result(area: AreaParts, precision: int) -> AreaResult:
    return AreaResult(
        code=area.code,
        points=quantize_points(area.points),
        max_points=quantize_points(area.max_points),
        index=percent(area.points, area.max_points, precision),
    )


def grade_for(result: UnitResult, tiers: Sequence[GradeTier]) -> str | None:
    """The first tier, top down, whose minimum and conditions `result` meets; else the lowest (rule 8)."""
    return _grade(result.index, [area.index for area in result.areas], result.survey_index, result.penalty, tiers)


def grade(index: Decimal | None, area_indices: Iterable[Decimal | None], survey_index: Decimal | None,
          penalty: Decimal, tiers: Sequence[GradeTier]) -> str | None:
    """grade_for from the numbers a grade depends on, for results computed elsewhere (the engine's SQL): the
    rounded index, the area indices (None: an area without one; the lowest alone is enough), the survey index and
    the capped, rounded penalty."""
    return _grade(index, area_indices, survey_index, penalty, tiers)


def _grade(index, area_indices, survey_index, penalty, tiers):
    if index is None or not tiers:
        return None
    area_indices = tuple(area_indices)
    for tier in tiers:
        if _meets(index, area_indices, survey_index, penalty, tier):
            return tier.code
    return tiers[-1].code


def _meets(index, area_indices, survey_index, penalty, tier):
    return (
        index >= tier.min_index
        and _areas_reach(area_indices, tier.min_area_index)
        # A unit with no survey index cannot fail a survey condition: it was not surveyed.
        and (tier.min_survey_index is None or survey_index is None or survey_index >= tier.min_survey_index)
        and (tier.max_penalty is None or penalty <= tier.max_penalty)
    )


def _areas_reach(area_indices: Iterable[Decimal | None], minimum: Decimal | None) -> bool:
    return minimum is None or all(index >= minimum for index in area_indices if index is not None)


# --- Ranking (rule 9) ------------------------------------------------------------------------------------------


def rank_units(entries: Iterable[RankEntry]) -> dict[Hashable, int | None]:
    """Competition ranks (1, 2, 2, 4) by index within each group; unranked units and missing indices get None."""
    entries = list(entries)
    ranks: dict[Hashable, int | None] = {entry.key: None for entry in entries}
    groups: dict[str, list[RankEntry]] = {}
    for entry in entries:
        if entry.ranked and entry.index is not None:
            groups.setdefault(entry.group, []).append(entry)
    for group in groups.values():
        ranks.update(_competition_ranks(group))
    return ranks


def rank_areas(
    units: Iterable[tuple[Hashable, str, bool, dict[str, Decimal | None]]],
) -> dict[Hashable, dict[str, int | None]]:
    """Each area's component index ranked like the index (rule 9: in the block and group, ties share, unranked
    units and missing indices get None): {unit: {area code: rank}} from (unit, group, ranked, {area: index})."""
    units = list(units)
    ranks: dict[Hashable, dict[str, int | None]] = {key: {} for key, *_rest in units}
    for code in sorted({code for *_rest, areas in units for code in areas}):
        entries = [RankEntry(key, areas[code], ranked, group) for key, group, ranked, areas in units if code in areas]
        for key, rank in rank_units(entries).items():
            ranks[key][code] = rank
    return ranks


def _competition_ranks(entries: Sequence[RankEntry]) -> dict[Hashable, int]:
    ranks: dict[Hashable, int] = {}
    rank, rank_index = 0, None
    for position, entry in enumerate(sorted(entries, key=lambda entry: entry.index, reverse=True), start=1):
        # A tie keeps the rank of the first unit with that index; the next index takes its position (1, 2, 2, 4).
        if entry.index != rank_index:
            rank, rank_index = position, entry.index
        ranks[entry.key] = rank
    return ranks


# --- Year over year (rule 10) ----------------------------------------------------------------------------------


def compare_years(
    current: UnitResult,
    previous: UnitResult | None,
    *,
    rank: int | None,
    previous_rank: int | None,
    comparable: bool,
) -> YearChange:
    """This year against last; a unit without last year's result has no change, not a change from zero."""
    if previous is None:
        return YearChange(None, None, None, None, comparable)
    return YearChange(
        previous_index=previous.index,
        previous_rank=previous_rank,
        index_change=_difference(current.index, previous.index),
        # Rank 1 is the top, so climbing from 5th to 3rd is +2.
        rank_change=_difference(previous_rank, rank),
        comparable=comparable,
        area_changes=_area_changes(current.areas, previous.areas),
    )


def _difference(minuend: Decimal | int | None, subtrahend: Decimal | int | None) -> Decimal | int | None:
    return None if minuend is None or subtrahend is None else minuend - subtrahend


def _area_changes(
    current: Iterable[AreaResult], previous: Iterable[AreaResult]
) -> tuple[tuple[str, Decimal], ...]:
    previous_indices = {area.code: area.index for area in previous if area.index is not None}
    return tuple(
        (area.code, area.index - previous_indices[area.code])
        for area in current
        if area.index is not None and area.code in previous_indices
    )


def block_statistics(
    rows: Iterable[tuple[UnitResult, YearChange | None, int | None]],
    *,
    precision: int,
    grades: Sequence[GradeTier] = (),
) -> BlockStats:
    """Average index, grade distribution and how many units rose or fell, over one block's complete results:
    incomplete units are listed apart and left out (rule 10)."""
    rows = [row for row in rows if not row[0].incomplete]
    indices = [result.index for result, _change, _rank in rows if result.index is not None]
    rank_changes = [change.rank_change for _result, change, _rank in rows
                    if change is not None and change.rank_change is not None]
    return BlockStats(
        unit_count=len(rows),
        average_index=divide_half_up(sum(indices, ZERO), Decimal(len(indices)), precision) if indices else None,
        grade_distribution=_grade_distribution([result.grade for result, _change, _rank in rows], grades),
        rose=sum(1 for change in rank_changes if change > 0),
        fell=sum(1 for change in rank_changes if change < 0),
    )


def _grade_distribution(grades: Iterable[str | None], tiers: Sequence[GradeTier]) -> dict[str, int]:
    # Every tier is listed, empty ones as 0, so a chart of the distribution keeps its columns year after year.
    distribution = {tier.code: 0 for tier in tiers}
    for grade in grades:
        if grade is not None:
            distribution[grade] = distribution.get(grade, 0) + 1
    return distribution
