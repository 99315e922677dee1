"""The survey results page: per unit (responses against the sample, survey points, SIPAS), per group and question
(distribution bars readable without colour), filters, pagination, the empty state and who may see it.
The figures are those of tests/surveys/results_data.py."""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring.models import Unit
from surveys import results as results_module
from surveys.models import Response
from tests.conftest import make_block

from .questionnaires import make_survey
from .results_data import SPEEDER, make_answered_survey

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def survey(own_unit, other_unit):
    return make_answered_survey()


@pytest.fixture
def manager(client, coordinator):
    client.force_login(coordinator, backend=MODEL_BACKEND)
    return client


def results_of(client, survey, **query):
    response = client.get(reverse("surveys:survey_results", args=[survey.pk]), query)
    assert response.status_code == 200
    return response


def text_of(response):
    """The page as a reader sees it: tags dropped, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def row_of(response, code):
    return next(row for row in response.context["results"].rows if row.unit.code == code)


def test_a_manager_sees_each_units_responses_points_and_sipas(manager, survey):
    response = results_of(manager, survey)

    snv, stc = row_of(response, "SNV"), row_of(response, "STC")
    assert (snv.responses, snv.flagged, stc.responses) == (4, 1, 1)
    assert [str(points) for points, _max in snv.points] == ["1.800", "1.333"]
    assert stc.points[1] == (None, None)
    assert (snv.sipas.satisfied, snv.sipas.valid) == (2, 3)
    page = text_of(response)
    assert "1,800 / 3" in page and "1,333 / 2,500" in page and "66,67%" in page


def test_sipas_is_shown_per_element_and_overall_with_a_decimal_comma(manager, survey):
    response = results_of(manager, survey)

    results = response.context["results"]
    shares = {label: satisfaction.share for label, satisfaction in results.sipas}
    assert str(shares["Tiếp cận dịch vụ"]) == "33.33" and str(shares["Thủ tục hành chính"]) == "100.00"
    assert shares["Kết quả giải quyết"] is None
    assert (results.sipas_overall.satisfied, results.sipas_overall.valid) == (2, 4)
    page = text_of(response)
    assert "Tiếp cận dịch vụ 1 / 3 33,33%" in page and "Chung 2 / 4 50,00%" in page


def test_each_question_has_a_bar_per_option_with_its_count_and_percent_as_text(manager, survey):
    response = results_of(manager, survey)

    html = response.content.decode()
    assert 'style="width: 33.33%"' in html and 'style="width: 66.67%"' in html
    assert 'class="bar" aria-hidden="true"' in html
    page = text_of(response)
    assert "C1. Ông/bà hài lòng với việc tiếp cận dịch vụ? (3 câu trả lời)" in page
    assert "A 100% 1 33,33%" in page and "C 20% 2 66,67%" in page and "E không tính 0 0,00%" in page


def test_units_below_their_sample_size_are_flagged(manager, survey):
    response = results_of(manager, survey)

    assert response.context["results"].units_below_target == 1
    assert row_of(response, "SNV").below_target and not row_of(response, "STC").below_target
    page = text_of(response)
    assert "Người dân: 2 / 10 chưa đạt" in page and "Người dân: 1 / 1 đạt" in page
    assert 'class="below-target"' in response.content.decode()


def test_flagged_responses_are_counted_and_the_page_says_they_are_only_marked(manager, survey):
    response = results_of(manager, survey)

    assert response.context["results"].flagged == 1
    assert response.context["results"].responses == 5
    page = text_of(response)
    assert "1 phiếu bị đánh dấu đáng ngờ" in page and "vẫn được tính vào kết quả" in page
    assert Response.objects.get(flagged=True).flag_reason == SPEEDER


def test_the_unit_filter_narrows_sipas_and_distributions_to_that_unit(manager, survey):
    response = results_of(manager, survey, unit="STC")

    results = response.context["results"]
    assert results.unit.code == "STC" and [row.unit.code for row in results.rows] == ["STC"]
    assert (results.sipas_overall.satisfied, results.sipas_overall.valid) == (0, 1)
    first = results.questions[0][1][0]
    assert (first.question.code, first.total, [bar.count for bar in first.bars]) == ("C1", 1, [0, 0, 1, 0, 0])


def test_the_group_filter_shows_only_that_groups_questions_and_responses(manager, survey):
    response = results_of(manager, survey, group="LDSO")

    results = response.context["results"]
    assert [group.code for group, _questions in results.questions] == ["LDSO"]
    assert results.responses == 2 and row_of(response, "SNV").responses == 2
    assert results.sipas_overall.valid == 0


def test_an_unknown_unit_code_is_reported_and_every_unit_shown(manager, survey):
    response = results_of(manager, survey, unit="KHONG-CO")

    assert response.context["results"].unit is None
    assert len(response.context["results"].rows) == 2
    assert "Không có đơn vị mã “KHONG-CO”" in text_of(response)


def test_a_survey_without_responses_shows_an_empty_state(manager, own_unit):
    empty = make_survey()

    response = results_of(manager, empty)

    assert response.context["results"].rows == []
    assert "Cuộc điều tra chưa nhận được phiếu trả lời nào" in text_of(response)


def test_units_are_paginated_fifty_to_a_page(manager, survey):
    block = Unit.objects.get(code="SNV").block
    Unit.objects.bulk_create([Unit(code=f"S{n:03d}", name=f"Sở {n}", block=block) for n in range(60)])

    first, second = results_of(manager, survey), results_of(manager, survey, page=2)

    assert len(first.context["results"].rows) == 50 and len(second.context["results"].rows) == 12
    assert "Trang 1 / 2" in text_of(first)


def test_the_page_costs_the_same_queries_for_many_units(manager, survey):
    results_of(manager, survey)  # the session's first request also writes its last-seen time: not counted
    with CaptureQueriesContext(connection) as few:
        results_of(manager, survey)
    block = Unit.objects.get(code="SNV").block
    Unit.objects.bulk_create([Unit(code=f"S{n:03d}", name=f"Sở {n}", block=block) for n in range(60)])

    with CaptureQueriesContext(connection) as many:
        results_of(manager, survey)

    assert len(many) == len(few)


def test_a_leader_reads_the_results_without_the_export_links(client, leader, survey):
    client.force_login(leader, backend=MODEL_BACKEND)

    response = results_of(client, survey)

    assert "Chỉ số hài lòng SIPAS" in text_of(response)
    assert reverse("surveys:survey_export_answers", args=[survey.pk]) not in response.content.decode()


@pytest.mark.parametrize("role", ["unit_officer", "appraiser"])
def test_other_roles_are_refused(client, personas, survey, role):
    client.force_login(next(user for user in personas.values() if user.role == role), backend=MODEL_BACKEND)

    assert client.get(reverse("surveys:survey_results", args=[survey.pk])).status_code == 403


def test_the_survey_page_links_to_its_results(manager, survey):
    page = manager.get(reverse("surveys:survey_detail", args=[survey.pk])).content.decode()

    assert reverse("surveys:survey_results", args=[survey.pk]) in page
    assert reverse("surveys:survey_design", args=[survey.pk]) in page


def test_points_of_a_survey_not_yet_computed_show_as_not_scored(manager, own_unit, other_unit):
    survey = make_answered_survey(points=False)

    response = results_of(manager, survey)

    assert row_of(response, "SNV").points == [(None, None), (None, None)]
    assert results_module.PAGE_SIZE == 50


def test_units_of_other_blocks_are_not_rated(manager, survey):
    Unit.objects.create(code="XA-009", name="Xã Chín", block=make_block("XA", "Khối xã", 3))

    response = results_of(manager, survey)

    assert "XA-009" not in [row.unit.code for row in response.context["results"].rows]
