"""The leaders' ranking dashboard of a year and block (issue 6): the table, sortable and filterable, one page at a
time; headline figures; charts drawn in the browser from the page's json_script; and the year's "what changed"
summary. Leaders, managers and appraisers read them; unit users are refused (403)."""
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..permissions import (assessments_visible_to, is_manager, leaf_scores_visible_to, require_dashboard_reader,
                           results_visible_to, units_visible_to)
from ..selectors import dashboards
from ..selectors.status import latest_publication, published_status, results_status
from ..index_scale import heading
from .index_choice import index_asked, index_context

MARGIN = Decimal(1)
SORT_CHOICES = [(key, key) for key in dashboards.SORTS]
COLUMNS = (  # (sort key, header, the first click's direction: best first)
    ("rank", gettext_lazy("Hạng"), "rank"),
    ("unit", gettext_lazy("Đơn vị"), "unit"),
    ("index", gettext_lazy("Chỉ số (%)"), "-index"),
    ("rank_change", gettext_lazy("Thay đổi thứ hạng"), "-rank_change"),
    ("index_change", gettext_lazy("Thay đổi chỉ số"), "-index_change"),
)

MOVER_TITLES = {"rose": gettext_lazy("Tăng hạng nhiều nhất"), "fell": gettext_lazy("Giảm hạng nhiều nhất"),
                "gained": gettext_lazy("Tăng chỉ số nhiều nhất"), "lost": gettext_lazy("Giảm chỉ số nhiều nhất")}


class DashboardForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)
    block = forms.CharField(max_length=20, required=False)
    group = forms.CharField(max_length=50, required=False)
    grade = forms.CharField(max_length=20, required=False)
    q = forms.CharField(max_length=100, required=False)
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False)
    per_page = forms.TypedChoiceField(choices=[(n, n) for n in dashboards.PAGE_SIZES], coerce=int, required=False,
                                      empty_value=dashboards.PAGE_SIZE)
    trend = forms.CharField(max_length=30, required=False)  # repeated: read with getlist in the view
    margin = forms.DecimalField(label=gettext_lazy("Khoảng cách tới mức xếp loại trên"), min_value=Decimal("0.001"),
                                max_value=Decimal(100), max_digits=6, decimal_places=3, required=False, localize=True)

    def value(self, name, default=""):
        """A valid value, else the default: a bad sort or page size falls back instead of failing the page."""
        if not self.is_valid() and name in self.errors:
            return default
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value


@dataclass
class Choice:
    """What the dashboard shows: the year, block and group asked for (else sensible defaults), the filters, and
    the legend of the block's results (grades, precision, areas)."""

    year: int
    block: object
    years: list
    blocks: list
    form: DashboardForm
    group: str = ""
    groups: list = field(default_factory=list)
    legend: object = None
    bands: list = field(default_factory=list)
    stamps: dict = field(default_factory=dict)  # {year: (results, latest computed_at)}: the cache keys
    index: object = None  # the Index shown (?index=, PAR by default): `results` hold its rows alone
    index_tabs: list | None = None

    @property
    def grades(self):
        return self.legend.grades if self.legend else {}

    @property
    def precision(self):
        return self.legend.precision if self.legend else 2

    @property
    def scale(self):
        return self.index.scale if self.index else "percent"

    @property
    def index_code(self):
        return self.index.code if self.index else "PAR"

    @property
    def tones(self):
        return {band.code: band.tone for band in self.bands}


def _results(request):
    """The results the user may read of the index asked for (?index=, PAR by default; unknown: 404)."""
    index = index_asked(request.GET)
    return results_visible_to(request.user).filter(index_code=index.code), index


def _choice(request, results, index):
    form = DashboardForm(request.GET)
    years, blocks = dashboards.dashboard_years(), dashboards.dashboard_blocks()
    year = form.value("year") or dashboards.newest_year_with_results(results, years) or timezone.localdate().year
    code = form.value("block")
    block = next((block for block in blocks if block.code == code), blocks[0] if blocks else None)
    choice = Choice(year, block, years, blocks, form, index=index)
    choice.index_tabs = index_context(request, year, block, index)["index_tabs"]
    if block is not None:
        choice.stamps = dashboards.results_stamps(results, years, block)
        summary = dashboards.block_summary(results, year, block, choice.stamps.get(year), index.code)
        choice.legend, choice.bands, choice.groups = summary["legend"], summary["bands"], summary["groups"]
        choice.group = form.value("group") if form.value("group") in choice.groups else ""
    return choice


