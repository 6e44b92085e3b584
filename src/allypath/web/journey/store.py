"""A man's journey, sealed under his receipt code: what he read, played, committed to and re-checked.

The receipt code opens the report; with a label of its own it also names and unlocks the journey. The
server keeps neither the code nor the key: :func:`journey_key` is a one-way hash (another label than
the response's ``receipt_hash``, so the two rows cannot be matched without the code) and the blob is
sealed with AES-256-GCM (:mod:`allypath.web.survey.sealing`) under a key derived from the code.

Only days are kept (never a time), and a re-check keeps its placement, not its answers.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from allypath.scoring import PROBABILITY_COLUMNS
from allypath.web.journey.models import Journey
from allypath.web.survey.sealing import SealError, seal, unseal

__all__ = [
    "MAX_COMMITMENTS",
    "MAX_COMMITMENT_TEXT",
    "MAX_RECHECKS",
    "Commitment",
    "JourneyState",
    "Recheck",
    "circle_cipher_key",
    "editing",
    "journey_key",
    "load",
    "placement_of",
    "volunteer_key",
]

MAX_COMMITMENTS = 40
MAX_COMMITMENT_TEXT = 300
MAX_RECHECKS = 24
# What a re-check keeps of the scored row: where it places him and how sure, and the barrier scores
# that choose his next items; never the answers.
_KEPT = (
    "status",
    "stage",
    "index",
    "index_se",
    "between_stages",
    "trailing_stage",
    "leading_stage",
    *PROBABILITY_COLUMNS,
)


def _hash(label: str, code: str) -> str:
    return hashlib.sha256(f"allypath:{label}:{code}".encode()).hexdigest()


def journey_key(code: str) -> str:
    """The row key of the journey of a (normalised) receipt code."""
    return _hash("journey", code)


def volunteer_key(code: str) -> str:
    """The row key of a circle volunteer (a third label: not matchable to the journey or the response)."""
    return _hash("circle-volunteer", code)


def _cipher_key(code: str) -> bytes:
    return hmac.new(code.encode(), b"allypath:journey-cipher", hashlib.sha256).digest()


def circle_cipher_key() -> bytes:
    """The key of volunteers' sealed details: from the server's secret key, which is not in the database."""
    return hmac.new(settings.SECRET_KEY.encode(), b"allypath:circle-volunteer", hashlib.sha256).digest()


def placement_of(result: Mapping[str, Any]) -> dict[str, Any]:
    """What is kept of a scored row: the placement and the barrier scores (``score_barrier_*``, ...)."""
    kept = {k: result.get(k) for k in _KEPT}
    scores = ("score_barrier_", "score_norm_", "score_knowledge")
    kept.update({k: v for k, v in result.items() if k.startswith(scores)})
    return kept


@dataclass
class Commitment:
    id: str
    text: str
    made_on: str  # ISO day
    done_on: str | None = None

    @property
    def done(self) -> bool:
        return self.done_on is not None


@dataclass
class Recheck:
    on: str  # ISO day
    result: dict[str, Any]


@dataclass
class JourneyState:
    read: list[str] = field(default_factory=list)
    plays: dict[str, str] = field(default_factory=dict)  # dilemma id -> the option he chose
    commitments: list[Commitment] = field(default_factory=list)
    rechecks: list[Recheck] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> JourneyState:
        return cls(
            read=[str(x) for x in data.get("read", [])],
            plays={str(k): str(v) for k, v in dict(data.get("plays", {})).items()},
            commitments=[Commitment(**c) for c in data.get("commitments", [])],
            rechecks=[Recheck(**r) for r in data.get("rechecks", [])],
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def commitment(self, commitment_id: str) -> Commitment | None:
        return next((c for c in self.commitments if c.id == commitment_id), None)

    def add_commitment(self, text: str) -> Commitment:
        made = Commitment(secrets.token_hex(6), text, timezone.localdate().isoformat())
        self.commitments.append(made)
        return made

    def add_recheck(self, result: Mapping[str, Any]) -> Recheck:
        made = Recheck(timezone.localdate().isoformat(), placement_of(result))
        self.rechecks.append(made)
        del self.rechecks[:-MAX_RECHECKS]
        return made


def load(code: str) -> JourneyState:
    """His journey (empty when he has none yet, or when the row does not open with this code)."""
    row = Journey.objects.filter(key=journey_key(code)).first()
    return _open(row, code)


def _open(row: Journey | None, code: str) -> JourneyState:
    if row is None:
        return JourneyState()
    try:
        return JourneyState.from_json(unseal(row.sealed, _cipher_key(code), row.key))
    except (SealError, TypeError, ValueError):
        return JourneyState()  # a row that does not open with its own code is not his: start afresh


@contextmanager
def editing(code: str) -> Iterator[JourneyState]:
    """Read, change and save his journey in one transaction (two tabs do not lose each other's work)."""
    key = journey_key(code)
    with transaction.atomic():
        row = Journey.objects.select_for_update().filter(key=key).first()
        if row is None:
            # His first change: there is no row to lock, so two tabs would each start from nothing and
            # the later one's save would drop the other's change. An empty row is stored first (the
            # second tab's insert waits for the first's, then finds its row) and locked as any other.
            empty = seal(JourneyState().to_json(), _cipher_key(code), key)
            today = timezone.localdate()
            Journey.objects.get_or_create(key=key, defaults={"sealed": empty, "updated_on": today})
            row = Journey.objects.select_for_update().get(key=key)
        state = _open(row, code)
        yield state
        sealed = seal(state.to_json(), _cipher_key(code), key)
        Journey.objects.update_or_create(
            key=key, defaults={"sealed": sealed, "updated_on": timezone.localdate()}
        )
