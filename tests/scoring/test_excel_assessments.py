"""The unit's self-assessment workbook: what it holds and locks, and what an upload of it changes."""
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from scoring.excel.assessments import (
    LETTER, SHEET, check_assessment_workbook, read_assessment_workbook, workbook_filename,
    write_assessment_workbook,
)
from scoring.models import Assessment, Criterion, Cycle, LeafScore
from tests.conftest import make_framework
from tests.formula_cells import HYPERLINK, assert_plain_text, formula_count

RULES = {  # code: (method, max, rule)
    "1.1": ("appraised", "2", "manual 0.25"),
    "1.2": ("appraised", "1", "choice Đúng hạn=1; Chậm, có lý do=0.5; Không=0"),
    "1.3": ("appraised", "2", "ratio 100=2; 90=1.5; 70=1; 0=0"),
    "2.1": ("appraised", "3", "proportional"),
    "2.2": ("appraised", "2", "deduct 0.5"),
    "2.3": ("survey", "5", ""),
    "3.1": ("bonus", "1", ""),
}
ROW = {"1": 2, "1.1": 3, "1.2": 4, "1.3": 5, "2": 6, "2.1": 7, "2.2": 8, "2.3": 9, "3": 10, "3.1": 11}


def make_rules_framework(year=2024, block=None):
    framework = make_framework(year=year, block=block,
                               leaves={code: (method, maximum) for code, (method, maximum, _) in RULES.items()})
    for code, (_method, _maximum, rule) in RULES.items():
        Criterion.objects.filter(framework=framework, code=code).update(rule=rule, guidance=f"Hướng dẫn {code}")
    return framework


def make_assessment(unit, framework=None, **cycle_fields):
    framework = framework or make_rules_framework(block=unit.block)
    cycle = Cycle.objects.filter(framework=framework).first() or Cycle.objects.create(
        year=framework.year, block=framework.block, framework=framework, **cycle_fields)
    assessment = Assessment.objects.create(cycle=cycle, unit=unit)
    # As opening a cycle does (services.cycles.cycle_fill): one leaf score per leaf.
    LeafScore.objects.bulk_create([LeafScore(assessment=assessment, criterion=leaf)
                                   for leaf in framework.criteria.exclude(method="")])
    return assessment


def save_leaf(assessment, code, **fields):
    criterion = Criterion.objects.get(framework=assessment.cycle.framework, code=code)
    return LeafScore.objects.update_or_create(assessment=assessment, criterion=criterion, defaults=fields)[0]


def open_written(assessment):
    return load_workbook(BytesIO(write_assessment_workbook(assessment)))


def fill(workbook, values):
    """values: {(code, column key): cell value}, typed as an officer would in Excel."""
    sheet = workbook[SHEET]
    for (code, key), value in values.items():
        sheet[f"{LETTER[key]}{ROW[code]}"] = value
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def cell(workbook, code, key):
    return workbook[SHEET][f"{LETTER[key]}{ROW[code]}"]


@pytest.fixture
def assessment(own_unit):
    return make_assessment(own_unit, self_assessment_deadline=date(2024, 12, 15))


# --- Writing -----------------------------------------------------------------------------------------------------


def test_the_sheet_lists_the_tree_in_order_with_vietnamese_headers_and_a_frozen_header_row(assessment):
    sheet = open_written(assessment)[SHEET]

    assert [c.value for c in sheet[1]] == [
        "Mã", "Tiêu chí", "Điểm tối đa", "Quy tắc chấm", "Phương pháp", "Hướng dẫn", "Điểm tự chấm", "Mức đánh giá",
        "Tử số", "Mẫu số", "Số lần vi phạm", "Không áp dụng", "Lý do không áp dụng", "Giải trình", "Điểm đã lưu"]
    assert [sheet.cell(row, 1).value for row in range(2, 12)] == list(ROW)
    assert [sheet.cell(ROW["1.3"], column).value for column in range(2, 7)] == [
        "Tiêu chí 1.3", 2, "Theo tỷ lệ: ≥ 100% → 2; ≥ 90% → 1,5; ≥ 70% → 1; ≥ 0% → 0", "Thẩm định", "Hướng dẫn 1.3"]
    assert sheet.freeze_panes == "C2"
    assert sheet.column_dimensions["B"].width == 55


