"""Uploaded workbooks staged on disk between a preview and its confirmation (the framework import, the survey design
import, the self-assessment workbook): nothing is saved to the database until the user confirms a file without
errors. Beside the file lies its values, parsed once at the upload (scoring.excel.sheets.WorkbookValues), so a
reload of the preview never parses the file again."""
import pickle
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


def upload_stage(*, file, values=None) -> str:
    """Keep an uploaded workbook (and its parsed `values`, if given) until the user confirms it; returns its
    token."""
    token = secrets.token_urlsafe(24)
    path = staged_upload_path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    _purge_stale(path.parent)
    with path.open("wb") as out:
        for chunk in file.chunks():
            out.write(chunk)
    if values is not None:
        staged_values_keep(token=token, values=values)
    return token


def _values_path(path: Path) -> Path:
    return path.with_suffix(".values")


def staged_values_path(token: str) -> Path:
    """Where the parsed values of the upload `token` are kept (the parsing job writes them)."""
    return _values_path(staged_upload_path(token))


def staged_values_keep(*, token: str, values) -> None:
    path = staged_upload_path(token)
    # Only this module writes the file, under MEDIA_ROOT, named by a token we issued: unpickling it is safe.
    with _values_path(path).open("wb") as out:
        pickle.dump(values, out, protocol=pickle.HIGHEST_PROTOCOL)


def staged_values(token: str):
    """The values parsed when `token` was staged, or None (staged before values were kept)."""
    path = staged_upload_path(token)
    try:
        with _values_path(path).open("rb") as stored:
            return pickle.load(stored)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, TypeError):
        return None


def upload_discard(*, token: str) -> None:
    path = staged_upload_path(token)
    if path:
        path.unlink(missing_ok=True)
        _values_path(path).unlink(missing_ok=True)


def _purge_stale(folder: Path) -> None:
    # Previews abandoned without a confirmation would otherwise pile up.
    limit = time.time() - STAGED_LIFETIME
    for path in [*folder.glob("*.xlsx"), *folder.glob("*.values"), *folder.glob("*.part")]:
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
