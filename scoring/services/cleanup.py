"""Temporary files left behind: partial writes (`*.part`: an evidence upload being hashed, a ZIP of scorecards being
built) and staged workbooks whose preview was never confirmed, under MEDIA_ROOT; and the request bodies Django
spools to the temporary folder (`*.upload*`) when a process dies mid-request. A writer removes its own file when
it finishes or fails; these are what a killed process or an abandoned preview leaves."""
import logging
import tempfile
import time
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)
MAX_AGE_SECONDS = 24 * 60 * 60


def temporary_files_remove(*, older_than_seconds: int = MAX_AGE_SECONDS) -> list[Path]:
    """Removes the temporary files older than a day (nobody is still writing or confirming them); returns them."""
    cutoff = time.time() - older_than_seconds
    removed = [path for path in _temporary_files() if _remove_if_older(path, cutoff)]
    if removed:
        logger.info("removed %s temporary files older than %ss", len(removed), older_than_seconds)
    return removed


def _temporary_files():
    media = Path(settings.MEDIA_ROOT)
    yield from media.rglob("*.part")
    staging = media / "staging"
    if staging.is_dir():
        yield from (path for path in staging.iterdir() if path.is_file())
    spool = Path(settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir())
    yield from spool.glob("*.upload*")


def _remove_if_older(path, cutoff):
    try:
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink()
            return True
    except OSError as error:  # gone meanwhile, or another user's file in the shared temporary folder
        logger.debug("temporary file %s left: %s", path, error)
    return False
