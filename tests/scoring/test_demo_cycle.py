"""The demo province's 2026 cycle (scoring/demo/cycle.py): `make run` must show the whole workflow, so the cycles
hold files in every state, the demo accounts each land on work of their own, and seeding again changes nothing.

Seeding the province, its two scored years and the 2026 cycle takes about 20 seconds, so it is done once for the
module, inside a transaction rolled back at the end (each test still runs in a savepoint of its own).
"""
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from scoring import workflow
from scoring.demo import seed_demo
from scoring.demo.cycle import LATE, STATES, YEAR, seed_cycle
from scoring.demo.results import seed_results
from scoring.models import (Assessment, AssessmentStatus, AuditEntry, Cycle, DeadlineKind, Evidence, EvidenceFile,
                            LateDecision, LeafScore, Reminder, RosterEntry, User)
from scoring.permissions import may_act_on_assessment
from scoring.selectors.assessments import cycle_roster
from scoring.services.roster import NOT_SUBMITTED
from scoring.services.self_assessment import assessment_missing, self_permit

S = AssessmentStatus


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, demo_media):
    """The whole demo as `seed_demo` makes it, once for the module, undone afterwards."""
    with django_db_blocker.unblock(), override_settings(
            MEDIA_ROOT=str(demo_media), PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed_demo()
            seed_results()
            walked = seed_cycle()
            yield walked
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo(seeded, db):
    return seeded


def file_of(unit_code):
    return Assessment.objects.select_related("cycle__framework", "unit").get(cycle__year=YEAR, unit__code=unit_code)


def test_the_2026_cycles_hold_files_in_every_state(demo):
    cycles = Cycle.objects.filter(year=YEAR)
    statuses = dict(Assessment.objects.filter(cycle__year=YEAR).values_list("unit__code", "status"))

    assert demo == len(statuses) == Assessment.objects.filter(cycle__year=YEAR).count()
    assert sorted(cycles.values_list("block__code", "is_open")) == [("HUYEN", True), ("SO", True)]
    assert set(statuses.values()) == set(S.values)
    assert {code: statuses[code] for states in STATES.values() for code in states} == {
        code: state for states in STATES.values() for code, state in states.items()}


def test_every_file_in_its_state_holds_what_that_state_needs(demo):
    files = Assessment.objects.filter(cycle__year=YEAR)
    appraised = files.filter(status=S.APPRAISED)
    assert appraised.exists() and not appraised.filter(finalized_at=None).exists()
    assert not LeafScore.objects.filter(assessment__in=appraised, final_score=None, not_applicable=False).exclude(
        criterion__method="survey").exists()
    # A unit that never submitted and was decided (rule 14) has its file with the board, never submitted.
    late = RosterEntry.objects.filter(cycle__year=YEAR).exclude(late_decision="").values_list("unit", flat=True)
    assert list(files.exclude(status=S.DRAFT).filter(submitted_at=None).values_list("unit__code", flat=True)) == [
        LATE["HUYEN"]]
    answered = LeafScore.objects.filter(assessment__status=S.EXPLANATION_SUBMITTED).exclude(explanation_question="")
    assert answered.exists() and not answered.filter(explanation_answer="").exists()
    in_appraisal = LeafScore.objects.filter(assessment__status=S.IN_APPRAISAL)
    assert in_appraisal.filter(appraisal_reason__gt="").exists()  # adjusted with a reason
    # Each file's way there is in the audit log, one status change at a time.
    for assessment in files.exclude(status=S.DRAFT).exclude(unit__in=late):
        path = list(AuditEntry.objects.filter(entity="assessment", entity_id=assessment.pk, field="status")
                    .order_by("id").values_list("new_value", flat=True))
        assert path[0] == S.SUBMITTED and path[-1] == assessment.status, assessment.unit.code


def test_the_home_affairs_accounts_find_a_draft_with_work_left(demo):
    officer, head = User.objects.get(username="canbo.snv"), User.objects.get(username="thutruong.snv")
    draft = file_of("SNV")

    assert draft.status == S.DRAFT and officer.unit == head.unit == draft.unit
    assert self_permit(draft), "the deadline must still be ahead so the demo can self-score"
    assert may_act_on_assessment(officer, draft, "self") and may_act_on_assessment(head, draft, "submit")
    missing = assessment_missing(draft)
    scored = LeafScore.objects.filter(assessment=draft, self_score__isnull=False).count()
    assert missing and scored  # half done: some leaves scored, others left
    assert Evidence.objects.filter(leaf_score__assessment=draft).exists()


def test_canbo_anlac_has_questions_to_answer_before_the_deadline(demo):
    officer = User.objects.get(username="canbo.anlac")
    asked = file_of("HUYEN-03")
    questions = LeafScore.objects.filter(assessment=asked, explanation_answer="").exclude(explanation_question="")

    assert officer.unit.code == "HUYEN-03" and asked.status == S.EXPLANATION_REQUESTED
    assert questions.count() >= 1
    assert may_act_on_assessment(officer, asked, "explain")
    assert workflow.explanation_permit(asked.status, today=timezone.localdate(),
                                       deadline=asked.cycle.explanation_deadline, asked=True)


def test_one_district_never_submitted_and_its_late_decision_is_recorded(demo):
    """Rule 14 in the demo: the districts' self-assessment deadline has passed (the later ones are still ahead), one
    district never submitted and the coordinator decided that the board appraises what it has; the departments'
    deadline is still ahead."""
    huyen, so = Cycle.objects.get(year=YEAR, block__code="HUYEN"), Cycle.objects.get(year=YEAR, block__code="SO")
    today = timezone.localdate()
    assert huyen.self_assessment_deadline < today < huyen.appraisal_deadline < huyen.explanation_deadline
    assert so.self_assessment_deadline > today
    entry = RosterEntry.objects.get(cycle=huyen, unit__code=LATE["HUYEN"])
    assert entry.late_decision == LateDecision.APPRAISE_AS_IS and entry.late_reason
    late_file = file_of(LATE["HUYEN"])
    assert late_file.status == S.IN_APPRAISAL and late_file.submitted_at is None
    zeros = LeafScore.objects.filter(assessment=late_file, appraisal_reason=NOT_SUBMITTED)
    assert zeros.exists() and set(zeros.values_list("final_score", flat=True)) == {0}
    # The roster page lists it among the late units, past the deadline; every other district has submitted.
    roster = cycle_roster(huyen)
    assert roster["deadline_passed"] and [row["entry"].unit.code for row in roster["late"]] == [LATE["HUYEN"]]
    # Both acts audited: the deadline moved and the file went to the board without a submission.
    assert AuditEntry.objects.filter(entity="cycle", entity_id=huyen.pk, field="self_assessment_deadline").exists()
    assert list(AuditEntry.objects.filter(entity="assessment", entity_id=late_file.pk, field="status")
                .values_list("new_value", "reason")) == [(S.IN_APPRAISAL, f"{NOT_SUBMITTED}: {entry.late_reason}")]


def test_evidence_is_attached_and_a_file_cited_twice_is_stored_once(demo, demo_media):
    citations = Evidence.objects.filter(leaf_score__assessment__cycle__year=YEAR)
    cited_twice = (EvidenceFile.objects.filter(citations__in=citations).annotate(n=Count("citations"))
                   .filter(n__gte=2))

    assert citations.count() > EvidenceFile.objects.filter(citations__in=citations).distinct().count()
    assert cited_twice.exists()
    stored = cited_twice.first()
    assert (Path(demo_media) / stored.file.name).read_bytes()[:5] == b"%PDF-"
    assert len({(evidence.leaf_score_id) for evidence in stored.citations.all()}) >= 2


def test_reminders_are_waiting_for_the_self_assessment_deadline(demo):
    cycle = Cycle.objects.get(year=YEAR, block__code="SO")
    reminders = Reminder.objects.filter(cycle=cycle, deadline=DeadlineKind.SELF_ASSESSMENT)
    due = workflow.vn_date(cycle.self_assessment_deadline)

    assert {"canbo.snv", "thutruong.snv"} <= set(reminders.values_list("user__username", flat=True))
    assert set(reminders.values_list("due_on", flat=True)) == {cycle.self_assessment_deadline}
    assert all(due in message for message in reminders.values_list("message", flat=True))
    # Only units still drafting are reminded of the self-assessment deadline.
    assert not reminders.exclude(user__unit__assessments__cycle=cycle, user__unit__assessments__status=S.DRAFT)


def test_seeding_again_creates_nothing(demo):
    counts = {model._meta.label: model.objects.count() for model in apps.get_models()}

    assert set(seed_demo().created.values()) == {0}
    assert seed_results() == {2024: 0, 2025: 0}
    assert seed_cycle() == 0
    assert {model._meta.label: model.objects.count() for model in apps.get_models()} == counts
