"""Who may see and do what in surveys. Every view fetches through these helpers; role checks live nowhere else.

Managers (scoring.permissions.is_manager) run surveys; leaders read them; other roles are refused. Respondents
have no account: their links (a one-time token, a public link per survey and unit) are their permission."""
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from scoring.models import Role, Unit
from scoring.permissions import is_manager, require_manager

from .models import CompetitivenessFramework, Invitation, Question, RespondentGroup, Survey
from .tokens import token_hash


def can_read_surveys(user):
    return is_manager(user) or (user.is_authenticated and user.role == Role.LEADER)


def surveys_visible_to(user):
    if not can_read_surveys(user):
        return Survey.objects.none()
    return Survey.objects.all()


def require_survey_reader(user):
    if not can_read_surveys(user):
        raise PermissionDenied


def get_survey_for_user(user, pk, *, write=False):
    require_survey_reader(user)
    survey = get_object_or_404(surveys_visible_to(user), pk=pk)
    if write:
        require_manager(user)
    return survey


def get_group_for_user(user, survey_pk, group_pk, *, write=False):
    survey = get_survey_for_user(user, survey_pk, write=write)
    return get_object_or_404(RespondentGroup.objects.select_related("survey"), survey=survey, pk=group_pk)


def get_invitation_for_token(token):
    """The invitation a link opens, or None (the respondent's page explains, rather than a bare 404). Used or
    expired invitations are returned too: the page says why they can't be answered."""
    return Invitation.objects.select_related("survey", "group", "unit").filter(token_hash=token_hash(token)).first()


def get_public_link(survey_code, unit_code):
    """A public link opens a survey for one rated unit: a unit of the survey's blocks, still active, and only
    for surveys that have a group answering without invitation."""
    survey = get_object_or_404(Survey, code=survey_code)
    unit = get_object_or_404(Unit.objects.active().filter(block__in=survey.blocks.all()), code=unit_code)
    if not public_groups(survey).exists():
        raise Http404
    return survey, unit


def public_groups(survey):
    return survey.groups.filter(identified=False)


def can_manage_surveys(user):
    return is_manager(user)


def require_survey_manager(user):
    """Creating a survey, importing a design: the managers' acts."""
    require_manager(user)


def get_survey_for_manager(user, pk):
    """The design editor and the exports of every answer are the managers' (readers see the results page)."""
    return get_survey_for_user(user, pk, write=True)


def get_question_for_user(user, survey_pk, question_pk, *, write=False):
    survey = get_survey_for_user(user, survey_pk, write=write)
    return get_object_or_404(Question.objects.select_related("survey", "group"), survey=survey, pk=question_pk)


def get_competitiveness_for_user(user, pk, *, write=False):
    """A competitiveness index's framework (DDCI) and its edition: readers of surveys may look, managers act."""
    require_survey_reader(user)
    if write:
        require_manager(user)
    return get_object_or_404(CompetitivenessFramework.objects.select_related("edition__index", "edition__block",
                                                                              "survey"), pk=pk)
