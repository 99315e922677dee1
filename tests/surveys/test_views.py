"""Survey pages: managers' pages in Vietnamese, the answering pages (token, public link), paper entry, planner."""
import re

import pytest
from django.urls import reverse

from surveys.models import Invitation, Rates, Response, SampleTarget, Source, Survey
from surveys.services.answering import invitation_issue, response_submit_by_token
from surveys.throttle import DEVICE_COOKIE

from .questionnaires import choose, make_group, make_survey, private_cache

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    private_cache(settings)


@pytest.fixture
def survey(own_unit, other_unit):
    return make_survey()


@pytest.fixture
def officials(survey):
    return make_group(survey, "CB", identified=True, questions=3, rates=Rates.OWN, name="Lãnh đạo các sở")


@pytest.fixture
def citizens(survey):
    return make_group(survey, "ND", questions=6, name="Người dân, tổ chức")


@pytest.fixture
def manager(client, coordinator):
    client.force_login(coordinator, backend=MODEL_BACKEND)
    return client


def issue(survey, group, unit, name="Nguyễn Văn An", email=""):
    (invitation, raw), = invitation_issue(survey=survey, group=group, people=[(name, email, unit)])
    return invitation, raw


def form_data(group, unit, place=1):
    return {f"u{unit.pk}-q{question}": option for question, option in choose(group, place).items()}


def started(response):
    return re.search(r'name="started" value="([^"]+)"', response.content.decode()).group(1)


# --- Managers' pages ---------------------------------------------------------------------------------------

