"""Creating and updating accounts from a list of rows (the accounts workbook, in the browser or by command).

A province needs some 400 accounts. Re-importing updates each account in place by username, never duplicates it,
and never deletes one: `active = no` deactivates it. No password travels in a file: a new account has an unusable
password until its owner sets one through a one-time link (services/set_password_links.py). Every change of role,
unit or agency, and every import, is in the audit log."""
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.functions import Lower, Upper
from django.utils.translation import gettext as _

from ..excel.sheets import SheetIssue, WorkbookError
from ..models import Agency, AuditSource, Role, Unit, User
from ..models.accounts import UNIT_ROLES
from ..permissions import may_grant_role
from .audit import audit_entry, audit_write

SHEET = "accounts"
AUDITED = ("last_name", "first_name", "email", "role", "unit", "agency", "is_active")


@dataclass(frozen=True)
class AccountRow:
    """One account as read from a file; `row` is its line in the sheet, so every error can point at it."""

    username: str
    full_name: str
    email: str = ""
    role: str = Role.UNIT_OFFICER
    unit: str = ""
    agency: str = ""
    active: bool | None = None  # None: the file has no `active` column, so an existing account keeps its own
    row: int | None = None


@dataclass
class AccountsImported:
    created: list[User] = field(default_factory=list)
    updated: list[User] = field(default_factory=list)


def split_full_name(full_name: str) -> tuple[str, str]:
    """(last_name, first_name) of a Vietnamese name, family name first: "Nguyễn Văn Hùng" → ("Nguyễn Văn", "Hùng"),
    the order User.get_full_name writes back."""
    *family, given = full_name.split() or [""]
    return " ".join(family), given


def accounts_validate(*, rows: Sequence[AccountRow], actor=None) -> list[SheetIssue]:
    """What the database must confirm before anything is saved."""
    return _issues(rows, actor, _units(rows), _agencies(rows), _existing(rows))


@transaction.atomic
def accounts_import(*, rows: Sequence[AccountRow], actor=None, source=AuditSource.IMPORT) -> AccountsImported:
    """Create the new usernames and update the known ones, all or nothing, audited. `actor` None is the command
    line (an operator of the server); a coordinator may import every role but admin."""
    units, agencies, existing = _units(rows), _agencies(rows), _existing(rows, lock=True)
    issues = _issues(rows, actor, units, agencies, existing)
    if issues:
        raise WorkbookError(issues)
    result, entries = AccountsImported(), []
    for row in rows:
        values = _values(row, units, agencies)
        user = existing.get(row.username.lower())
        if user is None:
            user = User(username=row.username, **values)
            user.set_unusable_password()
            user.save()
            result.created.append(user)
            created = [(name, None, value) for name, value in values.items() if value not in ("", None)]
            entries += _entries(user, created, actor, source)
        else:
            changes = [(name, getattr(user, name), value) for name, value in values.items()
                       if getattr(user, name) != value]
            if changes:
                for name, _old, value in changes:
                    setattr(user, name, value)
                user.save(update_fields=[name for name, _old, _new in changes])
                result.updated.append(user)
                entries += _entries(user, changes, actor, source)
    summary = _("Nhập tài khoản: tạo %(created)d, cập nhật %(updated)d") % {
        "created": len(result.created), "updated": len(result.updated)}
    entries.append(audit_entry(entity="accounts", entity_id=actor.pk if actor else 0, field="import", old="",
                               new=summary, actor=actor, source=source))
    audit_write(entries)
    return result


def account_changes_audit(*, before: User, after: User, actor, source=AuditSource.UI) -> None:
    """Audits a change made elsewhere (the Django admin): each of name, e-mail, role, unit, agency and active."""
    changes = [(name, getattr(before, name), getattr(after, name)) for name in AUDITED
               if getattr(before, name) != getattr(after, name)]
    audit_write(_entries(after, changes, actor, source))


# --- Checks ------------------------------------------------------------------------------------------------------


def _units(rows):
    codes = {row.unit.upper() for row in rows if row.unit}
    return {unit.code_key: unit for unit in Unit.objects.annotate(code_key=Upper("code")).filter(code_key__in=codes)}


def _agencies(rows):
    codes = {row.agency.upper() for row in rows if row.agency}
    return {agency.code_key: agency
            for agency in Agency.objects.annotate(code_key=Upper("code")).filter(code_key__in=codes)}


def _existing(rows, *, lock=False):
    # Usernames match case-insensitively: "NVA" re-imported as "nva" is the same person, never a second account.
    names = {row.username.lower() for row in rows}
    users = User.objects.annotate(name_key=Lower("username")).filter(name_key__in=names)
    return {user.name_key: user for user in (users.select_for_update(of=("self",)) if lock else users)}


def _issues(rows, actor, units, agencies, existing):
    issues, first_row = [], {}
    for row in rows:
        def issue(column, message, row=row):
            issues.append(SheetIssue(message, SHEET, row.row, column))

        key = row.username.lower()
        if key in first_row:
            issue("username", _("tên đăng nhập '%(username)s' trùng với dòng %(first)s") % {
                "username": row.username, "first": first_row[key]})
        first_row.setdefault(key, row.row)
        if row.unit and row.unit.upper() not in units:
            issue("unit", _("không có đơn vị mã '%(code)s'") % {"code": row.unit})
        if row.agency and row.agency.upper() not in agencies:
            issue("agency", _("không có cơ quan thẩm định mã '%(code)s'") % {"code": row.agency})
        if row.role in UNIT_ROLES and not row.unit:
            issue("unit", _("vai trò %(role)s cần mã đơn vị") % {"role": Role(row.role).label})
        if row.role == Role.APPRAISER and not row.agency:
            issue("agency", _("thành viên thẩm định cần mã cơ quan thẩm định"))
        current = existing.get(key)
        if not may_grant_role(actor, row.role) or (current and not may_grant_role(actor, current.role)):
            issue("role", _("chỉ quản trị hệ thống mới tạo hoặc sửa được tài khoản quản trị"))
    return issues


def _values(row, units, agencies):
    last_name, first_name = split_full_name(row.full_name)
    values = {"last_name": last_name, "first_name": first_name, "email": row.email, "role": row.role,
              "unit": units.get(row.unit.upper()) if row.unit else None,
              "agency": agencies.get(row.agency.upper()) if row.agency else None}
    if row.active is not None:
        values["is_active"] = row.active
    return values


def _entries(user, changes, actor, source):
    return [audit_entry(entity="user", entity_id=user.pk, field=name, old=_shown(old), new=_shown(new), actor=actor,
                        source=source, reason=_("Nhập tài khoản") if source == AuditSource.IMPORT else "")
            for name, old, new in changes if name in AUDITED]


def _shown(value):
    return getattr(value, "code", value)
