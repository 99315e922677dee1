"""Evidence of a leaf (tài liệu kiểm chứng): upload a document, cite a file the unit already stored, link last
year's document, remove a citation. Each change is checked against the cycle's state and audited in the same
transaction; a refused upload leaves no row and no file behind.

The bytes of a document are stored once, under a path derived from their SHA-256 (never from the sender's file
name), however many leaves or years cite them; a citation (Evidence) carries the number, date and title.
"""
import hashlib
import os
import tempfile
import unicodedata
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ..evidence_types import KINDS, detect_kind, kind_of_name
from ..models import Assessment, AuditSource, Evidence, EvidenceFile, LeafScore
from ..permissions import may_act_on_leaf
from ..selectors.evidence import evidence_permit, may_remove
from .audit import audit_entry, audit_write

ENTITY, FIELD = "evidence", "file"
# The same change keyed to the leaf as well: the leaf's history (selectors.appraisal.leaf_history) then shows a
# document added and removed on it, even once the citation row is gone.
LEAF_ENTITY, LEAF_FIELD = "leaf_score", "evidence"
CHUNK_BYTES = 64 * 1024
NAME_MAX = 255
NUMBER_MAX, TITLE_MAX = 100, 500
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
ACCEPTED = "PDF, DOCX, XLSX, DOC, XLS, JPG, PNG"


class EvidenceError(ValueError):
    """A refused upload, citation or removal; the message is for the user."""


# --- The three changes ------------------------------------------------------------------------------------------


def evidence_add(*, leaf_score, user, upload, document_number="", issue_date=None, title,
                 source=AuditSource.UI) -> Evidence:
    """Stores an uploaded document (or finds the same bytes already stored) and cites it on the leaf."""
    _require_permit(user, leaf_score)  # before reading megabytes that would be refused anyway
    details = evidence_details(document_number, issue_date, title)
    name = evidence_file_name(getattr(upload, "name", None))
    kind = _checked_kind(upload, name)
    incoming, sha256, size = _receive(upload)
    placed = None
    try:
        with transaction.atomic():
            leaf_score, permit = _locked(user, leaf_score)
            stored, placed = _stored_file(incoming, sha256=sha256, kind=kind, size=size, name=name, user=user)
            return _cite(leaf_score, user, stored, details, for_explanation=permit.for_explanation, source=source,
                         file_name=name)
    except BaseException:
        if placed:  # the row that named this new file was rolled back with the rest
            placed.unlink(missing_ok=True)
        raise
    finally:
        incoming.unlink(missing_ok=True)


def evidence_link(*, leaf_score, user, file, linked_from=None, document_number="", issue_date=None, title,
                  source=AuditSource.UI) -> Evidence:
    """Cites on the leaf a file the unit already stored: one of this year's other leaves, or (with `linked_from`)
    a document of an earlier year."""
    _require_permit(user, leaf_score)
    details = evidence_details(document_number, issue_date, title)
    with transaction.atomic():
        leaf_score, permit = _locked(user, leaf_score)
        file_name = _own_file_name(leaf_score, file, linked_from)
        return _cite(leaf_score, user, file, details, for_explanation=permit.for_explanation,
                     linked_from=linked_from, source=source, file_name=file_name)


def evidence_remove(*, evidence, user, source=AuditSource.UI) -> None:
    """Withdraws one citation; the stored bytes stay (other leaves, years or the audit log may name them)."""
    _require_permit(user, evidence.leaf_score)
    with transaction.atomic():
        current = Evidence.objects.select_related("file").filter(pk=evidence.pk).first()
        if current is None:
            raise EvidenceError(_("Tài liệu này đã được gỡ."))
        leaf_score, permit = _locked(user, current.leaf_score)
        if not may_remove(permit, current):
            raise EvidenceError(_("Trong thời gian giải trình chỉ gỡ được tài liệu bổ sung khi giải trình; tài "
                                  "liệu đã nộp khi tự đánh giá được giữ lại để thẩm định."))
        audit_write(_audit(current, user, source, old=_audit_label(current), new=""))
        current.delete()


# --- Who may write, checked again under a lock ----------------------------------------------------------------


