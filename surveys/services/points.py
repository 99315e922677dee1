"""Survey points (domain.md, rule 11): every survey of a year → the final scores of the survey leaves its questions
are mapped to, for every unit of the surveyed blocks.

One SQL GROUP BY sums the valid answers' weights per rated unit and criterion code; surveys/aggregation.py turns
the sums into points; the changed scores are written in bulk, one audit row per changed value, and the units'
results are refreshed after the commit. A survey leaf that no question is mapped to is left alone (its points may
come from elsewhere, e.g. import_scores); a mapped leaf without a valid answer for a unit gets None ("not scored":
the engine counts 0 and marks the result incomplete). Running it again changes nothing unless answers changed."""
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from scoring.models import AuditSource, Block, Criterion, Job, JobStatus, LeafScore, Method, Unit
from scoring.services.jobs import job_enqueue, job_progress, job_runner
from scoring.services.results import results_refresh_later
from scoring.services.scores import assessments_for, cycle_for

from ..aggregation import LeafTally, unit_points
from ..models import Answer, Question, Survey
from .design import year_frameworks
from .score_writes import final_score_audit_insert, leaf_scores_insert, leaf_scores_update

KIND = "compute_survey_points"
AGGREGATE_WORK_MEM = "128MB"


def survey_points_scope(year: int) -> str:
    return f"survey_points:{year}"


def survey_points_start(*, year: int, user=None) -> Job:
    """Starts the computation in the background; a run of the same year still waiting or running is returned."""
    waiting = (Job.objects.filter(kind=KIND, scope=survey_points_scope(year),
                                  status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).order_by("pk").first())
    return waiting or job_enqueue(kind=KIND, scope=survey_points_scope(year), params={"year": year}, user=user)


@transaction.atomic
def survey_points_compute(*, year: int, progress=None) -> dict:
    """Writes the survey leaves' final scores of every unit of the year's surveyed blocks; returns counts."""
    report = progress or (lambda percent, message="": None)
    # Locks the year's surveys: two runs for one year queue instead of writing the same scores twice.
    surveys = list(Survey.objects.select_for_update().filter(year=year).order_by("pk"))
    report(5, _("Đang cộng các câu trả lời"))
    _settings_for_one_large_aggregate()
    tallies = _tallies(surveys)
    report(50, _("Đang tính điểm"))
    frameworks, leaves, unframed = _mapped_leaves(year)
    points = _points(_units(frameworks, tallies), leaves, tallies)
    report(70, _("Đang ghi điểm"))
    written = _write(frameworks, leaves, points)
    results_refresh_later(year=year, unit_ids=written.pop("changed_units"))
    report(100, _("Xong"))
    return {"year": year, "surveys": len(surveys), **written, "blocks_without_framework": unframed}


@job_runner(KIND)
def compute_survey_points_job(job):
    return survey_points_compute(year=job.params["year"],
                                 progress=lambda percent, message="": job_progress(job, percent, message))


# --- Reading ----------------------------------------------------------------------------------------------------


