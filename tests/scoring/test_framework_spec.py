from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.framework_spec import (
    CriterionSpec, FrameworkSpec, GradeSpec, ImportIssue, PillarSpec, canonical_rule, merge_issues, plain_decimal,
    validate_framework,
)
from scoring.rules import format_decimal_vi

D = Decimal


def node(code, max_points, method="", rule="", row=None, **fields):
    return CriterionSpec(code=code, title=f"Tiêu chí {code}", max_points=D(max_points), method=method, rule=rule,
                         row=row, **fields)


TREE = (
    node("1", "3", row=2),
    node("1.1", "2", "appraised", "choice Đúng hạn=2; Chậm=1; Không=0", row=3),
    node("1.2", "1", "appraised", "deduct 0.25", row=4),
    node("2", "5", row=5),
    node("2.1", "5", "survey", row=6),
    node("3", "1", row=7),
    node("3.1", "1", "bonus", "manual 0.5", row=8),
)
GRADES = (GradeSpec("A", "Tốt", D(80), min_area_index=D(70), row=2), GradeSpec("B", "Yếu", D(0), row=3))
SPEC = FrameworkSpec(code="THU", name="Bộ chỉ số thử", year=2024, block="SO", version="876/2022",
                     criteria=TREE, grades=GRADES, rows={"year": 4, "precision": 7})


def with_node(which, **changes):
    return replace(SPEC, criteria=tuple(replace(n, **changes) if n.code == which else n for n in TREE))


def with_nodes(*nodes):
    return replace(SPEC, criteria=TREE + nodes)


def issues_of(spec):
    return [str(issue) for issue in validate_framework(spec)]


def test_a_well_formed_framework_has_no_issues():
    assert validate_framework(SPEC) == []


def test_a_node_knows_its_parent_depth_and_area():
    leaf = node("7.1.4.2", "1", "appraised")

    assert (leaf.parent_code, leaf.depth, leaf.area_code, leaf.is_leaf) == ("7.1.4", 3, "7", True)
    assert (node("7", "1").parent_code, node("7", "1").depth) == ("", 0)


def test_max_total_counts_appraised_and_survey_leaves_only():
    assert SPEC.max_total == D(8)
    assert str(SPEC.max_total) == "8"


def test_an_issue_reads_sheet_row_and_column():
    assert str(ImportIssue("criteria", 7, "max_points", "Thiếu điểm tối đa")) == (
        "Sheet `criteria`, dòng 7, cột max_points: Thiếu điểm tối đa")
    assert str(ImportIssue("grades", None, None, "Chưa có xếp loại nào")) == "Sheet `grades`: Chưa có xếp loại nào"
    assert str(ImportIssue("", None, None, "Tệp hỏng")) == "Tệp hỏng"


def test_merging_issues_keeps_the_first_report_of_each_cell():
    first = ImportIssue("criteria", 3, "max_points", "«abc» không phải là số")
    second = ImportIssue("criteria", 3, "max_points", "Thiếu điểm tối đa")
    other = ImportIssue("criteria", 4, "max_points", "Thiếu điểm tối đa")

    assert merge_issues([first], [second, other]) == [first, other]


def test_plain_decimal_drops_the_stored_trailing_zeros():
    assert str(plain_decimal(D("14.500"))) == "14.5"
    assert str(plain_decimal(D("10.000"))) == "10"
    assert plain_decimal(None) is None


# --- The tree ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["1.a", "A1", "1.", ".1", "1..2", "1 .2"])
def test_a_code_that_is_not_dotted_digits_is_refused(code):
    spec = with_nodes(node(code, "0", "appraised", row=9))

    assert f"Sheet `criteria`, dòng 9, cột code: Mã «{code}» không đúng dạng số phân cấp như 1, 1.2, 1.2.3" in (
        issues_of(spec))


def test_a_duplicate_code_names_the_first_row():
    spec = with_nodes(node("1.2", "0", "appraised", row=9))

    assert "Sheet `criteria`, dòng 9, cột code: Mã «1.2» bị trùng với dòng 4" in issues_of(spec)


