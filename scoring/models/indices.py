"""The indices a province evaluates (PAR, DTI, DDCI, or one it names) and the results of the indices that are not
scored leaf by leaf: computed from a firms' survey (domain.md rule 15) or imported as a consultant published them.

PAR and DTI are frameworks of criteria (scoring/models/frameworks.py) whose results are UnitResult rows; an
IndexEdition holds one year and block of a survey-only or imported index, with one IndexResult per unit and one
SubIndexResult per unit and sub-index."""
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# 4 decimals: DTI is published on a 0-1 scale (0,7024).
INDEX_VALUE = {"max_digits": 8, "decimal_places": 4}
PAR = "PAR"


def index_suffix(index_code) -> str:
    """" DTI" after a word that names the index in a message; nothing for PAR, the index messages always meant."""
    return "" if index_code in (None, "", PAR) else f" {index_code}"


class Scale(models.TextChoices):
    POINTS = "points", _("Điểm (trên 100)")
    PERCENT = "percent", _("Phần trăm")
    RATIO = "ratio", _("Từ 0 đến 1")


# The indices every installation knows, seeded by migration 0011_i14_seed_indices and re-made on demand by
# Index.objects.standard: a test database emptied between tests (TRUNCATE) loses the migration's rows.
STANDARD = {
    "PAR": ("Chỉ số cải cách hành chính (PAR INDEX)", "percent", 1),
    "DTI": ("Chỉ số chuyển đổi số (DTI)", "ratio", 2),
    "DDCI": ("Chỉ số năng lực cạnh tranh cấp sở, ngành và địa phương (DDCI)", "points", 3),
}


class IndexQuerySet(models.QuerySet):
    def standard(self, code):
        name, scale, position = STANDARD[code]
        return self.get_or_create(code=code, defaults={"name": name, "scale": scale, "position": position})[0]


class Index(models.Model):
    code = models.CharField(_("mã chỉ số"), max_length=20, unique=True)
    name = models.CharField(_("tên chỉ số"), max_length=200)
    scale = models.CharField(_("thang hiển thị"), max_length=10, choices=Scale.choices, default=Scale.PERCENT)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = IndexQuerySet.as_manager()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("chỉ số")
        verbose_name_plural = _("chỉ số")

    def __str__(self):
        return self.code


def par_index_id():
    """The default index of a framework: what existed before indices became data is PAR."""
    return Index.objects.standard(PAR).pk


class EditionSource(models.TextChoices):
    SURVEY = "survey", _("Tính từ phiếu khảo sát doanh nghiệp")
    IMPORTED = "imported", _("Nhập kết quả đã tính")


class EditionState(models.TextChoices):
    COLLECTING = "collecting", _("Đang thu thập phiếu")
    COMPUTED = "computed", _("Đã tính, chưa công bố")
    PUBLISHED = "published", _("Đã công bố")


class IndexEdition(models.Model):
    """One index's results for one year and block: collected, then computed (or imported), then published."""

    index = models.ForeignKey(Index, on_delete=models.PROTECT, related_name="editions", verbose_name=_("chỉ số"))
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    block = models.ForeignKey("scoring.Block", on_delete=models.PROTECT, related_name="+", verbose_name=_("khối"))
    source = models.CharField(_("nguồn kết quả"), max_length=10, choices=EditionSource.choices)
    state = models.CharField(_("trạng thái"), max_length=12, choices=EditionState.choices,
                             default=EditionState.COLLECTING)
    version = models.CharField(_("phiên bản phương pháp"), max_length=50, blank=True,
                               help_text=_("Hai năm so sánh được khi cùng phiên bản."))
    precision = models.PositiveSmallIntegerField(_("số chữ số thập phân của chỉ số"), default=2,
                                                 validators=[MaxValueValidator(4)])
    computed_at = models.DateTimeField(_("tính lúc"), null=True, blank=True)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["index__position", "-year", "block__position"]
        verbose_name = _("kỳ chỉ số")
        verbose_name_plural = _("kỳ chỉ số")
        constraints = [
            models.UniqueConstraint(fields=["index", "year", "block"], name="i14_one_edition_per_index_year_block"),
            models.CheckConstraint(condition=Q(precision__lte=4), name="i14_edition_precision_at_most_4"),
        ]

    def __str__(self):
        return f"{self.index.code} {self.year} ({self.block.code})"

    @property
    def is_published(self):
        return self.state == EditionState.PUBLISHED


class IndexResult(models.Model):
    """A unit's value and rank in an edition; a unit not rated (too few valid answers) has neither, never 0."""

    edition = models.ForeignKey(IndexEdition, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey("scoring.Unit", on_delete=models.PROTECT, related_name="index_results")
    rated = models.BooleanField(_("được đánh giá"), default=True)
    value = models.DecimalField(_("giá trị"), null=True, blank=True, **INDEX_VALUE)
    rank = models.PositiveIntegerField(_("thứ hạng"), null=True, blank=True)
    answers = models.PositiveIntegerField(_("số phiếu hợp lệ"), null=True, blank=True)
    grade = models.CharField(_("xếp loại"), max_length=40, blank=True)

    class Meta:
        ordering = ["edition", "rank", "unit__code"]
        verbose_name = _("kết quả chỉ số")
        verbose_name_plural = _("kết quả chỉ số")
        constraints = [
            models.UniqueConstraint(fields=["edition", "unit"], name="i14_one_index_result_per_unit"),
            models.CheckConstraint(condition=Q(rated=True) | (Q(value__isnull=True) & Q(rank__isnull=True)),
                                   name="i14_not_rated_has_no_value"),
        ]


class SubIndexResult(models.Model):
    result = models.ForeignKey(IndexResult, on_delete=models.CASCADE, related_name="sub_indices")
    code = models.CharField(_("mã chỉ số thành phần"), max_length=40)
    name = models.CharField(_("chỉ số thành phần"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    value = models.DecimalField(_("giá trị"), null=True, blank=True, **INDEX_VALUE)
    rank = models.PositiveIntegerField(_("thứ hạng"), null=True, blank=True)

    class Meta:
        ordering = ["result", "position"]
        verbose_name = _("kết quả chỉ số thành phần")
        verbose_name_plural = _("kết quả chỉ số thành phần")
        constraints = [models.UniqueConstraint(fields=["result", "code"], name="i14_one_sub_index_result")]
