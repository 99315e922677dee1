"""Reads of the appraisal (issue 3): the board's work lists with what is left to do, one unit's leaves, one
criterion across units beside last year's score, the questions asked of a unit, and the leaf page's two boxes
(leaf_history() feeds templates/scoring/_leaf_history.html, leaf_appraisal() templates/scoring/_leaf_appraisal.html).

Set-based: a page of rows costs a fixed handful of queries (scores, evidence, last year), never one per row."""
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import workflow
from ..models import Assessment, AuditEntry, AuditSource, Criterion, Evidence, LeafScore, Method, ReasonTemplate
from ..models.assessments import AssessmentStatus as S
from ..permissions import (criteria_appraisable_by, is_board_member, is_manager, may_act_on_assessment,
                           may_appraise_criterion)

# What the board works on: everything the unit has handed in, finalized files included (read-only).
HANDED_IN = (S.SUBMITTED, S.IN_APPRAISAL, S.EXPLANATION_REQUESTED, S.EXPLANATION_SUBMITTED, S.APPRAISED)
INPUT_LABELS = {"value": gettext_lazy("Điểm nhập"), "choice": gettext_lazy("Lựa chọn"),
                "numerator": gettext_lazy("Tử số"), "denominator": gettext_lazy("Mẫu số"),
                "occurrences": gettext_lazy("Số lần vi phạm")}


def points(value):
    """A score as the pages show it: no trailing zeros (1,5 not 1,500), which {{ }} localizes with a comma."""
    if value is None:
        return None
    value = Decimal(value).normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value


# --- What is left to do ------------------------------------------------------------------------------------------


def pending_q():
    """A leaf still waiting for the board: no official score (nor confirmed N/A), an N/A claim not decided, or an
    answer the unit gave since the last decision (round 2)."""
    unscored = Q(final_score=None, not_applicable=False)
    open_claim = Q(self_not_applicable=True, not_applicable_decision=None)
    answered = (Q(assessment__status=S.EXPLANATION_SUBMITTED, explanation_answered_at__isnull=False)
                & (Q(appraised_at=None) | Q(appraised_at__lt=F("explanation_answered_at"))))
    return unscored | open_claim | answered


def is_pending(score, status):
    """pending_q() for one row in memory (None: the unit never opened the leaf)."""
    if score is None:
        return True
    if score.final_score is None and not score.not_applicable:
        return True
    if score.self_not_applicable and score.not_applicable_decision is None:
        return True
    answered = status == S.EXPLANATION_SUBMITTED and score.explanation_answered_at is not None
    return answered and (score.appraised_at is None or score.appraised_at < score.explanation_answered_at)


def scored_leaves_of(framework_id):
    """The leaves that need a final score before a unit is finalized: every leaf but survey ones."""
    return Criterion.objects.filter(framework=framework_id).exclude(method="").exclude(method=Method.SURVEY)


def leaves_lacking_final_score(assessment) -> list[str]:
    done = LeafScore.objects.filter(assessment=assessment).filter(Q(final_score__isnull=False) | Q(not_applicable=True))
    missing = scored_leaves_of(assessment.cycle.framework_id).exclude(pk__in=done.values("criterion"))
    return list(missing.order_by("position").values_list("code", flat=True))


def appraisable_criteria(user, framework_id):
    return criteria_appraisable_by(user, Criterion.objects.filter(framework=framework_id)).order_by("position")


def reason_templates_for(user):
    """Shared reasons and those of the user's agency; managers appraise every area, so they get them all."""
    templates = ReasonTemplate.objects.filter(active=True)
    if is_manager(user):
        return templates
    return templates.filter(Q(agency=None) | Q(agency=user.agency_id))


# --- Work lists --------------------------------------------------------------------------------------------------


