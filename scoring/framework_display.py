"""How a framework reads on screen and in messages: tree rows with human-readable rules, the search that keeps the
ancestors of what it finds (the same folding as static/js/tree-filter.js), and the import outcome sentence."""
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .framework_spec import METHODS, PENALTY, SCORED, SURVEY, CriterionSpec, FrameworkSpec, plain_decimal
from .models import Method
from .rules import ChoiceRule, DeductRule, ManualRule, ProportionalRule, RatioRule, RuleError, parse_rule


@dataclass(frozen=True)
class TreeRow:
    code: str
    title: str
    max_points: Decimal | None
    method: str
    method_label: str
    rule_text: str
    evidence_required: bool
    agency: str
    guidance: str
    depth: int
    ancestors: str  # the codes of its ancestors, space-separated, for the instant filter
    search: str  # folded text the filter matches against
    matched: bool = False
    pillar: str = ""  # the name of the leaf's pillar, if the framework has pillars


def fold_text(text: str) -> str:
    """Lower case without diacritics, so "chi dao" finds "Chỉ đạo" (users often type without accents)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in text if not unicodedata.combining(char)).casefold()


def tree_rows(criteria, agency_labels: dict[str, str], q: str = "", pillars=()) -> list[TreeRow]:
    """The rows to show: all of them, or those matching every word of `q` together with their ancestors."""
    pillar_names = {pillar.code: pillar.name for pillar in pillars}
    rows = [_row(node, agency_labels, pillar_names) for node in criteria]
    words = fold_text(q).split()
    if not words:
        return rows
    matched = {row.code for row in rows if all(word in row.search for word in words)}
    shown = matched | {code for row in rows if row.code in matched for code in row.ancestors.split()}
    return [replace(row, matched=row.code in matched) for row in rows if row.code in shown]


def _row(node: CriterionSpec, agency_labels: dict[str, str], pillar_names: dict[str, str]) -> TreeRow:
    agency = agency_labels.get(node.appraiser.upper(), node.appraiser) if node.appraiser else ""
    pillar = pillar_names.get(node.pillar, node.pillar)
    parts = node.code.split(".")
    ancestors = " ".join(".".join(parts[:end]) for end in range(1, len(parts)))
    return TreeRow(
        code=node.code, title=node.title, max_points=plain_decimal(node.max_points), method=node.method,
        method_label=_method_label(node.method), rule_text=describe_rule(node),
        evidence_required=node.evidence_required,
        agency=agency, guidance=node.guidance, depth=node.depth, ancestors=ancestors,
        search=fold_text(" ".join((node.code, node.title, node.guidance, node.appraiser, agency, pillar))),
        pillar=pillar,
    )


@dataclass(frozen=True)
class PillarRow:
    code: str
    name: str
    leaves: int
    max_points: Decimal  # Σ maxima of its appraised and survey leaves


def pillar_rows(spec: FrameworkSpec) -> list[PillarRow]:
    """The framework's pillars with how many leaves and points each holds, in their order."""
    return [PillarRow(pillar.code, pillar.name, len(leaves), plain_decimal(sum(leaves, Decimal(0))))
            for pillar in spec.pillars
            for leaves in [[node.max_points or Decimal(0) for node in spec.criteria
                            if node.pillar == pillar.code and node.method in SCORED]]]


def _method_label(method: str) -> str:
    return str(Method(method).label) if method in Method.values else method


def describe_rule(node: CriterionSpec) -> str:
    """The leaf's rule in words, with numbers in the reader's locale; an unreadable rule shows as written."""
    if node.method not in METHODS:
        return ""
    if node.method == SURVEY:
        return _("Theo kết quả điều tra xã hội học")
    try:
        rule = parse_rule(node.rule, max_points=node.max_points if node.max_points is not None else Decimal("Inf"))
    except RuleError:
        return node.rule
    if node.method == PENALTY and isinstance(rule, DeductRule):
        return _("Trừ %(points)s điểm mỗi lần, tối đa %(max)s điểm") % {
            "points": _number(rule.per_occurrence), "max": _number(node.max_points)}
    return _describe(rule)


def _describe(rule) -> str:
    match rule:
        case ManualRule(step=None):
            return _("Chấm trực tiếp")
        case ManualRule(step=step):
            return _("Chấm trực tiếp, bước %(step)s") % {"step": _number(step)}
        case ChoiceRule(options=options):
            choices = "; ".join(f"{label} = {_number(points)}" for label, points in options)
            return _("Chọn mức: %(choices)s") % {"choices": choices}
        case RatioRule(bands=bands):
            levels = "; ".join(f"≥ {_number(threshold)}% → {_number(points)}" for threshold, points in bands)
            return _("Theo tỷ lệ: %(levels)s") % {"levels": levels}
        case ProportionalRule():
            return _("Tỷ lệ thuận: điểm tối đa × tỷ lệ đạt được")
        case DeductRule(per_occurrence=per_occurrence):
            return _("Trừ %(points)s điểm mỗi lần vi phạm, thấp nhất 0") % {"points": _number(per_occurrence)}
    return str(rule)


def _number(value: Decimal) -> str:
    return number_format(plain_decimal(value))


def describe_import(framework, replaced: bool) -> str:
    """The sentence that tells a coordinator what an import did to the stored revisions."""
    values = {"name": framework.name, "year": framework.year, "block": framework.block.code,
              "revision": framework.revision, "previous": framework.revision - 1}
    if replaced:
        return _("Đã nhập bộ chỉ số «%(name)s» (%(year)s, khối %(block)s): thay thế nội dung lần sửa đổi "
                 "%(revision)s.") % values
    if framework.revision > 1:
        return _("Đã nhập bộ chỉ số «%(name)s» (%(year)s, khối %(block)s): lần sửa đổi %(previous)s đã khóa nên "
                 "đã tạo lần sửa đổi %(revision)s.") % values
    return _("Đã nhập bộ chỉ số «%(name)s» (%(year)s, khối %(block)s): tạo mới, lần sửa đổi 1.") % values


def export_filename(framework) -> str:
    return f"khung-chi-so-{framework.year}-{slugify(framework.block.code)}-lan-{framework.revision}.xlsx"
