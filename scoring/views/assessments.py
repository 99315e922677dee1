"""A unit's assessment pages (issue 3): its to-do list (the framework tree with each leaf's score, evidence and
what is missing), submission by the unit head, and one leaf's page where the unit scores it as its rule says.
Other roles read them; the board's box on the leaf page is scoring/views/appraisal.py's."""
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from parindex.confirmation import confirmation_page, is_confirmed, rehearse

from ..selectors import SEARCH_MAX
from .. import rules, workflow
from ..framework_display import describe_rule
from ..framework_spec import CriterionSpec
from ..models import AssessmentStatus, Method
from ..permissions import get_assessment_for_user, get_leaf_score_for_user, may_act_on_assessment
from ..selectors import appraisal as appraisal_selectors, assessments as selectors, confirmations
from ..selectors.evidence import evidence_panel
from ..services import self_assessment as services

# --- The to-do list --------------------------------------------------------------------------------------------


@login_required
def assessment_detail(request, pk):
    assessment = get_assessment_for_user(request.user, pk)
    only_missing, q = request.GET.get("show") == "missing", request.GET.get("q", "").strip()[:SEARCH_MAX]
    user = request.user
    permit = services.self_permit(assessment)
    is_own = may_act_on_assessment(user, assessment, "self")
    return render(request, "scoring/assessment_detail.html", {
        "assessment": assessment, "cycle": assessment.cycle, "progress": selectors.progress_of(assessment),
        "rows": selectors.assessment_todo(assessment, only_missing=only_missing, q=q),
        "only_missing": only_missing, "q": q, "permit": permit, "is_own": is_own,
        "read_only_note": _read_only_note(assessment, permit, is_own),
        "can_submit": bool(permit) and may_act_on_assessment(user, assessment, "submit"),
        "can_reopen": may_act_on_assessment(user, assessment, "manage") and assessment.status != AssessmentStatus.DRAFT,
        "can_appraise": (may_act_on_assessment(user, assessment, "appraise")
                         and bool(workflow.appraisal_permit(assessment.status))),
        "questions": appraisal_selectors.explanation_rows(assessment).count(), "today": timezone.localdate(),
    })


def _read_only_note(assessment, permit, is_own):
    """Why the page is read-only, in plain Vietnamese; empty when the viewer may score."""
    if is_own:
        return "" if permit else permit.reason
    # Someone else's file: its state says why, and a draft says who may change it.
    return workflow.status_note(assessment.status) or _(
        "Đơn vị đang tự đánh giá; chỉ cán bộ và thủ trưởng %(unit)s sửa được hồ sơ này.") % {
        "unit": assessment.unit.name}


@login_required
@require_POST
def assessment_submit(request, pk):
    assessment = get_assessment_for_user(request.user, pk, action="submit")
    try:
        if not is_confirmed(request):
            # A file that can't go yet is refused at once, naming what is missing, not after a confirmation.
            rehearse(lambda: services.assessment_submit(assessment=assessment, user=request.user))
            return confirmation_page(
                request, title=_("Gửi hồ sơ tự đánh giá tới Hội đồng thẩm định?"),
                summary=confirmations.submit_summary(assessment, selectors.progress_of(assessment)),
                note=_("Sau khi gửi, đơn vị không sửa được điểm và tài liệu nữa, trừ khi Hội đồng yêu cầu giải "
                       "trình hoặc hồ sơ được mở lại."),
                button=_("Gửi hồ sơ"), cancel_url=reverse("scoring:assessment_detail", kwargs={"pk": assessment.pk}))
        services.assessment_submit(assessment=assessment, user=request.user)
    except workflow.WorkflowError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Đã gửi hồ sơ tự đánh giá tới Hội đồng thẩm định."))
    return redirect("scoring:assessment_detail", pk=assessment.pk)


# --- One leaf --------------------------------------------------------------------------------------------------


