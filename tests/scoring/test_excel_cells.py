"""scoring.excel.cells: a str written by any of our workbook writers is a string cell, never a formula."""
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from scoring.excel.cells import text_cell, text_row, workbook_bytes
from tests.formula_cells import INJECTIONS, assert_plain_text, formula_count, read_back


@pytest.mark.parametrize("value", INJECTIONS)
def test_a_normal_workbook_keeps_text_that_looks_like_a_formula_as_text(value):
    workbook = Workbook()
    workbook.active.append([value, 1, "an ordinary name"])
    workbook.active.cell(2, 1, value=value)

    content = workbook_bytes(workbook)

    assert formula_count(content) == 0
    sheet = load_workbook(BytesIO(content)).active
    assert_plain_text(sheet["A1"], value)
    assert_plain_text(sheet["A2"], value)
    assert sheet["A1"].quotePrefix  # Excel keeps it text when the cell is edited
    assert (sheet["B1"].value, sheet["C1"].value) == (1, "an ordinary name")
    assert not sheet["C1"].quotePrefix


@pytest.mark.parametrize("value", INJECTIONS)
def test_our_read_only_importers_read_back_the_same_text(value):
    workbook = Workbook()
    workbook.active.append([value])

    sheet = load_workbook(BytesIO(workbook_bytes(workbook)), read_only=True, data_only=True).active

    assert next(sheet.iter_rows(values_only=True)) == (read_back(value),)


@pytest.mark.parametrize("value", INJECTIONS)
def test_a_write_only_workbook_row_keeps_text_as_text(value):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("s")
    sheet.append(text_row(sheet, [value, 2, "plain"]))
    sheet.append([text_cell(sheet, value), text_cell(sheet, 3)])
    out = BytesIO()
    workbook.save(out)

    assert formula_count(out.getvalue()) == 0
    read = load_workbook(BytesIO(out.getvalue())).active
    assert_plain_text(read["A1"], value)
    assert_plain_text(read["A2"], value)
    assert (read["B1"].value, read["C1"].value, read["B2"].value) == (2, "plain", 3)


def test_without_the_helper_openpyxl_would_write_a_live_formula():
    """The hazard the helper removes, so the tests above could fail."""
    workbook = Workbook()
    workbook.active.append([INJECTIONS[0]])
    out = BytesIO()
    workbook.save(out)

    assert formula_count(out.getvalue()) == 1
