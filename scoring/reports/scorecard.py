"""A unit's scorecard as a PDF a leader signs: the headline figures, the areas beside the block average, every
criterion with its scores and the appraiser's reason, the survey points, and a signature block."""
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer, Table, TableStyle

from ..excel.results import status_text
from ..index_scale import heading, scaled
from ..index_scale import places as index_places
from ..selectors.scorecards import criteria_headers
from .pdf import BOLD, FONT, grid_table, number_text, pdf_build, signed_text, styles, text

POINTS = 3  # leaf and survey points keep 3 decimals (domain.md rule 7)
PAGE = landscape(A4)
WIDTH = PAGE[0] - 24 * mm


def scorecard_pdf(card) -> bytes:
    """card: a selectors.scorecards.Scorecard."""
    style = styles()
    story = [
        text(card.title, style["title"]),
        text(card.unit.name, style["subtitle"]),
        text(f"{card.block.name} · {card.framework.name} ({card.framework.version})", style["center"]),
        text(status_text(card.status), style["center"]),
        Spacer(1, 4 * mm),
        _headline(card, style),
        text(_("Chỉ số thành phần theo lĩnh vực"), style["heading"]),
        _components(card, card.areas, _("Lĩnh vực"), style),
    ]
    if card.pillars:  # a framework with pillars (DTI): the second grouping, laid out like the areas
        story += [text(_("Chỉ số trụ cột"), style["heading"]), _components(card, card.pillars, _("Trụ cột"), style)]
    story += [
        CondPageBreak(40 * mm),
        text(_("Điểm từng tiêu chí"), style["heading"]),
        _criteria(card, style),
    ]
    if card.survey_rows:
        story += [text(_("Điểm điều tra xã hội học"), style["heading"]), _survey(card, style)]
    story += [Spacer(1, 8 * mm), KeepTogether(_signatures(style))]
    title = _("Phiếu điểm %(unit)s năm %(year)s") % {"unit": card.unit.name, "year": card.year}
    return pdf_build(story, title=title, footer=f"{card.unit.name} · {card.year}", pagesize=PAGE,
                     watermark=watermark(card.status))


def watermark(status) -> str:
    return "" if status.published else _("TẠM TÍNH")


def scorecard_filename(card, extension) -> str:
    index = "" if card.index is None or card.index.code == "PAR" else f"{card.index.code}-"
    return f"phieu-diem-{index}{card.year}-{card.unit.code}.{extension}"


# --- Headline ----------------------------------------------------------------------------------------------------


def headline_facts(card):
    """(label, value) pairs of the headline, shared with the workbook's summary sheet."""
    result, places, scale, label = card.result, index_places(card.scale, card.precision), card.scale, card.index_label
    rank = (_("%(rank)s/%(count)s") % {"rank": result.rank, "count": card.ranked_count} if result.rank
            else (_("Không xếp hạng") if not result.ranked else "—"))
    comparable = "" if result.comparable is not False else _(" (không so sánh được: khác phiên bản phương pháp)")
    return [
        (heading(scale), number_text(scaled(result.index, scale), places) or "—"),
        (_("Xếp loại"), card.grade.label if card.grade else (result.grade or "—")),
        (_("Thứ hạng trong khối"), rank),
        (_("Thay đổi thứ hạng"), (card.rank_change_text or "—") + comparable),
        (_("Thay đổi chỉ số"), signed_text(scaled(result.index_change, scale), places) or "—"),
        (_("Chỉ số năm trước"), number_text(scaled(result.previous_index, scale), places) or "—"),
        (_("Tổng điểm / điểm tối đa"),
         f"{number_text(result.total, POINTS)} / {number_text(result.max_total, POINTS)}"),
        (_("Điểm thẩm định (A)"), number_text(result.appraised, POINTS)),
        (_("Điểm điều tra (X)"), number_text(result.survey, POINTS)),
        (_("Điểm thưởng (B) / điểm trừ (P)"),
         f"{number_text(result.bonus, POINTS)} / {number_text(result.penalty, POINTS)}"),
        (label(_("Chỉ số tự đánh giá (%)")), number_text(scaled(result.self_index, scale), places) or "—"),
        (label(_("Chỉ số trung bình của khối (%)")),
         number_text(scaled(card.block_index_average, scale), places) or "—"),
    ]


def _headline(card, style):
    facts = headline_facts(card)
    half = (len(facts) + 1) // 2
    rows = []
    for left, right in zip(facts[:half], facts[half:] + [("", "")] * (2 * half - len(facts))):
        rows.append([text(left[0], style["cell"]), text(left[1], style["body"]),
                     text(right[0], style["cell"]), text(right[1], style["body"])])
    table = Table(rows, colWidths=[WIDTH * 0.22, WIDTH * 0.28] * 2)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef1f5")),
        ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#eef1f5")),
    ]))
    if card.grade:  # the grade's colour, as on the page
        table.setStyle(TableStyle([("TEXTCOLOR", (1, 1), (1, 1), colors.HexColor(card.grade.colour)),
                                   ("FONTNAME", (1, 1), (1, 1), BOLD)]))
    return table


