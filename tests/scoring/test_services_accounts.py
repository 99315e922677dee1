from io import BytesIO, StringIO

import pytest
from hypothesis import given
from hypothesis import strategies as st
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from scoring.excel.accounts import read_accounts_workbook, write_accounts_workbook
from scoring.excel.sheets import WorkbookError
from scoring.models import AuditEntry, Role, SetPasswordLink, User
from scoring.selectors.accounts import accounts_for_export
from scoring.services.accounts import accounts_import, split_full_name
from tests.conftest import make_agency

from .accounts_workbooks import accounts_xlsx

GOOD = [
    ("canbo.snv2", "Nguyễn Văn Hùng", "hung@snv.gov.vn", "unit_officer", "SNV", "", ""),
    ("thutruong.snv2", "Trần Thị Mai", "", "Thủ trưởng đơn vị", "snv", "", ""),
    ("thamdinh.stp2", "Lê Minh", "minh@stp.gov.vn", "appraiser", "", "STP", ""),
    ("lanhdao2", "Phạm Quang", "", "leader", "", "", "có"),
]


@pytest.fixture
def province(own_unit):
    make_agency("STP", "Sở Tư pháp")
    return own_unit


def read(rows, **options):
    return read_accounts_workbook(BytesIO(accounts_xlsx(rows, **options)))


def imported(rows, actor=None):
    parsed, issues = read(rows)
    assert issues == []
    return accounts_import(rows=parsed, actor=actor)


def failing_command(tmp_path, rows):
    path = tmp_path / "tai-khoan.xlsx"
    path.write_bytes(accounts_xlsx(rows))
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_accounts", str(path), stdout=StringIO(), stderr=err)
    return str(error.value), err.getvalue()


@pytest.mark.parametrize("full_name, expected", [
    ("Nguyễn Văn Hùng", ("Nguyễn Văn", "Hùng")), ("  Lê   Minh ", ("Lê", "Minh")), ("Hùng", ("", "Hùng")),
])
def test_a_full_name_splits_into_family_and_given_names(full_name, expected):
    assert split_full_name(" ".join(full_name.split())) == expected


def test_accounts_are_created_without_a_usable_password_in_their_unit_or_agency(province):
    result = imported(GOOD)

    assert len(result.created) == 4
    officer = User.objects.get(username="canbo.snv2")
    assert (officer.get_full_name(), officer.role, officer.unit.code) == ("Nguyễn Văn Hùng", Role.UNIT_OFFICER, "SNV")
    assert User.objects.get(username="thutruong.snv2").role == Role.UNIT_HEAD  # a Vietnamese label works too
    assert User.objects.get(username="thamdinh.stp2").agency.code == "STP"
    assert not any(user.has_usable_password() for user in result.created)


def test_reimporting_updates_in_place_never_duplicates_and_deactivates_instead_of_deleting(province, coordinator):
    imported(GOOD)
    changed = [("CANBO.SNV2", "Nguyễn Văn Hùng Anh", "moi@snv.gov.vn", "unit_head", "SNV", "", "không"), *GOOD[1:]]

    result = imported(changed, actor=coordinator)

    assert (len(result.created), len(result.updated)) == (0, 1)
    assert User.objects.filter(username__iexact="canbo.snv2").count() == 1
    officer = User.objects.get(username="canbo.snv2")
    assert (officer.get_full_name(), officer.email, officer.role, officer.is_active) == (
        "Nguyễn Văn Hùng Anh", "moi@snv.gov.vn", Role.UNIT_HEAD, False)
    audited = set(AuditEntry.objects.filter(entity="user", entity_id=officer.pk, actor=coordinator)
                  .values_list("field", "old_value", "new_value"))
    assert ("role", "unit_officer", "unit_head") in audited and ("is_active", "true", "false") in audited


def test_every_import_is_in_the_audit_log(province, coordinator):
    imported(GOOD, actor=coordinator)

    assert AuditEntry.objects.filter(entity="accounts", field="import", actor=coordinator,
                                     new_value="Nhập tài khoản: tạo 4, cập nhật 0").exists()
    assert AuditEntry.objects.filter(entity="user", field="unit", new_value="SNV").count() == 2


BAD = {
    "unknown unit": (("x1", "Nguyễn A", "", "unit_officer", "KHONG-CO", "", ""),
                     "Sheet accounts, dòng 6, cột unit: không có đơn vị mã 'KHONG-CO'"),
    "unknown agency": (("x1", "Nguyễn A", "", "appraiser", "", "SXX", ""),
                       "Sheet accounts, dòng 6, cột agency: không có cơ quan thẩm định mã 'SXX'"),
    "unit role without unit": (("x1", "Nguyễn A", "", "unit_head", "", "", ""),
                               "Sheet accounts, dòng 6, cột unit: vai trò Thủ trưởng đơn vị cần mã đơn vị"),
    "appraiser without agency": (("x1", "Nguyễn A", "", "appraiser", "", "", ""),
                                 "Sheet accounts, dòng 6, cột agency: thành viên thẩm định cần mã cơ quan thẩm định"),
    "unknown role": (("x1", "Nguyễn A", "", "giám đốc", "", "", ""),
                     "Sheet accounts, dòng 6, cột role: vai trò 'giám đốc' không có"),
    "username twice": (("Canbo.snv2", "Nguyễn A", "", "leader", "", "", ""),
                       "Sheet accounts, dòng 6, cột username: tên đăng nhập 'Canbo.snv2' trùng với dòng 2"),
    "invalid e-mail": (("x1", "Nguyễn A", "a@@b", "leader", "", "", ""),
                       "Sheet accounts, dòng 6, cột email: địa chỉ e-mail 'a@@b' không hợp lệ"),
    "blank name": (("x1", "", "", "leader", "", "", ""), "Sheet accounts, dòng 6, cột full_name: ô này không được"),
    "bad active": (("x1", "Nguyễn A", "", "leader", "", "", "có lẽ"),
                   "Sheet accounts, dòng 6, cột active: giá trị 'có lẽ' không hợp lệ"),
}