def _require_permit(user, leaf_score):
    if not may_act_on_leaf(user, leaf_score, "self"):
        raise PermissionDenied
    permit = evidence_permit(user, leaf_score)
    if not permit:
        raise EvidenceError(permit.reason)
    return permit


def _locked(user, leaf_score):
    """The leaf with its assessment locked, and the permit computed again: a submission or a deadline passing
    between the page and the click must win."""
    assessment = (Assessment.objects.select_for_update(of=("self",)).select_related("cycle")
                  .get(pk=leaf_score.assessment_id))
    leaf_score = LeafScore.objects.select_related("criterion").get(pk=leaf_score.pk)
    leaf_score.assessment = assessment
    return leaf_score, _require_permit(user, leaf_score)


def _own_file_name(leaf_score, file, linked_from):
    """A unit cites again only bytes it cited itself, so a guessed file id never reveals another unit's
    document; a linked document must be the unit's own from an earlier year, holding that same file. Returns the
    name the unit's own citation gave the file."""
    unit, year = leaf_score.assessment.unit_id, leaf_score.assessment.cycle.year
    own = Evidence.objects.filter(file=file, leaf_score__assessment__unit=unit).order_by("pk")
    if not own.exists():
        raise EvidenceError(_("Chỉ dùng lại được tệp mà đơn vị đã tải lên."))
    if linked_from is not None and not own.filter(pk=linked_from.pk,
                                                  leaf_score__assessment__cycle__year__lt=year).exists():
        raise EvidenceError(_("Chỉ liên kết được tài liệu kiểm chứng của đơn vị trong các năm trước."))
    return (linked_from or own.first()).file_name


# --- Citing and auditing ---------------------------------------------------------------------------------------


def _cite(leaf_score, user, file, details, *, for_explanation, linked_from=None, source, file_name):
    if Evidence.objects.filter(leaf_score=leaf_score, file=file).exists():
        raise EvidenceError(_("Tệp này đã có trong tài liệu kiểm chứng của tiêu chí %(code)s.")
                            % {"code": leaf_score.criterion.code})
    number, issued, title = details
    evidence = Evidence.objects.create(leaf_score=leaf_score, file=file, document_number=number, issue_date=issued,
                                       title=title, for_explanation=for_explanation, linked_from=linked_from,
                                       added_by=user, file_name=file_name)
    reason = _("Bổ sung khi giải trình") if for_explanation else ""
    audit_write(_audit(evidence, user, source, old="", new=_audit_label(evidence), reason=reason))
    return evidence


def _audit(evidence, user, source, *, old, new, reason=""):
    """One change of a citation, audited under the citation and under its leaf."""
    common = {"old": old, "new": new, "actor": user, "source": source, "reason": reason,
              "assessment_id": evidence.leaf_score.assessment_id}
    return [audit_entry(entity=ENTITY, entity_id=evidence.pk, field=FIELD, **common),
            audit_entry(entity=LEAF_ENTITY, entity_id=evidence.leaf_score_id, field=LEAF_FIELD, **common)]


def _audit_label(evidence):
    return f"{evidence.title} ({evidence.file.sha256[:12]})"


def evidence_details(document_number, issue_date, title):
    """(number, date, title), cleaned; dates are accepted as dd/mm/yyyy or yyyy-mm-dd text, or as a date."""
    number, title = (document_number or "").strip(), " ".join((title or "").split())
    if not title:
        raise EvidenceError(_("Nhập trích yếu (tên) của tài liệu."))
    if len(title) > TITLE_MAX:
        raise EvidenceError(_("Trích yếu dài quá %(n)s ký tự.") % {"n": TITLE_MAX})
    if len(number) > NUMBER_MAX:
        raise EvidenceError(_("Số, ký hiệu văn bản dài quá %(n)s ký tự.") % {"n": NUMBER_MAX})
    return number, _issue_date(issue_date), title


def _issue_date(value):
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(str(value).strip(), pattern).date()
        except ValueError:
            continue
    raise EvidenceError(_("Ngày ban hành «%(value)s» không hợp lệ; nhập theo dạng dd/mm/yyyy.") % {"value": value})


# --- The uploaded bytes ------------------------------------------------------------------------------------------