def appraisal_cycles(cycles):
    """The cycles (from permissions.cycles_visible_to) with at least one file handed in, newest first."""
    handed_in = Assessment.objects.filter(status__in=HANDED_IN).values("cycle")
    return cycles.filter(pk__in=handed_in).order_by("-year", "block__position", "block__code")


@dataclass
class Work:
    """Files by status and leaves left for one user, of a cycle or of one file."""

    by_status: dict = field(default_factory=dict)
    left: int = 0

    @property
    def handed_in(self):
        return sum(self.by_status.values())


def cycles_work(user, cycles) -> dict:
    """cycle id -> Work, in four queries whatever the number of cycles."""
    cycles = list(cycles)
    work = {cycle.pk: Work() for cycle in cycles}
    counts = (Assessment.objects.filter(cycle__in=cycles, status__in=HANDED_IN)
              .values_list("cycle_id", "status").annotate(n=Count("id")))
    for cycle_id, status, n in counts:
        work[cycle_id].by_status[status] = n
    leaves = criteria_appraisable_by(user, Criterion.objects.filter(framework__in=[c.framework_id for c in cycles]))
    per_framework = dict(leaves.values_list("framework_id").annotate(n=Count("id")))
    done = dict(LeafScore.objects.filter(assessment__cycle__in=cycles, assessment__status__in=workflow.APPRAISABLE,
                                         criterion__in=leaves).exclude(pending_q())
                .values_list("assessment__cycle_id").annotate(n=Count("id")))
    for cycle in cycles:
        open_files = sum(n for status, n in work[cycle.pk].by_status.items() if status in workflow.APPRAISABLE)
        work[cycle.pk].left = per_framework.get(cycle.framework_id, 0) * open_files - done.get(cycle.pk, 0)
    return work


def cycle_assessments(cycle):
    """The cycle's files handed in, by unit code."""
    return (Assessment.objects.filter(cycle=cycle, status__in=HANDED_IN).select_related("unit")
            .order_by("unit__code"))


def assessments_left(user, assessments, framework_id) -> dict:
    """assessment id -> leaves `user` may appraise that are still pending (0 for a finalized file)."""
    assessments = list(assessments)
    leaves = criteria_appraisable_by(user, Criterion.objects.filter(framework=framework_id))
    wanted = leaves.count()
    done = dict(LeafScore.objects.filter(assessment__in=assessments, criterion__in=leaves).exclude(pending_q())
                .values_list("assessment_id").annotate(n=Count("id")))
    return {a.pk: (wanted - done.get(a.pk, 0) if a.status in workflow.APPRAISABLE else 0) for a in assessments}


def criteria_left(cycle, criteria) -> dict:
    """criterion id -> open files of the cycle where that leaf is still pending."""
    criteria = list(criteria)
    open_files = Assessment.objects.filter(cycle=cycle, status__in=workflow.APPRAISABLE)
    total = open_files.count()
    done = dict(LeafScore.objects.filter(assessment__in=open_files, criterion__in=criteria).exclude(pending_q())
                .values_list("criterion_id").annotate(n=Count("id")))
    return {criterion.pk: total - done.get(criterion.pk, 0) for criterion in criteria}


def finalizable_count(cycle) -> int:
    """How many files of the cycle 'finalize all complete units' would close now."""
    leaves = scored_leaves_of(cycle.framework_id)
    wanted = leaves.count()
    sources = workflow.TRANSITIONS["finalize"][0]
    files = Assessment.objects.filter(cycle=cycle, status__in=sources)
    if not wanted:
        return files.count()
    counts = (LeafScore.objects.filter(assessment__in=files, criterion__in=leaves)
              .filter(Q(final_score__isnull=False) | Q(not_applicable=True))
              .values("assessment_id").annotate(n=Count("id")).filter(n=wanted))
    return counts.count()


# --- Rows: one leaf of one unit ----------------------------------------------------------------------------------


