"""The yearly cycle's state machine (issue 3), pure: which step an assessment may take next, who may write what
in each state, and, when they may not, why in plain Vietnamese. Services and pages ask here; nothing else
decides it.

    draft → submitted → in_appraisal → explanation_requested → explanation_submitted → appraised
                         (round 1)                                         (round 2)

Deadlines bind the unit (self-assessment, explanation). The board's deadlines are shown and reminded but do not
lock it out: a late appraisal is still better than none, and the coordinator decides when to finalize.
"""
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from .models.assessments import AssessmentStatus as S


class WorkflowError(ValueError):
    """A step that the assessment's state does not allow; the message is for the user."""


class ConflictError(WorkflowError):
    """Someone else saved the same leaf since this form was opened (LeafScore.version moved on)."""


@dataclass(frozen=True)
class Permit:
    allowed: bool
    reason: str = ""  # why not, in plain Vietnamese; empty when allowed

    def __bool__(self):
        return self.allowed


ALLOWED = Permit(True)

# action -> (states it may start from, state it leads to)
TRANSITIONS = {
    "submit": ((S.DRAFT,), S.SUBMITTED),
    "start_appraisal": ((S.SUBMITTED,), S.IN_APPRAISAL),
    "request_explanation": ((S.SUBMITTED, S.IN_APPRAISAL, S.EXPLANATION_REQUESTED), S.EXPLANATION_REQUESTED),
    "submit_explanation": ((S.EXPLANATION_REQUESTED,), S.EXPLANATION_SUBMITTED),
    "finalize": ((S.SUBMITTED, S.IN_APPRAISAL, S.EXPLANATION_REQUESTED, S.EXPLANATION_SUBMITTED), S.APPRAISED),
}
# Reopening is the coordinator's audited way back: to the unit (draft) or to the board (in appraisal).
REOPEN_TARGETS = (S.DRAFT, S.IN_APPRAISAL)
APPRAISABLE = (S.SUBMITTED, S.IN_APPRAISAL, S.EXPLANATION_REQUESTED, S.EXPLANATION_SUBMITTED)


def vn_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def next_status(status: str, action: str) -> str:
    """The state after `action`, or WorkflowError saying why the step is not possible now."""
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise WorkflowError(_("Không thể thực hiện thao tác này khi hồ sơ ở trạng thái «%(status)s».")
                            % {"status": S(status).label})
    return target


def reopen_status(status: str, target: str) -> str:
    if target not in REOPEN_TARGETS:
        raise WorkflowError(_("Chỉ mở lại về trạng thái tự đánh giá hoặc đang thẩm định."))
    if status == target or status == S.DRAFT:
        raise WorkflowError(_("Hồ sơ đang ở trạng thái «%(status)s», không cần mở lại.") % {"status": S(status).label})
    return target


def status_note(status: str) -> str:
    """What a read-only assessment says about itself to the unit."""
    return {
        S.DRAFT: "",
        S.SUBMITTED: _("Hồ sơ đã gửi, đang chờ thẩm định."),
        S.IN_APPRAISAL: _("Hồ sơ đã gửi, đang thẩm định."),
        S.EXPLANATION_REQUESTED: _("Hội đồng thẩm định yêu cầu giải trình một số tiêu chí."),
        S.EXPLANATION_SUBMITTED: _("Đã gửi giải trình, đang thẩm định vòng 2."),
        S.APPRAISED: _("Hồ sơ đã thẩm định xong; chỉ Sở Nội vụ có thể mở lại."),
    }[S(status)]


def self_assessment_permit(status: str, *, today: date, deadline: date | None, cycle_open: bool = True) -> Permit:
    """May the unit change its self-scores, N/A claims, explanations and evidence?"""
    if not cycle_open:
        return Permit(False, _("Kỳ đánh giá đã đóng."))
    if status != S.DRAFT:
        return Permit(False, status_note(status))
    if deadline is not None and today > deadline:
        return Permit(False, _("Đã hết hạn tự đánh giá ngày %(date)s.") % {"date": vn_date(deadline)})
    return ALLOWED


def explanation_permit(status: str, *, today: date, deadline: date | None, asked: bool) -> Permit:
    """May the unit answer the board's question on one leaf (text and new evidence)?"""
    if status != S.EXPLANATION_REQUESTED:
        return Permit(False, status_note(status) or _("Hồ sơ chưa gửi thẩm định."))
    if not asked:
        return Permit(False, _("Hội đồng không yêu cầu giải trình tiêu chí này."))
    if deadline is not None and today > deadline:
        return Permit(False, _("Đã hết hạn giải trình ngày %(date)s.") % {"date": vn_date(deadline)})
    return ALLOWED


def appraisal_permit(status: str) -> Permit:
    """May the board set scores on this assessment?"""
    if status == S.DRAFT:
        return Permit(False, _("Đơn vị chưa gửi hồ sơ tự đánh giá."))
    if status == S.APPRAISED:
        return Permit(False, _("Hồ sơ đã thẩm định xong; cần mở lại để điều chỉnh."))
    return ALLOWED


def appraisal_round(status: str, *, explanation_round: bool) -> int:
    """Decisions taken once the unit has answered a request for explanation belong to round 2."""
    return 2 if explanation_round and status == S.EXPLANATION_SUBMITTED else 1
