"""Respondents on a phone: an official through a one-time invitation link, a citizen through the public link."""
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from surveys.models import Invitation, Rates, Response
from surveys.services.answering import invitation_issue
from tests.surveys.questionnaires import make_group, make_survey, private_cache

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server, settings):
    """A phone-sized touch screen, in Vietnamese."""
    private_cache(settings)
    context = browser.new_context(locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    yield context.new_page()
    context.close()


def answer_every_question(page, group, label):
    for question in group.questions.order_by("position"):
        page.get_by_role("group", name=f"{question.code}. {question.text}").get_by_label(label, exact=True).check()


def assert_fits_a_phone_with_large_targets(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    heights = page.locator("label.choice").evaluate_all("labels => labels.map(l => l.getBoundingClientRect().height)")
    assert heights and min(heights) >= 44
    assert page.get_by_role("button", name="Gửi ý kiến").bounding_box()["height"] >= 44


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / name, full_page=True)


def test_an_official_answers_on_a_phone_through_a_one_time_link(phone, live_server, own_unit, other_unit):
    survey = make_survey(name="Điều tra xã hội học Chỉ số CCHC 2024")
    officials = make_group(survey, "CB", identified=True, questions=3, rates=Rates.OWN,
                           name="Lãnh đạo các sở, ban, ngành")
    (invitation, token), = invitation_issue(survey=survey, group=officials,
                                           people=[("Nguyễn Văn An", "an@tinh.gov.vn", own_unit)])
    link = live_server.url + reverse("surveys:answer_token", args=[token])
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Phiếu khảo sát ý kiến")
    assert_fits_a_phone_with_large_targets(phone)

    first = officials.questions.order_by("position").first()
    phone.get_by_role("group", name=f"{first.code}. {first.text}").get_by_label("Hài lòng", exact=True).check()
    phone.get_by_role("button", name="Gửi ý kiến").click()
    expect(phone.get_by_role("alert")).to_contain_text("Phiếu chưa gửi được")
    expect(phone.get_by_role("group", name=f"{first.code}. {first.text}").get_by_label(
        "Hài lòng", exact=True)).to_be_checked()

    answer_every_question(phone, officials, "Hài lòng")
    screenshot(phone, "survey-token.png")
    phone.get_by_role("button", name="Gửi ý kiến").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Cảm ơn ông/bà đã trả lời khảo sát!")
    assert urlsplit(phone.url).path == reverse("surveys:answer_thanks")
    assert Invitation.objects.get().completed_on is not None and Response.objects.count() == 1
    phone.goto(link)
    expect(phone.get_by_text("Phiếu này đã được sử dụng")).to_be_visible()


def test_a_citizen_answers_on_a_phone_through_the_public_link_once_a_day(phone, live_server, own_unit):
    survey = make_survey(name="Khảo sát sự hài lòng của người dân (SIPAS) 2024")
    citizens = make_group(survey, "ND", questions=4, name="Người dân, tổ chức")
    link = live_server.url + reverse("surveys:answer_public", args=[survey.code, own_unit.code])
    phone.goto(link)
    expect(phone.get_by_text(own_unit.name)).to_be_visible()
    assert_fits_a_phone_with_large_targets(phone)

    for place, question in enumerate(citizens.questions.order_by("position")):
        phone.get_by_role("group", name=f"{question.code}. {question.text}").get_by_role("radio").nth(
            place % 3).check()
    screenshot(phone, "survey-public.png")
    phone.get_by_role("button", name="Gửi ý kiến").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Cảm ơn ông/bà đã trả lời khảo sát!")
    response = Response.objects.get()
    assert (response.unit, response.source) == (own_unit, "public")
    assert response.flagged and "quá nhanh" in response.flag_reason  # a robot answers faster than a person: kept
    phone.goto(link)
    expect(phone.get_by_text("Thiết bị này đã gửi ý kiến về Sở Nội vụ hôm nay")).to_be_visible()


def test_staff_type_in_paper_forms_with_the_number_keys(page, live_server, personas, own_unit):
    survey = make_survey()
    make_group(survey, "ND", questions=3, name="Người dân, tổ chức")
    login(page, live_server, "dieuphoi")
    page.goto(live_server.url + reverse("surveys:paper_entry", args=[survey.pk]))
    page.get_by_label("Nhóm đối tượng").select_option(label="Người dân, tổ chức")
    page.get_by_label("Đơn vị được đánh giá").select_option(label=own_unit.name)
    page.get_by_role("button", name="Bắt đầu nhập").click()
    page.wait_for_load_state()  # the number keys' deferred script is attached before typing starts

    expect(page.get_by_label("Số phiếu")).to_be_focused()
    page.keyboard.type("PG-001")
    page.keyboard.press("Tab")
    for key in "213":
        page.keyboard.press(key)
    expect(page.get_by_role("button", name="Lưu và nhập phiếu tiếp")).to_be_focused()
    screenshot(page, "survey-paper-entry.png")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text("Đã lưu phiếu số PG-001.")
    expect(page.get_by_label("Số phiếu")).to_have_value("PG-002")
    expect(page.get_by_label("Số phiếu")).to_be_focused()
    chosen = [answer.option.position for answer in Response.objects.get().answers.order_by("question__position")]
    assert chosen == [1, 0, 2]