def test_the_survey_list_shows_each_survey_with_its_responses_in_vietnamese(manager, survey):
    response = manager.get(reverse("surveys:survey_list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Điều tra xã hội học" in page and survey.name in page and "Phiếu trả lời" in page


def test_the_survey_detail_shows_groups_with_question_and_response_counts(manager, survey, officials, citizens,
                                                                        own_unit):
    response = manager.get(reverse("surveys:survey_detail", args=[survey.pk]))

    page = response.content.decode()
    assert "Lãnh đạo các sở" in page and "Người dân, tổ chức" in page
    assert [group.question_count for group in response.context["groups"]] == [3, 6]
    assert "Nhập phiếu giấy" in page and "Đường dẫn công khai và mã QR" in page


def test_a_leader_reads_a_survey_without_the_management_buttons(client, leader, survey, officials):
    client.force_login(leader, backend=MODEL_BACKEND)

    page = client.get(reverse("surveys:survey_detail", args=[survey.pk])).content.decode()
    invitations = client.get(reverse("surveys:invitation_list", args=[survey.pk, officials.pk])).content.decode()

    assert "Nhập phiếu giấy" not in page
    assert "Phát phiếu mời" not in invitations


def test_the_header_offers_the_surveys_to_readers_only(client, coordinator, unit_officer):
    client.force_login(unit_officer, backend=MODEL_BACKEND)
    assert "Điều tra XHH" not in client.get(reverse("home")).content.decode()

    client.force_login(coordinator, backend=MODEL_BACKEND)
    assert "Điều tra XHH" in client.get(reverse("home")).content.decode()


def test_issuing_mails_those_with_an_email_and_prints_qr_codes_for_the_others(manager, survey, officials, own_unit,
                                                                            mailoutbox):
    people = f"Nguyễn Văn An, an@tinh.gov.vn, {own_unit.code}\nTrần Thị Bình,, {own_unit.code}\n"

    response = manager.post(reverse("surveys:invitation_issue", args=[survey.pk, officials.pk]),
                            {"people": people, "send_now": "on"})

    page = response.content.decode()
    assert response.status_code == 200 and Invitation.objects.count() == 2
    assert [message.to for message in mailoutbox] == [["an@tinh.gov.vn"]]
    assert page.count("<svg") == 1 and "Trần Thị Bình" in page and "/khao-sat/t/" in page
    assert "Đã phát 2 phiếu mời" in page


def test_issuing_refuses_bad_lines_one_by_one_and_keeps_the_pasted_text(manager, survey, officials, own_unit):
    people = f"Nguyễn Văn An, an@tinh.gov.vn, {own_unit.code}\n, x@y.vn, {own_unit.code}\nBình, sai-email, KHONG"

    response = manager.post(reverse("surveys:invitation_issue", args=[survey.pk, officials.pk]), {"people": people})

    page = response.content.decode()
    assert "Dòng 2: thiếu họ tên" in page and "Dòng 3: email" in page
    assert "Nguyễn Văn An, an@tinh.gov.vn" in page
    assert not Invitation.objects.exists()


def test_the_send_and_remind_buttons_mail_the_invitees(manager, survey, officials, own_unit, mailoutbox):
    issue(survey, officials, own_unit, email="an@tinh.gov.vn")

    manager.post(reverse("surveys:invitation_send", args=[survey.pk, officials.pk]))
    response = manager.post(reverse("surveys:invitation_remind", args=[survey.pk, officials.pk]), follow=True)

    assert [message.subject.split(":")[0] for message in mailoutbox] == ["Mời tham gia khảo sát",
                                                                        "Nhắc trả lời khảo sát"]
    assert "Đã gửi thư nhắc cho 1 người chưa trả lời." in response.content.decode()


def test_printing_the_sheet_gives_new_links_to_the_ticked_invitations(manager, survey, officials, own_unit):
    invitation, old = issue(survey, officials, own_unit)

    response = manager.post(reverse("surveys:invitation_sheet", args=[survey.pk, officials.pk]),
                            {"invitation": [invitation.pk]})

    token = re.search(r"/khao-sat/t/([\w-]+)/", response.content.decode()).group(1)
    assert token != old and Invitation.objects.get().token_hash != invitation.token_hash


def test_the_public_links_page_shows_a_qr_code_per_rated_unit(manager, survey, citizens, own_unit, other_unit):
    page = manager.get(reverse("surveys:public_links", args=[survey.pk])).content.decode()

    assert page.count("<svg") == 2
    assert f"/khao-sat/p/{survey.code}/{own_unit.code}/" in page


# --- Answering by token ------------------------------------------------------------------------------------

def test_the_token_page_shows_an_accessible_questionnaire_in_vietnamese(client, survey, officials, own_unit):
    invitation, raw = issue(survey, officials, own_unit)

    response = client.get(reverse("surveys:answer_token", args=[raw]), HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert response.status_code == 200 and '<html lang="vi">' in page
    assert "Gửi ý kiến" in page and "Về đơn vị của ông/bà:" in page
    assert page.count("<fieldset") == 3 and page.count("<legend>") == 3
    first = officials.questions.order_by("position").first().options.first()
    assert re.search(rf'<label class="choice" for="(id_[\w-]+)">\s*<input type="radio" [^>]*id="\1" '
                     rf'value="{first.pk}"', page)
    assert response["Cache-Control"].startswith("max-age=0")


def test_an_invalid_answering_post_keeps_the_choices_and_marks_the_missing_questions(client, survey, officials,
                                                                                   own_unit):
    invitation, raw = issue(survey, officials, own_unit)
    url = reverse("surveys:answer_token", args=[raw])
    data = form_data(officials, own_unit)
    missing = list(data)[-1]
    del data[missing]

    response = client.post(url, {**data, "started": started(client.get(url))})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Vui lòng chọn một phương án." in page and f'href="#q-{missing}"' in page
    for name, option in data.items():
        assert re.search(rf'name="{name}" id="[\w-]+" value="{option}" checked', page)
    assert not Response.objects.exists() and Invitation.objects.get().completed_on is None


def test_a_valid_answer_by_token_leads_to_the_thank_you_page(client, survey, officials, own_unit):
    invitation, raw = issue(survey, officials, own_unit)
    url = reverse("surveys:answer_token", args=[raw])

    response = client.post(url, {**form_data(officials, own_unit), "started": started(client.get(url))}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("surveys:answer_thanks")
    assert "Cảm ơn ông/bà đã trả lời khảo sát!" in response.content.decode()
    assert Response.objects.get().source == Source.TOKEN


def test_a_used_token_says_the_form_has_been_used(client, survey, officials, own_unit):
    invitation, raw = issue(survey, officials, own_unit)
    response_submit_by_token(token=raw, answers={own_unit.pk: choose(officials)})
    url = reverse("surveys:answer_token", args=[raw])

    shown, posted = client.get(url), client.post(url, form_data(officials, own_unit))

    for response in (shown, posted):
        assert response.status_code == 410
        assert "Phiếu này đã được sử dụng" in response.content.decode()


def test_an_unknown_token_gets_a_page_in_vietnamese(client, survey):
    response = client.get(reverse("surveys:answer_token", args=["khong-co-phieu-nay"]))

    assert response.status_code == 404 and "Đường dẫn khảo sát không đúng" in response.content.decode()


# --- The public link ---------------------------------------------------------------------------------------

def public_url(survey, unit):
    return reverse("surveys:answer_public", args=[survey.code, unit.code])


def test_the_public_link_sets_a_signed_http_only_device_cookie(client, survey, citizens, own_unit):
    response = client.get(public_url(survey, own_unit))

    cookie = response.cookies[DEVICE_COOKIE]
    assert response.status_code == 200 and cookie["httponly"] and ":" in cookie.value
    assert own_unit.name in response.content.decode()


def test_the_public_link_takes_one_answer_per_device_per_day(client, survey, citizens, own_unit):
    url = public_url(survey, own_unit)
    stamp = started(client.get(url))
    client.post(url, {**form_data(citizens, own_unit), "started": stamp})

    again = client.get(url)
    posted = client.post(url, {**form_data(citizens, own_unit), "started": stamp})

    assert "đã gửi ý kiến về Sở Nội vụ hôm nay" in again.content.decode()
    assert "đã gửi ý kiến" in posted.content.decode()
    assert Response.objects.count() == 1


def test_the_public_link_asks_the_respondent_to_pick_a_group_when_there_are_several(client, survey, citizens,
                                                                                  own_unit):
    make_group(survey, "DN", name="Doanh nghiệp")

    choice = client.get(public_url(survey, own_unit))
    form = client.get(public_url(survey, own_unit) + "?nhom=DN")

    assert "Ông/bà thuộc nhóm nào?" in choice.content.decode() and "?nhom=DN" in choice.content.decode()
    assert 'name="nhom" value="DN"' in form.content.decode()


def test_after_many_posts_from_one_address_the_public_link_asks_a_sum_and_refuses_a_wrong_one(
        client, settings, survey, citizens, own_unit, other_unit):
    settings.SURVEY_PUBLIC_CHECK_AFTER = 1
    client.post(public_url(survey, other_unit), {**form_data(citizens, other_unit)})
    url = public_url(survey, own_unit)
    page = client.get(url).content.decode()
    question = re.search(r"(\d+) cộng (\d+) bằng bao nhiêu", page)
    signed = re.search(r'name="human_signed" value="([^"]+)"', page).group(1)
    data = {**form_data(citizens, own_unit), "started": started_stamp_of(page), "human_signed": signed}

    wrong = client.post(url, {**data, "human_answer": str(int(question[1]) + int(question[2]) + 1)})
    right = client.post(url, {**data, "human_answer": str(int(question[1]) + int(question[2]))})

    assert wrong.status_code == 400 and "Kết quả chưa đúng" in wrong.content.decode()
    assert re.search(r'value="\d+" checked', wrong.content.decode())
    assert right.status_code == 302 and Response.objects.filter(unit=own_unit).count() == 1


def started_stamp_of(page):
    return re.search(r'name="started" value="([^"]+)"', page).group(1)


def test_beyond_the_hourly_limit_the_public_link_answers_429_in_vietnamese(client, settings, survey, citizens,
                                                                         own_unit):
    settings.SURVEY_PUBLIC_HOURLY_LIMIT = 2
    for _ in range(2):
        client.post(public_url(survey, own_unit), {})

    response = client.get(public_url(survey, own_unit))

    assert response.status_code == 429 and "thử lại sau một giờ" in response.content.decode()


def test_a_fast_public_answer_is_kept_and_flagged(client, survey, citizens, own_unit):
    client.post(public_url(survey, own_unit), {**form_data(citizens, own_unit), "started": "forged"})

    assert Response.objects.get().flagged


# --- Paper entry and the sample planner ---------------------------------------------------------------------

def paper_url(survey, group, unit):
    return f"{reverse('surveys:paper_entry', args=[survey.pk])}?group={group.pk}&unit={unit.pk}"


def test_paper_entry_saves_a_form_and_offers_the_next_number(manager, survey, citizens, own_unit):
    response = manager.post(paper_url(survey, citizens, own_unit),
                            {**form_data(citizens, own_unit), "respondent_key": "PG-009"}, follow=True)

    page = response.content.decode()
    assert "Đã lưu phiếu số PG-009." in page and 'value="PG-010"' in page and "autofocus" in page
    assert "Lưu và nhập phiếu tiếp" in page and "<kbd>1</kbd>" in page
    assert Response.objects.get().respondent_key == "PG-009"


def test_paper_entry_refuses_a_number_already_entered_and_keeps_the_choices(manager, survey, citizens, own_unit):
    url = paper_url(survey, citizens, own_unit)
    manager.post(url, {**form_data(citizens, own_unit), "respondent_key": "7"})

    response = manager.post(url, {**form_data(citizens, own_unit, 2), "respondent_key": "7"})

    page = response.content.decode()
    assert "đã được nhập trước đây" in page
    assert page.count(" checked") == 6
    assert Response.objects.count() == 1


def test_paper_entry_first_asks_for_the_group_and_the_unit(manager, survey, citizens):
    page = manager.get(reverse("surveys:paper_entry", args=[survey.pk])).content.decode()

    assert "Nhóm đối tượng" in page and "Đơn vị được đánh giá" in page and "Bắt đầu nhập" in page


def test_the_sample_planner_flags_units_below_target(manager, survey, citizens, own_unit, other_unit):
    url = f"{reverse('surveys:sample_plan', args=[survey.pk])}?group={citizens.pk}"

    response = manager.post(url, {f"n-{own_unit.pk}": "1000", f"n-{other_unit.pk}": ""}, follow=True)

    page = response.content.decode()
    assert SampleTarget.objects.get().transactions == 1000
    assert "286" in page and "chưa đạt" in page and "1 đơn vị chưa đạt cỡ mẫu." in page


def test_a_leader_reads_the_sample_plan_but_cannot_change_it(client, leader, survey, citizens, own_unit):
    client.force_login(leader, backend=MODEL_BACKEND)
    url = reverse("surveys:sample_plan", args=[survey.pk])

    assert client.get(url).status_code == 200
    assert client.post(url, {f"n-{own_unit.pk}": "5"}).status_code == 403
    assert not SampleTarget.objects.exists()


def test_managers_find_how_to_create_or_import_a_survey_on_the_list(client, personas):
    from scoring.models import Role

    client.force_login(personas[Role.COORDINATOR])
    manager_page = client.get("/surveys/").content.decode()
    client.force_login(personas[Role.LEADER])
    leader_page = client.get("/surveys/").content.decode()

    assert "/surveys/new/" in manager_page and "/surveys/import/" in manager_page
    assert "/surveys/new/" not in leader_page


# --- Kiosk mode: a shared device at the one-stop desk ----------------------------------------------------------


def test_a_kiosk_takes_one_respondent_after_another_each_started_by_the_staff(manager, survey, citizens, own_unit):
    client = manager
    url = public_url(survey, own_unit)
    started_kiosk = client.post(reverse("surveys:kiosk_start", args=[survey.pk]), {"unit": own_unit.code})
    assert started_kiosk.status_code == 302 and started_kiosk.url == url

    for respondent in range(3):
        stamp = started(client.get(url))
        thanks = client.post(url, {**form_data(citizens, own_unit), "started": stamp}, follow=True)
        assert "Người tiếp theo" in thanks.content.decode()
        # Before the staff press "next", the same respondent can't answer again.
        assert client.get(url).url == reverse("surveys:answer_thanks")
        client.post(reverse("surveys:kiosk_next"))

    assert Response.objects.filter(unit=own_unit).count() == 3
    assert Response.objects.values("device_hash").distinct().count() == 3


def test_a_kiosk_serves_only_its_own_unit(manager, survey, citizens, own_unit, other_unit):
    manager.post(reverse("surveys:kiosk_start", args=[survey.pk]), {"unit": own_unit.code})
    url = public_url(survey, other_unit)
    stamp = started(manager.get(url))
    manager.post(url, {**form_data(citizens, other_unit), "started": stamp})

    assert "đã gửi ý kiến về Sở Tài chính hôm nay" in manager.get(url).content.decode()


def test_without_a_kiosk_the_next_respondent_button_is_refused(client, survey):
    response = client.post(reverse("surveys:kiosk_next"))

    assert response.status_code == 404
    assert "không ở chế độ quầy" in response.content.decode()


def test_a_survey_past_its_closing_day_says_so_and_its_link_takes_no_answer(manager, survey, citizens, own_unit):
    from datetime import timedelta

    from django.utils import timezone

    Survey.objects.filter(pk=survey.pk).update(closes_on=timezone.localdate() - timedelta(days=1))

    assert "đã kết thúc" in manager.get(reverse("surveys:survey_list")).content.decode()
    response = manager.post(public_url(survey, own_unit), form_data(citizens, own_unit))
    assert response.status_code == 410 and not Response.objects.exists()
