"""Benchmark of a DDCI computation (issue 14, domain.md rule 15) at national scale. Not a test: it prints numbers.

    DATABASE_URL=postgres://... .venv/bin/python bench/bench_ddci.py     (or `make bench-ddci`)

It migrates the database it is given and loads, by COPY, its own data coded DDCIBENCH-…: one block of UNITS units
(12,000), a firms' survey of year 2093 with QUESTIONS questions (12), RESPONSES firms' responses (500,000) spread
over the units, each answering every question (6,000,000 answers, 1 in 20 "don't know"), and a DDCI edition of 8
sub-indices (weights 10-15 %, summing to 100) over 12 indicators, one question each; a unit needs 30 valid
responses to be rated (with 500,000 / 12,000 ≈ 41 per unit, some fall short). The data is kept and reused by the
next run of the same size (BENCH_REGENERATE=1 loads it again).

Timed on that data, best of 3 each:
- the floor: a bare SQL GROUP BY of the same answers (valid answers' weights summed and counted per rated unit and
  question), fetched whole, with the session settings the computation uses (work_mem 128MB, jit off);
- ddci_seconds: competitiveness_close on the edition (indicator means, bounds, sub-indices, index, ranks, every
  result row written, audited), each run replacing the previous one's rows.

The last line is `ddci_seconds=S floor_seconds=F ratio=R` (target: ratio ≤ 3).
"""
import os
import random
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.bench_survey_points import _chunks, best_of, copy  # noqa: E402
from bench.postgres import database_label, setup_django  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")

PREFIX = "DDCIBENCH-"
YEAR = 2093
SURVEY_CODE = f"{PREFIX}{YEAR}"
SEED = 14
QUESTIONS = 12
SUB_INDICES = 8  # the first four hold two indicators, the rest one
WEIGHTS = (15, 15, 15, 15, 10, 10, 10, 10)
MINIMUM_ANSWERS = 30
SCALE = (("A", Decimal(100)), ("B", Decimal(60)), ("C", Decimal(20)), ("D", Decimal(0)), ("E", None))
CHUNK = 25_000


def main():
    responses = int(os.environ.get("RESPONSES", "500000"))
    units = int(os.environ.get("UNITS", "12000"))
    setup_django("bench_ddci", "DDCIBENCH-… data")
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    print(f"bench: {responses} firms' responses × {QUESTIONS} answers over {units} units, year {YEAR}, "
          f"database {database_label()}")
    if os.environ.get("BENCH_REGENERATE") or not generated(responses, units):
        generate(responses, units)
    floor = best_of(3, floor_query)
    print(f"floor (SQL GROUP BY of valid answers per unit and question, work_mem 128MB, jit off; best of 3): "
          f"{floor:.3f} s")
    ddci = best_of(3, compute)
    check()
    print(f"ddci_seconds={ddci:.3f} floor_seconds={floor:.3f} ratio={ddci / floor:.2f}")


# --- Generating the data --------------------------------------------------------------------------------------


def generated(responses, units):
    from scoring.models import Unit
    from surveys.models import CompetitivenessFramework, Response

    return (Response.objects.filter(survey__code=SURVEY_CODE).count() == responses
            and Unit.objects.filter(code__startswith=PREFIX).count() == units
            and CompetitivenessFramework.objects.filter(survey__code=SURVEY_CODE).exists())


def generate(responses, units):
    rng = random.Random(SEED)
    started = time.perf_counter()
    wipe()
    from scoring.models import Block, Unit

    block = Block.objects.create(code=f"{PREFIX}B", name="Khối bench DDCI", position=990)
    Unit.objects.bulk_create((Unit(code=f"{PREFIX}U{n:05d}", name=f"Đơn vị bench {n:05d}", block=block)
                              for n in range(units)), batch_size=2000)
    unit_ids = list(Unit.objects.filter(block=block).order_by("pk").values_list("pk", flat=True))
    survey, group, options = create_survey(block)
    create_framework(block, survey, options)
    rows = copy_responses(rng, survey, group, unit_ids, responses)
    copy_answers(rng, rows, options)
    analyze()
    print(f"generated {len(unit_ids)} units, {len(rows)} responses, {len(rows) * QUESTIONS} answers "
          f"in {time.perf_counter() - started:.1f} s")


