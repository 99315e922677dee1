"""scoring/excel/limits.py: a workbook is measured from its zip directory and a bounded scan of its sheets' XML,
before openpyxl parses anything."""
import time
from io import BytesIO

import pytest

from scoring.excel.limits import WorkbookLimits, WorkbookTooLarge, measure_workbook
from scoring.excel.sheets import LimitIssue, open_workbook, read_workbook_values
from scoring.excel.units import write_units_workbook
from scoring.models import Block, Unit
from tests.workbook_bombs import base_xlsx, declared_dimension, far_row, inflating_sheet, many_rows

SMALL = WorkbookLimits(max_mb=50, max_rows=1000, max_cells=10_000, max_ratio=100)


class CountingFile(BytesIO):
    """A file that counts the bytes read from it."""

    read_bytes = 0

    def read(self, size=-1):
        data = super().read(size)
        self.read_bytes += len(data)
        return data


@pytest.fixture(scope="module")
def bomb():
    return inflating_sheet(1024)  # 1 GB of rows, no <dimension>, about 7 MB


def refusal(content, limits=SMALL):
    with pytest.raises(WorkbookTooLarge) as refused:
        measure_workbook(BytesIO(content), limits)
    return str(refused.value)


def test_an_ordinary_workbook_is_measured_and_passes():
    units = [Unit(code=f"U{n}", name=f"Đơn vị {n}", block=Block(code="SO"), ranked=True, active=True)
             for n in range(50)]

    size = measure_workbook(BytesIO(write_units_workbook(units)), SMALL)

    assert size.rows == 51  # the header and 50 units
    assert 51 * 8 <= size.cells < 600  # eight columns, then the blocks and guide sheets


def test_a_sheet_that_inflates_a_thousandfold_is_refused_by_its_ratio_in_milliseconds(bomb):
    started = time.monotonic()
    message = refusal(bomb, WorkbookLimits(max_mb=4096, max_rows=10**9, max_cells=10**12, max_ratio=100))

    assert time.monotonic() - started < 1
    assert "Tệp nén bất thường" in message and "giới hạn 100 lần" in message


def test_a_sheet_larger_than_the_total_is_refused_by_size(bomb):
    message = refusal(bomb, WorkbookLimits(max_mb=512, max_rows=10**9, max_cells=10**12, max_ratio=10_000))

    assert "vượt giới hạn 512 MB" in message


def test_the_check_reads_the_zip_directory_only_when_the_sizes_refuse(bomb):
    upload = CountingFile(bomb)

    with pytest.raises(WorkbookTooLarge):
        measure_workbook(upload, SMALL)

    assert upload.read_bytes < 128 * 1024 < len(bomb)
    assert upload.tell() == 0  # left where it was, for whatever reads it next


def test_the_scan_stops_at_the_first_limit_passed_whatever_the_sheet_holds():
    content = many_rows(200_000)  # about 15 MB of XML in 1 MB of zip
    upload = CountingFile(content)

    with pytest.raises(WorkbookTooLarge) as refused:
        measure_workbook(upload, SMALL)

    assert "có hơn 1.000 dòng" in str(refused.value)
    assert upload.read_bytes < len(content) / 2


def test_a_huge_declared_dimension_is_refused_before_the_rows_are_read():
    message = refusal(declared_dimension("A1:XFD1048576"))

    assert message == "Sheet units khai báo 1.048.576 dòng, vượt giới hạn 1.000 dòng."


def test_a_declared_width_counts_for_every_row_as_openpyxl_pads_them():
    message = refusal(declared_dimension("A1:ZZ100"))  # 100 rows of 702 columns

    assert message == "Sheet units khai báo 70.200 ô, vượt giới hạn 10.000 ô của một tệp."


def test_rows_without_a_dimension_are_counted():
    assert "có hơn 1.000 dòng" in refusal(many_rows(1001))
    assert measure_workbook(BytesIO(many_rows(1000)), SMALL).rows == 1000


def test_a_far_row_counts_every_empty_row_openpyxl_would_yield_before_it():
    assert "có hơn 1.000 dòng" in refusal(far_row(5000))


def test_cells_are_counted_across_the_workbook():
    limits = WorkbookLimits(max_mb=50, max_rows=10_000, max_cells=1_500, max_ratio=100)

    assert "hơn 1.500 ô" in refusal(many_rows(800), limits)  # 800 rows of two cells


def test_something_that_is_not_a_zip_is_left_to_openpyxls_message():
    assert measure_workbook(BytesIO(b"not a workbook"), SMALL) is None


def test_open_workbook_reports_the_limit_as_its_issue(settings):
    settings.WORKBOOK_IMPORT_LIMITS = {"max_mb": 50, "max_rows": 10, "max_cells": 1000}

    workbook, issues = open_workbook(BytesIO(many_rows(11)))

    assert workbook is None
    assert [type(issue) for issue in issues] == [LimitIssue]
    assert str(issues[0]) == "Sheet units có hơn 10 dòng (giới hạn 10 dòng)."


def test_values_read_once_serve_every_reader():
    values, issues = read_workbook_values(BytesIO(base_xlsx()), SMALL)

    assert issues == []
    assert values.sheetnames == ["units"]
    assert list(values.worksheets[0].iter_rows(values_only=True)) == [("code", "name")]
    assert open_workbook(values) == (values, [])
