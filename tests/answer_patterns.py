"""Answers a consistent respondent gives: what the web and security tests submit.

The packaged scoring model sets careless answers aside (the same answer everywhere, answers unlike
any stage), so test respondents answer as a person at one stage most likely would: each stage item
gets the answer the scoring model finds most probable for that stage (turned for reverse-keyed
items), and the other agreement items one answer per construct, varied from construct to construct.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import numpy as np

from allypath.instrument import Instrument
from allypath.scoring import load_stage_model

#: ``level`` as the tests have always passed it (1 disagrees, 5 agrees) -> the stage it places.
STAGE_OF_LEVEL = {1: 1, 2: 2, 3: 2, 4: 3, 5: 4}
_OTHER_CONSTRUCTS = (4, 2, 3, 5, 2, 4, 3)  # one answer per non-stage construct, neighbours differ


def likert_answers(form: Instrument, stage: int) -> dict[str, int]:
    """The agreement answers of a consistent respondent at ``stage`` (1-4)."""
    model = load_stage_model()
    answers: dict[str, int] = {}
    other = 0
    for construct in form.constructs:
        likert = [item for item in construct.items if item.type == "likert"]
        if not likert:
            continue
        if all(item.stage is not None for item in likert):
            for item in likert:
                assert item.stage is not None
                location = model.affinity[stage - 1, item.stage - 1] + model.item_offsets.get(item.id, 0.0)
                slope = model.discrimination.get(item.kind, 1.0)
                code = int(np.argmax(model.category_probabilities(np.array(location), slope))) + 1
                answers[item.id] = model.categories + 1 - code if item.reverse else code
        else:
            value = _OTHER_CONSTRUCTS[other % len(_OTHER_CONSTRUCTS)]
            other += 1
            for item in likert:
                answers[item.id] = 6 - value if item.reverse else value
    return answers


def sample_answers(
    form: Instrument, level: int = 4, text: str = "More time in meetings to listen."
) -> dict[str, Any]:
    """A complete, valid answer set of a consistent respondent (stage from ``level``), first options
    elsewhere."""
    answers: dict[str, Any] = dict(likert_answers(form, STAGE_OF_LEVEL[level]))
    for item in form.items:
        if item.type == "likert":
            continue
        if item.type == "single":
            answers[item.id] = next(o.value for o in item.options if o.value is not None)
        elif item.type == "checklist":
            answers[item.id] = [next(o.id for o in item.options if not o.exclusive)]
        else:
            answers[item.id] = text
    return answers


def submit_answers(client: Any, token: str, answers: dict[str, Any], language: str = "en") -> str:
    """Send ``answers`` with the link ``token`` through the API, as the survey's last page does, and
    return the receipt code; anything but 201 Created fails the test, naming the body."""
    body = {"token": token, "submission_id": str(uuid.uuid4()), "answers": answers, "language": language}
    r = client.post("/api/v1/responses", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    return str(r.json()["receipt"])


def answer_page(
    page: Any, form: Instrument, level: int = 4, text: str = "More listening, less talking."
) -> None:
    """Answer every question on a survey page in a browser by clicking, as a consistent respondent
    at ``level``'s stage would (the first box of a checklist, ``text`` in a comment box)."""
    consistent = likert_answers(form, STAGE_OF_LEVEL[level])
    for question in page.locator(".question").all():
        radios = question.locator("input[type=radio]")
        if radios.count():
            item_id = str(radios.first.get_attribute("name")).removeprefix("q_")
            if item_id in consistent:
                question.locator(f"input[type=radio][value='{consistent[item_id]}']").check()
            else:
                radios.nth(min(2, radios.count()) - 1).check()
            continue
        boxes = question.locator("input[type=checkbox]")
        if boxes.count():
            boxes.first.check()
            continue
        question.locator("textarea").fill(text)
