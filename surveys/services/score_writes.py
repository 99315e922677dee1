"""Writing many leaf final scores and their audit rows in plain SQL.

A national run writes ~120,000 scores and as many audit rows. Through model instances and bulk_create that costs
about 150 µs of Python per row, several times the database's own work; bulk_update writes a CASE per row, which
grows with the square of the batch. Here each statement reads its rows from a common table expression `v`: on
PostgreSQL one array per column, unnested (a few text parameters, parsed in no time, instead of a VALUES list of
thousands of expressions), elsewhere a VALUES list. New rows get the values a new LeafScore or AuditEntry would
have. Callers run these inside their transaction."""
from collections.abc import Iterator, Sequence
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from scoring.models import AuditEntry, LeafScore
from scoring.services.audit import audit_value

# Rows per statement: SQLite takes at most 32,766 parameters; PostgreSQL's arrays take any number.
BATCH = {"postgresql": 20000}
DEFAULT_BATCH = 2000
LEAF_SCORE, AUDIT_ENTRY = LeafScore._meta.db_table, AuditEntry._meta.db_table


def leaf_scores_insert(rows: Sequence[tuple[int, int, Decimal]]) -> dict[tuple[int, int], int]:
    """New LeafScore rows (assessment id, criterion id, final score); returns {(assessment, criterion): id}."""
    empty_json = "'{}'::jsonb" if connection.vendor == "postgresql" else "'{}'"
    ids = {}
    for cte, params in _ctes(("assessment_id", "bigint"), ("criterion_id", "bigint"), ("score", "numeric"), rows=rows):
        ids.update({(assessment, criterion): pk for pk, assessment, criterion in _fetch(
            f"WITH {cte} INSERT INTO {LEAF_SCORE} (assessment_id, criterion_id, final_score, updated_at, "
            "self_not_applicable, self_inputs, explanation, appraisal_reason, not_applicable, version, "
            "self_not_applicable_reason, explanation_question, explanation_answer, second_reason) "
            f"SELECT v.assessment_id, v.criterion_id, v.score, %s, FALSE, {empty_json}, '', '', FALSE, 1, "
            "'', '', '', '' FROM v "
            "RETURNING id, assessment_id, criterion_id", [*params, _now()])})
    return ids


def leaf_scores_update(changes: Sequence[tuple[int, Decimal | None]]) -> None:
    """final_score of existing rows (id, new score), each row's version one higher."""
    for cte, params in _ctes(("id", "bigint"), ("score", "numeric"), rows=changes):
        _fetch(f"WITH {cte} UPDATE {LEAF_SCORE} SET final_score = v.score, version = {LEAF_SCORE}.version + 1, "
               f"updated_at = %s FROM v WHERE {LEAF_SCORE}.id = v.id", [*params, _now()])


def final_score_audit_insert(entries: Sequence[tuple[int, int, Decimal | None, Decimal | None]], *, source: str,
                             reason: str) -> None:
    """One AuditEntry per changed final score (leaf score id, assessment id, old, new), as audit_entry makes them
    with no actor: values are written the way audit_value writes them."""
    rows = [(pk, assessment, audit_value(old), audit_value(new)) for pk, assessment, old, new in entries]
    columns = ("entity_id", "bigint"), ("assessment_id", "bigint"), ("old_value", "text"), ("new_value", "text")
    for cte, params in _ctes(*columns, rows=rows):
        _fetch(f"WITH {cte} INSERT INTO {AUDIT_ENTRY} (created_at, source, entity, entity_id, assessment_id, field, "
               "old_value, new_value, reason) SELECT %s, %s, 'leaf_score', v.entity_id, v.assessment_id, "
               "'final_score', v.old_value, v.new_value, %s FROM v", [*params, _now(), source, reason])


def _ctes(*columns, rows) -> Iterator[tuple[str, list]]:
    """(`v(columns) AS (…)`, its parameters) for each batch of rows."""
    names = ", ".join(name for name, _type in columns)
    size = BATCH.get(connection.vendor, DEFAULT_BATCH)
    for start in range(0, len(rows), size):
        batch = rows[start:start + size]
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{sql_type}[]" for _name, sql_type in columns)
            yield f"v({names}) AS (SELECT * FROM unnest({arrays}))", [
                _array_literal(row[index] for row in batch) for index in range(len(columns))]
        else:
            cells = ", ".join("CAST(%s AS NUMERIC)" if sql_type == "numeric" else "%s" for _n, sql_type in columns)
            yield f"v({names}) AS (VALUES {', '.join([f'({cells})'] * len(batch))})", [
                value for row in batch for value in row]


def _array_literal(values) -> str:
    """A PostgreSQL array as text, '{1,2,NULL,"a b"}': one parameter, read by the array parser."""
    return "{" + ",".join("NULL" if value is None else _element(value) for value in values) + "}"


def _element(value):
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def _fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _now():
    return connection.ops.adapt_datetimefield_value(timezone.now())
