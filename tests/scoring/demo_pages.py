"""Reading the demo province's pages (a small tree built with html.parser, queried by the markers the templates
already carry) and printing the engine's figures as the pages print them (decimal comma, the framework's precision
for indices, 3 decimals for points). Used by test_demo_numbers.py."""
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser

from django.urls import reverse

from scoring.models import GradeTier, UnitResult

POINTS = 3


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
