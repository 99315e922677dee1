"""The planner's reads against the engine's own output: the results of a small block computed by results_compute.

Block SO of 2025 (the leaves and scores of tests/scoring/results_data.py, hand-checked there): max total 50, bonus
cap 2, penalty cap 3, grade A needs index 90 and every area index 80. Official results:
SNV 100.00 A (1st) · SCT 95.00 B (area 3 at 75 blocks A; 2nd) · SXD 95.00 A (2nd) · STP 84.00 B (4th) ·
SYT 80.00 B (5th) · STC 74.00 B (6th) · SKHDT 72.00 B (7th) · SGTVT 0.00 C (8th) · SVH 0.00 C, no file (8th) ·
BQLKCN 98.00 A, not ranked. 2024 gives the self-score history of STP.
"""
from decimal import Decimal

import pytest

from scoring.models import Block, Cycle, GradeTier, LeafScore, RosterEntry, Scenario, Unit, UnitResult
from scoring.selectors import planner as plans
from scoring.selectors.scorecards import scorecard
from scoring.services.results import results_compute
from tests.conftest import make_block, make_framework, make_unit
from tests.scoring.results_data import GRADES, SO_2025, SO_LEAVES, import_scores

D = Decimal
UNITS = ["SNV", "STP", "STC", "SKHDT", "SCT", "SXD", "SYT", "SGTVT", "BQLKCN", "SVH"]
SO_2024 = {"SNV": {"1.1": "9", "1.2": "9", "2.1": "18", "3.1": "9"},
           "STP": {"1.1": ("10", "9"), "1.2": ("9", "9"), "2.1": ("20", "18"), "3.1": "9"},
           "STC": {"1.1": "8", "1.2": "8", "2.1": "16", "3.1": "8"}}


def make_planner_province():
    """{unit code: Unit} of block SO with its 2024 and 2025 results computed by the engine."""
    block = make_block()
    units = {code: Unit.objects.filter(code=code).first() or make_unit(code, block=block, ranked=code != "BQLKCN")
             for code in UNITS}
    for year in (2024, 2025):
        framework = make_framework(year=year, block=block, leaves=SO_LEAVES, grades=GRADES, bonus_cap=D(2),
                                   penalty_cap=D(3))
        GradeTier.objects.filter(framework=framework, code="A").update(min_area_index=D(80))
    import_scores(2024, "SO", SO_2024)
    import_scores(2025, "SO", SO_2025)
    # Every unit takes part both years, with a file or not: the coordinator kept them on the rosters (rule 13).
    for cycle in Cycle.objects.filter(block=block):
        RosterEntry.objects.bulk_create([RosterEntry(cycle=cycle, unit=unit) for unit in units.values()],
                                        ignore_conflicts=True)
    results_compute(year=2024)
    results_compute(year=2025)
    return units


@pytest.fixture
def units(db):
    return make_planner_province()


def stored(code, year=2025):
    return UnitResult.objects.get(unit__code=code, year=year)


# --- One unit's plan --------------------------------------------------------------------------------------------


def test_the_plan_starts_from_the_engines_result(units):
    for code in UNITS:
        plan = plans.unit_plan(units[code], 2025)
        row = stored(code)

        assert (plan.current.total, plan.current.index, plan.current.grade or "") == (row.total, row.index, row.grade)
        assert plan.rank == row.rank and not plan.stale


def test_the_plan_of_stc_gives_its_three_goals_in_index_and_total_points(units):
    plan = plans.unit_plan(units["STC"], 2025)

    assert (plan.current.index, plan.rank, plan.ranked_count) == (D("74.00"), 6, 9)
    grade = plan.grade_goal
    assert (grade.grade, grade.gap.index_points, grade.gap.total_points) == ("A", D("16.00"), D("7.998"))
    assert [(c.code, c.points) for c in grade.blocking] == [("1", D("0.999")), ("2", D("0.999"))]
    above = plan.above_goal
    assert (above.gap.index, above.gap.total_points, above.rank) == (D("80.01"), D("3.003"), 5)
    assert [plan.peer_names[key] for key in above.passes] == ["Đơn vị SYT"]
    places = plan.places_goal
    assert (places.gap.index, places.gap.total_points, places.rank, places.places) == (D(100), D("12.998"), 1, 5)


def test_gaining_two_places_ties_the_unit_now_fourth(units):
    plan = plans.unit_plan(units["STC"], 2025, places=2)

    assert (plan.places_goal.gap.index, plan.places_goal.gap.total_points, plan.places_goal.rank) == (
        D(84), D("4.998"), 4)


