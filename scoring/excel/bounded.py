"""Parsing a workbook in a child process with its own time and memory limits (the upload-parsing job,
scoring/services/upload_parse.py). `parse_workbook_bounded` runs this module as `python -m scoring.excel.bounded`:
the child sets RLIMIT_AS (its address space may grow by WORKBOOK_PARSE_MEMORY_MB beyond what Django itself takes)
and RLIMIT_CPU, measures and reads the workbook (read_workbook_values), writes the values, pickled, to the given
path and its issues as JSON on stdout; the parent kills it after WORKBOOK_PARSE_SECONDS of wall-clock time.

A child process rather than Celery's time limits: those bound neither memory nor anything at all in in-process mode
(no broker: the job runs inside the web request), and a worker that parsed a large sheet keeps its memory after; a
child process is bounded the same way in both modes and gives every byte back when it ends. A subprocess rather
than multiprocessing: Celery's pool processes are daemonic and may not start multiprocessing children."""
import json
import os
import pickle
import resource
import signal
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _, get_language

MB = 1024 * 1024
MEMORY_EXIT = 3
# How a child that ran out of address space dies when the failed allocation was not Python's own.
MEMORY_SIGNALS = {-signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS, -signal.SIGKILL}


class WorkbookParseFailed(Exception):
    """The child passed a limit or died; the message names the limit, in the user's language."""


def parse_workbook_bounded(path, values_path, limits, *, seconds=None, memory_mb=None) -> list[str]:
    """Reads the workbook at `path` in a bounded child process and writes its WorkbookValues, pickled, to
    `values_path`. Returns the reader's issues (a size limit, a damaged file: nothing written) or [] when the values
    were written. Raises WorkbookParseFailed when the child passes its time or memory limit."""
    seconds = seconds if seconds is not None else settings.WORKBOOK_PARSE_SECONDS
    memory_mb = memory_mb if memory_mb is not None else settings.WORKBOOK_PARSE_MEMORY_MB
    request = json.dumps({"path": str(path), "out": str(values_path), "limits": asdict(limits),
                          "memory_mb": memory_mb, "cpu_seconds": int(seconds) + 1,
                          "language": get_language() or settings.LANGUAGE_CODE})
    try:
        done = subprocess.run([sys.executable, "-m", "scoring.excel.bounded"], input=request.encode(),
                              capture_output=True, timeout=seconds, cwd=settings.BASE_DIR, env=_child_environment())
    except subprocess.TimeoutExpired as exc:  # run() has killed the child
        Path(values_path).unlink(missing_ok=True)
        raise WorkbookParseFailed(_(
            "Đọc tệp quá %(seconds)s giây (giới hạn thời gian WORKBOOK_PARSE_SECONDS): tệp quá lớn hoặc quá phức "
            "tạp. Hãy chia nhỏ tệp rồi tải lên lại.") % {"seconds": seconds}) from exc
    if done.returncode == MEMORY_EXIT or done.returncode in MEMORY_SIGNALS or done.returncode == -signal.SIGXCPU:
        Path(values_path).unlink(missing_ok=True)
        if done.returncode == -signal.SIGXCPU:
            raise WorkbookParseFailed(_(
                "Đọc tệp quá %(seconds)s giây (giới hạn thời gian WORKBOOK_PARSE_SECONDS): tệp quá lớn hoặc quá "
                "phức tạp. Hãy chia nhỏ tệp rồi tải lên lại.") % {"seconds": seconds})
        raise WorkbookParseFailed(_(
            "Đọc tệp cần hơn %(mb)s MB bộ nhớ (giới hạn WORKBOOK_PARSE_MEMORY_MB): tệp quá lớn. Hãy chia nhỏ tệp "
            "rồi tải lên lại.") % {"mb": memory_mb})
    try:
        answer = json.loads(done.stdout.decode())
    except ValueError:
        answer = None
    if done.returncode != 0 or not isinstance(answer, dict):
        Path(values_path).unlink(missing_ok=True)
        raise WorkbookParseFailed(_("Không đọc được tệp: tệp không phải là bảng tính Excel .xlsx hợp lệ hoặc đã bị "
                                    "hỏng.") + _child_detail(done))
    return list(answer.get("issues", []))


def _child_environment():
    return {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "parindex.settings")}


def _child_detail(done):
    lines = done.stderr.decode(errors="replace").strip().splitlines()
    return f" ({lines[-1][:200]})" if settings.DEBUG and lines else ""


def _address_space():
    """Bytes of address space this process uses now (Linux); 0 where /proc is missing."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _limit(kind, value):
    _soft, hard = resource.getrlimit(kind)
    value = value if hard == resource.RLIM_INFINITY else min(value, hard)
    resource.setrlimit(kind, (value, hard))


def _child():
    request = json.loads(sys.stdin.read())
    import django

    django.setup()
    from django.utils import translation

    from .limits import WorkbookLimits
    from .sheets import read_workbook_values

    translation.activate(request["language"])
    limits = WorkbookLimits(**request["limits"])
    _limit(resource.RLIMIT_CPU, request["cpu_seconds"])
    # Django and openpyxl are loaded: from here on the parse may take memory_mb more, no more.
    _limit(resource.RLIMIT_AS, _address_space() + request["memory_mb"] * MB)
    try:
        values, issues = read_workbook_values(request["path"], limits)
        if values is not None:
            with open(request["out"], "wb") as out:
                pickle.dump(values, out, protocol=pickle.HIGHEST_PROTOCOL)
        answer = json.dumps({"issues": [str(issue) for issue in issues]})
    except MemoryError:
        os._exit(MEMORY_EXIT)
    sys.stdout.write(answer)
    sys.stdout.flush()


if __name__ == "__main__":
    _child()
