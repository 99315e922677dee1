from dataclasses import replace
import zipfile
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from scoring.demo.dti import dti_sample_spec
from scoring.demo.frameworks import sample_spec
from scoring.excel.frameworks import (
    check_workbook, read_framework_workbook, write_framework_template, write_framework_workbook,
)
from scoring.framework_spec import CriterionSpec, PillarSpec, validate_framework
from tests.formula_cells import INJECTIONS, formula_count

from .framework_workbooks import (
    CRITERIA_COLUMNS, DROP, SAMPLE, TEMPLATE, criteria_rows, framework_xlsx, grade_rows,
)

D = Decimal


def read(content):
    return read_framework_workbook(BytesIO(content))


def messages(content):
    return [str(issue) for issue in read(content)[1]]


def test_a_well_formed_workbook_reads_into_a_spec_without_issues():
    spec, issues = read(framework_xlsx())

    assert issues == []
    assert (spec.code, spec.year, spec.block, spec.version, spec.precision) == ("THU-2024", 2024, "SO", "876/2022", 2)
    assert (spec.bonus_cap, spec.penalty_cap, spec.clamp_total) == (D(1), None, True)
    assert [node.code for node in spec.criteria] == ["1", "1.1", "1.2", "2", "2.1", "3", "3.1"]
    assert spec.criteria[1] == CriterionSpec(
        code="1.1", title="Ban hành kế hoạch CCHC", max_points=D(2), method="appraised",
        rule="choice Đúng hạn=2; Chậm=1; Không=0", evidence_required=True, appraiser="SNV",
        guidance="Tài liệu: quyết định ban hành kế hoạch")
    assert spec.criteria[1].row == 3
    assert [(g.code, g.label, g.min_index, g.min_area_index) for g in spec.grades] == [
        ("A", "Tốt", D(80), D(70)), ("B", "Khá", D(50), None), ("C", "Yếu", D(0), None)]


def test_headers_match_in_any_case_and_order_and_unknown_columns_are_ignored():
    columns = ("Ghi chú", "MAX_POINTS", "Code", "Title", "Method", "Rule", "Evidence_Required", "Appraiser")
    rows = [{**row, "Ghi chú": "x", "MAX_POINTS": row["max_points"], "Code": row["code"], "Title": row["title"],
             "Method": row["method"], "Rule": row["rule"], "Evidence_Required": row["evidence_required"],
             "Appraiser": row["appraiser"]} for row in criteria_rows()]

    spec, issues = read(framework_xlsx(criteria=rows, criteria_columns=columns, sheets=("Framework", "CRITERIA",
                                                                                         "grades")))

    assert issues == []
    assert spec.criteria[1].max_points == D(2) and spec.criteria[1].method == "appraised"


def test_blank_rows_are_skipped_and_rows_keep_their_sheet_numbers():
    rows = criteria_rows()
    rows.insert(2, {})

    spec, issues = read(framework_xlsx(criteria=rows))

    assert issues == []
    assert [node.row for node in spec.criteria][:3] == [2, 3, 5]


def test_numbers_may_be_written_with_a_decimal_comma():
    rows = criteria_rows({"1.1": {"max_points": "1,5", "rule": "manual 0,5"}, "1.2": {"max_points": "1.5"}})

    spec, issues = read(framework_xlsx(criteria=rows))

    assert issues == []
    assert spec.criteria[1].max_points == D("1.5") and spec.criteria[1].rule == "manual 0,5"


def test_codes_typed_as_numbers_read_as_codes():
    rows = criteria_rows({"1": {"code": 1}, "1.1": {"code": 1.1}, "1.2": {"code": 1.2}})

    spec, issues = read(framework_xlsx(criteria=rows))

    assert issues == []
    assert [node.code for node in spec.criteria][:3] == ["1", "1.1", "1.2"]


