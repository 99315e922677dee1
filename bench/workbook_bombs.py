"""How fast, and in how much memory, every workbook reader refuses an inflating workbook (issue 13, point 2). Not
a test: it prints numbers.

    .venv/bin/python bench/workbook_bombs.py          (or `make bench-bombs`)

Builds, under a temporary folder, the probe's workbooks: a sheet of 1.5 GB of rows without <dimension> zipped to
under 5 MB (what a unit officer may upload), the same at 3 GB (a command-line file), a sheet that declares
A1:XFD1048576, and one whose only row is numbered 2,000,000. Then each reader the importers use (browser: the
upload form's read with WorkbookLimits.upload(); command line: each read_*_workbook with the import limits) runs in
a fresh Python process on each file, which prints its wall time and its peak resident memory (ru_maxrss) beside
the same process's baseline after importing Django and openpyxl.
"""
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.workbook_bombs import declared_dimension, far_row, inflating_sheet  # noqa: E402

READERS = {
    "upload form (read_workbook_values, upload limits)":
        "from scoring.excel.limits import WorkbookLimits; from scoring.excel.sheets import read_workbook_values;"
        "result = read_workbook_values(PATH, WorkbookLimits.upload())[1]",
    "import_framework": "from scoring.excel.frameworks import read_framework_workbook as r; result = r(PATH)[1]",
    "import_units": "from scoring.excel.units import read_units_workbook as r; result = r(PATH)[1]",
    "import_scores": "from scoring.excel.scores import read_scores_workbook as r; result = r(PATH)[1]",
    "import_survey": "from surveys.excel import read_survey_workbook as r; result = r(PATH)[1]",
    "import_responses": "from surveys.excel import read_responses_workbook as r; result = r(PATH)[2]",
    "index results (issue 14)": "from scoring.excel.indices import read_index_workbook as r; result = r(PATH)[1]",
    "import_sample_targets": "from surveys.excel import read_targets_workbook as r; result = r(PATH)[1]",
    "self-assessment check": "from scoring.excel.assessments import check_assessment_workbook as r;"
                             "result = [r(PATH)]",
}

CHILD = """
import json, os, resource, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
import django; django.setup()
import openpyxl, scoring.excel.sheets, surveys.excel
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
PATH = {path!r}
started = time.monotonic()
{code}
seconds = time.monotonic() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "base_mb": base / 1024, "peak_mb": peak / 1024,
                  "message": str(result[0]) if result else ""}}))
"""


def build(folder):
    started = time.monotonic()
    files = {
        "1.5 GB sheet, no <dimension>": inflating_sheet(1536, level=9),
        "3 GB sheet, no <dimension>": inflating_sheet(3072, level=9),
        "<dimension ref=A1:XFD1048576>": declared_dimension(),
        "one row numbered 2,000,000": far_row(2_000_000),
    }
    paths = {}
    for number, (name, content) in enumerate(files.items()):
        paths[name] = folder / f"bomb-{number}.xlsx"
        paths[name].write_bytes(content)
    print(f"built in {time.monotonic() - started:.1f} s: " + ", ".join(
        f"{name} = {path.stat().st_size / 1024 / 1024:.1f} MB" for name, path in paths.items()))
    return paths


def main():
    with tempfile.TemporaryDirectory() as folder:
        paths = build(Path(folder))
        worst = 0.0
        for file_name, path in paths.items():
            print(f"\n{file_name}")
            for reader, code in READERS.items():
                child = CHILD.format(root=str(ROOT), path=str(path), code=code)
                out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=600,
                                     cwd=ROOT)
                if out.returncode:
                    print(f"  {reader}: failed\n{out.stderr[-2000:]}")
                    continue
                result = json.loads(out.stdout.strip().splitlines()[-1])
                worst = max(worst, result["seconds"])
                print(f"  {reader:52} {result['seconds'] * 1000:8.1f} ms  peak {result['peak_mb']:6.1f} MB "
                      f"(baseline {result['base_mb']:.1f} MB)  {result['message'][:90]}")
        print(f"\nworst_refusal_seconds={worst:.3f}")


if __name__ == "__main__":
    main()
