"""Pages of the appraisal board (issue 3): the work list, one cycle, one unit's leaves, one criterion across all
units, a leaf's decision (also where a refused or conflicting save comes back with the user's input), the
coordinator's bulk acceptance, finalization and reopening; and the unit's page answering the board's questions."""
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qs, urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parindex.confirmation import confirmation_page, is_confirmed, rehearse

from .. import workflow
from ..models.assessments import AssessmentStatus, LeafScore
from ..permissions import (
    cycles_visible_to, get_assessment_for_user, get_criterion_to_appraise, get_cycle_for_user, get_leaf_score_for_user,
    is_manager, may_act_on_assessment, require_board_member, require_manager,
)
from ..rules import ScoreError
from ..selectors import appraisal as selectors, confirmations
from ..services import appraisal as services
from ..services import rounds
from ..services.explanations import (
    AnswerRefused, assessment_submit_explanation, explanation_answers_save, leaf_score_answer,
)
from .assessments import rule_text

FILES_PER_PAGE = 25
LEAVES_PER_PAGE = 50
CYCLES_PER_PAGE = 20


def parse_points(text):
    """A score as typed: "1,5" (Vietnamese) or "1.5"; blank is None."""
    text = (text or "").strip().replace(" ", "")
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise forms.ValidationError(_("Điểm phải là một số, ví dụ 1,5.")) from None
    if not value.is_finite():
        raise forms.ValidationError(_("Điểm phải là một số, ví dụ 1,5."))
    return value


# The version rides in a hidden field: when it is missing or garbled, the page the user sees is out of date.
STALE_PAGE = gettext_lazy("Trang này đã cũ: hãy tải lại trang, xem giá trị hiện tại rồi lưu lại.")
VERSION_ERRORS = {"required": STALE_PAGE, "invalid": STALE_PAGE, "min_value": STALE_PAGE}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[(kind, kind) for kind in services.DECISIONS],
                                 error_messages={"required": gettext_lazy("Hãy chọn một quyết định."),
                                                 "invalid_choice": gettext_lazy("Hãy chọn một quyết định.")})
    version = forms.IntegerField(min_value=0, error_messages=VERSION_ERRORS)
    score = forms.CharField(required=False, max_length=20)
    reason_template = forms.IntegerField(required=False)
    reason = forms.CharField(required=False, max_length=2000)
    question = forms.CharField(required=False, max_length=4000)

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.templates = {template.pk: template.text for template in templates}

    def clean_score(self):
        return parse_points(self.cleaned_data["score"])

    def clean_reason_template(self):
        pk = self.cleaned_data["reason_template"]
        if pk is not None and pk not in self.templates:
            raise forms.ValidationError(_("Mẫu lý do không còn dùng được; hãy chọn lại."))
        return pk

    def decision_value(self):
        data = self.cleaned_data
        # A typed reason wins; a template alone is the reason.
        reason = data["reason"].strip() or self.templates.get(data["reason_template"], "")
        return services.Decision(data["decision"], score=data["score"], reason=reason, question=data["question"])


class ReopenForm(forms.Form):
    target = forms.ChoiceField(label=gettext_lazy("Mở lại về"), choices=[
        (AssessmentStatus.IN_APPRAISAL, gettext_lazy("Đang thẩm định (Hội đồng điều chỉnh tiếp)")),
        (AssessmentStatus.DRAFT, gettext_lazy("Đang tự đánh giá (đơn vị sửa và gửi lại)")),
    ])
    reason = forms.CharField(label=gettext_lazy("Lý do mở lại"), max_length=2000, widget=forms.Textarea(
        attrs={"rows": 3}), error_messages={"required": gettext_lazy("Cần nêu lý do mở lại hồ sơ.")})


class AnswerForm(forms.Form):
    version = forms.IntegerField(min_value=0, error_messages=VERSION_ERRORS)
    answer = forms.CharField(max_length=8000, error_messages={
        "required": gettext_lazy("Hãy nhập nội dung giải trình.")})


