"""Survey workbooks (openpyxl lives here only): the design, sheets `survey` (key, value) and `questions`, read into
a SurveySpec and written back in the same shape, so an export imports unchanged; the `responses` sheet of
import_responses; and the results exports (every answer, and the aggregates). Every problem of a file is reported
with its sheet, row and column, in one pass: the reader parses cells, and the design's rules are
services/design.py's validate_survey, which the browser editor uses too."""
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from scoring.excel.cells import keep_text, text_cell, text_row, workbook_bytes
from scoring.excel.sheets import SheetIssue, decimal, open_workbook, read_table, text, yes_no
from scoring.framework_spec import merge_issues
from scoring.rules import format_decimal_vi

from .aggregation import ELEMENTS
from .models import Element, Rates, Source
from .services.design import (CHOICES, QUESTIONS_SHEET, SURVEY_SHEET, GroupSpec, QuestionSpec, SurveySpec,
                              format_options, parse_options, validate_survey, year_message)
from .services.responses import FIXED_COLUMNS, SHEET as RESPONSES_SHEET, ResponseRow

SURVEY_KEYS = ("code", "name", "year", "blocks", "anonymous", "satisfied_min_weight", "margin_of_error")
QUESTION_COLUMNS = ("code", "group", "text", "options", "criterion_code", "element", "content", "rates",
                    "group_name", "identified")
QUESTION_REQUIRED = ("code", "group", "text", "options", "criterion_code", "element", "content")
WIDTHS = {SURVEY_SHEET: (22, 70), QUESTIONS_SHEET: (9, 13, 70, 60, 15, 14, 13, 8, 28, 10)}
HEADER_FONT = Font(bold=True)


# --- Reading the design -----------------------------------------------------------------------------------------


def read_survey_workbook(file) -> tuple[SurveySpec | None, list[SheetIssue]]:
    """The design in `file` (a path or binary file) and every problem found; None when a sheet or a required
    column is missing. What needs the database (blocks, criteria) is checked by survey_import."""
    workbook, issues = open_workbook(file)
    if workbook is None:
        return None, issues
    try:
        survey, survey_issues = read_table(workbook, SURVEY_SHEET, columns=("key", "value"), required=("key", "value"))
        questions, question_issues = read_table(workbook, QUESTIONS_SHEET, columns=QUESTION_COLUMNS,
                                                required=QUESTION_REQUIRED)
    finally:
        workbook.close()
    issues = survey_issues + question_issues
    # Without a sheet or a required column there is nothing to build a design from.
    if any(issue.sheet is None or issue.row == 1 for issue in issues):
        return None, issues
    spec = _spec(survey, questions, issues)
    return spec, merge_issues(issues, validate_survey(spec))


def _spec(survey_table, question_table, issues):
    header, rows = _header(survey_table, issues)
    groups, questions = {}, []
    for number, cells in question_table:
        question = _question(number, cells, issues)
        _fold_group(number, cells, question, groups, issues)
        questions.append(question)
    groups = tuple(GroupSpec(g["code"], g["name"] or g["code"], bool(g["identified"]), row=g["row"])
                   for g in groups.values())
    return SurveySpec(**header, groups=groups, questions=tuple(questions), rows=rows)


def _header(table, issues):
    rows, cells = {}, {}
    for number, row in table:
        key = text(row["key"]).lower()
        if key not in SURVEY_KEYS:
            message = _("khóa '%(key)s' không được hỗ trợ; dùng: %(keys)s")
            issues.append(SheetIssue(message % {"key": key, "keys": ", ".join(SURVEY_KEYS)}, SURVEY_SHEET, number,
                                     "key"))
        elif key in rows:
            message = _("khóa '%(key)s' bị lặp (đã có ở dòng %(row)d)") % {"key": key, "row": rows[key]}
            issues.append(SheetIssue(message, SURVEY_SHEET, number, "key"))
        else:
            rows[key], cells[key] = number, row["value"]
    return _header_values(cells, rows, issues), rows


