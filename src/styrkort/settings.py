"""Settings for styrkort, read from the environment.

docs/deploy/settings.md explains each with its reason; docs/deploy/example.env is the documented
production set (with it, `styrkort check --deploy` prints no warning).

Basics
DATABASE_URL       SQLite under the data dir when unset; postgres://user@host:port/name otherwise
STYRKORT_DATA_DIR  where the SQLite database, the generated secret key, static files, uploads
                   and backups live (./var)
SECRET_KEY         required, except in the demo or with DEBUG on (then generated into the data dir
                   and used by every later command on that data dir)
DEBUG              off unless set to 1/true/yes, or when running the demo
ALLOWED_HOSTS      comma-separated; localhost only by default

Behind a TLS proxy (nginx)
CSRF_TRUSTED_ORIGINS  comma-separated origins the forms are posted from, https://styrkort.region.se
PROXY_SSL_HEADER      the header the proxy sets to "https" on a TLS request (X-Forwarded-Proto);
                      unset: no header is trusted
TRUSTED_PROXY_COUNT   how many proxies in front of styrkort append to X-Forwarded-For (0): the
                      client address is that many entries from the right; 0 means REMOTE_ADDR
SECURE_COOKIES        1: session and CSRF cookies only over HTTPS
SECURE_SSL_REDIRECT   1: plain-HTTP requests are redirected to HTTPS (/healthz is exempt)
SECURE_HSTS_SECONDS   Strict-Transport-Security max-age (0: none); the example has one year
SECURE_HSTS_INCLUDE_SUBDOMAINS, SECURE_HSTS_PRELOAD   1 to add those HSTS directives
SESSION_HOURS         how long a session lasts without use (9, a working day); sliding: every
                      request (at most once a minute) moves the end forward
CSP_REPORT_URI        where browsers report Content-Security-Policy violations (unset: nowhere)

Mail and logs
EMAIL_URL          smtp://user:password@host:587?tls=1, smtps://user:password@host:465, console:,
                   file:///path; unset: the console (the demo: files under the data dir's mail/)
DEFAULT_FROM_EMAIL the sender of styrkort's mail (styrkort@localhost)
STYRKORT_BASE_URL  the address people reach styrkort at, for the links in reminders and
                   notices (https://styrkort.region.se; http://localhost:8000 when unset)
LOG_FORMAT         text (default) or json: one JSON object a line
LOG_LEVEL          INFO by default

Limits (see also imports' row limits in the code)
UPLOAD_MAX_MB      the largest upload in megabytes (10): refused while it streams in, before disk
RATE_LIMIT_SEARCH, RATE_LIMIT_DOCUMENTS, RATE_LIMIT_API   requests a user may make a minute
                   (30, 10, 300); 0 turns that limit off

Background jobs and health
WORKER_ALIVE_SECONDS  /healthz calls a worker alive when its last heartbeat is this recent (60)
SENTRY_DSN         report errors to Sentry (needs the extra: pip install 'styrkort[sentry]');
                   unset: off. SENTRY_ENVIRONMENT names the installation (production)

Public pages
ACCESSIBILITY_CONTACT  where the accessibility statement asks people to report problems: an e-mail
                   address or a web address (DEFAULT_FROM_EMAIL when unset)

Single sign-on (OpenID Connect; off unless OIDC_CLIENT_ID is set; docs/sso.md)
OIDC_ISSUER        the provider's issuer; its endpoints are discovered from
                   {issuer}/.well-known/openid-configuration at the first login
OIDC_CLIENT_ID, OIDC_CLIENT_SECRET   styrkort's registration at the provider
OIDC_MATCH_CLAIM   email (default: the e-mail address, case-insensitive, one account) or sub
OIDC_SCOPES        openid email profile
OIDC_SIGN_ALGO     RS256 (or RS384/RS512/ES256/ES384/ES512), keys from the provider's JWKS
OIDC_CREATE_USERS  1: an unknown person gets an account (with no role) at the first login (0)
OIDC_LOGOUT_AT_PROVIDER  1 (default): logging out also ends the provider's session
OIDC_TIMEOUT       seconds to wait for the provider (10)
OIDC_AUTHORIZATION_ENDPOINT, OIDC_TOKEN_ENDPOINT, OIDC_USERINFO_ENDPOINT, OIDC_JWKS_URI,
OIDC_END_SESSION_ENDPOINT   set to skip (or override) discovery

Kolada
KOLADA_BASE_URL    Kolada's API for `styrkort kolada_sync`; https://api.kolada.se/v3 by default
KOLADA_API_VERSION 2 or 3 when the base URL does not end in /v2 or /v3
KOLADA_TIMEOUT     seconds to wait for each answer from Kolada (30)
"""

