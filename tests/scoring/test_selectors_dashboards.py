"""The dashboards' figures against the results engine's output on the hand-checked province of results_data.py
(its SO 2025 table is checked row by row in test_services_results.py): results_compute writes the UnitResult
rows, and every figure here is compared with those rows, with computation.block_statistics over them, or with the
leaf scores the engine read."""
from decimal import Decimal

import pytest
from django.utils import timezone

from scoring import computation
from scoring.models import (Assessment, AssessmentStatus, Block, Framework, LeafScore, Publication, Role, Unit,
                            UnitResult)
from scoring.permissions import (assessments_visible_to, leaf_scores_visible_to, public_publications,
                                 results_visible_to)
from scoring.selectors import dashboards
from scoring.services.results import results_compute
from tests.conftest import make_user
from tests.scoring.results_data import make_province

D = Decimal


@pytest.fixture
def province(db):
    make_province()
    results_compute(year=2025)


@pytest.fixture
def reader(province):
    return make_user("lanhdao", Role.LEADER)


def so():
    return Block.objects.get(code="SO")


def xa():
    return Block.objects.get(code="XA")


def scope(reader, block=None, group="", year=2025):
    return dashboards.dashboard_scope(results_visible_to(reader), year, block or so(), group)


def codes(rows, key="unit_code"):
    return [row[key] for row in rows]


def named(items):
    """Cached figures name their units by id; the pages label them with the units' current code and name."""
    return dashboards.labelled(items, dashboards.unit_labels(Unit.objects.all(), [i["unit_id"] for i in items]))


def bands(year=2025, block=None):
    return dashboards.grade_bands(Framework.objects.get(year=year, block=block or so()))


# --- Headline figures ------------------------------------------------------------------------------------------


def test_the_headline_figures_are_the_engines_block_statistics(reader):
    stored = list(UnitResult.objects.filter(year=2025, block=so()))
    tiers = [computation.GradeTier(code, D(0)) for code in ("A", "B", "C")]
    expected = computation.block_statistics(
        [(computation.UnitResult(*[D(0)] * 6, row.index, None, (), row.grade, row.incomplete),
          computation.YearChange(None, None, None, row.rank_change, True), row.rank) for row in stored],
        precision=2, grades=tiers)

    headline = dashboards.dashboard_headline(scope(reader), 2, bands())

    # SVH (no file: incomplete) is listed apart and left out of every figure (rule 10).
    assert headline["units"] == expected.unit_count == 9
    assert [unit["unit_id"] for unit in headline["incomplete"]] == [Unit.objects.get(code="SVH").pk]
    assert headline["average"] == str(expected.average_index) == "77.56"  # 698 / 9, half up
    assert {band.code: n for band, n in headline["distribution"]} == expected.grade_distribution == {
        "A": 3, "B": 5, "C": 1}
    assert (headline["rose"], headline["fell"]) == (expected.rose, expected.fell) == (3, 4)
    assert (headline["held"], headline["ranked"]) == (0, 8)  # BQLKCN is not ranked


def test_the_top_and_bottom_five_are_ranked_units_by_index_ties_by_rank_then_code(reader):
    headline = dashboards.dashboard_headline(scope(reader), 2, bands())

    assert codes(named(headline["top"]), "code") == ["SNV", "SCT", "SXD", "STP", "SYT"]  # BQLKCN (98): not ranked
    assert codes(named(headline["bottom"]), "code") == ["SGTVT", "SKHDT", "STC", "SYT", "STP"]  # SVH: incomplete
    assert [row["index"] for row in headline["top"][:2]] == [D("100"), D("95")]


def test_a_groups_headline_counts_only_that_groups_units(reader):
    headline = dashboards.dashboard_headline(scope(reader, xa(), "Xã"), 2, bands(block=xa()))

    assert (headline["units"], headline["average"]) == (3, "66.67")  # (100 + 50 + 50) / 3, half up
    assert codes(named(headline["top"]), "code") == ["X2", "X1", "X3"]


