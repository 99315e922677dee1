"""Reads of evidence (issue 3). evidence_panel() feeds templates/scoring/_evidence_panel.html, which the leaf page
includes; evidence_permit() says whether a user may add or remove a leaf's documents now, and why not."""
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import workflow
from ..evidence_types import EXTENSIONS, KINDS
from ..models import AssessmentStatus, Evidence, Method
from ..permissions import may_act_on_leaf


@dataclass(frozen=True)
class EvidencePermit:
    allowed: bool
    reason: str = ""  # why not, in plain Vietnamese; empty for people who never write a unit's evidence
    for_explanation: bool = False  # what is added now answers the board's request for explanation

    def __bool__(self):
        return self.allowed


def evidence_permit(user, leaf_score, *, today: date | None = None) -> EvidencePermit:
    """The unit's own users add and remove documents while they may still self-assess, or, once the board has
    asked about this leaf, until the explanation deadline. Everyone else only reads."""
    if not may_act_on_leaf(user, leaf_score, "self"):
        return EvidencePermit(False)
    if leaf_score.criterion.method == Method.SURVEY:
        return EvidencePermit(False, _("Tiêu chí điều tra xã hội học lấy điểm từ phiếu khảo sát, không kèm tài "
                                       "liệu kiểm chứng."))
    assessment, today = leaf_score.assessment, today or timezone.localdate()
    cycle = assessment.cycle
    permit = workflow.self_assessment_permit(assessment.status, today=today, deadline=cycle.self_assessment_deadline,
                                             cycle_open=cycle.is_open)
    if permit:
        return EvidencePermit(True)
    if cycle.is_open and assessment.status == AssessmentStatus.EXPLANATION_REQUESTED:
        answer = workflow.explanation_permit(assessment.status, today=today, deadline=cycle.explanation_deadline,
                                             asked=bool(leaf_score.explanation_question.strip()))
        return EvidencePermit(answer.allowed, answer.reason, for_explanation=answer.allowed)
    return EvidencePermit(False, permit.reason)


def may_remove(permit: EvidencePermit, evidence) -> bool:
    """During an explanation round the board has already appraised the first documents: the unit may withdraw
    only what it added in answer."""
    return permit.allowed and (evidence.for_explanation or not permit.for_explanation)


def evidence_flags(issue_date: date | None, window: tuple[date, date]) -> list[str]:
    """What the board should look at twice about one document: dated outside its leaf's window
    (Criterion.evidence_window: the assessment year, or from some months before it)."""
    start, end = window
    if issue_date is None or start <= issue_date <= end:
        return []
    if start.month == 1 and start.day == 1 and start.year == end.year:
        return [_("Ngày ban hành ngoài năm đánh giá")]
    return [_("Ngày ban hành ngoài thời gian tiêu chí cho phép (%(start)s – %(end)s)") % {
        "start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")}]


@dataclass(frozen=True)
class EvidenceItem:
    pk: int
    title: str
    document_number: str
    issue_date: date | None
    size: int
    kind: str
    kind_label: str
    flags: list
    download_url: str
    remove_url: str
    linked: bool  # reused from an earlier year's evidence
    for_explanation: bool
    can_remove: bool


def evidence_items(leaf_score, permit: EvidencePermit) -> list[EvidenceItem]:
    """The documents cited for one leaf, oldest first: one query whatever their number."""
    window = leaf_score.criterion.evidence_window(leaf_score.assessment.cycle.year)
    items = []
    for evidence in Evidence.objects.filter(leaf_score=leaf_score).select_related("file"):
        kind = KINDS.get(evidence.file.kind)
        items.append(EvidenceItem(
            pk=evidence.pk, title=evidence.title, document_number=evidence.document_number,
            issue_date=evidence.issue_date, size=evidence.file.size, kind=evidence.file.kind,
            kind_label=kind.label if kind else evidence.file.kind, flags=evidence_flags(evidence.issue_date, window),
            download_url=reverse("scoring:evidence_download", args=[evidence.pk]),
            remove_url=reverse("scoring:evidence_remove", args=[evidence.pk]),
            linked=evidence.linked_from_id is not None, for_explanation=evidence.for_explanation,
            can_remove=may_remove(permit, evidence)))
    return items


@dataclass(frozen=True)
class EvidenceChoice:
    pk: int  # the Evidence whose file (and number, date, title) is reused
    label: str


def evidence_sources(leaf_score) -> tuple[list[EvidenceChoice], list[EvidenceChoice]]:
    """What a unit may cite again on this leaf, in one query: the files already attached to its other leaves this
    year (one choice per file), and last year's documents, those of the same criterion code first."""
    assessment = leaf_score.assessment
    year = assessment.cycle.year
    found = (Evidence.objects
             .filter(leaf_score__assessment__unit=assessment.unit_id)
             .filter(Q(leaf_score__assessment=assessment.pk) | Q(leaf_score__assessment__cycle__year=year - 1))
             .exclude(file__in=Evidence.objects.filter(leaf_score=leaf_score.pk).values("file"))
             .select_related("leaf_score__criterion", "leaf_score__assessment__cycle")
             .order_by("leaf_score__criterion__position", "added_at", "pk"))
    attach, last_year, seen = [], [], set()
    for evidence in found:
        if evidence.leaf_score.assessment_id == assessment.pk:
            if evidence.file_id not in seen:
                seen.add(evidence.file_id)
                attach.append(EvidenceChoice(evidence.pk, _choice_label(evidence)))
        else:
            last_year.append(evidence)
    code = leaf_score.criterion.code
    last_year.sort(key=lambda evidence: evidence.leaf_score.criterion.code != code)  # stable: keeps tree order
    return attach, [EvidenceChoice(evidence.pk, _choice_label(evidence)) for evidence in last_year]


def _choice_label(evidence):
    parts = [evidence.leaf_score.criterion.code, evidence.title]
    if evidence.document_number:
        parts.append(evidence.document_number)
    if evidence.issue_date:
        parts.append(evidence.issue_date.strftime("%d/%m/%Y"))
    return " · ".join(parts)


def evidence_panel(user, leaf_score) -> dict:
    """What the evidence box of one leaf shows to `user`: the documents with their flags, and the forms when the
    user may add (else why not). One query for the documents, one more for the reusable ones when adding."""
    permit = evidence_permit(user, leaf_score)
    attach, last_year = evidence_sources(leaf_score) if permit else ([], [])
    pk = leaf_score.pk
    return {
        "leaf_score": leaf_score, "items": evidence_items(leaf_score, permit), "year": leaf_score.assessment.cycle.year,
        "can_add": permit.allowed, "reason": permit.reason, "for_explanation": permit.for_explanation,
        "attach_choices": attach, "link_choices": last_year,
        "max_mb": settings.EVIDENCE_MAX_MB, "accept": ",".join(EXTENSIONS),
        "kinds": ", ".join(kind.code.upper() for kind in KINDS.values()),
        "list_url": reverse("scoring:evidence_list", args=[pk]),
        "upload_url": reverse("scoring:evidence_upload", args=[pk]),
        "attach_url": reverse("scoring:evidence_attach", args=[pk]),
        "link_url": reverse("scoring:evidence_link", args=[pk]),
    }
