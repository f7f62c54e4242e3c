"""Django settings, read from the environment (see README, "Configuration")."""

from __future__ import annotations

import ipaddress
import secrets
import sys
import zoneinfo

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from fracturecare.envconfig import data_dir, env_bool, env_int, env_list, env_str

DATA_DIR = data_dir()
DEBUG = env_bool("FRACTURECARE_DEBUG", False)


def _secret_key() -> str:
    """Use FRACTURECARE_SECRET_KEY, or a random key kept in the data folder."""
    key = env_str("FRACTURECARE_SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("FRACTURECARE_SECRET_KEY must be at least 32 characters")
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("FRACTURECARE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("FRACTURECARE_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "fracturecare.accounts",
    "fracturecare.audit",
    "fracturecare.clinic",
    "fracturecare.patients",
    "fracturecare.evaluations",
    "fracturecare.planning",
    "fracturecare.charting",
    "fracturecare.outcomes",
    "fracturecare.handouts",
    "fracturecare.scheduling",
    "fracturecare.public",
    "fracturecare.dashboard",
    "fracturecare.portal",
    "fracturecare.interop",
    "fracturecare.intake",
    "fracturecare.programmes",
    # Serves the API docs' Swagger UI from our static files, not a CDN (the CSP allows only 'self').
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "fracturecare.synthetic",
    "fracturecare.clinicadmin",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML and JSON leave compressed (static files are served above, already compressed). BREACH:
    # Django masks the CSRF token differently in every response and this middleware pads the gzip
    # header with random bytes; pages never echo a secret next to attacker-chosen text. See docs/deploy.md.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fracturecare.accounts.middleware.IdleLogoutMiddleware",
    "fracturecare.accounts.middleware.AbsoluteSessionLifetimeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "fracturecare.accounts.middleware.TwoFactorMiddleware",
    "fracturecare.accounts.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "fracturecare.clinic.middleware.ClinicMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "fracturecare.queryparams.QueryRefusedMiddleware",
    # Last, so it sees the failed logins every view above reports (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fracturecare.urls"
WSGI_APPLICATION = "fracturecare.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fracturecare.context_processors.clinic",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{DATA_DIR / 'fracturecare.sqlite3'}"
_database_url = env_str("DATABASE_URL", _default_sqlite)
try:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer commits; the timeout makes concurrent
    # writers (several gunicorn workers) wait for the lock instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/clinic/"
LOGOUT_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id first: new and changed passwords are hashed with it; older PBKDF2 hashes still
# verify and are upgraded on the next successful sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# The lockout backend goes first: it refuses a locked-out account or address before any
# password is checked (django-axes needs `request` in authenticate(), as the login form passes).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Set-password links (portal invitations, forgotten passwords) work once and for this long.
PASSWORD_RESET_TIMEOUT = env_int("FRACTURECARE_SET_PASSWORD_LINK_HOURS", 72, minimum=1) * 3600

# Sign-in lockout (django-axes): after this many failures in a row for one username, or from one
# client address, further attempts are refused until a clinic admin unlocks (/clinic/security/)
# or the cool-off passes.
AXES_FAILURE_LIMIT = env_int("FRACTURECARE_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = env_int("FRACTURECARE_LOGIN_LOCKOUT_MINUTES", 30, minimum=1) / 60  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "fracturecare.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "fracturecare.accounts.lockout.client_address"
AXES_USERNAME_CALLABLE = "fracturecare.accounts.lockout.attempted_username"
AXES_VERBOSE = False
# No Django admin site here: the unlock page is /clinic/security/.
AXES_ENABLE_ADMIN = False

# Idle logout for clinician sessions (seconds without a request).
IDLE_LOGOUT_SECONDS = env_int("FRACTURECARE_IDLE_LOGOUT_SECONDS", 15 * 60, minimum=60)
# A session ends this long after sign-in however busy it is (a working day), so a login
# cannot be kept alive for weeks by activity alone.
SESSION_ABSOLUTE_SECONDS = env_int("FRACTURECARE_SESSION_HOURS", 10, minimum=1) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Production profile: an https base URL turns on HTTPS-only transport (redirect, HSTS,
# secure cookies). FRACTURECARE_SECURE_COOKIES can still force secure cookies on its own.
_BASE_URL = env_str("FRACTURECARE_BASE_URL") or "http://127.0.0.1:8000"
HTTPS = _BASE_URL.lower().startswith("https://")
SESSION_COOKIE_SECURE = env_bool("FRACTURECARE_SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("FRACTURECARE_HSTS_SECONDS", 365 * 86400, minimum=0) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("FRACTURECARE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("FRACTURECARE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("FRACTURECARE_PROXY_SETS_X_FORWARDED_PROTO", False):
    # Only behind a proxy that overwrites this header: otherwise a client could claim https.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = []
if not SECURE_HSTS_PRELOAD:
    # Joining the browsers' preload list is a decision for the domain's owner (it binds every
    # subdomain for years); the header is sent without the preload flag unless asked for.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# Pages of these URL namespaces show no health data and may be cached (the public site);
# every other page is sent with Cache-Control: no-store (accounts.middleware.NoStoreMiddleware).
CACHEABLE_URL_NAMESPACES = ["public"]
# Site-wide views with no personal content (health check, favicon), by URL name.
CACHEABLE_URL_NAMES = ["healthz", "favicon"]

# Content-Security-Policy (django-csp): scripts only from this site, never inline. JSON-LD
# blocks on the public pages are data, which browsers do not execute, so script-src does not
# apply to them. Inline style attributes remain in some templates (SVG charts, tables).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Online bookings (web form and API together) one client address may make in an hour; past
# it the booking answers 429 with Retry-After. Counted per client address: behind a proxy, list
# it in FRACTURECARE_TRUSTED_PROXIES, or every visitor shares one allowance.
BOOKING_LIMIT_PER_HOUR = env_int("FRACTURECARE_BOOKING_LIMIT_PER_HOUR", 10, minimum=1)
# Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For header is believed when they
# connect; with none listed the header is ignored and the connecting address is the client (rate limits, audit).
TRUSTED_PROXIES = env_list("FRACTURECARE_TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"FRACTURECARE_TRUSTED_PROXIES: {_proxy!r} is not an address or network") from None
# The key sealing the audit chain and signed visits (HMAC-SHA256). Unset: derived from the secret key, so keep
# that key for as long as the records are kept. See README "Record integrity and backups".
AUDIT_KEY = env_str("FRACTURECARE_AUDIT_KEY", "")
if AUDIT_KEY and len(AUDIT_KEY) < 32:
    raise ImproperlyConfigured("FRACTURECARE_AUDIT_KEY must be at least 32 characters")

LANGUAGE_CODE = "en-us"
CLINIC_TIME_ZONE = env_str("FRACTURECARE_TIME_ZONE", "America/New_York")
try:
    zoneinfo.ZoneInfo(CLINIC_TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"FRACTURECARE_TIME_ZONE={CLINIC_TIME_ZONE!r} is not an IANA time zone") from None
TIME_ZONE = CLINIC_TIME_ZONE
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Production: hashed file names (style.3f2a9c.css) written by collectstatic (`fracturecare serve`
# runs it at start), precompressed, and cached by browsers for a year because a change gives a new
# name. Development (DEBUG) and test runs default to plain names from the finders, so a new file
# needs no collectstatic; FRACTURECARE_STATIC_MANIFEST=true|false decides explicitly (CI's
# production-settings run sets it true after collectstatic).
STATIC_MANIFEST = env_bool("FRACTURECARE_STATIC_MANIFEST", not DEBUG and "pytest" not in sys.modules)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG

# Outgoing mail. The default writes nothing anywhere a patient could see: the outbox
# table records every message and the worker hands it to this backend.
EMAIL_BACKEND = env_str("FRACTURECARE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("FRACTURECARE_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("FRACTURECARE_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("FRACTURECARE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("FRACTURECARE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("FRACTURECARE_EMAIL_TLS", False)
EMAIL_TIMEOUT = env_int("FRACTURECARE_EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("FRACTURECARE_FROM_EMAIL", "clinic@fracturecare.invalid")

# First-run default for the clinic's cancellation window (then its booking policy in settings rules).
BOOKING_CANCELLATION_WINDOW_HOURS = env_int("FRACTURECARE_CANCELLATION_WINDOW_HOURS", 24, minimum=0)

# Text messages. "sink" writes each text as one JSON line to SMS_SINK_PATH (the demo and the
# tests); "twilio" sends through Twilio and needs the three TWILIO variables; "off" sends none.
SMS_BACKEND = env_str("FRACTURECARE_SMS_BACKEND", "sink")
if SMS_BACKEND not in ("sink", "twilio", "off"):
    raise ImproperlyConfigured(f"FRACTURECARE_SMS_BACKEND={SMS_BACKEND!r}: use sink, twilio or off")
SMS_SINK_PATH = env_str("FRACTURECARE_SMS_SINK", str(DATA_DIR / "sms-sink.jsonl"))
SMS_DEFAULT_COUNTRY_CODE = env_str("FRACTURECARE_SMS_COUNTRY_CODE", "1")
TWILIO_ACCOUNT_SID = env_str("FRACTURECARE_TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = env_str("FRACTURECARE_TWILIO_AUTH_TOKEN", "")
TWILIO_FROM = env_str("FRACTURECARE_TWILIO_FROM", "")
if SMS_BACKEND == "twilio" and not (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN and TWILIO_FROM):
    raise ImproperlyConfigured(
        "FRACTURECARE_SMS_BACKEND=twilio needs FRACTURECARE_TWILIO_ACCOUNT_SID, _TWILIO_AUTH_TOKEN and _TWILIO_FROM"
    )

# The clinic's details as first-run defaults only: the set-up page and the demo save them in the
# clinic profile (clinic.models.ClinicProfile), which the pages read from then on. base_url stays here.
CLINIC = {
    "name": env_str("FRACTURECARE_CLINIC_NAME", "Fracturecare Demo Clinic"),
    "phone": env_str("FRACTURECARE_CLINIC_PHONE", "+1-555-010-0199"),
    "sms": env_str("FRACTURECARE_CLINIC_SMS", "+1-555-010-0199"),
    "email": env_str("FRACTURECARE_CLINIC_EMAIL", "frontdesk@fracturecare.invalid"),
    "address": env_str("FRACTURECARE_CLINIC_ADDRESS", ""),
    "base_url": _BASE_URL,
}

# Logs carry no health data: request lines are logged by gunicorn without their query string
# (gunicorn_conf.py), Django's request warnings name the path only, and the SQL logger (which
# would print parameters) stays at WARNING whatever the root level is.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("FRACTURECARE_LOG_LEVEL", "WARNING")},
    "loggers": {"django.db.backends": {"level": "WARNING", "propagate": True}},
}