class LeafSelfForm(forms.Form):
    """The unit's inputs for one leaf; which fields exist follows the leaf's rule (services.input_keys)."""

    explanation = forms.CharField(label=gettext_lazy("Giải trình của đơn vị"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    not_applicable = forms.BooleanField(label=gettext_lazy("Đề nghị không áp dụng tiêu chí này cho đơn vị"),
                                        required=False)
    not_applicable_reason = forms.CharField(label=gettext_lazy("Lý do đề nghị không áp dụng"), required=False,
                                            max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    # Required: a post without the version it was read at would save over whatever was saved since.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages={
        key: gettext_lazy("Trang này đã cũ: hãy tải lại trang, xem điểm hiện tại rồi lưu lại.")
        for key in ("required", "invalid", "min_value")})

    def __init__(self, *args, criterion, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = services.leaf_rule(criterion)
        keys = services.input_keys(criterion)
        for key in keys:
            self.fields[key] = self._input(key, criterion)
        if criterion.method != Method.APPRAISED:
            del self.fields["not_applicable"], self.fields["not_applicable_reason"]
        self.order_fields([*keys, "not_applicable", "not_applicable_reason", "explanation"])
        self.input_names = keys

    def _input(self, key, criterion):
        if key == "choice":
            return forms.ChoiceField(label=_("Mức đạt được"), required=False, widget=forms.RadioSelect,
                                     choices=[(label, f"{label} ({rules.format_decimal_vi(points)} "
                                                      f"{_('điểm')})") for label, points in self.rule.options])
        if key == "value":
            rule_step = getattr(self.rule, "step", None)
            label = _("Điểm đề nghị") if criterion.method != Method.APPRAISED else _("Điểm tự đánh giá")
            return _number_field(label, _value_help(criterion, rule_step))
        if key == "occurrences":
            return _number_field(_("Số lần vi phạm"), _(
                "Số nguyên, nhập 0 nếu không vi phạm; mỗi lần trừ %(points)s điểm.") % {
                "points": rules.format_decimal_vi(self.rule.per_occurrence)})
        if key == "numerator":
            return _number_field(_("Tử số (số đạt)"),
                                 _("Không lớn hơn mẫu số; điểm được tính theo tỷ lệ tử số / mẫu số."))
        return _number_field(_("Mẫu số (tổng số)"), _("Lớn hơn 0."))

    def clean(self):
        data = super().clean()
        for key in COUNT_INPUTS:
            if key in self.fields and THOUSANDS.fullmatch(data.get(key) or ""):
                # "1.250" is one thousand two hundred and fifty to a Vietnamese reader, 1.25 to the parser.
                self.add_error(key, _("«%(value)s» dễ bị hiểu nhầm: viết %(whole)s nếu là số nguyên, hoặc %(decimal)s "
                                      "nếu là số thập phân.") % {
                    "value": data[key], "whole": data[key].replace(".", ""), "decimal": data[key].replace(".", ",")})
        return data

    def inputs(self):
        return {key: self.cleaned_data.get(key) or "" for key in self.input_names}


COUNT_INPUTS = ("numerator", "denominator", "occurrences")
THOUSANDS = re.compile(r"\d{1,3}\.\d{3}")


def _number_field(label, help_text=""):
    # A CharField: the service parses the number, so "1,5" is read as 1.5 and errors come in Vietnamese.
    # A text input, not type=number: the browser would drop "1,5" (typed the Vietnamese way) before the server saw it.
    return forms.CharField(label=label, required=False, max_length=30, help_text=help_text,
                           widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))


def _value_help(criterion, step):
    maximum = rules.format_decimal_vi(criterion.max_points)
    if step:
        return _("Từ 0 đến %(max)s, bước %(step)s.") % {
            "max": maximum, "step": rules.format_decimal_vi(step)}
    return _("Từ 0 đến %(max)s; dùng dấu phẩy cho phần thập phân (ví dụ 0,5).") % {"max": maximum}


def _initial(leaf_score):
    # Numbers come back as the unit types them: "0,5", not the stored "0.5".
    inputs = {key: value.replace(".", ",") if key != "choice" and isinstance(value, str) else value
              for key, value in leaf_score.self_inputs.items()}
    return {**inputs, "explanation": leaf_score.explanation,
            "not_applicable": leaf_score.self_not_applicable,
            "not_applicable_reason": leaf_score.self_not_applicable_reason, "version": leaf_score.version}


@login_required
def leaf_detail(request, pk):
    user = request.user
    leaf_score = get_leaf_score_for_user(user, pk, action="self" if request.method == "POST" else None)
    criterion = leaf_score.criterion
    form = LeafSelfForm(request.POST or None, criterion=criterion, initial=_initial(leaf_score))
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, leaf_score)
        if saved:
            messages.success(request, _("Đã lưu tiêu chí %(code)s.") % {"code": criterion.code})
            return redirect("scoring:leaf_detail", pk=leaf_score.pk)
        if saved is None:  # a conflict: the form keeps what the user typed, against the current version
            leaf_score = get_leaf_score_for_user(user, pk)
            form = _rebound(form, request.POST, leaf_score, criterion)
    return render(request, "scoring/leaf_detail.html", _leaf_context(request, leaf_score, form))