@pytest.mark.parametrize("written, expected", [
    ("yes", True), ("YES", True), ("có", True), ("Có", True), ("true", True), (1, True), (True, True),
    ("no", False), ("không", False), ("false", False), (0, False), (False, False), (None, False),
])
def test_evidence_required_accepts_the_usual_yes_and_no_words(written, expected):
    spec, issues = read(framework_xlsx(criteria=criteria_rows({"1.2": {"evidence_required": written}})))

    assert issues == []
    assert spec.criteria[2].evidence_required is expected


def test_a_bad_yes_no_is_reported_at_its_cell():
    assert ("Sheet `criteria`, dòng 4, cột evidence_required: «maybe» không hợp lệ; ghi yes hoặc no (có/không, "
            "true/false, 1/0)") in messages(framework_xlsx(criteria=criteria_rows({"1.2": {"evidence_required":
                                                                                        "maybe"}})))


def test_clamp_total_and_precision_have_defaults():
    spec, issues = read(framework_xlsx(header={"clamp_total": DROP, "precision": None}))

    assert issues == []
    assert (spec.clamp_total, spec.precision) == (True, 2)


@pytest.mark.parametrize("written, expected", [("không", False), ("no", False), ("1", True), ("có", True)])
def test_clamp_total_reads_vietnamese_and_english_words(written, expected):
    spec, issues = read(framework_xlsx(header={"clamp_total": written}))

    assert issues == [] and spec.clamp_total is expected


def test_a_missing_sheet_is_reported_and_no_spec_is_built():
    spec, issues = read(framework_xlsx(sheets=("framework", "grades")))

    assert spec is None
    assert "Không có sheet 'criteria' (các sheet trong tệp: framework, grades)." in [str(i) for i in issues]


def test_a_missing_required_column_is_reported_and_no_spec_is_built():
    columns = tuple(column for column in CRITERIA_COLUMNS if column != "max_points")

    spec, issues = read(framework_xlsx(criteria_columns=columns))

    assert spec is None
    assert [str(issue) for issue in issues] == [
        "Sheet `criteria`, dòng 1, cột max_points: thiếu cột này (dòng tiêu đề cần có: code, title, max_points, "
        "method)"]


def test_a_non_numeric_year_is_reported_once_at_its_cell():
    found = messages(framework_xlsx(header={"year": "năm nay"}))

    assert [issue for issue in found if "dòng 4" in issue] == [
        "Sheet `framework`, dòng 4, cột value: «năm nay» không phải là số nguyên"]


def test_a_non_numeric_maximum_is_reported_once_at_its_cell():
    found = messages(framework_xlsx(criteria=criteria_rows({"1.2": {"max_points": "một"}})))

    assert found == ["Sheet `criteria`, dòng 4, cột max_points: «một» không phải là số"]


def test_an_unknown_framework_key_is_reported():
    assert any(issue.startswith("Sheet `framework`, dòng 11, cột key: Khóa «năm học» không được hỗ trợ")
               for issue in messages(framework_xlsx(header={"năm học": 2024})))


def test_a_grade_minimum_that_is_not_a_number_is_reported():
    assert "Sheet `grades`, dòng 2, cột min_index: «chín mươi» không phải là số" in messages(
        framework_xlsx(grades=grade_rows({"A": {"min_index": "chín mươi"}})))


def test_an_empty_criteria_sheet_is_reported_once():
    found = messages(framework_xlsx(criteria=[]))

    assert [issue for issue in found if issue.startswith("Sheet `criteria`")] == [
        "Sheet `criteria`: không có dòng dữ liệu nào (dữ liệu bắt đầu từ dòng 2)"]


def test_guidance_keeps_its_line_breaks():
    rows = criteria_rows({"1.2": {"guidance": "Dòng một\r\nDòng  hai  "}})

    spec, _issues = read(framework_xlsx(criteria=rows))

    assert spec.criteria[2].guidance == "Dòng một\nDòng hai"


@pytest.mark.parametrize("content", [b"", b"not a workbook", b"PK\x03\x04broken zip"])
def test_a_file_that_is_not_a_workbook_gives_a_message_instead_of_an_error(content):
    spec, issues = read(content)

    assert spec is None
    assert [str(issue) for issue in issues] == [
        "Không đọc được tệp: tệp không phải là bảng tính Excel .xlsx hợp lệ hoặc đã bị hỏng."]
    assert check_workbook(BytesIO(content)) == str(issues[0])


