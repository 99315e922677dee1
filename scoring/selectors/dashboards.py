"""Reads of the leaders' dashboards (issue 6): a block's ranking with its headline figures and charts, the year's
"what changed" summary, and the public page of a published year.

Set-based: every figure is one aggregate query over the block, never a loop over its rows, and tables read one page
at a time, so a block of 10,000 units costs the same number of queries as a block of 20. The block's figures are
cached under the results' own stamps (results_stamps), so they are computed once per state of the results and never
served stale. Every query starts from a permissions.*_visible_to queryset handed in by the view. Decimals leave here
as strings (selectors.decimal_text), so what a chart draws is exactly what the table prints.
"""
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Case, Count, DecimalField, ExpressionWrapper, F, Max, Q, Sum, Value, When

from ..computation import APPRAISED, SURVEY
from ..index_scale import PERCENT, RATIO, scaled, scaled_text
from ..models.indices import PAR
from ..models import AssessmentStatus, Block, Framework, Publication
from ..rules import divide_half_up
from . import decimal_text, publication_tables, result_display, result_row, results_legend

PAGE_SIZES = (25, 50, 100, 200)
PAGE_SIZE = 50
CHART_UNITS = 300  # up to this many units the ranked chart draws the whole (filtered) table, beyond it one page
TREND_UNITS = 8  # units drawn beside the block average in the trend chart
TOP = 5
MOVERS = 10
LOSING_CRITERIA = 15
NEAR_BOUNDARY = 50
TONES = 5  # colour tones of the grade bands, 1 the best (static/css/dashboard.css: --tone-1 ... --tone-5)
HEAT_LEVELS = 10  # heatmap colours: one per 10 index points
INDEX_FIELD = DecimalField(max_digits=9, decimal_places=3)
CACHE_SECONDS = 3600


@dataclass(frozen=True)
class GradeBand:
    """A grade tier as the dashboard draws it: its label, its floor and the colour tone of its band."""

    code: str
    label: str
    min_index: str
    tone: int


# --- Caching, keyed by the results themselves ------------------------------------------------------------------


def results_stamps(results, years, block) -> dict:
    """{year: (number of results, latest computed_at)} of the block: what cached figures are keyed by.

    Every write of the results engine sets computed_at on the rows it writes (a run rewrites every row of its
    blocks and deletes only in a run; a refresh rewrites the rows whose scores or ranks moved; the admin's save
    too), so the pair changes whenever a figure can: a cached figure is never stale, only unused. One query per
    page, which reads the index result_block_year_stamp alone (not the wide rows) once that index is migrated."""
    rows = (results.filter(block=block, year__in=years).order_by().values_list("year")
            .annotate(n=Count("*"), last=Max("computed_at")))
    return {year: (n, last.isoformat()) for year, n, last in rows}


def cached(name, key, compute):
    """compute(), kept in Django's cache under `name` and `key` (which must hold the results' stamps). Only the
    dashboard readers reach these figures, and they all read every result: the cache is shared between them."""
    digest = hashlib.sha256(repr((name, key)).encode()).hexdigest()
    value = cache.get(f"dashboards:{digest}")
    if value is None:
        value = compute()
        cache.set(f"dashboards:{digest}", value, CACHE_SECONDS)
    return value


def block_summary(results, year, block, stamp, index_code="PAR") -> dict:
    """The block's legend (framework, precision, grade labels, indexed areas), grade bands and groups of the
    year in an index (`results` hold that index's rows alone), cached while its results stay the same: the key
    names the index, whose results may share a stamp with another's. A year without results is not cached: its
    legend comes from the year's latest framework revision, which an import may replace."""
    def compute():
        legend = results_legend(year, block, index_code)
        return {"legend": legend, "bands": grade_bands(legend.framework),
                "groups": block_groups(results, year, block)}

    return cached("summary", (index_code, year, block.pk, stamp), compute) if stamp else compute()


