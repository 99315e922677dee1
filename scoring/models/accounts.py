from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị hệ thống")
    COORDINATOR = "coordinator", _("Điều phối (Sở Nội vụ)")
    APPRAISER = "appraiser", _("Thành viên thẩm định")
    UNIT_OFFICER = "unit_officer", _("Cán bộ đơn vị")
    UNIT_HEAD = "unit_head", _("Thủ trưởng đơn vị")
    LEADER = "leader", _("Lãnh đạo")


UNIT_ROLES = (Role.UNIT_OFFICER, Role.UNIT_HEAD)


class User(AbstractUser):
    """A user's role and unit (or agency) decide everything they see; scoring/permissions.py reads them."""

    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, default=Role.LEADER)
    unit = models.ForeignKey(
        "scoring.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="users", verbose_name=_("đơn vị")
    )
    agency = models.ForeignKey(
        "scoring.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("cơ quan thẩm định"),
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=UNIT_ROLES) | Q(unit__isnull=False), name="unit_roles_have_a_unit"
            ),
            models.CheckConstraint(
                condition=~Q(role="appraiser") | Q(agency__isnull=False), name="appraisers_have_an_agency"
            ),
        ]

    def get_full_name(self):
        # Vietnamese order: family and middle names (last_name, "Nguyễn Văn") before the given name ("Hùng").
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def is_unit_user(self):
        return self.role in UNIT_ROLES


class SetPasswordLink(models.Model):
    """A one-time link that lets a new account's owner choose a password (no password ever travels in a file).
    Only the SHA-256 of the token is stored; the link works once, until `expires_at`, and using any link of an
    account spends all of them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="set_password_links",
                             verbose_name=_("người dùng"))
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    used_at = models.DateTimeField(_("dùng lúc"), null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("đường dẫn đặt mật khẩu")
        verbose_name_plural = _("đường dẫn đặt mật khẩu")
