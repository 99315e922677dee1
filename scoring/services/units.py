"""Creating and updating units from a list of rows (the Excel import and the demo province both come through here).

A file brings its blocks (an unknown block code creates the block) and its units' history (domain.md, rule 13): the
successor a unit merged into, or the predecessors a split unit came from. Nothing here touches a year's roster or
results: a unit deactivated or merged today still reads as it was in every past year."""
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ..excel.sheets import SheetIssue, WorkbookError
from ..models import AuditSource, Block, Unit
from .audit import audit_entry, audit_write

SHEET = "units"
BLOCKS_SHEET = "blocks"
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
    # None: the file has no such column, so the unit keeps its links; a tuple: the unit's links are exactly these.
    successors: tuple[str, ...] | None = None
    predecessors: tuple[str, ...] | None = None


@dataclass(frozen=True)
class BlockRow:
    """One row of the optional `blocks` sheet: a block's name and order."""

    code: str
    name: str = ""
    position: int | None = None
    row: int | None = None


def units_validate(*, rows: Sequence[UnitRow], blocks: Sequence[BlockRow] = ()) -> list[SheetIssue]:
    """What the database must confirm before anything is saved: one row per code, links to known units."""
    return _issues(rows, blocks)


@transaction.atomic
def units_import(*, rows: Sequence[UnitRow], blocks: Sequence[BlockRow] = (), user=None,
                 source=AuditSource.IMPORT) -> tuple[int, int]:
    """Create the new codes and update the known ones, all or nothing, audited; blocks the file names that do not
    exist yet are created first. Returns (created, updated); a unit whose values did not change is neither counted
    nor written."""
    issues = _issues(rows, blocks)
    if issues:
        raise WorkbookError(issues)
    block_entries, known_blocks = _blocks_import(rows, blocks, user=user, source=source)
    existing = Unit.objects.in_bulk([row.code for row in rows], field_name="code")
    changes = {row.code: _changes(existing[row.code], row, known_blocks) for row in rows if row.code in existing}
    changed = [_apply(existing[code], fields) for code, fields in changes.items() if fields]
    created = Unit.objects.bulk_create([_new_unit(row, known_blocks) for row in rows if row.code not in existing],
                                       batch_size=500)
    Unit.objects.bulk_update(changed, FIELDS, batch_size=500)
    link_entries, relinked = _links_import(rows, user=user, source=source)
    audit_write(block_entries + _audit_entries(created, changes, existing, user=user, source=source) + link_entries)
    in_file = {row.code for row in rows} - {unit.code for unit in created}
    return len(created), len({unit.code for unit in changed} | (relinked & in_file))


def _blocks_by_code():
    # Block codes are matched case-insensitively: "xa" in a file means block XA.
    return {block.code.upper(): block for block in Block.objects.all()}


def _issues(rows, blocks):
    return (_duplicate_code_issues(rows, SHEET) + _duplicate_code_issues(blocks, BLOCKS_SHEET)
            + _link_issues(rows))


def _duplicate_code_issues(rows, sheet):
    first_row, issues = {}, []
    for row in rows:
        key = row.code.upper() if sheet == BLOCKS_SHEET else row.code
        if key in first_row:
            message = _("mã '%(code)s' trùng với dòng %(first)s") % {"code": row.code, "first": first_row[key]}
            issues.append(SheetIssue(message, sheet, row.row, "code"))
        else:
            first_row[key] = row.row
    return issues


def _link_issues(rows):
    """A successor or predecessor must be a unit of the file or of the database, and never the unit itself."""
    named = {code for row in rows for code in (row.successors or ()) + (row.predecessors or ())}
    known = {row.code for row in rows} | set(Unit.objects.filter(code__in=named).values_list("code", flat=True))
    issues = []
    for row in rows:
        for column in ("successors", "predecessors"):
            for code in getattr(row, column) or ():
                if code == row.code:
                    message = _("đơn vị không thể kế thừa chính nó ('%(code)s')") % {"code": code}
                elif code not in known:
                    message = _("không có đơn vị mã '%(code)s' (trong tệp hay đã nhập trước)") % {"code": code}
                else:
                    continue
                issues.append(SheetIssue(message, SHEET, row.row, LINK_COLUMNS[column]))
    return issues


LINK_COLUMNS = {"successors": "successor", "predecessors": "predecessors"}


