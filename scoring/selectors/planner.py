"""Reads of the improvement planner (issue 6): one unit's plan (its distances to the next grade and to higher ranks,
the leaves where it lost points, what peers scored there), what-if results, and the province's analyses (criteria
where most units lose points, self-score against appraised score, appraisers' adjustments).

Every figure comes from the engine's rows (UnitResult) and the leaf scores, read set-based: a plan costs the same
few queries whatever the size of the framework or the block; the arithmetic is scoring/planning.py's."""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from .. import planning
from ..computation import APPRAISED, BONUS, PENALTY, SURVEY, ZERO, LeafInput, RankEntry, ScoringRules
from ..computation import GradeTier as TierRule
from ..models import Cycle, LeafScore, Scenario, UnitResult
from ..models.indices import PAR
from ..rules import quantize_points

POINTS_FIELD = DecimalField(max_digits=12, decimal_places=3)
HISTORY_YEARS = 5  # the province page compares the chosen year with up to four before it
SELF_SCORED = (APPRAISED, BONUS)  # leaves a unit self-scores in points gained (a penalty's claim runs the other way)


@dataclass(frozen=True)
class PlannerLeaf:
    """A leaf where the unit can still gain points, with what the block's other units scored there."""

    code: str
    title: str
    area_code: str
    method: str
    max_points: Decimal
    score: Decimal | None  # the official score; None = not appraised yet (counts 0)
    self_score: Decimal | None
    recoverable: Decimal
    peer_average: Decimal | None  # over the peers with a score (penalty: the deduction, unclaimed = 0)
    peer_full: int  # peers with full marks (penalty: with no deduction)
    peer_count: int  # peers the leaf applies to


@dataclass(frozen=True)
class UnitPlan:
    unit: object
    year: int
    stored: UnitResult  # the engine's row
    rules: ScoringRules
    leaves: tuple[LeafInput, ...]  # every leaf of the framework, official scores
    all_rows: tuple[PlannerLeaf, ...]  # every applicable leaf, most points to recover first
    current: object  # computation.UnitResult recomputed from `leaves`: the what-if's starting point
    rank: int | None
    ranked_count: int  # ranked units of the unit's group with an index, itself included
    peers: tuple[RankEntry, ...]  # the block's other units as the engine ranked them
    peer_names: dict  # unit id -> name, for the units a goal names
    grade_labels: dict  # tier code -> label
    area_titles: dict  # area code -> title
    max_survey: Decimal
    grade_goal: planning.GradeGoal | None
    above_goal: planning.RankGoal | None
    places_goal: planning.RankGoal | None
    places: int

    @property
    def table(self):
        """The leaves where the unit can recover points (bonus leaves are capped claims, not lost points)."""
        return tuple(leaf for leaf in self.all_rows if leaf.method != BONUS and leaf.recoverable > 0)

    @property
    def stale(self):
        """Scores changed since the last results run: the page says the published figures will follow."""
        return (self.current.total, self.current.index, self.current.grade or "") != (
            self.stored.total, self.stored.index, self.stored.grade)

    @property
    def ranked(self):
        return self.stored.ranked

    @property
    def scale(self):
        """The scale its index is shown on (index_scale.py): the index of the framework it was computed on."""
        return self.stored.framework.index.scale

    def what_if(self, changes) -> planning.WhatIf:
        return planning.what_if(self.leaves, changes, self.rules, peers=self.peers, key=self.unit.pk,
                                group=self.stored.group, ranked=self.stored.ranked)


# --- One unit ---------------------------------------------------------------------------------------------------


def unit_plan_years(unit, index_code=PAR):
    """The years the unit has a result in the index, newest first."""
    return list(UnitResult.objects.filter(unit=unit, index_code=index_code).order_by("-year")
                .values_list("year", flat=True))


