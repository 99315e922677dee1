"""Building small units workbooks in tests (openpyxl here, never in the app outside scoring/excel)."""
from io import BytesIO

from openpyxl import Workbook

HEADER = ("code", "name", "block", "group", "ranked")


def units_xlsx(rows, *, header=HEADER, sheet="units", blocks=None) -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(list(header))
    for row in rows:
        worksheet.append(list(row))
    if blocks is not None:
        block_sheet = workbook.create_sheet("blocks")
        for row in [("code", "name", "position"), *blocks]:
            block_sheet.append(list(row))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
