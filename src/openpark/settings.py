"""OpenPark settings, read from the environment with safe defaults.

Environment variables:
  DEBUG            "1"/"true" turns on debug mode (default off).
  SECRET_KEY       required when DEBUG is off (outside the test suite).
  ALLOWED_HOSTS    comma-separated host names (default: localhost names when DEBUG is on).
  DATABASE_URL     sqlite:///path or postgres://user@host:port/name (default: data/openpark.sqlite3).
  REDIS_URL        moves Celery from in-process (eager) execution to workers, and the cache to Redis.
  OPENPARK_DATA_DIR  where the SQLite file and uploaded media live (default: ./data).
  STALE_PROJECT_DAYS  days without recorded progress after which a project is flagged (default 30).
  COCKPIT_WALL_REFRESH_SECONDS  how often the cockpit's wall display reloads itself (default 300).
  HOUSEKEEPING_TASK_FILE_DAYS, HOUSEKEEPING_UPLOAD_DAYS  days after which task result files and
                   the uploads of unfinished imports are removed (default 30 and 7).
  OPENPARK_BACKUP_DIR  where archives of change records are written (default: <data dir>/backups).
  CHANGE_RECORD_RETENTION_DAYS  change records older than this are archived by `archive_changes` (default 1095).
  OPENPARK_PARK_NAME  the park's name, printed on its reports (default: the demo park's).
  OPENPARK_ISSUER  the body that issues the reports (default: the demo park's 管委会).
  OPENPARK_OUTFALL_CODE_PATTERN, OPENPARK_OUTFALL_CODE_DESCRIPTION  the park's outfall numbering
                     scheme (a regular expression) and its description in words.
  OPENPARK_FIELD_KEY  the key that encrypts stored personal data (base64 of 32 bytes); required
                   when DEBUG is off. OPENPARK_FIELD_KEY_ID names it (default k1);
                   OPENPARK_FIELD_OLD_KEYS ("id:key,…") keeps earlier keys for reading;
                   OPENPARK_FIELD_ALGORITHM is aesgcm (default) or sm4 (国密, needs gmssl).
  OPENPARK_WORKING_HOURS  the periods of a working day that time limits in working minutes count
                   (default "08:30-12:00,13:30-17:30"); checked at start (`manage.py check`).
  OPENPARK_OPEN311_JURISDICTION, OPENPARK_OPEN311_CONTACT  the jurisdiction_id Open311 clients may name
                   (default openpark) and the discovery document's contact; OPENPARK_OPEN311_FILINGS_PER_HOUR
                   what one Open311 key may file an hour (default 600).
  SECURE_SSL_REDIRECT, SECURE_PROXY_SSL_HEADER, CSRF_TRUSTED_ORIGINS: for deployment behind HTTPS.
"""
import os
import re
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("OPENPARK_DATA_DIR", BASE_DIR / "data"))

# pytest-django imports these settings with pytest already loaded; the test suite needs no secrets.
TESTING = "pytest" in sys.modules
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if (DEBUG or TESTING) else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "openpark.core.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "openpark.core",
    "openpark.enterprises",
    "openpark.economy",
    "openpark.evaluation",
    "openpark.investment",
    "openpark.environment",
    "openpark.transformation",
    "openpark.community",
    "openpark.talent",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "openpark.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "openpark.core.middleware.IdleTimeoutMiddleware",
    "openpark.core.middleware.PrivateResponsesNotStoredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "openpark.core.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "openpark.core.middleware.ChineseErrorPagesMiddleware",
]

ROOT_URLCONF = "openpark.urls"
WSGI_APPLICATION = "openpark.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "openpark.core.context_processors.menu",
                "openpark.core.context_processors.notifications",
            ],
        },
    },
]

if "DATABASE_URL" not in os.environ:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'openpark.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        # A kept connection that the server ended (a restart, a failover) is replaced at the start
        # of the next request instead of failing it.
        conn_health_checks=True,
    )
}


def sqlite_options() -> dict:
    """SQLite for a small office's concurrent use: write-ahead logging (readers never wait for
    the writer), transactions that take the write lock when they begin (a transaction that reads
    and then writes cannot fail with "database is locked" when another wrote in between; it
    waits its turn), and up to 20 s of waiting for that lock."""
    return {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }


if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(sqlite_options())
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "openpark.core.accounts.AccountBackend",  # refuses locked accounts too
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    {"NAME": "openpark.core.passwords.NotBlankValidator"},
    {"NAME": "openpark.core.passwords.NotUsernameValidator"},
    {
        "NAME": "openpark.core.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:  # a password hash costs 0.4 s with the production hasher; tests make hundreds
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(2 * 3600)))
# The age above is an idle timeout, not a fixed lifetime: IdleTimeoutMiddleware moves a session's
# expiry forward at most once a minute (a page view reads the session, it does not write it).
SESSION_TOUCH_SECONDS = 60