def test_the_structure_is_locked_and_only_the_inputs_of_each_leafs_rule_are_open(assessment):
    workbook = open_written(assessment)

    assert workbook[SHEET].protection.sheet is True
    assert workbook.security.lockStructure is True
    open_cells = {code: sorted(key for key in LETTER if not cell(workbook, code, key).protection.locked)
                  for code in ROW}
    common = ["explanation", "na", "na_reason"]
    assert open_cells == {
        "1": [], "2": [], "3": [], "2.3": [],  # groups and the survey leaf: listed, never editable
        "1.1": sorted(["score", *common]), "1.2": sorted(["choice", *common]),
        "1.3": sorted(["numerator", "denominator", *common]), "2.1": sorted(["numerator", "denominator", *common]),
        "2.2": sorted(["occurrences", *common]),
        "3.1": ["explanation", "score"],  # a bonus is claimed or not: never "not applicable"
    }


def test_score_cells_are_validated_between_zero_and_the_leafs_maximum_and_counts_as_whole_numbers(assessment):
    validations = open_written(assessment)[SHEET].data_validations.dataValidation

    def covering(code, key):
        address = f"{LETTER[key]}{ROW[code]}"
        return [v for v in validations if address in v.sqref]

    [manual] = covering("1.1", "score")
    assert (manual.type, manual.operator, manual.formula1, manual.formula2) == ("decimal", "between", "0", "2")
    assert manual.showErrorMessage and manual.error == "Điểm phải nằm trong khoảng 0 đến 2."
    [bonus] = covering("3.1", "score")
    assert (bonus.formula1, bonus.formula2) == ("0", "1")
    [count] = covering("2.2", "occurrences")
    assert (count.type, count.operator, count.formula1) == ("whole", "greaterThanOrEqual", "0")
    [denominator] = covering("1.3", "denominator")
    assert (denominator.type, denominator.formula1) == ("decimal", "0")
    [na] = covering("1.1", "na")
    assert (na.type, na.formula1) == ("list", '"Có"')
    assert covering("2.3", "score") == []


def test_a_choice_leaf_offers_its_options_from_a_hidden_list_so_labels_may_hold_commas(assessment):
    workbook = open_written(assessment)
    [choice] = [v for v in workbook[SHEET].data_validations.dataValidation
                if f"{LETTER['choice']}{ROW['1.2']}" in v.sqref]

    assert choice.type == "list"
    assert choice.formula1 == "lua_chon!$A$1:$C$1"
    assert [c.value for c in workbook["lua_chon"][1]] == ["Đúng hạn", "Chậm, có lý do", "Không"]
    assert workbook["lua_chon"].sheet_state == "veryHidden"


def test_a_very_hidden_protected_sheet_names_the_assessment_and_the_structures_generation(assessment):
    meta = open_written(assessment)["meta"]

    values = {row[0].value: row[1].value for row in meta.iter_rows(min_row=2)}
    assert meta.sheet_state == "veryHidden" and meta.protection.sheet
    assert values["assessment"] == str(assessment.pk)
    assert (values["unit"], values["year"], values["format"]) == ("SNV", "2024", "1")
    assert len(values["generation"]) == 16


def test_the_saved_values_are_filled_in(assessment):
    save_leaf(assessment, "1.1", self_score=Decimal("1.5"), self_inputs={"value": "1.5"}, explanation="Đã làm")
    save_leaf(assessment, "1.2", self_score=Decimal("0.5"), self_inputs={"choice": "Chậm, có lý do"})
    save_leaf(assessment, "1.3", self_score=Decimal("1.5"), self_inputs={"numerator": "95", "denominator": "100"})
    save_leaf(assessment, "2.2", self_score=Decimal("1"), self_inputs={"occurrences": 2})
    save_leaf(assessment, "3.1", self_score=Decimal("0.5"))  # imported: a score without inputs
    save_leaf(assessment, "2.1", self_not_applicable=True, self_not_applicable_reason="Không có hồ sơ")

    workbook = open_written(assessment)

    assert [cell(workbook, "1.1", key).value for key in ("score", "explanation", "saved")] == [1.5, "Đã làm", 1.5]
    assert cell(workbook, "1.2", "choice").value == "Chậm, có lý do"
    assert [cell(workbook, "1.3", key).value for key in ("numerator", "denominator")] == [95, 100]
    assert cell(workbook, "2.2", "occurrences").value == 2
    assert cell(workbook, "3.1", "score").value == 0.5
    assert [cell(workbook, "2.1", key).value for key in ("na", "na_reason")] == ["Có", "Không có hồ sơ"]


