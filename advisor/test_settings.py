"""Settings for the test suite: production mode (DEBUG off), as users run it."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
os.environ.pop("DJANGO_DEBUG", None)

from .settings import *  # noqa: F403

ADVISOR_SOURCE_URL = ""