# --- Choices -----------------------------------------------------------------------------------------------------


def dashboard_years():
    """Years with a framework, newest first: the frameworks table is small, the results table is not."""
    return list(Framework.objects.order_by("-year").values_list("year", flat=True).distinct())


def newest_year_with_results(results, years):
    """The year a dashboard opens on: the newest with results (a new year's framework comes months before its
    results), else the newest year. One index probe per year tried."""
    return next((year for year in years if results.filter(year=year).exists()), years[0] if years else None)


def dashboard_blocks():
    return list(Block.objects.order_by("position", "code"))


def block_groups(results, year, block):
    """The groups a block's units are ranked in that year ("" is no group)."""
    groups = results.filter(year=year, block=block).order_by("group").values_list("group", flat=True).distinct()
    return [group for group in groups if group]


def grade_bands(framework) -> list[GradeBand]:
    """The framework's tiers from the best down, each with a tone spread over the palette: two tiers get the
    best and the worst colour, five get one each."""
    if framework is None:
        return []
    tiers = list(framework.grades.order_by("position").values_list("code", "label", "min_index"))
    tones = _tones([code for code, _label, _minimum in tiers])
    return [GradeBand(code, label, decimal_text(minimum, framework.precision), tones[code])
            for code, label, minimum in tiers]


# --- The ranking table -------------------------------------------------------------------------------------------

SORTS = {
    # ?sort= value: its ORDER BY. Ranks are per group, so rank orders keep the groups together.
    "rank": ("group", F("rank").asc(nulls_last=True), "unit__code"),
    "-rank": ("group", F("rank").desc(nulls_last=True), "unit__code"),
    "unit": ("unit__name", "unit__code"),
    "-unit": ("-unit__name", "-unit__code"),
    "index": (F("index").asc(nulls_last=True), "unit__code"),
    "-index": (F("index").desc(nulls_last=True), "unit__code"),
    "rank_change": (F("rank_change").asc(nulls_last=True), "unit__code"),
    "-rank_change": (F("rank_change").desc(nulls_last=True), "unit__code"),
    "index_change": (F("index_change").asc(nulls_last=True), "unit__code"),
    "-index_change": (F("index_change").desc(nulls_last=True), "unit__code"),
}
DEFAULT_SORT = "rank"


def dashboard_scope(results, year, block, group=""):
    """One block's results of a year (and of one group), from what permissions.results_visible_to allows."""
    scope = results.filter(year=year, block=block)
    return scope.filter(group=group) if group else scope


def dashboard_table(scope, *, grade="", q="", sort=DEFAULT_SORT, grouped=True):
    """The ranking table's rows (a queryset: the view paginates it), filtered by grade and a search of the unit's
    name or code. Without groups the rank order drops the group column, so PostgreSQL reads the rows in the
    order of the (year, block, rank) index instead of sorting the whole block."""
    if grade:
        scope = scope.filter(grade=grade)
    if q:
        scope = scope.filter(Q(unit__name__icontains=q) | Q(unit__code__icontains=q))
    order = SORTS.get(sort, SORTS[DEFAULT_SORT])
    if not grouped and order[0] == "group":
        order = order[1:]
    return scope.order_by(*order)


# What dashboard_row reads of a result (QuerySet.only): the page's rows leave the points and the JSON of the
# published row in the database.
ROW_FIELDS = ("unit__code", "unit__name", "framework__precision", "group", "ranked", "index", "grade", "rank",
              "index_change", "rank_change", "comparable", "incomplete", "areas")


