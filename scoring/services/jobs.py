"""Background jobs: a status row in the database, a thin Celery task, a conditional UPDATE as the claim."""
import logging
import socket

from django.db import transaction
from django.utils import timezone

from ..models import Job, JobStatus

logger = logging.getLogger(__name__)
RUNNERS = {}


def job_runner(kind):
    """Registers the function that performs one kind of job: runner(job) -> result dict."""

    def register(func):
        RUNNERS[kind] = func
        return func

    return register


def job_enqueue(*, kind, scope="", params=None, user=None):
    from ..tasks import run_job

    job = Job.objects.create(kind=kind, scope=scope, params=params or {}, created_by=user)
    # The worker must see the row: enqueue only once the transaction that created it has committed.
    transaction.on_commit(lambda: run_job.delay(job.pk))
    return job


def job_claim(job_id):
    """Two workers never run the same job: only the one whose UPDATE matched proceeds.

    A job found RUNNING was interrupted (the worker died and the broker redelivered it): it is run again."""
    claimed = Job.objects.filter(pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), progress=0, error=""
    )
    return Job.objects.get(pk=job_id) if claimed else None


def job_progress(job, percent, message=""):
    Job.objects.filter(pk=job.pk).update(progress=max(0, min(100, int(percent))), message=message[:300])


def job_run(job_id):
    job = job_claim(job_id)
    if job is None:
        return
    Job.objects.filter(pk=job.pk).update(attempts=job.attempts + 1)
    try:
        result = RUNNERS[job.kind](job)
    except Exception as exc:  # the row says what went wrong; the worker lives on
        logger.exception("job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=str(exc)[:2000],
                                             finished_at=timezone.now())
        return
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, progress=100, result=result or {},
                                         finished_at=timezone.now())


def jobs_resend_lost(*, older_than_seconds=600):
    """Re-sends queued jobs whose broker message was lost (no state lives only in Redis)."""
    from ..tasks import run_job

    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    ids = list(Job.objects.filter(status=JobStatus.QUEUED, created_at__lt=cutoff).values_list("pk", flat=True))
    for job_id in ids:
        run_job.delay(job_id)
    return ids


@job_runner("selfcheck")
def selfcheck(job):
    """Proves a worker can reach the database and the broker: used by `manage.py check_worker`."""
    return {"worker": socket.gethostname(), "database": Job.objects.filter(pk=job.pk).exists()}
