from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.rules import (
    ChoiceRule,
    DeductRule,
    ManualRule,
    ProportionalRule,
    RatioRule,
    RuleError,
    ScoreError,
    check_score,
    divide_half_up,
    format_decimal_vi,
    format_rule,
    parse_rule,
    penalty_score,
    suggested_score,
)

D = Decimal
TWO = D(2)
ON_TIME = "choice Ban hành đúng hạn=1; Chậm=0.5; Không ban hành=0"
DOSSIERS = "ratio 100=2; 90=1.5; 70=1; 0=0"


def parse(text, max_points=TWO):
    return parse_rule(text, max_points=max_points)


# --- Parsing each kind ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [None, "", "   ", "manual", "MANUAL", " Manual  "])
def test_a_blank_cell_or_bare_manual_means_a_manual_score_without_step(text):
    rule = parse(text)
    assert rule == ManualRule(step=None)
    assert rule.kind == "manual"


def test_manual_with_a_step_keeps_the_step():
    assert parse("manual 0.25") == ManualRule(step=D("0.25"))


def test_a_decimal_comma_is_read_like_a_decimal_point():
    assert parse("manual 0,25") == ManualRule(step=D("0.25"))


def test_choice_labels_keep_spaces_and_vietnamese_in_the_order_written():
    rule = parse(ON_TIME, max_points=D(1))
    assert rule.kind == "choice"
    assert rule.options == (("Ban hành đúng hạn", D(1)), ("Chậm", D("0.5")), ("Không ban hành", D(0)))


def test_choice_text_tolerates_case_extra_spaces_and_a_trailing_semicolon():
    rule = parse("  CHOICE   Đúng   hạn = 1 ;Chậm=0.5;  ", max_points=D(1))
    assert rule == ChoiceRule(options=(("Đúng hạn", D(1)), ("Chậm", D("0.5"))))


def test_choice_labels_are_stored_composed_so_decomposed_accents_from_excel_match():
    decomposed = "Cha\u0302\u0323m"  # "Chậm" as some spreadsheets store it
    rule = parse(f"choice {decomposed}=0.5", max_points=D(1))
    assert rule.options == (("Chậm", D("0.5")),)


def test_ratio_bands_are_sorted_highest_threshold_first():
    rule = parse("ratio 70=1; 100=2; 0=0; 90=1.5")
    assert rule.kind == "ratio"
    assert rule.bands == ((D(100), D(2)), (D(90), D("1.5")), (D(70), D(1)), (D(0), D(0)))


def test_ratio_thresholds_may_carry_a_percent_sign():
    assert parse("ratio 100%=2; 90 %=1.5") == RatioRule(bands=((D(100), D(2)), (D(90), D("1.5"))))


def test_proportional_and_deduct_parse():
    assert parse("proportional") == ProportionalRule()
    assert parse("proportional").kind == "proportional"
    assert parse("Deduct 0.25") == DeductRule(per_occurrence=D("0.25"))
    assert parse("deduct 0.25").kind == "deduct"


# --- Parsing errors ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        ("bands 100=2", "Loại quy tắc «bands» không hợp lệ"),
        ("choice Đúng hạn 1", "«Đúng hạn 1» phải có dạng nhãn=điểm"),
        ("choice =1", "Lựa chọn «=1» thiếu nhãn"),
        ("ratio 100", "«100» phải có dạng ngưỡng=điểm"),
        ("choice Đúng hạn=một", "«một» không phải là số"),
        ("manual 0.25 0.5", "«0.25 0.5» không phải là số"),
        ("deduct abc", "«abc» không phải là số"),
        ("choice Đúng hạn=-1", "Điểm không được âm: «-1»"),
        ("ratio 100=-0.5", "Điểm không được âm: «-0.5»"),
        ("choice Đúng hạn=2.5", "Điểm 2,5 vượt quá điểm tối đa 2"),
        ("ratio 100=3", "Điểm 3 vượt quá điểm tối đa 2"),
        ("choice Đúng hạn=1; đúng  HẠN=0.5", "Nhãn «đúng HẠN» bị lặp"),
        ("ratio 90=1; 90.0=1.5", "Ngưỡng 90% bị lặp"),
        ("ratio 120=2", "Ngưỡng phải nằm trong khoảng 0 đến 100%: «120»"),
        ("ratio -5=0", "Ngưỡng phải nằm trong khoảng 0 đến 100%: «-5»"),
        ("manual 0", "Bước điểm phải lớn hơn 0"),
        ("manual -0.25", "Bước điểm phải lớn hơn 0"),
        ("manual 3", "Bước điểm 3 lớn hơn điểm tối đa 2"),
        ("manual 0.0005", "Bước điểm chỉ được có tối đa 3 chữ số thập phân"),
        ("deduct 0", "Số điểm trừ mỗi lần phải lớn hơn 0"),
        ("deduct -0.5", "Số điểm trừ mỗi lần phải lớn hơn 0"),
        ("deduct", "Quy tắc deduct cần số điểm trừ mỗi lần"),
        ("choice", "Quy tắc choice cần ít nhất một lựa chọn"),
        ("choice ; ;", "Quy tắc choice cần ít nhất một lựa chọn"),
        ("ratio", "Quy tắc ratio cần ít nhất một mức"),
        ("proportional 2", "Quy tắc proportional không nhận tham số: «2»"),
        ("choice Có=0.3333", "Điểm chỉ được có tối đa 3 chữ số thập phân"),
    ],
)
def test_bad_rule_text_is_refused_with_a_vietnamese_message(text, message):
    with pytest.raises(RuleError, match=message):
        parse(text)


