"""For test_demo_numbers.py: reading the demo province's pages (a small tree built with html.parser, queried by the
markers the templates already carry), printing the engine's figures as the pages print them (decimal comma, the
framework's precision for indices, 3 decimals for points), and the planner's goals worked out from the engine's
results and the grade tiers, independently of scoring/planning.py."""
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from html.parser import HTMLParser

from django.apps import apps
from django.db.models import Count, Sum
from django.urls import reverse

from scoring.models import Criterion, GradeTier, LeafScore, UnitResult

POINTS = 3
PLACES = 5  # the planner's default "gain N places"


# --- Reading pages -----------------------------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag, attrs):
        self.tag, self.attrs, self.children = tag, dict(attrs), []

    def text(self):
        parts = [child if isinstance(child, str) else child.text() for child in self.children]
        return " ".join("".join(parts).split())

    def find_all(self, tag=None, cls=None, **attrs):
        """Descendants by tag, a class and attributes (data_figure="index" is data-figure="index"; True: any)."""
        found = []
        for child in self.children:
            if isinstance(child, str):
                continue
            if child.matches(tag, cls, attrs):
                found.append(child)
            found += child.find_all(tag, cls, **attrs)
        return found

    def find(self, tag=None, cls=None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag or '*'} class={cls} {attrs}> on the page"
        return found[0]

    def matches(self, tag, cls, attrs):
        return ((tag is None or self.tag == tag)
                and (cls is None or cls in (self.attrs.get("class") or "").split())
                and all(self.attrs.get(name.replace("_", "-")) == value
                        or (value is True and name.replace("_", "-") in self.attrs) for name, value in attrs.items()))

    def cells(self):
        return [cell.text() for cell in self.children if isinstance(cell, Element) and cell.tag in ("td", "th")]


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.root = Element("document", {})
        self.open = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs)
        self.open[-1].children.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.open[-1].children.append(Element(tag, attrs))

    def handle_endtag(self, tag):
        if any(element.tag == tag for element in self.open[1:]):
            while self.open.pop().tag != tag:
                pass

    def handle_data(self, data):
        self.open[-1].children.append(data)


def page_of(client, name, kwargs=None, query=None):
    response = client.get(reverse(name, kwargs=kwargs), query or {})
    assert response.status_code == 200, (name, kwargs, response.status_code)
    builder = TreeBuilder()
    builder.feed(response.content.decode())
    return builder.root


# --- The engine's figures as the pages print them ----------------------------------------------------------------


def shown(value, places, *, sign=False, none="—"):
    """A Decimal as Vietnamese pages print it: decimal comma, `places` decimals, "+" on a rise when asked."""
    if value is None:
        return none
    text = f"{Decimal(value):.{places}f}".replace(".", ",")
    return f"+{text}" if sign and Decimal(value) > 0 else text


def half_up(value, places):
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def mean(values, places):
    values = [Decimal(value) for value in values if value is not None]
    return half_up(sum(values) / len(values), places) if values else None


def rank_move(change, *, unchanged="giữ nguyên", none=""):
    if change is None:
        return none
    if change > 0:
        return f"▲ tăng {change} bậc"
    if change < 0:
        return f"▼ giảm {-change} bậc"
    return unchanged


def results_of(year, block_code):
    return list(UnitResult.objects.filter(year=year, block__code=block_code)
                .select_related("unit", "framework").order_by("group", "rank", "unit__code"))


def tiers_of(framework):
    return list(GradeTier.objects.filter(framework=framework).order_by("position"))


def ranked_count(result, results):
    return sum(1 for other in results if other.group == result.group and other.rank is not None)


def area_averages(results, places):
    """{area code: the block's average area index}, units whose area has no index left out."""
    by_area = {}
    for result in results:
        for area in result.areas:
            by_area.setdefault(area["code"], []).append(area.get("index"))
    return {code: mean(values, places) for code, values in by_area.items()}


# --- The scorecard's figures, from the engine's results and the leaf scores ---------------------------------------


def expected_headline(result, results, labels):
    places = result.framework.precision
    rank = (f"{result.rank}/{ranked_count(result, results)}" if result.rank
            else "không xếp hạng" if not result.ranked else "—")
    survey = shown(result.survey, POINTS) + (
        f" · chỉ số điều tra {shown(result.survey_index, places)}%" if result.survey_index is not None else "")
    change = shown(result.index_change, places, sign=True)
    if result.previous_index is not None:
        change += f" năm trước: {shown(result.previous_index, places)}"
    if result.comparable is False:
        change += " không so sánh được"
    return {
        "index": shown(result.index, places),
        "block-average": shown(mean([other.index for other in results], places), places),
        "grade": labels.get(result.grade, result.grade or "—"),
        "rank": rank,
        "rank-change": rank_move(result.rank_change, none="chưa có thứ hạng năm trước"),
        "index-change": change,
        "appraised": shown(result.appraised, POINTS), "survey": survey,
        "bonus": shown(result.bonus, POINTS), "penalty": shown(result.penalty, POINTS),
        "total": f"{shown(result.total, POINTS)} / {shown(result.max_total, POINTS)}",
        # What the applicable appraised and survey leaves could have brought and did not: Max_total − A − X.
        "points-lost": shown(result.max_total - result.appraised - result.survey, POINTS),
        "self": (f"{shown(result.self_total, POINTS)} · chỉ số {shown(result.self_index, places)}%"
                 if result.self_total is not None else "—"),
    }


