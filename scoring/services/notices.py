"""Notices (issue 12): what happened to a file, told to the people it concerns, on their home page and by e-mail.

A service that changes a file calls notices_create inside its transaction; the rows commit with the change, and
only then is the e-mail job queued (transaction.on_commit), so the worker sends them, never the request, and a
change rolled back (a confirmation step's rehearsal) notifies nobody. Each e-mail is claimed by a conditional
UPDATE (emailed false → true) before it is sent: a job run twice sends nothing twice."""
import logging

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ..models import AssessmentStatus as S, Notice, NoticeKind, Role, User
from ..models.accounts import UNIT_ROLES
from ..models.indices import PAR

log = logging.getLogger(__name__)


def notices_create(*, users, kind: str, message: str, link: str = "") -> int:
    """One notice per user (a queryset or list of users, once each); the e-mails follow after the commit."""
    ids = {user.pk for user in users}
    if not ids:
        return 0
    notices = Notice.objects.bulk_create([Notice(user_id=pk, kind=kind, message=message, link=link)
                                          for pk in sorted(ids)])
    notice_ids = [notice.pk for notice in notices]
    transaction.on_commit(lambda: _queue_emails(notice_ids))
    return len(notices)


def _queue_emails(notice_ids):
    from ..tasks import send_notice_emails

    send_notice_emails.delay(notice_ids)


def notices_email(notice_ids) -> int:
    """Sends the e-mails of these notices to those who keep e-mail on; returns how many were sent."""
    pending = (Notice.objects.filter(pk__in=notice_ids, emailed=False, user__is_active=True,
                                     user__email_notices=True).exclude(user__email="").select_related("user"))
    sent = 0
    with mail.get_connection() as connection, translation.override(settings.LANGUAGE_CODE):
        for notice in pending:
            if Notice.objects.filter(pk=notice.pk, emailed=False).update(emailed=True):
                sent += _send(notice, connection)
    return sent


def _send(notice, connection) -> int:
    subject = _("[Chỉ số CCHC] %(kind)s") % {"kind": NoticeKind(notice.kind).label}
    body = notice.message + (f"\n\n{settings.SITE_URL}{notice.link}" if notice.link else "")
    try:
        mail.EmailMessage(subject, body, to=[notice.user.email], connection=connection).send()
    except Exception:  # noqa: BLE001  a mail server failure must not stop the others; a re-run retries
        log.exception("notice %s: e-mail failed", notice.pk)
        Notice.objects.filter(pk=notice.pk).update(emailed=False)
        return 0
    return 1


# --- Who each event concerns ---------------------------------------------------------------------------------


def unit_people(assessment):
    return User.objects.filter(is_active=True, role__in=UNIT_ROLES, unit=assessment.unit_id)


def board_people(assessment):
    """The coordinators, and the appraisers of the agencies that appraise leaves of the file's framework."""
    agencies = assessment.cycle.framework.criteria.exclude(method="").values("agency")
    users = User.objects.filter(is_active=True)
    return users.filter(role=Role.COORDINATOR) | users.filter(role=Role.APPRAISER, agency__in=agencies)


def _file_words(assessment):
    return {"unit": assessment.unit.name, "year": assessment.cycle.year_label}


def notify_explanation_requested(assessment, criterion_code):
    notices_create(users=unit_people(assessment), kind=NoticeKind.EXPLANATION_REQUESTED,
                   message=_("Hội đồng thẩm định yêu cầu %(unit)s giải trình tiêu chí %(code)s (năm %(year)s).")
                   % {**_file_words(assessment), "code": criterion_code},
                   link=reverse("scoring:explanation_list", args=[assessment.pk]))


def notify_file_submitted(assessment):
    notices_create(users=board_people(assessment), kind=NoticeKind.FILE_SUBMITTED,
                   message=_("%(unit)s đã gửi hồ sơ tự đánh giá năm %(year)s.") % _file_words(assessment),
                   link=reverse("scoring:appraisal_assessment", args=[assessment.pk]))


def notify_explanation_answered(assessment):
    notices_create(users=board_people(assessment), kind=NoticeKind.EXPLANATION_ANSWERED,
                   message=_("%(unit)s đã gửi giải trình năm %(year)s.") % _file_words(assessment),
                   link=reverse("scoring:appraisal_assessment", args=[assessment.pk]))


def notify_file_finalized(assessment):
    notices_create(users=unit_people(assessment), kind=NoticeKind.FILE_FINALIZED,
                   message=_("Hồ sơ năm %(year)s của %(unit)s đã thẩm định xong.") % _file_words(assessment),
                   link=reverse("scoring:assessment_detail", args=[assessment.pk]))


def notify_year_published(year, version, block, index_code=PAR):
    message = (_("Kết quả chỉ số CCHC năm %(year)s của %(block)s đã được công bố (lần %(version)s).")
               if index_code == PAR else
               _("Kết quả chỉ số %(index)s năm %(year)s của %(block)s đã được công bố (lần %(version)s)."))
    notices_create(users=User.objects.filter(is_active=True), kind=NoticeKind.YEAR_PUBLISHED,
                   message=message % {"year": year, "block": block, "version": version, "index": index_code},
                   link=reverse("scoring:publication_list"))


def cycle_remind_unsubmitted(*, cycle, user) -> int:
    """The coordinator's one action: a notice (and e-mail) to every unit of the cycle not yet submitted.
    Returns how many units were reminded."""
    drafts = cycle.assessments.filter(status=S.DRAFT)
    people = User.objects.filter(is_active=True, role__in=UNIT_ROLES, unit__in=drafts.values("unit"))
    deadline = cycle.self_assessment_deadline
    message = _("Nhắc gửi hồ sơ tự đánh giá kỳ %(cycle)s%(deadline)s: hồ sơ của đơn vị chưa được gửi.") % {
        "cycle": cycle, "deadline": _(", hạn %(day)s") % {"day": deadline.strftime("%d/%m/%Y")} if deadline else ""}
    with transaction.atomic():
        notices_create(users=people, kind=NoticeKind.SUBMISSION_REMINDER, message=message,
                       link=reverse("scoring:cycle_list"))
    return drafts.count()


def user_email_notices_set(*, user, enabled: bool) -> None:
    User.objects.filter(pk=user.pk).update(email_notices=enabled)
    user.email_notices = enabled
