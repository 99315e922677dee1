"""Issue 3's "Done means" permission proofs, in one place: a unit user can't read or change another unit's
assessment, an appraiser can't touch areas outside their agency, a leader can't change anything, nobody can change
anything after finalization except through the audited reopen, and bad uploads change nothing.

Every attempt goes through the real pages (Django's test client) and through what every interface calls (the
permission gate of scoring/permissions.py, then the service), and the database (and the evidence store) is compared
before and after: a refusal must leave nothing behind, not even an audit row.

The routes of the cycle are read from scoring/urls.py (the lines under its "Issue 3" comments), so a route added
there is covered here without editing this file; ROUTE_OBJECTS then fails until it says what the route's URL
kwargs point at.

Framework (tests/scoring/cycle_data.py): area 1 has one leaf of every rule type, 1.1-1.3 appraised by Sở Tư pháp
(the personas' appraiser) and 1.4-1.5 by Sở Tài chính; 2.1 is a survey leaf; area 3 holds bonus and penalty leaves,
appraised by the coordinator. Both units (SNV, the personas' own, and STC) are in the cycle's block.
"""
import re
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import URLPattern, reverse

from scoring import permissions, urls
from scoring.models import (Agency, Assessment, AssessmentStatus, AuditEntry, Criterion, Cycle, Evidence, EvidenceFile,
                            LeafScore, Reminder, Role)
from scoring.services import appraisal, evidence as evidence_service, explanations, rounds, self_assessment
from scoring.services.evidence import EvidenceError
from scoring.workflow import WorkflowError
from tests.conftest import make_agency, make_user

from .cycle_data import make_rules_framework, open_rules_cycle, score_of
from .evidence_files import image_bytes, pdf_bytes, upload, xlsx_bytes

S = AssessmentStatus
# What each unit enters, leaf by leaf, through the self-assessment service (1.5 also gets a document).
SELF_INPUTS = {"1.1": {"value": "1.75"}, "1.2": {"choice": "Chậm"}, "1.3": {"numerator": "95", "denominator": "100"},
               "1.4": {"numerator": "45", "denominator": "60"}, "1.5": {"occurrences": "1"}, "3.1": {"value": "1"},
               "3.2": {"value": "1"}, "3.3": {"value": "0.5"}}


# --- The cycle and what is compared ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
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


# --- Every route of the cycle, from scoring/urls.py --------------------------------------------------------------


def cycle_routes():
    """The route names under the "Issue 3" comment lines of scoring/urls.py."""
    names, inside = [], False
    for line in Path(urls.__file__).read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("# ---"):
            inside = "Issue 3" in line
        elif inside:
            names += re.findall(r'name="([^"]+)"', line)
    return [f"scoring:{name}" for name in names]


