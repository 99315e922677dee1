"""The accounts workbook (sheet `accounts`): read into AccountRow values and written back in the same shape, and the
workbook of set-password links an administrator prints. Never a password in either."""
import unicodedata
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from ..models import Role, User
from ..services.accounts import SHEET, AccountRow
from .sheets import SheetIssue, open_workbook, read_table, text, yes_no

COLUMNS = ("username", "full_name", "email", "role", "unit", "agency", "active")
REQUIRED = ("username", "full_name", "role")
WIDTHS = {"A": 18, "B": 30, "C": 30, "D": 16, "E": 14, "F": 12, "G": 10}
LINK_COLUMNS = ("username", "full_name", "unit", "link", "expires")
USERNAME_MAX = User._meta.get_field("username").max_length


def _role_names():
    """Each role by its code and by its Vietnamese label, matched without case or accents' composition."""
    names = {}
    with translation.override("vi"):
        for role in Role:
            names[_key(role.value)] = role.value
            names[_key(str(role.label))] = role.value
    return names


def _key(value):
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())


def read_accounts_workbook(file) -> tuple[list[AccountRow], list[SheetIssue]]:
    """`file` is a path or a binary file object. Returns the rows that parsed and the issues found."""
    workbook, issues = open_workbook(file)
    if workbook is None:
        return [], issues
    try:
        table, issues = read_table(workbook, SHEET, columns=COLUMNS, required=REQUIRED)
    finally:
        workbook.close()
    roles, rows = _role_names(), []
    for number, cells in table:
        row, row_issues = _read_row(number, cells, roles)
        issues += row_issues
        rows += [row] if row else []
    return rows, issues


def _read_row(number, cells, roles):
    issues = []

    def issue(column, message):
        issues.append(SheetIssue(message, SHEET, number, column))

    username, full_name, email = text(cells.get("username")), text(cells.get("full_name")), text(cells.get("email"))
    for column, value in (("username", username), ("full_name", full_name)):
        if not value:
            issue(column, _("ô này không được để trống"))
    if username and (len(username) > USERNAME_MAX or not all(ch.isalnum() or ch in "@.+-_" for ch in username)):
        issue("username", _("tên đăng nhập '%(value)s' chỉ gồm chữ, số và @ . + - _, tối đa %(limit)d ký tự") % {
            "value": username, "limit": USERNAME_MAX})
    if email:
        try:
            validate_email(email)
        except ValidationError:
            issue("email", _("địa chỉ e-mail '%(value)s' không hợp lệ") % {"value": email})
    role = roles.get(_key(text(cells.get("role"))))
    if role is None:
        issue("role", _("vai trò '%(value)s' không có; dùng một trong: %(roles)s") % {
            "value": text(cells.get("role")), "roles": ", ".join(Role.values)})
    active = None
    if "active" in cells:
        try:
            active = yes_no(cells.get("active"), default=True)
        except ValueError:
            issue("active", _("giá trị '%(value)s' không hợp lệ (dùng có/không, yes/no; để trống là có)") % {
                "value": text(cells.get("active"))})
    if issues:
        return None, issues
    return AccountRow(username=username, full_name=full_name, email=email, role=role, unit=text(cells.get("unit")),
                      agency=text(cells.get("agency")), active=active, row=number), []


def write_accounts_workbook(users) -> bytes:
    """The accounts as an .xlsx that read_accounts_workbook accepts unchanged (no password column, ever)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(COLUMNS)
    for user in users:
        sheet.append([user.username, user.get_full_name(), user.email, user.role,
                      user.unit.code if user.unit else "", user.agency.code if user.agency else "",
                      "có" if user.is_active else "không"])
    _finish(sheet)
    _add_guide(workbook)
    return _bytes(workbook)


def write_links_workbook(links) -> bytes:
    """The set-password links to print and hand out, one row per account."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "links"
    sheet.append(LINK_COLUMNS)
    for link in links:
        sheet.append([link.user.username, link.user.get_full_name(), link.user.unit.code if link.user.unit else "",
                      link.url, timezone.localtime(link.expires_at).strftime("%d/%m/%Y %H:%M")])
    _finish(sheet, widths={"A": 18, "B": 30, "C": 14, "D": 90, "E": 18})
    return _bytes(workbook)


def _finish(sheet, widths=WIDTHS):
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # a name starting with "=" stays text, never a formula
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _bytes(workbook):
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _add_guide(workbook):
    guide = workbook.create_sheet("huong_dan")
    guide.append([_("Cột"), _("Ý nghĩa")])
    for column, meaning in (
        ("username",
         _("Tên đăng nhập (duy nhất, không phân biệt hoa thường); nhập lại cùng tên sẽ cập nhật tài khoản")),
        ("full_name", _("Họ và tên, họ trước tên, ví dụ Nguyễn Văn Hùng")),
        ("email", _("Địa chỉ e-mail (không bắt buộc): nhận đường dẫn đặt mật khẩu và khôi phục mật khẩu")),
        ("role", _("admin, coordinator, appraiser, unit_officer, unit_head, leader hoặc tên tiếng Việt của vai trò")),
        ("unit", _("Mã đơn vị, bắt buộc với cán bộ và thủ trưởng đơn vị")),
        ("agency", _("Mã cơ quan thẩm định, bắt buộc với thành viên thẩm định")),
        ("active", _("Đang hoạt động: có/không; không bắt buộc. Tài khoản không bao giờ bị xóa, chỉ ngừng hoạt động")),
    ):
        guide.append([column, meaning])
    guide.append(["", _("Tệp không có mật khẩu: tài khoản mới đặt mật khẩu qua đường dẫn dùng một lần.")])
    guide["A1"].font = guide["B1"].font = Font(bold=True)
    guide.column_dimensions["A"].width, guide.column_dimensions["B"].width = 12, 90
