"""Reads of surveys: the design for export, SIPAS, answer distributions, sample sizes, the survey leaves' points and
every answer for the raw export. Answers are counted in SQL (GROUP BY) and the counts handed to
surveys/aggregation.py, which holds the arithmetic."""
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, Q

from scoring.framework_spec import plain_decimal
from scoring.models import Criterion, LeafScore, Method, Unit

from .aggregation import AnswerCount, SipasResult, WeightCount, answer_distribution, sample_size, sipas
from .competitiveness_workbook import CompetitivenessSpec, GradeLine, IndicatorLine, SubIndexLine
from .models import Answer, CompetitivenessFramework, Content, Indicator, Option, Question, Response, Survey
from .services.design import GroupSpec, OptionSpec, QuestionSpec, SurveySpec, year_frameworks

EXPORT_CHUNK = 2000  # responses per answers query of the raw export: bounded memory whatever the survey's size

ORDERED_OPTIONS = Prefetch("options", queryset=Option.objects.order_by("position", "pk"))


def survey_spec(survey: Survey) -> SurveySpec:
    """The survey's design as plain values, in the order it was imported (export_survey writes it back)."""
    groups = tuple(GroupSpec(g.code, g.name, g.identified) for g in survey.groups.order_by("position", "code"))
    questions = (Question.objects.filter(survey=survey).select_related("group").prefetch_related(ORDERED_OPTIONS)
                 .order_by("position", "pk"))
    return SurveySpec(
        code=survey.code, name=survey.name, year=survey.year,
        blocks=tuple(survey.blocks.order_by("position", "code").values_list("code", flat=True)),
        groups=groups, questions=tuple(_question_spec(question) for question in questions),
        anonymous=survey.anonymous, satisfied_min_weight=survey.satisfied_min_weight,
        margin_of_error=survey.margin_of_error)


def _question_spec(question):
    return QuestionSpec(code=question.code, group=question.group.code, text=question.text,
                        options=tuple(OptionSpec(o.label, o.weight) for o in question.options.all()),
                        criterion_code=question.criterion_code, element=question.element, content=question.content,
                        rates=question.rates)


def survey_design(survey: Survey) -> list[tuple]:
    """[(group, [question, with its options])] in the questionnaire's order, for the design editor's page."""
    questions = defaultdict(list)
    for question in (Question.objects.filter(survey=survey).prefetch_related(ORDERED_OPTIONS)
                     .order_by("position", "pk")):
        questions[question.group_id].append(question)
    return [(group, questions[group.pk]) for group in survey.groups.order_by("position", "code")]


def survey_sipas(survey: Survey, *, unit=None, group=None):
    """SIPAS satisfaction per element and overall, for the whole survey or one rated unit (and one group)."""
    answers = _answers(survey, unit=unit, group=group).filter(question__content=Content.SATISFACTION)
    rows = answers.values_list("question__element", "question__content", "option__weight").annotate(n=Count("id"))
    return sipas((WeightCount(*row) for row in rows), satisfied_min_weight=survey.satisfied_min_weight)


def survey_sipas_by_unit(survey: Survey, *, units, group=None) -> dict[int, SipasResult]:
    """{unit id: SIPAS of the answers about it} for `units`, in one GROUP BY."""
    answers = _answers(survey, group=group).filter(question__content=Content.SATISFACTION, response__unit__in=units)
    rows = defaultdict(list)
    for unit, *row, n in (answers.values_list("response__unit", "question__element", "question__content",
                                              "option__weight").annotate(n=Count("id")).order_by()):
        rows[unit].append(WeightCount(*row, n))
    return {unit: sipas(unit_rows, satisfied_min_weight=survey.satisfied_min_weight)
            for unit, unit_rows in rows.items()}


def _answers(survey, *, unit=None, group=None):
    answers = Answer.objects.filter(response__survey=survey)
    if unit is not None:
        answers = answers.filter(response__unit=unit)
    if group is not None:
        answers = answers.filter(response__group=group)
    return answers


def survey_distribution(survey: Survey, *, by: str | None = None, unit=None, group=None):
    """{question code or (code, group/unit code): Distribution}; question codes are unique only within a group,
    so the key is the (group code, question code) pair. `unit` and `group` narrow the answers counted."""
    questions = Question.objects.filter(survey=survey).select_related("group").prefetch_related(ORDERED_OPTIONS)
    if group is not None:
        questions = questions.filter(group=group)
    options = {(q.group.code, q.code): [o.label for o in q.options.all()] for q in questions}
    rows = (_answers(survey, unit=unit, group=group)
            .values_list("question__group__code", "question__code", "option__label", "response__group__code",
                         "response__unit__code").annotate(n=Count("id")))
    counts = (AnswerCount((group, code), label, n, by_group, unit) for group, code, label, by_group, unit, n in rows)
    return answer_distribution(counts, options, by=by)


