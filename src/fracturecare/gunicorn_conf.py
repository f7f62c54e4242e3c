"""gunicorn settings for `fracturecare serve` (and for operators: `gunicorn -c python:fracturecare.gunicorn_conf`).

Threaded workers (gthread): each worker process runs several requests at once, so one slow page
(a clinic-wide report, a big export) holds one thread, not a whole worker, and the public pages
keep answering. Django releases the GIL while it waits for the database, which is where most of
a page's time goes. Processes give real parallelism on several cores; threads cover the waiting.

Sizing: one worker per core plus one, 4 threads each (on 2 cores: 3 x 4 = 12 requests in flight).
Every value can be set in the environment (the names below); the deploy guide explains them.
"""

from __future__ import annotations

import os


def _int(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not an integer") from None
    if value < minimum:
        raise SystemExit(f"{name}={value} must be at least {minimum}")
    return value


_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)

bind = os.environ.get("FRACTURECARE_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = _int("FRACTURECARE_WEB_WORKERS", _cores + 1)
threads = _int("FRACTURECARE_WEB_THREADS", 4)
# A request that runs longer than this is killed and its worker restarted: no page should take 30 s.
timeout = _int("FRACTURECARE_WEB_TIMEOUT", 30)
graceful_timeout = _int("FRACTURECARE_WEB_GRACEFUL_TIMEOUT", 30)
# Keep-alive between the reverse proxy and gunicorn (the proxy holds the slow client connections).
keepalive = _int("FRACTURECARE_WEB_KEEPALIVE", 5)
# Recycle workers now and then so a slow leak cannot grow without bound; jitter avoids all at once.
max_requests = _int("FRACTURECARE_WEB_MAX_REQUESTS", 5000, minimum=0)
max_requests_jitter = _int("FRACTURECARE_WEB_MAX_REQUESTS_JITTER", 500, minimum=0)
# Load the app before forking: workers share its memory and a broken configuration fails at once.
preload_app = True
# Behind the reverse proxy: trust X-Forwarded-* only from it (a comma-separated list of addresses).
forwarded_allow_ips = os.environ.get("FRACTURECARE_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Access log: method, path WITHOUT the query string (%(U)s; search terms and names must not reach
# the logs), status, size, duration in microseconds. No referrer: it can carry a query string too.
accesslog = os.environ.get("FRACTURECARE_ACCESS_LOG", "-") or None
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(D)sus'
errorlog = "-"
loglevel = os.environ.get("FRACTURECARE_GUNICORN_LOG_LEVEL", "info")
