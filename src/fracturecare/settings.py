"""Django settings, read from the environment (see README, "Configuration")."""

from __future__ import annotations

import secrets
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
    "fracturecare.clinicadmin",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fracturecare.accounts.middleware.IdleLogoutMiddleware",
    "fracturecare.clinic.middleware.ClinicMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
]

# Idle logout for clinician sessions (seconds without a request).
IDLE_LOGOUT_SECONDS = env_int("FRACTURECARE_IDLE_LOGOUT_SECONDS", 15 * 60, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("FRACTURECARE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Online bookings (web form and API together) one client address may make in an hour; past
# it the booking answers 429 with Retry-After. Counted per REMOTE_ADDR: behind a proxy, make
# the proxy pass the client's address, or every visitor shares one allowance.
BOOKING_LIMIT_PER_HOUR = env_int("FRACTURECARE_BOOKING_LIMIT_PER_HOUR", 10, minimum=1)

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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
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

# The clinic's details as first-run defaults only: the set-up page and the demo save them in the
# clinic profile (clinic.models.ClinicProfile), which the pages read from then on. base_url stays here.
CLINIC = {
    "name": env_str("FRACTURECARE_CLINIC_NAME", "Fracturecare Demo Clinic"),
    "phone": env_str("FRACTURECARE_CLINIC_PHONE", "+1-555-010-0199"),
    "sms": env_str("FRACTURECARE_CLINIC_SMS", "+1-555-010-0199"),
    "email": env_str("FRACTURECARE_CLINIC_EMAIL", "frontdesk@fracturecare.invalid"),
    "address": env_str("FRACTURECARE_CLINIC_ADDRESS", ""),
    "base_url": env_str("FRACTURECARE_BASE_URL", "http://127.0.0.1:8000"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("FRACTURECARE_LOG_LEVEL", "WARNING")},
}
