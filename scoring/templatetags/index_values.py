"""{% load index_values %}: an index value printed on its index's scale (scoring/index_scale.py)."""
from django import template
from django.utils.formats import get_format

from ..index_scale import PERCENT, heading, shown

register = template.Library()


@register.simple_tag
def index_value(value, scale, precision=2, unit=False):
    """{% index_value row.index index.scale legend.precision %}: "89,63" (percent, as PAR always printed),
    "0,7024" (ratio), "60,02" (points; "60,02 điểm" with unit=True); "—" for none. A blank scale reads as
    percent."""
    return shown(value, scale or PERCENT, precision, get_format("DECIMAL_SEPARATOR"), unit=unit)


@register.simple_tag
def index_heading(scale):
    """The header of an index column: "Chỉ số (%)" as before, "Chỉ số (0–1)" or "Chỉ số (điểm)"."""
    return heading(scale)
