"""Celery autodiscovers this module in every worker: importing the survey services registers their job runners
(scoring.run_job runs every kind of job by its registered runner)."""
from .services import points  # noqa: F401
