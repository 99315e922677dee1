"""The ranking dashboard and its "what changed" page: who may open them, and every number shown against the
results engine's output (the hand-checked province of results_data.py, and the demo province)."""
import json
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from scoring import computation
from scoring.demo import seed_demo
from scoring.demo.results import seed_results
from scoring.models import Assessment, AssessmentStatus, Role, Unit, UnitResult
from scoring.models.accounts import UNIT_ROLES
from scoring.selectors import decimal_text
from scoring.services.results import results_compute
from tests.conftest import make_agency, make_block, make_framework, make_unit, make_user
from tests.scoring.results_data import import_scores, make_province
from tests.scoring.results_tables import make_result

DASHBOARD = reverse("scoring:dashboard")
CHANGES = reverse("scoring:dashboard_changes")
D = Decimal


@pytest.fixture(autouse=True)
def empty_cache():
    """Figures are cached by the results' stamps; each test starts from an empty cache all the same."""
    cache.clear()


@pytest.fixture
def province(db):
    make_province()
    results_compute(year=2025)


@pytest.fixture
def leader(db):
    """The conftest personas' unit (SNV) would collide with the province's own SNV: readers need no unit."""
    return make_user("lanhdao", Role.LEADER)


@pytest.fixture
def province_users(province):
    """One account per role; unit roles belong to the province's SNV."""
    snv = Unit.objects.get(code="SNV")
    return {role: make_user(str(role), role, unit=snv if role in UNIT_ROLES else None,
                            agency=make_agency() if role == Role.APPRAISER else None,
                            is_superuser=role == Role.ADMIN, is_staff=role == Role.ADMIN)
            for role in Role}


def signed_in(client, user):
    client.force_login(user)
    # The first request of a session writes its last-seen time (parindex/sessions.py), later ones within a minute
    # don't: taken here, so that query counts compare the pages alone.
    client.get(reverse("home"))
    return client


def chart_data(response):
    match = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>',
                      response.content.decode(), re.S)
    return json.loads(match.group(1))


def shown(response):
    return [row["unit_code"] for row in response.context["rows"]]


# --- Who may open it -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.LEADER, Role.COORDINATOR, Role.APPRAISER, Role.ADMIN])
def test_leaders_managers_and_appraisers_open_the_dashboard(client, province_users, role):
    assert signed_in(client, province_users[role]).get(DASHBOARD, {"year": 2025}).status_code == 200


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.UNIT_HEAD])
@pytest.mark.parametrize("url", [DASHBOARD, CHANGES])
def test_unit_users_are_refused_both_pages(client, province_users, role, url):
    assert signed_in(client, province_users[role]).get(url, {"year": 2025}).status_code == 403


def test_the_navigation_offers_the_dashboard_to_readers_only(client, personas):
    link = f'href="{DASHBOARD}"'

    assert link in signed_in(client, personas[Role.LEADER]).get(reverse("home")).content.decode()
    assert link not in signed_in(client, personas[Role.UNIT_OFFICER]).get(reverse("home")).content.decode()


# --- The table and the headline, against the engine ------------------------------------------------------------


def test_every_row_shows_the_engines_index_grade_rank_and_changes(client, leader, province):
    response = signed_in(client, leader).get(DASHBOARD, {"year": 2025, "block": "SO"})
    page = response.content.decode()

    stored = {row.unit.code: row for row in UnitResult.objects.filter(year=2025, block__code="SO")
              .select_related("unit")}
    for row in response.context["rows"]:
        result = stored[row["unit_code"]]
        assert (row["index"], row["rank"], row["grade"], row["rank_change"]) == (
            decimal_text(result.index, 2), result.rank, result.grade, result.rank_change)
        assert row["index_change"] == decimal_text(result.index_change, 2)
    assert len(response.context["rows"]) == len(stored) == 10
    assert "<strong>84,00</strong>" in page  # STP
    assert "▲</span> tăng 3 bậc" in page and "▼</span> giảm 3 bậc" in page  # SXD, STP
    assert "+35,00" in page and "-40,00" in page  # SXD, SGTVT
    assert '<span class="grade tone-1">Loại A</span>' in page and '<span class="grade tone-3">Loại B</span>' in page


