"""The competitiveness arithmetic (domain.md, rule 15): DDCI-style indices where firms rate departments and districts.

Pure: plain values in, plain values out, Decimal throughout, no ORM. The engine (surveys/services/competitiveness.py)
does the same arithmetic in one SQL pass for a whole block; these functions state the rule, serve small screens and
cross-check the SQL in tests.

- An indicator's raw value for a unit is the mean weight (0-100) of the valid answers, kept to 3 decimals.
- Within a block each indicator is scaled 1-10 by min-max over the rated units: s = 1 + 9·(x − min)/(max − min),
  5.5 when max = min; the bounds may reach back over the last N years (the caller hands in earlier years' bounds).
- A sub-index is the mean of its indicators' scaled values; scaled values and sub-indices keep 3 decimals.
- The index is Σ w_k·S_k / 10 (weights in percent summing to 100), rounded to the framework's precision.
Every rounding is half up, once, from the exact value.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from scoring.computation import RankEntry, rank_units
from scoring.rules import HUNDRED, divide_half_up

SCALED_PLACES = 3
LOWEST, HIGHEST = Decimal(1), Decimal(10)
MIDDLE = Decimal("5.5")
SPAN = HIGHEST - LOWEST


@dataclass(frozen=True)
class Bounds:
    low: Decimal
    high: Decimal


@dataclass(frozen=True)
class SubIndexSpec:
    code: str
    weight: Decimal  # percent; the weights of a framework sum to 100
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class UnitInput:
    key: Hashable
    raw: Mapping[str, Decimal | None]  # indicator code → raw mean weight, None when no valid answer
    answers: int  # responses with at least one valid answer
    ranked: bool = True
    group: str = ""


@dataclass(frozen=True)
class UnitScore:
    key: Hashable
    rated: bool
    scaled: dict[str, Decimal] = field(default_factory=dict)
    sub_indices: dict[str, Decimal] = field(default_factory=dict)
    index: Decimal | None = None
    rank: int | None = None
    sub_index_ranks: dict[str, int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class BlockScores:
    bounds: dict[str, Bounds]  # the bounds used, stored with the results
    year_bounds: dict[str, Bounds]  # this year's own min and max, which a later year may reach back to
    units: dict[Hashable, UnitScore]


@dataclass(frozen=True)
class Change:
    value_change: Decimal | None
    rank_change: int | None  # positive = rose ("tăng N bậc")


# --- One value at a time ----------------------------------------------------------------------------------------


def raw_value(weights: Iterable[Decimal | None]) -> Decimal | None:
    """The mean weight of the valid answers (a blank weight, "don't know", is not counted), 3 decimals."""
    valid = [weight for weight in weights if weight is not None]
    if not valid:
        return None
    return divide_half_up(sum(valid, Decimal(0)), Decimal(len(valid)), SCALED_PLACES)


def bounds_over(values: Iterable[Decimal], earlier: Iterable[Bounds] = ()) -> Bounds | None:
    """Min and max of this year's values and of the earlier years' own bounds (rule 15's "last N years")."""
    lows, highs = [], []
    for value in values:
        lows.append(value)
        highs.append(value)
    for bounds in earlier:
        lows.append(bounds.low)
        highs.append(bounds.high)
    return Bounds(min(lows), max(highs)) if lows else None


def scale(value: Decimal, bounds: Bounds) -> Decimal:
    """1-10 by min-max; every unit gets 5.5 when the bounds are equal (no unit did better than another)."""
    if bounds.high == bounds.low:
        return MIDDLE
    return LOWEST + divide_half_up(SPAN * (value - bounds.low), bounds.high - bounds.low, SCALED_PLACES)


def sub_index(scaled: Sequence[Decimal]) -> Decimal:
    return divide_half_up(sum(scaled, Decimal(0)), Decimal(len(scaled)), SCALED_PLACES)


def check_weights(specs: Sequence[SubIndexSpec]) -> None:
    total = sum((spec.weight for spec in specs), Decimal(0))
    if total != HUNDRED:
        raise ValueError(f"sub-index weights sum to {total}, not 100")


def index_value(sub_indices: Mapping[str, Decimal], specs: Sequence[SubIndexSpec], precision: int) -> Decimal:
    """Σ w_k·S_k / 10: a unit at 10 in every sub-index scores 100."""
    weighted = sum((spec.weight * sub_indices[spec.code] for spec in specs), Decimal(0))
    return divide_half_up(weighted, Decimal(10), precision)


def grade_of(value: Decimal | None, tiers: Iterable[tuple[str, Decimal]]) -> str:
    """The code of the highest tier (code, minimum index) the value reaches; "" for a unit not rated or below
    every tier."""
    if value is None:
        return ""
    reached = [(minimum, code) for code, minimum in tiers if value >= minimum]
    return max(reached)[1] if reached else ""


def change(value: Decimal | None, rank: int | None, previous_value: Decimal | None,
           previous_rank: int | None) -> Change:
    """Rule 10: no change without last year's figure, never a change from zero."""
    value_change = None if value is None or previous_value is None else value - previous_value
    rank_change = None if rank is None or previous_rank is None else previous_rank - rank
    return Change(value_change, rank_change)


# --- A whole block ----------------------------------------------------------------------------------------------


def score_block(units: Iterable[UnitInput], specs: Sequence[SubIndexSpec], *, minimum_answers: int,
                precision: int, earlier_bounds: Mapping[str, Sequence[Bounds]] | None = None) -> BlockScores:
    """Scores every unit of a block; units with fewer valid answers than the minimum, or with a sub-index none of
    whose indicators has an answer, are not rated (shown as such, never as zero) and stay out of the bounds."""
    check_weights(specs)
    units = list(units)
    codes = [code for spec in specs for code in spec.indicators]
    rated = [unit for unit in units if unit.answers >= minimum_answers and _covers(unit, specs)]
    year_bounds = _year_bounds(rated, codes)
    earlier_bounds = earlier_bounds or {}
    bounds = {code: bounds_over([own.low, own.high], earlier_bounds.get(code, ()))
              for code, own in year_bounds.items()}
    scores = {unit.key: _score_unit(unit, specs, bounds, precision) for unit in rated}
    scores = _with_ranks(rated, scores, specs)
    for unit in units:
        scores.setdefault(unit.key, UnitScore(unit.key, rated=False))
    return BlockScores(bounds=bounds, year_bounds=year_bounds, units=scores)


def _covers(unit: UnitInput, specs: Sequence[SubIndexSpec]) -> bool:
    return all(any(unit.raw.get(code) is not None for code in spec.indicators) for spec in specs)


def _year_bounds(rated: Sequence[UnitInput], codes: Sequence[str]) -> dict[str, Bounds]:
    year_bounds = {}
    for code in codes:
        found = bounds_over(unit.raw[code] for unit in rated if unit.raw.get(code) is not None)
        if found is not None:
            year_bounds[code] = found
    return year_bounds


def _score_unit(unit: UnitInput, specs, bounds, precision) -> UnitScore:
    scaled = {code: scale(unit.raw[code], bounds[code])
              for spec in specs for code in spec.indicators if unit.raw.get(code) is not None}
    subs = {spec.code: sub_index([scaled[code] for code in spec.indicators if code in scaled]) for spec in specs}
    return UnitScore(unit.key, rated=True, scaled=scaled, sub_indices=subs, index=index_value(subs, specs, precision))


def _with_ranks(rated, scores, specs) -> dict[Hashable, UnitScore]:
    index_ranks = rank_units(RankEntry(unit.key, scores[unit.key].index, unit.ranked, unit.group) for unit in rated)
    sub_ranks = {spec.code: rank_units(RankEntry(unit.key, scores[unit.key].sub_indices[spec.code], unit.ranked,
                                                 unit.group) for unit in rated) for spec in specs}
    return {key: UnitScore(key, True, score.scaled, score.sub_indices, score.index, index_ranks[key],
                           {code: ranks[key] for code, ranks in sub_ranks.items()})
            for key, score in scores.items()}
