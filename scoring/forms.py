"""HTML forms of the scoring pages."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .excel.frameworks import check_workbook

FRAMEWORK_UPLOAD_MAX_BYTES = 5 * 1024 * 1024


class FrameworkUploadForm(forms.Form):
    """An Excel upload: .xlsx, at most 5 MB, and a workbook that passes `check` (other uploads subclass it with
    their own label and check)."""

    file = forms.FileField(label=_("Tệp bộ chỉ số (.xlsx, tối đa 5 MB)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    check = staticmethod(check_workbook)

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Chỉ nhận tệp Excel có đuôi .xlsx."))
        if file.size > FRAMEWORK_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn 5 MB."))
        problem = self.check(file)
        if problem:
            raise forms.ValidationError(problem)
        file.seek(0)
        return file


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