import importlib.util
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from styrkort.core.email_url import email_settings
from styrkort.web.oidc_settings import LIBRARY_SETTINGS, oidc_settings

BASE_DIR = Path(__file__).resolve().parent


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def _number(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise ImproperlyConfigured(f"{name}={raw!r} ska vara ett heltal, 0 eller större.")
    return value


DEMO = _flag("STYRKORT_DEMO")
DEBUG = _flag("DEBUG") or DEMO
DATA_DIR = Path(os.environ.get("STYRKORT_DATA_DIR", "var")).resolve()


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if path.exists():
        # Generated earlier by the demo for this data dir: later commands on it use it too.
        return path.read_text().strip()
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set (only the demo and DEBUG=1 generate one into the data dir)."
        )
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = _list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "styrkort.core",
    "styrkort.organisation",
    "styrkort.planning",
    "styrkort.followup",
    "styrkort.economy",
    "styrkort.register",
    "styrkort.notifications",
    "styrkort.reports",
    "styrkort.imports",
    "styrkort.api",
    "styrkort.exchange",
    "styrkort.kolada",
    "styrkort.demo",
    "styrkort.web",
    "styrkort.mail",
    "styrkort.administration",
    "styrkort.public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "styrkort.web.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "styrkort.web.middleware.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "styrkort.web.oidc.OIDCBackend",  # single sign-on; answers only its callback view
]

ROOT_URLCONF = "styrkort.urls"
WSGI_APPLICATION = "styrkort.wsgi.application"

