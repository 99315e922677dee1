from decimal import Decimal
from io import BytesIO

from django.core.management import call_command
from openpyxl import Workbook
import pytest

from scoring.excel.scores import ScoreCell, read_scores_workbook
from scoring.models import LeafScore
from tests.conftest import make_framework, make_unit


def workbook(rows, *, sheet="scores", header=("unit_code", "criterion_code", "self_score", "final_score")):
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header)
    for values in rows:
        ws.append(values)
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_numbers_na_and_blanks_are_read_as_scores_not_applicable_and_nothing_yet():
    rows, issues = read_scores_workbook(workbook([["SNV", "1.1", 0.1, "NA"], ["SNV", "1.2", None, "1,25"]]))

    assert issues == []
    assert rows[0].self_score == ScoreCell(value=Decimal("0.1"))
    assert rows[0].final_score == ScoreCell(not_applicable=True)
    assert rows[1].self_score == ScoreCell()
    assert rows[1].final_score == ScoreCell(value=Decimal("1.25"))


@pytest.mark.parametrize("values, column, fragment", [
    (["SNV", "1.1", "abc", None], "self_score", "'abc' không phải là số"),
    (["SNV", "1.1", None, -1], "final_score", "không âm"),
    (["SNV", "1.1", None, 0.0001], "final_score", "tối đa 3 chữ số thập phân"),
    ([None, "1.1", None, 1], "unit_code", "không được để trống"),
])
def test_malformed_cells_are_reported_by_row_and_column(values, column, fragment):
    rows, issues = read_scores_workbook(workbook([["SNV", "1.2", 1, 1], values]))

    assert len(issues) == 1
    assert (issues[0].row, issues[0].column) == (3, column)
    assert fragment in issues[0].message


def test_a_missing_sheet_or_column_is_reported():
    _, issues = read_scores_workbook(workbook([], sheet="diem"))
    assert "Không có sheet 'scores'" in str(issues[0])

    _, issues = read_scores_workbook(workbook([["SNV"]], header=("unit_code",)))
    assert "thiếu cột này" in str(issues[0]) and issues[0].column == "criterion_code"


def test_a_file_that_is_not_a_workbook_is_refused():
    _, issues = read_scores_workbook(BytesIO(b"%PDF-1.4 not a workbook"))
    assert "cần một tệp Excel .xlsx" in str(issues[0])


def test_the_command_imports_a_file_and_reports_errors_without_saving(db, tmp_path, capsys):
    make_unit("SNV")
    make_framework(year=2024)
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(workbook([["SNV", "1.1", 2, 1.5]]).getvalue())
    bad.write_bytes(workbook([["SNV", "1.1", 2, 1.5], ["SNV", "7.7", 1, 1]]).getvalue())

    with pytest.raises(Exception, match="1 lỗi, chưa lưu gì"):
        call_command("import_scores", str(bad), year=2024, block="SO")
    assert "dòng 3, cột criterion_code" in capsys.readouterr().err
    assert LeafScore.objects.count() == 0

    call_command("import_scores", str(good), year=2024, block="SO")
    assert "1 mới" in capsys.readouterr().out
    assert LeafScore.objects.get().final_score == Decimal("1.5")
