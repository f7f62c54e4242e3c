"""The message worker (emails and texts): `fracturecare worker`, or `manage send_outbox`; `--once` for one pass."""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from fracturecare.scheduling.outbox import outbox_send_due


class Command(BaseCommand):
    help = "Send queued patient emails and texts (confirmations at once, reminders when due); record every failure."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="send what is due now, then exit")
        parser.add_argument("--interval", type=float, default=10.0, help="seconds between passes (default 10)")

    # A provider outage must not kill the worker: a pass that fails outright is logged and retried.

    def handle(self, *args, once: bool = False, interval: float = 10.0, **options):
        self._stop = False
        if not once:
            signal.signal(signal.SIGTERM, self._request_stop)
            signal.signal(signal.SIGINT, self._request_stop)
        while True:
            try:
                report = outbox_send_due()
            except DatabaseError as exc:
                if once:
                    raise
                self.stderr.write(f"pass failed, retrying: {type(exc).__name__}: {exc}")
                close_old_connections()
                time.sleep(min(interval, 5.0))
                continue
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
