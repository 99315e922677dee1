"""The planner's pages against the engine's results of tests/scoring/test_selectors_planner.py's block (STC: 74.00,
grade B, 6th of 9 ranked units; A needs 90 and every area index 80)."""
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from scoring.models import Role, Scenario
from tests.conftest import make_block, make_unit, make_user

from .test_selectors_planner import make_planner_province

D = Decimal


@pytest.fixture
def units(personas):
    return make_planner_province()


@pytest.fixture
def stc_officer(units):
    return make_user("canbo.stc", Role.UNIT_OFFICER, unit=units["STC"])


def planner_url(unit, year=2025):
    return reverse("scoring:planner", args=[unit.pk, year])


def what_if_url(unit, year=2025):
    return reverse("scoring:planner_what_if", args=[unit.pk, year])


def save_url(unit, year=2025):
    return reverse("scoring:planner_scenario_save", args=[unit.pk, year])


def signed_in(client, user):
    client.force_login(user)
    return client


def page_of(response):
    return response.content.decode()


# --- The unit's page --------------------------------------------------------------------------------------------


def test_a_unit_officer_reads_the_goals_of_their_unit_in_index_and_total_points(client, stc_officer, units):
    response = signed_in(client, stc_officer).get(planner_url(units["STC"]))
    page = page_of(response)

    assert response.status_code == 200
    assert "chỉ số <strong data-current=\"index\">74,00</strong>" in page and "hạng 6/9" in page
    goals = {row["kind"]: row for row in response.context["goals"]}
    assert goals["grade"]["title"] == "Lên xếp loại “Loại A”"
    assert (goals["grade"]["gap"].index_points, goals["grade"]["gap"].total_points) == (D("16.00"), D("7.998"))
    assert "16,00" in page and "7,998" in page and "3,003" in page and "12,998" in page
    assert "1. Lĩnh vực 1: chỉ số 75,00, cần từ 80,00 — thêm 0,999 điểm trong lĩnh vực" in page
    assert "Lên hạng 1 (tăng 5 bậc)" in page


def test_a_unit_user_is_not_told_which_unit_ranks_above_but_a_leader_is(client, stc_officer, leader, units):
    own = page_of(signed_in(client, stc_officer).get(planner_url(units["STC"])))
    led = page_of(signed_in(Client(), leader).get(planner_url(units["STC"])))

    assert "Đơn vị xếp ngay trên có chỉ số 80,00" in own and "Đơn vị SYT" not in own
    assert "Đơn vị SYT, chỉ số 80,00" in led


def test_the_leaves_table_shows_points_recoverable_and_what_peers_scored(client, leader, units):
    response = signed_in(client, leader).get(planner_url(units["STC"]))
    rows = response.context["rows"]

    assert [(row["leaf"].code, row["value"]) for row in rows] == [("1.2", "5"), ("2.1", "15"), ("3.1", "8"),
                                                                  ("9.2", "1")]
    page = page_of(response)
    assert "7,929" in page and "3/7" in page
    assert 'name="leaf-1.2" value="5"' in page


def test_the_number_of_places_comes_from_the_form_and_a_bad_one_is_explained(client, leader, units):
    two = signed_in(client, leader).get(planner_url(units["STC"]), {"places": "2"})
    bad = client.get(planner_url(units["STC"]), {"places": "mười"})

    assert "Tăng 2 bậc" in page_of(two) and "4,998" in page_of(two)
    assert "Số bậc cần tăng phải là số nguyên từ 1 đến 100." in page_of(bad) and "Tăng 5 bậc" in page_of(bad)


def test_the_top_unit_is_told_it_has_nothing_above(client, leader, units):
    page = page_of(signed_in(client, leader).get(planner_url(units["SNV"])))

    assert "Đơn vị đã ở xếp loại cao nhất." in page and "Đơn vị đang đứng đầu." in page


def test_a_year_without_results_shows_the_empty_state(client, leader, units):
    page = page_of(signed_in(client, leader).get(planner_url(units["STC"], 2023)))

    assert "Chưa có kết quả năm 2023 của đơn vị này" in page