def _next_url(request, default):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


# --- Work lists ----------------------------------------------------------------------------------------------------


@login_required
def appraisal_home(request):
    require_board_member(request.user)
    cycles = selectors.appraisal_cycles(cycles_visible_to(request.user))
    page = Paginator(cycles, CYCLES_PER_PAGE).get_page(request.GET.get("page"))
    work = selectors.cycles_work(request.user, page.object_list)
    return render(request, "scoring/appraisal_home.html", {
        "page": page, "rows": [(cycle, work[cycle.pk]) for cycle in page], "statuses": AssessmentStatus,
    })


@login_required
def appraisal_cycle(request, pk):
    cycle = get_cycle_for_user(request.user, pk)
    require_board_member(request.user)
    page = Paginator(selectors.cycle_assessments(cycle), FILES_PER_PAGE).get_page(request.GET.get("page"))
    left = selectors.assessments_left(request.user, page.object_list, cycle.framework_id)
    criteria = list(selectors.appraisable_criteria(request.user, cycle.framework_id))
    criteria_left = selectors.criteria_left(cycle, criteria)
    return render(request, "scoring/appraisal_cycle.html", {
        "cycle": cycle, "page": page, "files": [(assessment, left[assessment.pk]) for assessment in page],
        "criteria": [(criterion, criteria_left[criterion.pk]) for criterion in criteria],
        "can_manage": is_manager(request.user),
        "finalizable": selectors.finalizable_count(cycle) if is_manager(request.user) else 0,
        "waiting_agencies": rounds.agencies_waiting(cycle),
        "own_round_done": cycle.agency_rounds.filter(agency=request.user.agency_id).exists(),
    })


@login_required
def appraisal_criterion(request, pk, criterion_pk):
    cycle = get_cycle_for_user(request.user, pk)
    require_board_member(request.user)
    criterion = get_criterion_to_appraise(request.user, cycle.framework_id, criterion_pk)
    return _criterion_page(request, cycle, criterion, request.GET.get("page"))


def _criterion_page(request, cycle, criterion, page_number, *, refused=None, status=200):
    """One criterion across the units; `refused` (a RefusedDecision) puts a refused decision back in its row, with
    the reason and everything typed (score, reason template, reason, question)."""
    page = Paginator(selectors.cycle_assessments(cycle), FILES_PER_PAGE).get_page(page_number)
    criteria = list(selectors.appraisable_criteria(request.user, cycle.framework_id).only("pk", "code", "title"))
    index = next((i for i, c in enumerate(criteria) if c.pk == criterion.pk), 0)
    return render(request, "scoring/appraisal_criterion.html", {
        "cycle": cycle, "criterion": criterion, "page": page, "rule_text": rule_text(criterion),
        "rows": selectors.criterion_rows(request.user, cycle, criterion, page.object_list),
        "templates": list(selectors.reason_templates_for(request.user)),
        # The appraiser goes criterion by criterion, and back to the page of a unit's file holding this one.
        "previous": criteria[index - 1] if index > 0 else None,
        "next": criteria[index + 1] if index + 1 < len(criteria) else None,
        "unit_page": index // LEAVES_PER_PAGE + 1, "refused": refused,
    }, status=status)


@dataclass
class RefusedDecision:
    anchor: str
    values: dict
    errors: list
    conflict: bool
    next: str


