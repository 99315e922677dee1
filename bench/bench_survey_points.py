"""Benchmark of survey points (issue 5) at national scale. Not a test: it prints numbers.

    DATABASE_URL=postgres://... .venv/bin/python bench/bench_survey_points.py     (or `make bench-surveys`)

It migrates the database it is given and loads, by COPY, its own data: blocks and units coded SVBENCH-…, their
frameworks of year 2092 (10 survey leaves each), one survey SVBENCH-2092 with 20 questions mapped two per leaf,
RESPONSES responses (500,000) × 20 answers spread over UNITS units (12,000). Nothing else is touched; the data is
kept and reused by the next run when it has the same size (BENCH_REGENERATE=1 loads it again).

Timed on that data:
- the floor: one plain SQL GROUP BY over the answers — valid answers' weights summed and counted per rated unit and
  criterion code, joined to their responses, options and questions — fetched whole (best of 3);
- survey_points_compute(year=2092) writing every score: once with no leaf score yet (inserts) and once with every
  score emptied first (updates), each with one audit row per value; survey_seconds is the slower of the two. A third
  run with nothing changed is shown too.

The last line is `survey_seconds=S floor_seconds=F ratio=R`.
"""
import os
import random
import sys
import time
import uuid
from decimal import Decimal
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.postgres import database_label, setup_django  # noqa: E402
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")

PREFIX = "SVBENCH-"
YEAR = 2092
SURVEY_CODE = f"{PREFIX}{YEAR}"
SEED = 5
BLOCKS = 4
LEAVES = 10
QUESTIONS = 20  # two per leaf; every response answers all of them
SCALE = (("A", Decimal(100)), ("B", Decimal(60)), ("C", Decimal(20)), ("D", Decimal(0)), ("E", None))
PROFILES = 20  # answer distributions; each unit gets one, so units differ
CHUNK = 25_000  # responses per COPY chunk (500,000 answers)


def main():
    responses = int(os.environ.get("RESPONSES", "500000"))
    units = int(os.environ.get("UNITS", "12000"))
    setup_django("bench_survey_points", "SVBENCH-… data")
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from surveys.services.points import AGGREGATE_WORK_MEM

    print(f"bench: {responses} responses × {QUESTIONS} answers over {units} units, year {YEAR}, "
          f"database {database_label()}")
    if os.environ.get("BENCH_REGENERATE") or not generated(responses, units):
        generate(responses, units)
    plain = best_of(3, floor_query)
    print(f"floor, server defaults (SQL GROUP BY of valid answers per unit and criterion, best of 3): {plain:.3f} s")
    floor = best_of(3, lambda: floor_query(tuned=True))
    print(f"floor, with the job's session settings (work_mem {AGGREGATE_WORK_MEM}, jit off; best of 3): "
          f"{floor:.3f} s — the ratio's floor")
    survey = time_survey_points()
    print(f"survey_seconds={survey:.3f} floor_seconds={floor:.3f} ratio={survey / floor:.2f}")


# --- Generating the data --------------------------------------------------------------------------------------


def generated(responses, units):
    from scoring.models import Unit
    from surveys.models import Response

    return (Response.objects.filter(survey__code=SURVEY_CODE).count() == responses
            and Unit.objects.filter(code__startswith=PREFIX).count() == units)


def generate(responses, units):
    rng = random.Random(SEED)
    started = time.perf_counter()
    wipe()
    blocks = create_blocks()
    create_frameworks(blocks)
    unit_ids = create_units(blocks, units)
    survey, group, options = create_survey(blocks)
    response_ids = copy_responses(rng, survey, group, unit_ids, responses)
    answers = copy_answers(rng, response_ids, options)
    analyze()
    print(f"generated {len(unit_ids)} units, {len(response_ids)} responses, {answers} answers "
          f"in {time.perf_counter() - started:.1f} s")


