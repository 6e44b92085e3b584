"""Django forms of the journey and circle pages. Messages come translated from :mod:`.texts`."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django import forms

from allypath.content import Dilemma
from allypath.web.journey.models import CirclePlan
from allypath.web.journey.store import MAX_COMMITMENT_TEXT

__all__ = ["CirclePlanForm", "CommitmentActionForm", "CommitmentForm", "DilemmaForm", "VolunteerForm"]

MAX_CONTACT = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_text(value: str) -> str:
    return _CONTROL.sub("", value).strip()


class CommitmentForm(forms.Form):
    text = forms.CharField(max_length=MAX_COMMITMENT_TEXT, strip=True)

    def __init__(self, *args: Any, words: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages.update(
            required=words["commitment_empty"], max_length=words["commitment_too_long"]
        )

    def clean_text(self) -> str:
        text = _clean_text(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(self.fields["text"].error_messages["required"], code="required")
        return text


class CommitmentActionForm(forms.Form):
    """What a commitment's buttons ask: tick it off, untick it, remove it, or reword it (its new words
    are checked by :class:`CommitmentForm`)."""

    action = forms.ChoiceField(
        choices=[("done", "done"), ("undo", "undo"), ("remove", "remove"), ("reword", "reword")]
    )


class DilemmaForm(forms.Form):
    """One of the dilemma's options; any other value is refused."""

    option = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(
        self, *args: Any, dilemma: Dilemma, language: str, words: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["option"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(o.id, o.text.get_lang(language)) for o in dilemma.options]
        field.error_messages.update(required=words["choose_error"], invalid_choice=words["choose_error"])


class VolunteerForm(forms.Form):
    contact = forms.CharField(max_length=MAX_CONTACT, strip=True)
    can_host = forms.BooleanField(required=False)
    consent = forms.BooleanField()

    def __init__(self, *args: Any, words: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].error_messages.update(
            required=words["circle_contact_empty"], max_length=words["circle_contact_too_long"]
        )
        self.fields["consent"].error_messages.update(required=words["circle_consent_missing"])

    def clean_contact(self) -> str:
        contact = _clean_text(self.cleaned_data["contact"]).replace("\n", " ").replace("\r", " ")
        if not contact:
            raise forms.ValidationError(self.fields["contact"].error_messages["required"], code="required")
        return contact


class CirclePlanForm(forms.ModelForm):
    """What an org admin sets: circle size, how many of one unit at most, when circles are formed."""

    class Meta:
        model = CirclePlan
        fields = ("min_size", "max_size", "max_same_unit", "forms_on")
        labels: ClassVar = {
            "min_size": "Smallest circle",
            "max_size": "Largest circle",
            "max_same_unit": "At most this many members from one unit (leave empty for no limit)",
            "forms_on": "Circles are formed around (shown to volunteers)",
        }
        widgets: ClassVar = {"forms_on": forms.DateInput(attrs={"type": "date"})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_size"), data.get("max_size")
        if low is not None and high is not None and high < low:
            self.add_error("max_size", "The largest circle cannot be smaller than the smallest.")
        return data
