"""The planner's arithmetic (scoring/planning.py), checked against computation.py: no database."""
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from scoring import planning
from scoring.computation import (
    APPRAISED, BONUS, PENALTY, SURVEY, AreaResult, GradeTier, LeafInput, RankEntry, ScoringRules, UnitResult,
    aggregate_leaves, compute_unit, percent, rank_units,
)

D = Decimal
TIERS = (GradeTier("A", D(90), min_area_index=D(80)), GradeTier("B", D(70)), GradeTier("C", D(0)))
RULES = ScoringRules(precision=2, bonus_cap=D(2), penalty_cap=D(3), grades=TIERS)


def leaf(code, max_points, score, method=APPRAISED, area=None, not_applicable=False):
    return LeafInput(code, area or code.split(".")[0], method, D(max_points), None if score is None else D(score),
                     not_applicable)


def result(index, total="0", max_total="100", grade=None, areas=(), survey="0", survey_index=None, penalty="0"):
    return UnitResult(appraised=D(total), survey=D(survey), bonus=D(0), penalty=D(penalty), total=D(total),
                      max_total=D(max_total), index=None if index is None else D(index),
                      survey_index=None if survey_index is None else D(survey_index),
                      areas=tuple(AreaResult(code, D(points), D(maximum), D(area_index))
                                  for code, points, maximum, area_index in areas),
                      grade=grade, incomplete=False)


def peers(*indices, group=""):
    return [RankEntry(f"U{n}", D(index), True, group) for n, index in enumerate(indices)]


# --- Points for an index ----------------------------------------------------------------------------------------


def test_the_least_total_for_an_index_counts_the_half_up_rounding_of_the_index():
    # 84.596 / 94 = 89.9957... rounds to 90.00; 84.595 gives 89.9946... = 89.99.
    assert planning.total_for_index(D(90), D(94), 2) == D("84.596")
    assert percent(D("84.596"), D(94), 2) == D("90.00")
    assert percent(D("84.595"), D(94), 2) == D("89.99")


def test_the_least_total_of_index_zero_is_zero():
    assert planning.total_for_index(D(0), D(50), 2) == 0


@given(max_total=st.decimals(min_value=D("0.001"), max_value=D(1000), places=3),
       index=st.decimals(min_value=D(0), max_value=D(100), places=2), precision=st.sampled_from([0, 1, 2, 3]))
def test_the_least_total_reaches_the_index_and_a_thousandth_less_does_not(max_total, index, precision):
    index = index.quantize(D(1).scaleb(-precision))
    total = planning.total_for_index(index, max_total, precision)

    assert percent(total, max_total, precision) >= index
    assert total == 0 or percent(total - D("0.001"), max_total, precision) < index


def test_a_gap_counts_index_points_and_total_points_from_the_current_result():
    gap = planning.gap_to_index(result("74.00", total="37", max_total="50"), D("80.01"), 2)

    assert (gap.index, gap.index_points, gap.total, gap.total_points, gap.reachable) == (
        D("80.01"), D("6.01"), D("40.003"), D("3.003"), True)


def test_a_gap_already_closed_is_zero_and_one_past_the_maximum_is_unreachable():
    current = result("95.00", total="47.5", max_total="50")

    assert planning.gap_to_index(current, D(90), 2).total_points == 0
    assert planning.gap_to_index(current, D(90), 2).index_points == 0
    assert planning.gap_to_index(current, D("100.01"), 2).reachable is False


def test_adding_the_gap_in_total_points_to_a_leaf_reaches_the_target_index():
    leaves = [leaf("1.1", 10, 7), leaf("1.2", 10, 6)]
    rules = ScoringRules(precision=2, grades=(GradeTier("B", D(70)), GradeTier("C", D(0))), survey_held=False)
    current = planning.unit_result(leaves, rules)
    gap = planning.gap_to_index(current, D(70), 2)

    reached = planning.unit_result(planning.with_changes(leaves, {"1.1": D(7) + gap.total_points}), rules)
    short = planning.unit_result(planning.with_changes(leaves, {"1.1": D(7) + gap.total_points - D("0.001")}),
                                 rules)

    assert (current.index, gap.total_points) == (D("65.00"), D("0.999"))
    assert (reached.index, reached.grade) == (D("70.00"), "B")
    assert (short.index, short.grade) == (D("69.99"), "C")


# --- The next grade ---------------------------------------------------------------------------------------------


