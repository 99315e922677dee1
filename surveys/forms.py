"""Forms of the survey pages. The questionnaire form is built from sections (surveys/questionnaire.py)."""
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring.models import Unit

from .models import Invitation
from .throttle import human_check_new, human_check_passes

MAX_INVITATIONS_AT_ONCE = 2000


def field_name(unit, question):
    return f"u{unit.pk}-q{question.pk}"


def answer_field(question):
    return forms.TypedChoiceField(
        label=question.text, coerce=int, widget=forms.RadioSelect,
        choices=[(option.pk, option.label) for option in question.options.all()],
        error_messages={"required": gettext_lazy("Vui lòng chọn một phương án."),
                        "invalid_choice": gettext_lazy("Phương án không hợp lệ, vui lòng chọn lại.")})


class QuestionnaireForm(forms.Form):
    """One radio group per question and rated unit; a bound form keeps every choice made, valid or not."""

    def __init__(self, sections, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = sections
        for section in sections:
            for question in section.questions:
                self.fields[field_name(section.unit, question)] = answer_field(question)

    def layout(self):
        return [(section, [(question, self[field_name(section.unit, question)]) for question in section.questions])
                for section in self.sections]

    def answers(self):
        """{unit id: {question id: option id}} from a valid form."""
        return {section.unit.pk: {question.pk: self.cleaned_data[field_name(section.unit, question)]
                                  for question in section.questions} for section in self.sections}

    def unit_answers(self):
        return self.answers()[self.sections[0].unit.pk]


class PublicAnswerForm(QuestionnaireForm):
    """The public link's form; with `human_check` it also asks a small sum, checked once the answers are valid."""

    def __init__(self, sections, *args, human_check=False, **kwargs):
        super().__init__(sections, *args, **kwargs)
        self.human_check = human_check
        if human_check:
            self.fields["human_answer"] = forms.CharField(
                label=_("Câu hỏi kiểm tra"), max_length=4, required=False,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
            self.human_question, self.human_signed = human_check_new()

    def clean(self):
        data = super().clean()
        if self.human_check and not self.errors:
            if not human_check_passes(self.data.get("human_signed", ""), data.get("human_answer") or ""):
                self.add_error("human_answer", _("Kết quả chưa đúng, vui lòng tính lại phép tính mới."))
        return data


class PaperEntryForm(QuestionnaireForm):
    respondent_key = forms.CharField(label=gettext_lazy("Số phiếu"), max_length=100,
                                     widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}))

    def __init__(self, sections, *args, **kwargs):
        super().__init__(sections, *args, **kwargs)
        self.order_fields(["respondent_key"])


class PaperChoiceForm(forms.Form):
    """Which group and which rated unit the stack of paper forms belongs to."""

    group = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Nhóm đối tượng"))
    unit = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Đơn vị được đánh giá"))

    def __init__(self, groups, units, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["unit"].queryset = units


NAME_LENGTH = Invitation._meta.get_field("name").max_length
EMAIL_LENGTH = Invitation._meta.get_field("email").max_length
MAX_TRANSACTIONS = 2_147_483_647  # the column's integer range; no unit handles that many files a year


class InvitationIssueForm(forms.Form):
    people = forms.CharField(
        label=gettext_lazy("Danh sách người được mời"), widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("Mỗi dòng một người: Họ tên, email, mã đơn vị (email và mã đơn vị có thể để trống)."))
    valid_from = forms.DateField(label=gettext_lazy("Hiệu lực từ ngày"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    valid_until = forms.DateField(label=gettext_lazy("Hiệu lực đến ngày"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    send_now = forms.BooleanField(label=gettext_lazy("Gửi thư mời ngay cho người có email"), required=False,
                                  initial=True)

    def clean_people(self):
        rows = [(number, _split(line)) for number, line in enumerate(self.cleaned_data["people"].splitlines(), 1)
                if line.strip()]
        if len(rows) > MAX_INVITATIONS_AT_ONCE:
            raise ValidationError(_("Tối đa %(n)d người mỗi lần.") % {"n": MAX_INVITATIONS_AT_ONCE})
        units = Unit.objects.in_bulk({code for _n, (_name, _email, code) in rows if code}, field_name="code")
        errors = [_("Dòng %(n)d: %(problem)s") % {"n": number, "problem": problem} for number, person in rows
                  if (problem := _person_problem(*person, units))]
        if errors:
            raise ValidationError(errors)
        return [(name, email, units.get(code)) for _n, (name, email, code) in rows]

    def clean(self):
        data = super().clean()
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            self.add_error("valid_until", _("Ngày hết hiệu lực phải sau ngày bắt đầu."))
        return data


def _split(line):
    """Name, email, unit code; commas, semicolons or tabs (a block pasted from Excel) separate them."""
    return tuple(([part.strip() for part in re.split(r"[,;\t]", line)] + ["", ""])[:3])


def _person_problem(name, email, code, units):
    if not name:
        return _("thiếu họ tên")
    if len(name) > NAME_LENGTH:
        return _("họ tên dài quá %(n)d ký tự") % {"n": NAME_LENGTH}
    if len(email) > EMAIL_LENGTH:
        return _("email dài quá %(n)d ký tự") % {"n": EMAIL_LENGTH}
    if email:
        try:
            validate_email(email)
        except ValidationError:
            return _("email '%(email)s' không đúng") % {"email": email}
    if code and code not in units:
        return _("không có đơn vị mã '%(code)s'") % {"code": code}
    return None


class SamplePlanForm(forms.Form):
    """N per rated unit; an empty box clears it."""

    def __init__(self, rows, *args, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        for row in rows:
            self.fields[f"n-{row.unit.pk}"] = forms.IntegerField(
                label=row.unit.name, min_value=0, max_value=MAX_TRANSACTIONS, required=False, initial=row.transactions,
                disabled=disabled,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    def transactions(self):
        return {int(name.removeprefix("n-")): value for name, value in self.cleaned_data.items()}