def test_the_headline_shows_the_engines_block_statistics(client, leader, province):
    response = signed_in(client, leader).get(DASHBOARD, {"year": 2025, "block": "SO"})
    page = response.content.decode()

    stored = UnitResult.objects.filter(year=2025, block__code="SO")
    expected = computation.block_statistics(
        [(computation.UnitResult(*[D(0)] * 6, row.index, None, (), row.grade, row.incomplete),
          computation.YearChange(None, None, None, row.rank_change, True), row.rank) for row in stored],
        precision=2, grades=[computation.GradeTier(code, D(0)) for code in "ABC"])
    assert f'data-figure="average">{str(expected.average_index).replace(".", ",")}</strong>' in page  # 77,56
    assert 'data-figure="units">9</strong>' in page  # SVH (no file) is listed apart
    assert re.search(r'data-list="incomplete">.*Đơn vị SVH', page, re.S)
    assert f'data-figure="rose"><span aria-hidden="true">▲</span> {expected.rose}</strong>' in page
    assert f'data-figure="fell"><span aria-hidden="true">▼</span> {expected.fell}</strong>' in page
    distribution = [(tier["code"], tier["count"]) for tier in chart_data(response)["distribution"]]
    assert distribution == list(expected.grade_distribution.items()) == [("A", 3), ("B", 5), ("C", 1)]
    top = re.search(r'data-list="top">(.*?)</ol>', page, re.S).group(1)
    assert re.findall(r">(Đơn vị \w+)</a>", top) == ["Đơn vị SNV", "Đơn vị SCT", "Đơn vị SXD", "Đơn vị STP",
                                                     "Đơn vị SYT"]


def test_units_link_to_their_scorecard_of_the_year(client, leader, province):
    response = signed_in(client, leader).get(DASHBOARD, {"year": 2025, "block": "SO"})
    page = response.content.decode()

    snv = Unit.objects.get(code="SNV")
    scorecard = reverse("scoring:scorecard", kwargs={"pk": snv.pk, "year": 2025})
    assert f'<a href="{scorecard}">Đơn vị SNV</a>' in page
    top = re.search(r'data-list="top">(.*?)</ol>', page, re.S).group(1)
    assert f'<a href="{scorecard}">' in top


def test_without_a_choice_the_dashboard_opens_the_newest_year_with_results_and_the_first_block(client, leader,
                                                                                                province):
    make_framework(year=2026, block=make_block("SO"))  # next year's framework, no results yet

    response = signed_in(client, leader).get(DASHBOARD)

    assert (response.context["choice"].year, response.context["choice"].block.code) == (2025, "SO")
    assert response.context["choice"].years == [2026, 2025, 2024]


def test_a_year_without_results_shows_the_empty_state_without_charts(client, leader, province):
    page = signed_in(client, leader).get(DASHBOARD, {"year": 2030, "block": "SO"}).content.decode()

    assert "Chưa có kết quả năm 2030 cho khối này." in page
    assert "dashboard-data" not in page and "chart.umd.min.js" not in page


def test_cached_figures_follow_a_recomputation_and_spare_the_aggregates(client, leader, province,
                                                                         django_assert_max_num_queries):
    client = signed_in(client, leader)
    first = client.get(DASHBOARD, {"year": 2025, "block": "SO", "trend": "SNV"})
    # Session, user, years, blocks, stamps, count, page, the small block's whole ranked chart, the names of the
    # units listed, and the session write in its savepoint.
    with django_assert_max_num_queries(12):
        again = client.get(DASHBOARD, {"year": 2025, "block": "SO", "trend": "SNV"})
    import_scores(2025, "SO", {"SVH": {"1.1": "10", "1.2": "10", "2.1": "20", "3.1": "10"}})  # SVH: 0 -> 100
    results_compute(year=2025, block_code="SO")
    after = client.get(DASHBOARD, {"year": 2025, "block": "SO", "trend": "SNV"})

    assert first.context["headline"]["average"] == again.context["headline"]["average"] == "77.56"  # 698 / 9
    assert after.context["headline"]["average"] == "79.80"  # (698 + 100) / 10
    assert chart_data(after)["trend"]["average"] == ["66.67", "79.80"]
    assert shown(after)[0] == "SNV" and "SVH" in shown(after)[:3]


