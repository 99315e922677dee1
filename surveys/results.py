"""The survey results page (reads): per rated unit its responses against the sample targets, the survey leaves'
points and SIPAS; per group and question the distribution of the answers, for the whole survey or one unit.

Every figure comes from a selector (one GROUP BY each) and the arithmetic from surveys/aggregation.py; only the
units of one page are read in detail, so the page costs the same for a province and for the whole country."""
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q

from scoring.models import Unit

from .aggregation import ELEMENTS, Satisfaction, SipasResult, percent
from .models import Element, Option, Question, RespondentGroup, Response, Survey
from .selectors import (SurveyLeaf, survey_distribution, survey_leaf_points, survey_leaves, survey_response_counts,
                        survey_sample_sizes, survey_sipas, survey_sipas_by_unit, survey_units)

PAGE_SIZE = 50


@dataclass(frozen=True)
class GroupProgress:
    group: RespondentGroup
    completed: int
    target: int | None  # None: no N entered for this unit and group

    @property
    def below_target(self) -> bool:
        return self.target is not None and self.completed < self.target


@dataclass(frozen=True)
class UnitResult:
    unit: Unit
    responses: int
    flagged: int
    progress: list[GroupProgress]
    points: list[tuple[Decimal | None, Decimal | None]]  # per survey leaf: (points, maximum); None: not scored
    sipas: Satisfaction

    @property
    def below_target(self) -> bool:
        return any(progress.below_target for progress in self.progress)


@dataclass(frozen=True)
class OptionBar:
    label: str
    weight: Decimal | None
    count: int
    share: Decimal | None  # percent of the question's answers, 2 decimals


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    total: int
    bars: list[OptionBar]


@dataclass(frozen=True)
class ResultsPage:
    survey: Survey
    groups: list[RespondentGroup]
    group: RespondentGroup | None
    unit: Unit | None
    unknown_unit: str  # a ?unit= code that names no rated unit
    responses: int
    flagged: int
    units_below_target: int
    leaves: list[SurveyLeaf] = field(default_factory=list)
    page: Page | None = None
    rows: list[UnitResult] = field(default_factory=list)
    sipas: list[tuple[str, Satisfaction]] = field(default_factory=list)  # per element
    sipas_overall: Satisfaction = Satisfaction()
    questions: list[tuple[RespondentGroup, list[QuestionResult]]] = field(default_factory=list)


def results_page(survey: Survey, *, unit_code="", group_code="", page_number=None) -> ResultsPage:
    groups = list(survey.groups.order_by("position", "code"))
    group = next((g for g in groups if g.code == group_code), None)
    units = survey_units(survey)
    unit = units.filter(code__iexact=unit_code).first() if unit_code else None
    totals = _totals(survey, unit, group)
    page = ResultsPage(survey, groups, group, unit, unit_code if unit_code and unit is None else "", **totals,
                       units_below_target=units_below_target(survey, group=group))
    if not totals["responses"]:
        return page
    return _filled(page, units.filter(pk=unit.pk) if unit else units, page_number)


def _filled(page, units, page_number):
    survey, group = page.survey, page.group
    leaves = survey_leaves(survey)
    paged = Paginator(units, PAGE_SIZE).get_page(page_number)
    sipas = survey_sipas(survey, unit=page.unit, group=group)
    return replace(page, leaves=leaves, page=paged, rows=unit_results(survey, list(paged), leaves, group=group),
                   sipas=sipas_rows(sipas), sipas_overall=sipas.overall,
                   questions=question_results(survey, unit=page.unit, group=group))


def _totals(survey, unit, group):
    responses = Response.objects.filter(survey=survey)
    if unit is not None:
        responses = responses.filter(unit=unit)
    if group is not None:
        responses = responses.filter(group=group)
    return responses.aggregate(responses=Count("pk"), flagged=Count("pk", filter=Q(flagged=True)))


# --- Per unit ---------------------------------------------------------------------------------------------------


