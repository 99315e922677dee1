"""The improvement planner's arithmetic (issue 6): how far a unit stands from its next grade, from the unit ranked
just above it and from a rank N places higher; and what-if results.

Pure, like computation.py, and built on it: a what-if goes through aggregate_leaves, compute_unit, grade_for and
rank_units, so it is exactly the result the engine would publish for those scores. Distances are given twice: in
index points (between rounded indices, as published) and in total points, the least total (to the thousandth, the
precision of points) whose index rounds half up to the target (domain.md, rule 7).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from .computation import (
    PENALTY, ZERO, GradeTier, LeafInput, RankEntry, ScoringRules, UnitResult, aggregate_leaves, compute_unit,
    grade_for, rank_units,
)
from .rules import HUNDRED

THOUSANDTH = Decimal("0.001")
AREA, SURVEY_INDEX, MAX_PENALTY = "area", "survey", "penalty"


@dataclass(frozen=True)
class Gap:
    """What reaching `index` takes from the current result."""

    index: Decimal  # the rounded index to reach
    index_points: Decimal  # index − current index, never negative
    total: Decimal  # the least total whose index rounds to `index` or more
    total_points: Decimal  # total − current total, never negative
    reachable: bool  # within the maximum: no total beyond Max_total can be published (rule 5)


@dataclass(frozen=True)
class ConditionGap:
    """A condition of a grade tier the unit fails (rule 8) and what meeting it takes."""

    kind: str  # AREA, SURVEY_INDEX or MAX_PENALTY
    code: str  # the area's code; "" for the survey and the penalty
    current: Decimal | None  # the area or survey index, or the penalty points
    required: Decimal  # the tier's threshold
    points: Decimal  # area or survey points to gain, or penalty points to shed


@dataclass(frozen=True)
class GradeGoal:
    grade: str  # the tier just above the current grade
    gap: Gap  # to its minimum index (zero points once reached)
    blocking: tuple[ConditionGap, ...]  # its conditions failed now; with the index reached, these alone block

    @property
    def index_reached(self) -> bool:
        return self.gap.index_points == 0


@dataclass(frozen=True)
class RankGoal:
    rank: int  # the rank the target index gives, ranked against the other units as they stand
    places: int  # places gained
    gap: Gap
    passes: tuple[Hashable, ...] = ()  # the units overtaken (pass_above_goal only)


@dataclass(frozen=True)
class WhatIf:
    result: UnitResult
    rank: int | None


# --- Distances in points ----------------------------------------------------------------------------------------


def total_for_index(index: Decimal, max_total: Decimal, precision: int) -> Decimal:
    """The least total, to the thousandth, whose index (total / max × 100) rounds half up to `index` or more."""
    # Rounded half up, the index reaches `index` from half a unit of its last place below it; Decimal keeps the
    # product exact, so the ceiling is the true least total (tests check it against computation.percent).
    half_unit = Decimal(1).scaleb(-precision) / 2
    least = (index - half_unit) * max_total / HUNDRED
    return max(least.quantize(THOUSANDTH, rounding=ROUND_CEILING), ZERO)


def gap_to_index(result: UnitResult, index: Decimal, precision: int) -> Gap:
    """The distance from `result` to a rounded index (the unit's max_total and index must be known)."""
    total = total_for_index(index, result.max_total, precision)
    return Gap(index=index, index_points=max(index - result.index, ZERO), total=total,
               total_points=max(total - result.total, ZERO), reachable=total <= result.max_total)


def points_for_component(index: Decimal, points: Decimal, max_points: Decimal, precision: int) -> Decimal:
    """Points to add to a component (an area, the survey) for its index to round to `index` or more."""
    return max(total_for_index(index, max_points, precision) - points, ZERO)


# --- The next grade (rule 8) ------------------------------------------------------------------------------------


def next_grade_goal(result: UnitResult, tiers: Sequence[GradeTier], precision: int, *,
                    max_survey: Decimal = ZERO) -> GradeGoal | None:
    """The tier just above the unit's grade and what it takes; None at the top tier or without an index.

    `max_survey` is the unit's survey maximum (survey_max), which a UnitResult does not carry."""
    codes = [tier.code for tier in tiers]
    if result.index is None or result.grade not in codes or codes.index(result.grade) == 0:
        return None
    tier = tiers[codes.index(result.grade) - 1]
    return GradeGoal(tier.code, gap_to_index(result, tier.min_index, precision),
                     tuple(failed_conditions(result, tier, precision, max_survey=max_survey)))


def failed_conditions(result: UnitResult, tier: GradeTier, precision: int, *,
                      max_survey: Decimal = ZERO) -> list[ConditionGap]:
    """The tier's extra conditions `result` fails (as computation._meets reads them), each with the points that
    would meet it."""
    failed = []
    if tier.min_area_index is not None:
        failed += [ConditionGap(AREA, area.code, area.index, tier.min_area_index,
                                points_for_component(tier.min_area_index, area.points, area.max_points, precision))
                   for area in result.areas if area.index is not None and area.index < tier.min_area_index]
    survey_index = result.survey_index
    if tier.min_survey_index is not None and survey_index is not None and survey_index < tier.min_survey_index:
        failed.append(ConditionGap(SURVEY_INDEX, "", survey_index, tier.min_survey_index,
                                   points_for_component(tier.min_survey_index, result.survey, max_survey, precision)))
    if tier.max_penalty is not None and result.penalty > tier.max_penalty:
        failed.append(ConditionGap(MAX_PENALTY, "", result.penalty, tier.max_penalty,
                                   result.penalty - tier.max_penalty))
    return failed


# --- Ranks (rule 9) ---------------------------------------------------------------------------------------------


def competitors(peers: Iterable[RankEntry], *, key: Hashable, group: str) -> list[RankEntry]:
    """The other ranked units of the unit's group that have an index: those it is ranked against."""
    return [peer for peer in peers if peer.key != key and peer.ranked and peer.group == group
            and peer.index is not None]


def rank_with(index: Decimal | None, peers: Iterable[RankEntry], *, key: Hashable, group: str,
              ranked: bool = True) -> int | None:
    """The unit's rank with `index`, the other units keeping theirs (rank_units, so ties share a rank)."""
    return rank_units([*competitors(peers, key=key, group=group), RankEntry(key, index, ranked, group)])[key]


def pass_above_goal(result: UnitResult, peers: Iterable[RankEntry], *, key: Hashable, group: str,
                    precision: int) -> RankGoal | None:
    """To rank strictly above the unit just above (one unit of the last place higher than its index); None for a
    unit at the top or without an index."""
    others = competitors(peers, key=key, group=group)
    above = [peer.index for peer in others if result.index is not None and peer.index > result.index]
    if not above:
        return None
    nearest = min(above)
    target = nearest + Decimal(1).scaleb(-precision)
    return _rank_goal(result, others, key, group, target, precision,
                      passes=tuple(peer.key for peer in others if peer.index == nearest))


def places_goal(result: UnitResult, peers: Iterable[RankEntry], *, key: Hashable, group: str, places: int,
                precision: int) -> RankGoal | None:
    """To rise `places` places (to rank 1 at most): equalling the index of the unit now at the wanted rank is
    enough, since equal indices share a rank. None for a unit at the top or without an index."""
    others = competitors(peers, key=key, group=group)
    rank = rank_with(result.index, others, key=key, group=group)
    if rank is None or rank == 1 or places < 1:
        return None
    wanted = max(1, rank - places)
    # Fewer than `wanted` units may stand above: the wanted-th highest other index is the least one that does it.
    target = sorted((peer.index for peer in others), reverse=True)[wanted - 1]
    return _rank_goal(result, others, key, group, target, precision)


def _rank_goal(result, others, key, group, target, precision, passes=()):
    current = rank_with(result.index, others, key=key, group=group)
    reached = rank_with(target, others, key=key, group=group)
    return RankGoal(rank=reached, places=current - reached, gap=gap_to_index(result, target, precision),
                    passes=passes)


# --- What-if ----------------------------------------------------------------------------------------------------


def with_changes(leaves: Iterable[LeafInput], changes: Mapping[str, Decimal]) -> list[LeafInput]:
    """The leaves with the changed scores in place of their official ones."""
    return [dataclasses.replace(leaf, score=changes[leaf.code]) if leaf.code in changes else leaf
            for leaf in leaves]


def unit_result(leaves: Iterable[LeafInput], rules: ScoringRules) -> UnitResult:
    """The engine's result of one unit from its leaves (aggregate_leaves, then compute_unit)."""
    result = compute_unit(aggregate_leaves(leaves, survey_held=rules.survey_held), rules)
    # compute_unit grades already; grade_for states the rule the planner relies on (same tiers, same result).
    return dataclasses.replace(result, grade=grade_for(result, rules.grades))


def what_if(leaves: Sequence[LeafInput], changes: Mapping[str, Decimal], rules: ScoringRules, *,
            peers: Iterable[RankEntry], key: Hashable, group: str, ranked: bool) -> WhatIf:
    """The unit's total, index, grade and rank had the changed leaves scored so; saved nowhere."""
    result = unit_result(with_changes(leaves, changes), rules)
    return WhatIf(result, rank_with(result.index, peers, key=key, group=group, ranked=ranked))


def recoverable(leaf: LeafInput) -> Decimal:
    """Points the leaf could still bring: its lost points (max − score; unscored counts 0), or a penalty's
    deduction. N/A leaves bring none (rule 2)."""
    if leaf.not_applicable:
        return ZERO
    score = leaf.score or ZERO
    return score if leaf.method == PENALTY else max(leaf.max_points - score, ZERO)


def survey_max(leaves: Iterable[LeafInput], rules: ScoringRules) -> Decimal:
    """The unit's survey maximum (counted survey leaves), for a tier's survey condition."""
    return aggregate_leaves(leaves, survey_held=rules.survey_held).max_survey
