"""A DDCI edition's pages (surveys/views/competitiveness.py): the framework workbook uploaded with a preview, the
edition's page, and its export."""
import dataclasses
from io import BytesIO

import pytest
from django.urls import reverse

from scoring.models import IndexEdition
from surveys.competitiveness_workbook import read_competitiveness_workbook, write_competitiveness_workbook
from surveys.models import CompetitivenessFramework
from surveys.selectors import competitiveness_spec

from .competitiveness_data import answer_ddci, make_ddci

pytestmark = pytest.mark.django_db


@pytest.fixture
def managed(client, coordinator):
    client.force_login(coordinator)
    return client


def spec_for(framework, **changes):
    return dataclasses.replace(competitiveness_spec(framework), **changes)


def upload(client, spec):
    data = BytesIO(write_competitiveness_workbook(spec))
    data.name = "ddci.xlsx"
    return client.post(reverse("surveys:competitiveness_import"), {"file": data})


def test_the_browser_import_previews_then_saves_and_the_page_shows_the_edition(managed):
    framework = make_ddci()
    answer = upload(managed, spec_for(framework, year=2025))
    preview = managed.get(answer["Location"])
    assert preview.status_code == 200 and "Tệp hợp lệ" in preview.content.decode()
    assert not IndexEdition.objects.filter(year=2025).exists()
    saved = managed.post(answer["Location"], {"confirm": "1"})
    created = CompetitivenessFramework.objects.get(edition__year=2025)
    assert saved["Location"] == reverse("surveys:competitiveness_detail", args=[created.pk])
    page = managed.get(saved["Location"]).content.decode()
    assert "Chi phí thời gian" in page and 'data-unit="SNV"' in page


def test_a_bad_workbook_in_the_browser_shows_its_problems_and_saves_nothing(managed):
    framework = make_ddci()
    answer = upload(managed, spec_for(framework, year=2025, survey="NOPE"))
    preview = managed.post(answer["Location"], {"confirm": "1"})
    assert preview.status_code == 200 and "không có cuộc điều tra" in preview.content.decode()
    assert not IndexEdition.objects.filter(year=2025).exists()


def test_the_export_reads_back_as_the_editions_framework(managed):
    framework = make_ddci()
    answer = managed.get(reverse("surveys:competitiveness_export", args=[framework.pk]))
    spec, issues = read_competitiveness_workbook(BytesIO(answer.content))
    assert issues == [] and spec == competitiveness_spec(framework)
    assert "bo-chi-so-DDCI-2024-SO.xlsx" in answer["Content-Disposition"]


def test_the_page_shows_answers_before_closing_and_results_with_bounds_after(managed):
    framework = make_ddci(minimum_answers=2)
    answer_ddci(framework, [("SNV", "AAA"), ("SNV", "AAA"), ("STC", "DDD"), ("STC", "DDD"), ("SXD", "AAA")])
    page = managed.get(reverse("surveys:competitiveness_detail", args=[framework.pk])).content.decode()
    assert "2/" in page and "chưa đủ" in page and "Nhỏ nhất trong năm" not in page
    managed.post(reverse("surveys:competitiveness_close", args=[framework.pk]), {"confirmed": "1"})
    page = managed.get(reverse("surveys:competitiveness_detail", args=[framework.pk])).content.decode()
    assert "Nhỏ nhất trong năm" in page and "không đánh giá" in page


def test_a_leader_reads_the_page_without_the_close_button(client, leader):
    framework = make_ddci()
    client.force_login(leader)
    page = client.get(reverse("surveys:competitiveness_detail", args=[framework.pk])).content.decode()
    assert reverse("surveys:competitiveness_close", args=[framework.pk]) not in page
    assert client.post(reverse("surveys:competitiveness_close", args=[framework.pk]),
                       {"confirmed": "1"}).status_code == 403
    assert IndexEdition.objects.get(pk=framework.edition_id).state == "collecting"
