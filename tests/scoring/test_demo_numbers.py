"""Every number the scorecard, the planner and the ranking dashboard show for the demo province, checked against
the results engine's own rows (UnitResult) for 2024 and 2025; and who sees which unit's pages before and after
the year is published (issue 6: "units see only their own scorecards before publication").

The pages are read as HTML through the markers the templates already carry (data-figure, data-area, data-goal,
data-unit, table classes); expectations are computed from UnitResult, GradeTier, LeafScore and the survey answers,
formatted as the pages print them (decimal comma, the framework's precision for indices, 3 decimals for points).
demo_pages.py holds the page reader and the expectations of the scorecard and the planner.

Seeding the province, its two scored years and the survey takes about 20 seconds, so it is done once for the
module, inside a transaction rolled back at the end (each test still runs in a savepoint of its own).
"""
from collections import Counter
from decimal import Decimal
from io import BytesIO

import pytest
from django.apps import apps
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from scoring.demo import seed_demo
from scoring.demo.results import publish_demo_year, seed_results
from scoring.models import Criterion, LeafScore, Publication, UnitResult, User

from .demo_pages import (POINTS, Element, answer_tallies, area_averages, expected_areas, expected_goals,
                         expected_headline, expected_survey, expected_tree, grade_goal, half_up, headline_figures,
                         mean, page_of, rank_move, ranked_count, results_of, shown, shown_areas, shown_survey,
                         tiers_of)

YEAR, LAST_YEAR = 2025, 2024
XA_SAMPLE = ("XA-001", "XA-003", "XA-012", "XA-021", "XA-036", "XA-038")  # both groups, first, last, incomplete
PLANNED = ("STNMT", "SNV", "SXD", "STC", "SKHCN", "SGTVT", "BQLKCN", "XA-021", "XA-019", "XA-036")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo province with its 2024 and 2025 results and the 2025 survey, once for the module, undone after."""
    with django_db_blocker.unblock(), override_settings(
            MEDIA_ROOT=str(tmp_path_factory.mktemp("demo-media")),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed_demo()
            seed_results()
            apps.get_app_config("surveys").seed_demo()
            publish_demo_year()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo(seeded, db):
    return seeded


@pytest.fixture
def leader(demo):
    return User.objects.get(username="lanhdao")


@pytest.fixture
def snv_officer(demo):
    return User.objects.get(username="canbo.snv")


def signed_in(client, user):
    client.force_login(user)
    return client


# --- 1. The scorecard ----------------------------------------------------------------------------------------------


def scorecard_mismatches(client, result, results, labels):
    page = page_of(client, "scoring:scorecard", {"pk": result.unit_id, "year": result.year})
    wanted = flat({"headline": expected_headline(result, results, labels),
                   "areas": expected_areas(result, area_averages(results, result.framework.precision)),
                   "survey": expected_survey(result), "incomplete badge": result.incomplete})
    got = flat({"headline": headline_figures(page), "areas": shown_areas(page), "survey": shown_survey(page),
                "incomplete badge": "chưa đủ điểm" in page.find("p", cls="lead").text()})
    return [(result.unit.code, *key, got.get(key), wanted.get(key)) for key in sorted(wanted.keys() | got.keys(),
                                                                                        key=str)
            if got.get(key) != wanted.get(key)]


def flat(parts):
    """{(part, key): value}, so a row the page shows and the engine lacks counts as a mismatch too."""
    return {(part, key): value for part, values in parts.items()
            for key, value in (values.items() if isinstance(values, dict) else [(None, values)])}


def scorecards_checked(client, year, block_code, codes=None):
    results = results_of(year, block_code)
    labels = {tier.code: tier.label for tier in tiers_of(results[0].framework)}
    checked = [result for result in results if codes is None or result.unit.code in codes]
    mismatches = [m for result in checked for m in scorecard_mismatches(client, result, results, labels)]
    return checked, mismatches


def test_every_department_scorecard_of_2025_shows_the_engines_figures(client, leader):
    checked, mismatches = scorecards_checked(signed_in(client, leader), YEAR, "SO")

    assert len(checked) == 19
    assert mismatches == []


def test_a_sample_of_commune_scorecards_of_2025_shows_the_engines_figures(client, leader):
    checked, mismatches = scorecards_checked(signed_in(client, leader), YEAR, "XA", XA_SAMPLE)

    assert {result.group for result in checked} == {"Phường, thị trấn", "Xã"}
    assert len(checked) == len(XA_SAMPLE) and mismatches == []


def test_scorecards_of_2024_show_no_change_against_a_year_without_results(client, leader):
    checked, mismatches = scorecards_checked(signed_in(client, leader), LAST_YEAR, "SO", ("SNV", "STNMT", "BQLKCN"))

    assert all(result.rank_change is None and result.index_change is None for result in checked)
    assert len(checked) == 3 and mismatches == []


@pytest.mark.parametrize("code", ["SNV", "SGTVT"])
def test_the_scorecards_criteria_tree_adds_up_to_the_engines_area_points(client, leader, code):
    result = UnitResult.objects.select_related("framework", "unit").get(year=YEAR, unit__code=code)
    page = page_of(signed_in(client, leader), "scoring:scorecard", {"pk": result.unit_id, "year": YEAR})
    tree = page.find("table", cls="scorecard-tree")
    expected = expected_tree(result)

    assert {row.attrs["data-code"]: row.cells()[2:8] for row in tree.find_all("tr", data_code=True)} == expected
    assert {area["code"]: expected[area["code"]][4] for area in result.areas} == {
        area["code"]: shown(area["points"], POINTS) for area in result.areas}
    unscored = LeafScore.objects.filter(assessment__unit=result.unit, assessment__cycle__year=YEAR, final_score=None,
                                        not_applicable=False, criterion__method__in=["appraised", "survey"])
    assert result.incomplete == unscored.exists() is False  # 2025 is closed: every leaf has its final score


def test_the_engines_survey_points_follow_the_answers(demo):
    """The survey leaves' points (rule 11): max × mean weight of the counted answers / 100, 3 decimals."""
    for result in results_of(YEAR, "SO"):
        scores = dict(LeafScore.objects.filter(assessment__unit=result.unit, assessment__cycle__year=YEAR,
                                               criterion__method="survey")
                      .values_list("criterion__code", "final_score"))
        maxima = dict(Criterion.objects.filter(framework=result.framework, method="survey")
                      .values_list("code", "max_points"))
        tallies = answer_tallies(result)
        assert tallies, result.unit.code
        for code, (_responses, valid, weights) in tallies.items():
            assert scores[code] == half_up(maxima[code] * Decimal(weights) / valid / 100, POINTS), (result.unit, code)
        assert result.survey == sum((score or 0 for score in scores.values()), Decimal(0))


