"""Typed request and response bodies of the API (the edge: everything is validated here first)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Schema

__all__ = [
    "ErrorOut",
    "FieldErrorOut",
    "OrgOut",
    "RateRowOut",
    "RatesOut",
    "ReceiptOut",
    "SubmissionIn",
    "WaveOut",
]


class SubmissionIn(Schema):
    token: str = Field(..., min_length=1, max_length=100, description="the token of the personal link")
    submission_id: uuid.UUID = Field(..., description="a fresh UUID per submission; the idempotency key")
    answers: dict[str, Any] = Field(
        ..., description="item id -> whole number, list of option ids (checklist) or text; omit skipped items"
    )
    language: str = Field(..., min_length=2, max_length=16, description="en, fr or ar (as the wave offers)")


class ReceiptOut(Schema):
    receipt: str = Field(..., description="the code that opens the private report; shown to no one else")
    report_url: str


class FieldErrorOut(Schema):
    field: str = Field(..., description="token, submission_id, language or answers.<item_id>")
    message: str
    code: str = "invalid"


class ErrorOut(Schema):
    detail: str
    code: str
    errors: list[FieldErrorOut] = Field(default_factory=list)


class OrgOut(Schema):
    slug: str
    name: str
    role: str


class WaveOut(Schema):
    id: int
    name: str
    status: str
    privacy_mode: str
    form: str
    languages: list[str]
    k: int
    k_text: int
    opens_on: dt.date
    closes_on: dt.date


class RateRowOut(Schema):
    unit: str
    depth: int
    invited: int
    responded: int | None = Field(None, description="null when hidden by the privacy gate")
    rate: float | None = None
    note: str = ""


class RatesOut(Schema):
    k: int
    invited: int
    responded: int | None
    rate: float | None
    rows: list[RateRowOut]
