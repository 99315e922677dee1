import hashlib
import json
from decimal import Decimal

import pytest

from scoring.models import AuditEntry, Cycle, Job, JobStatus, Publication, UnitResult
from scoring.selectors import results_snapshot
from scoring.services.publications import (
    PublicationRefused, canonical_bytes, content_sha256, publication_changes, publication_create,
)
from tests.conftest import make_block, make_framework, make_unit

from .results_tables import make_block_results, make_result


@pytest.fixture
def results(personas):
    return make_block_results()


def recomputed_sha256(publication):
    content = Publication.objects.get(pk=publication.pk).content  # as the database gives it back
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(canonical).hexdigest()


def correct(result, **fields):
    for name, value in fields.items():
        setattr(result, name, value)
    result.save()


def test_the_sha256_recomputed_from_the_stored_content_matches_the_published_one(results, coordinator):
    publication = publication_create(year=2025, block_code="SO", user=coordinator, note="Quyết định 123/QĐ-UBND")

    assert recomputed_sha256(publication) == publication.sha256
    assert (publication.version, publication.year, publication.changes) == (1, 2025, [])
    assert publication.content == results_snapshot(2025, "SO")


def test_a_block_is_published_on_its_own_with_its_own_versions(results, coordinator):
    block = make_block("XA", "Khối xã", position=3)
    make_result(make_unit("X1", block=block), make_framework(year=2025, block=block), rank=1)

    so = publication_create(year=2025, block_code="SO", user=coordinator)
    xa = publication_create(year=2025, block_code="XA", user=coordinator)

    assert [block["code"] for block in so.content["blocks"]] == ["SO"]
    assert [block["code"] for block in xa.content["blocks"]] == ["XA"]
    assert (so.block.code, so.version, xa.block.code, xa.version) == ("SO", 1, "XA", 1)


def test_canonical_bytes_sort_keys_drop_spaces_and_keep_vietnamese_letters():
    assert canonical_bytes({"b": "Sở", "a": [1, None, True]}) == '{"a":[1,null,true],"b":"Sở"}'.encode()


def test_identical_results_hash_the_same_even_when_they_were_recomputed_in_between(results, coordinator):
    first = content_sha256(results_snapshot(2025))
    for result in UnitResult.objects.all():
        result.save()  # a new computed_at, the same numbers

    assert content_sha256(results_snapshot(2025)) == first


def test_publishing_the_same_results_again_is_refused(results, coordinator):
    publication_create(year=2025, block_code="SO", user=coordinator)

    with pytest.raises(PublicationRefused, match="không khác lần công bố thứ 1"):
        publication_create(year=2025, block_code="SO", user=coordinator)
    assert Publication.objects.count() == 1


def test_a_correction_is_version_2_listing_what_changed_per_unit(results, coordinator):
    first = publication_create(year=2025, block_code="SO", user=coordinator)
    correct(results["STP"], total=Decimal("19.143"), index=Decimal("63.81"))

    second = publication_create(year=2025, block_code="SO", user=coordinator, note="Đính chính điểm Sở Tư pháp")

    assert second.version == 2
    assert second.changes == [
        {"block": "SO", "unit_code": "STP", "field": "total", "old": "18.143", "new": "19.143"},
        {"block": "SO", "unit_code": "STP", "field": "index", "old": "60.48", "new": "63.81"},
    ]
    assert second.sha256 != first.sha256


def test_old_versions_stay_readable_and_still_verify(results, coordinator):
    first = publication_create(year=2025, block_code="SO", user=coordinator)
    correct(results["STP"], index=Decimal("63.81"))
    publication_create(year=2025, block_code="SO", user=coordinator)

    kept = Publication.objects.get(year=2025, version=1)
    assert kept.content == first.content
    assert recomputed_sha256(kept) == first.sha256


def test_area_changes_and_units_added_or_dropped_are_listed():
    def content(rows):
        return {"year": 2025, "blocks": [{"code": "SO", "results": rows}]}

    def row(code, index, area_index):
        return {"unit_code": code, "unit_name": f"Đơn vị {code}", "index": index,
                "areas": [{"code": "1", "points": "1.000", "max": "2.000", "index": area_index}]}

    changes = publication_changes(content([row("A", "50.00", "50.00"), row("B", "10.00", "10.00")]),
                                  content([row("A", "50.00", "55.00"), row("C", "20.00", "20.00")]))

    assert changes == [
        {"block": "SO", "unit_code": "A", "field": "areas.1.index", "old": "50.00", "new": "55.00"},
        {"block": "SO", "unit_code": "B", "field": "unit", "old": "Đơn vị B", "new": None},
        {"block": "SO", "unit_code": "C", "field": "unit", "old": None, "new": "Đơn vị C"},
    ]


