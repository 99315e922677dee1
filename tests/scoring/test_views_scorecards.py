"""The scorecard page, its PDF and workbook downloads, the ranking PDF and the bulk job's routes. Figures are those
of scorecard_data.py (the engine's output, checked by hand in test_selectors_scorecards.py)."""
import json
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from scoring.models import Job, JobStatus, Role, Unit

from .pillars_data import make_pillar_block
from .scorecard_data import make_evidence, make_scored_block, make_survey_answers


@pytest.fixture
def block(personas, own_unit, other_unit):
    return make_scored_block(own_unit, other_unit)


def signed_in(client, user):
    client.force_login(user)
    return client


def scorecard_url(unit, year=2025, name="scoring:scorecard"):
    return reverse(name, kwargs={"pk": unit.pk, "year": year})


def test_the_page_shows_the_headline_with_a_decimal_comma(client, leader, block, own_unit):
    page = signed_in(client, leader).get(scorecard_url(own_unit)).content.decode()

    assert "Phiếu điểm Sở Nội vụ năm 2025</h1>" in page
    assert '<strong data-figure="index">96,00</strong>' in page
    assert '<span data-figure="block-average">74,50</span>' in page
    assert 'data-figure="grade" style="--grade-colour: #1b7f3b">Loại A</strong>' in page
    assert '<strong data-figure="rank">1<small>/3</small></strong>' in page
    assert "▲</span> tăng 1 bậc" in page and "+16,00" in page and "năm trước: 80,00" in page
    assert "không so sánh được" not in page


def test_the_page_links_its_pdf_its_workbook_and_the_blocks_ranking_pdf(client, leader, block, own_unit):
    page = signed_in(client, leader).get(scorecard_url(own_unit)).content.decode()

    assert f'href="{scorecard_url(own_unit, name="scoring:scorecard_pdf")}"' in page
    assert f'href="{scorecard_url(own_unit, name="scoring:scorecard_xlsx")}"' in page
    assert f'href="{reverse("scoring:results_export_pdf")}?year=2025&amp;block=SO"' in page


def test_the_page_shows_the_parts_and_the_points_lost(client, leader, block, own_unit):
    page = signed_in(client, leader).get(scorecard_url(own_unit)).content.decode()

    for figure, value in (("appraised", "37,000"), ("survey", "9,000"), ("bonus", "2,000"), ("penalty", "0,000"),
                          ("total", "48,000 / 50,000"), ("points-lost", "4,000")):
        assert f'data-figure="{figure}">{value}' in page


def test_the_area_table_and_the_chart_data_hold_the_same_figures(client, leader, block, own_unit):
    response = signed_in(client, leader).get(scorecard_url(own_unit))
    page = response.content.decode()

    chart = response.context["chart"]
    assert chart["unit"] == ["95.00", "90.00", "90.00"] and chart["average"] == ["75.00", "73.33", "73.33"]
    assert json.dumps(chart["labels"][0], ensure_ascii=False)[1:-1] in page  # json_script escapes nothing here
    assert 'id="scorecard-chart-data"' in page and "vendor/chartjs/chart.umd.min.js" in page
    row = page.split('<tr data-area="1">')[1].split("</tr>")[0]
    assert all(value in row for value in ("19,000", "20,000", "95,00", "75,00", "+15,00"))


def test_every_leaf_row_shows_its_rounds_reason_and_loss(client, leader, block, own_unit):
    page = signed_in(client, leader).get(scorecard_url(own_unit)).content.decode()

    row = page.split('data-code="1.1">')[1].split("</tr>")[0]
    for column, value in (("self", "10,000"), ("round1", "8,000"), ("round2", "9,000"), ("final", "9,000"),
                          ("lost", "1,000"), ("reason", "Đã bổ sung kế hoạch khi giải trình")):
        assert f'data-col="{column}">' in row and value in row.split(f'data-col="{column}">')[1].split("</td>")[0]


