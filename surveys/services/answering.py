"""Collecting answers: invitations (issue, e-mail, remind, reprint), answers by token, by public link, on paper.

Anonymity (survey.anonymous): a token's answers are stored with no reference to its invitation. The invitation
only records that it was completed and on which day; the response has a random id and a date, no time, so
neither order nor timestamps can match the two."""
from collections.abc import Iterable, Mapping
from datetime import date

from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from scoring.models import AuditSource, Unit
from scoring.services.audit import audit_entry, audit_write

from ..models import Answer, Invitation, Rates, RespondentGroup, Response, Source, Survey
from ..quality import flag_reasons
from ..questionnaire import (device_answered_today, expected_answers, invitation_sections, rated_units,
                             unit_sections)
from ..tokens import invitation_refusal, survey_refusal, token_hash, token_new

Answers = Mapping[int, int]  # question id -> option id


class AnsweringError(Exception):
    """A refusal the respondent or the manager reads as is (Vietnamese); `code` tells the view which page."""

    def __init__(self, message, *, code):
        super().__init__(message)
        self.message, self.code = message, code


# --- Invitations ---------------------------------------------------------------------------------------------

@transaction.atomic
def invitation_issue(*, survey: Survey, group: RespondentGroup, people: Iterable[tuple[str, str, Unit | None]],
                     valid_from: date | None = None, valid_until: date | None = None,
                     user=None) -> list[tuple[Invitation, str]]:
    """One invitation per person; returns each with its raw token, which is never stored and never shown again."""
    people = list(people)
    _check_invitable(survey, group, people)
    issued = [_new_invitation(survey, group, person, valid_from, valid_until) for person in people]
    Invitation.objects.bulk_create([invitation for invitation, _ in issued], batch_size=500)
    audit_write([_invitation_audit(invitation, "issued", invitation.name, user) for invitation, _ in issued])
    return issued


def _check_invitable(survey, group, people):
    if group.survey_id != survey.pk or not group.identified:
        raise AnsweringError(_("Chỉ phát phiếu mời cho nhóm được mời đích danh của cuộc khảo sát này."),
                             code="group")
    asks_own = group.questions.filter(rates=Rates.OWN).exists()
    missing = [name or email for name, email, unit in people if unit is None and asks_own]
    if missing:
        raise AnsweringError(_("Nhóm này có câu hỏi về đơn vị của người trả lời: cần mã đơn vị cho %(names)s.")
                             % {"names": ", ".join(missing)}, code="unit")


def _new_invitation(survey, group, person, valid_from, valid_until):
    name, email, unit = person
    raw, hashed = token_new()
    return Invitation(survey=survey, group=group, unit=unit, name=name, email=email, token_hash=hashed,
                      valid_from=valid_from, valid_until=valid_until), raw


def _invitation_audit(invitation, field, new, user):
    return audit_entry(entity="invitation", entity_id=invitation.pk, field=field, old=None, new=new, actor=user,
                       source=AuditSource.SURVEY)


def answer_link(base_url: str, raw: str) -> str:
    return base_url.rstrip("/") + reverse("surveys:answer_token", args=[raw])


@transaction.atomic
def invitation_send(*, invitations: Iterable[Invitation], base_url: str, user=None) -> int:
    """E-mails each invitation not yet sent (and not answered) a fresh link. Returns how many were sent."""
    return _deliver(invitations, base_url=base_url, user=user, stamp="sent_at",
                    claim={"sent_at__isnull": True}, compose=_invitation_mail)


@transaction.atomic
def invitation_remind(*, invitations: Iterable[Invitation], base_url: str, user=None) -> int:
    """E-mails a reminder, with a fresh link, to each invitation not yet answered; records reminded_at."""
    return _deliver(invitations, base_url=base_url, user=user, stamp="reminded_at", claim={}, compose=_reminder_mail)


def _deliver(invitations, *, base_url, user, stamp, claim, compose):
    today, now, messages, entries = timezone.localdate(), timezone.now(), [], []
    for invitation in invitations:
        if not invitation.email or invitation_refusal(invitation, today):
            continue
        raw = _rotate(invitation, stamp=stamp, now=now, claim=claim)
        if raw:
            messages.append(compose(invitation, answer_link(base_url, raw)))
            entries.append(_invitation_audit(invitation, stamp, invitation.email, user))
    # Inside the transaction: if the mail server refuses, no token changes and nothing is marked sent.
    get_connection().send_messages(messages)
    audit_write(entries)
    return len(messages)


