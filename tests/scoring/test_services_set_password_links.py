from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from scoring.models import AuditEntry, Role, SetPasswordLink
from scoring.services.set_password_links import (LinkRefused, set_password_link_check, set_password_link_email,
                                                 set_password_links_issue, set_password_with_link)
from tests.conftest import make_user

NEW_PASSWORD = "mat-khau-rat-dai-2026"


@pytest.fixture
def newcomer(own_unit):
    user = make_user("canbo.moi", Role.UNIT_OFFICER, unit=own_unit, email="moi@snv.gov.vn", last_name="Nguyễn Văn")
    user.set_unusable_password()
    user.save()
    return user


def token_of(link):
    return link.path.rstrip("/").rsplit("/", 1)[1]


def test_a_link_sets_the_password_once_and_is_refused_afterwards(newcomer):
    [link] = set_password_links_issue(users=[newcomer])

    set_password_with_link(token=token_of(link), password=NEW_PASSWORD)

    newcomer.refresh_from_db()
    assert newcomer.check_password(NEW_PASSWORD)
    with pytest.raises(LinkRefused, match="đã được dùng") as refusal:
        set_password_with_link(token=token_of(link), password="mot-mat-khau-khac-2026")
    assert refusal.value.status == 410
    newcomer.refresh_from_db()
    assert newcomer.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(entity="user", entity_id=newcomer.pk, field="password").count() == 1


def test_using_one_link_spends_every_other_link_of_the_account(newcomer):
    first, second = set_password_links_issue(users=[newcomer, newcomer])

    set_password_with_link(token=token_of(second), password=NEW_PASSWORD)

    with pytest.raises(LinkRefused, match="đã được dùng"):
        set_password_link_check(token_of(first))


def test_a_link_expires_after_the_configured_days(newcomer, settings):
    settings.SET_PASSWORD_LINK_DAYS = 7
    [link] = set_password_links_issue(users=[newcomer])
    stored = SetPasswordLink.objects.get()
    assert timedelta(days=6, hours=23) < stored.expires_at - timezone.now() <= timedelta(days=7)

    SetPasswordLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    with pytest.raises(LinkRefused, match="đã hết hạn ngày") as refusal:
        set_password_with_link(token=token_of(link), password=NEW_PASSWORD)
    assert refusal.value.status == 410
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()


def test_an_unknown_token_is_not_found_and_the_database_keeps_only_a_digest(newcomer):
    [link] = set_password_links_issue(users=[newcomer])

    with pytest.raises(LinkRefused) as refusal:
        set_password_link_check("khong-phai-token")
    assert refusal.value.status == 404
    assert token_of(link) not in SetPasswordLink.objects.get().token_hash


def test_a_deactivated_account_cannot_use_its_link(newcomer):
    [link] = set_password_links_issue(users=[newcomer])
    newcomer.is_active = False
    newcomer.save()

    with pytest.raises(LinkRefused, match="ngừng hoạt động"):
        set_password_link_check(token_of(link))


def test_the_email_carries_a_working_link_only_when_email_is_configured(newcomer, settings):
    settings.SITE_URL = "https://cchc.example.gov.vn"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    assert set_password_link_email(newcomer.pk) is True

    [message] = mail.outbox
    assert message.to == ["moi@snv.gov.vn"]
    url = next(word for word in message.body.split() if word.startswith("https://cchc.example.gov.vn/dat-mat-khau/"))
    set_password_with_link(token=url.rstrip("/").rsplit("/", 1)[1], password=NEW_PASSWORD)
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    newcomer.set_unusable_password()
    newcomer.save()
    assert set_password_link_email(newcomer.pk) is False


def test_no_email_goes_to_an_account_that_already_has_a_password(newcomer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    newcomer.set_password(NEW_PASSWORD)
    newcomer.save()

    assert set_password_link_email(newcomer.pk) is False and mail.outbox == []


def test_a_link_never_replaces_a_password_set_some_other_way(newcomer):
    [link] = set_password_links_issue(users=[newcomer])
    newcomer.set_password(NEW_PASSWORD)
    newcomer.save()

    with pytest.raises(LinkRefused, match="đã có mật khẩu"):
        set_password_with_link(token=token_of(link), password="mot-mat-khau-khac-2026")
    newcomer.refresh_from_db()
    assert newcomer.check_password(NEW_PASSWORD)
