"""Dashboards, scorecards, the planner, the public page and the leader's home read one index (issue 14): PAR by
default, another by ?index=, with PAR and DTI in the same block and year (tests/scoring/two_indices_data.py)."""
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from scoring.models import Scenario, Unit
from scoring.services.publications import publication_create

from .two_indices_data import make_two_indices


@pytest.fixture
def dti(personas):
    return make_two_indices()


def page_of(client, user, url, status=200, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == status
    return response


def unit(code):
    return Unit.objects.get(code=code)


# --- Dashboards --------------------------------------------------------------------------------------------------


def test_the_dashboard_ranks_the_chosen_index_alone(client, leader, dti):
    url = reverse("scoring:dashboard")
    par = page_of(client, leader, url, year=2025, block="SO")
    other = page_of(client, leader, url, year=2025, block="SO", index="DTI")

    assert [row["unit_code"] for row in par.context["rows"]] == ["SNV", "STP", "STC"]
    assert [row["unit_code"] for row in other.context["rows"]] == ["STC", "STP", "SNV"]
    page = other.content.decode()
    assert "<strong>0,7024</strong>" in page and "<strong>90,00</strong>" not in page
    assert 'data-index="PAR"' in page and '<input type="hidden" name="index" value="DTI">' in page
    # the headline average of each index, never of both: (90 + 80 + 60) / 3 and (81.5 + 70.24 + 55) / 3
    assert par.context["headline"]["average"] == "76.67" and other.context["headline"]["average"] == "68.91"
    assert 'data-figure="average">0,6891<' in page


def test_the_dashboard_cache_keeps_each_index_apart(client, leader, dti):
    url = reverse("scoring:dashboard")
    page_of(client, leader, url, year=2025, block="SO")  # PAR's figures cached first

    other = page_of(client, leader, url, year=2025, block="SO", index="DTI")

    assert other.context["choice"].legend.framework.index.code == "DTI"
    assert other.context["headline"]["top"][0]["code"] == "STC"


def test_what_changed_reads_the_chosen_index(client, leader, dti):
    page = page_of(client, leader, reverse("scoring:dashboard_changes"), year=2025, block="SO",
                   index="DTI").content.decode()

    assert 'data-index="PAR"' in page and "index=DTI" in page


def test_a_published_dti_shows_its_published_table_on_its_scale(client, leader, coordinator, dti):
    publication_create(year=2025, block_code="SO", index_code="DTI", user=coordinator)

    page = page_of(client, leader, reverse("scoring:dashboard"), year=2025, block="SO",
                   index="DTI").content.decode()
    assert 'data-status="provisional"' not in page
    par = page_of(client, leader, reverse("scoring:dashboard"), year=2025, block="SO").content.decode()
    assert 'data-status="provisional"' in par


# --- Scorecards --------------------------------------------------------------------------------------------------


def test_the_scorecard_reads_the_chosen_index(client, leader, dti):
    url = reverse("scoring:scorecard", args=[unit("STP").pk, 2025])
    par = page_of(client, leader, url)
    other = page_of(client, leader, url, index="DTI")

    assert par.context["card"].result.index_code == "PAR" and "Chỉ số (%)" in par.content.decode()
    page = other.content.decode()
    assert other.context["card"].result.index_code == "DTI"
    assert 'data-figure="index">0,7024<' in page and "Chỉ số (0–1)" in page
    assert "Phiếu điểm Sở Tư pháp năm 2025 · Chỉ số chuyển đổi số (DTI)" in page
    assert "?index=DTI" in page and 'data-index="PAR"' in page


def test_the_scorecard_files_hold_the_chosen_index(client, leader, dti):
    pk = unit("STP").pk
    pdf = page_of(client, leader, reverse("scoring:scorecard_pdf", args=[pk, 2025]), index="DTI")
    xlsx = page_of(client, leader, reverse("scoring:scorecard_xlsx", args=[pk, 2025]), index="DTI")

    assert 'filename="phieu-diem-DTI-2025-STP.pdf"' in pdf["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    assert "0,7024" in text and "CHỈ SỐ CHUYỂN ĐỔI SỐ (DTI)" in text
    sheet = load_workbook(BytesIO(xlsx.content)).worksheets[0]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert str(values["Chỉ số (0–1)"]) == "0.7024"


# --- The planner -------------------------------------------------------------------------------------------------


def test_the_planner_plans_the_chosen_index_and_keeps_its_scenarios_apart(client, leader, dti):
    stp = unit("STP")
    url = reverse("scoring:planner", args=[stp.pk, 2025])
    other = page_of(client, leader, url, index="DTI")

    assert other.context["plan"].stored.index_code == "DTI" and other.context["plan"].rank == 2
    assert 'data-current="index">0,7024<' in other.content.decode()
    client.post(reverse("scoring:planner_scenario_save", args=[stp.pk, 2025]),
                {"index": "DTI", "name": "DTI thử", "leaf-1.1": "10"})
    assert Scenario.objects.get().index_code == "DTI"
    assert page_of(client, leader, url).context["scenarios"].paginator.count == 0
    assert page_of(client, leader, url, index="DTI").context["scenarios"].paginator.count == 1


def test_the_province_planner_reads_the_chosen_index(client, leader, dti):
    response = page_of(client, leader, reverse("scoring:planner_province", args=[2025]), block="SO", index="DTI")

    assert response.context["framework"].index.code == "DTI"
    assert "&amp;index=DTI" in response.content.decode()


# --- The public page and the leader's home ----------------------------------------------------------------------


def test_the_public_year_lists_each_index_published(client, coordinator, dti):
    publication_create(year=2025, block_code="SO", user=coordinator)
    publication_create(year=2025, block_code="SO", index_code="DTI", user=coordinator)
    client.logout()

    page = client.get(reverse("scoring:public_year", args=[2025])).content.decode()

    assert page.index('data-index="PAR"') < page.index('data-index="DTI"')
    assert "0,7024" in page and "90,00" in page and "Kết quả các chỉ số năm 2025" in page
    content = client.get(reverse("scoring:public_content", args=[2025]), {"block": "SO", "index": "DTI"})
    assert content.json()["index"] == "DTI"
    assert "index" not in client.get(reverse("scoring:public_content", args=[2025]), {"block": "SO"}).json()


def test_publishing_dti_alone_leaves_the_public_par_page_as_before(client, coordinator, dti):
    publication_create(year=2025, block_code="SO", index_code="DTI", user=coordinator)
    client.logout()

    assert client.get(reverse("scoring:public_content", args=[2025]), {"block": "SO"}).status_code == 404
    page = client.get(reverse("scoring:public_year", args=[2025])).content.decode()
    assert "Kết quả chỉ số CCHC năm 2025" in page and 'data-index="DTI"' in page


def test_the_leaders_home_has_a_headline_per_index(client, leader, dti):
    page = page_of(client, leader, reverse("home")).content.decode()

    assert 'data-index="PAR"' in page and 'data-index="DTI"' in page
    assert "76,67%" in page and "0,6891" in page and "&amp;index=DTI" in page


def test_the_dashboard_charts_draw_dti_on_0_to_1(client, leader, dti):
    url = reverse("scoring:dashboard")
    par = page_of(client, leader, url, year=2025, block="SO").context["chart_data"]
    other = page_of(client, leader, url, year=2025, block="SO", index="DTI").context["chart_data"]

    assert "max" not in par and par["ranked"]["units"][0]["index"] == "90.00"
    assert other["max"] == 1 and [unit["index"] for unit in other["ranked"]["units"]] == ["0.8150", "0.7024", "0.5500"]
    assert other["trend"]["average"] == ["0.6891"] and other["text"]["index"] == "Chỉ số (0–1)"
