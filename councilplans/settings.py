"""Settings for councilplans: one file, read from environment variables.

SQLite is the default so that a newcomer can run the app with nothing installed;
production sets DATABASE_URL (PostgreSQL), SECRET_KEY, ALLOWED_HOSTS and DEBUG=False.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")


def envbool(name: str, default: str) -> bool:
    """Read a boolean: true/false, 1/0, yes/no or on/off in any case; anything else is an error."""
    value = os.environ.get(name, default).strip().lower()
    if value not in TRUE_WORDS + FALSE_WORDS:
        raise ImproperlyConfigured(
            f"{name} must be true/false, 1/0, yes/no or on/off (any case), "
            f"not {os.environ.get(name)!r}"
        )
    return value in TRUE_WORDS


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "False")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not envbool("DJANGO_INSECURE_DEV_KEY", "False"):
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=True for local development).")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_NAME = os.environ.get("SITE_NAME", "Council Plans")

INSTALLED_APPS = [
    "plans.adminsite.CouncilAdminConfig",  # django.contrib.admin, with a council-scoped site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "axes",
    "django_tasks_db",
    "core",
    "plans",
    "actions",
    "kpis",
    "risks",
    "publishing",
    "dashboard",
    "work",
    "workbooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "councilplans.sessions.SessionTimeoutMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.StripNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last: it inspects the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "councilplans.urls"
WSGI_APPLICATION = "councilplans.wsgi.application"

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
                "django.template.context_processors.csp",
                "core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}


def cache_settings(url: str, key_prefix: str = "") -> dict:
    """CACHES from one URL: ``redis://`` or ``rediss://`` (shared by every process and host:
    production), else (empty, ``locmem://``) each process's own memory (the embedded default).

    Cached pages are keyed on each council's data version (plans.dataversion), so a cache
    never serves a page older than the data, whichever process or host wrote it.
    """
    if url.startswith(("redis://", "rediss://", "unix://")):
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    elif url in ("", "locmem://"):
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cp"}
    else:
        raise ImproperlyConfigured(
            f"CACHE_URL must start with redis:// or rediss:// (or be empty), not {url!r}"
        )
    return {"default": {**backend, "KEY_PREFIX": key_prefix, "TIMEOUT": 24 * 3600}}


CACHES = cache_settings(
    os.environ.get("CACHE_URL", os.environ.get("REDIS_URL", "")).strip(),
    os.environ.get("CACHE_KEY_PREFIX", "").strip(),
)

# Parallel test runs (several developers on one PostgreSQL) can name their own test database.
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"  # My work, the one council's dashboard, or "Your councils"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = envbool("AXES_ENABLED", "True")
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"  # in the product's look (status 429)
# Behind the proxy every request comes from the proxy's address: count failures per client,
# read from the X-Forwarded-For entry the trusted proxies appended (councilplans/proxy.py).
AXES_CLIENT_IP_CALLABLE = "councilplans.proxy.client_ip"

# Sessions end after SESSION_IDLE_TIMEOUT seconds without a request, and SESSION_COOKIE_AGE
# seconds after signing in however active (councilplans/sessions.py).
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(8 * 3600)))
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 3600)))

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or not envbool("STATIC_MANIFEST", "True")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email (password reset): printed to the console unless SMTP is configured.
# Once a mail host is configured, SMTP is the default (check --deploy refuses Django's console
# backend in production, where reset links must really be sent). Locally (DEBUG) the console
# prints reset links whole, on one line.
_email_backend = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "councilplans.mail.ConsoleEmailBackend"
    if DEBUG
    else "django.core.mail.backends.console.EmailBackend",
)
_email_options: dict[str, object] = {}
if _email_backend.endswith("smtp.EmailBackend"):
    _email_options = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": envbool("EMAIL_USE_TLS", "False"),
    }
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "councilplans@localhost")
# The service's address as people reach it: links in emails sent outside a request (the
# collection reminders) start with it.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000")

# Background tasks (the daily collection reminders): Django's tasks framework, stored in the
# database and run by `manage.py db_worker` (see README, "Reminders and the task worker").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Content-Security-Policy: Django's built-in middleware, nonce-based, no unsafe-inline.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Security headers and cookies. Production (DEBUG off) gets HTTPS-only cookies and HSTS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", str(not DEBUG))
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", str(not DEBUG))
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", str(not DEBUG))
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
# Load balancers probe /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
BEHIND_TLS_PROXY = envbool("BEHIND_TLS_PROXY", "False")
# How many proxies (each appending to X-Forwarded-For) stand between clients and the app.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))
if TRUSTED_PROXY_COUNT < 1:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 1 or more.")
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Demo users are never created under production settings (see plans/management/commands).
ALLOW_DEMO_USERS = envbool("ALLOW_DEMO_USERS", str(DEBUG))

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The test suite trades hash strength for speed (never set this in production).
if envbool("FAST_PASSWORD_HASHER", "False"):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
