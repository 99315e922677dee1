"""A leaf's scoring rule: parsing its text and applying it (domain.md, rule 1).

The rule is one line in the framework's Excel sheet, e.g. "choice Đúng hạn=1; Chậm=0.5; Không=0". The same
functions serve the self-assessment form (suggested score), the framework import (parse_rule, format_rule) and
the appraisal screens (check_score), so they take plain values and never touch the ORM.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from typing import ClassVar

POINT_PLACES = 3
HUNDRED = Decimal(100)
_ZERO = Decimal(0)
_THOUSANDTH = Decimal("0.001")
MAX_DIGITS = 15  # of an entered number's whole part
# A decimal comma is accepted too: Vietnamese Excel writes 0,5.
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


class RuleError(ValueError):
    """The rule text of a leaf cannot be understood (reported to whoever imports the framework)."""


class ScoreError(ValueError):
    """What a unit or an appraiser entered cannot be scored (reported next to the field)."""


@dataclass(frozen=True)
class ManualRule:
    step: Decimal | None = None
    kind: ClassVar[str] = "manual"


@dataclass(frozen=True)
class ChoiceRule:
    options: tuple[tuple[str, Decimal], ...]
    kind: ClassVar[str] = "choice"


@dataclass(frozen=True)
class RatioRule:
    bands: tuple[tuple[Decimal, Decimal], ...]  # (threshold in percent, points)
    kind: ClassVar[str] = "ratio"

    def __post_init__(self):
        # Highest threshold first, however built: applying the rule returns the first band reached.
        object.__setattr__(self, "bands", tuple(sorted(self.bands, key=lambda band: band[0], reverse=True)))


@dataclass(frozen=True)
class ProportionalRule:
    kind: ClassVar[str] = "proportional"


@dataclass(frozen=True)
class DeductRule:
    per_occurrence: Decimal
    kind: ClassVar[str] = "deduct"


Rule = ManualRule | ChoiceRule | RatioRule | ProportionalRule | DeductRule


# --- Decimals --------------------------------------------------------------------------------------------------


def quantize_points(value: Decimal) -> Decimal:
    """Points keep 3 decimals, rounded half up (domain.md, rule 7)."""
    return value.quantize(_THOUSANDTH, rounding=ROUND_HALF_UP)


def divide_half_up(numerator: Decimal, denominator: Decimal, places: int) -> Decimal:
    """numerator / denominator rounded half up to `places` decimals, exactly as the true quotient would round."""
    # Truncating first, then rounding once, never double-rounds: the truncated quotient lies on the same side of
    # every half-way point as the exact one. Rounding the 28-digit quotient half up could push ...4999 to ...5.
    with localcontext() as context:
        context.rounding = ROUND_DOWN
        quotient = Decimal(numerator) / Decimal(denominator)
    return quotient.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_decimal_vi(value: Decimal) -> str:
    """A number as Vietnamese readers write it in messages: decimal comma, no trailing zeros ("0,25", "2")."""
    return _plain(value).replace(".", ",")


def _plain(value: Decimal) -> str:
    # format "f" keeps normalize() from printing 10 as 1E+1; "-0" would read oddly in a rule.
    return "0" if value == 0 else format(value.normalize(), "f")


# --- Parsing ---------------------------------------------------------------------------------------------------


def parse_rule(text: str | None, *, max_points: Decimal) -> Rule:
    """The rule written in `text`; a blank cell means a manual score without a step."""
    words = (text or "").split(None, 1)
    if not words:
        return ManualRule()
    parser = _PARSERS.get(words[0].casefold())
    if parser is None:
        raise RuleError(
            f"Loại quy tắc «{words[0]}» không hợp lệ; chỉ dùng: manual, choice, ratio, proportional, deduct"
        )
    return parser(words[1].strip() if len(words) > 1 else "", max_points)


def _parse_manual(args: str, max_points: Decimal) -> ManualRule:
    if not args:
        return ManualRule()
    step = _number(args)
    if step <= 0:
        raise RuleError("Bước điểm phải lớn hơn 0")
    if step > max_points:
        raise RuleError(f"Bước điểm {format_decimal_vi(step)} lớn hơn điểm tối đa {format_decimal_vi(max_points)}")
    _require_thousandths(step, "Bước điểm")
    return ManualRule(step)


def _parse_choice(args: str, max_points: Decimal) -> ChoiceRule:
    options: dict[str, tuple[str, Decimal]] = {}
    for item in _items(args):
        label_text, points_text = _pair(item, "nhãn=điểm")
        label = normalize_label(label_text)
        if not label:
            raise RuleError(f"Lựa chọn «{item}» thiếu nhãn")
        if label.casefold() in options:
            raise RuleError(f"Nhãn «{label}» bị lặp")
        options[label.casefold()] = (label, _points(points_text, max_points))
    if not options:
        raise RuleError("Quy tắc choice cần ít nhất một lựa chọn, ví dụ: choice Đúng hạn=1; Chậm=0.5; Không=0")
    return ChoiceRule(tuple(options.values()))


def _parse_ratio(args: str, max_points: Decimal) -> RatioRule:
    bands: dict[Decimal, Decimal] = {}
    for item in _items(args):
        threshold_text, points_text = _pair(item, "ngưỡng=điểm")
        threshold = _threshold(threshold_text)
        if threshold in bands:
            raise RuleError(f"Ngưỡng {format_decimal_vi(threshold)}% bị lặp")
        bands[threshold] = _points(points_text, max_points)
    if not bands:
        raise RuleError("Quy tắc ratio cần ít nhất một mức, ví dụ: ratio 100=2; 90=1.5; 70=1; 0=0")
    return RatioRule(tuple(bands.items()))


def _parse_proportional(args: str, max_points: Decimal) -> ProportionalRule:
    if args:
        raise RuleError(f"Quy tắc proportional không nhận tham số: «{args}»")
    return ProportionalRule()


def _parse_deduct(args: str, max_points: Decimal) -> DeductRule:
    if not args:
        raise RuleError("Quy tắc deduct cần số điểm trừ mỗi lần, ví dụ: deduct 0.25")
    per_occurrence = _number(args)
    if per_occurrence <= 0:
        raise RuleError("Số điểm trừ mỗi lần phải lớn hơn 0")
    _require_thousandths(per_occurrence, "Số điểm trừ mỗi lần")
    return DeductRule(per_occurrence)


_PARSERS = {
    "manual": _parse_manual,
    "choice": _parse_choice,
    "ratio": _parse_ratio,
    "proportional": _parse_proportional,
    "deduct": _parse_deduct,
}


def normalize_label(label: str) -> str:
    """A choice label as stored and matched: NFC (Excel may hand us decomposed accents), single spaces."""
    return " ".join(unicodedata.normalize("NFC", label).split())


def _items(args: str) -> list[str]:
    # Empty items are skipped so that a trailing ";" in the Excel cell is harmless.
    return [item.strip() for item in args.split(";") if item.strip()]


def _pair(item: str, form: str) -> tuple[str, str]:
    # The last "=" separates the points, so a label may itself contain "=".
    left, separator, right = item.rpartition("=")
    if not separator:
        raise RuleError(f"«{item}» phải có dạng {form}")
    return left, right


def _number(text: str) -> Decimal:
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        raise RuleError(f"«{text}» không phải là số")
    return Decimal(text.replace(",", "."))


def _points(text: str, max_points: Decimal) -> Decimal:
    points = _number(text)
    if points < 0:
        raise RuleError(f"Điểm không được âm: «{text.strip()}»")
    if points > max_points:
        raise RuleError(f"Điểm {format_decimal_vi(points)} vượt quá điểm tối đa {format_decimal_vi(max_points)}")
    _require_thousandths(points, "Điểm")
    return points


def _threshold(text: str) -> Decimal:
    threshold = _number(text.strip().removesuffix("%"))
    if not 0 <= threshold <= HUNDRED:
        raise RuleError(f"Ngưỡng phải nằm trong khoảng 0 đến 100%: «{text.strip()}»")
    return threshold


def _require_thousandths(value: Decimal, what: str) -> None:
    if value % _THOUSANDTH:
        raise RuleError(f"{what} chỉ được có tối đa 3 chữ số thập phân: «{format_decimal_vi(value)}»")


# --- Formatting ------------------------------------------------------------------------------------------------


def format_rule(rule: Rule) -> str:
    """The canonical text of `rule`; parse_rule reads it back to an equal rule."""
    match rule:
        case ManualRule(step=None):
            return "manual"
        case ManualRule(step=step):
            return f"manual {_plain(step)}"
        case ChoiceRule(options=options):
            return "choice " + "; ".join(f"{label}={_plain(points)}" for label, points in options)
        case RatioRule(bands=bands):
            return "ratio " + "; ".join(f"{_plain(threshold)}={_plain(points)}" for threshold, points in bands)
        case ProportionalRule():
            return "proportional"
        case DeductRule(per_occurrence=per_occurrence):
            return f"deduct {_plain(per_occurrence)}"
    raise TypeError(f"not a rule: {rule!r}")


# --- Applying --------------------------------------------------------------------------------------------------


def suggested_score(
    rule: Rule,
    max_points: Decimal,
    *,
    value: Decimal | None = None,
    choice: str | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    occurrences: int | None = None,
) -> Decimal:
    """The score (3 decimals) that `rule` gives for what the unit entered; the appraiser may override it."""
    match rule:
        case ManualRule(step=step):
            return check_score(max_points, value, step=step)
        case ChoiceRule():
            return _choice_points(rule, choice)
        case RatioRule():
            return _band_points(rule, *_fraction(numerator, denominator))
        case ProportionalRule():
            return _proportional_points(max_points, *_fraction(numerator, denominator))
        case DeductRule(per_occurrence=per_occurrence):
            return quantize_points(max(max_points - per_occurrence * _occurrences(occurrences), _ZERO))
    raise TypeError(f"not a rule: {rule!r}")


def penalty_score(rule: DeductRule, max_points: Decimal, *, occurrences: int | None) -> Decimal:
    """A penalty leaf's `deduct k` (domain.md, rule 1): k points per occurrence, at most the leaf's maximum. The
    appraised leaf's deduct counts down from its maximum; a penalty leaf holds the points deducted, so it counts up."""
    return quantize_points(min(rule.per_occurrence * _occurrences(occurrences), max_points))


