"""Notices (scoring/services/notices.py): who is told of what, on the home page and by e-mail after the commit."""
import pytest
from django.urls import reverse

from parindex.confirmation import rehearse
from scoring.models import Notice, NoticeKind, Role, User
from scoring.services import appraisal, notices
from scoring.services.explanations import assessment_submit_explanation, leaf_score_answer

from .appraisal_data import S, make_cycle, make_file, score_of, self_scored


@pytest.fixture
def people(personas):
    for user in personas.values():
        User.objects.filter(pk=user.pk).update(email=f"{user.username}@example.gov.vn")
    return personas


@pytest.fixture
def cycle(db):
    return make_cycle()


def kinds_of(user):
    return list(Notice.objects.filter(user=user).values_list("kind", flat=True))


def test_asking_for_an_explanation_tells_the_units_people_and_emails_them_after_the_commit(
        cycle, own_unit, people, mailoutbox, django_capture_on_commit_callbacks):
    mine = make_file(cycle, own_unit, scores=self_scored())

    with django_capture_on_commit_callbacks(execute=True):
        appraisal.leaf_score_request_explanation(leaf_score=score_of(mine, "1.1"), user=people[Role.APPRAISER],
                                                 version=1, question="Bổ sung quyết định")

    for role in (Role.UNIT_OFFICER, Role.UNIT_HEAD):
        assert kinds_of(people[role]) == [NoticeKind.EXPLANATION_REQUESTED]
    assert kinds_of(people[Role.LEADER]) == []
    assert sorted(message.to[0] for message in mailoutbox) == ["canbo@example.gov.vn", "thutruong@example.gov.vn"]
    assert "1.1" in mailoutbox[0].body and reverse("scoring:explanation_list", args=[mine.pk]) in mailoutbox[0].body


def test_nothing_is_emailed_before_the_commit(cycle, own_unit, people, mailoutbox,
                                              django_capture_on_commit_callbacks):
    mine = make_file(cycle, own_unit, scores=self_scored())

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        appraisal.leaf_score_request_explanation(leaf_score=score_of(mine, "1.1"), user=people[Role.APPRAISER],
                                                 version=1, question="?")

    assert mailoutbox == [] and len(callbacks) == 1


def test_a_person_who_turned_email_off_still_sees_the_notice_but_gets_no_mail(
        cycle, own_unit, people, mailoutbox, django_capture_on_commit_callbacks):
    notices.user_email_notices_set(user=people[Role.UNIT_HEAD], enabled=False)
    mine = make_file(cycle, own_unit, scores=self_scored())

    with django_capture_on_commit_callbacks(execute=True):
        appraisal.leaf_score_request_explanation(leaf_score=score_of(mine, "1.1"), user=people[Role.APPRAISER],
                                                 version=1, question="?")

    assert kinds_of(people[Role.UNIT_HEAD]) == [NoticeKind.EXPLANATION_REQUESTED]
    assert [message.to for message in mailoutbox] == [["canbo@example.gov.vn"]]


def test_the_email_job_run_twice_sends_each_email_once(cycle, own_unit, people, mailoutbox):
    mine = make_file(cycle, own_unit, scores=self_scored())
    notices.notify_file_finalized(mine)
    ids = list(Notice.objects.values_list("pk", flat=True))

    assert notices.notices_email(ids) == 2
    assert notices.notices_email(ids) == 0
    assert len(mailoutbox) == 2


def test_a_confirmation_steps_rehearsal_notifies_nobody(cycle, own_unit, people, mailoutbox,
                                                        django_capture_on_commit_callbacks):
    mine = make_file(cycle, own_unit, scores=self_scored())
    appraisal.assessment_accept_untouched(assessment=mine, user=people[Role.COORDINATOR])

    with django_capture_on_commit_callbacks(execute=True):
        rehearse(lambda: appraisal.assessment_finalize(assessment=mine, user=people[Role.COORDINATOR]))

    assert not Notice.objects.exists() and mailoutbox == []


def test_each_event_reaches_the_people_it_concerns(cycle, own_unit, people):
    mine = make_file(cycle, own_unit, S.EXPLANATION_REQUESTED, scores=self_scored(), explanation_round=True)
    score = score_of(mine, "1.1")
    type(score).objects.filter(pk=score.pk).update(explanation_question="?")
    leaf_score_answer(leaf_score=score_of(mine, "1.1"), user=people[Role.UNIT_OFFICER], version=score.version,
                      answer="Đã có")
    assessment_submit_explanation(assessment=mine, user=people[Role.UNIT_OFFICER])
    appraisal.assessment_accept_untouched(assessment=mine, user=people[Role.COORDINATOR])

    assert kinds_of(people[Role.COORDINATOR]) == [NoticeKind.EXPLANATION_ANSWERED]
    assert kinds_of(people[Role.APPRAISER]) == [NoticeKind.EXPLANATION_ANSWERED]  # its agency has leaves here
    assert kinds_of(people[Role.UNIT_OFFICER]) == []


def test_the_coordinator_reminds_every_unit_not_yet_submitted_in_one_action(cycle, own_unit, other_unit, people,
                                                                             client):
    from tests.conftest import make_user

    make_file(cycle, own_unit, S.DRAFT)
    make_file(cycle, other_unit, S.SUBMITTED)
    other_officer = make_user("canbo.stc", Role.UNIT_OFFICER, unit=other_unit)
    client.force_login(people[Role.COORDINATOR])

    page = client.post(reverse("scoring:cycle_remind", args=[cycle.pk]), follow=True).content.decode()

    assert "Đã nhắc 1 đơn vị chưa gửi hồ sơ" in page
    assert kinds_of(people[Role.UNIT_OFFICER]) == [NoticeKind.SUBMISSION_REMINDER]
    assert kinds_of(people[Role.UNIT_HEAD]) == [NoticeKind.SUBMISSION_REMINDER]
    assert kinds_of(other_officer) == []


def test_the_home_page_shows_the_notices_and_each_person_turns_email_off(cycle, own_unit, people, client):
    mine = make_file(cycle, own_unit, scores=self_scored())
    notices.notify_file_finalized(mine)
    officer = people[Role.UNIT_OFFICER]
    client.force_login(officer)

    assert f"Hồ sơ năm 2025 của {own_unit.name} đã thẩm định xong." in client.get("/").content.decode()
    client.post(reverse("notice_settings"), {})

    officer.refresh_from_db()
    assert officer.email_notices is False



def test_the_leaders_home_page_has_the_headline_figures_and_the_ranking_link(client, leader):
    from scoring.models import UnitResult
    from tests.conftest import make_framework, make_unit

    framework = make_framework(year=2025)
    for rank, (code, index) in enumerate((("SNV2", "90"), ("STC2", "80")), start=1):
        UnitResult.objects.create(unit=make_unit(code), year=2025, block=framework.block, framework=framework,
                                  index=index, rank=rank, appraised=0, survey=0, bonus=0, penalty=0, total=0,
                                  max_total=0)
    client.force_login(leader)

    page = client.get("/").content.decode()

    assert "Kết quả mới nhất" in page and "85,00%" in page and "đứng đầu: Đơn vị SNV2" in page
    assert reverse("scoring:dashboard") in page
