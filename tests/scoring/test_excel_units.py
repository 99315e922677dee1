import unicodedata
from io import BytesIO

import pytest
from openpyxl import load_workbook

from scoring.excel.units import read_units_workbook, write_units_workbook
from scoring.models import Block, Unit
from scoring.services.units import UnitRow
from tests.formula_cells import INJECTIONS, assert_plain_text, formula_count

from .units_workbooks import units_xlsx


def read(content):
    return read_units_workbook(BytesIO(content))


def messages(issues):
    return [str(issue) for issue in issues]


# --- Reading -----------------------------------------------------------------------------------------------------


def test_it_reads_every_column_of_a_unit_row():
    rows, issues = read(units_xlsx([("SNV", "Sở Nội vụ", "SO", "", "có")]))
    assert issues == []
    assert rows == [UnitRow(code="SNV", name="Sở Nội vụ", block="SO", group="", ranked=True, active=None, row=2)]


def test_headers_are_matched_in_any_case_and_any_order():
    header = ("Ranked", "NAME", " Block ", "Code", "group", "Active")
    rows, issues = read(units_xlsx([("không", "Phường Lê Lợi", "XA", "XA-003", "Phường, thị trấn", "no")],
                                   header=header))
    assert issues == []
    assert rows == [UnitRow("XA-003", "Phường Lê Lợi", "XA", "Phường, thị trấn", ranked=False, active=False, row=2)]


def test_columns_it_does_not_know_are_ignored():
    rows, issues = read(units_xlsx([("SNV", "Sở Nội vụ", "SO", "", "", "ghi chú")],
                                   header=(*["code", "name", "block", "group", "ranked"], "ghi chú")))
    assert issues == [] and rows[0].code == "SNV"


def test_blank_rows_are_skipped_and_each_row_keeps_its_line_in_the_sheet():
    rows, issues = read(units_xlsx([("A", "Đơn vị A", "SO", "", ""), (None,) * 5, ("", "  ", "", "", ""),
                                    ("B", "Đơn vị B", "SO", "", "")]))
    assert issues == []
    assert [(row.code, row.row) for row in rows] == [("A", 2), ("B", 5)]


@pytest.mark.parametrize("cell, ranked", [
    ("yes", True), ("Có", True), ("TRUE", True), ("1", True), (1, True), (True, True), ("", True), (None, True),
    ("no", False), ("Không", False), ("false", False), ("0", False), (0, False), (False, False),
])
def test_ranked_accepts_vietnamese_and_english_words_and_a_blank_cell_means_ranked(cell, ranked):
    rows, issues = read(units_xlsx([("A", "Đơn vị A", "SO", "", cell)]))
    assert issues == [] and rows[0].ranked is ranked


def test_decomposed_vietnamese_and_stray_spaces_are_normalised():
    decomposed = unicodedata.normalize("NFD", "Sở Nội vụ")  # as some keyboards and Mac files send it
    rows, _issues = read(units_xlsx([(" SNV ", f"  {decomposed}   ", "SO", "", "không")]))
    assert (rows[0].code, rows[0].name, rows[0].ranked) == ("SNV", "Sở Nội vụ", False)


def test_a_numeric_code_does_not_keep_excels_decimal_point():
    rows, _issues = read(units_xlsx([(101.0, "Đơn vị 101", "SO", "", "")]))
    assert rows[0].code == "101"


def test_a_missing_sheet_is_reported_with_the_sheets_found():
    rows, issues = read(units_xlsx([("A", "Đơn vị A", "SO", "", "")], sheet="Sheet1"))
    assert rows == []
    assert messages(issues) == ["Không có sheet 'units' (các sheet trong tệp: Sheet1)."]


def test_a_missing_column_is_reported_by_name():
    rows, issues = read(units_xlsx([("A", "Đơn vị A", "", "")], header=("code", "name", "group", "ranked")))
    assert rows == []
    assert messages(issues) == [
        "Sheet units, dòng 1, cột block: thiếu cột này (dòng tiêu đề cần có: code, name, block, group, ranked)"]


def test_a_missing_name_is_reported_by_row_and_column():
    rows, issues = read(units_xlsx([("A", "Đơn vị A", "SO", "", ""), ("B", "", "SO", "", "")]))
    assert [row.code for row in rows] == ["A"]
    assert messages(issues) == ["Sheet units, dòng 3, cột name: ô này không được để trống"]


def test_a_bad_ranked_value_is_reported_by_row_and_column():
    _rows, issues = read(units_xlsx([("A", "Đơn vị A", "SO", "", "có lẽ")]))
    assert messages(issues) == ["Sheet units, dòng 2, cột ranked: giá trị 'có lẽ' không hợp lệ "
                                "(dùng có/không, yes/no, true/false hoặc 1/0; để trống là có)"]


def test_a_code_longer_than_the_database_allows_is_reported():
    _rows, issues = read(units_xlsx([("X" * 31, "Đơn vị", "SO", "", "")]))
    assert messages(issues) == ["Sheet units, dòng 2, cột code: dài 31 ký tự, tối đa 30"]


def test_every_problem_of_a_row_is_reported_at_once():
    _rows, issues = read(units_xlsx([("", "", "", "", "maybe")]))
    assert [issue.column for issue in issues] == ["code", "name", "block", "ranked"]


def test_a_sheet_with_headers_only_is_reported_as_empty():
    rows, issues = read(units_xlsx([]))
    assert rows == [] and messages(issues) == ["Sheet units: không có dòng dữ liệu nào (dữ liệu bắt đầu từ dòng 2)"]


def test_a_file_that_is_not_an_xlsx_is_reported():
    rows, issues = read(b"code,name,block\nSNV,So Noi vu,SO\n")
    assert rows == [] and messages(issues) == ["Không đọc được tệp: cần một tệp Excel .xlsx."]


# --- Writing -----------------------------------------------------------------------------------------------------


def unsaved_units():
    so, xa = Block(code="SO", name="Khối sở"), Block(code="XA", name="Khối xã")
    return [
        Unit(code="SNV", name="Sở Nội vụ", block=so, group="", ranked=True, active=True),
        Unit(code="BQLKCN", name="Ban Quản lý các khu công nghiệp", block=so, ranked=False, active=True),
        Unit(code="XA-001", name="Phường Quang Trung", block=xa, group="Phường, thị trấn", ranked=True, active=False),
    ]


def test_written_units_read_back_unchanged():
    rows, issues = read(write_units_workbook(unsaved_units()))
    assert issues == []
    assert [(r.code, r.name, r.block, r.group, r.ranked, r.active) for r in rows] == [
        (u.code, u.name, u.block.code, u.group, u.ranked, u.active) for u in unsaved_units()]


def test_a_name_that_starts_with_an_equals_sign_is_written_as_text_not_a_formula():
    unit = Unit(code="F", name="=HYPERLINK(\"http://x\")", block=Block(code="SO"), ranked=True, active=True)
    rows, _issues = read(write_units_workbook([unit]))
    assert rows[0].name == unit.name


@pytest.mark.parametrize("name", INJECTIONS)
def test_a_name_that_a_spreadsheet_could_take_for_a_formula_is_written_as_text(name):
    unit = Unit(code="F", name=name, block=Block(code="SO"), ranked=True, active=True)

    content = write_units_workbook([unit])

    assert formula_count(content) == 0
    assert_plain_text(load_workbook(BytesIO(content))["units"]["B2"], name)
    assert read(content)[0][0].name == " ".join(name.split())  # the importer reads the same text back
