"""Locust users for bench/load/run.py: one page, hammered by signed-in clinic admins.

The runner sets BENCH_PAGE (a key of PAGES), BENCH_PATIENTS (how many synthetic patients the
database holds, so record and plan ids are drawn from rows that exist) and BENCH_SESSIONS
(signed-in sessions of the demo's clinic admin, who may open every page measured). Each user
requests its page with no think time: a closed loop, so throughput is what the server
sustains at that concurrency. Anything but a 200 counts as a failure.
"""

from __future__ import annotations

import datetime
import os
import random

from locust import FastHttpUser, task

PATIENTS = int(os.environ.get("BENCH_PATIENTS", "1000"))
PAGE = os.environ.get("BENCH_PAGE", "floor")
#: Session keys of signed-in users, made by the runner (no password hashing inside the measurement).
SESSIONS = [key for key in os.environ.get("BENCH_SESSIONS", "").split(",") if key]


def _slots() -> str:
    start = datetime.date.today() + datetime.timedelta(days=1)
    end = start + datetime.timedelta(days=6)
    return f"/api/v1/slots?type=follow-up&start={start}&end={end}"


#: page key -> (needs sign-in, path maker). Ids are random among the synthetic rows: records are
#: read from all over the table, as a clinic's day does, not one hot row.
PAGES = {
    "floor": (False, lambda: "/healthz"),
    "condition": (False, lambda: "/conditions/stress-fracture/"),
    "slots": (False, _slots),
    "home": (True, lambda: "/clinic/"),
    "search": (True, lambda: f"/clinic/patients/?q={random.choice(('Smith', 'Lee', 'Patel', 'Garcia', 'Kim'))}"),
    "record": (True, lambda: f"/clinic/patients/{random.randint(10, PATIENTS)}/"),
    "plan": (True, lambda: f"/clinic/plans/{random.randint(10, PATIENTS)}/"),
    "week": (True, lambda: "/clinic/schedule/?view=week"),
    "audit": (True, lambda: "/clinic/audit/"),
}


class ClinicUser(FastHttpUser):
    """Requests one page (BENCH_PAGE) in a loop, with a signed-in session when the page needs it."""

    def on_start(self) -> None:
        needs_login, _ = PAGES[PAGE]
        self.cookie = ""
        if needs_login:
            if not SESSIONS:
                raise RuntimeError("BENCH_SESSIONS is empty: the runner makes the signed-in sessions")
            self.cookie = f"sessionid={random.choice(SESSIONS)}"

    @task
    def page(self) -> None:
        _, path = PAGES[PAGE]
        headers = {"Accept-Encoding": "gzip"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        with self.client.get(path(), name=PAGE, catch_response=True, headers=headers,
                             allow_redirects=False) as resp:
            if resp.status_code != 200:
                resp.failure(f"status {resp.status_code}")
