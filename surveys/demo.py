"""The demo province's completed survey of its latest year: the sample questionnaire (demo_questionnaire.py) for
every block, a few hundred paper responses drawn from a fixed random seed (each unit has its own standing, so the
points differ between units), sample targets for citizens and businesses, and the survey leaves' points.

Run after the units and frameworks (scoring/demo/__init__.py), and after the year's cycles if the demo opens any: the points
are written into the cycle of each block, created closed when missing, as score imports do. Skipped entirely when
the survey code exists, so running it again changes nothing."""
import random

from django.db import transaction

from scoring.models import AuditSource, Unit

from .demo_questionnaire import demo_survey_spec
from .models import Source, Survey
from .services.design import survey_import
from .services.points import survey_points_compute
from .services.responses import ResponseRow, responses_import
from .services.sampling import sample_targets_set

YEAR = 2025
BLOCKS = ("SO", "HUYEN", "XA")
SEED = 2025
# Who rates which block, and how many respondents per rated unit.
RESPONDENTS = {
    "SO": {"NGUOIDAN": 4, "DOANHNGHIEP": 1, "DBHDND": 1, "LDSO": 2, "LDHUYEN": 1, "CONGCHUC": 1},
    "HUYEN": {"NGUOIDAN": 4, "DOANHNGHIEP": 1, "DBHDND": 1, "LDSO": 1},
    "XA": {"NGUOIDAN": 3, "DOANHNGHIEP": 1, "CONGCHUC": 2},
}
# Leaders and deputies are few and rate many units: their keys come from a small pool.
POOLS = {"DBHDND": 12, "LDSO": 19, "LDHUYEN": 8, "CONGCHUC": 20}
TRANSACTIONS = {"NGUOIDAN": {"SO": (300, 6000), "HUYEN": (2000, 20000), "XA": (200, 3000)},
                "DOANHNGHIEP": {"SO": (40, 900), "HUYEN": (60, 1500), "XA": (5, 120)}}
DONT_KNOW_SHARE = 0.05


def seed_survey() -> dict[str, int]:
    """Creates the demo survey and its answers and computes its points; {what: how many} created this run."""
    code = demo_survey_spec(year=YEAR, blocks=BLOCKS).code
    if Survey.objects.filter(code=code).exists():
        return {}
    with transaction.atomic():
        survey = survey_import(spec=demo_survey_spec(year=YEAR, blocks=BLOCKS), source=AuditSource.SYSTEM).survey
        rows = demo_responses(survey, random.Random(SEED))
        responses = responses_import(survey_code=code, rows=rows, source=Source.PAPER)
        targets = _seed_targets(survey, random.Random(SEED))
    points = survey_points_compute(year=YEAR)
    return {"cuộc điều tra": 1, "phiếu trả lời": responses.created, "cỡ mẫu": targets,
            "điểm tiêu chí điều tra": points["created"] + points["updated"]}


def demo_responses(survey, rng) -> list[ResponseRow]:
    """Paper responses for every active unit of the surveyed blocks, in a fixed order."""
    questions = {group.code: list(group.questions.order_by("position").prefetch_related("options"))
                 for group in survey.groups.all()}
    rows, serial = [], 0
    for unit in Unit.objects.active().filter(block__code__in=BLOCKS).select_related("block").order_by("code"):
        standing = rng.uniform(0.35, 0.92)  # how well the unit serves: the answers lean on it
        for group, count in RESPONDENTS[unit.block.code].items():
            for key in _respondents(rng, group, count, serial):
                serial += 1
                answers = tuple((q.code, _answer(rng, q, standing)) for q in questions[group])
                rows.append(ResponseRow(key, group, unit.code, answers, serial + 1))
    return rows


def _respondents(rng, group, count, serial):
    if group in POOLS:
        return [f"{group}-{n:02d}" for n in rng.sample(range(1, POOLS[group] + 1), count)]
    return [f"PHIEU-{serial + n + 1:04d}" for n in range(count)]


def _answer(rng, question, standing):
    """An option label: weighted options lean towards the unit's standing; "don't know" now and then."""
    options = list(question.options.all())
    weighted = [option for option in options if option.weight is not None]
    unweighted = [option for option in options if option.weight is None]
    if not weighted or (unweighted and rng.random() < DONT_KNOW_SHARE):
        return rng.choice(unweighted).label
    score = min(max(rng.gauss(standing, 0.22), 0.0), 1.0)
    return weighted[round((1 - score) * (len(weighted) - 1))].label


def _seed_targets(survey, rng):
    """The number of transactions N of each unit, for the groups sampled among the public."""
    units = list(Unit.objects.active().filter(block__code__in=BLOCKS).select_related("block").order_by("code"))
    created = 0
    for group in survey.groups.filter(code__in=TRANSACTIONS).order_by("position"):
        ranges = TRANSACTIONS[group.code]
        created += sample_targets_set(survey=survey, group=group,
                                      transactions={unit.pk: rng.randint(*ranges[unit.block.code]) for unit in units})
    return created