def test_the_grade_bands_run_from_the_best_tone_to_the_worst_with_their_floors(reader):
    assert [(band.code, band.min_index, band.tone) for band in bands()] == [
        ("A", "90.00", 1), ("B", "70.00", 3), ("C", "0.00", 5)]


def test_an_empty_tier_is_listed_with_zero_units(reader):
    UnitResult.objects.filter(year=2025, block=so(), grade="C").update(grade="B")

    distribution = dashboards.dashboard_headline(scope(reader), 2, bands())["distribution"]

    assert [(band.code, n) for band, n in distribution] == [("A", 3), ("B", 6), ("C", 0)]  # SVH: incomplete


# --- The ranking table -----------------------------------------------------------------------------------------


def table(reader, block=None, group="", **filters):
    rows = dashboards.dashboard_table(scope(reader, block, group), **filters)
    return [result.unit.code for result in rows]


def test_the_default_order_is_the_engines_rank_with_the_unranked_unit_last(reader):
    stored = UnitResult.objects.filter(year=2025, block=so())

    assert table(reader, grouped=False) == ["SNV", "SCT", "SXD", "STP", "SYT", "STC", "SKHDT", "SGTVT", "SVH",
                                            "BQLKCN"]
    assert [stored.get(unit__code=code).rank for code in table(reader, grouped=False)] == [
        1, 2, 2, 4, 5, 6, 7, 8, 8, None]


def test_groups_stay_together_each_by_its_own_rank(reader):
    assert table(reader, xa()) == ["P1", "P2", "X2", "X1", "X3"]
    assert table(reader, xa(), "Xã") == ["X2", "X1", "X3"]


@pytest.mark.parametrize(("sort", "expected"), [
    ("-index", ["SNV", "BQLKCN", "SCT", "SXD", "STP", "SYT", "STC", "SKHDT", "SGTVT", "SVH"]),
    ("-rank_change", ["SXD", "SNV", "SYT", "SVH", "SGTVT", "SKHDT", "STC", "STP", "BQLKCN", "SCT"]),
    ("index_change", ["SGTVT", "STP", "SVH", "STC", "BQLKCN", "SKHDT", "SNV", "SYT", "SXD", "SCT"]),
    ("no-such-sort", ["SNV", "SCT", "SXD", "STP", "SYT", "STC", "SKHDT", "SGTVT", "SVH", "BQLKCN"]),
])
def test_the_table_sorts_by_the_asked_column_with_empty_values_last(reader, sort, expected):
    assert table(reader, sort=sort, grouped=False) == expected


def test_the_table_filters_by_grade_and_by_a_search_of_name_or_code(reader):
    assert table(reader, grade="A", grouped=False) == ["SNV", "SXD", "BQLKCN"]
    assert table(reader, q="sgt", grouped=False) == ["SGTVT"]
    assert table(reader, q="Đơn vị SN", grouped=False) == ["SNV"]  # make_unit names units "Đơn vị <code>"


def test_a_row_carries_the_engines_numbers_as_text_its_grade_tone_and_a_heat_level_per_area(reader):
    result = UnitResult.objects.select_related("unit", "framework").get(year=2025, unit__code="STC")
    tones = {band.code: band.tone for band in bands()}

    row = dashboards.dashboard_row(result, {"B": "Loại B"}, tones)

    assert (row["index"], row["grade_label"], row["tone"], row["rank"]) == ("74.00", "Loại B", 3, 6)
    assert (row["rank_change"], row["rank_moved"], row["index_change"]) == (-3, 3, "-6.00")
    assert row["heat"] == {"1": 7, "2": 7, "3": 8}  # 15/20, 15/20, 8/10
    assert row["unit_id"] == result.unit_id


@pytest.mark.parametrize(("index", "level"), [("0.00", 0), ("9.99", 0), ("10", 1), ("89.99", 8), ("90", 9),
                                              ("100.00", 9), (None, None)])
def test_heat_levels_are_tens_of_index_points(index, level):
    assert dashboards.heat_level(index) == level


# --- Charts ----------------------------------------------------------------------------------------------------