def unit_link(unit_id, year):
    """A unit in a ranking leads to its scorecard of that year."""
    return reverse("scoring:scorecard", kwargs={"pk": unit_id, "year": year})


# --- The ranking dashboard -------------------------------------------------------------------------------------


@login_required
def dashboard(request):
    require_dashboard_reader(request.user)
    results, index = _results(request)
    choice = _choice(request, results, index)
    if choice.block is None:
        return render(request, "scoring/dashboard.html", {"choice": choice, "page": None})
    status = results_status(choice.year, choice.block, index.code)
    if status.corrected:  # recomputed since publication: the published version unless a manager asks otherwise
        published = _published_view(request, choice, status)
        if published is not None:
            return published
    separator = get_format("DECIMAL_SEPARATOR")
    ranking = _ranking(request, choice, results, separator)
    figures = _figures(request, choice, results, ranking["scope"])
    ranked = dashboards.ranked_chart(ranking["table"], ranking["page"].paginator.count, ranking["rows"],
                                     choice.precision)
    charts = {
        "bands": [band.__dict__ for band in choice.bands], "ranked": ranked, "trend": figures["trend"],
        "distribution": [{"code": band.code, "label": band.label, "tone": band.tone, "count": count}
                         for band, count in figures["headline"]["distribution"]],
        "text": {"index": heading(choice.scale), "average": _("Trung bình khối"), "units": _("Số đơn vị")},
    }
    trend_label = _("Vẽ xu hướng của")  # + the unit's name: one translation, not one per row
    return render(request, "scoring/dashboard.html", {
        **ranking, **figures, "choice": choice, "charts": charts, "status": status,
        "chart_data": dashboards.charts_on_scale(charts, choice.scale),  # what the browser draws
        "published_switch": status.corrected and is_manager(request.user),
        "figures": PROVISIONAL_FIGURES if status.corrected and is_manager(request.user) else "",
        "ranking_html": _ranking_rows(ranking["rows"], figures["trend_codes"], trend_label),
        "heatmap": [(row, _heat_cells(cells))
                    for row, cells in dashboards.heatmap_rows(ranking["rows"], choice.legend.areas, separator,
                                                              choice.scale)],
        "area_ranks": dashboards.area_rank_rows(ranking["rows"], choice.legend.areas),
        "ranked_table": [(unit["rank"], unit["name"], dashboards.printed(unit["index"], separator, choice.scale))
                         for unit in ranked["units"]] if ranked["whole"] else None,
        "trend_label": trend_label,
    })


PROVISIONAL_FIGURES = "provisional"  # ?figures=: a manager's switch to the figures recomputed since publication


def _published_view(request, choice, status):
    """Rule 14: once a block's year is published, leaders read the published version until a correction is
    published as a new version; a manager may switch to the recomputed (provisional) figures. None: show those."""
    if is_manager(request.user) and request.GET.get("figures") == PROVISIONAL_FIGURES:
        return None
    publication = latest_publication(choice.year, choice.block, choice.index_code)
    tables = [table for table in dashboards.public_tables(publication, choice.scale)
              if table["code"] == choice.block.code]
    return render(request, "scoring/dashboard.html", {
        "choice": choice, "published_tables": tables, "status": published_status(publication),
        "published_switch": is_manager(request.user), "correction_version": status.version})


