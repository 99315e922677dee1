from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Điều tra xã hội học")

    def seed_demo(self):
        """The demo survey (called by `manage.py seed_demo`); survey points change the year's results."""
        from scoring.services.results import results_compute

        from .demo import YEAR, seed_survey
        from .demo_competitiveness import seed_competitiveness

        created = seed_survey()
        if created:
            results_compute(year=YEAR)
        return {**created, **seed_competitiveness()}

    def survey_response_counts(self, *, year, unit_ids):
        """{unit id: {criterion code: responses with a counted answer}} of the year's surveys, for the scorecards
        (scoring reads it through the app registry: scoring never imports surveys). A response counts for a leaf
        when it answers a question mapped to that leaf with an option that carries a weight (rule 11)."""
        from django.db.models import Count

        from .models import Answer

        rows = (Answer.objects.filter(response__survey__year=year, response__unit__in=list(unit_ids),
                                      option__weight__isnull=False)
                .exclude(question__criterion_code="")
                .values_list("response__unit", "question__criterion_code")
                .annotate(responses=Count("response", distinct=True)).order_by())
        counts = {}
        for unit_id, code, responses in rows:
            counts.setdefault(unit_id, {})[code] = responses
        return counts
