"""HTML forms of the scoring pages."""
from django import forms
from django.conf import settings
from django.utils.translation import gettext, gettext_lazy as _

from .excel.frameworks import check_workbook
from .excel.limits import WorkbookLimits, WorkbookTooLarge, measure_workbook
from .excel.sheets import limit_issues, read_workbook_values


class FrameworkUploadForm(forms.Form):
    """An Excel upload: .xlsx, at most UPLOAD_MAX_MB, measured against the browser's workbook limits before it is
    parsed, parsed once (`values`, which the preview reads), and a workbook that passes `check` (other uploads
    subclass it with their own label and check). A label may name the size limit as %(mb)s. A file larger than
    WORKBOOK_INLINE_MAX_KB is not parsed here (`values` stays None): a background job parses it."""

    file = forms.FileField(label=_("Tệp bộ chỉ số (.xlsx, tối đa %(mb)s MB)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    check = staticmethod(check_workbook)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.values = None
        field = self.fields["file"]
        field.label = str(field.label) % {"mb": settings.UPLOAD_MAX_MB}

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Chỉ nhận tệp Excel có đuôi .xlsx."))
        if file.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(gettext("Tệp lớn hơn %(mb)s MB.") % {"mb": settings.UPLOAD_MAX_MB})
        if file.size > settings.WORKBOOK_INLINE_MAX_KB * 1024:
            return self._measured(file)  # parsed by a background job with its own limits (staging.stage_upload)
        values, issues = read_workbook_values(file, WorkbookLimits.upload())
        too_large = limit_issues(issues)
        if too_large:
            raise forms.ValidationError(too_large[0].message)
        # The upload's own check words the refusal of a file that is not ours; a damaged sheet that only the full
        # read found is refused with the reader's message.
        problem = self.check(values if values is not None else file) or (str(issues[0]) if issues else None)
        if problem:
            raise forms.ValidationError(problem)
        self.values = values
        file.seek(0)
        return file

    @staticmethod
    def _measured(file):
        """A large file is only measured here, which stops at the first limit passed; the job measures it again."""
        try:
            size = measure_workbook(file, WorkbookLimits.upload())
        except WorkbookTooLarge as error:
            raise forms.ValidationError(str(error)) from error
        if size is None:
            raise forms.ValidationError(_("Không đọc được tệp: cần một tệp Excel .xlsx."))
        file.seek(0)
        return file


class UnitsUploadForm(FrameworkUploadForm):
    file = forms.FileField(label=_("Tệp danh sách đơn vị (.xlsx, tối đa 5 MB)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


class AccountsUploadForm(FrameworkUploadForm):
    file = forms.FileField(label=_("Tệp tài khoản (.xlsx, tối đa 5 MB)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


class BlockForm(forms.Form):
    name = forms.CharField(label=_("Tên khối"), max_length=100)
    position = forms.IntegerField(label=_("Thứ tự"), min_value=0, max_value=32767)


BlockFormSet = forms.formset_factory(BlockForm, extra=0)


class AgencyForm(forms.Form):
    name = forms.CharField(label=_("Tên cơ quan"), max_length=200, required=False)


AgencyFormSet = forms.formset_factory(AgencyForm, extra=0)


class IndexResultsUploadForm(FrameworkUploadForm):
    """Results of an index computed elsewhere: which index, year and block, and the workbook (checked row by row
    on the preview, so the upload itself only needs to be an .xlsx)."""

    index = forms.ModelChoiceField(label=_("Chỉ số"), queryset=None, to_field_name="code")
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    block = forms.ModelChoiceField(label=_("Khối"), queryset=None, to_field_name="code")
    precision = forms.IntegerField(label=_("Số chữ số thập phân của chỉ số"), min_value=0, max_value=4, initial=2)
    version = forms.CharField(label=_("Phiên bản phương pháp"), max_length=50, required=False)
    check = staticmethod(lambda file: None)

    def __init__(self, *args, **kwargs):
        from .models import Block, Index

        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("Tệp kết quả (.xlsx, tối đa 5 MB)")
        self.fields["index"].queryset = Index.objects.all()
        self.fields["block"].queryset = Block.objects.order_by("position", "code")
        self.order_fields(["index", "year", "block", "precision", "version", "file"])


class IndexForm(forms.Form):
    """A province's own index: a short code (capitals, digits, - and _), its name, its scale and its place."""

    code = forms.RegexField(label=_("Mã chỉ số"), max_length=20, regex=r"^[A-Za-z][A-Za-z0-9_-]*$",
                            help_text=_("Ví dụ SIPAS, DGI; chữ cái không dấu, chữ số, - và _, tối đa 20 ký tự."),
                            error_messages={"invalid": _("Mã chỉ gồm chữ cái không dấu, chữ số, - và _, bắt đầu "
                                                         "bằng chữ cái."),
                                            "required": _("Nhập mã chỉ số.")})
    name = forms.CharField(label=_("Tên chỉ số"), max_length=200,
                           error_messages={"required": _("Nhập tên chỉ số.")})
    scale = forms.ChoiceField(label=_("Thang hiển thị"), choices=(), initial="percent")
    position = forms.IntegerField(label=_("Thứ tự"), min_value=0, max_value=999, initial=10)

    def __init__(self, *args, **kwargs):
        from .models import Scale

        super().__init__(*args, **kwargs)
        self.fields["scale"].choices = Scale.choices