def test_a_zip_with_a_damaged_sheet_gives_a_message_instead_of_an_error():
    damaged = BytesIO()
    with zipfile.ZipFile(BytesIO(framework_xlsx())) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[:40] if item.filename.endswith("sheet2.xml") else data)

    spec, issues = read(damaged.getvalue())

    assert spec is None and "Không đọc được tệp" in str(issues[0])


# --- Writing ----------------------------------------------------------------------------------------------------


def test_writing_then_reading_gives_back_the_same_spec():
    spec = sample_spec()

    again, issues = read(write_framework_workbook(spec))

    assert issues == []
    assert again == spec
    assert again.criteria[2].guidance.count("\n") == 1


def test_the_written_workbook_has_bold_frozen_headers_and_widths():
    workbook = load_workbook(BytesIO(write_framework_workbook(sample_spec())))

    for name in ("framework", "criteria", "grades"):
        sheet = workbook[name]
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1] if cell.value)
    assert workbook["criteria"].column_dimensions["B"].width == 70


def test_text_that_looks_like_a_formula_stays_text():
    spec = sample_spec()
    spec = type(spec)(**{**spec.__dict__, "name": "=SUM(A1)"})

    again, _issues = read(write_framework_workbook(spec))

    assert again.name == "=SUM(A1)"


def test_the_template_has_drop_down_lists_and_instructions():
    workbook = load_workbook(BytesIO(write_framework_template()))

    assert workbook.sheetnames == ["framework", "criteria", "grades", "huong_dan"]
    lists = {str(v.sqref): v.formula1 for v in workbook["criteria"].data_validations.dataValidation}
    assert lists["D2:D1000"] == '"appraised,survey,bonus,penalty"'
    assert lists["F2:F1000"] == '"yes,no"'
    framework_lists = {str(v.sqref): v.formula1 for v in workbook["framework"].data_validations.dataValidation}
    assert framework_lists["B10"] == '"yes,no"'
    assert workbook["framework"]["A10"].value == "clamp_total"
    assert "Hướng dẫn" in workbook["huong_dan"]["A1"].value


def test_the_template_reads_back_with_only_missing_value_issues():
    spec, issues = read(write_framework_template())

    assert spec is not None and spec.precision == 2 and spec.clamp_total is True
    assert all("Thiếu" in issue.message or "không có dòng dữ liệu" in issue.message for issue in issues)


# --- The committed samples --------------------------------------------------------------------------------------


def test_the_sample_workbook_reads_without_issues_and_totals_100():
    spec, issues = read_framework_workbook(SAMPLE)

    assert issues == []
    assert spec.max_total == 100
    assert [node.code for node in spec.criteria if node.depth == 0] == [str(n) for n in range(1, 11)]
    assert {node.method for node in spec.criteria if node.is_leaf} == {"appraised", "survey", "bonus", "penalty"}
    kinds = {node.rule.split()[0] for node in spec.criteria if node.rule}
    assert kinds == {"manual", "choice", "ratio", "proportional", "deduct"}


def test_the_sample_workbook_is_the_sample_spec_as_committed():
    spec, _issues = read_framework_workbook(SAMPLE)

    assert spec == sample_spec()


def test_the_sample_areas_carry_the_2017_points_and_appraisers():
    spec = sample_spec()
    areas = {node.code: node.max_points for node in spec.criteria if node.depth == 0}
    appraisers = {node.area_code: set() for node in spec.criteria}
    for leaf in (node for node in spec.criteria if node.method == "appraised"):
        appraisers[leaf.area_code].add(leaf.appraiser)

    assert [areas[str(n)] for n in range(1, 9)] == [D(v) for v in ("10", "10", "14.5", "11", "16", "7", "16",
                                                                   "15.5")]
    assert appraisers["2"] == {"STP"} and appraisers["3"] == {"VPUBND"} and appraisers["6"] == {"STC"}
    assert appraisers["7"] == {"STTTT"} and appraisers["1"] == appraisers["5"] == {"SNV"}
    assert validate_framework(spec) == []
    assert (spec.bonus_cap, spec.penalty_cap) == (D(2), D(3))
    assert spec.grades[0].label == "Xuất sắc" and spec.grades[0].min_area_index == D(70)


