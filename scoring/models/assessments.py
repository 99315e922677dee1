from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .frameworks import POINTS


class Cycle(models.Model):
    """The yearly assessment of one block on one framework revision, with its deadlines."""

    year = models.PositiveSmallIntegerField(_("năm"))
    block = models.ForeignKey("scoring.Block", on_delete=models.PROTECT, related_name="cycles",
                              verbose_name=_("khối"))
    framework = models.ForeignKey("scoring.Framework", on_delete=models.PROTECT, related_name="cycles",
                                  verbose_name=_("bộ chỉ số"))
    self_assessment_deadline = models.DateField(_("hạn tự đánh giá"), null=True, blank=True)
    appraisal_deadline = models.DateField(_("hạn thẩm định vòng 1"), null=True, blank=True)
    explanation_deadline = models.DateField(_("hạn giải trình"), null=True, blank=True)
    final_appraisal_deadline = models.DateField(_("hạn thẩm định vòng 2"), null=True, blank=True)
    is_open = models.BooleanField(_("đang mở"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "block__position"]
        verbose_name = _("kỳ đánh giá")
        verbose_name_plural = _("kỳ đánh giá")
        constraints = [models.UniqueConstraint(fields=["year", "block"], name="one_cycle_per_year_block")]

    def __str__(self):
        return f"{self.block} {self.year}"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Đang tự đánh giá")
    SUBMITTED = "submitted", _("Đã gửi")
    IN_APPRAISAL = "in_appraisal", _("Đang thẩm định")
    EXPLANATION_REQUESTED = "explanation_requested", _("Yêu cầu giải trình")
    EXPLANATION_SUBMITTED = "explanation_submitted", _("Đã giải trình")
    APPRAISED = "appraised", _("Đã thẩm định xong")


class Assessment(models.Model):
    """One unit's file for one cycle: its self-assessment and the board's appraisal."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="assessments")
    unit = models.ForeignKey("scoring.Unit", on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(_("trạng thái"), max_length=30, choices=AssessmentStatus.choices,
                              default=AssessmentStatus.DRAFT)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    finalized_at = models.DateTimeField(_("hoàn tất thẩm định lúc"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cycle", "unit__code"]
        verbose_name = _("hồ sơ đánh giá")
        verbose_name_plural = _("hồ sơ đánh giá")
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="one_assessment_per_unit_cycle")]

    def __str__(self):
        return f"{self.unit} – {self.cycle.year}"


class LeafScore(models.Model):
    """The scores of one leaf criterion for one unit. None means "not scored yet", never 0."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey("scoring.Criterion", on_delete=models.PROTECT, related_name="scores")
    self_score = models.DecimalField(_("điểm tự đánh giá"), null=True, blank=True, **POINTS)
    self_not_applicable = models.BooleanField(_("đơn vị đề nghị không áp dụng"), default=False)
    self_inputs = models.JSONField(_("số liệu đơn vị nhập"), default=dict, blank=True)
    explanation = models.TextField(_("giải trình của đơn vị"), blank=True)
    appraised_score = models.DecimalField(_("điểm thẩm định vòng 1"), null=True, blank=True, **POINTS)
    appraisal_reason = models.TextField(_("lý do điều chỉnh"), blank=True)
    final_score = models.DecimalField(_("điểm chính thức"), null=True, blank=True, **POINTS)
    not_applicable = models.BooleanField(_("không áp dụng (đã xác nhận)"), default=False)
    version = models.PositiveIntegerField(default=1, help_text=_("Tăng mỗi lần lưu, để phát hiện xung đột."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="one_score_per_leaf"),
            models.CheckConstraint(condition=Q(final_score__isnull=True) | Q(final_score__gte=0),
                                   name="final_score_not_negative"),
            models.CheckConstraint(condition=Q(self_score__isnull=True) | Q(self_score__gte=0),
                                   name="self_score_not_negative"),
        ]
        indexes = [models.Index(fields=["criterion", "assessment"])]
