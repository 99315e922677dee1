from celery import shared_task

from .services import results  # noqa: F401  registers the results job runners, in workers and in-process alike
from .services import reports  # noqa: F401  registers the bulk scorecards job runner
from .services.jobs import job_run, jobs_resend_lost, jobs_resume_interrupted


@shared_task(name="scoring.run_job")
def run_job(job_id):
    job_run(job_id)


@shared_task(name="scoring.resend_lost_jobs")
def resend_lost_jobs():
    jobs_resend_lost()
    jobs_resume_interrupted()


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
