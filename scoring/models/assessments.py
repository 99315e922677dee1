from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .frameworks import POINTS
from .indices import PAR


class Cycle(models.Model):
    """The yearly assessment of one block on one framework revision of an index (PAR, DTI...), with its
    deadlines."""

    # The framework's index (Index.code), kept here so that a block has one cycle per index and year.
    index_code = models.CharField(_("chỉ số"), max_length=20, default=PAR)
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
    # Domain rule 14: held, survey leaves without points keep a result incomplete; not held, A is rescaled (rule 6).
    survey_held = models.BooleanField(_("có điều tra xã hội học"), default=True)
    # Set when the coordinator opens the explanation round (or every agency has finished round 1): only then do
    # the files with questions go to the units, so no agency loses its own round 1.
    explanation_round_opened_at = models.DateTimeField(_("mở vòng giải trình lúc"), null=True, blank=True)
    opened_by = models.ForeignKey("scoring.User", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("người mở kỳ"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "block__position"]
        verbose_name = _("kỳ đánh giá")
        verbose_name_plural = _("kỳ đánh giá")
        constraints = [models.UniqueConstraint(fields=["year", "block", "index_code"],
                                               name="one_cycle_per_year_block_index")]

    def __str__(self):
        suffix = "" if self.index_code == PAR else f" ({self.index_code})"
        return f"{self.block} {self.year}{suffix}"

    def save(self, *args, **kwargs):
        if self.framework_id:
            self.index_code = self.framework.index_code
        super().save(*args, **kwargs)

    @property
    def year_label(self):
        """The year as pages name the cycle: "2025" for PAR, "2025 (DTI)" for another index."""
        return str(self.year) if self.index_code == PAR else f"{self.year} ({self.index_code})"


class AgencyRound(models.Model):
    """An appraising agency has finished round 1 of a cycle on its own leaves (its questions are collected)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="agency_rounds")
    agency = models.ForeignKey("scoring.Agency", on_delete=models.PROTECT, related_name="+")
    finished_by = models.ForeignKey("scoring.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    finished_at = models.DateTimeField(_("xong vòng 1 lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("cơ quan xong thẩm định vòng 1")
        verbose_name_plural = _("cơ quan xong thẩm định vòng 1")
        constraints = [models.UniqueConstraint(fields=["cycle", "agency"], name="one_agency_round_per_cycle")]


class LateDecision(models.TextChoices):
    APPRAISE_AS_IS = "appraise_as_is", _("Thẩm định hồ sơ hiện có (không nộp hồ sơ)")


class RosterEntry(models.Model):
    """A unit that takes part in a cycle (domain rule 13): set when the cycle opens (the block's active units) or
    by the file of a past year; the coordinator adds or removes a unit with a reason. Results cover the roster
    only, so a unit created, merged or deactivated later never changes a year already run."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="roster")
    unit = models.ForeignKey("scoring.Unit", on_delete=models.PROTECT, related_name="roster_entries")
    reason = models.TextField(_("lý do bổ sung"), blank=True)
    # A unit that never submitted, decided by the coordinator (rule 14): the board appraises what it has.
    late_decision = models.CharField(_("quyết định khi không nộp"), max_length=20, choices=LateDecision.choices,
                                     blank=True)
    late_reason = models.TextField(_("lý do quyết định"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cycle", "unit__code"]
        verbose_name = _("đơn vị tham gia kỳ")
        verbose_name_plural = _("danh sách đơn vị tham gia kỳ")
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="one_roster_entry_per_unit_cycle")]


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
    submitted_by = models.ForeignKey("scoring.User", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("người gửi"))
    # Set once the board has asked at least one question: from then on appraisal decisions are round 2.
    explanation_round = models.BooleanField(_("đã yêu cầu giải trình"), default=False)
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
    # The unit's claim that the leaf does not apply, and the appraiser's answer to it (None = not decided yet).
    self_not_applicable_reason = models.TextField(_("lý do đề nghị không áp dụng"), blank=True)
    not_applicable_decision = models.BooleanField(_("chấp nhận không áp dụng"), null=True, blank=True)
    # Explanation round (giải trình): the board's question, the unit's answer, then the round-2 decision.
    explanation_question = models.TextField(_("nội dung yêu cầu giải trình"), blank=True)
    explanation_requested_at = models.DateTimeField(_("yêu cầu giải trình lúc"), null=True, blank=True)
    explanation_answer = models.TextField(_("nội dung giải trình"), blank=True)
    explanation_answered_at = models.DateTimeField(_("giải trình lúc"), null=True, blank=True)
    second_score = models.DecimalField(_("điểm thẩm định vòng 2"), null=True, blank=True, **POINTS)
    second_reason = models.TextField(_("lý do vòng 2"), blank=True)
    appraised_by = models.ForeignKey("scoring.User", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("người thẩm định"))
    appraised_at = models.DateTimeField(_("thẩm định lúc"), null=True, blank=True)
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


class ReasonTemplate(models.Model):
    """A reusable reason for an appraisal adjustment ("Tài liệu kiểm chứng không đúng năm đánh giá")."""

    text = models.CharField(_("lý do"), max_length=300)
    agency = models.ForeignKey("scoring.Agency", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="reason_templates", verbose_name=_("cơ quan thẩm định"),
                               help_text=_("Để trống: dùng chung cho mọi cơ quan."))
    active = models.BooleanField(_("đang dùng"), default=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["position", "text"]
        verbose_name = _("mẫu lý do điều chỉnh")
        verbose_name_plural = _("mẫu lý do điều chỉnh")

    def __str__(self):
        return self.text


class DeadlineKind(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", _("Hạn tự đánh giá")
    APPRAISAL = "appraisal", _("Hạn thẩm định vòng 1")
    EXPLANATION = "explanation", _("Hạn giải trình")
    FINAL_APPRAISAL = "final_appraisal", _("Hạn thẩm định vòng 2")


class Reminder(models.Model):
    """A deadline reminder sent to one user, kept so beat never sends the same one twice and so the dashboard
    can show it."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey("scoring.User", on_delete=models.CASCADE, related_name="reminders")
    deadline = models.CharField(_("hạn"), max_length=20, choices=DeadlineKind.choices)
    due_on = models.DateField(_("ngày hết hạn"))
    message = models.CharField(_("nội dung"), max_length=300)
    emailed = models.BooleanField(_("đã gửi e-mail"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("nhắc hạn")
        verbose_name_plural = _("nhắc hạn")
        constraints = [models.UniqueConstraint(fields=["cycle", "user", "deadline", "due_on"],
                                               name="one_reminder_per_deadline_and_user")]
