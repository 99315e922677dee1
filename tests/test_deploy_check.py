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


def test_collectstatic_with_debug_off_builds_a_manifest_that_every_template_reference_resolves(tmp_path):
    """The Dockerfile's build step (DEBUG=0 collectstatic, manifest storage) succeeds, and every {% static %}
    path a template names is in the manifest, so no page answers 500 "Missing staticfiles manifest entry"."""
    import json
    import re

    clean = {k: v for k, v in os.environ.items() if k not in LEFT_OUT}
    static_root = tmp_path / "static"
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env={**clean, "VAR_DIR": str(tmp_path), "DEBUG": "0", "SECRET_KEY": "build-only",
                       "STATIC_ROOT": str(static_root)},
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    named = set()
    for template in (ROOT / "templates").rglob("*.html"):
        named |= set(re.findall(r"""\{%\s*static\s+['"]([^'"]+)['"]""", template.read_text()))
    assert named, "no {% static %} reference found: the pattern is wrong"
    assert sorted(named - set(manifest)) == []
    for name in named:
        assert (static_root / manifest[name]).is_file(), name


def test_the_login_page_answers_200_with_manifest_storage(tmp_path, settings, client):
    from django.core.management import call_command

    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    call_command("collectstatic", "--noinput", verbosity=0)

    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert b"/static/css/parindex." in response.content
