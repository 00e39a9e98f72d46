"""Settings, all from the environment (DESIGN.md, "Settings").

DJANGO_DEBUG=1 is local mode: `make run` sets it. Anything else is production,
where the secret key, hosts and database must be given explicitly.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.management.utils import get_random_secret_key
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DJANGO_DEBUG") == "1"


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        sys.exit(f"{name} must be set when DJANGO_DEBUG is not 1 (production). For local use run `make run`.")
    return value


# Local mode makes up a key per process: nothing we sign outlives it.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (get_random_secret_key() if DEBUG else _required("DJANGO_SECRET_KEY"))
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "").split(",") if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.staticfiles",
    "django_htmx",
    "advisor",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

# Scripts and styles only from our own files: no inline code, no eval, and no
# nonce (a nonce would make every result page unique and so uncacheable).
SECURE_CSP = {
    "default-src": [CSP.SELF],
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
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or (f"sqlite:///{BASE_DIR / 'db.sqlite3'}" if DEBUG else _required("DATABASE_URL")),
        conn_max_age=60,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

# The rule book: read once at start-up (advisor.apps), never per request.
ADVISOR_RULES_DIR = Path(os.environ.get("ADVISOR_RULES_DIR") or BASE_DIR / "rules")
# The repository's browse URL, for "edit this rule" links (e.g. https://github.com/org/repo/blob/main).
ADVISOR_SOURCE_URL = os.environ.get("ADVISOR_SOURCE_URL", "").rstrip("/")