def _header_values(cells, rows, issues):
    def report(key, message):
        issues.append(SheetIssue(message, SURVEY_SHEET, rows.get(key), "value" if key in rows else key))

    return {"code": text(cells.get("code")), "name": text(cells.get("name")),
            "year": _year(cells.get("year"), report), "blocks": _blocks(cells.get("blocks")),
            "anonymous": _flag(cells.get("anonymous"), True, lambda m: report("anonymous", m)),
            "satisfied_min_weight": _number(cells.get("satisfied_min_weight"), Decimal(60)),
            "margin_of_error": _number(cells.get("margin_of_error"), Decimal("0.05"))}


def _year(value, report):
    """The year as written, when it is a whole number (validate_survey checks its range); else None, reported."""
    if not text(value):
        return None
    try:
        year = decimal(value)
    except ValueError:
        year = None
    if year is None or year % 1:
        report("year", year_message(text(value)))
        return None
    return int(year)


def _blocks(value):
    codes = [code.strip().upper() for code in text(value).split(",") if code.strip()]
    return tuple(dict.fromkeys(codes))


def _flag(value, default, report):
    try:
        return yes_no(value, default=default)
    except ValueError:
        report(_("'%(value)s' không hợp lệ; ghi có/không (yes/no, 1/0)") % {"value": text(value)})
        return default


def _number(value, default):
    """A setting's number; the default when blank, None (validate_survey reports it) when not a number."""
    if not text(value):
        return default
    try:
        return decimal(value)
    except ValueError:
        return None


# --- Questions ----------------------------------------------------------------------------------------------------


def _question(number, cells, issues):
    values = {column: text(cells.get(column)) for column in ("code", "group", "text", "criterion_code")}
    values.update({column: _choice(cells, column) for column in CHOICES})
    values["rates"] = values["rates"] or Rates.BLOCK
    options = parse_options(cells.get("options"),
                            lambda message: issues.append(SheetIssue(message, QUESTIONS_SHEET, number, "options")))
    return QuestionSpec(**values, options=options, row=number)


def _choice(cells, column):
    """A choice by its code (access, satisfaction, own...) or its Vietnamese label, any case; anything else as
    written, for validate_survey to report."""
    written = text(cells.get(column))
    for value, label in CHOICES[column].choices:
        if written.casefold() in (value.casefold(), str(label).casefold()):
            return value
    return written


def _fold_group(number, cells, question, groups, issues):
    """A group is named by the first row that names it (else by its code); other rows may repeat its name and
    flag but not contradict them."""
    if not question.group:
        return
    group = groups.setdefault(question.group.upper(),
                              {"code": question.group, "name": "", "identified": None, "row": number})
    name = text(cells.get("group_name"))
    identified = _flag(cells.get("identified"), None, lambda message: issues.append(
        SheetIssue(message, QUESTIONS_SHEET, number, "identified"))) if text(cells.get("identified")) else None
    if name and group["name"] and name != group["name"]:
        message = _("tên nhóm '%(name)s' khác tên đã ghi cho nhóm %(code)s: '%(first)s'")
        issues.append(SheetIssue(message % {"name": name, "code": group["code"], "first": group["name"]},
                                 QUESTIONS_SHEET, number, "group_name"))
    if identified is not None and group["identified"] is not None and identified != group["identified"]:
        message = _("nhóm %(code)s đã được ghi khác ở dòng trên (mời đích danh: có/không)") % {"code": group["code"]}
        issues.append(SheetIssue(message, QUESTIONS_SHEET, number, "identified"))
    if name and not group["name"]:
        group["name"], group["row"] = name, number
    group["identified"] = identified if group["identified"] is None else group["identified"]


# --- Writing the design -------------------------------------------------------------------------------------------


