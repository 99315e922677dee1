"""Who takes part in a year (domain rules 13-14): the coordinator adds or removes a unit of a cycle's roster, and
decides each unit that never submitted. Every act has a reason, is audited, and is refused once the block's year
is published (a correction then starts from a new version, never from a changed roster)."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Assessment, AuditSource, Cycle, LateDecision, LeafScore, Method, Publication, RosterEntry
from ..models.assessments import AssessmentStatus as S
from .audit import audit_entry, audit_write
from .results import results_refresh_later

# Stored as the appraisal reason of the leaves a late decision scores 0, so that undoing it finds them.
NOT_SUBMITTED = "Không nộp hồ sơ"


class RosterError(ValueError):
    """A roster act that can't be done; the message is for the coordinator."""


def roster_add(*, cycle: Cycle, unit, user, reason: str, source=AuditSource.UI) -> RosterEntry:
    """Adds a unit to the cycle's roster (with its file, so it can self-assess)."""
    from .cycles import cycle_fill

    reason = _required(reason)
    with transaction.atomic():
        _lock_unpublished(cycle)
        if unit.block_id != cycle.block_id:
            raise RosterError(_("Đơn vị %(unit)s không thuộc khối %(block)s.") % {"unit": unit.code,
                                                                                   "block": cycle.block})
        entry, created = RosterEntry.objects.get_or_create(cycle=cycle, unit=unit, defaults={"reason": reason})
        if not created:
            raise RosterError(_("Đơn vị %(unit)s đã có trong danh sách năm %(year)s.") % {
                "unit": unit.code, "year": cycle.year})
        cycle_fill(cycle)
        audit_write([_audit(cycle, unit, False, True, user, source, reason)])
        results_refresh_later(year=cycle.year, unit_ids=[unit.pk])
    return entry


def roster_remove(*, cycle: Cycle, unit, user, reason: str, source=AuditSource.UI) -> None:
    """Takes a unit off the cycle's roster: its file stays, its result goes at the next run."""
    reason = _required(reason)
    with transaction.atomic():
        _lock_unpublished(cycle)
        deleted, _rows = RosterEntry.objects.filter(cycle=cycle, unit=unit).delete()
        if not deleted:
            raise RosterError(_("Đơn vị %(unit)s không có trong danh sách năm %(year)s.") % {
                "unit": unit.code, "year": cycle.year})
        audit_write([_audit(cycle, unit, True, False, user, source, reason)])


def late_appraise_as_is(*, cycle: Cycle, unit, user, reason: str, source=AuditSource.UI) -> int:
    """A unit that never submitted: the board appraises what it has. Every appraised, bonus or penalty leaf the unit
    left empty scores 0 ("không nộp hồ sơ"), the file goes to the board; returns how many leaves were scored 0."""
    reason = _required(reason)
    with transaction.atomic():
        _lock_unpublished(cycle)
        entry, assessment = _late_file(cycle, unit)
        missing = LeafScore.objects.filter(
            assessment=assessment, self_score=None, self_not_applicable=False, final_score=None,
            criterion__method__in=[Method.APPRAISED, Method.BONUS, Method.PENALTY])
        now = timezone.now()
        count = missing.update(appraised_score=0, final_score=0, appraisal_reason=NOT_SUBMITTED, appraised_at=now)
        Assessment.objects.filter(pk=assessment.pk).update(status=S.IN_APPRAISAL, submitted_at=None)
        RosterEntry.objects.filter(pk=entry.pk).update(late_decision=LateDecision.APPRAISE_AS_IS, late_reason=reason)
        audit_write([audit_entry(entity="assessment", entity_id=assessment.pk, field="status", old=S.DRAFT,
                                 new=S.IN_APPRAISAL, actor=user, source=source, reason=f"{NOT_SUBMITTED}: {reason}",
                                 assessment_id=assessment.pk)])
        results_refresh_later(year=cycle.year, unit_ids=[unit.pk])
    return count


def late_decision_undo(*, cycle: Cycle, unit, user, reason: str, source=AuditSource.UI) -> None:
    """Takes back "appraise what it has": the zeros it wrote go and the file returns to the unit."""
    reason = _required(reason)
    with transaction.atomic():
        _lock_unpublished(cycle)
        entry = RosterEntry.objects.select_for_update().filter(cycle=cycle, unit=unit).first()
        if entry is None or not entry.late_decision:
            raise RosterError(_("Chưa có quyết định nào cho đơn vị %(unit)s.") % {"unit": unit.code})
        assessment = Assessment.objects.get(cycle=cycle, unit=unit)
        LeafScore.objects.filter(assessment=assessment, appraisal_reason=NOT_SUBMITTED, appraised_by=None).update(
            appraised_score=None, final_score=None, appraisal_reason="", appraised_at=None)
        Assessment.objects.filter(pk=assessment.pk).update(status=S.DRAFT, finalized_at=None)
        RosterEntry.objects.filter(pk=entry.pk).update(late_decision="", late_reason="")
        audit_write([audit_entry(entity="assessment", entity_id=assessment.pk, field="status",
                                 old=assessment.status, new=S.DRAFT, actor=user, source=source, reason=reason,
                                 assessment_id=assessment.pk)])
        results_refresh_later(year=cycle.year, unit_ids=[unit.pk])


def survey_held_set(*, cycle: Cycle, held: bool, user, reason: str = "", source=AuditSource.UI) -> bool:
    """Says whether the cycle's survey is held (rule 14); False if it already said so. Results follow at the next
    run: held, survey leaves without points keep a result incomplete; not held, A is rescaled (rule 6)."""
    with transaction.atomic():
        _lock_unpublished(cycle)
        changed = Cycle.objects.filter(pk=cycle.pk, survey_held=not held).update(survey_held=held)
        if changed:
            audit_write([audit_entry(entity="cycle", entity_id=cycle.pk, field="survey_held", old=not held, new=held,
                                     actor=user, source=source, reason=reason)])
    return bool(changed)


def _late_file(cycle, unit):
    entry = RosterEntry.objects.select_for_update().filter(cycle=cycle, unit=unit).first()
    if entry is None:
        raise RosterError(_("Đơn vị %(unit)s không có trong danh sách năm %(year)s.") % {
            "unit": unit.code, "year": cycle.year})
    assessment = Assessment.objects.select_for_update().filter(cycle=cycle, unit=unit).first()
    if assessment is None or assessment.status != S.DRAFT:
        raise RosterError(_("Đơn vị %(unit)s đã gửi hồ sơ.") % {"unit": unit.code})
    return entry, assessment


def _required(reason):
    reason = (reason or "").strip()
    if not reason:
        raise RosterError(_("Ghi lý do."))
    return reason


def _lock_unpublished(cycle):
    Cycle.objects.select_for_update().filter(pk=cycle.pk).first()
    if Publication.objects.filter(year=cycle.year, block=cycle.block_id, index_code=cycle.index_code).exists():
        raise RosterError(_("Kết quả năm %(year)s của %(block)s đã công bố: không thay đổi được danh sách đơn vị.")
                          % {"year": cycle.year, "block": cycle.block})


def _audit(cycle, unit, old, new, user, source, reason):
    return audit_entry(entity="roster", entity_id=cycle.pk, field=f"unit:{unit.code}", old=old, new=new, actor=user,
                       source=source, reason=reason)
