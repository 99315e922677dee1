"""The results pages, exports and publications read one index (issue 14): PAR by default, another by ?index=;
with PAR and DTI in the same block and year (tests/scoring/two_indices_data.py), each shows its own rows alone."""
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from scoring.models import Job, Publication
from scoring.selectors.status import results_status
from scoring.services.publications import publication_create
from tests.conftest import make_block

from .results_tables import make_block_results
from .two_indices_data import make_two_indices

RESULTS = reverse("scoring:results")


@pytest.fixture
def dti(personas):
    return make_two_indices()


def page_of(client, user, url=RESULTS, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def ranked_codes(response):
    return [row["unit_code"] for row in response.context["rows"]]


def test_the_results_page_reads_par_by_default_and_dti_when_asked(client, leader, dti):
    client.force_login(leader)
    par = client.get(RESULTS, {"year": 2025, "block": "SO"})
    other = client.get(RESULTS, {"year": 2025, "block": "SO", "index": "DTI"})

    assert ranked_codes(par) == ["SNV", "STP", "STC"] and "90,00" in par.content.decode()
    assert "0,7024" not in par.content.decode()
    assert ranked_codes(other) == ["STC", "STP", "SNV"]
    page = other.content.decode()
    assert "0,7024" in page and "0,8150" in page and "90,00" not in page
    assert "Chỉ số (0–1)" in page and "Kết quả Chỉ số chuyển đổi số (DTI) năm 2025" in page


def test_the_switcher_links_both_indices_keeping_the_year_and_block(client, leader, dti):
    page = page_of(client, leader, year=2025, block="SO")

    assert 'class="index-tabs' in page
    assert 'href="?year=2025&amp;block=SO&amp;index=DTI" data-index="DTI"' in page
    assert 'aria-current="page" data-index="PAR"' in page


def test_with_par_alone_the_page_has_no_switcher_and_reads_as_before(client, leader, personas):
    make_block_results()
    page = page_of(client, leader, year=2025, block="SO")

    assert "index-tabs" not in page and 'name="index"' not in page
    assert "Kết quả chỉ số CCHC năm 2025" in page and "Chỉ số (%)" in page


@pytest.mark.parametrize("url", [RESULTS, reverse("scoring:results_export"), reverse("scoring:results_export_pdf"),
                                 reverse("scoring:dashboard")])
def test_an_unknown_index_is_not_found(client, leader, dti, url):
    client.force_login(leader)

    response = client.get(url, {"year": 2025, "block": "SO", "index": "KHONG"})

    assert response.status_code == 404


def test_the_workbook_holds_the_chosen_index_on_its_scale(client, leader, dti):
    client.force_login(leader)
    response = client.get(reverse("scoring:results_export"), {"year": 2025, "block": "SO", "index": "DTI"})

    assert 'filename="ket-qua-DTI-2025-SO.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    assert "CHỈ SỐ CHUYỂN ĐỔI SỐ (DTI)" in sheet["A1"].value
    headers = [cell.value for cell in sheet[2]]
    column = headers.index("Chỉ số (0–1)")
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [(row[1], str(row[column])) for row in rows] == [("STC", "0.815"), ("STP", "0.7024"), ("SNV", "0.55")]
    assert sheet.cell(3, column + 1).number_format == "0.0000"


def test_the_par_workbook_is_as_before(client, leader, dti):
    client.force_login(leader)
    response = client.get(reverse("scoring:results_export"), {"year": 2025, "block": "SO"})

    assert 'filename="ket-qua-2025-SO.xlsx"' in response["Content-Disposition"]
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(min_row=3, values_only=True))
    assert [row[1] for row in rows] == ["SNV", "STP", "STC"]


def test_the_ranking_pdf_prints_the_chosen_index(client, leader, dti):
    client.force_login(leader)
    response = client.get(reverse("scoring:results_export_pdf"), {"year": 2025, "block": "SO", "index": "DTI"})

    assert 'filename="ket-qua-DTI-2025-SO.pdf"' in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "0,7024" in text and "90,00" not in text


def test_publishing_dti_leaves_par_provisional(client, coordinator, dti):
    block = make_block("SO")
    publication = publication_create(year=2025, block_code="SO", index_code="DTI", user=coordinator)

    assert publication.index_code == "DTI" and publication.content["index"] == "DTI"
    assert results_status(2025, block, "DTI").published and not results_status(2025, block).published
    par = page_of(client, coordinator, year=2025, block="SO")
    other = page_of(client, coordinator, year=2025, block="SO", index="DTI")
    assert 'data-status="provisional"' in par and "Đã công bố lần" not in par
    assert 'data-status="published"' in other and "Đã công bố lần 1" in other


def test_the_publish_button_publishes_the_index_shown(client, coordinator, dti):
    client.force_login(coordinator)
    page = client.get(RESULTS, {"year": 2025, "block": "SO", "index": "DTI"}).content.decode()
    assert '<input type="hidden" name="index" value="DTI">' in page

    response = client.post(reverse("scoring:publication_create"),
                           {"year": 2025, "block": "SO", "index": "DTI", "confirmed": "1"})

    publication = Publication.objects.get()
    assert response.status_code == 302 and publication.index_code == "DTI"
    detail = page_of(client, coordinator, reverse("scoring:publication_detail", args=[publication.pk]))
    assert "0,7024" in detail and 'data-index="DTI"' in detail
    listing = page_of(client, coordinator, reverse("scoring:publication_list"))
    assert '<td data-index="DTI">DTI</td>' in listing


def test_a_results_run_from_a_page_with_two_indices_computes_the_index_shown(client, coordinator, dti):
    client.force_login(coordinator)

    client.post(reverse("scoring:results_run"), {"year": 2025, "block": "SO", "index": "DTI"})

    job = Job.objects.get()
    assert job.params == {"year": 2025, "block": "SO", "index": "DTI"}
