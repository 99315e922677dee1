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
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import URLPattern, reverse

from scoring import permissions, urls
from scoring.models import AuditEntry, Criterion, Evidence, LeafScore, Role
from scoring.services import appraisal, evidence as evidence_service
from scoring.services.evidence import EvidenceError

from .cycle_data import score_of
from .cycle_permissions_data import S, assessment_of, decision_url, nothing_changes, signed_in
from .evidence_files import pdf_bytes, upload

# The fixtures world, handed_in and finalized come from tests/scoring/conftest.py (cycle_permissions_data).
pytestmark = pytest.mark.usefixtures("media")


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