def test_a_year_without_results_is_refused(db, coordinator):
    make_block("SO")
    with pytest.raises(PublicationRefused, match="Chưa có kết quả năm 2025"):
        publication_create(year=2025, block_code="SO", user=coordinator)


def test_incomplete_results_are_refused_naming_the_units(results, coordinator):
    correct(results["STC"], incomplete=True)
    correct(results["BQL"], incomplete=True)

    # Every unit that stops it, each with the page that resolves it (no cycle here: the results page).
    with pytest.raises(PublicationRefused, match=r"2 đơn vị chưa đủ điểm: BQL \(chưa đủ điểm: /results/\?year=2025"
                                                 r"&block=SO\); STC"):
        publication_create(year=2025, block_code="SO", user=coordinator)
    assert not Publication.objects.exists()


def test_a_block_assessed_that_year_without_results_is_refused(results, coordinator):
    block = make_block("XA", "Khối xã", position=3)
    Cycle.objects.create(year=2025, block=block, framework=make_framework(year=2025, block=block))

    with pytest.raises(PublicationRefused, match="Chưa có kết quả năm 2025 của Khối xã"):
        publication_create(year=2025, block_code="XA", user=coordinator)


def test_a_results_run_still_pending_is_refused(results, coordinator):
    job = Job.objects.create(kind="compute_results", scope="results:2025:SO", params={"year": 2025})

    with pytest.raises(PublicationRefused, match=f"tác vụ #{job.pk}"):
        publication_create(year=2025, block_code="SO", user=coordinator)


def test_a_queued_run_that_never_started_no_longer_blocks_publication(results, coordinator):
    from datetime import timedelta

    from django.utils import timezone

    job = Job.objects.create(kind="compute_results", scope="results:2025:SO", params={"year": 2025})
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=2))  # a broker outage's leftover

    publication = publication_create(year=2025, block_code="SO", user=coordinator)

    job.refresh_from_db()
    assert publication.version == 1
    assert job.status == JobStatus.FAILED and "Tác vụ không bắt đầu sau" in job.error


def test_publishing_writes_the_audit_log(results, coordinator):
    first = publication_create(year=2025, block_code="SO", user=coordinator, note="QĐ 1")
    correct(results["STP"], index=Decimal("63.81"))
    second = publication_create(year=2025, block_code="SO", user=coordinator, note="QĐ 2")

    entries = AuditEntry.objects.filter(entity="publication", entity_id=second.pk).order_by("field")
    assert [(e.field, e.old_value, e.new_value, e.actor, e.reason) for e in entries] == [
        ("sha256", first.sha256, second.sha256, coordinator, "QĐ 2"),
        ("version", "1", "2", coordinator, "QĐ 2"),
    ]


def test_the_database_refuses_to_edit_or_delete_a_publication(results, coordinator, require_postgres):
    from django.db import connection, transaction
    from django.db.utils import InternalError

    publication = publication_create(year=2025, block_code="SO", user=coordinator)

    for statement in ("UPDATE scoring_publication SET sha256 = 'x' WHERE id = %s",
                      "DELETE FROM scoring_publication WHERE id = %s"):
        with pytest.raises(InternalError, match="immutable"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement, [publication.pk])
    assert Publication.objects.get(pk=publication.pk).sha256 == publication.sha256


def test_the_database_refuses_to_truncate_the_publications(results, coordinator, require_postgres):
    from django.db import connection, transaction
    from django.db.utils import InternalError

    publication_create(year=2025, block_code="SO", user=coordinator)

    with pytest.raises(InternalError, match="immutable .*TRUNCATE refused"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's transaction holds deferred FK checks
            cursor.execute("SET LOCAL parindex.allow_truncate = 'off'")  # the test suite's own sessions allow it
            cursor.execute("TRUNCATE scoring_publication CASCADE")
    assert Publication.objects.count() == 1
