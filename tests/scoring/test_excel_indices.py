"""Importing an index's results computed elsewhere: the workbook read row by row, and the bad ones refused with
every problem named by row and column."""
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook

from scoring.excel.indices import read_index_workbook, write_index_template
from scoring.excel.sheets import WorkbookError
from scoring.models import EditionState, Index, IndexResult, SubIndexResult
from scoring.services.indices import EditionPublished, edition_import, edition_publish, sub_index_code

from tests.conftest import make_block, make_unit

HEADER = ["unit", "name", "Chi phí thời gian", "Tính minh bạch", "total", "rank"]
GOOD = [["SNV", "Sở Nội vụ", 7.25, "6,5", 68.9, 1],
        ["STC", "Sở Tài chính", 5.5, 5.5, 55, 2],
        ["SYT", "Sở Y tế", None, None, None, None]]


def xlsx(rows, header=HEADER, title="index_results"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def problems(file):
    return [(issue.row, issue.column, issue.message) for issue in read_index_workbook(file)[1]]


@pytest.fixture
def units(db):
    block = make_block("SO")
    return [make_unit(code, block=block) for code in ("SNV", "STC", "SYT")]


def test_a_good_workbook_reads_every_row_with_its_sub_indices():
    rows, issues = read_index_workbook(xlsx(GOOD))
    assert issues == []
    assert rows[0].unit == "SNV" and rows[0].total == Decimal("68.9") and rows[0].rank == 1
    assert rows[0].sub_indices == (("Chi phí thời gian", Decimal("7.25")), ("Tính minh bạch", Decimal("6.5")))
    assert rows[2].total is None and rows[2].rank is None


def test_a_file_that_is_not_a_workbook_is_refused():
    assert problems(BytesIO(b"unit,total,rank\nSNV,1,1\n"))[0][2].startswith("Không đọc được tệp")


def test_a_workbook_without_the_sheet_names_the_sheets_it_has():
    assert "Sheet1" in problems(xlsx(GOOD, title="Sheet1"))[0][2]


def test_missing_and_repeated_columns_are_named():
    found = problems(xlsx(GOOD, header=["unit", "name", "A", "A", "rank"]))
    assert (1, "A", "cột này xuất hiện hai lần") in found
    assert any(column == "total" for _row, column, _message in found)


def test_every_bad_cell_is_reported_with_its_row_and_column():
    found = problems(xlsx([["", "x", 1, 1, 50, 1],
                           ["SNV", "x", "nhiều", 1, 50, 1],
                           ["STC", "x", 1, 1, -3, 1],
                           ["SYT", "x", 1, 1, 50, "1,5"],
                           ["SXD", "x", 1, None, None, 4]]))
    assert [(row, column) for row, column, _message in found] == [
        (2, "unit"), (3, "Chi phí thời gian"), (4, "total"), (5, "rank"), (6, "total")]


def test_a_sheet_with_only_a_header_has_no_data():
    assert problems(xlsx([]))[0][2].startswith("không có dòng dữ liệu")


def test_importing_writes_values_ranks_as_published_and_ranks_the_sub_indices(units):
    rows, _issues = read_index_workbook(xlsx(GOOD))
    edition = edition_import(index=Index.objects.standard("DDCI"), year=2024, block=units[0].block, rows=rows)
    assert edition.state == EditionState.COMPUTED
    results = {row.unit.code: (row.rated, row.value, row.rank) for row in IndexResult.objects.filter(edition=edition)}
    assert results == {"SNV": (True, Decimal("68.900"), 1), "STC": (True, Decimal("55.000"), 2),
                       "SYT": (False, None, None)}
    subs = {(row.result.unit.code, row.code): (row.value, row.rank) for row in SubIndexResult.objects.all()}
    assert subs[("SNV", "chi-phi-thoi-gian")] == (Decimal("7.250"), 1)
    assert subs[("STC", "tinh-minh-bach")] == (Decimal("5.500"), 2)


def test_importing_again_replaces_the_rows_until_published(units):
    ddci = Index.objects.standard("DDCI")
    rows, _issues = read_index_workbook(xlsx(GOOD))
    edition_import(index=ddci, year=2024, block=units[0].block, rows=rows)
    edition = edition_import(index=ddci, year=2024, block=units[0].block, rows=rows[:2])
    assert IndexResult.objects.filter(edition=edition).count() == 2
    edition_publish(edition=edition)
    with pytest.raises(EditionPublished):
        edition_import(index=ddci, year=2024, block=units[0].block, rows=rows)


def test_rows_are_checked_against_the_units_and_the_scale_all_or_nothing(units):
    other = make_unit("HUYEN1", block=make_block("HUYEN", position=2))
    rows, _issues = read_index_workbook(xlsx([["SNV", "", 1, 1, 0.7, 1], ["SNV", "", 1, 1, 0.6, 2],
                                              ["KHONGCO", "", 1, 1, 0.5, 3], [other.code, "", 1, 1, 0.4, 4],
                                              ["STC", "", 1, 1, 70, 5]]))
    with pytest.raises(WorkbookError) as error:
        edition_import(index=Index.objects.standard("DTI"), year=2024, block=units[0].block, rows=rows)
    assert [(issue.row, issue.column) for issue in error.value.issues] == [
        (3, "unit"), (4, "unit"), (5, "unit"), (6, "total")]
    assert not IndexResult.objects.exists()


def test_sub_index_codes_match_across_spellings():
    assert sub_index_code("Chi phí thời gian") == sub_index_code("chi phi  thoi gian") == "chi-phi-thoi-gian"
    assert sub_index_code("Đào tạo lao động") == "dao-tao-lao-dong"


def test_the_template_reads_back_with_no_data_issue_but_its_header(units):
    template = write_index_template([(unit.code, unit.name) for unit in units], ["Tính minh bạch"])
    rows, issues = read_index_workbook(BytesIO(template))
    assert [row.unit for row in rows] == ["SNV", "STC", "SYT"] and issues == []


def test_an_inflating_workbook_is_refused_before_it_is_parsed():
    from scoring.excel.sheets import LimitIssue
    from tests.workbook_bombs import inflating_sheet

    rows, issues = read_index_workbook(BytesIO(inflating_sheet(1024)))
    assert rows == [] and isinstance(issues[0], LimitIssue)