def wipe():
    from django.db import connection, transaction

    survey = f"SELECT id FROM surveys_survey WHERE code = '{SURVEY_CODE}'"
    questions = f"SELECT id FROM surveys_question WHERE survey_id IN ({survey})"
    block = f"SELECT id FROM scoring_block WHERE code LIKE '{PREFIX}%'"
    editions = f"SELECT id FROM scoring_indexedition WHERE block_id IN ({block})"
    frameworks = f"SELECT id FROM surveys_competitivenessframework WHERE edition_id IN ({editions})"
    subs = f"SELECT id FROM surveys_subindex WHERE framework_id IN ({frameworks})"
    indicators = f"SELECT id FROM surveys_indicator WHERE sub_index_id IN ({subs})"
    statements = [
        f"DELETE FROM surveys_indicatorbound WHERE framework_id IN ({frameworks})",
        f"DELETE FROM surveys_indicator_questions WHERE indicator_id IN ({indicators})",
        f"DELETE FROM surveys_indicator WHERE id IN ({indicators})",
        f"DELETE FROM surveys_subindex WHERE id IN ({subs})",
        f"DELETE FROM surveys_competitivenessframework WHERE edition_id IN ({editions})",
        f"DELETE FROM scoring_subindexresult WHERE result_id IN (SELECT id FROM scoring_indexresult "
        f"WHERE edition_id IN ({editions}))",
        f"DELETE FROM scoring_indexresult WHERE edition_id IN ({editions})",
        f"DELETE FROM scoring_indexedition WHERE id IN ({editions})",
        f"DELETE FROM surveys_answer WHERE question_id IN ({questions})",
        f"DELETE FROM surveys_response WHERE survey_id IN ({survey})",
        f"DELETE FROM surveys_option WHERE question_id IN ({questions})",
        f"DELETE FROM surveys_question WHERE survey_id IN ({survey})",
        f"DELETE FROM surveys_respondentgroup WHERE survey_id IN ({survey})",
        f"DELETE FROM surveys_survey_blocks WHERE survey_id IN ({survey})",
        f"DELETE FROM surveys_survey WHERE id IN ({survey})",
        f"DELETE FROM scoring_unit WHERE code LIKE '{PREFIX}%'",
        f"DELETE FROM scoring_block WHERE code LIKE '{PREFIX}%'",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def create_survey(block):
    from surveys.models import Option, Question, RespondentGroup, Survey

    survey = Survey.objects.create(code=SURVEY_CODE, name="Khảo sát doanh nghiệp bench", year=YEAR)
    survey.blocks.set([block])
    group = RespondentGroup.objects.create(survey=survey, code="DN", name="Doanh nghiệp")
    questions = Question.objects.bulk_create(Question(survey=survey, group=group, code=f"Q{n}", text=f"Câu {n}",
                                                      position=n) for n in range(QUESTIONS))
    options = Option.objects.bulk_create(Option(question=question, label=label, weight=weight, position=place)
                                         for question in questions for place, (label, weight) in enumerate(SCALE))
    by_question = {}
    for option in options:
        by_question.setdefault(option.question_id, []).append(option.pk)
    return survey, group, [(question, by_question[question.pk]) for question in questions]


def create_framework(block, survey, options):
    from scoring.models import EditionSource, Index, IndexEdition
    from surveys.models import CompetitivenessFramework, Indicator, SubIndex

    edition = IndexEdition.objects.create(index=Index.objects.get(code="DDCI"), year=YEAR, block=block,
                                          source=EditionSource.SURVEY)
    framework = CompetitivenessFramework.objects.create(edition=edition, survey=survey,
                                                        minimum_answers=MINIMUM_ANSWERS)
    questions = iter(question for question, _ids in options)
    for n, weight in enumerate(WEIGHTS):
        sub = SubIndex.objects.create(framework=framework, code=f"S{n + 1}", name=f"Chỉ số thành phần {n + 1}",
                                      weight=Decimal(weight), position=n)
        for m in range(2 if n < QUESTIONS - SUB_INDICES else 1):
            indicator = Indicator.objects.create(sub_index=sub, code=f"S{n + 1}.{m + 1}", name=f"Chỉ tiêu {n}.{m}",
                                                 position=m)
            indicator.questions.add(next(questions))


def copy_responses(rng, survey, group, unit_ids, count):
    """Firms spread unevenly (a unit's share varies ±50 %), so some units fall below the minimum."""
    shares = [0.5 + rng.random() for _ in unit_ids]
    picks = rng.choices(unit_ids, weights=shares, k=count)
    rows = [(uuid.UUID(int=rng.getrandbits(128), version=4), unit) for unit in picks]
    lines = (f"{rid}\t{survey.pk}\t{group.pk}\t{unit}\timport\t\t\t{YEAR}-10-01\tf\t\n" for rid, unit in rows)
    copy("surveys_response", ("id", "survey_id", "group_id", "unit_id", "source", "respondent_key", "device_hash",
                              "submitted_on", "flagged", "flag_reason"), _chunks(lines, CHUNK))
    return rows


def copy_answers(rng, rows, options):
    """Each unit leans towards A or D by a quality of its own, so indicators spread between the bounds."""
    quality = {}

    def lines():
        for rid, unit in rows:
            good = quality.setdefault(unit, rng.random())
            weights = [good * 4, good * 2 + 1, (1 - good) * 2 + 1, (1 - good) * 4, 0.3]
            picks = rng.choices(range(len(SCALE)), weights, k=len(options))
            yield "".join(f"{rid}\t{question.pk}\t{ids[pick]}\n" for (question, ids), pick in zip(options, picks))

    copy("surveys_answer", ("response_id", "question_id", "option_id"), _chunks(lines(), CHUNK))


def analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("scoring_unit", "surveys_response", "surveys_answer", "surveys_option", "surveys_question"):
            cursor.execute(f"VACUUM ANALYZE {table}")


# --- Measuring ------------------------------------------------------------------------------------------------


def floor_query():
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            "SELECT r.unit_id, a.question_id, SUM(o.weight), COUNT(*) FROM surveys_answer a "
            "JOIN surveys_response r ON r.id = a.response_id JOIN surveys_option o ON o.id = a.option_id "
            "WHERE r.survey_id = (SELECT id FROM surveys_survey WHERE code = %s) AND o.weight IS NOT NULL "
            "GROUP BY 1, 2", [SURVEY_CODE])
        return cursor.fetchall()


