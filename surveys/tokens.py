"""Invitation tokens: made with `secrets`, shown once, stored only as their SHA-256.

A raw token exists only at the moment it is made (issue, e-mail, printed sheet). Delivering a link again therefore
makes a new token and retires the old one: nothing in the database can rebuild a link."""
import hashlib
import secrets

from django.utils.formats import date_format
from django.utils.translation import gettext as _


def token_new() -> tuple[str, str]:
    raw = secrets.token_urlsafe(16)
    return raw, token_hash(raw)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def survey_refusal(survey, today) -> str | None:
    """Why the survey takes no answer today, or None."""
    if survey.opens_on and today < survey.opens_on:
        return _("Cuộc khảo sát bắt đầu nhận ý kiến từ ngày %(day)s.") % {"day": date_format(survey.opens_on)}
    if survey.closes_on and today > survey.closes_on:
        return _("Cuộc khảo sát đã kết thúc ngày %(day)s. Cảm ơn ông/bà đã quan tâm.") % {
            "day": date_format(survey.closes_on)}
    return None


def invitation_refusal(invitation, today) -> str | None:
    """Why this invitation's link can't be answered today, or None. Used links come first: a respondent who
    answered should read that, not that the survey has closed since."""
    if invitation.completed_on:
        return _("Phiếu này đã được sử dụng. Mỗi phiếu mời chỉ trả lời được một lần.")
    if invitation.valid_from and today < invitation.valid_from:
        return _("Phiếu mời có hiệu lực từ ngày %(day)s.") % {"day": date_format(invitation.valid_from)}
    if invitation.valid_until and today > invitation.valid_until:
        return _("Phiếu mời đã hết hạn ngày %(day)s.") % {"day": date_format(invitation.valid_until)}
    return survey_refusal(invitation.survey, today)
