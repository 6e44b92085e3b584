"""Fixtures of the journey tests: a submitted response and its receipt code."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

import pytest

from allypath.instrument import Instrument
from allypath.web.orgs.models import Organisation, Wave


@pytest.fixture
def submitted(
    client,
    acme: Organisation,
    make_wave: Callable[..., Wave],
    issue_tokens,
    answers_for,
    instrument: Instrument,
) -> Callable[..., str]:
    """Submit a consistent respondent's answers through the API; returns the receipt code."""
    waves: dict[str, Wave] = {}
    tokens: dict[str, dict[str, str]] = {}

    def send(employee: str = "S003", level: int = 4, language: str = "en", form: str = "full") -> str:
        if form not in waves:
            waves[form] = make_wave(acme, form=form, name=f"Pulse {form}")
            tokens[form] = issue_tokens(waves[form])
        body = {
            "token": tokens[form][employee],
            "submission_id": str(uuid.uuid4()),
            "answers": answers_for(instrument.form(form), level),
            "language": language,
        }
        r = client.post("/api/v1/responses", data=json.dumps(body), content_type="application/json")
        assert r.status_code == 201, r.content
        return str(r.json()["receipt"])

    return send
