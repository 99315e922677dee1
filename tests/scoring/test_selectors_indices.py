"""A unit's every index, and the conference report, read from the engine's rows and the editions' rows."""
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from scoring.models import Publication
from scoring.reports.conference import grade_sentence
from scoring.selectors.indices import GradeCount, conference_report, unit_indices

from .indices_data import make_indices_province

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
