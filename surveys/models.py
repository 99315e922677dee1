"""Sociological surveys (điều tra XHH) and SIPAS: design, invitations, answers. Rules: domain.md 11-12."""
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Element(models.TextChoices):
    ACCESS = "access", _("Tiếp cận dịch vụ")
    PROCEDURE = "procedure", _("Thủ tục hành chính")
    CIVIL_SERVANT = "civil_servant", _("Công chức giải quyết công việc")
    RESULT = "result", _("Kết quả giải quyết")
    FEEDBACK = "feedback", _("Tiếp nhận, xử lý góp ý, phản ánh")


class Content(models.TextChoices):
    PERCEPTION = "perception", _("Cảm nhận")
    SATISFACTION = "satisfaction", _("Sự hài lòng")
    EXPECTATION = "expectation", _("Mong đợi")


class Survey(models.Model):
    code = models.CharField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên cuộc điều tra"), max_length=300)
    year = models.PositiveSmallIntegerField(_("năm"))
    blocks = models.ManyToManyField("scoring.Block", related_name="surveys", verbose_name=_("khối được đánh giá"))
    anonymous = models.BooleanField(_("ẩn danh"), default=True,
                                    help_text=_("Câu trả lời không liên kết được với phiếu mời."))
    opens_on = models.DateField(_("mở từ ngày"), null=True, blank=True)
    closes_on = models.DateField(_("đóng ngày"), null=True, blank=True)
    public_daily_limit = models.PositiveSmallIntegerField(
        _("số phiếu công khai mỗi thiết bị mỗi ngày"), default=1)
    satisfied_min_weight = models.DecimalField(
        _("trọng số tối thiểu được tính là hài lòng (%)"), max_digits=6, decimal_places=2, default=60)
    margin_of_error = models.DecimalField(_("sai số e"), max_digits=4, decimal_places=3, default="0.05")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("cuộc điều tra")
        verbose_name_plural = _("cuộc điều tra")

    def __str__(self):
        return self.name

    @property
    def answering_state(self) -> str:
        """"not_yet", "open" or "closed" today: a survey stops taking answers at the end of its closing day."""
        today = timezone.localdate()
        if self.opens_on and today < self.opens_on:
            return "not_yet"
        return "closed" if self.closes_on and today > self.closes_on else "open"