# Lock logins after repeated failures (django-axes): a user name from one address after
# AXES_FAILURE_LIMIT failures, and any login from an address after AXES_ADDRESS_FAILURE_LIMIT
# failures over all names. Locking a name alone would let anyone lock any known account;
# the per-address limit is higher because a whole office may share one NAT address.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "50"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "openpark.core.lockout.LoginLockHandler"
AXES_CLIENT_IP_CALLABLE = "openpark.core.context.client_address"
AXES_RESET_ON_SUCCESS = True  # the lock's counters; every failure stays in the failure log
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "openpark.core.views.account_locked"
AXES_VERBOSE = False

# Proxies whose X-Forwarded-For and X-Request-ID are believed (addresses or networks). Behind
# the recommended nginx on the same host (SECURE_PROXY_SSL_HEADER=1) that is the loopback.
TRUSTED_PROXIES = env_list(
    "TRUSTED_PROXIES", ["127.0.0.1", "::1"] if env_bool("SECURE_PROXY_SSL_HEADER", False) else []
)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PACKAGE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# Production hardening: on unless DEBUG; `manage.py check --deploy` passes with these.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = not (DEBUG or TESTING)
CSRF_COOKIE_SECURE = not (DEBUG or TESTING)
SECURE_HSTS_SECONDS = 0 if (DEBUG or TESTING) else int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# An empty choice of a list's filter narrows nothing: it reads 全部, not "---------".
FILTERS_EMPTY_CHOICE_LABEL = "全部"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "openpark.core.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["openpark.core.api.permissions.ModelPermissions"],
    # JSON only: the interactive documentation is /api/docs/; DRF's browsable pages would need
    # inline styles the Content-Security-Policy refuses.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": [
        "openpark.core.filters.FilterBackend",
        "openpark.core.filters.OrderingFilter",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "openpark.core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "openpark.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "openpark.core.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OpenPark 开源园区治理平台 API",
    "DESCRIPTION": "园区管委会业务数据接口。机器访问使用令牌：请求头 `Authorization: Token <令牌>`。",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc are served from the drf-spectacular-sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # A result's class and its computed class share one set of choices: one name in the schema.
    "ENUM_NAME_OVERRIDES": {"GradeEnum": "openpark.evaluation.choices.Grade",
                            "ProjectStageEnum": "openpark.investment.choices.Stage",
                            "OutfallStageEnum": "openpark.environment.choices.OutfallStage",
                            "CertificationLevelEnum": "openpark.transformation.choices.CertificationLevel",
                            "RiverChiefLevelEnum": "openpark.environment.choices.ChiefLevel",
                            "ApprenticeshipOutcomeEnum": "openpark.talent.choices.ApprenticeshipOutcome",
                            "EducationRequirementEnum": "openpark.talent.choices.Education",
                            "ApprenticeSkillLevelEnum": "openpark.talent.choices.SkillLevel"},
}

# Attachments (`openpark.core.attachments`): the largest file accepted, in bytes.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
# Where notifications go besides the inbox (`openpark.core.senders`): dotted paths of senders.
NOTIFICATION_SENDERS = env_list("NOTIFICATION_SENDERS", ["openpark.core.senders.LoggingSender"])

REDIS_URL = os.environ.get("REDIS_URL", "")


def caches(redis_url: str, data_dir: Path, testing: bool) -> dict:
    """The cache every process shares (the working-day calendar reads through it): Redis when
    REDIS_URL is set; otherwise files in the data folder, which every process of the host shares
    and which need no set-up step (a database cache would need `createcachetable` before the first
    start, in every installation, restore and test run). A deployment over several hosts sets
    REDIS_URL, which its Celery workers need anyway. The test suite keeps its cache per process:
    parallel test workers have separate databases."""
    if redis_url:
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    elif testing:
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "openpark"}
    else:
        backend = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                   "LOCATION": str(data_dir / "cache")}
    return {"default": {**backend, "KEY_PREFIX": "openpark"}}


CACHES = caches(REDIS_URL, DATA_DIR, TESTING)