# What each route's URL kwargs point at, on the unit the request targets.
CYCLE, ASSESSMENT, LEAF = {"pk": "cycle"}, {"pk": "assessment"}, {"pk": "leaf"}
ROUTE_OBJECTS = {
    "scoring:cycle_list": {}, "scoring:cycle_create": {}, "scoring:cycle_detail": CYCLE,
    "scoring:cycle_deadlines": CYCLE, "scoring:cycle_close": CYCLE, "scoring:cycle_reopen": CYCLE,
    "scoring:cycle_roster": CYCLE, "scoring:cycle_roster_act": CYCLE, "scoring:appraisal_cycle_round": CYCLE,
    "scoring:cycle_remind": CYCLE,
    "scoring:assessment_detail": ASSESSMENT, "scoring:assessment_submit": ASSESSMENT, "scoring:leaf_detail": LEAF,
    "scoring:evidence_list": LEAF, "scoring:evidence_upload": LEAF, "scoring:evidence_attach": LEAF,
    "scoring:evidence_link": LEAF, "scoring:evidence_download": {"pk": "evidence"},
    "scoring:evidence_remove": {"pk": "evidence"},
    "scoring:appraisal_home": {}, "scoring:appraisal_cycle": CYCLE, "scoring:appraisal_cycle_finalize": CYCLE,
    "scoring:appraisal_criterion": {"pk": "cycle", "criterion_pk": "criterion"},
    "scoring:appraisal_assessment": ASSESSMENT, "scoring:appraisal_leaf": {"pk": "assessment", "criterion_pk":
                                                                          "criterion"},
    "scoring:appraisal_accept_untouched": ASSESSMENT, "scoring:appraisal_finalize": ASSESSMENT,
    "scoring:appraisal_reopen": ASSESSMENT, "scoring:explanation_list": ASSESSMENT,
    "scoring:explanation_submit": ASSESSMENT, "scoring:explanation_answer": LEAF,
    "scoring:workbook_download": ASSESSMENT, "scoring:workbook_upload": ASSESSMENT,
    "scoring:workbook_confirm": {"pk": "assessment", "token": "token"},
}
# Pages that only read, whatever the method: every other route of the cycle is a write (a POST route). A read
# must never look at the request body, which test_the_pages_that_only_read_never_look_at_a_request_body checks.
READS = {"scoring:cycle_list", "scoring:cycle_detail", "scoring:cycle_roster", "scoring:assessment_detail",
         "scoring:evidence_list", "scoring:evidence_download", "scoring:explanation_list", "scoring:appraisal_home", "scoring:appraisal_cycle",
         "scoring:appraisal_criterion", "scoring:appraisal_assessment", "scoring:workbook_download"}
# Objects of another unit: a unit user asking for them gets 404, so their existence is not revealed.
UNIT_OBJECTS = {"assessment", "leaf", "evidence"}


def route_url(name, world, unit):
    leaf = score_of(world.cycle, unit, "1.1")
    values = {"cycle": world.cycle.pk, "assessment": assessment_of(world, unit).pk, "leaf": leaf.pk,
              "criterion": leaf.criterion_id, "evidence": Evidence.objects.get(leaf_score__assessment__unit=unit).pk,
              "token": "a" * 32}
    return reverse(name, kwargs={kwarg: values[key] for kwarg, key in ROUTE_OBJECTS[name].items()})


def anything_a_form_could_ask(world, unit):
    """One body for every write route: each form finds its fields in it (the file is new for each request)."""
    return {"decision": "accept", "version": "1", "score": "1", "reason": "Thử quyền", "question": "Vì sao?",
            "answer": "Đã bổ sung", "target": S.DRAFT, "value": "2", "explanation": "Thử quyền", "year": "2030",
            "block": str(unit.block_id), "self_assessment_deadline": "2030-01-10", "appraisal_deadline": "2030-01-20",
            "explanation_deadline": "2030-01-30", "final_appraisal_deadline": "2030-02-10",
            "source": str(Evidence.objects.get(leaf_score__assessment__unit=unit).pk), "title": "Tài liệu thử",
            "issue_date": "15/03/2025", "document_number": "1/TB", "file": upload("thu.pdf", pdf_bytes("Thu"))}


def test_every_route_of_the_cycle_is_known_here(db):
    routes = cycle_routes()
    assert len(routes) >= 25 and "scoring:appraisal_leaf" in routes
    assert set(routes) == set(ROUTE_OBJECTS), "a route of the cycle needs its line in ROUTE_OBJECTS"
    # A route of the same views put under another comment line would escape the enumeration: none may.
    modules = {pattern.callback.__module__ for pattern in urls.urlpatterns if f"scoring:{pattern.name}" in routes}
    assert not [pattern.name for pattern in urls.urlpatterns if isinstance(pattern, URLPattern)
                and pattern.callback.__module__ in modules and f"scoring:{pattern.name}" not in routes]


def test_the_pages_that_only_read_never_look_at_a_request_body():
    views = {f"scoring:{pattern.name}": pattern.callback for pattern in urls.urlpatterns}
    for name in READS:
        layers = [views[name]]
        while hasattr(layers[-1], "__wrapped__"):
            layers.append(layers[-1].__wrapped__)
        # Read from the compiled code, not the file: `request.POST` names the attribute POST.
        assert not {"POST", "FILES", "method"} & set(layers[-1].__code__.co_names), name
        # Nor is it wrapped by require_POST / require_http_methods (their wrapper holds request_method_list).
        assert not any("request_method_list" in layer.__code__.co_freevars for layer in layers), name


