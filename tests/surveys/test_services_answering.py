"""Collecting answers: invitations and their one-time tokens, anonymity, the public link's guards, paper forms."""
import re
import threading
import time
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from scoring.models import AuditEntry
from surveys import throttle
from surveys.models import Answer, Invitation, Rates, Response, Source
from surveys.services import answering
from surveys.services.answering import (AnsweringError, invitation_issue, invitation_reissue, invitation_remind,
                                        invitation_send, paper_entry, response_submit_by_token,
                                        response_submit_public)
from surveys.tokens import token_hash

from ..conftest import make_block, make_unit
from .questionnaires import choose, make_group, make_survey, private_cache

BASE = "https://cchc.example.gov.vn/"


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    private_cache(settings)


@pytest.fixture
def survey(own_unit, other_unit):
    return make_survey()


@pytest.fixture
def officials(survey):
    """Leaders invited by name; their questions rate their own unit."""
    return make_group(survey, "CB", identified=True, questions=3, rates=Rates.OWN)


@pytest.fixture
def citizens(survey):
    return make_group(survey, "ND", questions=6)


def issue(survey, group, unit, *people, **dates):
    people = people or [("Nguyễn Văn An", "an@tinh.gov.vn", unit)]
    return invitation_issue(survey=survey, group=group, people=people, **dates)


def own_answers(invitation, group, place=0):
    return {invitation.unit_id: choose(group, place)}


def tokens_in(mailoutbox):
    return [re.search(r"/khao-sat/t/([\w-]+)/", message.body).group(1) for message in mailoutbox]


# --- Invitations -------------------------------------------------------------------------------------------

def test_issuing_returns_each_raw_token_once_and_stores_only_its_sha256(survey, officials, own_unit):
    (invitation, raw), = issue(survey, officials, own_unit)

    stored = Invitation.objects.get()
    assert stored.token_hash == token_hash(raw) != raw
    assert raw not in {str(value) for value in stored.__dict__.values()}
    assert len(raw) >= 20


def test_issuing_is_audited_without_the_token(survey, officials, own_unit):
    (invitation, raw), = issue(survey, officials, own_unit)

    entry = AuditEntry.objects.get(entity="invitation")
    assert (entry.entity_id, entry.field) == (invitation.pk, "issued")
    assert raw not in entry.new_value and invitation.token_hash not in entry.new_value


def test_invitations_are_issued_only_for_a_group_invited_by_name(survey, citizens, own_unit):
    with pytest.raises(AnsweringError) as refused:
        issue(survey, citizens, own_unit)

    assert refused.value.code == "group"
    assert not Invitation.objects.exists()


def test_a_group_asked_about_the_invitees_own_unit_needs_a_unit_for_everyone(survey, officials):
    with pytest.raises(AnsweringError) as refused:
        invitation_issue(survey=survey, group=officials, people=[("Trần Thị Bình", "", None)])

    assert "Trần Thị Bình" in refused.value.message


def test_sending_mails_each_invitee_a_link_that_answers_the_survey(survey, officials, own_unit, mailoutbox):
    issue(survey, officials, own_unit, ("An", "an@tinh.gov.vn", own_unit), ("Bình", "", own_unit))

    sent = invitation_send(invitations=Invitation.objects.all(), base_url=BASE)

    assert sent == 1 and mailoutbox[0].to == ["an@tinh.gov.vn"]
    assert BASE.rstrip("/") + "/khao-sat/t/" in mailoutbox[0].body
    invitation = Invitation.objects.get(email="an@tinh.gov.vn")
    assert invitation.sent_at is not None
    response_submit_by_token(token=tokens_in(mailoutbox)[0], answers=own_answers(invitation, officials))


def test_sending_again_mails_nobody_twice(survey, officials, own_unit, mailoutbox):
    issue(survey, officials, own_unit)
    invitation_send(invitations=Invitation.objects.all(), base_url=BASE)

    assert invitation_send(invitations=Invitation.objects.all(), base_url=BASE) == 0
    assert len(mailoutbox) == 1