# django-ninja's bundled Swagger UI for /api/v1/docs (its templates and static files), served
# from here, not a CDN. Found without importing the package: as an installed app, ninja (and
# pydantic with it) was imported by every command, 0.15 s of each start (api/main.py renders
# the page from these folders).
_NINJA = Path(importlib.util.find_spec("ninja").origin).parent  # type: ignore[union-attr,arg-type]
STATICFILES_DIRS = [_NINJA / "static"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [_NINJA / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'styrkort.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "").strip() or _default_db, conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    # Concurrent writers without "database is locked": every transaction takes the write lock
    # when it begins (BEGIN IMMEDIATE), so a transaction never has to upgrade a read lock, which
    # SQLite refuses at once instead of waiting; a writer waits up to 20 s for the one before it
    # (the busy timeout); WAL lets readers go on while one writes. synchronous=NORMAL is WAL's
    # recommended setting: a committed transaction survives a crash of the application, and the
    # last one may be lost only if the machine itself loses power.
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_THOUSAND_SEPARATOR = True
TIME_ZONE = "Europe/Stockholm"
USE_TZ = True

STATIC_URL = "static/"
# `styrkort serve` collects the static files into the data dir before it starts (hashed names:
# WhiteNoise then serves them with a year's caching; about 4 s); with DEBUG (the demo on the
# development server) WhiteNoise finds them in the apps instead, so no step is needed.
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "styrkort.web.storage.StaticStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = DATA_DIR / "media"

# Uploads: a request body (other than files) of at most 2.5 MB is read into memory; files go to
# memory up to 2.5 MB and to a temporary file beyond, but never past UPLOAD_MAX_MB: the handler
# stops the upload as soon as it is larger, before the rest reaches the disk.
UPLOAD_MAX_BYTES = _number("UPLOAD_MAX_MB", 10) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_HANDLERS = [
    "styrkort.core.uploads.LimitedMemoryUploadHandler",
    "styrkort.core.uploads.LimitedTemporaryFileUploadHandler",
]

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Login lockout: five wrong passwords lock that user name from that address for 15 minutes;
# the same address with another user name, or the user from another address, may still try.
# (A flat ["username", "ip_address"] would lock out everyone behind one address for a single
# user's typos.) The address is read behind the configured proxies (TRUSTED_PROXY_COUNT).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/lockout.html"
AXES_CLIENT_IP_CALLABLE = "styrkort.core.clientip.client_address"
TRUSTED_PROXY_COUNT = _number("TRUSTED_PROXY_COUNT", 0)
_proxy_header = os.environ.get("PROXY_SSL_HEADER", "").strip()
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = _number("SESSION_HOURS", 9) * 3600
SESSION_COOKIE_SAMESITE = "Lax"
# The session's end moves forward with use, but written at most once a minute, so a busy page
# does not write the session table on every request (web.middleware.SlidingSessionMiddleware).
SESSION_SLIDE_SECONDS = 60
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT")
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SECURE_HSTS_SECONDS = _number("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = _flag("SECURE_HSTS_PRELOAD")
if not DEBUG:
    SESSION_COOKIE_SECURE = _flag("SECURE_COOKIES")
    CSRF_COOKIE_SECURE = _flag("SECURE_COOKIES")

# Content-Security-Policy: scripts only from our own static files (htmx is vendored), no inline
# script and no eval; the one inline <style> (the organisation's status colours) carries the
# request's nonce. Downloaded documents (HTML reports) are attachments and carry their own CSS.
_csp: dict[str, object] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", NONCE],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
# Single sign-on (web/oidc_settings.py; off unless OIDC_CLIENT_ID is set). The logout form may
# be redirected to the provider's end-session page, which form-action must allow.
_oidc = oidc_settings(os.environ)
globals().update(LIBRARY_SETTINGS, **_oidc)
_csp["form-action"] = ["'self'", *_oidc["OIDC_FORM_ACTION_ORIGINS"]]
if os.environ.get("CSP_REPORT_URI", "").strip():
    _csp["report-uri"] = [os.environ["CSP_REPORT_URI"].strip()]
CONTENT_SECURITY_POLICY = {"DIRECTIVES": _csp}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

# Rate limits per user and minute, counted in the database (several app processes share them).
RATE_LIMITS = {
    "search": _number("RATE_LIMIT_SEARCH", 30),
    "documents": _number("RATE_LIMIT_DOCUMENTS", 10),
    "api": _number("RATE_LIMIT_API", 300),
}

EMAIL_FILE_DEMO_DIR = DATA_DIR / "mail"
globals().update(
    email_settings(
        os.environ.get("EMAIL_URL"), default_file_dir=EMAIL_FILE_DEMO_DIR if DEMO else None
    )
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "").strip() or "styrkort@localhost"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people reach styrkort at, for the links in its e-mails (reminders, notices).
STYRKORT_BASE_URL = (
    os.environ.get("STYRKORT_BASE_URL", "").strip().rstrip("/") or "http://localhost:8000"
)

LOG_FORMAT = os.environ.get("LOG_FORMAT", "").strip().lower() or "text"
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} ska vara text eller json.")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "").strip().upper() or "INFO"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {
            "class": "styrkort.core.logs.TextFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        },
        "json": {"()": "styrkort.core.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "styrkort": {"level": LOG_LEVEL},
        "django.request": {"level": "WARNING"},
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}

# Background jobs (`styrkort worker`): the queue is a table in the same database, so there is
# no second server; any number of workers may run, on any machine that reaches the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# /healthz calls the worker alive when its last heartbeat (every 10 s) is at most this old.
WORKER_ALIVE_SECONDS = _number("WORKER_ALIVE_SECONDS", 60)

# Error reporting, optional: only with SENTRY_DSN and the sentry extra installed (core/sentry.py;
# without the package, `styrkort check` warns).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    from styrkort.core.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "").strip() or "production",
    )

# The public pages' cache (public/cache.py): each process keeps its own copy of a page and checks
# it against the organisation's change generation, read from the database on every request, so
# a change made through any process shows on the next request everywhere. Bounded: a page a key,
# the oldest dropped past MAX_ENTRIES. The timeout bounds how long a write that bypasses the
# services (and so writes no audit event: the Django admin, a bulk load) can go unseen.
#
# The workspace's pages (organisation/cache.py) are kept in files of the data directory, one copy
# for all the server's processes, so a change makes one process build a page again, not each of
# them. Bounded by MAX_ENTRIES (a third of the files dropped when it is passed) and the timeout.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / "pages"),
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
    "public": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "styrkort-public",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 200},
    },
}
ACCESSIBILITY_CONTACT = os.environ.get("ACCESSIBILITY_CONTACT", "").strip() or DEFAULT_FROM_EMAIL

KOLADA_BASE_URL = os.environ.get("KOLADA_BASE_URL", "").strip() or "https://api.kolada.se/v3"
KOLADA_API_VERSION = os.environ.get("KOLADA_API_VERSION", "").strip()
KOLADA_TIMEOUT = float(os.environ.get("KOLADA_TIMEOUT", "").strip() or 30)