def test_the_committed_template_has_its_data_validations():
    workbook = load_workbook(TEMPLATE)

    kinds = {(v.type, v.formula1) for v in workbook["criteria"].data_validations.dataValidation}
    assert ("list", '"appraised,survey,bonus,penalty"') in kinds
    assert ("list", '"yes,no"') in kinds
    assert "huong_dan" in workbook.sheetnames


def test_the_evidence_window_column_reads_blank_as_the_assessment_year_and_a_number_of_months():
    rows = criteria_rows({"1.1": {"evidence_from_months_before": 3}, "1.2": {"evidence_from_months_before": None}})

    spec, issues = read(framework_xlsx(criteria=rows, criteria_columns=(*CRITERIA_COLUMNS,
                                                                        "evidence_from_months_before")))

    assert issues == []
    months = {node.code: node.evidence_months_before for node in spec.criteria}
    assert (months["1.1"], months["1.2"], months["1"]) == (3, 0, 0)


@pytest.mark.parametrize("value, column_message", [
    (2.5, "không phải là số nguyên"), ("ba", "không phải là số"), (30, "từ 0 đến 24"), (-1, "từ 0 đến 24")])
def test_a_bad_evidence_window_is_reported_on_its_cell(value, column_message):
    rows = criteria_rows({"1.1": {"evidence_from_months_before": value}})

    _spec, issues = read(framework_xlsx(criteria=rows, criteria_columns=(*CRITERIA_COLUMNS,
                                                                         "evidence_from_months_before")))

    assert [(issue.row, issue.column) for issue in issues] == [(3, "evidence_from_months_before")]
    assert column_message in issues[0].message


def test_an_evidence_window_on_a_parent_is_reported():
    rows = criteria_rows({"1": {"evidence_from_months_before": 3}})

    _spec, issues = read(framework_xlsx(criteria=rows, criteria_columns=(*CRITERIA_COLUMNS,
                                                                         "evidence_from_months_before")))

    assert [(issue.row, issue.column) for issue in issues] == [(2, "evidence_from_months_before")]


def test_the_committed_province_sample_carries_the_window_of_1_1_1():
    spec, issues = read_framework_workbook(SAMPLE)

    assert issues == []
    assert next(node for node in spec.criteria if node.code == "1.1.1").evidence_months_before == 3
    assert "evidence_from_months_before" in [cell.value for cell in load_workbook(TEMPLATE)["criteria"][1]]


def test_a_workbook_built_by_hand_with_only_the_required_columns_reads():
    workbook = Workbook()
    workbook.active.title = "framework"
    for row in (("Key", "Value"), ("code", "K"), ("name", "N"), ("year", 2025), ("block", "XA"), ("version", "v")):
        workbook.active.append(row)
    criteria = workbook.create_sheet("criteria")
    for row in (("code", "title", "max_points", "method"), ("1", "Lĩnh vực", 2, None), ("1.1", "Tiêu chí", 2,
                                                                                       "Appraised")):
        criteria.append(row)
    grades = workbook.create_sheet("grades")
    for row in (("code", "label", "min_index"), ("A", "Đạt", 0)):
        grades.append(row)
    buffer = BytesIO()
    workbook.save(buffer)

    spec, issues = read(buffer.getvalue())

    assert issues == []
    assert spec.criteria[1].method == "appraised" and spec.criteria[1].rule == ""