def _criterion_page_to_return_to(request, assessment, criterion, next_url):
    """The page number of the criterion-across-units page `next_url` names, when it is this criterion's page."""
    parts = urlsplit(next_url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.view_name != "scoring:appraisal_criterion" or match.kwargs != {
            "pk": assessment.cycle_id, "criterion_pk": criterion.pk}:
        return None
    return parse_qs(parts.query).get("page", ["1"])[0]


@login_required
def appraisal_assessment(request, pk):
    assessment = get_assessment_for_user(request.user, pk, action="appraise")
    criteria = selectors.appraisable_criteria(request.user, assessment.cycle.framework_id)
    page = Paginator(criteria, LEAVES_PER_PAGE).get_page(request.GET.get("page"))
    manager = is_manager(request.user)
    # The page of the criterion-across-units view that holds this unit (files are listed by unit code).
    before = selectors.cycle_assessments(assessment.cycle).filter(unit__code__lt=assessment.unit.code).count()
    return render(request, "scoring/appraisal_assessment.html", {
        "assessment": assessment, "cycle": assessment.cycle, "page": page, "unit_page": before // FILES_PER_PAGE + 1,
        "rows": selectors.unit_rows(request.user, assessment, page.object_list),
        "templates": list(selectors.reason_templates_for(request.user)),
        "permit": workflow.appraisal_permit(assessment.status), "can_manage": manager,
        "lacking": selectors.leaves_lacking_final_score(assessment) if manager else [],
        "can_reopen": manager and assessment.status != AssessmentStatus.DRAFT,
        # What "accept every untouched leaf" will take, by agency, shown before it is pressed.
        "accept_preview": services.accept_untouched_preview(assessment=assessment, user=request.user),
    })


# --- One leaf ------------------------------------------------------------------------------------------------------


@login_required
def appraisal_leaf(request, pk, criterion_pk):
    """GET: the decision page of one leaf. POST: a decision from any board page; when it is refused, this page
    comes back with the user's input and the reason (409 for a conflict, 400 otherwise)."""
    assessment = get_assessment_for_user(request.user, pk, action="appraise")
    criterion = get_criterion_to_appraise(request.user, assessment.cycle.framework_id, criterion_pk)
    templates = list(selectors.reason_templates_for(request.user))
    form, status = DecisionForm(templates=templates), 200
    if request.method == "POST":
        form = DecisionForm(request.POST, templates=templates)
        status = _decide(request, form, assessment, criterion)
        default = reverse("scoring:appraisal_assessment", kwargs={"pk": assessment.pk})
        if status is None:
            return redirect(_next_url(request, default))
        # Refused on the criterion-across-units page: that page comes back, the reason and the input in the row.
        next_url = _next_url(request, "")
        page_number = next_url and _criterion_page_to_return_to(request, assessment, criterion, next_url)
        if page_number:
            row = selectors.leaf_row(request.user, assessment, criterion)
            errors = [error for errors in form.errors.values() for error in errors]
            refused = RefusedDecision(row.anchor, form.data, errors, status == 409, next_url)
            return _criterion_page(request, assessment.cycle, criterion, page_number, refused=refused, status=status)
    return render(request, "scoring/appraisal_leaf.html", {
        "assessment": assessment, "criterion": criterion, "templates": templates, "form": form,
        "row": selectors.leaf_row(request.user, assessment, criterion), "values": form.data if form.is_bound else {},
        "next": request.POST.get("next", ""), "conflict": status == 409,
    }, status=status)


def _decide(request, form, assessment, criterion):
    """None when saved; else the status of the page that says why."""
    if not form.is_valid():
        return 400
    decision = form.decision_value()
    try:
        services.leaf_score_decide(assessment=assessment, criterion=criterion, user=request.user,
                                   version=form.cleaned_data["version"], decision=decision)
    except workflow.ConflictError as error:
        form.add_error(None, str(error))
        return 409
    except (ScoreError, workflow.WorkflowError) as error:
        form.add_error(None, str(error))
        return 400
    messages.success(request, _decision_message(decision.kind) % {
        "unit": assessment.unit.name, "code": criterion.code})
    return None


def _decision_message(kind):
    return {
        services.ACCEPT: _("Đã chấp nhận điểm tự đánh giá: %(unit)s, tiêu chí %(code)s."),
        services.ADJUST: _("Đã lưu điểm thẩm định: %(unit)s, tiêu chí %(code)s."),
        services.CONFIRM_NA: _("Đã xác nhận không áp dụng: %(unit)s, tiêu chí %(code)s."),
        services.REJECT_NA: _("Đã không chấp nhận đề nghị không áp dụng: %(unit)s, tiêu chí %(code)s."),
        services.ASK: _("Đã gửi yêu cầu giải trình: %(unit)s, tiêu chí %(code)s."),
    }[kind]


# --- A unit at once, finalization, reopening -----------------------------------------------------------------------


@login_required
@require_POST
def appraisal_accept_untouched(request, pk):
    assessment = get_assessment_for_user(request.user, pk, action="appraise")
    try:
        if not is_confirmed(request):
            return _confirm_accept_untouched(request, assessment)
        summary = services.assessment_accept_untouched(assessment=assessment, user=request.user)
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã chấp nhận điểm tự đánh giá của %(count)s tiêu chí chưa thẩm định.")
                         % {"count": summary.accepted})
        if summary.skipped:
            messages.warning(request, _("Đơn vị chưa tự chấm %(count)s tiêu chí (%(codes)s): cần nhập điểm thẩm "
                                        "định cho từng tiêu chí.") % {
                "count": len(summary.skipped), "codes": services.codes_text(summary.skipped)})
    return redirect("scoring:appraisal_assessment", pk=assessment.pk)


