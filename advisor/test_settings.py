"""Settings for the test suite: production mode (DEBUG off), as users run it."""

import os
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
os.environ.pop("DJANGO_DEBUG", None)
# The app's behaviour is tested against the tests' own small rule book (tests/rules/), so a
# rule pull request never breaks a Python test; the shipped book is judged by its examples
# and the whole-book walks. In the environment, so the servers tests start read it too.
os.environ.setdefault("ADVISOR_RULES_DIR", str(Path(__file__).resolve().parent.parent / "tests" / "rules"))

from .settings import *  # noqa: F403

ADVISOR_SOURCE_URL = ""
# Tests speak plain http to the test client and live server; production's redirect is tested on its own.
SECURE_SSL_REDIRECT = False
# No collectstatic before tests: serve from the source folders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The test client says "testserver"; Schemathesis's in-process WSGI calls say "localhost".
ALLOWED_HOSTS = ["testserver", "localhost"]
