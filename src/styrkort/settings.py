"""Settings for styrkort, read from the environment.

DATABASE_URL       SQLite under the data dir when unset; postgres://user@host:port/name otherwise
STYRKORT_DATA_DIR  where the SQLite database, the generated secret key and uploads live (./var)
SECRET_KEY         required, except in the demo or with DEBUG on (then generated into the data dir
                   and used by every later command on that data dir)
DEBUG              off unless set to 1/true/yes, or when running the demo
ALLOWED_HOSTS      comma-separated; localhost only by default
KOLADA_BASE_URL    Kolada's API for `styrkort kolada_sync`; https://api.kolada.se/v3 by default
KOLADA_API_VERSION 2 or 3 when the base URL does not end in /v2 or /v3
KOLADA_TIMEOUT     seconds to wait for each answer from Kolada (30)
"""

import importlib.util
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


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
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]

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
    "styrkort.core",
    "styrkort.organisation",
    "styrkort.planning",
    "styrkort.followup",
    "styrkort.economy",
    "styrkort.register",
    "styrkort.reports",
    "styrkort.imports",
    "styrkort.api",
    "styrkort.exchange",
    "styrkort.kolada",
    "styrkort.demo",
    "styrkort.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
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
    # Wait for a writer rather than failing at once when two requests write together.
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)

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
STATIC_ROOT = DATA_DIR / "static"  # `styrkort collectstatic` fills it for production
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/lockout.html"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = _flag("SECURE_COOKIES")
    CSRF_COOKIE_SECURE = _flag("SECURE_COOKIES")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

KOLADA_BASE_URL = os.environ.get("KOLADA_BASE_URL", "").strip() or "https://api.kolada.se/v3"
KOLADA_API_VERSION = os.environ.get("KOLADA_API_VERSION", "").strip()
KOLADA_TIMEOUT = float(os.environ.get("KOLADA_TIMEOUT", "").strip() or 30)