def test_reminders_go_only_to_invitees_who_have_not_answered_and_record_when(survey, officials, own_unit,
                                                                           mailoutbox):
    (done, done_raw), (late, _raw) = issue(survey, officials, own_unit, ("An", "an@x.vn", own_unit),
                                            ("Bình", "binh@x.vn", own_unit))
    response_submit_by_token(token=done_raw, answers=own_answers(done, officials))

    reminded = invitation_remind(invitations=Invitation.objects.all(), base_url=BASE)

    assert reminded == 1 and mailoutbox[0].to == ["binh@x.vn"]
    assert Invitation.objects.get(pk=late.pk).reminded_at is not None
    assert Invitation.objects.get(pk=done.pk).reminded_at is None


def test_a_reminder_carries_a_new_link_and_the_earlier_one_stops_working(survey, officials, own_unit, mailoutbox):
    (invitation, first), = issue(survey, officials, own_unit)
    invitation_remind(invitations=Invitation.objects.all(), base_url=BASE)

    with pytest.raises(AnsweringError) as refused:
        response_submit_by_token(token=first, answers=own_answers(invitation, officials))

    assert refused.value.code == "unknown"
    response_submit_by_token(token=tokens_in(mailoutbox)[0], answers=own_answers(invitation, officials))


def test_reprinting_makes_new_links_only_for_invitations_not_yet_answered(survey, officials, own_unit):
    (done, done_raw), (open_, old) = issue(survey, officials, own_unit, ("An", "", own_unit), ("Bình", "", own_unit))
    response_submit_by_token(token=done_raw, answers=own_answers(done, officials))

    reprinted = invitation_reissue(invitations=Invitation.objects.all())

    assert [invitation.pk for invitation, _ in reprinted] == [open_.pk]
    assert Invitation.objects.get(pk=open_.pk).token_hash == token_hash(reprinted[0][1]) != token_hash(old)


# --- Answering by token ------------------------------------------------------------------------------------

def test_a_token_answers_once_and_is_then_refused_as_used(survey, officials, own_unit):
    (invitation, raw), = issue(survey, officials, own_unit)
    response_submit_by_token(token=raw, answers=own_answers(invitation, officials))

    with pytest.raises(AnsweringError) as refused:
        response_submit_by_token(token=raw, answers=own_answers(invitation, officials, 1))

    assert refused.value.code == "used"
    assert "đã được sử dụng" in refused.value.message
    assert Response.objects.count() == 1
    assert Invitation.objects.get().completed_on == timezone.localdate()


def test_an_unknown_token_is_refused_with_a_message_in_vietnamese(survey, officials):
    with pytest.raises(AnsweringError) as refused:
        response_submit_by_token(token="khong-phai-phieu-moi", answers={})

    assert refused.value.code == "unknown" and "Đường dẫn" in refused.value.message


@pytest.mark.parametrize(("valid_from", "valid_until", "words"), [
    (None, -1, "đã hết hạn"),
    (1, None, "có hiệu lực từ ngày"),
])
def test_a_token_outside_its_validity_dates_is_refused(survey, officials, own_unit, valid_from, valid_until, words):
    today = timezone.localdate()
    shift = {"valid_from": valid_from, "valid_until": valid_until}
    (invitation, raw), = issue(survey, officials, own_unit,
                               **{k: today + timedelta(days=v) for k, v in shift.items() if v is not None})

    with pytest.raises(AnsweringError) as refused:
        response_submit_by_token(token=raw, answers=own_answers(invitation, officials))

    assert words in refused.value.message
    assert not Response.objects.exists() and Invitation.objects.get().completed_on is None


def test_a_closed_survey_takes_no_answer_by_token(survey, officials, own_unit):
    (invitation, raw), = issue(survey, officials, own_unit)
    survey.closes_on = timezone.localdate() - timedelta(days=1)
    survey.save()

    with pytest.raises(AnsweringError, match="đã kết thúc"):
        response_submit_by_token(token=raw, answers=own_answers(invitation, officials))