@pytest.mark.parametrize("value", INJECTIONS)
def test_names_and_titles_that_a_spreadsheet_could_take_for_formulas_are_written_as_text(value):
    import dataclasses

    spec = sample_spec()
    criteria = [dataclasses.replace(spec.criteria[0], title=value), *spec.criteria[1:]]
    spec = dataclasses.replace(spec, name=value, criteria=criteria)

    content = write_framework_workbook(spec)

    assert formula_count(content) == 0
    again, _issues = read(content)
    assert (again.name, again.criteria[0].title) == (" ".join(value.split()),) * 2


# --- Pillars ----------------------------------------------------------------------------------------------------


def pillar_xlsx(pillars=(("CQS", "Chính quyền số"), ("KTS", "Kinh tế số")), leaves=None, header=("code", "name")):
    """The small workbook with a pillars sheet and a pillar column (1.1 and 1.2 in CQS, 2.1 in KTS by default)."""
    leaves = {"1.1": "CQS", "1.2": "CQS", "2.1": "KTS"} if leaves is None else leaves
    content = framework_xlsx(criteria=criteria_rows({code: {"pillar": pillar} for code, pillar in leaves.items()}),
                             criteria_columns=(*CRITERIA_COLUMNS, "pillar"))
    workbook = load_workbook(BytesIO(content))
    sheet = workbook.create_sheet("pillars")
    for row in (header, *pillars):
        sheet.append(list(row))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_pillars_sheet_and_column_read_into_the_spec():
    spec, issues = read(pillar_xlsx())

    assert issues == []
    assert spec.pillars == (PillarSpec("CQS", "Chính quyền số"), PillarSpec("KTS", "Kinh tế số"))
    assert [(node.code, node.pillar) for node in spec.criteria if node.is_leaf] == [
        ("1.1", "CQS"), ("1.2", "CQS"), ("2.1", "KTS"), ("3.1", "")]


def test_an_empty_pillars_sheet_is_a_framework_without_pillars():
    spec, issues = read(pillar_xlsx(pillars=(), leaves={}))

    assert issues == [] and spec.pillars == ()


def test_pillar_mistakes_are_reported_at_their_cells():
    content = pillar_xlsx(leaves={"1": "CQS", "1.1": "CQS", "1.2": "XHS", "2.1": "KTS", "3.1": "KTS"})

    assert messages(content) == [
        "Sheet `criteria`, dòng 2, cột pillar: Trụ cột chỉ ghi cho tiêu chí có phương pháp chấm (tiêu chí lá)",
        "Sheet `criteria`, dòng 4, cột pillar: Không có trụ cột «XHS» trong sheet pillars; các trụ cột hiện có: "
        "CQS, KTS",
        "Sheet `criteria`, dòng 8, cột pillar: Điểm thưởng, điểm trừ không thuộc trụ cột nào: để trống cột pillar"]


def test_a_pillars_sheet_without_its_name_column_is_reported_and_no_spec_is_built():
    spec, issues = read(pillar_xlsx(header=("code", "ten")))

    assert spec is None
    assert [str(issue) for issue in issues] == [
        "Sheet `pillars`, dòng 1, cột name: thiếu cột này (dòng tiêu đề cần có: code, name)"]


def test_a_framework_with_pillars_writes_and_reads_back_the_same():
    spec = dti_sample_spec()

    again, issues = read(write_framework_workbook(spec))

    assert issues == [] and again == spec and len(again.pillars) == 4


def test_a_framework_without_pillars_is_written_without_the_pillar_column_or_sheet():
    workbook = load_workbook(BytesIO(write_framework_workbook(sample_spec())))

    assert "pillars" not in workbook.sheetnames
    assert "pillar" not in [cell.value for cell in workbook["criteria"][1]]


# --- The index of a framework ------------------------------------------------------------------------------------


def test_the_index_is_read_upper_cased_and_left_blank_for_par():
    spec, issues = read(framework_xlsx(header={"index": "dti"}))
    assert issues == [] and spec.index == "DTI"
    assert read(framework_xlsx())[0].index == ""  # a workbook without the key is PAR's


def test_the_index_is_written_and_read_back():
    spec = replace(sample_spec(), index="DTI")

    again, issues = read(write_framework_workbook(spec))

    assert issues == [] and again == spec
