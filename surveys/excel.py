"""Survey workbooks (openpyxl lives here only): the design, sheets `survey` (key, value) and `questions`, read into
a SurveySpec and written back in the same shape, so an export imports unchanged; and the `responses` sheet of
import_responses. Every problem is reported with its sheet, row and column, in one pass."""
from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from scoring.excel.sheets import SheetIssue, decimal, open_workbook, read_table, text, yes_no

from .models import Content, Element, Question, Rates, RespondentGroup, Survey
from .services.design import QUESTIONS_SHEET, SURVEY_SHEET, GroupSpec, OptionSpec, QuestionSpec, SurveySpec
from .services.responses import FIXED_COLUMNS, SHEET as RESPONSES_SHEET, ResponseRow

SURVEY_KEYS = ("code", "name", "year", "blocks", "anonymous", "satisfied_min_weight", "margin_of_error")
SURVEY_REQUIRED = ("code", "name", "year", "blocks")
QUESTION_COLUMNS = ("code", "group", "text", "options", "criterion_code", "element", "content", "rates",
                    "group_name", "identified")
QUESTION_REQUIRED = ("code", "group", "text", "options", "criterion_code", "element", "content")
LENGTHS = {"survey": {"code": Survey._meta.get_field("code").max_length,
                      "name": Survey._meta.get_field("name").max_length},
           "question": {"code": Question._meta.get_field("code").max_length,
                        "group": RespondentGroup._meta.get_field("code").max_length,
                        "criterion_code": Question._meta.get_field("criterion_code").max_length,
                        "group_name": RespondentGroup._meta.get_field("name").max_length},
           "label": 200}
HUNDRED = Decimal(100)
CHOICES = {"element": Element, "content": Content, "rates": Rates}
WIDTHS = {SURVEY_SHEET: (22, 70), QUESTIONS_SHEET: (9, 13, 70, 60, 15, 14, 13, 8, 28, 10)}


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
    return _spec(survey, questions, issues), issues


def _spec(survey_table, question_table, issues):
    header, rows = _header(survey_table, issues)
    groups, questions, seen = {}, [], {}
    for number, cells in question_table:
        question = _question(number, cells, issues)
        _fold_group(number, cells, question, groups, issues)
        _check_unique(question, seen, issues)
        questions.append(question)
    groups = tuple(GroupSpec(g["code"], g["name"] or g["code"], bool(g["identified"])) for g in groups.values())
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

    for key in SURVEY_REQUIRED:
        if not text(cells.get(key)):
            report(key, _("thiếu giá trị của khóa '%(key)s'") % {"key": key})
    return {"code": _limited(cells, "code", report), "name": _limited(cells, "name", report),
            "year": _year(cells.get("year"), report), "blocks": _blocks(cells.get("blocks")),
            "anonymous": _flag(cells.get("anonymous"), True, lambda m: report("anonymous", m)),
            "satisfied_min_weight": _percent_setting(cells, report),
            "margin_of_error": _margin(cells, report)}


def _limited(cells, key, report):
    value, limit = text(cells.get(key)), LENGTHS["survey"][key]
    if len(value) > limit:
        report(key, _("dài %(length)d ký tự, tối đa %(limit)d") % {"length": len(value), "limit": limit})
    return value


def _year(value, report):
    try:
        year = decimal(value) if text(value) else None
    except ValueError:
        year = Decimal("NaN")
    if year is not None and (not year.is_finite() or year % 1 or not 2000 <= year <= 2100):
        report("year", _("năm phải là số nguyên từ 2000 đến 2100, không phải '%(value)s'") % {"value": text(value)})
        return None
    return int(year) if year is not None else None


def _blocks(value):
    codes = [code.strip().upper() for code in text(value).split(",") if code.strip()]
    return tuple(dict.fromkeys(codes))


def _flag(value, default, report):
    try:
        return yes_no(value, default=default)
    except ValueError:
        report(_("'%(value)s' không hợp lệ; ghi có/không (yes/no, 1/0)") % {"value": text(value)})
        return default


def _percent_setting(cells, report):
    value = _number(cells.get("satisfied_min_weight"), Decimal(60))
    if value is None or not 0 <= value <= HUNDRED or value % Decimal("0.01"):
        report("satisfied_min_weight", _("trọng số hài lòng phải là số từ 0 đến 100, tối đa 2 chữ số thập phân"))
        return Decimal(60)
    return value


def _margin(cells, report):
    value = _number(cells.get("margin_of_error"), Decimal("0.05"))
    if value is None or not 0 < value < 1 or value % Decimal("0.001"):
        report("margin_of_error", _("sai số e phải lớn hơn 0, nhỏ hơn 1, tối đa 3 chữ số thập phân (ví dụ 0,05)"))
        return Decimal("0.05")
    return value


def _number(value, default):
    if not text(value):
        return default
    try:
        return decimal(value)
    except ValueError:
        return None


# --- Questions ----------------------------------------------------------------------------------------------------


