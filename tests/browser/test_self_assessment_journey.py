"""A unit's self-assessment in the browser: the officer scores one leaf of each rule type from the to-do list and
watches the progress move; the head's first submission is refused naming the leaf still missing, then goes through."""
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from scoring.models import Assessment, AssessmentStatus, LeafScore
from tests.scoring.cycle_data import open_rules_cycle

from .conftest import confirm_in_dialog, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def open_leaf(page, code):
    page.locator("#todo").get_by_role("link", name=f"Tiêu chí {code}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Tiêu chí {code}")


def save_and_check(page, code, shown):
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text(f"Đã lưu tiêu chí {code}.")).to_be_visible()
    expect(page.locator("#saved-self-score")).to_have_text(shown)
    page.get_by_role("link", name="← Danh sách tiêu chí của Sở Nội vụ").click()


def expect_progress(page, figure):
    expect(page.locator("#progress-scored")).to_have_text(figure)


def test_a_unit_scores_each_rule_type_and_its_head_submits(page, live_server, personas, own_unit, other_unit,
                                                           response_statuses):
    cycle = open_rules_cycle()
    assessment = Assessment.objects.get(cycle=cycle, unit=own_unit)

    login(page, live_server, "canbo")
    page.get_by_role("link", name="Hồ sơ tự đánh giá năm 2025").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hồ sơ tự đánh giá năm 2025: Sở Nội vụ")
    expect_progress(page, "0/5")

    open_leaf(page, "1.1")  # manual, step 0.25
    page.get_by_label("Điểm tự đánh giá").fill("1.75")
    save_and_check(page, "1.1", "1,75")
    expect_progress(page, "1/5")

    open_leaf(page, "1.2")  # choice
    page.get_by_label("Chậm (0,5 điểm)").check()
    save_and_check(page, "1.2", "0,5")
    expect_progress(page, "2/5")

    open_leaf(page, "1.3")  # ratio bands: the preview shows the band's points as the unit types
    page.get_by_label("Tử số (số đạt)").fill("95")
    page.get_by_label("Mẫu số (tổng số)").fill("100")
    expect(page.locator("#score-preview")).to_have_text("1,5")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "self-assessment-leaf.png", full_page=True)
    save_and_check(page, "1.3", "1,5")

    open_leaf(page, "1.4")  # proportional: 3 × 2/3
    page.get_by_label("Tử số (số đạt)").fill("2")
    page.get_by_label("Mẫu số (tổng số)").fill("3")
    expect(page.locator("#score-preview")).to_have_text("2")
    save_and_check(page, "1.4", "2")
    expect_progress(page, "4/5")

    open_leaf(page, "1.5")  # deduction: evidence required, so a full score without it is still missing
    page.get_by_label("Số lần vi phạm").fill("0")
    save_and_check(page, "1.5", "1")
    expect_progress(page, "5/5")
    expect(page.locator("#progress-evidence")).to_contain_text("Thiếu tài liệu kiểm chứng (chưa giải trình): 1")
    expect(page.locator("#todo tr[data-code='1.5']")).to_contain_text("thiếu tài liệu kiểm chứng")

    open_leaf(page, "3.1")  # bonus claim within the cap
    page.get_by_label("Điểm đề nghị").fill("1")
    save_and_check(page, "3.1", "1")
    expect(page.locator("#progress")).to_contain_text("Điểm thưởng đề nghị: 1 / 3")
    page.screenshot(path=SCREENSHOTS / "self-assessment.png", full_page=True)

    page.context.clear_cookies()
    login(page, live_server, "thutruong")
    page.goto(live_server.url + reverse("scoring:assessment_detail", args=[assessment.pk]))
    page.get_by_role("button", name="Gửi hồ sơ tới Hội đồng thẩm định").click()
    expect(page.locator(".message-error")).to_have_text(
        "Chưa thể gửi hồ sơ: còn 1 mục chưa đủ: 1.5 (thiếu tài liệu kiểm chứng (hoặc giải trình)).")
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.DRAFT

    open_leaf(page, "1.5")
    page.get_by_label("Giải trình của đơn vị").fill("Báo cáo đang trình ký, sẽ bổ sung")
    save_and_check(page, "1.5", "1")
    expect(page.locator("#progress-evidence")).to_contain_text("Thiếu tài liệu kiểm chứng (chưa giải trình): 0")
    page.get_by_role("button", name="Gửi hồ sơ tới Hội đồng thẩm định").click()
    confirm_in_dialog(page, "Tổng điểm tự đánh giá", "Chỉ số tự đánh giá")

    expect(page.get_by_text("Đã gửi hồ sơ tự đánh giá tới Hội đồng thẩm định.")).to_be_visible()
    expect(page.locator("#assessment-status")).to_have_text("Đã gửi")
    expect(page.locator(".read-only-note")).to_have_text("Hồ sơ đã gửi, đang chờ thẩm định.")
    stored = Assessment.objects.get(pk=assessment.pk)
    assert stored.status == AssessmentStatus.SUBMITTED and stored.submitted_by.username == "thutruong"
    scores = dict(LeafScore.objects.filter(assessment=assessment, self_score__isnull=False)
                  .values_list("criterion__code", "self_score"))
    assert {code: str(score.normalize()) for code, score in scores.items()} == {
        "1.1": "1.75", "1.2": "0.5", "1.3": "1.5", "1.4": "2", "1.5": "1", "3.1": "1"}
    assert all(status < 400 for status in response_statuses.values())
