"""Competitiveness indices from firms' answers (domain.md rule 15), in two phases: answers are collected; when the
coordinator closes collection, the edition is computed for its block and its bounds stored with the results.

On PostgreSQL one pass of set-based SQL does it all (a GROUP BY over the answers, then statements over the few
thousand units × indicators it leaves); elsewhere the same figures come from surveys/competitiveness.py, which
the tests also hold the SQL to. PostgreSQL's round() on numeric rounds half away from zero, which is half up for
these non-negative values; its quotients carry at least 16 significant digits, and no quotient of these 3-decimal
figures lies within 1e-12 of a half-way point without sitting on it, so rounding once from them is exact."""
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.models import AuditSource, EditionState, IndexEdition, IndexResult, SubIndexResult, Unit
from scoring.rules import divide_half_up
from scoring.services.audit import audit_entry, audit_write

from ..competitiveness import SCALED_PLACES, Bounds, SubIndexSpec, UnitInput, score_block
from ..models import Answer, CompetitivenessFramework, IndicatorBound, SubIndex


class CollectionClosed(Exception):
    pass


def competitiveness_close(*, framework: CompetitivenessFramework, actor=None) -> dict:
    """Closes collection and computes the edition (again, until it is published); returns counts."""
    with transaction.atomic():
        edition = IndexEdition.objects.select_for_update().get(pk=framework.edition_id)
        if edition.state == EditionState.PUBLISHED:
            raise CollectionClosed(_("Kết quả đã công bố, không tính lại được."))
        counts = competitiveness_compute(framework=framework, edition=edition)
        old_state = edition.state
        edition.state, edition.computed_at = EditionState.COMPUTED, timezone.now()
        edition.save(update_fields=["state", "computed_at"])
        audit_write([audit_entry(entity="index_edition", entity_id=edition.pk, field="state", old=old_state,
                                 new=edition.state, actor=actor, source=AuditSource.SURVEY,
                                 reason=_("Đóng thu thập phiếu và tính chỉ số"))])
    return counts


def competitiveness_compute(*, framework: CompetitivenessFramework, edition: IndexEdition) -> dict:
    SubIndexResult.objects.filter(result__edition=edition).delete()
    IndexResult.objects.filter(edition=edition).delete()
    IndicatorBound.objects.filter(framework=framework).delete()
    counts = _compute_sql(framework, edition) if connection.vendor == "postgresql" else _compute_portable(
        framework, edition)
    _grade(framework, edition)
    return counts


def framework_tiers(framework) -> list[tuple[str, Decimal]]:
    return [(grade["code"], Decimal(grade["min_index"])) for grade in framework.grades]


def _grade(framework, edition):
    """Each rated unit's grade (competitiveness.grade_of), one UPDATE per tier from the lowest up, so a unit ends
    with the highest tier it reaches."""
    for code, minimum in sorted(framework_tiers(framework), key=lambda tier: tier[1]):
        IndexResult.objects.filter(edition=edition, rated=True, value__gte=minimum).update(grade=code)


def earlier_frameworks(framework: CompetitivenessFramework, edition: IndexEdition):
    """The same index's frameworks of the block over the N − 1 years before this one (the bounds reach back)."""
    first = edition.year - framework.bounds_years + 1
    return CompetitivenessFramework.objects.filter(
        edition__index=edition.index_id, edition__block=edition.block_id,
        edition__year__gte=first, edition__year__lt=edition.year)


# --- PostgreSQL ---------------------------------------------------------------------------------------------------

# One pass over the answers, as bare as the aggregation can be: valid weights summed and counted per unit and
# question. Everything after it reads this small table (units × questions), not the answers.
_PER_QUESTION = """
CREATE TEMP TABLE ddci_question ON COMMIT DROP AS
SELECT r.unit_id, a.question_id, sum(o.weight) AS weights, count(*) AS answers
FROM surveys_answer a
JOIN surveys_response r ON r.id = a.response_id
JOIN surveys_option o ON o.id = a.option_id
WHERE r.survey_id = %(survey)s AND o.weight IS NOT NULL
  AND a.question_id IN (SELECT question_id FROM ddci_map)
  AND r.unit_id IN (SELECT id FROM scoring_unit WHERE block_id = %(block)s)
GROUP BY r.unit_id, a.question_id
"""

_RAW = """
CREATE TEMP TABLE ddci_raw ON COMMIT DROP AS
SELECT q.unit_id, m.indicator_id, i.sub_index_id, round(sum(q.weights) / sum(q.answers), 3) AS raw
FROM ddci_question q
JOIN ddci_map m ON m.question_id = q.question_id
JOIN surveys_indicator i ON i.id = m.indicator_id
GROUP BY q.unit_id, m.indicator_id, i.sub_index_id
"""

