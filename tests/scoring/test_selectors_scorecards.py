"""The scorecard's figures are the engine's: every number is checked against the UnitResult that
results_compute wrote for the hand-built block of scorecard_data.py, and against the figures worked out by hand."""
from decimal import Decimal

import pytest

from scoring.framework_spec import plain_decimal
from scoring.models import Role, UnitResult
from scoring.selectors import scorecards
from scoring.selectors.scorecards import block_averages, grade_colour, rank_change_text, scorecard
from scoring.services.results import results_compute

from .results_data import import_scores
from .scorecard_data import make_evidence, make_scored_block, make_survey_answers


@pytest.fixture
def block(personas, own_unit, other_unit):
    return make_scored_block(own_unit, other_unit)


@pytest.fixture
def card(block, leader, own_unit):
    return scorecard(leader, own_unit, 2025)


def line(card, code):
    return next(row for row in card.rows if row.code == code)


def test_the_headline_is_the_engines_result_of_the_unit(card, own_unit):
    engine = UnitResult.objects.get(unit=own_unit, year=2025)

    assert card.result == engine
    assert (engine.index, engine.grade, engine.rank) == (Decimal("96.00"), "A", 1)
    assert (engine.appraised, engine.survey, engine.bonus, engine.penalty) == (37, 9, 2, 0)
    assert (engine.total, engine.max_total) == (48, 50)
    assert (engine.previous_index, engine.previous_rank, engine.index_change, engine.rank_change,
            engine.comparable) == (Decimal("80.00"), 2, Decimal("16.00"), 1, True)
    assert (card.grade.label, card.ranked_count, card.precision) == ("Loại A", 3, 2)
    assert card.rank_change_text == "tăng 1 bậc"


def test_the_area_indices_are_the_engines_beside_the_block_average(card, own_unit):
    engine = {area["code"]: area for area in UnitResult.objects.get(unit=own_unit, year=2025).areas}

    assert [(area.code, area.title, area.points, area.max_points, area.index) for area in card.areas] == [
        (code, f"Lĩnh vực {code}", Decimal(engine[code]["points"]), Decimal(engine[code]["max"]),
         Decimal(engine[code]["index"])) for code in ("1", "2", "3")]
    assert [area.index for area in card.areas] == [Decimal("95.00"), Decimal("90.00"), Decimal("90.00")]
    assert [area.block_average for area in card.areas] == [Decimal("75.00"), Decimal("73.33"), Decimal("73.33")]
    assert [area.change for area in card.areas] == [Decimal("15.00"), Decimal("10.00"), Decimal("10.00")]
    assert card.block_index_average == Decimal("74.50")


def test_the_block_average_leaves_out_an_area_without_an_index_and_rounds_half_up(block):
    result = UnitResult.objects.get(unit__code="STP", year=2025)
    result.areas = [{**area, "index": None} if area["code"] == "1" else area for area in result.areas]
    result.index = Decimal("47.51")
    result.save()

    overall, by_area = block_averages(2025, block.pk, 2)

    assert by_area["1"] == Decimal("87.50")  # (95 + 80) / 2: STP has no index there
    assert overall == Decimal("74.50")  # 223.51 / 3 = 74.503…


def test_the_cached_block_average_follows_a_new_results_run(block, leader, own_unit):
    assert scorecard(leader, own_unit, 2025).block_index_average == Decimal("74.50")
    import_scores(2025, "SO", {"STP": {"1.2": "10", "2.1": "20", "3.1": "10", "9.2": "0"}})  # STP: 40 / 40
    results_compute(year=2025)

    card = scorecard(leader, own_unit, 2025)

    assert card.block_index_average == Decimal("92.00")  # (96 + 80 + 100) / 3
    assert [area.block_average for area in card.areas] == [Decimal("91.67"), Decimal("90.00"), Decimal("90.00")]


def test_the_cached_ranked_count_follows_a_new_results_run(block, leader, own_unit, other_unit):
    assert scorecard(leader, own_unit, 2025).ranked_count == 3
    other_unit.ranked = False  # scored but no longer ranked: the next run leaves it out of the ranking
    other_unit.save()
    results_compute(year=2025)

    assert scorecard(leader, own_unit, 2025).ranked_count == 2
    assert scorecard(leader, other_unit, 2025).ranked_count == 0  # an unranked unit shows no "n of N"


