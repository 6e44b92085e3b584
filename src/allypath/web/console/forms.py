"""Console forms: typed and validated at the edge before any service is called."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password

from allypath.web.orgs.instruments import available_instrument
from allypath.web.orgs.models import Membership, Role, Unit, Wave


class HrisUploadForm(forms.Form):
    file = forms.FileField(label="HRIS file (.csv or .xlsx)")


class WaveForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        choices=[], widget=forms.CheckboxSelectMultiple, help_text="languages offered to respondents"
    )

    class Meta:
        model = Wave
        fields = ("name", "form", "languages", "privacy_mode", "k", "k_text", "opens_on", "closes_on")
        widgets: ClassVar = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts: ClassVar = {
            "k": "minimum group size for any result (at least 3)",
            "k_text": "minimum group size for open-text comments (at least k)",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instrument = available_instrument()
        names = {"en": "English", "fr": "French", "ar": "Arabic"}
        languages = self.fields["languages"]
        assert isinstance(languages, forms.MultipleChoiceField)
        languages.choices = [(lang, names.get(lang, lang)) for lang in instrument.languages]
        if not self.instance.pk:
            self.instance.instrument_id = instrument.id
            self.instance.instrument_version = instrument.version
            self.initial.setdefault("languages", list(instrument.languages))


class MemberAddForm(forms.Form):
    """A new console account in this organisation.

    An existing account is never attached from here: issue 14 found that any org admin could attach
    (and so confirm) any user name of the site, another organisation's included. A taken name gets
    one answer, whoever holds it ("not available": names are unique across the site, so that much is
    unavoidable); staff add an existing account to another organisation in the admin site.
    """

    username = forms.CharField(max_length=150)
    email = forms.EmailField(required=False)
    role = forms.ChoiceField(choices=Role.choices)
    password = forms.CharField(
        widget=forms.PasswordInput, help_text="the new account's initial password: at least 12 characters"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        User = get_user_model()
        username = data.get("username", "")
        if username and User.objects.filter(username__iexact=username).exists():
            self.add_error("username", "this user name is not available: choose another")
        password = data.get("password") or ""
        if password:
            try:
                validate_password(password, User(username=username, email=data.get("email", "")))
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        data["exists"] = False  # the view creates the account; it never looks one up
        return data


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("role", "units")
        help_texts: ClassVar = {
            "units": "analysts only: limit what they see to these units (none = whole organisation)"
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = self.fields["units"]
        assert isinstance(units, forms.ModelMultipleChoiceField)
        units.queryset = Unit.objects.filter(org=self.instance.org)
        self.fields["units"].required = False