def _confirm_accept_untouched(request, assessment):
    """The step names how many leaves of which agencies the acceptance takes: it rehearses the service and reads
    the rows it changed, so the summary follows whatever the service accepts."""
    def accept_and_describe():
        before = dict(LeafScore.objects.filter(assessment=assessment).values_list("pk", "version"))
        summary = services.assessment_accept_untouched(assessment=assessment, user=request.user)
        changed = [pk for pk, version in LeafScore.objects.filter(assessment=assessment).values_list("pk", "version")
                   if before.get(pk) != version]
        return summary, confirmations.bulk_accept_summary(assessment, changed, summary.accepted, summary.skipped)

    summary, lines = rehearse(accept_and_describe)
    if not summary.accepted:
        messages.info(request, _("Không còn tiêu chí nào chưa thẩm định để chấp nhận."))
        return redirect("scoring:appraisal_assessment", pk=assessment.pk)
    return confirmation_page(
        request, title=_("Chấp nhận điểm tự đánh giá của mọi tiêu chí chưa thẩm định?"), summary=lines,
        note=_("Mỗi tiêu chí được ghi nhật ký như một quyết định chấp nhận riêng."),
        button=_("Chấp nhận %(count)s tiêu chí") % {"count": summary.accepted},
        cancel_url=reverse("scoring:appraisal_assessment", kwargs={"pk": assessment.pk}))


@login_required
@require_POST
def appraisal_finalize(request, pk):
    assessment = get_assessment_for_user(request.user, pk, action="manage")
    try:
        if not is_confirmed(request):
            rehearse(lambda: services.assessment_finalize(assessment=assessment, user=request.user))
            return confirmation_page(
                request, title=_("Hoàn tất thẩm định đơn vị này?"), summary=confirmations.finalize_summary(assessment),
                note=_("Sau khi hoàn tất, điểm chính thức không đổi được nữa trừ khi điều phối mở lại hồ sơ."),
                button=_("Hoàn tất thẩm định"),
                cancel_url=reverse("scoring:appraisal_assessment", kwargs={"pk": assessment.pk}))
        services.assessment_finalize(assessment=assessment, user=request.user)
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã hoàn tất thẩm định %(unit)s.") % {"unit": assessment.unit.name})
    return redirect("scoring:appraisal_assessment", pk=assessment.pk)


