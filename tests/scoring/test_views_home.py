from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scoring.models import AgencyRound, DeadlineKind, Framework, Role, RosterEntry
from scoring.services.self_assessment import assessment_submit
from tests.conftest import make_agency, make_block, make_unit, make_user

from .appraisal_data import S, make_cycle, make_file, self_scored

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


# --- What to do now, by role -------------------------------------------------------------------------------------


def test_an_appraiser_sees_the_leaves_waiting_for_its_agency_per_cycle(client, personas, own_unit, other_unit):
    cycle = make_cycle(year=2025)
    make_file(cycle, own_unit, scores={"1.1": {"self_score": D(2), "final_score": D(2)}, "2.1": D(3)})
    make_file(cycle, other_unit, status=S.DRAFT)
    older = make_cycle(year=2024)
    make_file(older, own_unit, status=S.APPRAISED)

    response = page(client, personas[Role.APPRAISER])

    rows = [(row["cycle"], row["left"], row["handed_in"]) for row in response.context["todo"]["waiting_by_cycle"]]
    # Sở Tư pháp appraises 1.1 and 1.2; 1.1 of the one file handed in is done; 2.1 is Sở Tài chính's.
    assert rows == [(cycle, 1, 1), (older, 0, 1)]
    html = response.content.decode()
    assert reverse("scoring:appraisal_cycle", args=[cycle.pk]) in html
    assert 'id="cycle-state-' not in html


def test_the_coordinator_sees_each_open_cycle_state(client, personas, own_unit, other_unit):
    cycle = make_cycle(year=2025, round_one_done=False, self_assessment_deadline=date(2000, 1, 1))
    AgencyRound.objects.create(cycle=cycle, agency=make_agency("STP"))
    RosterEntry.objects.bulk_create([RosterEntry(cycle=cycle, unit=own_unit), RosterEntry(cycle=cycle,
                                                                                           unit=other_unit)])
    make_file(cycle, own_unit, status=S.IN_APPRAISAL)
    make_file(cycle, other_unit, status=S.DRAFT)
    closed = make_cycle(year=2024, is_open=False)

    response = page(client, personas[Role.COORDINATOR])

    (state,) = response.context["todo"]["cycle_states"]
    assert state.cycle == cycle and closed != cycle
    assert state.by_status == [("Đang tự đánh giá", 1), ("Đang thẩm định", 1)]
    assert (state.not_submitted, state.late, state.agencies_done, state.agencies) == (1, True, 1, 2)
    html = response.content.decode()
    assert reverse("scoring:cycle_roster", args=[cycle.pk]) in html
    assert reverse("scoring:cycle_detail", args=[cycle.pk]) in html
    assert "1 đơn vị quá hạn chưa gửi hồ sơ" in html and "1/2 cơ quan xong thẩm định vòng 1" in html


def test_an_open_explanation_round_is_shown_with_its_date(client, personas, own_unit):
    cycle = make_cycle(year=2025, self_assessment_deadline=date(2999, 1, 1))
    RosterEntry.objects.create(cycle=cycle, unit=own_unit)

    html = page(client, personas[Role.COORDINATOR]).content.decode()

    opened = timezone.localtime(cycle.explanation_round_opened_at).strftime("%d/%m/%Y")
    assert f"Vòng giải trình đã mở ngày {opened}" in html
    assert "1 đơn vị chưa gửi hồ sơ" in html and "quá hạn" not in html


def test_the_home_blocks_cost_the_same_queries_for_one_cycle_or_many(client, personas, django_assert_max_num_queries):
    def add_cycle(year, code):
        cycle = make_cycle(year=year, block=make_block(code, code, year))
        for n in range(3):
            unit = make_unit(f"{code}-{n}", block=cycle.block)
            RosterEntry.objects.create(cycle=cycle, unit=unit)
            make_file(cycle, unit, scores={"1.1": D(1)})
        return cycle

    add_cycle(2025, "SO")
    counts = {}
    for role in (Role.COORDINATOR, Role.APPRAISER):
        with CaptureQueriesContext(connection) as captured:
            page(client, personas[role])
        counts[role] = len(captured)
    for year, code in ((2023, "HUYEN"), (2024, "XA"), (2025, "TP")):
        add_cycle(year, code)
    for role in (Role.COORDINATOR, Role.APPRAISER):
        with django_assert_max_num_queries(counts[role]):
            response = page(client, personas[role])
        assert len(response.context["todo"]["cycle_states" if role == Role.COORDINATOR else "waiting_by_cycle"]) == 4


def test_after_submitting_the_unit_home_drops_the_self_assessment_deadline(client, personas, own_unit):
    cycle = make_cycle(year=2025, self_assessment_deadline=timezone.localdate() + timedelta(days=3))
    assessment = make_file(cycle, own_unit, status=S.DRAFT, scores=self_scored())
    head = personas[Role.UNIT_HEAD]
    before = page(client, head)
    assert [d.kind for d in before.context["todo"]["deadlines"]] == [DeadlineKind.SELF_ASSESSMENT]
    assert "còn 3 ngày" in before.content.decode()

    assessment_submit(assessment=assessment, user=head)
    after = page(client, head)

    assert after.context["todo"]["deadlines"] == []
    assert "còn 3 ngày" not in after.content.decode()
    (own,) = after.context["todo"]["own_assessments"]
    assert own.status == S.SUBMITTED and own.progress.scored == own.progress.scorable == 3
    assert "Đã gửi" in after.content.decode()


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