def test_a_child_without_its_parent_is_refused():
    spec = with_nodes(node("4.1", "1", "appraised", row=9))

    assert "Sheet `criteria`, dòng 9, cột code: Không có tiêu chí cha «4» của «4.1»" in issues_of(spec)


def test_a_parent_must_come_before_its_children():
    spec = replace(SPEC, criteria=(TREE[1], TREE[0], *TREE[2:]))

    assert "Sheet `criteria`, dòng 3, cột code: Tiêu chí cha «1» phải đứng trước tiêu chí con «1.1»" in (
        issues_of(spec))


def test_a_parent_maximum_must_equal_the_sum_of_its_children():
    spec = with_node("1", max_points=D("3.5"))

    assert ("Sheet `criteria`, dòng 2, cột max_points: Điểm tối đa 3,5 khác tổng điểm tối đa các tiêu chí con "
            "(1.1: 2 + 1.2: 1 = 3)") in issues_of(spec)


def test_a_sum_message_names_the_bonus_and_penalty_children_it_left_out():
    spec = replace(with_node("1", max_points=D("3.5")),
                   criteria=(*with_node("1", max_points=D("3.5")).criteria, node("1.3", "0.5", "bonus", row=9)))

    assert ("Sheet `criteria`, dòng 2, cột max_points: Điểm tối đa 3,5 khác tổng điểm tối đa các tiêu chí con "
            "(1.1: 2 + 1.2: 1 = 3); không tính điểm thưởng, điểm trừ: 1.3") in issues_of(spec)


@pytest.mark.parametrize("maximum", [None, "0", "1"])
def test_a_parent_of_bonus_and_penalty_only_takes_a_blank_zero_or_summed_maximum(maximum):
    spec = with_node("3", max_points=None if maximum is None else D(maximum))

    assert validate_framework(spec) == []


def test_a_parent_of_bonus_and_penalty_only_with_another_maximum_says_what_it_counted():
    spec = with_nodes(node("3.2", "2", "penalty", "deduct 0.5", row=9))
    spec = replace(spec, criteria=tuple(replace(n, max_points=D(5)) if n.code == "3" else n for n in spec.criteria))

    assert ("Sheet `criteria`, dòng 7, cột max_points: Điểm tối đa 5: tiêu chí chỉ gồm điểm thưởng, điểm trừ nên "
            "để trống, ghi 0 hoặc ghi tổng điểm tối đa các tiêu chí con (3.1: 1 + 3.2: 2 = 3)") in issues_of(spec)


def test_a_scored_parent_still_needs_its_maximum():
    spec = with_node("1", max_points=None)

    assert "Sheet `criteria`, dòng 2, cột max_points: Thiếu điểm tối đa" in issues_of(spec)


def test_bonus_and_penalty_leaves_stay_out_of_a_parent_sum():
    spec = with_nodes(node("1.3", "0.5", "bonus", row=9), node("1.4", "2", "penalty", row=10))

    assert validate_framework(spec) == []


def test_an_area_of_bonus_leaves_only_is_refused_any_other_maximum():
    spec = with_node("3", max_points=D(2))

    assert any("Điểm tối đa 2: tiêu chí chỉ gồm điểm thưởng, điểm trừ" in issue for issue in issues_of(spec))


def test_a_deeper_subtree_of_bonus_leaves_stays_out_of_the_sum_too():
    spec = with_nodes(node("1.3", "2", row=9), node("1.3.1", "2", "bonus", row=10))

    assert validate_framework(spec) == []


def test_a_negative_maximum_is_refused():
    spec = with_nodes(node("1.3", "-1", "bonus", row=9))

    assert "Sheet `criteria`, dòng 9, cột max_points: Điểm tối đa không được âm: -1" in issues_of(spec)


def test_a_missing_maximum_is_refused():
    spec = with_node("1.2", max_points=None)

    assert "Sheet `criteria`, dòng 4, cột max_points: Thiếu điểm tối đa" in issues_of(spec)