def dashboard_row(result, grades, tones, separator=",", scale=PERCENT) -> dict:
    """A result as the dashboard shows it: the published row, its index and change printed with the language's
    decimal separator (a template filter per number costs more than the rest of the row), its grade's tone and
    one heat level per area. Only what the table, heatmap and chart show: the points of each part are not printed
    (their 34 decimals per row were a fifth of the page)."""
    precision = result.framework.precision
    row = {"unit_code": result.unit.code, "unit_name": result.unit.name, "group": result.group,
           "ranked": result.ranked, "index": decimal_text(result.index, precision), "grade": result.grade,
           "rank": result.rank, "index_change": decimal_text(result.index_change, precision),
           "rank_change": result.rank_change, "comparable": result.comparable, "incomplete": result.incomplete,
           "areas": [{"code": area["code"], "index": decimal_text(area["index"], precision),
                      "rank": area.get("rank"), "rank_change": area.get("rank_change")}
                     for area in result.areas], "unit_id": result.unit_id}
    row = result_display(row, grades)
    delta = row["index_delta"]
    return {**row, "tone": tones.get(row["grade"]), "index_text": printed(row["index"], separator, scale),
            "delta_text": None if delta is None else ("+" if delta > 0 else "") + printed(row["index_change"],
                                                                                          separator, scale),
            "delta_class": "change-up" if delta and delta > 0 else "change-down" if delta and delta < 0 else "",
            "heat": {area["code"]: heat_level(area["index"]) for area in row["areas"]}}


def printed(text, separator=",", scale=PERCENT):
    """A decimal as text (selectors.decimal_text) as the page prints it: "92,50"; "—" for none. An index of
    another scale is printed on it (index_scale.py: a DTI of 70.24 % is "0,7024")."""
    if text is None:
        return "—"
    if scale != PERCENT:
        return scaled_text(text, scale, len(text.partition(".")[2]), separator)
    return text.replace(".", separator)


def result_shown(result, grades) -> dict:
    """The published row of a result as the pages show it (selectors.result_display), with the unit's id."""
    return {**result_display(result_row(result), grades), "unit_id": result.unit_id}