# Celery: eager (in-process) unless REDIS_URL names a broker.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "3600"))
# The periodic checks. Celery beat sends them to the workers; an installation without a broker runs
# them all, in process, with `manage.py run_periodic_checks` from cron. Tasks are named, not imported.
CELERY_BEAT_SCHEDULE = {
    # Deadlines: mark what is overdue, warn of what is due soon. Every five minutes, since a limit
    # may be minutes long (登记派遣 10 分钟); a run that finds nothing new costs a few indexed queries.
    "deadlines": {"task": "core.check_deadlines", "schedule": crontab(minute="*/5")},
    # High-tech certificates in their last year, service contracts about to end.
    "expiries": {"task": "enterprises.check_expiries", "schedule": crontab(hour=6, minute=0)},
    "housekeeping": {"task": "core.housekeeping", "schedule": crontab(hour=3, minute=30)},
    # 智慧环保: permits expiring, measures and problems overdue, chiefs behind, samples worse than target.
    "environment": {"task": "environment.check_alerts", "schedule": crontab(hour=7, minute=0)},
    # 新就业群体: points past their expiry date lose their unspent remains.
    "points_expiry": {"task": "community.expire_points", "schedule": crontab(hour=0, minute=20)},
}

# The map has no basemap by default (intranets have no internet). A park with a tile server sets
# its URL template; MAP_TILE_CRS "gcj02" converts the stored WGS-84 coordinates for such a basemap.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")
MAP_TILE_CRS = os.environ.get("MAP_TILE_CRS", "wgs84").lower()
if MAP_TILE_CRS not in {"wgs84", "gcj02"}:
    raise ImproperlyConfigured("MAP_TILE_CRS must be wgs84 or gcj02.")

# API tokens made by `POST /api/auth/token/` expire after this many days (0: never); the page
# that makes tokens offers it as the default.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))
# The park and the body that issues its reports (the 体检报告 names them in its header and footer).
# The periods of a working day that limits in working minutes count (core.calendars.working_hours).
OPENPARK_WORKING_HOURS = os.environ.get("OPENPARK_WORKING_HOURS", "").strip() or "08:30-12:00,13:30-17:30"
OPENPARK_PARK_NAME = os.environ.get("OPENPARK_PARK_NAME", "靖江经济技术开发区城南园区")
OPENPARK_ISSUER = os.environ.get("OPENPARK_ISSUER", "靖江经济技术开发区城南园区管理委员会")
# One-way digests (API tokens): sha256, or sm3 (国密) where the deployment asks for it.
# How the park numbers its outfalls (入河排污口): no national rule exists, so each park sets its own
# scheme, as a regular expression and the words that describe it to the people typing a code.
OPENPARK_OUTFALL_CODE_PATTERN = os.environ.get("OPENPARK_OUTFALL_CODE_PATTERN", r"^[A-Z]{2,4}[0-9]{3,6}$")
OPENPARK_OUTFALL_CODE_DESCRIPTION = os.environ.get(
    "OPENPARK_OUTFALL_CODE_DESCRIPTION", "2～4 位大写字母加 3～6 位数字，如 CN001")

OPENPARK_DIGEST_ALGORITHM = os.environ.get("OPENPARK_DIGEST_ALGORITHM", "sha256").lower()
if OPENPARK_DIGEST_ALGORITHM not in {"sha256", "sm3"}:
    raise ImproperlyConfigured("OPENPARK_DIGEST_ALGORITHM must be sha256 or sm3.")

# Encryption of stored personal data (workers' phones and ID numbers): the key is required when
# DEBUG is off, apart from SECRET_KEY, so that a new SECRET_KEY never makes stored data unreadable;
# keep it with the backups, but not in them. Where DEBUG is on, and under the tests, a key is
# derived from SECRET_KEY under its own id ("dev"), so that such data is never mistaken for real.
OPENPARK_FIELD_ALGORITHM = os.environ.get("OPENPARK_FIELD_ALGORITHM", "aesgcm").lower()
if OPENPARK_FIELD_ALGORITHM not in {"aesgcm", "sm4"}:
    raise ImproperlyConfigured("OPENPARK_FIELD_ALGORITHM must be aesgcm or sm4.")