def _rotate(invitation, *, stamp, now, claim):
    """A new token for a not yet completed invitation; the conditional UPDATE makes two managers clicking at
    once send one message, not two."""
    raw, hashed = token_new()
    fields = {"token_hash": hashed, **({stamp: now} if stamp else {})}
    claimed = Invitation.objects.filter(pk=invitation.pk, completed_on__isnull=True, **claim).update(**fields)
    return raw if claimed else None


def _invitation_mail(invitation, link):
    body = _("Kính gửi %(name)s,\n\nXin mời ông/bà tham gia khảo sát \"%(survey)s\" tại đường dẫn sau "
             "(chỉ dùng được một lần%(until)s):\n\n%(link)s\n\nTrân trọng cảm ơn.") % _mail_values(invitation, link)
    return EmailMessage(_("Mời tham gia khảo sát: %(survey)s") % {"survey": invitation.survey.name}, body,
                        to=[invitation.email])


def _reminder_mail(invitation, link):
    body = _("Kính gửi %(name)s,\n\nÔng/bà chưa trả lời khảo sát \"%(survey)s\". Xin mời ông/bà trả lời tại "
             "đường dẫn mới sau (đường dẫn gửi trước đây không còn dùng được; chỉ dùng được một lần%(until)s):"
             "\n\n%(link)s\n\nTrân trọng cảm ơn.") % _mail_values(invitation, link)
    return EmailMessage(_("Nhắc trả lời khảo sát: %(survey)s") % {"survey": invitation.survey.name}, body,
                        to=[invitation.email])


def _mail_values(invitation, link):
    until = (_(", đến hết ngày %(day)s") % {"day": date_format(invitation.valid_until)}
             if invitation.valid_until else "")
    return {"name": invitation.name or _("ông/bà"), "survey": invitation.survey.name, "until": until,
            "link": link}


@transaction.atomic
def invitation_reissue(*, invitations: Iterable[Invitation], user=None) -> list[tuple[Invitation, str]]:
    """Fresh tokens for printing (QR sheet, Zalo): links handed out before for these invitations stop working."""
    today, reissued = timezone.localdate(), []
    for invitation in invitations:
        raw = None if invitation_refusal(invitation, today) else _rotate(invitation, stamp=None, now=None, claim={})
        if raw:
            reissued.append((invitation, raw))
    audit_write([_invitation_audit(invitation, "reissued", "", user) for invitation, _ in reissued])
    return reissued


# --- Answers -------------------------------------------------------------------------------------------------

def response_submit_by_token(*, token: str, answers: Mapping[int, Answers],
                             elapsed_seconds: float | None = None) -> list[Response]:
    """Answers ({rated unit id: {question id: option id}}) through a one-time invitation link."""
    invitation = Invitation.objects.select_related("survey", "group", "unit").filter(
        token_hash=token_hash(token)).first()
    if invitation is None:
        raise AnsweringError(_("Đường dẫn khảo sát không đúng hoặc đã được thay bằng đường dẫn mới."), code="unknown")
    _refuse(invitation_refusal(invitation, timezone.localdate()),
            code="used" if invitation.completed_on else "refused")
    positions = _checked(answers, expected_answers(invitation_sections(invitation)))
    with transaction.atomic():
        _complete(invitation)
        key = "" if invitation.survey.anonymous else f"PM-{invitation.pk}"
        return _responses_create(survey=invitation.survey, group=invitation.group, source=Source.TOKEN,
                                 answers=answers, positions=positions, elapsed_seconds=elapsed_seconds,
                                 respondent_key=key)


def _complete(invitation):
    # A conditional UPDATE, not read-then-write: of two simultaneous posts with one token, the second waits for
    # the first's row lock, then finds completed_on set and updates nothing.
    done = Invitation.objects.filter(pk=invitation.pk, completed_on__isnull=True).update(
        completed_on=timezone.localdate())
    if not done:
        raise AnsweringError(_("Phiếu này đã được sử dụng. Mỗi phiếu mời chỉ trả lời được một lần."), code="used")


