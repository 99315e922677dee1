from celery import shared_task

from .services.jobs import job_run, jobs_resend_lost


@shared_task(name="scoring.run_job")
def run_job(job_id):
    job_run(job_id)


@shared_task(name="scoring.resend_lost_jobs")
def resend_lost_jobs():
    jobs_resend_lost()