@dataclass
class LeafRow:
    """Everything the board weighs for one leaf of one unit, and whether `user` may decide it now."""

    assessment: Assessment
    criterion: Criterion
    score: LeafScore | None
    evidence: list
    previous: dict | None  # last year's {"final_score", "not_applicable"} for the same unit and criterion code
    can_decide: bool
    blocked: str  # why not, when the user is on the board but the file's state forbids it
    round: int

    @property
    def version(self):
        return self.score.version if self.score else 0

    @property
    def pending(self):
        return is_pending(self.score, self.assessment.status)

    @property
    def inputs(self):
        return input_rows(self.score.self_inputs if self.score else {})

    @property
    def self_score(self):
        return points(self.score.self_score) if self.score else None

    @property
    def appraised_score(self):
        return points(self.score.appraised_score) if self.score else None

    @property
    def second_score(self):
        return points(self.score.second_score) if self.score else None

    @property
    def final_score(self):
        return points(self.score.final_score) if self.score else None

    @property
    def previous_score(self):
        return points(self.previous["final_score"]) if self.previous else None

    @property
    def max_points(self):
        return points(self.criterion.max_points)

    @property
    def may_ask(self):
        return self.assessment.status in workflow.TRANSITIONS["request_explanation"][0]

    @property
    def anchor(self):
        return f"leaf-{self.assessment.pk}-{self.criterion.pk}"


def input_rows(inputs):
    """The unit's entries as (label, text) pairs, numbers with a decimal comma."""
    rows = []
    for key, value in (inputs or {}).items():
        rows.append((INPUT_LABELS.get(key, key), _number_text(value)))
    return rows


def _number_text(value):
    try:
        return str(points(Decimal(str(value)))).replace(".", ",")
    except (InvalidOperation, ValueError):
        return str(value)


def unit_rows(user, assessment, criteria) -> list[LeafRow]:
    """One file's leaves (a page of `criteria`), each with its evidence and last year's score."""
    criteria = list(criteria)
    scores = {s.criterion_id: s for s in LeafScore.objects.filter(assessment=assessment, criterion__in=criteria)}
    by_pk = {criterion.pk: criterion for criterion in criteria}
    for score in scores.values():
        score.criterion = by_pk[score.criterion_id]  # the evidence window is the leaf's: no query per row
    evidence = evidence_by_leaf(scores.values(), assessment.cycle.year)
    previous = previous_scores(assessment.cycle, [c.code for c in criteria], [assessment.unit_id])
    return [_row(user, assessment, criterion, scores.get(criterion.pk), evidence,
                 previous.get((assessment.unit_id, criterion.code))) for criterion in criteria]


def criterion_rows(user, cycle, criterion, assessments) -> list[LeafRow]:
    """One leaf across the units of a page of `assessments`, side by side."""
    assessments = list(assessments)
    scores = {s.assessment_id: s for s in LeafScore.objects.filter(criterion=criterion, assessment__in=assessments)}
    for score in scores.values():
        score.criterion = criterion
    evidence = evidence_by_leaf(scores.values(), cycle.year)
    previous = previous_scores(cycle, [criterion.code], [a.unit_id for a in assessments])
    for assessment in assessments:
        assessment.cycle = cycle  # the rows read the cycle's year and deadlines: no query per row
    return [_row(user, assessment, criterion, scores.get(assessment.pk), evidence,
                 previous.get((assessment.unit_id, criterion.code))) for assessment in assessments]


def leaf_row(user, assessment, criterion) -> LeafRow:
    return unit_rows(user, assessment, [criterion])[0]


def _row(user, assessment, criterion, score, evidence, previous):
    permit = workflow.appraisal_permit(assessment.status)
    may = may_appraise_criterion(user, criterion)
    number = workflow.appraisal_round(assessment.status, explanation_round=assessment.explanation_round)
    if score is not None and score.second_score is not None:
        number = 2
    return LeafRow(assessment, criterion, score, evidence.get(score.pk, []) if score else [], previous,
                   can_decide=bool(may and permit), blocked="" if permit else permit.reason, round=number)


