"""Creating and updating units from a list of rows (the Excel import and the demo province both come through here)."""
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from ..excel.sheets import SheetIssue, WorkbookError
from ..models import AuditSource, Block, Unit
from .audit import audit_entry, audit_write

SHEET = "units"
FIELDS = ("name", "block", "group", "ranked", "active")
NEW_UNIT_DEFAULTS = {"group": "", "ranked": True, "active": True}


@dataclass(frozen=True)
class UnitRow:
    """One unit as read from a file; `row` is its line in the sheet, so every error can point at it."""

    code: str
    name: str
    block: str
    group: str = ""
    ranked: bool = True
    active: bool | None = None  # None: the file has no `active` column, so an existing unit keeps its own
    row: int | None = None


def units_validate(*, rows: Sequence[UnitRow]) -> list[SheetIssue]:
    """What the database must confirm before anything is saved: known blocks, one row per code."""
    return _issues(rows, _blocks_by_code())


@transaction.atomic
def units_import(*, rows: Sequence[UnitRow], user=None, source=AuditSource.IMPORT) -> tuple[int, int]:
    """Create the new codes and update the known ones, all or nothing, audited. Returns (created, updated); a
    unit whose values did not change is neither counted nor written."""
    blocks = _blocks_by_code()
    issues = _issues(rows, blocks)
    if issues:
        raise WorkbookError(issues)
    existing = Unit.objects.in_bulk([row.code for row in rows], field_name="code")
    changes = {row.code: _changes(existing[row.code], row, blocks) for row in rows if row.code in existing}
    changed = [_apply(existing[code], fields) for code, fields in changes.items() if fields]
    created = Unit.objects.bulk_create([_new_unit(row, blocks) for row in rows if row.code not in existing],
                                       batch_size=500)
    Unit.objects.bulk_update(changed, FIELDS, batch_size=500)
    audit_write(_audit_entries(created, changes, existing, user=user, source=source))
    return len(created), len(changed)


def _blocks_by_code():
    # Block codes are matched case-insensitively: "xa" in a file means block XA.
    return {block.code.upper(): block for block in Block.objects.all()}


def _issues(rows, blocks):
    return _duplicate_code_issues(rows) + _unknown_block_issues(rows, blocks)


def _duplicate_code_issues(rows):
    first_row, issues = {}, []
    for row in rows:
        if row.code in first_row:
            message = _("mã '%(code)s' trùng với dòng %(first)s") % {"code": row.code, "first": first_row[row.code]}
            issues.append(SheetIssue(message, SHEET, row.row, "code"))
        else:
            first_row[row.code] = row.row
    return issues


def _unknown_block_issues(rows, blocks):
    known = ", ".join(block.code for block in sorted(blocks.values(), key=lambda b: (b.position, b.code))) or "—"
    message = _("khối '%(block)s' không tồn tại (các khối: %(known)s)")
    return [SheetIssue(message % {"block": row.block, "known": known}, SHEET, row.row, "block")
            for row in rows if row.block.upper() not in blocks]


def _new_unit(row, blocks):
    active = True if row.active is None else row.active
    return Unit(code=row.code, name=row.name, block=blocks[row.block.upper()], group=row.group, ranked=row.ranked,
                active=active)


def _changes(unit, row, blocks):
    """(field, old, new) for each value the row changes. Blocks compare by id: reading unit.block would cost
    one query per unit."""
    by_id = {block.pk: block for block in blocks.values()}
    new = {"name": row.name, "block": blocks[row.block.upper()], "group": row.group, "ranked": row.ranked}
    if row.active is not None:
        new["active"] = row.active
    old = {field: by_id.get(unit.block_id) if field == "block" else getattr(unit, field) for field in new}
    return [(field, old[field], value) for field, value in new.items() if old[field] != value]


def _apply(unit, changes):
    for field, _old, new in changes:
        setattr(unit, field, new)
    return unit


def _audit_entries(created, changes, existing, *, user, source):
    reason = _("Nhập danh sách đơn vị")

    def entry(unit_id, field, old, new):
        return audit_entry(entity="unit", entity_id=unit_id, field=field, old=_shown(old), new=_shown(new),
                           actor=user, source=source, reason=reason)

    updates = [entry(existing[code].pk, *change) for code, fields in changes.items() for change in fields]
    # A new unit logs its code, name and block, and its other values only where they differ from the defaults.
    creations = [entry(unit.pk, field, None, getattr(unit, field)) for unit in created for field in ("code", *FIELDS)
                 if getattr(unit, field) != NEW_UNIT_DEFAULTS.get(field, object())]
    return updates + creations


def _shown(value):
    return value.code if isinstance(value, Block) else value