_MAP = """
CREATE TEMP TABLE ddci_map ON COMMIT DROP AS
SELECT iq.question_id, iq.indicator_id
FROM surveys_indicator_questions iq
JOIN surveys_indicator i ON i.id = iq.indicator_id
JOIN surveys_subindex s ON s.id = i.sub_index_id
WHERE s.framework_id = %(framework)s
"""

# A unit's valid answers (rule 15's minimum): the fewest valid answers it has on any one mapped question, so every
# indicator it is scaled on rests on at least that many firms; a question without any valid answer makes it 0.
_UNITS = """
CREATE TEMP TABLE ddci_units ON COMMIT DROP AS
WITH answered AS (
    SELECT unit_id, CASE WHEN count(*) = (SELECT count(DISTINCT question_id) FROM ddci_map) THEN min(answers)
                         ELSE 0 END AS answers
    FROM ddci_question GROUP BY unit_id
), covered AS (
    SELECT unit_id, count(DISTINCT sub_index_id) AS sub_indices FROM ddci_raw GROUP BY unit_id
)
SELECT u.id AS unit_id, u.ranked, u."group", coalesce(a.answers, 0) AS answers,
       coalesce(a.answers, 0) >= %(minimum)s
           AND coalesce(c.sub_indices, 0) = (SELECT count(*) FROM surveys_subindex WHERE framework_id = %(framework)s)
           AS rated
FROM scoring_unit u
LEFT JOIN answered a ON a.unit_id = u.id
LEFT JOIN covered c ON c.unit_id = u.id
WHERE u.block_id = %(block)s AND (u.active OR a.answers IS NOT NULL)
"""

_BOUNDS = """
INSERT INTO surveys_indicatorbound (framework_id, indicator_id, low, high, year_low, year_high)
WITH earlier AS (
    SELECT i.code, min(b.year_low) AS low, max(b.year_high) AS high
    FROM surveys_indicatorbound b JOIN surveys_indicator i ON i.id = b.indicator_id
    WHERE b.framework_id = ANY(%(earlier)s)
    GROUP BY i.code
)
SELECT %(framework)s, x.indicator_id, least(min(x.raw), min(e.low)), greatest(max(x.raw), max(e.high)),
       min(x.raw), max(x.raw)
FROM ddci_raw x
JOIN ddci_units u ON u.unit_id = x.unit_id AND u.rated
JOIN surveys_indicator i ON i.id = x.indicator_id
LEFT JOIN earlier e ON e.code = i.code
GROUP BY x.indicator_id
"""

_SUB = """
CREATE TEMP TABLE ddci_sub ON COMMIT DROP AS
SELECT x.unit_id, x.sub_index_id,
       round(avg(CASE WHEN b.high = b.low THEN 5.5 ELSE 1 + round(9 * (x.raw - b.low) / (b.high - b.low), 3) END),
             3) AS value
FROM ddci_raw x
JOIN ddci_units u ON u.unit_id = x.unit_id AND u.rated
JOIN surveys_indicatorbound b ON b.framework_id = %(framework)s AND b.indicator_id = x.indicator_id
GROUP BY x.unit_id, x.sub_index_id
"""

_RESULTS = """
INSERT INTO scoring_indexresult (edition_id, unit_id, rated, value, rank, answers, grade)
WITH valued AS (
    SELECT u.unit_id, u.ranked, u."group", u.answers, u.rated,
           round(sum(s.weight * v.value) / 10, %(precision)s) AS value
    FROM ddci_units u
    LEFT JOIN ddci_sub v ON v.unit_id = u.unit_id
    LEFT JOIN surveys_subindex s ON s.id = v.sub_index_id
    GROUP BY u.unit_id, u.ranked, u."group", u.answers, u.rated
)
SELECT %(edition)s, unit_id, rated, CASE WHEN rated THEN value END,
       CASE WHEN rated AND ranked THEN rank() OVER (PARTITION BY rated AND ranked, "group" ORDER BY value DESC) END,
       answers, ''
FROM valued
"""

_SUB_RESULTS = """
INSERT INTO scoring_subindexresult (result_id, code, name, position, value, rank)
SELECT r.id, s.code, s.name, s.position, v.value,
       CASE WHEN u.ranked THEN rank() OVER (PARTITION BY s.id, u.ranked, u."group" ORDER BY v.value DESC) END
FROM ddci_sub v
JOIN ddci_units u ON u.unit_id = v.unit_id
JOIN surveys_subindex s ON s.id = v.sub_index_id
JOIN scoring_indexresult r ON r.edition_id = %(edition)s AND r.unit_id = v.unit_id
"""