# --- A unit user and another unit's file -------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.UNIT_HEAD])
def test_a_unit_user_reads_and_changes_nothing_of_another_units_file_on_any_route(client, world, media, role):
    user = world.officer if role == Role.UNIT_OFFICER else world.head
    client = signed_in(client, user)

    for name in cycle_routes():
        with nothing_changes(media, name):
            url = route_url(name, world, world.other)
            # Their file, leaf or document: not found. The cycle itself is the block's, which both units share:
            # its pages are read (showing only the user's own file); the board's and the coordinator's are refused.
            if set(ROUTE_OBJECTS[name].values()) & UNIT_OBJECTS:
                expected = 404
            else:
                expected = 200 if name in ("scoring:cycle_list", "scoring:cycle_detail") else 403
            read = client.get(url).status_code
            assert read == expected or (name not in READS and read == 405), name  # 405: a POST-only route
            assert client.post(url, anything_a_form_could_ask(world, world.own)).status_code == expected, name


def test_the_cycle_page_lists_only_the_unit_users_own_file(client, world):
    page = signed_in(client, world.officer).get(reverse("scoring:cycle_detail", args=[world.cycle.pk]))

    text = page.content.decode()
    assert world.own.name in text and world.other.name not in text
    assert reverse("scoring:assessment_detail", args=[assessment_of(world, world.other).pk]) not in text


def test_the_same_requests_work_for_the_unit_that_owns_the_file(client, world):
    """The control for the test above: what was refused to another unit is an ordinary save for the owner."""
    leaf = score_of(world.cycle, world.other, "1.1")
    client = signed_in(client, world.their_officer)

    saved = client.post(route_url("scoring:leaf_detail", world, world.other), {"value": "2", "version": leaf.version})
    uploaded = client.post(route_url("scoring:evidence_upload", world, world.other),
                           anything_a_form_could_ask(world, world.other))

    assert saved.status_code == uploaded.status_code == 302
    assert score_of(world.cycle, world.other, "1.1").self_score == 2
    assert Evidence.objects.filter(leaf_score=leaf, title="Tài liệu thử").exists()


def test_the_permission_gate_hides_another_units_file_leaf_and_evidence(world, media):
    theirs = assessment_of(world, world.other)
    leaf = score_of(world.cycle, world.other, "1.1")
    document = Evidence.objects.get(leaf_score__assessment=theirs)
    gates = [
        lambda: permissions.get_assessment_for_user(world.officer, theirs.pk),
        lambda: permissions.get_assessment_for_user(world.head, theirs.pk, action="submit"),
        lambda: permissions.get_assessment_for_user(world.officer, theirs.pk, action="explain"),
        lambda: permissions.get_leaf_score_for_user(world.officer, leaf.pk),
        lambda: permissions.get_leaf_score_for_user(world.officer, leaf.pk, action="self"),
        lambda: permissions.get_evidence_for_user(world.officer, document.pk),
        lambda: permissions.get_evidence_for_user(world.officer, document.pk, write=True),
        lambda: permissions.get_assessment_workbook_for_user(world.officer, theirs.pk),
    ]
    for gate in gates:
        with pytest.raises(Http404):
            gate()
    assert not permissions.assessments_visible_to(world.officer).filter(pk=theirs.pk).exists()
    assert not permissions.leaf_scores_visible_to(world.head).filter(assessment=theirs).exists()
    assert not permissions.evidence_visible_to(world.officer).filter(pk=document.pk).exists()


