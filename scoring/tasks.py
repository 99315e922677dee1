from celery import shared_task

from .services import results  # noqa: F401  registers the results job runners, in workers and in-process alike
from .services import reports  # noqa: F401  registers the bulk scorecards job runner
from .services import upload_parse  # noqa: F401  registers the job that parses a large upload
from .services.jobs import job_run, jobs_sweep, worker_heartbeat_record


@shared_task(name="scoring.run_job")
def run_job(job_id):
    job_run(job_id)


@shared_task(name="scoring.sweep_jobs")
def sweep_jobs():
    """Every minute (CELERY_BEAT_SCHEDULE): every unfinished job moves or ends; the worker's heartbeat."""
    worker_heartbeat_record()
    jobs_sweep()


@shared_task(name="scoring.resend_lost_jobs")
def resend_lost_jobs():
    """The sweep's former name: a message sent by an older beat still finds its task."""
    sweep_jobs()


@shared_task(name="scoring.remove_temporary_files")
def remove_temporary_files():
    """Hourly (CELERY_BEAT_SCHEDULE): partial and staged files older than a day."""
    from .services.cleanup import temporary_files_remove

    temporary_files_remove()


@shared_task(name="scoring.send_reminders")
def send_reminders():
    """Daily (CELERY_BEAT_SCHEDULE): deadline reminders; safe to re-run."""
    from .services.reminders import reminders_send

    reminders_send()


@shared_task(name="scoring.email_set_password_link")
def email_set_password_link(user_id):
    """A new account's one-time link by e-mail; re-running sends a fresh link only while no password is set."""
    from .services.set_password_links import set_password_link_email

    set_password_link_email(user_id)
@shared_task(name="scoring.send_notice_emails")
def send_notice_emails(notice_ids):
    """After the commit of the change they tell of (services/notices.py); safe to re-run."""
    from .services.notices import notices_email

    notices_email(notice_ids)
