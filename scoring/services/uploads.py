"""Uploaded workbooks staged on disk between a preview and its confirmation (the framework import, the survey design
import): nothing is saved to the database until the user confirms a file without errors."""
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
STAGED_LIFETIME = 24 * 60 * 60


def staged_upload_path(token: str) -> Path | None:
    """Where the upload `token` is staged; None for a token we could never have issued."""
    if not TOKEN.fullmatch(token or ""):
        return None
    return Path(settings.MEDIA_ROOT) / "staging" / f"{token}.xlsx"


def upload_stage(*, file) -> str:
    """Keep an uploaded workbook until the user confirms it; returns its token."""
    token = secrets.token_urlsafe(24)
    path = staged_upload_path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    _purge_stale(path.parent)
    with path.open("wb") as out:
        for chunk in file.chunks():
            out.write(chunk)
    return token


def upload_discard(*, token: str) -> None:
    path = staged_upload_path(token)
    if path:
        path.unlink(missing_ok=True)


def _purge_stale(folder: Path) -> None:
    # Previews abandoned without a confirmation would otherwise pile up.
    limit = time.time() - STAGED_LIFETIME
    for path in folder.glob("*.xlsx"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
