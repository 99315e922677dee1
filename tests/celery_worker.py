"""A real Celery worker process on Redis, reading the PostgreSQL test database."""
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_database_url():
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class Worker:
    def __init__(self, redis_url, queue):
        self.queue = queue
        self.log = ROOT / "var" / f"worker-{queue}.log"
        self.log.parent.mkdir(exist_ok=True)
        env = {**os.environ, "DATABASE_URL": test_database_url(), "REDIS_URL": redis_url, "CONN_MAX_AGE": "0"}
        cmd = [sys.executable, "-m", "celery", "-A", "parindex", "worker", "--pool=solo", "-Q", queue,
               "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"]
        self.process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)

    def kill(self):
        self.process.kill()
        self.process.wait(timeout=10)

    def output(self):
        return self.log.read_text(errors="replace")


def wait_for(predicate, *, timeout=30, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


@pytest.fixture
def celery_worker(require_postgres, require_redis, transactional_db):
    """Starts a worker on a queue of its own, so stale messages of other runs never reach it."""
    from parindex.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    worker = Worker(require_redis, queue)
    yield worker
    if worker.process.poll() is None:
        worker.kill()
    app.conf.task_default_queue = previous
