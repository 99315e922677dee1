"""Reads for scoring pages and the API. Set-based queries; lists always pass through permissions.visible_to."""
import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, F, Max, Q
from django.utils.translation import gettext as _

from ..framework_display import TreeRow, tree_rows
from ..framework_spec import (CriterionSpec, FrameworkSpec, GradeSpec, ImportIssue, PillarSpec, header_issue,
                              plain_decimal)
from ..models import Agency, Block, Criterion, Cycle, Framework, Index, Method, Unit, UnitResult
from ..models.indices import PAR, STANDARD
from ..permissions import frameworks_visible_to, is_manager, results_visible_to, units_visible_to
from .status import ResultsStatus, results_status


def result_headlines(user) -> list[dict]:
    """The leader's home page: per block and index (PAR first), the newest year with results, its units, average
    index and the first unit, each a link to that block's ranking in that index. Two queries whatever the number
    of blocks (a third names the indices other than PAR)."""
    results = results_visible_to(user)
    newest = {(block, code): year for block, code, year
              in results.order_by().values_list("block", "index_code").annotate(year=Max("year"))}
    if not newest:
        return []
    rows = (results.filter(year__in=set(newest.values())).select_related("block", "unit")
            .order_by("block__position", "block__code", "index_code", F("rank").asc(nulls_last=True), "unit__code"))
    scales = dict(Index.objects.filter(code__in={code for _block, code in newest} - {PAR})
                  .values_list("code", "scale"))
    headlines = []
    for (block, code), block_rows in groupby(rows, key=lambda result: (result.block, result.index_code)):
        year = newest[(block.pk, code)]
        block_rows = [row for row in block_rows if row.year == year]
        indices = [row.index for row in block_rows if row.index is not None]
        headlines.append({
            "block": block, "year": year, "units": len(block_rows), "index_code": code,
            "scale": scales.get(code, "percent"), "average": sum(indices) / len(indices) if indices else None,
            "first": next((row.unit for row in block_rows if row.rank == 1), None),
            "incomplete": sum(1 for row in block_rows if row.incomplete)})
    return sorted(headlines, key=lambda line: (line["block"].position, line["block"].code, line["index_code"] != PAR,
                                               line["index_code"]))


def home_summary(user):
    frameworks = frameworks_visible_to(user).latest_revisions()
    own_unit = units_visible_to(user).filter(pk=user.unit_id).first() if user.is_unit_user else None
    return {
        "unit_count": units_visible_to(user).active().count(),
        "frameworks": frameworks.order_by("-year", "block__position")[:12],
        "own_unit": own_unit,
        "own_unit_frameworks": unit_frameworks(user, own_unit)[:4] if own_unit else [],
        "is_manager": is_manager(user),
        "block_counts": blocks_with_unit_counts() if is_manager(user) else [],
        "headlines": result_headlines(user) if user.role == "leader" else [],
    }


# --- Units -------------------------------------------------------------------------------------------------------


# No name or code is longer than this; SQLite refuses a LIKE pattern past 50,000 characters, so a longer search
# text is cut here (it would match nothing either way).
SEARCH_MAX = 200


def units_search(units, *, q="", block="", ranked=""):
    """The unit list's filters; an empty value filters nothing."""
    q = q[:SEARCH_MAX]
    if q:
        units = units.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if block:
        units = units.filter(block__code=block)
    if ranked in ("yes", "no"):
        units = units.filter(ranked=ranked == "yes")
    return units


def blocks_of(units):
    """The blocks the given units belong to, for the list's block filter."""
    return Block.objects.filter(pk__in=units.values("block")).order_by("position", "code")


def unit_frameworks(user, unit):
    """The current framework revision of each year for the unit's block, newest year first."""
    return frameworks_visible_to(user).filter(block=unit.block_id).latest_revisions().order_by("-year")


def unit_history(user, unit):
    """The units this one came from and went to (domain.md, rule 13), each with whether the user may open it."""
    visible = set(units_visible_to(user).values_list("pk", flat=True)) if not is_manager(user) else None

    def listed(units):
        return [(other, visible is None or other.pk in visible) for other in units.select_related("block")]

    return {"predecessors": listed(unit.predecessors.order_by("code")),
            "successors": listed(unit.successors.order_by("code"))}