def test_the_ranked_chart_draws_the_whole_small_table_highest_index_first(reader):
    rows = dashboards.dashboard_table(scope(reader), grouped=False)

    chart = dashboards.ranked_chart(rows, rows.count(), [], 2)

    assert chart["whole"] is True
    assert [(unit["code"], unit["index"], unit["grade"]) for unit in chart["units"][:3]] == [
        ("SNV", "100.00", "A"), ("BQLKCN", "98.00", "A"), ("SCT", "95.00", "B")]
    assert len(chart["units"]) == 10


def test_beyond_its_limit_the_ranked_chart_draws_the_page_only(reader, monkeypatch):
    monkeypatch.setattr(dashboards, "CHART_UNITS", 5)
    page_rows = [{"unit_code": "SNV", "unit_name": "Sở Nội vụ", "index": "100.00", "grade": "A", "rank": 1}]

    chart = dashboards.ranked_chart(dashboards.dashboard_table(scope(reader)), 10, page_rows, 2)

    assert chart == {"whole": False, "units": [{"code": "SNV", "name": "Sở Nội vụ", "index": "100.00",
                                                "grade": "A", "rank": 1}]}


def test_the_trend_holds_the_block_average_and_the_chosen_units_in_every_year(reader):
    trend = dashboards.dashboard_trend(results_visible_to(reader), so(), "", ["SCT", "SNV", "UNKNOWN"],
                                       [2025, 2024, 2023])

    assert trend["years"] == [2024, 2025]
    assert trend["average"] == ["66.67", "77.56"]  # 600 / 9 (2024), 698 / 9 (2025: SVH incomplete, left out)
    assert [(unit["code"], unit["name"], unit["values"]) for unit in named(trend["units"])] == [
        ("SCT", "Đơn vị SCT", [None, "95.00"]),  # new in 2025: no 2024 point
        ("SNV", "Đơn vị SNV", ["90.00", "100.00"]),
    ]


def test_units_are_named_as_they_are_now(reader):
    headline = dashboards.dashboard_headline(scope(reader), 2, bands())
    Unit.objects.filter(code="SNV").update(name="Sở Nội vụ (tên mới)")

    assert named(headline["top"])[0]["name"] == "Sở Nội vụ (tên mới)"


# --- What changed ----------------------------------------------------------------------------------------------


def test_the_biggest_movers_are_the_engines_changes_each_way(reader):
    movers = dashboards.biggest_movers(scope(reader), {})

    assert codes(movers["rose"]) == ["SXD", "SNV", "SYT"]
    assert codes(movers["fell"]) == ["SKHDT", "STC", "STP", "SGTVT"]
    assert codes(movers["gained"]) == ["SXD", "SYT", "SNV", "SKHDT"]
    assert codes(movers["lost"]) == ["SGTVT", "STP", "STC", "BQLKCN"]  # SVH: incomplete, never a mover
    assert movers["rose"][0]["rank_moved"] == 3 and movers["lost"][0]["index_change"] == "-40.00"


def test_the_criteria_losing_points_count_units_below_the_maximum_and_sum_the_points_lost(reader):
    losing = dashboards.criteria_losing_points(leaf_scores_visible_to(reader), 2025, so())

    # Hand-checked from results_data.SO_2025; 1.2 of SYT is not applicable and SVH has no file.
    assert [(row["code"], row["units"], row["lost"]) for row in losing] == [
        ("3.1", 8, D("24.5")), ("2.1", 5, D("39")), ("1.2", 5, D("19.5")), ("1.1", 5, D("16"))]
    assert losing[0]["max"] == D("10")


def test_the_criteria_losing_points_agree_with_the_leaf_scores_the_engine_read(reader):
    leaves = LeafScore.objects.filter(assessment__cycle__year=2025, assessment__cycle__block=so(),
                                      not_applicable=False, final_score__isnull=False,
                                      criterion__method__in=["appraised", "survey"]).select_related("criterion")
    expected = {}
    for leaf in leaves:
        if leaf.final_score < leaf.criterion.max_points:
            units, lost = expected.get(leaf.criterion.code, (0, D(0)))
            expected[leaf.criterion.code] = (units + 1, lost + leaf.criterion.max_points - leaf.final_score)

    losing = dashboards.criteria_losing_points(leaf_scores_visible_to(reader), 2025, so())

    assert {row["code"]: (row["units"], row["lost"]) for row in losing} == expected
    assert dashboards.assessed_units(assessments_visible_to(reader), 2025, so()) == 9


