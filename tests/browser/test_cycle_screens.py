"""The yearly cycle's screens in Chromium, one short journey per persona, over a small copy of the demo province:
block SO with six departments walked through every state by scoring.demo.cycle.seed_cycle (the same services as
`make run`; the full demo takes too long for a browser test). Each journey checks what its persona must read on the
page and saves the README's screenshots to docs/screenshots/."""
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from scoring.demo import AGENCIES, DEPARTMENTS
from scoring.demo.cycle import QUESTIONS, seed_cycle
from scoring.models import Agency, Assessment, Criterion, Cycle, LeafScore, Role
from scoring.selectors.assessments import progress_of
from tests.conftest import make_unit, make_user

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# Units of block SO and the state seed_cycle leaves each in (scoring.demo.cycle.STATES); SNV is the personas' unit.
UNITS = {"STP": "submitted", "SKHDT": "in_appraisal", "SGTVT": "explanation_requested",
         "SNNPTNT": "explanation_submitted", "SYT": "appraised"}


@pytest.fixture
def province(personas, own_unit):
    """The 2026 cycle of block SO: SNV in draft (half scored) and five departments in every later state."""
    for code, name in AGENCIES:
        Agency.objects.get_or_create(code=code, defaults={"name": name})
    names = dict(DEPARTMENTS)
    units = {code: make_unit(code, names[code], block=own_unit.block) for code in UNITS}
    make_user("canbo.gtvt", Role.UNIT_OFFICER, unit=units["SGTVT"])
    assert seed_cycle() == 6
    return Cycle.objects.get(year=2026, block=own_unit.block)


def file_of(cycle, code):
    return Assessment.objects.get(cycle=cycle, unit__code=code)


def shoot(page, name, *, full_page=False):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / name, full_page=full_page)


def fits_width(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def sign_in_as(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username)


def test_the_coordinator_and_the_leader_read_every_state_of_the_cycle(page, live_server, province):
    login(page, live_server, "dieuphoi")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Kỳ đánh giá").click()

    row = page.locator("#cycles tbody tr").filter(has_text="Khối sở, ban, ngành")
    # 6 files, 1 not handed in yet, 1 appraised; deadlines as dd/mm/yyyy.
    expect(row.locator("td.num")).to_have_text(["6", "1", "1"])
    expect(row).to_contain_text(province.self_assessment_deadline.strftime("%d/%m/%Y"))
    expect(row.locator(".badge")).to_have_text("Đang mở")
    shoot(page, "cycle-list.png")

    row.get_by_role("link", name="Khối sở, ban, ngành", exact=True).click()
    statuses = page.locator("#assessments tbody tr .status")
    # By unit code: SGTVT, SKHDT, SNNPTNT, SNV, STP, SYT.
    expect(statuses).to_have_text(["Yêu cầu giải trình", "Đang thẩm định", "Đã giải trình", "Đang tự đánh giá",
                                   "Đã gửi", "Đã thẩm định xong"])
    expect(page.get_by_role("link", name="Thẩm định kỳ này")).to_be_visible()
    page.get_by_text("Đóng kỳ đánh giá…").click()
    expect(page.get_by_label("Lý do (ghi vào nhật ký, không bắt buộc)")).to_be_visible()

    # The leader reads the same files and is told why a draft is read-only to them.
    sign_in_as(page, live_server, "lanhdao")
    page.goto(live_server.url + reverse("scoring:assessment_detail", args=[file_of(province, "SNV").pk]))
    expect(page.locator(".read-only-note")).to_have_text(
        "Đơn vị đang tự đánh giá; chỉ cán bộ và thủ trưởng Sở Nội vụ sửa được hồ sơ này.")
    expect(page.get_by_role("button", name="Gửi hồ sơ tới Hội đồng thẩm định")).to_have_count(0)
    page.locator("#todo tr[data-code='1.2.2']").get_by_role("link").click()
    expect(page.locator("#leaf-form")).to_have_count(0)
    expect(page.locator("#self-assessment .read-only-note")).to_contain_text("Đơn vị đang tự đánh giá")


def test_a_unit_officer_works_down_the_to_do_list(page, live_server, province):
    assessment = file_of(province, "SNV")
    progress = progress_of(assessment)
    login(page, live_server, "canbo")
    page.get_by_role("link", name="Hồ sơ tự đánh giá năm 2026").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ tự đánh giá năm 2026: Sở Nội vụ")
    expect(page.locator("#progress-scored")).to_have_text(f"{progress.scored}/{progress.scorable}")
    expect(page.locator("#progress-unscored")).to_have_text(f"Chưa chấm: {progress.unscored}")
    expect(page.locator("#todo tr.missing")).to_have_count(progress.unscored + progress.evidence_missing)
    expect(page.get_by_role("link", name="Làm trên Excel: tải sổ tự đánh giá, điền và tải lên")).to_be_visible()
    expect(page.locator("#todo thead th").first).to_have_css("position", "sticky")
    shoot(page, "cycle-todo.png")

    # A ratio leaf: "1.250" would read as 1,25 to the parser and as 1250 to an official, so it is refused, kept.
    page.locator("#todo tr[data-code='1.1.2']").get_by_role("link").click()
    expect(page.get_by_text("Không lớn hơn mẫu số; điểm được tính theo tỷ lệ tử số / mẫu số.")).to_be_visible()
    page.get_by_label("Tử số (số đạt)").fill("1.250")
    page.get_by_label("Mẫu số (tổng số)").fill("1300")
    page.get_by_label("Giải trình của đơn vị").fill("Số liệu theo báo cáo năm")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator("#numerator-errors")).to_have_text(
        "«1.250» dễ bị hiểu nhầm: viết 1250 nếu là số nguyên, hoặc 1,250 nếu là số thập phân.")
    expect(page.get_by_label("Tử số (số đạt)")).to_have_value("1.250")
    expect(page.get_by_label("Giải trình của đơn vị")).to_have_value("Số liệu theo báo cáo năm")
    page.get_by_label("Tử số (số đạt)").fill("1250")
    expect(page.locator("#score-preview")).to_have_text("1")  # 96% → the 80% band: 1 point
    expect(page.get_by_label("Lý do đề nghị không áp dụng")).to_be_hidden()  # asked only with the claim
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lưu tiêu chí 1.1.2.")).to_be_visible()
    expect(page.locator("#saved-self-score")).to_have_text("1")
    expect(page.locator("#history")).to_contain_text("1250")
    shoot(page, "cycle-leaf.png", full_page=True)
    assert LeafScore.objects.get(assessment=assessment, criterion__code="1.1.2").self_inputs == {
        "numerator": "1250", "denominator": "1300"}

    # On a phone the to-do list is one card per criterion, without a sideways scroll.
    page.set_viewport_size({"width": 390, "height": 800})
    page.get_by_role("link", name="← Danh sách tiêu chí của Sở Nội vụ").click()
    expect(page.locator("#todo tbody tr").first).to_have_css("display", "grid")
    assert fits_width(page)


