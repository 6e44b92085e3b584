"""``python -m allypath.web send_due_reminders``: send the reminder e-mails scheduled for today.

Run it once a day (cron or a systemd timer); it sends nothing twice for the same scheduled day.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from allypath.web.config import sweep_uploads
from allypath.web.orgs.invitations import MailError, send_due_reminders


class Command(BaseCommand):
    help = "Send the reminder e-mails that waves have scheduled for today (run it daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        sweep_uploads(settings.ENV.data_dir)  # uploads left under review for a day (raw exports) go too
        try:
            waves = send_due_reminders()
        except MailError as exc:
            raise CommandError(f"reminders not finished: {exc}") from None
        if not waves:
            self.stdout.write("No reminders are due today.")
        for wave in waves:
            self.stdout.write(f"Reminders sent for {wave.org.name}: {wave.name}.")
