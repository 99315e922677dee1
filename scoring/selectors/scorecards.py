"""Reads of a unit's scorecard (issue 6): the year's result with its grade, rank and changes, the area indices
beside the block average, and the criteria tree with every leaf's scores, the appraiser's reason, the evidence the
reader may see and the survey response counts. A fixed number of queries whatever the size of the tree.

The scorecard is plain values (Decimals, strings, dataclasses), so the page, the PDF and the workbook read the
same figures."""
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Count, Max, Sum
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..computation import APPRAISED, BONUS, PENALTY, SURVEY
from ..framework_spec import plain_decimal
from ..models import Criterion, Cycle, GradeTier, LeafScore, Method, Pillar, UnitResult
from ..permissions import evidence_visible_to, leaf_scores_visible_to, results_visible_to
from ..models.indices import PAR
from .status import ResultsStatus, latest_publication, results_status

# Grades read from the best tier (green) down to the lowest (red), however many tiers a framework has: the tones
# of the dashboard's grade bands (static/css/dashboard.css --tone-1 … --tone-5), spread the same way.
GRADE_COLOURS = ("#1b7f3b", "#5f8f1f", "#a87800", "#c4561a", "#b00020")
EVIDENCE_ROUTE = "scoring:evidence_download"


@dataclass(frozen=True)
class Grade:
    code: str
    label: str
    min_index: Decimal
    colour: str


@dataclass(frozen=True)
class AreaLine:
    code: str
    title: str
    points: Decimal
    max_points: Decimal
    index: Decimal | None
    change: Decimal | None
    block_average: Decimal | None
    rank: int | None = None  # the component index's rank in the block (or group), rule 9
    rank_change: int | None = None


@dataclass(frozen=True)
class EvidenceLink:
    title: str
    document_number: str
    issue_date: object  # a date or None
    file_name: str
    url: str | None  # None while no download route exists


@dataclass(frozen=True)
class CriterionLine:
    """One row of the criteria tree. Leaves carry their scores; areas and criteria the sums of their leaves."""

    code: str
    title: str
    depth: int
    method: str
    method_label: str
    max_points: Decimal | None
    is_leaf: bool
    self_score: Decimal | None = None
    self_not_applicable: bool = False
    appraised_score: Decimal | None = None
    second_score: Decimal | None = None
    final_score: Decimal | None = None
    not_applicable: bool = False
    points_lost: Decimal | None = None
    reason: str = ""
    scored: bool = False  # a leaf score row exists
    responses: int | None = None  # survey leaves: responses counted for this leaf
    evidence: tuple = ()


@dataclass(frozen=True)
class Scorecard:
    unit: object
    year: int
    block: object
    framework: object
    precision: int
    result: UnitResult
    grade: Grade | None
    grades: tuple
    ranked_count: int
    block_index_average: Decimal | None
    areas: tuple
    rows: tuple
    survey_rows: tuple = field(default=())
    pillars: tuple = field(default=())  # AreaLines of the framework's pillars (issue 14), without block averages
    status: ResultsStatus = ResultsStatus(False)  # provisional until the block's year is published (rule 14)
    survey_held: bool = True
    # Recomputed since publication to other figures: the unit's row as published ({"version", "index", "rank",
    # "grade_label", ...}), which leaders read until the correction is published as a new version (rule 14).
    published: dict | None = None
    index: object = None  # the Index of the result (PAR, DTI...): its scale is how index values are printed

    @property
    def scale(self) -> str:
        return self.index.scale if self.index is not None else "percent"

    @property
    def title(self) -> str:
        """The PDF's and workbook's title: PAR's as it always read, another index named."""
        if self.index is None or self.index.code == PAR:
            return _("PHIẾU ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM %(year)s") % {"year": self.year}
        return _("PHIẾU ĐIỂM %(index)s NĂM %(year)s") % {"index": self.index.name.upper(), "year": self.year}

    def index_label(self, label) -> str:
        """A label saying "(%)" as PAR's always did, without it for an index on another scale."""
        return str(label) if self.scale == "percent" else str(label).replace(" (%)", "")

    @property
    def awaiting_survey(self) -> bool:
        """A held survey whose points have not come in for this unit: "chờ kết quả điều tra" (rule 14)."""
        return self.survey_held and any(row.final_score is None and not row.not_applicable
                                        for row in self.survey_rows)

    @property
    def rank_change_text(self) -> str:
        return rank_change_text(self.result.rank_change)

    @property
    def points_lost(self) -> Decimal:
        """What the unit lost on the appraised and survey leaves (the max of each applicable leaf less its final
        score); the sum the planner starts from."""
        return sum((row.points_lost for row in self.rows if row.is_leaf and row.method in (APPRAISED, SURVEY)
                    and row.points_lost is not None), Decimal(0))


