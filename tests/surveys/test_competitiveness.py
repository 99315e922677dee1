"""Rule 15 (domain.md): scaling 1-10 by min-max, multi-year bounds, weights, rounding, ties and changes."""
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys.competitiveness import (
    grade_of,
    Bounds, Change, SubIndexSpec, UnitInput, bounds_over, change, check_weights, index_value, raw_value, scale,
    score_block, sub_index,
)

D = Decimal
raws = st.decimals(min_value=0, max_value=100, places=3, allow_nan=False, allow_infinity=False)
TWO = (SubIndexSpec("time", D(60), ("t1", "t2")), SubIndexSpec("open", D(40), ("o1",)))


def exact_half_up(value: Fraction, places: int) -> Decimal:
    """The exact rational value rounded half up (values here are never negative)."""
    return D(int(value * 10 ** places + Fraction(1, 2))).scaleb(-places)


def unit(key, answers=10, **raw):
    return UnitInput(key, {code: (None if value is None else D(value)) for code, value in raw.items()}, answers)


# --- scale -------------------------------------------------------------------------------------------------------


def test_the_lowest_unit_scores_1_and_the_highest_10():
    bounds = Bounds(D("20"), D("80"))
    assert scale(D("20"), bounds) == 1
    assert scale(D("80"), bounds) == 10
    assert scale(D("50"), bounds) == D("5.500")


def test_equal_bounds_give_every_unit_5_5():
    assert scale(D("42.5"), Bounds(D("42.5"), D("42.5"))) == D("5.5")


@given(st.lists(raws, min_size=1, max_size=12))
def test_scaled_values_stay_between_1_and_10_and_keep_the_order(values):
    bounds = bounds_over(values)
    scaled = [scale(value, bounds) for value in values]
    assert all(1 <= value <= 10 for value in scaled)
    for (a, sa) in zip(values, scaled):
        for (b, sb) in zip(values, scaled):
            if a <= b:
                assert sa <= sb


@given(raws, raws, raws)
def test_scaling_rounds_the_exact_value_half_up_to_3_decimals(x, low, high):
    low, high = min(low, high), max(low, high)
    x = min(max(x, low), high)
    if low == high:
        return
    exact = 1 + Fraction(9) * (Fraction(x) - Fraction(low)) / (Fraction(high) - Fraction(low))
    assert scale(x, Bounds(low, high)) == exact_half_up(exact, 3)


def test_a_half_way_scaled_value_rounds_up():
    # 9 × 1/16 = 0.5625 exactly → 0.563 (half up), never 0.562 (half even).
    assert scale(D("1"), Bounds(D("0"), D("16"))) == D("1.563")


# --- raw values, sub-indices, index ----------------------------------------------------------------------------


def test_the_raw_value_is_the_mean_of_the_valid_weights():
    assert raw_value([D(100), D(60), None, D(0)]) == D("53.333")
    assert raw_value([None, None]) is None


def test_a_sub_index_is_the_mean_of_its_scaled_indicators_rounded_half_up():
    assert sub_index([D("1.001"), D("1.002")]) == D("1.002")  # 1.0015 → 1.002


def test_the_weights_must_sum_to_100():
    check_weights(TWO)
    with pytest.raises(ValueError):
        check_weights((SubIndexSpec("a", D(50), ("x",)), SubIndexSpec("b", D(49), ("y",))))


@given(st.lists(st.decimals(min_value=1, max_value=10, places=3), min_size=2, max_size=2))
def test_the_index_is_the_weighted_sum_over_10_at_the_framework_precision(subs):
    value = index_value({"time": subs[0], "open": subs[1]}, TWO, 2)
    exact = (Fraction(60) * Fraction(subs[0]) + Fraction(40) * Fraction(subs[1])) / 10
    assert value == exact_half_up(exact, 2)


def test_a_unit_at_10_everywhere_scores_100_and_at_1_everywhere_10():
    assert index_value({"time": D(10), "open": D(10)}, TWO, 2) == 100
    assert index_value({"time": D(1), "open": D(1)}, TWO, 2) == 10


# --- bounds over the last N years -------------------------------------------------------------------------------


def test_earlier_years_widen_the_bounds():
    assert bounds_over([D(40), D(60)], [Bounds(D(30), D(55)), Bounds(D(45), D(70))]) == Bounds(D(30), D(70))


