"""Populating organisations for the dashboard tests.

:func:`store_responses` writes responses straight into the database from simulated, vectorised-scored
rows (the same answers and scored result the survey would store, without scoring one row at a time),
so a test organisation with two waves costs a fraction of a second. :func:`second_wave` adds a later
wave to a demo organisation through the real submission service.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import math
import secrets
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import allypath
from allypath.instrument import load_instrument
from allypath.web.orgs.invitations import create_invitations, export_links_csv
from allypath.web.orgs.keys import panel_key
from allypath.web.orgs.models import Employee, Invitation, Organisation, Wave, WaveStatus
from allypath.web.survey.models import Response

REPO = Path(__file__).resolve().parents[2]


@cache
def demo_module() -> Any:
    spec = importlib.util.spec_from_file_location("demo_web", REPO / "scripts" / "demo_web.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def simulated(n: int = 400, seed: int = 11) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``n`` simulated respondents: the answers the survey would receive and their scored results."""
    frame = allypath.simulate(n, seed=seed)
    scored = allypath.score(frame)
    form = load_instrument().form("full")
    answers_of = demo_module().answers_from_row
    answers = [answers_of(row, form) for row in frame.to_dict("records")]
    extra = [c for c in scored.columns if c not in frame.columns]
    results = [
        {k: _plain(v) for k, v in row.items()} for row in scored[["respondent_id", *extra]].to_dict("records")
    ]
    for result in results:
        result.pop("respondent_id")
    return answers, results


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _digest() -> str:
    return hashlib.sha256(secrets.token_bytes(16)).hexdigest()


def store_responses(
    wave: Wave, employee_ids: list[str], *, offset: int = 0, texts: bool = True, close: bool = True
) -> list[Response]:
    """Responses of ``employee_ids`` to ``wave`` (invited already), with simulated answers from
    ``offset`` on; marks their invitations used. ``texts=False`` drops the open-text answers.
    ``close`` closes an open wave afterwards (an open wave publishes response counts only)."""
    answers, results = simulated()
    invitations = {
        i.employee.employee_id: i
        for i in Invitation.objects.filter(wave=wave, employee__employee_id__in=employee_ids).select_related(
            "employee"
        )
    }
    rows = []
    for position, employee in enumerate(employee_ids):
        invitation = invitations[employee]
        given = dict(answers[(offset + position) % len(answers)])
        if not texts:
            given.pop("ot1", None)
            given.pop("ot2", None)
        result = results[(offset + position) % len(results)]
        rows.append(
            Response(
                wave=wave,
                unit_id=invitation.unit_id,
                level=invitation.level,
                region=invitation.region,
                language="en",
                answers=given,
                result=result,
                status=result["status"],
                stage=result["stage"] if result["status"] == "scored" else None,
                submission_key=_digest(),
                body_hash=_digest(),
                receipt_hash=_digest(),
                panel_key=panel_key(wave.org_id, employee) if wave.privacy_mode == "panel" else "",
            )
        )
    Response.objects.bulk_create(rows)
    Invitation.objects.filter(pk__in=[invitations[e].pk for e in employee_ids]).update(used=True)
    if close and wave.status == WaveStatus.OPEN:
        wave.close()
    return rows


def second_wave(org: Organisation, *, returning: float = 0.8, seed: int = 5) -> Wave:
    """A later wave of a demo organisation: same settings, launched, answered (through the submission
    service) by ``returning`` of the first wave's respondents and a few others."""
    from allypath.web.survey.submission import submit

    first = Wave.objects.filter(org=org).order_by("opens_on").first()
    assert first is not None
    today = dt.date.today()
    wave = Wave.objects.create(
        org=org,
        name="2026 Q3",
        instrument_id=first.instrument_id,
        instrument_version=first.instrument_version,
        form=first.form,
        languages=first.languages,
        privacy_mode=first.privacy_mode,
        k=first.k,
        k_text=first.k_text,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
    )
    wave.launch()
    create_invitations(wave)
    tokens = {
        line.split(",")[0]: line.rstrip("/").rsplit("/", 1)[-1]
        for line in export_links_csv(wave).csv_text.strip().splitlines()[1:]
    }
    people = list(Employee.objects.filter(org=org).values_list("employee_id", flat=True))
    keys = set(Response.objects.filter(wave=first).values_list("panel_key", flat=True))
    rng = np.random.default_rng(seed)
    if first.privacy_mode == "panel":  # the same people again, recognised by their panel keys
        before = [e for e in people if panel_key(org.pk, e) in keys]
    else:  # anonymous: nobody can be recognised; as many people answer again
        before = list(rng.choice(people, size=Response.objects.filter(wave=first).count(), replace=False))
    chosen = list(rng.choice(before, size=int(len(before) * returning), replace=False)) if before else []
    others = [e for e in people if e not in set(before)]
    chosen += list(rng.choice(others, size=max(5, len(chosen) // 5), replace=False))
    answers, _ = simulated()  # full-form answers, as the demo waves use
    for position, employee in enumerate(chosen):
        submit(tokens[employee], uuid.uuid4(), answers[(position * 7 + 3) % len(answers)], "en")
    wave.close()  # an open wave publishes response counts only
    return wave
