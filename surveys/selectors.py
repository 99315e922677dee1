"""Reads of surveys: the design for export, SIPAS, answer distributions and sample sizes. Answers are counted in
SQL (GROUP BY) and the counts handed to surveys/aggregation.py, which holds the arithmetic."""
from django.db.models import Count, Prefetch

from .aggregation import AnswerCount, WeightCount, answer_distribution, sample_size, sipas
from .models import Answer, Content, Option, Question, Survey
from .services.design import GroupSpec, OptionSpec, QuestionSpec, SurveySpec

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


def survey_sipas(survey: Survey, *, unit=None):
    """SIPAS satisfaction per element and overall, for the whole survey or one rated unit."""
    answers = Answer.objects.filter(response__survey=survey, question__content=Content.SATISFACTION)
    if unit is not None:
        answers = answers.filter(response__unit=unit)
    rows = answers.values_list("question__element", "question__content", "option__weight").annotate(n=Count("id"))
    return sipas((WeightCount(*row) for row in rows), satisfied_min_weight=survey.satisfied_min_weight)


def survey_distribution(survey: Survey, *, by: str | None = None):
    """{question code or (code, group/unit code): Distribution}; question codes are unique only within a group,
    so the key is the (group code, question code) pair."""
    questions = Question.objects.filter(survey=survey).select_related("group").prefetch_related(ORDERED_OPTIONS)
    options = {(q.group.code, q.code): [o.label for o in q.options.all()] for q in questions}
    rows = (Answer.objects.filter(response__survey=survey)
            .values_list("question__group__code", "question__code", "option__label", "response__group__code",
                         "response__unit__code").annotate(n=Count("id")))
    counts = (AnswerCount((group, code), label, n, by_group, unit) for group, code, label, by_group, unit, n in rows)
    return answer_distribution(counts, options, by=by)


def survey_sample_sizes(survey: Survey):
    """[(target, n)]: the sample each unit and group needs, n = ⌈N / (1 + N·e²)⌉."""
    targets = survey.targets.select_related("group", "unit").order_by("group__position", "unit__code")
    return [(target, sample_size(target.transactions, survey.margin_of_error)) for target in targets]
