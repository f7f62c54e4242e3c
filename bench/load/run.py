"""Load benchmark: the app served as in production, driven by Locust, page by page.

    .venv/bin/pip install -e ".[bench]"      # Locust, pinned
    .venv/bin/python bench/load/run.py --patients 1000 100000 --engines sqlite postgres

For each database engine and clinic size it makes (once, then reuses) a synthetic clinic with
`fracturecare demo --patients N`, starts `fracturecare serve` (gunicorn with gunicorn_conf.py:
gthread workers, hashed and compressed static files, DEBUG off) on a loopback port, and runs
Locust headless against one page at a time for --seconds with --users concurrent users and no
think time. It reports, per page, requests per second and p50/p95 latency, and each as a
multiple of the floor (`/healthz`: the whole middleware stack and nothing else), then checks the
targets: every page at least 50 % of the floor's throughput, and p95 at the largest clinic at
most 1.3 x p95 at the smallest. Results go to bench/load/results/<engines>.json and .md (a Markdown table).

Loopback only, bounded: every Locust run has a --run-time and the server is stopped after it.
PostgreSQL needs --postgres-prefix: a URL to which the clinic size is appended as the database
name's suffix (the database must exist and be empty, or hold a clinic this script generated).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PAGES = ("floor", "home", "search", "record", "plan", "week", "audit", "slots", "condition")
LABELS = {
    "floor": "minimal view `/healthz` (the floor)",
    "home": "clinic home `/clinic/` (clinic admin)",
    "search": "patient search `/clinic/patients/?q=`",
    "record": "a patient's record",
    "plan": "plan review",
    "week": "week calendar `/clinic/schedule/?view=week`",
    "audit": "audit log `/clinic/audit/`",
    "slots": "slot search `/api/v1/slots` (7 days)",
    "condition": "public condition page",
}
THROUGHPUT_TARGET = 0.5
P95_GROWTH_TARGET = 1.3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(engine: str, patients: int, args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env["FRACTURECARE_DATA_DIR"] = str(Path(args.work) / f"{engine}-{patients}")
    env.pop("DATABASE_URL", None)
    if engine == "postgres":
        if not args.postgres_prefix:
            raise SystemExit("--postgres-prefix is needed for the postgres engine")
        env["DATABASE_URL"] = f"{args.postgres_prefix}{patients}"
    env["FRACTURECARE_DEBUG"] = "false"
    env["FRACTURECARE_ACCESS_LOG"] = ""  # the access log would measure the terminal, not the app
    env["BENCH_PATIENTS"] = str(patients)
    return env


def ensure_clinic(engine: str, patients: int, args: argparse.Namespace) -> None:
    """Generate the synthetic clinic once; a marker file says it is complete."""
    env = _env(engine, patients, args)
    data = Path(env["FRACTURECARE_DATA_DIR"])
    marker = data / "bench-clinic-ready"
    if marker.exists():
        return
    data.mkdir(parents=True, exist_ok=True)
    print(f"generating {engine} clinic of {patients:,} patients ...", flush=True)
    began = time.monotonic()
    subprocess.run([str(BIN / "fracturecare"), "demo", "--patients", str(patients)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    marker.write_text(f"{time.monotonic() - began:.0f} s\n")


def _wait_ready(url: str, server: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer {url} in {timeout:.0f} s")


_SESSIONS = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
import time
from fracturecare.accounts.signals import AUTH_AT, LAST_SEEN
user = get_user_model().objects.get(username={username!r})
for _ in range({count}):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # What signing in records: the session's start (the working-day limit) and the last activity.
    store[AUTH_AT] = store[LAST_SEEN] = int(time.time())
    store.create()
    print("SESSION", store.session_key)
"""


def _sessions(env: dict[str, str], count: int, username: str) -> list[str]:
    """Signed-in sessions made directly: password hashing (by design slow) stays out of the figures."""
    proc = subprocess.run([str(BIN / "fracturecare"), "manage", "shell", "-c",
                           _SESSIONS.format(username=username, count=count)],
                          env=env, check=True, capture_output=True, text=True)
    return [line.split()[1] for line in proc.stdout.splitlines() if line.startswith("SESSION ")]


