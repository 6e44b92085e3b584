"""Forms of the dashboard's action plan: adopt a proposed intervention, follow an adopted one."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from allypath.web.journey.models import CirclePlan
from allypath.web.plans.models import AdoptedItem, library_titles

#: What a due date that is no day of the calendar (2027-02-30) gets, after the field's label.
DATE_PROBLEM = "enter a real date, e.g. 2027-02-28"


class AdoptForm(forms.Form):
    """Which proposal to adopt: the request that showed it (wave, filters, breakdown), the group and
    the intervention. The proposal itself is recomputed on the server."""

    wave = forms.IntegerField(min_value=1)
    unit = forms.CharField(required=False, max_length=500)
    level = forms.CharField(required=False, max_length=100)
    region = forms.CharField(required=False, max_length=100)
    by = forms.CharField(required=False, max_length=20)
    group = forms.CharField(max_length=500)
    intervention = forms.CharField(max_length=100)
    owner = forms.CharField(required=False, max_length=200, label="Owner")
    due = forms.DateField(
        required=False,
        label="Due date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": DATE_PROBLEM},
    )


class PlanItemForm(forms.ModelForm):
    """Follow an adopted item: who, by when, where it stands, and how it is delivered (the library
    items men are pointed to, the organisation's ally circles). An unknown library id is refused with
    its name; "through the ally circles" needs circles set up for the organisation."""

    library_items = forms.MultipleChoiceField(
        required=False,
        choices=[],  # the shipped library and the organisation's own: set per form
        label="Library items",
        # Boxes, not a multiple select: a select needs Ctrl to keep a choice, loses every other choice
        # with one plain click, and reads poorly on phones and to screen readers. The plan page draws
        # them in a fieldset named for the item (console/dashboard/plan.html).
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "%(value)s is not in the content library."},
    )
    through_circles = forms.BooleanField(required=False, label="Through the ally circles")

    class Meta:
        model = AdoptedItem
        fields: ClassVar = ["owner", "due", "status", "library_items"]
        widgets: ClassVar = {"due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        labels: ClassVar = {"owner": "Owner", "due": "Due date", "status": "Status"}
        error_messages: ClassVar = {"due": {"invalid": DATE_PROBLEM}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["through_circles"].initial = self.instance.circle_plan_id is not None
        library = self.fields["library_items"]
        assert isinstance(library, forms.MultipleChoiceField)
        library.choices = list(library_titles(self.instance.org_id).items())

    def clean_through_circles(self) -> bool:
        wanted = bool(self.cleaned_data.get("through_circles"))
        if wanted and not CirclePlan.objects.filter(org_id=self.instance.org_id).exists():
            raise forms.ValidationError(
                "this organisation has no ally circles set up yet (an org admin sets them up on the "
                "Circles page)."
            )
        return wanted

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        # set here, before the model's own checks (same organisation) run on the instance
        if "through_circles" in data:
            wanted = data["through_circles"]
            plan = CirclePlan.objects.filter(org_id=self.instance.org_id).first() if wanted else None
            self.instance.circle_plan = plan
        return data
