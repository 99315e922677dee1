"""A results run on a real Celery worker that is killed mid-run (needs PostgreSQL and Redis).

No test hook slows the run down: the test holds row locks on block XA's stored results from a connection of its
own, so the worker computes and writes block SO inside its transaction, then waits to write XA with the Job row
saying "running". That is where the worker is killed (SIGKILL). Redis would redeliver the unacknowledged message only after its visibility timeout (an
hour), so the test resumes the job the way the beat task does, with jobs_sweep(): it re-sends RUNNING
jobs whose worker is gone, which PostgreSQL tells by the job lock the dead worker's connection held.
"""
from decimal import Decimal

import psycopg2
import pytest
from django.db import connection, transaction
from django.forms.models import model_to_dict

from scoring.models import Job, JobStatus, LeafScore, UnitResult
from scoring.services.jobs import MAX_ATTEMPTS, job_progress, jobs_resume_interrupted, jobs_sweep
from scoring.services.results import results_compute, results_run_start
from tests.celery_worker import Worker, wait_for
from tests.celery_worker import test_database_url as database_url
from tests.scoring.results_data import make_province


def snapshot():
    return {row.unit_id: model_to_dict(row) | {"computed_at": row.computed_at}
            for row in UnitResult.objects.filter(year=2025)}


def without_time(rows):
    return {key: {field: value for field, value in row.items() if field != "computed_at"}
            for key, row in rows.items()}


def lock_waiters():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0]


@pytest.fixture
def xa_results_held(transactional_db, require_postgres):
    """hold(): locks block XA's stored 2025 results on a connection of the test's own until release()."""
    holder = psycopg2.connect(database_url())

    def hold():
        holder.cursor().execute("SELECT 1 FROM scoring_unitresult r JOIN scoring_block b ON b.id = r.block_id "
                                "WHERE b.code = 'XA' AND r.year = 2025 FOR UPDATE")

    yield hold, holder.rollback
    holder.close()


def test_a_worker_killed_mid_run_leaves_the_previous_results_and_the_job_is_run_again(
        celery_worker, require_redis, xa_results_held):
    hold_xa, release_xa = xa_results_held
    make_province()
    results_compute(year=2025)
    previous = snapshot()
    hold_xa()
    LeafScore.objects.filter(assessment__unit__code="SKHDT", assessment__cycle__year=2025,
                             criterion__code="2.1").update(final_score=Decimal(20))  # the re-run must show it

    job = results_run_start(year=2025)
    waiting_on_xa = wait_for(lambda: "XA" in Job.objects.get(pk=job.pk).message, timeout=60)

    assert waiting_on_xa, celery_worker.output()[-3000:]
    assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING
    assert Job.objects.get(pk=job.pk).heartbeat_at is not None
    assert wait_for(lambda: lock_waiters() >= 1, timeout=60)
    assert snapshot() == previous  # block SO is rewritten, but only inside the worker's open transaction
    celery_worker.kill()
    release_xa()
    assert snapshot() == previous

    worker = Worker(require_redis, celery_worker.queue)
    try:
        resumed = wait_for(lambda: job.pk in jobs_sweep()["resumed"], timeout=60)  # what the beat runs
        finished = wait_for(lambda: Job.objects.get(pk=job.pk).is_finished, timeout=60)
    finally:
        worker.kill()

    assert resumed and finished, worker.output()[-3000:]
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == (JobStatus.DONE, 2, {"units": 15, "blocks": ["SO", "XA"]})
    rerun = snapshot()
    assert UnitResult.objects.get(year=2025, unit__code="SKHDT").index == Decimal("84")
    results_compute(year=2025)
    assert without_time(rerun) == without_time(snapshot())


# --- What the resumption relies on (PostgreSQL) -----------------------------------------------------------------


@pytest.fixture
def worker_mode(monkeypatch):
    """The sweep as a worker runs it (tests otherwise run tasks in-process)."""
    from parindex.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)


def test_a_running_job_is_resumed_only_once_its_runner_is_gone(require_postgres, worker_mode, monkeypatch):
    sent = []
    monkeypatch.setattr("scoring.tasks.run_job", type("Task", (), {
        "apply_async": staticmethod(lambda args, **options: sent.append(args[0]))}))
    job = Job.objects.create(kind="selfcheck", status=JobStatus.RUNNING, attempts=1)
    runner = psycopg2.connect(database_url())  # a worker's connection, holding the job's lock
    try:
        runner.cursor().execute("SELECT pg_advisory_lock(%s)", [job.pk])
        assert jobs_resume_interrupted() == []
    finally:
        runner.close()
    # The server releases a closed connection's locks when its backend exits, a moment after the client closes.
    assert wait_for(lambda: not advisory_lock_held(job.pk), timeout=10)

    assert jobs_resume_interrupted() == [job.pk]
    assert sent == [job.pk]


def test_a_job_that_keeps_killing_its_worker_is_failed_instead_of_resent(require_postgres, worker_mode):
    job = Job.objects.create(kind="selfcheck", status=JobStatus.RUNNING, attempts=MAX_ATTEMPTS)

    assert jobs_resume_interrupted() == []

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "3 lần" in job.error


def test_progress_written_inside_the_jobs_transaction_is_seen_at_once(transactional_db, require_postgres):
    job = Job.objects.create(kind="selfcheck", status=JobStatus.RUNNING)
    seen = []

    other = psycopg2.connect(database_url())
    try:
        with transaction.atomic():
            job_progress(job, 40, "Khối SO")
            with other.cursor() as cursor:
                cursor.execute("SELECT progress, message FROM scoring_job WHERE id = %s", [job.pk])
                seen.append(cursor.fetchone())
    finally:
        other.close()

    assert seen == [(40, "Khối SO")]


def advisory_lock_held(key):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objsubid = 1 AND objid = %s AND granted", [key])
        return cursor.fetchone()[0] > 0


def test_reading_the_next_blocks_scores_ahead_on_a_second_connection_gives_the_same_rows(xa_results_held):
    make_province()
    results_compute(year=2025)  # outside any transaction: the next block's sums are read ahead
    ahead = without_time(snapshot())
    with transaction.atomic():  # inside one: a second connection couldn't see uncommitted scores, so no read-ahead
        results_compute(year=2025)

    assert without_time(snapshot()) == ahead
    assert len(ahead) == 15
