"""HTML forms of the scoring pages."""
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .excel.frameworks import check_workbook


def upload_max_mb():
    """The limit of an Excel upload (UPLOAD_MAX_MB), as the label, the refusal and the README say it."""
    return settings.UPLOAD_MAX_BYTES // (1024 * 1024)


class FrameworkUploadForm(forms.Form):
    """An Excel upload: .xlsx, at most UPLOAD_MAX_MB, and a workbook that passes `check` (other uploads subclass
    it with their own label and check)."""

    file = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    label = _("Tệp bộ chỉ số (.xlsx, tối đa %(mb)s MB)")
    check = staticmethod(check_workbook)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = self.label % {"mb": upload_max_mb()}

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Chỉ nhận tệp Excel có đuôi .xlsx."))
        if file.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn %(mb)s MB.") % {"mb": upload_max_mb()})
        problem = self.check(file)
        if problem:
            raise forms.ValidationError(problem)
        file.seek(0)
        return file