def blocks_with_unit_counts():
    active = Q(units__active=True)
    return Block.objects.annotate(
        unit_count=Count("units", filter=active),
        unranked_count=Count("units", filter=active & Q(units__ranked=False)),
    ).order_by("position", "code")


def units_for_export_codes():
    return Unit.objects.values_list("code", flat=True)


def units_for_export():
    """Every unit: the export is an operator's command, there is no user to restrict by."""
    return list(Unit.objects.select_related("block").prefetch_related("successors")
                .order_by("block__position", "block__code", "code"))


# --- Frameworks --------------------------------------------------------------------------------------------------


def frameworks_search(frameworks, *, year=None, block=""):
    """The framework list's filters, with each framework's number of leaf criteria."""
    if year:
        frameworks = frameworks.filter(year=year)
    if block:
        frameworks = frameworks.filter(block__code=block)
    # Meta.ordering is dropped from aggregate queries, so the list orders itself.
    return (frameworks.annotate(leaf_count=Count("criteria", filter=~Q(criteria__method="")))
            .order_by("-year", "block__position", "block__code", "-revision"))


def framework_years(frameworks):
    return list(frameworks.order_by("-year").values_list("year", flat=True).distinct())


def framework_blocks(frameworks):
    """The blocks the given frameworks belong to, for the list's block filter."""
    return Block.objects.filter(pk__in=frameworks.values("block")).order_by("position", "code")


def framework_find(*, year: int, block: str, revision: int | None = None, index_code: str = PAR) -> Framework | None:
    """A revision of one index, year and block (the latest by default), for the export command."""
    frameworks = Framework.objects.select_related("block").filter(year=year, block__code__iexact=block,
                                                                  index__code=index_code or PAR)
    if revision is not None:
        frameworks = frameworks.filter(revision=revision)
    return frameworks.order_by("-revision").first()


def framework_import_target(spec: FrameworkSpec) -> Framework | None:
    """The revision an import of `spec` would replace, or the locked one it would follow."""
    return (framework_find(year=spec.year, block=spec.block, index_code=spec.index)
            if spec.year and spec.block else None)


def framework_block_issues(spec: FrameworkSpec) -> list[ImportIssue]:
    """What only the database knows about a framework spec: whether its block and its index exist."""
    issues = []
    if spec.block and not Block.objects.filter(code__iexact=spec.block).exists():
        known = ", ".join(Block.objects.order_by("position", "code").values_list("code", flat=True)) or "—"
        message = _("Khối «%(block)s» không có trong danh mục; các khối hiện có: %(known)s")
        issues.append(header_issue(spec, "block", message % {"block": spec.block, "known": known}))
    if spec.index and spec.index not in STANDARD and not Index.objects.filter(code=spec.index).exists():
        known = ", ".join(dict.fromkeys([*STANDARD, *Index.objects.values_list("code", flat=True)]))
        message = _("Chỉ số «%(index)s» không có trong danh mục; các chỉ số hiện có: %(known)s")
        issues.append(header_issue(spec, "index", message % {"index": spec.index, "known": known}))
    return issues


def framework_spec(framework: Framework) -> FrameworkSpec:
    """A stored framework as plain values: what the export writes and the detail page shows."""
    criteria = framework.criteria.select_related("agency", "pillar").order_by("position")
    return FrameworkSpec(
        code=framework.code, name=framework.name, year=framework.year, block=framework.block.code,
        index=framework.index_code,
        version=framework.version, precision=framework.precision, bonus_cap=plain_decimal(framework.bonus_cap),
        penalty_cap=plain_decimal(framework.penalty_cap), clamp_total=framework.clamp_total,
        criteria=tuple(_criterion_spec(criterion) for criterion in criteria),
        grades=tuple(_grade_spec(grade) for grade in framework.grades.order_by("position")),
        pillars=tuple(PillarSpec(code=pillar.code, name=pillar.name) for pillar in framework.pillars.all()),
    )


def _criterion_spec(criterion) -> CriterionSpec:
    return CriterionSpec(
        code=criterion.code, title=criterion.title, max_points=plain_decimal(criterion.max_points),
        method=criterion.method,
        rule=criterion.rule, evidence_required=criterion.evidence_required,
        appraiser=criterion.agency.code if criterion.agency else "", guidance=criterion.guidance,
        evidence_months_before=criterion.evidence_months_before,
        pillar=criterion.pillar.code if criterion.pillar else "",
    )


