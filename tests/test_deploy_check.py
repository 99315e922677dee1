"""`manage.py check --deploy` is clean with the production environment, and refuses the development key."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"DEBUG": "0", "HTTPS": "1", "ALLOWED_HOSTS": "parindex.example.gov.vn"}
LEFT_OUT = ("DATABASE_URL", "SECRET_KEY", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE")  # set by the browser tests; the deploy check rightly refuses it


def deploy_check(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if k not in LEFT_OUT}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={**clean, "VAR_DIR": str(tmp_path), **PRODUCTION, **env}, capture_output=True, text=True,
        timeout=120,
    )


def test_the_deploy_check_passes_with_production_settings(tmp_path):
    result = deploy_check(tmp_path, SECRET_KEY=secrets.token_urlsafe(48))  # 64 characters

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_fails_without_a_secret_key(tmp_path):
    result = deploy_check(tmp_path)

    assert result.returncode != 0, result.stdout
    assert "security.W009" in result.stderr, result.stderr
    assert "identified 1 issue" in result.stderr, result.stderr  # the key, and nothing else
