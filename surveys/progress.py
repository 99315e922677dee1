"""How far collection has come: counts for the survey list, a survey's groups and a group's invitations (reads)."""
from django.db.models import Count, Q

from .models import Invitation, RespondentGroup, Response


def surveys_with_counts(surveys):
    """Grouped counts, one query each, rather than joins: a join of responses and groups multiplies the rows."""
    surveys = list(surveys)
    responses = _per_survey(Response.objects.filter(survey__in=surveys))
    groups = _per_survey(RespondentGroup.objects.filter(survey__in=surveys))
    for survey in surveys:
        survey.response_count, survey.group_count = responses.get(survey.pk, 0), groups.get(survey.pk, 0)
    return surveys


def _per_survey(queryset):
    return dict(queryset.values("survey").annotate(n=Count("pk")).values_list("survey", "n"))


def groups_with_counts(survey):
    """Each group with its questions, responses (flagged among them) and invitations (completed among them).
    Grouped counts per table rather than one join, which would multiply the rows."""
    groups = list(RespondentGroup.objects.filter(survey=survey).annotate(question_count=Count("questions")))
    responses = _counts(Response.objects.filter(survey=survey), flagged=Q(flagged=True))
    invitations = _counts(Invitation.objects.filter(survey=survey), completed=Q(completed_on__isnull=False))
    for group in groups:
        group.response_counts = responses.get(group.pk, {"total": 0, "flagged": 0})
        group.invitation_counts = invitations.get(group.pk, {"total": 0, "completed": 0})
    return groups


def _counts(queryset, **conditions):
    rows = queryset.values("group").annotate(total=Count("pk"),
                                             **{name: Count("pk", filter=q) for name, q in conditions.items()})
    return {row.pop("group"): row for row in rows}


def invitation_counts(group):
    return group.invitations.aggregate(total=Count("pk"), sent=Count("pk", filter=Q(sent_at__isnull=False)),
                                       completed=Count("pk", filter=Q(completed_on__isnull=False)))
