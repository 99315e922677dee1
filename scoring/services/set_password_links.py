"""One-time links through which a new account's owner chooses a password (issue 10).

The token is 32 random bytes; only its SHA-256 is stored, so the database alone opens no account. A link works
once and until it expires (SET_PASSWORD_LINK_DAYS); spending one spends every other link of the account, and the
spend is a conditional UPDATE, so two tabs submitting the same link never both set a password."""
import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import AuditSource, SetPasswordLink, User
from .audit import audit_entry, audit_write

log = logging.getLogger(__name__)
# A console or dummy backend sends nothing anyone reads, and a console would print live links into the logs.
UNCONFIGURED_EMAIL = ("django.core.mail.backends.console.EmailBackend", "django.core.mail.backends.dummy.EmailBackend")


class LinkRefused(Exception):
    """The link cannot be used; the message says why, for the person holding it. `status` 404: no such link;
    410: it existed and is spent or expired."""

    def __init__(self, message, status=410):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class IssuedLink:
    user: User
    path: str  # /dat-mat-khau/<token>/ : the caller makes it absolute (request or SITE_URL)
    expires_at: object

    @property
    def url(self):
        return settings.SITE_URL + self.path


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def set_password_links_issue(*, users, actor=None) -> list[IssuedLink]:
    """A fresh link for each user; earlier links stay valid until they expire or one of them is used."""
    expires_at = timezone.now() + timedelta(days=settings.SET_PASSWORD_LINK_DAYS)
    issued, rows = [], []
    for user in users:
        token = secrets.token_urlsafe(32)
        rows.append(SetPasswordLink(user=user, token_hash=_digest(token), expires_at=expires_at, created_by=actor))
        issued.append(IssuedLink(user, reverse("set_password", args=[token]), expires_at))
    SetPasswordLink.objects.bulk_create(rows)
    return issued


def set_password_link_check(token: str) -> SetPasswordLink:
    """The live link of `token`, or LinkRefused saying whether it was used, expired or never existed."""
    link = SetPasswordLink.objects.select_related("user").filter(token_hash=_digest(token)).first()
    if link is None:
        raise LinkRefused(_("Đường dẫn đặt mật khẩu không đúng. Hãy kiểm tra lại hoặc xin quản trị viên cấp "
                            "đường dẫn mới."), status=404)
    if link.used_at is not None:
        raise LinkRefused(_("Đường dẫn này đã được dùng để đặt mật khẩu và không dùng lại được. Hãy đăng nhập, "
                            "hoặc dùng «Quên mật khẩu» nếu không nhớ mật khẩu."))
    if link.expires_at <= timezone.now():
        raise LinkRefused(_("Đường dẫn này đã hết hạn ngày %(date)s. Hãy xin quản trị viên cấp đường dẫn mới.") % {
            "date": timezone.localtime(link.expires_at).strftime("%d/%m/%Y")})
    if not link.user.is_active:
        raise LinkRefused(_("Tài khoản này đã ngừng hoạt động."))
    if link.user.has_usable_password():
        # Set since (by "Quên mật khẩu" or the admin): a link left in a drawer must not replace it.
        raise LinkRefused(_("Tài khoản này đã có mật khẩu. Hãy đăng nhập, hoặc dùng «Quên mật khẩu» nếu không nhớ "
                            "mật khẩu."))
    return link


@transaction.atomic
def set_password_with_link(*, token: str, password: str) -> User:
    """Sets the account's password (already validated by the form) and spends every link of the account."""
    link = set_password_link_check(token)
    now = timezone.now()
    spent = SetPasswordLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
    if not spent:
        raise LinkRefused(_("Đường dẫn này vừa được dùng. Hãy đăng nhập bằng mật khẩu đã đặt."))
    SetPasswordLink.objects.filter(user=link.user, used_at__isnull=True).update(used_at=now)
    user = link.user
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_write([audit_entry(entity="user", entity_id=user.pk, field="password", old="", new=_("đã đặt qua đường dẫn"),
                             actor=user, source=AuditSource.UI)])
    return user


def email_configured() -> bool:
    return settings.EMAIL_BACKEND not in UNCONFIGURED_EMAIL


def set_password_link_email(user_id: int) -> bool:
    """E-mails a fresh link to the account (run by the Celery task, after the import commits). Returns whether a
    message went out: nothing is sent without an address, a configured backend or while the account has no need."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or user.has_usable_password() or not email_configured():
        return False
    [link] = set_password_links_issue(users=[user])
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Tài khoản PAR INDEX của bạn: đặt mật khẩu")
        body = _("Chào %(name)s,\n\nTài khoản %(username)s đã được tạo trên hệ thống đánh giá chỉ số cải cách hành "
                 "chính. Hãy mở đường dẫn sau để đặt mật khẩu (dùng được một lần, đến hết ngày %(date)s):\n\n"
                 "%(url)s\n") % {"name": user.get_full_name() or user.username, "username": user.username,
                                 "url": link.url,
                                 "date": timezone.localtime(link.expires_at).strftime("%d/%m/%Y")}
    mail.send_mail(subject, body, None, [user.email])
    return True


def users_awaiting_password(users):
    """Active accounts that have never set a password: the ones a printed link is for."""
    return [user for user in users.filter(is_active=True).order_by("username") if not user.has_usable_password()]


def set_password_links_email_later(*, users) -> int:
    """After the import commits, one Celery task per account with an address e-mails it a link. Returns how many."""
    if not email_configured():
        return 0
    ids = [user.pk for user in users if user.email and user.is_active]

    def send():
        from ..tasks import email_set_password_link  # tasks import services, never the other way at import time

        for user_id in ids:
            email_set_password_link.delay(user_id)

    if ids:
        transaction.on_commit(send, robust=True)
    return len(ids)
