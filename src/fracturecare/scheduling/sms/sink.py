"""The local SMS sink: each text is one JSON line in a file. The demo and the tests use it.

A line is keyed by the outbox message id: sending the same message again returns the first
line's id and writes nothing, as an idempotent provider would.
"""

from __future__ import annotations

import datetime
import fcntl
import json
from pathlib import Path

from fracturecare.scheduling.sms.base import SmsSendError


class FileSink:
    """Append-only JSON-lines file standing in for an SMS provider."""

    name = "sink"

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def read(self) -> list[dict]:
        """Every text in the sink, oldest first."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        return [json.loads(line) for line in lines if line.strip()]

    def send(self, *, message_id: int, to: str, body: str) -> str:
        """Write the text once per message id; return its sink id."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a+", encoding="utf-8") as handle:
                # One writer at a time, so two workers cannot both append the same message.
                fcntl.flock(handle, fcntl.LOCK_EX)
                handle.seek(0)
                for line in handle.read().splitlines():
                    if line.strip() and json.loads(line).get("message_id") == message_id:
                        return json.loads(line)["sid"]
                sid = f"sink-{message_id}"
                record = {
                    "sid": sid,
                    "message_id": message_id,
                    "to": to,
                    "body": body,
                    "at": datetime.datetime.now(datetime.UTC).isoformat(),
                }
                handle.write(json.dumps(record) + "\n")
                return sid
        except OSError as exc:
            raise SmsSendError(f"sink not writable: {exc.strerror}") from None