def write_survey_workbook(spec: SurveySpec) -> bytes:
    """The design as an .xlsx that read_survey_workbook reads back into an equal SurveySpec."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SURVEY_SHEET
    sheet.append(("key", "value"))
    for key, value in _header_cells(spec):
        sheet.append((key, value))
    questions = workbook.create_sheet(QUESTIONS_SHEET)
    questions.append(QUESTION_COLUMNS)
    groups = {group.code: group for group in spec.groups}
    for question in spec.questions:
        questions.append(_question_cells(question, groups[question.group]))
    for worksheet in (sheet, questions):
        _style(worksheet)
    _add_guide(workbook)
    return workbook_bytes(workbook)


def _header_cells(spec):
    return [("code", spec.code), ("name", spec.name), ("year", spec.year), ("blocks", ", ".join(spec.blocks)),
            ("anonymous", _yes_no(spec.anonymous)),
            ("satisfied_min_weight", _plain(spec.satisfied_min_weight)),
            ("margin_of_error", _plain(spec.margin_of_error))]


def _question_cells(question, group):
    return (question.code, question.group, question.text, format_options(question.options), question.criterion_code,
            question.element, question.content, question.rates, group.name, _yes_no(group.identified))


def _plain(value):
    return "" if value is None else format(value.normalize(), "f")


def _yes_no(flag):
    return "có" if flag else "không"


def _style(sheet, widths=None):
    for cell in sheet[1]:
        cell.font = HEADER_FONT
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            # Text stays text: a label starting with "=" must not become a formula, "8.1" must not become a number.
            if isinstance(cell.value, str):
                cell.data_type = "s"
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    _widths(sheet, WIDTHS[sheet.title] if widths is None else widths)
    sheet.freeze_panes = "A2"


def _widths(sheet, widths):
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _add_guide(workbook):
    guide = workbook.create_sheet("huong-dan")
    guide.append((_("Sheet / cột"), _("Ý nghĩa")))
    for row in GUIDE:
        guide.append(row)
    guide["A1"].font = guide["B1"].font = Font(bold=True)
    guide.column_dimensions["A"].width, guide.column_dimensions["B"].width = 24, 110
    for row in guide.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")


GUIDE = (
    ("survey: code", "Mã cuộc điều tra (duy nhất). Nhập lại cùng mã sẽ thay bảng hỏi nếu chưa có phiếu trả lời nào."),
    ("survey: name", "Tên cuộc điều tra"),
    ("survey: year", "Năm đánh giá: câu hỏi tính điểm cho tiêu chí điều tra XHH của bộ chỉ số năm này"),
    ("survey: blocks", "Các khối được đánh giá, phân cách bằng dấu phẩy, ví dụ: SO, HUYEN, XA"),
    ("survey: anonymous", "Ẩn danh: có/không (để trống là có)"),
    ("survey: satisfied_min_weight", "Trọng số tối thiểu (%) được tính là hài lòng trong SIPAS, mặc định 60"),
    ("survey: margin_of_error", "Sai số e để tính cỡ mẫu n = N / (1 + N·e²), mặc định 0,05"),
    ("questions: code", "Mã câu hỏi, duy nhất trong nhóm; là tên cột của câu hỏi trong sheet responses"),
    ("questions: group", "Mã nhóm đối tượng, ví dụ NGUOIDAN; nhóm được tạo từ các mã ghi ở cột này"),
    ("questions: text", "Nội dung câu hỏi"),
    ("questions: options", "Phương án = trọng số (%), phân cách bằng dấu chấm phẩy: Rất hài lòng=100; Hài lòng=60; "
                           "Không hài lòng=20; Rất không hài lòng=0; Không biết= (trọng số trống: không tính điểm)"),
    ("questions: criterion_code", "Mã tiêu chí điều tra XHH được tính điểm từ câu hỏi này; để trống nếu không tính"),
    ("questions: element", "Yếu tố SIPAS: access, procedure, civil_servant, result, feedback; để trống nếu không"),
    ("questions: content", "Nội dung đo SIPAS: perception (cảm nhận), satisfaction (hài lòng), expectation (mong đợi)"),
    ("questions: rates", "block: đánh giá từng đơn vị của khối; own: đánh giá đơn vị của người trả lời"),
    ("questions: group_name", "Tên nhóm đối tượng (ghi ở dòng đầu của nhóm là đủ)"),
    ("questions: identified", "Nhóm được mời đích danh bằng phiếu mời: có/không"),
    ("responses", "Phiếu trả lời (import_responses): cột respondent, group, unit_code, rồi mỗi câu hỏi một cột "
                  "(mã câu hỏi) ghi phương án đã chọn (nhãn, hoặc chữ cái A, B, C… theo thứ tự); để trống: không "
                  "trả lời"),
)


# --- Responses ----------------------------------------------------------------------------------------------------


def read_responses_workbook(file) -> tuple[list[str], list[ResponseRow], list[SheetIssue]]:
    """(question columns as written, rows, issues) of the `responses` sheet."""
    workbook, issues = open_workbook(file)
    if workbook is None:
        return [], [], issues
    try:
        header = _header_row(workbook)
        table, issues = read_table(workbook, RESPONSES_SHEET, columns={name.lower() for name in header},
                                   required=FIXED_COLUMNS)
    finally:
        workbook.close()
    columns = [name for name in dict.fromkeys(header) if name.lower() not in FIXED_COLUMNS]
    rows = [_response_row(number, cells, columns, issues) for number, cells in table]
    return columns, rows, issues


def _header_row(workbook):
    sheet = next((ws for ws in workbook.worksheets if ws.title.strip().lower() == RESPONSES_SHEET), None)
    first = next(sheet.iter_rows(max_row=1, values_only=True), ()) if sheet is not None else ()
    return [text(value) for value in first if text(value)]


def _response_row(number, cells, columns, issues):
    fixed = {column: text(cells.get(column)) for column in FIXED_COLUMNS}
    for column, value in fixed.items():
        if not value:
            issues.append(SheetIssue(_("ô này không được để trống"), RESPONSES_SHEET, number, column))
    answers = tuple((column, text(cells.get(column.lower()))) for column in columns if text(cells.get(column.lower())))
    return ResponseRow(fixed["respondent"], fixed["group"], fixed["unit_code"], answers, number)


def write_responses_workbook(columns, rows) -> bytes:
    """A responses sheet (the demo and the tests write theirs here): `rows` are ResponseRow values."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = RESPONSES_SHEET
    sheet.append((*FIXED_COLUMNS, *columns))
    for row in rows:
        answers = dict(row.answers)
        sheet.append((row.respondent, row.group, row.unit_code, *(answers.get(column, "") for column in columns)))
    return workbook_bytes(workbook)


