"""Console forms: typed and validated at the edge before any service is called."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, ClassVar

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.validators import MinValueValidator
from django.utils import timezone

from allypath.privacy import K_FLOOR
from allypath.web.orgs.emails import EMAIL_KINDS, check_email, default_email, wave_email
from allypath.web.orgs.instruments import available_instrument
from allypath.web.orgs.models import Employee, Membership, Role, Unit, Wave


class HrisUploadForm(forms.Form):
    file = forms.FileField(label="HRIS file (.csv or .xlsx)")


def _names(values: Iterable[object]) -> list[tuple[str, str]]:
    return [(v, v) for v in sorted({str(v) for v in values if v})]


def closing_day_passed(closes_on: dt.date) -> str:
    """Why a wave closing on ``closes_on`` cannot be saved or launched ("" when it can): its closing day
    has passed, so nobody could answer, and its invitations would ask people for what they cannot do."""
    if closes_on >= timezone.localdate():
        return ""
    return (
        f"“Closes on” ({closes_on.day} {closes_on:%B %Y}) has already passed, so nobody could answer: "
        "choose today or a later day."
    )


class UnitBoxes(forms.CheckboxSelectMultiple):
    """An organisation's units as a list of boxes, one per unit named by its path and indented by its
    depth, in a box that scrolls by itself when an organisation has many units (an HRIS file can bring
    hundreds): ticked with the space bar alone, where a multiple select needs Ctrl or Shift."""

    template_name = "console/widgets/unit_boxes.html"
    #: The deepest indentation drawn (app.css): deeper units are indented as this one, their path says it.
    DEEPEST = 5

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.depths: dict[str, int] = {}

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["depth"] = min(self.depths.get(str(option["value"]), 0), self.DEEPEST)
        return option


class WaveForm(forms.ModelForm):
    """A wave's settings in plain words: what respondents are told, and whom it invites."""

    languages = forms.MultipleChoiceField(
        choices=[], widget=forms.CheckboxSelectMultiple, help_text="the languages respondents can choose"
    )
    audience_units = forms.MultipleChoiceField(
        label="Only these units",
        choices=[],
        required=False,
        widget=UnitBoxes,
        help_text="leave all unticked to invite every unit; a unit includes the units below it",
    )
    audience_levels = forms.MultipleChoiceField(
        label="Only these levels",
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="leave all unticked to invite every level",
    )
    audience_regions = forms.MultipleChoiceField(
        label="Only these regions",
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="leave all unticked to invite every region",
    )
    reminders_on = forms.CharField(
        label="Reminder days",
        required=False,
        help_text="dates on which a reminder goes by itself to everyone who has not answered, "
        "separated by commas (e.g. 2027-03-08, 2027-03-15); leave empty to send reminders by hand",
    )

    class Meta:
        model = Wave
        fields = (
            "name",
            "audience",
            "audience_units",
            "audience_levels",
            "audience_regions",
            "form",
            "languages",
            "privacy_mode",
            "k",
            "k_text",
            "opens_on",
            "closes_on",
            "reminders_on",
        )
        widgets: ClassVar = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
            "audience": forms.RadioSelect,
            "privacy_mode": forms.RadioSelect,
            "form": forms.RadioSelect,
        }
        help_texts: ClassVar = {
            "name": 'what HR calls this round, e.g. "2027 spring"; respondents do not see it',
            "audience": "The research behind allypath studied men's journey to allyship, so a wave invites "
            "the men of the chosen units by default (the people your HRIS file records as men; a file with "
            "no gender column is taken as the list of those to invite). Choose everyone to invite all "
            "employees: their answers are placed on the same four stages, and allypath never records a "
            "respondent's gender, so results then describe everyone who answered.",
            "privacy_mode": "Anonymous: nothing links a person's answers from one wave to the next; use it "
            "unless you need to follow change person by person. Panel: each person's answers are linked "
            "across waves under a code that nobody at the organisation can trace back to him; it needs the "
            "server's panel secret.",
            "k": "no figure is shown for a group of fewer people than this (at least 3; 5 is usual). "
            "Larger numbers protect people better but hide more small teams.",
            "k_text": "open-text comments are shown only for groups at least this large (at least the "
            "smallest group shown; 10 is usual), because wording can give a writer away",
            "form": "the short pulse asks fewer questions; it places people on the stages with more "
            "uncertainty",
        }

    #: Whether ``k_text`` passed its own field's checks (set by :meth:`clean`).
    _k_text_valid = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instrument = available_instrument()
        names = {"en": "English", "fr": "French", "ar": "Arabic"}
        languages = self.fields["languages"]
        assert isinstance(languages, forms.MultipleChoiceField)
        languages.choices = [(lang, names.get(lang, lang)) for lang in instrument.languages]
        org_id = self.instance.org_id
        people = Employee.objects.filter(org_id=org_id, active=True)
        units = dict(Unit.objects.filter(org_id=org_id).order_by("path").values_list("path", "depth"))
        boxes = self.fields["audience_units"].widget
        assert isinstance(boxes, UnitBoxes)
        boxes.depths = units
        choices = {
            "audience_units": [(path, path) for path in units],
            "audience_levels": _names(people.values_list("level", flat=True).distinct()),
            "audience_regions": _names(people.values_list("region", flat=True).distinct()),
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = options
        # the model's own initial values ([] for both) would show as "[]" and as no language ticked
        if not isinstance(self.initial.get("reminders_on"), str):
            self.initial["reminders_on"] = ", ".join(self.instance.reminders_on or [])
        # one message per problem, naming the field by its label (not Django's "Ensure this value...")
        self.fields["languages"].error_messages["required"] = "Choose at least one language."
        for name in ("k", "k_text"):
            size = self.fields[name]
            assert isinstance(size, forms.IntegerField)
            size.min_value = K_FLOOR
            size.validators.append(MinValueValidator(K_FLOOR))
            size.widget.attrs["min"] = str(K_FLOOR)
            size.error_messages["min_value"] = f"“{size.label}” must be at least {K_FLOOR}."
        if not self.instance.pk:
            self.instance.instrument_id = instrument.id
            self.instance.instrument_version = instrument.version
            if not self.initial.get("languages"):
                self.initial["languages"] = list(instrument.languages)

    def clean_closes_on(self) -> dt.date:
        closes_on: dt.date = self.cleaned_data["closes_on"]
        too_late = closing_day_passed(closes_on)
        if too_late:
            raise forms.ValidationError(too_late)
        return closes_on

    def clean(self) -> dict[str, Any]:
        """The checks the wave's own (:meth:`Wave.clean`) makes on these fields, in words naming them."""
        data = super().clean() or {}
        self._k_text_valid = "k_text" in data  # as a number of its own, before any comparison
        k, k_text = data.get("k"), data.get("k_text")
        if k is not None and k_text is not None and k_text < k:
            self.add_error(
                "k_text",
                f"“{self.fields['k_text'].label}” cannot be smaller than “{self.fields['k'].label}” ({k}).",
            )
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", "“Closes on” must be on or after “Opens on”.")
        return data

    def full_clean(self) -> None:
        """The form's checks, then the wave's (in the model), and one message per field: the wave's
        repeat the form's in its own words, and judge a field the form refused by the value it had
        before (a ``k`` the form refused leaves the wave's ``k`` to compare ``k_text`` with)."""
        super().full_clean()
        errors = self.errors
        if "k" in errors and self._k_text_valid:
            errors.pop("k_text", None)
        for messages in errors.values():
            del messages[1:]

    def clean_reminders_on(self) -> list[str]:
        text = self.cleaned_data.get("reminders_on") or ""
        days = []
        for part in (p.strip() for p in text.replace(";", ",").split(",")):
            if not part:
                continue
            try:
                days.append(dt.date.fromisoformat(part).isoformat())
            except ValueError:
                raise forms.ValidationError(f"{part!r} is not a date: write it as YYYY-MM-DD") from None
        return sorted(set(days))


_LANGUAGE_NAMES = {"en": "English", "fr": "French", "ar": "Arabic"}
_KIND_NAMES = {"invitation": "Invitation", "reminder": "Reminder"}


class WaveEmailsForm(forms.Form):
    """The invitation and reminder e-mails of a wave, subject and body in each of its languages.

    Fields are named ``<kind>_<language>_subject`` / ``_body``; each is checked for unknown placeholders
    and the body for the personal link, and a text equal to allypath's wording is stored as no edit.
    """

    def __init__(self, wave: Wave, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.wave = wave
        self.sections: list[tuple[str, str, str]] = []  # (title, subject field, body field)
        for kind in EMAIL_KINDS:
            for lang in wave.languages:
                current = wave_email(wave, kind, lang)
                subject, body = f"{kind}_{lang}_subject", f"{kind}_{lang}_body"
                title = f"{_KIND_NAMES[kind]}, {_LANGUAGE_NAMES.get(lang, lang)}"
                direction = {"dir": "rtl"} if lang == "ar" else {}
                self.fields[subject] = forms.CharField(
                    label=f"{title}: subject",
                    max_length=200,
                    initial=current.subject,
                    widget=forms.TextInput(attrs={"lang": lang, **direction}),
                )
                self.fields[body] = forms.CharField(
                    label=f"{title}: text",
                    max_length=5000,
                    initial=current.body,
                    widget=forms.Textarea(attrs={"rows": 9, "lang": lang, **direction}),
                )
                self.sections.append((title, subject, body))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in list(data.items()):
            problem = check_email(str(value), needs_link=name.endswith("_body"))
            if problem:
                self.add_error(name, problem)
        return data

    def emails(self) -> dict[str, dict[str, dict[str, str]]]:
        """What to store in ``Wave.emails``: only the texts that differ from allypath's wording."""
        out: dict[str, dict[str, dict[str, str]]] = {}
        for kind in EMAIL_KINDS:
            for lang in self.wave.languages:
                default = default_email(kind, lang)
                edited = {
                    part: self.cleaned_data[f"{kind}_{lang}_{part}"].replace("\r\n", "\n")
                    for part in ("subject", "body")
                }
                changed = {p: v for p, v in edited.items() if v != getattr(default, p)}
                if changed:
                    out.setdefault(kind, {})[lang] = changed
        return out


class MemberAddForm(forms.Form):
    """A new console account in this organisation.

    An existing account is never attached from here: issue 14 found that any org admin could attach
    (and so confirm) any user name of the site, another organisation's included. A taken name gets
    one answer, whoever holds it ("not available": names are unique across the site, so that much is
    unavoidable); staff add an existing account to another organisation in the admin site. E-mail
    addresses are unique the same way: single sign-on finds an account by its address.
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
        # nor another account's e-mail address: a refused sign-in is filed under the name or address
        # it gave, and would be read as this new member's
        taken = User.objects.filter(username__iexact=username).exists() or (
            "@" in username and User.objects.filter(email__iexact=username).exists()
        )
        if username and taken:
            self.add_error("username", "this user name is not available: choose another")
        email = data.get("email", "")
        # Single sign-on finds the account by its e-mail address: a second account with another's
        # address (of any organisation) would turn him away and file his attempts under this one.
        if email and User.objects.filter(email__iexact=email).exists():
            self.add_error("email", "this e-mail address is not available: it belongs to another account")
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
        widgets: ClassVar = {"units": UnitBoxes}
        help_texts: ClassVar = {
            "units": "analysts only: limit what they see to these units (leave all unticked for the whole "
            "organisation; a unit includes the units below it)"
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = self.fields["units"]
        assert isinstance(units, forms.ModelMultipleChoiceField)
        org_units = Unit.objects.filter(org=self.instance.org).order_by("path")
        units.queryset = org_units
        units.required = False
        boxes = units.widget
        assert isinstance(boxes, UnitBoxes)
        boxes.depths = {str(pk): depth for pk, depth in org_units.values_list("pk", "depth")}
