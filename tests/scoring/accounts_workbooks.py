"""Building small accounts workbooks in tests (openpyxl here, never in the app outside scoring/excel)."""
from io import BytesIO

from openpyxl import Workbook

HEADER = ("username", "full_name", "email", "role", "unit", "agency", "active")


def accounts_xlsx(rows, *, header=HEADER, sheet="accounts") -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(list(header))
    for row in rows:
        worksheet.append(list(row))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
