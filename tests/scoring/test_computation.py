import dataclasses
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from scoring.computation import (
    APPRAISED,
    BONUS,
    METHODS,
    PENALTY,
    SURVEY,
    AreaParts,
    AreaResult,
    GradeTier,
    LeafInput,
    RankEntry,
    ScoringRules,
    UnitParts,
    UnitResult,
    YearChange,
    aggregate_leaves,
    block_statistics,
    compare_years,
    component_results,
    compute_unit,
    rank_units,
)

D = Decimal
TIERS = (
    GradeTier("XUAT_SAC", D(90), min_area_index=D(80)),
    GradeTier("TOT", D(80)),
    GradeTier("KHA", D(70)),
    GradeTier("TRUNG_BINH", D(50)),
    GradeTier("YEU", D(0)),
)
# The national grouping of 2023-2024: only A and B, so a unit under 80 still lands in B.
A_AND_B = (GradeTier("A", D(90)), GradeTier("B", D(80)))


def make_leaf(code, area, max_points, score, method=APPRAISED, not_applicable=False):
    score = None if score is None else D(score)
    return LeafInput(code, area, method, D(max_points), score, not_applicable)


def make_parts(appraised="0", max_appraised="0", survey="0", max_survey="0", bonus="0", penalty="0", areas=()):
    return UnitParts(
        appraised=D(appraised),
        survey=D(survey),
        bonus_claimed=D(bonus),
        penalty_claimed=D(penalty),
        max_appraised=D(max_appraised),
        max_survey=D(max_survey),
        areas=tuple(AreaParts(code, D(points), D(max_points)) for code, points, max_points in areas),
        incomplete=False,
    )


def make_result(index, areas=(), grade=None):
    return UnitResult(
        appraised=D(0), survey=D(0), bonus=D(0), penalty=D(0), total=D(0), max_total=D(0),
        index=None if index is None else D(index), survey_index=None,
        areas=tuple(AreaResult(code, D(0), D(0), D(i)) for code, i in areas), grade=grade, incomplete=False,
    )


# A department: two areas of appraised leaves, one N/A, a survey area, a bonus and a penalty.
DEPARTMENT = (
    make_leaf("1.1", "I1", "2", "2"),
    make_leaf("1.2", "I1", "2", "1.5"),
    make_leaf("2.1", "I2", "4", "3"),
    make_leaf("2.2", "I2", "2", None, not_applicable=True),  # no procedures of its own
    make_leaf("8.1", "I8", "10", "8", method=SURVEY),
    make_leaf("9.1", "I9", "2", "1", method=BONUS),
    make_leaf("9.2", "I9", "1", "0.5", method=PENALTY),
)


# --- Summing leaves ---------------------------------------------------------------------------------------------


def test_a_not_applicable_leaf_leaves_both_points_and_maximum():
    parts = aggregate_leaves(DEPARTMENT)
    assert (parts.appraised, parts.max_appraised) == (D("6.5"), D(8))
    assert (parts.survey, parts.max_survey) == (D(8), D(10))
    assert (parts.bonus_claimed, parts.penalty_claimed) == (D(1), D("0.5"))
    assert parts.incomplete is False


def test_areas_hold_appraised_and_survey_points_but_not_bonus_or_penalty():
    parts = aggregate_leaves(DEPARTMENT)
    assert parts.areas == (
        AreaParts("I1", D("3.5"), D(4)),
        AreaParts("I2", D(3), D(4)),
        AreaParts("I8", D(8), D(10)),
    )


def test_a_unit_with_not_applicable_leaves_is_indexed_on_what_applies():
    result = compute_unit(aggregate_leaves(DEPARTMENT), ScoringRules(grades=TIERS))
    # 6.5 + 8 + 1 - 0.5 = 15 of 8 + 10 = 18 → 83.333...%
    assert (result.total, result.max_total) == (D(15), D(18))
    assert result.index == D("83.33")
    assert [(area.code, area.index) for area in result.areas] == [("I1", D("87.50")), ("I2", D("75.00")),
                                                                  ("I8", D("80.00"))]
    assert result.survey_index == D("80.00")
    assert result.grade == "TOT"