def _grade_spec(grade) -> GradeSpec:
    values = {name: plain_decimal(getattr(grade, name))
              for name in ("min_index", "min_area_index", "min_survey_index", "max_penalty")}
    return GradeSpec(code=grade.code, label=grade.label, **values)


def criteria_tree(spec: FrameworkSpec, q: str = "") -> list[TreeRow]:
    """The spec's criteria as display rows (agencies by name), filtered by `q` keeping ancestors of matches."""
    labels = {agency.code.upper(): str(agency) for agency in Agency.objects.all()}
    for node in spec.criteria:
        labels.setdefault(node.appraiser.upper(), _("%(code)s (mã mới)") % {"code": node.appraiser})
    return tree_rows(spec.criteria, labels, q, spec.pillars)


# --- Results (issue 4) -------------------------------------------------------------------------------------------

POINT_PLACES = 3  # leaf and survey points keep 3 decimals (domain.md rule 7)
RESULT_ORDER = ("group", F("rank").asc(nulls_last=True), "unit__code")


@dataclass(frozen=True)
class ResultsLegend:
    """What a results table needs besides its rows: the block, the index precision, grade labels, area titles."""

    year: int
    block: Block
    framework: Framework | None
    precision: int
    grades: dict  # tier code -> label
    areas: tuple  # ((area code, title), ...) of the areas that carry an index, in framework order
    status: ResultsStatus = ResultsStatus(False)  # provisional until the block's year is published (rule 14)


def decimal_text(value, places):
    """A Decimal as text with at least `places` decimals, never rounding a digit away: "95.48", not 95.48."""
    if value is None:
        return None
    value = Decimal(value).normalize()
    if value.as_tuple().exponent > -places:
        value = value.quantize(Decimal(1).scaleb(-places)) + 0  # + 0 turns -0.00 into 0.00
    return format(value, "f")


def results_table(results, year, block_code, index_code=PAR):
    """One block's results of a year in an index, from `results` (what permissions.results_visible_to allows), in
    table order: by group, ranked units by rank, then the units left out of the ranking."""
    return results.filter(year=year, block__code=block_code, index_code=index_code).order_by(*RESULT_ORDER)


def result_row(result) -> dict:
    """The one shape of a unit's result for the API, the export command, the pages and publications.

    Decimals are strings so nothing is lost on the way; indices carry the framework's precision."""
    precision = result.framework.precision
    points = {name: decimal_text(getattr(result, name), POINT_PLACES)
              for name in ("self_total", "appraised", "survey", "bonus", "penalty", "total", "max_total")}
    index = {name: decimal_text(getattr(result, name), precision)
             for name in ("index", "previous_index", "index_change")}
    return {
        "unit_code": result.unit.code, "unit_name": result.unit.name, "group": result.group, "ranked": result.ranked,
        **points, "index": index["index"], "grade": result.grade, "rank": result.rank,
        "previous_index": index["previous_index"], "previous_rank": result.previous_rank,
        "index_change": index["index_change"], "rank_change": result.rank_change, "comparable": result.comparable,
        "incomplete": result.incomplete, "areas": [_area_row(area, precision) for area in result.areas],
    }


def _area_row(area, precision):
    # The component rank in the block (or group) and its change since last year (rules 9-10).
    return {"code": area["code"], "points": decimal_text(area["points"], POINT_PLACES),
            "max": decimal_text(area["max"], POINT_PLACES), "index": decimal_text(area["index"], precision),
            "rank": area.get("rank"), "rank_change": area.get("rank_change")}


def results_rows(year, block_code, user, index_code=PAR) -> list[dict]:
    """user None is an operator's command: every unit's result, there is no user to restrict by."""
    results = UnitResult.objects.select_related("unit", "framework") if user is None else results_visible_to(user)
    return [result_row(result) for result
            in results_table(results, year, block_code, index_code).iterator(chunk_size=2000)]


def results_legend(year, block, index_code=PAR):
    """The legend of one block's table: the framework its results were computed on (else the year's latest)."""
    computed = UnitResult.objects.filter(year=year, block=block, index_code=index_code).values("framework")[:1]
    framework = (Framework.objects.filter(pk__in=computed).first()
                 or Framework.objects.filter(year=year, block=block, index__code=index_code)
                 .order_by("-revision").first())
    return dataclasses.replace(_legend(year, block, framework), status=results_status(year, block, index_code))


