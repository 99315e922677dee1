"""The conference report of a year and block (issue 14): per unit every index with its rank and change, and per
index the block's average and its change and the grade distribution ("05/19 đơn vị xếp loại Xuất sắc, đạt tỷ lệ
26,32 %"). The PDF here and the workbook (scoring/excel/conference.py) share these rows."""
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A3, A4, landscape

from .pdf import MARGIN, grid_table, number_text, pdf_build, signed_text, styles, text

WIDE = 3  # indices beyond which the table moves to A3


def conference_title(report) -> str:
    title = _("Kết quả các chỉ số năm %(year)s, %(block)s") % {"year": report.year, "block": report.block.name}
    return f"{title} ({_('tạm tính')})" if report.provisional else title


def conference_filename(report, extension) -> str:
    return f"bao-cao-hoi-nghi-{report.year}-{report.block.code}.{extension}"


def grade_sentence(grade) -> str:
    """"05/19 đơn vị xếp loại Xuất sắc, đạt tỷ lệ 26,32 %", counts written with two digits as the reports do."""
    return _("%(count)s/%(of)s đơn vị xếp loại %(label)s, đạt tỷ lệ %(share)s %%") % {
        "count": f"{grade.count:02d}", "of": f"{grade.of:02d}", "label": grade.label,
        "share": number_text(grade.share, 2) or "—"}


def summary_lines(summary) -> list[str]:
    lines = [_("Trung bình: %(average)s (thay đổi %(change)s)") % {
        "average": number_text(summary.average, summary.precision) or "—",
        "change": signed_text(summary.average_change, summary.precision) or "—"}]
    lines += [grade_sentence(grade) for grade in summary.grades]
    lines.append(_("%(rose)s đơn vị tăng hạng, %(fell)s đơn vị giảm hạng") % {"rose": summary.rose,
                                                                              "fell": summary.fell})
    if summary.left_out:
        lines.append(_("Chưa đủ điểm, không tính vào thống kê: %(units)s") % {"units": ", ".join(summary.left_out)})
    return lines


def table_header(report) -> tuple[list[str], list[str]]:
    """Two header rows: the indices over their four columns, then value, rank, change, change of rank."""
    top, second = [_("STT"), _("Mã"), _("Đơn vị")], ["", "", ""]
    for summary in report.summaries:
        top += [summary.code, "", "", ""]
        second += [_("Giá trị"), _("Hạng"), _("± giá trị"), _("± hạng")]
    return top, second


def table_rows(report) -> list[list]:
    """One row per unit: its values as Decimal and ranks as int (the workbook keeps them as numbers)."""
    rows = []
    for number, row in enumerate(report.rows, start=1):
        line = [number, row.unit.code, row.unit.name]
        for summary in report.summaries:
            cell = row.cells.get(summary.code)
            if cell is None:
                line += [None, None, None, None]
            elif cell.value is None:
                line += [_("không xếp hạng"), None, None, None]
            else:
                line += [cell.value, cell.rank, cell.value_change, cell.rank_change]
        rows.append(line)
    return rows


def conference_pdf(report) -> bytes:
    page = landscape(A3 if len(report.summaries) > WIDE else A4)
    style = styles(9)
    title = conference_title(report)
    story = [text(title, style["title"])]
    for summary in report.summaries:
        story.append(text(f"{summary.code} — {summary.name}", style["heading"]))
        story += [text(line, style["body"]) for line in summary_lines(summary)]
    story.append(text(_("Kết quả từng đơn vị"), style["heading"]))
    story.append(_table(report, page))
    return pdf_build(story, title=title, footer=f"{report.block.name} · {report.year}", pagesize=page)


def _table(report, page):
    top, second = table_header(report)
    body = [[_printed(value, column, report) for column, value in enumerate(line)] for line in table_rows(report)]
    width = page[0] - 2 * MARGIN
    fixed = [24, 60, 150]
    rest = (width - sum(fixed)) / max(1, 4 * len(report.summaries))
    spans = [("SPAN", (3 + 4 * n, 0), (6 + 4 * n, 0)) for n in range(len(report.summaries))]
    return grid_table([top, second, *body], fixed + [rest] * 4 * len(report.summaries), header_rows=2,
                      numeric_from=3, extra=spans)


def _printed(value, column, report):
    if value is None or isinstance(value, str) or column < 3:
        return "" if value is None else str(value)
    summary = report.summaries[(column - 3) // 4]
    kind = (column - 3) % 4
    if kind == 0:
        return number_text(value, summary.precision)
    if kind == 2:
        return signed_text(value, summary.precision)
    return signed_text(value, 0) if kind == 3 else str(value)
