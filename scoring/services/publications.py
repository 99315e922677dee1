"""Publishing a block's year (domain rule 14): an immutable snapshot of its results, checkable by anyone through its
SHA-256. Until then every figure of the block's year is provisional ("Tạm tính").

The content is canonical: plain JSON values (decimals as text), no timestamp, hashed over its sorted-key compact
UTF-8 form. So the same results published twice hash the same, and anyone holding the content file can recompute
the hash (`sha256sum`) and compare it with the one printed beside the table. Publications are never edited: a
correction is a new version that lists what changed against the previous one.
"""
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import (Assessment, AssessmentStatus, Block, Cycle, Job, JobStatus, LeafScore, Method, Publication,
                      UnitResult)
from ..models.indices import PAR
from ..selectors import results_snapshot
from ..selectors.status import canonical_bytes, content_sha256  # noqa: F401 (the service's vocabulary)
from . import notices
from .audit import audit_entry, audit_write
from .jobs import jobs_sweep
from .results import COMPUTE_KIND, REFRESH_KIND, results_scope


class PublicationRefused(ValueError):
    """The results can't be published as they stand; the message says why, in Vietnamese."""


def publication_create(*, year: int, block_code: str, index_code: str = PAR, user=None,
                       note: str = "") -> Publication:
    jobs_sweep(resend=False)  # a results run that will never finish must not hold publication back forever
    try:
        with transaction.atomic():
            return _publish(year, block_code, index_code or PAR, user, note.strip())
    except IntegrityError as error:  # two managers publishing the same version at the same moment
        raise PublicationRefused(_("Một lần công bố khác vừa được tạo cùng lúc; tải lại trang rồi thử lại.")) from error


def _publish(year, block_code, index_code, user, note):
    if not year:
        raise PublicationRefused(_("Chọn năm cần công bố."))
    block = Block.objects.filter(code=block_code or "").first()
    if block is None:
        raise PublicationRefused(_("Chọn khối cần công bố."))
    # The cycle's row is the lock: a roster change or a late decision waits for the publication, and back.
    cycle = Cycle.objects.select_for_update().filter(year=year, block=block, index_code=index_code).first()
    content = results_snapshot(year, block.code, index_code)
    _check_publishable(year, block, cycle, content, index_code)
    previous = (Publication.objects.select_for_update().filter(year=year, block=block, index_code=index_code)
                .order_by("-version").first())
    sha256 = content_sha256(content)
    if previous and previous.sha256 == sha256:
        message = _("Kết quả năm %(year)s của %(block)s không khác lần công bố thứ %(version)s (cùng mã SHA-256): "
                    "không tạo lần công bố mới.")
        raise PublicationRefused(message % {"year": year, "block": block, "version": previous.version})
    publication = Publication.objects.create(
        year=year, block=block, index_code=index_code, version=previous.version + 1 if previous else 1, content=content,
        sha256=sha256, note=note, changes=publication_changes(previous.content, content) if previous else [],
        published_by=user)
    _audit(publication, previous, user)
    notices.notify_year_published(year, publication.version, block, index_code)
    return publication


def _audit(publication, previous, user):
    audit_write([
        audit_entry(entity="publication", entity_id=publication.pk, field=field, old=old, new=new, actor=user,
                    reason=publication.note)
        for field, old, new in (("version", previous and previous.version, publication.version),
                                ("sha256", previous and previous.sha256, publication.sha256))
    ])


# --- What may be published -------------------------------------------------------------------------------------


def _check_publishable(year, block, cycle, content, index_code):
    _check_not_running(year, block, index_code)
    if not content["blocks"]:
        message = _("Chưa có kết quả năm %(year)s của %(block)s để công bố: điều phối viên bấm «Tính kết quả» "
                    "trước.")
        raise PublicationRefused(message % {"year": year, "block": block})
    blockers = publication_blockers(year, block, cycle, index_code)
    if blockers:
        listed = "; ".join(f"{unit} ({reason}: {url})" for unit, reason, url in blockers)
        message = _("Không công bố được: %(count)s đơn vị chưa đủ điểm: %(units)s. Giải quyết từng đơn vị rồi tính "
                    "lại kết quả.")
        raise PublicationRefused(message % {"count": len(blockers), "units": listed})


def _check_not_running(year, block, index_code):
    # A run (or a refresh after a score change) still pending would change what is about to be published.
    scopes = [results_scope(year), results_scope(year, block.code), results_scope(year, None, index_code),
              results_scope(year, block.code, index_code)]
    pending = Job.objects.filter(kind__in=[COMPUTE_KIND, REFRESH_KIND], scope__in=scopes,
                                 status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).order_by("pk").first()
    if pending:
        message = _("Đang tính kết quả năm %(year)s (tác vụ #%(job)s): đợi tác vụ xong rồi công bố.")
        raise PublicationRefused(message % {"year": year, "job": pending.pk})


def publication_blockers(year, block, cycle=None, index_code=PAR) -> list[tuple[str, str, str]]:
    """(unit code, why, the page that resolves it) of every incomplete unit of the block's year: a unit that never
    submitted is decided on the cycle's roster page, an appraisal not finished on the board's page, a survey not
    computed on the cycle's page (the survey's results feed it)."""
    incomplete = (UnitResult.objects.filter(year=year, block=block, index_code=index_code, incomplete=True)
                  .order_by("unit__code"))
    files = dict(Assessment.objects.filter(cycle=cycle).values_list("unit_id", "status")) if cycle else {}
    # The methods of the leaves each file still lacks: an appraised one is the board's, a survey one the survey's.
    lacking = {}
    for unit_id, method in (LeafScore.objects.filter(assessment__cycle=cycle, final_score=None, not_applicable=False)
                            .exclude(criterion__method="").values_list("assessment__unit_id", "criterion__method")
                            .distinct() if cycle else ()):
        lacking.setdefault(unit_id, set()).add(method)
    results_page = f"{reverse('scoring:results')}?year={year}&block={block.code}" + (
        "" if index_code == PAR else f"&index={index_code}")
    blockers = []
    for unit_id, code in incomplete.values_list("unit_id", "unit__code"):
        status = files.get(unit_id)
        if cycle is None:
            reason, url = _("chưa đủ điểm"), results_page
        elif status in (None, AssessmentStatus.DRAFT):
            reason, url = _("chưa nộp hồ sơ"), reverse("scoring:cycle_roster", args=[cycle.pk])
        elif lacking.get(unit_id, set()) <= {Method.SURVEY} and cycle.survey_held:
            reason, url = _("chờ kết quả điều tra"), reverse("scoring:cycle_detail", args=[cycle.pk])
        else:
            reason, url = _("chưa thẩm định xong"), reverse("scoring:appraisal_cycle", args=[cycle.pk])
        blockers.append((code, reason, url))
    return blockers


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
