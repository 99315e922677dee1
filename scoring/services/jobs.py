"""Background jobs: a status row in the database, a thin Celery task, a conditional UPDATE as the claim.

Every job ends. A runner writes a heartbeat while it works; the sweep (a beat task every minute, and the pages that
wait on jobs) re-sends a queued job whose message was lost, resumes a running job whose worker died, and fails,
with a message saying why, a job nobody will ever run: one queued for too long, or one whose in-process runner
(no broker: the web process itself) died with its process."""
import logging
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from ..models import Job, JobStatus

logger = logging.getLogger(__name__)
RUNNERS = {}
MAX_ATTEMPTS = 3
WORKER_HEARTBEAT_KEY = "jobs:worker-heartbeat"
UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)


def jobs_in_process() -> bool:
    """True without a broker (REDIS_URL unset): tasks run inside the process that sends them."""
    from parindex.celery import app

    return bool(app.conf.task_always_eager)


def job_runner(kind):
    """Registers the function that performs one kind of job: runner(job) -> result dict."""

    def register(func):
        RUNNERS[kind] = func
        return func

    return register


def job_enqueue(*, kind, scope="", params=None, user=None, countdown=None):
    job = Job.objects.create(kind=kind, scope=scope, params=params or {}, created_by=user)
    # The worker must see the row: enqueue only once the transaction that created it has committed.
    transaction.on_commit(lambda: job_send(job.pk, countdown=countdown))
    return job


def job_send(job_id, *, countdown=None, fail_unsent=True) -> bool:
    """Hands a job to the broker (in-process: runs it now). A broker that can't be reached does not fail the page
    that asked: the job is failed with a message saying so (fail_unsent), or left queued for the sweep."""
    from ..tasks import run_job

    if jobs_in_process():
        run_job.apply_async((job_id,), countdown=countdown)
        return True
    try:
        broker_check()  # Celery's own send would keep a page waiting for seconds before giving up
        run_job.apply_async((job_id,), countdown=countdown, retry=False)
    except (BrokerError, OSError) as error:
        logger.warning("job %s not sent, the broker is unreachable: %s", job_id, error)
        if fail_unsent:
            _fail(Job.objects.filter(pk=job_id, status=JobStatus.QUEUED), _(
                "Không gửi được tác vụ tới hàng đợi: Redis (hàng đợi tác vụ) không kết nối được. "
                "Hãy thử lại sau ít phút; nếu vẫn lỗi, báo quản trị hệ thống."))
        return False
    return True


def broker_check(timeout=2):
    """Raises kombu's OperationalError when the broker can't be reached (at once for a closed port)."""
    from parindex.celery import app

    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)


def job_claim(job_id):
    """Two workers never run the same job: only the one whose UPDATE matched proceeds.

    A job found RUNNING was interrupted (the worker died and the broker redelivered it): it is run again."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status__in=UNFINISHED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, progress=0, error=""
    )
    return Job.objects.get(pk=job_id) if claimed else None


def job_progress(job, percent, message=""):
    def write():
        Job.objects.filter(pk=job.pk).update(progress=max(0, min(100, int(percent))), message=message[:300],
                                             heartbeat_at=timezone.now())

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
        with _heartbeat(job.pk):
            result = RUNNERS[job.kind](job)
    except Exception as exc:  # the row says what went wrong; the worker lives on
        logger.exception("job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=str(exc)[:2000],
                                             finished_at=timezone.now())
        return
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, progress=100, result=result or {},
                                         finished_at=timezone.now())


class _heartbeat:
    """In a worker, a thread writes the job's heartbeat every JOB_HEARTBEAT_SECONDS while the runner works (a long
    SQL statement writes no progress). In-process, the runner's progress writes are the heartbeat: a second
    connection could wait on the request's own transaction."""

    def __init__(self, job_id):
        self.job_id, self.stop, self.thread = job_id, threading.Event(), None

    def __enter__(self):
        if not jobs_in_process():
            worker_heartbeat_record()
            self.thread = threading.Thread(target=self._beat, daemon=True)
            self.thread.start()

    def __exit__(self, *exc):
        if self.thread:
            self.stop.set()
            self.thread.join()

    def _beat(self):
        try:
            while not self.stop.wait(settings.JOB_HEARTBEAT_SECONDS):
                Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(heartbeat_at=timezone.now())
        finally:
            connections.close_all()


def worker_heartbeat_record():
    """A worker is alive: healthz shows when one last ran a job or the periodic sweep."""
    cache.set(WORKER_HEARTBEAT_KEY, {"at": timezone.now().isoformat(), "worker": socket.gethostname()}, None)


def worker_heartbeat_read():
    return cache.get(WORKER_HEARTBEAT_KEY)


