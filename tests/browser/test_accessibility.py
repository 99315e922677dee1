"""Every persona's pages, at a desktop's 1280 px and a phone's 390 px, through axe-core (0 serious or critical
violations) and without the page scrolling sideways. The demo province (manage.py seed_demo) gives each persona
real work; each persona's pages are reached the way a user reaches them, by following the site's own links."""
import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import PASSWORD

from .axe import axe_violations, sideways_overflow
from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSONAS = ("quantri", "dieuphoi", "thamdinh.stp", "canbo.snv", "thutruong.snv", "canbo.anlac", "lanhdao")
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
PAGES_PER_PERSONA = 24
SKIP = ("/admin/", "/template/", "/new/", "/import/", "/api/", "/static/", "/accounts/logout", "/i18n/", "export", "download", "/pdf", "/xlsx",
        ".json", ".pdf", "/workbook/", "/print", "?page=", "/jobs/")


def persona_pages(page, base):
    """Breadth first from the home page over the site's own links, as the persona sees them; one page of each
    kind (frameworks/7/ stands for every framework's page), so the persona's different pages are all reached."""
    seen, queue, pages = set(), ["/"], []
    while queue and len(pages) < PAGES_PER_PERSONA:
        path = queue.pop(0)
        kind = re.sub(r"\d+", "N", path.partition("?")[0].partition("#")[0])
        if kind in seen:
            continue
        seen.add(kind)
        try:
            response = page.goto(base + path)
        except PlaywrightError:  # a link to a file: the browser downloads, there is no page to check
            continue
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        pages.append(path)
        yield path
        for href in page.eval_on_selector_all("main a[href], nav a[href]", "links => links.map(a => a.href)"):
            parts = urlsplit(href)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.netloc == urlsplit(base).netloc and not any(s in target for s in SKIP):
                queue.append(target)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_personas_pages_pass_axe_and_never_scroll_sideways(browser, live_server, viewport):
    call_command("seed_demo", password=PASSWORD, stdout=StringIO())  # units, results, the 2026 cycle, surveys
    problems, visited = [], []
    for username in PERSONAS:
        context = browser.new_context(locale="vi-VN", viewport=VIEWPORTS[viewport],
                                      is_mobile=viewport == "phone", has_touch=viewport == "phone")
        page = context.new_page()
        login(page, live_server, username)
        for path in persona_pages(page, live_server.url):
            visited.append(f"{username} {path}")
            problems += [f"{username} {path}: {problem}" for problem in axe_violations(page)]
            overflow = sideways_overflow(page)
            if overflow:
                problems.append(f"{username} {path}: {overflow} px wider than the {viewport} screen")
        context.close()
    assert len(visited) > 5 * len(PERSONAS)
    assert problems == [], "\n".join(problems)