def evidence_file_name(raw) -> str:
    """The sender's file name, kept for display only: a bare base name, NFC, at most 255 characters. A name that
    carries a directory, a drive or control characters is refused rather than guessed at."""
    raw = raw or ""
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in raw):
        raise EvidenceError(_("Tên tệp chứa ký tự điều khiển; hãy đặt lại tên tệp rồi tải lên."))
    if any(char in raw for char in "/\\:"):
        raise EvidenceError(_("Tên tệp «%(name)s» chứa đường dẫn thư mục; hãy tải lên tệp có tên bình thường.")
                            % {"name": raw})
    name = " ".join(unicodedata.normalize("NFC", raw).split())
    stem, dot, extension = name.rpartition(".")
    stem, extension = (stem, dot + extension) if dot else (name, "")
    if not stem.strip(". "):  # ".pdf", "...pdf": nothing but an extension
        raise EvidenceError(_("Tên tệp «%(name)s» không hợp lệ.") % {"name": raw})
    if len(name) > NAME_MAX:
        name = stem[:NAME_MAX - len(extension)] + extension
    return name


def max_bytes():
    return settings.EVIDENCE_MAX_MB * 1024 * 1024


def _too_big(name):
    return EvidenceError(_("Tệp «%(name)s» lớn hơn %(mb)s MB, giới hạn của mỗi tài liệu kiểm chứng.")
                         % {"name": name, "mb": settings.EVIDENCE_MAX_MB})


def _checked_kind(upload, name):
    """The kind the content shows, when the extension claims the same one."""
    if not upload.size:
        raise EvidenceError(_("Tệp «%(name)s» rỗng (0 byte).") % {"name": name})
    if upload.size > max_bytes():
        raise _too_big(name)
    claimed = kind_of_name(name)
    if claimed is None:
        raise EvidenceError(_("Chỉ nhận tệp %(kinds)s; tệp «%(name)s» có đuôi khác.")
                            % {"kinds": ACCEPTED, "name": name})
    actual = detect_kind(upload)
    if actual is None:
        raise EvidenceError(_("Nội dung tệp «%(name)s» không phải %(kinds)s (có thể tệp đã bị đổi đuôi).")
                            % {"name": name, "kinds": ACCEPTED})
    if actual != claimed:
        raise EvidenceError(_("Tệp «%(name)s» mang đuôi %(claimed)s nhưng nội dung là tệp %(actual)s; hãy đặt "
                              "lại đúng đuôi hoặc chọn đúng tệp.")
                            % {"name": name, "claimed": claimed.upper(), "actual": KINDS[actual].label})
    return actual


def _receive(upload):
    """Copies the upload beside the evidence store (same file system, so the final move is atomic), hashing and
    counting as it streams. Returns (temporary path, SHA-256, size)."""
    folder = Path(settings.MEDIA_ROOT) / "evidence" / "incoming"
    folder.mkdir(parents=True, exist_ok=True)
    handle, path = tempfile.mkstemp(dir=folder, suffix=".part")
    path, digest, size = Path(path), hashlib.sha256(), 0
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in upload.chunks(CHUNK_BYTES):
                size += len(chunk)
                if size > max_bytes():  # the declared size can lie for a caller that is not Django's parser
                    raise _too_big(upload.name)
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise EvidenceError(_("Tệp «%(name)s» rỗng (0 byte).") % {"name": upload.name})
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, digest.hexdigest(), size


def evidence_storage_name(sha256: str, kind: str) -> str:
    """Where the bytes live under MEDIA_ROOT: from the hash alone, so no sender's name ever reaches the disk."""
    return f"evidence/{sha256[:2]}/{sha256}.{KINDS[kind].extensions[0].lstrip('.')}"


def _stored_file(incoming, *, sha256, kind, size, name, user):
    """The EvidenceFile of these bytes, created when new. Returns it and the path this call placed on disk for a
    new row (None otherwise), so a rollback can take the file back."""
    relative = evidence_storage_name(sha256, kind)
    stored, created = EvidenceFile.objects.get_or_create(sha256=sha256, defaults={
        "file": relative, "size": size, "kind": kind, "original_name": name, "uploaded_by": user})
    target = Path(settings.MEDIA_ROOT) / stored.file.name
    if target.exists():
        return stored, None
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(incoming, target)  # also restores the bytes of a known row whose file went missing
    return stored, target if created else None
