"""Locust users for bench/load/run.py: one page, hammered by signed-in clinic admins.

The runner sets BENCH_PAGE (a key of PAGES) and BENCH_PATIENTS (how many synthetic patients
the database holds, so record and plan ids are drawn from rows that exist). Each user signs in
once (the demo's clinic admin, who may open every page measured) and then requests its page
with no think time: a closed loop, so throughput is what the server sustains at that
concurrency. Requests other than the page (sign-in) are reported under their own names and
left out of the figures.
"""

from __future__ import annotations

import datetime
import os
import random
import re

from locust import FastHttpUser, task

PATIENTS = int(os.environ.get("BENCH_PATIENTS", "1000"))
PAGE = os.environ.get("BENCH_PAGE", "floor")
USERNAME = os.environ.get("BENCH_USER", "admin")
PASSWORD = os.environ.get("BENCH_PASSWORD", "demo-admin-pass")
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


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
    """Requests one page (BENCH_PAGE) in a loop, signed in when the page needs it."""

    def on_start(self) -> None:
        needs_login, _ = PAGES[PAGE]
        if not needs_login:
            return
        form = self.client.get("/accounts/login/", name="login")
        match = _CSRF.search(form.text or "")
        if not match:
            raise RuntimeError("no CSRF token on the login page")
        self.client.post(
            "/accounts/login/",
            data={"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": match.group(1)},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login",
        )

    @task
    def page(self) -> None:
        _, path = PAGES[PAGE]
        with self.client.get(path(), name=PAGE, catch_response=True, headers={"Accept-Encoding": "gzip"}) as resp:
            if resp.status_code != 200:
                resp.failure(f"status {resp.status_code}")
            elif "/accounts/login/" in (resp.url or ""):
                resp.failure("sent to the login page")
