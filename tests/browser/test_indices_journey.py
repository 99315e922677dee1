"""A leader reads every index of a unit (PAR, DTI, DDCI) on one page, then the block's conference report, and
downloads it. The data is the demo province's (manage.py seed_demo), checked against the engine's rows."""
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from scoring.models import IndexResult, Unit, UnitResult
from scoring.reports.pdf import number_text
from tests.conftest import PASSWORD

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_a_leader_reads_every_index_of_a_unit_and_the_conference_report(page, live_server, response_statuses):
    call_command("seed_demo", password=PASSWORD, verbosity=0)
    unit = Unit.objects.get(code="SNV")
    par = UnitResult.objects.get(unit=unit, year=2025, index_code="PAR")
    ddci = IndexResult.objects.get(unit=unit, edition__index__code="DDCI", edition__year=2025)
    dti = UnitResult.objects.get(unit=unit, year=2025, index_code="DTI")  # appraised like PAR, shown on 0-1
    page.set_viewport_size({"width": 1280, "height": 1000})
    login(page, live_server, "lanhdao")

    page.goto(live_server.url + reverse("scoring:unit_detail", args=[unit.pk]))
    page.get_by_role("link", name="Các chỉ số của đơn vị (PAR, DTI, DDCI…)").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Các chỉ số của Sở Nội vụ năm 2025")
    rows = page.locator("table.unit-indices tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator('[data-index="PAR"] [data-figure="value"]')).to_contain_text(number_text(par.index, 2))
    expect(page.locator('[data-index="DDCI"] [data-figure="value"]')).to_contain_text(number_text(ddci.value, 2))
    expect(page.locator('[data-index="DTI"] [data-figure="value"]')).to_contain_text(number_text(dti.index / 100, 4))
    expect(page.locator('[data-index="DDCI"] [data-figure="rank"]')).to_contain_text(f"{ddci.rank}/")
    expect(page.locator('[data-index="DDCI"]')).to_contain_text("tạm tính, chưa công bố")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "unit-indices.png", full_page=True)

    page.goto(live_server.url + reverse("scoring:conference_report") + "?year=2025&block=SO")
    expect(page.locator('[data-index="DDCI"]')).to_contain_text("Trung bình")
    expect(page.locator('tr[data-unit="SNV"]')).to_be_visible()
    with page.expect_download() as saved:
        page.get_by_role("link", name="Tải Excel (.xlsx)").click()
    assert saved.value.suggested_filename == "bao-cao-hoi-nghi-2025-SO.xlsx"
    assert all(status < 400 for status in response_statuses.values())