def _ranking(request, choice, results, separator):
    """The table: the page of rows asked for (filters, sort, page size), each linked to its unit's scorecard."""
    form, sort = choice.form, choice.form.value("sort", dashboards.DEFAULT_SORT)
    filters = {"grade": form.value("grade"), "q": form.value("q")}
    scope = dashboards.dashboard_scope(results, choice.year, choice.block, choice.group)
    table = dashboards.dashboard_table(scope, **filters, sort=sort, grouped=bool(choice.groups) and not choice.group)
    paginator = Paginator(table.only(*dashboards.ROW_FIELDS), form.value("per_page", dashboards.PAGE_SIZE))
    if not (choice.group or any(filters.values())) and choice.year in choice.stamps:
        paginator.count = choice.stamps[choice.year][0]  # the whole block: counted by the stamps' query already
    page = paginator.get_page(request.GET.get("page"))
    link = _scorecard_links(choice.year)
    rows = [{**(row := dashboards.dashboard_row(result, choice.grades, choice.tones, separator, choice.scale)),
             "url": link(row["unit_id"])} for result in page]
    return {"scope": scope, "table": table, "page": page, "rows": rows, "sort": sort,
            "columns": _columns(sort, choice.scale),
            "filters": filters, "filtered": any(filters.values()), "page_codes": {row["unit_code"] for row in rows}}


def _figures(request, choice, results, scope):
    """The headline figures and the trend, cached by the results' stamps; their units named as they are now."""
    codes = _trend_codes(request)
    headline = _headline(choice, scope)
    trend = dashboards.cached("trend", (choice.index_code, choice.block.pk, choice.group, codes,
                                        sorted(choice.stamps.items())),
                              lambda: dashboards.dashboard_trend(results, choice.block, choice.group, codes,
                                                                 choice.years))
    labels = dashboards.unit_labels(units_visible_to(request.user), [
        item["unit_id"] for item in (*headline["top"], *headline["bottom"], *headline["incomplete"],
                                     *trend["units"])])
    named = {name: [{**unit, "url": unit_link(unit["unit_id"], choice.year)}
                    for unit in dashboards.labelled(headline[name], labels)]
             for name in ("top", "bottom", "incomplete")}
    trend = {**trend, "units": dashboards.labelled(trend["units"], labels)}
    return {"headline": {**headline, **named}, "trend": trend, "trend_codes": codes}


def _headline(choice, scope):
    """The block's (or group's) headline figures, computed once per state of its results."""
    stamp = choice.stamps.get(choice.year)
    if not stamp:
        return dashboards.dashboard_headline(scope, choice.precision, choice.bands)
    return dashboards.cached("headline", (choice.index_code, choice.year, choice.block.pk, choice.group, stamp),
                             lambda: dashboards.dashboard_headline(scope, choice.precision, choice.bands))


def _ranking_rows(rows, trend_codes, trend_label):
    """The ranking table's rows as HTML: a template loop over 50 rows × 8 cells, with its plural forms and
    conditions, was most of the page's time. Texts are escaped (html.escape, as the template's autoescape); the
    numbers come printed by dashboards.dashboard_row."""
    text = {"unranked": escape(_("Chấm điểm nhưng không xếp hạng")), "unranked_badge": escape(_("không xếp hạng")),
            "incomplete": escape(_("Còn tiêu chí chưa có điểm chính thức: tính là 0")),
            "incomplete_badge": escape(_("chưa đủ điểm")), "held": escape(_("giữ nguyên")),
            "not_comparable": escape(_("Hai năm dùng bộ chỉ số khác phiên bản phương pháp")),
            "not_comparable_badge": escape(_("không so sánh được")), "trend": escape(trend_label)}
    return [mark_safe(_ranking_row(row, row["unit_code"] in trend_codes, text)) for row in rows]  # noqa: S308


