"""Creating and updating units from a list of rows (the Excel import and the demo province both come through here)."""
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Block, Unit

SHEET = "units"
UPDATED_FIELDS = ("name", "block", "group", "ranked", "active")


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


@dataclass(frozen=True)
class RowIssue:
    message: str
    row: int | None = None
    column: str | None = None
    sheet: str | None = SHEET  # None: the issue is about the whole file

    def __str__(self):
        if self.sheet is None:
            return self.message
        where = [_("Sheet %(sheet)s") % {"sheet": self.sheet}]
        if self.row:
            where.append(_("dòng %(row)d") % {"row": self.row})
        if self.column:
            where.append(_("cột %(column)s") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}"


class UnitsImportError(Exception):
    def __init__(self, issues):
        super().__init__("\n".join(str(issue) for issue in issues))
        self.issues = list(issues)


def units_validate(*, rows: Sequence[UnitRow]) -> list[RowIssue]:
    """What the database must confirm before anything is saved: known blocks, one row per code."""
    blocks = _blocks_by_code()
    return _duplicate_code_issues(rows) + _unknown_block_issues(rows, blocks)


@transaction.atomic
def units_import(*, rows: Sequence[UnitRow]) -> tuple[int, int]:
    """Create the new codes and update the known ones, all or nothing. Returns (created, updated); a unit whose
    values did not change is not counted nor written."""
    issues = units_validate(rows=rows)
    if issues:
        raise UnitsImportError(issues)
    blocks = _blocks_by_code()
    existing = Unit.objects.in_bulk([row.code for row in rows], field_name="code")
    new = [_new_unit(row, blocks) for row in rows if row.code not in existing]
    changed = [unit for row in rows if (unit := existing.get(row.code)) and _apply(unit, row, blocks)]
    Unit.objects.bulk_create(new, batch_size=500)
    Unit.objects.bulk_update(changed, UPDATED_FIELDS, batch_size=500)
    return len(new), len(changed)


def _blocks_by_code():
    # Block codes are matched case-insensitively: "xa" in a file means block XA.
    return {block.code.upper(): block for block in Block.objects.all()}


def _duplicate_code_issues(rows):
    first_row, issues = {}, []
    for row in rows:
        if row.code in first_row:
            message = _("mã '%(code)s' trùng với dòng %(first)s") % {"code": row.code, "first": first_row[row.code]}
            issues.append(RowIssue(message, row.row, "code"))
        else:
            first_row[row.code] = row.row
    return issues


def _unknown_block_issues(rows, blocks):
    known = ", ".join(block.code for block in sorted(blocks.values(), key=lambda b: (b.position, b.code)))
    return [
        RowIssue(_("khối '%(block)s' không tồn tại (các khối: %(known)s)") % {"block": row.block, "known": known or "—"},
                 row.row, "block")
        for row in rows
        if row.block.upper() not in blocks
    ]


def _new_unit(row, blocks):
    active = True if row.active is None else row.active
    return Unit(code=row.code, name=row.name, block=blocks[row.block.upper()], group=row.group, ranked=row.ranked,
                active=active)


def _apply(unit, row, blocks):
    """Copy the row onto the unit; True when something changed."""
    # block_id, not block: comparing the related object would cost one query per unit.
    values = {"name": row.name, "block_id": blocks[row.block.upper()].pk, "group": row.group, "ranked": row.ranked}
    if row.active is not None:
        values["active"] = row.active
    changed = any(getattr(unit, field) != value for field, value in values.items())
    for field, value in values.items():
        setattr(unit, field, value)
    return changed
