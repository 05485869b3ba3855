"""Settings, read from the environment; every variable is listed in README.md's settings table."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env_str(name: str, default: str) -> str:
    import os

    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name, "").strip().lower()
    if value == "":
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env_str(name, "").strip()
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
VAR_DIR = Path(env_str("BLUELIGHT_VAR_DIR", str(PROJECT_DIR / "var")))
_DEV_SECRET_KEY = "insecure-local-development-key-set-SECRET_KEY-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false (see README, Deployment)")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_NAME = env_str("SITE_NAME", "Blue Light Collaboration Observatory")
SITE_NAME_CY = env_str("SITE_NAME_CY", "Arsyllfa Cydweithio'r Gwasanaethau Brys")  # the name on Welsh pages
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")  # for links in e-mails
RETURNS_MAX_UPLOAD_BYTES = env_int("RETURNS_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
RETURNS_MAX_ROWS = env_int("RETURNS_MAX_ROWS", 20_000)
RETURNS_BACKGROUND_ROWS = env_int("RETURNS_BACKGROUND_ROWS", 2000)  # larger files: checked and imported by the worker
RETURNS_PREVIEW_HOURS = env_int("RETURNS_PREVIEW_HOURS", 24)  # an upload waits this long to be confirmed
RETURNS_MAX_COLUMNS = env_int("RETURNS_MAX_COLUMNS", 100)  # the template has 22
RETURNS_MAX_CELL_CHARS = env_int("RETURNS_MAX_CELL_CHARS", 32_767)  # Excel's own most; columns have smaller limits
RETURNS_MAX_PARTNERS = env_int("RETURNS_MAX_PARTNERS", 100)  # partners named in one row

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "govuk_frontend_django",
    # Before django_tasks_db: its `db_worker` command is bluelight.core's, the worker that lives
    # through a busy database and writes a heartbeat (bluelight/core/worker.py).
    "bluelight.core",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "bluelight.accounts",
    "bluelight.organisations",
    "bluelight.collaborations",
    "bluelight.returns",
    "bluelight.consolidation",
    "bluelight.editions",
    "bluelight.insights",
    "bluelight.demo",
    "bluelight.explorer",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as our own static files
    "bluelight.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "bluelight.accounts.middleware.SessionLifetimeMiddleware",
    "bluelight.core.middleware.NoStoreWhenSignedInMiddleware",
    "bluelight.core.middleware.RejectNullCharactersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bluelight.urls"
WSGI_APPLICATION = "bluelight.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bluelight.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'bluelight.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh clone has no var/ (it is git-ignored): make the database's folder on first use.
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server read while a command writes; IMMEDIATE avoids
    # "database is locked" on upgrade from read to write inside transactions. A writer waits up to
    # SQLITE_BUSY_TIMEOUT seconds for another's transaction (Python's default is 5): longer than the
    # longest write, since long work writes in short transactions (matching commits once, at the end).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 30),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "explorer:home"
LOGOUT_REDIRECT_URL = "explorer:home"

# Sign-in throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username from
# one address, that pair is refused for LOGIN_LOCKOUT_MINUTES, on the site and the admin login alike.
# Username and address together, so an attacker cannot lock everyone out and one office's shared
# address does not lock out its colleagues.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out pair before any password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # no record of successful sign-ins: nothing reads it, and personal data kept for nothing
AXES_LOCKOUT_CALLABLE = "bluelight.accounts.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "bluelight.accounts.throttling.client_ip"
# Trying again while locked out does not restart the wait that the page promises.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ADMIN = False  # accounts/admin.py registers the attempts list under the access policy

# Sessions: signed out after SESSION_IDLE_TIMEOUT seconds without a request, and after
# SESSION_ABSOLUTE_TIMEOUT seconds however active (bluelight/accounts/middleware.py).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 2 * 60 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT  # the cookie and the stored session go no later than that
SESSION_COOKIE_HTTPONLY = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# English and Welsh: LocaleMiddleware picks the language from the language cookie (set by the language
# switch in every page's header, core/views.py `language_choose`), else the browser's Accept-Language.
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]  # bluelight/locale/cy/LC_MESSAGES/django.po, and its compiled .mo
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60  # a choice of language is kept a year (the cookies page says so)
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk-frontend", PROJECT_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    # The return item form's partner list, as a type-ahead box (static/js/partner-autocomplete.js).
    ("accessible-autocomplete", PROJECT_DIR / "node_modules" / "accessible-autocomplete" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "observatory@localhost")
# Who runs the service (its accessibility statement and privacy notice name them as the data controller)
# and where people write to it: the contact page, the phase banner's feedback link and those two pages.
SERVICE_OPERATOR = env_str("SERVICE_OPERATOR", "the Emergency Services Collaboration Working Group")
SERVICE_CONTACT_EMAIL = env_str("SERVICE_CONTACT_EMAIL", DEFAULT_FROM_EMAIL)

# Production hardening: on whenever DEBUG is off, so `bluelight check --deploy` is clean.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Behind a reverse proxy that sets X-Forwarded-Proto and appends the client to X-Forwarded-For,
# and that the app cannot be reached around: only then may those headers be believed (a client
# could otherwise claim https, or another address to dodge the sign-in lockout).
TRUSTED_PROXY = env_bool("TRUSTED_PROXY", False)
if TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): nothing from elsewhere; scripts only from our static files
# or inline with this response's nonce (base.html); no inline styles but one. The overview report's HTML
# file sends its own, stricter policy (editions/views.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # One exception, by hash: django-simple-history's history list has style="border-top: 0"
        # on its pager. 'unsafe-hashes' admits that exact attribute and no other inline style.
        "style-src": [SELF, "'unsafe-hashes'", "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO" if not DEBUG else "WARNING")},
    # WeasyPrint warns about its font subsetting on every PDF; only its errors matter to us.
    # django-axes: failed sign-ins and lockouts (warnings) are logged; its start-up banner and
    # every successful sign-in (info) would only be noise on each command.
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}, "axes": {"level": "WARNING"}},
}

# The REST API (bluelight/api): read-only for the public, writes through the services for those the
# policy allows; anonymous clients get API_ANON_RATE requests (e.g. "120/minute", "5000/day") each.
API_ANON_RATE = env_str("API_ANON_RATE", "120/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # JSON only: DRF's browsable pages run inline scripts the Content-Security-Policy refuses; /api/docs/ browses.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # Who a client is, for the rate limit: the address that connected, or the one the trusted proxy
    # appended; never a client's own X-Forwarded-For, which anyone could vary to dodge the limit.
    "NUM_PROXIES": 1 if TRUSTED_PROXY else 0,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Blue Light Collaboration Observatory API",
    "DESCRIPTION": (
        "Published collaborations between police, fire and rescue and ambulance services and their partners, "
        "the organisation register, the theme taxonomy, evidence and frozen editions. Read-only for the public; "
        "no contact details or unpublished records are ever returned."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Swagger UI would otherwise send the schema to an outside validator, which the CSP refuses anyway.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
}


def _licence(value: str) -> dict:
    """OPEN_DATA_LICENCE as "name|title|https://url": the licence every open data download carries."""
    parts = [part.strip() for part in value.split("|")]
    if len(parts) != 3 or not all(parts) or not parts[2].startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"OPEN_DATA_LICENCE must be 'name|title|https://url', not {value!r}")
    return {"name": parts[0], "title": parts[1], "path": parts[2]}


OPEN_DATA_LICENCE = _licence(
    env_str(
        "OPEN_DATA_LICENCE",
        "OGL-UK-3.0|Open Government Licence v3.0|https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    )
)

# Long work (the overview report) runs as a background task: Django's tasks API through the
# django-tasks backport, stored in the database and run by `bluelight db_worker` (started by `make run`).
# The cache keeps figures and pages that are the same for every member of the public (a minute,
# renewed at once when a service writes a record) and the API's rate-limit counts. By default it is
# files under VAR_DIR/cache, shared by every process of the installation (web workers, the worker,
# commands), so a write shows everywhere at once and each page is computed once, not once per
# process. Several machines: a shared server, e.g. CACHE_BACKEND=django.core.cache.backends.redis.RedisCache
# and CACHE_LOCATION=redis://127.0.0.1:6379.
CACHE_BACKEND = env_str("CACHE_BACKEND", "django.core.cache.backends.filebased.FileBasedCache")
CACHES = {"default": {"BACKEND": CACHE_BACKEND, "LOCATION": env_str("CACHE_LOCATION", str(VAR_DIR / "cache"))}}
if CACHE_BACKEND.endswith(("FileBasedCache", "LocMemCache")):
    # Django's default of 300 entries is fewer than the record pages readers open in a minute.
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 3000)}

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", "")
