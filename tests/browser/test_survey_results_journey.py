"""A coordinator reads a survey's results in the browser: SIPAS per element, the survey points per unit and the
distribution bars of each question (figures of tests/surveys/results_data.py)."""
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.surveys.results_data import make_answered_survey

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def fill_ratio(row):
    """How much of its box a row's bar fills, as drawn."""
    bar, fill = row.locator(".bar"), row.locator(".bar-fill")
    return fill.bounding_box()["width"] / bar.bounding_box()["width"]


def test_a_coordinator_reads_the_survey_results_with_bars_and_sipas(page, live_server, personas, own_unit,
                                                                     other_unit, response_statuses):
    survey = make_answered_survey()
    login(page, live_server, "dieuphoi")
    page.goto(live_server.url + reverse("surveys:survey_detail", args=[survey.pk]))
    page.get_by_role("link", name="Kết quả điều tra").click()

    assert urlsplit(page.url).path == reverse("surveys:survey_results", args=[survey.pk])
    expect(page.get_by_role("heading", level=1)).to_have_text("Kết quả điều tra")
    sipas = page.locator(".sipas-table")
    expect(sipas.get_by_role("row", name="Tiếp cận dịch vụ")).to_contain_text("1 / 3")
    expect(sipas.get_by_role("row", name="Tiếp cận dịch vụ")).to_contain_text("33,33%")
    expect(sipas.get_by_role("row", name="Chung")).to_contain_text("50,00%")
    assert fill_ratio(sipas.get_by_role("row", name="Tiếp cận dịch vụ")) == pytest.approx(1 / 3, abs=0.01)

    units = page.locator(".units-table")
    expect(units.get_by_role("row", name="Sở Nội vụ")).to_contain_text("1,800 / 3")
    expect(units.get_by_role("row", name="Sở Nội vụ")).to_contain_text("2 / 10 chưa đạt")
    expect(page.get_by_text("1 phiếu bị đánh dấu đáng ngờ")).to_be_visible()

    first = page.locator("figure.question-result").first
    expect(first.locator("figcaption")).to_contain_text("C1. Ông/bà hài lòng với việc tiếp cận dịch vụ?")
    option_c = first.locator("tbody tr").filter(has=page.get_by_role("rowheader", name="C", exact=True))
    expect(option_c).to_contain_text("2")
    expect(option_c).to_contain_text("66,67%")
    assert fill_ratio(option_c) == pytest.approx(2 / 3, abs=0.01)
    assert all(status < 400 for status in response_statuses.values())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "survey-results.png", full_page=True)


def test_the_results_of_one_unit_are_one_click_away(page, live_server, personas, own_unit, other_unit):
    survey = make_answered_survey()
    login(page, live_server, "lanhdao")
    page.goto(live_server.url + reverse("surveys:survey_results", args=[survey.pk]))

    page.locator(".units-table").get_by_role("link", name="Sở Tài chính").click()

    expect(page.locator(".lead")).to_contain_text("Sở Tài chính")
    expect(page.locator(".sipas-table").get_by_role("row", name="Chung")).to_contain_text("0 / 1")
    expect(page.get_by_role("link", name="Mọi phiếu trả lời (.xlsx)")).to_have_count(0)