def test_an_unappraised_leaf_counts_zero_and_marks_the_result_incomplete():
    leaves = (make_leaf("1.1", "I1", "2", "2"), make_leaf("1.2", "I1", "2", None))
    parts = aggregate_leaves(leaves)
    assert (parts.appraised, parts.max_appraised, parts.incomplete) == (D(2), D(4), True)
    result = compute_unit(parts, ScoringRules())
    assert (result.index, result.incomplete) == (D("50.00"), True)


def test_a_survey_leaf_without_answers_marks_the_result_incomplete():
    leaves = (make_leaf("1.1", "I1", "2", "2"), make_leaf("8.1", "I8", "3", None, method=SURVEY))
    assert aggregate_leaves(leaves).incomplete is True


def test_an_unclaimed_bonus_or_penalty_does_not_make_the_result_incomplete():
    leaves = (
        make_leaf("1.1", "I1", "2", "2"),
        make_leaf("9.1", "I9", "1", None, method=BONUS),
        make_leaf("9.2", "I9", "1", None, method=PENALTY),
    )
    parts = aggregate_leaves(leaves)
    assert (parts.bonus_claimed, parts.penalty_claimed, parts.incomplete) == (D(0), D(0), False)


def test_a_not_applicable_unscored_leaf_does_not_make_the_result_incomplete():
    leaves = (make_leaf("1.1", "I1", "2", "2"), make_leaf("1.2", "I1", "2", None, not_applicable=True))
    assert aggregate_leaves(leaves).incomplete is False


def test_without_a_survey_the_index_is_the_appraised_part_rescaled_to_100():
    parts = aggregate_leaves(DEPARTMENT, survey_held=False)
    assert (parts.survey, parts.max_survey) == (D(0), D(0))
    assert [area.code for area in parts.areas] == ["I1", "I2"]
    result = compute_unit(parts, ScoringRules(survey_held=False))
    # 6.5 + 1 - 0.5 = 7 of 8
    assert (result.total, result.index, result.survey_index) == (D(7), D("87.50"), None)


def test_an_unanswered_survey_does_not_count_as_incomplete_when_no_survey_is_held():
    leaves = (make_leaf("1.1", "I1", "2", "2"), make_leaf("8.1", "I8", "3", None, method=SURVEY))
    assert aggregate_leaves(leaves, survey_held=False).incomplete is False


def test_an_unknown_method_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown scoring method 'extra'"):
        aggregate_leaves([make_leaf("1.1", "I1", "1", "1", method="extra")])


# --- Caps and clamping ------------------------------------------------------------------------------------------


def test_bonus_above_its_cap_counts_only_the_cap():
    result = compute_unit(make_parts("70", "100", bonus="3.5"), ScoringRules(bonus_cap=D(2)))
    assert (result.bonus, result.total, result.index) == (D(2), D(72), D("72.00"))


def test_bonus_below_its_cap_counts_in_full():
    result = compute_unit(make_parts("70", "100", bonus="1.25"), ScoringRules(bonus_cap=D(2)))
    assert (result.bonus, result.total) == (D("1.25"), D("71.25"))


def test_penalty_is_deducted_from_the_total():
    result = compute_unit(make_parts("70", "80", survey="15", max_survey="20", penalty="1.5"), ScoringRules())
    assert (result.penalty, result.total, result.index) == (D("1.5"), D("83.5"), D("83.50"))


def test_penalty_above_its_cap_deducts_only_the_cap():
    result = compute_unit(make_parts("70", "100", penalty="8"), ScoringRules(penalty_cap=D(5)))
    assert (result.penalty, result.total) == (D(5), D(65))


def test_a_total_above_the_maximum_is_clamped_to_the_maximum():
    result = compute_unit(make_parts("99", "100", bonus="3"), ScoringRules())
    assert (result.bonus, result.total, result.index) == (D(3), D(100), D("100.00"))


def test_a_total_below_zero_is_clamped_to_zero():
    result = compute_unit(make_parts("1", "100", penalty="3"), ScoringRules())
    assert (result.total, result.index) == (D(0), D("0.00"))


def test_without_clamping_the_total_may_leave_zero_to_max():
    rules = ScoringRules(clamp_total=False)
    assert compute_unit(make_parts("99", "100", bonus="3"), rules).index == D("102.00")
    below = compute_unit(make_parts("1", "100", penalty="3"), rules)
    assert (below.total, below.index) == (D(-2), D("-2.00"))