def test_a_maximum_with_more_than_three_decimals_is_refused():
    spec = with_nodes(node("1.3", "0.0005", "bonus", row=9))

    assert any("tối đa 3 chữ số thập phân" in issue for issue in issues_of(spec))


def test_an_unknown_method_is_refused():
    spec = with_node("1.2", method="selfscore")

    assert ("Sheet `criteria`, dòng 4, cột method: Phương pháp «selfscore» không hợp lệ; chỉ dùng: appraised, "
            "survey, bonus, penalty") in issues_of(spec)


def test_a_leaf_with_children_is_refused():
    spec = with_nodes(node("1.2.1", "1", "appraised", row=9))

    assert ("Sheet `criteria`, dòng 4, cột method: Tiêu chí có phương pháp chấm không được có tiêu chí con "
            "(1.2.1); để trống phương pháp của tiêu chí cha") in issues_of(spec)


def test_a_row_without_method_nor_children_lacks_a_method():
    spec = with_nodes(node("4", "0", row=9))

    assert ("Sheet `criteria`, dòng 9, cột method: Thiếu phương pháp: tiêu chí không có tiêu chí con phải ghi "
            "phương pháp chấm") in issues_of(spec)


def test_a_missing_title_is_refused():
    spec = with_node("1.2", title="")

    assert "Sheet `criteria`, dòng 4, cột title: Thiếu tên tiêu chí" in issues_of(spec)


def test_a_bad_rule_reports_the_rule_parser_message():
    spec = with_node("1.2", rule="ladder 1=2")

    assert ("Sheet `criteria`, dòng 4, cột rule: Loại quy tắc «ladder» không hợp lệ; chỉ dùng: manual, choice, "
            "ratio, proportional, deduct") in issues_of(spec)


def test_rule_points_above_the_leaf_maximum_are_refused():
    spec = with_node("1.1", rule="choice Đúng hạn=3; Không=0")

    assert "Sheet `criteria`, dòng 3, cột rule: Điểm 3 vượt quá điểm tối đa 2" in issues_of(spec)


def test_a_deduction_above_the_leaf_maximum_is_refused():
    spec = with_node("1.2", rule="deduct 2")

    assert "Sheet `criteria`, dòng 4, cột rule: Số điểm trừ mỗi lần 2 lớn hơn điểm tối đa 1" in issues_of(spec)


def test_a_survey_leaf_has_no_rule():
    spec = with_node("2.1", rule="manual")

    assert any("Tiêu chí điều tra XHH không có quy tắc chấm" in issue for issue in issues_of(spec))


def with_penalty(leaf):
    """Area 3 with a penalty leaf beside its bonus leaf, and no maximum of its own."""
    spec = with_nodes(leaf)
    return replace(spec, criteria=tuple(replace(n, max_points=None) if n.code == "3" else n for n in spec.criteria))


def test_bonus_and_penalty_leaves_take_choice_rules():
    spec = with_penalty(node("3.2", "1", "penalty", "choice Chậm=0.5; Không nộp=1", row=9))
    spec = replace(spec, criteria=tuple(replace(n, rule="choice Tỉnh=0.5; Bộ=1") if n.code == "3.1" else n
                                        for n in spec.criteria))

    assert validate_framework(spec) == []


def test_a_penalty_leaf_takes_a_deduction_per_occurrence():
    spec = with_penalty(node("3.2", "2", "penalty", "deduct 0.5", row=9))

    assert validate_framework(spec) == []


def test_a_bonus_leaf_refuses_a_deduction():
    spec = with_node("3.1", rule="deduct 0.5")

    assert ("Sheet `criteria`, dòng 8, cột rule: Điểm thưởng không dùng quy tắc deduct; chỉ dùng: manual, choice"
            in issues_of(spec))


def test_a_penalty_leaf_refuses_a_ratio():
    spec = with_nodes(node("3.2", "2", "penalty", "ratio 100=2; 0=0", row=9))

    assert ("Sheet `criteria`, dòng 9, cột rule: Điểm trừ không dùng quy tắc ratio; chỉ dùng: manual, choice, "
            "deduct" in issues_of(spec))