def test_rule_errors_are_value_errors_so_generic_form_handling_catches_them():
    assert issubclass(RuleError, ValueError)
    assert issubclass(ScoreError, ValueError)


# --- Formatting and the round trip ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("", "manual"),
        ("manual 0.250", "manual 0.25"),
        ("choice Đúng hạn=1.000; Chậm=0.50; Không=0", "choice Đúng hạn=1; Chậm=0.5; Không=0"),
        ("ratio 90.0=1.5; 100=2.00", "ratio 100=2; 90=1.5"),
        ("PROPORTIONAL", "proportional"),
        ("deduct 0,25", "deduct 0.25"),
    ],
)
def test_format_writes_the_canonical_text_without_trailing_zeros(text, canonical):
    assert format_rule(parse(text)) == canonical


def test_format_never_writes_an_exponent():
    assert format_rule(RatioRule(bands=((D(100), D(10)),))) == "ratio 100=10"


points = st.decimals(min_value=0, max_value=20, places=3)
positive_points = st.decimals(min_value=D("0.001"), max_value=20, places=3)
label_words = st.text(alphabet="abcdeghiklmnopqrstuvxyĐđạảãáàâấầậơớờợưứừựêếềệôốồộăắằặ", min_size=1, max_size=8)
labels = st.lists(label_words, min_size=1, max_size=3).map(" ".join)
rules = st.one_of(
    st.builds(ManualRule, st.none() | positive_points),
    st.builds(
        ChoiceRule,
        st.lists(st.tuples(labels, points), min_size=1, max_size=5, unique_by=lambda option: option[0].casefold())
        .map(tuple),
    ),
    st.builds(
        RatioRule,
        st.lists(st.tuples(st.decimals(0, 100, places=2), points), min_size=1, max_size=5,
                 unique_by=lambda band: band[0]).map(tuple),
    ),
    st.just(ProportionalRule()),
    st.builds(DeductRule, positive_points),
)


@given(rules)
def test_parsing_the_formatted_text_gives_back_the_same_rule(rule):
    assert parse_rule(format_rule(rule), max_points=D(20)) == rule


@given(rules)
def test_formatting_is_stable_after_one_round_trip(rule):
    text = format_rule(rule)
    assert format_rule(parse_rule(text, max_points=D(20))) == text


# --- Suggested scores -------------------------------------------------------------------------------------------


def test_manual_rule_accepts_a_value_on_its_step():
    assert suggested_score(parse("manual 0.25"), TWO, value=D("1.75")) == D("1.750")


def test_manual_rule_refuses_a_value_off_its_step():
    with pytest.raises(ScoreError, match="Điểm phải là bội số của 0,25"):
        suggested_score(parse("manual 0.25"), TWO, value=D("1.8"))


def test_manual_rule_refuses_a_value_above_the_maximum():
    with pytest.raises(ScoreError, match="Điểm phải nằm trong khoảng 0 đến 2"):
        suggested_score(parse(""), TWO, value=D("2.5"))


def test_manual_rule_needs_a_value():
    with pytest.raises(ScoreError, match="Chưa nhập điểm"):
        suggested_score(parse(""), TWO)


def test_choice_rule_gives_the_points_of_the_chosen_label():
    rule = parse(ON_TIME, max_points=D(1))
    assert suggested_score(rule, D(1), choice="Chậm") == D("0.500")


def test_choice_is_matched_regardless_of_case_and_spacing():
    rule = parse(ON_TIME, max_points=D(1))
    assert suggested_score(rule, D(1), choice="  ban hành  ĐÚNG hạn ") == D("1.000")


def test_an_unknown_choice_is_refused():
    with pytest.raises(ScoreError, match="Lựa chọn «Sớm» không có trong quy tắc chấm điểm"):
        suggested_score(parse(ON_TIME, max_points=D(1)), D(1), choice="Sớm")