def test_a_unit_with_nothing_applicable_has_no_index_and_no_grade():
    result = compute_unit(make_parts(), ScoringRules(grades=TIERS))
    assert (result.index, result.survey_index, result.grade) == (None, None, None)


def test_points_are_reported_with_3_decimals():
    result = compute_unit(make_parts("70", "100"), ScoringRules())
    assert str(result.total) == "70.000"


# --- Rounding ---------------------------------------------------------------------------------------------------


def test_two_thirds_rounds_to_the_framework_precision():
    parts = make_parts("2", "3")
    assert str(compute_unit(parts, ScoringRules(precision=2)).index) == "66.67"
    assert str(compute_unit(parts, ScoringRules(precision=3)).index) == "66.667"


@pytest.mark.parametrize(
    "total, max_total, precision, index",
    [
        ("0.125", "100", 2, "0.13"),  # exact half: half-even would give 0.12
        ("0.125", "100", 3, "0.125"),
        ("24.69", "200", 2, "12.35"),  # 12.345, half-even would give 12.34
        ("24.689", "200", 3, "12.345"),  # 12.3445, half-even would give 12.344
        ("24.688", "200", 2, "12.34"),  # 12.344 stays down
    ],
)
def test_the_index_rounds_exact_halves_up(total, max_total, precision, index):
    result = compute_unit(make_parts(total, max_total), ScoringRules(precision=precision))
    assert str(result.index) == index


def test_area_and_survey_indices_round_at_the_same_precision():
    parts = make_parts("1", "3", survey="1", max_survey="8", areas=[("I1", "1", "3")])
    result = compute_unit(parts, ScoringRules(precision=3))
    assert (str(result.areas[0].index), str(result.survey_index)) == ("33.333", "12.500")


# --- Grades -----------------------------------------------------------------------------------------------------


def test_a_unit_above_90_with_every_area_above_80_is_graded_excellent():
    parts = make_parts("95", "100", areas=[("I1", "45", "50"), ("I2", "50", "50")])
    assert compute_unit(parts, ScoringRules(grades=TIERS)).grade == "XUAT_SAC"


def test_an_area_below_the_tier_condition_drops_a_95_point_unit_to_the_second_tier():
    parts = make_parts("95", "100", areas=[("I1", "37.5", "50"), ("I2", "57.5", "50")])  # I1 at 75%
    assert compute_unit(parts, ScoringRules(grades=TIERS)).grade == "TOT"


def test_an_area_without_an_index_does_not_block_the_area_condition():
    parts = make_parts("95", "100", areas=[("I1", "95", "100"), ("I2", "0", "0")])
    assert compute_unit(parts, ScoringRules(grades=TIERS)).grade == "XUAT_SAC"


def test_grades_follow_the_rounded_index():
    # 89.995% rounds to 90.00, which is what gets published and graded.
    assert compute_unit(make_parts("89.995", "100"), ScoringRules(grades=TIERS)).grade == "XUAT_SAC"


def test_a_unit_meeting_no_tier_gets_the_lowest():
    assert compute_unit(make_parts("70", "100"), ScoringRules(grades=A_AND_B)).grade == "B"


def test_a_survey_condition_fails_below_its_threshold():
    tiers = (GradeTier("A", D(90), min_survey_index=D(85)), GradeTier("B", D(0)))
    parts = make_parts("68", "68", survey="24", max_survey="30")  # 92/98 = 93.88%, survey 80%
    assert compute_unit(parts, ScoringRules(grades=tiers)).grade == "B"


def test_a_survey_condition_holds_when_no_survey_was_held():
    tiers = (GradeTier("A", D(90), min_survey_index=D(85)), GradeTier("B", D(0)))
    parts = make_parts("95", "100")
    assert compute_unit(parts, ScoringRules(grades=tiers, survey_held=False)).grade == "A"


def test_a_penalty_above_the_tier_limit_drops_the_grade():
    tiers = (GradeTier("A", D(90), max_penalty=D(1)), GradeTier("B", D(0)))
    rules = ScoringRules(grades=tiers)
    assert compute_unit(make_parts("98", "100", penalty="1"), rules).grade == "A"
    assert compute_unit(make_parts("98", "100", penalty="1.5"), rules).grade == "B"