@login_required
@require_POST
def appraisal_cycle_finalize(request, pk):
    cycle = get_cycle_for_user(request.user, pk, write=True)
    if not is_confirmed(request):
        finalized = rehearse(lambda: [(assessment, assessment.unit) for assessment in
                                      services.cycle_finalize_complete(cycle=cycle, user=request.user)])
        if finalized:
            return confirmation_page(
                request, title=_("Hoàn tất thẩm định mọi đơn vị đủ điểm?"),
                summary=confirmations.finalize_all_summary(cycle, [assessment for assessment, _unit in finalized]),
                button=_("Hoàn tất %(count)s đơn vị") % {"count": len(finalized)},
                cancel_url=reverse("scoring:appraisal_cycle", kwargs={"pk": cycle.pk}))
    finalized = [] if not is_confirmed(request) else services.cycle_finalize_complete(cycle=cycle, user=request.user)
    if finalized:
        messages.success(request, _("Đã hoàn tất thẩm định %(count)s đơn vị đủ điểm.") % {"count": len(finalized)})
    else:
        messages.warning(request, _("Chưa có đơn vị nào đủ điểm chính thức để hoàn tất."))
    return redirect("scoring:appraisal_cycle", pk=cycle.pk)


@login_required
@require_POST
def appraisal_cycle_round(request, pk):
    """An appraiser's agency finishes its round 1; the coordinator opens the explanation round (issue 11)."""
    cycle = get_cycle_for_user(request.user, pk)
    require_board_member(request.user)
    if request.POST.get("action") == "open_explanations":
        require_manager(request.user)
        moved = rounds.explanation_round_open(cycle=cycle, user=request.user,
                                              reason=_("Điều phối viên mở vòng giải trình"))
        messages.success(request, _("Đã mở vòng giải trình: %(count)s hồ sơ gửi yêu cầu giải trình cho đơn vị.")
                         % {"count": moved})
    elif request.user.agency_id:
        moved = rounds.agency_round_finish(cycle=cycle, agency=request.user.agency, user=request.user)
        messages.success(request, _("Đã ghi nhận %(agency)s xong thẩm định vòng 1.") % {"agency": request.user.agency})
        if moved:
            messages.info(request, _("Mọi cơ quan đã xong vòng 1: %(count)s hồ sơ chuyển sang giải trình.")
                          % {"count": moved})
    else:
        messages.error(request, _("Tài khoản chưa gắn với cơ quan thẩm định nào."))
    return redirect("scoring:appraisal_cycle", pk=cycle.pk)


@login_required
def appraisal_reopen(request, pk):
    assessment = get_assessment_for_user(request.user, pk, action="manage")
    form, status = ReopenForm(request.POST or None), 200
    if form.is_bound:
        status = 400
        if form.is_valid() and not is_confirmed(request):
            target = dict(form.fields["target"].choices)[form.cleaned_data["target"]]
            return confirmation_page(
                request, title=_("Mở lại hồ sơ này?"),
                summary=confirmations.reopen_summary(assessment, target, form.cleaned_data["reason"]),
                button=_("Mở lại hồ sơ"),
                cancel_url=reverse("scoring:appraisal_assessment", kwargs={"pk": assessment.pk}))
        if form.is_valid():
            try:
                services.assessment_reopen(assessment=assessment, user=request.user, **form.cleaned_data)
            except workflow.WorkflowError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Đã mở lại hồ sơ %(unit)s.") % {"unit": assessment.unit.name})
                return redirect("scoring:appraisal_assessment", pk=assessment.pk)
    return render(request, "scoring/appraisal_reopen.html", {"assessment": assessment, "form": form},
                  status=status)


# --- The unit's answers ----------------------------------------------------------------------------------------


@login_required
def explanation_list(request, pk):
    assessment = get_assessment_for_user(request.user, pk)
    return _explanation_page(request, assessment)