def rank_change_text(change) -> str:
    """Δrank in words (domain.md rule 10: positive means the unit rose)."""
    if change is None:
        return ""
    if change > 0:
        return ngettext("tăng %(n)s bậc", "tăng %(n)s bậc", change) % {"n": change}
    if change < 0:
        return ngettext("giảm %(n)s bậc", "giảm %(n)s bậc", -change) % {"n": -change}
    return _("giữ nguyên")


def criteria_headers() -> list[str]:
    """The columns of the criteria table, the same in the PDF and the workbook."""
    return [_("Mã"), _("Tiêu chí"), _("Điểm tối đa"), _("Tự đánh giá"), _("Thẩm định vòng 1"),
            _("Thẩm định vòng 2"), _("Điểm chính thức"), _("Điểm bị mất"), _("Lý do điều chỉnh")]


def grade_colour(position: int, count: int) -> str:
    """The colour of the tier at `position` (0 = best) of `count` tiers, spread over GRADE_COLOURS."""
    if count <= 1:
        return GRADE_COLOURS[0]
    return GRADE_COLOURS[round(position * (len(GRADE_COLOURS) - 1) / (count - 1))]


# --- The scorecard ---------------------------------------------------------------------------------------------


def scorecard(user, unit, year, *, with_evidence=True, index_code=PAR) -> Scorecard | None:
    """The scorecard of `unit` for `year` in an index (PAR, DTI...) as `user` may read it, or None when no result
    exists.

    `user` None is a background job started by a manager: it reads every unit, and no evidence."""
    results = UnitResult.objects.select_related("unit", "framework") if user is None else results_visible_to(user)
    result = (results.select_related("block", "framework__index")
              .filter(unit=unit, year=year, index_code=index_code).first())
    if result is None:
        return None
    framework = result.framework
    grades = framework_grades(framework)
    ranked_count, overall, by_area = block_figures(result)
    held = (Cycle.objects.filter(year=year, block=result.block_id, index_code=index_code)
            .values_list("survey_held", flat=True).first())
    rows = _criterion_lines(user, result, with_evidence=with_evidence and user is not None,
                            survey_held=held is not False)
    return Scorecard(
        unit=result.unit, year=year, block=result.block, framework=framework, precision=framework.precision,
        result=result, grade=next((grade for grade in grades if grade.code == result.grade), None), grades=grades,
        ranked_count=ranked_count, block_index_average=overall,
        areas=_area_lines(result, rows, by_area), rows=rows,
        survey_rows=tuple(row for row in rows if row.is_leaf and row.method == SURVEY), pillars=pillar_lines(result),
        status=(status := results_status(year, result.block_id, index_code)), survey_held=held is not False,
        published=published_row(year, result) if status.corrected else None, index=framework.index,
    )


def published_row(year, result) -> dict | None:
    """The unit's row in the latest publication of its block's year (the stored snapshot), or None."""
    publication = latest_publication(year, result.block_id, result.index_code)
    if publication is None:
        return None
    for block in publication.content["blocks"]:
        row = next((row for row in block["results"] if row["unit_code"] == result.unit.code), None)
        if block["code"] == result.block.code and row is not None:
            labels = {grade["code"]: grade["label"] for grade in block["grades"]}
            return {**row, "grade_label": labels.get(row["grade"], row["grade"]), "version": publication.version}
    return None


def scorecard_years(user, unit, index_code=PAR) -> list[int]:
    """The years `unit` has a result in the index that `user` may read, newest first (the page's year links)."""
    return list(results_visible_to(user).filter(unit=unit, index_code=index_code).order_by("-year")
                .values_list("year", flat=True))


