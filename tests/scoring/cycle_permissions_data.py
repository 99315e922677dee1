"""The cycle the permission proofs of tests/scoring/test_cycle_permissions.py and test_cycle_permissions_after.py
attempt on (see the first's docstring), the fixtures that move it along (self-scored, handed in, finalized) and what
is compared before and after an attempt. tests/scoring/conftest.py offers the fixtures to the tests."""
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse

from scoring.models import (Agency, Assessment, AssessmentStatus, AuditEntry, Criterion, Cycle, Evidence, EvidenceFile,
                            LeafScore, Reminder, Role)
from scoring.services import appraisal, evidence as evidence_service, explanations, rounds, self_assessment
from tests.conftest import make_agency, make_user

from .cycle_data import make_rules_framework, open_rules_cycle, score_of
from .evidence_files import pdf_bytes, upload

S = AssessmentStatus
# What each unit enters, leaf by leaf, through the self-assessment service (1.5 also gets a document).
SELF_INPUTS = {"1.1": {"value": "1.75"}, "1.2": {"choice": "Chậm"}, "1.3": {"numerator": "95", "denominator": "100"},
               "1.4": {"numerator": "45", "denominator": "60"}, "1.5": {"occurrences": "1"}, "3.1": {"value": "1"},
               "3.2": {"value": "1"}, "3.3": {"value": "0.5"}}


# --- The cycle and what is compared ------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(personas, own_unit, other_unit):
    """The open 2025 cycle; each unit's file self-scored with a document on 1.5, still in draft."""
    framework = make_rules_framework(year=2025, block=own_unit.block)
    leaves = Criterion.objects.filter(framework=framework)
    leaves.filter(code__in=["1.1", "1.2", "1.3"]).update(agency=make_agency("STP", "Sở Tư pháp"))
    leaves.filter(code__in=["1.4", "1.5"]).update(agency=make_agency("STC", "Sở Tài chính"))
    coordinator = personas[Role.COORDINATOR]
    cycle = open_rules_cycle(framework=framework, user=coordinator)
    theirs = {"officer": make_user("canbo.stc", Role.UNIT_OFFICER, unit=other_unit),
              "head": make_user("thutruong.stc", Role.UNIT_HEAD, unit=other_unit)}
    for unit, officer in ((own_unit, personas[Role.UNIT_OFFICER]), (other_unit, theirs["officer"])):
        self_score_everything(cycle, unit, officer)
    return SimpleNamespace(cycle=cycle, own=own_unit, other=other_unit, coordinator=coordinator,
                           appraiser=personas[Role.APPRAISER], leader=personas[Role.LEADER],
                           officer=personas[Role.UNIT_OFFICER], head=personas[Role.UNIT_HEAD],
                           their_officer=theirs["officer"], their_head=theirs["head"])


def self_score_everything(cycle, unit, officer):
    for code, inputs in SELF_INPUTS.items():
        self_assessment.leaf_self_save(leaf_score=score_of(cycle, unit, code), user=officer, inputs=inputs)
    return evidence_service.evidence_add(leaf_score=score_of(cycle, unit, "1.5"), user=officer,
                                         upload=upload("bao-cao.pdf", pdf_bytes(f"Bao cao {unit.code}")),
                                         document_number=f"12/BC-{unit.code}", issue_date=date(2025, 3, 1),
                                         title=f"Báo cáo CCHC {unit.code}")


def assessment_of(world, unit):
    return Assessment.objects.select_related("cycle").get(cycle=world.cycle, unit=unit)


def submit(world, unit, head):
    return self_assessment.assessment_submit(assessment=assessment_of(world, unit), user=head)


TRACKED = (Cycle, Assessment, LeafScore, Evidence, EvidenceFile, AuditEntry, Reminder)


def database():
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in TRACKED}


def stored_files(media):
    return sorted(str(path) for path in Path(media).rglob("*") if path.is_file())


@contextmanager
def nothing_changes(media, attempt=""):
    """Every row of the cycle's tables and every stored file are the same after the block as before it."""
    before, files = database(), stored_files(media)
    yield
    after = database()
    for table, rows in before.items():
        assert after[table] == rows, f"{table} changed by {attempt or 'the attempts'}"
    assert stored_files(media) == files, f"files changed by {attempt or 'the attempts'}"


def signed_in(client, user):
    client.force_login(user)
    return client


def page_text(client, response):
    """The page a refusal lands on, with its messages."""
    return client.get(response.url).content.decode() if response.status_code == 302 else response.content.decode()


@pytest.fixture
def handed_in(world):
    """Both files submitted by their heads."""
    submit(world, world.own, world.head)
    submit(world, world.other, world.their_head)
    return world


def decision_url(world, unit, code):
    return reverse("scoring:appraisal_leaf", args=[assessment_of(world, unit).pk,
                                                   score_of(world.cycle, unit, code).criterion_id])


@pytest.fixture
def finalized(handed_in):
    """The own unit's file through the whole cycle: a question on 1.1, answered, decided in round 2, the rest
    accepted, finalized by the coordinator."""
    world = handed_in
    leaf = score_of(world.cycle, world.own, "1.1")
    appraisal.leaf_score_request_explanation(leaf_score=leaf, user=world.appraiser, version=leaf.version,
                                             question="Đề nghị bổ sung quyết định ban hành.")
    # Every agency finishes round 1: the explanation round opens, the coordinator may then accept any leaf.
    for agency in Agency.objects.all():
        rounds.agency_round_finish(cycle=world.cycle, agency=agency, user=world.coordinator)
    rounds.explanation_round_open(cycle=world.cycle, user=world.coordinator)
    leaf = score_of(world.cycle, world.own, "1.1")
    explanations.leaf_score_answer(leaf_score=leaf, user=world.officer, version=leaf.version,
                                   answer="Đã bổ sung Quyết định số 12.")
    explanations.assessment_submit_explanation(assessment=assessment_of(world, world.own), user=world.officer)
    leaf = score_of(world.cycle, world.own, "1.1")
    appraisal.leaf_score_accept(leaf_score=leaf, user=world.appraiser, version=leaf.version)
    appraisal.assessment_accept_untouched(assessment=assessment_of(world, world.own), user=world.coordinator)
    appraisal.assessment_finalize(assessment=assessment_of(world, world.own), user=world.coordinator)
    assert assessment_of(world, world.own).status == S.APPRAISED
    return world


CLOSED = "Hồ sơ đã thẩm định xong; chỉ Sở Nội vụ có thể mở lại."
CLOSED_TO_BOARD = "Hồ sơ đã thẩm định xong; cần mở lại để điều chỉnh."
