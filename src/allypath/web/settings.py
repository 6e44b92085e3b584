"""Django settings, built from the one validated :class:`~allypath.web.config.WebSettings`.

Nothing here reads the environment directly: a bad variable fails at import with its name.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

import dj_database_url

from allypath.web.config import SPOOLED_UPLOADS, load_settings
from allypath.web.logging_filters import hide_secrets_in

# mypy's Django plugin (django-stubs) imports this module with no secrets in the environment.
ENV = load_settings(type_checking="mypy" in sys.modules)
PACKAGE_DIR = Path(__file__).resolve().parent

DEBUG = ENV.debug
# A development key is random per process: sessions do not survive a restart, which is fine there.
SECRET_KEY = ENV.secret_key.get_secret_value() if ENV.secret_key else secrets.token_urlsafe(50)
PANEL_SECRET = ENV.panel_secret.get_secret_value() if ENV.panel_secret else ""
SITE_URL = ENV.site_url
ALLOWED_HOSTS = ENV.allowed_hosts
CSRF_TRUSTED_ORIGINS = ENV.csrf_trusted_origins

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "ninja",  # serves the API docs from local static files instead of a CDN
    "allypath.web.orgs",
    "allypath.web.survey",
    "allypath.web.console",
    "allypath.web.api",
    "allypath.web.audit",
    "allypath.web.plans",
    "allypath.web.dashboard",
    "allypath.web.journey",
]

MIDDLEWARE = [
    # A respondent's pages and the API's submission go through ALLYPATH_SURVEY_MIDDLEWARE (below).
    "allypath.web.middleware.SurveyStackMiddleware",
    "allypath.web.middleware.BodySizeLimitMiddleware",
    "allypath.web.middleware.JsonBodyGuardMiddleware",
    "allypath.web.security.SubmissionRateLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "allypath.web.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allypath.web.security.ContentSecurityPolicyMiddleware",  # django-csp's, the policy kept
    "axes.middleware.AxesMiddleware",
    "allypath.web.security.StorageFullMiddleware",
    "allypath.web.middleware.RequestProblemMiddleware",
]
# The respondent's stack (allypath.web.middleware.SurveyStackMiddleware): MIDDLEWARE in its order, without
# what a respondent never uses (static files, sessions, sign-in, messages, the login lockout).
# tests/web/test_survey_stack.py pins it: dropping a protection from it fails there.
ALLYPATH_SURVEY_MIDDLEWARE = [
    "allypath.web.middleware.BodySizeLimitMiddleware",
    "allypath.web.middleware.JsonBodyGuardMiddleware",
    "allypath.web.security.SubmissionRateLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "allypath.web.security.SecurityHeadersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allypath.web.security.ContentSecurityPolicyMiddleware",  # django-csp's, the policy kept
    "allypath.web.security.StorageFullMiddleware",
    "allypath.web.middleware.RequestProblemMiddleware",
]

ROOT_URLCONF = "allypath.web.urls"
WSGI_APPLICATION = "allypath.web.wsgi.application"

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
            ],
        },
    },
]


def _private_file(path: Path) -> Path:
    """Create ``path`` (if new) readable and writable by this user only, before anything writes to it.

    SQLite gives its -wal and -shm files the mode of the database file, so they are private too.
    """
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    path.chmod(0o600)
    return path


def _database() -> dict[str, Any]:
    if ENV.database_url:
        config: dict[str, Any] = dict(dj_database_url.parse(ENV.database_url, conn_max_age=60))
        if config["ENGINE"].endswith("sqlite3"):
            config["OPTIONS"] = _SQLITE_OPTIONS
        return config
    # Kept open between requests as PostgreSQL's are: a new SQLite connection and its PRAGMAs cost
    # about a tenth of a survey page (0.35 of 3.7 ms; benchmarks/bench_survey_load.py).
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": _private_file(ENV.data_dir / "allypath.sqlite3"),
        "OPTIONS": _SQLITE_OPTIONS,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


# The data directory holds the database, uploads under review and e-mails: this user's only (0700).
ENV.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
ENV.data_dir.chmod(0o700)


# WAL lets readers run beside the writer; synchronous=FULL makes a committed response durable; the busy
# timeout and IMMEDIATE transactions make concurrent writers queue instead of failing with "locked";
# secure_delete overwrites deleted rows with zeros (a used invitation's link, a sealed draft, a discarded
# import) instead of leaving them in free pages for whoever reads the file, whatever the build's default.
_SQLITE_OPTIONS: dict[str, Any] = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=20000; "
        "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON"
    ),
}

DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Single sign-on for HR (OpenID Connect through mozilla-django-oidc; off by default): allypath.web.sso.
# The backend is listed only while it is on, so turning it off also ends the sessions it opened.
if ENV.oidc_enabled:
    AUTHENTICATION_BACKENDS.append("allypath.web.sso.backend.OIDCBackend")
ALLYPATH_OIDC_ENABLED = ENV.oidc_enabled
ALLYPATH_OIDC_PROVIDER_NAME = ENV.oidc_provider_name
ALLYPATH_OIDC_ISSUER = ENV.oidc_issuer  # endpoints and keys from its discovery document, when first needed
ALLYPATH_PASSWORD_LOGIN = ENV.password_login
OIDC_RP_CLIENT_ID = ENV.oidc_client_id
OIDC_RP_CLIENT_SECRET = ENV.oidc_client_secret.get_secret_value()
OIDC_RP_SIGN_ALGO = ENV.oidc_sign_algo
OIDC_RP_SCOPES = ENV.oidc_scopes
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False  # the provider signs existing HR accounts in; it never creates one
OIDC_STORE_ACCESS_TOKEN = False  # no token is kept in the session
OIDC_STORE_ID_TOKEN = False
OIDC_TIMEOUT = 10  # seconds for each call to the provider (discovery, token, keys, userinfo)
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"

LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "console:login"

# django-axes: lock a user name after repeated failures from one address (HR accounts only;
# respondents never log in, so no respondent address is ever recorded).
AXES_FAILURE_LIMIT = ENV.login_failure_limit
AXES_COOLOFF_TIME = ENV.login_cooloff_minutes / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's own address, also behind a reverse proxy (ALLYPATH_TRUSTED_PROXIES): keyed on the
# proxy's address, anyone could lock any HR user out with a few wrong passwords.
ALLYPATH_TRUSTED_PROXIES = ENV.trusted_proxies
AXES_CLIENT_IP_CALLABLE = "allypath.web.client.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "console/locked_out.html"
AXES_VERBOSE = False
AXES_WHITELIST_CALLABLE = "allypath.web.sso.backend.not_a_password_attempt"  # SSO callbacks

LANGUAGE_CODE = "en"
# English dates in the house style ("6 January 2027"): allypath/web/formats/en/formats.py
FORMAT_MODULE_PATH = ["allypath.web.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = ENV.data_dir / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request when it is missing
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "allypath.web.storage.StaticStorage"},
}
# Serve straight from the packages when collectstatic has not run (tests, development).
WHITENOISE_USE_FINDERS = True

# Request bodies: the survey and the API take small JSON or form bodies; HRIS files go through uploads.
DATA_UPLOAD_MAX_MEMORY_SIZE = ENV.max_body_bytes
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A larger upload (an HRIS list, a survey tool's export: ids, e-mails, answers) is spooled to a file while
# it arrives: inside the data directory (0700), not the system's /tmp. Django removes it at the end of
# the request; one left by a killed worker goes with the uploads' sweep (config.sweep_uploads).
FILE_UPLOAD_TEMP_DIR = ENV.data_dir / SPOOLED_UPLOADS
FILE_UPLOAD_TEMP_DIR.mkdir(mode=0o700, exist_ok=True)
ALLYPATH_MAX_BODY_BYTES = ENV.max_body_bytes
ALLYPATH_MAX_UPLOAD_BYTES = ENV.max_upload_bytes
ALLYPATH_MAX_UNPACKED_BYTES = ENV.max_unpacked_bytes  # allypath.web.uploads: checked before parsing
ALLYPATH_MAX_UPLOAD_ROWS = ENV.max_upload_rows
# allypath.web.dashboard.deferred: which releases are solved outside the request that needs them, and
# where the process solving them leaves its claim and its log
ALLYPATH_SOLVE_IN_REQUEST_SECONDS = ENV.solve_in_request_seconds
ALLYPATH_SOLVE_IN_REQUEST_ROWS = ENV.solve_in_request_rows
ALLYPATH_DATA_DIR = ENV.data_dir
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400

EMAIL_BACKEND = ENV.email_backend_path
EMAIL_HOST = ENV.email_host
EMAIL_PORT = ENV.email_port
EMAIL_HOST_USER = ENV.email_host_user
EMAIL_HOST_PASSWORD = ENV.email_host_password.get_secret_value()
EMAIL_USE_TLS = ENV.email_use_tls
EMAIL_TIMEOUT = 30  # a dead SMTP server fails the sending with a message instead of hanging the request
EMAIL_FILE_PATH = ENV.data_dir / "mail"
DEFAULT_FROM_EMAIL = ENV.email_from

# Survey links carry the personal token in the path: never send it on to another site ("no-referrer"
# would also make browsers send "Origin: null" on form posts, which CSRF protection rightly refuses).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = ENV.secure_cookies
CSRF_COOKIE_SECURE = ENV.secure_cookies
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_NAME = "__Host-sessionid" if ENV.secure_cookies else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if ENV.secure_cookies else "csrftoken"
# The respondent's browser secret (allypath.web.survey.browser): binds his draft and report to him.
ALLYPATH_RESPONDENT_COOKIE = "__Host-allypath-respondent" if ENV.secure_cookies else "allypath-respondent"
CSRF_COOKIE_HTTPONLY = True  # no script reads it: every form carries the token in a hidden field
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if ENV.secure_cookies:
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP inside the network

# Submission rate limits (allypath.web.security): counters in local memory, never in the database.
ALLYPATH_SUBMIT_LIMIT_PER_TOKEN = ENV.submit_limit_per_token
ALLYPATH_SUBMIT_LIMIT_PER_IP = ENV.submit_limit_per_ip
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "allypath-ratelimit",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
}

# No inline script or style anywhere: pages work under this policy (the API docs relax it locally).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

NINJA_PAGINATION_PER_PAGE = 100

# Logs carry no survey token or receipt code (threat (c): whoever reads the host's logs): the segment
# after /s/ and /r/ in a logged path or request line becomes "***" and the request object is dropped
# (allypath.web.logging_filters), on the loggers that log paths and on every handler Django's own
# records reach (django.security.* has a logger per exception class). django.request stays at errors
# and gunicorn's access log off (scripts/serve.sh); gunicorn's error log is masked too.
_HIDE = ["hide_secrets"]
_SECURITY_LOGGERS = [
    "django.security",
    *(
        f"django.security.{name}"
        for name in (
            "csrf",
            "DisallowedHost",
            "DisallowedRedirect",
            "DisallowedModelAdminLookup",
            "DisallowedModelAdminToField",
            "InvalidSessionKey",
            "RequestDataTooBig",
            "SuspiciousFileOperation",
            "SuspiciousMultipartForm",
            "SuspiciousOperation",
            "SuspiciousSession",
            "TooManyFieldsSent",
            "TooManyFilesSent",
        )
    ),
]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "hide_secrets": {"()": "allypath.web.logging_filters.HideSecretPaths"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "require_debug_true": {"()": "django.utils.log.RequireDebugTrue"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    # Django's own handlers (django.utils.log.DEFAULT_LOGGING), each with the filter
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": _HIDE},
        "console_debug": {
            "level": "INFO",
            "class": "logging.StreamHandler",
            "filters": ["require_debug_true", *_HIDE],
        },
        "django.server": {
            "level": "INFO",
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": _HIDE,
        },
        "mail_admins": {
            "level": "ERROR",
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["require_debug_false", *_HIDE],
        },
    },
    "loggers": {
        "django": {"handlers": ["console_debug", "mail_admins"], "level": "INFO"},
        "django.request": {"handlers": ["console"], "level": "ERROR", "filters": _HIDE},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": _HIDE,
        },
        **{name: {"filters": _HIDE} for name in _SECURITY_LOGGERS},
    },
}
hide_secrets_in("gunicorn.error", "gunicorn.access")  # configured by gunicorn: named here, not in LOGGING