def test_the_evidence_service_refuses_another_units_leaf_and_document_itself(world, media):
    """The evidence service checks who as well as when, so even a caller that skipped the gate is refused."""
    theirs = Evidence.objects.select_related("leaf_score__assessment__cycle", "file").get(
        leaf_score__assessment__unit=world.other)
    mine = Evidence.objects.select_related("file").get(leaf_score__assessment__unit=world.own)
    leaf = score_of(world.cycle, world.other, "1.1")

    with nothing_changes(media):
        with pytest.raises(PermissionDenied):
            evidence_service.evidence_add(leaf_score=leaf, user=world.officer, upload=upload(), title="Thử")
        with pytest.raises(PermissionDenied):
            evidence_service.evidence_link(leaf_score=leaf, user=world.officer, file=mine.file, title="Thử")
        with pytest.raises(PermissionDenied):
            evidence_service.evidence_remove(evidence=theirs, user=world.officer)
        with pytest.raises(EvidenceError, match="Chỉ dùng lại được tệp mà đơn vị đã tải lên."):
            evidence_service.evidence_link(leaf_score=score_of(world.cycle, world.own, "1.1"), user=world.officer,
                                           file=theirs.file, title="Của đơn vị khác")


# --- An appraiser and the areas of other agencies ----------------------------------------------------------------


@pytest.fixture
def handed_in(world):
    """Both files submitted by their heads."""
    submit(world, world.own, world.head)
    submit(world, world.other, world.their_head)
    return world


def decision_url(world, unit, code):
    return reverse("scoring:appraisal_leaf", args=[assessment_of(world, unit).pk,
                                                   score_of(world.cycle, unit, code).criterion_id])


def test_an_appraiser_can_neither_open_nor_decide_another_agencys_leaf(client, handed_in, media):
    world = handed_in
    client = signed_in(client, world.appraiser)
    criterion = score_of(world.cycle, world.own, "1.4").criterion_id

    with nothing_changes(media):
        assert client.get(decision_url(world, world.own, "1.4")).status_code == 403
        for decision in ({"decision": "accept"}, {"decision": "adjust", "score": "1", "reason": "Thiếu"},
                         {"decision": "ask", "question": "Bổ sung báo cáo?"}):
            response = client.post(decision_url(world, world.own, "1.4"), {**decision, "version": 2})
            assert response.status_code == 403, decision
        assert client.get(reverse("scoring:appraisal_criterion", args=[world.cycle.pk, criterion])).status_code == 403
        # Nor a survey leaf, whose points come from the survey: not even the coordinator.
        survey = decision_url(world, world.own, "2.1")
        assert client.post(survey, {"decision": "adjust", "score": "5", "reason": "x", "version": "1"}).status_code \
            == 403
        coordinator = signed_in(client, world.coordinator)
        assert coordinator.post(survey, {"decision": "adjust", "score": "5", "reason": "x",
                                         "version": "1"}).status_code == 403


def test_an_appraisers_own_leaf_is_decided_for_contrast(client, handed_in):
    world = handed_in
    leaf = score_of(world.cycle, world.own, "1.1")
    response = signed_in(client, world.appraiser).post(decision_url(world, world.own, "1.1"),
                                                       {"decision": "accept", "version": leaf.version})

    assert response.status_code == 302
    assert score_of(world.cycle, world.own, "1.1").final_score == score_of(world.cycle, world.own, "1.1").self_score


def test_accepting_untouched_leaves_accepts_only_the_appraisers_own_area(client, handed_in):
    world = handed_in
    outside = ["1.4", "1.5", "2.1", "3.1", "3.2", "3.3"]
    before = {code: LeafScore.objects.filter(pk=score_of(world.cycle, world.own, code).pk).values().get()
              for code in outside}

    response = signed_in(client, world.appraiser).post(
        reverse("scoring:appraisal_accept_untouched", args=[assessment_of(world, world.own).pk]), {"confirmed": "1"})

    assert response.status_code == 302
    assert [score_of(world.cycle, world.own, code).final_score is not None for code in ("1.1", "1.2", "1.3")] == [
        True, True, True]
    for code in outside:
        leaf = score_of(world.cycle, world.own, code)
        assert LeafScore.objects.filter(pk=leaf.pk).values().get() == before[code], code
        assert not AuditEntry.objects.filter(entity="leaf_score", entity_id=leaf.pk, actor=world.appraiser).exists()