def test_a_locked_frameworks_criteria_are_the_stored_rows_and_an_unlocked_ones_are_read_afresh(block, leader,
                                                                                                 own_unit):
    first = scorecard(leader, own_unit, 2025)
    framework = first.framework
    assert framework.locked_at is not None  # its cycle opened: the rows are cached by id, revision and lock time
    assert [(row.code, row.title, row.max_points) for row in scorecard(leader, own_unit, 2025).rows] == [
        (code, title, plain_decimal(points)) for code, title, points in
        framework.criteria.order_by("position").values_list("code", "title", "max_points")]

    framework.locked_at = None  # an unlocked revision may still be edited: never served from the cache
    framework.save()
    framework.criteria.filter(code="1.1").update(title="Kế hoạch cải cách hành chính (sửa)")

    assert line(scorecard(leader, own_unit, 2025), "1.1").title == "Kế hoạch cải cách hành chính (sửa)"


def test_every_leaf_shows_its_scores_rounds_reason_and_points_lost(card):
    leaf = line(card, "1.1")

    assert (leaf.self_score, leaf.appraised_score, leaf.second_score, leaf.final_score) == (10, 8, 9, 9)
    assert leaf.reason == "Đã bổ sung kế hoạch khi giải trình"  # the round-2 reason replaces round 1's
    assert leaf.points_lost == 1
    assert [line(card, code).points_lost for code in ("1.2", "2.1", "3.1")] == [0, 2, 1]
    assert line(card, "9.1").points_lost is None  # a bonus is never lost
    assert card.points_lost == 4


def test_areas_and_criteria_sum_their_applicable_leaves(block, leader):
    card = scorecard(leader, block.units.get(code="STP"), 2025)

    area = line(card, "1")
    assert (area.is_leaf, area.max_points, area.final_score, area.points_lost) == (False, 20, 5, 5)
    assert line(card, "1.1").not_applicable and line(card, "1.1").points_lost is None
    assert line(card, "9.2").points_lost == 1  # a penalty leaf: the points deducted
    assert card.result.index == Decimal("47.50") and card.grade.code == "C"


def test_survey_leaves_carry_their_response_counts(block, leader, own_unit, other_unit):
    make_survey_answers(own_unit, other_unit)

    card = scorecard(leader, own_unit, 2025)

    assert [(row.code, row.final_score, row.responses) for row in card.survey_rows] == [("3.1", 9, 3)]
    assert scorecard(leader, other_unit, 2025).survey_rows[0].responses == 1


def test_evidence_is_listed_with_its_download_link(block, leader, own_unit):
    evidence = make_evidence(own_unit)

    [item] = line(scorecard(leader, own_unit, 2025), "1.2").evidence

    assert (item.title, item.document_number, item.file_name) == (
        "Quyết định ban hành kế hoạch CCHC năm 2025", "12/QĐ-SNV", "ke-hoach.pdf")
    assert item.url.endswith(f"/evidence/{evidence.pk}/download/")


def test_a_unit_user_reads_only_its_own_units_scorecard(block, personas, own_unit, other_unit):
    officer = personas[Role.UNIT_OFFICER]

    assert scorecard(officer, own_unit, 2025) is not None
    assert scorecard(officer, other_unit, 2025) is None


def test_a_year_without_a_result_has_no_scorecard(block, leader, own_unit):
    assert scorecard(leader, own_unit, 2030) is None
    assert scorecards.scorecard_years(leader, own_unit) == [2025, 2024]


def test_the_scorecard_reads_a_fixed_number_of_queries(block, leader, own_unit, django_assert_max_num_queries):
    for code in ("1.1", "1.2", "2.1"):
        make_evidence(own_unit, code, title=f"Tài liệu {code}")

    with django_assert_max_num_queries(12):  # +2: provisional or published, and whether the survey is held
        scorecard(leader, own_unit, 2025)


@pytest.mark.parametrize(("change", "text"), [(3, "tăng 3 bậc"), (-2, "giảm 2 bậc"), (0, "giữ nguyên"),
                                              (None, "")])
def test_a_move_in_rank_reads_in_words(change, text):
    assert rank_change_text(change) == text


def test_grade_colours_run_from_green_for_the_best_tier_to_red_for_the_lowest():
    assert [grade_colour(position, 3) for position in range(3)] == ["#1b7f3b", "#a87800", "#b00020"]
    assert grade_colour(0, 1) == "#1b7f3b"
