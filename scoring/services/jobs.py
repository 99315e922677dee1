"""Background jobs: a status row in the database, a thin Celery task, a conditional UPDATE as the claim."""
import logging
import socket
import threading

from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from ..models import Job, JobStatus

logger = logging.getLogger(__name__)
RUNNERS = {}
MAX_ATTEMPTS = 3


def job_runner(kind):
    """Registers the function that performs one kind of job: runner(job) -> result dict."""

    def register(func):
        RUNNERS[kind] = func
        return func

    return register


def job_enqueue(*, kind, scope="", params=None, user=None, countdown=None):
    from ..tasks import run_job

    job = Job.objects.create(kind=kind, scope=scope, params=params or {}, created_by=user)
    # The worker must see the row: enqueue only once the transaction that created it has committed.
    transaction.on_commit(lambda: run_job.apply_async((job.pk,), countdown=countdown))
    return job


def job_claim(job_id):
    """Two workers never run the same job: only the one whose UPDATE matched proceeds.

    A job found RUNNING was interrupted (the worker died and the broker redelivered it): it is run again."""
    claimed = Job.objects.filter(pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), progress=0, error=""
    )
    return Job.objects.get(pk=job_id) if claimed else None


def job_progress(job, percent, message=""):
    def write():
        Job.objects.filter(pk=job.pk).update(progress=max(0, min(100, int(percent))), message=message[:300])

    if connection.in_atomic_block and connection.vendor == "postgresql":
        # A job that works inside one transaction would show its progress only once done. Django's connections
        # are per thread, so a short-lived thread writes it on a connection of its own, committed at once.
        _in_own_connection(write)
    else:
        write()


def _in_own_connection(func):
    def run():
        try:
            func()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def job_run(job_id):
    # While it runs, the runner holds a PostgreSQL session lock on its job: a second delivery of the same message
    # passes by, and a RUNNING job whose lock is free has lost its worker (jobs_resume_interrupted).
    if not _job_lock(job_id):
        return
    try:
        _job_run_claimed(job_id)
    finally:
        _job_unlock(job_id)


def _job_run_claimed(job_id):
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


def jobs_resume_interrupted():
    """Re-sends RUNNING jobs whose worker died mid-job (killed, out of memory, power cut).

    The broker would redeliver the unacknowledged message too, but only after its visibility timeout (an hour),
    and not at all if Redis lost it. The dead worker's connection took its job lock with it (job_run)."""
    from ..tasks import run_job

    if connection.vendor != "postgresql":
        return []  # without PostgreSQL jobs run in-process: a dead process leaves nothing to resume
    running = Job.objects.filter(status=JobStatus.RUNNING).order_by("pk").values_list("pk", "attempts")
    gone = [(job_id, attempts) for job_id, attempts in running if _runner_gone(job_id)]
    # A job that kills its worker every time (out of memory, over the time limit) must not be re-sent forever.
    given_up = [job_id for job_id, attempts in gone if attempts >= MAX_ATTEMPTS]
    Job.objects.filter(pk__in=given_up).update(status=JobStatus.FAILED, finished_at=timezone.now(),
                                               error=f"Worker dừng giữa chừng {MAX_ATTEMPTS} lần; xem log của worker.")
    ids = [job_id for job_id, _attempts in gone if job_id not in given_up]
    for job_id in ids:
        run_job.delay(job_id)
    return ids


def _runner_gone(job_id):
    if not _job_lock(job_id):
        return False
    _job_unlock(job_id)
    return True


def _job_lock(job_id):
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [job_id])
        return cursor.fetchone()[0]


def _job_unlock(job_id):
    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [job_id])
    except DatabaseError:
        logger.warning("job %s: lock not released, its connection is gone (and the lock with it)", job_id)


@job_runner("selfcheck")
def selfcheck(job):
    """Proves a worker can reach the database and the broker: used by `manage.py check_worker`."""
    return {"worker": socket.gethostname(), "database": Job.objects.filter(pk=job.pk).exists()}
