"""One settings module, driven by environment variables (see README "Cấu hình")."""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# Without SECRET_KEY the site runs on a development key that `check --deploy` reports (security.W009).
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-parindex-development-only-key-change-me"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "scoring",
    "surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "parindex.badinput.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "parindex.language.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "parindex.sessions.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "parindex.headers.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "parindex.urls"
WSGI_APPLICATION = "parindex.wsgi.application"

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
                "surveys.context_processors.survey_navigation",
                "parindex.sessions.kept_post",
                "parindex.sessions.session_timing",
            ],
        },
    }
]

VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # a fresh clone has no var/: the SQLite file and uploads go here
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'parindex.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# The covering index of UnitResult (INCLUDE computed_at) serves PostgreSQL; SQLite builds it without the extra
# column, which is all the development default needs, so its warning would only clutter `make run`.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "scoring.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: a username is locked from one address only, so an attacker can't lock colleagues out.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "parindex.lockout.locked_out"
# The client's address by the survey throttle's rule: behind our proxy (BEHIND_PROXY=1) the last X-Forwarded-For
# entry, which the proxy added; otherwise REMOTE_ADDR. Without it every login behind the proxy comes from the proxy.
AXES_CLIENT_IP_CALLABLE = "surveys.throttle.client_ip"
AXES_VERBOSE = False