def test_the_scorecard_pdf_and_workbook_carry_the_engines_index_and_rank(client, leader):
    result = UnitResult.objects.select_related("framework").get(year=YEAR, unit__code="SNV")
    count = ranked_count(result, results_of(YEAR, "SO"))
    kwargs = {"pk": result.unit_id, "year": YEAR}
    client = signed_in(client, leader)

    pdf = client.get(reverse("scoring:scorecard_pdf", kwargs=kwargs))
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    assert pdf["Content-Type"] == "application/pdf"
    assert f"Chỉ số (%) {shown(result.index, result.framework.precision)}" in " ".join(text.split())
    assert f"{result.rank}/{count}" in text
    assert shown(result.index_change, result.framework.precision, sign=True) in text

    workbook = load_workbook(BytesIO(client.get(reverse("scoring:scorecard_xlsx", kwargs=kwargs)).content))
    facts = {row[0]: row[1] for row in workbook["Tổng hợp"].iter_rows(values_only=True) if row and row[0]}
    assert Decimal(str(facts["Chỉ số (%)"])) == result.index
    assert facts["Thứ hạng trong khối"] == result.rank and facts["Số đơn vị được xếp hạng"] == count
    assert facts["Thay đổi thứ hạng"] == result.rank_change
    assert Decimal(str(facts["Tổng điểm"])) == result.total


# --- 2. The planner ------------------------------------------------------------------------------------------------


def shown_goals(page):
    goals = {}
    for row in page.find("table", cls="goals").find_all("tr", data_goal=True):
        notes_cell = [cell for cell in row.children if isinstance(cell, Element) and cell.tag == "td"][-1]
        goals[row.attrs["data-goal"]] = (row.cells()[:4], [div.text() for div in notes_cell.find_all("div")],
                                         [item.text() for item in notes_cell.find_all("li")])
    return goals