def test_a_groups_criteria_count_only_its_units(reader):
    losing = dashboards.criteria_losing_points(leaf_scores_visible_to(reader), 2025, xa(), "Phường")

    assert [(row["code"], row["units"], row["lost"]) for row in losing] == [("1.1", 2, D("3")), ("1.2", 2, D("3"))]


def test_the_units_waiting_on_explanations_come_with_their_open_questions(reader):
    asked = Assessment.objects.get(cycle__year=2025, unit__code="STP")
    Assessment.objects.filter(pk=asked.pk).update(status=AssessmentStatus.EXPLANATION_REQUESTED)
    now = timezone.now()
    asked.scores.filter(criterion__code__in=["1.1", "1.2"]).update(explanation_requested_at=now)
    asked.scores.filter(criterion__code="1.2").update(explanation_answered_at=now)
    Assessment.objects.filter(cycle__year=2025, unit__code="STC").update(
        status=AssessmentStatus.EXPLANATION_SUBMITTED)

    waiting = dashboards.explanations_waiting(assessments_visible_to(reader), 2025, so())

    assert [(assessment.unit.code, assessment.open_questions) for assessment in waiting] == [("STP", 1)]


@pytest.mark.parametrize(("margin", "expected"), [
    ("1", []), ("6", [("STP", "90.00", "6.00")]), ("10", [("STP", "90.00", "6.00"), ("SYT", "90.00", "10.00")]),
])
def test_units_close_below_the_next_tiers_floor_are_listed_closest_first(reader, margin, expected):
    near = dashboards.near_grade_boundary(scope(reader), bands(), D(margin), {}, 2)

    # SCT (95, graded B: its area 3 is below A's condition) is above A's floor: the index is not what it lacks.
    assert [(row["unit_code"], row["next_floor"], row["gap"]) for row in near] == expected
    assert all(row["next_grade"] == "Loại A" for row in near)  # make_framework labels tier A "Loại A"


def test_a_unit_close_to_a_lower_tier_boundary_is_listed_with_that_tier(reader):
    UnitResult.objects.filter(year=2025, unit__code="SGTVT").update(index=D("69.5"))

    near = dashboards.near_grade_boundary(scope(reader), bands(), D(1), {}, 2)

    assert [(row["unit_code"], row["next_grade"], row["gap"]) for row in near] == [("SGTVT", "Loại B", "0.50")]


def test_the_stamps_count_each_years_results_and_name_their_latest_computation(reader):
    stamps = dashboards.results_stamps(results_visible_to(reader), [2024, 2025], so())

    latest = UnitResult.objects.filter(year=2025, block=so()).latest("computed_at").computed_at
    assert stamps[2025] == (10, latest.isoformat())
    assert stamps[2024][0] == 9


def test_a_recomputation_changes_the_stamp(reader):
    before = dashboards.results_stamps(results_visible_to(reader), [2025], so())

    results_compute(year=2025, block_code="SO")

    assert dashboards.results_stamps(results_visible_to(reader), [2025], so()) != before


# --- The public page -------------------------------------------------------------------------------------------


def test_the_published_years_list_each_years_latest_version(db):
    for year, version in ((2024, 1), (2024, 2), (2023, 1)):
        Publication.objects.create(year=year, version=version, content={"year": year, "blocks": []},
                                   sha256=f"{version}" * 64)

    years = dashboards.published_years(public_publications())

    assert [(entry["year"], entry["version"]) for entry in years] == [(2024, 2), (2023, 1)]
    assert dashboards.public_publication(public_publications(), 2024).version == 2
    assert dashboards.public_publication(public_publications(), 2025) is None