def test_sct_reaches_the_index_of_grade_a_but_its_survey_area_blocks_it(units):
    goal = plans.unit_plan(units["SCT"], 2025).grade_goal

    assert goal.index_reached and goal.gap.total_points == 0
    assert [(c.kind, c.code, c.current, c.points) for c in goal.blocking] == [("area", "3", D("75.00"), D("0.500"))]


def test_the_top_unit_has_no_goal_and_an_unranked_unit_no_rank_goal(units):
    top = plans.unit_plan(units["SNV"], 2025)
    unranked = plans.unit_plan(units["BQLKCN"], 2025)

    assert (top.grade_goal, top.above_goal, top.places_goal) == (None, None, None)
    assert (unranked.rank, unranked.above_goal, unranked.places_goal, unranked.ranked_count) == (None, None, None, 0)


def test_units_tied_last_both_aim_at_the_unit_above(units):
    for code in ("SGTVT", "SVH"):
        plan = plans.unit_plan(units[code], 2025)

        assert (plan.rank, plan.above_goal.gap.index, plan.above_goal.rank) == (8, D("72.01"), 7)


def test_the_leaves_table_lists_lost_points_most_first_with_what_peers_scored(units):
    table = plans.unit_plan(units["STC"], 2025).table

    assert [(leaf.code, leaf.recoverable) for leaf in table] == [
        ("1.2", D(5)), ("2.1", D(5)), ("3.1", D(2)), ("9.2", D(1))]
    # 1.2 among the other files: 10, 8, 8, 10, 9.5, 0, 10 (SYT's is N/A, SVH has no file): 55.5 / 7.
    first = table[0]
    assert (first.peer_average, first.peer_full, first.peer_count) == (D("7.929"), 3, 7)
    # The penalty leaf: only SGTVT's 5 points deducted; nobody else applicable has a row.
    assert (table[3].method, table[3].peer_average, table[3].peer_full, table[3].peer_count) == ("penalty", D(5), 0, 1)


def test_a_na_leaf_and_a_full_leaf_are_not_in_the_table(units):
    codes = [leaf.code for leaf in plans.unit_plan(units["SYT"], 2025).table]

    assert "1.2" not in codes and codes == ["2.1", "1.1", "3.1"]


def test_a_what_if_of_the_plan_recomputes_total_index_grade_and_rank(units):
    plan = plans.unit_plan(units["STC"], 2025)

    what_if = plan.what_if({"1.2": D(10), "2.1": D(20)})

    assert (what_if.result.total, what_if.result.index, what_if.result.grade, what_if.rank) == (
        D("47.000"), D("94.00"), "A", 4)


def test_the_plan_says_when_scores_changed_after_the_last_results_run(units):
    LeafScore.objects.filter(assessment__unit=units["STC"], criterion__code="1.2",
                             criterion__framework__year=2025).update(final_score=D(10))

    plan = plans.unit_plan(units["STC"], 2025)

    assert plan.stale and plan.current.index == D("84.00") and plan.stored.index == D("74.00")


def test_a_year_without_results_has_no_plan(units):
    assert plans.unit_plan(units["STC"], 2023) is None
    assert plans.unit_plan_years(units["STC"]) == [2025, 2024]


def test_a_plan_costs_the_same_few_queries_whatever_the_block(units, django_assert_max_num_queries):
    with django_assert_max_num_queries(11):
        plans.unit_plan(units["STC"], 2025).table


# --- The province -----------------------------------------------------------------------------------------------


@pytest.fixture
def framework_2025(units):
    return plans.province_framework(2025, Block.objects.get(code="SO"))


def test_training_needs_rank_appraised_leaves_by_units_below_full_marks_then_points_lost(framework_2025):
    rows = plans.criteria_lost_rows(plans.training_needs(framework_2025))

    assert [(row["criterion"].code, row["criterion"].units_below, row["criterion"].units, row["points_lost"],
             row["average_lost"]) for row in rows] == [
        ("2.1", 5, 9, D(39), D("7.8")), ("1.2", 5, 8, D("19.5"), D("3.9")), ("1.1", 5, 9, D(16), D("3.2"))]


def test_the_self_score_gap_per_unit_puts_the_biggest_over_claim_first_with_its_history(framework_2025):
    results = list(plans.self_gap_units(2025, Block.objects.get(code="SO")))

    assert [(result.unit.code, result.gap) for result in results] == [("STP", D(8)), ("SYT", D(1))]
    assert plans.self_gap_history([result.unit_id for result in results], [2024, 2025]) == {
        results[0].unit_id: {2024: D(3), 2025: D(8)}, results[1].unit_id: {2025: D(1)}}


