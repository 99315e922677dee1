"""A unit officer plans their unit's improvement: opens the planner, tries two leaves in the what-if (the index,
grade and rank change without a page reload), and saves the scenario. Then the screenshots, on the demo province."""
from decimal import Decimal
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from scoring.models import Role, Scenario, Unit, UnitResult
from tests.conftest import PASSWORD, make_user
from tests.scoring.test_selectors_planner import make_planner_province

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def score_input(page, code):
    return page.get_by_label(f"Điểm giả định tiêu chí {code}", exact=True)


def what_if_cell(page, name):
    return page.locator(f"#what-if-result [data-what-if={name}]")


def test_a_unit_officer_tries_two_leaves_in_the_what_if_and_saves_the_scenario(page, live_server, personas,
                                                                               requested_urls):
    units = make_planner_province()
    officer = make_user("canbo.stc", Role.UNIT_OFFICER, unit=units["STC"])
    login(page, live_server, "canbo.stc")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Kế hoạch cải thiện").click()

    assert urlsplit(page.url).path == reverse("scoring:planner", args=[units["STC"].pk, 2025])
    expect(page.locator(".planner-summary")).to_contain_text("hạng 6/9")
    page.evaluate("window.plannerMarker = 'the same page'")
    expect(what_if_cell(page, "index")).to_have_text("—")

    score_input(page, "1.2").fill("10")
    score_input(page, "2.1").fill("20")

    expect(what_if_cell(page, "index")).to_have_text("94,00")
    expect(what_if_cell(page, "total")).to_have_text("47,000")
    expect(what_if_cell(page, "grade")).to_have_text("Loại A")
    expect(what_if_cell(page, "rank")).to_contain_text("4")
    expect(what_if_cell(page, "rank")).to_contain_text("tăng 2 bậc")
    expect(page.locator("tr[data-leaf='2.1']")).to_have_class("changed")
    assert page.evaluate("window.plannerMarker") == "the same page"
    assert any(urlsplit(url).path.endswith("/what-if.json") for url in requested_urls)

    score_input(page, "3.1").fill("11")
    expect(page.locator("[id='error-3.1']")).to_have_text("Điểm phải trong khoảng 0 đến 10.")
    expect(score_input(page, "3.1")).to_have_attribute("aria-invalid", "true")
    score_input(page, "3.1").fill("8")
    expect(page.locator("[id='error-3.1']")).to_have_text("")

    page.get_by_label("Tên kịch bản").fill("Hoàn thiện lĩnh vực 1 và 2")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu kịch bản").click()

    expect(page.get_by_text("Đã lưu kịch bản “Hoàn thiện lĩnh vực 1 và 2”.")).to_be_visible()
    scenario = Scenario.objects.get()
    assert (scenario.changes, scenario.created_by, scenario.unit) == ({"1.2": "10", "2.1": "20"}, officer,
                                                                        units["STC"])
    expect(what_if_cell(page, "index")).to_have_text("94,00")
    expect(page.locator(".scenarios-table")).to_contain_text("Hoàn thiện lĩnh vực 1 và 2")


def index_text(value, precision=2):
    return f"{value:.{precision}f}".replace(".", ",")


def test_the_demo_provinces_planner_pages_match_the_engine_and_are_photographed(page, live_server):
    call_command("seed_demo", password=PASSWORD, stdout=StringIO())
    unit = Unit.objects.get(code="SNV")
    result = UnitResult.objects.get(unit=unit, year=2025, index_code="PAR")
    login(page, live_server, "canbo.snv", PASSWORD)
    page.goto(live_server.url + reverse("scoring:planner", args=[unit.pk, 2025]))

    expect(page.locator("[data-current=index]")).to_have_text(index_text(result.index))
    expect(page.locator(".planner-summary")).to_contain_text(f"hạng {result.rank}/")
    scenario = Scenario.objects.get(unit=unit, year=2025, name="Hoàn thiện ba tiêu chí mất điểm nhiều nhất")
    page.get_by_role("link", name=scenario.name).click()
    expect(what_if_cell(page, "index")).not_to_have_text("—")
    leaves = page.locator("tr[data-leaf]")
    first = leaves.first.get_attribute("data-leaf")
    maximum = Decimal(leaves.first.locator("input").get_attribute("data-max").replace(",", "."))
    score_input(page, first).fill(str(maximum.normalize()).replace(".", ","))
    expect(page.locator(f"tr[data-leaf='{first}']")).to_have_class("changed")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "planner.png", full_page=True)

    page.context.clear_cookies()
    login(page, live_server, "lanhdao", PASSWORD)
    page.goto(live_server.url + reverse("scoring:planner_province", args=[2025]) + "?block=SO")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Phân tích cải thiện toàn tỉnh · năm 2025")
    expect(page.locator(".needs-table tbody tr")).to_have_count(20)
    page.screenshot(path=SCREENSHOTS / "planner-province.png", full_page=True)
