from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Điều tra xã hội học")

    def seed_demo(self):
        """The demo survey (called by `manage.py seed_demo`); survey points change the year's results."""
        from scoring.services.results import results_compute

        from .demo import YEAR, seed_survey

        created = seed_survey()
        if created:
            results_compute(year=YEAR)
        return created