def test_the_next_grade_is_the_tier_above_with_its_index_gap_and_failed_area_conditions():
    current = result("74.00", total="37", max_total="50", grade="B",
                     areas=[("1", "15", "20", "75.00"), ("2", "15", "20", "75.00"), ("3", "8", "10", "80.00")])

    goal = planning.next_grade_goal(current, TIERS, 2)

    assert goal.grade == "A" and not goal.index_reached
    assert (goal.gap.index_points, goal.gap.total_points) == (D("16.00"), D("7.998"))
    assert [(c.kind, c.code, c.current, c.required, c.points) for c in goal.blocking] == [
        ("area", "1", D("75.00"), D(80), D("0.999")), ("area", "2", D("75.00"), D(80), D("0.999"))]


def test_with_the_index_reached_the_failed_condition_alone_blocks_the_grade():
    current = result("95.00", total="47.5", max_total="50", grade="B",
                     areas=[("1", "20", "20", "100.00"), ("3", "7.5", "10", "75.00")])

    goal = planning.next_grade_goal(current, TIERS, 2)

    assert goal.index_reached and goal.gap.total_points == 0
    assert [(c.code, c.points) for c in goal.blocking] == [("3", D("0.500"))]


def test_the_top_tier_has_no_next_grade_and_the_lowest_aims_at_the_one_above():
    assert planning.next_grade_goal(result("95.00", grade="A"), TIERS, 2) is None
    assert planning.next_grade_goal(result("40.00", total="40", grade="C"), TIERS, 2).grade == "B"
    assert planning.next_grade_goal(result(None, grade=None), TIERS, 2) is None


def test_survey_and_penalty_conditions_say_how_many_points_meet_them():
    tiers = (GradeTier("A", D(90), min_survey_index=D(80), max_penalty=D(1)), GradeTier("B", D(0)))
    current = result("91.00", total="91", grade="B", survey="14", survey_index="70.00", penalty="2.5")

    goal = planning.next_grade_goal(current, tiers, 2, max_survey=D(20))

    assert [(c.kind, c.points) for c in goal.blocking] == [("survey", D("1.999")), ("penalty", D("1.5"))]


# --- Ranks ------------------------------------------------------------------------------------------------------


def test_passing_the_unit_above_takes_one_unit_of_the_last_place_more_than_its_index():
    goal = planning.pass_above_goal(result("80.00", total="80"), peers(95, 90, 90, 85), key="me", group="",
                                    precision=2)

    # 85.005 / 100 rounds half up to 85.01.
    assert (goal.gap.index, goal.gap.index_points, goal.gap.total_points) == (D("85.01"), D("5.01"), D("5.005"))
    assert (goal.rank, goal.places, goal.passes) == (4, 1, ("U3",))


def test_a_unit_tied_with_another_passes_the_next_higher_index_and_names_all_tied_units_above():
    goal = planning.pass_above_goal(result("85.00", total="85"), peers(95, 90, 90, 85), key="me", group="",
                                    precision=2)

    assert goal.gap.index == D("90.01") and goal.passes == ("U1", "U2") and goal.rank == 2


def test_the_top_unit_has_no_unit_above_even_when_tied():
    assert planning.pass_above_goal(result("95.00"), peers(95, 90), key="me", group="", precision=2) is None
    assert planning.places_goal(result("95.00"), peers(95, 90), key="me", group="", places=5, precision=2) is None


def test_only_ranked_units_of_the_same_group_count():
    others = [RankEntry("X", D(99), False, ""), RankEntry("Y", D(98), True, "Xã"), RankEntry("Z", D(90), True, "")]

    goal = planning.pass_above_goal(result("80.00", total="80"), others, key="me", group="", precision=2)

    assert goal.passes == ("Z",) and goal.rank == 1


def test_gaining_n_places_equals_the_index_now_at_the_wanted_rank_since_ties_share_it():
    current = result("80.00", total="80")

    two = planning.places_goal(current, peers(95, 90, 90, 85), key="me", group="", places=2, precision=2)
    ten = planning.places_goal(current, peers(95, 90, 90, 85), key="me", group="", places=10, precision=2)

    # From 5th: rank 3 needs fewer than 3 units above, so 90 (the 3rd highest) is enough, and ties for 2nd.
    assert (two.gap.index, two.rank, two.places) == (D(90), 2, 3)
    assert (ten.gap.index, ten.rank, ten.places) == (D(95), 1, 4)


@given(indices=st.lists(st.decimals(min_value=D(0), max_value=D(100), places=2), min_size=1, max_size=25),
       own=st.decimals(min_value=D(0), max_value=D(100), places=2), places=st.integers(1, 30))