def test_an_appraiser_may_not_finalize_reopen_or_manage_the_cycle(client, handed_in, media):
    world = handed_in
    client = signed_in(client, world.appraiser)
    mine = assessment_of(world, world.own).pk

    with nothing_changes(media):
        for name, args, data in [
            ("scoring:appraisal_finalize", [mine], {}),
            ("scoring:appraisal_reopen", [mine], {"target": S.DRAFT, "reason": "Thử"}),
            ("scoring:appraisal_cycle_finalize", [world.cycle.pk], {}),
            ("scoring:cycle_deadlines", [world.cycle.pk], {"self_assessment_deadline": "2030-01-01"}),
            ("scoring:cycle_close", [world.cycle.pk], {"reason": "Thử"}),
        ]:
            assert client.post(reverse(name, args=args), data).status_code == 403, name


def test_the_permission_gate_refuses_an_appraiser_another_agencys_leaf(handed_in, media):
    world = handed_in
    outside = score_of(world.cycle, world.own, "1.4")
    survey = score_of(world.cycle, world.own, "2.1")

    with pytest.raises(PermissionDenied):
        permissions.get_criterion_to_appraise(world.appraiser, world.cycle.framework_id, outside.criterion_id)
    with pytest.raises(PermissionDenied):
        permissions.get_leaf_score_for_user(world.appraiser, outside.pk, action="appraise")
    for user in (world.appraiser, world.coordinator):
        with pytest.raises(PermissionDenied):
            permissions.get_leaf_score_for_user(user, survey.pk, action="appraise")
    # Their own area passes the same gate.
    assert permissions.get_leaf_score_for_user(world.appraiser, score_of(world.cycle, world.own, "1.1").pk,
                                               action="appraise")
    codes = permissions.criteria_appraisable_by(world.appraiser, Criterion.objects.filter(
        framework=world.cycle.framework_id)).values_list("code", flat=True)
    assert sorted(codes) == ["1.1", "1.2", "1.3"]


def test_the_bulk_service_leaves_another_agencys_leaves_untouched(handed_in):
    world = handed_in
    summary = appraisal.assessment_accept_untouched(assessment=assessment_of(world, world.other),
                                                    user=world.appraiser)

    assert summary.accepted == 3  # 1.1, 1.2, 1.3: Sở Tư pháp's leaves
    finals = dict(LeafScore.objects.filter(assessment__unit=world.other).values_list("criterion__code",
                                                                                     "final_score"))
    assert {code for code, final in finals.items() if final is not None} == {"1.1", "1.2", "1.3"}


# --- A leader -----------------------------------------------------------------------------------------------------


def test_a_leader_is_refused_every_write_route_of_the_cycle_and_nothing_changes(client, handed_in, media):
    world = handed_in
    client = signed_in(client, world.leader)
    writes = [name for name in cycle_routes() if name not in READS]
    assert len(writes) >= 18

    for name in writes:
        with nothing_changes(media, name):
            response = client.post(route_url(name, world, world.own), anything_a_form_could_ask(world, world.own))
        assert response.status_code == 403, name


def test_a_leader_reads_the_cycle_pages_that_any_reader_may(client, handed_in, media):
    world = handed_in
    client = signed_in(client, world.leader)

    with nothing_changes(media):
        for name in ("scoring:cycle_list", "scoring:cycle_detail", "scoring:assessment_detail",
                     "scoring:evidence_list", "scoring:evidence_download", "scoring:explanation_list"):
            assert client.get(route_url(name, world, world.own)).status_code == 200, name
            # The same page posted to: still a read, nothing saved.
            assert client.post(route_url(name, world, world.own),
                               anything_a_form_could_ask(world, world.own)).status_code == 200, name