def test_the_file_is_named_after_the_unit_and_year(assessment):
    assert workbook_filename(assessment) == "tu-danh-gia-snv-2024.xlsx"


# --- Reading -----------------------------------------------------------------------------------------------------


def test_values_filled_in_excel_read_back_as_the_rules_scores_and_the_services_entries(assessment):
    save_leaf(assessment, "1.1", self_score=Decimal("1"), self_inputs={"value": "1"})
    upload = fill(open_written(assessment), {
        ("1.1", "score"): 1.75, ("1.1", "explanation"): "Dòng 1\nDòng 2",
        ("1.2", "choice"): "Chậm, có lý do",
        ("1.3", "numerator"): 91, ("1.3", "denominator"): 100,
        ("2.1", "na"): "Có", ("2.1", "na_reason"): "Không có hồ sơ",
        ("2.2", "occurrences"): 3,
        ("3.1", "score"): 0.5,
    })

    changes, issues = read_assessment_workbook(upload, assessment)

    assert issues == []
    found = {change.code: change for change in changes}
    assert {code: (c.old.score, c.new.score) for code, c in found.items()} == {
        "1.1": (Decimal("1"), Decimal("1.750")), "1.2": (None, Decimal("0.500")), "1.3": (None, Decimal("1.500")),
        "2.1": (None, None), "2.2": (None, Decimal("0.500")), "3.1": (None, Decimal("0.500"))}
    assert found["1.1"].entry() == {"criterion_code": "1.1", "value": "1.75", "explanation": "Dòng 1\nDòng 2",
                                    "not_applicable": False, "not_applicable_reason": ""}
    assert found["1.3"].entry()["numerator"] == "91" and found["1.3"].entry()["denominator"] == "100"
    assert found["2.2"].entry()["occurrences"] == "3"
    assert found["1.2"].entry()["choice"] == "Chậm, có lý do"
    assert found["2.1"].entry() == {"criterion_code": "2.1", "explanation": "", "not_applicable": True,
                                    "not_applicable_reason": "Không có hồ sơ"}
    assert found["2.1"].new.not_applicable


def test_an_untouched_download_changes_nothing(assessment):
    save_leaf(assessment, "1.1", self_score=Decimal("1.5"), self_inputs={"value": "1.5"}, explanation="Đã làm")
    save_leaf(assessment, "1.3", self_score=Decimal("1.5"), self_inputs={"numerator": "95", "denominator": "100"})

    changes, issues = read_assessment_workbook(BytesIO(write_assessment_workbook(assessment)), assessment)

    assert (changes, issues) == ([], [])


def test_a_cleared_score_is_a_change_to_no_score(assessment):
    save_leaf(assessment, "1.1", self_score=Decimal("1.5"), self_inputs={"value": "1.5"})

    changes, issues = read_assessment_workbook(fill(open_written(assessment), {("1.1", "score"): None}), assessment)

    assert [(c.code, c.old.score, c.new.score, c.new.inputs) for c in changes] == [("1.1", Decimal("1.5"), None, {})]


