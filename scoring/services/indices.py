"""Editions of the indices not scored leaf by leaf: results imported as published elsewhere, and publication.

An imported edition holds the rows exactly as the workbook gives them (values and the rank as published); the
sub-indices, which a workbook gives without ranks, are ranked here inside the block by rule 9 so that their changes
of rank can be shown like the engine's."""
import re
import unicodedata
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..computation import RankEntry, rank_units
from ..excel.indices import SHEET, TOTAL, UNIT, IndexRow
from ..excel.sheets import SheetIssue, WorkbookError
from ..models import (
    AuditSource, Block, EditionSource, EditionState, Index, IndexEdition, IndexResult, Scale, SubIndexResult, Unit,
)
from .audit import audit_entry, audit_write

MAXIMUM = {Scale.POINTS: Decimal(100), Scale.PERCENT: Decimal(100), Scale.RATIO: Decimal(1)}


class EditionPublished(Exception):
    pass


class IndexRefused(ValueError):
    pass


def index_create(*, code: str, name: str, scale: str, position: int, user=None,
                 source=AuditSource.UI) -> Index:
    """A province's own index (code, name, the scale it is shown on), audited; refused if the code is taken
    (codes compare in capitals: frameworks and workbooks name an index by its code)."""
    code = code.strip().upper()
    with transaction.atomic():
        if Index.objects.select_for_update().filter(code__iexact=code).exists():
            raise IndexRefused(_("Đã có chỉ số mã «%(code)s».") % {"code": code})
        index = Index.objects.create(code=code, name=name.strip(), scale=scale, position=position)
        audit_write([audit_entry(entity="index", entity_id=index.pk, field="create", old="",
                                 new=f"{code} · {index.name} · {scale} · {position}", actor=user, source=source)])
    return index


def sub_index_code(name: str) -> str:
    """A stable code from a sub-index's name, so two years' columns match ("Chi phí thời gian" → chi-phi-thoi-gian)."""
    plain = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(char for char in plain if unicodedata.category(char) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:40]


def edition_import(*, index: Index, year: int, block: Block, rows: list[IndexRow], version: str = "",
                   precision: int = 2, actor=None) -> IndexEdition:
    """Replaces the edition's results with the workbook's rows, all or nothing; raises WorkbookError with every
    row's problems, or EditionPublished once the edition is published."""
    units = _check(rows, index, block)
    with transaction.atomic():
        edition, created = IndexEdition.objects.select_for_update().get_or_create(
            index=index, year=year, block=block,
            defaults={"source": EditionSource.IMPORTED, "version": version, "precision": precision})
        if edition.state == EditionState.PUBLISHED:
            raise EditionPublished(_("Kết quả đã công bố, không nhập lại được."))
        if edition.source != EditionSource.IMPORTED:
            raise WorkbookError([SheetIssue(_("Kỳ chỉ số này được tính từ phiếu khảo sát, không nhập kết quả."))])
        IndexResult.objects.filter(edition=edition).delete()
        _write(edition, rows, units)
        old_state = "" if created else edition.state
        edition.state, edition.computed_at = EditionState.COMPUTED, timezone.now()
        edition.version, edition.precision = version or edition.version, precision
        edition.save()
        audit_write([audit_entry(entity="index_edition", entity_id=edition.pk, field="state", old=old_state,
                                 new=edition.state, actor=actor, source=AuditSource.IMPORT,
                                 reason=_("Nhập %(count)d kết quả từ Excel") % {"count": len(rows)})])
    return edition


def edition_publish(*, edition: IndexEdition, actor=None) -> IndexEdition:
    with transaction.atomic():
        edition = IndexEdition.objects.select_for_update().get(pk=edition.pk)
        if edition.state != EditionState.COMPUTED:
            raise EditionPublished(_("Chỉ công bố được kết quả đã tính và chưa công bố."))
        edition.state, edition.published_at = EditionState.PUBLISHED, timezone.now()
        edition.save(update_fields=["state", "published_at"])
        audit_write([audit_entry(entity="index_edition", entity_id=edition.pk, field="state",
                                 old=EditionState.COMPUTED, new=edition.state, actor=actor)])
    return edition


def _check(rows, index, block):
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=[row.unit for row in rows])}
    issues, seen = [], set()
    for row in rows:
        unit = units.get(row.unit)
        if unit is None:
            issues.append(SheetIssue(_("không có đơn vị mã %(code)s") % {"code": row.unit}, SHEET, row.number, UNIT))
        elif unit.block_id != block.pk:
            message = _("đơn vị %(code)s không thuộc khối %(block)s") % {"code": row.unit, "block": block.code}
            issues.append(SheetIssue(message, SHEET, row.number, UNIT))
        if row.unit in seen:
            issues.append(SheetIssue(_("đơn vị %(code)s có hai dòng") % {"code": row.unit}, SHEET, row.number, UNIT))
        seen.add(row.unit)
        if row.total is not None and row.total > MAXIMUM[index.scale]:
            message = _("vượt quá %(maximum)s, giá trị lớn nhất của thang chỉ số") % {"maximum": MAXIMUM[index.scale]}
            issues.append(SheetIssue(message, SHEET, row.number, TOTAL))
    if not rows:
        issues.append(SheetIssue(_("không có dòng dữ liệu nào (dữ liệu bắt đầu từ dòng 2)"), SHEET))
    if issues:
        raise WorkbookError(issues)
    return units


def _write(edition, rows, units):
    results = IndexResult.objects.bulk_create(
        IndexResult(edition=edition, unit=units[row.unit], rated=row.total is not None, value=row.total,
                    rank=row.rank if row.total is not None else None) for row in rows)
    by_unit = {result.unit_id: result for result in results}
    names = [name for name, _value in rows[0].sub_indices]
    sub_ranks = {name: rank_units(RankEntry(units[row.unit].pk, dict(row.sub_indices)[name], units[row.unit].ranked,
                                            units[row.unit].group) for row in rows) for name in names}
    SubIndexResult.objects.bulk_create(
        SubIndexResult(result=by_unit[units[row.unit].pk], code=sub_index_code(name), name=name, position=position,
                       value=value, rank=sub_ranks[name][units[row.unit].pk])
        for row in rows if row.total is not None for position, (name, value) in enumerate(row.sub_indices))