def test_a_renamed_unit_shows_its_new_name_in_the_cached_top_five(client, leader, province):
    client = signed_in(client, leader)
    client.get(DASHBOARD, {"year": 2025, "block": "SO"})
    Unit.objects.filter(code="SNV").update(name="Sở Nội vụ (tên mới)")

    page = client.get(DASHBOARD, {"year": 2025, "block": "SO"}).content.decode()

    top = re.search(r'data-list="top">(.*?)</ol>', page, re.S).group(1)
    assert "Sở Nội vụ (tên mới)</a>" in top


# --- Sorting, filtering, pages -----------------------------------------------------------------------------------


def test_the_table_sorts_on_the_server_and_the_header_offers_the_reverse(client, leader, province):
    response = signed_in(client, leader).get(DASHBOARD, {"year": 2025, "block": "SO", "sort": "-index"})
    page = response.content.decode()

    assert shown(response)[:3] == ["SNV", "BQLKCN", "SCT"]
    assert 'aria-sort="descending"><a href="?year=2025&amp;block=SO&amp;sort=index">' in page
    assert '<a href="?year=2025&amp;block=SO&amp;sort=rank">' in page


def test_an_unknown_sort_falls_back_to_the_rank(client, leader, province):
    response = signed_in(client, leader).get(DASHBOARD, {"year": 2025, "block": "SO", "sort": "drop table"})

    assert response.status_code == 200
    assert shown(response)[:2] == ["SNV", "SCT"]


def test_a_block_with_groups_filters_by_group_and_ranks_each_on_its_own(client, leader, province):
    client = signed_in(client, leader)
    every = client.get(DASHBOARD, {"year": 2025, "block": "XA"})
    communes = client.get(DASHBOARD, {"year": 2025, "block": "XA", "group": "Xã"})
    unknown = client.get(DASHBOARD, {"year": 2025, "block": "XA", "group": "Không có"})

    assert shown(every) == ["P1", "P2", "X2", "X1", "X3"]
    assert '<option value="Xã" >Xã</option>' in every.content.decode()
    assert shown(communes) == ["X2", "X1", "X3"]
    assert 'data-figure="average">66,67</strong>' in communes.content.decode()
    assert shown(unknown) == shown(every)


def test_the_grade_filter_and_the_search_narrow_the_table_not_the_headline(client, leader, province):
    client = signed_in(client, leader)
    graded = client.get(DASHBOARD, {"year": 2025, "block": "SO", "grade": "A"})
    searched = client.get(DASHBOARD, {"year": 2025, "block": "SO", "q": "sgt"})

    assert shown(graded) == ["SNV", "SXD", "BQLKCN"]
    assert shown(searched) == ["SGTVT"]
    assert "đang lọc" in searched.content.decode()
    assert graded.context["headline"]["units"] == searched.context["headline"]["units"] == 9  # SVH apart


def test_the_table_pages_and_an_invalid_page_size_falls_back_to_fifty(client, leader, db):
    framework = make_framework(year=2025, block=make_block("XA", "Khối xã"))
    for number in range(60):
        make_result(make_unit(f"X{number:02d}", block=framework.block), framework, rank=number + 1,
                    index=D(100 - number))
    client = signed_in(client, leader)

    second = client.get(DASHBOARD, {"year": 2025, "block": "XA", "per_page": 25, "page": 3})
    fallback = client.get(DASHBOARD, {"year": 2025, "block": "XA", "per_page": 7})

    assert shown(second) == [f"X{number:02d}" for number in range(50, 60)]
    assert len(fallback.context["rows"]) == 50
    assert "Trang 3 / 3" in second.content.decode()