def test_the_permission_gate_refuses_a_leader_every_action(handed_in):
    world = handed_in
    mine = assessment_of(world, world.own)
    leaf = score_of(world.cycle, world.own, "1.1")
    document = Evidence.objects.get(leaf_score__assessment=mine)
    refusals = [
        lambda: permissions.get_cycle_for_user(world.leader, world.cycle.pk, write=True),
        lambda: permissions.require_manager(world.leader),
        lambda: permissions.require_board_member(world.leader),
        lambda: permissions.get_evidence_for_user(world.leader, document.pk, write=True),
        lambda: permissions.get_assessment_workbook_for_user(world.leader, mine.pk),
        lambda: permissions.get_criterion_to_appraise(world.leader, world.cycle.framework_id, leaf.criterion_id),
        *[lambda action=action: permissions.get_assessment_for_user(world.leader, mine.pk, action=action)
          for action in ("self", "explain", "submit", "appraise", "manage")],
        *[lambda action=action: permissions.get_leaf_score_for_user(world.leader, leaf.pk, action=action)
          for action in ("self", "explain", "appraise")],
    ]
    for refusal in refusals:
        with pytest.raises(PermissionDenied):
            refusal()
    with pytest.raises(PermissionDenied):
        evidence_service.evidence_remove(evidence=document, user=world.leader)


# --- After finalization: nothing changes but through the audited reopen ------------------------------------------


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


def test_after_finalization_every_page_refuses_the_unit_and_the_board_with_the_reason(client, finalized, media):
    world = finalized
    mine = assessment_of(world, world.own).pk
    leaf = score_of(world.cycle, world.own, "1.1")
    document = Evidence.objects.get(leaf_score__assessment=mine)
    attempts = [  # (user, route, args, body, status, what the page says)
        (world.officer, "scoring:leaf_detail", [leaf.pk], {"value": "2", "version": leaf.version}, 200, CLOSED),
        (world.officer, "scoring:evidence_upload", [leaf.pk], {"file": upload(), "title": "Mới",
                                                               "issue_date": "01/04/2025"}, 302, CLOSED),
        (world.officer, "scoring:evidence_remove", [document.pk], {}, 302, CLOSED),
        (world.officer, "scoring:explanation_answer", [leaf.pk], {"version": leaf.version, "answer": "Sửa"}, 400,
         CLOSED),
        (world.officer, "scoring:explanation_submit", [mine], {}, 302, "Không thể thực hiện thao tác này"),
        (world.head, "scoring:assessment_submit", [mine], {}, 302, CLOSED),
        (world.officer, "scoring:workbook_upload", [mine], {"file": upload("so.xlsx", xlsx_bytes())}, 403, CLOSED),
        (world.coordinator, "scoring:appraisal_leaf", [mine, leaf.criterion_id],
         {"decision": "adjust", "score": "0.5", "reason": "Sai", "version": leaf.version}, 400, CLOSED_TO_BOARD),
        (world.appraiser, "scoring:appraisal_leaf", [mine, score_of(world.cycle, world.own, "1.2").criterion_id],
         {"decision": "ask", "question": "?", "version": "3"}, 400, CLOSED_TO_BOARD),
        (world.coordinator, "scoring:appraisal_accept_untouched", [mine], {}, 302, CLOSED_TO_BOARD),
        (world.coordinator, "scoring:appraisal_finalize", [mine], {}, 302, "Không thể thực hiện thao tác này"),
    ]
    for user, name, args, body, status, reason in attempts:
        client = signed_in(client, user)
        with nothing_changes(media, name):
            response = client.post(reverse(name, args=args), body)
        assert response.status_code == status, name
        assert reason in page_text(client, response), name
    with nothing_changes(media, "appraisal_cycle_finalize"):
        response = signed_in(client, world.coordinator).post(
            reverse("scoring:appraisal_cycle_finalize", args=[world.cycle.pk]))
    assert "Chưa có đơn vị nào đủ điểm chính thức để hoàn tất." in page_text(client, response)


