"""What /healthz reports, part by part: the database, the broker, and when a worker was last seen alive."""
import logging
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from ..services.jobs import broker_check, jobs_in_process, worker_heartbeat_read

logger = logging.getLogger(__name__)


def health_report() -> tuple[int, dict]:
    """(HTTP status, body). Only the database makes the web process unfit (503): without the broker or a worker
    every page but the background jobs still works, so the body says "degraded" and the status stays 200."""
    parts = {"database": database_health(), "broker": broker_health(), "worker": worker_health()}
    if parts["database"]["status"] != "ok":
        return 503, {"status": "error", **parts}
    healthy = all(part["status"] in ("ok", "in-process") for part in parts.values())
    return 200, {"status": "ok" if healthy else "degraded", **parts}


def database_health():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.error("healthz: database unreachable: %s", error)
        return {"status": "down", "error": type(error).__name__}
    return {"status": "ok", "vendor": connection.vendor}


def broker_health():
    if jobs_in_process():
        return {"status": "in-process"}
    try:
        broker_check()
    except (BrokerError, OSError) as error:
        logger.error("healthz: broker unreachable: %s", error)
        return {"status": "down", "error": type(error).__name__}
    return {"status": "ok"}


def worker_health():
    """The last heartbeat a worker left (scoring.sweep_jobs every minute, and every job it runs)."""
    if jobs_in_process():
        return {"status": "in-process"}
    beat = worker_heartbeat_read()
    if not beat:
        return {"status": "unknown", "last_heartbeat": None}
    seen = datetime.fromisoformat(beat["at"])
    age = int((timezone.now() - seen).total_seconds())
    status = "ok" if age <= settings.WORKER_HEARTBEAT_STALE_SECONDS else "stale"
    return {"status": status, "last_heartbeat": beat["at"], "age_seconds": age, "worker": beat.get("worker", "")}