def test_an_anonymous_answer_cannot_be_traced_to_its_token(survey, officials, own_unit):
    (invitation, raw), = issue(survey, officials, own_unit)
    response_submit_by_token(token=raw, answers=own_answers(invitation, officials))
    invitation.refresh_from_db()
    traces = {raw, invitation.token_hash, invitation.name, invitation.email}

    for model in (Response, Answer):
        assert all(getattr(field, "related_model", None) is not Invitation for field in model._meta.get_fields())
    assert all(getattr(field, "related_model", None) not in (Response, Answer)
               for field in Invitation._meta.get_fields())
    for row in [*Response.objects.all(), *Answer.objects.all()]:
        values = [str(getattr(row, field.attname)) for field in row._meta.concrete_fields
                  if not field.is_relation and not field.primary_key]
        assert not [value for value in values for trace in traces if trace and trace in value]
        assert str(invitation.pk) not in values
    response = Response.objects.get()
    assert (response.respondent_key, response.device_hash) == ("", "")
    assert type(response.submitted_on) is date
    assert Response._meta.get_field("submitted_on").get_internal_type() == "DateField"
    assert Invitation._meta.get_field("completed_on").get_internal_type() == "DateField"


def test_a_named_survey_keeps_which_invitation_answered(own_unit, other_unit):
    survey = make_survey(anonymous=False)
    officials = make_group(survey, "CB", identified=True, questions=3, rates=Rates.OWN)
    (invitation, raw), = issue(survey, officials, own_unit)

    response, = response_submit_by_token(token=raw, answers=own_answers(invitation, officials))

    assert response.respondent_key == f"PM-{invitation.pk}"


def test_an_incomplete_answer_saves_nothing_and_leaves_the_token_usable(survey, officials, own_unit):
    (invitation, raw), = issue(survey, officials, own_unit)
    answers = own_answers(invitation, officials)
    answers[own_unit.pk].popitem()

    with pytest.raises(AnsweringError) as refused:
        response_submit_by_token(token=raw, answers=answers)

    assert refused.value.code == "incomplete"
    assert not Response.objects.exists() and not Answer.objects.exists()
    assert Invitation.objects.get().completed_on is None


def test_an_option_of_another_question_is_refused(survey, officials, own_unit):
    (invitation, raw), = issue(survey, officials, own_unit)
    answers = own_answers(invitation, officials)
    first, second = list(answers[own_unit.pk])[:2]
    answers[own_unit.pk][first] = answers[own_unit.pk][second]

    with pytest.raises(AnsweringError, match="không hợp lệ"):
        response_submit_by_token(token=raw, answers=answers)


def test_block_questions_rate_every_other_unit_and_own_questions_the_invitees_unit(survey, own_unit, other_unit):
    third = make_unit("SXD", "Sở Xây dựng")
    make_unit("HUYEN1", "Huyện Một", block=make_block("HUYEN", "Khối huyện", 2))
    leaders = make_group(survey, "LD", identified=True, questions=2, rates=Rates.BLOCK)
    own_question = leaders.questions.first()
    own_question.rates = Rates.OWN
    own_question.save()
    (invitation, raw), = issue(survey, leaders, own_unit)
    block_question = leaders.questions.exclude(pk=own_question.pk).get()
    option = block_question.options.first().pk

    responses = response_submit_by_token(token=raw, answers={
        own_unit.pk: {own_question.pk: own_question.options.first().pk},
        other_unit.pk: {block_question.pk: option}, third.pk: {block_question.pk: option}})

    assert sorted(response.unit_id for response in responses) == sorted([own_unit.pk, other_unit.pk, third.pk])
    assert Answer.objects.filter(response__unit=own_unit).get().question == own_question


def run_at_once(monkeypatch, submit, count=2):
    """Runs `submit` in `count` threads (own connections) released together; the first to create its responses
    holds its transaction open half a second, so the others must meet its locks. Returns each outcome."""
    create = answering._responses_create

    def slow_create(**kwargs):
        time.sleep(0.5)
        return create(**kwargs)

    monkeypatch.setattr(answering, "_responses_create", slow_create)
    outcomes, barrier = [], threading.Barrier(count)

    def run():
        try:
            barrier.wait()
            submit()
            outcomes.append("saved")
        except AnsweringError as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.postgres
def test_two_simultaneous_posts_with_one_token_record_one_answer(transactional_db, require_postgres, monkeypatch,
                                                                  own_unit, other_unit):
    survey = make_survey()
    officials = make_group(survey, "CB", identified=True, questions=3, rates=Rates.OWN)
    (invitation, raw), = issue(survey, officials, own_unit)
    answers = own_answers(invitation, officials)

    outcomes = run_at_once(monkeypatch, lambda: response_submit_by_token(token=raw, answers=answers))

    assert outcomes == ["saved", "used"]
    assert Response.objects.count() == 1 and Answer.objects.count() == 3