def scorecard_units(year, block, index_code=PAR):
    """The units of `block` with a result for `year` in the index, by code: the bulk job's list."""
    units = (UnitResult.objects.filter(year=year, block=block, index_code=index_code).select_related("unit")
             .order_by("unit__code"))
    return [result.unit for result in units]


def framework_grades(framework) -> tuple:
    tiers = list(GradeTier.objects.filter(framework=framework).order_by("position")
                 .values_list("code", "label", "min_index"))
    return tuple(Grade(code, label, min_index, grade_colour(position, len(tiers)))
                 for position, (code, label, min_index) in enumerate(tiers))


# --- The block: its ranking and its averages -------------------------------------------------------------------

AVERAGES_SECONDS = 24 * 3600
AREA_AVERAGES = """
SELECT area.code, AVG(area.index)
FROM scoring_unitresult result CROSS JOIN LATERAL jsonb_to_recordset(result.areas) AS area(code text, index numeric)
WHERE result.year = %s AND result.block_id = %s AND result.index_code = %s AND area.index IS NOT NULL
GROUP BY 1
"""


def block_figures(result) -> tuple[int, Decimal | None, dict]:
    """(units ranked with the unit, the block's average index, {area code: average area index}) of the unit's
    block that year, averages rounded half up to the framework's precision.

    Averaging the area JSON of a block of 10,000 units takes a few hundred milliseconds, so the figures (the
    averages and the ranked count of every group) are cached under a stamp of the block's results: their number
    and latest computed_at, which every results run and refresh moves, read from the index result_block_year_stamp
    alone (counting the ranked units of a group read every wide row: the page's slowest query)."""
    index_code = result.index_code
    stamp = UnitResult.objects.filter(year=result.year, block=result.block_id, index_code=index_code).order_by(
    ).aggregate(units=Count("pk"), computed=Max("computed_at"))
    precision = result.framework.precision
    # PAR's key as before indices became data; another index's names it (two indices may share a stamp).
    scope = f"{result.year}:{result.block_id}" + ("" if index_code == PAR else f":{index_code}")
    key = (f"scorecards:block-figures:{scope}:{precision}:{stamp['units']}:"
           f"{stamp['computed'].isoformat() if stamp['computed'] else ''}")
    figures = cache.get(key)
    if figures is None:
        figures = _block_figures(result.year, result.block_id, precision, index_code)
        cache.set(key, figures, AVERAGES_SECONDS)
    overall, by_area, ranked = figures
    return (ranked.get(result.group, 0) if result.rank is not None else 0), overall, by_area


def _block_figures(year, block_id, precision, index_code=PAR) -> tuple[Decimal | None, dict, dict]:
    """block_averages's (average index, {area: average}) and {group: units ranked} (ranks are per group; "" is no
    group), the overall average from the same grouped query as the ranked counts: one query for both."""
    groups = list(UnitResult.objects.filter(year=year, block=block_id, index_code=index_code).order_by()
                  .values_list("group")
                  .annotate(ranked=Count("rank"), total=Sum("index"), indexed=Count("index")))
    indexed = sum(n for _group, _ranked, _total, n in groups)
    total = sum((value for _group, _ranked, value, _n in groups if value is not None), Decimal(0))
    overall = _round(total / indexed, precision) if indexed else None
    return overall, block_averages(year, block_id, precision, areas_only=True, index_code=index_code)[1], {
        group: ranked for group, ranked, _total, _n in groups}


def block_averages(year, block_id, precision, *, areas_only=False, index_code=PAR) -> tuple[Decimal | None, dict]:
    """(average index, {area code: average area index}) over the block's results of the year, rounded half up to
    the framework's precision; a unit whose area has no index (all its leaves N/A) is left out of that area.
    areas_only: the caller has the average index already (None in its place)."""
    results = UnitResult.objects.filter(year=year, block=block_id, index_code=index_code).order_by()
    if connection.vendor == "postgresql":
        # numeric averages in SQL: exact, and no area JSON leaves the database.
        overall = None if areas_only else results.aggregate(average=Avg("index"))["average"]
        with connection.cursor() as cursor:
            cursor.execute(AREA_AVERAGES, [year, block_id, index_code])
            by_area = dict(cursor.fetchall())
    else:  # SQLite averages decimals as floats: average the exact values here instead
        overall, by_area = _averages_in_python(results.values_list("index", "areas"))
    return _round(overall, precision), {code: _round(value, precision) for code, value in by_area.items()}