def test_a_unit_user_opening_another_units_planner_gets_404(client, stc_officer, units):
    client = signed_in(client, stc_officer)

    assert client.get(planner_url(units["SNV"])).status_code == 404
    assert client.post(what_if_url(units["SNV"]), {"leaf-1.2": "10"}).status_code == 404
    assert client.post(save_url(units["SNV"]), {"name": "x", "leaf-1.2": "10"}).status_code == 404
    assert not Scenario.objects.exists()


def test_the_page_costs_a_fixed_number_of_queries(client, leader, units, django_assert_max_num_queries):
    client = signed_in(client, leader)
    with django_assert_max_num_queries(18):
        client.get(planner_url(units["STC"]))


# --- What-if ----------------------------------------------------------------------------------------------------


def test_the_json_what_if_gives_the_new_total_index_grade_and_rank_computed_by_the_engines_module(
        client, stc_officer, units):
    response = signed_in(client, stc_officer).post(what_if_url(units["STC"]),
                                                   {"leaf-1.2": "10", "leaf-2.1": "20", "leaf-3.1": "8"})
    data = response.json()

    assert response.status_code == 200
    assert (data["total"], data["index"], data["grade"], data["rank"]) == ("47.000", "94.00", "A", 4)
    assert data["changed"] == ["1.2", "2.1"]  # 3.1 is unchanged at 8
    assert "94,00" in data["html"] and "Loại A" in data["html"] and "tăng 2 bậc" in data["html"]
    assert not Scenario.objects.exists()


def test_the_what_if_on_a_survey_leaf_counts_when_the_survey_is_held(client, stc_officer, units):
    # STC's survey leaf 3.1 from 8 to 10 of 10: 37 + 2 = 39 of 50, 78.00 (rule 14: a held survey counts).
    data = signed_in(client, stc_officer).post(what_if_url(units["STC"]), {"leaf-3.1": "10"}).json()

    assert (data["total"], data["index"], data["changed"]) == ("39.000", "78.00", ["3.1"])


def test_a_decimal_comma_is_accepted(client, leader, units):
    data = signed_in(client, leader).post(what_if_url(units["STC"]), {"leaf-1.2": "7,5"}).json()

    assert (data["total"], data["index"]) == ("39.500", "79.00")


def test_bad_scores_answer_400_with_errors_in_vietnamese_by_leaf(client, leader, units):
    response = signed_in(client, leader).post(what_if_url(units["STC"]),
                                              {"leaf-1.2": "mười", "leaf-2.1": "20,5", "leaf-8.8": "1",
                                               "leaf-3.1": "1,2345"})

    assert response.status_code == 400
    assert response.json() == {"ok": False, "errors": {
        "1.2": "Điểm phải là một số không âm, ví dụ 1,25.", "2.1": "Điểm phải trong khoảng 0 đến 20.",
        "8.8": "Tiêu chí 8.8 không có trong bộ chỉ số hoặc không áp dụng cho đơn vị.",
        "3.1": "Điểm có tối đa 3 chữ số thập phân."}}


def test_a_na_leaf_cannot_be_changed(client, leader, units):
    response = signed_in(client, leader).post(what_if_url(units["SYT"]), {"leaf-1.2": "10"})

    assert response.status_code == 400 and "1.2" in response.json()["errors"]


def test_the_json_endpoint_requires_the_csrf_token(stc_officer, units):
    client = Client(enforce_csrf_checks=True)
    client.force_login(stc_officer)

    assert client.post(what_if_url(units["STC"]), {"leaf-1.2": "10"}).status_code == 403


def test_without_javascript_the_form_posts_and_the_page_shows_the_what_if(client, stc_officer, units):
    response = signed_in(client, stc_officer).post(planner_url(units["STC"]), {"leaf-1.2": "10", "leaf-2.1": "20"})
    page = page_of(response)

    assert response.status_code == 200
    assert response.context["what_if"].result.index == D("94.00") and response.context["what_if"].rank == 4
    assert 'data-what-if="index"><strong>94,00</strong>' in page and 'name="leaf-2.1" value="20"' in page


