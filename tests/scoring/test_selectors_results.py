from decimal import Decimal

import pytest

from scoring.models import Role
from scoring.selectors import decimal_text, results_legend, results_rows, results_snapshot
from tests.conftest import make_block, make_framework, make_unit

from .results_tables import LEAVES, area, make_block_results, make_result

FIELDS = ["unit_code", "unit_name", "group", "ranked", "self_total", "appraised", "survey", "bonus", "penalty",
          "total", "max_total", "index", "grade", "rank", "previous_index", "previous_rank", "index_change",
          "rank_change", "comparable", "incomplete", "areas"]


@pytest.fixture
def results(personas):
    return make_block_results()


def codes(rows):
    return [row["unit_code"] for row in rows]


def test_a_row_holds_exactly_the_published_fields(results):
    rows = results_rows(2025, "SO", None)

    assert [list(row) for row in rows] == [FIELDS] * 4
    assert {tuple(area) for row in rows for area in row["areas"]} == {
        ("code", "points", "max", "index", "rank", "rank_change")}


def test_ranked_units_come_by_rank_and_the_unit_left_out_of_the_ranking_comes_last(results):
    assert codes(results_rows(2025, "SO", None)) == ["SNV", "STC", "STP", "BQL"]


def test_decimals_are_text_with_three_decimals_for_points_and_the_frameworks_precision_for_indices(results):
    row = results_rows(2025, "SO", None)[0]

    assert {name: row[name] for name in ("self_total", "appraised", "survey", "bonus", "penalty", "total",
                                         "max_total")} == {
        "self_total": "29.125", "appraised": "18.500", "survey": "8.250", "bonus": "1.000", "penalty": "0.000",
        "total": "27.750", "max_total": "30.000"}
    assert (row["index"], row["previous_index"], row["index_change"]) == ("92.50", "90.25", "2.25")
    # Rows made by hand carry no component rank (the engine's run writes it).
    assert row["areas"] == [
        {"code": "1", "points": "18.500", "max": "20.000", "index": "92.50", "rank": None, "rank_change": None},
        {"code": "2", "points": "8.250", "max": "10.000", "index": "82.50", "rank": None, "rank_change": None}]


def test_a_fall_and_an_unknown_past_keep_their_sign_and_their_none(results):
    stc, stp = results_rows(2025, "SO", None)[1:3]

    assert (stc["index_change"], stc["rank_change"], stc["comparable"]) == ("-5.00", -1, False)
    assert (stp["previous_index"], stp["index_change"], stp["rank_change"], stp["comparable"]) == (
        None, None, None, None)


def test_a_unit_user_reads_only_its_own_units_row(results, personas):
    for role in (Role.UNIT_OFFICER, Role.UNIT_HEAD):
        assert codes(results_rows(2025, "SO", personas[role])) == ["SNV"]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.LEADER, Role.APPRAISER])
def test_managers_leaders_and_appraisers_read_every_row(results, personas, role):
    assert len(results_rows(2025, "SO", personas[role])) == 4


def test_other_years_and_blocks_stay_out_of_the_table(results):
    assert results_rows(2024, "SO", None) == []
    assert results_rows(2025, "XA", None) == []


def test_groups_of_a_block_are_listed_one_after_the_other_each_by_rank(db):
    block = make_block("XA", "Khối xã")
    framework = make_framework(year=2025, block=block)
    for code, group, rank in (("X1", "Xã", 2), ("P1", "Phường", 1), ("X2", "Xã", 1), ("P2", "Phường", None)):
        make_result(make_unit(code, block=block, group=group), framework, rank=rank)

    assert codes(results_rows(2025, "XA", None)) == ["P1", "P2", "X2", "X1"]


@pytest.mark.parametrize(("value", "places", "text"), [
    (Decimal("92.500"), 2, "92.50"), (Decimal("100"), 2, "100.00"), (Decimal("95.476"), 2, "95.476"),
    (Decimal("92.5"), 3, "92.500"), (Decimal("-0.000"), 2, "0.00"), (Decimal("7"), 0, "7"), ("12.071", 3, "12.071"),
    (None, 2, None),
])
def test_decimal_text_pads_to_the_precision_and_never_rounds_a_digit_away(value, places, text):
    assert decimal_text(value, places) == text


def test_an_index_stored_with_more_digits_than_the_precision_is_shown_whole(results):
    results["STP"].index = Decimal("60.476")
    results["STP"].save()

    assert results_rows(2025, "SO", None)[2]["index"] == "60.476"


def test_the_legend_names_the_grades_and_only_the_areas_that_have_an_index(results):
    legend = results_legend(2025, make_block("SO"))

    assert legend.grades == {"A": "Loại A", "B": "Loại B", "C": "Loại C"}
    assert legend.areas == (("1", "Lĩnh vực 1"), ("2", "Lĩnh vực 2"))
    assert (legend.precision, legend.framework.year) == (2, 2025)


def test_a_block_without_a_framework_has_an_empty_legend(db):
    legend = results_legend(2025, make_block("XA", "Khối xã"))

    assert (legend.framework, legend.grades, legend.areas, legend.precision) == (None, {}, (), 2)


def test_the_snapshot_holds_every_block_of_the_year_with_its_legend_and_rows(results):
    block = make_block("XA", "Khối xã", position=3)
    make_result(make_unit("X1", block=block), make_framework(year=2025, block=block, leaves=LEAVES), rank=1,
                areas=[area("1", "1", "2", "50.00")])

    snapshot = results_snapshot(2025)

    assert [block["code"] for block in snapshot["blocks"]] == ["SO", "XA"]
    so = snapshot["blocks"][0]
    assert so["framework"] == {"code": "KHUNG-2025", "name": "Bộ chỉ số 2025", "version": "876/2022",
                               "revision": 1, "precision": 2}
    assert so["grades"][0] == {"code": "A", "label": "Loại A"}
    assert so["areas"] == [{"code": "1", "title": "Lĩnh vực 1"}, {"code": "2", "title": "Lĩnh vực 2"}]
    assert so["results"] == results_rows(2025, "SO", None)
    assert set(snapshot) == {"year", "blocks"}


def test_a_corrections_fields_are_named_in_vietnamese_beside_their_code():
    from scoring.selectors import publication_change_rows

    rows = publication_change_rows([{"field": "index"}, {"field": "areas.2.index"}, {"field": "unit"},
                                    {"field": "no_longer_a_field"}])

    assert [row["label"] for row in rows] == ["Chỉ số (%)", "Lĩnh vực 2: chỉ số (%)", "đơn vị (thêm hoặc bớt)",
                                              "no_longer_a_field"]
