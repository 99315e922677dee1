"""Every script runs under the Content-Security-Policy (parindex/headers.py): each role walks the main pages of the
demo province, following the links it is shown, and the browser reports no violation."""
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command

from tests.conftest import PASSWORD

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Links that download a file or change something are not pages to walk.
SKIPPED = ("pdf", "xlsx", "zip", "json", "export", "download", "template", "content", "sheet", "logout", "admin",
           "/i18n/")
PAGES_PER_ROLE = 22
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " " +
                              event.sourceFile + ":" + event.lineNumber);
});
"""


@pytest.fixture
def demo(db):
    call_command("seed_demo", password=PASSWORD, verbosity=0)


def walk(page, live_server, start_paths):
    """Visits the start pages, then the same-site links they show, breadth first; returns the violations."""
    violations, seen, queue = [], set(), [live_server.url + path for path in start_paths]
    page.on("console", lambda message: violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text else None)
    while queue and len(seen) < PAGES_PER_ROLE:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(url)
        assert response.status < 500, url
        page.wait_for_load_state("load")
        violations += [f"{url}: {v}" for v in page.evaluate("() => window.__cspViolations || []")]
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urljoin(url, href).split("#")[0]
            if urlsplit(target).netloc == urlsplit(live_server.url).netloc and not any(
                    word in target for word in SKIPPED):
                queue.append(target)
    return violations, seen


ROLE_WALKS = {
    "dieuphoi": ["/", "/dashboard/", "/cycles/", "/surveys/", "/api/v1/docs/"],
    "thamdinh.stp": ["/", "/appraisal/"],
    "canbo.snv": ["/", "/cycles/"],
    "lanhdao": ["/", "/dashboard/", "/planner/"],
}


def test_the_main_pages_of_each_role_and_the_public_ones_report_no_policy_violation(browser, live_server, demo):
    # One test, so the demo province is seeded once; each role walks in a browser context of its own.
    found = {}
    for username, start in [(None, ["/accounts/login/", "/cong-khai/"]), *ROLE_WALKS.items()]:
        context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.add_init_script(RECORD_VIOLATIONS)
        if username:
            login(page, live_server, username)
        violations, seen = walk(page, live_server, start)
        context.close()
        found[username or "anonymous"] = (violations, len(seen))

    assert {who: violations for who, (violations, _count) in found.items()} == {who: [] for who in found}
    assert all(count >= 2 for _violations, count in found.values())
    assert all(found[username][1] >= 5 for username in ROLE_WALKS)


def test_choosing_a_language_submits_the_menu_by_script_without_a_violation(page, live_server):
    page.add_init_script(RECORD_VIOLATIONS)
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(live_server.url + "/accounts/login/")

    with page.expect_navigation():
        page.locator("#lang-select").select_option("en")

    assert page.get_by_role("button", name="Sign in").is_visible()
    assert violations == [] and page.evaluate("() => window.__cspViolations") == []