def _blocks_import(rows, blocks, *, user, source):
    """Creates the blocks the file names and does not have yet (named after the `blocks` sheet, or after their code),
    and renames or reorders the known ones the `blocks` sheet lists. Returns the audit entries and every block."""
    known = _blocks_by_code()
    described = {block.code.upper(): block for block in blocks}
    # A block named only by the units sheet gets its code in capitals, as blocks are matched: "xa" creates XA.
    wanted = {row.block.upper(): row.block.upper() for row in rows} | {key: row.code for key, row in described.items()}
    last = max((block.position for block in known.values()), default=0)
    new = []
    for key, code in wanted.items():
        if key not in known:
            last += 1
            row = described.get(key)
            new.append(Block(code=code, name=(row and row.name) or code,
                             position=row.position if row and row.position is not None else last))
    created = Block.objects.bulk_create(new)
    entries = [audit_entry(entity="block", entity_id=block.pk, field=field, old=None, new=getattr(block, field),
                           actor=user, source=source, reason=_("Nhập danh sách đơn vị"))
               for block in created for field in ("code", "name", "position")]
    for key, row in described.items():
        if key in known:
            entries += block_update(block=known[key], name=row.name or None, position=row.position, user=user,
                                    source=source, reason=_("Nhập danh sách đơn vị"), write=False)
    return entries, known | {block.code.upper(): block for block in created}


def block_update(*, block: Block, name: str | None = None, position: int | None = None, user=None,
                 source=AuditSource.UI, reason="", write=True):
    """Renames or moves one block, audited. Returns the audit entries (already written unless write=False)."""
    new = {field: value for field, value in (("name", name), ("position", position))
           if value is not None and value != getattr(block, field)}
    entries = [audit_entry(entity="block", entity_id=block.pk, field=field, old=getattr(block, field), new=value,
                           actor=user, source=source, reason=reason) for field, value in new.items()]
    if new:
        Block.objects.filter(pk=block.pk).update(**new)
        for field, value in new.items():
            setattr(block, field, value)
    if write:
        audit_write(entries)
    return entries


def _links_import(rows, *, user, source):
    """Sets each unit's successors and predecessors to what its row says, for the columns the file has. Returns the
    audit entries and the codes of the rows whose links changed."""
    stated = [row for row in rows if row.successors is not None or row.predecessors is not None]
    if not stated:
        return [], set()
    codes = {row.code for row in stated}
    codes |= {code for row in stated for code in (row.successors or ()) + (row.predecessors or ())}
    units = Unit.objects.in_bulk(codes, field_name="code")
    Link = Unit.successors.through
    wanted, managed = set(), set()
    for row in stated:
        unit = units[row.code]
        if row.successors is not None:
            wanted |= {(unit.pk, units[code].pk) for code in row.successors}
            managed.add(("from", unit.pk))
        if row.predecessors is not None:
            wanted |= {(units[code].pk, unit.pk) for code in row.predecessors}
            managed.add(("to", unit.pk))
    ids = {pk for _side, pk in managed}
    current = set(Link.objects.filter(Q(from_unit_id__in=ids) | Q(to_unit_id__in=ids))
                  .values_list("from_unit_id", "to_unit_id"))
    stale = {(a, b) for a, b in current if (("from", a) in managed or ("to", b) in managed) and (a, b) not in wanted}
    added = wanted - current
    for a, b in stale:
        Link.objects.filter(from_unit_id=a, to_unit_id=b).delete()
    Link.objects.bulk_create([Link(from_unit_id=a, to_unit_id=b) for a, b in added])
    by_pk = {unit.pk: unit for unit in units.values()}
    by_pk |= Unit.objects.in_bulk({pk for pair in stale for pk in pair} - set(by_pk))
    reason = _("Nhập danh sách đơn vị")
    entries = [audit_entry(entity="unit", entity_id=a, field="successor",
                           old=None if (a, b) in added else by_pk[b].code,
                           new=by_pk[b].code if (a, b) in added else None, actor=user, source=source, reason=reason)
               for a, b in sorted(added | stale)]
    moved = added | stale
    relinked = {by_pk[a].code for a, _b in moved if ("from", a) in managed}
    relinked |= {by_pk[b].code for _a, b in moved if ("to", b) in managed}
    return entries, relinked


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