# --- Results: every answer, and the aggregates -------------------------------------------------------------------

ANSWERS_SHEET = "tra-loi"
DATE_FORMAT = "DD/MM/YYYY"
POINTS_FORMAT = "0.000"
SHARE_FORMAT = "0.00"


def write_answers_workbook(questions, rows, out) -> None:
    """Every response as one row into `out` (a binary file): id, group, unit, source, date, flag, then one column
    per question code holding the chosen option's label. `questions` are (id, code) in order; question codes are
    unique only within a group, so a code's column holds the answer to that code of the response's own group, as
    the responses sheet of import_responses does. Written in openpyxl's write-only mode from `rows`
    (selectors.survey_answer_rows, an iterator): memory stays flat however many responses there are."""
    codes = list(dict.fromkeys(code for _id, code in questions))
    column = {question: codes.index(code) for question, code in questions}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(ANSWERS_SHEET)
    headers = (_("Mã phiếu"), _("Nhóm"), _("Mã đơn vị"), _("Tên đơn vị"), _("Nguồn"), _("Ngày trả lời"),
               _("Đáng ngờ"), _("Lý do đánh dấu"), *codes)
    _widths(sheet, (38, 14, 12, 36, 18, 13, 9, 40, *(14 for _code in codes)))
    sheet.freeze_panes = "A2"
    sheet.append([_bold(sheet, header) for header in headers])  # codes like "1" are headers, hence text
    sources = dict(Source.choices)
    for row in rows:
        sheet.append(text_row(sheet, [*_answer_cells(sheet, row, sources),
                                      *_labels(sheet, row.labels, column, len(codes))]))
    workbook.save(out)


def _bold(sheet, value):
    cell = keep_text(WriteOnlyCell(sheet, value=value))
    cell.font = HEADER_FONT
    return cell


def _answer_cells(sheet, row, sources):
    submitted = WriteOnlyCell(sheet, value=row.submitted_on)
    submitted.number_format = DATE_FORMAT
    return [row.response_id, row.group, _text_cell(sheet, row.unit_code), _text_cell(sheet, row.unit_name),
            str(sources.get(row.source, row.source)), submitted, _yes_no(row.flagged),
            _text_cell(sheet, row.flag_reason)]


def _text_cell(sheet, value):
    """Text stays text: a code like "001" never becomes a number, nor a label like "=x" a formula."""
    return text_cell(sheet, value) if value else value


def _labels(sheet, labels, column, width):
    cells = [None] * width
    for question, label in labels.items():
        if question in column:
            cells[column[question]] = label  # text_row makes a label that could be a formula a text cell
    return cells


