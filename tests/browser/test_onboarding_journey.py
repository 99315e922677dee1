"""Issue 10, done means: from an empty database, the administrator signs in, follows the setup checklist, imports
the units, a framework and the accounts, names the agencies and opens a cycle; a new unit officer opens the
set-password link, sets a password, signs in and sees the unit's file; a used or an expired link is refused with a
clear message."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from scoring.demo.frameworks import province_spec
from scoring.excel.frameworks import write_framework_workbook
from scoring.models import Role, SetPasswordLink, User
from scoring.services.set_password_links import set_password_links_issue
from tests.conftest import make_user
from tests.scoring.accounts_workbooks import accounts_xlsx
from tests.scoring.units_workbooks import units_xlsx

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = timezone.localdate().year
NEW_PASSWORD = "mat-khau-rat-dai-2026"
UNITS = [("SNV", "Sở Nội vụ", "SO", "", "có", "", "", ""),
         ("SKHDT", "Sở Kế hoạch và Đầu tư", "SO", "", "có", "", "", ""),
         ("SKHCN-CU", "Sở Khoa học và Công nghệ (cũ)", "SO", "", "có", "không", "SKHDT", "")]
UNIT_HEADER = ("code", "name", "block", "group", "ranked", "active", "successor", "predecessors")
AGENCIES = {"SNV": "Sở Nội vụ", "STP": "Sở Tư pháp", "STC": "Sở Tài chính", "VPUBND": "Văn phòng UBND tỉnh",
            "STTTT": "Sở Thông tin và Truyền thông"}
ACCOUNTS = [("canbo.snv", "Hoàng Văn Nam", "", "unit_officer", "SNV", "", ""),
            ("thutruong.snv", "Vũ Đức Thắng", "", "Thủ trưởng đơn vị", "SNV", "", ""),
            ("canbo.skhdt", "Đặng Thị Mai", "", "unit_officer", "SKHDT", "", ""),
            ("thutruong.skhdt", "Ngô Văn Phúc", "", "unit_head", "SKHDT", "", ""),
            *[(f"thamdinh.{code.lower()}", f"Thẩm Định {code}", "", "appraiser", "", code, "") for code in AGENCIES]]


def dates(*days):
    return [(timezone.localdate() + timedelta(days=n)).strftime("%d/%m/%Y") for n in days]


def follow_checklist(page, live_server, key):
    """Clicks the fix link of a missing item of the checklist on the administrator's home page."""
    page.goto(live_server.url + reverse("home"))
    item = page.locator(f"#setup #setup-{key}")
    expect(item).to_contain_text("Còn thiếu")
    with page.expect_navigation():
        item.get_by_role("link").click()


def upload(page, label, path):
    page.get_by_label(label).set_input_files(path)
    with page.expect_navigation():
        page.get_by_role("button", name="Tải lên và xem trước").click()
    expect(page.locator("#issues-title")).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận nhập").click()


def test_a_province_starts_from_an_empty_server_and_a_new_officer_reaches_the_units_file(
        page, live_server, tmp_path, response_statuses):
    make_user("quantri", Role.ADMIN, is_staff=True, is_superuser=True)  # the one step before: createsuperuser
    (tmp_path / "don-vi.xlsx").write_bytes(units_xlsx(UNITS, header=UNIT_HEADER, blocks=[("SO", "Khối sở", 1)]))
    (tmp_path / "khung.xlsx").write_bytes(write_framework_workbook(province_spec(year=YEAR)))
    (tmp_path / "tai-khoan.xlsx").write_bytes(accounts_xlsx(ACCOUNTS))

    login(page, live_server, "quantri")
    expect(page.locator("#setup")).to_contain_text("Thiết lập hệ thống: còn thiếu")
    follow_checklist(page, live_server, "blocks")
    upload(page, "Tệp danh sách đơn vị (.xlsx, tối đa 5 MB)", tmp_path / "don-vi.xlsx")
    expect(page.get_by_text("Đã tạo 3, cập nhật 0 đơn vị.")).to_be_visible()

    follow_checklist(page, live_server, "frameworks")
    upload(page, "Tệp bộ chỉ số (.xlsx, tối đa 5 MB)", tmp_path / "khung.xlsx")

    follow_checklist(page, live_server, "accounts")
    upload(page, "Tệp tài khoản (.xlsx, tối đa 5 MB)", tmp_path / "tai-khoan.xlsx")
    expect(page.locator(".set-password-links tbody tr")).to_have_count(len(ACCOUNTS))
    officer_link = page.locator(".set-password-links tr", has_text="canbo.snv").locator("code").inner_text()

    follow_checklist(page, live_server, "agencies")
    for code, name in AGENCIES.items():
        page.get_by_label(f"Tên cơ quan {code}").fill(name)
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu").click()

    follow_checklist(page, live_server, "cycles")
    page.get_by_label("Khối").select_option(label="Khối sở")
    for label, value in zip(("Hạn tự đánh giá", "Hạn thẩm định vòng 1", "Hạn giải trình", "Hạn thẩm định vòng 2"),
                            dates(10, 20, 30, 40)):
        page.get_by_label(label).fill(value)
    with page.expect_navigation():
        page.get_by_role("button", name="Mở kỳ đánh giá").click()
    expect(page.get_by_text("2 hồ sơ đơn vị")).to_be_visible()
    page.goto(live_server.url + reverse("home"))
    expect(page.locator("#setup")).to_have_count(0)  # everything is in place
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").click()

    page.goto(officer_link)
    expect(page.get_by_role("heading", name="Đặt mật khẩu")).to_be_visible()
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Đặt mật khẩu").click()
    expect(page.get_by_text("Đã đặt mật khẩu. Hãy đăng nhập bằng tên canbo.snv.")).to_be_visible()
    login(page, live_server, "canbo.snv", NEW_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("link", name=f"Hồ sơ tự đánh giá năm {YEAR}").click()
    expect(page.locator("main")).to_contain_text("Sở Nội vụ")
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").click()

    page.goto(officer_link)
    expect(page.get_by_role("alert")).to_contain_text("Đường dẫn này đã được dùng để đặt mật khẩu")
    assert all(status < 400 for url, status in response_statuses.items() if "/dat-mat-khau/" not in url)


def test_an_expired_link_is_refused_with_a_clear_message(page, live_server, own_unit):
    newcomer = make_user("canbo.moi", Role.UNIT_OFFICER, unit=own_unit)
    User.objects.filter(pk=newcomer.pk).update(password="!")
    [link] = set_password_links_issue(users=[newcomer])
    SetPasswordLink.objects.update(expires_at=timezone.now() - timedelta(hours=1))

    response = page.goto(live_server.url + link.path)

    assert response.status == 410
    expect(page.get_by_role("alert")).to_contain_text("Đường dẫn này đã hết hạn ngày")
    expect(page.get_by_role("link", name="Quên mật khẩu")).to_be_visible()