def _averages_in_python(rows):
    indices, areas = [], defaultdict(list)
    for index, unit_areas in rows:
        if index is not None:
            indices.append(Decimal(index))
        for area in unit_areas:
            if area.get("index") is not None:
                areas[area["code"]].append(Decimal(area["index"]))
    return _mean(indices), {code: _mean(values) for code, values in areas.items()}


def _mean(values):
    return sum(values, Decimal(0)) / len(values) if values else None


def _round(value, places):
    return None if value is None else Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# --- Areas -----------------------------------------------------------------------------------------------------


def _area_lines(result, rows, averages):
    titles = {row.code: row.title for row in rows if row.depth == 0}
    return tuple(component_line(area, titles, averages) for area in result.areas)


def pillar_lines(result) -> tuple:
    """The result's pillars by name, in the framework's order; nothing (and no query) without pillars."""
    if not result.pillars:
        return ()
    return pillar_lines_of([result])[result.unit_id]


def pillar_lines_of(results) -> dict:
    """{unit id: its pillars as AreaLines} of these results, the names of their frameworks' pillars read once."""
    names = defaultdict(dict)
    for framework_id, code, name in Pillar.objects.filter(
            framework__in={result.framework_id for result in results}).values_list("framework_id", "code", "name"):
        names[framework_id][code] = name
    return {result.unit_id: tuple(component_line(pillar, names[result.framework_id], {}) for pillar in result.pillars)
            for result in results}


def component_line(component, titles, averages):
    """An element of UnitResult.areas or .pillars as an AreaLine."""
    code = component["code"]
    return AreaLine(code=code, title=titles.get(code, code), points=Decimal(component["points"]),
                    max_points=Decimal(component["max"]), index=_decimal(component.get("index")),
                    change=_decimal(component.get("change")), block_average=averages.get(code),
                    rank=component.get("rank"), rank_change=component.get("rank_change"))


def _decimal(value):
    return None if value is None else Decimal(value)


# --- The criteria tree -----------------------------------------------------------------------------------------


def _criterion_lines(user, result, *, with_evidence, survey_held=True):
    scores = _leaf_scores(user, result)
    evidence = _evidence(user, scores.values()) if with_evidence else {}
    responses = survey_response_counts(result.year, [result.unit_id]).get(result.unit_id, {})
    rows, leaves = framework_rows(result.framework), {}
    labels = {value: str(label) for value, label in Method.choices}  # the reader's language, once per page
    for row in rows:
        if row.method:
            score = scores.get(row.code)
            leaves[row.code] = _leaf_line(row, labels.get(row.method, row.method),
                                          score, evidence.get(score.pk, ()) if score else (),
                                          responses.get(row.code, 0) if row.method == SURVEY else None,
                                          survey_held)
    return tuple(leaves.get(row.code) or _node_line(row, leaves.values()) for row in rows)


@dataclass(frozen=True)
class FrameworkRow:
    """What the scorecard shows of a criterion: its place in the tree, title, method and maximum (the method's label
    is the reader's language: added per page)."""

    code: str
    title: str
    depth: int
    method: str
    max_points: Decimal | None



FRAMEWORK_SECONDS = 24 * 3600


def framework_rows(framework) -> tuple:
    """The framework's criteria in tree order as FrameworkRows, read as plain values (no rules described, no
    search text folded: the scorecard shows neither). A locked revision never changes (an import makes a new
    revision), so its rows are cached by framework id, revision and lock time; an unlocked one is read each time."""
    def read():
        criteria = (Criterion.objects.filter(framework=framework).order_by("position")
                    .values_list("code", "title", "method", "max_points"))
        return tuple(FrameworkRow(code, title, code.count("."), method, plain_decimal(max_points))
                     for code, title, method, max_points in criteria)

    if framework.locked_at is None:
        return read()
    key = f"scorecards:framework-rows:{framework.pk}:{framework.revision}:{framework.locked_at.isoformat()}"
    rows = cache.get(key)
    if rows is None:
        rows = read()
        cache.set(key, rows, FRAMEWORK_SECONDS)
    return rows