def test_without_javascript_a_bad_score_is_kept_and_explained(client, stc_officer, units):
    response = signed_in(client, stc_officer).post(planner_url(units["STC"]), {"leaf-1.2": "99", "leaf-2.1": "20"})
    page = page_of(response)

    assert response.status_code == 400
    assert 'name="leaf-1.2" value="99"' in page and "Điểm phải trong khoảng 0 đến 10." in page
    assert 'name="leaf-2.1" value="20"' in page and response.context["what_if"] is None


# --- Scenarios --------------------------------------------------------------------------------------------------


def test_saving_a_scenario_keeps_its_changes_and_creator_and_reopens_it(client, stc_officer, units):
    client = signed_in(client, stc_officer)

    response = client.post(save_url(units["STC"]), {"name": "Hoàn thiện lĩnh vực 1", "leaf-1.2": "10",
                                                    "leaf-2.1": "15"})

    scenario = Scenario.objects.get()
    assert (scenario.unit, scenario.year, scenario.name, scenario.created_by) == (
        units["STC"], 2025, "Hoàn thiện lĩnh vực 1", stc_officer)
    assert scenario.changes == {"1.2": "10"}  # 2.1 is its official score: not a change
    assert response.status_code == 302 and response.url == f"{planner_url(units['STC'])}?scenario={scenario.pk}"
    reopened = client.get(response.url)
    assert reopened.context["what_if"].result.index == D("84.00")
    assert 'name="leaf-1.2" value="10"' in page_of(reopened) and "Hoàn thiện lĩnh vực 1" in page_of(reopened)
    assert "Đã lưu kịch bản “Hoàn thiện lĩnh vực 1”." in page_of(reopened)


def test_a_scenario_needs_a_name_and_a_change_and_nothing_typed_is_lost(client, stc_officer, units):
    client = signed_in(client, stc_officer)

    nameless = client.post(save_url(units["STC"]), {"name": " ", "leaf-1.2": "9,5"})
    unchanged = client.post(save_url(units["STC"]), {"name": "Giữ nguyên", "leaf-1.2": "5"})

    assert nameless.status_code == 400 and "Đặt tên cho kịch bản" in page_of(nameless)
    assert 'name="leaf-1.2" value="9,5"' in page_of(nameless)
    assert "Chưa thay đổi điểm tiêu chí nào" in page_of(unchanged) and 'value="Giữ nguyên"' in page_of(unchanged)
    assert not Scenario.objects.exists()


def test_a_scenario_of_another_unit_cannot_be_opened_through_this_units_page(client, leader, units):
    other = Scenario.objects.create(unit=units["SNV"], year=2025, name="Khác", changes={"1.2": "10"})

    assert signed_in(client, leader).get(planner_url(units["STC"]), {"scenario": other.pk}).status_code == 404


def test_only_the_creator_or_a_manager_deletes_a_scenario(client, stc_officer, coordinator, units):
    colleague = make_user("thutruong.stc", Role.UNIT_HEAD, unit=units["STC"])
    stranger = make_user("canbo.x", Role.UNIT_OFFICER, unit=make_unit("X9", block=make_block()))
    mine = Scenario.objects.create(unit=units["STC"], year=2025, name="Của tôi", changes={"1.2": "10"},
                                   created_by=stc_officer)
    delete = reverse("scoring:planner_scenario_delete", args=[mine.pk])

    assert signed_in(Client(), colleague).post(delete).status_code == 403
    assert signed_in(Client(), stranger).post(delete).status_code == 404
    response = signed_in(client, stc_officer).post(delete)
    assert response.status_code == 302 and response.url == planner_url(units["STC"])
    assert not Scenario.objects.exists()
    theirs = Scenario.objects.create(unit=units["STC"], year=2025, name="Của người khác", changes={"1.2": "10"},
                                     created_by=colleague)
    assert signed_in(Client(), coordinator).post(
        reverse("scoring:planner_scenario_delete", args=[theirs.pk])).status_code == 302
    assert not Scenario.objects.exists()


