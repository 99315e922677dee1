"""An index value as its index is published (issue 14): PAR in percent as ever ("89,63"), DTI on a 0-1 scale with 4
decimals ("0,7024"), DDCI in points ("60,02 điểm"). UnitResult.index stays stored in percent; the scale is display
only. Pure: plain Decimals in, Decimals or text out, so the pages, the PDF and the workbook print the same."""
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

PERCENT, RATIO, POINTS = "percent", "ratio", "points"
RATIO_PLACES = 4


def scaled(value, scale):
    """The stored percent value on the index's scale: a ratio is value / 100 (exact), points and percent as
    stored. None stays None."""
    if value is None:
        return None
    value = Decimal(value)
    return value.scaleb(-2) if scale == RATIO else value


def places(scale, precision):
    """How many decimals the scale prints: a ratio always 4 (as DTI is published), else the framework's."""
    return RATIO_PLACES if scale == RATIO else precision


def scaled_text(value, scale, precision, separator=","):
    """"0,7024", "89,63", "60,02": the value on its scale, rounded half up, with the language's separator (the
    unit word, "điểm", is the caller's: a table header says it once). "—" for none."""
    value = scaled(value, scale)
    if value is None:
        return "—"
    rounded = value.quantize(Decimal(1).scaleb(-places(scale, precision)), rounding=ROUND_HALF_UP)
    return f"{rounded:f}".replace(".", separator)


def shown(value, scale, precision, separator=",", *, unit=False):
    """scaled_text, with the word "điểm" after a value in points when unit=True ("60,02 điểm")."""
    text = scaled_text(value, scale, precision, separator)
    return _("%(value)s điểm") % {"value": text} if unit and scale == POINTS and value is not None else text


def heading(scale):
    """The header of an index column: "Chỉ số (%)" as PAR's always read, "Chỉ số (0–1)" or "Chỉ số (điểm)"."""
    return {RATIO: _("Chỉ số (0–1)"), POINTS: _("Chỉ số (điểm)")}.get(scale, _("Chỉ số (%)"))