def _explanation_page(request, assessment, *, bound=None, status=200, typed=None, refused=None):
    """The questions asked of a unit; `bound` (leaf score id, form) keeps a refused answer as typed; `typed`
    ({leaf score id: text}) keeps every answer of a refused page post, `refused` the AnswerRefused to show."""
    typed = typed or {}
    rows = list(selectors.explanation_rows(assessment))
    evidence = selectors.evidence_by_leaf(rows, assessment.cycle.year)
    permit = selectors.explanation_permit(assessment, timezone.localdate())
    may_answer = may_act_on_assessment(request.user, assessment, "explain")
    return render(request, "scoring/explanation_list.html", {
        "assessment": assessment, "permit": permit, "can_answer": may_answer and bool(permit),
        "rows": [{"score": score, "evidence": evidence.get(score.pk, []), "self_score": selectors.points(
            score.self_score), "form": bound[1] if bound and bound[0] == score.pk else None,
            "typed": typed.get(score.pk, score.explanation_answer),
            "error": str(refused) if refused and refused.leaf_score_id == score.pk else ""} for score in rows],
        "unanswered": sum(1 for score in rows if not score.explanation_answer),
        "conflict": status == 409, "is_board": may_act_on_assessment(request.user, assessment, "appraise"),
    }, status=status)


@login_required
@require_POST
def explanation_answer(request, pk):
    score = get_leaf_score_for_user(request.user, pk, action="explain")
    form = AnswerForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            leaf_score_answer(leaf_score=score, user=request.user, version=form.cleaned_data["version"],
                              answer=form.cleaned_data["answer"])
        except workflow.ConflictError as error:
            form.add_error(None, str(error))
            status = 409
        except workflow.WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã lưu nội dung giải trình tiêu chí %(code)s.") % {
                "code": score.criterion.code})
            url = reverse("scoring:explanation_list", kwargs={"pk": score.assessment_id})
            return redirect(f"{url}#leaf-{score.pk}")
    return _explanation_page(request, score.assessment, bound=(score.pk, form), status=status)


@login_required
@require_POST
def explanation_submit(request, pk):
    """Saves every answer typed on the page, then either stays there ("Lưu giải trình") or, after the
    confirmation step, hands the explanation to the board."""
    assessment = get_assessment_for_user(request.user, pk, action="explain")
    answers = _typed_answers(request.POST)
    try:
        explanation_answers_save(assessment=assessment, user=request.user, answers=answers)
    except AnswerRefused as refusal:
        return _explanation_page(request, assessment, typed={pk: text for pk, (_v, text) in answers.items()},
                                 refused=refusal, status=409 if refusal.conflict else 400)
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
        return redirect("scoring:explanation_list", pk=assessment.pk)
    url = reverse("scoring:explanation_list", kwargs={"pk": assessment.pk})
    if request.POST.get("save", "").isdigit():
        messages.success(request, _("Đã lưu nội dung giải trình."))
        return redirect(f"{url}#leaf-{request.POST['save']}")
    try:
        if not is_confirmed(request):
            # A refusal (unanswered questions, past the deadline) is said at once, not after a confirmation.
            rehearse(lambda: assessment_submit_explanation(assessment=assessment, user=request.user))
            return confirmation_page(
                request, title=_("Gửi giải trình tới Hội đồng thẩm định?"),
                summary=confirmations.explanation_summary(assessment, list(selectors.explanation_rows(assessment))),
                note=_("Các câu trả lời đã được lưu. Sau khi gửi, đơn vị không sửa được giải trình nữa."),
                button=_("Gửi giải trình"), cancel_url=url)
        assessment_submit_explanation(assessment=assessment, user=request.user)
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã gửi giải trình tới Hội đồng thẩm định."))
    return redirect("scoring:explanation_list", pk=assessment.pk)


def _typed_answers(post):
    """{leaf score id: (version, text)} from the page's answer-<id> and version-<id> fields."""
    answers = {}
    for name, text in post.items():
        pk = name.removeprefix("answer-")
        if name.startswith("answer-") and pk.isdigit():
            version = post.get(f"version-{pk}", "")
            answers[int(pk)] = (int(version) if version.isdigit() else -1, text)
    return answers