def check_score(max_points: Decimal, value: Decimal | None, *, step: Decimal | None = None) -> Decimal:
    """A directly entered score (self-score, appraiser override, bonus or penalty claim), validated."""
    value = _entered(value, "Chưa nhập điểm")
    if not 0 <= value <= max_points:
        raise ScoreError(f"Điểm phải nằm trong khoảng 0 đến {format_decimal_vi(max_points)}")
    if value % _THOUSANDTH:
        raise ScoreError("Điểm chỉ được có tối đa 3 chữ số thập phân")
    if step is not None and value % step:
        raise ScoreError(f"Điểm phải là bội số của {format_decimal_vi(step)}")
    return quantize_points(value)


def _choice_points(rule: ChoiceRule, choice: str | None) -> Decimal:
    wanted = normalize_label(choice or "").casefold()
    if not wanted:
        raise ScoreError("Chưa chọn mức đánh giá")
    for label, points in rule.options:
        if label.casefold() == wanted:
            return quantize_points(points)
    raise ScoreError(f"Lựa chọn «{choice}» không có trong quy tắc chấm điểm")


def _band_points(rule: RatioRule, numerator: Decimal, denominator: Decimal) -> Decimal:
    for threshold, points in rule.bands:
        # Cross-multiplied so that 2/3 against a 66.67% threshold compares exactly, with no rounded percent.
        if numerator * HUNDRED >= threshold * denominator:
            return quantize_points(points)
    return quantize_points(_ZERO)


