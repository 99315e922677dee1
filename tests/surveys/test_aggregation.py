"""The survey arithmetic without a database (domain.md, rules 11-12)."""
import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys.aggregation import (
    ELEMENTS, AnswerCount, Distribution, LeafTally, Satisfaction, WeightCount, answer_distribution, leaf_points,
    percent, sample_size, sipas, tally, unit_points,
)
from surveys.models import Content, Element

D = Decimal
weights = st.one_of(st.none(), st.integers(0, 10000).map(lambda n: D(n) / 100))
maxima = st.integers(0, 100000).map(lambda n: D(n) / 1000)


def exact_points(maximum, leaf_weights):
    valid = [Fraction(w) for w in leaf_weights if w is not None]
    exact = Fraction(maximum) * sum(valid) / (100 * len(valid))
    return D(exact.numerator) / D(exact.denominator)


# --- Survey leaf points --------------------------------------------------------------------------------------------


def test_points_are_the_maximum_times_the_mean_weight_over_a_hundred():
    # 3 × (100 + 60 + 60 + 20) / 4 / 100 = 1.8
    assert leaf_points(D(3), tally([D(100), D(60), D(60), D(20)])) == D("1.800")


def test_options_without_a_weight_are_not_counted():
    assert leaf_points(D(2), tally([D(100), None, D(0), None])) == D("1.000")


def test_a_leaf_without_a_valid_answer_has_no_points_rather_than_zero():
    assert leaf_points(D(2), tally([None, None])) is None
    assert leaf_points(D(2), None) is None
    assert leaf_points(D(2), tally([D(0)])) == D("0.000")


def test_points_keep_three_decimals_rounded_half_up():
    # 2.5 × (100 + 60 + 0) / 3 / 100 = 1.3333…
    assert leaf_points(D("2.5"), tally([D(100), D(60), D(0)])) == D("1.333")
    # 0.0125 × 50 / 100 = 0.00625 → 0.006
    assert leaf_points(D("0.0125"), tally([D(50)])) == D("0.006")
    assert leaf_points(D("0.0125"), tally([D(60), D(40), D(50), D(50)])) == D("0.006")


def test_a_point_exactly_half_way_rounds_up():
    # 0.001 × 50 / 100 = 0.0005 → 0.001
    assert leaf_points(D("0.001"), tally([D(50)])) == D("0.001")


def test_the_mean_weight_of_a_tally_is_the_sum_over_the_valid_answers():
    assert LeafTally(D(160), 2).mean_weight == D(80)
    assert LeafTally(D(0), 0).mean_weight is None


def test_unit_points_cover_every_leaf_and_leave_unanswered_ones_empty():
    points = unit_points({"8.1.1": D(3), "8.2.1": D("2.5")}, {"8.1.1": LeafTally(D(160), 2)})

    assert points == {"8.1.1": D("2.400"), "8.2.1": None}


@given(maxima, st.lists(weights, min_size=1, max_size=40))
def test_points_equal_the_exact_quotient_rounded_once_half_up(maximum, leaf_weights):
    points = leaf_points(maximum, tally(leaf_weights))

    if all(w is None for w in leaf_weights):
        assert points is None
    else:
        assert points == exact_points(maximum, leaf_weights).quantize(D("0.001"), rounding=ROUND_HALF_UP)


@given(maxima, st.lists(weights, min_size=1, max_size=40))
def test_points_never_exceed_the_maximum_nor_fall_below_zero(maximum, leaf_weights):
    points = leaf_points(maximum, tally(leaf_weights))

    assert points is None or D(0) <= points <= maximum.quantize(D("0.001"))


@given(maxima, st.lists(weights, min_size=1, max_size=20), st.lists(weights, min_size=1, max_size=20))
def test_a_tally_summed_in_two_parts_gives_the_same_points(maximum, first, second):
    a, b = tally(first), tally(second)

    assert leaf_points(maximum, LeafTally(a.weight_sum + b.weight_sum, a.valid + b.valid)) == \
        leaf_points(maximum, tally(first + second))


# --- SIPAS ---------------------------------------------------------------------------------------------------------


def test_the_elements_are_the_five_of_the_model():
    assert ELEMENTS == tuple(Element.values)


def test_satisfaction_is_the_share_of_valid_answers_at_or_above_the_satisfied_weight():
    rows = [WeightCount("access", "satisfaction", D(100), 3), WeightCount("access", "satisfaction", D(60), 3),
            WeightCount("access", "satisfaction", D(20), 2), WeightCount("access", "satisfaction", None, 5)]

    result = sipas(rows, satisfied_min_weight=D(60))

    assert result.elements["access"] == Satisfaction(6, 8)
    assert result.elements["access"].share == D("75.00")


def test_perception_and_expectation_answers_do_not_count_as_satisfaction():
    rows = [WeightCount("result", "perception", D(100), 9), WeightCount("result", "expectation", D(100), 9),
            WeightCount("result", "satisfaction", D(0), 1)]

    assert sipas(rows, satisfied_min_weight=D(60)).elements["result"] == Satisfaction(0, 1)