def test_evidence_links_lead_to_the_download_route(client, leader, block, own_unit):
    evidence = make_evidence(own_unit)

    page = signed_in(client, leader).get(scorecard_url(own_unit)).content.decode()

    assert f'href="{reverse("scoring:evidence_download", kwargs={"pk": evidence.pk})}"' in page
    assert "12/QĐ-SNV 15/01/2025" in page


def test_survey_points_show_their_response_counts(client, leader, block, own_unit, other_unit):
    make_survey_answers(own_unit, other_unit)

    page = signed_in(client, leader).get(scorecard_url(own_unit)).content.decode()

    row = page.split('class="table survey-table"')[1].split('data-code="3.1">')[1].split("</tr>")[0]
    assert "9,000" in row and '<td class="num">3</td>' in row


def test_a_unit_user_opens_its_own_scorecard_and_not_another_units(client, personas, block, own_unit, other_unit):
    client = signed_in(client, personas[Role.UNIT_OFFICER])

    assert client.get(scorecard_url(own_unit)).status_code == 200
    for name in ("scoring:scorecard", "scoring:scorecard_pdf", "scoring:scorecard_xlsx"):
        assert client.get(scorecard_url(other_unit, name=name)).status_code == 404


def test_only_managers_are_offered_the_block_zip(client, personas, block, own_unit):
    zip_url = reverse("scoring:scorecards_zip")

    assert zip_url in signed_in(client, personas[Role.COORDINATOR]).get(scorecard_url(own_unit)).content.decode()
    assert zip_url not in signed_in(client, personas[Role.LEADER]).get(scorecard_url(own_unit)).content.decode()


def test_a_year_without_a_result_says_so_and_offers_the_years_that_have_one(client, leader, block, own_unit):
    page = signed_in(client, leader).get(scorecard_url(own_unit, 2023)).content.decode()

    assert "Đơn vị chưa có kết quả năm 2023." in page
    assert f'href="{scorecard_url(own_unit, 2024)}"' in page
    assert client.get(scorecard_url(own_unit, 2023, "scoring:scorecard_pdf")).status_code == 404
    assert client.get(scorecard_url(own_unit, 1900)).status_code == 404


def test_the_page_costs_the_same_queries_with_more_evidence(client, leader, block, own_unit,
                                                            django_assert_max_num_queries):
    for code in ("1.1", "1.2", "2.1"):
        make_evidence(own_unit, code, title=f"Tài liệu {code}")
    client = signed_in(client, leader)

    with django_assert_max_num_queries(19):  # +2: provisional or published, whether the survey is held; +1 indices
        client.get(scorecard_url(own_unit))


# --- Downloads -------------------------------------------------------------------------------------------------


def test_the_pdf_is_an_attachment_named_after_the_unit_and_year(client, leader, block, own_unit):
    response = signed_in(client, leader).get(scorecard_url(own_unit, name="scoring:scorecard_pdf"))

    assert response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="phieu-diem-2025-SNV.pdf"' == response["Content-Disposition"]
    assert "96,00" in "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)


def test_the_workbook_is_an_attachment(client, leader, block, own_unit):
    response = signed_in(client, leader).get(scorecard_url(own_unit, name="scoring:scorecard_xlsx"))

    assert response["Content-Disposition"] == 'attachment; filename="phieu-diem-2025-SNV.xlsx"'
    assert response.content[:2] == b"PK"


def test_the_downloaded_workbook_lists_the_evidence_of_each_leaf(client, leader, block, own_unit):
    from openpyxl import load_workbook

    make_evidence(own_unit)

    response = signed_in(client, leader).get(scorecard_url(own_unit, name="scoring:scorecard_xlsx"))

    cells = [str(cell.value) for sheet in load_workbook(BytesIO(response.content)).worksheets
             for row in sheet.iter_rows() for cell in row if cell.value]
    assert any("Quyết định ban hành kế hoạch CCHC năm 2025" in cell and "12/QĐ-SNV" in cell for cell in cells)