def test_multi_year_bounds_lower_a_top_unit_below_10():
    block = score_block([unit("a", t1=60, t2=60, o1=60), unit("b", t1=40, t2=40, o1=40)], TWO,
                        minimum_answers=1, precision=2,
                        earlier_bounds={"t1": [Bounds(D(20), D(80))], "t2": [], "o1": [Bounds(D(40), D(60))]})
    a = block.units["a"]
    assert a.scaled == {"t1": D("7.000"), "t2": D("10.000"), "o1": D("10.000")}
    assert block.bounds["t1"] == Bounds(D(20), D(80))
    assert block.year_bounds["t1"] == Bounds(D(40), D(60))


@given(st.lists(raws, min_size=2, max_size=8), st.lists(st.tuples(raws, raws), max_size=3))
def test_bounds_over_n_years_hold_every_years_values(values, earlier):
    earlier = [Bounds(min(a, b), max(a, b)) for a, b in earlier]
    bounds = bounds_over(values, earlier)
    everything = values + [b.low for b in earlier] + [b.high for b in earlier]
    assert bounds == Bounds(min(everything), max(everything))


# --- a whole block: not rated, ranks, ties ------------------------------------------------------------------------


def test_units_below_the_minimum_answers_are_not_rated_and_stay_out_of_the_bounds():
    block = score_block([unit("a", t1=90, t2=90, o1=90), unit("b", t1=10, t2=10, o1=10),
                         unit("few", answers=2, t1=0, t2=0, o1=0)], TWO, minimum_answers=5, precision=2)
    assert block.units["few"].rated is False and block.units["few"].index is None
    assert block.units["few"].rank is None
    assert block.bounds["t1"] == Bounds(D(10), D(90))
    assert block.units["a"].index == 100 and block.units["b"].index == 10


def test_a_unit_missing_a_whole_sub_index_is_not_rated():
    block = score_block([unit("a", t1=90, t2=90, o1=None), unit("b", t1=10, t2=None, o1=30)], TWO,
                        minimum_answers=1, precision=2)
    assert block.units["a"].rated is False
    assert block.units["b"].sub_indices["time"] == D("5.5")  # only t1, alone within the bounds


def test_equal_indices_share_a_rank_and_the_next_skips():
    block = score_block([unit("a", t1=90, t2=90, o1=90), unit("b", t1=50, t2=50, o1=50),
                         unit("c", t1=50, t2=50, o1=50), unit("d", t1=10, t2=10, o1=10)], TWO,
                        minimum_answers=1, precision=2)
    assert [block.units[key].rank for key in "abcd"] == [1, 2, 2, 4]
    assert [block.units[key].sub_index_ranks["open"] for key in "abcd"] == [1, 2, 2, 4]


def test_units_not_ranked_are_scored_but_left_out_of_the_ranks():
    units = [unit("a", t1=90, t2=90, o1=90), UnitInput("special", {"t1": D(95), "t2": D(95), "o1": D(95)}, 10,
                                                       ranked=False), unit("b", t1=10, t2=10, o1=10)]
    block = score_block(units, TWO, minimum_answers=1, precision=2)
    assert block.units["special"].index == 100 and block.units["special"].rank is None
    assert block.units["a"].rank == 1 and block.units["b"].rank == 2


@given(st.lists(st.tuples(raws, raws, raws), min_size=1, max_size=10))
def test_ranks_follow_the_rounded_index_with_competition_ties(rows):
    units = [unit(i, t1=a, t2=b, o1=c) for i, (a, b, c) in enumerate(rows)]
    block = score_block(units, TWO, minimum_answers=1, precision=2)
    scores = list(block.units.values())
    for score in scores:
        assert score.rank == 1 + sum(1 for other in scores if other.index > score.index)
        assert D(10) <= score.index <= D(100)


def test_changes_follow_rule_10():
    assert change(D("60.02"), 6, D("53.76"), 11) == Change(D("6.26"), 5)
    assert change(D("60.02"), 6, None, None).value_change is None
    assert change(D("60.02"), None, D("50"), 3).rank_change is None


TIER_MINIMUMS = st.lists(st.decimals(min_value=0, max_value=100, places=1), min_size=1, max_size=5, unique=True)


@given(TIER_MINIMUMS, st.decimals(min_value=0, max_value=100, places=2))
def test_a_grade_is_the_highest_tier_the_value_reaches(minimums, value):
    tiers = [(f"G{n}", minimum) for n, minimum in enumerate(minimums)]
    code = grade_of(value, tiers)
    reached = [minimum for minimum in minimums if value >= minimum]
    if not reached:
        assert code == ""
    else:
        assert dict(tiers)[code] == max(reached)


def test_a_unit_not_rated_has_no_grade():
    assert grade_of(None, [("TB", Decimal(0))]) == ""
