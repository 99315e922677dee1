from datetime import date
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .indices import par_index_id

POINTS = {"max_digits": 9, "decimal_places": 3}


class Method(models.TextChoices):
    APPRAISED = "appraised", _("Thẩm định")
    SURVEY = "survey", _("Điều tra XHH")
    BONUS = "bonus", _("Điểm thưởng")
    PENALTY = "penalty", _("Điểm trừ")


class FrameworkQuerySet(models.QuerySet):
    def latest_revisions(self):
        """The current revision of each (year, block)."""
        newer = Framework.objects.filter(year=models.OuterRef("year"), block=models.OuterRef("block"),
                                         index=models.OuterRef("index"), revision__gt=models.OuterRef("revision"))
        return self.filter(~models.Exists(newer))


class Framework(models.Model):
    """A criteria framework (Bộ chỉ số) of one index (PAR, DTI...), year and block. Revisions are immutable once
    locked."""

    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    block = models.ForeignKey("scoring.Block", on_delete=models.PROTECT, related_name="frameworks",
                              verbose_name=_("khối"))
    revision = models.PositiveSmallIntegerField(_("lần sửa đổi"), default=1)
    # Left out by a caller, PAR: what existed before indices became data is the PAR index.
    index = models.ForeignKey("scoring.Index", on_delete=models.PROTECT, related_name="frameworks",
                              verbose_name=_("chỉ số"), default=par_index_id)
    code = models.CharField(_("mã"), max_length=50)
    name = models.CharField(_("tên bộ chỉ số"), max_length=300)
    version = models.CharField(_("phiên bản phương pháp"), max_length=50,
                               help_text=_("Hai năm so sánh được khi cùng phiên bản, ví dụ 876/2022."))
    precision = models.PositiveSmallIntegerField(_("số chữ số thập phân của chỉ số"), default=2,
                                                 validators=[MinValueValidator(0), MaxValueValidator(3)])
    bonus_cap = models.DecimalField(_("trần điểm thưởng"), null=True, blank=True, **POINTS)
    penalty_cap = models.DecimalField(_("trần điểm trừ"), null=True, blank=True, **POINTS)
    clamp_total = models.BooleanField(_("giới hạn tổng điểm trong [0, tối đa]"), default=True)
    # Set when an assessment cycle opens on it: from then on an import creates a new revision instead.
    locked_at = models.DateTimeField(_("khóa lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey("scoring.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "block__position", "-revision"]
        verbose_name = _("bộ chỉ số")
        verbose_name_plural = _("bộ chỉ số")
        constraints = [
            models.UniqueConstraint(fields=["index", "year", "block", "revision"],
                                    name="one_revision_number_per_index_year_block"),
            models.CheckConstraint(condition=Q(precision__lte=3), name="framework_precision_at_most_3"),
        ]

    def __str__(self):
        return f"{self.name} ({self.year}, {self.block.code}, v{self.revision})"

    @property
    def index_code(self):
        return self.index.code

    @property
    def is_locked(self):
        return self.locked_at is not None


class Criterion(models.Model):
    """A node of the framework tree: area (depth 0), criterion, sub-criterion... Leaves carry a method."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    code = models.CharField(_("mã"), max_length=40)
    area_code = models.CharField(_("mã lĩnh vực"), max_length=40, help_text=_("Mã của lĩnh vực chứa tiêu chí."))
    depth = models.PositiveSmallIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)
    title = models.TextField(_("tên tiêu chí"))
    max_points = models.DecimalField(_("điểm tối đa"), **POINTS)
    method = models.CharField(_("phương pháp"), max_length=20, choices=Method.choices, blank=True)
    rule = models.CharField(_("quy tắc chấm"), max_length=500, blank=True)
    evidence_required = models.BooleanField(_("bắt buộc tài liệu kiểm chứng"), default=False)
    # Some criteria ask for documents issued before the assessment year (a plan issued by 31/12 of the year
    # before): their window opens this many months before 1 January. 0: the assessment year itself.
    evidence_months_before = models.PositiveSmallIntegerField(
        _("tài liệu kiểm chứng từ (số tháng trước năm đánh giá)"), default=0,
        help_text=_("Ví dụ 3: tài liệu ban hành từ 01/10 năm trước đến 31/12 năm đánh giá được tính là đúng thời "
                    "gian. 0: chỉ năm đánh giá."))
    agency = models.ForeignKey("scoring.Agency", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="criteria", verbose_name=_("cơ quan thẩm định"))
    guidance = models.TextField(_("hướng dẫn"), blank=True)

    class Meta:
        ordering = ["framework", "position"]
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="criterion_code_unique_in_framework"),
            models.CheckConstraint(condition=Q(max_points__gte=Decimal(0)), name="criterion_max_not_negative"),
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"

    def evidence_window(self, year: int) -> tuple[date, date]:
        """The first and last day a document cited for this leaf may be dated, for assessment year `year`."""
        month = year * 12 - self.evidence_months_before
        return date(month // 12, month % 12 + 1, 1), date(year, 12, 31)

    @property
    def is_leaf(self):
        return bool(self.method)


class GradeTier(models.Model):
    """A grade (xếp loại) of a framework; tiers are evaluated from the highest min_index down."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="grades")
    code = models.CharField(_("mã"), max_length=20)
    label = models.CharField(_("xếp loại"), max_length=100)
    min_index = models.DecimalField(_("chỉ số tối thiểu"), max_digits=6, decimal_places=3)
    min_area_index = models.DecimalField(_("chỉ số lĩnh vực tối thiểu"), max_digits=6, decimal_places=3,
                                         null=True, blank=True)
    min_survey_index = models.DecimalField(_("chỉ số điều tra tối thiểu"), max_digits=6, decimal_places=3,
                                           null=True, blank=True)
    max_penalty = models.DecimalField(_("điểm trừ tối đa"), null=True, blank=True, **POINTS)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "position"]
        verbose_name = _("xếp loại")
        verbose_name_plural = _("xếp loại")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="grade_code_unique_in_framework")]

    def __str__(self):
        return self.label
