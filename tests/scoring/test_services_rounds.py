"""A board of several agencies (issue 11): each agency's round 1 is its own; questions wait for the round."""
from datetime import date
from decimal import Decimal

import pytest

from scoring.models import Agency, AuditEntry, Cycle
from scoring.services.appraisal import (accept_untouched_preview, assessment_accept_untouched, leaf_score_adjust,
                                        leaf_score_request_explanation)
from scoring.services.explanations import assessment_submit_explanation, leaf_score_answer
from scoring.services.rounds import agencies_waiting, agency_round_finish, explanation_round_open
from tests.conftest import make_unit, make_user
from tests.scoring.appraisal_data import S, make_cycle, make_file, score_of, self_scored

D = Decimal


@pytest.fixture
def board(db):
    cycle = make_cycle(round_one_done=False)
    justice, finance = Agency.objects.get(code="STP"), Agency.objects.get(code="STC")
    return {
        "cycle": cycle, "justice": justice, "finance": finance,
        "file": make_file(cycle, make_unit("SNV", "Sở Nội vụ"), S.SUBMITTED, self_scored()),
        "stp": make_user("tuphap", role="appraiser", agency=justice),
        "stc": make_user("taichinh", role="appraiser", agency=finance),
        "coordinator": make_user("dieuphoi", role="coordinator"),
    }


def refreshed(assessment):
    assessment.refresh_from_db()
    return assessment


def test_a_question_waits_so_the_other_agency_keeps_its_round_one(board):
    asked = score_of(board["file"], "1.1")
    leaf_score_request_explanation(leaf_score=asked, user=board["stp"], version=asked.version,
                                   question="Bổ sung quyết định ban hành")

    assert refreshed(board["file"]).status == S.IN_APPRAISAL
    # Finance still decides its own leaf in round 1, and may still ask.
    finance_leaf = score_of(board["file"], "2.1")
    leaf_score_adjust(leaf_score=finance_leaf, user=board["stc"], version=finance_leaf.version, score=D("2"),
                      reason="Thiếu báo cáo quý")
    finance_leaf = score_of(board["file"], "2.1")
    assert (finance_leaf.appraised_score, finance_leaf.second_score) == (D("2"), None)


def test_the_file_goes_to_the_unit_when_every_agency_has_finished_round_one(board):
    asked = score_of(board["file"], "1.1")
    leaf_score_request_explanation(leaf_score=asked, user=board["stp"], version=asked.version, question="Bổ sung")

    assert agency_round_finish(cycle=board["cycle"], agency=board["justice"], user=board["stp"]) == 0
    assert [agency.code for agency in agencies_waiting(board["cycle"])] == ["STC"]
    assert refreshed(board["file"]).status == S.IN_APPRAISAL

    assert agency_round_finish(cycle=board["cycle"], agency=board["finance"], user=board["stc"]) == 1
    assert refreshed(board["file"]).status == S.EXPLANATION_REQUESTED
    assert AuditEntry.objects.filter(entity="cycle", field="explanation_round", new_value="true").exists()


def test_round_two_is_recorded_only_for_the_leaves_asked_about(board):
    asked = score_of(board["file"], "1.1")
    leaf_score_request_explanation(leaf_score=asked, user=board["stp"], version=asked.version, question="Bổ sung")
    explanation_round_open(cycle=board["cycle"], user=board["coordinator"])
    asked = score_of(board["file"], "1.1")
    leaf_score_answer(leaf_score=asked, user=None, version=asked.version, answer="Đã bổ sung QĐ 12")
    assessment_submit_explanation(assessment=board["file"], user=None)

    asked, other = score_of(board["file"], "1.1"), score_of(board["file"], "1.2")
    leaf_score_adjust(leaf_score=asked, user=board["stp"], version=asked.version, score=D("1.5"), reason="Thiếu")
    leaf_score_adjust(leaf_score=other, user=board["stp"], version=other.version, score=D("2"), reason="Thiếu")

    asked, other = score_of(board["file"], "1.1"), score_of(board["file"], "1.2")
    assert (asked.appraised_score, asked.second_score, asked.final_score) == (None, D("1.5"), D("1.5"))
    assert (other.appraised_score, other.second_score, other.final_score) == (D("2"), None, D("2"))


def test_the_coordinators_bulk_accept_takes_only_agencies_that_finished_round_one(board):
    coordinator = board["coordinator"]
    # Before anyone finished: only the coordinator's own leaves (bonus and penalty, no agency).
    assert accept_untouched_preview(assessment=board["file"], user=coordinator) == [
        ("Sở Nội vụ (không giao cơ quan)", 2)]
    agency_round_finish(cycle=board["cycle"], agency=board["finance"], user=board["stc"])
    assert accept_untouched_preview(assessment=board["file"], user=coordinator) == [
        ("Sở Nội vụ (không giao cơ quan)", 2), ("Sở Tài chính", 1)]

    summary = assessment_accept_untouched(assessment=board["file"], user=coordinator)

    assert summary.accepted == 3
    assert score_of(board["file"], "1.1").final_score is None  # Justice's round 1 is still its own
    assert score_of(board["file"], "2.1").final_score == D("3")


def test_after_the_round_one_deadline_the_coordinator_accepts_every_agencys_leaves(board):
    Cycle.objects.filter(pk=board["cycle"].pk).update(appraisal_deadline=date(2025, 1, 1))

    summary = assessment_accept_untouched(assessment=board["file"], user=board["coordinator"])

    assert summary.accepted == 5
