"""Provisional and official (rule 14): every view of a block's results says "Tạm tính" until the block's year is
published, then carries the version and its SHA-256; publish_results does what the page does."""
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from scoring.models import LeafScore, Publication, Unit, UnitResult
from scoring.selectors import decimal_text
from scoring.selectors.status import results_status
from scoring.services.results import results_compute
from tests.conftest import make_user
from tests.scoring.results_data import make_province


@pytest.fixture
def province(db):
    make_province()
    results_compute(year=2025)


@pytest.fixture
def leader(db):
    return make_user("lanhdao", role="leader")


def signed_in(client, user):
    client.force_login(user)
    return client


def pdf_text(content):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def published(year=2024, block="SO"):
    call_command("publish_results", year=year, block=block, stdout=io.StringIO())
    return Publication.objects.filter(year=year, block__code=block).order_by("-version").first()


def views_of(client, year, block="SO"):
    """What the scorecard page, its PDF and workbook, the ranking PDF, the results page, the API and the export
    command say of SNV's block that year."""
    snv = Unit.objects.get(code="SNV")
    card = {"pk": snv.pk, "year": year}
    query = {"year": year, "block": block}
    export = io.StringIO()
    call_command("export_results", year=year, block=block, stdout=export)
    workbook = load_workbook(io.BytesIO(client.get(reverse("scoring:scorecard_xlsx", kwargs=card)).content))
    ranking = load_workbook(io.BytesIO(client.get(reverse("scoring:results_export"), query).content))
    return {
        "page": client.get(reverse("scoring:scorecard", kwargs=card)).content.decode(),
        "pdf": pdf_text(client.get(reverse("scoring:scorecard_pdf", kwargs=card)).content),
        "xlsx": workbook.worksheets[0]["B1"].value,
        "ranking_pdf": pdf_text(client.get(reverse("scoring:results_export_pdf"), query).content),
        "ranking_xlsx": ranking.worksheets[0]["A1"].value.split(" · ", 1)[1],
        "results": client.get(reverse("scoring:results"), query).content.decode(),
        "dashboard": client.get(reverse("scoring:dashboard"), query).content.decode(),
        "api": client.get(reverse("scoring_api:result_list"), query).json(),
        "export": json.loads(export.getvalue()),
    }


def test_every_view_of_a_year_not_published_says_provisional(client, leader, province):
    views = views_of(signed_in(client, leader), 2025)

    for name in ("page", "results", "dashboard"):
        assert 'data-status="provisional"' in views[name] and "Tạm tính" in views[name], name
    assert "TẠM TÍNH" in views["pdf"] and "TẠM TÍNH" in views["ranking_pdf"]
    assert views["xlsx"] == views["ranking_xlsx"] == "Tạm tính"
    assert views["api"]["status"] == views["export"]["status"] == "provisional"
    assert "version" not in views["api"] and "sha256" not in views["export"]


def test_every_view_of_a_published_year_carries_its_version_and_sha256(client, leader, province):
    results_compute(year=2024)
    publication = published(2024)

    views = views_of(signed_in(client, leader), 2024)

    official = f"Chính thức · công bố lần 1 · SHA-256 {publication.sha256}"
    for name in ("page", "results", "dashboard"):
        assert 'data-status="published"' in views[name] and publication.sha256 in views[name], name
        assert "Tạm tính" not in views[name], name
    assert "TẠM TÍNH" not in views["pdf"] and publication.sha256 in views["pdf"].replace("\n", "")
    assert views["xlsx"] == views["ranking_xlsx"] == official
    for name in ("api", "export"):
        assert (views[name]["status"], views[name]["version"], views[name]["sha256"]) == (
            "published", 1, publication.sha256), name


def test_a_published_year_recomputed_to_other_figures_is_provisional_again_until_its_correction(province):
    results_compute(year=2024)
    published(2024)
    LeafScore.objects.filter(assessment__unit__code="SNV", assessment__cycle__year=2024,
                             criterion__code="1.1").update(final_score=0)
    results_compute(year=2024)
    so = UnitResult.objects.filter(year=2024, block__code="SO").first().block

    assert (results_status(2024, so).published, results_status(2024, so).corrected) == (False, True)
    correction = published(2024)
    assert (correction.version, results_status(2024, so).version) == (2, 2)


def test_recomputing_to_the_same_figures_keeps_the_publication(province):
    results_compute(year=2024)
    published(2024)
    results_compute(year=2024)  # new computed_at, same numbers

    assert results_status(2024, Unit.objects.get(code="SNV").block).published


