"""The bounded child process (scoring/excel/bounded.py) reads a workbook, reports its progress as it goes, and is
stopped at its memory and time limits."""
import pickle

import pytest

from scoring.excel.bounded import WorkbookParseFailed, parse_workbook_bounded
from scoring.excel.limits import WorkbookLimits

from .units_workbooks import units_xlsx


@pytest.fixture
def large(tmp_path):
    path = tmp_path / "don-vi.xlsx"
    path.write_bytes(units_xlsx([(f"XA-{number:05}", f"Xã số {number}", "XA", "", "có")
                                 for number in range(10_000)]))
    return path


def test_the_child_writes_the_values_and_reports_its_progress_as_it_reads(large, tmp_path, settings):
    seen = []

    issues = parse_workbook_bounded(large, tmp_path / "out.values", WorkbookLimits.upload(), progress=seen.append)

    assert issues == []
    values = pickle.loads((tmp_path / "out.values").read_bytes())
    assert len(values["units"].rows) == 10_001 and values["units"].rows[1][0] == "XA-00000"
    assert len(seen) >= 10 and seen == sorted(seen) and 90 <= seen[-1] <= 100


def test_a_refusal_is_an_issue_and_nothing_is_written(large, tmp_path):
    limits = WorkbookLimits(max_mb=50, max_rows=100, max_cells=500_000, max_ratio=100)

    issues = parse_workbook_bounded(large, tmp_path / "out.values", limits)

    assert len(issues) == 1 and "giới hạn 100 dòng" in issues[0]
    assert not (tmp_path / "out.values").exists()


@pytest.mark.parametrize("limit, message", [({"memory_mb": 1}, "WORKBOOK_PARSE_MEMORY_MB"),
                                            ({"seconds": 0.5}, "WORKBOOK_PARSE_SECONDS")])
def test_the_child_is_stopped_at_its_limits(large, tmp_path, limit, message):
    with pytest.raises(WorkbookParseFailed, match=message):
        parse_workbook_bounded(large, tmp_path / "out.values", WorkbookLimits.upload(), **limit)
    assert not (tmp_path / "out.values").exists()