@pytest.mark.postgres
def test_two_simultaneous_public_posts_from_one_device_record_one_answer(transactional_db, require_postgres,
                                                                          monkeypatch, own_unit):
    survey = make_survey()
    citizens = make_group(survey, "ND")

    outcomes = run_at_once(monkeypatch, lambda: submit_public(survey, citizens, own_unit))

    assert outcomes == ["duplicate", "saved"]
    assert Response.objects.count() == 1


# --- The public link ---------------------------------------------------------------------------------------

def submit_public(survey, group, unit, device="thiet-bi-1", *, answers=None, elapsed=60.0):
    return response_submit_public(survey=survey, unit=unit, group=group, device_hash=device,
                                  answers=answers or choose(group), elapsed_seconds=elapsed)


def test_a_public_answer_is_recorded_for_the_unit_with_the_devices_hash(survey, citizens, own_unit):
    response = submit_public(survey, citizens, own_unit)

    assert (response.unit, response.group, response.source) == (own_unit, citizens, Source.PUBLIC)
    assert response.device_hash == "thiet-bi-1"
    assert response.answers.count() == 6 and not response.flagged


def test_the_same_device_is_refused_a_second_answer_about_the_same_unit_the_same_day(survey, citizens, own_unit):
    submit_public(survey, citizens, own_unit)

    with pytest.raises(AnsweringError) as refused:
        submit_public(survey, citizens, own_unit)

    assert refused.value.code == "duplicate" and "hôm nay" in refused.value.message
    assert Response.objects.count() == 1


def test_the_same_device_may_answer_about_another_unit_and_again_the_next_day(survey, citizens, own_unit,
                                                                            other_unit):
    submit_public(survey, citizens, own_unit)
    submit_public(survey, citizens, other_unit)
    Response.objects.update(submitted_on=timezone.localdate() - timedelta(days=1))

    submit_public(survey, citizens, own_unit)

    assert Response.objects.count() == 3


def test_the_daily_limit_per_device_is_set_per_survey(own_unit):
    survey = make_survey(public_daily_limit=2)
    citizens = make_group(survey, "ND")
    submit_public(survey, citizens, own_unit)
    submit_public(survey, citizens, own_unit)

    with pytest.raises(AnsweringError):
        submit_public(survey, citizens, own_unit)


def test_a_group_invited_by_name_cannot_answer_through_the_public_link(survey, officials, own_unit):
    with pytest.raises(AnsweringError) as refused:
        submit_public(survey, officials, own_unit, answers=choose(officials))

    assert refused.value.code == "group"


def test_a_unit_outside_the_surveys_blocks_is_refused(survey, citizens):
    district = make_unit("HUYEN1", "Huyện Một", block=make_block("HUYEN", "Khối huyện", 2))

    with pytest.raises(AnsweringError):
        submit_public(survey, citizens, district)


def test_a_speeder_is_flagged_and_kept(survey, citizens, own_unit):
    response = submit_public(survey, citizens, own_unit, elapsed=5)

    assert response.flagged and "quá nhanh" in response.flag_reason
    assert Response.objects.filter(pk=response.pk).exists()


def test_a_straight_liner_is_flagged_and_kept(survey, citizens, own_unit):
    response = submit_public(survey, citizens, own_unit, answers=choose(citizens, 0, vary=False))

    assert response.flagged and "cùng một phương án" in response.flag_reason
    assert response.answers.count() == 6


def test_a_closed_survey_takes_no_public_answer(survey, citizens, own_unit):
    survey.opens_on = timezone.localdate() + timedelta(days=3)
    survey.save()

    with pytest.raises(AnsweringError, match="bắt đầu nhận ý kiến"):
        submit_public(survey, citizens, own_unit)


# --- The public link's guards (device, address, human check) -------------------------------------------------

