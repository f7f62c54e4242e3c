"""The email worker: `fracturecare manage send_outbox` (runs until stopped) or `--once`."""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from fracturecare.scheduling.outbox import outbox_send_due


class Command(BaseCommand):
    help = "Send queued patient emails (confirmations at once, reminders when due); record every failure."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="send what is due now, then exit")
        parser.add_argument("--interval", type=float, default=10.0, help="seconds between passes (default 10)")

    def handle(self, *args, once: bool = False, interval: float = 10.0, **options):
        self._stop = False
        if not once:
            signal.signal(signal.SIGTERM, self._request_stop)
            signal.signal(signal.SIGINT, self._request_stop)
        while True:
            report = outbox_send_due()
            if report.sent or report.failed or report.skipped:
                self.stdout.write(
                    f"sent {len(report.sent)}, failed {len(report.failed)}, not needed {len(report.skipped)}"
                )
            if once or self._stop:
                return
            deadline = time.monotonic() + interval
            while not self._stop and time.monotonic() < deadline:
                time.sleep(min(0.5, interval))
            if self._stop:
                return
            # A long-running worker must not hold a dead or stale connection between passes.
            close_old_connections()

    def _request_stop(self, signum, frame):
        # Finish the message in hand, then leave: a half-sent message would show as 'sending'.
        self._stop = True