def _field_keys() -> tuple[str, dict[str, bytes]]:
    from openpark.core import crypto

    keys = {}
    for item in filter(None, (part.strip() for part in os.environ.get("OPENPARK_FIELD_OLD_KEYS", "").split(","))):
        key_id, _, text = item.partition(":")
        if not key_id or "$" in key_id or not text:
            raise ImproperlyConfigured("OPENPARK_FIELD_OLD_KEYS must be “id:base64key”, separated by commas.")
        try:
            keys[key_id.strip()] = crypto.read_key(text, f"OPENPARK_FIELD_OLD_KEYS ({key_id})")
        except ValueError as exc:
            raise ImproperlyConfigured(str(exc)) from None
    text = os.environ.get("OPENPARK_FIELD_KEY", "")
    if text:
        key_id = os.environ.get("OPENPARK_FIELD_KEY_ID", "k1").strip()
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,16}", key_id):
            raise ImproperlyConfigured("OPENPARK_FIELD_KEY_ID must be 1 to 16 letters, digits, - or _.")
        try:
            keys[key_id] = crypto.read_key(text)
        except ValueError as exc:
            raise ImproperlyConfigured(str(exc)) from None
        return key_id, keys
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "OPENPARK_FIELD_KEY must be set when DEBUG is off (the base64 of 32 random bytes; see the README).")
    keys[crypto.DERIVED_KEY_ID] = crypto.derive_key(SECRET_KEY)
    return crypto.DERIVED_KEY_ID, keys


OPENPARK_FIELD_KEY_ID, OPENPARK_FIELD_KEYS = _field_keys()

def tile_sources(url_template: str) -> list[str]:
    """The CSP sources of a tile URL template: "https://{s}.tiles.example/{z}/{x}/{y}.png" gives
    "https://*.tiles.example"; a template on the platform's own host needs none."""
    parts = urlsplit(url_template)
    if not parts.netloc:
        return []
    host = re.sub(r"\{[a-z]+\}", "*", parts.netloc)
    return [f"{parts.scheme}://{host}" if parts.scheme else host]


# Content-Security-Policy (django-csp): scripts and styles only from the app's own static files,
# never inline, so that a user's text that slips into a page cannot run. Leaflet and ECharts set
# styles through the CSSOM, which style-src does not govern; the basemap's tiles, when configured,
# are the only images from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", *tile_sources(MAP_TILE_URL)],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# Powerful browser features are off; geolocation stays on for the platform's own pages (a grid
# worker reports a problem with the phone's location), fullscreen for its maps.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "fullscreen": ["self"],
    "geolocation": ["self"],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

# Lists above this many rows are exported by a background task instead of in the request.
EXPORT_SYNC_LIMIT = int(os.environ.get("EXPORT_SYNC_LIMIT", "5000"))
# A project in progress with no recorded progress for longer than this is flagged as stale.
STALE_PROJECT_DAYS = int(os.environ.get("STALE_PROJECT_DAYS", "30"))
# The cockpit's wall display (/cockpit/wall/) reloads itself every this many seconds.
COCKPIT_WALL_REFRESH_SECONDS = int(os.environ.get("COCKPIT_WALL_REFRESH_SECONDS", "300"))
# Housekeeping removes background task result files, and the uploads and error reports of imports
# that were never finished, after this many days (see openpark.core.housekeeping).
HOUSEKEEPING_TASK_FILE_DAYS = int(os.environ.get("HOUSEKEEPING_TASK_FILE_DAYS", "30"))
HOUSEKEEPING_UPLOAD_DAYS = int(os.environ.get("HOUSEKEEPING_UPLOAD_DAYS", "7"))
# Where the platform writes its own archives (`archive_changes` into its changes/ folder).
BACKUP_DIR = Path(os.environ.get("OPENPARK_BACKUP_DIR", DATA_DIR / "backups"))
# `archive_changes` moves change records older than this many days to an archive file.
CHANGE_RECORD_RETENTION_DAYS = int(os.environ.get("CHANGE_RECORD_RETENTION_DAYS", "1095"))
# Open311 GeoReport v2 (/open311/v2/): the jurisdiction_id clients may name, and the contact its
# discovery document gives (by default the issuer).
OPENPARK_OPEN311_JURISDICTION = os.environ.get("OPENPARK_OPEN311_JURISDICTION", "openpark")
OPENPARK_OPEN311_CONTACT = os.environ.get("OPENPARK_OPEN311_CONTACT", "")
# What one Open311 key may file an hour, refused filings included (a leaked key floods nothing).
OPENPARK_OPEN311_FILINGS_PER_HOUR = int(os.environ.get("OPENPARK_OPEN311_FILINGS_PER_HOUR", "600"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # A refused request is logged once, in one line, without a traceback (see core/logs.py); a
    # logger's filter does not see its children's records, hence django.security's each named.
    "filters": {"refusals": {"()": "openpark.core.logs.RefusalsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        **{name: {"filters": ["refusals"]} for name in (
            "django.request", "django.security", "django.security.csrf", "django.security.DisallowedHost",
            "django.security.SuspiciousOperation", "django.security.RequestDataTooBig",
            "django.security.TooManyFieldsSent", "django.security.TooManyFilesSent",
        )},
    },
}