def _save(request, form, leaf_score):
    """True when saved; False when refused (the error is on the form); None on an edit conflict."""
    data = form.cleaned_data
    try:
        services.leaf_self_save(leaf_score=leaf_score, user=request.user, inputs=form.inputs(),
                                explanation=data.get("explanation", ""),
                                not_applicable=data.get("not_applicable", False),
                                not_applicable_reason=data.get("not_applicable_reason", ""),
                                expected_version=data.get("version"))
    except workflow.ConflictError as conflict:
        messages.error(request, str(conflict))
        return None
    except services.InputError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error))
        return False
    except (rules.ScoreError, workflow.WorkflowError) as error:
        form.add_error(None, str(error))
        return False
    return True


def _rebound(form, post, leaf_score, criterion):
    data = post.copy()
    data["version"] = str(leaf_score.version)
    rebound = LeafSelfForm(data, criterion=criterion, initial=_initial(leaf_score))
    rebound.is_valid()
    rebound.conflict = True
    return rebound


def _leaf_context(request, leaf_score, form):
    user, assessment = request.user, leaf_score.assessment
    permit = services.self_permit(assessment)
    is_own = may_act_on_assessment(user, assessment, "self")
    previous, following = selectors.leaf_neighbours(leaf_score)
    criterion = leaf_score.criterion
    return {
        "leaf_score": leaf_score, "criterion": criterion, "assessment": assessment, "form": form,
        "rule": form.rule, "rule_text": rule_text(criterion), "is_survey": criterion.method == Method.SURVEY,
        "can_edit": is_own and bool(permit) and criterion.method != Method.SURVEY,
        "read_only_note": _read_only_note(assessment, permit, is_own),
        "conflict": getattr(form, "conflict", False), "previous": previous, "next": following,
        "cap": _cap(assessment.cycle.framework, criterion.method),
        "claimed_elsewhere": (selectors.claims_of_method(leaf_score, criterion.method)
                              if criterion.method in (Method.BONUS, Method.PENALTY) else None),
        "evidence_panel": evidence_panel(user, leaf_score),
        "leaf_appraisal": appraisal_selectors.leaf_appraisal(user, leaf_score),
        "leaf_history": appraisal_selectors.leaf_history(leaf_score),
    }


def rule_text(criterion):
    return describe_rule(CriterionSpec(code=criterion.code, title=criterion.title, max_points=criterion.max_points,
                                       method=criterion.method, rule=criterion.rule))


def _cap(framework, method):
    if method == Method.BONUS:
        return framework.bonus_cap
    if method == Method.PENALTY:
        return framework.penalty_cap
    return None
