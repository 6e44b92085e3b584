"""Forms of the console's response import: the upload, a reviewed mapping, and the import settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from allypath.instrument import Instrument
from allypath.privacy import K_FLOOR
from allypath.web.console.import_stage import ALLOWED_SUFFIXES
from allypath.web.orgs.instruments import available_instrument, wave_instrument
from allypath.web.orgs.models import Form, Organisation, PrivacyMode, Unit, Wave, WaveKind, WaveStatus
from allypath.web.survey.imported import ImportOptions

__all__ = ["ImportSettingsForm", "MappingUploadForm", "ResponseUploadForm"]

MAX_MAPPING_BYTES = 1024 * 1024
_LANGUAGE_NAMES = {"en": "English", "fr": "French", "ar": "Arabic"}


def _check_size(upload: UploadedFile, limit: int, what: str) -> UploadedFile:
    if upload.size and upload.size > limit:
        raise ValidationError(f"the {what} is larger than {limit // (1024 * 1024)} MB")
    return upload


def _read_mapping(upload: UploadedFile) -> str:
    if Path(upload.name or "").suffix.lower() not in (".yaml", ".yml"):
        raise ValidationError("upload the mapping as a .yaml file")
    _check_size(upload, MAX_MAPPING_BYTES, "mapping")
    try:
        text = b"".join(upload.chunks()).decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError("the mapping is not UTF-8 text") from None
    if not text.strip():
        raise ValidationError("the mapping file is empty")
    return text


class ResponseUploadForm(forms.Form):
    # An empty file is let through: the reader's error names it (file, header row) like any other.
    file = forms.FileField(
        allow_empty_file=True,
        label="Survey export",
        help_text=f"Qualtrics, SurveyMonkey, LimeSurvey, SPSS, Excel or CSV ({', '.join(ALLOWED_SUFFIXES)})",
    )
    mapping = forms.FileField(
        allow_empty_file=True,
        label="Reviewed mapping (optional)",
        required=False,
        help_text="a .yaml mapping you reviewed before; without one, allypath proposes a mapping",
    )

    def clean_file(self) -> UploadedFile:
        # The file type is checked when the upload is staged, so its error names the file like the others.
        upload: UploadedFile = self.cleaned_data["file"]
        return _check_size(upload, settings.ALLYPATH_MAX_UPLOAD_BYTES, "file")

    def clean_mapping(self) -> str | None:
        upload = self.cleaned_data.get("mapping")
        return _read_mapping(upload) if upload else None


class MappingUploadForm(forms.Form):
    mapping = forms.FileField(label="Reviewed mapping (.yaml)", allow_empty_file=True)

    def clean_mapping(self) -> str:
        return _read_mapping(self.cleaned_data["mapping"])


class ImportSettingsForm(forms.Form):
    """Where each row goes (its unit) and into which wave."""

    unit_column = forms.ChoiceField(
        label="Unit column", required=False, help_text="the column holding each row's unit (path or name)"
    )
    unit_path = forms.ChoiceField(
        label="Or: every row in unit", required=False, help_text="when the file has no unit column"
    )
    target = forms.ChoiceField(label="Import into")
    name = forms.CharField(label="Name of the new wave", max_length=200, required=False)
    form = forms.ChoiceField(label="Form", choices=Form.choices, initial=Form.FULL)
    language = forms.ChoiceField(label="Language the survey was answered in")
    opens_on = forms.DateField(
        label="Survey ran from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_on = forms.DateField(label="to", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    k = forms.IntegerField(label="Minimum group size k", min_value=K_FLOOR, initial=5)
    k_text = forms.IntegerField(label="Minimum group size for comments", min_value=K_FLOOR, initial=10)

    NEW: ClassVar[str] = "new"

    def __init__(
        self, *args: Any, org: Organisation, columns: list[str], unit_column: str = "", **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.org = org
        self.instrument = available_instrument()
        column_field = self.fields["unit_column"]
        assert isinstance(column_field, forms.ChoiceField)
        column_field.choices = [("", "(no unit column)"), *[(c, c) for c in columns]]
        self.initial.setdefault("unit_column", unit_column if unit_column in columns else "")
        unit_field = self.fields["unit_path"]
        assert isinstance(unit_field, forms.ChoiceField)
        paths = Unit.objects.filter(org=org).order_by("path").values_list("path", flat=True)
        unit_field.choices = [("", "(from the unit column)"), *[(p, p) for p in paths]]
        self.drafts = {
            str(w.pk): w
            for w in Wave.objects.filter(org=org, kind=WaveKind.IMPORTED, status=WaveStatus.DRAFT)
            if not w.has_responses
        }
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = [(self.NEW, "a new imported wave")] + [
            (pk, f"the draft imported wave {w.name}") for pk, w in self.drafts.items()
        ]
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [(lang, _LANGUAGE_NAMES.get(lang, lang)) for lang in self.instrument.languages]
        today = timezone.localdate()
        self.initial.setdefault("opens_on", today - dt.timedelta(days=14))
        self.initial.setdefault("closes_on", today)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("unit_column") and not data.get("unit_path"):
            self.add_error("unit_column", "choose the column holding each row's unit, or one unit for all")
        if data.get("target") == self.NEW:
            for name in ("name", "opens_on", "closes_on"):
                if not data.get(name):
                    self.add_error(name, "needed for a new wave")
        return data

    def options(self) -> ImportOptions:
        data = self.cleaned_data
        wave = self.drafts.get(data["target"])
        return ImportOptions(
            form=wave.form if wave is not None else data["form"],
            language=data["language"],
            unit_column=data.get("unit_column") or None,
            unit_path=data.get("unit_path") or None,
        )

    def target_instrument(self) -> Instrument:
        """The instrument of the chosen draft wave, or the one a new wave gets."""
        draft = self.drafts.get(self.cleaned_data["target"])
        if draft is None:
            return self.instrument
        return wave_instrument(draft.instrument_id, draft.instrument_version)

    def wave(self) -> Wave:
        """The wave the rows go into: the chosen empty draft, or a new (unsaved) imported wave."""
        data = self.cleaned_data
        draft = self.drafts.get(data["target"])
        if draft is not None:
            if data["language"] not in draft.languages:
                raise ValidationError(
                    f"the draft wave {draft.name} is in {', '.join(draft.languages)}, not {data['language']}"
                )
            return draft
        wave = Wave(
            org=self.org,
            kind=WaveKind.IMPORTED,
            name=data["name"],
            instrument_id=self.instrument.id,
            instrument_version=self.instrument.version,
            form=data["form"],
            languages=[data["language"]],
            privacy_mode=PrivacyMode.ANONYMOUS,
            k=data["k"],
            k_text=data["k_text"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
        )
        wave.full_clean()
        return wave
