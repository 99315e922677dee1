from django.db import models
from django.utils.translation import gettext_lazy as _

from .indices import PAR


class Scenario(models.Model):
    """A saved what-if of the improvement planner: scores on chosen leaves, never written to the assessment."""

    unit = models.ForeignKey("scoring.Unit", on_delete=models.CASCADE, related_name="scenarios")
    year = models.PositiveSmallIntegerField(_("năm"))
    # The index (Index.code) of the result the what-if starts from: a unit plans each index apart.
    index_code = models.CharField(_("chỉ số"), max_length=20, default=PAR)
    name = models.CharField(_("tên kịch bản"), max_length=200)
    # {"criterion code": "points as a string"}: decimals as strings so nothing is lost.
    changes = models.JSONField(_("điểm giả định"), default=dict)
    created_by = models.ForeignKey("scoring.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("kịch bản cải thiện")
        verbose_name_plural = _("kịch bản cải thiện")

    def __str__(self):
        return self.name
