"""The sample planner: N per unit for one group, the target n = N / (1 + N·e²), completion and the shortfalls."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ..forms import SamplePlanForm
from ..permissions import can_manage_surveys, get_survey_for_user
from ..sampling import sample_plan
from ..services.sampling import sample_targets_set


@login_required
def sample_plan_view(request, pk):
    survey = get_survey_for_user(request.user, pk, write=request.method == "POST")
    groups = list(survey.groups.all())
    group = next((g for g in groups if str(g.pk) == request.GET.get("group")), groups[0] if groups else None)
    rows = sample_plan(survey, group) if group else []
    form = SamplePlanForm(rows, request.POST or None, disabled=not can_manage_surveys(request.user))
    if group and form.is_valid():
        changed = sample_targets_set(survey=survey, group=group, transactions=form.transactions(), user=request.user)
        messages.success(request, _("Đã lưu số giao dịch của %(n)d đơn vị.") % {"n": changed})
        return redirect(f"{reverse('surveys:sample_plan', args=[survey.pk])}?group={group.pk}")
    return render(request, "surveys/sample_plan.html", {
        "survey": survey, "groups": groups, "group": group, "rows": [(row, form[f"n-{row.unit.pk}"]) for row in rows],
        "form": form, "can_manage": can_manage_surveys(request.user),
        "below": sum(row.below_target for row in rows)})
