"""Small survey designs and response sheets for the design, responses and points tests (openpyxl here, never in the
app outside surveys/excel.py)."""
from io import BytesIO

from openpyxl import Workbook

from tests.conftest import make_block, make_framework, make_unit

QUESTION_HEADER = ("code", "group", "text", "options", "criterion_code", "element", "content", "rates", "group_name",
                   "identified")
SCALE = "A=100; B=60; C=20; D=0; E="
SURVEY = [("code", "XHH-2024"), ("name", "Điều tra xã hội học năm 2024"), ("year", 2024), ("blocks", "SO"),
          ("anonymous", "có")]
QUESTIONS = [
    ("C1", "NGUOIDAN", "Ông/bà hài lòng với việc tiếp cận dịch vụ?", SCALE, "8.1", "access", "satisfaction", "",
     "Người dân", ""),
    ("C2", "NGUOIDAN", "Ông/bà hài lòng với thủ tục hành chính?", SCALE, "8.1", "procedure", "satisfaction", "", "",
     ""),
    ("C3", "NGUOIDAN", "Thời gian giải quyết có đúng hẹn?", "Đúng hẹn=100; Trễ hẹn=0", "", "result", "perception",
     "", "", ""),
    ("C1", "LDSO", "Chất lượng chỉ đạo, điều hành của đơn vị?", SCALE, "8.2", "", "", "block", "Lãnh đạo sở, ngành",
     "có"),
    ("C2", "LDSO", "Mức độ phối hợp của đơn vị?", SCALE, "8.2", "", "", "own", "", "có"),
]
# The survey leaves of the tests' framework: 8.1 (3 points) and 8.2 (2.5 points); 1.1 is appraised.
LEAVES = {"1.1": ("appraised", "2"), "8.1": ("survey", "3"), "8.2": ("survey", "2.5")}


def xlsx(sheets) -> bytes:
    """sheets: {title: [header, row, …]}."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text, as a person types it, never a formula
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def design_xlsx(*, survey=None, questions=None, question_header=QUESTION_HEADER) -> BytesIO:
    return BytesIO(xlsx({"survey": [("key", "value"), *(SURVEY if survey is None else survey)],
                         "questions": [question_header, *(QUESTIONS if questions is None else questions)]}))


def responses_xlsx(rows, *, header=("respondent", "group", "unit_code", "C1", "C2", "C3")) -> BytesIO:
    return BytesIO(xlsx({"responses": [header, *rows]}))


def with_question(number, **cells):
    """QUESTIONS[number] with some cells replaced, by column name."""
    row = dict(zip(QUESTION_HEADER, QUESTIONS[number]))
    row.update(cells)
    return tuple(row[column] for column in QUESTION_HEADER)


def make_surveyed_province():
    """Block SO with units SNV, STC and the 2024 framework holding survey leaves 8.1 and 8.2; block XA with XA-001."""
    block = make_block("SO")
    make_unit("SNV", "Sở Nội vụ", block=block)
    make_unit("STC", "Sở Tài chính", block=block)
    make_unit("XA-001", "Xã An Phú", block=make_block("XA", "Khối xã", 3))
    return make_framework(year=2024, block=block, leaves=LEAVES)