def _ranking_row(row, checked, text):
    code, name = escape(row["unit_code"]), escape(row["unit_name"])
    if row["rank"]:
        rank = str(row["rank"])
    elif not row["ranked"]:
        rank = f'<span class="badge" title="{text["unranked"]}">{text["unranked_badge"]}</span>'
    else:
        rank = "—"
    incomplete = (f' <span class="badge warn" title="{text["incomplete"]}">{text["incomplete_badge"]}</span>'
                  if row["incomplete"] else "")
    grade = (f'<span class="grade tone-{row["tone"] or 5}">{escape(str(row["grade_label"]))}</span>'
             if row["grade"] else "—")
    change, moved = row["rank_change"], row["rank_moved"]
    if change is not None and change > 0:
        move = (f'<span class="change-up"><span aria-hidden="true">▲</span> '
                f'{escape(ngettext("tăng %(n)s bậc", "tăng %(n)s bậc", moved) % {"n": moved})}</span>')
    elif change is not None and change < 0:
        move = (f'<span class="change-down"><span aria-hidden="true">▼</span> '
                f'{escape(ngettext("giảm %(n)s bậc", "giảm %(n)s bậc", moved) % {"n": moved})}</span>')
    else:
        move = text["held"] if change == 0 else ""
    if row["comparable"] is False:
        move += f' <span class="badge warn" title="{text["not_comparable"]}">{text["not_comparable_badge"]}</span>'
    delta = f'<span class="{row["delta_class"]}">{row["delta_text"]}</span>' if row["delta_text"] else ""
    return (f'<tr data-unit="{code}"><td class="no-print"><input type="checkbox" name="trend" value="{code}" '
            f'form="dashboard-filters" aria-label="{text["trend"]} {name}" {"checked" if checked else ""}></td>'
            f'<td class="num">{rank}</td><td><a href="{escape(row["url"])}">{name}</a> '
            f'<small class="muted">{code}</small>{incomplete}</td><td>{escape(row["group"] or "") or "—"}</td>'
            f'<td class="num"><strong>{row["index_text"]}</strong></td><td>{grade}</td><td>{move}</td>'
            f'<td class="num">{delta}</td></tr>')


def _heat_cells(cells):
    """One heatmap row's cells as HTML: a template loop over 50 units × 8 areas cost a third of the page. Safe
    without escaping: each cell is a printed decimal (digits, sign, separator) or a dash, and a level number."""
    return mark_safe("".join(f'<td class="num heat-{level}">{text}</td>' for text, level in cells))  # noqa: S308


def _scorecard_links(year):
    """unit id -> its scorecard's URL of that year: one reverse() per page instead of one per row (a reverse costs
    as much as the rest of the row). The placeholder is an id no path segment can hold otherwise."""
    placeholder = 987654321987
    path = reverse("scoring:scorecard", kwargs={"pk": placeholder, "year": year})
    before, after = path.split(str(placeholder), 1)
    return lambda unit_id: f"{before}{int(unit_id)}{after}"


def _linked(row, year):
    return {**row, "url": unit_link(row["unit_id"], year)}


def _trend_codes(request):
    codes = [code.strip() for code in request.GET.getlist("trend") if code.strip() and len(code) <= 30]
    return list(dict.fromkeys(codes))[:dashboards.TREND_UNITS]


def _columns(sort, scale="percent"):
    """The sortable headers: each links to its first direction, or to the reverse when it is the current sort."""
    columns = []
    for key, label, first in COLUMNS:
        label = heading(scale) if key == "index" else label
        current = sort.lstrip("-") == key
        reverse_sort = sort[1:] if sort.startswith("-") else f"-{sort}"
        descending = sort.startswith("-")
        columns.append({"key": key, "label": label, "next": reverse_sort if current else first,
                        "aria_sort": ("descending" if descending else "ascending") if current else None})
    return columns


# --- What changed ----------------------------------------------------------------------------------------------


@login_required
def dashboard_changes(request):
    require_dashboard_reader(request.user)
    results, index = _results(request)
    choice = _choice(request, results, index)
    context = {"choice": choice, "margin": choice.form.value("margin", MARGIN),
               "margin_errors": choice.form.errors.get("margin") if request.GET.get("margin") else None}
    if choice.block is None:
        return render(request, "scoring/dashboard_changes.html", context)
    year, block, group = choice.year, choice.block, choice.group
    scope = dashboards.dashboard_scope(results, year, block, group)
    assessments = assessments_visible_to(request.user)
    context.update({
        "movers": [(name, MOVER_TITLES[name], [_linked(row, year) for row in rows])
                   for name, rows in dashboards.biggest_movers(scope, choice.grades).items()],
        "losing": dashboards.criteria_losing_points(leaf_scores_visible_to(request.user).filter(
            assessment__cycle__index_code=index.code), year, block, group),
        "assessed": dashboards.assessed_units(assessments.filter(cycle__index_code=index.code), year, block, group),
        "waiting": dashboards.explanations_waiting(assessments.filter(cycle__index_code=index.code), year, block,
                                                   group),
        "near": [_linked(row, year) for row in dashboards.near_grade_boundary(
            scope, choice.bands, context["margin"], choice.grades, choice.precision)],
        "has_results": scope.exists(),
    })
    return render(request, "scoring/dashboard_changes.html", context)
