"""Settings, all from the environment (DESIGN.md, "Settings").

DJANGO_DEBUG=1 is local mode: `make run` sets it. Anything else is production,
where the secret key, hosts and database must be given explicitly.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.management.utils import get_random_secret_key
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DJANGO_DEBUG") == "1"


# Production needs these set explicitly. They are not demanded at import: commands that serve
# nothing (check_rules, recommend, rules_diff) must work in a fresh shell. Serving, `check`,
# `migrate` and every other command that runs the system checks refuse instead, with this list
# (advisor/checks.py); advisor.wsgi refuses to start.
PRODUCTION_REQUIRED = ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL")
MISSING_PRODUCTION_SETTINGS = [] if DEBUG else [name for name in PRODUCTION_REQUIRED if not os.environ.get(name, "").strip()]

# Local mode makes up a key per process: nothing we sign outlives it. In production without a
# key it stays empty, and Django refuses anything that would sign with it.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (get_random_secret_key() if DEBUG else "")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "").split(",") if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.staticfiles",
    "django_htmx",
    "advisor",
]

MIDDLEWARE = [
    # Outermost, so that every response passes them on its way out, whoever made it: the
    # health check, a replayed page, a 400 for a disallowed Host, a refused oversized request.
    "advisor.middleware.head_without_body",
    "advisor.middleware.security_headers",
    "django.middleware.security.SecurityMiddleware",  # healthz is exempt from its HTTPS redirect
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "advisor.middleware.health_check",  # before host checks: load balancers probe by IP
    # Replays kept result pages before the rest of the stack runs (advisor/pagecache.py).
    "advisor.pagecache.page_cache",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "advisor.middleware.request_limits",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

# Scripts and styles only from our own files: no inline code, no eval, and no
# nonce (a nonce would make every result page unique and so uncacheable).
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

ROOT_URLCONF = "advisor.urls"
WSGI_APPLICATION = "advisor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": ["django.template.context_processors.request"],
            # {% path %}, {% once %} and the filters, in every template without a {% load %}.
            "builtins": ["advisor.templatetags.advisor"],
        },
    }
]

if os.environ.get("DATABASE_URL") or DEBUG:
    DATABASES = {
        "default": dj_database_url.parse(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60)
    }
else:
    # Production without DATABASE_URL: no database at all (Django's dummy backend raises on any
    # use), never a quiet local SQLite file that `migrate` would fill and the servers ignore.
    DATABASES = {"default": {"ENGINE": "django.db.backends.dummy"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several worker processes write to one file: WAL lets readers and a writer
    # overlap, IMMEDIATE takes the write lock up front (no deadlocked upgrades),
    # and the timeout waits for the lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# Nothing shared lives in a cache: the saved-link rate limit counts in a table that
# migrations create (advisor.models.SaveEvent), exact across workers.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "advisor-default"},
    # Per worker process, in memory: rendered result pages (advisor/pagecache.py), two entries
    # each (the page and its 304). Budgeted in bytes: kept gzip-compressed, a domain result
    # takes 4 to 6 KB and a design 6 to 14 KB (three to five times that plain); beyond the
    # budget the least recently used go.
    "results": {
        "BACKEND": "advisor.pagecache.PageBudgetCache",
        "LOCATION": "advisor-results",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_BYTES": int(float(os.environ.get("ADVISOR_RESULT_CACHE_MB", "10")) * 2**20)},
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# whitenoise serves them compressed under hashed names, cached for a year.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Requests are small: a handful of answers. Larger ones are refused early
# (advisor.middleware.request_limits) and again here.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024
# A design's share form posts every answer of a blueprint (advisor.middleware.DESIGN_MAX_FIELDS);
# query strings get a tighter count per path in request_limits.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
CSRF_FAILURE_VIEW = "advisor.views.csrf_failure"

SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    # Production sits behind a load balancer that terminates TLS and says so.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SECURE_HSTS_SECONDS = 63072000  # two years
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# The rule book: read once at start-up (advisor.apps), never per request.
ADVISOR_RULES_DIR = Path(os.environ.get("ADVISOR_RULES_DIR") or BASE_DIR / "rules")
# The repository's browse URL, for "edit this rule" links (e.g. https://github.com/org/repo/blob/main).
ADVISOR_SOURCE_URL = os.environ.get("ADVISOR_SOURCE_URL", "").rstrip("/")
# Saved links per client address per hour.
ADVISOR_SNAPSHOTS_PER_HOUR = int(os.environ.get("ADVISOR_SNAPSHOTS_PER_HOUR", "60"))
# Keep rendered result pages in memory (0 turns it off: `make bench` measures cold rendering so).
ADVISOR_RESULT_CACHE = os.environ.get("ADVISOR_RESULT_CACHE", "1") != "0"
# How many appending proxies stand in front of the app (README, "Trust"): the client is that
# many entries from the end of X-Forwarded-For. 1 behind an ALB; 2 with a CDN in front of it.
# Local mode trusts none (nobody sets the header honestly on a developer's machine).
ADVISOR_TRUSTED_PROXIES = int(os.environ.get("ADVISOR_TRUSTED_PROXIES") or (0 if DEBUG else 1))

# Errors go to stderr, where gunicorn's log (and so the operator) collects them: every
# unhandled exception with its traceback (django.request logs 5xx at ERROR), and the
# security events (a disallowed Host, a refused CSRF token). 4xx "Not Found" lines stay out:
# the access log has them. Local mode keeps Django's console logging as well.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"event": {"format": "{asctime} {levelname} {name} [pid {process}]: {message}", "style": "{"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "event"}},
    "loggers": {
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "advisor": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}
