"""Nothing typed is lost, in the browser: a page left with unsaved changes asks first; the session warns before
it ends and offers to stay signed in; a form sent after the session ended comes back refilled after signing in."""
import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from parindex import sessions
from scoring.models import Role
from scoring.services import appraisal as service
from tests.scoring.appraisal_data import make_cycle, make_file, score_of, self_scored

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWER = "Kế hoạch ban hành tại QĐ 12/QĐ-UBND ngày 05/01/2025"


@pytest.fixture
def asked(own_unit, personas):
    assessment = make_file(make_cycle(), own_unit, scores=self_scored())
    service.leaf_score_request_explanation(leaf_score=score_of(assessment, "1.1"), user=personas[Role.APPRAISER],
                                           version=1, question="Đề nghị bổ sung quyết định")
    return assessment


def test_an_answer_sent_after_the_session_ended_comes_back_after_signing_in(page, live_server, asked, settings):
    settings.SESSION_IDLE_SECONDS = 4
    login(page, live_server, "canbo")
    page.goto(live_server.url + reverse("scoring:explanation_list", args=[asked.pk]))
    page.get_by_label("Nội dung giải trình tiêu chí 1.1").fill(ANSWER)

    dialog = page.locator("#session-dialog")
    expect(dialog).to_contain_text("Phiên làm việc đã hết hạn", timeout=8000)
    dialog.get_by_role("button", name="Đóng").click()
    page.wait_for_timeout(1500)  # the server counts whole seconds since the login: be past its limit too
    page.get_by_role("button", name="Lưu giải trình").click()

    expect(page.get_by_text("nội dung bạn vừa nhập đã được giữ")).to_be_visible()
    settings.SESSION_IDLE_SECONDS = 1800
    page.get_by_label("Tên đăng nhập", exact=True).fill("canbo")
    page.get_by_label("Mật khẩu", exact=True).fill("mat-khau-thu-nghiem-2024")
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()

    expect(page.get_by_label("Nội dung giải trình tiêu chí 1.1")).to_have_value(ANSWER)
    expect(page.locator("#kept-post")).to_contain_text(ANSWER)
    assert score_of(asked, "1.1").explanation_answer == ""  # refilled, not sent
    page.once("dialog", lambda dialog: dialog.accept())  # the refilled form counts as unsaved
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu giải trình").click()
    expect(page.get_by_text("Đã lưu nội dung giải trình.")).to_be_visible()
    assert score_of(asked, "1.1").explanation_answer == ANSWER


def test_the_session_warns_before_it_ends_and_the_user_stays_signed_in(page, live_server, asked, settings,
                                                                       monkeypatch):
    settings.SESSION_IDLE_SECONDS = 6
    monkeypatch.setattr(sessions, "TOUCH_SECONDS", 0)
    login(page, live_server, "canbo")
    page.goto(live_server.url + reverse("scoring:explanation_list", args=[asked.pk]))

    dialog = page.locator("#session-dialog")
    expect(dialog).to_contain_text("Phiên làm việc sắp hết hạn", timeout=6000)
    dialog.get_by_role("button", name="Tiếp tục làm việc").click()
    expect(dialog).to_be_hidden()
    time.sleep(4)  # past the first limit: the session lives on because the user chose to stay

    # The next warning comes; staying again asks the server, which would answer the login page had it ended.
    expect(dialog).to_contain_text("Phiên làm việc sắp hết hạn", timeout=6000)
    dialog.get_by_role("button", name="Tiếp tục làm việc").click()
    expect(dialog).to_be_hidden()
    expect(dialog.get_by_text("Phiên làm việc đã hết hạn")).to_be_hidden()


def test_leaving_a_page_with_unsaved_changes_asks_first(page, live_server, asked):
    login(page, live_server, "canbo")
    page.goto(live_server.url + reverse("scoring:explanation_list", args=[asked.pk]))
    page.get_by_label("Nội dung giải trình tiêu chí 1.1").click()
    page.keyboard.type("Đang gõ dở")
    asked_first = []

    def stay(dialog):
        asked_first.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.get_by_role("link", name="Trang chủ").click()
    page.wait_for_timeout(500)

    assert asked_first == ["beforeunload"]
    expect(page.get_by_label("Nội dung giải trình tiêu chí 1.1")).to_have_value("Đang gõ dở")

