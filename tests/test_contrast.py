"""Text contrast of our stylesheets: every rule that sets both a text colour and a background colour reaches the
WCAG AA ratio for normal text (4.5:1). The amber "warning" text was 3.95:1 on its background."""
import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parent.parent / "static" / "css"
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
HEX = r"#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}"


def variables():
    root = (CSS / "parindex.css").read_text()
    return dict(re.findall(rf"--([\w-]+):\s*({HEX})", root))


def colour(value, names):
    value = value.strip()
    found = re.fullmatch(r"var\(--([\w-]+)\)", value)
    value = names.get(found.group(1), "") if found else value
    if not re.fullmatch(HEX, value):
        return None
    value = value.lstrip("#")
    return value if len(value) == 6 else "".join(2 * c for c in value)


def luminance(hex_colour):
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def pairs():
    names = variables()
    for path in sorted(CSS.glob("*.css")):
        for selector, body in RULE.findall(path.read_text()):
            props = dict(re.findall(r"(?:^|;)\s*(color|background(?:-color)?):\s*([^;]+)", body))
            fg = colour(props.get("color", ""), names)
            bg = colour(props.get("background", props.get("background-color", "")), names)
            if fg and bg:
                yield f"{path.name}: {selector.strip()}", fg, bg


@pytest.mark.parametrize(("rule", "fg", "bg"), list(pairs()))
def test_text_has_a_contrast_of_at_least_4_5_to_1(rule, fg, bg):
    assert contrast(fg, bg) >= 4.5, f"{rule}: #{fg} on #{bg} is {contrast(fg, bg):.2f}:1"


def test_the_warning_colour_reads_on_the_amber_background():
    assert contrast(variables()["warn"].lstrip("#"), "fef7e0") >= 4.5