def test_there_is_no_grade_without_tiers():
    assert compute_unit(make_parts("95", "100"), ScoringRules()).grade is None


# --- Ranking ----------------------------------------------------------------------------------------------------


def test_equal_indices_share_a_rank_and_the_next_rank_skips():
    entries = [RankEntry("a", D("91.5"), True), RankEntry("b", D("88.20"), True),
               RankEntry("c", D("88.2"), True), RankEntry("d", D("80"), True)]
    assert rank_units(entries) == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_a_not_ranked_unit_is_left_out_and_takes_no_rank():
    entries = [RankEntry("a", D(91), True), RankEntry("special", D(95), False), RankEntry("b", D(85), True)]
    assert rank_units(entries) == {"a": 1, "special": None, "b": 2}


def test_a_unit_without_an_index_has_no_rank():
    assert rank_units([RankEntry("a", None, True), RankEntry("b", D(50), True)]) == {"a": None, "b": 1}


def test_groups_inside_a_block_are_ranked_separately():
    entries = [
        RankEntry("ward", D(92), True, group="phường"),
        RankEntry("commune", D(88), True, group="xã"),
        RankEntry("ward 2", D(90), True, group="phường"),
        RankEntry("commune 2", D(89), True, group="xã"),
    ]
    assert rank_units(entries) == {"ward": 1, "ward 2": 2, "commune 2": 1, "commune": 2}


rank_entries = st.lists(
    st.builds(
        RankEntry,
        key=st.none(),
        index=st.none() | st.sampled_from([D(80), D("85.5"), D("85.50"), D(90), D(100)]),
        ranked=st.booleans(),
        group=st.sampled_from(["", "phường", "xã"]),
    ),
    max_size=12,
).map(lambda entries: [dataclasses.replace(entry, key=i) for i, entry in enumerate(entries)])


@given(rank_entries)
def test_each_rank_is_one_plus_the_units_strictly_above_in_the_same_group(entries):
    ranks = rank_units(entries)
    rankable = [entry for entry in entries if entry.ranked and entry.index is not None]
    for entry in entries:
        if entry in rankable:
            above = [other for other in rankable if other.group == entry.group and other.index > entry.index]
            assert ranks[entry.key] == 1 + len(above)
        else:
            assert ranks[entry.key] is None


# --- Year over year ---------------------------------------------------------------------------------------------


def test_a_unit_that_rose_shows_a_positive_rank_change():
    current = make_result("85.25", areas=[("I1", "90"), ("I2", "70"), ("I9", "50")])
    previous = make_result("80.75", areas=[("I1", "95.5"), ("I2", "60"), ("I3", "40")])
    change = compare_years(current, previous, rank=3, previous_rank=5, comparable=True)
    assert change == YearChange(
        previous_index=D("80.75"), previous_rank=5, index_change=D("4.50"), rank_change=2, comparable=True,
        area_changes=(("I1", D("-5.5")), ("I2", D(10))),
    )


def test_a_unit_that_fell_shows_a_negative_rank_change():
    change = compare_years(make_result(70), make_result(75), rank=6, previous_rank=2, comparable=True)
    assert (change.index_change, change.rank_change) == (D(-5), -4)


def test_a_unit_missing_last_year_has_no_change_rather_than_a_change_from_zero():
    change = compare_years(make_result(70), None, rank=6, previous_rank=None, comparable=True)
    assert change == YearChange(None, None, None, None, True, ())


def test_the_rank_change_is_empty_when_either_year_is_unranked():
    change = compare_years(make_result(70), make_result(60), rank=None, previous_rank=4, comparable=True)
    assert (change.index_change, change.previous_rank, change.rank_change) == (D(10), 4, None)


def test_a_change_of_framework_version_is_flagged_but_still_shown():
    change = compare_years(make_result(70), make_result(60), rank=1, previous_rank=2, comparable=False)
    assert (change.comparable, change.index_change, change.rank_change) == (False, D(10), 1)


# --- Block statistics -------------------------------------------------------------------------------------------


