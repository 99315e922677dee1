"""The appraisal board's decisions (issue 3): one leaf at a time (accept, adjust, confirm or reject N/A, ask for an
explanation), a unit's untouched leaves at once, finalization and reopening.

Each service is one transaction that writes its audit rows. The assessment row is locked first, so a decision and
a finalization can't cross; a leaf is saved by a conditional UPDATE on LeafScore.version, so of two appraisers who
opened the same leaf only the first save wins and the second gets workflow.ConflictError.

Round 1 writes appraised_score and appraisal_reason; once the unit has answered a request for explanation
(workflow.appraisal_round), decisions write second_score and second_reason. final_score, what the results engine
reads, always follows: round 2 if set, else round 1, none when the leaf is confirmed not applicable.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import notices
from .. import workflow
from ..models import AgencyRound, Assessment, AuditSource, Criterion, LeafScore, Method
from ..models.assessments import AssessmentStatus as S
from ..permissions import criteria_appraisable_by, is_manager, may_appraise_criterion
from ..rules import ManualRule, RuleError, ScoreError, check_score, parse_rule
from ..selectors.appraisal import leaves_lacking_final_score, scored_leaves_of
from .audit import audit_entry, audit_write
from .results import results_refresh_later

ACCEPT, ADJUST, CONFIRM_NA, REJECT_NA, ASK = "accept", "adjust", "confirm_na", "reject_na", "ask"
DECISIONS = (ACCEPT, ADJUST, CONFIRM_NA, REJECT_NA, ASK)
# Bonus and penalty leaves hold the points the board grants; nothing claimed is nothing granted.
GRANTED = (Method.BONUS, Method.PENALTY)
ZERO = Decimal(0)
ROUND_FIELDS = {1: ("appraised_score", "appraisal_reason"), 2: ("second_score", "second_reason")}
AUDITED = ("appraised_score", "appraisal_reason", "second_score", "second_reason", "not_applicable_decision",
           "not_applicable", "final_score", "explanation_question", "explanation_answer")
# Never decided by the board, nor brought in by an import: what "accept all untouched leaves" may accept.
UNTOUCHED = Q(appraised_at=None, final_score=None, not_applicable=False, not_applicable_decision=None,
              explanation_question="")


def conflict_message():
    return _("Tiêu chí này vừa được người khác cập nhật. Nội dung bạn nhập vẫn còn bên dưới; hãy xem giá trị mới "
             "rồi lưu lại nếu vẫn muốn thay đổi.")


@dataclass(frozen=True)
class Decision:
    """What the board decides on one leaf; `kind` is one of DECISIONS."""

    kind: str
    score: Decimal | None = None
    reason: str = ""
    question: str = ""


@dataclass(frozen=True)
class BulkAcceptSummary:
    accepted: int
    skipped: list = field(default_factory=list)  # codes of leaves with nothing to accept (no self-score)


# --- One leaf ----------------------------------------------------------------------------------------------------


def leaf_score_decide(*, assessment: Assessment, criterion: Criterion, user, version: int, decision: Decision,
                      source: str = AuditSource.UI) -> LeafScore:
    """One decision on one leaf of one unit. `version` is the LeafScore.version the form was drawn from (0 when
    the unit left the leaf without a row); ScoreError or WorkflowError (ConflictError) say why nothing changed."""
    if decision.kind not in DECISIONS:
        raise ValueError(decision.kind)
    # The views check this first; the service checks again so that no caller (API, script) can skip it.
    if user is not None and not may_appraise_criterion(user, criterion):
        raise PermissionDenied
    with transaction.atomic():
        assessment = _locked(assessment.pk)
        _require_appraisable(assessment)
        score = _current(assessment, criterion)
        if score.version != version:
            raise workflow.ConflictError(conflict_message())
        next_status = _next_status(assessment, decision)
        changes = _changes(score, criterion, assessment, decision, user)
        old = {name: getattr(score, name) for name in AUDITED}
        saved = _save(score, changes, version)
        audit = _leaf_audit(saved, old, changes, user, source, decision.reason)
        audit += _advance(assessment, next_status, decision, user, source)
        audit_write(audit)
        if "final_score" in changes or "not_applicable" in changes:
            results_refresh_later(year=assessment.cycle.year, unit_ids=[assessment.unit_id])
        if decision.kind == ASK:
            notices.notify_explanation_requested(assessment, criterion.code)
    return saved


def leaf_score_accept(*, leaf_score, user, version, source=AuditSource.UI):
    return _decide(leaf_score, user, version, Decision(ACCEPT), source)


def leaf_score_adjust(*, leaf_score, user, version, score, reason="", source=AuditSource.UI):
    return _decide(leaf_score, user, version, Decision(ADJUST, score=score, reason=reason), source)


def leaf_score_confirm_not_applicable(*, leaf_score, user, version, reason="", source=AuditSource.UI):
    return _decide(leaf_score, user, version, Decision(CONFIRM_NA, reason=reason), source)


def leaf_score_reject_not_applicable(*, leaf_score, user, version, reason, score=None, source=AuditSource.UI):
    return _decide(leaf_score, user, version, Decision(REJECT_NA, score=score, reason=reason), source)


def leaf_score_request_explanation(*, leaf_score, user, version, question, source=AuditSource.UI):
    return _decide(leaf_score, user, version, Decision(ASK, question=question), source)


def _decide(leaf_score, user, version, decision, source):
    return leaf_score_decide(assessment=leaf_score.assessment, criterion=leaf_score.criterion, user=user,
                             version=version, decision=decision, source=source)


def _locked(assessment_pk):
    return Assessment.objects.select_for_update().select_related("cycle").get(pk=assessment_pk)


def _require_appraisable(assessment):
    permit = workflow.appraisal_permit(assessment.status)
    if not permit:
        raise workflow.WorkflowError(permit.reason)


def _current(assessment, criterion):
    """The leaf's row as it is now, or an unsaved one (version 0) when the unit never created it."""
    score = LeafScore.objects.filter(assessment=assessment, criterion=criterion).first()
    return score or LeafScore(assessment=assessment, criterion=criterion, version=0)


