"""The appraisal in Chromium: an appraiser works one criterion across units (accepts one, adjusts one with a
reason template, asks the own unit for an explanation); the unit officer answers and submits; round 2 decides;
the coordinator finalizes. The submitted files are set up straight in the database."""
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from scoring.models import Assessment, AuditEntry, AuditSource, ReasonTemplate
from tests.conftest import make_unit
from tests.scoring.appraisal_data import S, leaf, make_cycle, make_file, score_of, self_scored

from .conftest import confirm_in_dialog, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEMPLATE = "Tài liệu kiểm chứng không đúng năm đánh giá"


def unit_row(page, name):
    return page.locator("table.appraisal-table tbody tr").filter(has_text=name)


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def test_appraisal_round_1_explanation_round_2_and_finalization(page, live_server, personas, own_unit,
                                                                other_unit, response_statuses):
    cycle = make_cycle()
    asked = make_file(cycle, own_unit, scores=self_scored())
    accepted = make_file(cycle, other_unit, scores=self_scored())
    adjusted = make_file(cycle, make_unit("SYT", "Sở Y tế", block=cycle.block), scores=self_scored())
    ReasonTemplate.objects.create(text=TEMPLATE)

    # Round 1: the appraiser opens criterion 1.1 across units from the navigation.
    login(page, live_server, "thamdinh")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Thẩm định").click()
    page.get_by_role("link", name=f"{cycle.block.name} 2025").click()
    page.get_by_role("link", name="Tiêu chí 1.1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("1.1. Tiêu chí 1.1")
    expect(page.locator("table.appraisal-table tbody tr")).to_have_count(3)

    click_and_wait(page, unit_row(page, "Sở Tài chính").get_by_role("button", name="Chấp nhận điểm tự đánh giá"))
    expect(page.get_by_text("Đã chấp nhận điểm tự đánh giá: Sở Tài chính, tiêu chí 1.1.")).to_be_visible()

    row = unit_row(page, "Sở Y tế")
    row.get_by_label("Điểm thẩm định (tối đa 2)").fill("1,5")
    row.get_by_label("Mẫu lý do").select_option(label=TEMPLATE)
    expect(row.get_by_label("Lý do", exact=True)).to_have_value(TEMPLATE)  # filled by static/js/appraisal.js
    click_and_wait(page, row.get_by_role("button", name="Lưu điểm thẩm định"))
    expect(page.get_by_text("Đã lưu điểm thẩm định: Sở Y tế, tiêu chí 1.1.")).to_be_visible()
    expect(unit_row(page, "Sở Y tế").locator(".final")).to_have_text("1,5")

    row = unit_row(page, "Sở Nội vụ")
    row.get_by_text("Yêu cầu giải trình", exact=True).click()
    row.get_by_label("Nội dung cần đơn vị giải trình").fill("Đề nghị bổ sung quyết định ban hành kế hoạch")
    click_and_wait(page, row.get_by_role("button", name="Gửi yêu cầu giải trình"))
    expect(unit_row(page, "Sở Nội vụ").locator(".status")).to_have_text("Yêu cầu giải trình")

    assert score_of(accepted, "1.1").final_score == Decimal(2)
    assert (score_of(adjusted, "1.1").final_score, score_of(adjusted, "1.1").appraisal_reason) == (
        Decimal("1.5"), TEMPLATE)

    # The unit officer answers and submits the explanation.
    page.context.clear_cookies()
    login(page, live_server, "canbo")
    page.goto(live_server.url + reverse("scoring:explanation_list", args=[asked.pk]))
    expect(page.get_by_text("Đề nghị bổ sung quyết định ban hành kế hoạch")).to_be_visible()
    # Typed and sent straight away, without "save": the answer is saved on the way and nothing is lost.
    page.get_by_label("Nội dung giải trình tiêu chí 1.1").fill("Kế hoạch ban hành tại QĐ 12/QĐ-UBND ngày 05/01/2025")
    page.get_by_role("button", name="Gửi giải trình tới Hội đồng").click()
    confirm_in_dialog(page, "Tiêu chí đã trả lời: 1 / 1")
    expect(page.get_by_text("Đã gửi giải trình tới Hội đồng thẩm định.")).to_be_visible()
    assert score_of(asked, "1.1").explanation_answer == "Kế hoạch ban hành tại QĐ 12/QĐ-UBND ngày 05/01/2025"

    # Round 2: the appraiser reads the answer beside the self-score and decides again.
    page.context.clear_cookies()
    login(page, live_server, "thamdinh")
    page.goto(live_server.url + reverse("scoring:appraisal_criterion", args=[cycle.pk, leaf(cycle, "1.1").pk]))
    row = unit_row(page, "Sở Nội vụ")
    expect(row.locator(".answer")).to_contain_text("QĐ 12/QĐ-UBND")
    row.get_by_label("Điểm thẩm định (tối đa 2)").fill("1,75")
    row.get_by_label("Lý do", exact=True).fill("Kế hoạch ban hành muộn 5 ngày")
    click_and_wait(page, row.get_by_role("button", name="Lưu điểm thẩm định"))
    expect(unit_row(page, "Sở Nội vụ").locator(".final")).to_have_text("1,75")
    score = score_of(asked, "1.1")
    assert (score.appraised_score, score.second_score, score.final_score) == (None, Decimal("1.75"),
                                                                               Decimal("1.75"))

    # The coordinator accepts what is left and finalizes one unit, then every complete unit of the cycle.
    page.context.clear_cookies()
    login(page, live_server, "dieuphoi")
    page.goto(live_server.url + reverse("scoring:appraisal_cycle", args=[cycle.pk]))
    page.locator("section").filter(has_text="Thẩm định theo đơn vị").get_by_role("link", name="Sở Nội vụ").click()
    page.get_by_role("button", name="Chấp nhận mọi tiêu chí chưa thẩm định").click()
    confirm_in_dialog(page, "Số tiêu chí sẽ được chấp nhận: 4")
    expect(page.get_by_text("Đã chấp nhận điểm tự đánh giá của 4 tiêu chí chưa thẩm định.")).to_be_visible()
    page.get_by_role("button", name="Hoàn tất thẩm định đơn vị").click()
    confirm_in_dialog(page, "Tổng điểm chính thức")
    expect(page.get_by_text("Đã hoàn tất thẩm định Sở Nội vụ.")).to_be_visible()
    expect(page.get_by_text("Hồ sơ đã thẩm định xong; cần mở lại để điều chỉnh.")).to_be_visible()
    expect(page.get_by_role("button", name="Lưu điểm thẩm định")).to_have_count(0)

    page.goto(live_server.url + reverse("scoring:appraisal_assessment", args=[accepted.pk]))
    page.get_by_role("button", name="Chấp nhận mọi tiêu chí chưa thẩm định").click()
    confirm_in_dialog(page)
    page.goto(live_server.url + reverse("scoring:appraisal_cycle", args=[cycle.pk]))
    page.get_by_role("button", name="Hoàn tất mọi đơn vị đủ điểm").click()
    confirm_in_dialog(page, "Số đơn vị sẽ hoàn tất: 1")
    expect(page.get_by_text("Đã hoàn tất thẩm định 1 đơn vị đủ điểm.")).to_be_visible()

    statuses = dict(Assessment.objects.values_list("unit__code", "status"))
    assert statuses == {"SNV": S.APPRAISED, "STC": S.APPRAISED, "SYT": S.IN_APPRAISAL}
    assert AuditEntry.objects.filter(source=AuditSource.BULK, field="final_score",
                                     assessment_id=asked.pk).count() == 4

    # The unit reads its score explained on the leaf page: self-score, round 1, round 2, official.
    page.context.clear_cookies()
    login(page, live_server, "canbo")
    page.goto(live_server.url + reverse("scoring:leaf_detail", args=[score.pk]))
    explain = page.locator("table.explain-table")
    expect(explain.get_by_role("row", name="Tự đánh giá")).to_contain_text("2")
    expect(explain.get_by_role("row", name="Thẩm định vòng 2")).to_contain_text("1,75")
    expect(explain.get_by_role("row", name="Thẩm định vòng 2")).to_contain_text("Kế hoạch ban hành muộn 5 ngày")
    expect(explain.get_by_role("row", name="Điểm chính thức")).to_contain_text("1,75")
    expect(page.locator("table.history-table tbody tr").first).to_be_visible()
    assert all(status < 400 for status in response_statuses.values())
