import os
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from scoring.models import Job, JobStatus
from scoring.services.jobs import job_claim, job_enqueue, job_run, job_runner, jobs_sweep, worker_heartbeat_read
from tests.celery_worker import ROOT, wait_for
from tests.celery_worker import test_database_url as database_url


def test_a_real_worker_runs_an_enqueued_job_against_postgresql(celery_worker):
    job = job_enqueue(kind="selfcheck")

    finished = wait_for(lambda: Job.objects.get(pk=job.pk).status == JobStatus.DONE, timeout=60)

    assert finished, celery_worker.output()[-3000:]
    job.refresh_from_db()
    assert job.result["database"] is True
    assert job.attempts == 1


def test_a_job_is_claimed_by_one_runner_only(db):
    job = Job.objects.create(kind="selfcheck")
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE)

    assert job_claim(job.pk) is None


def test_a_failing_job_records_its_error_and_does_not_raise(db):
    @job_runner("explodes")
    def explodes(job):
        raise ValueError("Dữ liệu hỏng")

    job = Job.objects.create(kind="explodes")
    job_run(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "Dữ liệu hỏng" in job.error
    assert job.finished_at is not None


def test_jobs_enqueued_in_process_finish_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(kind="selfcheck")

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.progress == 100


# --- Every job ends (services/jobs.py: heartbeat and sweep) ---------------------------------------------------


@pytest.fixture
def worker_mode(monkeypatch):
    """Jobs as a worker runs them (tests otherwise run tasks in-process)."""
    from parindex.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)


def test_a_job_whose_in_process_runner_was_killed_is_failed_with_a_message(transactional_db, require_postgres,
                                                                          settings):
    settings.JOB_HEARTBEAT_SECONDS = 0
    job = Job.objects.create(kind="sleeps")
    runner = ("import time\nfrom scoring.services.jobs import job_run, job_runner\n"
              "job_runner('sleeps')(lambda job: time.sleep(120))\n"
              f"job_run({job.pk})\n")
    # No REDIS_URL: the process that starts a job runs it itself, as `make run` and a broker-less server do.
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": "", "CONN_MAX_AGE": "0"}
    process = subprocess.Popen([sys.executable, "manage.py", "shell", "-c", runner], cwd=ROOT, env=env)
    try:
        assert wait_for(lambda: Job.objects.get(pk=job.pk).status == JobStatus.RUNNING, timeout=60)
        assert jobs_sweep(resend=False)["failed"] == []  # alive: its process holds the job's lock
    finally:
        process.kill()
        process.wait(timeout=10)

    assert wait_for(lambda: job.pk in jobs_sweep(resend=False)["failed"], timeout=10)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert "Tiến trình chạy tác vụ đã dừng giữa chừng" in job.error and "hãy chạy lại" in job.message


def test_a_running_job_silent_for_long_with_no_runner_is_failed_in_process(db):
    long_ago = timezone.now() - timedelta(hours=2)
    job = Job.objects.create(kind="selfcheck", status=JobStatus.RUNNING, progress=12)
    Job.objects.filter(pk=job.pk).update(started_at=long_ago, heartbeat_at=long_ago)

    assert jobs_sweep(resend=False)["failed"] == [job.pk]
    assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED


def test_a_running_job_with_a_fresh_heartbeat_is_left_to_run(db):
    job = Job.objects.create(kind="selfcheck", status=JobStatus.RUNNING, started_at=timezone.now(),
                             heartbeat_at=timezone.now())

    assert jobs_sweep(resend=False) == {"failed": [], "resent": [], "resumed": []}
    assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING


def test_a_queued_job_a_worker_never_started_is_failed_after_the_limit(db, worker_mode):
    old = Job.objects.create(kind="selfcheck")
    recent = Job.objects.create(kind="selfcheck")
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=61))
    Job.objects.filter(pk=recent.pk).update(created_at=timezone.now() - timedelta(minutes=20))

    swept = jobs_sweep(resend=False)

    assert swept["failed"] == [old.pk]
    old.refresh_from_db()
    assert old.status == JobStatus.FAILED and "Tác vụ không bắt đầu sau 60 phút" in old.error
    assert Job.objects.get(pk=recent.pk).status == JobStatus.QUEUED  # the beat re-sends it (resend=True)


def test_a_worker_writes_the_heartbeat_while_the_runner_works(transactional_db, require_postgres, worker_mode,
                                                              settings):
    settings.JOB_HEARTBEAT_SECONDS = 0.05

    @job_runner("works-quietly")
    def works_quietly(job):
        time.sleep(0.5)  # no progress written: only the heartbeat thread says the runner is alive
        return {"heartbeat": Job.objects.get(pk=job.pk).heartbeat_at.isoformat()}

    job = Job.objects.create(kind="works-quietly")
    job_run(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert datetime.fromisoformat(job.result["heartbeat"]) > job.started_at + timedelta(seconds=0.2)
    assert worker_heartbeat_read()["at"]  # /healthz: a worker was seen


def test_the_periodic_sweep_is_scheduled_every_minute():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["sweep-jobs"] == {"task": "scoring.sweep_jobs", "schedule": 60.0}