def _next_status(assessment, decision):
    # A question is collected until the explanation round opens for the cycle (services/rounds.py): before that,
    # the file stays with the board, so no other agency loses its round 1.
    if decision.kind == ASK and assessment.cycle.explanation_round_opened_at:
        return workflow.next_status(assessment.status, "request_explanation")
    if assessment.status == S.SUBMITTED:
        return workflow.next_status(assessment.status, "start_appraisal")
    return assessment.status


def decision_round(assessment, score) -> int:
    """workflow.appraisal_round, except that a leaf decided in round 2 stays there: after a reopen, a new
    decision revises that round, or the final score would not follow it."""
    number = workflow.appraisal_round(assessment.status, explanation_round=assessment.explanation_round)
    if score.second_score is not None:
        return 2
    return number if score.explanation_question else 1  # round 2 only for the leaves asked about


def _changes(score, criterion, assessment, decision, user):
    """The fields the decision sets, final_score and not_applicable kept in step."""
    if decision.kind == ASK:
        return _ask(score, decision)
    outcome = {ACCEPT: _accept, ADJUST: _adjust, CONFIRM_NA: _confirm_na, REJECT_NA: _reject_na}[decision.kind](
        score, criterion, decision)
    score_field, reason_field = ROUND_FIELDS[decision_round(assessment, score)]
    changes = {score_field: outcome["score"], reason_field: outcome["reason"],
               "appraised_by_id": user.pk if user else None, "appraised_at": timezone.now()}
    if "na" in outcome:
        changes["not_applicable_decision"] = outcome["na"]
    return {**changes, **_official(score, changes)}


def _official(score, changes):
    merged = {name: changes.get(name, getattr(score, name))
              for name in ("appraised_score", "second_score", "not_applicable_decision")}
    not_applicable = merged["not_applicable_decision"] is True
    final = None if not_applicable else (
        merged["second_score"] if merged["second_score"] is not None else merged["appraised_score"])
    return {"not_applicable": not_applicable, "final_score": final}


def _accept(score, criterion, decision):
    if score.self_not_applicable:
        return _confirm_na(score, criterion, decision)
    if score.self_score is not None:
        return {"score": score.self_score, "reason": ""}
    if criterion.method in GRANTED:
        return {"score": ZERO, "reason": ""}
    raise ScoreError(_("Đơn vị chưa tự chấm tiêu chí này; hãy nhập điểm thẩm định."))