class RespondentGroup(models.Model):
    """People's Council deputies, department leaders, commune officials, citizens, businesses… (configurable)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("mã nhóm"), max_length=30)
    name = models.CharField(_("tên nhóm"), max_length=200)
    identified = models.BooleanField(_("được mời đích danh (có phiếu mời)"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["survey", "position", "code"]
        verbose_name = _("nhóm đối tượng")
        verbose_name_plural = _("nhóm đối tượng")
        constraints = [models.UniqueConstraint(fields=["survey", "code"], name="group_code_unique_in_survey")]

    def __str__(self):
        return self.name


class Rates(models.TextChoices):
    BLOCK = "block", _("Từng đơn vị của khối")
    OWN = "own", _("Đơn vị của người trả lời")


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    group = models.ForeignKey(RespondentGroup, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(_("mã câu hỏi"), max_length=30)
    text = models.TextField(_("nội dung"))
    position = models.PositiveIntegerField(default=0)
    criterion_code = models.CharField(_("tiêu chí điều tra được tính điểm"), max_length=40, blank=True)
    element = models.CharField(_("yếu tố SIPAS"), max_length=20, choices=Element.choices, blank=True)
    content = models.CharField(_("nội dung đo SIPAS"), max_length=20, choices=Content.choices, blank=True)
    rates = models.CharField(_("đánh giá"), max_length=10, choices=Rates.choices, default=Rates.BLOCK)

    class Meta:
        ordering = ["survey", "group", "position"]
        verbose_name = _("câu hỏi")
        verbose_name_plural = _("câu hỏi")
        constraints = [models.UniqueConstraint(fields=["survey", "group", "code"],
                                               name="question_code_unique_in_group")]

    def __str__(self):
        return f"{self.code}. {self.text[:60]}"


class Option(models.Model):
    """An answer option with its weight in percent; a blank weight ("Không biết") is not counted."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("phương án"), max_length=200)
    weight = models.DecimalField(_("trọng số (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["question", "position"]
        verbose_name = _("phương án trả lời")
        verbose_name_plural = _("phương án trả lời")
        constraints = [
            models.UniqueConstraint(fields=["question", "label"], name="option_label_unique_in_question"),
            models.CheckConstraint(condition=Q(weight__isnull=True) | (Q(weight__gte=0) & Q(weight__lte=100)),
                                   name="option_weight_is_a_percent"),
        ]

    def __str__(self):
        return self.label


class Invitation(models.Model):
    """A one-time token for an identified respondent. Only its SHA-256 is stored; for an anonymous survey only
    the fact of completion (and its date) is recorded here, never which response it produced."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    group = models.ForeignKey(RespondentGroup, on_delete=models.CASCADE, related_name="invitations")
    unit = models.ForeignKey("scoring.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("đơn vị của người được mời"))
    name = models.CharField(_("họ tên"), max_length=200, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("nhắc lúc"), null=True, blank=True)
    completed_on = models.DateField(_("hoàn thành ngày"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey", "group", "name"]
        verbose_name = _("phiếu mời")
        verbose_name_plural = _("phiếu mời")


class Source(models.TextChoices):
    TOKEN = "token", _("Phiếu mời")
    PUBLIC = "public", _("Đường dẫn công khai")
    PAPER = "paper", _("Phiếu giấy")
    IMPORT = "import", _("Nhập từ Excel")


class Response(models.Model):
    """One respondent's answers about one rated unit. A random id and a date (no time) keep anonymous answers
    from being matched to an invitation by order or timestamp."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    group = models.ForeignKey(RespondentGroup, on_delete=models.PROTECT, related_name="responses")
    unit = models.ForeignKey("scoring.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("đơn vị được đánh giá"))
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices)
    respondent_key = models.CharField(_("mã người trả lời (phiếu giấy)"), max_length=100, blank=True)
    device_hash = models.CharField(max_length=64, blank=True)
    submitted_on = models.DateField(_("ngày trả lời"))
    flagged = models.BooleanField(_("đáng ngờ"), default=False)
    flag_reason = models.CharField(_("lý do đánh dấu"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("phiếu trả lời")
        verbose_name_plural = _("phiếu trả lời")
        indexes = [models.Index(fields=["survey", "unit"])]
        constraints = [
            models.UniqueConstraint(fields=["survey", "respondent_key", "unit"], condition=~Q(respondent_key=""),
                                    name="one_paper_response_per_respondent_unit"),
        ]


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="answers")

    class Meta:
        verbose_name = _("câu trả lời")
        verbose_name_plural = _("câu trả lời")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")]


class SampleTarget(models.Model):
    """Transactions N of a unit for a group; the target sample is n = N / (1 + N·e²)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="targets")
    group = models.ForeignKey(RespondentGroup, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey("scoring.Unit", on_delete=models.PROTECT, related_name="+")
    transactions = models.PositiveIntegerField(_("số giao dịch N"))

    class Meta:
        verbose_name = _("cỡ mẫu")
        verbose_name_plural = _("cỡ mẫu")
        constraints = [models.UniqueConstraint(fields=["survey", "group", "unit"], name="one_target_per_unit_group")]


# --- Competitiveness indices (DDCI; domain.md rule 15) ----------------------------------------------------------


class CompetitivenessFramework(models.Model):
    """How one edition of a DDCI-style index is computed from a firms' survey: its sub-indices with their weights,
    the indicators mapped to the survey's questions, the minimum number of valid answers for a unit to be rated,
    and how many years the min-max bounds reach back over (1 = this year only)."""

    edition = models.OneToOneField("scoring.IndexEdition", on_delete=models.CASCADE, related_name="competitiveness")
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="competitiveness_frameworks")
    minimum_answers = models.PositiveIntegerField(_("số phiếu hợp lệ tối thiểu"), default=30)
    bounds_years = models.PositiveSmallIntegerField(_("số năm lấy giá trị lớn nhất, nhỏ nhất"), default=1)
    # [{"code", "label", "min_index"}], highest first; min_index as text (a Decimal): none, no grade.
    grades = models.JSONField(_("xếp loại"), default=list, blank=True)

    class Meta:
        verbose_name = _("bộ chỉ số năng lực cạnh tranh")
        verbose_name_plural = _("bộ chỉ số năng lực cạnh tranh")
        constraints = [models.CheckConstraint(condition=Q(bounds_years__gte=1), name="i14_bounds_years_at_least_1")]


class SubIndex(models.Model):
    framework = models.ForeignKey(CompetitivenessFramework, on_delete=models.CASCADE, related_name="sub_indices")
    code = models.CharField(_("mã chỉ số thành phần"), max_length=40)
    name = models.CharField(_("tên chỉ số thành phần"), max_length=200)
    weight = models.DecimalField(_("trọng số (%)"), max_digits=6, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "position", "code"]
        verbose_name = _("chỉ số thành phần")
        verbose_name_plural = _("chỉ số thành phần")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="i14_sub_index_code_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0) & Q(weight__lte=100), name="i14_sub_index_weight"),
        ]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    sub_index = models.ForeignKey(SubIndex, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("mã chỉ tiêu"), max_length=40)
    name = models.CharField(_("tên chỉ tiêu"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    questions = models.ManyToManyField(Question, related_name="indicators", verbose_name=_("câu hỏi"))

    class Meta:
        ordering = ["sub_index", "position", "code"]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        constraints = [models.UniqueConstraint(fields=["sub_index", "code"], name="i14_indicator_code_unique")]

    def __str__(self):
        return self.name


class IndicatorBound(models.Model):
    """The bounds an indicator was scaled with, stored so that published figures can be reproduced; year_low and
    year_high are this year's own, which a later year reaching back N years takes up."""

    framework = models.ForeignKey(CompetitivenessFramework, on_delete=models.CASCADE, related_name="bounds")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    low = models.DecimalField(_("giá trị nhỏ nhất"), max_digits=7, decimal_places=3)
    high = models.DecimalField(_("giá trị lớn nhất"), max_digits=7, decimal_places=3)
    year_low = models.DecimalField(_("nhỏ nhất trong năm"), max_digits=7, decimal_places=3)
    year_high = models.DecimalField(_("lớn nhất trong năm"), max_digits=7, decimal_places=3)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["framework", "indicator"], name="i14_one_bound_per_indicator")]