def _legend(year, block, framework):
    if framework is None:
        return ResultsLegend(year, block, None, 2, {}, ())
    grades = dict(framework.grades.order_by("position").values_list("code", "label"))
    return ResultsLegend(year, block, framework, framework.precision, grades, _indexed_areas(framework))


def _indexed_areas(framework):
    """Areas holding appraised or survey leaves: only those have a component index (rule 6)."""
    scored = Criterion.objects.filter(framework=framework, method__in=[Method.APPRAISED, Method.SURVEY])
    areas = Criterion.objects.filter(framework=framework, depth=0, area_code__in=scored.values("area_code"))
    return tuple(areas.order_by("position").values_list("code", "title"))


def block_find(code):
    return Block.objects.filter(code=code).first() if code else None


def results_choices(user):
    """The years and blocks a results page offers: years with a cycle or a visible result, newest first."""
    years = set(Cycle.objects.values_list("year", flat=True))
    years |= set(results_visible_to(user).values_list("year", flat=True).distinct())
    return sorted(years, reverse=True), list(blocks_of(units_visible_to(user)))


def result_display(row, grades):
    """A row as the pages show it: the grade's label (grades: code -> label) and the size of a move in rank."""
    change = row["rank_change"]
    return {**row, "grade_label": grades.get(row["grade"], row["grade"]),
            "rank_moved": abs(change) if change else None,
            "index_delta": None if row["index_change"] is None else Decimal(row["index_change"])}


def publication_latest(publications, year, block=None, index_code=PAR):
    """The latest publication of the block's year in an index (or of the whole year, before publication went per
    block)."""
    scope = publications.filter(year=year, index_code=index_code)
    if block is not None:
        scope = scope.filter(Q(block=block) | Q(block=None))
    return scope.defer("content", "changes").order_by("-published_at", "-pk").first()


def publication_change_rows(changes):
    """A correction's changes with each field named in Vietnamese beside its code."""
    return [{**change, "label": _change_label(change["field"])} for change in changes]


def _change_label(field):
    if field.startswith("areas."):
        _areas, code, part = field.split(".", 2)
        parts = {"points": _("điểm"), "max": _("điểm tối đa"), "index": _("chỉ số (%)")}
        return _("Lĩnh vực %(code)s: %(part)s") % {"code": code, "part": parts.get(part, part)}
    names = {"unit": _("đơn vị (thêm hoặc bớt)"), "unit_name": _("tên đơn vị"), "unit_code": _("mã đơn vị")}
    if field in names:
        return names[field]
    try:
        return str(UnitResult._meta.get_field(field).verbose_name).capitalize()
    except FieldDoesNotExist:  # a field of an older snapshot's shape
        return field


def publication_tables(content):
    """A publication's blocks as the detail page shows them, from the stored snapshot alone."""
    return [{**block, "rows": [result_display(row, {g["code"]: g["label"] for g in block["grades"]})
                               for row in block["results"]]}
            for block in content["blocks"]]


# --- Publication snapshots ---------------------------------------------------------------------------------------


def results_snapshot(year, block_code=None, index_code=PAR) -> dict:
    """A block's results of a year in an index (every block's, without one) as plain JSON values, with no
    timestamp: identical results, identical snapshot. One query reads all rows, so a results run committing
    meanwhile can't leave blocks half old. A PAR snapshot names no index (as before indices became data)."""
    results = UnitResult.objects.filter(year=year, index_code=index_code).select_related("unit", "block", "framework")
    if block_code:
        results = results.filter(block__code=block_code)
    results = list(results.order_by("block__position", "block__code", *RESULT_ORDER))
    blocks = groupby(results, key=lambda result: result.block)
    return {"year": year, **({} if index_code == PAR else {"index": index_code}),
            "blocks": [_block_snapshot(year, block, list(rows)) for block, rows in blocks]}


def _block_snapshot(year, block, results):
    legend = _legend(year, block, results[0].framework)
    framework = legend.framework
    return {
        "code": block.code, "name": block.name,
        "framework": {"code": framework.code, "name": framework.name, "version": framework.version,
                      "revision": framework.revision, "precision": framework.precision},
        "grades": [{"code": code, "label": label} for code, label in legend.grades.items()],
        "areas": [{"code": code, "title": title} for code, title in legend.areas],
        "results": [result_row(result) for result in results],
    }
