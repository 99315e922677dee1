from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    EXPLANATION_REQUESTED = "explanation_requested", _("Yêu cầu giải trình")
    FILE_SUBMITTED = "file_submitted", _("Hồ sơ đã gửi")
    EXPLANATION_ANSWERED = "explanation_answered", _("Đã gửi giải trình")
    FILE_FINALIZED = "file_finalized", _("Hồ sơ đã thẩm định xong")
    YEAR_PUBLISHED = "year_published", _("Kết quả đã công bố")
    SUBMISSION_REMINDER = "submission_reminder", _("Nhắc gửi hồ sơ")


class Notice(models.Model):
    """Something that happened and concerns one person: shown on their home page and e-mailed by the worker."""

    user = models.ForeignKey("scoring.User", on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("loại"), max_length=30, choices=NoticeKind.choices)
    message = models.CharField(_("nội dung"), max_length=500)
    link = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    emailed = models.BooleanField(_("đã gửi e-mail"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        indexes = [models.Index(fields=["user", "-created_at"], name="notice_user_recent")]

    def __str__(self):
        return self.message