@pytest.mark.parametrize("field, value, column", [
    ("rule", "manual", "rule"), ("appraiser", "SNV", "appraiser"), ("evidence_required", True, "evidence_required"),
])
def test_leaf_fields_on_an_inner_node_are_refused(field, value, column):
    spec = with_node("1", **{field: value})

    assert any(issue.startswith(f"Sheet `criteria`, dòng 2, cột {column}:") and "tiêu chí lá" in issue
               for issue in issues_of(spec))


def test_an_empty_criteria_sheet_is_refused():
    assert "Sheet `criteria`: Sheet không có tiêu chí nào" in issues_of(replace(SPEC, criteria=()))


def test_a_framework_needs_an_appraised_or_survey_leaf():
    spec = replace(SPEC, criteria=TREE[5:])

    assert "Sheet `criteria`, cột method: Cần ít nhất một tiêu chí thẩm định hoặc điều tra XHH" in issues_of(spec)


def test_canonical_rule_is_stored_for_scored_leaves_only():
    assert canonical_rule(node("1", "2", "appraised", "choice A=2;B=0")) == "choice A=2; B=0"
    assert canonical_rule(node("1", "2", "appraised")) == "manual"
    assert canonical_rule(node("1", "2", "survey")) == ""
    assert canonical_rule(node("1", "2")) == ""


# --- The framework sheet and the grades -------------------------------------------------------------------------


@pytest.mark.parametrize("precision", [-1, 4, None])
def test_precision_outside_zero_to_three_is_refused(precision):
    assert ("Sheet `framework`, dòng 7, cột value: Số chữ số thập phân của chỉ số phải là số nguyên từ 0 đến 3"
            in issues_of(replace(SPEC, precision=precision)))


def test_a_missing_year_names_the_key_when_its_row_is_missing():
    assert "Sheet `framework`, cột year: Thiếu năm (year)" in issues_of(replace(SPEC, year=None, rows={}))


def test_a_year_outside_the_model_range_is_refused():
    assert "Sheet `framework`, dòng 4, cột value: Năm 1999 phải trong khoảng 2000 đến 2100" in issues_of(
        replace(SPEC, year=1999))


@pytest.mark.parametrize("key", ["code", "name", "block", "version"])
def test_required_header_values_are_refused_when_blank(key):
    assert any(f"cột {key}: Thiếu" in issue for issue in issues_of(replace(SPEC, **{key: ""})))


def test_a_negative_cap_is_refused():
    assert "Sheet `framework`, cột penalty_cap: Không được âm: -1" in issues_of(replace(SPEC, penalty_cap=D(-1)))


def test_no_grades_at_all_is_refused():
    assert "Sheet `grades`: Chưa có xếp loại nào" in issues_of(replace(SPEC, grades=()))


def test_a_grade_without_label_is_refused():
    spec = replace(SPEC, grades=(replace(GRADES[0], label=""), GRADES[1]))

    assert "Sheet `grades`, dòng 2, cột label: Thiếu tên xếp loại" in issues_of(spec)


@pytest.mark.parametrize("minimum", ["-0.5", "100.5"])
def test_a_grade_minimum_outside_zero_to_hundred_is_refused(minimum):
    spec = replace(SPEC, grades=(replace(GRADES[0], min_index=D(minimum)), GRADES[1]))

    assert any(issue.startswith("Sheet `grades`, dòng 2, cột min_index: Chỉ số phải trong khoảng 0 đến 100")
               for issue in issues_of(spec))


def test_a_grade_without_minimum_is_refused():
    spec = replace(SPEC, grades=(replace(GRADES[0], min_index=None), GRADES[1]))

    assert "Sheet `grades`, dòng 2, cột min_index: Thiếu chỉ số tối thiểu" in issues_of(spec)


def test_a_duplicate_grade_code_is_refused():
    spec = replace(SPEC, grades=(*GRADES, replace(GRADES[1], row=4)))

    assert "Sheet `grades`, dòng 4, cột code: Mã xếp loại «B» bị trùng với dòng 3" in issues_of(spec)