def measure(engine: str, patients: int, args: argparse.Namespace) -> dict[str, dict]:
    """Serve the clinic and run Locust against each page; return figures per page."""
    env = _env(engine, patients, args)
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    log = open(Path(args.work) / f"serve-{engine}-{patients}.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen([str(BIN / "fracturecare"), "serve", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    figures: dict[str, dict] = {}
    try:
        _wait_ready(f"{host}/healthz", server)
        env["BENCH_SESSIONS"] = ",".join(_sessions(env, args.users, args.user))
        out = Path(args.work) / "locust"
        out.mkdir(parents=True, exist_ok=True)
        for page in args.pages:
            prefix = out / f"{engine}-{patients}-{page}"
            run_env = {**env, "BENCH_PAGE": page}
            subprocess.run(
                [str(BIN / "locust"), "-f", str(ROOT / "bench" / "load" / "locustfile.py"), "--headless",
                 "--host", host, "-u", str(args.users), "-r", str(args.users), "--run-time", f"{args.seconds}s",
                 "--stop-timeout", "5", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
                env=run_env, check=False, stdout=subprocess.DEVNULL, stderr=open(f"{prefix}.log", "w"),  # noqa: SIM115
                timeout=args.seconds + 60,
            )
            figures[page] = _read_stats(prefix, page)
            print(f"  {engine:8} {patients:>7,} {page:10} {figures[page]['rps']:8.1f} req/s  "
                  f"p50 {figures[page]['p50_ms']:6.0f} ms  p95 {figures[page]['p95_ms']:6.0f} ms  "
                  f"failures {figures[page]['failures']}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
    return figures


def _read_stats(prefix: Path, page: str) -> dict:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == page:
                return {
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50_ms": float(row["50%"]),
                    "p95_ms": float(row["95%"]),
                    "bytes": float(row["Average Content Size"]),
                }
    raise SystemExit(f"no figures for {page} in {prefix}_stats.csv (did Locust run?)")


def report(results: dict, args: argparse.Namespace) -> str:
    """A Markdown table per run, multiples of the floor, and the targets met or missed."""
    lines = []
    smallest, largest = min(args.patients), max(args.patients)
    for engine in args.engines:
        for patients in args.patients:
            figures = results[engine][str(patients)]
            floor = figures["floor"]
            lines += [f"\n**{engine}, {patients:,} patients** (floor: {floor['rps']:.0f} req/s, "
                      f"p50 {floor['p50_ms']:.0f} ms, p95 {floor['p95_ms']:.0f} ms)\n",
                      "| page | req/s | × floor | p50 ms | p95 ms | p95 × floor | failures |",
                      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
            for page in args.pages:
                f = figures[page]
                share = f["rps"] / floor["rps"] if floor["rps"] else 0
                flag = "" if share >= THROUGHPUT_TARGET else " ✗"
                lines.append(f"| {LABELS[page]} | {f['rps']:.1f} | {share:.2f}{flag} | {f['p50_ms']:.0f} | "
                             f"{f['p95_ms']:.0f} | {f['p95_ms'] / max(floor['p95_ms'], 1):.1f} | {f['failures']} |")
        if smallest != largest:
            lines += [f"\n**{engine}: p95 at {largest:,} ÷ p95 at {smallest:,}** (target ≤ {P95_GROWTH_TARGET})\n",
                      "| page | ratio |", "| --- | ---: |"]
            for page in args.pages:
                big = results[engine][str(largest)][page]["p95_ms"]
                small = max(results[engine][str(smallest)][page]["p95_ms"], 1)
                flag = "" if big / small <= P95_GROWTH_TARGET else " ✗"
                lines.append(f"| {LABELS[page]} | {big / small:.2f}{flag} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patients", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--engines", nargs="+", choices=("sqlite", "postgres"), default=["sqlite"])
    parser.add_argument("--postgres-prefix", default=os.environ.get("BENCH_POSTGRES_PREFIX", ""),
                        help="e.g. postgres://postgres@127.0.0.1:5432/fracturecare_bench_ (size appended)")
    parser.add_argument("--pages", nargs="+", choices=PAGES, default=list(PAGES))
    parser.add_argument("--users", type=int, default=12, help="concurrent users (default: workers x threads)")
    parser.add_argument("--seconds", type=int, default=20, help="Locust run time per page")
    parser.add_argument("--name", default="", help="results file name (default: the engines)")
    parser.add_argument("--user", default="admin", help="the signed-in user (the demo's clinic admin)")
    parser.add_argument("--work", default=str(ROOT / "var" / "bench"), help="clinics, logs and Locust output")
    args = parser.parse_args()
    if "floor" not in args.pages:
        args.pages.insert(0, "floor")
    Path(args.work).mkdir(parents=True, exist_ok=True)
    results: dict = {"conditions": {
        "python": platform.python_version(), "machine": platform.machine(), "cores": os.cpu_count(),
        "load_average_at_start": os.getloadavg(), "users": args.users, "seconds_per_page": args.seconds,
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }}
    for engine in args.engines:
        results[engine] = {}
        for patients in args.patients:
            ensure_clinic(engine, patients, args)
            results[engine][str(patients)] = measure(engine, patients, args)
    results["conditions"]["load_average_at_end"] = os.getloadavg()
    out = ROOT / "bench" / "load" / "results"
    out.mkdir(parents=True, exist_ok=True)
    name = args.name or "-".join(args.engines)
    (out / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")
    table = report(results, args)
    (out / f"{name}.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
