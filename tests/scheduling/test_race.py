"""Forty people race for one slot against the real server (gunicorn, several worker processes).

Exactly one gets 201, the rest 409, and the database holds one appointment and nothing
half-written. Runs on SQLite (a file in a temporary data folder) and, when DATABASE_URL
names a PostgreSQL server, on a throwaway database there.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
RACERS = 40
WORKERS = 4

ENGINES = ["sqlite"]
if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    ENGINES.append("postgresql")

SEED = r"""
import datetime, json, os
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fracturecare.settings")
django.setup()
from django.core.management import call_command
call_command("migrate", "--no-input", verbosity=0)
from django.utils import timezone
from fracturecare.accounts.models import Role, User
from fracturecare.scheduling.clock import local_to_utc
from fracturecare.scheduling.models import AppointmentType, AvailabilityRule, Location, Practitioner
user = User.objects.create(username="racer-clinician", role=Role.CLINICIAN, first_name="Dana", last_name="Reyes")
kind = AppointmentType.objects.create(slug="new-patient-consultation", name="New-patient consultation", minutes=60,
                                      new_patients=True)
practitioner = Practitioner.objects.create(user=user)
practitioner.appointment_types.set([kind])
location = Location.objects.create(name="Downtown clinic", address="100 Main Street")
for weekday in range(7):
    AvailabilityRule.objects.create(practitioner=practitioner, location=location, weekday=weekday,
                                    start_time=datetime.time(9), end_time=datetime.time(17))
start = local_to_utc(timezone.localdate() + datetime.timedelta(days=2), datetime.time(10))
print(json.dumps({"practitioner": practitioner.pk, "start": start.isoformat()}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _database(engine: str, tmp_path: Path):
    """Yield (env, count_rows) for a fresh database of this engine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRACTURECARE_")}
    env["FRACTURECARE_DATA_DIR"] = str(tmp_path / "data")
    # All racers come from one address: keep the public booking limit out of the race.
    env["FRACTURECARE_BOOKING_LIMIT_PER_HOUR"] = str(RACERS)
    env["PYTHONPATH"] = str(ROOT / "src")
    if engine == "sqlite":
        env.pop("DATABASE_URL", None)
        path = tmp_path / "data" / "fracturecare.sqlite3"

        def query(sql):
            with sqlite3.connect(path) as conn:
                return conn.execute(sql).fetchall()

        yield env, query
        return

    import psycopg

    base = os.environ["DATABASE_URL"]
    name = f"fc_race_{uuid.uuid4().hex[:10]}"
    admin_url = base.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + name

    def query(sql):
        with psycopg.connect(env["DATABASE_URL"]) as conn:
            return conn.execute(sql).fetchall()

    try:
        yield env, query
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def _server(env: dict, log_path: Path):
    port = _free_port()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(BIN / "fracturecare"), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(WORKERS)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"server exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(base + "/api/v1/appointment-types", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"server did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.3)
        yield base
    finally:
        # Only the server this test started: its own process group (gunicorn master and workers).
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _post(url: str, body: dict) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.parametrize("engine", ENGINES)
def test_forty_racers_for_one_slot_get_one_201_and_thirty_nine_409(engine, tmp_path):
    with _database(engine, tmp_path) as (env, query):
        seeded = subprocess.run(
            [sys.executable, "-c", SEED], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
        )
        assert seeded.returncode == 0, seeded.stderr[-3000:]
        target = json.loads(seeded.stdout.strip().splitlines()[-1])
        log_path = tmp_path / "server.log"
        with _server(env, log_path) as base:
            barrier = threading.Barrier(RACERS)

            def race(i: int) -> int:
                body = {
                    "type": "new-patient-consultation",
                    "start": target["start"],
                    "practitioner": target["practitioner"],
                    "reason": "Racing for a slot",
                    "patient": {
                        "first_name": "Racer",
                        "last_name": f"Number{i}",
                        "email": f"racer{i}@example.test",
                        "phone": "",
                        "date_of_birth": "1990-01-01",
                    },
                }
                barrier.wait()
                return _post(base + "/api/v1/bookings", body)

            with ThreadPoolExecutor(max_workers=RACERS) as pool:
                statuses = list(pool.map(race, range(RACERS)))

        assert sorted(statuses) == [201] + [409] * (RACERS - 1), statuses
        workers = log_path.read_text().count("Booting worker with pid")
        assert workers >= 2, "the race must run across several worker processes"

        # The database itself: one live appointment, its twelve cells, one patient, nothing else.
        assert query("SELECT count(*) FROM scheduling_appointment")[0][0] == 1
        assert query("SELECT count(*) FROM scheduling_practitionertimecell")[0][0] == 12
        assert query("SELECT count(DISTINCT appointment_id) FROM scheduling_practitionertimecell")[0][0] == 1
        assert query("SELECT count(*) FROM patients_patient")[0][0] == 1
        assert query("SELECT count(*) FROM scheduling_outboxmessage WHERE kind = 'confirmation'")[0][0] == 1
