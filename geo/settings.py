"""Site settings, all from the environment (see README "Configuration")."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SAFEATLAS_VAR", BASE_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _env_origins(name: str) -> frozenset[str]:
    """Origins (`scheme://host[:port]`) as browsers send them: lower case, no default port."""
    origins = set()
    for item in _env_list(name, ""):
        parts = urlsplit(item.lower().rstrip("/"))
        try:
            port = parts.port
        except ValueError:
            port = -1
        if parts.scheme not in ("http", "https") or not parts.hostname or port == -1 \
                or parts.path or parts.query or parts.fragment or "@" in parts.netloc:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an origin like https://map.example.gov.cn[:port]")
        default = {"http": 80, "https": 443}[parts.scheme]
        netloc = parts.netloc.rsplit(":", 1)[0] if port == default else parts.netloc
        origins.add(f"{parts.scheme}://{netloc}")
    return frozenset(origins)


def _private_database_url() -> str:
    run = VAR_DIR / "pg" / "run"
    return f"postgis://safeatlas@/safeatlas?host={run}&port=55432"


# Public base URL used in OGC API links and TileJSON; an https:// URL also switches on
# the transport settings of production (see "Security" below).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
HTTPS = urlsplit(SITE_URL).scheme == "https"

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if HTTPS:  # a served site must not sign sessions with a key anyone can read here
        raise ImproperlyConfigured("SECRET_KEY must be set when SITE_URL is https://")
    SECRET_KEY = "dev-only-not-secret-change-me-in-production"
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

# Our own apps; a domain module (registry, …) is made of slices, each owning its
# templates and static files (ARCHITECTURE.md "Modules and slices").
LOCAL_APPS = ["geo", "layers", "tiles", "registry", "monitoring", "enforcement", "response",
              "dashboards"]
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
    "axes",                      # login failure counting and lockout
    "django_otp",
    "django_otp.plugins.otp_totp",  # TOTP second factor
    "csp",
    "procrastinate.contrib.django",  # the job runner (ADR 0012): each app's tasks.py
    "oauth2_provider",           # OAuth2 / OpenID Connect provider for the bureau's systems
    *LOCAL_APPS,
]

MIDDLEWARE = [
    "geo.cors.CorsMiddleware",  # first: every answer on the map/API paths carries it
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "geo.tokens.TokenAuthenticationMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "geo.sessions.SessionGuardMiddleware",   # after messages: it says why it signed out
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "geo.security_log.DeniedLogMiddleware",
    "geo.audit.AuditUserMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a lockout into the lockout page (429)
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
                "geo.context_processors.nav",
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
# Signed-cookie sessions: resolving the caller of a cached tile needs no database. What
# the server no longer accepts (logout, idle, replaced) is kept in geo.UserSession.
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
# MapLibre GL JS for the page maps (ADR 0023), as /static/vendor/maplibre-gl/: fetched and
# checked by scripts/vendor-js.sh (make install) into var/vendor/, not kept in git.
STATICFILES_DIRS.append(("vendor", BASE_DIR / "var" / "vendor"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))  # tests point workers elsewhere

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tiles: cache directory shared by all web processes; bounded in-process LRU in front.
TILE_CACHE_DIR = Path(os.environ.get("TILE_CACHE_DIR", VAR_DIR / "tiles"))
TILE_MEMORY_ITEMS = int(os.environ.get("TILE_MEMORY_ITEMS", "20000"))
# Optional basemap (e.g. Tianditu with a key); the site works offline without it.
BASEMAP_URL = os.environ.get("BASEMAP_URL", "")
# Map labels' font stack: local font names (fonts-noto-cjk) unless MAP_GLYPHS_URL serves it.
MAP_FONTS = os.environ.get("MAP_FONTS", "Noto Sans CJK SC").split(",")
BASEMAP_ATTRIBUTION = os.environ.get("BASEMAP_ATTRIBUTION", "")
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

# --- Security controls (docs/security.md: GB/T 22239-2019 level 3) -----------------------

# Transport: on when SITE_URL is https://. Behind a TLS-terminating proxy, name the header
# it sets (e.g. X-Forwarded-Proto) in SECURE_PROXY_SSL_HEADER; the proxy must overwrite it.
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", HTTPS)
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + os.environ["SECURE_PROXY_SSL_HEADER"].upper().replace("-", "_"), "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", SITE_URL)
# Cross-origin map and API clients (geo.cors, docs/adr/0011-cors.md): pages on these origins
# may send an API token; pages anywhere else read public layers only.
CORS_ORIGINS = _env_origins("SAFEATLAS_CORS_ORIGINS")

# Sessions: signed out after SESSION_IDLE_MINUTES without a request (geo.sessions), at the
# latest 12 hours after sign-in, and when the browser closes.
SESSION_IDLE_SECONDS = 60 * _env_int("SESSION_IDLE_MINUTES", 30)
SESSION_SINGLE = _env_bool("SESSION_SINGLE", False)  # a new sign-in ends the others
SESSION_COOKIE_AGE = 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Passwords: length, three of four character classes, none of the last N, and expiry
# for the roles of government staff (a forced change at sign-in, geo.signin).
PASSWORD_HISTORY = _env_int("PASSWORD_HISTORY", 5)
PASSWORD_MAX_AGE_DAYS = _env_int("PASSWORD_MAX_AGE_DAYS", 90)  # 0: never expire
PASSWORD_EXPIRY_ROLES = _env_list(
    "PASSWORD_EXPIRY_ROLES", "admin,security_admin,auditor,province_supervisor,"
    "city_supervisor,county_supervisor,park_supervisor,grid_member,analyst")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "geo.passwords.MinimumLengthValidator",
     "OPTIONS": {"min_length": _env_int("PASSWORD_MIN_LENGTH", 12)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "geo.passwords.CharacterClassesValidator", "OPTIONS": {"classes": 3}},
    {"NAME": "geo.passwords.PasswordHistoryValidator", "OPTIONS": {"count": PASSWORD_HISTORY}},
]

# Second factor (TOTP, django-otp): required at sign-in for these roles (superusers too).
OTP_REQUIRED_ROLES = _env_list("OTP_REQUIRED_ROLES", "admin,security_admin,auditor")
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "SafeAtlas")

# Lockout (django-axes): LOGIN_FAILURE_LIMIT failures of one username, or from one address,
# lock it for LOGIN_LOCKOUT_MINUTES; wrong second-factor codes count as failures.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend",
                           "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = _env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=_env_int("LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # geo.SecurityEvent is the record of sign-ins
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # geo.admin registers the lockouts for the security administrator
# The client address (lockout, security-event log): REMOTE_ADDR, or with TRUSTED_PROXY_COUNT
# reverse proxies in front, the address they append to X-Forwarded-For.
TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Content-Security-Policy (django-csp): scripts only from here or carrying the request's
# nonce (templates, Dash's index). Styles allow inline: plotly and MapLibre style
# elements at run time (docs/adr/0008-security-controls.md).
_BASEMAP_ORIGIN = ("{0.scheme}://{0.netloc}".format(urlsplit(BASEMAP_URL))
                   if BASEMAP_URL else None)
_OUTSIDE = [_BASEMAP_ORIGIN] if _BASEMAP_ORIGIN else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *_OUTSIDE],
        "connect-src": ["'self'", *_OUTSIDE],
        "font-src": ["'self'", "data:"],
        "worker-src": ["'self'", "blob:"],
        "child-src": ["'self'", "blob:"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Job runner (procrastinate on this database, ADR 0012) ----------------------------------
# A gateway with no message for this long is offline (the agent's heartbeat is every 30 s).
GATEWAY_OFFLINE_SECONDS = int(os.environ.get("GATEWAY_OFFLINE_SECONDS", "180"))
# The outage log (设备异常日志) keeps ended outages this many days (issue 11: at least a
# month); the job runner prunes older ones daily.
OUTAGE_RETENTION_DAYS = max(31, int(os.environ.get("OUTAGE_RETENTION_DAYS", "92")))
# The live event stream (/monitoring/events, ADR 0018). Each open stream holds one of the
# web worker's threads, so a process takes at most EVENT_STREAMS_MAX of them: the demo's
# workers run 4 threads, leaving 2 for pages; a dedicated events worker raises it.
EVENT_STREAMS_MAX = _env_int("EVENT_STREAMS_MAX", 2)
EVENT_HEARTBEAT_SECONDS = float(os.environ.get("EVENT_HEARTBEAT_SECONDS", "15"))
EVENT_REPLAY_MAX = _env_int("EVENT_REPLAY_MAX", 500)  # events replayed after a reconnect
# The daily safety commitment is due before this local time (HH:MM): reference §4, 广东 and
# 浙江 require it "before 10:00 each day".
COMMITMENT_DEADLINE = os.environ.get("COMMITMENT_DEADLINE", "10:00")
# Each level reports an incident up within this many minutes of receiving it (逐级上报,
# 《生产安全事故报告和调查处理条例》§11: "每级上报的时间不得超过2小时"; response.incidents).
INCIDENT_REPORT_MINUTES = _env_int("INCIDENT_REPORT_MINUTES", 120)

# --- Single sign-on: SafeAtlas as an OAuth2 / OpenID Connect provider (ADR 0026) -----------
# The ID tokens' RS256 key: OIDC_RSA_PRIVATE_KEY (PEM text) or the file OIDC_KEY_FILE, which
# `manage.py oidc_key` writes on first start (make migrate, make test); never committed.
OIDC_KEY_FILE = Path(os.environ.get("OIDC_KEY_FILE", VAR_DIR / "oidc" / "private.pem"))


def _oidc_private_key() -> str:
    if os.environ.get("OIDC_RSA_PRIVATE_KEY"):
        return os.environ["OIDC_RSA_PRIVATE_KEY"]
    return OIDC_KEY_FILE.read_text() if OIDC_KEY_FILE.is_file() else ""


# Named, not swapped: migrations refer to the application model by this setting.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _oidc_private_key(),
    # The issuer other systems pin: SITE_URL's on a served site, else the request's host.
    "OIDC_ISS_ENDPOINT": os.environ.get("OIDC_ISSUER", f"{SITE_URL}/o" if HTTPS else ""),
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],  # authorization code only (geo.oidc)
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "OAUTH2_VALIDATOR_CLASS": "geo.oidc.SafeAtlasValidator",
    "SCOPES": {
        "openid": _("登录身份"),
        "profile": _("姓名和用户名"),
        "email": _("电子邮箱"),
        "jurisdiction": _("管辖区域、角色和所属单位"),
        "read": _("以您的身份读取数据（接口、地图服务、瓦片）"),
        "write": _("以您的身份修改数据"),
    },
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": True,
    # RP-initiated logout (/o/logout/): a system signing its user out ends the SafeAtlas
    # session too, after the user confirms it here; it returns only to a registered
    # post-logout URI, over https unless the client is confidential, and the tokens that
    # application holds for the user are deleted.
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": True,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OIDC_RP_INITIATED_LOGOUT_DELETE_TOKENS": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": _env_int("OAUTH_ACCESS_TOKEN_SECONDS", 600),
    "ID_TOKEN_EXPIRE_SECONDS": _env_int("OAUTH_ACCESS_TOKEN_SECONDS", 600),
    # A refresh token lives as long as a sign-in session at most; each use replaces it,
    # and a replaced one used again revokes its whole family (a stolen copy).
    "REFRESH_TOKEN_EXPIRE_SECONDS": _env_int("OAUTH_REFRESH_TOKEN_SECONDS", 12 * 3600),
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if HTTPS else ["http", "https"],
    # RFC 9700 (OAuth 2.0 Security Best Current Practice), enforced now: no implicit or
    # password grant, no `plain` PKCE, no token in a query string, tokens stored hashed,
    # `iss` in the authorization response.
    **{f"COMPLIANT_BCP_RFC9700_{gate}": True for gate in (
        "IMPLICIT_GRANT", "PASSWORD_GRANT", "PKCE_METHOD", "ACCESS_TOKEN_TRANSPORT",
        "AUTHZ_RESPONSE_ISS", "TOKEN_STORAGE", "REFRESH_TOKEN", "REDIRECT_URI_MATCHING",
        "PKCE_REQUIRED")},
}


def _portal_systems(raw: str) -> list[dict]:
    """PORTAL_SYSTEMS: a JSON list of {"name", "url", optional "client_id", "roles"}, the
    bureau's other systems linked from the portal home (统一门户)."""
    import json

    try:
        items = json.loads(raw or "[]")
    except ValueError as error:
        raise ImproperlyConfigured(f"PORTAL_SYSTEMS is not JSON: {error}") from None
    if not isinstance(items, list):
        raise ImproperlyConfigured("PORTAL_SYSTEMS must be a JSON list of objects")
    for i, item in enumerate(items):
        where = f"PORTAL_SYSTEMS[{i}]"
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            raise ImproperlyConfigured(f"{where}.name is required")
        if urlsplit(str(item.get("url", ""))).scheme not in ("http", "https"):
            raise ImproperlyConfigured(f"{where}.url must be an http(s) URL")
        unknown = set(item) - {"name", "url", "client_id", "roles"}
        if unknown:
            raise ImproperlyConfigured(f"{where}: unknown keys {', '.join(sorted(unknown))}")
        if not isinstance(item.get("roles", []), list):
            raise ImproperlyConfigured(f"{where}.roles must be a list of roles")
    return items


PORTAL_SYSTEMS = _portal_systems(os.environ.get("PORTAL_SYSTEMS", ""))
