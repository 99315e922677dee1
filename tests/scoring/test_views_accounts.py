from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from scoring.models import Role, SetPasswordLink, User
from scoring.services.set_password_links import set_password_links_issue
from tests.conftest import PASSWORD, make_agency, make_user

from .accounts_workbooks import accounts_xlsx

IMPORT = reverse("scoring:account_import")
NEW_PASSWORD = "mat-khau-rat-dai-2026"
ROWS = [("canbo.moi", "Nguyễn Văn Hùng", "hung@snv.gov.vn", "unit_officer", "SNV", "", ""),
        ("thamdinh.moi", "Lê Minh", "", "Thành viên thẩm định", "", "STP", "")]


@pytest.fixture(autouse=True)
def email_configured(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def upload(client, rows=ROWS):
    return client.post(IMPORT, {"file": SimpleUploadedFile("tai-khoan.xlsx", accounts_xlsx(rows))})


def token_of(path):
    return path.rstrip("/").rsplit("/", 1)[1]


def test_an_upload_is_previewed_and_nothing_is_saved_until_confirmed(client, coordinator):
    make_agency()
    client.force_login(coordinator)

    preview = client.get(upload(client).url)

    assert [row.username for row in preview.context["rows"]] == ["canbo.moi", "thamdinh.moi"]
    assert not User.objects.filter(username__in=("canbo.moi", "thamdinh.moi")).exists()


def test_confirming_creates_the_accounts_prints_their_links_and_emails_them_after_the_commit(
        client, coordinator, django_capture_on_commit_callbacks):
    make_agency()
    client.force_login(coordinator)
    confirm = upload(client).url

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm, {"confirm": "1"})

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    printed = [url for _link, url in response.context["rows"]]
    assert len(printed) == 2 and all(url.startswith("http://testserver/dat-mat-khau/") for url in printed)
    assert [message.to for message in mail.outbox] == [["hung@snv.gov.vn"]]
    assert SetPasswordLink.objects.count() == 3  # two printed, one e-mailed


def test_a_bad_workbook_lists_each_problem_and_confirming_saves_nothing(client, coordinator):
    client.force_login(coordinator)
    confirm = upload(client, [*ROWS, ("x", "Nguyễn A", "", "unit_head", "", "", "")]).url

    page = client.get(confirm).content.decode()
    client.post(confirm, {"confirm": "1"})

    assert "Sheet `accounts`, dòng 4, cột unit: vai trò Thủ trưởng đơn vị cần mã đơn vị" in page
    assert "Xác nhận nhập" not in page
    assert not User.objects.filter(username__in=("canbo.moi", "thamdinh.moi", "x")).exists()


def test_a_coordinator_cannot_create_an_administrator_in_the_browser(client, coordinator):
    client.force_login(coordinator)
    confirm = upload(client, [("quantri.moi", "Vũ An", "", "admin", "", "", "")]).url

    page = client.get(confirm).content.decode()
    client.post(confirm, {"confirm": "1"})

    assert "chỉ quản trị hệ thống mới tạo hoặc sửa được tài khoản quản trị" in page
    assert not User.objects.filter(username="quantri.moi").exists()


def test_the_links_page_issues_fresh_links_for_accounts_still_without_a_password(client, coordinator, own_unit):
    waiting = make_user("canbo.cho", Role.UNIT_OFFICER, unit=own_unit)
    waiting.set_unusable_password()
    waiting.save()
    client.force_login(coordinator)

    assert [user.username for user in client.get(reverse("scoring:account_links")).context["awaiting"]] == [
        "canbo.cho"]
    response = client.post(reverse("scoring:account_links"), {"print": "1"})
    assert [link.user.username for link, _url in response.context["rows"]] == ["canbo.cho"]


def test_the_export_downloads_the_accounts_workbook(client, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("scoring:account_export"))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


# --- The set-password page ---------------------------------------------------------------------------------------


@pytest.fixture
def newcomer(own_unit):
    user = make_user("canbo.moi", Role.UNIT_OFFICER, unit=own_unit)
    user.set_unusable_password()
    user.save()
    return user


def test_a_new_officer_sets_a_password_through_the_link_and_signs_in(client, newcomer):
    [link] = set_password_links_issue(users=[newcomer])

    form = client.get(link.path)
    done = client.post(link.path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert form.status_code == 200 and form["Referrer-Policy"] == "same-origin"
    assert done.status_code == 302 and done.url == reverse("login")
    signed_in = client.post(reverse("login"), {"username": "canbo.moi", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302 and signed_in.url == reverse("home")


def test_the_set_password_page_applies_the_password_validators(client, newcomer):
    [link] = set_password_links_issue(users=[newcomer])

    response = client.post(link.path, {"new_password1": "12345", "new_password2": "12345"})

    assert response.status_code == 200 and response.context["form"].errors
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()
    assert client.get(link.path).status_code == 200  # a refused password does not spend the link


def test_a_used_link_is_refused_with_a_clear_message(client, newcomer):
    [link] = set_password_links_issue(users=[newcomer])
    client.post(link.path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.get(link.path)

    assert response.status_code == 410
    assert "Đường dẫn này đã được dùng để đặt mật khẩu và không dùng lại được" in response.content.decode()


def test_an_expired_link_is_refused_with_a_clear_message(client, newcomer):
    [link] = set_password_links_issue(users=[newcomer])
    SetPasswordLink.objects.update(expires_at=timezone.now() - timedelta(days=1))

    response = client.post(link.path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 410 and "Đường dẫn này đã hết hạn ngày" in response.content.decode()
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()


# --- Quên mật khẩu ------------------------------------------------------------------------------------------------


def test_the_login_page_offers_a_password_reset_by_email_for_everyone(client, leader):
    User.objects.filter(pk=leader.pk).update(email="lanhdao@tinh.gov.vn")

    assert reverse("password_reset") in client.get(reverse("login")).content.decode()
    client.post(reverse("password_reset"), {"email": "lanhdao@tinh.gov.vn"})

    [message] = mail.outbox
    assert message.to == ["lanhdao@tinh.gov.vn"] and "/accounts/password-reset/" in message.body
    assert PASSWORD  # the personas' password is unchanged until the link is used


def test_the_account_list_finds_accounts_by_name_and_says_who_has_no_password_yet(client, coordinator, own_unit):
    waiting = make_user("canbo.cho", Role.UNIT_OFFICER, unit=own_unit, last_name="Đinh Văn")
    waiting.set_unusable_password()
    waiting.save()
    client.force_login(coordinator)

    response = client.get(reverse("scoring:account_list"), {"q": "Đinh"})

    assert [user.username for user in response.context["page"].object_list] == ["canbo.cho"]
    assert "Chưa đặt mật khẩu" in response.content.decode()