@pytest.mark.parametrize("bad, message", BAD.values(), ids=BAD.keys())
def test_every_bad_row_is_refused_with_its_row_and_column_and_nothing_is_saved(province, tmp_path, bad, message):
    before = set(User.objects.values_list("username", flat=True))

    summary, err = failing_command(tmp_path, [*GOOD, bad])

    assert message in err, err
    assert "chưa lưu tài khoản nào" in summary
    assert set(User.objects.values_list("username", flat=True)) == before
    assert not AuditEntry.objects.filter(entity__in=("user", "accounts")).exists()


def test_a_coordinator_can_import_every_role_but_admin(province, coordinator):
    rows, _issues = read([*GOOD, ("quantri2", "Vũ Văn An", "", "admin", "", "", "")])

    with pytest.raises(WorkbookError) as refusal:
        accounts_import(rows=rows, actor=coordinator)

    assert [str(issue) for issue in refusal.value.issues] == [
        "Sheet accounts, dòng 6, cột role: chỉ quản trị hệ thống mới tạo hoặc sửa được tài khoản quản trị"]
    assert not User.objects.filter(username__in=("quantri2", "canbo.snv2")).exists()
    assert len(accounts_import(rows=rows[:4], actor=coordinator).created) == 4


def test_a_coordinator_cannot_turn_an_existing_administrator_into_anything(province, personas, coordinator):
    rows, _issues = read([("quantri", "Quản Trị", "", "leader", "", "", "")])

    with pytest.raises(WorkbookError):
        accounts_import(rows=rows, actor=coordinator)

    assert User.objects.get(username="quantri").role == Role.ADMIN


def test_an_administrator_imports_an_administrator(province, personas):
    imported([("quantri2", "Vũ Văn An", "", "admin", "", "", "")], actor=personas[Role.ADMIN])

    assert User.objects.get(username="quantri2").role == Role.ADMIN


def test_exported_accounts_import_back_without_any_change(province, personas):
    imported(GOOD)
    before = sorted(User.objects.values_list("username", "first_name", "last_name", "email", "role", "unit",
                                             "agency", "is_active"))
    workbook = load_workbook(BytesIO(write_accounts_workbook(accounts_for_export())))
    assert "password" not in [cell.value for cell in workbook["accounts"][1]]

    rows, issues = read_accounts_workbook(BytesIO(write_accounts_workbook(accounts_for_export())))
    result = accounts_import(rows=rows)

    assert issues == [] and result.created == [] and result.updated == []
    assert sorted(User.objects.values_list("username", "first_name", "last_name", "email", "role", "unit",
                                           "agency", "is_active")) == before


def test_the_command_writes_the_new_accounts_links_to_print(province, tmp_path, settings):
    settings.SITE_URL = "https://cchc.example.gov.vn"
    path, links = tmp_path / "tai-khoan.xlsx", tmp_path / "links.xlsx"
    path.write_bytes(accounts_xlsx(GOOD))
    out = StringIO()

    call_command("import_accounts", str(path), "--links", str(links), stdout=out, stderr=StringIO())

    assert "Đã tạo 4, cập nhật 0 tài khoản" in out.getvalue()
    sheet = load_workbook(links)["links"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted(row[0] for row in rows) == sorted(row[0] for row in GOOD)
    assert all(row[3].startswith("https://cchc.example.gov.vn/dat-mat-khau/") for row in rows)
    assert SetPasswordLink.objects.count() == 4


def test_a_role_unit_or_agency_changed_in_the_django_admin_is_audited(province, personas, rf):
    from django.contrib.admin.sites import site

    admin = personas[Role.ADMIN]
    officer = User.objects.get(username="canbo")
    officer.role, officer.unit, officer.agency = Role.APPRAISER, None, make_agency("STP")
    request = rf.post("/admin/")
    request.user = admin

    site._registry[User].save_model(request, officer, form=None, change=True)

    assert set(AuditEntry.objects.filter(entity="user", entity_id=officer.pk, actor=admin)
               .values_list("field", "old_value", "new_value")) == {
        ("role", "unit_officer", "appraiser"), ("unit", "SNV", ""), ("agency", "", "STP")}


@given(st.lists(st.text(alphabet="AĐăâêôơưBCDHNnguyễnvăhù", min_size=1, max_size=8), min_size=1, max_size=5))
def test_splitting_a_full_name_and_writing_it_back_gives_the_same_name(words):
    full_name = " ".join(words)

    last_name, first_name = split_full_name(full_name)

    assert f"{last_name} {first_name}".strip() == full_name
    assert first_name == words[-1]