def expected_areas(result, averages):
    places = result.framework.precision
    return {area["code"]: [shown(area["points"], POINTS), shown(area["max"], POINTS),
                           shown(area.get("index"), places), shown(averages.get(area["code"]), places),
                           shown(area.get("change"), places, sign=True, none=""), area_rank_text(area)]
            for area in result.areas}


def area_rank_text(area):
    """The component rank in the block and its change (rules 9-10): "3 +1", "4", "—"."""
    if area.get("rank") is None:
        return "—"
    return f"{area['rank']} {area['rank_change']:+d}" if area.get("rank_change") else str(area["rank"])


def shown_areas(page):
    return {row.attrs["data-area"]: row.cells()[1:] for row in page.find_all("tr", data_area=True)}


def expected_survey(result):
    """{code: [max, points, responses]} of the unit's survey leaves: the points the survey engine wrote as the
    leaves' final scores, and the responses with a counted answer to a question mapped to the leaf."""
    scores = {score.criterion.code: score for score in LeafScore.objects.filter(
        assessment__unit=result.unit, assessment__cycle__year=result.year, criterion__framework=result.framework,
        criterion__method="survey").select_related("criterion")}
    tallies = answer_tallies(result)
    leaves = Criterion.objects.filter(framework=result.framework, method="survey").order_by("position")
    return {leaf.code: [shown(leaf.max_points, POINTS),
                        shown(scores[leaf.code].final_score if leaf.code in scores else None, POINTS),
                        str(tallies.get(leaf.code, (0, 0, None))[0])] for leaf in leaves}


def answer_tallies(result):
    """{leaf code: (responses, valid answers, Σ weights)} of the survey answers about the unit that year."""
    Answer = apps.get_model("surveys", "Answer")
    rows = (Answer.objects.filter(response__survey__year=result.year, response__unit=result.unit,
                                  option__weight__isnull=False).exclude(question__criterion_code="")
            .values_list("question__criterion_code").order_by()
            .annotate(responses=Count("response", distinct=True), valid=Count("pk"), weights=Sum("option__weight")))
    return {code: (responses, valid, weights) for code, responses, valid, weights in rows}


def shown_survey(page):
    tables = page.find_all("table", cls="survey-table")
    if not tables:
        return {}
    return {row.attrs["data-code"]: row.cells()[1:] for row in tables[0].find_all("tr", data_code=True)}


def headline_figures(page):
    figures = {name: page.find(data_figure=name).text()
               for name in ("index", "block-average", "grade", "rank", "rank-change", "appraised", "survey", "bonus",
                            "penalty", "total", "points-lost", "self")}
    tile = next(tile for tile in page.find_all("div", cls="tile") if tile.find_all(data_figure="index-change"))
    figures["index-change"] = " ".join(part.text() for part in tile.children
                                       if isinstance(part, Element) and part.tag in ("strong", "small")).strip()
    return figures


def expected_tree(result):
    """{code: [max, self, round 1, round 2, final, lost]} of every row of the criteria tree, from the leaf scores:
    a leaf's points lost are max − final (unscored counts 0; a penalty leaf: the points deducted); an area or a
    criterion sums its applicable appraised and survey leaves."""
    scores = {score.criterion.code: score for score in LeafScore.objects.filter(
        assessment__unit=result.unit, assessment__cycle__year=result.year).select_related("criterion")}
    rows, sums = {}, {}
    for criterion in Criterion.objects.filter(framework=result.framework).order_by("position"):
        score = scores.get(criterion.code)
        if not criterion.method:
            rows[criterion.code] = [shown(criterion.max_points, POINTS), "", "", "", "", ""]  # no leaf: no sums
            continue
        final = score.final_score if score else None
        lost = (None if score and score.not_applicable or criterion.method == "bonus" else final
                if criterion.method == "penalty" else criterion.max_points - (final or 0))
        rows[criterion.code] = [
            shown(criterion.max_points, POINTS),
            "KAD" if score and score.self_not_applicable else shown(score and score.self_score, POINTS, none=""),
            shown(score and score.appraised_score, POINTS, none=""),
            shown(score and score.second_score, POINTS, none=""),
            "KAD" if score and score.not_applicable else shown(final, POINTS), shown(lost or None, POINTS, none="")]
        if criterion.method in ("appraised", "survey") and not (score and score.not_applicable):
            for node in ancestors(criterion.code):
                total, lost_sum = sums.get(node, (Decimal(0), Decimal(0)))
                sums[node] = (total + (final or 0), lost_sum + lost)
    for node, (total, lost_sum) in sums.items():
        rows[node][4:] = [shown(total, POINTS), shown(lost_sum or None, POINTS, none="")]
    return rows