def test_the_self_score_gap_per_criterion_counts_units_that_claimed_more(framework_2025):
    rows = list(plans.self_gap_criteria(framework_2025))

    assert [(row.code, row.gap, row.over, row.claimed) for row in rows] == [
        ("2.1", D(4), 1, 2), ("1.1", D(3), 2, 2), ("1.2", D(2), 1, 1), ("9.1", D(1), 1, 1)]
    history = plans.self_gap_criteria_history(Block.objects.get(code="SO"), ["1.1", "2.1"], [2024, 2025])
    assert history == {"1.1": {2024: D(1), 2025: D(3)}, "2.1": {2024: D(2), 2025: D(4)}}


def test_appraiser_statistics_count_changed_leaves_and_the_average_change(coordinator, framework_2025):
    LeafScore.objects.filter(assessment__unit__code="STP", assessment__cycle__year=2025).update(
        appraised_by=coordinator)

    rows = [plans.appraiser_row(row) for row in plans.appraiser_statistics(2025, Block.objects.get(code="SO"))]

    # STP's four self-scored leaves were all cut (2 + 2 + 4 + 1); SYT's two have no appraiser on record.
    figures = [(row["known"], row["leaves"], row["changed"], row["average"], row["cut"], row["added"]) for row in rows]
    assert figures == [
        (True, 4, 4, D("-2.250"), D(9), D(0)), (False, 2, 1, D("-1.000"), D(1), D(0))]
    assert rows[0]["name"] == "dieuphoi" and rows[0]["share"] == D("100.0")


def test_the_demo_scenarios_are_saved_once(units, monkeypatch):
    from scoring.demo import planner as demo_planner

    monkeypatch.setattr(demo_planner, "UNIT", "STC")

    assert (demo_planner.seed_planner(), demo_planner.seed_planner()) == (2, 0)
    assert dict(Scenario.objects.values_list("name", "changes")) == {
        "Hoàn thiện ba tiêu chí mất điểm nhiều nhất": {"1.2": "10", "2.1": "20"},
        "Hoàn thiện lĩnh vực 1": {"1.2": "10"}}


# --- The survey's basis (rule 14): the planner reads the maximum and the points lost as the scorecard does --------


def planner_lost(plan):
    """The lost points of the planner's table on appraised and survey leaves: what the scorecard sums."""
    return sum((leaf.recoverable for leaf in plan.table if leaf.method in ("appraised", "survey")), D(0))


def test_with_the_survey_held_the_what_if_on_a_survey_leaf_moves_the_result_on_the_scorecards_basis(units):
    # STC 2025: 1.1 10/10, 1.2 5/10, 2.1 15/20, survey 3.1 8/10, penalty 1: 37 / 50 = 74.00.
    plan = plans.unit_plan(units["STC"], 2025)
    card = scorecard(None, units["STC"], 2025)

    assert card.survey_held and plan.rules.survey_held
    assert plan.current.max_total == card.result.max_total == D(50)
    assert planner_lost(plan) == card.points_lost == D(12)  # 0 + 5 + 5 + survey 2
    assert ("3.1", D(2)) in [(leaf.code, leaf.recoverable) for leaf in plan.table]
    what_if = plan.what_if({"3.1": D(10)})
    # 39 / 50 = 78.00, one place up past nobody's index (SYT stays at 80.00): still 6th.
    assert (what_if.result.total, what_if.result.index, what_if.result.survey_index, what_if.rank) == (
        D("39.000"), D("78.00"), D("100.00"), 6)


def test_with_the_survey_not_held_the_planner_leaves_survey_leaves_out_like_the_scorecard(units):
    Cycle.objects.filter(year=2025).update(survey_held=False)
    results_compute(year=2025)
    plan = plans.unit_plan(units["STC"], 2025)
    card = scorecard(None, units["STC"], 2025)

    # Rule 6: 10 + 5 + 15 − 1 = 29 of the appraised 40: 72.50.
    assert not card.survey_held and not plan.rules.survey_held
    assert plan.current.max_total == card.result.max_total == D(40)
    assert (plan.current.total, plan.current.index) == (card.result.total, card.result.index) == (
        D("29.000"), D("72.50"))
    assert "3.1" not in [leaf.code for leaf in plan.table]
    assert planner_lost(plan) == card.points_lost == D(10)
    assert not plan.stale
