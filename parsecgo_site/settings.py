"""Settings for Parsecgo Workshop, read from the environment with a safe local default."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from parsecgo_site.env import env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

# Unset, the site runs as a local development setup bound to localhost; a deployment sets
# DEBUG=false with SECRET_KEY and ALLOWED_HOSTS (see README, "Deploying").
DEBUG = env_bool("DEBUG", default=True)

_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY") or (_DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "The environment variable SECRET_KEY must be set when DEBUG is off "
        "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
if not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "The environment variable SECRET_KEY must be at least 50 characters long when DEBUG is off."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "The environment variable ALLOWED_HOSTS must name this site's host names "
        "(comma-separated) when DEBUG is off."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Where the site answers, for links in documents drawn without a request (the PDF): a
# supersede link or a pattern page must be absolute there. Unset, the development server's
# address when DEBUG is on, else the first host ALLOWED_HOSTS names, over https.
_first_host = next((h for h in ALLOWED_HOSTS if h != "*" and not h.startswith(".")), "")
SITE_URL = (
    env_url("SITE_URL", ("http", "https"))
    or ("http://127.0.0.1:8000" if DEBUG else (f"https://{_first_host}" if _first_host else ""))
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # Only for the static files and templates of the API docs page (Swagger UI, no CDN).
    "ninja",
    "parsecgo_site",
    "patterns",
    "workshops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "parsecgo_site.htmx_login.HtmxLoginRedirectMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Deployed app servers serve their own static files (collected, compressed, hashed);
    # locally, runserver serves them straight from the apps.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "parsecgo_site.urls"
WSGI_APPLICATION = "parsecgo_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parsecgo_site.context_processors.layout_links",
                "parsecgo_site.context_processors.sign_in_options",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", ("sqlite", "postgres", "postgresql", "pgsql"))
if DATABASE_URL and not DATABASE_URL.startswith("sqlite"):
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    _sqlite = dj_database_url.parse(DATABASE_URL) if DATABASE_URL else {}
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _sqlite.get("NAME") or BASE_DIR / "db.sqlite3",
            # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at
            # the start of a transaction so that concurrent writers wait (busy timeout)
            # instead of failing half-way with "database is locked".
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
            },
            # Tests use a file too, not Django's shared in-memory database, whose table locks
            # fail concurrent writers at once instead of making them wait as a file does.
            # TEST_SQLITE_NAME lets two suites run side by side on one checkout.
            "TEST": {"NAME": env_str("TEST_SQLITE_NAME", str(BASE_DIR / ".test-db.sqlite3"))},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: shared by every app server process ----------------------------------------------
REDIS_URL = env_url("REDIS_URL", ("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "parsecgo",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "parsecgo_cache",
        }
    }

# --- Background work: PDFs are drawn by a worker process, never inside a web request ------
# Django's tasks API (the django-tasks backport). The database backend needs no other server
# (`manage.py db_worker` runs the queue); with REDIS_URL set, the queue lives in Redis and
# `manage.py rqworker --job-class django_tasks_rq.Job default` runs it. TASKS_BACKEND
# chooses explicitly ("database" or "redis").
#
# How long one PDF may take to draw (seconds). The drawing runs in a child process that is
# stopped at the limit; the page then says the record is too long and what to shorten.
PDF_DRAW_TIME_LIMIT = env_int("PDF_DRAW_TIME_LIMIT", 120, minimum=1)
TASKS_BACKEND = env_str("TASKS_BACKEND", "redis" if REDIS_URL else "database")
if TASKS_BACKEND == "redis":
    if not REDIS_URL:
        raise ImproperlyConfigured(
            "The environment variable TASKS_BACKEND is 'redis' but REDIS_URL is not set."
        )
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    # RQ's own limit, a minute past ours, only catches a job that hangs outside the drawing.
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": PDF_DRAW_TIME_LIMIT + 60}}
elif TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    raise ImproperlyConfigured(
        f"The environment variable TASKS_BACKEND must be 'database' or 'redis', not "
        f"{TASKS_BACKEND!r}."
    )

# Sessions live in the database and are read through the shared cache (Redis or the
# database cache): durable, shared by every app server, and cheaper to read per request.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes refuses a login before any password is checked once a username has failed too
# often from one client address; ModelBackend then checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Password reset links stay valid this long (Django's default is three days).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_HOURS", 24, minimum=1) * 3600
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- Login throttling (django-axes) ------------------------------------------------------
# Failures are counted per username and client address together, in the database, so every
# app server sees the same counts and one person's typos never lock out anybody else.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_RESET_ON_SUCCESS = True
# Every attempt while paused counts and starts the wait again: the lockout page says so.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_LOCKOUT_CALLABLE = "parsecgo_site.lockout.locked_out_response"
# The client address: REMOTE_ADDR when the app servers are reached directly; behind N reverse
# proxies that each append to X-Forwarded-For, the Nth address from its right (the leftmost
# ones are whatever the client sent). django-ipware counts only the proxies listed in the
# header, which leaves out the last one (REMOTE_ADDR), hence N - 1; not strict, so that
# extra addresses a client prepends are skipped instead of voiding the header.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# --- Email: password reset links ---------------------------------------------------------
# Unset, mail is printed on the console (the web server's output); EMAIL_HOST sends it by SMTP.
EMAIL_HOST = env_str("EMAIL_HOST").strip()
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Parsecgo Workshop <parsecgo@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        raise ImproperlyConfigured(
            "The environment variable EMAIL_USE_TLS cannot be true together with EMAIL_USE_SSL: "
            "STARTTLS (port 587) is EMAIL_USE_TLS, implicit TLS (port 465) is EMAIL_USE_SSL."
        )
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    _orphans = [
        name
        for name in ("EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD")
        if env_str(name).strip()
    ]
    if _orphans:
        raise ImproperlyConfigured(
            f"The environment variable EMAIL_HOST must be set when {', '.join(_orphans)} is: "
            "without it mail is only printed on the console."
        )

# --- Single sign-on through OpenID Connect (mozilla-django-oidc), off unless configured ----
# Setting OIDC_RP_CLIENT_ID turns it on; the provider's endpoints and the client secret are
# then required. The login page offers "Sign in with OIDC_PROVIDER_NAME"; a person is found
# by the email address the provider vouches for, or gets a new account.
OIDC_REQUIRED = (
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
)
OIDC_ENABLED = bool(env_str("OIDC_RP_CLIENT_ID").strip())
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "single sign-on").strip() or "single sign-on"
if OIDC_ENABLED:
    _missing = [name for name in OIDC_REQUIRED if not env_str(name).strip()]
    if _missing:
        raise ImproperlyConfigured(
            f"The environment variable {_missing[0]} must be set: OIDC_RP_CLIENT_ID is, which "
            "turns single sign-on on"
            + (f" (also missing: {', '.join(_missing[1:])})." if _missing[1:] else ".")
        )
    OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID").strip()
    OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_url("OIDC_OP_AUTHORIZATION_ENDPOINT", ("https", "http"))
    OIDC_OP_TOKEN_ENDPOINT = env_url("OIDC_OP_TOKEN_ENDPOINT", ("https", "http"))
    OIDC_OP_USER_ENDPOINT = env_url("OIDC_OP_USER_ENDPOINT", ("https", "http"))
    OIDC_OP_JWKS_ENDPOINT = env_url("OIDC_OP_JWKS_ENDPOINT", ("https", "http")) or None
    OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256").strip()
    if OIDC_RP_SIGN_ALGO not in ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "HS256"):
        raise ImproperlyConfigured(
            "The environment variable OIDC_RP_SIGN_ALGO must be RS256, RS384, RS512, ES256, "
            f"ES384, ES512 or HS256, not {OIDC_RP_SIGN_ALGO!r}."
        )
    if OIDC_RP_SIGN_ALGO != "HS256" and not OIDC_OP_JWKS_ENDPOINT:
        raise ImproperlyConfigured(
            f"The environment variable OIDC_OP_JWKS_ENDPOINT must be set: {OIDC_RP_SIGN_ALGO} "
            "tokens are checked against the provider's published keys."
        )
    OIDC_RP_SCOPES = "openid email profile"
    OIDC_USE_PKCE = True
    # A refused or failed sign-in comes back to the login page, which says so.
    LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
    OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10, minimum=1)
    AUTHENTICATION_BACKENDS.append("parsecgo_site.oidc.EmailOIDCBackend")

# --- Join throttling (workshops.services.join_throttle) ----------------------------------
# Failed joins (an unknown short code or invite link) are counted per client address, the same
# address django-axes sees; past the limit within the window the client waits for the window
# to end. Counted in Redis when REDIS_URL is set, in the database otherwise.
JOIN_FAILURE_LIMIT = env_int("JOIN_FAILURE_LIMIT", 10, minimum=1)
JOIN_FAILURE_WINDOW_MINUTES = env_int("JOIN_FAILURE_WINDOW_MINUTES", 15, minimum=1)

# --- Importing decisions (manage.py import_decision; docs/decision-export.md) ------------
# A file (JSON or record PDF) larger than this is refused before it is read, and so is a PDF
# whose attached decision.json would expand past it.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10_000_000, minimum=1024)

LANGUAGE_CODE = "en"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files: Bootstrap and htmx come from installed packages, never a CDN -------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "parsecgo_site.storage.CompressedManifestStorage"
        if not DEBUG and env_bool("STATIC_MANIFEST", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -------------------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    # Production sits behind TLS; a proxy that terminates it sets X-Forwarded-Proto.
    if env_bool("SECURE_PROXY_SSL_HEADER", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint reports every step of every PDF at INFO, django-axes its start and every
    # failed login; only their warnings matter here (axes warns on failures and lockouts).
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