def test_overall_satisfaction_pools_every_answer_rather_than_averaging_the_elements():
    rows = [WeightCount("access", "satisfaction", D(100), 1),
            WeightCount("procedure", "satisfaction", D(100), 1), WeightCount("procedure", "satisfaction", D(0), 2)]

    result = sipas(rows, satisfied_min_weight=D(60))

    assert result.overall == Satisfaction(2, 4)
    assert result.overall.share == D("50.00")  # the mean of 100% and 33.33% would be 66.67


def test_an_element_without_answers_has_no_share():
    result = sipas([], satisfied_min_weight=D(60))

    assert list(result.elements) == list(ELEMENTS)
    assert result.elements["feedback"].share is None
    assert result.overall.share is None


def test_the_satisfied_weight_is_configurable():
    rows = [WeightCount("access", "satisfaction", D(60), 1), WeightCount("access", "satisfaction", D(100), 1)]

    assert sipas(rows, satisfied_min_weight=D(80)).overall.share == D("50.00")


@given(st.lists(st.tuples(st.sampled_from(ELEMENTS), st.sampled_from(Content.values), weights,
                          st.integers(1, 50))))
def test_satisfied_answers_never_exceed_valid_ones_and_elements_add_up_to_overall(raw):
    result = sipas([WeightCount(*row) for row in raw], satisfied_min_weight=D(60))

    assert sum(s.satisfied for s in result.elements.values()) == result.overall.satisfied
    assert sum(s.valid for s in result.elements.values()) == result.overall.valid
    assert all(s.satisfied <= s.valid for s in result.elements.values())
    assert result.overall.share is None or D(0) <= result.overall.share <= D(100)


def test_percent_rounds_half_up_to_two_decimals():
    assert percent(1, 8) == D("12.50")
    assert percent(1, 3) == D("33.33")
    assert percent(2, 3) == D("66.67")
    assert percent(1, 0) is None


# --- Sample size ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("transactions, margin, expected", [
    (0, "0.05", 0), (1, "0.05", 1), (100, "0.05", 80), (1000, "0.05", 286), (10000, "0.05", 385),
    (400, "0.05", 200), (1000, "0.1", 91),
])
def test_the_sample_size_is_n_over_one_plus_n_e_squared_rounded_up(transactions, margin, expected):
    assert sample_size(transactions, D(margin)) == expected


def test_a_negative_number_of_transactions_is_refused():
    with pytest.raises(ValueError):
        sample_size(-1, D("0.05"))


@given(st.integers(0, 10 ** 7), st.integers(1, 999).map(lambda n: D(n) / 1000))
def test_the_sample_size_is_the_smallest_whole_number_at_or_above_the_formula(transactions, margin):
    n = sample_size(transactions, margin)
    exact = Fraction(transactions) / (1 + transactions * Fraction(margin) ** 2)

    assert n == math.ceil(exact)
    assert n <= transactions


# --- Distribution --------------------------------------------------------------------------------------------------


OPTIONS = {"C1": ["A", "B", "C"], "C2": ["Có", "Không"]}


def test_a_distribution_counts_each_option_in_option_order_unchosen_ones_included():
    answers = [AnswerCount("C1", "B"), AnswerCount("C1", "B"), AnswerCount("C1", "A", 3)]

    result = answer_distribution(answers, OPTIONS)

    assert result["C1"] == Distribution({"A": 3, "B": 2, "C": 0})
    assert list(result["C1"].counts) == ["A", "B", "C"]
    assert result["C2"] == Distribution({"Có": 0, "Không": 0})


def test_a_distribution_can_be_broken_down_by_group_or_unit():
    answers = [AnswerCount("C1", "A", 2, group="NGUOIDAN", unit="SNV"),
               AnswerCount("C1", "C", 1, group="NGUOIDAN", unit="STC"),
               AnswerCount("C1", "C", 4, group="DOANHNGHIEP", unit="SNV")]

    by_group = answer_distribution(answers, OPTIONS, by="group")
    by_unit = answer_distribution(answers, OPTIONS, by="unit")

    assert by_group[("C1", "NGUOIDAN")].counts == {"A": 2, "B": 0, "C": 1}
    assert by_group[("C1", "DOANHNGHIEP")].counts == {"A": 0, "B": 0, "C": 4}
    assert by_unit[("C1", "SNV")].counts == {"A": 2, "B": 0, "C": 4}
    assert set(by_unit) == {("C1", "SNV"), ("C1", "STC")}


def test_answers_to_questions_not_asked_for_are_ignored():
    assert set(answer_distribution([AnswerCount("C9", "A")], OPTIONS)) == {"C1", "C2"}


def test_shares_of_a_distribution_are_percents_of_its_answers():
    distribution = Distribution({"A": 1, "B": 2, "C": 0})

    assert distribution.total == 3
    assert distribution.share("B") == D("66.67")
    assert Distribution({"A": 0}).share("A") is None


def test_an_unknown_breakdown_is_refused():
    with pytest.raises(ValueError):
        answer_distribution([], OPTIONS, by="province")
