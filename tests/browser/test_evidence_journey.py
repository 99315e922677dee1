"""A unit officer attaches a real PDF, with its number, date and title, to a leaf in the browser, sees it listed
and downloads it back, byte for byte, under its Vietnamese name."""
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from scoring.models import Evidence
from tests.scoring.evidence_data import make_assessment, make_leaf_score
from tests.scoring.evidence_files import image_bytes, pdf_bytes

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def leaf(own_unit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return make_leaf_score(make_assessment(own_unit, year=2024))


def test_a_unit_officer_uploads_a_pdf_on_a_leaf_sees_it_listed_and_downloads_it(page, live_server, personas, leaf,
                                                                                 tmp_path, response_statuses):
    document = tmp_path / "Quyết định 12.pdf"
    document.write_bytes(pdf_bytes())
    login(page, live_server, "canbo")
    page.goto(live_server.url + reverse("scoring:leaf_detail", args=[leaf.pk]))

    panel = page.locator(".evidence-panel")
    expect(panel.get_by_text("Chưa có tài liệu kiểm chứng.")).to_be_visible()
    panel.get_by_label("Tệp (PDF, DOCX, XLSX, DOC, XLS, JPG, PNG; tối đa 20 MB)").set_input_files(document)
    panel.get_by_label("Số, ký hiệu văn bản").fill("12/QĐ-SNV")
    panel.get_by_label("Ngày ban hành (dd/mm/yyyy)").fill("15/03/2024")
    panel.get_by_label("Trích yếu").fill("Kế hoạch cải cách hành chính năm 2024")
    with page.expect_navigation():
        panel.get_by_role("button", name="Tải lên").click()

    expect(page.get_by_text("Đã thêm tài liệu «Kế hoạch cải cách hành chính năm 2024».")).to_be_visible()
    row = page.locator(".evidence-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Kế hoạch cải cách hành chính năm 2024")
    expect(row).to_contain_text("12/QĐ-SNV")
    expect(row).to_contain_text("15/03/2024")
    expect(row).to_contain_text("PDF")
    expect(row.locator(".evidence-flag")).to_have_count(0)
    with page.expect_download() as download_info:
        row.get_by_role("link", name="Tải về").click()
    download = download_info.value
    assert download.suggested_filename == "Quyết định 12.pdf"
    assert Path(download.path()).read_bytes() == document.read_bytes()
    assert Evidence.objects.get().leaf_score_id == leaf.pk
    assert all(status < 400 for status in response_statuses.values())


def test_a_png_renamed_to_pdf_is_refused_with_the_typed_details_kept(page, live_server, personas, leaf, tmp_path):
    fake = tmp_path / "quyet-dinh.pdf"
    fake.write_bytes(image_bytes("png"))
    login(page, live_server, "canbo")
    page.goto(live_server.url + reverse("scoring:leaf_detail", args=[leaf.pk]))

    panel = page.locator(".evidence-panel")
    panel.get_by_label("Tệp (PDF, DOCX, XLSX, DOC, XLS, JPG, PNG; tối đa 20 MB)").set_input_files(fake)
    panel.get_by_label("Ngày ban hành (dd/mm/yyyy)").fill("15/03/2024")
    panel.get_by_label("Trích yếu").fill("Quyết định giả")
    with page.expect_navigation():
        panel.get_by_role("button", name="Tải lên").click()

    expect(page.get_by_role("alert")).to_contain_text("mang đuôi PDF nhưng nội dung là tệp PNG")
    expect(page.locator(".evidence-panel").get_by_label("Trích yếu")).to_have_value("Quyết định giả")
    assert not Evidence.objects.exists()
