from scoring.models import Job, JobStatus
from scoring.services.jobs import job_claim, job_enqueue, job_run, job_runner
from tests.celery_worker import wait_for


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
