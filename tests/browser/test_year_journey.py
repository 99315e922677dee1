"""A whole year of one block in Chromium (issue 11): two agencies appraise, Justice asks Sở Công Thương for an
explanation while Finance finishes its round 1, Sở Y tế never submits and the coordinator decides it, Sở Công
Thương is new this year and Sở Xây dựng absorbed Sở Giao thông vận tải, the survey's points come in, the
coordinator publishes, and an anonymous visitor reads the public page, every figure checked against the hand
arithmetic below.

Framework 2025 (and 2024, same edition): 1.1 appraised by Sở Tư pháp (max 10), 2.1 by Sở Tài chính (max 10),
3.1 survey (max 10); grades A ≥ 90, B ≥ 70, C below; index to 2 decimals.

    unit  1.1                      2.1          3.1 survey  total        index                grade  rank
    SNV   9 (accepted)             10 accepted  9           28.000       28 / 30 = 93.33      A      1
    SXD   8 (self 10, cut)         8 accepted   7.5         23.500       23.5 / 30 = 78.33    B      2
    SCT   7 (asked, round 2)       9 accepted   6           22.000       22 / 30 = 73.33      B      3
    SYT   0 (never submitted)      0            5           5.000        5 / 30 = 16.67       C      4
"""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from scoring.excel.scores import ScoreCell, ScoreRow
from scoring.models import AssessmentStatus, Criterion, LeafScore, Publication, Unit, UnitResult
from scoring.services.cycles import cycle_open
from scoring.services.results import results_compute
from scoring.services.scores import scores_import
from tests.conftest import make_agency, make_block, make_framework, make_unit, make_user

from .conftest import confirm_in_dialog, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = Decimal
LEAVES = {"1.1": ("appraised", "10"), "2.1": ("appraised", "10"), "3.1": ("survey", "10")}
GRADES = [("A", "90"), ("B", "70"), ("C", "0")]
SELF = {"SNV": {"1.1": "9", "2.1": "10"}, "SXD": {"1.1": "10", "2.1": "8"}, "SCT": {"1.1": "7", "2.1": "9"}}
SURVEY = {"SNV": "9", "SXD": "7.5", "SCT": "6", "SYT": "5"}
# rank, name, group, total, index, grade: as the public page prints them.
PUBLISHED = [["1", "Sở Nội vụ", "—", "28,000", "93,33", "Loại A"],
             ["2", "Sở Xây dựng", "—", "23,500", "78,33", "Loại B"],
             ["3", "Sở Công Thương", "—", "22,000", "73,33", "Loại B"],
             ["4", "Sở Y tế", "—", "5,000", "16,67", "Loại C"]]


def rows_of(year, block, scores):
    return [ScoreRow(number, unit, leaf, ScoreCell(), ScoreCell(value=D(value)))
            for number, (unit, leaf, value) in enumerate(
                ((unit, leaf, value) for unit, leaves in scores.items() for leaf, value in leaves.items()), start=2)]


@pytest.fixture
def year(db):
    """2024 on file (SNV 80, SXD 70, SGTVT 60, SYT 50); then SGTVT merged into SXD, SCT created, and the 2025
    cycle opened on the block's active units, files submitted with their self-scores."""
    block = make_block("SO")
    justice, finance = make_agency("STP", "Sở Tư pháp"), make_agency("STC", "Sở Tài chính")
    names = {"SNV": "Sở Nội vụ", "SXD": "Sở Xây dựng", "SGTVT": "Sở Giao thông vận tải", "SYT": "Sở Y tế"}
    units = {code: make_unit(code, name, block=block) for code, name in names.items()}
    for year_ in (2024, 2025):
        framework = make_framework(year=year_, block=block, leaves=LEAVES, grades=GRADES)
        Criterion.objects.filter(framework=framework, area_code="1").update(agency=justice)
        Criterion.objects.filter(framework=framework, area_code="2").update(agency=finance)
    shares = {"SNV": "8", "SXD": "7", "SGTVT": "6", "SYT": "5"}
    scores_import(year=2024, block_code="SO", rows=rows_of(2024, "SO", {
        code: {leaf: value for leaf in LEAVES} for code, value in shares.items()}))
    results_compute(year=2024)
    units["SGTVT"].successors.add(units["SXD"])
    Unit.objects.filter(pk=units["SGTVT"].pk).update(active=False)
    units["SCT"] = make_unit("SCT", "Sở Công Thương", block=block)
    coordinator = make_user("dieuphoi", role="coordinator")
    today = timezone.localdate()
    cycle = cycle_open(year=2025, block=block, user=coordinator, deadlines={
        "self_assessment_deadline": today - timedelta(days=10), "appraisal_deadline": today + timedelta(days=10)})
    for code, leaves in SELF.items():
        for leaf, value in leaves.items():
            LeafScore.objects.filter(assessment__cycle=cycle, assessment__unit__code=code,
                                     criterion__code=leaf).update(self_score=D(value))
    cycle.assessments.filter(unit__code__in=SELF).update(status=AssessmentStatus.SUBMITTED,
                                                         submitted_at=timezone.now())
    make_user("tuphap", role="appraiser", agency=justice)
    make_user("taichinh", role="appraiser", agency=finance)
    make_user("canbo.sct", role="unit_officer", unit=units["SCT"])
    return cycle