def _adjust(score, criterion, decision):
    value = check_score(criterion.max_points, decision.score, step=_step(criterion))
    reason = decision.reason.strip()
    if value != _claimed(score, criterion) and not reason:
        raise ScoreError(_("Cần nêu lý do khi điểm thẩm định khác điểm tự đánh giá."))
    outcome = {"score": value, "reason": reason}
    if score.self_not_applicable:  # scoring a leaf the unit said does not apply rejects that claim
        outcome["na"] = False
    return outcome


def _claimed(score, criterion):
    if score.self_score is None and criterion.method in GRANTED and not score.self_not_applicable:
        return ZERO
    return score.self_score


def _step(criterion):
    try:
        rule = parse_rule(criterion.rule, max_points=criterion.max_points)
    except RuleError:
        return None
    return rule.step if isinstance(rule, ManualRule) else None


def _confirm_na(score, criterion, decision):
    if not score.self_not_applicable:
        raise ScoreError(_("Đơn vị không đề nghị không áp dụng tiêu chí này."))
    return {"score": None, "reason": decision.reason.strip(), "na": True}


def _reject_na(score, criterion, decision):
    if not score.self_not_applicable:
        raise ScoreError(_("Đơn vị không đề nghị không áp dụng tiêu chí này."))
    reason = decision.reason.strip()
    if not reason:
        raise ScoreError(_("Cần nêu lý do khi không chấp nhận đề nghị không áp dụng."))
    value = None if decision.score is None else check_score(criterion.max_points, decision.score,
                                                            step=_step(criterion))
    return {"score": value, "reason": reason, "na": False}


def _ask(score, decision):
    question = decision.question.strip()
    if not question:
        raise ScoreError(_("Hãy nhập nội dung cần đơn vị giải trình."))
    changes = {"explanation_question": question, "explanation_requested_at": timezone.now()}
    if score.explanation_answer:  # a new question wants a new answer
        changes.update(explanation_answer="", explanation_answered_at=None)
    return changes


REASON_FIELDS = {reason_field for _score_field, reason_field in ROUND_FIELDS.values()}


def _leaf_audit(score, old, changes, user, source, reason):
    """One entry per changed field; `old` holds the values before the save. The decision's reason is written once:
    as the reason of its first entry, or, when the reason is all that changed, as that field's new value. Copied
    onto every entry and again as the reason field's value, a 2,000-character reason was stored four times."""
    reason = reason.strip()
    changed = [name for name in AUDITED if name in changes and old[name] != changes[name]]
    if reason and any(name not in REASON_FIELDS for name in changed):
        changed = [name for name in changed if not (name in REASON_FIELDS and changes[name] == reason)]
    # The leaf's history shows the reason beside every entry of the decision (selectors/appraisal.py).
    return [audit_entry(entity="leaf_score", entity_id=score.pk, field=name, old=old[name], new=changes[name],
                        actor=user, source=source, reason=reason if position == 0 and name not in REASON_FIELDS
                        else "", assessment_id=score.assessment_id)
            for position, name in enumerate(changed)]


def _save(score, changes, version):
    """The conditional UPDATE: only the row still at `version` is written."""
    if score.pk is None:
        return _create(score, changes)
    written = LeafScore.objects.filter(pk=score.pk, version=version).update(
        **changes, version=version + 1, updated_at=timezone.now())
    if not written:
        raise workflow.ConflictError(conflict_message())
    for name, value in changes.items():
        setattr(score, name, value)
    score.version = version + 1
    return score


def _create(score, changes):
    for name, value in changes.items():
        setattr(score, name, value)
    score.version = 1
    try:
        with transaction.atomic():
            score.save(force_insert=True)
    except IntegrityError:  # the row appeared meanwhile: someone else got there first
        raise workflow.ConflictError(conflict_message()) from None
    return score


