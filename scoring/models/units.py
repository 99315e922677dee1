from django.db import models
from django.utils.translation import gettext_lazy as _


class Block(models.Model):
    """A block of units ranked together (khối: SO, HUYEN, XA); the list is configurable data."""

    code = models.CharField(_("mã khối"), max_length=20, unique=True)
    name = models.CharField(_("tên khối"), max_length=100)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("khối")
        verbose_name_plural = _("khối")

    def __str__(self):
        return self.name


class Agency(models.Model):
    """An appraising agency on the board (e.g. Sở Tư pháp appraises "Cải cách thể chế")."""

    code = models.CharField(_("mã cơ quan"), max_length=30, unique=True)
    name = models.CharField(_("tên cơ quan"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("cơ quan thẩm định")
        verbose_name_plural = _("cơ quan thẩm định")

    def __str__(self):
        return self.name or self.code


class UnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Unit(models.Model):
    code = models.CharField(_("mã đơn vị"), max_length=30, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=200)
    block = models.ForeignKey(Block, on_delete=models.PROTECT, related_name="units", verbose_name=_("khối"))
    group = models.CharField(_("nhóm"), max_length=50, blank=True)
    ranked = models.BooleanField(_("xếp hạng"), default=True, help_text=_("Bỏ chọn: chấm điểm nhưng không xếp hạng."))
    active = models.BooleanField(_("đang hoạt động"), default=True)
    # Domain rule 13: a merged unit names the unit it merged into; a split unit is named by each unit it became.
    # History reads across the change through these links; past years' rosters and results never move.
    successors = models.ManyToManyField(
        "self", symmetrical=False, related_name="predecessors", blank=True, verbose_name=_("đơn vị kế thừa")
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["block__position", "code"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")

    def __str__(self):
        return self.name