# Sessions: an office PC left unattended logs out after 30 idle minutes, and no session outlives a working day.
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(10 * 60 * 60)))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Behind TLS in production (HTTPS=1); the intranet demo and tests run on plain HTTP.
HTTPS = env_bool("HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # docker-compose's health check asks over plain HTTP from inside
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env_bool("BEHIND_PROXY")  # also: the client address is the proxy's last X-Forwarded-For entry
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "parindex.errors.csrf_failure"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["parindex.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"  # never served directly: evidence goes through permission-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# `make run` serves the demo with DEBUG off (our error pages, not Django's technical ones, answer a mistyped URL)
# and static files straight from static/ without collectstatic: STATIC_FINDERS=1 with STATIC_MANIFEST=0.
WHITENOISE_USE_FINDERS = env_bool("STATIC_FINDERS", DEBUG)
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS
# Workbooks (Excel imports): the file as uploaded in the browser, then what it may inflate to, measured before
# openpyxl parses it (scoring/excel/limits.py). The browser's limits fit the largest real upload (a national
# framework: a few thousand criteria rows; a unit's self-assessment; a survey design) with a wide margin; the
# command-line importers' fit a year of paper responses (hundreds of thousands of rows) and 12,000 units.
UPLOAD_MAX_MB = int(os.environ.get("UPLOAD_MAX_MB", "5"))
UPLOAD_MAX_BYTES = UPLOAD_MAX_MB * 1024 * 1024
WORKBOOK_UPLOAD_LIMITS = {
    "max_mb": int(os.environ.get("WORKBOOK_UPLOAD_MAX_MB", "50")),
    "max_rows": int(os.environ.get("WORKBOOK_UPLOAD_MAX_ROWS", "20000")),
    "max_cells": int(os.environ.get("WORKBOOK_UPLOAD_MAX_CELLS", "500000")),
}
WORKBOOK_IMPORT_LIMITS = {
    "max_mb": int(os.environ.get("WORKBOOK_IMPORT_MAX_MB", "1024")),
    "max_rows": int(os.environ.get("WORKBOOK_IMPORT_MAX_ROWS", "1048576")),  # Excel's own maximum
    "max_cells": int(os.environ.get("WORKBOOK_IMPORT_MAX_CELLS", "30000000")),
}
WORKBOOK_MAX_RATIO = int(os.environ.get("WORKBOOK_MAX_RATIO", "100"))  # uncompressed/compressed size of a member
# A browser upload larger than WORKBOOK_INLINE_MAX_KB is parsed by a background job, in a child process that may
# take WORKBOOK_PARSE_SECONDS and WORKBOOK_PARSE_MEMORY_MB (scoring/excel/bounded.py); smaller ones in the request.
# Without Redis the job runs inside the upload's request: keep WORKBOOK_PARSE_SECONDS under gunicorn's --timeout.
WORKBOOK_INLINE_MAX_KB = int(os.environ.get("WORKBOOK_INLINE_MAX_KB", "300"))
WORKBOOK_PARSE_SECONDS = int(os.environ.get("WORKBOOK_PARSE_SECONDS", "60"))
WORKBOOK_PARSE_MEMORY_MB = int(os.environ.get("WORKBOOK_PARSE_MEMORY_MB", "1024"))
EVIDENCE_MAX_MB = int(os.environ.get("EVIDENCE_MAX_MB", "20"))  # one evidence file (tài liệu kiểm chứng)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "parindex@localhost")
# New accounts choose their password through a one-time link (issue 10); it expires after this many days. SITE_URL
# makes the links absolute in e-mails (the set-password links, and the notices the worker sends with no request to
# ask) and in the file `import_accounts --links` writes.
SET_PASSWORD_LINK_DAYS = int(os.environ.get("SET_PASSWORD_LINK_DAYS", "7"))
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Celery: without REDIS_URL tasks run in-process, so `make run` needs nothing else installed.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL) or "memory://localhost/"  # with a host: kombu warns otherwise
CELERY_TASK_ALWAYS_EAGER = not (REDIS_URL or os.environ.get("CELERY_BROKER_URL"))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# A worker killed mid-job must not lose it: acknowledge after the work, requeue on worker loss, take one at a
# time, and stop a runaway task before Redis would redeliver it to a second worker.
CELERY_BROKER_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = CELERY_BROKER_VISIBILITY_TIMEOUT - 300
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60

from celery.schedules import crontab  # noqa: E402  (only the beat schedule below needs it)

# Deadline reminders go out this many days before each deadline of an open cycle (comma-separated).
REMINDER_DAYS_BEFORE = os.environ.get("REMINDER_DAYS_BEFORE", "3,1")
# After a score change the unit's result and its block's ranking are refreshed this long after the commit; saves
# within the delay merge into one refresh.
RESULTS_REFRESH_DELAY_SECONDS = int(os.environ.get("RESULTS_REFRESH_DELAY_SECONDS", "3"))
# Jobs end (scoring/services/jobs.py): a worker writes a running job's heartbeat this often; without PostgreSQL's
# job lock, a heartbeat this old means the runner is gone; a queued job is re-sent after JOB_QUEUED_RESEND_SECONDS
# and failed after JOB_QUEUED_MAX_SECONDS without starting.
JOB_HEARTBEAT_SECONDS = int(os.environ.get("JOB_HEARTBEAT_SECONDS", "30"))
JOB_STALE_SECONDS = int(os.environ.get("JOB_STALE_SECONDS", "600"))
JOB_QUEUED_RESEND_SECONDS = int(os.environ.get("JOB_QUEUED_RESEND_SECONDS", "600"))
JOB_QUEUED_MAX_SECONDS = int(os.environ.get("JOB_QUEUED_MAX_SECONDS", "3600"))
# /healthz reports the worker as stale when neither a job nor the sweep ran on one for this long.
WORKER_HEARTBEAT_STALE_SECONDS = int(os.environ.get("WORKER_HEARTBEAT_STALE_SECONDS", "300"))
CELERY_BEAT_SCHEDULE = {
    "sweep-jobs": {"task": "scoring.sweep_jobs", "schedule": 60.0},
    # Partial uploads and abandoned staged workbooks older than a day (scoring/services/cleanup.py).
    "remove-temporary-files": {"task": "scoring.remove_temporary_files", "schedule": 3600.0},
    # Deadline reminders at 07:00 local time, REMINDER_DAYS_BEFORE days before each deadline (re-runs are safe).
    "send-reminders": {"task": "scoring.send_reminders", "schedule": crontab(hour=7, minute=0)},
}

# The cache holds counters shared by every web process (the public survey link's posts per address), so with
# Redis it lives there; without REDIS_URL (development, tests) each process counts on its own, and so does each
# process while Redis is down (parindex/cache.py).
CACHES = {
    "default": {"BACKEND": "parindex.cache.FailSoftRedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "parindex",
                "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}}
    if REDIS_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "parindex"}
}

# Public survey link (no login): after this many posts in an hour from one address a simple arithmetic check is
# asked; at the limit the address gets "429 Too Many Requests" until the hour is over.
SURVEY_PUBLIC_CHECK_AFTER = int(os.environ.get("SURVEY_PUBLIC_CHECK_AFTER", "5"))
SURVEY_PUBLIC_HOURLY_LIMIT = int(os.environ.get("SURVEY_PUBLIC_HOURLY_LIMIT", "60"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["parindex.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "COERCE_DECIMAL_TO_STRING": True,
    "EXCEPTION_HANDLER": "parindex.api_errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "parindex API",
    "DESCRIPTION": "Chỉ số cải cách hành chính (PAR INDEX) và SIPAS",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "parindex.api_errors.document_standard_refusals"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Tasks run in-process (no REDIS_URL: `make run`) would print "Task … succeeded" for every background job on
    # the console; a real worker keeps its log (celery -l info).
    "loggers": {"celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"}},
}
