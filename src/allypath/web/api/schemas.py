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
    unit: str = Field(..., description="the unit's path, or '<path>/(directly in this unit)'")
    depth: int
    invited: int = Field(..., description="people invited in the unit and below it (always shown)")
    responded: int | None = Field(
        None,
        description="usable (scored) responses in the unit and below it, as the dashboard counts "
        "them; null when hidden by the privacy gate",
    )
    rate: float | None = Field(None, description="responded / invited; null when hidden")
    note: str = Field("", description="why the count is hidden, in words")


class RatesOut(Schema):
    """Usable responses per unit. Only scored responses count (an unusable, e.g. empty, answer set
    does not), the same rows as on the dashboard; the counts come from the organisation's release, the same
    for every viewer."""

    k: int
    invited: int
    responded: int | None = Field(
        ..., description="usable responses of the whole organisation; null when hidden"
    )
    rate: float | None
    note: str = Field("", description="why the organisation's count is hidden, in words")
    rows: list[RateRowOut]