def test_block_statistics_average_the_indices_and_count_grades_and_moves():
    rows = [
        (make_result("90.5", grade="TOT"), YearChange(D(88), 3, D("2.5"), 2, True), 1),
        (make_result("80.25", grade="TOT"), YearChange(D(81), 1, D("-0.75"), -1, True), 2),
        (make_result("70", grade="KHA"), YearChange(D(70), 3, D(0), 0, True), 3),
        (make_result(None), None, None),
        (make_result("60", grade="TRUNG_BINH"), None, 4),
    ]
    stats = block_statistics(rows, precision=2, grades=TIERS)
    # (90.5 + 80.25 + 70 + 60) / 4 = 75.1875
    assert stats.average_index == D("75.19")
    assert list(stats.grade_distribution.items()) == [
        ("XUAT_SAC", 0), ("TOT", 2), ("KHA", 1), ("TRUNG_BINH", 1), ("YEU", 0)
    ]
    assert (stats.rose, stats.fell, stats.unit_count) == (1, 1, 5)


def test_block_statistics_of_units_without_indices_have_no_average():
    stats = block_statistics([(make_result(None), None, None)], precision=2)
    assert (stats.average_index, stats.grade_distribution, stats.unit_count) == (None, {}, 1)


# --- Properties -------------------------------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=200, places=3)


@st.composite
def leaves(draw, methods=METHODS, full_marks=False):
    max_points = draw(st.decimals(min_value=D("0.25"), max_value=20, places=3))
    scores = st.none() | st.decimals(min_value=0, max_value=max_points, places=3)
    score = max_points if full_marks else draw(scores)
    return LeafInput(
        code=draw(st.text(min_size=1, max_size=3)),
        area_code=draw(st.sampled_from(["I1", "I2", "I3"])),
        method=draw(st.sampled_from(methods)),
        max_points=max_points,
        score=score,
        not_applicable=False if full_marks else draw(st.booleans()),
    )


@st.composite
def unit_parts(draw):
    max_appraised, max_survey = draw(amounts), draw(amounts)
    return UnitParts(
        appraised=draw(st.decimals(min_value=0, max_value=max_appraised, places=3)),
        survey=draw(st.decimals(min_value=0, max_value=max_survey, places=3)),
        bonus_claimed=draw(amounts),
        penalty_claimed=draw(amounts),
        max_appraised=max_appraised,
        max_survey=max_survey,
        areas=(),
        incomplete=False,
    )


scoring_rules = st.builds(
    ScoringRules,
    precision=st.sampled_from([2, 3]),
    bonus_cap=st.none() | amounts,
    penalty_cap=st.none() | amounts,
    grades=st.just(TIERS),
)


@given(unit_parts(), scoring_rules)
def test_a_clamped_total_stays_within_zero_and_the_maximum(parts, rules):
    result = compute_unit(parts, rules)
    assert 0 <= result.total <= result.max_total


@given(unit_parts(), scoring_rules)
def test_a_clamped_index_stays_within_zero_and_100_and_always_has_a_grade(parts, rules):
    result = compute_unit(parts, rules)
    assume(result.index is not None)
    assert 0 <= result.index <= 100
    assert result.grade in {tier.code for tier in TIERS}


@given(st.lists(leaves(methods=(APPRAISED, SURVEY), full_marks=True), min_size=2, max_size=8), st.data())
def test_marking_a_leaf_not_applicable_keeps_a_full_marks_unit_at_100(full_leaves, data):
    position = data.draw(st.integers(min_value=0, max_value=len(full_leaves) - 1))
    marked = list(full_leaves)
    marked[position] = dataclasses.replace(marked[position], not_applicable=True, score=None)
    rules = ScoringRules(precision=data.draw(st.sampled_from([2, 3])))
    before = compute_unit(aggregate_leaves(full_leaves), rules)
    after = compute_unit(aggregate_leaves(marked), rules)
    assert before.index == after.index == 100


@given(st.lists(leaves(), max_size=12), st.booleans())
def test_marking_a_leaf_not_applicable_is_the_same_as_leaving_it_out(all_leaves, survey_held):
    applicable = [leaf for leaf in all_leaves if not leaf.not_applicable]
    assert aggregate_leaves(all_leaves, survey_held=survey_held) == aggregate_leaves(
        applicable, survey_held=survey_held
    )