def response_submit_public(*, survey: Survey, unit: Unit, group: RespondentGroup, device_hash: str,
                           answers: Answers, elapsed_seconds: float | None) -> Response:
    """A citizen's answers about one unit through the survey's public link (no account, no invitation)."""
    today = timezone.localdate()
    _refuse(survey_refusal(survey, today), code="refused")
    _check_public(survey, unit, group)
    positions = _checked({unit.pk: answers}, expected_answers(unit_sections(group, unit)))
    with transaction.atomic():
        _check_device_today(survey, unit, device_hash, today)
        return _responses_create(survey=survey, group=group, source=Source.PUBLIC, answers={unit.pk: answers},
                                 positions=positions, elapsed_seconds=elapsed_seconds, device_hash=device_hash)[0]


def _check_device_today(survey, unit, device_hash, today):
    # Two posts from one device at once must not both pass the daily check: they queue on the unit's row.
    # FOR NO KEY UPDATE does not block the inserts of other responses that reference the unit.
    Unit.objects.select_for_update(no_key=True).filter(pk=unit.pk).first()
    if device_answered_today(survey=survey, unit=unit, device_hash=device_hash,
                             today=today) >= survey.public_daily_limit:
        raise AnsweringError(_("Thiết bị này đã gửi ý kiến về %(unit)s hôm nay. Cảm ơn ông/bà!")
                             % {"unit": unit.name}, code="duplicate")


def _check_public(survey, unit, group):
    if group.survey_id != survey.pk or group.identified:
        raise AnsweringError(_("Nhóm này chỉ trả lời qua phiếu mời."), code="group")
    if not rated_units(survey).filter(pk=unit.pk).exists():
        raise AnsweringError(_("Đơn vị này không thuộc cuộc khảo sát."), code="group")


def paper_entry(*, survey: Survey, group: RespondentGroup, unit: Unit, respondent_key: str, answers: Answers,
                user) -> Response:
    """A paper form typed in by staff; the form's number (respondent_key) is entered once per unit."""
    if group.survey_id != survey.pk or not rated_units(survey).filter(pk=unit.pk).exists():
        raise AnsweringError(_("Nhóm hoặc đơn vị không thuộc cuộc khảo sát."), code="group")
    positions = _checked({unit.pk: answers}, expected_answers(unit_sections(group, unit)))
    key = respondent_key.strip()
    try:
        with transaction.atomic():
            response = _responses_create(survey=survey, group=group, source=Source.PAPER, answers={unit.pk: answers},
                                         positions=positions, elapsed_seconds=None, respondent_key=key)[0]
            audit_write([audit_entry(entity="survey", entity_id=survey.pk, field="paper_response", old=None,
                                     new=f"{group.code}/{unit.code}/{key}", actor=user)])
    except IntegrityError:
        raise AnsweringError(_("Phiếu số %(key)s về %(unit)s đã được nhập trước đây.")
                             % {"key": key, "unit": unit.name}, code="duplicate") from None
    return response


def _refuse(message, *, code):
    if message:
        raise AnsweringError(message, code=code)


def _checked(answers, expected):
    """Every expected question answered with one of its options, nothing else; returns the chosen options' places
    per unit (for the straight-line check)."""
    if set(answers) != set(expected) or any(set(answers[unit]) != set(expected[unit]) for unit in expected):
        raise AnsweringError(_("Phiếu chưa trả lời đủ các câu hỏi."), code="incomplete")
    try:
        return {unit: [expected[unit][question][option] for question, option in answers[unit].items()]
                for unit in expected}
    except KeyError:
        raise AnsweringError(_("Phương án trả lời không hợp lệ."), code="incomplete") from None


def _responses_create(*, survey, group, source, answers, positions, elapsed_seconds, respondent_key="",
                      device_hash=""):
    count = sum(len(chosen) for chosen in answers.values())
    today, responses = timezone.localdate(), []
    for unit_id, chosen in answers.items():
        reasons = flag_reasons(elapsed_seconds=elapsed_seconds, question_count=count, positions=positions[unit_id])
        responses.append(Response(survey=survey, group=group, unit_id=unit_id, source=source, submitted_on=today,
                                  respondent_key=respondent_key, device_hash=device_hash, flagged=bool(reasons),
                                  flag_reason="; ".join(reasons)[:200]))
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create([Answer(response=response, question_id=question, option_id=option)
                                for response in responses for question, option in answers[response.unit_id].items()])
    return responses
