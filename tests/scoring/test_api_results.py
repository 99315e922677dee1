import json

import pytest
from django.urls import reverse

from scoring.models import Role
from scoring.selectors import results_rows
from tests.conftest import make_framework, make_unit

from .results_tables import make_block_results, make_result
from .test_selectors_results import FIELDS

URL = reverse("scoring_api:result_list")


@pytest.fixture
def results(personas):
    return make_block_results()


def get(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def test_each_row_has_exactly_the_listed_fields_and_its_decimals_are_strings(client, coordinator, results):
    response = get(client, coordinator, year=2025, block="SO")

    rows = response.json()["results"]
    assert [list(row) for row in rows] == [FIELDS] * 4
    snv = rows[0]
    assert (snv["index"], snv["total"], snv["index_change"], snv["previous_index"]) == (
        "92.50", "27.750", "2.25", "90.25")
    # The component rank is the engine's (here a row made by hand has none).
    assert snv["areas"][0] == {"code": "1", "points": "18.500", "max": "20.000", "index": "92.50", "rank": None,
                               "rank_change": None}
    assert '"index":"92.50"' in response.content.decode().replace(" ", "")  # text on the wire, never 92.5


def test_the_api_answers_what_the_export_command_writes(client, coordinator, results):
    response = get(client, coordinator, year=2025, block="SO")

    assert response.json()["results"] == json.loads(json.dumps(results_rows(2025, "SO", None)))


def test_rows_come_by_group_then_rank_with_units_left_out_of_the_ranking_last(client, leader, results):
    rows = get(client, leader, year=2025, block="SO").json()["results"]

    assert [(row["unit_code"], row["rank"]) for row in rows] == [("SNV", 1), ("STC", 2), ("STP", 3), ("BQL", None)]


def test_a_unit_user_sees_only_its_own_unit(client, personas, results):
    body = get(client, personas[Role.UNIT_OFFICER], year=2025, block="SO").json()

    assert body["count"] == 1
    assert [row["unit_code"] for row in body["results"]] == ["SNV"]


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"block": "SO"}, "year", "Cần tham số year"),
    ({"year": "năm nay", "block": "SO"}, "year", "phải là một năm"),
    ({"year": 2025}, "block", "Cần tham số block"),
    ({"year": 2025, "block": "KHONGCO"}, "block", "Không có khối «KHONGCO»"),
])
def test_a_missing_or_wrong_year_or_block_answers_400_in_vietnamese(client, coordinator, results, params, field,
                                                                       message):
    response = get(client, coordinator, **params)

    assert response.status_code == 400
    error, = response.json()["errors"]  # the one shape of an API refusal (parindex/api_errors.py)
    assert error["field"] == field and message in error["message"] and message in response.json()["detail"]


def test_pages_keep_the_api_default_and_page_size_goes_up_to_1000(client, coordinator, db):
    framework = make_framework(year=2025)
    for number in range(1005):
        make_result(make_unit(f"X{number:04d}"), framework, rank=number + 1)

    assert len(get(client, coordinator, year=2025, block="SO").json()["results"]) == 100
    assert len(get(client, coordinator, year=2025, block="SO", page_size=3).json()["results"]) == 3
    assert len(get(client, coordinator, year=2025, block="SO", page_size=5000).json()["results"]) == 1000


def test_a_visitor_who_has_not_signed_in_gets_401(client, results):
    assert client.get(URL, {"year": 2025, "block": "SO"}).status_code == 401


def test_the_api_schema_documents_the_results_route(client, leader):
    client.force_login(leader)

    assert "/api/v1/results/" in client.get(reverse("api_schema")).content.decode()


def test_the_browsable_api_renders_the_results_for_a_person_in_a_browser(client, leader, results):
    client.force_login(leader)

    response = client.get(URL, {"year": 2025, "block": "SO"}, HTTP_ACCEPT="text/html")

    assert response.status_code == 200 and "SNV" in response.content.decode()


# --- Per index (issue 14) ----------------------------------------------------------------------------------------


def test_the_api_reads_par_by_default_without_naming_it_and_dti_when_asked(client, coordinator):
    from .two_indices_data import make_two_indices

    make_two_indices()

    par = get(client, coordinator, year=2025, block="SO").json()
    dti = get(client, coordinator, year=2025, block="SO", index="DTI").json()

    assert "index" not in par and [row["unit_code"] for row in par["results"]] == ["SNV", "STP", "STC"]
    assert dti["index"] == "DTI" and dti["status"] == "provisional"
    assert [(row["unit_code"], row["index"]) for row in dti["results"]] == [
        ("STC", "81.50"), ("STP", "70.24"), ("SNV", "55.00")]


def test_an_unknown_index_is_refused_with_a_message(client, coordinator, results):
    response = get(client, coordinator, year=2025, block="SO", index="KHONG")

    assert response.status_code == 400
    assert "Không có chỉ số «KHONG»." in response.content.decode()
