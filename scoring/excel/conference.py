"""The conference report of a year and block as a workbook: the summary of every index, then one row per unit
with every index's value, rank and changes (the rows of scoring/reports/conference.py, numbers kept as numbers)."""
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from ..reports.conference import conference_title, summary_lines, table_header, table_rows


def write_conference_workbook(report) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Kết quả")
    sheet.append([conference_title(report)])
    sheet["A1"].font = Font(bold=True, size=13)
    top, second = table_header(report)
    sheet.append(top)
    sheet.append(second)
    for row in (2, 3):
        for cell in sheet[row]:
            cell.font = Font(bold=True)
    for line in table_rows(report):
        sheet.append(line)
    for offset, summary in enumerate(report.summaries):
        places = "0" + ("." + "0" * summary.precision if summary.precision else "")
        for column in (4 + 4 * offset, 6 + 4 * offset):
            for (cell,) in sheet.iter_rows(min_row=4, min_col=column, max_col=column):
                cell.number_format = places if column == 4 + 4 * offset else f"+{places};-{places};0"
    sheet.column_dimensions["C"].width = 40
    summary_sheet = workbook.create_sheet(_("Tổng hợp"))
    for summary in report.summaries:
        summary_sheet.append([f"{summary.code} — {summary.name}"])
        summary_sheet.cell(summary_sheet.max_row, 1).font = Font(bold=True)
        for line in summary_lines(summary):
            summary_sheet.append([line])
        summary_sheet.append([])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
