"""A leader opens the ranking dashboard of the demo province (manage.py seed_demo), filters a block and a group,
sorts, draws the trend of two units and opens a unit; an anonymous visitor reads the public page of a published
year. The screenshots of the README are taken here."""
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from scoring.demo import RURAL_GROUP, seed_demo
from scoring.demo.results import seed_results
from scoring.models import Cycle, UnitResult
from scoring.services.publications import publication_create
from tests.conftest import PASSWORD

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def demo(db):
    """The province, its accounts and two computed years: all the dashboard reads (the 2026 cycle and the survey
    of the full `seed_demo` would only add half a minute to each test)."""
    seed_demo(password=PASSWORD)
    seed_results()


def vi(value, places=2):
    return f"{value:.{places}f}".replace(".", ",")


def ranking_rows(page):
    return page.locator("table.ranking-table tbody tr")


def test_a_leader_filters_sorts_draws_trends_and_opens_a_unit(page, live_server, demo, response_statuses,
                                                              requested_urls):
    page.set_viewport_size({"width": 1280, "height": 1000})
    login(page, live_server, "lanhdao")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Bảng xếp hạng").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bảng xếp hạng năm 2025 · Khối sở, ban, ngành")
    first = UnitResult.objects.select_related("unit").get(year=2025, block__code="SO", rank=1)
    expect(ranking_rows(page).first).to_contain_text(first.unit.name)
    expect(ranking_rows(page).first).to_contain_text(vi(first.index))
    page.wait_for_function("() => Chart.getChart('chart-ranked') && Chart.getChart('chart-distribution')")
    drawn = page.evaluate("() => Chart.getChart('chart-ranked').data.datasets[0].data.slice(0, 1)")
    assert drawn == [float(first.index)]

    # Two units' trends: ticked in the table, drawn beside the block average.
    for code in ("SNV", "STC"):
        page.locator(f'tr[data-unit="{code}"] input[name="trend"]').check()
    with page.expect_navigation():
        page.get_by_role("button", name="Vẽ xu hướng các đơn vị đã chọn").click()
    page.wait_for_function("() => Chart.getChart('chart-trend')")
    labels = page.evaluate("() => Chart.getChart('chart-trend').data.datasets.map(d => d.label)")
    assert labels == ["Trung bình khối", "Sở Nội vụ", "Sở Tài chính"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "dashboard.png", full_page=True)

    # Another block, then one of its groups.
    page.get_by_label("Khối", exact=True).select_option("XA")
    with page.expect_navigation():
        page.get_by_role("button", name="Xem", exact=True).click()
    page.get_by_label("Nhóm", exact=True).select_option(RURAL_GROUP)
    with page.expect_navigation():
        page.get_by_role("button", name="Xem", exact=True).click()
    query = parse_qs(urlsplit(page.url).query)
    assert (query["block"], query["group"]) == (["XA"], [RURAL_GROUP])
    communes = UnitResult.objects.filter(year=2025, block__code="XA", group=RURAL_GROUP)
    expect(page.locator("table.ranking-table tbody tr")).to_have_count(min(communes.count(), 50))

    # Sorting by index, highest first, then the reverse.
    with page.expect_navigation():
        page.get_by_role("columnheader", name="Chỉ số (%)").get_by_role("link").click()
    expect(page.get_by_role("columnheader", name="Chỉ số (%)")).to_have_attribute("aria-sort", "descending")
    best = communes.order_by("-index", "unit__code").select_related("unit")[0]
    expect(ranking_rows(page).first).to_contain_text(best.unit.name)
    with page.expect_navigation():
        page.get_by_role("columnheader", name="Chỉ số (%)").get_by_role("link").click()
    worst = communes.order_by("index", "unit__code").select_related("unit")[0]
    expect(ranking_rows(page).first).to_contain_text(worst.unit.name)

    # Opening a unit leads to its scorecard of the year.
    with page.expect_navigation():
        ranking_rows(page).first.get_by_role("link", name=worst.unit.name).click()
    assert urlsplit(page.url).path == reverse("scoring:scorecard", kwargs={"pk": worst.unit_id, "year": 2025})
    assert all(status < 400 for status in response_statuses.values())
    assert [url for url in requested_urls if not url.startswith(live_server.url + "/")] == []  # no CDN
    # The same signed-in leader goes on (one demo province for the three journeys: seeding it is the slow part).
    the_dashboard_prints_without_navigation_and_with_its_tables(page, live_server)
    the_what_changed_page_lists_the_units_close_to_the_next_grade(page, live_server)


def the_dashboard_prints_without_navigation_and_with_its_tables(page, live_server):
    page.goto(live_server.url + reverse("scoring:dashboard") + "?year=2025&block=SO")
    page.wait_for_function("() => Chart.getChart('chart-ranked')")

    page.emulate_media(media="print")

    expect(page.locator("header.site-header")).to_be_hidden()
    expect(page.locator("#dashboard-filters")).to_be_hidden()
    expect(page.locator("table.heatmap")).to_be_visible()
    expect(page.locator("table.ranking-table input[name=trend]").first).to_be_hidden()


def the_what_changed_page_lists_the_units_close_to_the_next_grade(page, live_server):
    page.emulate_media(media="screen")
    page.goto(live_server.url + reverse("scoring:dashboard") + "?year=2025&block=SO")
    with page.expect_navigation():
        page.get_by_role("link", name="Những gì thay đổi").click()

    page.get_by_label("Sát mức xếp loại trên (điểm chỉ số)").fill("2,5")
    with page.expect_navigation():
        page.get_by_role("button", name="Xem", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Những gì thay đổi năm 2025 · Khối sở, ban, ngành")
    rows = page.locator("table.near-table tbody tr")
    for row in range(rows.count()):
        gap = Decimal(rows.nth(row).locator("td").last.inner_text().replace(",", "."))
        assert Decimal(0) < gap <= Decimal("2.5")
    expect(page.get_by_role("heading", name="Tiêu chí nhiều đơn vị bị mất điểm")).to_be_visible()


def test_an_anonymous_visitor_reads_a_published_year(page, live_server, demo, response_statuses):
    publication = publication_create(year=2024, block_code="SO", note="Quyết định phê duyệt kết quả 2024")
    for block in Cycle.objects.filter(year=2024).exclude(block__code="SO").values_list("block__code", flat=True):
        publication_create(year=2024, block_code=block, note="Quyết định phê duyệt kết quả 2024")
    snv = UnitResult.objects.select_related("unit").get(year=2024, unit__code="SNV")
    page.set_viewport_size({"width": 1280, "height": 1000})

    page.goto(live_server.url + reverse("scoring:public_years"))
    with page.expect_navigation():
        page.get_by_role("link", name="Năm 2024").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Kết quả chỉ số CCHC năm 2024")
    expect(page.locator("#publication-sha256")).to_have_text(publication.sha256)
    row = page.locator('tr[data-unit="SNV"]')
    expect(row).to_contain_text(snv.unit.name)
    expect(row).to_contain_text(vi(snv.index))
    expect(page.get_by_role("heading", level=2)).to_have_count(3)  # one table per block
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)  # no session: nothing internal
    assert all(status < 400 for status in response_statuses.values())
    page.screenshot(path=SCREENSHOTS / "public.png", full_page=False)

    missing = page.goto(live_server.url + reverse("scoring:public_year", args=[2025]))
    assert missing.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Kết quả năm 2025 chưa được công bố")
