"""A unit's every index, and the conference report, read from the engine's rows and the editions' rows."""
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from scoring.excel.indices import IndexRow
from scoring.models import Index, Publication, UnitResult
from scoring.reports.conference import grade_sentence
from scoring.selectors.indices import GradeCount, conference_report, unit_indices
from scoring.services.indices import edition_import
from scoring.services.publications import publication_create
from scoring.services.results import results_compute
from tests.conftest import make_block, make_framework, make_unit

from .indices_data import make_indices_province
from .results_data import import_scores

D = Decimal


@pytest.fixture
def province(db, personas):
    return make_indices_province()


def test_a_unit_reads_every_index_with_rank_changes_and_the_sub_indices_that_moved(province):
    _block, units = province
    par, ddci = unit_indices(units["SNV"], 2024)
    assert (par.code, par.value, par.grade, par.rank, par.ranked_count) == ("PAR", D("92.50"), "Loại A", 1, 3)
    assert (par.value_change, par.rank_change, par.provisional) == (D("7.50"), 1, True)
    assert [(move.code, move.rank_change) for move in par.moves] == [("1", 1)]
    assert (ddci.code, ddci.value, ddci.rank, ddci.ranked_count) == ("DDCI", D("60.02"), 1, 2)
    assert (ddci.value_change, ddci.rank_change, ddci.comparable) == (D("5.02"), 2, True)
    assert [(move.name, move.rank_change, move.rank) for move in ddci.moves] == [("Chi phí thời gian", 2, 1),
                                                                              ("Tính minh bạch", 1, 2)]


def test_a_unit_not_rated_shows_no_value_and_no_change(province):
    _block, units = province
    ddci = unit_indices(units["SXD"], 2024)[1]
    assert (ddci.rated, ddci.value, ddci.rank, ddci.value_change, ddci.rank_change) == (False, None, None, None, None)


def test_a_first_year_has_no_change(province):
    _block, units = province
    assert all(line.value_change is None and line.rank_change is None for line in unit_indices(units["SNV"], 2023))


def test_publication_lifts_the_provisional_label_of_par(province):
    _block, units = province
    Publication.objects.create(year=2024, version=1, content={}, sha256="0" * 64)
    assert unit_indices(units["SNV"], 2024)[0].provisional is False


def test_the_conference_report_gives_averages_changes_and_the_grade_distribution(province):
    block, _units = province
    report = conference_report(2024, block)
    par, ddci = report.summaries
    # SXD is incomplete: listed apart, out of the average and the distribution.
    assert (par.average, par.average_change, par.left_out) == (D("86.25"), D("-1.25"), ("SXD",))
    assert [(grade.label, grade.count, grade.of, grade.share) for grade in par.grades] == [
        ("Loại A", 1, 2, D("50.00")), ("Loại B", 1, 2, D("50.00")), ("Loại C", 0, 2, D("0.00"))]
    assert (par.rose, par.fell) == (1, 1)
    assert (ddci.average, ddci.average_change) == (D("59.01"), D("-2.66"))  # 59.01 − 61.67
    assert [row.unit.code for row in report.rows] == ["SNV", "STC", "SXD"]
    assert report.rows[0].cells["DDCI"].rank_change == 2


def test_the_grade_sentence_reads_as_the_reports_write_it():
    assert grade_sentence(GradeCount("xuất sắc", 5, 19, D("26.32"))) == \
        "05/19 đơn vị xếp loại xuất sắc, đạt tỷ lệ 26,32 %"


def signed_in(client, user):
    client.force_login(user)
    return client


