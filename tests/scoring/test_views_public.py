"""The public page of a published year: no login, the latest publication's tables and hash, nothing else."""
import hashlib
import re

import pytest
from django.urls import reverse

from scoring.models import Publication, UnitResult
from scoring.services.publications import publication_create
from tests.scoring.results_data import make_province

YEARS = reverse("scoring:public_years")


def year_url(year):
    return reverse("scoring:public_year", args=[year])


@pytest.fixture
def published(db):
    """The hand-checked province's 2024 results computed by the engine (every file complete), then published."""
    make_province()
    publication = publication_create(year=2024, block_code="SO", note="Quyết định 123/QĐ-UBND")
    publication_create(year=2024, block_code="XA", note="Quyết định 123/QĐ-UBND")
    return publication


def test_anyone_reads_a_published_year_without_signing_in(client, published):
    response = client.get(year_url(2024))
    page = response.content.decode()

    assert response.status_code == 200
    assert "Kết quả chỉ số CCHC năm 2024</h1>" in page
    assert f'<span class="hash" id="publication-sha256">{published.sha256}</span>' in page
    assert "<dt>Lần công bố</dt><dd>1</dd>" in page
    assert f"<dd>{published.published_at.astimezone().strftime('%d/%m/%Y')}</dd>" in page


def test_the_tables_show_the_engines_ranks_indices_and_grades_per_block(client, published):
    page = client.get(year_url(2024)).content.decode()

    for result in UnitResult.objects.filter(year=2024).select_related("unit", "framework"):
        row = re.search(rf'<tr data-unit="{result.unit.code}">(.*?)</tr>', page, re.S).group(1)
        index = f"{result.index:.2f}".replace(".", ",")
        assert f"<strong>{index}</strong>" in row, result.unit.code
        assert f"Loại {result.grade}</span>" in row
        rank = str(result.rank) if result.rank else "không xếp hạng"
        assert re.search(rf'<td class="num">(<span[^>]*>)?{rank}', row), result.unit.code
    assert page.index('id="block-SO"') < page.index('id="block-XA"')


def test_the_page_shows_the_snapshot_not_the_live_results(client, published):
    UnitResult.objects.filter(year=2024, unit__code="SNV").update(index="12.34")

    page = client.get(year_url(2024)).content.decode()

    snv = re.search(r'<tr data-unit="SNV">(.*?)</tr>', page, re.S).group(1)
    assert "<strong>90,00</strong>" in snv and "12,34" not in page


def test_the_latest_version_of_the_year_is_shown(client, published):
    UnitResult.objects.filter(year=2024, unit__code="SNV").update(index="99.5")
    correction = publication_create(year=2024, block_code="SO")

    page = client.get(year_url(2024)).content.decode()

    assert correction.version == 2
    assert correction.sha256 in page and published.sha256 not in page
    assert "<dt>Lần công bố</dt><dd>2</dd>" in page


def test_nothing_but_the_published_table_is_on_the_page(client, published):
    page = client.get(year_url(2024)).content.decode()

    assert "/units/" not in page and "/dashboard/" not in page and "/results/" not in page
    assert "Tự đánh giá" not in page and "self_total" not in page
    assert "Quyết định 123/QĐ-UBND" not in page  # the board's internal note stays inside
    assert "Đăng xuất" not in page


def test_the_content_download_is_the_bytes_the_hash_was_computed_over(client, published):
    response = client.get(reverse("scoring:public_content", args=[2024]))

    assert hashlib.sha256(response.content).hexdigest() == published.sha256
    assert "attachment" in response["Content-Disposition"]
    assert "cong-bo-ket-qua-2024-SO-lan-1.json" in response["Content-Disposition"]


@pytest.mark.parametrize("url", [year_url(2030), reverse("scoring:public_content", args=[2030])])
def test_a_year_not_published_answers_404_with_a_vietnamese_page(client, published, url):
    response = client.get(url)
    page = response.content.decode()

    assert response.status_code == 404
    assert "Kết quả năm 2030 chưa được công bố" in page
    assert f'<a href="{year_url(2024)}">2024</a>' in page


def test_the_list_names_each_published_year_with_its_latest_version(client, published):
    Publication.objects.create(year=2023, version=1, content={"year": 2023, "blocks": []}, sha256="a" * 64)

    page = client.get(YEARS).content.decode()

    assert page.index(f'href="{year_url(2024)}"') < page.index(f'href="{year_url(2023)}"')
    assert "công bố lần 1" in page


def test_an_empty_list_says_nothing_is_published_yet(client, db):
    assert "Chưa có năm nào được công bố." in client.get(YEARS).content.decode()


def test_the_public_page_reads_the_publication_in_a_fixed_number_of_queries(client, published,
                                                                             django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert client.get(year_url(2024)).status_code == 200