def unit_plan(unit, year, *, places=5, index_code=PAR) -> UnitPlan | None:
    """The unit's plan for `year` in an index, from its result row; None when the engine has not computed it."""
    stored = (UnitResult.objects.select_related("framework__index")
              .filter(unit=unit, year=year, index_code=index_code).first())
    if stored is None:
        return None
    framework = stored.framework
    cycle = Cycle.objects.filter(year=year, block=stored.block_id, index_code=index_code).first()
    tiers = list(framework.grades.order_by("position").values_list(
        "code", "label", "min_index", "min_area_index", "min_survey_index", "max_penalty"))
    rules = ScoringRules(precision=framework.precision, bonus_cap=framework.bonus_cap,
                         penalty_cap=framework.penalty_cap, clamp_total=framework.clamp_total,
                         grades=tuple(TierRule(code, *limits) for code, _label, *limits in tiers),
                         survey_held=_survey_held(cycle))
    criteria = list(framework.criteria.exclude(method="").order_by("position").values_list(
        "pk", "code", "title", "area_code", "method", "max_points"))
    own = _own_scores(cycle, unit)
    leaves = tuple(_leaf_input(criterion, own) for criterion in criteria)
    peers, names = _block_peers(stored)
    return _plan(unit, year, stored, rules, leaves, peers, names, places, tiers=tiers,
                 all_rows=_leaf_rows(criteria, own, _peer_stats(cycle, framework, unit), rules.survey_held),
                 area_titles=dict(framework.criteria.filter(depth=0).values_list("area_code", "title")))


def _plan(unit, year, stored, rules, leaves, peers, names, places, *, tiers, all_rows, area_titles):
    current = planning.unit_result(leaves, rules)
    key, group, precision = unit.pk, stored.group, rules.precision
    max_survey = planning.survey_max(leaves, rules)
    ranked = stored.ranked and current.index is not None
    others = planning.competitors(peers, key=key, group=group)
    return UnitPlan(
        unit=unit, year=year, stored=stored, rules=rules, leaves=leaves, all_rows=all_rows, current=current,
        rank=planning.rank_with(current.index, peers, key=key, group=group, ranked=stored.ranked),
        ranked_count=len(others) + 1 if ranked else 0, peers=tuple(peers), peer_names=names,
        grade_labels={code: label for code, label, *_limits in tiers}, area_titles=area_titles,
        max_survey=max_survey,
        grade_goal=planning.next_grade_goal(current, rules.grades, precision, max_survey=max_survey),
        above_goal=planning.pass_above_goal(current, peers, key=key, group=group, precision=precision)
        if ranked else None,
        places_goal=planning.places_goal(current, peers, key=key, group=group, places=places, precision=precision)
        if ranked else None,
        places=places,
    )


def _leaf_input(criterion, own):
    # A leaf without a score row counts 0 and leaves the result incomplete, as in the engine (rule 3).
    pk, code, _title, area, method, maximum = criterion
    final, _self_score, not_applicable = own.get(pk, (None, None, False))
    return LeafInput(code, area, method, maximum, final, not_applicable)


def _survey_held(cycle):
    """As the engine reads it: the cycle says whether its survey is held (rule 14)."""
    return cycle is not None and cycle.survey_held


def _own_scores(cycle, unit):
    """{criterion id: (final score, self-score, not applicable)} of the unit's file."""
    if cycle is None:
        return {}
    rows = LeafScore.objects.filter(assessment__cycle=cycle, assessment__unit=unit).values_list(
        "criterion_id", "final_score", "self_score", "not_applicable")
    return {pk: (final, own, not_applicable) for pk, final, own, not_applicable in rows}


def _block_peers(stored):
    """The block's other results of the year as rank entries, and their units' names."""
    rows = (UnitResult.objects.filter(year=stored.year, block=stored.block_id, index_code=stored.index_code)
            .exclude(unit=stored.unit_id)
            .values_list("unit_id", "index", "ranked", "group", "unit__name"))
    peers, names = [], {}
    for unit_id, index, ranked, group, name in rows:
        peers.append(RankEntry(unit_id, index, ranked, group))
        names[unit_id] = name
    return peers, names


def _peer_stats(cycle, framework, unit):
    """{criterion id: (scored peers, Σ scores, peers at full marks, applicable peers, peers without a score or
    with 0)} over the cycle's other files, in one GROUP BY."""
    if cycle is None:
        return {}
    rows = (LeafScore.objects.filter(assessment__cycle=cycle, criterion__framework=framework, not_applicable=False)
            .exclude(assessment__unit=unit).values("criterion_id").order_by()
            .annotate(scored=Count("final_score"), points=Sum("final_score"),
                      full=Count("pk", filter=Q(final_score=F("criterion__max_points"))), applicable=Count("pk"),
                      clean=Count("pk", filter=Q(final_score__isnull=True) | Q(final_score=0))))
    return {row["criterion_id"]: row for row in rows}