def evidence_by_leaf(scores, year) -> dict:
    """leaf score id -> its documents, each with its download link and a flag when dated outside its leaf's window
    (Criterion.evidence_window: the assessment year unless the framework opens it earlier)."""
    found = defaultdict(list)
    windows = {score.pk: score.criterion.evidence_window(year) for score in scores}
    for item in Evidence.objects.filter(leaf_score__in=list(windows)).select_related("file").order_by("added_at", "id"):
        start, end = windows[item.leaf_score_id]
        found[item.leaf_score_id].append({
            "item": item, "url": evidence_url(item.pk),
            "out_of_year": item.issue_date is not None and not start <= item.issue_date <= end,
        })
    return found


def evidence_url(pk):
    """The evidence helper's download route, when it is installed."""
    try:
        return reverse("scoring:evidence_download", kwargs={"pk": pk})
    except NoReverseMatch:
        return None


def previous_scores(cycle, codes, unit_ids) -> dict:
    """(unit id, criterion code) -> last year's official score of the same block and index, in one query."""
    rows = (LeafScore.objects.filter(assessment__cycle__year=cycle.year - 1, assessment__cycle__block=cycle.block_id,
                                     assessment__cycle__index_code=cycle.index_code,
                                     criterion__code__in=codes, assessment__unit__in=unit_ids)
            .values("assessment__unit_id", "criterion__code", "final_score", "not_applicable"))
    return {(row["assessment__unit_id"], row["criterion__code"]): row for row in rows}


def explanation_rows(assessment):
    """The leaves the board asked about, in framework order."""
    return (LeafScore.objects.filter(assessment=assessment).exclude(explanation_question="")
            .select_related("criterion").order_by("criterion__position"))


def explanation_permit(assessment, today):
    return workflow.explanation_permit(assessment.status, today=today, asked=True,
                                       deadline=assessment.cycle.explanation_deadline)


# --- The leaf page's boxes ---------------------------------------------------------------------------------------


@dataclass
class LeafHistory:
    """The audited changes of one leaf (newest first) and its scores side by side ("explain my score")."""

    entries: list
    rounds: list
    leaf_score: LeafScore

    def __iter__(self):
        return iter(self.entries)

    def __len__(self):
        return len(self.entries)


HISTORY_LIMIT = 200


def leaf_history(leaf_score) -> LeafHistory:
    """The audited changes of one leaf, newest first, and its self-score beside each appraisal round."""
    # Documents are audited under the leaf too (services/evidence.py), so one removed since still shows here.
    entries = (AuditEntry.objects.filter(entity="leaf_score", entity_id=leaf_score.pk)
               .select_related("actor").order_by("-created_at", "-id")[:HISTORY_LIMIT])
    rows = [_history_entry(entry) for entry in entries]
    _share_reasons(rows, entries)
    return LeafHistory(rows, explain_rounds(leaf_score), leaf_score)


def _share_reasons(rows, entries):
    """A decision's reason is stored once, on its first entry (services/appraisal.py): the history shows it beside
    every entry the decision wrote, which are the same actor's, from the same source, within a second."""
    for row, entry in zip(rows, entries):
        if row["reason"]:
            continue
        for other in entries:
            if (other.reason and other.actor_id == entry.actor_id and other.source == entry.source
                    and abs((other.created_at - entry.created_at).total_seconds()) < 1
                    and other.field not in ("appraisal_reason", "second_reason")):
                row["reason"] = other.reason
                break


def _history_entry(entry):
    source = AuditSource(entry.source).label if entry.source in AuditSource.values else entry.source
    return {"at": entry.created_at, "actor": _actor(entry.actor), "source": source, "source_code": entry.source,
            "field": field_label(entry.field),
            "old": value_text(entry.field, entry.old_value), "new": value_text(entry.field, entry.new_value),
            "reason": entry.reason}


