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