def _proportional_points(max_points: Decimal, numerator: Decimal, denominator: Decimal) -> Decimal:
    # _fraction keeps the numerator within the denominator, so this is capped at max_points by construction.
    return divide_half_up(max_points * numerator, denominator, POINT_PLACES)


def _fraction(numerator: Decimal | None, denominator: Decimal | None) -> tuple[Decimal, Decimal]:
    numerator = _entered(numerator, "Chưa nhập tử số")
    denominator = _entered(denominator, "Chưa nhập mẫu số")
    if denominator <= 0:
        raise ScoreError("Mẫu số phải lớn hơn 0")
    if numerator < 0:
        raise ScoreError("Tử số không được âm")
    if numerator > denominator:
        raise ScoreError("Tử số không được lớn hơn mẫu số")
    return numerator, denominator


def _occurrences(occurrences: int | Decimal | None) -> Decimal:
    count = _entered(occurrences, "Chưa nhập số lần vi phạm")
    if count < 0 or count != count.to_integral_value():
        raise ScoreError("Số lần vi phạm phải là số nguyên không âm")
    return count


def _entered(value: Decimal | int | None, missing: str) -> Decimal:
    # Floats are refused outright: one binary fraction in the arithmetic and 0.1 + 0.2 stops being 0.3.
    if value is None:
        raise ScoreError(missing)
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"expected Decimal or int, got {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise ScoreError("Giá trị nhập không hợp lệ")
    # Far past any count or score (15 digits), where the 28-digit arithmetic would overflow or trap.
    if value and value.adjusted() > MAX_DIGITS - 1:
        raise ScoreError(f"Giá trị nhập quá lớn (tối đa {MAX_DIGITS} chữ số)")
    return value