def _compute_sql(framework, edition) -> dict:
    params = {"framework": framework.pk, "edition": edition.pk, "survey": framework.survey_id,
              "block": edition.block_id, "minimum": framework.minimum_answers, "precision": edition.precision,
              "earlier": list(earlier_frameworks(framework, edition).values_list("pk", flat=True))}
    _check_weights(framework)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '128MB'")
        for statement in (_MAP, _PER_QUESTION, _RAW, _UNITS, _BOUNDS, _SUB, _RESULTS, _SUB_RESULTS):
            cursor.execute(statement, params)
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE rated) FROM ddci_units")
        units, rated = cursor.fetchone()
        for table in ("ddci_sub", "ddci_units", "ddci_raw", "ddci_question", "ddci_map"):
            cursor.execute(f"DROP TABLE {table}")
    return {"units": units, "rated": rated}


def _check_weights(framework):
    specs = _specs(framework)[0]
    if sum((spec.weight for spec in specs), Decimal(0)) != 100:
        raise ValueError(_("Tổng trọng số các chỉ số thành phần phải bằng 100."))


# --- Elsewhere (SQLite): the pure module ---------------------------------------------------------------------------


def _specs(framework):
    subs = list(SubIndex.objects.filter(framework=framework).prefetch_related("indicators__questions"))
    specs = [SubIndexSpec(str(sub.pk), sub.weight, tuple(str(ind.pk) for ind in sub.indicators.all()))
             for sub in subs]
    questions = {question.pk: str(ind.pk) for sub in subs for ind in sub.indicators.all()
                 for question in ind.questions.all()}
    return specs, subs, questions


def _compute_portable(framework, edition) -> dict:
    specs, subs, questions = _specs(framework)
    answers = (Answer.objects.filter(response__survey=framework.survey_id, response__unit__block=edition.block_id,
                                     option__weight__isnull=False, question__in=list(questions)))
    sums, counts = defaultdict(dict), defaultdict(dict)
    for unit, question, total, count in (answers.values_list("response__unit", "question")
                                         .annotate(total=Sum("option__weight"), count=Count("id")).order_by()):
        indicator = questions[question]
        previous = sums[unit].get(indicator, (Decimal(0), 0))
        sums[unit][indicator] = (previous[0] + total, previous[1] + count)
        counts[unit][question] = count
    answered = {unit: min(by_question.values()) if len(by_question) == len(questions) else 0
                for unit, by_question in counts.items()}
    units = Unit.objects.filter(Q(active=True) | Q(pk__in=list(answered)), block=edition.block_id)
    inputs = [UnitInput(unit.pk, {code: _mean(*pair) for code, pair in sums[unit.pk].items()},
                        answered.get(unit.pk, 0), unit.ranked, unit.group) for unit in units]
    block = score_block(inputs, specs, minimum_answers=framework.minimum_answers, precision=edition.precision,
                        earlier_bounds=_earlier_bounds(framework, edition, subs))
    _write_portable(framework, edition, subs, block, {unit.key: unit.answers for unit in inputs})
    return {"units": len(inputs), "rated": sum(1 for score in block.units.values() if score.rated)}


def _mean(total, count):
    return divide_half_up(Decimal(total), Decimal(count), SCALED_PLACES)


def _earlier_bounds(framework, edition, subs):
    code_to_pk = {ind.code: str(ind.pk) for sub in subs for ind in sub.indicators.all()}
    earlier = defaultdict(list)
    for bound in IndicatorBound.objects.filter(framework__in=earlier_frameworks(framework, edition)).select_related(
            "indicator"):
        if bound.indicator.code in code_to_pk:
            earlier[code_to_pk[bound.indicator.code]].append(Bounds(bound.year_low, bound.year_high))
    return earlier


def _write_portable(framework, edition, subs, block, answers):
    IndicatorBound.objects.bulk_create(
        IndicatorBound(framework=framework, indicator_id=int(code), low=bounds.low, high=bounds.high,
                       year_low=block.year_bounds[code].low, year_high=block.year_bounds[code].high)
        for code, bounds in block.bounds.items())
    results = IndexResult.objects.bulk_create(
        IndexResult(edition=edition, unit_id=score.key, rated=score.rated, value=score.index, rank=score.rank,
                    answers=answers[score.key])
        for score in block.units.values())
    by_unit = {result.unit_id: result for result in results}
    SubIndexResult.objects.bulk_create(
        SubIndexResult(result=by_unit[score.key], code=sub.code, name=sub.name, position=sub.position,
                       value=score.sub_indices[str(sub.pk)], rank=score.sub_index_ranks[str(sub.pk)])
        for score in block.units.values() if score.rated for sub in subs)
