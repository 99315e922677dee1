"""The coordinator's roster page (issue 11): who takes part, the units that never submitted, the survey."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import AuditEntry, Cycle, LateDecision, RosterEntry
from tests.conftest import make_unit, make_user
from tests.scoring.results_data import make_province


@pytest.fixture
def cycle(db):
    make_province()
    cycle = Cycle.objects.get(year=2025, block__code="SO")
    Cycle.objects.filter(pk=cycle.pk).update(self_assessment_deadline=timezone.localdate() - timedelta(days=1),
                                             is_open=True)
    cycle.assessments.filter(unit__code="STC").update(status="draft")
    return cycle


@pytest.fixture
def coordinator(db):
    return make_user("dieuphoi", role="coordinator")


def act(client, cycle, **data):
    return client.post(reverse("scoring:cycle_roster_act", args=[cycle.pk]), data, follow=True)


def test_the_page_lists_the_roster_the_late_units_and_the_survey(client, coordinator, cycle):
    client.force_login(coordinator)
    page = client.get(reverse("scoring:cycle_roster", args=[cycle.pk])).content.decode()

    assert page.count('<tr data-unit="') == 10 + 2  # the roster (10) and the late units: STC (draft), SVH (no file)
    assert "Kỳ này có điều tra xã hội học" in page


def test_the_coordinator_decides_a_late_unit_and_undoes_it(client, coordinator, cycle):
    client.force_login(coordinator)
    stc = cycle.assessments.get(unit__code="STC").unit

    decided = act(client, cycle, action="appraise_as_is", unit=stc.pk, reason="Quá hạn")
    assert RosterEntry.objects.get(cycle=cycle, unit=stc).late_decision == LateDecision.APPRAISE_AS_IS
    assert "Thẩm định hồ sơ hiện có (không nộp hồ sơ)" in decided.content.decode()

    act(client, cycle, action="undo", unit=stc.pk, reason="Đơn vị gửi bổ sung")
    assert RosterEntry.objects.get(cycle=cycle, unit=stc).late_decision == ""


def test_a_unit_leaves_and_joins_the_roster_with_a_reason(client, coordinator, cycle):
    client.force_login(coordinator)
    newcomer = make_unit("SMOI", block=cycle.block)

    refused = act(client, cycle, action="add", unit=newcomer.pk, reason="")
    act(client, cycle, action="add", unit=newcomer.pk, reason="Thành lập giữa năm")
    act(client, cycle, action="remove", unit=newcomer.pk, reason="Sáp nhập")

    assert "Ghi lý do." in refused.content.decode()
    assert not RosterEntry.objects.filter(cycle=cycle, unit=newcomer).exists()
    assert AuditEntry.objects.filter(entity="roster", entity_id=cycle.pk).count() == 2


def test_the_coordinator_says_the_survey_is_not_held(client, coordinator, cycle):
    client.force_login(coordinator)

    page = act(client, cycle, action="survey_not_held", reason="Không đủ kinh phí").content.decode()

    assert Cycle.objects.get(pk=cycle.pk).survey_held is False
    assert "Kỳ này không điều tra xã hội học" in page
    assert AuditEntry.objects.filter(entity="cycle", field="survey_held", new_value="false").exists()
