"""The unit's side of an explanation round (giải trình, issue 3): answering the board's questions leaf by leaf,
then submitting the explanation, which hands the file back to the board for round 2. New evidence for an answer
goes through the evidence panel of the leaf page (services/evidence.py), not through here."""
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import workflow
from ..models import Assessment, AuditSource, LeafScore
from . import notices
from .appraisal import assessment_move, codes_text, conflict_message
from .audit import audit_entry, audit_write


def leaf_score_answer(*, leaf_score: LeafScore, user, version: int, answer: str, today: date | None = None,
                      source: str = AuditSource.UI) -> LeafScore:
    """The unit's answer to the question asked on one leaf, while the explanation round and its deadline allow."""
    answer = (answer or "").strip()
    if not answer:
        raise workflow.WorkflowError(_("Hãy nhập nội dung giải trình."))
    with transaction.atomic():
        assessment = _locked(leaf_score.assessment_id)
        score = LeafScore.objects.get(pk=leaf_score.pk)
        _require_permit(assessment, asked=bool(score.explanation_question), today=today)
        if score.version != version:
            raise workflow.ConflictError(conflict_message())
        now = timezone.now()
        written = LeafScore.objects.filter(pk=score.pk, version=version).update(
            explanation_answer=answer, explanation_answered_at=now, version=version + 1, updated_at=now)
        if not written:
            raise workflow.ConflictError(conflict_message())
        audit_write([audit_entry(entity="leaf_score", entity_id=score.pk, field="explanation_answer",
                                 old=score.explanation_answer, new=answer, actor=user, source=source,
                                 assessment_id=assessment.pk)])
    score.explanation_answer, score.explanation_answered_at, score.version = answer, now, version + 1
    return score


def assessment_submit_explanation(*, assessment: Assessment, user, today: date | None = None,
                                  source: str = AuditSource.UI) -> Assessment:
    """Hands the answers to the board; refused, naming them, while a leaf asked about has no answer."""
    with transaction.atomic():
        assessment = _locked(assessment.pk)
        status = workflow.next_status(assessment.status, "submit_explanation")
        _require_permit(assessment, asked=True, today=today)
        unanswered = list(LeafScore.objects.filter(assessment=assessment, explanation_answer="")
                          .exclude(explanation_question="").order_by("criterion__position")
                          .values_list("criterion__code", flat=True))
        if unanswered:
            raise workflow.WorkflowError(_("Chưa trả lời yêu cầu giải trình của %(count)s tiêu chí: %(codes)s.")
                                         % {"count": len(unanswered), "codes": codes_text(unanswered)})
        audit_write([assessment_move(assessment, status, user=user, source=source)])
        notices.notify_explanation_answered(assessment)
    return assessment


def _locked(assessment_pk):
    return Assessment.objects.select_for_update().select_related("cycle").get(pk=assessment_pk)


def _require_permit(assessment, *, asked, today):
    permit = workflow.explanation_permit(assessment.status, today=today or timezone.localdate(),
                                         deadline=assessment.cycle.explanation_deadline, asked=asked)
    if not permit:
        raise workflow.WorkflowError(permit.reason)


class AnswerRefused(workflow.WorkflowError):
    """One answer of the page could not be saved; `leaf_score_id` says which, so the page shows the reason there."""

    def __init__(self, leaf_score_id, error):
        super().__init__(str(error))
        self.leaf_score_id = leaf_score_id
        self.conflict = isinstance(error, workflow.ConflictError)


def explanation_answers_save(*, assessment: Assessment, user, answers: dict[int, tuple[int, str]],
                             today: date | None = None, source: str = AuditSource.UI) -> list[int]:
    """Saves, all or none, every answer of the page that differs from the stored one ({leaf score id: (version,
    text)}), so sending the explanation never drops what was typed without pressing "save". Unchanged answers
    are skipped: a page posted twice (the confirmation step) does not conflict with itself. Returns the ids saved."""
    stored = {score.pk: score for score in LeafScore.objects.filter(assessment=assessment, pk__in=list(answers))
              .exclude(explanation_question="")}
    saved = []
    with transaction.atomic():
        for pk, (version, text) in answers.items():
            score = stored.get(pk)
            if score is None or (text or "").strip() == score.explanation_answer:
                continue
            try:
                leaf_score_answer(leaf_score=score, user=user, version=version, answer=text, today=today,
                                  source=source)
            except workflow.WorkflowError as error:
                raise AnswerRefused(pk, error) from error
            saved.append(pk)
    return saved
