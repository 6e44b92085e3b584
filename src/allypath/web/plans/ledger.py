"""One persistent disclosure ledger per (user, organisation), shared by the dashboard pages, the API
and the exports, so the differencing guard holds across requests.

:func:`with_ledger` restores the viewer's :class:`~allypath.privacy.DisclosureLedger`, runs the
request's analytics with it and stores it again. Concurrent requests of the same viewer use
optimistic locking: the store succeeds only if nobody stored a newer version meanwhile; otherwise the
work is redone on the newer ledger, and its first result is thrown away unseen. No lock is held while
the analytics run, so survey submissions are never kept waiting on a dashboard.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from allypath.errors import AllypathError
from allypath.privacy import DisclosureLedger, PrivacyPolicy
from allypath.web.orgs.models import Organisation, Wave, WaveStatus
from allypath.web.plans.models import ViewerLedger

__all__ = ["LedgerBusyError", "org_policy", "with_ledger"]

T = TypeVar("T")
ATTEMPTS = 4


class LedgerBusyError(AllypathError):
    """The viewer's ledger kept changing under this request (many parallel requests): try again."""


def org_policy(org: Organisation) -> PrivacyPolicy:
    """The strictest policy of the organisation's launched waves (one ledger spans all its waves).

    Each wave promised its own k; the largest k and k_text keep every one of those promises.
    """
    found = (
        Wave.objects.filter(org=org)
        .exclude(status=WaveStatus.DRAFT)
        .aggregate(k=Max("k"), k_text=Max("k_text"))
    )
    if found["k"] is None:
        return PrivacyPolicy()
    return PrivacyPolicy(k=int(found["k"]), k_text=max(int(found["k_text"]), int(found["k"])))


def _restore(row: ViewerLedger, policy: PrivacyPolicy, viewer: str) -> DisclosureLedger:
    if not row.snapshot:
        return DisclosureLedger(policy, viewer)
    data: dict[str, Any] = json.loads(zlib.decompress(bytes(row.snapshot)))
    # A newer wave may have raised k: the history stays, judged under the stricter policy.
    data["k"], data["k_text"] = policy.k, policy.k_text
    return DisclosureLedger.from_dict(data, policy)


def _size(ledger: DisclosureLedger) -> int:
    return len(ledger.released) + len(ledger.released_comments)


def _row(user: Any, org: Organisation, policy: PrivacyPolicy) -> ViewerLedger:
    defaults = {"k": policy.k, "k_text": policy.k_text}
    try:
        with transaction.atomic():
            row, _ = ViewerLedger.objects.get_or_create(user=user, org=org, defaults=defaults)
    except IntegrityError:  # another request of the same viewer created it a moment ago
        row = ViewerLedger.objects.get(user=user, org=org)
    return row


def with_ledger(user: Any, org: Organisation, work: Callable[[DisclosureLedger], T]) -> T:
    """Run ``work`` with the viewer's ledger and keep what it released; return ``work``'s result.

    ``work`` may run more than once (only the last result leaves): it must not have side effects
    besides the ledger.
    """
    policy = org_policy(org)
    viewer = f"user:{user.pk}"
    for _ in range(ATTEMPTS):
        row = _row(user, org, policy)
        ledger = _restore(row, policy, viewer)
        before = _size(ledger)
        result = work(ledger)
        if _size(ledger) == before and (row.k, row.k_text) == (policy.k, policy.k_text):
            return result  # nothing new was shown: the stored ledger already covers it
        snapshot = zlib.compress(json.dumps(ledger.to_dict(), separators=(",", ":")).encode(), 6)
        stored = ViewerLedger.objects.filter(pk=row.pk, version=row.version).update(
            snapshot=snapshot,
            version=row.version + 1,
            k=policy.k,
            k_text=policy.k_text,
            groups=_size(ledger),
            updated_at=timezone.now(),
        )
        if stored:
            return result
    raise LedgerBusyError("too many simultaneous requests of this viewer: please try again")