def expected_summary(result, results, label, places):
    rank = (f"hạng {result.rank}/{ranked_count(result, results)}" if result.rank
            else "không xếp hạng" if not result.ranked else "chưa có hạng")
    group = f" (nhóm {result.group})" if result.group else ""
    return (f"Hiện tại: chỉ số {shown(result.index, places)} (tổng điểm {shown(result.total, POINTS)} / "
            f"{shown(result.max_total, POINTS)}), xếp loại {label}, {rank}{group}.")


def planner_mismatches(client, result, results, tiers):
    places, labels = result.framework.precision, {tier.code: tier.label for tier in tiers}
    page = page_of(client, "scoring:planner", {"pk": result.unit_id, "year": result.year})
    current = {row.cells()[0]: row.cells()[1] for row in page.find("table", cls="what-if-table").find_all("tr")[1:]}
    wanted = {"summary": expected_summary(result, results, labels[result.grade], places),
              "stale": False,
              "current": {"Tổng điểm": shown(result.total, POINTS), "Chỉ số (%)": shown(result.index, places),
                          "Xếp loại": labels[result.grade], "Thứ hạng": str(result.rank or "—")},
              **{f"goal {kind}": goal for kind, goal in expected_goals(result, results, tiers, places).items()}}
    got = {"summary": page.find("p", cls="planner-summary").text(),
           "stale": "Điểm đã thay đổi sau lần tính kết quả" in page.text(), "current": current,
           **{f"goal {kind}": (list(goal[0]), goal[1], goal[2]) for kind, goal in shown_goals(page).items()}}
    wanted = {key: (list(value[0]), value[1], value[2]) if key.startswith("goal") else value
              for key, value in wanted.items()}
    return [(result.unit.code, key, got.get(key), value) for key, value in wanted.items() if got.get(key) != value]


def test_the_planner_shows_the_engines_result_and_the_points_to_each_goal(client, leader):
    client = signed_in(client, leader)
    mismatches, kinds = [], Counter()
    for block in ("SO", "XA"):
        results = results_of(YEAR, block)
        tiers = tiers_of(results[0].framework)
        for result in (result for result in results if result.unit.code in PLANNED):
            mismatches += planner_mismatches(client, result, results, tiers)
            goal = grade_goal(result, tiers, result.framework.precision)
            kinds[("top" if goal[0][1] == "—" else "blocked" if goal[2] else "open", result.ranked)] += 1

    assert mismatches == []
    # The sample holds a unit at the top grade, units with a free way up, one a tier condition (every area index
    # >= 70 for "Xuất sắc") blocks, and an unranked unit.
    assert {("top", True), ("open", True), ("blocked", True), ("open", False)} <= set(kinds)
    assert sum(kinds.values()) == len(PLANNED)


def test_the_planners_leaves_show_the_points_lost_and_what_peers_scored(client, leader):
    result = UnitResult.objects.select_related("framework", "unit").get(year=YEAR, unit__code="SNV")
    page = page_of(signed_in(client, leader), "scoring:planner", {"pk": result.unit_id, "year": YEAR})
    scores = (LeafScore.objects.filter(assessment__cycle__year=YEAR, assessment__cycle__block=result.block,
                                       criterion__framework=result.framework)
              .select_related("criterion", "assessment").order_by("criterion__position"))
    own = {score.criterion.code: score for score in scores if score.assessment.unit_id == result.unit_id}
    peers = {}
    for score in scores:
        if score.assessment.unit_id != result.unit_id and not score.not_applicable:
            peers.setdefault(score.criterion.code, []).append(score.final_score)
    shown_rows = {row.attrs["data-leaf"]: row.cells()[1:] for row in page.find_all("tr", data_leaf=True)}

    expected, lost = {}, Decimal(0)
    for code, score in own.items():
        leaf = score.criterion
        if score.not_applicable or leaf.method == "bonus":
            continue
        final = score.final_score or Decimal(0)
        recoverable = final if leaf.method == "penalty" else leaf.max_points - final
        if recoverable <= 0:
            continue
        lost += recoverable if leaf.method != "penalty" else 0
        values = peers.get(code, [])
        if leaf.method == "penalty":
            average, full = half_up(sum(v or 0 for v in values) / len(values), POINTS), sum(not v for v in values)
        else:
            scored = [v for v in values if v is not None]
            average, full = half_up(sum(scored) / len(scored), POINTS), sum(v == leaf.max_points for v in scored)
        expected[code] = [shown(leaf.max_points, POINTS), shown(score.final_score, POINTS),
                          shown(recoverable, POINTS), "", shown(average, POINTS), f"{full}/{len(values)}"]
    assert len(expected) > 20
    assert {code: cells[:3] + cells[4:] for code, cells in shown_rows.items()} == {
        code: cells[:3] + cells[4:] for code, cells in expected.items()}
    assert list(shown_rows) == sorted(expected, key=lambda code: -Decimal(expected[code][2].replace(",", ".")))
    assert lost == result.max_total - result.appraised - result.survey  # what the engine's result lost


