"""A DTI year beside PAR in Chromium: block SO has a PAR and a DTI cycle of 2025. Sở Nội vụ's officer self-assesses
its DTI leaf and its head submits; STTTT's appraiser appraises it; the coordinator computes the year and DTI is
published; a leader opens the unit's page of every index and reads PAR and DTI (on its 0-1 scale) as the engine
stored them."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from scoring.models import Agency, Assessment, AssessmentStatus, Criterion, Index, Publication, Role, UnitResult
from scoring.reports.pdf import number_text
from scoring.services.cycles import cycle_open
from tests.conftest import make_framework, make_user
from tests.scoring.results_data import import_scores

from .conftest import confirm_in_dialog, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEAF = {"1.1": ("appraised", "10")}


def open_year(block, coordinator):
    """PAR and DTI frameworks of 2025 (one leaf each, DTI's appraised by STTTT), both cycles open, Sở Tài chính's
    files appraised already, and PAR's Sở Nội vụ too: only its DTI file is left to the journey."""
    make_framework(year=2025, block=block, leaves=LEAF)
    dti = make_framework(year=2025, block=block, leaves=LEAF, version="DTI-922/2022",
                         index=Index.objects.standard("DTI"))
    stttt = Agency.objects.create(code="STTTT", name="Sở Thông tin và Truyền thông")
    Criterion.objects.filter(framework=dti).exclude(method="").update(agency=stttt)
    today = timezone.localdate()
    deadlines = {"self_assessment_deadline": today + timedelta(days=10), "appraisal_deadline": today + timedelta(20),
                 "explanation_deadline": today + timedelta(30), "final_appraisal_deadline": today + timedelta(40)}
    for index in ("PAR", "DTI"):
        cycle_open(year=2025, block=block, user=coordinator, deadlines=deadlines, index_code=index)
    import_scores(2025, "SO", {"SNV": {"1.1": "8.5"}, "STC": {"1.1": "7"}})
    import_scores(2025, "SO", {"STC": {"1.1": "9"}}, index_code="DTI")
    return make_user("thamdinh.stttt", Role.APPRAISER, agency=stttt)


def signed_in_as(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username)


def test_a_dti_leaf_goes_from_self_assessment_to_the_units_page_of_every_index(page, live_server, personas,
                                                                              own_unit, other_unit,
                                                                              response_statuses):
    open_year(own_unit.block, personas[Role.COORDINATOR])
    dti_file = Assessment.objects.get(cycle__index_code="DTI", unit=own_unit)

    # The officer finds both files of the year on the home page and self-assesses the DTI one.
    login(page, live_server, "canbo")
    expect(page.get_by_role("link", name="Hồ sơ tự đánh giá năm 2025", exact=True)).to_be_visible()
    page.get_by_role("link", name="Hồ sơ tự đánh giá năm 2025 (DTI)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hồ sơ tự đánh giá năm 2025 (DTI): Sở Nội vụ")
    page.locator("#todo").get_by_role("link", name="Tiêu chí 1.1", exact=True).click()
    page.get_by_label("Điểm tự đánh giá").fill("7,5")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lưu tiêu chí 1.1.")).to_be_visible()

    signed_in_as(page, live_server, "thutruong")
    page.goto(live_server.url + reverse("scoring:assessment_detail", args=[dti_file.pk]))
    page.get_by_role("button", name="Gửi hồ sơ tới Hội đồng thẩm định").click()
    confirm_in_dialog(page)
    expect(page.get_by_text("Đã gửi hồ sơ tự đánh giá tới Hội đồng thẩm định.")).to_be_visible()

    # STTTT's appraiser works DTI's criterion across the block's units.
    signed_in_as(page, live_server, "thamdinh.stttt")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Thẩm định").click()
    page.get_by_role("link", name="Khối sở, ban, ngành 2025 (DTI)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thẩm định Khối sở, ban, ngành năm 2025 (DTI)")
    page.get_by_role("link", name="Tiêu chí 1.1").click()
    row = page.locator("table.appraisal-table tbody tr").filter(has_text="Sở Nội vụ")
    row.get_by_label("Điểm thẩm định (tối đa 10)").fill("7,024")
    row.get_by_label("Lý do", exact=True).fill("Tỷ lệ hồ sơ trực tuyến toàn trình thấp hơn báo cáo")
    with page.expect_navigation():
        row.get_by_role("button", name="Lưu điểm thẩm định").click()
    expect(page.get_by_text("Đã lưu điểm thẩm định: Sở Nội vụ, tiêu chí 1.1.")).to_be_visible()

    # The coordinator computes each index on its tab of the results page, then publishes DTI from its tab.
    signed_in_as(page, live_server, "dieuphoi")
    page.goto(live_server.url + reverse("scoring:results") + "?year=2025&block=SO")
    with page.expect_navigation():
        page.get_by_role("button", name="Tính kết quả").click()
    expect(page.locator("[data-job-status]")).to_have_text("Hoàn thành")
    page.goto(live_server.url + reverse("scoring:results") + "?year=2025&block=SO&index=DTI")
    with page.expect_navigation():
        page.get_by_role("button", name="Tính kết quả").click()
    expect(page.locator("[data-job-status]")).to_have_text("Hoàn thành")
    par = UnitResult.objects.get(year=2025, unit=own_unit, index_code="PAR")
    dti = UnitResult.objects.get(year=2025, unit=own_unit, index_code="DTI")
    assert (par.index, par.rank, dti.index, dti.rank, dti.incomplete) == (
        Decimal("85.000"), 1, Decimal("70.240"), 2, False)
    page.goto(live_server.url + reverse("scoring:results") + "?year=2025&block=SO&index=DTI")
    page.get_by_role("button", name="Công bố", exact=True).click()
    confirm_in_dialog(page)
    assert Publication.objects.filter(year=2025, block__code="SO", index_code="DTI").exists()
    assert not Publication.objects.filter(year=2025, block__code="SO", index_code="PAR").exists()

    # The leader reads every index of the unit: PAR in percent, DTI on its published 0-1 scale.
    signed_in_as(page, live_server, "lanhdao")
    page.goto(live_server.url + reverse("scoring:unit_detail", args=[own_unit.pk]))
    page.get_by_role("link", name="Các chỉ số của đơn vị (PAR, DTI, DDCI…)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Các chỉ số của Sở Nội vụ năm 2025")
    expect(page.locator("table.unit-indices tbody tr")).to_have_count(2)
    expect(page.locator('[data-index="PAR"] [data-figure="value"]')).to_contain_text(number_text(par.index, 2))
    expect(page.locator('[data-index="PAR"] [data-figure="rank"]')).to_have_text("1/2")
    expect(page.locator('[data-index="PAR"]')).to_contain_text("tạm tính, chưa công bố")
    expect(page.locator('[data-index="DTI"] [data-figure="value"]')).to_have_text("0,7024")
    assert number_text(dti.index / 100, 4) == "0,7024"
    expect(page.locator('[data-index="DTI"] [data-figure="rank"]')).to_have_text("2/2")
    expect(page.locator('[data-index="DTI"]')).not_to_contain_text("tạm tính")
    assert Assessment.objects.get(pk=dti_file.pk).status == AssessmentStatus.IN_APPRAISAL
    assert all(status < 400 for status in response_statuses.values())
