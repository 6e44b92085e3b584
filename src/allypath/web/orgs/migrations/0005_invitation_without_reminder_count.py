"""Reminders no longer date each answer (DESIGN §6 (c)).

``Invitation.reminders_sent`` counted the reminders an invitation received, and reminders gave a new
token to unused invitations only: a used invitation with r reminders was answered between reminder r
and r+1. The count goes, and reminders now give every invitation they cover a token, used or not
(``orgs.invitations.send_reminders``). Tokens already stored are evened out the same way: every
invitation that a wave's reminder run could have covered (it had a link by that day and has an e-mail
address) gets a token of that day that opens nothing (the hash of a random value), as many as the run
gave any one invitation; then the wave's tokens are stored again with new ids in the order day,
invitation, so their ids say nothing more than their day. Links in hand keep working (the hashes stay).
"""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from typing import Any

from django.db import migrations


def even_out_reminder_tokens(apps: Any, schema_editor: Any) -> None:
    Invitation = apps.get_model("orgs", "Invitation")
    Token = apps.get_model("orgs", "InvitationToken")
    waves = set(Token.objects.values_list("invitation__wave_id", flat=True))
    for wave_id in sorted(waves):
        held: dict[int, list[tuple[str, Any]]] = defaultdict(list)
        rows = Token.objects.filter(invitation__wave_id=wave_id).order_by("id")
        for invitation_id, token_hash, day in rows.values_list("invitation_id", "token_hash", "issued_on"):
            held[invitation_id].append((token_hash, day))
        # Reminder runs: each token after an invitation's first is a reminder's; a run is a day, with
        # the most reminders that day gave one invitation.
        runs: Counter[Any] = Counter()
        for tokens in held.values():
            for day, count in Counter(day for _, day in tokens[1:]).items():
                runs[day] = max(runs[day], count)
        if not runs:
            continue
        addressed = Invitation.objects.filter(pk__in=list(held)).exclude(employee__email="")
        with_address = set(addressed.values_list("pk", flat=True))
        stored: list[tuple[Any, int, int, str]] = []  # (day, first link or not, invitation, hash)
        for invitation_id, tokens in held.items():
            first_hash, first_day = tokens[0]
            stored.append((first_day, 0, invitation_id, first_hash))
            stored += [(day, 1, invitation_id, token_hash) for token_hash, day in tokens[1:]]
            if invitation_id not in with_address and len(tokens) == 1:
                continue  # never reminded (no address), used or not
            have = Counter(day for _, day in tokens[1:])
            for day, count in runs.items():
                if day >= first_day:  # it had a link by then: the run could have covered it
                    decoys = range(count - have[day])
                    stored += [(day, 1, invitation_id, secrets.token_hex(32)) for _ in decoys]
        Token.objects.filter(invitation__wave_id=wave_id).delete()
        Token.objects.bulk_create(
            [
                Token(invitation_id=invitation_id, token_hash=token_hash, issued_on=day)
                for day, _, invitation_id, token_hash in sorted(stored, key=lambda row: row[:3])
            ],
            batch_size=1000,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0004_organisation_policies"),
    ]

    operations = [
        migrations.RunPython(even_out_reminder_tokens, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(
            model_name="invitation",
            name="reminders_sent",
        ),
    ]
