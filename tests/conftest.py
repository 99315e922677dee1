"""Fixed personas and the rule for real services: a test that needs PostgreSQL, Redis or Chromium skips with a
clear reason on a bare machine, and fails instead when PARINDEX_REQUIRE_SERVICES=1 (set by .ci/run)."""
import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.db import connection
from django.db.backends.signals import connection_created

from scoring.db_triggers import ALLOW_TRUNCATE_SETTING
from scoring.models import Agency, Block, Role, Unit, User

pytest_plugins = ["tests.celery_worker"]

PASSWORD = "mat-khau-thu-nghiem-2024"


def allow_truncate(sender, connection, **kwargs):
    """pytest-django empties the database after each transactional test with TRUNCATE, which the append-only
    tables refuse unless the session allows it (scoring/db_triggers.py)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET {ALLOW_TRUNCATE_SETTING} = 'on'")


connection_created.connect(allow_truncate)


def services_required():
    return os.environ.get("PARINDEX_REQUIRE_SERVICES") == "1"


def skip_or_fail(reason):
    if services_required():
        pytest.fail(f"{reason} (PARINDEX_REQUIRE_SERVICES=1: CI must run this test)", pytrace=False)
    pytest.skip(reason)


def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return None
    parsed = urlparse(url)
    try:
        socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1).close()
    except OSError:
        return None
    return url


def chromium_path():
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def require_postgres(db):
    if connection.vendor != "postgresql":
        skip_or_fail("cần PostgreSQL: đặt DATABASE_URL=postgres://... để chạy kiểm thử này")


@pytest.fixture
def require_redis():
    url = redis_url()
    if not url:
        skip_or_fail("cần Redis: đặt REDIS_URL=redis://127.0.0.1:6379/0 và chạy redis-server")
    return url


@pytest.fixture(scope="session")
def chromium():
    path = chromium_path()
    if not path:
        skip_or_fail("cần Chromium: apt-get install chromium")
    return path


def make_block(code="SO", name="Khối sở, ban, ngành", position=1):
    return Block.objects.get_or_create(code=code, defaults={"name": name, "position": position})[0]


def make_agency(code="STP", name="Sở Tư pháp"):
    return Agency.objects.get_or_create(code=code, defaults={"name": name})[0]


def make_unit(code, name=None, *, block=None, group="", ranked=True):
    block = block or make_block()
    return Unit.objects.create(code=code, name=name or f"Đơn vị {code}", block=block, group=group, ranked=ranked)


def make_user(username, role, *, unit=None, agency=None, **extra):
    user = User(username=username, role=role, unit=unit, agency=agency, first_name=username, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def own_unit(db):
    return make_unit("SNV", "Sở Nội vụ")


@pytest.fixture
def other_unit(db):
    return make_unit("STC", "Sở Tài chính")


@pytest.fixture
def personas(db, own_unit):
    """One account per role; unit roles belong to own_unit."""
    agency = make_agency()
    return {
        Role.ADMIN: make_user("quantri", Role.ADMIN, is_staff=True, is_superuser=True),
        Role.COORDINATOR: make_user("dieuphoi", Role.COORDINATOR),
        Role.APPRAISER: make_user("thamdinh", Role.APPRAISER, agency=agency),
        Role.UNIT_OFFICER: make_user("canbo", Role.UNIT_OFFICER, unit=own_unit),
        Role.UNIT_HEAD: make_user("thutruong", Role.UNIT_HEAD, unit=own_unit),
        Role.LEADER: make_user("lanhdao", Role.LEADER),
    }


@pytest.fixture
def coordinator(personas):
    return personas[Role.COORDINATOR]


@pytest.fixture
def unit_officer(personas):
    return personas[Role.UNIT_OFFICER]


@pytest.fixture
def leader(personas):
    return personas[Role.LEADER]


@pytest.fixture(autouse=True)
def celery_runs_in_process(request):
    """Tests run tasks in-process unless they ask for the real worker (tests/celery_worker.py)."""
    from parindex.celery import app

    eager = "celery_worker" not in request.fixturenames
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path_factory):
    """Tests run with DEBUG off and without collectstatic, so {% static %} must not look for the manifest; the
    production password hasher would spend most of the suite hashing the personas' passwords; and uploaded
    evidence and reports go to a temporary folder, never to var/media of the checkout."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_framework(*, year=2024, block=None, version="876/2022", leaves=None, grades=None, **fields):
    """A small framework: `leaves` maps "area.leaf" codes to (method, max); areas are created from the codes."""
    from decimal import Decimal

    from scoring.models import Criterion, Framework, GradeTier

    block = block or make_block()
    leaves = leaves or {"1.1": ("appraised", "2"), "1.2": ("appraised", "3"), "2.1": ("survey", "5")}
    framework = Framework.objects.create(year=year, block=block, code=f"KHUNG-{year}", name=f"Bộ chỉ số {year}",
                                         version=version, **fields)
    areas = {}
    for position, (code, (method, maximum)) in enumerate(leaves.items()):
        area_code = code.split(".")[0]
        if area_code not in areas:
            total = sum(Decimal(m) for c, (_, m) in leaves.items() if c.split(".")[0] == area_code)
            areas[area_code] = Criterion.objects.create(
                framework=framework, code=area_code, area_code=area_code, depth=0, position=position * 10,
                title=f"Lĩnh vực {area_code}", max_points=total)
        Criterion.objects.create(framework=framework, parent=areas[area_code], code=code, area_code=area_code,
                                 depth=1, position=position * 10 + 1, title=f"Tiêu chí {code}",
                                 max_points=Decimal(maximum), method=method)
    for position, (code, minimum) in enumerate(grades or [("A", "90"), ("B", "50"), ("C", "0")]):
        GradeTier.objects.create(framework=framework, code=code, label=f"Loại {code}", min_index=Decimal(minimum),
                                 position=position)
    return framework