def _advance(assessment, status, decision, user, source):
    audit = []
    if status != assessment.status:
        audit.append(assessment_move(assessment, status, user=user, source=source))
    if status == S.EXPLANATION_REQUESTED and not assessment.explanation_round:
        Assessment.objects.filter(pk=assessment.pk).update(explanation_round=True)
        audit.append(audit_entry(entity="assessment", entity_id=assessment.pk, field="explanation_round",
                                 old=False, new=True, actor=user, source=source, assessment_id=assessment.pk))
        assessment.explanation_round = True
    return audit


def assessment_move(assessment, status, *, user, source, reason="", **fields):
    """Moves a locked assessment to `status` (with any other fields) and returns the audit entry to write."""
    old = assessment.status
    Assessment.objects.filter(pk=assessment.pk).update(status=status, updated_at=timezone.now(), **fields)
    assessment.status = status
    for name, value in fields.items():
        setattr(assessment, name, value)
    return audit_entry(entity="assessment", entity_id=assessment.pk, field="status", old=old, new=status,
                       actor=user, source=source, reason=reason, assessment_id=assessment.pk)


# --- A unit at once, finalization and reopening ------------------------------------------------------------------


def assessment_accept_untouched(*, assessment: Assessment, user, source: str = AuditSource.BULK) -> BulkAcceptSummary:
    """Accepts the self-score of every leaf `user` may appraise that the board has not touched yet, audited leaf
    by leaf like single decisions. Bonus and penalty leaves the unit left out are granted 0."""
    with transaction.atomic():
        assessment = _locked(assessment.pk)
        _require_appraisable(assessment)
        leaves = bulk_acceptable(assessment.cycle, user)
        rows = list(LeafScore.objects.select_for_update(of=("self",)).select_related("criterion")
                    .filter(assessment=assessment, criterion__in=leaves).filter(UNTOUCHED)
                    .order_by("criterion__position"))
        rows += _unclaimed_granted_rows(assessment, leaves)
        accepted, skipped, audit = _accept_rows(assessment, rows, user, source)
        if accepted:
            audit += _advance(assessment, _next_status(assessment, Decision(ACCEPT)), Decision(ACCEPT), user, source)
            results_refresh_later(year=assessment.cycle.year, unit_ids=[assessment.unit_id])
        audit_write(audit)
    return BulkAcceptSummary(len(accepted), skipped)


def bulk_acceptable(cycle, user):
    """The leaves `user` may accept in bulk: an appraiser's own; for the coordinator, only the leaves whose agency
    has finished round 1, or every leaf once the round-1 deadline has passed (an agency's round 1 is its own)."""
    leaves = criteria_appraisable_by(user, Criterion.objects.filter(framework=cycle.framework_id))
    if user is None or not is_manager(user):
        return leaves
    deadline = cycle.appraisal_deadline
    if deadline is not None and timezone.localdate() > deadline:
        return leaves
    finished = AgencyRound.objects.filter(cycle=cycle).values("agency")
    return leaves.filter(Q(agency=None) | Q(agency__in=finished))


def accept_untouched_preview(*, assessment: Assessment, user) -> list[tuple[str, int]]:
    """(agency, leaves) that "accept every untouched leaf" would accept now, for the coordinator to confirm."""
    leaves = bulk_acceptable(assessment.cycle, user)
    counts = (LeafScore.objects.filter(assessment=assessment, criterion__in=leaves).filter(UNTOUCHED)
              .exclude(Q(self_score=None, self_not_applicable=False) & ~Q(criterion__method__in=GRANTED)).order_by()
              .values_list("criterion__agency__name", "criterion__agency__code").annotate(n=Count("pk")))
    return sorted(((name or code or _("Sở Nội vụ (không giao cơ quan)"), n) for name, code, n in counts),
                  key=lambda item: item[0])


def _unclaimed_granted_rows(assessment, leaves):
    """Unsaved rows for the bonus and penalty leaves the unit never opened."""
    present = LeafScore.objects.filter(assessment=assessment).values("criterion")
    missing = leaves.filter(method__in=GRANTED).exclude(pk__in=present).order_by("position")
    return [LeafScore(assessment=assessment, criterion=criterion, version=0) for criterion in missing]


