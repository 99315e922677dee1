import pytest
from django.urls import reverse

from scoring.models import Framework, Role
from tests.conftest import make_block, make_unit, make_user

HOME = reverse("home")


def page(client, user):
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response


def test_a_unit_user_sees_a_card_about_their_unit_and_its_frameworks(client, unit_officer, own_unit, other_unit):
    framework = Framework.objects.create(year=2025, block=own_unit.block, code="SO-2025", name="Bộ chỉ số sở 2025",
                                         version="876/2022")
    response = page(client, unit_officer)
    assert response.context["own_unit"] == own_unit
    html = response.content.decode()
    assert 'id="own-unit"' in html and reverse("scoring:unit_detail", args=[own_unit.pk]) in html
    assert reverse("scoring:framework_detail", args=[framework.pk]) in html
    assert 'id="coordinator"' not in html


def test_a_unit_whose_block_has_no_framework_says_so(client, unit_officer):
    assert "Khối của đơn vị chưa có bộ chỉ số nào." in page(client, unit_officer).content.decode()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_a_coordinator_gets_links_to_import_frameworks_and_to_the_units(client, personas, other_unit, role):
    make_unit("XA-001", "Xã An Phú", block=make_block("XA", "Khối xã", 3), ranked=False)
    response = page(client, personas[role])
    html = response.content.decode()
    assert reverse("scoring:framework_import") in html and reverse("scoring:unit_list") in html
    counts = [(b.code, b.unit_count, b.unranked_count) for b in response.context["block_counts"]]
    assert counts == [("SO", 2, 0), ("XA", 1, 1)]


@pytest.mark.parametrize("role", [Role.APPRAISER, Role.LEADER])
def test_appraisers_and_leaders_get_neither_the_unit_card_nor_the_coordinator_card(client, personas, role):
    html = page(client, personas[role]).content.decode()
    assert 'id="own-unit"' not in html and 'id="coordinator"' not in html
    assert reverse("scoring:framework_import") not in html


def test_the_home_page_works_on_an_empty_installation(client, db):
    html = page(client, make_user("dieuphoi", Role.COORDINATOR)).content.decode()
    assert "Chưa có khối đơn vị nào." in html and "Chưa có bộ chỉ số nào." in html


# --- /healthz ------------------------------------------------------------------------------------------------


@pytest.fixture
def worker_mode(monkeypatch):
    from parindex.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)


def test_healthz_without_a_broker_reports_each_part_in_process(client, db):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": {"status": "ok", "vendor": response.json()["database"][
        "vendor"]}, "broker": {"status": "in-process"}, "worker": {"status": "in-process"}}


def test_healthz_reports_a_reachable_broker_and_a_recent_worker_heartbeat(client, db, require_redis, worker_mode):
    from scoring.services.jobs import worker_heartbeat_record

    worker_heartbeat_record()
    health = client.get(reverse("healthz")).json()

    assert health["status"] == "ok" and health["broker"] == {"status": "ok"}
    assert health["worker"]["status"] == "ok" and health["worker"]["age_seconds"] < 60


def test_healthz_says_degraded_when_no_worker_was_seen_for_long(client, db, require_redis, worker_mode, settings):
    from django.core.cache import cache
    from django.utils import timezone

    from scoring.services.jobs import WORKER_HEARTBEAT_KEY

    cache.set(WORKER_HEARTBEAT_KEY, {"at": (timezone.now() - timezone.timedelta(hours=1)).isoformat()})
    response = client.get(reverse("healthz"))

    assert response.status_code == 200  # the web process itself is fine: the load balancer keeps it
    assert response.json()["status"] == "degraded" and response.json()["worker"]["status"] == "stale"