def unit_results(survey, units, leaves, *, group=None) -> list[UnitResult]:
    counts = survey_response_counts(survey, units=units, group=group)
    targets = {(target.unit_id, target.group_id): n for target, n in survey_sample_sizes(survey, units=units,
                                                                                         group=group)}
    points = survey_leaf_points(survey, leaves, units=units)
    sipas = survey_sipas_by_unit(survey, units=units, group=group)
    groups = [group] if group else list(survey.groups.order_by("position", "code"))
    return [UnitResult(unit, *_response_totals(counts, unit), _progress(unit, groups, counts, targets),
                       [points.get((unit.pk, leaf.code), (None, None)) for leaf in leaves],
                       sipas[unit.pk].overall if unit.pk in sipas else Satisfaction()) for unit in units]


def _response_totals(counts, unit):
    mine = [count for (unit_id, _group), count in counts.items() if unit_id == unit.pk]
    return sum(count["total"] for count in mine), sum(count["flagged"] for count in mine)


def _progress(unit, groups, counts, targets):
    """The groups with a target for the unit or with responses about it."""
    progress = [GroupProgress(group, counts.get((unit.pk, group.pk), {}).get("total", 0),
                              targets.get((unit.pk, group.pk))) for group in groups]
    return [row for row in progress if row.target is not None or row.completed]


def units_below_target(survey, *, group=None) -> int:
    """How many units have at least one group whose responses fall short of its sample size."""
    targets = survey_sample_sizes(survey, group=group)
    counts = survey_response_counts(survey, group=group)
    short = {target.unit_id for target, n in targets
             if counts.get((target.unit_id, target.group_id), {}).get("total", 0) < n}
    return len(short)


# --- SIPAS and distributions ------------------------------------------------------------------------------------


def sipas_rows(result: SipasResult) -> list[tuple[str, Satisfaction]]:
    """(element label, satisfaction) in the order of the five elements; the overall row is the result's."""
    labels = dict(Element.choices)
    return [(labels[element], result.elements[element]) for element in ELEMENTS]


def question_results(survey, *, unit=None, group=None) -> list[tuple[RespondentGroup, list[QuestionResult]]]:
    """Per group (all, or `group`), per question: how many chose each option, about `unit` or any unit."""
    distributions = survey_distribution(survey, unit=unit, group=group)
    options = Prefetch("options", queryset=Option.objects.order_by("position", "pk"))
    questions = (Question.objects.filter(survey=survey).select_related("group").prefetch_related(options)
                 .order_by("group__position", "group__code", "position", "pk"))
    if group is not None:
        questions = questions.filter(group=group)
    by_group = defaultdict(list)
    for question in questions:
        by_group[question.group].append(_question_result(question, distributions[(question.group.code,
                                                                                   question.code)]))
    return list(by_group.items())


def _question_result(question, distribution):
    total = distribution.total
    bars = [OptionBar(option.label, option.weight, distribution.counts.get(option.label, 0),
                      percent(distribution.counts.get(option.label, 0), total)) for option in question.options.all()]
    return QuestionResult(question, total, bars)


# --- The aggregates workbook ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyAggregates:
    survey: Survey
    leaves: list[SurveyLeaf]
    units: list[Unit]
    points: dict  # selectors.survey_leaf_points
    sipas: SipasResult
    sipas_by_unit: dict[int, SipasResult]
    questions: list[tuple[RespondentGroup, list[QuestionResult]]]


def survey_aggregates(survey: Survey) -> SurveyAggregates:
    """Every rated unit's figures, for excel.write_aggregates_workbook (a few queries, whatever the unit count)."""
    units = survey_units(survey)
    leaves = survey_leaves(survey)
    return SurveyAggregates(survey, leaves, list(units), survey_leaf_points(survey, leaves), survey_sipas(survey),
                            survey_sipas_by_unit(survey, units=units.values("pk")), question_results(survey))