def test_the_places_goal_index_gives_at_least_the_wanted_rank(indices, own, places):
    others = peers(*indices)
    current = result(own, total=own)
    rank = planning.rank_with(own, others, key="me", group="")
    goal = planning.places_goal(current, others, key="me", group="", places=places, precision=2)
    assume(goal is not None)

    assert planning.rank_with(goal.gap.index, others, key="me", group="") <= max(1, rank - places)
    assert planning.rank_with(goal.gap.index - D("0.01"), others, key="me", group="") > max(1, rank - places)


# --- What-if ----------------------------------------------------------------------------------------------------

LEAVES = [leaf("1.1", 10, 10), leaf("1.2", 10, 5), leaf("2.1", 20, 15), leaf("3.1", 10, 8, SURVEY),
          leaf("9.1", 5, None, BONUS, area="9"), leaf("9.2", 10, 1, PENALTY, area="9")]


def test_a_what_if_is_what_computation_gives_for_the_changed_leaves_and_ranks_against_the_block():
    block = peers(100, 95, 95, 84, 80, 72, 0)
    changes = {"1.2": D(10), "2.1": D(20)}

    what_if = planning.what_if(LEAVES, changes, RULES, peers=block, key="me", group="", ranked=True)

    changed = [leaf("1.1", 10, 10), leaf("1.2", 10, 10), leaf("2.1", 20, 20), *LEAVES[3:]]
    assert what_if.result == compute_unit(aggregate_leaves(changed), RULES)
    assert (what_if.result.total, what_if.result.index, what_if.result.grade) == (D("47.000"), D("94.00"), "A")
    assert what_if.rank == rank_units([*block, RankEntry("me", D("94.00"), True, "")])["me"] == 4


def test_a_what_if_without_changes_is_the_current_result():
    current = planning.what_if(LEAVES, {}, RULES, peers=[], key="me", group="", ranked=True)

    assert current.result == compute_unit(aggregate_leaves(LEAVES), RULES)
    assert (current.result.index, current.result.grade, current.rank) == (D("74.00"), "B", 1)


def test_an_unranked_unit_gets_no_rank_in_a_what_if():
    assert planning.what_if(LEAVES, {}, RULES, peers=peers(90), key="me", group="", ranked=False).rank is None


def test_points_recoverable_are_lost_points_or_a_penalty_deduction_and_none_on_na_leaves():
    assert [planning.recoverable(item) for item in LEAVES] == [0, 5, 5, 2, 5, 1]
    assert planning.recoverable(leaf("1.3", 4, None)) == 4
    assert planning.recoverable(leaf("1.3", 4, 1, not_applicable=True)) == 0


scores = st.decimals(min_value=D(0), max_value=D(10), places=3)


@given(scored=st.lists(st.tuples(st.sampled_from([APPRAISED, SURVEY, BONUS]), scores), min_size=1, max_size=8),
       penalty=scores, which=st.integers(0, 7), raise_by=scores)
def test_raising_a_leaf_that_is_not_a_penalty_never_lowers_the_index(scored, penalty, which, raise_by):
    leaves = [leaf(f"{n % 3 + 1}.{n}", 10, score, method) for n, (method, score) in enumerate(scored)]
    leaves.append(leaf("9.9", 10, penalty, PENALTY, area="9"))
    chosen = leaves[which % len(scored)]
    before = planning.unit_result(leaves, RULES)

    after = planning.unit_result(planning.with_changes(leaves, {chosen.code: min(D(10), chosen.score + raise_by)}),
                                 RULES)

    assert before.index is None or after.index >= before.index
    assert [tier.code for tier in TIERS].index(after.grade or "C") <= [t.code for t in TIERS].index(
        before.grade or "C")


@given(penalty=scores, lower_by=scores)
def test_lowering_a_penalty_never_lowers_the_index(penalty, lower_by):
    leaves = [*LEAVES[:5], leaf("9.2", 10, penalty, PENALTY, area="9")]

    after = planning.unit_result(planning.with_changes(leaves, {"9.2": max(D(0), penalty - lower_by)}), RULES)

    assert after.index >= planning.unit_result(leaves, RULES).index


@pytest.mark.parametrize(("changes", "rank"), [
    ({}, 6), ({"1.2": D(8)}, 5), ({"2.1": D(20)}, 4), ({"1.2": D(10), "2.1": D(20)}, 4)])
def test_the_what_if_rank_follows_the_new_index(changes, rank):
    block = peers(100, 95, 95, 84, 80, 72, 0, 0)

    assert planning.what_if(LEAVES, changes, RULES, peers=block, key="me", group="", ranked=True).rank == rank