def test_the_list_offers_delete_only_on_scenarios_the_user_may_delete(client, stc_officer, units):
    Scenario.objects.create(unit=units["STC"], year=2025, name="Của tôi", changes={"1.2": "10"},
                            created_by=stc_officer)
    Scenario.objects.create(unit=units["STC"], year=2025, name="Của thủ trưởng", changes={"1.2": "9"})

    page = page_of(signed_in(client, stc_officer).get(planner_url(units["STC"])))

    assert page.count("planner/scenarios/") == 1 and "Xóa<span class=\"visually-hidden\"> Của tôi" in page


# --- The entry point and the province ---------------------------------------------------------------------------


def test_the_nav_entry_leads_unit_users_to_their_unit_and_the_others_to_the_province(client, stc_officer, leader,
                                                                                     units):
    own = signed_in(client, stc_officer).get(reverse("scoring:planner_home"))
    province = signed_in(Client(), leader).get(reverse("scoring:planner_home"))

    assert own.url == planner_url(units["STC"])
    assert province.url == reverse("scoring:planner_province", args=[2025])
    assert "Kế hoạch cải thiện" in page_of(signed_in(Client(), leader).get(reverse("home")))


def test_unit_users_may_not_read_the_province_analyses(client, stc_officer, units):
    assert signed_in(client, stc_officer).get(reverse("scoring:planner_province", args=[2025])).status_code == 403


def test_the_province_page_shows_training_needs_self_score_gaps_and_appraisers(client, leader, units):
    response = signed_in(client, leader).get(reverse("scoring:planner_province", args=[2025]), {"block": "SO"})
    page = page_of(response)

    assert [row["criterion"].code for row in response.context["need_rows"]] == ["2.1", "1.2", "1.1"]
    assert "39,000" in page and "7,800" in page and "5/9" in page
    assert [(row["result"].unit.code, row["gaps"]) for row in response.context["unit_rows"]] == [
        ("STP", [D(3), D(8)]), ("SYT", [None, D(1)])]
    assert "+8,000" in page and "+3,000" in page
    assert [(row["criterion"].code, row["gaps"]) for row in response.context["criterion_rows"]][:2] == [
        ("2.1", [D(2), D(4)]), ("1.1", [D(1), D(3)])]
    assert "Không ghi người thẩm định (nhập từ tệp)" in page and "-2,000" in page


def test_the_province_lists_paginate_each_on_its_own_parameter(client, leader, units, monkeypatch):
    monkeypatch.setattr("scoring.views.planner.PAGE_SIZE", 2)

    response = signed_in(client, leader).get(reverse("scoring:planner_province", args=[2025]),
                                             {"block": "SO", "page_needs": "2"})

    assert [row["criterion"].code for row in response.context["need_rows"]] == ["1.1"]
    assert response.context["criteria"].number == 1
    assert "page_criteria=2" in page_of(response) and "page_needs=1" in page_of(response)


def test_the_province_page_costs_a_fixed_number_of_queries(client, leader, units, django_assert_max_num_queries):
    client = signed_in(client, leader)
    # Session and user, blocks, years, framework, a count and a page for each of the four lists, two histories,
    # the indices the year holds (the switcher) and the session's save: none per row.
    with django_assert_max_num_queries(19):
        client.get(reverse("scoring:planner_province", args=[2025]), {"block": "SO"})


def test_a_year_without_results_in_the_province_shows_the_empty_state(client, leader, units):
    page = page_of(signed_in(client, leader).get(reverse("scoring:planner_province", args=[2031])))

    assert "Chưa có kết quả năm 2031 cho khối này." in page


def test_json_answers_are_json(client, leader, units):
    response = signed_in(client, leader).post(what_if_url(units["STC"]), {})

    assert response["Content-Type"] == "application/json" and json.loads(response.content)["changed"] == []
