"""Deadline reminders (issue 3), run daily by Celery beat: REMINDER_DAYS_BEFORE days before each deadline of an
open cycle, the people it concerns get a Reminder row (the home page shows it) and an e-mail.

Re-running is safe. A Reminder is unique per (cycle, user, deadline, date), so a run creates only what is missing;
its message names the days left, so the run of a later reminder day (1 day after 3) updates the row, which is
what makes it e-mail again; and each e-mail is claimed by a conditional UPDATE (emailed false → true) before it
is sent, so two runs at once never send the same one twice.
"""
import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import AssessmentStatus as S, Cycle, DeadlineKind, Reminder, Role, User
from ..models.accounts import UNIT_ROLES
from ..selectors.assessments import DEADLINES
from ..workflow import vn_date

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RemindersSent:
    created: int
    emailed: int


def reminder_days() -> tuple[int, ...]:
    """REMINDER_DAYS_BEFORE, e.g. "3,1": the days before a deadline on which reminders go out."""
    value = settings.REMINDER_DAYS_BEFORE
    days = value.split(",") if isinstance(value, str) else value
    return tuple(sorted({int(day) for day in days if str(day).strip()}, reverse=True))


def reminders_send(*, today: date | None = None) -> RemindersSent:
    """Creates and e-mails the reminders due today for every open cycle."""
    today = today or timezone.localdate()
    days = reminder_days()
    created = emailed = 0
    # The stored message is compared across runs, so it is always written in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        for cycle in Cycle.objects.filter(is_open=True).select_related("block", "framework"):
            for kind, field in DEADLINES:
                due = getattr(cycle, field)
                if due is not None and (due - today).days in days:
                    created += _remind(cycle, kind, due, (due - today).days)
                    emailed += _email_pending(cycle, kind, due)
    return RemindersSent(created, emailed)


def concerned_users(cycle, kind):
    """Who a deadline concerns: the unit users of units that still have work before it, or the board."""
    users = User.objects.filter(is_active=True)
    assessments = cycle.assessments.all()
    if kind == DeadlineKind.SELF_ASSESSMENT:
        return users.filter(role__in=UNIT_ROLES, unit__in=assessments.filter(status=S.DRAFT).values("unit"))
    if kind == DeadlineKind.EXPLANATION:
        return users.filter(role__in=UNIT_ROLES,
                            unit__in=assessments.filter(status=S.EXPLANATION_REQUESTED).values("unit"))
    waiting = (S.SUBMITTED, S.IN_APPRAISAL) if kind == DeadlineKind.APPRAISAL else (S.EXPLANATION_SUBMITTED,)
    if not assessments.filter(status__in=waiting).exists():
        return users.none()
    agencies = cycle.framework.criteria.exclude(method="").values("agency")
    return (users.filter(role=Role.COORDINATOR)
            | users.filter(role=Role.APPRAISER, agency__in=agencies))


def reminder_message(cycle, kind, due, days_left) -> str:
    left = ngettext("còn %(n)s ngày", "còn %(n)s ngày", days_left) % {"n": days_left} if days_left else _("hôm nay")
    return _("%(deadline)s kỳ đánh giá %(block)s năm %(year)s là ngày %(date)s (%(left)s).") % {
        "deadline": DeadlineKind(kind).label, "block": cycle.block.name, "year": cycle.year_label,
        "date": vn_date(due), "left": left}


def _remind(cycle, kind, due, days_left) -> int:
    message = reminder_message(cycle, kind, due, days_left)
    users = list(concerned_users(cycle, kind).values_list("pk", flat=True).distinct())
    with transaction.atomic():
        rows = Reminder.objects.filter(cycle=cycle, deadline=kind, due_on=due)
        existing = set(rows.filter(user__in=users).values_list("user_id", flat=True))
        Reminder.objects.bulk_create([Reminder(cycle=cycle, user_id=pk, deadline=kind, due_on=due, message=message)
                                      for pk in users if pk not in existing], ignore_conflicts=True)
        # An earlier reminder day's row becomes today's, to be e-mailed again.
        rows.filter(user__in=existing).exclude(message=message).update(message=message, emailed=False)
    return len(users) - len(existing)


def _email_pending(cycle, kind, due) -> int:
    pending = (Reminder.objects.filter(cycle=cycle, deadline=kind, due_on=due, emailed=False)
               .exclude(user__email="").select_related("user"))
    sent = 0
    with mail.get_connection() as connection:
        for reminder in pending:
            if not Reminder.objects.filter(pk=reminder.pk, emailed=False).update(emailed=True):
                continue  # another run claimed it
            sent += _send(reminder, connection)
    return sent


def _send(reminder, connection) -> int:
    subject = _("[Chỉ số CCHC] Nhắc hạn: %(deadline)s") % {"deadline": DeadlineKind(reminder.deadline).label}
    try:
        mail.EmailMessage(subject, reminder.message, to=[reminder.user.email], connection=connection).send()
    except Exception:  # noqa: BLE001  a mail server failure must not stop the others; a re-run retries
        log.exception("reminder %s: e-mail failed", reminder.pk)
        Reminder.objects.filter(pk=reminder.pk).update(emailed=False)
        return 0
    return 1