def _leaf_rows(criteria, own, stats, survey_held=True):
    """Every leaf that applies to the unit with what it could still bring and what peers scored, most points to
    recover first (framework order among equals). Without a survey its leaves are out of the maximum (rule 6), so
    out of the points to recover too, as on the scorecard."""
    rows = []
    for pk, code, title, area, method, maximum in criteria:
        final, self_score, not_applicable = own.get(pk, (None, None, False))
        if not not_applicable and (survey_held or method != SURVEY):
            points = planning.recoverable(LeafInput(code, area, method, maximum, final))
            rows.append(PlannerLeaf(code, title, area, method, maximum, final, self_score, points,
                                    *_peer_figures(method, stats.get(pk))))
    return tuple(sorted(rows, key=lambda leaf: -leaf.recoverable))


def _peer_figures(method, row):
    if row is None:
        return None, 0, 0
    points = row["points"] or ZERO
    if method == PENALTY:  # an unclaimed penalty is no deduction: every applicable peer counts
        average = quantize_points(Decimal(points) / row["applicable"])
        return average, row["clean"], row["applicable"]
    average = quantize_points(Decimal(points) / row["scored"]) if row["scored"] else None
    return average, row["full"], row["applicable"]


# --- Scenarios --------------------------------------------------------------------------------------------------


def unit_scenarios(scenarios, unit, year, index_code=PAR):
    """The saved scenarios of the unit, year and index among `scenarios` (permissions.scenarios_visible_to)."""
    return (scenarios.filter(unit=unit, year=year, index_code=index_code).select_related("created_by")
            .order_by("-created_at", "-pk"))


def scenario_find(scenarios, pk, unit, year, index_code=PAR) -> Scenario | None:
    if not str(pk).isdigit():
        return None
    return scenarios.filter(pk=pk, unit=unit, year=year, index_code=index_code).first()


# --- The province ------------------------------------------------------------------------------------------------


def province_years(block, index_code=PAR):
    return list(UnitResult.objects.filter(block=block, index_code=index_code).order_by("-year")
                .values_list("year", flat=True).distinct())


def province_framework(year, block, index_code=PAR):
    """The framework the block's results of `year` in the index were computed on (else the cycle's)."""
    stored = (UnitResult.objects.filter(year=year, block=block, index_code=index_code).select_related("framework")
              .first())
    if stored:
        return stored.framework
    cycle = Cycle.objects.filter(year=year, block=block, index_code=index_code).select_related("framework").first()
    return cycle.framework if cycle else None


def training_needs(framework):
    """Appraised leaves by how many units lost points there, then by points lost: where to train. Survey leaves
    are the respondents' perception, not a task a unit can be trained for, and nobody scores them in full: they
    would crowd the top of the list, so they are left to the unit's own plan.

    A leaf not appraised yet counts as all lost (it counts 0, rule 3); N/A leaves are left out (rule 2)."""
    applies = Q(scores__not_applicable=False)
    lost = ExpressionWrapper(F("max_points") - Coalesce("scores__final_score", Value(ZERO, output_field=POINTS_FIELD)),
                             output_field=POINTS_FIELD)
    below = applies & (Q(scores__final_score__lt=F("max_points")) | Q(scores__final_score__isnull=True))
    return (framework.criteria.filter(method=APPRAISED)
            .annotate(units=Count("scores", filter=applies), units_below=Count("scores", filter=below),
                      points_lost=Sum(lost, filter=applies, default=ZERO))
            .filter(units__gt=0).order_by("-units_below", "-points_lost", "position"))


def self_gap_units(year, block, index_code=PAR):
    """The block's results of `year` in the index by self-assessed total minus official total, largest over-claim
    first."""
    gap = ExpressionWrapper(F("self_total") - F("total"), output_field=POINTS_FIELD)
    return (UnitResult.objects.filter(year=year, block=block, index_code=index_code, self_total__isnull=False)
            .select_related("unit").annotate(gap=gap).order_by("-gap", "unit__code"))


def self_gap_history(unit_ids, years, index_code=PAR):
    """{unit id: {year: self_total − total}} over `years` in the index, in one query."""
    history = {}
    for unit_id, year, own, total in (UnitResult.objects.filter(unit__in=unit_ids, year__in=years,
                                                                index_code=index_code)
                                      .exclude(self_total=None).values_list("unit_id", "year", "self_total",
                                                                            "total")):
        history.setdefault(unit_id, {})[year] = own - total
    return history


