"""Django settings for Spends Tracker.

Everything that differs between machines comes from the environment (see README.md and
.env.example); spends.config turns each variable into a value or a clear start-up error.
"""

from datetime import timedelta
from pathlib import Path

from django.utils.csp import CSP

from spends import config

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = config.data_dir("SPENDS_DATA_DIR", BASE_DIR / "data")

SECRET_KEY = config.secret_key("SECRET_KEY", DATA_DIR)
DEBUG = config.env_bool("DEBUG", False)
ALLOWED_HOSTS = config.env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = config.env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "axes",
    "django_tasks_db",
    "accounts",
    "catalog",
    "purchases",
    "warranties",
    "analytics",
    "backups",
    "jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "spends.middleware.HtmxMessagesMiddleware",
    "accounts.middleware.FirstRunMiddleware",
    "accounts.middleware.LoginRequiredMiddleware",
    "accounts.middleware.UserTimeZoneMiddleware",
    # Axes goes last so that it sees the outcome of the login views.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "spends.urls"
WSGI_APPLICATION = "spends.wsgi.application"

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
                "accounts.context_processors.preferences",
            ],
            "builtins": [
                "spends.templatetags.formatting",
                "spends.templatetags.form_widgets",
            ],
        },
    },
]

DATABASES = {"default": config.database("DATABASE_URL", DATA_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Each process's own memory. "figures": reads remembered under the owner's data version
# (accounts/versions.py), so a cache that another process made stale is never read. Entries
# of versions gone by are dropped, least recently used first, past MAX_ENTRIES (the largest, a
# list of 300 brand names, is about 30 KB).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "figures",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (SPEC section 1): 5 failures in 15 minutes for one username or for one
# client address lock that username or address out until the window has passed.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = config.env_time_zone("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Nothing in the application stores through the default storage; attachments have their own.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "media"},
    },
    "attachments": config.attachment_storage(DATA_DIR),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Upload limits, in megabytes: attachments (SPEC section 7) and import files (section 6).
SPENDS_MAX_ATTACHMENT_BYTES = config.env_int("SPENDS_MAX_ATTACHMENT_MB", 25, minimum=1) * 2**20
SPENDS_MAX_IMPORT_BYTES = config.env_int("SPENDS_MAX_IMPORT_MB", 50, minimum=1) * 2**20
# Request bodies may be as large as the largest allowed upload, plus room for the form.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(SPENDS_MAX_ATTACHMENT_BYTES, SPENDS_MAX_IMPORT_BYTES) + 2**20
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**20
# Stops reading a file part as soon as it is larger than any upload limit, so an oversized
# upload never fills the disk; the view then answers 413.
FILE_UPLOAD_HANDLERS = [
    "spends.uploads.SizeCappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Instance backups (SPEC section 8): where the archives live, and the most an archive may unpack
# to (a restore refuses a larger one before extracting anything: the zip-bomb guard).
SPENDS_BACKUP_DIR = config.data_dir("SPENDS_BACKUP_DIR", DATA_DIR / "backups")
SPENDS_MAX_BACKUP_BYTES = config.env_int("SPENDS_MAX_BACKUP_GB", 20, minimum=1) * 2**30

# Work run on a clock (jobs.periodic): by `manage.py worker` every minute, or by cron.
SPENDS_PERIODIC_WORK = [
    "backups.services.backup_run_schedule",
    "warranties.reminders.reminders_send_scheduled",
]

# Background jobs (imports, backups, restores): see spends.config.tasks_backend.
TASKS = {"default": config.tasks_backend("SPENDS_TASKS_BACKEND", "database")}

# Email: console output unless EMAIL_URL or EMAIL_HOST (with the EMAIL_* variables) names a server.
DEFAULT_FROM_EMAIL = config.env_str("DEFAULT_FROM_EMAIL", "Spends Tracker <spends@localhost>")
MAILERS = {"default": config.mailer("EMAIL_URL")}

# Warranty reminders (SPEC section 9): the worker's clock sends each user's daily digest from
# this hour of the user's own day; links in emails start with SPENDS_BASE_URL.
SPENDS_REMINDER_HOUR = config.env_int("SPENDS_REMINDER_HOUR", 8, maximum=23)
SPENDS_BASE_URL = config.base_url(
    "SPENDS_BASE_URL", f"http://localhost:{config.env_int('PORT', 8000, minimum=1)}"
)

# Content Security Policy: everything comes from this origin; no inline script or style.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Served over HTTPS (behind a TLS-terminating proxy that sets X-Forwarded-Proto), cookies are
# secure and plain HTTP is redirected. Off by default so that `make run` works on localhost.
SPENDS_HTTPS = config.env_bool("SPENDS_HTTPS", False)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = SPENDS_HTTPS
CSRF_COOKIE_SECURE = SPENDS_HTTPS
SECURE_SSL_REDIRECT = SPENDS_HTTPS
SECURE_HSTS_SECONDS = config.env_int("SECURE_HSTS_SECONDS", 31536000 if SPENDS_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SPENDS_HTTPS
SECURE_HSTS_PRELOAD = config.env_bool("SECURE_HSTS_PRELOAD", SPENDS_HTTPS)
if SPENDS_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Pages are never framed; the one view that previews a PDF inside the page allows its own origin.
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": config.env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {"axes": {"level": "WARNING"}},
}
