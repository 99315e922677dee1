"""A board of several agencies (issue 11): round 1 belongs to each agency on its own leaves. An agency's questions
are collected while it works; the files move to "explanation requested" only when the coordinator opens the
explanation round, or by themselves once every agency of the framework has finished round 1. The unit then answers
every question at once (services/explanations.py) and round 2 is recorded for the leaves asked about only."""
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import AgencyRound, Assessment, AuditSource, Criterion, Cycle, LeafScore, Method
from ..models.assessments import AssessmentStatus as S
from .appraisal import assessment_move
from .audit import audit_entry, audit_write

ASKABLE = (S.SUBMITTED, S.IN_APPRAISAL)


def agency_round_finish(*, cycle: Cycle, agency, user, source=AuditSource.UI) -> int:
    """The agency has finished round 1 of the cycle; returns how many files went to their units (when it was the
    last agency to finish, the explanation round opens)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                AgencyRound.objects.create(cycle=cycle, agency=agency, finished_by=user)
        except IntegrityError:
            return 0  # finished already
        audit_write([audit_entry(entity="cycle", entity_id=cycle.pk, field=f"round1:{agency.code}", old=False,
                                 new=True, actor=user, source=source)])
        if agencies_waiting(cycle):
            return 0
        return explanation_round_open(cycle=cycle, user=user, source=source,
                                      reason=_("Mọi cơ quan đã xong thẩm định vòng 1"))


def agencies_waiting(cycle) -> list:
    """The agencies with appraised leaves in the cycle's framework that have not finished round 1."""
    from ..models import Agency

    involved = (Criterion.objects.filter(framework=cycle.framework_id, agency__isnull=False)
                .exclude(method__in=["", Method.SURVEY]).values("agency"))
    finished = AgencyRound.objects.filter(cycle=cycle).values("agency")
    return list(Agency.objects.filter(pk__in=involved).exclude(pk__in=finished).order_by("code"))


def explanation_round_open(*, cycle: Cycle, user, source=AuditSource.UI, reason="") -> int:
    """Sends every file with an unanswered question to its unit at once; later questions go straight to their
    unit. Returns how many files moved."""
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        audit = []
        if cycle.explanation_round_opened_at is None:
            Cycle.objects.filter(pk=cycle.pk).update(explanation_round_opened_at=timezone.now())
            audit.append(audit_entry(entity="cycle", entity_id=cycle.pk, field="explanation_round", old=False,
                                     new=True, actor=user, source=source, reason=reason))
        asked = LeafScore.objects.filter(explanation_answer="").exclude(explanation_question="").values("assessment")
        files = list(Assessment.objects.select_for_update().filter(cycle=cycle, status__in=ASKABLE, pk__in=asked)
                     .order_by("pk"))
        for assessment in files:
            audit.append(assessment_move(assessment, S.EXPLANATION_REQUESTED, user=user, source=source,
                                         reason=reason, explanation_round=True))
        audit_write(audit)
    return len(files)