def test_after_finalization_every_service_refuses(finalized, media):
    world = finalized
    mine = assessment_of(world, world.own)
    leaf = score_of(world.cycle, world.own, "1.1")
    other_leaf = score_of(world.cycle, world.own, "1.2")
    document = Evidence.objects.select_related("file").get(leaf_score__assessment=mine)
    attempts = [
        lambda: self_assessment.leaf_self_save(leaf_score=leaf, user=world.officer, inputs={"value": "2"}),
        lambda: self_assessment.assessment_self_save_many(assessment=mine, user=world.officer, entries=[
            {"criterion_code": "1.1", "value": "2"}]),
        lambda: self_assessment.assessment_submit(assessment=mine, user=world.head),
        lambda: evidence_service.evidence_add(leaf_score=leaf, user=world.officer, upload=upload(), title="Mới"),
        lambda: evidence_service.evidence_link(leaf_score=other_leaf, user=world.officer, file=document.file,
                                               title="Dùng lại"),
        lambda: evidence_service.evidence_remove(evidence=document, user=world.officer),
        lambda: appraisal.leaf_score_accept(leaf_score=other_leaf, user=world.appraiser, version=other_leaf.version),
        lambda: appraisal.leaf_score_adjust(leaf_score=leaf, user=world.coordinator, version=leaf.version,
                                            score=0, reason="Sai"),
        lambda: appraisal.leaf_score_request_explanation(leaf_score=other_leaf, user=world.appraiser,
                                                         version=other_leaf.version, question="?"),
        lambda: appraisal.assessment_accept_untouched(assessment=mine, user=world.coordinator),
        lambda: appraisal.assessment_finalize(assessment=mine, user=world.coordinator),
        lambda: explanations.leaf_score_answer(leaf_score=leaf, user=world.officer, version=leaf.version,
                                               answer="Sửa lại"),
        lambda: explanations.assessment_submit_explanation(assessment=mine, user=world.officer),
    ]
    for number, attempt in enumerate(attempts):
        with nothing_changes(media, f"attempt {number}"), pytest.raises((WorkflowError, EvidenceError)):
            attempt()
            pytest.fail(f"attempt {number} was not refused")
    with nothing_changes(media, "cycle_finalize_complete"):
        assert appraisal.cycle_finalize_complete(cycle=world.cycle, user=world.coordinator) == []


def test_reopening_needs_a_reason_and_writes_it_to_the_audit_log_then_the_board_may_adjust(client, finalized,
                                                                                            media):
    world = finalized
    mine = assessment_of(world, world.own)
    client = signed_in(client, world.coordinator)
    reopen = reverse("scoring:appraisal_reopen", args=[mine.pk])

    with nothing_changes(media):
        refused = client.post(reopen, {"target": S.IN_APPRAISAL, "reason": "   "})
    assert refused.status_code == 400 and "Cần nêu lý do mở lại hồ sơ." in refused.content.decode()

    reason = "Phát hiện sai sót ở tiêu chí 1.2 khi rà soát kết quả"
    assert client.post(reopen, {"target": S.IN_APPRAISAL, "reason": reason, "confirmed": "1"}).status_code == 302

    entry = AuditEntry.objects.get(entity="assessment", entity_id=mine.pk, field="status", reason=reason)
    assert (entry.old_value, entry.new_value, entry.actor, entry.assessment_id) == (
        S.APPRAISED, S.IN_APPRAISAL, world.coordinator, mine.pk)
    assert assessment_of(world, world.own).finalized_at is None
    leaf = score_of(world.cycle, world.own, "1.2")
    adjusted = client.post(decision_url(world, world.own, "1.2"), {
        "decision": "adjust", "score": "0", "reason": "Ban hành quá hạn", "version": leaf.version})
    assert adjusted.status_code == 302
    assert score_of(world.cycle, world.own, "1.2").final_score == 0


def test_reopened_to_the_unit_the_file_takes_scores_and_evidence_again(finalized, media):
    world = finalized
    appraisal.assessment_reopen(assessment=assessment_of(world, world.own), user=world.coordinator,
                                target=S.DRAFT, reason="Đơn vị đề nghị bổ sung hồ sơ")
    leaf = score_of(world.cycle, world.own, "1.1")

    self_assessment.leaf_self_save(leaf_score=leaf, user=world.officer, inputs={"value": "2"})
    added = evidence_service.evidence_add(leaf_score=score_of(world.cycle, world.own, "1.1"), user=world.officer,
                                          upload=upload("bo-sung.pdf", pdf_bytes("Bo sung")), title="Bổ sung")

    assert score_of(world.cycle, world.own, "1.1").self_score == 2
    assert added.pk and AuditEntry.objects.filter(entity="assessment", field="status", old_value=S.APPRAISED,
                                                  new_value=S.DRAFT, reason="Đơn vị đề nghị bổ sung hồ sơ").exists()