# --- 3. The ranking dashboard --------------------------------------------------------------------------------------


def table_order(results):
    """The dashboard's default order: by group, ranked units by rank, then the units left out, by code."""
    return sorted(results, key=lambda r: (r.group, r.rank is None, r.rank or 0, r.unit.code))


def expected_row(result, labels, places):
    change = f"{rank_move(result.rank_change)} {'không so sánh được' if result.comparable is False else ''}"
    return [str(result.rank) if result.rank else "không xếp hạng",
            f"{result.unit.name} {result.unit.code}{' chưa đủ điểm' if result.incomplete else ''}",
            result.group or "—", shown(result.index, places), labels.get(result.grade, "—"), change.strip(),
            shown(result.index_change, places, sign=True, none="")]


def extremes(results, places, *, best):
    ranked = [r for r in results if r.rank is not None and r.index is not None]
    order = sorted(ranked, key=lambda r: ((-r.index, r.rank) if best else (r.index, -r.rank), r.unit.code))
    return [f"{r.unit.name} {shown(r.index, places)}" for r in order[:5]]


@pytest.mark.parametrize(("block", "group"), [("SO", ""), ("XA", ""), ("XA", "Xã")])
def test_the_ranking_dashboard_shows_the_engines_ranking_and_figures(client, leader, block, group):
    results = [r for r in results_of(YEAR, block) if r.group == group or not group]
    framework, places = results[0].framework, results[0].framework.precision
    tiers = tiers_of(framework)
    labels = {tier.code: tier.label for tier in tiers}
    page = page_of(signed_in(client, leader), "scoring:dashboard",
                   query={"year": YEAR, "block": block, "group": group, "per_page": 100})
    rows = page.find("table", cls="ranking-table").find_all("tr", data_unit=True)

    assert [row.attrs["data-unit"] for row in rows] == [r.unit.code for r in table_order(results)]
    assert [row.cells()[1:] for row in rows] == [expected_row(r, labels, places) for r in table_order(results)]
    figures = {name: page.find(data_figure=name).text() for name in ("units", "average", "rose", "fell", "held")}
    assert figures == {"units": str(len(results)), "average": shown(mean([r.index for r in results], places), places),
                       "rose": f"▲ {sum(r.rank_change > 0 for r in results if r.rank_change is not None)}",
                       "fell": f"▼ {sum(r.rank_change < 0 for r in results if r.rank_change is not None)}",
                       "held": str(sum(r.rank_change == 0 for r in results))}
    grades = Counter(r.grade for r in results)
    assert [row.cells() for row in page.find("table", cls="distribution-table").find_all("tr")[1:]] == [
        [tier.label, str(grades[tier.code])] for tier in tiers]
    assert [item.text() for item in page.find("ol", data_list="top").find_all("li")] == extremes(
        results, places, best=True)
    assert [item.text() for item in page.find("ol", data_list="bottom").find_all("li")] == extremes(
        results, places, best=False)
    heat = page.find("table", cls="heatmap")
    codes = heat.find("thead").find("tr").cells()[1:]
    assert codes == [area["code"] for area in results[0].areas if area.get("index") is not None]
    assert {row.cells()[0]: row.cells()[1:] for row in heat.find("tbody").find_all("tr")} == {
        r.unit.name: [shown({a["code"]: a.get("index") for a in r.areas}.get(code), places) for code in codes]
        for r in results}
    charted = sorted(results, key=lambda r: (-r.index, r.rank is None, r.rank or 0, r.unit.code))
    assert [row.cells() for row in page.find("table", cls="ranked-table").find_all("tr")[1:]] == [
        [str(r.rank or "—"), r.unit.name, shown(r.index, places)] for r in charted]