# --- Areas, criteria, survey -------------------------------------------------------------------------------------


def _components(card, lines, name, style):
    """The areas or the pillars (selectors.scorecards.AreaLine) as a table, on the index's scale."""
    places, scale = index_places(card.scale, card.precision), card.scale
    head = [_("Mã"), name, _("Điểm"), _("Điểm tối đa"), heading(scale),
            card.index_label(_("Trung bình khối (%)")), _("Thay đổi chỉ số"), _("Thứ hạng trong khối")]
    rows = [[text(cell, style["head"]) for cell in head]]
    for area in lines:
        rows.append([area.code, text(area.title, style["cell"]), number_text(area.points, POINTS),
                     number_text(area.max_points, POINTS), number_text(scaled(area.index, scale), places) or "—",
                     number_text(scaled(area.block_average, scale), places) or "—",
                     signed_text(scaled(area.change, scale), places),
                     _rank_text(area.rank, area.rank_change)])
    widths = [12 * mm, WIDTH - 12 * mm - 6 * 28 * mm, *[28 * mm] * 6]
    return grid_table(rows, widths, numeric_from=2)


def _rank_text(rank, change):
    if rank is None:
        return "—"
    return f"{rank} ({change:+d})" if change else str(rank)


def score_text(row, name):
    """A leaf's score as printed: N/A leaves read "KAD" (không áp dụng), unscored ones stay empty."""
    if (name == "self_score" and row.self_not_applicable) or (name == "final_score" and row.not_applicable):
        return _("KAD")
    return number_text(getattr(row, name), POINTS)


def _criteria(card, style):
    rows = [[text(cell, style["head"]) for cell in criteria_headers()]]
    extra = []
    for number, row in enumerate(card.rows, start=1):
        indent = "\u00a0" * 3 * row.depth
        title = Paragraph(f"{indent}{_escape(row.title)}", style["cell"] if row.is_leaf else _bold(style["cell"]))
        if row.is_leaf:
            rows.append([row.code, title, number_text(row.max_points, POINTS), score_text(row, "self_score"),
                         score_text(row, "appraised_score"), score_text(row, "second_score"),
                         score_text(row, "final_score"), number_text(row.points_lost, POINTS),
                         text(row.reason, style["cell"])])
        else:
            rows.append([row.code, title, number_text(row.max_points, POINTS), "", "", "",
                         number_text(row.final_score, POINTS), number_text(row.points_lost, POINTS), ""])
            extra += [("BACKGROUND", (0, number), (-1, number), colors.HexColor("#f6f7f9")),
                      ("FONTNAME", (0, number), (-1, number), BOLD)]
    fixed = [16 * mm, None, 17 * mm, 17 * mm, 18 * mm, 18 * mm, 18 * mm, 17 * mm, 55 * mm]
    fixed[1] = WIDTH - sum(width for width in fixed if width)
    return grid_table(rows, fixed, numeric_from=2, extra=[*extra, ("ALIGN", (8, 1), (8, -1), "LEFT")])


def _survey(card, style):
    head = [_("Mã"), _("Tiêu chí điều tra"), _("Điểm tối đa"), _("Điểm"), _("Số phiếu được tính")]
    rows = [[text(cell, style["head"]) for cell in head]]
    for row in card.survey_rows:
        rows.append([row.code, text(row.title, style["cell"]), number_text(row.max_points, POINTS),
                     number_text(row.final_score, POINTS), str(row.responses or 0)])
    widths = [16 * mm, WIDTH - 16 * mm - 3 * 30 * mm, *[30 * mm] * 3]
    return grid_table(rows, widths, numeric_from=2)


def _signatures(style):
    """Two signatures side by side, as on Vietnamese official forms: the preparer and the head of the unit."""
    place = _("……, ngày …… tháng …… năm ……")
    left = [text(" ", style["center"]), text(_("Người lập biểu"), _bold(style["center"])),
            text(_("(Ký, ghi rõ họ tên)"), style["center"])]
    right = [text(place, style["center"]), text(_("Thủ trưởng đơn vị"), _bold(style["center"])),
             text(_("(Ký tên, đóng dấu)"), style["center"])]
    table = Table([[left, right], ["", ""]], colWidths=[WIDTH / 2] * 2, rowHeights=[None, 25 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), FONT)]))
    return [table]


def _bold(base):
    return ParagraphStyle(f"{base.name}-bold", parent=base, fontName=BOLD)


def _escape(value):
    return escape(str(value))
