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
import queue
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
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


def parse_workbook_bounded(path, values_path, limits, *, seconds=None, memory_mb=None, progress=None) -> list[str]:
    """Reads the workbook at `path` in a bounded child process and writes its WorkbookValues, pickled, to
    `values_path`. Returns the reader's issues (a size limit, a damaged file: nothing written) or [] when the values
    were written. Raises WorkbookParseFailed when the child passes its time or memory limit. `progress`, if given,
    is called in this thread with the percentage of the workbook's cells read so far."""
    seconds = seconds if seconds is not None else settings.WORKBOOK_PARSE_SECONDS
    memory_mb = memory_mb if memory_mb is not None else settings.WORKBOOK_PARSE_MEMORY_MB
    request = json.dumps({"path": str(path), "out": str(values_path), "limits": asdict(limits),
                          "memory_mb": memory_mb, "cpu_seconds": int(seconds) + 1,
                          "language": get_language() or settings.LANGUAGE_CODE})
    with tempfile.TemporaryFile() as errors:
        returncode, answer = _run_child(request, seconds, errors, progress)
        errors.seek(0)
        detail = errors.read()
    if returncode is None or returncode == -signal.SIGXCPU:  # run out of wall-clock or CPU time: killed
        Path(values_path).unlink(missing_ok=True)
        raise WorkbookParseFailed(_(
            "Đọc tệp quá %(seconds)s giây (giới hạn thời gian WORKBOOK_PARSE_SECONDS): tệp quá lớn hoặc quá phức "
            "tạp. Hãy chia nhỏ tệp rồi tải lên lại.") % {"seconds": seconds})
    if returncode == MEMORY_EXIT or returncode in MEMORY_SIGNALS:
        Path(values_path).unlink(missing_ok=True)
        raise WorkbookParseFailed(_(
            "Đọc tệp cần hơn %(mb)s MB bộ nhớ (giới hạn WORKBOOK_PARSE_MEMORY_MB): tệp quá lớn. Hãy chia nhỏ tệp "
            "rồi tải lên lại.") % {"mb": memory_mb})
    if returncode != 0 or not isinstance(answer, dict):
        Path(values_path).unlink(missing_ok=True)
        raise WorkbookParseFailed(_("Không đọc được tệp: tệp không phải là bảng tính Excel .xlsx hợp lệ hoặc đã bị "
                                    "hỏng.") + _child_detail(detail))
    return list(answer.get("issues", []))


def _run_child(request, seconds, errors, progress):
    """(returncode, answer) of the child; returncode None when it was killed at the deadline. The child writes
    "progress <percent>" lines, then "result <json>"; a thread reads them so the deadline holds while it is silent."""
    deadline = time.monotonic() + seconds
    child = subprocess.Popen([sys.executable, "-m", "scoring.excel.bounded"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=errors, cwd=settings.BASE_DIR, env=_child_environment())
    child.stdin.write(request.encode())
    child.stdin.close()
    lines = queue.Queue()
    reader = threading.Thread(target=_read_lines, args=(child.stdout, lines), daemon=True)
    reader.start()
    answer = None
    try:
        while True:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            if line is None:
                break
            kind, _space, data = line.decode(errors="replace").strip().partition(" ")
            if kind == "progress" and progress is not None:
                progress(int(data))
            elif kind == "result":
                answer = json.loads(data)
        returncode = child.wait(timeout=max(0.0, deadline - time.monotonic()))
    except (queue.Empty, subprocess.TimeoutExpired):
        child.kill()
        child.wait()
        returncode = None
    except ValueError:  # a result line that is not JSON
        child.wait()
        returncode, answer = child.returncode, None
    reader.join(timeout=5)
    child.stdout.close()
    return returncode, answer


def _read_lines(stream, lines):
    for line in stream:
        lines.put(line)
    lines.put(None)


def _child_environment():
    return {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "parindex.settings")}


def _child_detail(detail):
    lines = detail.decode(errors="replace").strip().splitlines()
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
        values, issues = read_workbook_values(request["path"], limits, progress=_progress_writer(request["path"],
                                                                                                   limits))
        if values is not None:
            with open(request["out"], "wb") as out:
                pickle.dump(values, out, protocol=pickle.HIGHEST_PROTOCOL)
        answer = json.dumps({"issues": [str(issue) for issue in issues]})
    except MemoryError:
        os._exit(MEMORY_EXIT)
    sys.stdout.write(f"result {answer}\n")
    sys.stdout.flush()


def _progress_writer(path, limits):
    """Writes "progress <percent>" whenever another 5 % of the cells the measurement counted are read."""
    from .limits import WorkbookTooLarge, measure_workbook

    try:
        size = measure_workbook(path, limits)  # read_workbook_values measures again and words any refusal
    except WorkbookTooLarge:
        size = None
    total, shown = (size.cells if size else 0), [0]

    def write(cells):
        percent = min(100, cells * 100 // total) if total else 0
        if percent >= shown[0] + 5:
            shown[0] = percent
            sys.stdout.write(f"progress {percent}\n")
            sys.stdout.flush()

    return write


if __name__ == "__main__":
    _child()