@pytest.mark.parametrize("choice", [None, "", "  "])
def test_choice_rule_needs_a_choice(choice):
    with pytest.raises(ScoreError, match="Chưa chọn mức đánh giá"):
        suggested_score(parse(ON_TIME, max_points=D(1)), D(1), choice=choice)


@pytest.mark.parametrize(
    "numerator, denominator, expected",
    [
        (200, 200, "2.000"),  # 100%
        (199, 200, "1.500"),  # 99.5%: short of 100, reaches 90
        (180, 200, "1.500"),  # exactly 90%
        (179, 200, "1.000"),  # 89.5%
        (140, 200, "1.000"),  # exactly 70%
        (139, 200, "0.000"),  # 69.5%: only the 0 band
    ],
)
def test_ratio_rule_gives_the_points_of_the_highest_band_reached(numerator, denominator, expected):
    rule = parse(DOSSIERS)
    assert suggested_score(rule, TWO, numerator=D(numerator), denominator=D(denominator)) == D(expected)


def test_ratio_below_every_band_scores_zero():
    rule = parse("ratio 100=2; 90=1.5")
    assert suggested_score(rule, TWO, numerator=D(8), denominator=D(10)) == D("0.000")


def test_ratio_compares_the_exact_fraction_not_a_rounded_percent():
    # 2/3 = 66.666...%, which a rounded 66.67% would wrongly reach.
    rule = parse("ratio 66.67=1; 0=0")
    assert suggested_score(rule, TWO, numerator=D(2), denominator=D(3)) == D("0.000")
    assert suggested_score(rule, TWO, numerator=D(6667), denominator=D(10000)) == D("1.000")


def test_proportional_rule_scales_the_maximum_and_rounds_half_up_to_3_decimals():
    rule = parse("proportional")
    assert suggested_score(rule, TWO, numerator=D(2), denominator=D(3)) == D("1.333")  # 1.3333...
    assert suggested_score(rule, D(1), numerator=D(1), denominator=D(8)) == D("0.125")  # exact
    assert suggested_score(rule, D("0.5"), numerator=D(1), denominator=D(16)) == D("0.031")  # 0.03125
    assert suggested_score(rule, D(1), numerator=D(1), denominator=D(1600)) == D("0.001")  # 0.000625
    assert suggested_score(rule, D(1), numerator=D(1), denominator=D(2000)) == D("0.001")  # 0.0005 half up


def test_proportional_rule_at_a_full_ratio_gives_the_maximum():
    assert suggested_score(parse("proportional"), D("1.5"), numerator=D(7), denominator=D(7)) == D("1.500")


@pytest.mark.parametrize("text", [DOSSIERS, "proportional"])
@pytest.mark.parametrize(
    "numerator, denominator, message",
    [
        (1, 0, "Mẫu số phải lớn hơn 0"),
        (0, -3, "Mẫu số phải lớn hơn 0"),
        (-1, 10, "Tử số không được âm"),
        (11, 10, "Tử số không được lớn hơn mẫu số"),
        (None, 10, "Chưa nhập tử số"),
        (5, None, "Chưa nhập mẫu số"),
    ],
)
def test_ratio_inputs_are_checked(text, numerator, denominator, message):
    numerator = None if numerator is None else D(numerator)
    denominator = None if denominator is None else D(denominator)
    with pytest.raises(ScoreError, match=message):
        suggested_score(parse(text), TWO, numerator=numerator, denominator=denominator)


@pytest.mark.parametrize(
    "occurrences, expected", [(0, "2.000"), (1, "1.750"), (3, "1.250"), (8, "0.000"), (50, "0.000")]
)
def test_deduct_rule_starts_at_the_maximum_and_stops_at_zero(occurrences, expected):
    assert suggested_score(parse("deduct 0.25"), TWO, occurrences=occurrences) == D(expected)


def test_deduct_rule_accepts_a_whole_decimal_count():
    assert suggested_score(parse("deduct 0.25"), TWO, occurrences=D(2)) == D("1.500")


@pytest.mark.parametrize("occurrences", [-1, D("1.5"), D(-2)])
def test_deduct_rule_refuses_a_negative_or_fractional_count(occurrences):
    with pytest.raises(ScoreError, match="Số lần vi phạm phải là số nguyên không âm"):
        suggested_score(parse("deduct 0.25"), TWO, occurrences=occurrences)


def test_deduct_rule_needs_a_count():
    with pytest.raises(ScoreError, match="Chưa nhập số lần vi phạm"):
        suggested_score(parse("deduct 0.25"), TWO)


