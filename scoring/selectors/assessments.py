"""Reads of the yearly cycle (issue 3): cycles with their figures, a cycle's assessments, a unit's to-do list, its
progress, and the home page's deadlines and to-do.

What "scored", "evidence missing" and "explanation asked" mean is written once, as the Q conditions below: the
to-do rows, the progress figures and the submission check (services/self_assessment.py) all count with them, so
the figure on a page is always the sum of the flags it shows.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from ..framework_display import TreeRow
from ..models import (Assessment, AssessmentStatus, AssessmentStatus as S, Criterion, Cycle, DeadlineKind, Evidence,
                      Framework, LeafScore, Method, Notice, Publication, Reminder, Role, RosterEntry, Unit)
from ..permissions import assessments_visible_to, criteria_appraisable_by, cycles_visible_to, is_manager
from . import criteria_tree, framework_spec

# --- What a leaf still needs ----------------------------------------------------------------------------------

SELF_SCORED = Q(criterion__method=Method.APPRAISED)  # leaves a unit must score before submitting
SCORED = Q(self_score__isnull=False) | Q(self_not_applicable=True)
NEEDS_SCORE = SELF_SCORED & Q(self_score__isnull=True, self_not_applicable=False)
HAS_EVIDENCE = Exists(Evidence.objects.filter(leaf_score=OuterRef("pk")))
# An item scored above 0 without the evidence its criterion requires needs a written explanation instead.
NEEDS_EVIDENCE = Q(criterion__evidence_required=True, self_score__gt=0, explanation="") & ~Q(HAS_EVIDENCE)
EXPLANATION_ASKED = Q(explanation_question__gt="", explanation_answer="")
BLOCKS_SUBMISSION = NEEDS_SCORE | NEEDS_EVIDENCE


def _flag(condition):
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


@dataclass(frozen=True)
class Progress:
    """How far a unit's self-assessment is: leaves scored (or claimed N/A) out of the leaves it must score."""

    scorable: int = 0
    scored: int = 0
    evidence_missing: int = 0
    explanations_asked: int = 0
    bonus_claimed: Decimal = Decimal(0)
    penalty_claimed: Decimal = Decimal(0)

    @property
    def percent(self) -> int:
        # Rounded down: 149 of 150 must not read 100%.
        return self.scored * 100 // self.scorable if self.scorable else 100

    @property
    def unscored(self) -> int:
        return self.scorable - self.scored

    @property
    def complete(self) -> bool:
        return self.scored == self.scorable and not self.evidence_missing


def assessment_progress(assessment_ids) -> dict[int, Progress]:
    """{assessment id: Progress} for the given assessments, in one grouped query."""
    rows = (LeafScore.objects.filter(assessment__in=list(assessment_ids)).order_by().values("assessment_id")
            .annotate(scorable=Count("pk", filter=SELF_SCORED), scored=Count("pk", filter=SELF_SCORED & SCORED),
                      evidence_missing=Count("pk", filter=NEEDS_EVIDENCE),
                      explanations_asked=Count("pk", filter=EXPLANATION_ASKED),
                      bonus_claimed=Sum("self_score", filter=Q(criterion__method=Method.BONUS)),
                      penalty_claimed=Sum("self_score", filter=Q(criterion__method=Method.PENALTY))))
    return {row.pop("assessment_id"): Progress(**{**row, "bonus_claimed": row["bonus_claimed"] or Decimal(0),
                                                  "penalty_claimed": row["penalty_claimed"] or Decimal(0)})
            for row in rows}


def progress_of(assessment) -> Progress:
    return assessment_progress([assessment.pk]).get(assessment.pk, Progress())


def leaf_scores_with_flags(leaf_scores):
    """Leaf scores with their evidence count and what each still needs, as the to-do list shows them."""
    return leaf_scores.select_related("criterion").annotate(
        evidence_count=Count("evidence"), needs_score=_flag(NEEDS_SCORE), needs_evidence=_flag(NEEDS_EVIDENCE),
        explanation_asked=_flag(EXPLANATION_ASKED))


def submission_blockers(assessment):
    """The leaves that keep `assessment` from being submitted, in framework order, flagged as above."""
    scores = LeafScore.objects.filter(assessment=assessment).filter(BLOCKS_SUBMISSION)
    return list(leaf_scores_with_flags(scores).order_by("criterion__position"))


