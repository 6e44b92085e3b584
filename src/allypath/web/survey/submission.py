"""The one submission service shared by the HTML survey and ``POST /api/v1/responses``.

Idempotent by the link and its ``submission_id`` together: a retry with the same link, id and answers
gets the same receipt (and creates nothing); the same id with other answers is a conflict. The
``submission_id`` alone is never a key: sent with another link it is another submission. The
invitation is marked used in the same transaction that stores the response, with a compare-and-set
so two concurrent submissions on one link store exactly one response. The response row gets no
token, employee id, address or time of day.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from allypath.errors import RequestProblem
from allypath.web.orgs.instruments import wave_instrument
from allypath.web.orgs.keys import claim_key, panel_key, receipt_for, receipt_hash, submission_key
from allypath.web.orgs.models import (
    Employee,
    Invitation,
    InvitationClaim,
    PrivacyMode,
    Wave,
    WaveStatus,
)
from allypath.web.survey.answers import AnswerError, check_answers
from allypath.web.survey.links import REFUSALS, LinkError, find_link, usable_link
from allypath.web.survey.models import Draft, Response
from allypath.web.survey.prepared import columns, fetch_one, join, once, values
from allypath.web.survey.scoring import RUSHED_REASON, score_one, set_aside

__all__ = [
    "FieldProblem",
    "SubmissionError",
    "SubmissionResult",
    "body_hash",
    "find_submitted",
    "submit",
]

_LINK_STATUS = {"unknown": 422, "used": 409, "closed": 409, "expired": 409, "not_open": 409}


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str
    code: str = "invalid"


class SubmissionError(RequestProblem):
    """Why a submission was not stored: an HTTP ``status`` (409, 422), a ``code`` and every field at
    fault (``field`` is set when there is exactly one). The API answers it with the other
    :class:`RequestProblem`; the survey pages catch it to send the respondent somewhere useful."""

    def __init__(self, status: int, code: str, message: str, errors: tuple[FieldProblem, ...] = ()) -> None:
        super().__init__(status, message, field=errors[0].field if len(errors) == 1 else None, code=code)
        self.errors = errors
        self.answer_errors: tuple[AnswerError, ...] = ()

    def field_errors(self) -> list[tuple[str, str, str]]:
        return [(e.field, e.message, e.code) for e in self.errors]


@dataclass(frozen=True)
class SubmissionResult:
    receipt: str
    created: bool
    response_id: uuid.UUID = field(compare=False)


def body_hash(answers: Mapping[str, Any], language: str, salt: str) -> str:
    """The hash that tells a retry (same body) from a conflicting reuse of a ``submission_id``.

    Salted with the (random, never stored) submission id: unsalted, whoever reads the row could hash its
    stored answers with each offered language and learn the language asked for, or find two responses
    with the same answers.
    """
    canonical = json.dumps(
        {"answers": answers, "language": language, "salt": salt}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _stored_language(invitation: Invitation, language: str, k: int) -> str:
    """The language kept with the response: the one asked for when at least k invitees of the stored
    combination list it in the HRIS, else none. Otherwise a language few there speak would point the
    host at those few (the report then opens in the language of the page that asks for it).

    Counts as ``Invitation.objects.filter(wave_id=.., unit_id=.., level=.., region=..,
    employee__language__istartswith=language)[:k].count()`` would (stopping at k: a wave of 30,000
    links made counting all of them a scan per submission), with the SQL written once (:mod:`.prepared`).
    """
    row = fetch_one(
        once("speakers", _speakers_sql),
        [
            invitation.wave_id,
            invitation.unit_id,
            invitation.level,
            invitation.region,
            connection.ops.prep_for_like_query(language) + "%",
            k,
        ],
    )
    speakers = int(row[0]) if row is not None else 0
    return language if speakers >= k else ""


def _speakers_sql() -> str:
    i = columns(Invitation, "i", only=("id",))
    e = columns(Employee, "e", only=("id",))
    # The backend's own case-insensitive prefix match, as the ORM's __istartswith writes it.
    lhs = connection.ops.lookup_cast("istartswith", "CharField") % e.column("language")
    match = getattr(connection, "operators")["istartswith"] % "%s"  # noqa: B009 - not in the stubs
    return (
        f"SELECT COUNT(*) FROM (SELECT 1 FROM {i.table} JOIN {e.table} ON {join(i, 'employee', e)}"  # noqa: S608
        f" WHERE {i.column('wave')} = %s AND {i.column('unit')} = %s AND {i.column('level')} = %s"
        f" AND {i.column('region')} = %s AND {lhs} {match} LIMIT %s) speakers"
    )


def _replay(
    key: str, body: str, wave: Wave | None, token: str, submission_id: uuid.UUID
) -> SubmissionResult | None:
    cols = columns(Response, "r", only=("id", "body_hash", "wave"))
    sql = once(
        "replay",
        lambda: f"SELECT {cols.sql} FROM {cols.table} WHERE {cols.column('submission_key')} = %s",  # noqa: S608
    )
    row = fetch_one(sql, [key])
    if row is None:
        return None
    existing = dict(zip(cols.attnames, values(cols, row), strict=True))
    if existing["body_hash"] != body or (wave is not None and existing["wave_id"] != wave.pk):
        raise SubmissionError(
            422,  # issue 7: same key, other body -> 422; a used link or closed wave stays 409
            "submission_id_reused",
            "this submission_id was already used for different answers; send a new submission_id",
            (FieldProblem("submission_id", "already used for a different submission", "reused"),),
        )
    return SubmissionResult(receipt_for(token, submission_id), False, existing["id"])


def find_submitted(token: str, submission_id: uuid.UUID) -> SubmissionResult | None:
    """The stored submission of this link and id (the browser that sent it asks again), or None."""
    existing = Response.objects.filter(submission_key=submission_key(token, submission_id)).first()
    if existing is None:
        return None
    return SubmissionResult(receipt_for(token, submission_id), False, existing.pk)


def _claim(invitation: Invitation) -> None:
    """Claim ``invitation`` in the caller's transaction, or refuse with what the link is now.

    The claim is an :class:`InvitationClaim` under a key only the server can compute: the invitation's
    own row is not written here (on PostgreSQL it would carry this transaction's ``xmin``, the
    response's, and pair the two for whoever reads the database). Its unique key makes a second
    claim of the same invitation fail.

    The link was found usable before the answers were checked and scored; by then the wave may have
    closed. After the claim (which takes the write lock on SQLite), the wave's row is read with a
    shared lock: a close in progress (it locks the row for update) is waited for and then seen, and a
    close that starts later waits for this transaction, whose claim it then turns into a used flag.
    """
    try:
        with transaction.atomic():  # a savepoint: the unique key refuses a second claim
            InvitationClaim.objects.create(key=claim_key(invitation.pk), wave_id=invitation.wave_id)
    except IntegrityError:
        _refuse("used")
    status = fetch_one(_wave_status_sql(), [invitation.wave_id])
    if status is None or status[0] != WaveStatus.OPEN:
        _refuse("closed" if status is not None and status[0] == WaveStatus.CLOSED else "not_open")


def _refuse(kind: str, message: str | None = None) -> NoReturn:
    """The API's error for a link of ``kind`` (:data:`REFUSALS`), with the field it concerns."""
    message = message or REFUSALS[kind]
    raise SubmissionError(
        _LINK_STATUS[kind], f"link_{kind}", message, (FieldProblem("token", message, kind),)
    ) from None


def _wave_status_sql() -> str:
    cols = columns(Wave, "w", only=("status",))
    share = " FOR SHARE" if connection.features.has_select_for_update else ""  # SQLite: one writer
    return once(
        "wave_status",
        lambda: f"SELECT {cols.sql} FROM {cols.table} WHERE {cols.column('id')} = %s{share}",  # noqa: S608
    )


def submit(
    token: str,
    submission_id: uuid.UUID,
    answers: Mapping[str, Any],
    language: str,
    *,
    draft: str | None = None,
    pace: str | None = None,
) -> SubmissionResult:
    """Store one response for the invitation behind ``token`` and return its receipt code.

    Raises
    ------
    SubmissionError
        422 for an unknown link, a language the wave does not offer or invalid answers (every bad field
        named, and a submission_id reused for other answers); 409 for a used link, a closed or expired
        wave.

    ``draft`` is the key of the submitting browser's draft, deleted with the submission (drafts of
    the same link in other browsers cannot be found from the link; they go when the wave closes).
    ``pace`` is how fast the survey's pages were answered (:mod:`allypath.web.survey.pace`): answers
    sent faster than the questions can be read are set aside like other careless answers.
    """
    key = submission_key(token, submission_id)
    found = find_link(token)
    body = body_hash(answers, language, str(submission_id))
    try:
        link = usable_link(found)  # the token is looked up once, above
    except LinkError as problem:
        # A retry of a stored submission succeeds whatever happened to the link since (it was used by
        # it). Looked for only once the link is refused, so that a first request that commits while
        # this one runs (a double click) is found too, and a fresh submission pays no extra query.
        replay = _replay(key, body, found.invitation.wave, token, submission_id) if found else None
        if replay is not None:
            return replay
        _refuse(problem.kind, str(problem))
    wave = link.wave
    instrument = wave_instrument(wave.instrument_id, wave.instrument_version)
    clean, answer_errors = check_answers(answers, instrument.form(wave.form))
    problems = [FieldProblem(e.field, e.message, e.code) for e in answer_errors]
    if language not in wave.languages:
        problems.insert(
            0, FieldProblem("language", f"must be one of {', '.join(wave.languages)}", "not_offered")
        )
    if problems:
        rejected = SubmissionError(422, "invalid_answers", "some answers are not valid", tuple(problems))
        rejected.answer_errors = tuple(answer_errors)
        raise rejected
    result = score_one(clean, instrument, wave.form)  # outside the write lock (about 1 ms: BENCHMARKS.md)
    if pace == "rushed":
        result = set_aside(result, RUSHED_REASON)
    invitation = link.invitation
    response = Response(
        wave=wave,
        unit_id=invitation.unit_id,
        level=invitation.level,
        region=invitation.region,
        language=_stored_language(invitation, language, wave.k),
        submitted_on=timezone.localdate(),
        answers=clean,
        result=result,
        status=str(result.get("status") or ""),
        stage=result.get("stage") if result.get("status") == "scored" else None,
        pace=pace,
        submission_key=key,
        body_hash=body,
        receipt_hash=receipt_hash(receipt_for(token, submission_id)),
        panel_key=panel_key(wave.org_id, invitation.employee.employee_id)
        if wave.privacy_mode == PrivacyMode.PANEL
        else "",
    )
    try:
        with transaction.atomic():
            _claim(invitation)
            response.save(force_insert=True)
            if draft is not None:
                Draft.objects.filter(key=draft).delete()
    except IntegrityError:
        # The same submission_id raced us and won: answer as a retry.
        replay = _replay(key, body, wave, token, submission_id)
        if replay is None:
            raise
        return replay
    except SubmissionError:
        replay = _replay(key, body, wave, token, submission_id)
        if replay is not None:
            return replay
        raise
    return SubmissionResult(receipt_for(token, submission_id), True, response.pk)