def heat_level(index_text):
    """0 (index below 10) to 9 (90 and above); None for an area without an index."""
    if index_text is None:
        return None
    return max(0, min(HEAT_LEVELS - 1, int(Decimal(index_text) // 10)))


def heatmap_rows(rows, areas, separator=",", scale=PERCENT):
    """The page's rows × the legend's areas: (row, [(index as printed, heat level or ""), ...]).

    The indices are printed here, with the language's decimal separator, rather than by a template filter per
    cell: a page of 50 units × 8 areas made the heatmap half of the page's rendering time."""
    return [(row, [_heat_cell(_area_index(row, code), row["heat"].get(code), separator, scale)
                   for code, _title in areas])
            for row in rows]


def area_rank_rows(rows, areas):
    """The page's rows × the legend's areas as ranks (rule 9, in the block or group) with their change since last
    year: (row, [(rank or None, change or None), ...]), beside the heatmap."""
    return [(row, [next(((area["rank"], area["rank_change"]) for area in row["areas"] if area["code"] == code),
                        (None, None)) for code, _title in areas])
            for row in rows]


def _heat_cell(index_text, level, separator, scale=PERCENT):
    return printed(index_text, separator, scale), "" if level is None else level


def _area_index(row, code):
    return next((area["index"] for area in row["areas"] if area["code"] == code), None)


# --- Headline figures ------------------------------------------------------------------------------------------


def dashboard_headline(scope, precision, bands) -> dict:
    """Average index, grade distribution, how many rose, fell or held, and the top and bottom five of the block
    (or group): computation.block_statistics's figures, summed by PostgreSQL instead of in Python. Incomplete units
    are listed apart and left out of every figure (rule 10)."""
    apart = list(scope.filter(incomplete=True).order_by("unit__code").values("unit_id", "index", "rank", "group"))
    scope = scope.filter(incomplete=False)
    figures = scope.order_by().aggregate(
        units=Count("pk"), indexed=Count("index"), index_sum=Sum("index"),
        rose=Count("pk", filter=Q(rank_change__gt=0)), fell=Count("pk", filter=Q(rank_change__lt=0)),
        held=Count("pk", filter=Q(rank_change=0)), ranked=Count("rank"))
    average = (divide_half_up(figures["index_sum"], Decimal(figures["indexed"]), precision)
               if figures["indexed"] else None)
    return {**figures, "average": decimal_text(average, precision), "incomplete": apart,
            "distribution": grade_distribution(scope, bands),
            "top": _extremes(scope, "-index"), "bottom": _extremes(scope, "index")}


def grade_distribution(scope, bands):
    """[(band, count)] of every tier, empty ones as 0 (the chart keeps its columns year after year), then any grade
    code the framework no longer names."""
    counts = dict(scope.exclude(grade="").order_by().values_list("grade").annotate(n=Count("pk")))
    listed = [(band, counts.pop(band.code, 0)) for band in bands]
    return listed + [(GradeBand(code, code, None, TONES), n) for code, n in sorted(counts.items())]


def _extremes(scope, order):
    """The five ranked units with the highest (or lowest) index; across groups, index compares where ranks can't."""
    ranked = scope.filter(rank__isnull=False, index__isnull=False)
    direction = F("index").desc() if order == "-index" else F("index").asc()
    rank = F("rank").asc() if order == "-index" else F("rank").desc()
    # Units are named by unit_labels after the cache: a renamed unit never shows its old name.
    return list(ranked.order_by(direction, rank, "unit__code").values("unit_id", "index", "rank", "group")[:TOP])


# --- Charts ----------------------------------------------------------------------------------------------------


def ranked_chart(table, total, page_rows, precision) -> dict:
    """The ranked bar chart's units: the whole filtered table in rank order while it is small, else the page."""
    whole = total <= CHART_UNITS
    if whole:
        rows = list(table.order_by(F("index").desc(nulls_last=True), F("rank").asc(nulls_last=True), "unit__code")
                    .values_list("unit__code", "unit__name", "index", "grade", "rank"))
        units = [{"code": code, "name": name, "index": decimal_text(index, precision), "grade": grade, "rank": rank}
                 for code, name, index, grade, rank in rows]
    else:
        units = [{"code": row["unit_code"], "name": row["unit_name"], "index": row["index"], "grade": row["grade"],
                  "rank": row["rank"]} for row in page_rows]
    return {"whole": whole, "units": units}


def charts_on_scale(charts, scale) -> dict:
    """The charts' data (the view's dict) with every index value on the index's scale: only 0-1 differs from the
    stored percent, and the axis tops at 1 ("max"). Values stay text, so nothing is rounded on the way."""
    if scale != RATIO:
        return charts

    def ratio(text):
        return None if text is None else f"{scaled(text, RATIO):f}"

    ranked, trend = charts["ranked"], charts["trend"]
    return {**charts, "max": 1,
            "bands": [{**band, "min_index": ratio(band["min_index"])} for band in charts["bands"]],
            "ranked": {**ranked, "units": [{**unit, "index": ratio(unit["index"])} for unit in ranked["units"]]},
            "trend": {**trend, "average": [ratio(value) for value in trend["average"]],
                      "units": [{**unit, "values": [ratio(value) for value in unit["values"]]}
                                for unit in trend["units"]]}}


def dashboard_trend(results, block, group, codes, years) -> dict:
    """The block's (or group's) average index in every year held (of `years`), and the chosen units' index in each
    of those years: {"years", "average", "units": [{"unit_id", "values"}]}, values aligned on years, None where
    absent (name the units with unit_labels)."""
    scope = results.filter(block=block, year__in=years)
    scope = scope.filter(group=group) if group else scope
    sums = (scope.filter(incomplete=False).order_by().values_list("year", "framework__precision")
            .annotate(total=Sum("index"), n=Count("index")).order_by("year"))
    averages = {year: decimal_text(divide_half_up(total, Decimal(n), precision), precision) if n else None
                for year, precision, total, n in sums}
    years = sorted(averages)
    units = {}
    if codes:
        chosen = (results.filter(unit__code__in=codes, year__in=years).order_by("unit__code", "year")
                  .values_list("unit__code", "unit_id", "year", "index", "framework__precision"))
        for code, unit_id, year, index, precision in chosen:
            units.setdefault(code, {"unit_id": unit_id, "by_year": {}})["by_year"][year] = (
                decimal_text(index, precision))
    series = [{"unit_id": unit["unit_id"], "values": [unit["by_year"].get(year) for year in years]}
              for code in codes if (unit := units.get(code))]
    return {"years": years, "average": [averages[year] for year in years], "units": series}


def unit_labels(units, unit_ids) -> dict:
    """{unit id: (code, name)} of these units, read now: cached figures hold ids, never names."""
    return {pk: (code, name) for pk, code, name in units.filter(pk__in=unit_ids).values_list("pk", "code", "name")}


def labelled(items, labels):
    """`items` (dicts with a unit_id) with the unit's current code and name."""
    return [{**item, "code": labels[item["unit_id"]][0], "name": labels[item["unit_id"]][1]}
            for item in items if item["unit_id"] in labels]


# --- What changed --------------------------------------------------------------------------------------------------


def biggest_movers(scope, grades) -> dict:
    """The units that moved most in rank and in index since last year, each way (empty changes are never moves);
    incomplete units never move (rule 10)."""
    scope = scope.filter(incomplete=False)
    orders = {"rose": ("-rank_change", Q(rank_change__gt=0)), "fell": ("rank_change", Q(rank_change__lt=0)),
              "gained": ("-index_change", Q(index_change__gt=0)), "lost": ("index_change", Q(index_change__lt=0))}
    return {name: [result_shown(result, grades)
                   for result in scope.filter(condition).order_by(order, "unit__code")[:MOVERS]]
            for name, (order, condition) in orders.items()}


def criteria_losing_points(leaf_scores, year, block, group="") -> list[dict]:
    """The leaves where most units lost points (a training need): per leaf, how many units' official score is
    below the maximum and the points they lost together. Appraised and survey leaves only: a bonus not earned is
    not a loss, and penalty leaves count points deducted. Leaves not yet scored or not applicable are left out."""
    scores = leaf_scores.filter(
        assessment__cycle__year=year, assessment__cycle__block=block, not_applicable=False,
        final_score__isnull=False, final_score__lt=F("criterion__max_points"),
        criterion__method__in=[APPRAISED, SURVEY])
    if group:
        scores = scores.filter(assessment__unit__group=group)
    rows = (scores.order_by().values("criterion_id", "criterion__code", "criterion__title", "criterion__max_points",
                                     "criterion__position")
            .annotate(units=Count("assessment__unit", distinct=True),
                      lost=Sum(F("criterion__max_points") - F("final_score")))
            .order_by("-units", "-lost", "criterion__position")[:LOSING_CRITERIA])
    return [{"code": row["criterion__code"], "title": row["criterion__title"], "units": row["units"],
             "max": _points(row["criterion__max_points"]), "lost": _points(row["lost"])} for row in rows]


def _points(value):
    """Points without trailing zeros ("2.5", "30"): a Decimal the template prints with a decimal comma."""
    return Decimal(decimal_text(value, 0))


def assessed_units(assessments, year, block, group=""):
    """How many units have a file in the block's cycle: the denominator of "lost points in N of M units"."""
    files = assessments.filter(cycle__year=year, cycle__block=block)
    return (files.filter(unit__group=group) if group else files).count()


def explanations_waiting(assessments, year, block, group="") -> list:
    """Files the board returned for explanation that the unit has not answered yet, with the questions still open."""
    waiting = assessments.filter(cycle__year=year, cycle__block=block,
                                 status=AssessmentStatus.EXPLANATION_REQUESTED)
    if group:
        waiting = waiting.filter(unit__group=group)
    still_open = Q(scores__explanation_requested_at__isnull=False, scores__explanation_answered_at__isnull=True)
    return list(waiting.annotate(open_questions=Count("scores", filter=still_open)).order_by("unit__code"))


def near_grade_boundary(scope, bands, margin: Decimal, grades, precision) -> list[dict]:
    """Units whose index is at most `margin` points below the floor of the tier above their grade (bands: the
    framework's tiers, best first), closest first: a little work there lifts their grade. A unit at or above that
    floor held back by a tier's extra condition is not "close": the index is not what it lacks."""
    above = {band.code: bands[number - 1] for number, band in enumerate(bands) if number}
    if not above:
        return []
    floor = Case(*[When(grade=code, then=Value(Decimal(up.min_index))) for code, up in above.items()],
                 output_field=INDEX_FIELD)
    close = (scope.filter(grade__in=above, index__isnull=False).annotate(next_floor=floor)
             .annotate(gap=ExpressionWrapper(F("next_floor") - F("index"), output_field=INDEX_FIELD))
             .filter(gap__gt=0, gap__lte=margin).order_by("gap", "unit__code")[:NEAR_BOUNDARY])
    return [{**result_shown(result, grades), "next_grade": above[result.grade].label,
             "next_floor": decimal_text(result.next_floor, precision), "gap": decimal_text(result.gap, precision)}
            for result in close]


# --- The public page ---------------------------------------------------------------------------------------------


def published_years(publications) -> list[dict]:
    """Each published year with its latest version: [{"year", "version", "published_at"}], newest year first."""
    latest = {}
    for year, version, published_at in (publications.order_by("-year", "-version")
                                        .values_list("year", "version", "published_at")):
        latest.setdefault(year, {"year": year, "version": version, "published_at": published_at})
    return list(latest.values())


def public_publications(publications, year, index_code=None) -> list[Publication]:
    """The latest version published of each block's year in each index (rule 14: a block's year is published on
    its own, and each index on its own), PAR first, then in block order; a publication from before publication
    went per block stands for every block it holds. index_code: that index's alone."""
    scope = publications.filter(year=year)
    if index_code:
        scope = scope.filter(index_code=index_code)
    latest = {}
    for publication in scope.select_related("block").order_by("-published_at", "-pk"):
        latest.setdefault((publication.index_code, publication.block_id), publication)
    for code in sorted({code for code, block in latest if block is None}):
        whole = latest.pop((code, None))  # an old whole-year publication: blocks published since replace theirs
        published = {p.block.code for (other, _block), p in latest.items() if other == code}
        if not published or any(block["code"] not in published for block in whole.content["blocks"]):
            latest[(code, None)] = whole
    return sorted(latest.values(), key=lambda p: (
        p.index_code != PAR, p.index_code, *((p.block.position, p.block.code) if p.block else (-1, ""))))


def public_publication(publications, year, block_code=None, index_code=PAR) -> Publication | None:
    """The latest version published of the block's year in an index (the first block's, without one), or None."""
    found = public_publications(publications, year, index_code)
    return next((p for p in found if block_code is None or (p.block and p.block.code == block_code)), None)


def public_tables(publication, scale=PERCENT) -> list[dict]:
    """The publication's ranking tables, from the stored snapshot alone (never the live results), each row with
    its grade's colour tone (the snapshot lists the grades best first), each table with the scale its index is
    shown on (index_scale.py)."""
    tables = publication_tables(publication.content)
    for table in tables:
        tones = _tones([grade["code"] for grade in table["grades"]])
        table["rows"] = [{**row, "tone": tones.get(row["grade"])} for row in table["rows"]]
        table["scale"] = scale
    return tables


def _tones(codes):
    """Grade code -> colour tone, spread over the palette from the best grade (1) to the worst (TONES)."""
    last = max(len(codes) - 1, 1)
    return {code: 1 + round(position * (TONES - 1) / last) for position, code in enumerate(codes)}