@pytest.mark.parametrize(("values", "expected"), [
    ({("1.1", "score"): 2.5}, [("G3", "Điểm phải nằm trong khoảng 0 đến 2")]),
    ({("1.1", "score"): 0.3}, [("G3", "Điểm phải là bội số của 0,25")]),
    ({("1.1", "score"): "hai"}, [("G3", "«hai» không phải là số.")]),
    ({("1.2", "choice"): "Sớm"}, [("H4", "Lựa chọn «Sớm» không có trong quy tắc chấm điểm")]),
    ({("1.3", "numerator"): 5}, [("J5", "Chưa nhập mẫu số")]),
    ({("1.3", "denominator"): 5}, [("I5", "Chưa nhập tử số")]),
    ({("1.3", "numerator"): 5, ("1.3", "denominator"): 0}, [("J5", "Mẫu số phải lớn hơn 0")]),
    ({("2.1", "numerator"): 5, ("2.1", "denominator"): 4}, [("I7", "Tử số không được lớn hơn mẫu số")]),
    ({("2.2", "occurrences"): 1.5}, [("K8", "Số lần vi phạm phải là số nguyên không âm.")]),
    ({("2.2", "occurrences"): -1}, [("K8", "Số lần vi phạm phải là số nguyên không âm.")]),
    ({("2.1", "na"): "Có"}, [("M7", "Cần nêu lý do đề nghị không áp dụng.")]),
    ({("2.1", "na"): "có lẽ"}, [("L7", "Ghi «Có» nếu đề nghị không áp dụng, hoặc để trống.")]),
])
def test_each_bad_cell_is_reported_by_its_address_and_its_row_yields_no_change(assessment, values, expected):
    upload = fill(open_written(assessment), {**values, ("1.1" if ("1.1", "score") not in values else "2.2",
                                                        "explanation"): "ok"})

    changes, issues = read_assessment_workbook(upload, assessment)

    assert [(f"{issue.column}{issue.row}", issue.message) for issue in issues] == expected
    assert all(issue.sheet == SHEET for issue in issues)
    assert {issue.code for issue in issues} == {code for code, _column in values}
    bad_rows = {issue.row for issue in issues}
    assert [change.row for change in changes if change.row in bad_rows] == []
    assert len(changes) == 1  # the other row's explanation still reads


def test_an_unknown_or_repeated_code_is_reported(assessment):
    workbook = open_written(assessment)
    workbook[SHEET]["A3"] = "9.9"  # needs the sheet unprotected: a user who breaks the lock
    workbook[SHEET]["A5"] = "1.2"

    _changes, issues = read_assessment_workbook(fill(workbook, {}), assessment)

    assert [(f"{i.column}{i.row}", i.message) for i in issues] == [
        ("A3", "Mã «9.9» không có trong bộ chỉ số của hồ sơ này."), ("A5", "Mã «1.2» xuất hiện hai lần.")]


def test_a_workbook_of_another_unit_is_refused_whole(assessment, other_unit):
    other = make_assessment(other_unit, assessment.cycle.framework)
    upload = fill(open_written(other), {("1.1", "score"): 1})

    changes, issues = read_assessment_workbook(upload, assessment)

    assert changes == []
    assert [str(issue) for issue in issues] == [
        "Tệp này là sổ tự đánh giá của đơn vị STC năm 2024, không phải của hồ sơ SNV năm 2024: không nhận."]


def test_a_workbook_of_an_outdated_structure_is_refused(assessment):
    upload = fill(open_written(assessment), {("1.1", "score"): 1})
    Criterion.objects.filter(framework=assessment.cycle.framework, code="1.1").update(max_points=Decimal("3"))

    changes, issues = read_assessment_workbook(upload, assessment)

    assert changes == []
    assert "Bộ chỉ số đã thay đổi kể từ khi tải sổ này" in issues[0].message


def test_a_workbook_that_is_not_ours_or_not_xlsx_is_refused_cleanly(assessment):
    from openpyxl import Workbook

    foreign = BytesIO()
    Workbook().save(foreign)
    foreign.seek(0)

    assert "không phải sổ tự đánh giá" in read_assessment_workbook(foreign, assessment)[1][0].message
    not_excel = BytesIO(b"%PDF-1.4 not a workbook")
    assert "Không đọc được tệp" in read_assessment_workbook(not_excel, assessment)[1][0].message
    assert "Không đọc được tệp" in check_assessment_workbook(BytesIO(b"PK\x03\x04 broken zip"))
    assert check_assessment_workbook(BytesIO(write_assessment_workbook(assessment))) is None


def test_a_workbook_downloaded_in_english_uploads_in_vietnamese(assessment):
    from django.utils import translation

    with translation.override("en"):
        content = write_assessment_workbook(assessment)
    upload = fill(load_workbook(BytesIO(content)), {("1.1", "score"): 1})

    with translation.override("vi"):
        changes, issues = read_assessment_workbook(upload, assessment)

    assert issues == []
    assert [change.code for change in changes] == ["1.1"]


def test_an_explanation_that_is_a_formula_is_written_as_text_and_an_untouched_upload_changes_nothing(assessment):
    save_leaf(assessment, "1.1", explanation=HYPERLINK)

    content = write_assessment_workbook(assessment)

    assert formula_count(content) == 0
    assert_plain_text(cell(load_workbook(BytesIO(content)), "1.1", "explanation"), HYPERLINK)
    assert read_assessment_workbook(BytesIO(content), assessment) == ([], [])
