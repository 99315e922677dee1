"""An index value on its index's scale (issue 14): PAR in percent as ever, DTI on 0-1, DDCI in points."""
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from scoring.index_scale import heading, places, scaled, scaled_text, shown


def test_a_ratio_is_the_percent_over_a_hundred_printed_with_four_decimals():
    assert scaled(Decimal("70.24"), "ratio") == Decimal("0.7024")
    assert scaled_text(Decimal("70.24"), "ratio", 2) == "0,7024"
    assert scaled_text("70.240", "ratio", 2, ".") == "0.7024"


def test_percent_prints_as_par_always_did_and_points_say_so_when_asked():
    assert scaled_text(Decimal("89.625"), "percent", 2) == "89,63"  # half up, as floatformat
    assert scaled_text(Decimal("60.02"), "points", 2) == "60,02"
    assert shown(Decimal("60.02"), "points", 2, unit=True) == "60,02 điểm"
    assert shown(Decimal("60.02"), "percent", 2, unit=True) == "60,02"


def test_nothing_stays_nothing():
    assert scaled(None, "ratio") is None
    assert scaled_text(None, "ratio", 2) == "—"
    assert shown(None, "points", 2, unit=True) == "—"


def test_the_places_and_headers_follow_the_scale():
    assert (places("ratio", 2), places("percent", 3), places("points", 2)) == (4, 3, 2)
    assert (heading("percent"), heading("ratio"), heading("points"), heading("")) == (
        "Chỉ số (%)", "Chỉ số (0–1)", "Chỉ số (điểm)", "Chỉ số (%)")


@given(st.decimals(min_value=0, max_value=100, places=3))
def test_a_ratio_never_loses_what_a_two_decimal_percent_holds(value):
    percent = value.quantize(Decimal("0.01"))
    assert Decimal(scaled_text(percent, "ratio", 2, ".")) * 100 == percent
