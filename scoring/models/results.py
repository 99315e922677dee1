from django.db import models
from django.utils.translation import gettext_lazy as _

from .frameworks import POINTS
from .indices import PAR

INDEX = {"max_digits": 7, "decimal_places": 3}


class UnitResult(models.Model):
    """A unit's official result for a year and an index of criteria (PAR, DTI...; domain.md rules 2-10),
    replaced whole by each results run of its cycle."""

    # The index (Index.code) of the cycle the row comes from: a unit has one row per index and year.
    index_code = models.CharField(_("chỉ số"), max_length=20, default=PAR)
    year = models.PositiveSmallIntegerField(_("năm"))
    block = models.ForeignKey("scoring.Block", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("scoring.Unit", on_delete=models.PROTECT, related_name="results")
    framework = models.ForeignKey("scoring.Framework", on_delete=models.PROTECT, related_name="+")
    group = models.CharField(_("nhóm"), max_length=50, blank=True)
    ranked = models.BooleanField(_("xếp hạng"), default=True)
    appraised = models.DecimalField(_("điểm thẩm định (A)"), **POINTS)
    survey = models.DecimalField(_("điểm điều tra (X)"), **POINTS)
    bonus = models.DecimalField(_("điểm thưởng (B)"), **POINTS)
    penalty = models.DecimalField(_("điểm trừ (P)"), **POINTS)
    total = models.DecimalField(_("tổng điểm"), **POINTS)
    max_total = models.DecimalField(_("điểm tối đa"), **POINTS)
    index = models.DecimalField(_("chỉ số (%)"), null=True, blank=True, **INDEX)
    survey_index = models.DecimalField(_("chỉ số điều tra (%)"), null=True, blank=True, **INDEX)
    self_total = models.DecimalField(_("tổng điểm tự đánh giá"), null=True, blank=True, **POINTS)
    self_index = models.DecimalField(_("chỉ số tự đánh giá (%)"), null=True, blank=True, **INDEX)
    grade = models.CharField(_("xếp loại"), max_length=20, blank=True)
    rank = models.PositiveIntegerField(_("thứ hạng"), null=True, blank=True)
    previous_index = models.DecimalField(_("chỉ số năm trước"), null=True, blank=True, **INDEX)
    previous_rank = models.PositiveIntegerField(_("thứ hạng năm trước"), null=True, blank=True)
    index_change = models.DecimalField(_("thay đổi chỉ số"), null=True, blank=True, **INDEX)
    rank_change = models.IntegerField(_("thay đổi thứ hạng"), null=True, blank=True)
    comparable = models.BooleanField(_("so sánh được"), null=True, blank=True)
    incomplete = models.BooleanField(_("chưa đủ điểm"), default=False)
    # [{"code", "points", "max", "index", "change"}], decimals as strings so nothing is lost.
    areas = models.JSONField(_("chỉ số thành phần"), default=list)
    # The framework's pillars, shaped like areas with their ranks (services/results_pillars); [] without pillars.
    # db_default: the engine writes rows by raw upserts that do not name this column.
    pillars = models.JSONField(_("chỉ số trụ cột"), default=list, db_default=[])
    computed_at = models.DateTimeField(_("tính lúc"), auto_now=True)

    class Meta:
        ordering = ["year", "block", "group", "rank", "unit__code"]
        verbose_name = _("kết quả đơn vị")
        verbose_name_plural = _("kết quả đơn vị")
        constraints = [models.UniqueConstraint(fields=["year", "unit", "index_code"],
                                               name="one_result_per_unit_year_index")]
        indexes = [
            models.Index(fields=["year", "block", "index_code", "rank"], name="result_year_block_index_rank"),
            # The dashboards' cache stamps (selectors/dashboards.results_stamps): the number and the latest
            # computed_at of a block's results per year, read from this index alone instead of every (wide) row.
            models.Index(fields=["block", "year"], include=["computed_at"], name="result_block_year_stamp"),
        ]


class Publication(models.Model):
    """An immutable published snapshot of a block's year (domain rule 14), checkable by the SHA-256 of its
    canonical content. Rows from before publication went per block have no block: they hold the whole year."""

    index_code = models.CharField(_("chỉ số"), max_length=20, default=PAR)
    year = models.PositiveSmallIntegerField(_("năm"))
    block = models.ForeignKey("scoring.Block", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("khối"))
    version = models.PositiveSmallIntegerField(_("lần công bố"))
    content = models.JSONField(_("nội dung"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    changes = models.JSONField(_("thay đổi so với lần trước"), default=list, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    published_by = models.ForeignKey("scoring.User", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    published_at = models.DateTimeField(_("công bố lúc"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "-version"]
        verbose_name = _("công bố kết quả")
        verbose_name_plural = _("công bố kết quả")
        constraints = [models.UniqueConstraint(fields=["year", "block", "index_code", "version"],
                                               name="one_block_index_publication_version")]
