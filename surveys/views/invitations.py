"""Invitations of an identified group: the list, issuing, e-mail and reminders, the printable sheet of QR codes.

A link is shown only when it is made; sending, reminding or reprinting makes a new one (surveys/tokens.py)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..forms import InvitationIssueForm
from ..permissions import can_manage_surveys, get_group_for_user
from ..progress import invitation_counts
from ..qr import qr_svg
from ..services.answering import (AnsweringError, answer_link, invitation_issue, invitation_remind,
                                  invitation_reissue, invitation_send)

PAGE_SIZE = 200


@login_required
def invitation_list(request, pk, group_pk):
    group = identified(get_group_for_user(request.user, pk, group_pk))
    page = Paginator(group.invitations.select_related("unit").order_by("name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "surveys/invitation_list.html", {
        "survey": group.survey, "group": group, "page": page, "counts": invitation_counts(group),
        "can_manage": can_manage_surveys(request.user)})


def identified(group):
    if not group.identified:
        raise Http404
    return group


@never_cache
@login_required
def invitation_issue_view(request, pk, group_pk):
    group = identified(get_group_for_user(request.user, pk, group_pk, write=True))
    form = InvitationIssueForm(request.POST or None)
    if form.is_valid():
        try:
            return _issued(request, group, form.cleaned_data)
        except AnsweringError as error:
            form.add_error(None, error.message)
    return render(request, "surveys/invitation_issue.html", {"survey": group.survey, "group": group, "form": form})


def _issued(request, group, data):
    issued = invitation_issue(survey=group.survey, group=group, people=data["people"], valid_from=data["valid_from"],
                              valid_until=data["valid_until"], user=request.user)
    sent = 0
    if data["send_now"]:
        sent = invitation_send(invitations=[invitation for invitation, _raw in issued],
                               base_url=request.build_absolute_uri("/"), user=request.user)
    # E-mailed invitations got a newer link by mail: the sheet shows only the others.
    printable = [(invitation, raw) for invitation, raw in issued if not (data["send_now"] and invitation.email)]
    messages.success(request, _("Đã phát %(issued)d phiếu mời, đã gửi thư cho %(sent)d người.")
                     % {"issued": len(issued), "sent": sent})
    return _sheet(request, group, printable)


def _sheet(request, group, issued):
    cards = [(invitation, link, qr_svg(link, title=invitation.name))
             for invitation, raw in issued for link in [answer_link(request.build_absolute_uri("/"), raw)]]
    return render(request, "surveys/invitation_sheet.html", {"survey": group.survey, "group": group, "cards": cards})


@login_required
@require_POST
def invitation_send_view(request, pk, group_pk):
    group = identified(get_group_for_user(request.user, pk, group_pk, write=True))
    due = group.invitations.filter(sent_at__isnull=True, completed_on__isnull=True).select_related("survey")
    sent = invitation_send(invitations=due, base_url=request.build_absolute_uri("/"), user=request.user)
    messages.success(request, _("Đã gửi thư mời cho %(n)d người.") % {"n": sent})
    return redirect("surveys:invitation_list", pk, group_pk)


@login_required
@require_POST
def invitation_remind_view(request, pk, group_pk):
    group = identified(get_group_for_user(request.user, pk, group_pk, write=True))
    due = group.invitations.filter(completed_on__isnull=True).select_related("survey")
    reminded = invitation_remind(invitations=due, base_url=request.build_absolute_uri("/"), user=request.user)
    messages.success(request, _("Đã gửi thư nhắc cho %(n)d người chưa trả lời.") % {"n": reminded})
    return redirect("surveys:invitation_list", pk, group_pk)


@never_cache
@login_required
@require_POST
def invitation_sheet(request, pk, group_pk):
    """The ticked invitations, or else every unanswered one without e-mail, with new links to print."""
    group = identified(get_group_for_user(request.user, pk, group_pk, write=True))
    chosen = group.invitations.filter(completed_on__isnull=True).select_related("unit", "survey")
    ticked = [value for value in request.POST.getlist("invitation") if value.isdigit()]
    chosen = chosen.filter(pk__in=ticked) if ticked else chosen.filter(email="")
    return _sheet(request, group, invitation_reissue(invitations=chosen.order_by("name", "pk"), user=request.user))