def test_an_area_condition_outside_zero_to_hundred_is_refused():
    spec = replace(SPEC, grades=(replace(GRADES[0], min_area_index=D(120)), GRADES[1]))

    assert any("cột min_area_index: Chỉ số phải trong khoảng 0 đến 100" in issue for issue in issues_of(spec))


def test_a_wrong_code_is_reported_alone_without_the_parent_sum_it_breaks():
    spec = with_node("1.2", code="1-2")

    assert issues_of(spec) == [
        "Sheet `criteria`, dòng 4, cột code: Mã «1-2» không đúng dạng số phân cấp như 1, 1.2, 1.2.3"]


def test_an_unknown_method_is_reported_alone_without_the_parent_sum_it_breaks():
    assert len(issues_of(with_node("1.2", method="selfscore"))) == 1


MAXIMA = st.decimals(min_value="0.001", max_value="50", places=3)


@given(leaves=st.lists(MAXIMA, min_size=1, max_size=5), written=st.one_of(st.none(), st.just(D(0)), MAXIMA))
def test_a_parent_of_bonus_leaves_accepts_blank_zero_or_the_sum_and_names_the_sum_otherwise(leaves, written):
    kids = tuple(node(f"3.{n}", str(maximum), "bonus", row=10 + n) for n, maximum in enumerate(leaves, 1))
    area = replace(node("3", "0", row=7), max_points=written)
    spec = replace(SPEC, criteria=(*TREE[:5], area, *kids))
    total = sum(leaves, D(0))

    issues = issues_of(spec)

    if written is None or written == 0 or written == total:
        assert issues == []
    else:
        [issue] = issues
        assert f"= {format_decimal_vi(total)})" in issue and "3.1: " in issue


# --- Pillars ----------------------------------------------------------------------------------------------------

PILLARS = (PillarSpec("CQS", "Chính quyền số", row=2), PillarSpec("KTS", "Kinh tế số", row=3))


def with_pillars(pillars=PILLARS, **leaf_pillars):
    criteria = tuple(replace(n, pillar=leaf_pillars.get("_" + n.code.replace(".", "_"), "")) for n in TREE)
    return replace(SPEC, criteria=criteria, pillars=pillars)


def test_pillars_on_appraised_and_survey_leaves_are_well_formed():
    assert issues_of(with_pillars(_1_1="CQS", _1_2="CQS", _2_1="KTS")) == []


def test_an_unknown_pillar_code_names_the_known_ones():
    assert issues_of(with_pillars(_1_1="CQS", _1_2="XHS", _2_1="KTS")) == [
        "Sheet `criteria`, dòng 4, cột pillar: Không có trụ cột «XHS» trong sheet pillars; các trụ cột hiện có: "
        "CQS, KTS"]


def test_a_pillar_on_a_parent_or_on_a_bonus_leaf_is_refused():
    assert issues_of(with_pillars(_1="CQS", _1_1="CQS", _2_1="KTS", _3_1="KTS")) == [
        "Sheet `criteria`, dòng 2, cột pillar: Trụ cột chỉ ghi cho tiêu chí có phương pháp chấm (tiêu chí lá)",
        "Sheet `criteria`, dòng 8, cột pillar: Điểm thưởng, điểm trừ không thuộc trụ cột nào: để trống cột pillar"]


def test_a_pillar_row_needs_a_code_and_a_name_once_and_some_leaves():
    pillars = (*PILLARS, PillarSpec("CQS", "", row=4), PillarSpec("XHS", "Xã hội số", row=5))
    assert issues_of(with_pillars(pillars, _1_1="CQS", _2_1="KTS")) == [
        "Sheet `pillars`, dòng 4, cột code: Mã trụ cột «CQS» bị trùng với dòng 2",
        "Sheet `pillars`, dòng 4, cột name: Thiếu tên trụ cột",
        "Sheet `pillars`, dòng 5, cột code: Trụ cột «XHS» chưa có tiêu chí nào"]
