"""Every text cell we write is text. A unit's name, an explanation or a reason typed by a user may start with "=",
"+", "-", "@", a tab or a carriage return; openpyxl stores a string starting with "=" as a live formula, and a
spreadsheet re-reads the others as one when the cell is edited. So every workbook writer saves through `save` /
`workbook_bytes` (normal workbooks: every str cell is made a string cell) or builds its cells with `text_cell` /
`text_row` (write-only workbooks). The visible value is unchanged and our importers read back the same text;
cells starting with one of those characters also get Excel's "quote prefix" so they stay text when edited."""
from io import BytesIO

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def keep_text(cell):
    """Makes a str cell a plain string cell (never a formula); other values are left alone. Returns the cell."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    return cell


def keep_sheet_text(sheet):
    for row in sheet.iter_rows():
        for cell in row:
            keep_text(cell)


def save(workbook, out):
    """Saves `workbook` into `out` (a path or a binary file) with every text cell text. A write-only workbook
    cannot be walked: its writer must build text cells with `text_cell` / `text_row`."""
    if not workbook.write_only:
        for sheet in workbook.worksheets:
            keep_sheet_text(sheet)
    workbook.save(out)


def workbook_bytes(workbook) -> bytes:
    buffer = BytesIO()
    save(workbook, buffer)
    return buffer.getvalue()


def text_cell(sheet, value):
    """A write-only cell for `value`; a str is a string cell, never a formula (a code like "001" stays text too)."""
    if isinstance(value, Cell) or not isinstance(value, str):
        return value
    return keep_text(WriteOnlyCell(sheet, value=value))


def text_row(sheet, values):
    """A row for a write-only sheet where every str that a spreadsheet could take for a formula is a text cell."""
    return [text_cell(sheet, value) if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) else value
            for value in values]