def wipe():
    """Deletes the bench data, children first. Audit rows stay: the audit log is append-only."""
    from django.db import connection, transaction

    survey = f"SELECT id FROM surveys_survey WHERE code = '{SURVEY_CODE}'"
    questions = f"SELECT id FROM surveys_question WHERE survey_id IN ({survey})"
    blocks = f"SELECT id FROM scoring_block WHERE code LIKE '{PREFIX}%'"
    frameworks = f"SELECT id FROM scoring_framework WHERE block_id IN ({blocks})"
    statements = [
        f"DELETE FROM surveys_answer WHERE question_id IN ({questions})",
        f"DELETE FROM surveys_response WHERE survey_id IN ({survey})",
        f"DELETE FROM surveys_option WHERE question_id IN ({questions})",
        *(f"DELETE FROM {table} WHERE survey_id IN ({survey})" for table in (
            "surveys_question", "surveys_sampletarget", "surveys_invitation", "surveys_respondentgroup",
            "surveys_survey_blocks")),
        f"DELETE FROM surveys_survey WHERE id IN ({survey})",
        f"DELETE FROM scoring_unitresult WHERE block_id IN ({blocks})",
        f"DELETE FROM scoring_leafscore WHERE assessment_id IN (SELECT a.id FROM scoring_assessment a "
        f"JOIN scoring_cycle c ON c.id = a.cycle_id WHERE c.block_id IN ({blocks}))",
        f"DELETE FROM scoring_assessment WHERE cycle_id IN (SELECT id FROM scoring_cycle WHERE block_id IN ({blocks}))",
        f"DELETE FROM scoring_cycle WHERE block_id IN ({blocks})",
        f"DELETE FROM scoring_criterion WHERE framework_id IN ({frameworks})",
        f"DELETE FROM scoring_framework WHERE block_id IN ({blocks})",
        f"DELETE FROM scoring_unit WHERE code LIKE '{PREFIX}%'",
        f"DELETE FROM scoring_block WHERE code LIKE '{PREFIX}%'",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def create_blocks():
    from scoring.models import Block

    return Block.objects.bulk_create(Block(code=f"{PREFIX}B{n}", name=f"Khối bench khảo sát {n}", position=950 + n)
                                     for n in range(1, BLOCKS + 1))


def create_frameworks(blocks):
    """Per block: area 8 with LEAVES survey leaves of 1.5 points, and one appraised leaf the survey never touches."""
    from scoring.models import Criterion, Framework

    for block in blocks:
        framework = Framework.objects.create(year=YEAR, block=block, code=f"{block.code}-{YEAR}", version="BENCH",
                                             name=f"Bộ chỉ số bench {block.code}")
        area = Criterion.objects.create(framework=framework, code="8", area_code="8", title="Tác động",
                                        max_points=Decimal("1.5") * LEAVES + 1)
        Criterion.objects.bulk_create(
            [Criterion(framework=framework, parent=area, code=f"8.{n}", area_code="8", depth=1, position=n,
                       title=f"Tiêu chí điều tra 8.{n}", max_points=Decimal("1.5"), method="survey")
             for n in range(1, LEAVES + 1)]
            + [Criterion(framework=framework, parent=area, code=f"8.{LEAVES + 1}", area_code="8", depth=1,
                         position=LEAVES + 1, title="Tiêu chí thẩm định", max_points=1, method="appraised")])


def create_units(blocks, count):
    from scoring.models import Unit

    Unit.objects.bulk_create((Unit(code=f"{PREFIX}U{n:05d}", name=f"Đơn vị bench {n:05d}", block=blocks[n % BLOCKS])
                              for n in range(count)), batch_size=2000)
    return list(Unit.objects.filter(code__startswith=PREFIX).order_by("pk").values_list("pk", flat=True))


def create_survey(blocks):
    from surveys.models import Option, Question, RespondentGroup, Survey

    survey = Survey.objects.create(code=SURVEY_CODE, name="Khảo sát bench", year=YEAR)
    survey.blocks.set(blocks)
    group = RespondentGroup.objects.create(survey=survey, code="NGUOIDAN", name="Người dân")
    questions = Question.objects.bulk_create(
        Question(survey=survey, group=group, code=f"Q{n}", text=f"Câu hỏi {n}", position=n,
                 criterion_code=f"8.{n // 2 + 1}") for n in range(QUESTIONS))
    options = Option.objects.bulk_create(Option(question=question, label=label, weight=weight, position=place)
                                         for question in questions for place, (label, weight) in enumerate(SCALE))
    by_question = {}
    for option in options:
        by_question.setdefault(option.question_id, []).append(option.pk)
    return survey, group, [(question.pk, by_question[question.pk]) for question in questions]


def copy_responses(rng, survey, group, unit_ids, count):
    """Responses by COPY, spread evenly over the units; returns [(response id, unit profile)]."""
    profile = {unit: rng.randrange(PROFILES) for unit in unit_ids}
    rows = [(uuid.UUID(int=rng.getrandbits(128), version=4), unit_ids[n % len(unit_ids)]) for n in range(count)]
    lines = (f"{rid}\t{survey.pk}\t{group.pk}\t{unit}\timport\t\t\t{YEAR}-10-01\tf\t\n" for rid, unit in rows)
    copy("surveys_response", ("id", "survey_id", "group_id", "unit_id", "source", "respondent_key", "device_hash",
                              "submitted_on", "flagged", "flag_reason"), _chunks(lines, CHUNK))
    return [(rid, profile[unit]) for rid, unit in rows]


def copy_answers(rng, responses, options):
    """Every response answers every question; each unit's profile leans its answers towards A or D."""
    weights = [_profile_weights(n) for n in range(PROFILES)]

    def lines():
        for rid, profile in responses:
            picks = rng.choices(range(len(SCALE)), weights[profile], k=len(options))
            yield "".join(f"{rid}\t{question}\t{ids[pick]}\n" for (question, ids), pick in zip(options, picks))

    copy("surveys_answer", ("response_id", "question_id", "option_id"), _chunks(lines(), CHUNK))
    return len(responses) * len(options)


def _profile_weights(n):
    good = (n + 1) / (PROFILES + 1)
    return [good * 4, good * 2 + 1, (1 - good) * 2 + 1, (1 - good) * 4, 0.5]


def _chunks(lines, size):
    chunk = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == size:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def copy(table, columns, chunks):
    """COPY in one transaction; plain indexes are rebuilt once after the load instead of row by row, and, for a
    superuser, foreign keys are not checked row by row at commit (the rows are consistent by construction)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SHOW is_superuser")
        if cursor.fetchone()[0] == "on":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = current_schema() AND "
                       "tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                       [table])
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for chunk in chunks:
            cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", StringIO(chunk))
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)


def analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("scoring_unit", "surveys_survey", "surveys_response", "surveys_answer", "surveys_question",
                      "surveys_option", "scoring_leafscore", "scoring_assessment"):
            cursor.execute(f"VACUUM ANALYZE {table}")


# --- Measuring ------------------------------------------------------------------------------------------------


def best_of(times, function):
    return min(timed(function) for _ in range(times))


def timed(function):
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def floor_query(tuned=False):
    from django.db import connection, transaction

    from surveys.services.points import AGGREGATE_WORK_MEM

    with transaction.atomic(), connection.cursor() as cursor:
        if tuned:
            cursor.execute(f"SET LOCAL work_mem = '{AGGREGATE_WORK_MEM}'")
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            "SELECT r.unit_id, q.criterion_code, SUM(o.weight), COUNT(*) FROM surveys_answer a "
            "JOIN surveys_response r ON r.id = a.response_id "
            "JOIN surveys_option o ON o.id = a.option_id JOIN surveys_question q ON q.id = a.question_id "
            "WHERE r.survey_id IN (SELECT id FROM surveys_survey WHERE year = %s) AND o.weight IS NOT NULL "
            "AND q.criterion_code <> '' GROUP BY 1, 2", [YEAR])
        return cursor.fetchall()


def time_survey_points():
    from surveys.services.points import survey_points_compute

    clear_scores()
    fresh = timed_run(survey_points_compute, "no leaf score yet (inserts)")
    unchanged = timed_run(survey_points_compute, "nothing changed")
    empty_scores()
    rewrite = timed_run(survey_points_compute, "every score emptied first (updates)")
    check_points()
    print(f"survey_points_compute: inserts {fresh:.3f} s, updates {rewrite:.3f} s, unchanged {unchanged:.3f} s")
    return max(fresh, rewrite)


def timed_run(compute, label):
    started = time.perf_counter()
    result = compute(year=YEAR)
    seconds = time.perf_counter() - started
    print(f"  {label}: {seconds:.3f} s — {result['leaves']} leaf scores of {result['units']} units: "
          f"{result['created']} created, {result['updated']} updated, {result['unchanged']} unchanged")
    return seconds


def clear_scores():
    _execute("DELETE FROM scoring_leafscore WHERE assessment_id IN (SELECT a.id FROM scoring_assessment a "
             "JOIN scoring_cycle c ON c.id = a.cycle_id WHERE c.year = %s)", [YEAR])


def empty_scores():
    _execute("UPDATE scoring_leafscore SET final_score = NULL WHERE assessment_id IN (SELECT a.id FROM "
             "scoring_assessment a JOIN scoring_cycle c ON c.id = a.cycle_id WHERE c.year = %s)", [YEAR])


def _execute(sql, params):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def check_points():
    """The written points against the floor's sums, recomputed independently in SQL: a wrong fast job is no win."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "WITH t AS (SELECT r.unit_id, q.criterion_code AS code, SUM(o.weight) AS w, COUNT(*) AS n "
            "FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id "
            "JOIN surveys_option o ON o.id = a.option_id JOIN surveys_question q ON q.id = a.question_id "
            "WHERE r.survey_id = (SELECT id FROM surveys_survey WHERE code = %s) AND o.weight IS NOT NULL "
            "GROUP BY 1, 2) "
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE ls.final_score IS DISTINCT FROM "
            "ROUND(c.max_points * t.w / (100 * t.n), 3)) FROM t "
            "JOIN scoring_assessment a ON a.unit_id = t.unit_id JOIN scoring_cycle cy ON cy.id = a.cycle_id "
            "AND cy.year = %s JOIN scoring_criterion c ON c.framework_id = cy.framework_id AND c.code = t.code "
            "LEFT JOIN scoring_leafscore ls ON ls.assessment_id = a.id AND ls.criterion_id = c.id",
            [SURVEY_CODE, YEAR])
        checked, wrong = cursor.fetchone()
    print(f"check: {checked} leaf scores against SQL's ROUND(max × Σw / (100 n), 3): "
          f"{'ok' if checked and not wrong else f'{wrong} MISMATCHES'}")


if __name__ == "__main__":
    main()
