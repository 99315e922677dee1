"""The PDFs are real documents: pypdf reads back Vietnamese text with its diacritics, the figures as the page shows
them, the signature block and the page numbers; the fonts are embedded."""
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import translation
from pypdf import PdfReader

from scoring.excel.results import results_columns
from scoring.reports.ranking import cell_text, ranking_pdf
from scoring.reports.scorecard import scorecard_pdf
from scoring.selectors import results_legend, results_rows
from scoring.selectors.scorecards import scorecard
from scoring.services.results import results_compute
from tests.conftest import make_framework, make_unit

from .results_data import import_scores
from .scorecard_data import make_scored_block, make_survey_answers


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def block(personas, own_unit, other_unit):
    return make_scored_block(own_unit, other_unit)


def read(content):
    reader = PdfReader(BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def embedded_fonts(reader):
    """{font name: embedded?} of every font the pages use."""
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            fonts[font["/BaseFont"]] = bool(descriptor and "/FontFile2" in descriptor.get_object())
    return fonts


def test_the_scorecard_reads_back_in_vietnamese_with_the_figures_as_shown(block, leader, own_unit, other_unit):
    make_survey_answers(own_unit, other_unit)

    reader, text = read(scorecard_pdf(scorecard(leader, own_unit, 2025)))

    assert "PHIẾU ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025" in text
    assert "Sở Nội vụ" in text and "Xếp loại" in text and "Loại A" in text
    assert "96,00" in text and "74,50" in text and "tăng 1 bậc" in text and "+16,00" in text
    assert "48,000 / 50,000" in text and "1/3" in text
    assert "Lĩnh vực 1" in text and "95,00" in text and "75,00" in text
    assert "Đã bổ sung kế hoạch khi giải trình" in text
    assert "Điểm điều tra xã hội học" in text and "Số phiếu được" in text


def test_the_scorecard_ends_with_a_signature_block_and_numbers_its_pages(block, leader, own_unit):
    reader, text = read(scorecard_pdf(scorecard(leader, own_unit, 2025)))

    assert "Người lập biểu" in text and "Thủ trưởng đơn vị" in text and "(Ký tên, đóng dấu)" in text
    pages = len(reader.pages)
    assert f"Trang 1/{pages}" in reader.pages[0].extract_text()
    assert f"Trang {pages}/{pages}" in reader.pages[-1].extract_text()


def test_only_dejavu_sans_is_used_and_it_is_embedded(block, leader, own_unit):
    reader, _text = read(scorecard_pdf(scorecard(leader, own_unit, 2025)))

    fonts = embedded_fonts(reader)
    assert fonts and all(name.endswith(("+DejaVuSans", "+DejaVuSans-Bold")) for name in fonts)
    assert all(fonts.values())


def test_a_long_tree_runs_over_several_pages_with_its_header_repeated(db, leader):
    leaves = {f"{area}.{leaf}": ("appraised", "1") for area in range(1, 9) for leaf in range(1, 16)}
    framework = make_framework(year=2025, leaves=leaves)
    unit = make_unit("SDL", "Sở Du lịch", block=framework.block)
    import_scores(2025, "SO", {"SDL": {code: "1" for code in leaves}})
    results_compute(year=2025)

    reader, _text = read(scorecard_pdf(scorecard(leader, unit, 2025)))

    assert len(reader.pages) >= 3
    assert all(page.extract_text().startswith("Mã\n Tiêu chí") for page in reader.pages[1:-1])


# --- The ranking table -----------------------------------------------------------------------------------------


def test_the_ranking_pdf_has_the_workbooks_columns_and_rows(block, leader):
    legend = results_legend(2025, block)
    rows = results_rows(2025, "SO", leader)

    reader, text = read(ranking_pdf(rows, legend))

    assert "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025" in text
    flat = " ".join(text.split())
    for column in results_columns(legend):
        if any(column.value(row) not in (None, "") for row in rows):  # an empty column is left out
            assert " ".join(column.header.split()) in flat
    assert [row["unit_name"] for row in rows] == ["Sở Nội vụ", "Sở Tài chính", "Sở Tư pháp"]
    for figure in ("96,00", "80,00", "47,50", "Loại A", "Loại B", "Loại C", "+16,00", "-10,00"):
        assert figure in text
    assert "Trang 1/1" in text


def test_an_empty_block_still_makes_a_pdf_that_says_so(block, leader):
    legend = results_legend(2023, block)

    _reader, text = read(ranking_pdf([], legend))

    assert "Chưa có kết quả của khối này trong năm." in text


@pytest.mark.parametrize(("value", "number_format", "text"), [
    (Decimal("96.5"), "0.00", "96,50"), (Decimal("-2.25"), "+0.00;-0.00;0.00", "-2,25"),
    (Decimal("2.25"), "+0.00;-0.00;0.00", "+2,25"), (3, "+0;-0;0", "+3"), (1, "0", "1"),
    (Decimal("18.5"), "0.000", "18,500"), ("Không xếp hạng", "0", "Không xếp hạng"), (None, "0.00", ""),
])
def test_a_cell_prints_with_the_decimals_of_its_excel_format(value, number_format, text):
    assert cell_text(value, number_format) == text


def test_unit_codes_never_wrap_an_incomplete_unit_is_marked_and_an_empty_group_column_is_left_out(block, leader):
    from scoring.models import Unit, UnitResult

    Unit.objects.filter(code=block_unit_code(leader)).update(code="SNNPTNTVN")
    UnitResult.objects.filter(year=2025, unit__name="Sở Tài chính").update(incomplete=True)
    legend = results_legend(2025, block)
    rows = results_rows(2025, "SO", leader)
    assert all(not row["group"] for row in rows)

    _reader, text = read(ranking_pdf(rows, legend))

    assert "SNNPTNTVN" in text.split()  # one word, never cut
    assert "Nhóm" not in text
    assert "Sở Tài chính *" in text and "* Chưa đủ điểm" in text


def block_unit_code(leader):
    return results_rows(2025, "SO", leader)[0]["unit_code"]
