"""A DDCI edition of block SO: firms (group DN) answer Q1-Q3 about the units they dealt with.

Sub-index "time" (60 %) = indicators t1 (Q1) and t2 (Q2); "open" (40 %) = o1 (Q3). Options A = 100, B = 60,
C = 20, D = 0, E ("Không biết") not counted."""
import datetime
from decimal import Decimal

from scoring.models import EditionSource, Index, IndexEdition, Unit
from surveys.models import (
    Answer, CompetitivenessFramework, Indicator, Option, Question, RespondentGroup, Response, Source, SubIndex,
    Survey,
)

from tests.conftest import make_block

WEIGHTS = {"A": 100, "B": 60, "C": 20, "D": 0, "E": None}
STRUCTURE = (("time", "Chi phí thời gian", 60, (("t1", "Q1"), ("t2", "Q2"))),
             ("open", "Tính minh bạch", 40, (("o1", "Q3"),)))


def make_ddci(*, year=2024, units=("SNV", "STC", "SXD", "SYT"), minimum_answers=2, bounds_years=1):
    block = make_block("SO")
    for code in units:
        Unit.objects.get_or_create(code=code, defaults={"name": f"Sở {code}", "block": block})
    survey = Survey.objects.create(code=f"DDCI-{year}", name=f"Khảo sát DDCI {year}", year=year)
    survey.blocks.add(block)
    group = RespondentGroup.objects.create(survey=survey, code="DN", name="Doanh nghiệp")
    questions = {}
    for position, code in enumerate(("Q1", "Q2", "Q3")):
        question = Question.objects.create(survey=survey, group=group, code=code, text=f"Câu {code}",
                                           position=position)
        for option_position, (label, weight) in enumerate(WEIGHTS.items()):
            Option.objects.create(question=question, label=label, weight=weight, position=option_position)
        questions[code] = question
    edition = IndexEdition.objects.create(index=Index.objects.standard("DDCI"), year=year, block=block,
                                          source=EditionSource.SURVEY, version="DDCI-2024")
    framework = CompetitivenessFramework.objects.create(edition=edition, survey=survey,
                                                        minimum_answers=minimum_answers, bounds_years=bounds_years)
    for position, (code, name, weight, indicators) in enumerate(STRUCTURE):
        sub = SubIndex.objects.create(framework=framework, code=code, name=name, weight=Decimal(weight),
                                      position=position)
        for indicator_position, (indicator_code, question_code) in enumerate(indicators):
            indicator = Indicator.objects.create(sub_index=sub, code=indicator_code, name=indicator_code,
                                                 position=indicator_position)
            indicator.questions.add(questions[question_code])
    return framework


def answer_ddci(framework, rows):
    """rows: (unit code, "Q1Q2Q3" labels, e.g. "ABE"), one firm each."""
    survey = framework.survey
    group = survey.groups.get()
    units = dict(Unit.objects.values_list("code", "pk"))
    options = {(option.question.code, option.label): option
               for option in Option.objects.filter(question__survey=survey).select_related("question")}
    for unit_code, labels in rows:
        response = Response.objects.create(survey=survey, group=group, unit_id=units[unit_code],
                                           source=Source.PAPER, submitted_on=datetime.date(survey.year, 11, 1))
        Answer.objects.bulk_create(
            Answer(response=response, question=options[(code, label)].question, option=options[(code, label)])
            for code, label in zip(("Q1", "Q2", "Q3"), labels) if label != "-")
