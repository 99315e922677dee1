"""A unit's scorecard as .xlsx: the PDF's content in sheets a unit can sort and filter.

"Tổng hợp": the headline figures and the areas beside the block average; "Tiêu chí": every criterion with its
scores and the appraiser's reason, header frozen; "Điều tra XHH": survey points with response counts. Numbers are
numbers, formatted with the framework's precision (indices) or 3 decimals (points)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from ..selectors.scorecards import criteria_headers
from ..index_scale import heading, places, scaled
from .cells import workbook_bytes
from .results import POINTS_FORMAT, RANK_CHANGE_FORMAT, _decimal_format, status_text

HEADER_FILL = PatternFill("solid", fgColor="EEF1F5")
NODE_FILL = PatternFill("solid", fgColor="F6F7F9")


def write_scorecard_workbook(card) -> bytes:
    """card: a selectors.scorecards.Scorecard."""
    workbook = Workbook()
    _summary(workbook.active, card)
    _criteria(workbook.create_sheet(_("Tiêu chí")), card)
    if card.survey_rows:
        _survey(workbook.create_sheet(_("Điều tra XHH")), card)
    return workbook_bytes(workbook)


def _formats(card):
    index = _decimal_format(places(card.scale, card.precision))
    return index, f"+{index};-{index};{index}"


# --- Summary ---------------------------------------------------------------------------------------------------


def _summary(sheet, card):
    sheet.title = _("Tổng hợp")
    result = card.result
    index_format, change_format = _formats(card)
    scale, label = card.scale, card.index_label
    sheet.append([card.title, status_text(card.status)])  # provisional or official (rule 14)
    sheet.append([card.unit.name])
    sheet.append([f"{card.block.name} · {card.framework.name} ({card.framework.version})"])
    sheet.append([])
    facts = [
        (heading(scale), scaled(result.index, scale), index_format),
        (_("Xếp loại"), card.grade.label if card.grade else result.grade or None, None),
        (_("Thứ hạng trong khối"), result.rank if result.rank else (None if result.ranked else _("Không xếp hạng")),
         "0"),
        (_("Số đơn vị được xếp hạng"), card.ranked_count or None, "0"),
        (_("Thay đổi thứ hạng"), result.rank_change, RANK_CHANGE_FORMAT),
        (_("Thay đổi chỉ số"), scaled(result.index_change, scale), change_format),
        (_("So sánh được với năm trước"), _comparable(result.comparable), None),
        (_("Chỉ số năm trước"), scaled(result.previous_index, scale), index_format),
        (_("Tổng điểm"), result.total, POINTS_FORMAT), (_("Điểm tối đa"), result.max_total, POINTS_FORMAT),
        (_("Điểm thẩm định (A)"), result.appraised, POINTS_FORMAT), (_("Điểm điều tra (X)"), result.survey,
                                                                      POINTS_FORMAT),
        (_("Điểm thưởng (B)"), result.bonus, POINTS_FORMAT), (_("Điểm trừ (P)"), result.penalty, POINTS_FORMAT),
        (label(_("Chỉ số tự đánh giá (%)")), scaled(result.self_index, scale), index_format),
        (label(_("Chỉ số trung bình của khối (%)")), scaled(card.block_index_average, scale), index_format),
    ]
    for label, value, number_format in facts:
        sheet.append([label, value])
        if number_format:
            sheet.cell(sheet.max_row, 2).number_format = number_format
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    sheet.append([])
    _components(sheet, card, card.areas, (_("Mã lĩnh vực"), _("Lĩnh vực")), index_format, change_format)
    if card.pillars:  # a framework with pillars (DTI): the second grouping, laid out like the areas
        sheet.append([])
        _components(sheet, card, card.pillars, (_("Mã trụ cột"), _("Trụ cột")), index_format, change_format)
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"].font = Font(bold=True, size=12)
    for letter, width in zip("ABCDEFG", (36, 44, 12, 12, 14, 18, 16)):
        sheet.column_dimensions[letter].width = width


def _comparable(value):
    return None if value is None else (_("Có") if value else _("Không (khác phiên bản phương pháp)"))


def _components(sheet, card, lines, names, index_format, change_format):
    """The areas or the pillars (selectors.scorecards.AreaLine), one row each, on the index's scale."""
    scale = card.scale
    sheet.append([*names, _("Điểm"), _("Điểm tối đa"), heading(scale), card.index_label(_("Trung bình khối (%)")),
                  _("Thay đổi chỉ số"), _("Thứ hạng trong khối"), _("Thay đổi thứ hạng")])
    _header(sheet[sheet.max_row])
    formats = (None, None, POINTS_FORMAT, POINTS_FORMAT, index_format, index_format, change_format, "0",
               RANK_CHANGE_FORMAT)
    for area in lines:
        sheet.append([area.code, area.title, area.points, area.max_points, scaled(area.index, scale),
                      scaled(area.block_average, scale), scaled(area.change, scale), area.rank, area.rank_change])
        _number_formats(sheet[sheet.max_row], formats)


# --- Criteria and survey -----------------------------------------------------------------------------------------


def _criteria(sheet, card):
    sheet.append([*criteria_headers(), _("Phương pháp"), _("Tài liệu kiểm chứng")])
    _header(sheet[1])
    formats = (None, None, *[POINTS_FORMAT] * 6, None, None, None)
    for row in card.rows:
        sheet.append(_criterion_cells(row))
        cells = sheet[sheet.max_row]
        _number_formats(cells, formats)
        cells[1].alignment = Alignment(indent=row.depth, wrap_text=True, vertical="top")
        if not row.is_leaf:
            for cell in cells:
                cell.font, cell.fill = Font(bold=True), NODE_FILL
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.print_title_rows = "1:1"
    for letter, width in zip("ABCDEFGHIJK", (10, 60, 11, 11, 12, 12, 12, 11, 40, 14, 40)):
        sheet.column_dimensions[letter].width = width


def _criterion_cells(row):
    evidence = "; ".join(_evidence_text(item) for item in row.evidence)
    if not row.is_leaf:
        return [row.code, row.title, row.max_points, None, None, None, row.final_score, row.points_lost, None,
                None, None]
    na = _("Không áp dụng")
    return [row.code, row.title, row.max_points, na if row.self_not_applicable else row.self_score,
            row.appraised_score, row.second_score, na if row.not_applicable else row.final_score, row.points_lost,
            row.reason or None, row.method_label, evidence or None]


def _evidence_text(item):
    number = f"{item.document_number} " if item.document_number else ""
    date = f" ({item.issue_date.strftime('%d/%m/%Y')})" if item.issue_date else ""
    return f"{number}{item.title}{date}"


def _survey(sheet, card):
    sheet.append([_("Mã"), _("Tiêu chí điều tra"), _("Điểm tối đa"), _("Điểm"), _("Số phiếu được tính")])
    _header(sheet[1])
    for row in card.survey_rows:
        sheet.append([row.code, row.title, row.max_points, row.final_score, row.responses or 0])
        _number_formats(sheet[sheet.max_row], (None, None, POINTS_FORMAT, POINTS_FORMAT, "0"))
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDE", (10, 60, 12, 12, 18)):
        sheet.column_dimensions[letter].width = width


def _header(cells):
    for cell in cells:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _number_formats(cells, formats):
    for cell, number_format in zip(cells, formats):
        if number_format:
            cell.number_format = number_format