def test_the_dashboards_trend_shows_each_years_block_average_and_the_chosen_units(client, leader):
    page = page_of(signed_in(client, leader), "scoring:dashboard",
                   query={"year": YEAR, "block": "SO", "trend": ["SNV", "SGTVT"]})
    years = (LAST_YEAR, YEAR)
    by_year = {year: results_of(year, "SO") for year in years}
    places = {year: results[0].framework.precision for year, results in by_year.items()}
    index = {(r.unit.code, year): r.index for year, results in by_year.items() for r in results}
    names = {r.unit.code: r.unit.name for r in by_year[YEAR]}
    trend = page.find("table", cls="trend-table")

    assert trend.find("tr").cells() == ["Năm", *map(str, years)]
    assert [row.cells() for row in trend.find_all("tr")[1:]] == [
        ["Trung bình khối", *(shown(mean([r.index for r in by_year[y]], places[y]), places[y]) for y in years)],
        *([names[code], *(shown(index[(code, y)], places[y]) for y in years)] for code in ("SNV", "SGTVT"))]


def movers(results, name, places):
    key, keep = {"rose": ("rank_change", 1), "fell": ("rank_change", -1), "gained": ("index_change", 1),
                 "lost": ("index_change", -1)}[name]
    moved = sorted((r for r in results if getattr(r, key) is not None and getattr(r, key) * keep > 0),
                   key=lambda r: (-getattr(r, key) * keep, r.unit.code))[:10]
    change = {"rose": lambda r: rank_move(r.rank_change), "fell": lambda r: rank_move(r.rank_change)}.get(
        name, lambda r: shown(r.index_change, places, sign=True))
    return [[f"{r.unit.name}{' không so sánh được' if r.comparable is False else ''}",
             f"{r.previous_rank or '—'} → {r.rank or '—'}", shown(r.index, places), change(r)] for r in moved]


def plain(value):
    return format(Decimal(value).normalize(), "f").replace(".", ",")


def test_what_changed_shows_the_engines_movers_losses_and_units_near_the_next_grade(client, leader):
    results = results_of(YEAR, "SO")
    places, tiers = results[0].framework.precision, tiers_of(results[0].framework)
    page = page_of(signed_in(client, leader), "scoring:dashboard_changes", query={"year": YEAR, "block": "SO"})

    for name in ("rose", "fell", "gained", "lost"):
        table = page.find("div", data_movers=name)
        assert [row.cells() for row in table.find_all("tr")[1:]] == movers(results, name, places), name
    labels = {tier.code: tier.label for tier in tiers}
    above = {tier.code: higher for higher, tier in zip(tiers, tiers[1:])}  # the tier above each grade
    near = sorted((r for r in results if r.grade in above and 0 < above[r.grade].min_index - r.index <= 1),
                  key=lambda r: (above[r.grade].min_index - r.index, r.unit.code))
    assert near and [row.cells() for row in page.find("table", cls="near-table").find_all("tr", data_unit=True)] == [
        [r.unit.name, shown(r.index, places), labels[r.grade], above[r.grade].label,
         shown(above[r.grade].min_index, places), shown(above[r.grade].min_index - r.index, places)] for r in near]
    lost = {}
    for code, max_points, final in LeafScore.objects.filter(
            assessment__cycle__year=YEAR, assessment__cycle__block=results[0].block, not_applicable=False,
            final_score__isnull=False, criterion__method__in=["appraised", "survey"]).values_list(
            "criterion__code", "criterion__max_points", "final_score"):
        if final < max_points:
            units, points = lost.get(code, (0, Decimal(0)))
            lost[code] = (units + 1, points + max_points - final)
    leaves = {code: (maximum, position) for code, maximum, position in Criterion.objects.filter(
        framework=results[0].framework).values_list("code", "max_points", "position")}
    worst = sorted(lost, key=lambda code: (-lost[code][0], -lost[code][1], leaves[code][1]))[:15]
    assert [[row.attrs["data-criterion"], *row.cells()[2:]] for row in page.find_all("tr", data_criterion=True)] == [
        [code, plain(leaves[code][0]), f"{lost[code][0]} / {len(results)}", plain(lost[code][1])] for code in worst]


