"""Forms of the dashboard's action plan: adopt a proposed intervention, follow an adopted one."""

from __future__ import annotations

from typing import ClassVar

from django import forms

from allypath.web.plans.models import AdoptedItem


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
    owner = forms.CharField(required=False, max_length=200)
    due = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class PlanItemForm(forms.ModelForm):
    class Meta:
        model = AdoptedItem
        fields: ClassVar = ["owner", "due", "status"]
        widgets: ClassVar = {"due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