def survey_sample_sizes(survey: Survey, *, units=None, group=None):
    """[(target, n)]: the sample each unit and group needs, n = ⌈N / (1 + N·e²)⌉ (of `units` and `group` only,
    when given)."""
    targets = survey.targets.select_related("group", "unit").order_by("group__position", "unit__code")
    if units is not None:
        targets = targets.filter(unit__in=units)
    if group is not None:
        targets = targets.filter(group=group)
    return [(target, sample_size(target.transactions, survey.margin_of_error)) for target in targets]


# --- Rated units, their responses and the survey leaves' points -------------------------------------------------


def survey_units(survey: Survey):
    """The units the survey rates: the active units of its blocks, and any other unit of them already rated."""
    rated = Response.objects.filter(survey=survey).values("unit")
    return (Unit.objects.filter(Q(active=True) | Q(pk__in=rated), block__in=survey.blocks.all())
            .select_related("block").order_by("block__position", "code"))


def survey_response_counts(survey: Survey, *, units=None, group=None) -> dict[tuple[int, int], dict]:
    """{(unit id, group id): {"total": n, "flagged": n}} of the responses; flagged ones are counted, only marked."""
    responses = Response.objects.filter(survey=survey)
    if units is not None:
        responses = responses.filter(unit__in=units)
    if group is not None:
        responses = responses.filter(group=group)
    rows = (responses.values("unit", "group").order_by()
            .annotate(total=Count("pk"), flagged=Count("pk", filter=Q(flagged=True))))
    return {(row["unit"], row["group"]): {"total": row["total"], "flagged": row["flagged"]} for row in rows}


@dataclass(frozen=True)
class SurveyLeaf:
    code: str
    title: str
    max_points: Decimal  # of the first surveyed block's framework; a block whose leaf differs shows its own


def survey_leaves(survey: Survey) -> list[SurveyLeaf]:
    """The survey leaves of the year's frameworks of the survey's blocks that its questions are mapped to."""
    codes = set(survey.questions.exclude(criterion_code="").values_list("criterion_code", flat=True))
    frameworks = year_frameworks(survey.year, survey.blocks.order_by("position", "code")).values()
    leaves = {}
    for leaf in (Criterion.objects.filter(framework__in=list(frameworks), method=Method.SURVEY, code__in=codes)
                 .order_by("framework__block__position", "position")):
        leaves.setdefault(leaf.code, SurveyLeaf(leaf.code, leaf.title, leaf.max_points))
    return sorted(leaves.values(), key=lambda leaf: _code_order(leaf.code))