def _settings_for_one_large_aggregate():
    """PostgreSQL, for this transaction only: the GROUP BY over every answer of the year keeps its groups (units ×
    leaves: ~120,000 nationally, ~60 MB per worker) in memory instead of spilling them to disk, and skips JIT
    compilation, which costs seconds and gains nothing on this plan (measured: bench/bench_survey_points.py)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{AGGREGATE_WORK_MEM}'")
            cursor.execute("SET LOCAL jit = off")


def _tallies(surveys) -> dict[tuple[int, str], LeafTally]:
    """{(unit id, criterion code): tally} of the valid answers (weight not null) to the surveys; flagged responses
    count too: they await review, and until then they stand."""
    rows = (Answer.objects.filter(response__survey__in=[survey.pk for survey in surveys], option__weight__isnull=False)
            .exclude(question__criterion_code="")
            .values_list("response__unit", "question__criterion_code")
            .annotate(weight_sum=Sum("option__weight"), valid=Count("id")).order_by())
    return {(unit, code): LeafTally(weight_sum, valid) for unit, code, weight_sum, valid in rows}


def _mapped_leaves(year):
    """The year's frameworks of the surveyed blocks ({block id: framework}), their survey leaves that some
    question of a survey of the block is mapped to ({block id: {code: leaf}}), and the codes of the surveyed
    blocks without a framework that year (nothing can be written for them)."""
    mapped = defaultdict(set)
    for block, code in (Question.objects.filter(survey__year=year).exclude(criterion_code="")
                        .values_list("survey__blocks", "criterion_code").distinct()):
        mapped[block].add(code)
    frameworks = year_frameworks(year, Block.objects.filter(pk__in=list(mapped)))
    block_of = {framework.pk: block for block, framework in frameworks.items()}
    leaves = defaultdict(dict)
    for leaf in Criterion.objects.filter(framework__in=list(frameworks.values()), method=Method.SURVEY):
        if leaf.code in mapped[block_of[leaf.framework_id]]:
            leaves[block_of[leaf.framework_id]][leaf.code] = leaf
    unframed = sorted(Block.objects.filter(pk__in=set(mapped) - set(frameworks)).values_list("code", flat=True))
    return frameworks, leaves, unframed


def _units(frameworks, tallies):
    """{unit id: block id}: the active units of the blocks with a framework, and any other unit that was rated."""
    rated = {unit for unit, _code in tallies}
    units = Unit.objects.filter(Q(active=True) | Q(pk__in=rated), block__in=list(frameworks))
    return dict(units.values_list("pk", "block"))


def _points(units, leaves, tallies):
    """{(unit id, block id, leaf): points or None} for every mapped leaf of every unit."""
    by_unit = defaultdict(dict)
    for (unit, code), unit_tally in tallies.items():
        by_unit[unit][code] = unit_tally
    points = {}
    for unit, block in units.items():
        block_leaves = leaves.get(block, {})
        maxima = {code: leaf.max_points for code, leaf in block_leaves.items()}
        for code, value in unit_points(maxima, by_unit.get(unit, {})).items():
            points[(unit, block, block_leaves[code])] = value
    return points


# --- Writing ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stored:
    pk: int
    assessment_id: int
    final_score: Decimal | None


def _write(frameworks, leaves, points):
    stored = _stored(leaves)
    changes = [(unit, stored[(unit, leaf.pk)], value) for (unit, _block, leaf), value in points.items()
               if (unit, leaf.pk) in stored and stored[(unit, leaf.pk)].final_score != value]
    missing = [(unit, block, leaf, value) for (unit, block, leaf), value in points.items()
               if (unit, leaf.pk) not in stored and value is not None]
    created = _create(frameworks, missing)
    leaf_scores_update([(score.pk, value) for _unit, score, value in changes])
    final_score_audit_insert(created + [(score.pk, score.assessment_id, score.final_score, value)
                                        for _unit, score, value in changes],
                             source=AuditSource.SURVEY, reason=_("Điểm từ điều tra XHH"))
    return {"units": len({unit for unit, _block, _leaf in points}), "leaves": len(points), "created": len(created),
            "updated": len(changes), "unchanged": len(points) - len(created) - len(changes),
            "changed_units": {change[0] for change in changes} | {change[0] for change in missing}}


def _stored(leaves) -> dict[tuple[int, int], _Stored]:
    """{(unit id, leaf id): stored score} of the mapped leaves."""
    leaf_ids = [leaf.pk for block_leaves in leaves.values() for leaf in block_leaves.values()]
    rows = LeafScore.objects.filter(criterion__in=leaf_ids).values_list(
        "assessment__unit", "criterion", "pk", "assessment", "final_score")
    return {(unit, leaf): _Stored(pk, assessment, score) for unit, leaf, pk, assessment, score in rows}


def _create(frameworks, missing):
    """New leaf scores, in the cycle and assessments scores.py would use (created when missing); returns
    [(id, assessment id, None, score)] for the audit."""
    by_block = defaultdict(list)
    for unit, block, leaf, value in missing:
        by_block[block].append((unit, leaf.pk, value))
    rows = []
    for block, block_rows in by_block.items():
        assessments = assessments_for(cycle_for(frameworks[block]), {unit for unit, _leaf, _value in block_rows})
        rows += [(assessments[unit].pk, leaf, value) for unit, leaf, value in block_rows]
    ids = leaf_scores_insert(rows)
    return [(ids[(assessment, leaf)], assessment, None, value) for assessment, leaf, value in rows]
