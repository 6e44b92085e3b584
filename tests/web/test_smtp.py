"""Invitations through a real SMTP server (aiosmtpd, started by the test on 127.0.0.1).

Each person's link is stored only once the server accepted his e-mail: a server that fails half-way
leaves the others without a link, to send again; nothing reaches the log; the console and file
backends, which write every link to the log or the disk, are refused outside debug.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from allypath.web.orgs.invitations import MailError, send_invitations, send_reminders
from allypath.web.orgs.models import InvitationToken

pytestmark = [pytest.mark.db, pytest.mark.django_db]


class Inbox:
    """An aiosmtpd handler that keeps what it receives, and can refuse after a number of messages."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []
        self.refuse_after: int | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_after is not None and len(self.messages) >= self.refuse_after:
            return "451 try again later"
        self.messages.append((list(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[Inbox]:
    inbox = Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd checks its own readiness by connecting)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
        ):
            yield inbox
    finally:
        controller.stop()


@pytest.fixture
def wave(acme, make_wave):
    return make_wave(acme)


def test_invitations_go_through_the_smtp_server_one_per_person_with_a_link(wave, smtp, caplog):
    with caplog.at_level(logging.DEBUG):
        assert send_invitations(wave) == 24
    assert len(smtp.messages) == 24
    recipients = {to[0] for to, _ in smtp.messages}
    assert "n0@acme.test" in recipients and "e0@acme.test" not in recipients  # E000 has no address
    links = [body.split("/s/")[1].split("/")[0] for _, body in smtp.messages]
    assert len(set(links)) == 24 and InvitationToken.objects.count() == 24
    # nothing of ours logs a link (aiosmtpd, playing the mail server here, logs what it receives)
    ours = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail.log"))
    assert not any(link in ours for link in links)


def test_a_server_that_fails_half_way_leaves_no_unsent_link_and_the_rest_go_later(wave, smtp):
    smtp.refuse_after = 10
    with pytest.raises(MailError, match="after 10 were sent"):
        send_invitations(wave)
    assert InvitationToken.objects.count() == 10  # exactly the links that reached someone
    smtp.refuse_after = None
    assert send_invitations(wave) == 14
    assert InvitationToken.objects.count() == 24 and len(smtp.messages) == 24
    assert len({to[0] for to, _ in smtp.messages}) == 24  # nobody got two invitations


def test_reminders_reach_everyone_unused_through_the_server(wave, smtp):
    send_invitations(wave)
    smtp.messages.clear()
    send_reminders(wave)
    assert len(smtp.messages) == 24
    assert all("/s/" in body for _, body in smtp.messages)


def test_a_server_that_is_down_is_a_plain_error_and_nothing_is_stored(wave):
    with (
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=9
        ),
        pytest.raises(MailError, match="after 0 were sent"),
    ):
        send_invitations(wave)
    assert not InvitationToken.objects.exists()


@pytest.mark.parametrize("backend", ["console", "file"])
def test_backends_that_write_links_to_the_log_or_disk_are_refused_outside_debug(backend):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALLYPATH_")}
    env |= {"ALLYPATH_SECRET_KEY": "k" * 40, "ALLYPATH_EMAIL_BACKEND": backend}
    code = "from allypath.web.config import load_settings; load_settings()"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert done.returncode != 0
    assert f"ALLYPATH_EMAIL_BACKEND={backend} writes every personal link" in done.stderr
    env["ALLYPATH_DEBUG"] = "true"
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0


def test_e_mails_sent_before_the_server_refused_one_are_in_the_change_log(wave, smtp, login, alice, acme):
    """Ten invitations went out, then the server refused: the change log said nothing of them (a review)."""
    from allypath.web.audit.models import ChangeEvent

    client = login(alice)
    smtp.refuse_after = 10
    client.post(f"/console/{acme.slug}/waves/{wave.pk}/action/", {"action": "invite"})
    smtp.refuse_after = None
    client.post(f"/console/{acme.slug}/waves/{wave.pk}/action/", {"action": "invite"})
    smtp.messages.clear()
    smtp.refuse_after = 3
    client.post(f"/console/{acme.slug}/waves/{wave.pk}/action/", {"action": "remind"})
    logged = list(ChangeEvent.objects.filter(org=acme).order_by("id").values_list("action", "detail"))
    assert logged == [
        ("invitations_sent", "10 sent, then the mail server refused one"),
        ("invitations_sent", "14 sent"),
        ("reminders_sent", "interrupted by the mail server: not everyone was reminded"),
    ]