def missing_labels(score) -> list[str]:
    """What the to-do list says a leaf still needs."""
    labels = []
    if score.needs_score:
        labels.append(_("chưa chấm"))
    if score.needs_evidence:
        labels.append(_("thiếu tài liệu kiểm chứng"))
    if score.explanation_asked:
        labels.append(_("cần giải trình"))
    return labels


# --- Cycles ----------------------------------------------------------------------------------------------------


def cycles_with_figures(user):
    """The cycles `user` may see with their numbers of assessments by stage (of the assessments they may see)."""
    visible = Q(assessments__in=assessments_visible_to(user).values("pk"))
    return cycles_visible_to(user).annotate(
        assessment_count=Count("assessments", filter=visible),
        draft_count=Count("assessments", filter=visible & Q(assessments__status=S.DRAFT)),
        appraised_count=Count("assessments", filter=visible & Q(assessments__status=S.APPRAISED)),
    ).order_by("-year", "block__position", "block__code")


def cycle_assessments(user, cycle, *, status="", q=""):
    """The assessments of `cycle` that `user` may see, filtered by status and by unit code or name."""
    assessments = (assessments_visible_to(user).filter(cycle=cycle).select_related("submitted_by")
                   .order_by("unit__code"))
    if status in S.values:
        assessments = assessments.filter(status=status)
    if q:
        assessments = assessments.filter(Q(unit__code__icontains=q) | Q(unit__name__icontains=q))
    return assessments


def cycle_status_counts(user, cycle) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, for the filter of the cycle page."""
    counts = dict(assessments_visible_to(user).filter(cycle=cycle).order_by().values_list("status")
                  .annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in S.choices]


def with_progress(assessments):
    """The given assessments (a page) with .progress set, in one query."""
    assessments = list(assessments)
    progress = assessment_progress(a.pk for a in assessments)
    for assessment in assessments:
        assessment.progress = progress.get(assessment.pk, Progress())
    return assessments


def latest_frameworks_without_cycle():
    """The current revision of each (index, year, block) that has no cycle yet: what a coordinator may open."""
    taken = Cycle.objects.filter(year=OuterRef("year"), block=OuterRef("block"), index_code=OuterRef("index__code"))
    return (Framework.objects.latest_revisions().filter(~Exists(taken)).select_related("block", "index")
            .annotate(leaf_count=Count("criteria", filter=~Q(criteria__method="")))
            .order_by("-year", "block__position", "block__code"))


# --- A unit's to-do list ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TodoRow:
    tree: TreeRow
    score: LeafScore | None  # None for an area or a criterion that is not a leaf
    missing: tuple[str, ...] = ()


def assessment_todo(assessment, *, only_missing=False, q="") -> list[TodoRow]:
    """The framework tree of the assessment's cycle, each leaf with its score, evidence count and what it needs.

    With only_missing, the leaves that still need something and their ancestors."""
    rows = criteria_tree(framework_spec(assessment.cycle.framework), q)
    scores = {s.criterion.code: s for s in leaf_scores_with_flags(LeafScore.objects.filter(assessment=assessment))}
    todo = [TodoRow(row, scores.get(row.code), tuple(missing_labels(scores[row.code])) if row.code in scores else ())
            for row in rows]
    if not only_missing:
        return todo
    wanted = {row.tree.code for row in todo if row.missing}
    wanted |= {code for row in todo if row.tree.code in wanted for code in row.tree.ancestors.split()}
    return [row for row in todo if row.tree.code in wanted]


def leaf_neighbours(leaf_score) -> tuple[LeafScore | None, LeafScore | None]:
    """The previous and next leaves of the same assessment, in framework order."""
    siblings = (LeafScore.objects.filter(assessment=leaf_score.assessment_id).select_related("criterion")
                .only("pk", "criterion__code", "criterion__title", "criterion__position"))
    position = leaf_score.criterion.position
    previous = siblings.filter(criterion__position__lt=position).order_by("-criterion__position").first()
    following = siblings.filter(criterion__position__gt=position).order_by("criterion__position").first()
    return previous, following


def claims_of_method(leaf_score, method) -> Decimal:
    """The unit's claims on the other leaves of `method` (bonus or penalty) in the same assessment."""
    total = (LeafScore.objects.filter(assessment=leaf_score.assessment_id, criterion__method=method)
             .exclude(pk=leaf_score.pk).aggregate(total=Sum("self_score"))["total"])
    return total or Decimal(0)


