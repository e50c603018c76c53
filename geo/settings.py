"""Site settings, all from the environment (see README "Configuration")."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SAFEATLAS_VAR", BASE_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def _private_database_url() -> str:
    run = VAR_DIR / "pg" / "run"
    return f"postgis://safeatlas@/safeatlas?host={run}&port=55432"


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret-change-me-in-production")
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

# Our own apps; a domain module (registry, …) is made of slices, each owning its
# templates and static files (ARCHITECTURE.md "Modules and slices").
LOCAL_APPS = ["geo", "layers", "tiles", "registry", "dashboards"]
SLICE_DIRS = sorted(path for app in LOCAL_APPS for path in (BASE_DIR / app).glob("*/")
                    if (path / "__init__.py").exists())

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    *LOCAL_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "geo.tokens.TokenAuthenticationMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "geo.audit.AuditUserMiddleware",
]

ROOT_URLCONF = "geo.urls"
WSGI_APPLICATION = "geo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "geo" / "templates",
                 *(path / "templates" for path in SLICE_DIRS if (path / "templates").is_dir())],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "geo.context_processors.inbox",
            ]
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _private_database_url()),
        engine="django.contrib.gis.db.backends.postgis",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "geo.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
# Signed-cookie sessions: resolving the caller of a cached tile needs no database.
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
SESSION_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [path / "static" for path in SLICE_DIRS if (path / "static").is_dir()]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tiles: cache directory shared by all web processes; bounded in-process LRU in front.
TILE_CACHE_DIR = Path(os.environ.get("TILE_CACHE_DIR", VAR_DIR / "tiles"))
TILE_MEMORY_ITEMS = int(os.environ.get("TILE_MEMORY_ITEMS", "20000"))
# Optional basemap (e.g. Tianditu with a key); the site works offline without it.
BASEMAP_URL = os.environ.get("BASEMAP_URL", "")
BASEMAP_ATTRIBUTION = os.environ.get("BASEMAP_ATTRIBUTION", "")
# Public base URL used in OGC API links and TileJSON.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
MQTT_URL = os.environ.get("MQTT_URL", "")
# Optional Nominatim-compatible geocoder for enterprise addresses; without it users place
# the point on the map.
GEOCODER_URL = os.environ.get("GEOCODER_URL", "")
# GB 18218 β of a chemical outside Table 3 with several hazard classes, where the standard
# is silent (domain reference §1.4 ⚠): "largest" (the conservative default: the largest β,
# ties to the smaller Q) or "lowest_q" (the β of the class that gives the lowest Table 2 Q).
GB18218_BETA_RULE = os.environ.get("GB18218_BETA_RULE", "largest")
if GB18218_BETA_RULE not in ("largest", "lowest_q"):
    raise ImproperlyConfigured(
        f"GB18218_BETA_RULE: {GB18218_BETA_RULE!r} is not one of largest, lowest_q")

# Messaging: e-mail through Django's backend (console unless EMAIL_HOST is set), SMS
# through a class with `send_messages` (geo.sms; a real gateway plugs in here).
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST") else "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "safeatlas@localhost")
SMS_BACKEND = os.environ.get("SMS_BACKEND", "geo.sms.LogBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Debian 12 ships GDAL 3.6. GeoDjango's GDAL only parses spatial references we write
# ourselves (4326/4490/3857); uploaded files are read by pyogrio's bundled GDAL.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
