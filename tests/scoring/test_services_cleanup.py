"""The periodic removal of temporary files (scoring/services/cleanup.py, task scoring.remove_temporary_files)."""
import os
import time
from pathlib import Path

import pytest

from scoring.services.cleanup import temporary_files_remove
from scoring.tasks import remove_temporary_files

DAY = 24 * 60 * 60


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "spool"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    return settings.MEDIA_ROOT


def write(path, *, age):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_partial_and_staged_files_older_than_a_day_are_removed(media, settings):
    old = [write(media / "evidence" / "incoming" / "tmpab12.part", age=DAY + 60),
           write(media / "reports" / ".tmpzz.zip.part", age=2 * DAY),
           write(media / "staging" / "abandoned-preview-token-000000.xlsx", age=DAY + 60),
           write(Path(settings.FILE_UPLOAD_TEMP_DIR) / "tmp9x.upload.xlsx", age=DAY + 60)]
    young = [write(media / "evidence" / "incoming" / "tmpcd34.part", age=60),
             write(media / "staging" / "preview-being-read-00000000.xlsx", age=3600)]
    kept = [write(media / "evidence" / "ab" / "ab12.pdf", age=10 * DAY),
            write(media / "reports" / "phieu-diem-2025-SO.zip", age=10 * DAY)]

    removed = temporary_files_remove()

    assert sorted(removed) == sorted(old)
    assert not any(path.exists() for path in old)
    assert all(path.exists() for path in young + kept)


def test_the_task_runs_the_cleanup_and_is_scheduled(media, settings):
    part = write(media / "evidence" / "incoming" / "tmpab12.part", age=DAY + 60)

    remove_temporary_files.delay()

    assert not part.exists()
    assert settings.CELERY_BEAT_SCHEDULE["remove-temporary-files"]["task"] == "scoring.remove_temporary_files"


def test_nothing_to_clean_is_not_an_error(media):
    assert temporary_files_remove() == []