# --- Home: deadlines, reminders and to-do ----------------------------------------------------------------------

DEADLINES = (
    (DeadlineKind.SELF_ASSESSMENT, "self_assessment_deadline"),
    (DeadlineKind.APPRAISAL, "appraisal_deadline"),
    (DeadlineKind.EXPLANATION, "explanation_deadline"),
    (DeadlineKind.FINAL_APPRAISAL, "final_appraisal_deadline"),
)
UNIT_DEADLINES = (DeadlineKind.SELF_ASSESSMENT, DeadlineKind.EXPLANATION)
UNIT_WORK_STATUS = {DeadlineKind.SELF_ASSESSMENT: S.DRAFT, DeadlineKind.EXPLANATION: S.EXPLANATION_REQUESTED}
BOARD_DEADLINES = (DeadlineKind.APPRAISAL, DeadlineKind.FINAL_APPRAISAL)
WAITING_FOR_BOARD = (S.SUBMITTED, S.IN_APPRAISAL, S.EXPLANATION_SUBMITTED)
UPCOMING_DAYS = 60


@dataclass(frozen=True)
class UpcomingDeadline:
    cycle: Cycle
    kind: str
    label: str
    due_on: date
    days_left: int


def upcoming_deadlines(user, *, today: date, within_days=UPCOMING_DAYS) -> list[UpcomingDeadline]:
    """The deadlines of open cycles that concern `user`, from today on, soonest first."""
    kinds = UNIT_DEADLINES if user.is_unit_user else (BOARD_DEADLINES if user.role == Role.APPRAISER else
                                                       tuple(kind for kind, _field in DEADLINES))
    if user.role == Role.LEADER:
        return []
    # A unit is reminded of a deadline only while it still has work before it.
    own = (dict(assessments_visible_to(user).filter(cycle__is_open=True).values_list("cycle_id", "status"))
           if user.is_unit_user else {})
    found = []
    for cycle in cycles_visible_to(user).filter(is_open=True):
        for kind, field in DEADLINES:
            due = getattr(cycle, field)
            if (kind in kinds and due and today <= due <= today + timedelta(days=within_days)
                    and (not user.is_unit_user or own.get(cycle.pk) == UNIT_WORK_STATUS[kind])):
                found.append(UpcomingDeadline(cycle, kind, DeadlineKind(kind).label, due, (due - today).days))
    return sorted(found, key=lambda deadline: (deadline.due_on, deadline.cycle.pk))


def reminders_of(user, *, today: date):
    reminders = Reminder.objects.filter(user=user, due_on__gte=today)
    if user.is_unit_user:
        # Like the deadlines above: once the file is submitted (or the explanation sent), "còn 3 ngày" is no
        # longer the unit's business.
        still_due = Q(pk__in=[])
        for kind, status in UNIT_WORK_STATUS.items():
            still_due |= Q(deadline=kind, cycle__assessments__unit=user.unit_id, cycle__assessments__status=status)
        reminders = reminders.filter(still_due)
    return reminders.select_related("cycle__block").order_by("due_on")


def home_todo(user, *, today: date) -> dict:
    """The home page's box: deadlines, reminders, and the user's own work (a unit's open assessments with their
    progress; for the board, the assessments waiting for it)."""
    todo = {"deadlines": upcoming_deadlines(user, today=today), "reminders": list(reminders_of(user, today=today)[:10]),
            "own_assessments": [], "waiting_count": None, "waiting_by_cycle": [], "cycle_states": []}
    if user.is_unit_user:
        open_ones = assessments_visible_to(user).filter(cycle__is_open=True).order_by("-cycle__year")
        todo["own_assessments"] = with_progress(open_ones[:5])
    elif is_manager(user) or user.role == Role.APPRAISER:
        todo["waiting_count"] = waiting_for_board(user).count()
    if user.role == Role.APPRAISER:
        todo["waiting_by_cycle"] = leaves_waiting_by_cycle(user)
    if is_manager(user):
        todo["cycle_states"] = open_cycle_states(user, today=today)
    return todo


def leaves_waiting_by_cycle(user) -> list[dict]:
    """An appraiser's home: each open cycle with files handed in, and the leaves of the user's agency still waiting
    in it (selectors/appraisal.cycles_work: a fixed handful of queries whatever the number of cycles)."""
    from .appraisal import appraisal_cycles, cycles_work

    cycles = list(appraisal_cycles(cycles_visible_to(user).filter(is_open=True)).select_related("block"))
    work = cycles_work(user, cycles)
    return [{"cycle": cycle, "left": work[cycle.pk].left, "handed_in": work[cycle.pk].handed_in} for cycle in cycles]