def _question(number, cells, issues):
    def report(column, message):
        issues.append(SheetIssue(message, QUESTIONS_SHEET, number, column))

    values = {column: _required(cells, column, report) for column in ("code", "group", "text")}
    values["criterion_code"] = _question_text(cells, "criterion_code", report)
    values.update({column: _choice(cells, column, report) for column in ("element", "content", "rates")})
    values["rates"] = values["rates"] or Rates.BLOCK
    if bool(text(cells.get("element"))) != bool(text(cells.get("content"))):
        report("content" if values["element"] else "element",
               _("yếu tố (element) và nội dung đo (content) SIPAS phải ghi cùng nhau, hoặc cùng để trống"))
    if values["code"].lower() in FIXED_COLUMNS:
        report("code", _("mã câu hỏi không được trùng tên cột %(columns)s của sheet responses") % {
            "columns": ", ".join(FIXED_COLUMNS)})
    options = parse_options(cells.get("options"), lambda message: report("options", message))
    return QuestionSpec(**values, options=options, row=number)


def _required(cells, column, report):
    value = _question_text(cells, column, report)
    if not value:
        report(column, _("ô này không được để trống"))
    return value


def _question_text(cells, column, report):
    value, limit = text(cells.get(column)), LENGTHS["question"].get(column)
    if limit and len(value) > limit:
        report(column, _("dài %(length)d ký tự, tối đa %(limit)d") % {"length": len(value), "limit": limit})
    return value


def _choice(cells, column, report):
    """A choice by its code (access, satisfaction, own...) or its Vietnamese label, any case."""
    written = text(cells.get(column))
    if not written:
        return ""
    choices = CHOICES[column]
    for value, label in choices.choices:
        if written.casefold() in (value.casefold(), str(label).casefold()):
            return value
    report(column, _("'%(value)s' không hợp lệ; dùng: %(values)s") % {"value": written,
                                                                    "values": ", ".join(choices.values)})
    return ""


def parse_options(value, report) -> tuple[OptionSpec, ...]:
    """`A=100; B=60; C=20; D=0; E=`: label=weight in percent, separated by semicolons; a blank weight is an option
    that is not counted ("Không biết"). A label may itself hold "=": the weight is after the last one."""
    options, labels = [], set()
    parts = [part.strip() for part in text(value).split(";")]
    for part in [part for part in parts if part]:
        option = _option(part, report)
        if option and option.label.casefold() in labels:
            report(_("phương án '%(label)s' bị lặp") % {"label": option.label})
        elif option:
            labels.add(option.label.casefold())
            options.append(option)
    if not any(parts):
        report(_("cần ít nhất một phương án, dạng A=100; B=60; C=20; D=0; E="))
    return tuple(options)


def _option(part, report):
    label, equals, weight = part.rpartition("=")
    label = label.strip()
    if not equals or not label:
        report(_("'%(part)s' không đúng dạng nhãn=trọng số (ví dụ B=60; để trống trọng số nếu không tính điểm)")
               % {"part": part})
        return None
    if len(label) > LENGTHS["label"]:
        report(_("phương án '%(label)s' dài quá %(limit)d ký tự") % {"label": label[:40], "limit": LENGTHS["label"]})
        return None
    return _weighted(label, weight.strip(), report)


def _weighted(label, weight, report):
    if not weight:
        return OptionSpec(label, None)
    try:
        number = decimal(weight)
    except ValueError:
        number = None
    if number is None or not 0 <= number <= HUNDRED or number % Decimal("0.01"):
        report(_("trọng số '%(weight)s' của phương án '%(label)s' phải là số từ 0 đến 100 (tối đa 2 chữ số thập "
                 "phân) hoặc để trống") % {"weight": weight, "label": label})
        return None
    return OptionSpec(label, number)


def _fold_group(number, cells, question, groups, issues):
    """A group is named by the first row that names it (else by its code); other rows may repeat its name and
    flag but not contradict them."""
    if not question.group:
        return
    group = groups.setdefault(question.group.upper(), {"code": question.group, "name": "", "identified": None})
    name = _question_text(cells, "group_name", lambda c, m: issues.append(SheetIssue(m, QUESTIONS_SHEET, number, c)))
    identified = _flag(cells.get("identified"), None, lambda message: issues.append(
        SheetIssue(message, QUESTIONS_SHEET, number, "identified"))) if text(cells.get("identified")) else None
    if name and group["name"] and name != group["name"]:
        message = _("tên nhóm '%(name)s' khác tên đã ghi cho nhóm %(code)s: '%(first)s'")
        issues.append(SheetIssue(message % {"name": name, "code": group["code"], "first": group["name"]},
                                 QUESTIONS_SHEET, number, "group_name"))
    if identified is not None and group["identified"] is not None and identified != group["identified"]:
        message = _("nhóm %(code)s đã được ghi khác ở dòng trên (mời đích danh: có/không)") % {"code": group["code"]}
        issues.append(SheetIssue(message, QUESTIONS_SHEET, number, "identified"))
    group["name"] = group["name"] or name
    group["identified"] = identified if group["identified"] is None else group["identified"]


def _check_unique(question, seen, issues):
    key = (question.group.upper(), question.code.lower())
    if question.code and key in seen:
        message = _("mã câu hỏi '%(code)s' trùng với dòng %(row)d trong nhóm %(group)s")
        issues.append(SheetIssue(message % {"code": question.code, "row": seen[key], "group": question.group},
                                 QUESTIONS_SHEET, question.row, "code"))
    seen.setdefault(key, question.row)


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
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def format_options(options) -> str:
    return "; ".join(f"{option.label}={_plain(option.weight)}" for option in options)


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


def _style(sheet):
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            # Text stays text: a label starting with "=" must not become a formula, "8.1" must not become a number.
            if isinstance(cell.value, str):
                cell.data_type = "s"
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(WIDTHS[sheet.title]):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"


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
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