def test_an_appraiser_compares_one_criterion_across_units_and_goes_back_to_a_file(page, live_server, province):
    criterion = Criterion.objects.get(framework=province.framework_id, code="2.1.1")  # Sở Tư pháp's area
    login(page, live_server, "thamdinh")
    page.get_by_role("link", name="Đi tới trang thẩm định").click()
    page.get_by_role("link", name="Khối sở, ban, ngành 2026").click()
    page.locator("#by-criterion").get_by_role("link", name="2.1.1", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"2.1.1. {criterion.title}")
    expect(page.locator(".lead")).to_contain_text("Chọn mức:")  # the rule in words, never its code
    expect(page.get_by_role("link", name="Tiêu chí 2.1.2 ›")).to_be_visible()
    rows = page.locator("table.appraisal-table tbody tr")
    expect(rows).to_have_count(5)  # every file handed in; SNV's draft is not
    open_row = rows.filter(has_text="Sở Kế hoạch và Đầu tư")
    expect(open_row.get_by_role("button", name="Lưu điểm thẩm định")).to_be_visible()
    expect(rows.filter(has_text="Sở Y tế")).to_contain_text("Hồ sơ đã thẩm định xong; cần mở lại để điều chỉnh.")
    shoot(page, "appraisal-criterion.png")

    open_row.get_by_role("link", name="cả hồ sơ đơn vị").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thẩm định hồ sơ Sở Kế hoạch và Đầu tư năm 2026")
    target = page.locator("tr:target")
    expect(target).to_contain_text(criterion.title)
    target.get_by_role("link", name="so sánh các đơn vị").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"2.1.1. {criterion.title}")


def test_a_unit_answers_the_boards_questions_from_its_home_page(page, live_server, province):
    assessment = file_of(province, "SGTVT")
    asked = list(LeafScore.objects.filter(assessment=assessment).exclude(explanation_question="")
                 .order_by("criterion__position").select_related("criterion"))
    assert sorted(score.explanation_question for score in asked) == sorted(QUESTIONS)
    login(page, live_server, "canbo.gtvt")
    page.get_by_role("link", name="Trả lời yêu cầu giải trình").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Yêu cầu giải trình: Sở Giao thông vận tải năm 2026")
    expect(page.locator(".lead")).to_contain_text(
        f"Hạn giải trình: {province.explanation_deadline.strftime('%d/%m/%Y')}")
    for score in asked:
        expect(page.locator(f"#leaf-{score.pk} .question")).to_contain_text(score.explanation_question)
    first = asked[0]
    page.get_by_label(f"Nội dung giải trình tiêu chí {first.criterion.code}").fill(
        "Quyết định số 15/QĐ-SGTVT ngày 10/01/2026 đã ban hành kế hoạch.")
    page.locator(f"#leaf-{first.pk}").get_by_role("button", name="Lưu giải trình").click()
    expect(page.get_by_text("Đã lưu nội dung giải trình.")).to_be_visible()
    expect(page.locator(f"#leaf-{first.pk} h2 .status")).to_have_text("đã trả lời")
    expect(page.get_by_text("Còn 1 tiêu chí chưa trả lời.")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")  # the save brought the page to the answered question
    shoot(page, "explanation.png")

    page.get_by_role("link", name="← Hồ sơ Sở Giao thông vận tải năm 2026").click()
    expect(page.locator("#explanations")).to_contain_text("Hội đồng thẩm định yêu cầu giải trình 2 tiêu chí.")
