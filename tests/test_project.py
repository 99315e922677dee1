"""The project's own files: the production stack description and the env-driven settings."""
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def load_compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_compose_file_describes_the_production_stack_with_health_checks():
    services = load_compose()["services"]

    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("db", "redis", "web", "worker", "beat"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" in (ROOT / "Dockerfile").read_text()


def test_the_database_and_the_evidence_live_on_persistent_volumes():
    compose = load_compose()

    assert "pgdata:/var/lib/postgresql/data" in compose["services"]["db"]["volumes"]
    assert "evidence:/data/media" in compose["services"]["web"]["volumes"]
    assert compose["services"]["web"]["environment"]["MEDIA_ROOT"] == "/data/media"
    assert {"pgdata", "evidence"} <= set(compose["volumes"])


def settings_value(name, **env):
    code = f"from django.conf import settings; print(repr(settings.{name}))"
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT,
                            env={**clean, "DJANGO_SETTINGS_MODULE": "parindex.settings", **env},
                            capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_without_database_url_the_site_runs_on_a_sqlite_file_under_var():
    assert "sqlite3" in settings_value("DATABASES['default']['ENGINE']")
    assert "/var/" in settings_value("DATABASES['default']['NAME']")


def test_database_url_selects_postgresql_through_psycopg2():
    value = settings_value("DATABASES['default']['ENGINE']", DATABASE_URL="postgres://u@db:5432/parindex")
    assert "postgresql" in value


def test_without_a_broker_celery_runs_tasks_in_process_and_with_redis_it_queues_them():
    assert settings_value("CELERY_TASK_ALWAYS_EAGER") == "True"
    assert settings_value("CELERY_TASK_ALWAYS_EAGER", REDIS_URL="redis://127.0.0.1:6379/0") == "False"


def test_vietnamese_is_the_default_language_in_the_vietnam_time_zone():
    assert settings_value("LANGUAGE_CODE") == "'vi'"
    assert settings_value("TIME_ZONE") == "'Asia/Ho_Chi_Minh'"
    assert "'en'" in settings_value("LANGUAGES")


def test_celery_never_loses_a_job_when_a_worker_dies():
    from django.conf import settings

    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    # A task must be stopped before Redis would hand its message to a second worker.
    assert settings.CELERY_TASK_TIME_LIMIT < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]


def test_the_licence_is_an_spdx_expression_so_installing_prints_no_deprecation_warning():
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())

    assert project["project"]["license"] == "AGPL-3.0-or-later"
    assert "setuptools>=77" in project["build-system"]["requires"]  # the first to read PEP 639 licences