def test_the_ranking_pdf_holds_what_the_user_may_see(client, personas, block):
    url = reverse("scoring:results_export_pdf")
    for role, units in ((Role.LEADER, ["Sở Nội vụ", "Sở Tài chính", "Sở Tư pháp"]), (Role.UNIT_HEAD, ["Sở Nội vụ"])):
        response = signed_in(client, personas[role]).get(url, {"year": 2025, "block": "SO"})

        text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
        assert response["Content-Disposition"] == 'attachment; filename="ket-qua-2025-SO.pdf"'
        assert [name for name in ("Sở Nội vụ", "Sở Tài chính", "Sở Tư pháp") if name in text] == units


def test_the_ranking_pdf_needs_a_year_and_a_known_block(client, leader, block):
    client = signed_in(client, leader)
    url = reverse("scoring:results_export_pdf")

    assert client.get(url, {"year": 2025}).status_code == 400
    assert "Cần chọn năm và khối" in client.get(url, {"year": 2025}).content.decode()
    assert client.get(url, {"year": 2025, "block": "KHONG"}).status_code == 404


# --- The bulk job ----------------------------------------------------------------------------------------------


def test_a_manager_starts_the_block_zip_and_lands_on_its_job_page(client, coordinator, block):
    response = signed_in(client, coordinator).post(reverse("scoring:scorecards_zip"), {"year": 2025, "block": "SO"})

    job = Job.objects.get(kind="scorecards_zip")
    assert response.url == reverse("scoring:job_detail", args=[job.pk])
    assert (job.scope, job.params, job.created_by) == ("scorecards:2025:SO", {"year": 2025, "block": "SO"},
                                                       coordinator)


def test_an_unknown_block_is_refused_with_a_message(client, coordinator, block):
    response = signed_in(client, coordinator).post(reverse("scoring:scorecards_zip"), {"year": 2025, "block": "X"},
                                                   follow=True)

    assert "Không có khối X." in response.content.decode()
    assert not Job.objects.exists()


def test_a_leader_may_not_start_the_block_zip(client, leader, block):
    response = signed_in(client, leader).post(reverse("scoring:scorecards_zip"), {"year": 2025, "block": "SO"})

    assert response.status_code == 403


def test_the_download_waits_for_the_job_to_finish(client, coordinator, block):
    job = Job.objects.create(kind="scorecards_zip", scope="scorecards:2025:SO", status=JobStatus.RUNNING,
                             params={"year": 2025, "block": "SO"}, created_by=coordinator)
    client = signed_in(client, coordinator)

    assert client.get(reverse("scoring:report_download", args=[job.pk])).status_code == 404
    page = client.get(reverse("scoring:job_detail", args=[job.pk])).content.decode()
    assert "Khi in xong, đường dẫn tải tệp ZIP hiện ở đây." in page


def test_the_page_shows_each_pillars_index_rank_and_change(client, leader):
    make_pillar_block()
    signed_in(client, leader)

    response = client.get(scorecard_url(Unit.objects.get(code="U2")))

    page = response.content.decode()
    assert [(line.title, line.index, line.rank, line.rank_change, line.change)
            for line in response.context["card"].pillars] == [
        ("Chính quyền số", Decimal("75.00"), 3, -1, Decimal("25.00")),
        ("Kinh tế số", Decimal("100.00"), 1, 1, Decimal("50.00"))]
    assert 'id="pillars"' in page and "Chỉ số trụ cột" in page
    assert '<th scope="row">Kinh tế số</th>' in page and "+50,00" in page


def test_the_pdf_shows_the_pillars_after_the_areas(client, leader):
    make_pillar_block()

    response = signed_in(client, leader).get(scorecard_url(Unit.objects.get(code="U2"), name="scoring:scorecard_pdf"))

    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Chỉ số trụ cột" in text and "Kinh tế số" in text and "100,00" in text


def test_the_page_of_a_framework_without_pillars_has_no_pillar_table(client, leader, block, own_unit):
    signed_in(client, leader)

    assert 'id="pillars"' not in client.get(scorecard_url(own_unit)).content.decode()
