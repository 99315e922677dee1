"""The pages the link crawl of test_accessibility.py never reaches, at 1280 and 390 px, through axe-core (0 serious
or critical violations) and without sideways scrolling: a confirmation step as a page (the form posted without
`confirmed`, as without JavaScript), the same step as the <dialog> static/js/confirm.js opens, our 403 and 404
pages, a cycle's roster and the set-password page of a one-time link."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from scoring.models import Cycle, Role, User
from scoring.services.set_password_links import set_password_links_issue
from tests.conftest import PASSWORD

from .axe import axe_violations, sideways_overflow
from .conftest import login
from .test_accessibility import VIEWPORTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, what, viewport) -> list[str]:
    problems = [f"{what}: {problem}" for problem in axe_violations(page)]
    overflow = sideways_overflow(page)
    if overflow:
        problems.append(f"{what}: {overflow} px wider than the {viewport} screen")
    return problems


def new_page(browser, viewport):
    context = browser.new_context(locale="vi-VN", viewport=VIEWPORTS[viewport], is_mobile=viewport == "phone",
                                  has_touch=viewport == "phone")
    return context, context.new_page()


def test_confirmations_error_pages_roster_and_set_password_pass_axe(browser, live_server):
    # Both widths in one test: seed_demo runs once (a second run after the flush finds no DTI index to fill).
    call_command("seed_demo", password=PASSWORD, stdout=StringIO())
    cycle = Cycle.objects.filter(is_open=True).order_by("-year").first()
    problems = []
    for viewport in VIEWPORTS:
        problems += viewport_problems(browser, live_server, cycle, viewport)
    assert problems == [], "\n".join(problems)


def viewport_problems(browser, live_server, cycle, viewport) -> list[str]:
    base, problems = live_server.url, []

    context, page = new_page(browser, viewport)
    login(page, live_server, "dieuphoi")
    page.goto(base + reverse("scoring:cycle_detail", args=[cycle.pk]))
    page.locator("details summary", has_text="Đóng kỳ đánh giá").click()
    page.get_by_role("button", name="Đóng kỳ đánh giá", exact=True).click()
    dialog = page.locator("dialog.confirm-dialog[open]")
    expect(dialog).to_be_visible()
    problems += check(page, "the confirm dialog", viewport)
    dialog.get_by_role("button").last.click()
    expect(dialog).to_have_count(0)

    # Without JavaScript the form posts without `confirmed`: the answer is the confirmation step, nothing changes.
    with page.expect_navigation():
        page.evaluate("""() => {
            const form = document.querySelector('form[data-confirm][action$="/close/"]');
            form.removeAttribute('data-confirm');
            form.submit();
        }""")
    expect(page.locator("#confirm-step")).to_be_visible()
    problems += check(page, "the confirmation step", viewport)
    assert Cycle.objects.get(pk=cycle.pk).is_open

    page.goto(base + reverse("scoring:cycle_roster", args=[cycle.pk]))
    problems += check(page, "the roster", viewport)
    response = page.goto(base + "/khong-co-trang-nay/")
    assert response.status == 404
    problems += check(page, "the 404 page", viewport)
    context.close()

    context, page = new_page(browser, viewport)
    login(page, live_server, "canbo.snv")
    response = page.goto(base + reverse("scoring:dashboard"))
    assert response.status == 403
    problems += check(page, "the 403 page", viewport)
    context.close()

    newcomer = User(username=f"moi.{viewport}", role=Role.UNIT_OFFICER, unit=User.objects.get(username="canbo.snv").unit)
    newcomer.set_unusable_password()
    newcomer.save()
    (link,) = set_password_links_issue(users=[newcomer])
    context, page = new_page(browser, viewport)
    response = page.goto(base + link.path)
    assert response.status == 200
    expect(page.locator("input[type=password]").first).to_be_visible()
    problems += check(page, "the set-password page", viewport)
    context.close()
    return [f"{viewport} {problem}" for problem in problems]
