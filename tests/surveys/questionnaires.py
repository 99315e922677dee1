"""Small surveys for the answering tests: a block of units, groups, questions with the common A-D scale."""
from decimal import Decimal
from uuid import uuid4

from surveys.models import Option, Question, Rates, RespondentGroup, Survey

from ..conftest import make_block

SCALE = [("Rất hài lòng", "100"), ("Hài lòng", "60"), ("Chưa hài lòng", "20"), ("Không hài lòng", "0"),
         ("Không biết", None)]


def make_survey(code="SIPAS-2024", *, block=None, **fields):
    survey = Survey.objects.create(code=code, **{"name": f"Khảo sát {code}", "year": 2024, **fields})
    survey.blocks.add(block or make_block())
    return survey


def make_group(survey, code="NguoiDan", *, identified=False, questions=5, rates=Rates.BLOCK, name=None):
    group = RespondentGroup.objects.create(survey=survey, code=code, name=name or f"Nhóm {code}",
                                           identified=identified)
    for number in range(1, questions + 1):
        make_question(group, f"{code}{number}", rates=rates, position=number)
    return group


def make_question(group, code, *, rates=Rates.BLOCK, position=0):
    question = Question.objects.create(survey=group.survey, group=group, code=code, position=position, rates=rates,
                                       text=f"Ông/bà đánh giá thế nào về nội dung {code}?")
    for place, (label, weight) in enumerate(SCALE):
        Option.objects.create(question=question, label=label, position=place,
                              weight=None if weight is None else Decimal(weight))
    return question


def choose(group, place=0, *, vary=True):
    """{question id: option id}: the option at `place` for every question, or (vary) a different one each time."""
    answers = {}
    for number, question in enumerate(group.questions.order_by("position")):
        options = list(question.options.order_by("position"))
        answers[question.pk] = options[(place + number) % 4 if vary else place].pk
    return answers


def private_cache(settings, **backend):
    """A cache of the test's own: the public link's counters start at zero, and a Redis shared with other work
    (REDIS_URL) is never flushed by a test."""
    backend = backend or {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    settings.CACHES = {"default": {"LOCATION": uuid4().hex, **backend, "KEY_PREFIX": uuid4().hex}}
