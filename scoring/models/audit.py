from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditSource(models.TextChoices):
    UI = "ui", _("Giao diện")
    API = "api", _("API")
    IMPORT = "import", _("Nhập từ Excel")
    BULK = "bulk", _("Thao tác hàng loạt")
    SURVEY = "survey", _("Điều tra XHH")
    SYSTEM = "system", _("Hệ thống")


class AuditEntry(models.Model):
    """Who changed what, when, from what to what, and why. Append-only: on PostgreSQL a trigger refuses
    UPDATE and DELETE (migration 0003), and nothing in the application edits it."""

    created_at = models.DateTimeField(_("lúc"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey("scoring.User", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("người thực hiện"))
    source = models.CharField(_("nguồn"), max_length=10, choices=AuditSource.choices, default=AuditSource.UI)
    entity = models.CharField(_("đối tượng"), max_length=30)
    entity_id = models.BigIntegerField(_("mã đối tượng"))
    assessment_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    field = models.CharField(_("trường"), max_length=50)
    old_value = models.TextField(_("giá trị cũ"), blank=True)
    new_value = models.TextField(_("giá trị mới"), blank=True)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        indexes = [models.Index(fields=["entity", "entity_id"])]
