"""Managers run surveys, leaders read them, other roles are refused; respondents' links open only what they name."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from scoring.models import Role
from surveys.permissions import (can_manage_surveys, get_group_for_user, get_invitation_for_token,
                                 get_public_link, get_survey_for_user, surveys_visible_to)
from surveys.services.answering import invitation_issue

from ..conftest import make_block, make_unit
from .questionnaires import make_group, make_survey


@pytest.fixture
def survey(own_unit, other_unit):
    return make_survey()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.LEADER])
def test_managers_and_leaders_see_every_survey(personas, survey, role):
    assert list(surveys_visible_to(personas[role])) == [survey]


@pytest.mark.parametrize("role", [Role.APPRAISER, Role.UNIT_OFFICER, Role.UNIT_HEAD])
def test_other_roles_see_no_survey_and_are_refused_one(personas, survey, role):
    assert not surveys_visible_to(personas[role]).exists()
    with pytest.raises(PermissionDenied):
        get_survey_for_user(personas[role], survey.pk)


def test_an_anonymous_visitor_sees_no_survey(survey):
    assert not surveys_visible_to(AnonymousUser()).exists()


def test_a_leader_reads_a_survey_but_may_not_change_it(leader, survey):
    assert get_survey_for_user(leader, survey.pk) == survey
    with pytest.raises(PermissionDenied):
        get_survey_for_user(leader, survey.pk, write=True)
    assert not can_manage_surveys(leader)


def test_a_manager_may_change_a_survey(coordinator, survey):
    assert get_survey_for_user(coordinator, survey.pk, write=True) == survey
    assert can_manage_surveys(coordinator)


def test_an_unknown_survey_is_not_found(coordinator):
    with pytest.raises(Http404):
        get_survey_for_user(coordinator, 999999)


def test_a_group_of_another_survey_is_not_found_through_this_one(coordinator, survey):
    elsewhere = make_group(make_survey("KHAC-2024"), "ND")

    with pytest.raises(Http404):
        get_group_for_user(coordinator, survey.pk, elsewhere.pk)


def test_a_token_opens_its_own_invitation_and_an_unknown_one_opens_nothing(survey, own_unit):
    group = make_group(survey, "CB", identified=True)
    (invitation, raw), = invitation_issue(survey=survey, group=group, people=[("An", "", own_unit)])

    assert get_invitation_for_token(raw) == invitation
    assert get_invitation_for_token(raw + "x") is None


def test_the_public_link_opens_a_unit_of_the_surveys_blocks(survey, own_unit):
    make_group(survey, "ND")

    assert get_public_link(survey.code, own_unit.code) == (survey, own_unit)


def test_the_public_link_does_not_open_a_unit_outside_the_blocks_or_inactive(survey, other_unit):
    make_group(survey, "ND")
    district = make_unit("HUYEN1", block=make_block("HUYEN", "Khối huyện", 2))
    other_unit.active = False
    other_unit.save()

    for code in (district.code, other_unit.code, "KHONG-CO"):
        with pytest.raises(Http404):
            get_public_link(survey.code, code)


def test_the_public_link_needs_a_group_answering_without_invitation(survey, own_unit):
    make_group(survey, "CB", identified=True)

    with pytest.raises(Http404):
        get_public_link(survey.code, own_unit.code)