# The grades the demo publishes DDCI with, lowest index of each: every rated unit gets one (one UPDATE per tier).
GRADES = [{"code": code, "label": label, "min_index": minimum}
          for code, label, minimum in (("RT", "Rất tốt", "70"), ("TOT", "Tốt", "60"), ("KHA", "Khá", "50"),
                                       ("TB", "Trung bình", "0"))]


def framework():
    from surveys.models import CompetitivenessFramework

    frameworks = CompetitivenessFramework.objects.filter(survey__code=SURVEY_CODE)
    frameworks.exclude(grades=GRADES).update(grades=GRADES)  # data generated before grades existed
    return frameworks.select_related("edition").get()


def compute():
    from surveys.services.competitiveness import competitiveness_close

    counts = competitiveness_close(framework=framework())
    print(f"  competitiveness_close: {counts['units']} units, {counts['rated']} rated")


def check():
    """Spot checks against the rule: one result per unit, ranks 1…n over the rated units, values within 10-100."""
    from django.db.models import Max, Min

    from scoring.models import IndexResult

    results = IndexResult.objects.filter(edition=framework().edition)
    rated = results.filter(rated=True)
    span = rated.aggregate(low=Min("value"), high=Max("value"), top=Min("rank"), bottom=Max("rank"))
    assert results.count() == int(os.environ.get("UNITS", "12000")), "one result per unit"
    assert Decimal(10) <= span["low"] <= span["high"] <= Decimal(100), span
    assert span["top"] == 1 and span["bottom"] <= rated.count(), span
    assert not rated.filter(grade="").exists(), "every rated unit graded"
    print(f"check: {results.count()} results, {rated.count()} rated, values {span['low']}-{span['high']}, "
          f"ranks {span['top']}-{span['bottom']}")


if __name__ == "__main__":
    main()