def go(page, live_server, name, **kwargs):
    query = kwargs.pop("query", "")
    page.goto(live_server.url + reverse(name, kwargs=kwargs) + query)


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def unit_row(page, name):
    return page.locator("table.appraisal-table tbody tr").filter(has_text=name)


def signed_in_as(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username)


def test_a_whole_year_from_two_agencies_to_the_public_page(page, live_server, year, response_statuses):
    cycle = year
    criterion = {code: Criterion.objects.get(framework=cycle.framework, code=code).pk for code in ("1.1", "2.1")}

    # --- Justice, round 1 on 1.1: accepts SNV, cuts SXD with a reason, asks SCT ---------------------------------
    signed_in_as(page, live_server, "tuphap")
    go(page, live_server, "scoring:appraisal_criterion", pk=cycle.pk, criterion_pk=criterion["1.1"])
    expect(page.locator("table.appraisal-table tbody tr")).to_have_count(3)  # SYT never submitted
    click_and_wait(page, unit_row(page, "Sở Nội vụ").get_by_role("button", name="Chấp nhận điểm tự đánh giá"))
    row = unit_row(page, "Sở Xây dựng")
    row.get_by_label("Điểm thẩm định (tối đa 10)").fill("8")
    row.get_by_label("Lý do", exact=True).fill("Thiếu kế hoạch kiểm tra quý IV")
    click_and_wait(page, row.get_by_role("button", name="Lưu điểm thẩm định"))
    row = unit_row(page, "Sở Công Thương")
    row.get_by_text("Yêu cầu giải trình", exact=True).click()
    row.get_by_label("Nội dung cần đơn vị giải trình").fill("Đề nghị bổ sung quyết định ban hành kế hoạch")
    click_and_wait(page, row.get_by_role("button", name="Gửi yêu cầu giải trình"))
    # The question waits: Finance is still in its round 1, so the file stays with the board.
    assert cycle.assessments.get(unit__code="SCT").status == AssessmentStatus.IN_APPRAISAL

    # --- Finance, round 1 on 2.1 (still its own), then finishes its round 1 -------------------------------------
    signed_in_as(page, live_server, "taichinh")
    go(page, live_server, "scoring:appraisal_criterion", pk=cycle.pk, criterion_pk=criterion["2.1"])
    for name in ("Sở Nội vụ", "Sở Xây dựng", "Sở Công Thương"):
        click_and_wait(page, unit_row(page, name).get_by_role("button", name="Chấp nhận điểm tự đánh giá"))
    go(page, live_server, "scoring:appraisal_cycle", pk=cycle.pk)
    expect(page.locator('[data-list="waiting-agencies"]')).to_have_text("Sở Tài chính, Sở Tư pháp")
    click_and_wait(page, page.get_by_role("button", name="Sở Tài chính xong thẩm định vòng 1"))
    expect(page.locator('[data-list="waiting-agencies"]')).to_have_text("Sở Tư pháp")
    assert LeafScore.objects.get(assessment__unit__code="SCT", criterion__code="2.1").appraised_score == D(9)

    # --- Justice finishes too: the explanation round opens and SCT's file goes to the unit -----------------------
    signed_in_as(page, live_server, "tuphap")
    go(page, live_server, "scoring:appraisal_cycle", pk=cycle.pk)
    click_and_wait(page, page.get_by_role("button", name="Sở Tư pháp xong thẩm định vòng 1"))
    expect(page.get_by_text("Mọi cơ quan đã xong vòng 1: 1 hồ sơ chuyển sang giải trình.")).to_be_visible()
    sct = cycle.assessments.get(unit__code="SCT")
    assert sct.status == AssessmentStatus.EXPLANATION_REQUESTED

    # --- SCT answers every question at once ----------------------------------------------------------------------
    signed_in_as(page, live_server, "canbo.sct")
    go(page, live_server, "scoring:explanation_list", pk=sct.pk)
    page.get_by_label("Nội dung giải trình tiêu chí 1.1").fill("Kế hoạch ban hành tại QĐ 12/QĐ-SCT ngày 05/01/2025")
    click_and_wait(page, page.get_by_role("button", name="Lưu giải trình"))
    page.get_by_role("button", name="Gửi giải trình tới Hội đồng").click()
    confirm_in_dialog(page, "Tiêu chí đã trả lời: 1 / 1")

    # --- Justice, round 2 on the leaf asked about only -----------------------------------------------------------
    signed_in_as(page, live_server, "tuphap")
    go(page, live_server, "scoring:appraisal_criterion", pk=cycle.pk, criterion_pk=criterion["1.1"])
    click_and_wait(page, unit_row(page, "Sở Công Thương").get_by_role("button", name="Chấp nhận điểm tự đánh giá"))
    asked = LeafScore.objects.get(assessment=sct, criterion__code="1.1")
    unasked = LeafScore.objects.get(assessment=sct, criterion__code="2.1")
    assert (asked.appraised_score, asked.second_score, asked.final_score) == (None, D(7), D(7))
    assert (unasked.appraised_score, unasked.second_score) == (D(9), None)

    # --- The coordinator decides SYT, which never submitted: the board appraises what it has ---------------------
    signed_in_as(page, live_server, "dieuphoi")
    go(page, live_server, "scoring:cycle_roster", pk=cycle.pk)
    late = page.locator("#late-units tbody tr[data-unit='SYT']")
    late.get_by_placeholder("Lý do").fill("Quá hạn tự đánh giá 10 ngày, không nộp hồ sơ")
    click_and_wait(page, late.get_by_role("button", name="Thẩm định hồ sơ hiện có"))
    expect(page.locator("#late-units tbody tr[data-unit='SYT']")).to_contain_text("Quá hạn tự đánh giá 10 ngày")

    # --- The survey's points come in; the results are computed: provisional --------------------------------------
    survey = {code: {"3.1": value} for code, value in SURVEY.items()}
    scores_import(year=2025, block_code="SO", rows=rows_of(2025, "SO", survey))
    results_compute(year=2025)
    go(page, live_server, "scoring:results", query="?year=2025&block=SO")
    expect(page.locator('[data-status="provisional"]')).to_contain_text("Tạm tính")
    result = {row.unit.code: row for row in UnitResult.objects.filter(year=2025).select_related("unit")}
    assert (result["SCT"].previous_index, result["SCT"].index_change) == (None, None)  # new this year
    assert (result["SXD"].index_change, result["SXD"].comparable) == (D("8.33"), False)  # absorbed SGTVT
    assert (result["SNV"].index_change, result["SNV"].comparable) == (D("13.33"), True)
    assert not UnitResult.objects.filter(year=2025, unit__code="SGTVT").exists()

    # --- The coordinator publishes ---------------------------------------------------------------------------------
    page.get_by_label("Công bố kết quả năm 2025 của Khối sở, ban, ngành").fill("Quyết định 25/QĐ-UBND")
    page.get_by_role("button", name="Công bố", exact=True).click()
    confirm_in_dialog(page)
    publication = Publication.objects.get(year=2025, block__code="SO")
    go(page, live_server, "scoring:results", query="?year=2025&block=SO")
    expect(page.locator('[data-status="published"]')).to_contain_text("Chính thức · công bố lần 1")

    # --- An anonymous visitor reads the public page ------------------------------------------------------------
    page.context.clear_cookies()
    go(page, live_server, "scoring:public_year", year=2025)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kết quả chỉ số CCHC năm 2025")
    expect(page.locator("#publication-sha256")).to_have_text(publication.sha256)
    rows = page.locator("section.public-block table tbody tr")
    assert [[cell.strip() for cell in rows.nth(n).locator("td").all_inner_texts()]
            for n in range(rows.count())] == PUBLISHED
    assert all(status < 400 for status in response_statuses.values())
    assert date.today().year >= 2025