def test_after_the_hourly_number_of_posts_an_address_must_pass_the_human_check(settings):
    settings.SURVEY_PUBLIC_CHECK_AFTER = 2
    throttle.count_post("203.0.113.7")
    assert not throttle.needs_human_check("203.0.113.7")

    throttle.count_post("203.0.113.7")

    assert throttle.needs_human_check("203.0.113.7")
    assert not throttle.needs_human_check("203.0.113.8")


@pytest.mark.redis
def test_the_counters_and_the_human_check_work_on_redis(settings, require_redis):
    private_cache(settings, BACKEND="django.core.cache.backends.redis.RedisCache", LOCATION=require_redis)
    settings.SURVEY_PUBLIC_CHECK_AFTER = 2
    question, signed = throttle.human_check_new()
    total = str(sum(map(int, re.findall(r"\d+", question))))
    try:
        assert [throttle.count_post("192.0.2.1") for _ in range(2)] == [1, 2]
        assert throttle.needs_human_check("192.0.2.1")
        assert throttle.human_check_passes(signed, total) and not throttle.human_check_passes(signed, total)
    finally:
        cache.delete_many([throttle._ip_key("192.0.2.1"), f"surveys:check-used:{signing_nonce(signed)}"])


def signing_nonce(signed):
    from django.core import signing

    return signing.loads(signed, salt=throttle.CHECK_SALT)["nonce"]


def test_a_wrong_answer_to_the_human_check_is_refused():
    question, signed = throttle.human_check_new()
    a, b = map(int, re.findall(r"\d+", question))

    assert not throttle.human_check_passes(signed, str(a + b + 1))
    assert not throttle.human_check_passes(signed, "")


def test_a_right_answer_to_the_human_check_passes_once_only():
    question, signed = throttle.human_check_new()
    total = str(sum(map(int, re.findall(r"\d+", question))))

    assert throttle.human_check_passes(signed, total)
    assert not throttle.human_check_passes(signed, total)


def test_a_forged_human_check_is_refused():
    from django.core import signing

    forged = signing.dumps({"sum": 2, "nonce": "x"}, salt="another-salt")

    assert not throttle.human_check_passes(forged, "2")


def test_beyond_the_hourly_limit_the_address_is_refused(settings):
    settings.SURVEY_PUBLIC_HOURLY_LIMIT = 3
    for _ in range(3):
        throttle.count_post("198.51.100.1")

    assert throttle.too_many_posts("198.51.100.1")
    assert not throttle.too_many_posts("198.51.100.2")


def test_the_device_hash_differs_by_device_and_by_address():
    hashes = {throttle.device_hash(device, ip) for device in ("a", "b") for ip in ("10.0.0.1", "10.0.0.2")}

    assert len(hashes) == 4 and all(len(value) == 64 for value in hashes)


def test_behind_the_proxy_the_client_is_the_last_forwarded_address(settings, rf):
    settings.BEHIND_PROXY = True
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9", REMOTE_ADDR="10.0.0.1")

    assert throttle.client_ip(request) == "203.0.113.9"
    settings.BEHIND_PROXY = False
    assert throttle.client_ip(request) == "10.0.0.1"


# --- Paper forms -------------------------------------------------------------------------------------------

def test_a_paper_form_is_saved_with_its_number_and_audited(survey, citizens, own_unit, coordinator):
    response = paper_entry(survey=survey, group=citizens, unit=own_unit, respondent_key=" 007 ",
                           answers=choose(citizens), user=coordinator)

    assert (response.source, response.respondent_key, response.unit) == (Source.PAPER, "007", own_unit)
    entry = AuditEntry.objects.get(field="paper_response")
    assert entry.actor == coordinator and entry.new_value == f"ND/{own_unit.code}/007"


def test_the_same_paper_form_number_for_the_same_unit_is_refused(survey, citizens, own_unit, other_unit,
                                                                 coordinator):
    paper_entry(survey=survey, group=citizens, unit=own_unit, respondent_key="007", answers=choose(citizens),
                user=coordinator)
    paper_entry(survey=survey, group=citizens, unit=other_unit, respondent_key="007", answers=choose(citizens),
                user=coordinator)

    with pytest.raises(AnsweringError, match="đã được nhập"):
        paper_entry(survey=survey, group=citizens, unit=own_unit, respondent_key="007", answers=choose(citizens),
                    user=coordinator)
    assert Response.objects.count() == 2