def test_publish_results_refuses_listing_every_unit_that_stops_it_with_the_page_that_resolves_it(province):
    LeafScore.objects.filter(assessment__unit__code="SNV", assessment__cycle__year=2025,
                             criterion__code="2.1").update(final_score=None)
    results_compute(year=2025)

    with pytest.raises(CommandError) as refusal:
        call_command("publish_results", year=2025, block="SO", stdout=io.StringIO())

    # SNV: appraised file with a leaf not scored; SVH: on the roster, never submitted a file.
    message = str(refusal.value)
    assert "2 đơn vị chưa đủ điểm" in message
    assert "SNV (chưa thẩm định xong: /appraisal/cycles/" in message
    assert "SVH (chưa nộp hồ sơ: /cycles/" in message and "/roster/" in message
    assert not Publication.objects.exists()


def test_leaders_read_the_published_version_until_its_correction_is_published(client, province):
    """Rule 14: a correction is a new version. Recomputed to other figures after publication, the leader's
    dashboard keeps the published figures; a coordinator may switch to the recomputed (provisional) ones;
    publishing version 2 makes them the default."""
    results_compute(year=2024)
    first = published(2024)
    snv_before = UnitResult.objects.get(year=2024, unit__code="SNV").total
    LeafScore.objects.filter(assessment__unit__code="SNV", assessment__cycle__year=2024,
                             criterion__code="1.1").update(final_score=0)
    results_compute(year=2024)
    snv_after = UnitResult.objects.get(year=2024, unit__code="SNV").total
    assert snv_after < snv_before
    dashboard = reverse("scoring:dashboard")
    query = {"year": 2024, "block": "SO"}

    def snv_total(response):
        return re.search(r'<tr data-unit="SNV">(.*?)</tr>', response.content.decode(), re.S).group(1)

    leader_page = signed_in(client, make_user("lanhdao", role="leader")).get(dashboard, query)
    html = leader_page.content.decode()
    assert "Chính thức · công bố lần 1" in html and first.sha256 in html and "Tạm tính" not in html
    assert f"{snv_before:.3f}".replace(".", ",") in snv_total(leader_page)
    assert "Xem số liệu tính lại (tạm tính)" not in html  # the switch is the managers'
    assert signed_in(client, make_user("lanhdao2", role="leader")).get(
        dashboard, {**query, "figures": "provisional"}).content.decode().count(first.sha256) == 1

    coordinator = signed_in(client, make_user("dieuphoi", role="coordinator"))
    official = coordinator.get(dashboard, query).content.decode()
    assert "Xem số liệu tính lại (tạm tính)" in official and "Chính thức · công bố lần 1" in official
    provisional = coordinator.get(dashboard, {**query, "figures": "provisional"})
    text = provisional.content.decode()
    assert "Tạm tính · đã tính lại sau lần công bố 1" in text and "Xem số liệu đã công bố" in text
    snv = next(row for row in provisional.context["rows"] if row["unit_code"] == "SNV")
    live = UnitResult.objects.select_related("framework").get(year=2024, unit__code="SNV")
    assert snv["index"] == decimal_text(live.index, live.framework.precision)

    # The scorecard says it is a correction and gives the unit's figures as published.
    snv_unit = Unit.objects.get(code="SNV")
    card = signed_in(client, make_user("lanhdao4", role="leader")).get(
        reverse("scoring:scorecard", kwargs={"pk": snv_unit.pk, "year": 2024})).content.decode()
    first_row = next(row for row in first.content["blocks"][0]["results"] if row["unit_code"] == "SNV")
    assert "Tạm tính · đã tính lại sau lần công bố 1" in card
    assert f"Số liệu đã công bố (lần 1): chỉ số {first_row['index'].replace('.', ',')}, hạng {first_row['rank']}" in card

    second = published(2024)
    leader_page = signed_in(client, make_user("lanhdao3", role="leader")).get(dashboard, query)
    html = leader_page.content.decode()
    assert second.version == 2 and "Chính thức · công bố lần 2" in html and second.sha256 in html
    assert next(row for row in leader_page.context["rows"] if row["unit_code"] == "SNV")["index"] == snv["index"]
    assert "Xem số liệu tính lại (tạm tính)" not in signed_in(client, make_user("dieuphoi2", role="coordinator")).get(
        dashboard, query).content.decode()
