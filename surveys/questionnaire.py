"""The questionnaire a respondent sees: which questions, about which rated units (reads only).

A section is one rated unit with the questions asked about it. A public link and a paper form rate the one unit
they are for. An invitation's questions marked "own" rate the invitee's unit; those marked "block" rate every other
unit of the survey's blocks, one section each (nobody rates their own unit on a block question)."""
from dataclasses import dataclass

from django.db.models import Prefetch

from scoring.models import Unit

from .models import Option, Question, Rates, Response


@dataclass(frozen=True)
class Section:
    unit: Unit
    questions: list  # of Question, each with .options prefetched

    @property
    def own(self):
        return bool(self.questions) and self.questions[0].rates == Rates.OWN


def group_questions(group):
    options = Prefetch("options", queryset=Option.objects.order_by("position", "pk"))
    return list(Question.objects.filter(group=group).order_by("position", "pk").prefetch_related(options))


def rated_units(survey):
    return Unit.objects.active().filter(block__in=survey.blocks.all()).select_related("block")


def unit_sections(group, unit):
    questions = group_questions(group)
    return [Section(unit, questions)] if questions else []


def invitation_sections(invitation):
    questions = group_questions(invitation.group)
    own = [question for question in questions if question.rates == Rates.OWN]
    block = [question for question in questions if question.rates != Rates.OWN]
    sections = [Section(invitation.unit, own)] if own and invitation.unit else []
    if block:
        others = rated_units(invitation.survey).exclude(pk=invitation.unit_id)
        sections += [Section(unit, block) for unit in others]
    return sections


def expected_answers(sections):
    """{unit id: {question id: {option id: its place in the list}}}: what a complete submission answers."""
    return {section.unit.pk: {question.pk: {option.pk: place for place, option in enumerate(question.options.all())}
                              for question in section.questions} for section in sections}


def device_answered_today(*, survey, unit, device_hash, today):
    return Response.objects.filter(survey=survey, unit=unit, device_hash=device_hash, submitted_on=today).count()
