"""A confirmation step before an irreversible action (submitting, finalizing, publishing, removing...).

The view answers a POST that lacks the `confirmed` field with a page summarizing what will happen and a button
that posts the same fields again with `confirmed=1`; nothing changes until then. Without JavaScript that page is
the step; with it, static/js/confirm.js fetches the same page and shows its summary in a <dialog>, so the summary
is written once, on the server.

    if not is_confirmed(request):
        return confirmation_page(request, title=..., summary=[...], button=..., cancel_url=...)
"""
from django.db import transaction
from django.shortcuts import render

CONFIRMED_FIELD = "confirmed"
NOT_REPOSTED = {"csrfmiddlewaretoken", CONFIRMED_FIELD}


def is_confirmed(request) -> bool:
    return request.POST.get(CONFIRMED_FIELD) == "1"


def confirmation_page(request, *, title, summary, button, cancel_url, note=""):
    """`summary`: the lines saying what will happen (strings, or (label, value) pairs)."""
    fields = [(name, value) for name, values in request.POST.lists() if name not in NOT_REPOSTED for value in values]
    lines = [line if isinstance(line, tuple) else (None, line) for line in summary]
    return render(request, "confirmation.html", {
        "title": title, "summary": lines, "button": button, "cancel_url": cancel_url, "note": note,
        "fields": fields, "action": request.get_full_path(),
    })


class _Rollback(Exception):
    pass


def rehearse(action):
    """What `action` (a database-only change) would return, run inside a transaction that is always rolled back:
    the summary of a bulk action then says exactly what the service would do, whatever rules it applies. Work
    queued with transaction.on_commit (result refreshes, e-mails) is dropped with the rollback. A refusal of the
    action propagates, so the step can show it at once instead of after the confirmation."""
    outcome = []
    try:
        with transaction.atomic():
            outcome.append(action())
            raise _Rollback
    except _Rollback:
        pass
    return outcome[0]
