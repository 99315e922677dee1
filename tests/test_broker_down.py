"""With Redis down (REDIS_URL pointing at a closed port) the site is served by a real process: pages that don't
need the broker work, those that do say so in Vietnamese, none answers 500, and /healthz tells the parts apart.

A separate server process is the only honest way: the settings read REDIS_URL once, at start-up, for the cache and
for Celery's connection pool. It reads the PostgreSQL test database, so the data is committed (transactional_db)."""
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from scoring.models import Job, JobStatus
from tests.celery_worker import ROOT, wait_for
from tests.celery_worker import test_database_url as database_url
from tests.scoring.scorecard_data import make_scored_block
from tests.surveys.questionnaires import choose, make_group, make_survey


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Site:
    """manage.py runserver on a free port, with the broker and the cache on a port where nothing listens."""

    def __init__(self):
        self.url = f"http://127.0.0.1:{free_port()}"
        closed = f"redis://127.0.0.1:{free_port()}/0"
        env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": closed, "DEBUG": "0",
               "STATIC_MANIFEST": "0", "CONN_MAX_AGE": "0"}
        self.log = ROOT / "var" / "broker-down-site.log"
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", self.url.removeprefix("http://"), "--noreload"],
            cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        assert wait_for(self.answers, timeout=60), self.log.read_text()[-3000:]

    def answers(self):
        try:
            urllib.request.urlopen(self.url + "/accounts/login/", timeout=2)
            return True
        except (OSError, urllib.error.URLError):
            return False

    def stop(self):
        self.process.kill()
        self.process.wait(timeout=10)


class Browser:
    """Cookies and CSRF as a browser keeps them; statuses returned, never raised."""

    def __init__(self, site, user=None):
        self.site, self.cookies = site, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        if user:
            self.cookies.set_cookie(http.cookiejar.Cookie(
                0, settings.SESSION_COOKIE_NAME, session_for(user), None, False, "127.0.0.1", False, False, "/",
                True, False, None, False, None, None, {}))

    def get(self, path):
        return self.open(urllib.request.Request(self.site.url + path))

    def post(self, path, data, *, form_page=None):
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(form_page or path)[1]).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        return self.open(urllib.request.Request(self.site.url + path, data=body,
                                                headers={"Referer": self.site.url + path}))

    def open(self, request):
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def session_for(user):
    session = SessionStore()
    session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                    HASH_SESSION_KEY: user.get_session_auth_hash()})
    session.create()
    return session.session_key


@pytest.fixture
def site(require_postgres, transactional_db):
    site = Site()
    yield site
    site.stop()


def test_the_scorecard_works_with_redis_down(site, personas, own_unit, other_unit):
    make_scored_block(own_unit, other_unit)

    status, page = Browser(site, personas["leader"]).get(reverse("scoring:scorecard", args=[own_unit.pk, 2025]))

    assert status == 200 and "Phiếu điểm Sở Nội vụ năm 2025" in page


def test_the_public_survey_link_takes_an_answer_with_redis_down(site, own_unit, other_unit):
    survey = make_survey()
    group = make_group(survey, "ND", questions=6, name="Người dân, tổ chức")
    path = reverse("surveys:answer_public", args=[survey.code, own_unit.code])
    browser = Browser(site)

    status, page = browser.get(path)
    started = re.search(r'name="started" value="([^"]+)"', page).group(1)
    answers = {f"u{own_unit.pk}-q{question}": option for question, option in choose(group, 1).items()}
    posted, thanks = browser.post(path, {**answers, "started": started})

    assert status == 200 and own_unit.name in page
    assert posted == 200 and survey.responses.count() == 1, thanks[:2000]


def test_a_results_run_with_redis_down_says_so_in_vietnamese(site, personas, own_unit, other_unit):
    make_scored_block(own_unit, other_unit)
    browser = Browser(site, personas["coordinator"])

    status, page = browser.post(reverse("scoring:results_run"), {"year": 2025}, form_page=reverse("scoring:results"))

    job = Job.objects.get()
    assert status == 200 and job.status == JobStatus.FAILED
    assert "Redis (hàng đợi tác vụ) không kết nối được" in job.error and job.error in page


def test_healthz_reports_the_broker_down_and_the_database_up(site):
    status, body = Browser(site).get("/healthz")

    health = json.loads(body)
    assert status == 200 and health["status"] == "degraded"
    assert health["database"]["status"] == "ok" and health["broker"]["status"] == "down"
    assert health["worker"]["status"] in ("unknown", "stale")
