"""A unit officer downloads the unit's workbook, fills it in (as Excel would save it), uploads it, sees a bad cell
by its address, fixes it, checks the preview and confirms: the leaves change only then."""
from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from scoring.models import AuditEntry, LeafScore
from tests.scoring.test_excel_assessments import fill, make_assessment

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def assessment(own_unit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return make_assessment(own_unit, self_assessment_deadline=timezone.localdate() + timedelta(days=10))


def save_filled(path, downloaded, values):
    path.write_bytes(fill(load_workbook(BytesIO(Path(downloaded).read_bytes())), values).getvalue())
    return path


def test_the_unit_fills_its_workbook_offline_and_confirms_the_preview(page, live_server, personas, assessment,
                                                                       tmp_path, response_statuses):
    login(page, live_server, "canbo")
    page.goto(live_server.url + reverse("scoring:workbook_upload", args=[assessment.pk]))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải sổ tự đánh giá (.xlsx)").click()
    downloaded = download_info.value
    assert downloaded.suggested_filename == "tu-danh-gia-snv-2024.xlsx"

    wrong = save_filled(tmp_path / "sai.xlsx", downloaded.path(), {("1.1", "score"): 2.5, ("2.2", "occurrences"): 1})
    page.get_by_label("Sổ tự đánh giá đã điền (.xlsx, tối đa 5 MB)").set_input_files(wrong)
    with page.expect_navigation():
        page.get_by_role("button", name="Tải lên và xem trước").click()
    expect(page.locator("#cell-errors")).to_contain_text("Ô G3 (tiêu chí 1.1): Điểm phải nằm trong khoảng 0 đến 2")
    expect(page.get_by_role("button", name="Xác nhận lưu")).to_have_count(0)

    with page.expect_navigation():
        page.get_by_role("button", name="Hủy và chọn tệp khác").click()
    right = save_filled(tmp_path / "dung.xlsx", downloaded.path(), {
        ("1.1", "score"): 1.75, ("1.2", "choice"): "Chậm, có lý do", ("2.2", "occurrences"): 1})
    page.get_by_label("Sổ tự đánh giá đã điền (.xlsx, tối đa 5 MB)").set_input_files(right)
    with page.expect_navigation():
        page.get_by_role("button", name="Tải lên và xem trước").click()
    rows = page.locator("#changes tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("1,75")
    expect(rows.nth(2)).to_contain_text("1,5")
    assert not AuditEntry.objects.exists()

    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận lưu").click()
    expect(page.get_by_text("Đã lưu 3 tiêu chí từ sổ tự đánh giá.")).to_be_visible()
    scores = dict(LeafScore.objects.filter(assessment=assessment).values_list("criterion__code", "self_score"))
    assert (scores["1.1"], scores["1.2"], scores["2.2"]) == (Decimal("1.750"), Decimal("0.500"), Decimal("1.500"))
    assert all(status < 400 for status in response_statuses.values())
