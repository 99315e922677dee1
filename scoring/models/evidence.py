from django.db import models
from django.utils.translation import gettext_lazy as _


class EvidenceFile(models.Model):
    """The bytes of one uploaded document, stored once however many leaves (or years) cite it."""

    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, unique=True)
    file = models.FileField(_("tệp"), upload_to="evidence/", max_length=300)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    kind = models.CharField(_("loại tệp"), max_length=10, help_text=_("Loại nhận ra từ nội dung: pdf, docx, ..."))
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    uploaded_by = models.ForeignKey("scoring.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp kiểm chứng")
        verbose_name_plural = _("tệp kiểm chứng")

    def __str__(self):
        return self.original_name


class Evidence(models.Model):
    """A document cited for one leaf of one assessment (tài liệu kiểm chứng): number, date and title."""

    leaf_score = models.ForeignKey("scoring.LeafScore", on_delete=models.CASCADE, related_name="evidence")
    file = models.ForeignKey(EvidenceFile, on_delete=models.PROTECT, related_name="citations")
    document_number = models.CharField(_("số, ký hiệu văn bản"), max_length=100, blank=True)
    issue_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    title = models.CharField(_("trích yếu"), max_length=500)
    # The name this unit's upload came with. Bytes are stored once (EvidenceFile) whoever sends them, but a name
    # is the sender's: another unit uploading the same bytes must never see it.
    file_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    # Added while answering a request for explanation, so the board sees what is new in round 2.
    for_explanation = models.BooleanField(_("bổ sung khi giải trình"), default=False)
    linked_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("dùng lại từ năm trước"))
    added_by = models.ForeignKey("scoring.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(_("thêm lúc"), auto_now_add=True)

    class Meta:
        ordering = ["leaf_score", "added_at", "id"]
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")
        constraints = [models.UniqueConstraint(fields=["leaf_score", "file"], name="one_citation_per_leaf_and_file")]

    def __str__(self):
        return self.title
