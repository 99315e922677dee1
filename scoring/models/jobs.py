from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


class Job(models.Model):
    """A long background job. PostgreSQL holds its state, so a lost broker message can be found and re-sent."""

    kind = models.CharField(_("loại"), max_length=50)
    scope = models.CharField(_("phạm vi"), max_length=100, blank=True,
                             help_text=_("Hai lần chạy cùng loại và phạm vi không được xen kẽ."))
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    message = models.CharField(_("thông báo"), max_length=300, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    result = models.JSONField(_("kết quả"), default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    created_by = models.ForeignKey("scoring.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    # Written by the runner while it works (services/jobs.py): a RUNNING job whose heartbeat stopped lost its runner.
    heartbeat_at = models.DateTimeField(_("tín hiệu sống gần nhất"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tác vụ nền")
        verbose_name_plural = _("tác vụ nền")
        indexes = [models.Index(fields=["kind", "scope", "status"])]

    def __str__(self):
        return f"{self.kind} {self.scope} ({self.get_status_display()})"

    @property
    def is_finished(self):
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