def _claimed_scores():
    """Leaf scores with both a self-score and an official score on a leaf that both sides call applicable."""
    return Q(scores__self_score__isnull=False, scores__final_score__isnull=False, scores__not_applicable=False,
             scores__self_not_applicable=False)


def self_gap_criteria(framework):
    """The framework's self-scored leaves by Σ (self-score − official score) over the units: most over-claimed
    first, with how many units claimed more than they got."""
    claimed = _claimed_scores()
    gap = ExpressionWrapper(F("scores__self_score") - F("scores__final_score"), output_field=POINTS_FIELD)
    return (framework.criteria.filter(method__in=SELF_SCORED)
            .annotate(gap=Sum(gap, filter=claimed, default=ZERO),
                      over=Count("scores", filter=claimed & Q(scores__self_score__gt=F("scores__final_score"))),
                      claimed=Count("scores", filter=claimed))
            .filter(claimed__gt=0).order_by("-gap", "position"))


def self_gap_criteria_history(block, codes, years, index_code=PAR):
    """{criterion code: {year: Σ (self − official)}} of the block's files over `years`, matched by code (the
    framework of each year has its own criteria)."""
    gap = ExpressionWrapper(F("self_score") - F("final_score"), output_field=POINTS_FIELD)
    rows = (LeafScore.objects.filter(assessment__cycle__block=block, assessment__cycle__year__in=years,
                                     assessment__cycle__index_code=index_code, criterion__code__in=codes,
                                     criterion__method__in=SELF_SCORED,
                                     self_score__isnull=False, final_score__isnull=False, not_applicable=False,
                                     self_not_applicable=False)
            .values("criterion__code", "assessment__cycle__year").order_by().annotate(gap=Sum(gap)))
    history = {}
    for row in rows:
        history.setdefault(row["criterion__code"], {})[row["assessment__cycle__year"]] = quantize_points(
            Decimal(row["gap"]))
    return history


def appraiser_statistics(year, block, index_code=PAR):
    """Per appraiser (None: scores brought by a file import, no appraiser recorded), over the year's self-scored
    leaves with both scores: leaves decided, leaves changed, average change (official − self) over the changed
    ones, points cut and points added."""
    change = ExpressionWrapper(F("final_score") - F("self_score"), output_field=POINTS_FIELD)
    changed = ~Q(final_score=F("self_score"))
    return (LeafScore.objects.filter(assessment__cycle__year=year, assessment__cycle__block=block,
                                     assessment__cycle__index_code=index_code, criterion__method__in=SELF_SCORED,
                                     self_score__isnull=False,
                                     final_score__isnull=False)
            .values("appraised_by", "appraised_by__username", "appraised_by__first_name",
                    "appraised_by__last_name", "appraised_by__agency__name")
            .annotate(leaves=Count("pk"), changed=Count("pk", filter=changed),
                      change_sum=Sum(change, filter=changed, default=ZERO),
                      cut=Sum(-change, filter=Q(final_score__lt=F("self_score")), default=ZERO),
                      added=Sum(change, filter=Q(final_score__gt=F("self_score")), default=ZERO))
            .order_by("-leaves", "appraised_by"))


def appraiser_row(row):
    """An appraiser's statistics as the page shows them: name, share changed, average change."""
    names = (row["appraised_by__last_name"] or "", row["appraised_by__first_name"] or "")
    changed = row["changed"]
    return {
        "name": " ".join(part for part in names if part) or row["appraised_by__username"],
        "agency": row["appraised_by__agency__name"], "known": row["appraised_by"] is not None,
        "leaves": row["leaves"], "changed": changed,
        "share": (Decimal(changed) * 100 / row["leaves"]).quantize(Decimal("0.1")) if row["leaves"] else None,
        "average": quantize_points(Decimal(row["change_sum"]) / changed) if changed else None,
        "cut": quantize_points(Decimal(row["cut"])), "added": quantize_points(Decimal(row["added"])),
    }


def history_years(years, year):
    """The chosen year and up to four years before it that have results, oldest first."""
    return sorted(y for y in years if y <= year)[-HISTORY_YEARS:]


def criteria_lost_rows(page):
    """Training-need rows with the average points lost per unit below full marks."""
    return [{"criterion": criterion, "points_lost": quantize_points(Decimal(criterion.points_lost)),
             "average_lost": quantize_points(Decimal(criterion.points_lost) / criterion.units_below)
             if criterion.units_below else ZERO}
            for criterion in page]