def _accept_rows(assessment, rows, user, source):
    accepted, skipped, olds = [], [], []
    for row in rows:
        try:
            changes = _changes(row, row.criterion, assessment, Decision(ACCEPT), user)
        except ScoreError:
            skipped.append(row.criterion.code)
            continue
        olds.append({name: getattr(row, name) for name in AUDITED})
        for name, value in changes.items():
            setattr(row, name, value)
        row.version += 1
        accepted.append((row, changes))
    _bulk_save([row for row, _changes_ in accepted])
    audit = [entry for (row, changes), old in zip(accepted, olds)
             for entry in _leaf_audit(row, old, changes, user, source, _("Chấp nhận hàng loạt điểm tự đánh giá"))]
    return accepted, skipped, audit


def _bulk_save(rows):
    """The rows are locked (select_for_update), so a plain bulk write can't overwrite anyone's save."""
    new, existing = [row for row in rows if row.pk is None], [row for row in rows if row.pk is not None]
    LeafScore.objects.bulk_create(new)
    LeafScore.objects.bulk_update(existing, [
        "appraised_score", "appraisal_reason", "second_score", "second_reason", "not_applicable_decision",
        "not_applicable", "final_score", "appraised_by", "appraised_at", "version"], batch_size=1000)


def assessment_finalize(*, assessment: Assessment, user, source: str = AuditSource.UI) -> Assessment:
    """Closes a unit's appraisal; refused, naming them, while leaves lack a final score (or a confirmed N/A)."""
    with transaction.atomic():
        assessment = _locked(assessment.pk)
        status = workflow.next_status(assessment.status, "finalize")
        missing = leaves_lacking_final_score(assessment)
        if missing:
            raise workflow.WorkflowError(_("Chưa thể hoàn tất thẩm định: %(count)s tiêu chí chưa có điểm chính "
                                           "thức: %(codes)s.") % {"count": len(missing), "codes": codes_text(missing)})
        audit_write([assessment_move(assessment, status, user=user, source=source, finalized_at=timezone.now())])
        notices.notify_file_finalized(assessment)
    return assessment


def codes_text(codes, shown=10):
    """At most `shown` codes, then how many more: a refusal stays readable for a unit missing 80 leaves."""
    text = ", ".join(codes[:shown])
    if len(codes) > shown:
        text += _(" và %(count)s tiêu chí khác") % {"count": len(codes) - shown}
    return text


def cycle_finalize_complete(*, cycle, user, source: str = AuditSource.BULK) -> list[Assessment]:
    """Finalizes every unit of the cycle whose leaves all have a final score; the others are left as they are."""
    sources, status = workflow.TRANSITIONS["finalize"]
    with transaction.atomic():
        candidates = {assessment.pk: assessment for assessment in
                      Assessment.objects.select_for_update().filter(cycle=cycle, status__in=sources)}
        complete = [candidates[pk] for pk in _complete_assessments(cycle, candidates)]
        now = timezone.now()
        audit_write([assessment_move(assessment, status, user=user, source=source, finalized_at=now)
                     for assessment in complete])
        for assessment in complete:
            notices.notify_file_finalized(assessment)
    return complete


def _complete_assessments(cycle, assessment_ids):
    leaves = scored_leaves_of(cycle.framework_id)
    if not leaves.exists():
        return list(assessment_ids)
    done = Q(final_score__isnull=False) | Q(not_applicable=True)
    counts = (LeafScore.objects.filter(assessment__in=list(assessment_ids), criterion__in=leaves).filter(done)
              .values("assessment_id").annotate(n=Count("id")))
    wanted = leaves.count()
    return sorted(row["assessment_id"] for row in counts if row["n"] == wanted)


def assessment_reopen(*, assessment: Assessment, user, target: str, reason: str,
                      source: str = AuditSource.UI) -> Assessment:
    """The coordinator's audited way back, to the unit (draft) or to the board (in appraisal)."""
    reason = (reason or "").strip()
    if not reason:
        raise workflow.WorkflowError(_("Cần nêu lý do mở lại hồ sơ."))
    with transaction.atomic():
        assessment = _locked(assessment.pk)
        status = workflow.reopen_status(assessment.status, target)
        audit_write([assessment_move(assessment, status, user=user, source=source, reason=reason,
                                     finalized_at=None)])
    return assessment
