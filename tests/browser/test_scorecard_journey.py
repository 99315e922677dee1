"""A leader reads a unit's scorecard and prints it (the PDF a leader signs); a unit officer sees only their own
unit's scorecard. The screenshot shows the demo province (manage.py seed_demo)."""
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from scoring.models import Unit
from tests.conftest import PASSWORD
from tests.scoring.scorecard_data import make_scored_block

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def scorecard_url(live_server, unit, year=2025):
    return live_server.url + reverse("scoring:scorecard", kwargs={"pk": unit.pk, "year": year})


def test_a_leader_reads_a_scorecard_and_prints_it(page, live_server, personas, own_unit, other_unit,
                                                  response_statuses):
    make_scored_block(own_unit, other_unit)
    login(page, live_server, "lanhdao")

    page.goto(scorecard_url(live_server, own_unit))

    expect(page.get_by_role("heading", level=1)).to_have_text("Phiếu điểm Sở Nội vụ năm 2025")
    expect(page.locator('[data-figure="index"]')).to_have_text("96,00")
    expect(page.locator('[data-figure="grade"]')).to_have_text("Loại A")
    expect(page.locator('[data-figure="rank-change"]')).to_contain_text("tăng 1 bậc")
    expect(page.get_by_role("table", name="Chỉ số thành phần so với trung bình khối")
           .get_by_role("row", name="1. Lĩnh vực 1")).to_contain_text("75,00")
    # The chart is drawn by our own Chart.js with both series.
    assert page.evaluate("() => Chart.getChart('scorecard-chart').data.datasets.map(d => d.data)") == [
        [95, 90, 90], [75, 73.33, 73.33]]
    with page.expect_response(lambda response: "/pdf/" in response.url) as answer, page.expect_download() as saved:
        page.get_by_role("link", name="Tải PDF để in, ký").click()
    response = answer.value
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    content = Path(saved.value.path()).read_bytes()
    assert content.startswith(b"%PDF") and len(content) > 5000
    assert saved.value.suggested_filename == "phieu-diem-2025-SNV.pdf"
    assert all(status < 400 for status in response_statuses.values())


def test_a_unit_officer_sees_only_their_own_units_scorecard(page, live_server, personas, own_unit, other_unit):
    make_scored_block(own_unit, other_unit)
    login(page, live_server, "canbo")

    own = page.goto(scorecard_url(live_server, own_unit))
    other = page.goto(scorecard_url(live_server, other_unit))

    assert own.status == 200 and other.status == 404
    page.goto(scorecard_url(live_server, own_unit))
    expect(page.get_by_role("button", name="Phiếu điểm mọi đơn vị Khối sở, ban, ngành (ZIP)")).to_have_count(0)


def test_the_demo_provinces_scorecard_for_the_readme(page, live_server):
    call_command("seed_demo", password=PASSWORD, verbosity=0)
    unit = Unit.objects.get(code="SNV")
    page.set_viewport_size({"width": 1280, "height": 1500})
    login(page, live_server, "lanhdao")

    page.goto(scorecard_url(live_server, unit))

    expect(page.locator('[data-figure="index"]')).not_to_have_text("—")
    expect(page.locator("table.survey-table tbody tr").first).to_be_visible()
    page.wait_for_function("() => Chart.getChart('scorecard-chart') !== undefined")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "scorecard.png")
