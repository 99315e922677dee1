"""Cycle pages (issue 3): the list of cycles, opening one for a block, a cycle's assessments with their progress,
its deadlines, and closing or reopening it; its roster, the units that never submitted and whether its survey is
held (issue 11). Opening, deadlines, closing and the roster are the coordinator's."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from parindex.confirmation import confirmation_page, is_confirmed

from ..selectors import SEARCH_MAX
from ..models import AssessmentStatus, Block, Cycle, Index
from ..models.indices import PAR
from ..permissions import get_cycle_for_user, get_unit_for_user, is_board_member, is_manager, require_manager
from ..selectors import assessments as selectors
from ..selectors.confirmations import cycle_close_summary
from ..services import cycles as services, notices, roster

CYCLES_PAGE_SIZE = 20
ASSESSMENTS_PAGE_SIZE = 50


# Dates typed as officials write them (dd/mm/yyyy): a browser's date picker follows the browser's language and
# shows mm/dd/yyyy on an English one. ISO dates are still read, for scripts and older bookmarks.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _date_field(name):
    return forms.DateField(
        label=Cycle._meta.get_field(name).verbose_name.capitalize(), input_formats=DATE_INPUT_FORMATS,
        help_text=gettext_lazy("dd/mm/yyyy"),
        error_messages={"invalid": gettext_lazy("Nhập ngày theo dạng dd/mm/yyyy, ví dụ 15/12/2026."),
                        "required": gettext_lazy("Nhập ngày theo dạng dd/mm/yyyy.")},
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric",
                                                          "maxlength": 10, "autocomplete": "off"}))


class DeadlinesForm(forms.Form):
    self_assessment_deadline = _date_field("self_assessment_deadline")
    appraisal_deadline = _date_field("appraisal_deadline")
    explanation_deadline = _date_field("explanation_deadline")
    final_appraisal_deadline = _date_field("final_appraisal_deadline")

    def clean(self):
        data = super().clean()
        for field, message in services.deadline_issues(self.deadlines()):
            self.add_error(field, message)
        return data

    def deadlines(self):
        return {field: self.cleaned_data.get(field) for field in services.DEADLINE_FIELDS}


class CycleOpenForm(DeadlinesForm):
    # The indices that have a framework (and PAR, the default); the service refuses one without a framework for
    # the year and block chosen. Left empty (no index row yet), PAR.
    index = forms.ModelChoiceField(
        label=gettext_lazy("Chỉ số"), to_field_name="code", required=False, empty_label=None,
        queryset=Index.objects.filter(Q(code=PAR) | Q(frameworks__isnull=False)).distinct().order_by("position", "code"),
        help_text=gettext_lazy("Chỉ những chỉ số đã có bộ chỉ số của năm và khối đó."))
    year = forms.IntegerField(label=gettext_lazy("Năm"), min_value=2000, max_value=2100)
    block = forms.ModelChoiceField(label=gettext_lazy("Khối"), queryset=Block.objects.order_by("position", "code"),
                                   empty_label=None)
    field_order = ["index", "year", "block"]

    def index_code(self):
        index = self.cleaned_data.get("index")
        return index.code if index else PAR


class DeadlinesEditForm(DeadlinesForm):
    reason = forms.CharField(label=gettext_lazy("Lý do thay đổi (không bắt buộc)"), max_length=500, required=False)


@login_required
def cycle_list(request):
    cycles = selectors.cycles_with_figures(request.user)
    return render(request, "scoring/cycle_list.html", {
        "page": Paginator(cycles, CYCLES_PAGE_SIZE).get_page(request.GET.get("page")),
        "can_manage": is_manager(request.user),
    })


@login_required
def cycle_create(request):
    require_manager(request.user)
    form = CycleOpenForm(request.POST or None, initial={"year": timezone.localdate().year, "index": PAR})
    if form.is_valid():
        try:
            cycle = services.cycle_open(year=form.cleaned_data["year"], block=form.cleaned_data["block"],
                                        user=request.user, deadlines=form.deadlines(), index_code=form.index_code())
        except services.CycleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã mở kỳ đánh giá %(cycle)s: %(n)s hồ sơ đơn vị.") % {
                "cycle": cycle, "n": cycle.assessments.count()})
            return redirect("scoring:cycle_detail", pk=cycle.pk)
    return render(request, "scoring/cycle_form.html", {
        "form": form, "frameworks": selectors.latest_frameworks_without_cycle()[:20],
    })


@login_required
def cycle_detail(request, pk):
    cycle = get_cycle_for_user(request.user, pk)
    status, q = request.GET.get("status", ""), request.GET.get("q", "").strip()[:SEARCH_MAX]
    found = selectors.cycle_assessments(request.user, cycle, status=status, q=q)
    page = Paginator(found, ASSESSMENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "scoring/cycle_detail.html", {
        "cycle": cycle, "page": page, "rows": selectors.with_progress(page), "status": status, "q": q,
        "status_counts": selectors.cycle_status_counts(request.user, cycle), "can_manage": is_manager(request.user),
        "can_appraise": is_board_member(request.user), "statuses": AssessmentStatus,
    })


@login_required
def cycle_deadlines(request, pk):
    cycle = get_cycle_for_user(request.user, pk, write=True)
    initial = {field: getattr(cycle, field) for field in services.DEADLINE_FIELDS}
    form = DeadlinesEditForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            changed = services.cycle_deadlines_update(cycle=cycle, user=request.user, deadlines=form.deadlines(),
                                                      reason=form.cleaned_data["reason"])
        except services.CycleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã lưu hạn của kỳ đánh giá: %(n)s thay đổi.") % {"n": changed})
            return redirect("scoring:cycle_detail", pk=cycle.pk)
    return render(request, "scoring/cycle_deadlines.html", {"cycle": cycle, "form": form})


class CycleStateForm(forms.Form):
    # A form, not request.POST.get(): it refuses what the database cannot store (NUL characters) with a message.
    reason = forms.CharField(label=gettext_lazy("Lý do"), max_length=500, required=False)


def _state_reason(request):
    """The reason typed for closing or reopening a cycle, or None (with the error as a message) when refused."""
    form = CycleStateForm(request.POST)
    if form.is_valid():
        return form.cleaned_data["reason"]
    messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
    return None


@login_required
@require_POST
def cycle_close(request, pk):
    return _set_state(request, pk, services.cycle_close, done=_("Đã đóng kỳ đánh giá %(cycle)s."),
                      already=_("Kỳ đánh giá %(cycle)s đã đóng từ trước."))


@login_required
@require_POST
def cycle_reopen(request, pk):
    return _set_state(request, pk, services.cycle_reopen, done=_("Đã mở lại kỳ đánh giá %(cycle)s."),
                      already=_("Kỳ đánh giá %(cycle)s đang mở."))


def _set_state(request, pk, service, *, done, already):
    cycle = get_cycle_for_user(request.user, pk, write=True)
    reason = _state_reason(request)
    # Closing stops every unit and the board from writing: it waits for a confirmation; reopening does not.
    if reason is not None and service is services.cycle_close and cycle.is_open and not is_confirmed(request):
        return confirmation_page(
            request, title=_("Đóng kỳ đánh giá %(cycle)s?") % {"cycle": cycle},
            summary=[*cycle_close_summary(cycle), *([(_("Lý do"), reason)] if reason else [])],
            note=_("Khi kỳ đã đóng, đơn vị và Hội đồng không sửa được hồ sơ nào của kỳ cho đến khi mở lại."),
            button=_("Đóng kỳ đánh giá"), cancel_url=reverse("scoring:cycle_detail", kwargs={"pk": cycle.pk}))
    if reason is not None:
        changed = service(cycle=cycle, user=request.user, reason=reason)
        (messages.success if changed else messages.info)(request, (done if changed else already) % {"cycle": cycle})
    return redirect("scoring:cycle_detail", pk=cycle.pk)


# --- Who takes part: the roster, units that never submitted, the survey (rules 13-14) ----------------------------


class RosterActForm(forms.Form):
    ACTIONS = ("add", "remove", "appraise_as_is", "undo", "survey_held", "survey_not_held")
    action = forms.ChoiceField(choices=[(action, action) for action in ACTIONS])
    unit = forms.IntegerField(required=False)
    reason = forms.CharField(label=gettext_lazy("Lý do"), max_length=500, required=False)


@login_required
def cycle_roster(request, pk):
    cycle = get_cycle_for_user(request.user, pk, write=True)
    return render(request, "scoring/cycle_roster.html", {
        "cycle": cycle, **selectors.cycle_roster(cycle), "today": timezone.localdate(),
    })


@login_required
@require_POST
def cycle_roster_act(request, pk):
    cycle = get_cycle_for_user(request.user, pk, write=True)
    form = RosterActForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Yêu cầu không hợp lệ."))
        return redirect("scoring:cycle_roster", pk=cycle.pk)
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    try:
        if action in ("survey_held", "survey_not_held"):
            roster.survey_held_set(cycle=cycle, held=action == "survey_held", user=request.user, reason=reason)
        else:
            unit = get_unit_for_user(request.user, form.cleaned_data["unit"] or 0)
            ROSTER_ACTS[action](cycle=cycle, unit=unit, user=request.user, reason=reason)
    except roster.RosterError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã lưu. Bấm «Tính kết quả» để cập nhật kết quả của khối."))
    return redirect("scoring:cycle_roster", pk=cycle.pk)


ROSTER_ACTS = {"add": roster.roster_add, "remove": roster.roster_remove, "appraise_as_is": roster.late_appraise_as_is,
               "undo": roster.late_decision_undo}
@login_required
@require_POST
def cycle_remind(request, pk):
    """The coordinator reminds, in one action, every unit of the cycle that has not submitted (notice + e-mail)."""
    cycle = get_cycle_for_user(request.user, pk, write=True)
    reminded = notices.cycle_remind_unsubmitted(cycle=cycle, user=request.user)
    if reminded:
        messages.success(request, _("Đã nhắc %(n)s đơn vị chưa gửi hồ sơ (trang chủ và e-mail).") % {"n": reminded})
    else:
        messages.info(request, _("Mọi đơn vị của kỳ đã gửi hồ sơ."))
    return redirect("scoring:cycle_detail", pk=cycle.pk)