@given(st.lists(leaves(), max_size=12))
def test_aggregated_sums_equal_the_sums_made_by_hand(all_leaves):
    parts = aggregate_leaves(all_leaves)
    applicable = [leaf for leaf in all_leaves if not leaf.not_applicable]

    def points(method):
        return sum((leaf.score or 0 for leaf in applicable if leaf.method == method), D(0))

    def maximum(method):
        return sum((leaf.max_points for leaf in applicable if leaf.method == method), D(0))

    assert (parts.appraised, parts.survey) == (points(APPRAISED), points(SURVEY))
    assert (parts.bonus_claimed, parts.penalty_claimed) == (points(BONUS), points(PENALTY))
    assert (parts.max_appraised, parts.max_survey) == (maximum(APPRAISED), maximum(SURVEY))
    assert sum((area.points for area in parts.areas), D(0)) == parts.appraised + parts.survey
    assert sum((area.max_points for area in parts.areas), D(0)) == parts.max_appraised + parts.max_survey
    scored = [leaf for leaf in applicable if leaf.method in (APPRAISED, SURVEY)]
    assert parts.incomplete == any(leaf.score is None for leaf in scored)


# --- Grading from plain numbers (the engine's SQL path computes the numbers, Python grades them) -----------------

INDICES = st.decimals(min_value=0, max_value=100, places=2)


@given(index=INDICES, areas=st.lists(st.one_of(st.none(), INDICES), max_size=6),
       survey=st.one_of(st.none(), INDICES), penalty=st.decimals(min_value=0, max_value=5, places=3),
       limit=st.decimals(min_value=0, max_value=5, places=1))
def test_grading_from_plain_numbers_agrees_with_grading_a_computed_result(index, areas, survey, penalty, limit):
    from scoring.computation import grade, grade_for

    tiers = (GradeTier("XUAT_SAC", D(90), min_area_index=D(80), min_survey_index=D(70), max_penalty=limit),
             *TIERS[1:])
    result = dataclasses.replace(
        make_result(index, areas=[(str(n), i) for n, i in enumerate(areas) if i is not None]),
        survey_index=survey, penalty=penalty)

    assert grade(index, areas, survey, penalty, tiers) == grade_for(result, tiers)



# --- Pillars: a second grouping of leaves ----------------------------------------------------------------------


def test_a_pillar_leaves_not_applicable_leaves_out_of_points_and_maximum():
    slots = [("CQS", 3, D(40)), ("KTS", 1, D(10)), ("XHS", 2, D(20))]
    # CQS: one N/A leaf of 10; KTS: its only leaf N/A; XHS: nothing scored yet.
    sums = {"CQS": (D("22.5"), 1, D(10)), "KTS": (None, 1, D(10))}

    assert component_results(slots, sums, 2) == (AreaResult("CQS", D("22.500"), D("30.000"), D("75.00")),
                                                 AreaResult("XHS", D("0.000"), D("20.000"), D("0.00")))


def _pillar_sums(leaves):
    slots, sums = {}, {}
    for leaf in leaves:
        count, max_points = slots.get(leaf.area_code, (0, D(0)))
        slots[leaf.area_code] = (count + 1, max_points + leaf.max_points)
        points, na_count, na_max = sums.get(leaf.area_code, (None, 0, None))
        if leaf.not_applicable:
            sums[leaf.area_code] = (points, na_count + 1, (na_max or D(0)) + leaf.max_points)
        elif leaf.score is not None:
            sums[leaf.area_code] = ((points or D(0)) + leaf.score, na_count, na_max)
        else:
            sums[leaf.area_code] = (points, na_count, na_max)
    return [(code, count, max_points) for code, (count, max_points) in slots.items()], sums


@given(st.lists(leaves(methods=(APPRAISED, SURVEY)), max_size=12), st.sampled_from([0, 2, 3]))
def test_pillars_from_sums_agree_with_areas_summed_leaf_by_leaf(pillar_leaves, precision):
    """A pillar is computed from SQL sums exactly as an area is from its leaves (rules 2, 6, 7)."""
    slots, sums = _pillar_sums(pillar_leaves)
    areas = compute_unit(aggregate_leaves(pillar_leaves), ScoringRules(precision=precision)).areas

    assert {pillar.code: pillar for pillar in component_results(slots, sums, precision)} == {
        area.code: area for area in areas}
