from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from scoring.models import Assessment, AssessmentStatus, Criterion, Reminder, Role
from scoring.services.reminders import reminder_days, reminders_send
from scoring.tasks import send_reminders
from tests.conftest import make_agency, make_user

from .cycle_data import deadlines, open_rules_cycle

TODAY = date(2025, 11, 10)


@pytest.fixture
def cycle(own_unit, other_unit, personas):
    for user in personas.values():
        user.email = f"{user.username}@example.vn"
        user.save()
    # The self-assessment deadline is 3 days away; the others follow 10 days apart.
    return open_rules_cycle(**deadlines(TODAY, days=3))


def reminded(kind=None):
    rows = Reminder.objects.all() if kind is None else Reminder.objects.filter(deadline=kind)
    return sorted(rows.values_list("user__username", flat=True))


def test_three_days_before_the_self_assessment_deadline_the_units_still_in_draft_are_reminded(cycle, other_unit):
    make_user("canbo-stc", Role.UNIT_OFFICER, unit=other_unit, email="stc@example.vn")
    Assessment.objects.filter(cycle=cycle, unit=other_unit).update(status=AssessmentStatus.SUBMITTED)

    sent = reminders_send(today=TODAY)

    assert reminded() == ["canbo", "thutruong"]
    assert (sent.created, sent.emailed) == (2, 2)
    assert sorted(message.to[0] for message in mail.outbox) == ["canbo@example.vn", "thutruong@example.vn"]
    message = Reminder.objects.first().message
    assert message == "Hạn tự đánh giá kỳ đánh giá Khối sở, ban, ngành năm 2025 là ngày 13/11/2025 (còn 3 ngày)."
    assert mail.outbox[0].subject == "[Chỉ số CCHC] Nhắc hạn: Hạn tự đánh giá"
    assert mail.outbox[0].body == message


def test_running_again_the_same_day_creates_and_sends_nothing(cycle):
    reminders_send(today=TODAY)

    again = reminders_send(today=TODAY)

    assert (again.created, again.emailed) == (0, 0)
    assert Reminder.objects.count() == 2 and len(mail.outbox) == 2


def test_one_day_before_the_same_reminder_is_updated_and_sent_again_never_duplicated(cycle):
    reminders_send(today=TODAY)
    reminders_send(today=TODAY + timedelta(days=1))  # 2 days before: not a reminder day
    assert len(mail.outbox) == 2

    reminders_send(today=TODAY + timedelta(days=2))
    reminders_send(today=TODAY + timedelta(days=2))

    assert Reminder.objects.count() == 2 and len(mail.outbox) == 4
    assert set(Reminder.objects.values_list("message", flat=True)) == {
        "Hạn tự đánh giá kỳ đánh giá Khối sở, ban, ngành năm 2025 là ngày 13/11/2025 (còn 1 ngày)."}


def test_a_user_without_email_gets_the_dashboard_reminder_only(cycle, unit_officer):
    unit_officer.email = ""
    unit_officer.save()

    sent = reminders_send(today=TODAY)

    assert reminded() == ["canbo", "thutruong"] and sent.emailed == 1
    assert not Reminder.objects.get(user=unit_officer).emailed


def test_inactive_accounts_and_closed_cycles_are_not_reminded(cycle, unit_officer):
    unit_officer.is_active = False
    unit_officer.save()
    reminders_send(today=TODAY)
    assert reminded() == ["thutruong"]

    type(cycle).objects.filter(pk=cycle.pk).update(is_open=False)
    Reminder.objects.all().delete()
    assert reminders_send(today=TODAY).created == 0


def test_the_appraisal_deadline_reminds_coordinators_and_the_appraisers_of_agencies_with_leaves(cycle, personas):
    agency = personas["appraiser"].agency
    Criterion.objects.filter(framework=cycle.framework, code="1.1").update(agency=agency)
    make_user("thamdinh-tc", Role.APPRAISER, agency=make_agency("STC", "Sở Tài chính"), email="tc@example.vn")
    Assessment.objects.filter(cycle=cycle).update(status=AssessmentStatus.SUBMITTED)

    reminders_send(today=cycle.appraisal_deadline - timedelta(days=1))

    assert reminded("appraisal") == ["dieuphoi", "thamdinh"]


def test_the_appraisal_deadline_is_not_reminded_when_nothing_waits_for_the_board(cycle):
    reminders_send(today=cycle.appraisal_deadline - timedelta(days=3))

    assert reminded() == []


def test_the_explanation_deadline_reminds_the_units_asked_to_explain(cycle, own_unit, other_unit):
    make_user("canbo-stc", Role.UNIT_OFFICER, unit=other_unit, email="stc@example.vn")
    Assessment.objects.filter(cycle=cycle, unit=own_unit).update(status=AssessmentStatus.EXPLANATION_REQUESTED)

    reminders_send(today=cycle.explanation_deadline - timedelta(days=1))

    assert reminded("explanation") == ["canbo", "thutruong"]


def test_the_reminder_days_come_from_settings(settings, cycle):
    settings.REMINDER_DAYS_BEFORE = "5, 2"
    assert reminder_days() == (5, 2)

    assert reminders_send(today=TODAY).created == 0  # 3 days before is no longer a reminder day
    assert reminders_send(today=TODAY + timedelta(days=1)).created == 2


def test_the_beat_task_sends_todays_reminders(cycle):
    tomorrow = timezone.localdate() + timedelta(days=1)
    type(cycle).objects.filter(pk=cycle.pk).update(self_assessment_deadline=tomorrow, appraisal_deadline=None,
                                                   explanation_deadline=None, final_appraisal_deadline=None)

    send_reminders.delay()
    send_reminders.delay()

    assert Reminder.objects.count() == 2 and len(mail.outbox) == 2


def test_beat_runs_the_reminders_task_every_morning(settings):
    from parindex.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["send-reminders"]
    assert entry["task"] == "scoring.send_reminders" and entry["task"] in app.tasks
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {0}
