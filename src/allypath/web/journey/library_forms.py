"""The org admin's form for one of the organisation's own library items.

The form gathers plain fields (a title, the text, tick boxes for stages and tags, one prompt, step or
link per line), builds the item as the library file would write it, and has
:func:`allypath.content.validate_item` check it: one set of rules for shipped and own items. Each
problem the validator names is shown under the field it is about, in the form's own words.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms

from allypath.content import FORMATS, ContentError, suggest_reading_minutes, validate_item
from allypath.content import LANGUAGE_NAMES as CONTENT_LANGUAGE_NAMES
from allypath.instrument import load_instrument
from allypath.model import BARRIERS, NORMS, TURNING_POINTS, stage
from allypath.web.journey.texts import FORMAT_NAMES
from allypath.web.survey.texts import LANGUAGE_NAMES as NATIVE_NAMES

__all__ = ["OwnItemForm", "plain_problems"]

# "French (Français)": the console is English; the name in the language helps whoever writes in it.
LANGUAGE_NAMES = {
    code: name if name == NATIVE_NAMES[code] else f"{name} ({NATIVE_NAMES[code]})"
    for code, name in CONTENT_LANGUAGE_NAMES.items()
}
# What each kind of item is for, in the words an HR partner would use.
FORMAT_HELP = {
    "story": "a short first-person story from working life",
    "short": "a minute's read: a fact, a policy, a turning point",
    "dialogue": "at least 3 questions to talk through in a safe space",
    "pathway": "at least 3 steps, each with a concrete action",
    "opportunity": "a role to take up, and how to take it up",
}
_FIELD = re.compile(r"field (\w+)")
# The validator's field names -> this form's fields (texts are keyed by language: title.fr -> title).
_FIELD_FOR = {
    "format": "format",
    "stages": "home_stage",
    "barriers": "barriers",
    "contexts": "contexts",
    "turning_points": "turning_points",
    "reading_minutes": "reading_minutes",
    "title": "title",
    "summary": "summary",
    "body": "body",
    "question": "question",
    "prompts": "prompts",
    "steps": "steps",
    "action": "action",
    "url": "links",
}
_LABEL = {
    "reading_minutes": "The reading time",
    "prompts": "The questions",
    "steps": "The steps",
    "action": "How to take it up",
    "url": "The address",
}


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class OwnItemForm(forms.Form):
    """One item, written in one language; an empty reading time is worked out from the text."""

    language = forms.ChoiceField(
        choices=list(LANGUAGE_NAMES.items()),
        label="Written in",
        help_text="It is offered to men who read their journey in this language.",
    )
    format = forms.ChoiceField(
        choices=[(f, f"{FORMAT_NAMES[f].get_lang('en')}: {FORMAT_HELP[f]}") for f in FORMATS],
        label="Kind of item",
    )
    home_stage = forms.TypedChoiceField(
        coerce=int,
        choices=[(n, f"{stage(n).label.get_lang('en')} (stage {n} of 4)") for n in (1, 2, 3, 4)],
        label="Written mainly for",
    )
    also_stages = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        choices=[(n, stage(n).label.get_lang("en")) for n in (1, 2, 3, 4)],
        widget=forms.CheckboxSelectMultiple,
        label="Also suits",
    )
    title = forms.CharField(max_length=200)
    summary = forms.CharField(
        max_length=500, widget=forms.Textarea(attrs={"rows": 2}), label="One-line summary"
    )
    body = forms.CharField(max_length=20000, widget=forms.Textarea(attrs={"rows": 8}), label="Text")
    question = forms.CharField(
        required=False, max_length=500, label="A question to sit with (optional)", widget=forms.TextInput
    )
    prompts = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Questions to talk through (conversation prompts only)",
        help_text="One question per line, at least 3.",
    )
    steps = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Steps (step-by-step pathways only)",
        help_text="One step per line: a short title, a colon, then the action. At least 3.",
    )
    action = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="How to take it up (needed for a role to take up)",
    )
    links = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Links (optional)",
        help_text="One per line: the https address, a space, then its title.",
    )
    barriers = forms.MultipleChoiceField(
        required=False,
        choices=[(f.key, f.label.get_lang("en")) for f in (*BARRIERS, *NORMS)],
        widget=forms.CheckboxSelectMultiple,
        label="Barriers it speaks to",
    )
    contexts = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Work situations it is set in"
    )
    turning_points = forms.MultipleChoiceField(
        required=False,
        choices=[(t.key, t.label.get_lang("en")) for t in TURNING_POINTS if t.key != "other"],
        widget=forms.CheckboxSelectMultiple,
        label="Turning points it is about",
    )
    reading_minutes = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=30,
        label="Reading time in minutes (optional)",
        help_text="Left empty, it is worked out from the text.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contexts = self.fields["contexts"]
        assert isinstance(contexts, forms.MultipleChoiceField)
        contexts.choices = [
            (c.context or c.id, c.label.get_lang("en")) for c in load_instrument().constructs_of("context")
        ]
        self.spec: dict[str, Any] = {}

    # ---------------------------------------------------------------- to and from the stored item

    @classmethod
    def initial_from(cls, language: str, spec: dict[str, Any]) -> dict[str, Any]:
        """The form's initial values for a stored item."""

        def text(key: str) -> str:
            value = spec.get(key)
            return str(value.get(language, "")) if isinstance(value, dict) else ""

        stages = list(spec.get("stages") or [1])
        return {
            "language": language,
            "format": spec.get("format"),
            "home_stage": stages[0],
            "also_stages": stages[1:],
            "title": text("title"),
            "summary": text("summary"),
            "body": text("body"),
            "question": text("question"),
            "prompts": "\n".join(p.get(language, "") for p in spec.get("prompts") or []),
            "steps": "\n".join(
                f"{s['title'].get(language, '')}: {s['action'].get(language, '')}"
                for s in spec.get("steps") or []
            ),
            "action": text("action"),
            "links": "\n".join(f"{x['url']} {x['title'].get(language, '')}" for x in spec.get("links") or []),
            "barriers": spec.get("barriers") or [],
            "contexts": spec.get("contexts") or [],
            "turning_points": spec.get("turning_points") or [],
            "reading_minutes": spec.get("reading_minutes"),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        lang = data["language"]
        home = data["home_stage"]

        def text(value: str) -> dict[str, str]:
            return {lang: value.strip()}

        spec: dict[str, Any] = {
            "id": "org_item_new",
            "format": data["format"],
            "stages": [home, *sorted(s for s in set(data.get("also_stages") or []) if s != home)],
            "barriers": list(data.get("barriers") or []),
            "contexts": list(data.get("contexts") or []),
            "turning_points": list(data.get("turning_points") or []),
            "title": text(data["title"]),
            "summary": text(data["summary"]),
            "body": text(data["body"]),
        }
        if data.get("question"):
            spec["question"] = text(data["question"])
        if data.get("action"):
            spec["action"] = text(data["action"])
        prompts, steps = _lines(data.get("prompts", "")), data.get("steps", "")
        if data["format"] == "dialogue":
            spec["prompts"] = [text(line) for line in prompts]
        elif prompts:
            self.add_error("prompts", "Questions to talk through go with conversation prompts only.")
        if data["format"] == "pathway":
            spec["steps"] = self._steps(steps, text)
        elif _lines(steps):
            self.add_error("steps", "Steps go with a step-by-step pathway only.")
        links = self._links(data.get("links", ""), text)
        if links:
            spec["links"] = links
        words = [v[lang] for k, v in spec.items() if isinstance(v, dict) and lang in v]
        words += [p[lang] for p in spec.get("prompts", [])]
        words += [t[lang] for s in spec.get("steps", []) for t in (s["title"], s["action"])]
        minutes = data.get("reading_minutes")
        spec["reading_minutes"] = minutes if minutes else suggest_reading_minutes(words)
        if self.errors:
            return data
        try:
            validate_item(spec, languages=[lang], source="your item")
        except ContentError as problem:
            self._show(problem)
            return data
        del spec["id"]
        self.spec = spec
        return data

    def _steps(self, value: str, text: Any) -> list[dict[str, Any]]:
        steps = []
        for n, line in enumerate(_lines(value), start=1):
            title, colon, action = line.partition(":")
            if not colon or not title.strip() or not action.strip():
                self.add_error("steps", f"Step {n} needs a short title, a colon, then the action.")
                continue
            steps.append({"title": text(title), "action": text(action)})
        return steps

    def _links(self, value: str, text: Any) -> list[dict[str, Any]]:
        links = []
        for n, line in enumerate(_lines(value), start=1):
            url, _, title = line.partition(" ")
            if not title.strip():
                self.add_error("links", f"Link {n} needs a title after its address.")
                continue
            links.append({"url": url, "title": text(title)})
        return links

    def _show(self, problem: ContentError) -> None:
        """Each of the validator's problems under its field, in the form's words."""
        for field, message in plain_problems(problem):
            self.add_error(field, message)


def plain_problems(problem: ContentError) -> list[tuple[str | None, str]]:
    """The validator's problems as (the form field each is about, or None; the message without the
    validator's internal field names), for the form and for the console's list of items."""
    out: list[tuple[str | None, str]] = []
    for line in str(problem).splitlines()[1:]:
        message = line.strip().split(": ", 1)[-1]
        found = _FIELD.search(message)
        key = found.group(1) if found else ""
        where = re.search(r"link (\d+)", line)
        if found:
            label = _LABEL.get(key, "It")
            message = _FIELD.sub("", message, count=1).lstrip(".[]0123456789 ")
            message = re.sub(r"^(en|fr|ar) ", "", message).replace(" (translation needed)", "")
            message = f"{label} {message}"
        if where and key == "url":
            message = f"Link {where.group(1)}: {message.replace('The address ', 'the address ')}"
        field = _FIELD_FOR.get(key)
        out.append((field if field in OwnItemForm.base_fields else None, message))
    return out