@dataclass
class CycleState:
    """A coordinator's home: one open cycle's files by status, its units that have not submitted (late once the
    self-assessment deadline has passed) and where the explanation round stands."""
    cycle: Cycle
    by_status: list = field(default_factory=list)  # (status label, count), in the workflow's order
    not_submitted: int = 0
    late: bool = False
    agencies_done: int = 0
    agencies: int = 0


def open_cycle_states(user, *, today: date) -> list[CycleState]:
    """Every open cycle the user manages, in four queries whatever their number (cycles, files by status, roster
    units without a submitted file, agencies done with round 1 out of the agencies appraising the framework)."""
    cycles = list(cycles_visible_to(user).filter(is_open=True).select_related("block")
                  .order_by("-year", "block__position", "block__code"))
    states = {cycle.pk: CycleState(cycle) for cycle in cycles}
    counts = {}
    for cycle_id, status, n in (Assessment.objects.filter(cycle__in=cycles).values_list("cycle_id", "status")
                                .annotate(n=Count("id")).order_by()):
        counts[cycle_id, status] = n
    submitted = Assessment.objects.filter(cycle=OuterRef("cycle"), unit=OuterRef("unit")).exclude(status=S.DRAFT)
    missing = dict(RosterEntry.objects.filter(cycle__in=cycles).filter(~Exists(submitted))
                   .values_list("cycle_id").annotate(n=Count("id")).order_by())
    rounds = (Cycle.objects.filter(pk__in=[cycle.pk for cycle in cycles])
              .annotate(done=Count("agency_rounds", distinct=True),
                        total=Count("framework__criteria__agency", distinct=True,
                                    filter=~Q(framework__criteria__method="")))
              .values_list("pk", "done", "total"))
    for cycle_id, done, total in rounds:
        states[cycle_id].agencies_done, states[cycle_id].agencies = done, total
    for cycle in cycles:
        state = states[cycle.pk]
        state.by_status = [(label, counts[cycle.pk, status]) for status, label in S.choices
                           if counts.get((cycle.pk, status))]
        state.not_submitted = missing.get(cycle.pk, 0)
        deadline = cycle.self_assessment_deadline
        state.late = bool(state.not_submitted) and deadline is not None and today > deadline
    return [states[cycle.pk] for cycle in cycles]


def waiting_for_board(user):
    """Assessments of open cycles waiting for the board; an appraiser counts those with leaves of its agency."""
    waiting = assessments_visible_to(user).filter(cycle__is_open=True, status__in=WAITING_FOR_BOARD)
    if is_manager(user):
        return waiting
    mine = criteria_appraisable_by(user, Criterion.objects.filter(framework=OuterRef("cycle__framework")))
    return waiting.filter(Exists(mine))



def cycle_roster(cycle) -> dict:
    """The cycle's roster page (rules 13-14): the units taking part with their file's status and any late decision,
    the units that never submitted (in the roster, file still a draft), the block's units not in the roster, and
    whether the block's year is published (then nothing changes)."""
    entries = list(RosterEntry.objects.filter(cycle=cycle).select_related("unit").order_by("unit__code"))
    statuses = dict(Assessment.objects.filter(cycle=cycle).values_list("unit_id", "status"))
    rows = [{"entry": entry, "unit": entry.unit, "status": statuses.get(entry.unit_id),
             "status_label": AssessmentStatus(statuses[entry.unit_id]).label if entry.unit_id in statuses else ""}
            for entry in entries]
    late = [row for row in rows if row["status"] in (None, AssessmentStatus.DRAFT) or row["entry"].late_decision]
    on_roster = {entry.unit_id for entry in entries}
    others = Unit.objects.filter(block=cycle.block_id).exclude(pk__in=on_roster).order_by("code")
    deadline = cycle.self_assessment_deadline
    return {"rows": rows, "late": late, "others": list(others), "deadline_passed":
            deadline is None or timezone.localdate() > deadline,
            "published": Publication.objects.filter(year=cycle.year, block=cycle.block_id,
                                                    index_code=cycle.index_code).exists()}
def notices_of(user):
    """The user's notices (services/notices.py), newest first."""
    return Notice.objects.filter(user=user).order_by("-created_at", "-id")
