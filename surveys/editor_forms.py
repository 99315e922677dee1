"""Forms of the design editor. They only parse what was typed (numbers, dates, the options' text); every rule of a
design is services/design.py's, applied when the edit is saved, and its issues come back onto the form with
add_issues, so the editor and the Excel import can never disagree."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring.excel.sheets import decimal, text
from scoring.forms import FrameworkUploadForm
from scoring.models import Block
from scoring.rules import format_decimal_vi

from .models import Content, Element, Rates
from .services.design import QUESTIONS_SHEET, SURVEY_SHEET, GroupSpec, QuestionSpec, format_options, parse_options
from .services.editor import EDITED

DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
BLANK = [("", gettext_lazy("— không —"))]


class CellField(forms.CharField):
    """Text as the Excel reader reads a cell: NFC (Vietnamese keyboards may send decomposed letters), single
    spaces."""

    def to_python(self, value):
        return text(super().to_python(value))


class DecimalTextField(CellField):
    """A number typed with a decimal comma or point ("62,5"), as in Vietnamese Excel."""

    def clean(self, value):
        written = super().clean(value)
        try:
            return decimal(written)
        except ValueError:
            raise ValidationError(_("Nhập một số, ví dụ 60 hoặc 62,5.")) from None


class DesignForm(forms.Form):
    """A form whose values become part of a SurveySpec; `columns` maps the issue columns of validate_survey and
    survey_import to its fields. Issues elsewhere in the design are shown above the form."""

    sheet = QUESTIONS_SHEET
    row = EDITED
    columns: dict[str, str] = {}

    def add_issues(self, issues):
        for issue in issues:
            here = issue.sheet == self.sheet and issue.row == self.row
            field = self.columns.get(issue.column) if here else None
            self.add_error(field if field in self.fields else None, issue.message)


class SurveyForm(DesignForm):
    sheet, row = SURVEY_SHEET, None
    columns = {key: key for key in ("code", "name", "year", "blocks", "anonymous", "satisfied_min_weight",
                                    "margin_of_error")}

    code = CellField(label=gettext_lazy("Mã cuộc điều tra"), help_text=gettext_lazy(
        "Ghi trong đường dẫn công khai và mã QR nên không đổi được sau khi tạo, ví dụ XHH-2025."))
    name = CellField(label=gettext_lazy("Tên cuộc điều tra"))
    year = forms.IntegerField(label=gettext_lazy("Năm đánh giá"), help_text=gettext_lazy(
        "Câu hỏi tính điểm cho tiêu chí điều tra XHH của bộ chỉ số năm này."),
        error_messages={"invalid": gettext_lazy("Nhập năm bằng số, ví dụ 2025.")})
    blocks = forms.ModelMultipleChoiceField(queryset=Block.objects.order_by("position", "code"),
                                            label=gettext_lazy("Các khối được đánh giá"),
                                            widget=forms.CheckboxSelectMultiple)
    anonymous = forms.BooleanField(label=gettext_lazy("Ẩn danh: câu trả lời không liên kết được với phiếu mời"),
                                   required=False, initial=True)
    satisfied_min_weight = DecimalTextField(label=gettext_lazy("Trọng số tối thiểu được tính là hài lòng (%)"),
                                            initial="60")
    margin_of_error = DecimalTextField(label=gettext_lazy("Sai số e để tính cỡ mẫu"), initial="0,05")
    opens_on = forms.DateField(label=gettext_lazy("Mở nhận ý kiến từ ngày"), required=False, **DATE_WIDGET)
    closes_on = forms.DateField(label=gettext_lazy("Đóng ngày"), required=False, **DATE_WIDGET)

    def __init__(self, *args, survey=None, **kwargs):
        if survey is not None:
            kwargs.setdefault("initial", survey_initial(survey))
        super().__init__(*args, **kwargs)
        self.fields["code"].disabled = survey is not None

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("Ngày đóng phải từ ngày mở trở đi."))
        return data

    def header(self) -> dict:
        """The SurveySpec fields typed here."""
        data = self.cleaned_data
        return {"code": data["code"], "name": data["name"], "year": data["year"],
                "blocks": tuple(block.code for block in data["blocks"]), "anonymous": data["anonymous"],
                "satisfied_min_weight": data["satisfied_min_weight"], "margin_of_error": data["margin_of_error"]}


def survey_initial(survey) -> dict:
    return {"code": survey.code, "name": survey.name, "year": survey.year, "blocks": list(survey.blocks.all()),
            "anonymous": survey.anonymous, "satisfied_min_weight": format_decimal_vi(survey.satisfied_min_weight),
            "margin_of_error": format_decimal_vi(survey.margin_of_error), "opens_on": survey.opens_on,
            "closes_on": survey.closes_on}


class GroupForm(DesignForm):
    columns = {"group": "code", "group_name": "name", "identified": "identified"}

    code = CellField(label=gettext_lazy("Mã nhóm"), help_text=gettext_lazy(
        "Ví dụ NGUOIDAN; là cột group của sheet questions và responses, không đổi được sau khi tạo."))
    name = CellField(label=gettext_lazy("Tên nhóm đối tượng"))
    identified = forms.BooleanField(label=gettext_lazy("Mời đích danh bằng phiếu mời"), required=False)

    def __init__(self, *args, group=None, **kwargs):
        if group is not None:
            kwargs.setdefault("initial", {"code": group.code, "name": group.name, "identified": group.identified})
        super().__init__(*args, **kwargs)
        self.fields["code"].disabled = group is not None

    def spec(self) -> GroupSpec:
        data = self.cleaned_data
        return GroupSpec(data["code"], data["name"], data["identified"])


class QuestionForm(DesignForm):
    columns = {column: column for column in ("code", "text", "options", "criterion_code", "element", "content",
                                             "rates")}

    code = CellField(label=gettext_lazy("Mã câu hỏi"), help_text=gettext_lazy(
        "Duy nhất trong nhóm; là tên cột của câu hỏi trong sheet responses."))
    text = CellField(label=gettext_lazy("Nội dung câu hỏi"), widget=forms.Textarea(attrs={"rows": 3}))
    options = CellField(label=gettext_lazy("Phương án trả lời và trọng số (%)"),
                        widget=forms.Textarea(attrs={"rows": 2}), help_text=gettext_lazy(
                            "Như cột options của tệp Excel: phương án=trọng số, cách nhau bằng dấu chấm phẩy; để "
                            "trống trọng số nếu phương án không được tính điểm. Ví dụ: Rất hài lòng=100; "
                            "Hài lòng=60; Chưa hài lòng=20; Không hài lòng=0; Không biết="))
    criterion_code = forms.ChoiceField(label=gettext_lazy("Tiêu chí điều tra XHH được tính điểm"), required=False)
    element = forms.ChoiceField(label=gettext_lazy("Yếu tố SIPAS"), required=False, choices=BLANK + Element.choices)
    content = forms.ChoiceField(label=gettext_lazy("Nội dung đo SIPAS"), required=False,
                                choices=BLANK + Content.choices)
    rates = forms.ChoiceField(label=gettext_lazy("Câu hỏi đánh giá"), choices=Rates.choices, initial=Rates.BLOCK)

    def __init__(self, *args, leaves=(), question=None, **kwargs):
        if question is not None:
            kwargs.setdefault("initial", question_initial(question))
        super().__init__(*args, **kwargs)
        written = self["criterion_code"].value() or ""
        known = [code for code, _label in leaves]
        missing = [(written, _("%(code)s (không có trong bộ chỉ số)") % {"code": written})] if (
            written and written not in known) else []
        self.fields["criterion_code"].choices = [("", _("— không tính điểm —")), *leaves, *missing]

    def clean_options(self):
        problems = []
        options = parse_options(self.cleaned_data["options"], problems.append)
        if problems:
            raise ValidationError(problems)
        return options

    def spec(self, group) -> QuestionSpec:
        data = self.cleaned_data
        return QuestionSpec(code=data["code"], group=group.code, text=data["text"], options=data["options"],
                            criterion_code=data["criterion_code"], element=data["element"],
                            content=data["content"], rates=data["rates"])


def question_initial(question) -> dict:
    return {"code": question.code, "text": question.text, "options": format_options(question.options.all()),
            "criterion_code": question.criterion_code, "element": question.element, "content": question.content,
            "rates": question.rates}


class DesignUploadForm(FrameworkUploadForm):
    """The framework upload's checks (an .xlsx of at most UPLOAD_MAX_MB, measured, parsed once), with the survey's
    wording."""

    file = forms.FileField(label=gettext_lazy("Tệp bảng hỏi (.xlsx, tối đa %(mb)s MB)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


class CompetitivenessUploadForm(FrameworkUploadForm):
    """The framework upload's checks, with the wording of a competitiveness index's framework (DDCI)."""

    file = forms.FileField(label=gettext_lazy("Tệp bộ chỉ số năng lực cạnh tranh (.xlsx, tối đa %(mb)s MB)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
