"""Scorecards in bulk (issue 6): every unit of a block with a result that year, one PDF each, in one ZIP under
MEDIA_ROOT/reports/, built by a background job that reports its progress.

The ZIP is written to a temporary file beside its final name and moved over it at the end: a re-run replaces the
previous archive whole (never a second copy, never a half-written file), and a failed run leaves it untouched."""
import os
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..framework_display import fold_text
from ..models import Block, Job, JobStatus
from ..models.indices import PAR
from ..reports.scorecard import scorecard_pdf
from ..selectors.scorecards import scorecard, scorecard_units
from .jobs import job_enqueue, job_progress, job_runner

SCORECARDS_KIND = "scorecards_zip"
REPORTS_DIR = "reports"


def scorecards_scope(year, block_code, index_code=PAR):
    """The job's scope; PAR's as before indices became data."""
    return f"scorecards:{year}:{block_code}" + ("" if index_code == PAR else f":{index_code}")


def scorecards_zip_start(*, year: int, block_code: str, index_code: str = PAR, user=None) -> Job:
    """Starts the bulk job for one block; a job of the same year and block still waiting or running is returned.
    Raises ValueError (in Vietnamese) for an unknown block."""
    with transaction.atomic():
        # The block's row serializes two clicks at once, so they make one job.
        block = Block.objects.select_for_update().filter(code=block_code).first()
        if block is None:
            raise ValueError(_("Không có khối %(block)s.") % {"block": block_code})
        scope = scorecards_scope(year, block.code, index_code)
        waiting = (Job.objects.filter(kind=SCORECARDS_KIND, scope=scope,
                                      status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).order_by("pk").first())
        return waiting or job_enqueue(kind=SCORECARDS_KIND, scope=scope, user=user,
                                      params={"year": year, "block": block.code,
                                              **({} if index_code == PAR else {"index": index_code})})


def scorecards_zip_write(*, year: int, block_code: str, index_code: str = PAR, progress=None) -> dict:
    """Writes the block's scorecards into MEDIA_ROOT/reports/phieu-diem-<year>-<block>.zip; returns the path
    (relative to MEDIA_ROOT) and the number of units."""
    report = progress or (lambda percent, message: None)
    block = Block.objects.get(code=block_code)
    units = scorecard_units(year, block, index_code)
    if not units:
        raise ValueError(_("Khối %(block)s chưa có kết quả năm %(year)s.") % {"block": block.code, "year": year})
    relative = f"{REPORTS_DIR}/{archive_name(year, block.code, index_code)}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".zip.part")
    try:
        with os.fdopen(handle, "wb") as file, zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
            for number, unit in enumerate(units):
                report(number * 100 // len(units), _("Đang in phiếu điểm %(unit)s (%(n)s/%(count)s)") % {
                    "unit": unit.name, "n": number + 1, "count": len(units)})
                archive.writestr(member_name(year, unit),
                                 scorecard_pdf(scorecard(None, unit, year, index_code=index_code)))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    report(100, _("Xong: %(count)s phiếu điểm") % {"count": len(units)})
    return {"path": relative, "units": len(units), "size": target.stat().st_size}


def archive_name(year, block_code, index_code=PAR):
    index = "" if index_code == PAR else f"{slugify(index_code)}-"
    return f"phieu-diem-{index}{year}-{slugify(block_code)}.zip"


def member_name(year, unit):
    """A unit's PDF inside the ZIP: its code and its name without diacritics, which every unzip tool reads."""
    return f"phieu-diem-{year}-{unit.code}-{slugify(fold_text(unit.name))}.pdf"


def scorecards_zip_file(job) -> Path | None:
    """The archive a finished job wrote, if it is still there."""
    relative = (job.result or {}).get("path")
    if job.kind != SCORECARDS_KIND or job.status != JobStatus.DONE or not relative:
        return None
    path = Path(settings.MEDIA_ROOT) / relative
    return path if path.is_file() else None


@job_runner(SCORECARDS_KIND)
def scorecards_zip_job(job):
    # A worker has no request: the PDFs are written in the site's language (decimal comma, Vietnamese labels).
    with translation.override(settings.LANGUAGE_CODE):
        return scorecards_zip_write(year=job.params["year"], block_code=job.params["block"],
                                    index_code=job.params.get("index", PAR),
                                    progress=lambda percent, message: job_progress(job, percent, message))