def _leaf_scores(user, result):
    """{leaf code: LeafScore} of the unit's file in the year's cycle, on the framework its result used."""
    scores = (leaf_scores_visible_to(user) if user is not None else LeafScore.objects.all()).select_related(None)
    scores = scores.filter(assessment__unit=result.unit_id, assessment__cycle__year=result.year,
                           criterion__framework=result.framework_id)
    # only what _leaf_line and _evidence read: the inputs JSON, explanations and stamps stay in the database
    scores = scores.select_related("criterion").only(
        "self_score", "self_not_applicable", "appraised_score", "second_score", "final_score", "not_applicable",
        "appraisal_reason", "second_reason", "criterion__code")
    return {score.criterion.code: score for score in scores}


def _leaf_line(row, method_label, score, evidence, responses, survey_held=True):
    values = {"code": row.code, "title": row.title, "depth": row.depth, "method": row.method,
              "method_label": method_label, "max_points": row.max_points, "is_leaf": True,
              "responses": responses, "evidence": tuple(evidence)}
    if score is None:
        return CriterionLine(**values, points_lost=_lost(row, None, False, survey_held))
    return CriterionLine(
        **values, self_score=score.self_score, self_not_applicable=score.self_not_applicable,
        appraised_score=score.appraised_score, second_score=score.second_score, final_score=score.final_score,
        not_applicable=score.not_applicable,
        points_lost=_lost(row, score.final_score, score.not_applicable, survey_held),
        reason=score.second_reason or score.appraisal_reason, scored=True)


def _lost(row, final, not_applicable, survey_held=True):
    """Points lost on a leaf (domain.md rule 3: a leaf without a final score counts 0): max − final on appraised
    and survey leaves; on a penalty leaf, the points deducted. N/A leaves and bonus leaves lose nothing, nor do
    survey leaves of a cycle without a survey: they are out of the maximum too (rule 6), one basis for both."""
    if not_applicable or row.method == BONUS or (row.method == SURVEY and not survey_held):
        return None
    if row.method == PENALTY:
        return final
    return (row.max_points or Decimal(0)) - (final or Decimal(0))


def _node_line(row, leaves):
    """An area or criterion: its maximum as the framework states it, and the sums of its applicable scored leaves
    (bonus and penalty leaves are not area points)."""
    inside = [leaf for leaf in leaves if leaf.code.startswith(f"{row.code}.") and leaf.method in (APPRAISED, SURVEY)
              and not leaf.not_applicable]
    final = sum((leaf.final_score or Decimal(0) for leaf in inside), Decimal(0)) if inside else None
    lost = sum((leaf.points_lost for leaf in inside if leaf.points_lost is not None), Decimal(0)) if inside else None
    return CriterionLine(code=row.code, title=row.title, depth=row.depth, method="", method_label="",
                         max_points=row.max_points, is_leaf=False, final_score=final, points_lost=lost)


def _evidence(user, scores):
    """{leaf score id: (EvidenceLink, ...)} of the documents `user` may see, in one query."""
    ids = [score.pk for score in scores]
    if not ids:
        return {}
    links = defaultdict(list)
    route = _evidence_route()
    for item in evidence_visible_to(user).select_related("file").filter(leaf_score__in=ids).order_by("leaf_score",
                                                                                                      "added_at", "pk"):
        links[item.leaf_score_id].append(EvidenceLink(
            title=item.title, document_number=item.document_number, issue_date=item.issue_date,
            file_name=item.file_name, url=reverse(route, kwargs={"pk": item.pk}) if route else None))
    return links


def _evidence_route():
    """The evidence download route, once it exists (issue 3 adds it); until then documents are listed unlinked."""
    try:
        reverse(EVIDENCE_ROUTE, kwargs={"pk": 1})
    except NoReverseMatch:
        return None
    return EVIDENCE_ROUTE


# --- Survey response counts ------------------------------------------------------------------------------------


def survey_response_counts(year, unit_ids) -> dict:
    """{unit id: {criterion code: responses}} from the apps that hold surveys: scoring never imports surveys, so
    an app offers them through its AppConfig.survey_response_counts (as it offers seed_demo)."""
    counts = {}
    for config in apps.get_app_configs():
        counter = getattr(config, "survey_response_counts", None)
        if counter is not None:
            for unit_id, by_code in counter(year=year, unit_ids=unit_ids).items():
                counts.setdefault(unit_id, {}).update(by_code)
    return counts