def _code_order(code):
    """8.2 before 8.10: numbered parts compare as numbers."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in code.split(".")]


def survey_leaf_points(survey: Survey, leaves, *, units=None) -> dict[tuple[int, str], tuple]:
    """{(unit id, leaf code): (final score or None, the leaf's maximum)} of the year's survey leaves for the units
    of the survey's blocks, as surveys/services/points.py wrote them (or an import did)."""
    scores = LeafScore.objects.filter(assessment__cycle__year=survey.year, criterion__method=Method.SURVEY,
                                      criterion__code__in=[leaf.code for leaf in leaves],
                                      assessment__unit__block__in=survey.blocks.all())
    if units is not None:
        scores = scores.filter(assessment__unit__in=units)
    rows = scores.values_list("assessment__unit", "criterion__code", "final_score", "criterion__max_points")
    return {(unit, code): (score, maximum) for unit, code, score, maximum in rows}


def survey_leaf_choices(survey: Survey) -> list[tuple[str, str]]:
    """[(code, "code. title")] of every survey leaf a question of the survey may be mapped to."""
    frameworks = year_frameworks(survey.year, survey.blocks.all()).values()
    leaves = Criterion.objects.filter(framework__in=list(frameworks), method=Method.SURVEY).order_by("position")
    return list({leaf.code: (leaf.code, f"{leaf.code}. {leaf.title}") for leaf in leaves}.values())


# --- Every answer, for the raw export ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    response_id: str
    group: str
    unit_code: str
    unit_name: str
    source: str
    submitted_on: date
    flagged: bool
    flag_reason: str
    labels: dict[int, str]  # question id -> label of the chosen option


def survey_question_columns(survey: Survey) -> list[tuple[int, str]]:
    """(question id, code) of every question, group by group in the questionnaire's order."""
    return list(Question.objects.filter(survey=survey).order_by("group__position", "group__code", "position", "pk")
                .values_list("pk", "code"))


def survey_answer_rows(survey: Survey) -> Iterator[AnswerRow]:
    """One row per response with its answers, read EXPORT_CHUNK responses at a time. Ordered by group, unit and
    the random id, so the order says nothing about when (or through which invitation) anyone answered."""
    responses = (Response.objects.filter(survey=survey)
                 .order_by("group__position", "group__code", "unit__code", "id")
                 .values_list("id", "group__code", "unit__code", "unit__name", "source", "submitted_on", "flagged",
                              "flag_reason"))
    chunk = []
    for response in responses.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(response)
        if len(chunk) == EXPORT_CHUNK:
            yield from _with_answers(chunk)
            chunk = []
    yield from _with_answers(chunk)


def _with_answers(responses):
    labels = defaultdict(dict)
    for response, question, label in (Answer.objects.filter(response__in=[row[0] for row in responses])
                                      .values_list("response", "question", "option__label")):
        labels[response][question] = label
    for response_id, *fields in responses:
        yield AnswerRow(str(response_id), *fields, labels=labels[response_id])


# --- Competitiveness frameworks (DDCI) ------------------------------------------------------------------------


def competitiveness_spec(framework: CompetitivenessFramework) -> CompetitivenessSpec:
    """The framework as its workbook writes it (an export imports unchanged)."""
    edition = framework.edition
    subs = list(framework.sub_indices.order_by("position", "code"))
    indicators = (Indicator.objects.filter(sub_index__framework=framework).select_related("sub_index")
                  .prefetch_related("questions").order_by("sub_index__position", "position", "code"))
    return CompetitivenessSpec(
        index=edition.index.code, year=edition.year, block=edition.block.code, survey=framework.survey.code,
        version=edition.version, precision=edition.precision, minimum_answers=framework.minimum_answers,
        bounds_years=framework.bounds_years,
        sub_indices=tuple(SubIndexLine(number, sub.code, sub.name, plain_decimal(sub.weight))
                          for number, sub in enumerate(subs, start=2)),
        indicators=tuple(IndicatorLine(number, line.sub_index.code, line.code, line.name,
                                       tuple(sorted(question.code for question in line.questions.all())))
                         for number, line in enumerate(indicators, start=2)),
        grades=tuple(GradeLine(number, grade["code"], grade["label"], plain_decimal(Decimal(grade["min_index"])))
                     for number, grade in enumerate(framework.grades, start=2)))


@dataclass(frozen=True)
class CompetitivenessUnitRow:
    unit: Unit
    answers: int  # valid answers as the engine counts them: the fewest on any one mapped question
    enough: bool
    result: object | None  # the edition's IndexResult once computed
    grade_label: str = ""


def competitiveness_units(framework: CompetitivenessFramework) -> list[CompetitivenessUnitRow]:
    """Each active unit of the edition's block (and any unit with answers) with its valid answers so far and, once
    computed, its result: what the coordinator looks at before closing collection. One GROUP BY over the answers."""
    edition = framework.edition
    mapped = set(Question.objects.filter(indicators__sub_index__framework=framework).values_list("pk", flat=True))
    counts = defaultdict(dict)
    for unit_id, question_id, answers in (
            Answer.objects.filter(response__survey=framework.survey_id, response__unit__block=edition.block_id,
                                  option__weight__isnull=False, question__in=mapped)
            .values_list("response__unit", "question").annotate(answers=Count("pk")).order_by()):
        counts[unit_id][question_id] = answers
    results = {result.unit_id: result for result in edition.results.prefetch_related("sub_indices")}
    units = Unit.objects.filter(Q(active=True) | Q(pk__in=counts) | Q(pk__in=results), block=edition.block_id)
    labels = {grade["code"]: grade["label"] for grade in framework.grades}
    rows = []
    for unit in units.order_by("code"):
        per_question = counts.get(unit.pk, {})
        answers = min(per_question.values()) if mapped and len(per_question) == len(mapped) else 0
        result = results.get(unit.pk)
        rows.append(CompetitivenessUnitRow(unit, answers, answers >= framework.minimum_answers, result,
                                           labels.get(result.grade, result.grade) if result else ""))
    return rows


def competitiveness_bounds(framework: CompetitivenessFramework) -> list:
    """The bounds each indicator was scaled with (stored with the results, rule 15), in framework order."""
    return list(framework.bounds.select_related("indicator__sub_index")
                .order_by("indicator__sub_index__position", "indicator__position", "indicator__code"))