def _actor(user):
    if user is None:
        return _("Hệ thống")
    return user.get_full_name() or user.username


OTHER_LABELS = {"file": gettext_lazy("Tài liệu kiểm chứng"), "evidence": gettext_lazy("Tài liệu kiểm chứng")}


def field_label(name):
    if name in OTHER_LABELS:
        return str(OTHER_LABELS[name])
    try:
        return str(LeafScore._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:  # a name another part audits under (evidence...): shown as written
        return name


def value_text(name, value):
    """An audited value as a reader expects it: yes/no, numbers with a comma, a dash for nothing."""
    if value == "":
        return "—"
    if value in ("true", "false"):
        return _("Có") if value == "true" else _("Không")
    try:
        internal = LeafScore._meta.get_field(name).get_internal_type()
    except FieldDoesNotExist:
        return value
    if internal == "JSONField":
        return _json_inputs_text(value)
    return _number_text(value) if internal == "DecimalField" else value


def _json_inputs_text(value):
    try:
        inputs = json.loads(value)
    except ValueError:
        return value
    return inputs_text(inputs) if isinstance(inputs, dict) else value


def inputs_text(inputs) -> str:
    """A unit's entries in words, as the history shows them: "Chọn: Ban hành đúng hạn", "Tử số 18 / mẫu số 20"."""
    parts, rest = [], dict(inputs)
    if "choice" in rest:
        parts.append(_("Chọn: %(choice)s") % {"choice": rest.pop("choice")})
    if "numerator" in rest or "denominator" in rest:
        parts.append(_("Tử số %(numerator)s / mẫu số %(denominator)s") % {
            "numerator": _number_text(rest.pop("numerator", "—")),
            "denominator": _number_text(rest.pop("denominator", "—"))})
    if "occurrences" in rest:
        parts.append(_("Số lần vi phạm: %(count)s") % {"count": _number_text(rest.pop("occurrences"))})
    if "value" in rest:
        parts.append(_("Điểm nhập: %(value)s") % {"value": _number_text(rest.pop("value"))})
    parts += [f"{INPUT_LABELS.get(key, key)}: {_number_text(value)}" for key, value in rest.items()]
    return "; ".join(parts) or "—"


def explain_rounds(score):
    """The self-score and each round side by side, with their reasons; the official score last."""
    return [
        {"label": _("Tự đánh giá"), "score": points(score.self_score), "not_applicable": score.self_not_applicable,
         "reason": score.self_not_applicable_reason if score.self_not_applicable else score.explanation},
        {"label": _("Thẩm định vòng 1"), "score": points(score.appraised_score), "not_applicable": False,
         "reason": score.appraisal_reason},
        {"label": _("Thẩm định vòng 2"), "score": points(score.second_score), "not_applicable": False,
         "reason": score.second_reason},
        {"label": _("Điểm chính thức"), "score": points(score.final_score), "not_applicable": score.not_applicable,
         "reason": "", "official": True},
    ]


def leaf_appraisal(user, leaf_score) -> dict:
    """The board's box on the leaf page: round-1 and round-2 decisions, the question asked, the unit's answer, and
    the form when `user` may appraise this leaf now."""
    assessment = leaf_score.assessment
    row = _row(user, assessment, leaf_score.criterion, leaf_score,
               evidence={}, previous=None)
    may_answer = may_act_on_assessment(user, assessment, "explain") and bool(workflow.explanation_permit(
        assessment.status, today=timezone.localdate(), deadline=assessment.cycle.explanation_deadline,
        asked=bool(leaf_score.explanation_question)))
    return {
        "leaf_score": leaf_score, "row": row, "can_appraise": row.can_decide,
        "templates": list(reason_templates_for(user)) if row.can_decide else [],
        "rounds": explain_rounds(leaf_score), "is_board": is_board_member(user),
        "explanation_url": reverse("scoring:explanation_list", kwargs={"pk": assessment.pk}) if may_answer else "",
    }