def write_aggregates_workbook(aggregates) -> bytes:
    """The survey's figures (results.survey_aggregates): the survey leaves' points per unit, SIPAS per element
    (the survey, then each unit) and the distribution of the answers to every question."""
    workbook = Workbook()
    _points_sheet(workbook.active, aggregates)
    _sipas_sheet(workbook.create_sheet("sipas"), aggregates)
    _distribution_sheet(workbook.create_sheet("phan-bo"), aggregates)
    return workbook_bytes(workbook)


def _points_sheet(sheet, aggregates):
    sheet.title = "diem-dieu-tra"
    sheet.append((_("Mã đơn vị"), _("Tên đơn vị"), _("Khối"),
                  *(_("%(code)s. %(title)s (tối đa %(max)s)") % {"code": leaf.code, "title": leaf.title,
                                                                 "max": format_decimal_vi(leaf.max_points)}
                    for leaf in aggregates.leaves)))
    for unit in aggregates.units:
        points = [aggregates.points.get((unit.pk, leaf.code), (None, None))[0] for leaf in aggregates.leaves]
        sheet.append((unit.code, unit.name, unit.block.code, *points))
    _style(sheet, (12, 36, 10, *(24 for _leaf in aggregates.leaves)))
    _number_format(sheet, 4, POINTS_FORMAT)


def _sipas_sheet(sheet, aggregates):
    labels = dict(Element.choices)
    sheet.append((_("Mã đơn vị"), _("Tên đơn vị"), *(_("%(element)s (%%)") % {"element": labels[element]}
                                                     for element in ELEMENTS),
                  _("Chung (%)"), _("Số câu trả lời hợp lệ")))
    sheet.append((_("Toàn bộ"), aggregates.survey.name, *_sipas_cells(aggregates.sipas)))
    for unit in aggregates.units:
        result = aggregates.sipas_by_unit.get(unit.pk)
        sheet.append((unit.code, unit.name, *(_sipas_cells(result) if result else ())))
    _style(sheet, (12, 36, *(16 for _element in ELEMENTS), 12, 14))
    _number_format(sheet, 3, SHARE_FORMAT, last=2 + len(ELEMENTS) + 1)


def _sipas_cells(result):
    return (*(result.elements[element].share for element in ELEMENTS), result.overall.share, result.overall.valid)


def _distribution_sheet(sheet, aggregates):
    sheet.append((_("Nhóm"), _("Mã câu hỏi"), _("Câu hỏi"), _("Phương án"), _("Trọng số (%)"),
                  _("Số câu trả lời"), _("Tỷ lệ (%)")))
    for group, questions in aggregates.questions:
        for result in questions:
            for bar in result.bars:
                sheet.append((group.code, result.question.code, result.question.text, bar.label, bar.weight,
                              bar.count, bar.share))
    _style(sheet, (14, 10, 60, 28, 12, 12, 10))
    _number_format(sheet, 7, SHARE_FORMAT)


def _number_format(sheet, first, number_format, *, last=None):
    for row in sheet.iter_rows(min_row=2, min_col=first, max_col=last or sheet.max_column):
        for cell in row:
            cell.number_format = number_format


# --- Sample targets (the planner's N per unit and group) -------------------------------------------------------

TARGETS_SHEET = "targets"
TARGET_COLUMNS = ("unit_code", "group", "transactions")


def read_targets_workbook(file) -> tuple[list[tuple[int, str, str, int]], list[SheetIssue]]:
    """[(row, unit code, group code, N)] from sheet `targets`; N must be a whole number ≥ 0."""
    workbook, issues = open_workbook(file)
    if workbook is None:
        return [], issues
    try:
        table, issues = read_table(workbook, TARGETS_SHEET, columns=TARGET_COLUMNS, required=TARGET_COLUMNS)
    finally:
        workbook.close()
    rows = []
    for number, cells in table:
        try:
            count = decimal(cells["transactions"])
        except ValueError:
            count = Decimal(-1)
        if count < 0 or count != count.to_integral_value():
            issues.append(SheetIssue(_("số giao dịch phải là số nguyên không âm"), TARGETS_SHEET, number,
                                     "transactions"))
            continue
        rows.append((number, text(cells["unit_code"]), text(cells["group"]), int(count)))
    return rows, issues