def test_only_a_manager_reopens(client, finalized, media):
    world = finalized
    reopen = reverse("scoring:appraisal_reopen", args=[assessment_of(world, world.own).pk])

    with nothing_changes(media):
        for user in (world.appraiser, world.leader, world.officer, world.head):
            response = signed_in(client, user).post(reopen, {"target": S.DRAFT, "reason": "Thử"})
            assert response.status_code == 403, user.role


# --- Bad uploads -----------------------------------------------------------------------------------------------
# tests/scoring/test_services_evidence.py (BAD_UPLOADS and the size tests) refuses every kind of wrong content, an
# empty file, path-like and control-character names, an oversized file and a lying declared size at the service;
# tests/scoring/test_views_evidence.py sends a PNG renamed .pdf, an empty file and "../../etc/passwd.pdf" through
# the page. Left for here: an oversized file and a web page renamed .pdf through the page, a Windows path in the
# multipart name, and a bad file sent as an answer to the board.


def post_evidence(client, leaf, name, content):
    return client.post(reverse("scoring:evidence_upload", args=[leaf.pk]), {
        "file": upload(name, content), "title": "Tài liệu", "issue_date": "15/03/2025",
        "next": reverse("scoring:evidence_list", args=[leaf.pk])})


def test_an_oversized_file_sent_through_the_page_is_refused_with_the_limit(client, world, media, settings):
    settings.EVIDENCE_MAX_MB = 1
    leaf = score_of(world.cycle, world.own, "1.1")

    with nothing_changes(media):
        response = post_evidence(signed_in(client, world.officer), leaf, "lon.pdf",
                                 pdf_bytes() + b"%" + b"0" * (1024 * 1024))

    assert response.status_code == 200
    assert "Tệp «lon.pdf» lớn hơn 1 MB, giới hạn của mỗi tài liệu kiểm chứng." in response.content.decode()


def test_a_web_page_renamed_pdf_is_refused_through_the_page(client, world, media):
    leaf = score_of(world.cycle, world.own, "1.1")

    with nothing_changes(media):
        response = post_evidence(signed_in(client, world.officer), leaf, "quyet-dinh.pdf",
                                 b"<html><script>alert(1)</script></html>")

    assert "Nội dung tệp «quyet-dinh.pdf» không phải PDF" in response.content.decode()


def test_a_windows_path_in_the_multipart_name_is_cut_to_its_base_name(client, world, media):
    """Django's parser keeps only the base name; what reaches the disk is named by the hash alone."""
    leaf = score_of(world.cycle, world.own, "1.1")

    post_evidence(signed_in(client, world.officer), leaf, "C:\\Windows\\system32\\evil.pdf", pdf_bytes("Ok"))

    stored = Evidence.objects.select_related("file").get(leaf_score=leaf).file
    assert stored.original_name == "evil.pdf"
    assert stored.file.name == f"evidence/{stored.sha256[:2]}/{stored.sha256}.pdf"


def test_a_bad_file_sent_as_an_answer_to_the_board_changes_nothing(client, handed_in, media):
    world = handed_in
    leaf = score_of(world.cycle, world.own, "1.1")
    appraisal.leaf_score_request_explanation(leaf_score=leaf, user=world.appraiser, version=leaf.version,
                                             question="Bổ sung quyết định?")
    rounds.explanation_round_open(cycle=world.cycle, user=world.coordinator)
    client = signed_in(client, world.officer)

    with nothing_changes(media):
        renamed = post_evidence(client, leaf, "anh.pdf", image_bytes("jpg"))
        empty = post_evidence(client, leaf, "rong.pdf", b"")

    assert "mang đuôi PDF nhưng nội dung là tệp JPEG" in renamed.content.decode()
    assert "Tệp «rong.pdf» rỗng (0 byte)." in empty.content.decode()
