"""Publishing a year's results: an immutable snapshot of every block, checkable by anyone through its SHA-256.

The content is canonical: plain JSON values (decimals as text), no timestamp, hashed over its sorted-key compact
UTF-8 form. So the same results published twice hash the same, and anyone holding the content file can recompute
the hash (`sha256sum`) and compare it with the one printed beside the table. Publications are never edited: a
correction is a new version that lists what changed against the previous one.
"""
import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from . import notices
from ..models import Cycle, Job, JobStatus, Publication
from ..selectors import results_snapshot
from .audit import audit_entry, audit_write
from .results import COMPUTE_KIND, REFRESH_KIND

LISTED_UNITS = 20


class PublicationRefused(ValueError):
    """The results can't be published as they stand; the message says why, in Vietnamese."""


def canonical_bytes(content) -> bytes:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_sha256(content) -> str:
    return hashlib.sha256(canonical_bytes(content)).hexdigest()


def publication_create(*, year: int, user=None, note: str = "") -> Publication:
    try:
        with transaction.atomic():
            return _publish(year, user, note.strip())
    except IntegrityError as error:  # two managers publishing the same version at the same moment
        raise PublicationRefused(_("Một lần công bố khác vừa được tạo cùng lúc; tải lại trang rồi thử lại.")) from error


def _publish(year, user, note):
    if not year:
        raise PublicationRefused(_("Chọn năm cần công bố."))
    content = results_snapshot(year)
    _check_publishable(year, content)
    previous = Publication.objects.select_for_update().filter(year=year).order_by("-version").first()
    sha256 = content_sha256(content)
    if previous and previous.sha256 == sha256:
        message = _("Kết quả năm %(year)s không khác lần công bố thứ %(version)s (cùng mã SHA-256): "
                    "không tạo lần công bố mới.")
        raise PublicationRefused(message % {"year": year, "version": previous.version})
    publication = Publication.objects.create(
        year=year, version=previous.version + 1 if previous else 1, content=content, sha256=sha256, note=note,
        changes=publication_changes(previous.content, content) if previous else [], published_by=user)
    _audit(publication, previous, user)
    notices.notify_year_published(year, publication.version)
    return publication


def _audit(publication, previous, user):
    audit_write([
        audit_entry(entity="publication", entity_id=publication.pk, field=field, old=old, new=new, actor=user,
                    reason=publication.note)
        for field, old, new in (("version", previous and previous.version, publication.version),
                                ("sha256", previous and previous.sha256, publication.sha256))
    ])


# --- What may be published -------------------------------------------------------------------------------------


def _check_publishable(year, content):
    for check in (_check_not_running, _check_has_results, _check_every_block, _check_complete):
        check(year, content)


def _check_not_running(year, content):
    # A run (or a refresh after a score change) still pending would change what is about to be published.
    pending = Job.objects.filter(kind__in=[COMPUTE_KIND, REFRESH_KIND], scope__startswith=f"results:{year}:",
                                 status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).order_by("pk").first()
    if pending:
        message = _("Đang tính kết quả năm %(year)s (tác vụ #%(job)s): đợi tác vụ xong rồi công bố.")
        raise PublicationRefused(message % {"year": year, "job": pending.pk})


def _check_has_results(year, content):
    if not content["blocks"]:
        message = _("Chưa có kết quả năm %(year)s để công bố: điều phối viên bấm «Tính kết quả» trước.")
        raise PublicationRefused(message % {"year": year})


def _check_every_block(year, content):
    published = [block["code"] for block in content["blocks"]]
    missing = list(Cycle.objects.filter(year=year).exclude(block__code__in=published)
                   .order_by("block__position", "block__code").values_list("block__code", flat=True))
    if missing:
        message = _("Khối %(blocks)s có kỳ đánh giá năm %(year)s nhưng chưa có kết quả: bấm «Tính kết quả» "
                    "trước khi công bố.")
        raise PublicationRefused(message % {"blocks": ", ".join(missing), "year": year})


def _check_complete(year, content):
    units = [row["unit_code"] for block in content["blocks"] for row in block["results"] if row["incomplete"]]
    if units:
        listed = ", ".join(units[:LISTED_UNITS]) + (_(" và %(n)s đơn vị khác") % {"n": len(units) - LISTED_UNITS}
                                                    if len(units) > LISTED_UNITS else "")
        message = _("Không công bố được: %(count)s đơn vị chưa đủ điểm (%(units)s). Hoàn tất thẩm định, tính lại "
                    "kết quả rồi công bố.")
        raise PublicationRefused(message % {"count": len(units), "units": listed})


# --- What changed since the previous version -------------------------------------------------------------------


def publication_changes(old, new) -> list[dict]:
    """Per unit, each field whose published value changed: {block, unit_code, field, old, new}.

    Area values are named areas.<code>.<points|max|index>; a unit added or dropped is one "unit" change."""
    before, after = _flat_results(old), _flat_results(new)
    return [{"block": block, "unit_code": unit, "field": field, "old": old_value, "new": new_value}
            for block, unit in sorted(before.keys() | after.keys())
            for field, old_value, new_value in _unit_changes(before.get((block, unit)), after.get((block, unit)))]


def _flat_results(content):
    return {(block["code"], row["unit_code"]): _flat_row(row) for block in content["blocks"]
            for row in block["results"]}


def _flat_row(row):
    flat = {name: value for name, value in row.items() if name != "areas"}
    for area in row["areas"]:
        flat.update({f"areas.{area['code']}.{name}": area[name] for name in ("points", "max", "index")})
    return flat


def _unit_changes(before, after):
    if before is None:
        return [("unit", None, after["unit_name"])]
    if after is None:
        return [("unit", before["unit_name"], None)]
    fields = [*after, *(name for name in before if name not in after)]
    return [(name, before.get(name), after.get(name)) for name in fields if before.get(name) != after.get(name)]