def test_a_leader_reads_the_unit_page_and_downloads_the_report(province, client, leader):
    _block, units = province
    signed_in(client, leader)
    page = client.get(reverse("scoring:unit_indices", args=[units["SNV"].pk, 2024]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "92,50" in html and "60,02" in html and "tăng 2 bậc" in html and "Chi phí thời gian" in html
    report = client.get(reverse("scoring:conference_report") + "?year=2024&block=SO")
    assert "01/02 đơn vị xếp loại Loại A, đạt tỷ lệ 50,00 %" in report.content.decode()
    assert "conference.xlsx?year=2024&amp;block=SO" in report.content.decode()
    pdf = client.get(reverse("scoring:conference_report_pdf") + "?year=2024&block=SO")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("scoring:conference_report_xlsx") + "?year=2024&block=SO")
    sheet = load_workbook(BytesIO(xlsx.content)).worksheets[0]
    assert [cell.value for cell in sheet[4]][:7] == [1, "SNV", "Sở Nội vụ", D("92.5"), 1, D("7.5"), 1]


def test_a_unit_user_reads_its_own_indices_but_not_the_report(province, client, personas):
    _block, units = province
    from scoring.models import Role
    officer = personas[Role.UNIT_OFFICER]
    signed_in(client, officer)
    own = officer.unit
    assert client.get(reverse("scoring:unit_indices", args=[own.pk, 2024])).status_code == 200
    assert client.get(reverse("scoring:conference_report")).status_code == 403


# --- PAR and DTI appraised in one block and year (the engine's rows), DTI imported the year before ------------


@pytest.fixture
def dti_province(db):
    """SO 2025: PAR and DTI cycles, both computed by the engine; DTI 2024 imported on its 0-1 scale."""
    block = make_block("SO")
    units = {code: make_unit(code, block=block) for code in ("SNV", "STC", "SXD")}
    leaves = {"1.1": ("appraised", "10"), "2.1": ("appraised", "10")}
    make_framework(year=2025, block=block, leaves=leaves)
    make_framework(year=2025, block=block, leaves=leaves, version="DTI-2025", index=Index.objects.standard("DTI"))
    import_scores(2025, "SO", {"SNV": {"1.1": "9", "2.1": "9"}, "STC": {"1.1": "8", "2.1": "6"},
                               "SXD": {"1.1": "5", "2.1": "5"}})
    import_scores(2025, "SO", {"SNV": {"1.1": "6", "2.1": "8.048"}, "STC": {"1.1": "9", "2.1": "9"},
                               "SXD": {"1.1": "4", "2.1": "4"}}, index_code="DTI")
    edition_import(index=Index.objects.standard("DTI"), year=2024, block=block, version="DTI-2025", rows=[
        IndexRow(2, "SNV", D("0.6500"), 2, ()), IndexRow(3, "STC", D("0.8000"), 1, ()),
        IndexRow(4, "SXD", D("0.3000"), 3, ())])
    results_compute(year=2025)
    return block, units


def test_a_unit_reads_par_and_dti_each_from_its_own_engine_rows(dti_province):
    _block, units = dti_province
    par, dti = unit_indices(units["SNV"], 2025)
    par_row = UnitResult.objects.get(unit=units["SNV"], year=2025, index_code="PAR")
    dti_row = UnitResult.objects.get(unit=units["SNV"], year=2025, index_code="DTI")
    assert (par.code, par.value, par.rank, par.grade) == ("PAR", par_row.index, par_row.rank, "Loại A")
    assert (par.value, par.rank) == (D("90.00"), 1)
    # DTI is shown on its published 0-1 scale: the engine's 70.24 % reads 0.7024, compared with 2024's import.
    assert (dti.code, dti.value, dti.precision, dti.scale) == ("DTI", dti_row.index / 100, 4, "ratio")
    assert (dti.value, dti.rank, dti.ranked_count) == (D("0.7024"), 2, 3) and dti_row.rank == 2
    assert (dti.value_change, dti.rank_change, dti.comparable) == (D("0.0524"), 0, True)


def test_each_index_has_its_own_status(dti_province):
    _block, units = dti_province
    publication_create(year=2025, block_code="SO", index_code="DTI")
    par, dti = unit_indices(units["SNV"], 2025)
    assert (par.provisional, dti.provisional) == (True, False)


def test_the_conference_report_has_a_column_per_index_from_the_engine(dti_province):
    block, _units = dti_province
    report = conference_report(2025, block)
    assert [summary.code for summary in report.summaries] == ["PAR", "DTI"]
    assert report.rows[0].cells["DTI"].value == D("0.7024")
    assert report.summaries[1].average == D("0.6675")  # (0.7024 + 0.9 + 0.4) / 3, half up