def test_a_float_is_a_programming_error_not_a_user_error():
    with pytest.raises(TypeError):
        suggested_score(parse("proportional"), TWO, numerator=0.5, denominator=D(1))


def test_not_a_number_is_refused():
    with pytest.raises(ScoreError, match="Giá trị nhập không hợp lệ"):
        check_score(TWO, D("NaN"))


# --- Directly entered scores ------------------------------------------------------------------------------------


def test_a_score_within_range_comes_back_with_3_decimals():
    assert str(check_score(TWO, D("1.5"))) == "1.500"
    assert str(check_score(TWO, D(2))) == "2.000"
    assert str(check_score(TWO, D(0))) == "0.000"


@pytest.mark.parametrize("value", [D("-0.001"), D("2.001"), D(3)])
def test_a_score_outside_zero_to_max_is_refused(value):
    with pytest.raises(ScoreError, match="Điểm phải nằm trong khoảng 0 đến 2$"):
        check_score(TWO, value)


def test_the_range_message_writes_the_maximum_with_a_decimal_comma():
    with pytest.raises(ScoreError, match="Điểm phải nằm trong khoảng 0 đến 1,5"):
        check_score(D("1.50"), D(2))


def test_a_score_with_more_than_3_decimals_is_refused():
    with pytest.raises(ScoreError, match="Điểm chỉ được có tối đa 3 chữ số thập phân"):
        check_score(TWO, D("1.2345"))


def test_a_score_off_the_step_is_refused_and_one_on_it_accepted():
    with pytest.raises(ScoreError, match="Điểm phải là bội số của 0,5"):
        check_score(TWO, D("0.75"), step=D("0.5"))
    assert check_score(TWO, D("1.5"), step=D("0.5")) == D("1.5")


# --- Decimal helpers --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, text", [(D("0.25"), "0,25"), (D("2.000"), "2"), (D("1.50"), "1,5"), (D(10), "10"), (D("-0"), "0")]
)
def test_numbers_in_messages_use_a_decimal_comma_without_trailing_zeros(value, text):
    assert format_decimal_vi(value) == text


@pytest.mark.parametrize(
    "numerator, denominator, places, expected",
    [
        (2, 3, 2, "0.67"),
        (2, 3, 3, "0.667"),
        (1, 8, 2, "0.13"),  # 0.125: exact half rounds up, not to even
        (1, 8, 3, "0.125"),
        (-1, 8, 2, "-0.13"),  # half up means away from zero
        (1, 3, 2, "0.33"),
    ],
)
def test_division_rounds_half_up(numerator, denominator, places, expected):
    assert str(divide_half_up(D(numerator), D(denominator), places)) == expected


def test_division_does_not_double_round_a_quotient_just_under_a_half():
    # 0.004999...(30 nines) rounds to 0.005 at 28 digits; the exact quotient is below the half.
    numerator = D("0.00" + "4" + "9" * 30)
    assert divide_half_up(numerator, D(1), 2) == D("0.00")


# --- A penalty leaf's deduct: k per occurrence, at most the maximum (domain.md, rule 1) --------------------------


@pytest.mark.parametrize("occurrences, expected", [(0, "0"), (1, "0.5"), (3, "1.5"), (4, "2"), (9, "2")])
def test_a_penalty_deduction_counts_up_per_occurrence_to_the_maximum(occurrences, expected):
    rule = parse_rule("deduct 0.5", max_points=D(2))

    assert penalty_score(rule, D(2), occurrences=occurrences) == D(expected)


def test_a_penalty_deduction_needs_a_whole_count():
    with pytest.raises(ScoreError, match="Số lần vi phạm phải là số nguyên không âm"):
        penalty_score(DeductRule(D("0.5")), D(2), occurrences=D("1.5"))


@given(per=st.decimals(min_value="0.001", max_value="10", places=3),
       maximum=st.decimals(min_value="0", max_value="100", places=3),
       occurrences=st.integers(min_value=0, max_value=10_000))
def test_a_penalty_deduction_is_the_complement_of_an_appraised_one(per, maximum, occurrences):
    rule = DeductRule(per)

    penalty = penalty_score(rule, maximum, occurrences=occurrences)

    assert D(0) <= penalty <= maximum
    assert penalty + suggested_score(rule, maximum, occurrences=occurrences) == maximum


@given(per=st.decimals(min_value="0.001", max_value="10", places=3),
       maximum=st.decimals(min_value="0", max_value="100", places=3),
       occurrences=st.integers(min_value=0, max_value=1_000))
def test_one_more_occurrence_never_lowers_a_penalty(per, maximum, occurrences):
    rule = DeductRule(per)

    assert (penalty_score(rule, maximum, occurrences=occurrences + 1)
            >= penalty_score(rule, maximum, occurrences=occurrences))