def jobs_sweep(*, resend=True) -> dict:
    """Makes every unfinished job either move or end. The beat task runs it with resend=True every minute; the
    pages that wait on jobs (a job's page, a results run, publishing) run it with resend=False, which only fails
    what nobody will ever run, so polling a page never floods the broker with copies."""
    failed = _fail_never_started() + _fail_dead_in_process()
    if not resend:
        return {"failed": failed, "resent": [], "resumed": []}
    resent = jobs_resend_lost(older_than_seconds=settings.JOB_QUEUED_RESEND_SECONDS)
    return {"failed": failed, "resent": resent, "resumed": jobs_resume_interrupted()}


def _fail_never_started():
    """A queued job that no runner took within JOB_QUEUED_MAX_SECONDS (in-process: the resend delay, since its
    process sends it at once or never) will not run: failed, so it no longer holds back a publication."""
    seconds = settings.JOB_QUEUED_RESEND_SECONDS if jobs_in_process() else settings.JOB_QUEUED_MAX_SECONDS
    stale = Job.objects.filter(status=JobStatus.QUEUED, created_at__lt=timezone.now() - timedelta(seconds=seconds))
    minutes = max(1, seconds // 60)
    return _fail(stale, _("Tác vụ không bắt đầu sau %(minutes)s phút (hàng đợi hoặc worker không hoạt động): "
                          "hãy chạy lại.") % {"minutes": minutes})


def _fail_dead_in_process():
    """In-process, the runner was the web process itself: if it died, nothing will resume the job."""
    if not jobs_in_process():
        return []
    dead = [job_id for job_id, _attempts in _runners_gone(quiet_seconds=settings.JOB_HEARTBEAT_SECONDS)]
    return _fail(Job.objects.filter(pk__in=dead, status=JobStatus.RUNNING), _(
        "Tiến trình chạy tác vụ đã dừng giữa chừng (máy chủ khởi động lại hoặc hết bộ nhớ): hãy chạy lại."))


def _fail(queryset, message):
    ids = list(queryset.values_list("pk", flat=True))
    if ids:
        Job.objects.filter(pk__in=ids, status__in=UNFINISHED).update(
            status=JobStatus.FAILED, error=message, message=message[:300], finished_at=timezone.now())
        logger.warning("jobs %s failed: %s", ids, message)
    return ids


def jobs_resend_lost(*, older_than_seconds=600):
    """Re-sends queued jobs whose broker message was lost (no state lives only in Redis)."""
    if jobs_in_process():
        return []  # nothing is lost in a broker that does not exist; _fail_never_started ends them
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    ids = list(Job.objects.filter(status=JobStatus.QUEUED, created_at__lt=cutoff).values_list("pk", flat=True))
    return [job_id for job_id in ids if job_send(job_id, fail_unsent=False)]


def jobs_resume_interrupted():
    """Re-sends RUNNING jobs whose worker died mid-job (killed, out of memory, power cut).

    The broker would redeliver the unacknowledged message too, but only after its visibility timeout (an hour),
    and not at all if Redis lost it. The dead worker's connection took its job lock with it (job_run)."""
    if jobs_in_process():
        return []  # _fail_dead_in_process: a dead web process's job is failed, not re-run inside a page
    gone = _fail_given_up(_runners_gone())
    return [job_id for job_id in gone if job_send(job_id, fail_unsent=False)]


def _fail_given_up(gone):
    # A job that kills its worker every time (out of memory, over the time limit) must not be re-sent forever.
    given_up = [job_id for job_id, attempts in gone if attempts >= MAX_ATTEMPTS]
    _fail(Job.objects.filter(pk__in=given_up), _("Worker dừng giữa chừng %(times)s lần; xem log của worker.")
          % {"times": MAX_ATTEMPTS})
    return [job_id for job_id, _attempts in gone if job_id not in given_up]


def _runners_gone(*, quiet_seconds=None):
    """(id, attempts) of the RUNNING jobs whose runner is gone. PostgreSQL tells by the job lock the runner's
    connection held (among the jobs quiet for quiet_seconds, when given); SQLite only by a heartbeat older than
    JOB_STALE_SECONDS."""
    running = Job.objects.filter(status=JobStatus.RUNNING).order_by("pk")
    if connection.vendor != "postgresql":
        quiet_seconds = settings.JOB_STALE_SECONDS
    if quiet_seconds is not None:
        since = timezone.now() - timedelta(seconds=quiet_seconds)
        running = running.filter(heartbeat_at__lt=since) | running.filter(heartbeat_at=None, started_at__lt=since)
    if connection.vendor != "postgresql":
        return list(running.values_list("pk", "attempts"))
    return [(job_id, attempts) for job_id, attempts in running.values_list("pk", "attempts")
            if _runner_gone(job_id)]


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