# --- 4. Who sees which unit's pages, before and after publication -------------------------------------------------


UNIT_PAGES = ("scoring:scorecard", "scoring:scorecard_pdf", "scoring:scorecard_xlsx", "scoring:planner")


def statuses(client, unit, year):
    kwargs = {"pk": unit.pk, "year": year}
    codes = {name: client.get(reverse(name, kwargs=kwargs)).status_code for name in UNIT_PAGES}
    codes["what-if"] = client.post(reverse("scoring:planner_what_if", kwargs=kwargs), {"places": "5"}).status_code
    return codes


def units_by_code(*codes):
    return [UnitResult.objects.select_related("unit").filter(unit__code=code).first().unit for code in codes]


def assert_only_own_unit(client, officer):
    own, *others = units_by_code("SNV", "SXD", "BQLKCN", "XA-001")
    assert officer.unit == own
    for year in (LAST_YEAR, YEAR):
        assert set(statuses(client, own, year).values()) == {200}, year
        for other in others:
            assert set(statuses(client, other, year).values()) == {404}, (other.code, year)


def test_whether_published_or_not_a_unit_sees_only_its_own_scorecard_and_plan(client, snv_officer):
    assert Publication.objects.filter(year=YEAR).exists() and not Publication.objects.filter(year=LAST_YEAR).exists()
    assert_only_own_unit(signed_in(client, snv_officer), snv_officer)
    assert client.get(reverse("scoring:dashboard")).status_code == 403


def test_a_units_own_pages_name_no_other_unit(client, snv_officer):
    """The planner tells a unit the index of the unit above it, not who that is (the leader's page names it)."""
    others = [r.unit.name for r in results_of(YEAR, "SO") if r.unit_id != snv_officer.unit_id]
    kwargs = {"pk": snv_officer.unit_id, "year": YEAR}
    for name in ("scoring:scorecard", "scoring:planner"):
        text = page_of(signed_in(client, snv_officer), name, kwargs).text()
        assert [other for other in others if other in text] == [], name
    goal = shown_goals(page_of(client, "scoring:planner", kwargs))["above"]
    assert goal[1][0].startswith("Đơn vị xếp ngay trên có chỉ số ")


def test_the_leader_sees_every_units_scorecard_and_plan(client, leader):
    for unit in units_by_code("SNV", "SXD", "BQLKCN", "XA-001"):
        for year in (LAST_YEAR, YEAR):
            codes = statuses(signed_in(client, leader), unit, year)
            assert set(codes.values()) == {200}, (unit.code, year, codes)


def test_after_publication_the_public_page_shows_the_ranking_and_scorecards_stay_private(client, snv_officer):
    # The demo publishes 2025 (issue 11): every block, its first version.
    publication = Publication.objects.get(year=YEAR, block__code="SO")
    public = page_of(client, "scoring:public_year", {"year": YEAR})

    assert public.find("span", id="publication-sha256").text() == publication.sha256
    for block in ("SO", "HUYEN", "XA"):
        results = table_order(results_of(YEAR, block))
        assert not any(r.incomplete for r in results)
        places = results[0].framework.precision
        labels = {tier.code: tier.label for tier in tiers_of(results[0].framework)}
        section = public.find("section", aria_labelledby=f"block-{block}")
        assert [row.cells() for row in section.find_all("tr", data_unit=True)] == [
            [str(r.rank) if r.rank else "không xếp hạng", r.unit.name, r.group or "—", shown(r.total, POINTS),
             shown(r.index, places), labels[r.grade]] for r in results]
    links = [link.attrs.get("href", "") for link in public.find_all("a")]
    assert links and not [href for href in links if "/scorecard/" in href or "/planner/" in href]
    assert_only_own_unit(signed_in(client, snv_officer), snv_officer)
