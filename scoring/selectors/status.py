"""Whether a block's year is provisional or official (domain rule 14): every view and export of results asks here
and says so, "Tạm tính" until the block's year is published, then the version and its SHA-256."""
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, Q
from django.utils.translation import gettext as _

from ..models import Publication, UnitResult
from ..models.indices import PAR

PROVISIONAL, PUBLISHED = "provisional", "published"


def canonical_bytes(content) -> bytes:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_sha256(content) -> str:
    return hashlib.sha256(canonical_bytes(content)).hexdigest()


@dataclass(frozen=True)
class ResultsStatus:
    published: bool
    version: int | None = None
    sha256: str = ""
    published_at: datetime | None = None
    # Recomputed since the publication and now different: the figures shown are a correction not yet published.
    corrected: bool = False

    @property
    def code(self) -> str:
        return PUBLISHED if self.published else PROVISIONAL

    @property
    def label(self) -> str:
        if self.published:
            return _("Chính thức · công bố lần %(version)s") % {"version": self.version}
        if self.corrected:
            return _("Tạm tính · đã tính lại sau lần công bố %(version)s") % {"version": self.version}
        return _("Tạm tính")

    def as_json(self) -> dict:
        if not self.published:
            return {"status": PROVISIONAL}
        return {"status": PUBLISHED, "version": self.version, "sha256": self.sha256,
                "published_at": self.published_at.isoformat() if self.published_at else None}


def publications_of(year, block, index_code=PAR):
    """The publications holding `block`'s year in an index (a Block or its id; an old whole-year one too)."""
    block_id = getattr(block, "pk", block)
    return Publication.objects.filter(Q(block=block_id) | Q(block=None), year=year, index_code=index_code)


def latest_publication(year, block, index_code=PAR):
    """The latest publication holding `block`'s year in an index, or None."""
    return publications_of(year, block, index_code).order_by("-published_at", "-pk").first()


def published_status(publication) -> ResultsStatus:
    """The official status of a publication's own figures (what a page showing its snapshot says)."""
    return ResultsStatus(True, publication.version, publication.sha256, publication.published_at)


def results_status(year, block, index_code=PAR) -> ResultsStatus:
    """The status of `block`'s results for `year` in an index (block: a Block or its id). Published when the latest
    publication still holds what the results say: rows recomputed since to other figures are provisional again,
    a correction waiting for its new version."""
    block_id = getattr(block, "pk", block)
    publication = (publications_of(year, block_id, index_code).defer("content", "changes")
                   .order_by("-published_at", "-pk").first())
    if publication is None:
        return ResultsStatus(False)
    official = published_status(publication)
    rows = UnitResult.objects.filter(year=year, block=block_id, index_code=index_code)
    latest = rows.aggregate(at=Max("computed_at"))["at"]
    if latest is None or latest <= publication.published_at or publication.block_id is None:
        return official
    from . import results_snapshot  # the package imports this module

    block_code = rows.values_list("block__code", flat=True)[0]
    if content_sha256(results_snapshot(year, block_code, index_code)) == publication.sha256:
        return official
    return ResultsStatus(False, publication.version, corrected=True)