def ancestors(code):
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]


# --- The planner's goals, from the engine's results and the grade tiers (domain.md rules 7-9) ----------------------

THOUSANDTH = Decimal("0.001")


def least_total(index, max_total, places):
    """The least total (to the thousandth) whose index, rounded half up, reaches `index`; checked, not trusted."""
    least = max(((index - Decimal(1).scaleb(-places) / 2) * max_total / 100).quantize(THOUSANDTH, ROUND_CEILING),
                Decimal(0))
    assert half_up(least / max_total * 100, places) >= index
    assert least == 0 or half_up((least - THOUSANDTH) / max_total * 100, places) < index
    return least


def gap_cells(result, target, places):
    least = least_total(target, result.max_total, places)
    return [shown(target, places), shown(max(target - result.index, 0), places),
            shown(max(least - result.total, 0), POINTS)], least <= result.max_total


def expected_goals(result, results, tiers, places):
    return {"grade": grade_goal(result, tiers, places), "above": above_goal(result, results, places),
            "places": places_goal(result, results, places)}


def grade_goal(result, tiers, places):
    codes = [tier.code for tier in tiers]
    if codes.index(result.grade) == 0:
        return ["Lên xếp loại cao hơn", "—", "—", "—"], ["Đơn vị đã ở xếp loại cao nhất."], []
    tier = tiers[codes.index(result.grade) - 1]
    assert tier.min_survey_index is None and tier.max_penalty is None  # the demo's only condition: area indices
    cells, reachable = gap_cells(result, tier.min_index, places)
    notes = [] if reachable else ["Không thể đạt: vượt điểm tối đa."]
    blocking = [area for area in result.areas if tier.min_area_index is not None
                and area.get("index") is not None and Decimal(area["index"]) < tier.min_area_index]
    if blocking:
        notes.append("Chỉ số đã đạt nhưng còn vướng điều kiện:" if result.index >= tier.min_index
                     else "Ngoài chỉ số, còn cần đạt điều kiện:")
    titles = dict(Criterion.objects.filter(framework=result.framework, depth=0).values_list("area_code", "title"))
    conditions = [f"{area['code']}. {titles[area['code']]}: chỉ số {shown(area['index'], places)}, cần từ "
                  f"{shown(tier.min_area_index, places)} — thêm {shown(area_points_needed(area, tier, places), 3)}"
                  f" điểm trong lĩnh vực" for area in blocking]
    return [f"Lên xếp loại “{tier.label}”", *cells], notes, conditions


def area_points_needed(area, tier, places):
    return least_total(tier.min_area_index, Decimal(area["max"]), places) - Decimal(area["points"])


def rivals(result, results):
    return [other for other in results if other.unit_id != result.unit_id and other.ranked
            and other.group == result.group and other.index is not None]


def above_goal(result, results, places):
    others = rivals(result, results)
    above = [other.index for other in others if other.index > result.index]
    if not result.ranked or not above:
        note = "Đơn vị không xếp hạng." if not result.ranked else "Đơn vị đang đứng đầu."
        return ["Vượt đơn vị xếp ngay trên", "—", "—", "—"], [note], []
    nearest = min(above)
    target = nearest + Decimal(1).scaleb(-places)
    cells, reachable = gap_cells(result, target, places)
    names = ", ".join(other.unit.name for other in others if other.index == nearest)
    notes = [f"{names}, chỉ số {shown(nearest, places)}",
             f"Sau đó: hạng {1 + sum(other.index > target for other in others)}"]
    notes += [] if reachable else ["Không thể đạt: vượt điểm tối đa."]
    return ["Vượt đơn vị xếp ngay trên", *cells], notes, []


def places_goal(result, results, places):
    others = rivals(result, results)
    rank = 1 + sum(other.index > result.index for other in others)
    title = f"Tăng {PLACES} bậc"
    if not result.ranked or rank == 1:
        return [title, "—", "—", "—"], ["Đơn vị không xếp hạng." if not result.ranked else "Đơn vị đang đứng đầu."], []
    target = sorted((other.index for other in others), reverse=True)[max(1, rank - PLACES) - 1]
    cells, reachable = gap_cells(result, target, places)
    reached = 1 + sum(other.index > target for other in others)
    notes = [f"Lên hạng {reached} (tăng {rank - reached} bậc)"]
    if rank - PLACES < 1:
        notes.append(f"Chỉ còn {rank - 1} bậc để lên hạng 1.")
    return [title, *cells], notes + ([] if reachable else ["Không thể đạt: vượt điểm tối đa."]), []