def query_count(client, django_assert_max_num_queries, limit, **params):
    with django_assert_max_num_queries(limit) as queries:
        response = client.get(DASHBOARD, {"year": 2025, "block": "XA", **params})
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_needs_the_same_few_queries_for_5_or_200_units(client, leader, db,
                                                                      django_assert_max_num_queries):
    framework = make_framework(year=2025, block=make_block("XA", "Khối xã"))
    previous = make_framework(year=2024, block=framework.block)
    client = signed_in(client, leader)

    def add(first, count):
        for number in range(first, first + count):
            unit = make_unit(f"X{number:03d}", block=framework.block, group="Xã" if number % 2 else "Phường")
            make_result(unit, framework, rank=number // 2 + 1, grade="B", index=D(90) - D(number) / 10)
            make_result(unit, previous, rank=number // 2 + 1, grade="B", index=D(80))

    add(0, 5)
    few = query_count(client, django_assert_max_num_queries, 25, trend=["X001", "X002"], per_page=200)
    add(5, 195)
    many = query_count(client, django_assert_max_num_queries, 25, trend=["X001", "X002"], per_page=200)

    assert many == few


# --- Charts ------------------------------------------------------------------------------------------------------


def test_the_chart_data_is_the_engines_numbers_as_strings(client, leader, province):
    response = signed_in(client, leader).get(DASHBOARD, {"year": 2025, "block": "SO", "trend": ["SNV", "SCT"]})

    data = chart_data(response)
    assert data["ranked"]["whole"] is True
    assert [(unit["code"], unit["index"]) for unit in data["ranked"]["units"][:3]] == [
        ("SNV", "100.00"), ("BQLKCN", "98.00"), ("SCT", "95.00")]
    assert [band["min_index"] for band in data["bands"]] == ["90.00", "70.00", "0.00"]
    assert (data["trend"]["years"], data["trend"]["average"]) == ([2024, 2025], ["66.67", "77.56"])
    assert [(unit["code"], unit["name"], unit["values"]) for unit in data["trend"]["units"]] == [
        ("SNV", "Đơn vị SNV", ["90.00", "100.00"]), ("SCT", "Đơn vị SCT", [None, "95.00"])]


def test_every_chart_has_a_table_equivalent_and_the_heatmap_is_a_table(client, leader, province):
    page = signed_in(client, leader).get(DASHBOARD, {"year": 2025, "block": "SO", "trend": "SNV"}).content.decode()

    for canvas in ("chart-distribution", "chart-ranked", "chart-trend"):
        assert re.search(rf'<canvas id="{canvas}" role="img" aria-label="[^"]+">', page)
    assert page.count('<details class="chart-data"') == 3
    trend = re.search(r'<table class="table trend-table">(.*?)</table>', page, re.S).group(1)
    assert "<td class=\"num\">66,67</td><td class=\"num\">77,56</td>" in trend
    heatmap = re.search(r'<table class="table heatmap">(.*?)</table>', page, re.S).group(1)
    assert '<th scope="row">Đơn vị STC</th><td class="num heat-7">75,00</td><td class="num heat-7">75,00</td>' \
           '<td class="num heat-8">80,00</td>' in heatmap


def test_the_chosen_trend_units_are_checked_and_kept_across_pages(client, leader, province):
    response = signed_in(client, leader).get(DASHBOARD, {"year": 2025, "block": "SO", "trend": ["SNV", "SVH"],
                                                         "per_page": 25, "q": "SNV"})
    page = response.content.decode()

    assert re.search(r'value="SNV" form="dashboard-filters" aria-label="[^"]+" checked', page)
    assert '<input type="hidden" name="trend" value="SVH">' in page  # not on this page: kept by the form


# --- What changed ------------------------------------------------------------------------------------------------


def test_the_changes_page_shows_the_engines_movers_losses_waiting_files_and_near_misses(client, leader, province):
    Assessment.objects.filter(cycle__year=2025, unit__code="STC").update(
        status=AssessmentStatus.EXPLANATION_REQUESTED)
    response = signed_in(client, leader).get(CHANGES, {"year": 2025, "block": "SO", "margin": "10"})
    page = response.content.decode()

    movers = {name: [row["unit_code"] for row in rows] for name, _title, rows in response.context["movers"]}
    assert movers == {"rose": ["SXD", "SNV", "SYT"], "fell": ["SKHDT", "STC", "STP", "SGTVT"],
                      "gained": ["SXD", "SYT", "SNV", "SKHDT"], "lost": ["SGTVT", "STP", "STC", "BQLKCN"]}
    assert "5 → 2" in page and "▲</span> tăng 3 bậc" in page  # SXD: 5th last year, 2nd now
    losing = re.search(r'data-criterion="3.1">(.*?)</tr>', page, re.S).group(1)
    assert "8 / 9" in losing and "24,5" in losing
    assert 'data-unit="STC"><td>Đơn vị STC' in page
    near = re.search(r'<table class="table near-table">(.*?)</table>', page, re.S).group(1)
    assert re.findall(r'data-unit="(\w+)"', near) == ["STP", "SYT"]
    assert '<td class="num">84,00</td><td>Loại B</td><td>Loại A</td><td class="num">90,00</td>' \
           '<td class="num">6,00</td>' in near


def test_the_margin_takes_a_decimal_comma(client, leader, province):
    response = signed_in(client, leader).get(CHANGES, {"year": 2025, "block": "SO", "margin": "6,5"})

    assert response.context["margin"] == D("6.5")
    assert [row["unit_code"] for row in response.context["near"]] == ["STP"]


def test_a_bad_margin_is_explained_in_vietnamese_and_the_default_is_used(client, leader, province):
    response = signed_in(client, leader).get(CHANGES, {"year": 2025, "block": "SO", "margin": "abc"})

    assert response.status_code == 200
    assert response.context["margin"] == D(1)
    assert "Khoảng cách không hợp lệ" in response.content.decode()


def test_the_changes_page_needs_the_same_few_queries_whatever_the_number_of_units(client, leader, province,
                                                                               django_assert_max_num_queries):
    client = signed_in(client, leader)
    with django_assert_max_num_queries(22) as before:
        client.get(CHANGES, {"year": 2025, "block": "SO", "margin": "50"})
    for number in range(30):
        unit = make_unit(f"SX{number:02d}", block=make_block("SO"))
        results = UnitResult.objects.filter(year=2025, unit__code="STP").values()[0]
        UnitResult.objects.create(**{**results, "id": None, "unit_id": unit.pk})
    with django_assert_max_num_queries(22) as after:
        response = client.get(CHANGES, {"year": 2025, "block": "SO", "margin": "50"})

    assert len(after) == len(before)
    assert len(response.context["near"]) == 34  # STP, SYT, STC, SKHDT and the 30 copies of STP (not SCT: above)


# --- The demo province -----------------------------------------------------------------------------------------


@pytest.fixture
def demo(db, settings):
    seed_demo()
    seed_results()


@pytest.mark.parametrize(("block", "codes"), [("SO", ["SNV", "STC"]), ("XA", ["XA-001", "XA-038"])])
def test_the_demo_provinces_dashboard_shows_its_computed_results(client, demo, block, codes):
    from scoring.models import User

    response = signed_in(client, User.objects.get(username="lanhdao")).get(
        DASHBOARD, {"year": 2025, "block": block, "q": ""})
    page = response.content.decode()

    stored = UnitResult.objects.filter(year=2025, block__code=block).select_related("unit", "framework")
    precision = stored[0].framework.precision
    for result in stored.filter(unit__code__in=codes):
        row = next(row for row in response.context["rows"] if row["unit_code"] == result.unit.code)
        assert (row["index"], row["rank"], row["rank_change"], row["grade"]) == (
            decimal_text(result.index, precision), result.rank, result.rank_change, result.grade)
        assert f"<strong>{row['index'].replace('.', ',')}</strong>" in page
    expected = computation.block_statistics(
        [(computation.UnitResult(*[D(0)] * 6, row.index, None, (), row.grade, row.incomplete),
          computation.YearChange(None, None, None, row.rank_change, True), row.rank) for row in stored],
        precision=precision)
    headline = response.context["headline"]
    assert headline["average"] == str(expected.average_index)
    assert (headline["rose"], headline["fell"], headline["units"]) == (expected.rose, expected.fell,
                                                                       expected.unit_count)
