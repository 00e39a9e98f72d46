"""The production entry point (gunicorn advisor.wsgi): it refuses to serve what cannot work."""

import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.settings")

application = get_wsgi_application()


def _refuse_to_serve_broken() -> None:
    from django.conf import settings

    from advisor.checks import MISSING_SETTING, unapplied_migrations

    missing = settings.MISSING_PRODUCTION_SETTINGS
    if missing:
        sys.exit("\n".join(MISSING_SETTING.format(name=name) + "." for name in missing) + "\nRefusing to serve; see README.md, Settings.")
    if names := unapplied_migrations():
        sys.exit(f"The database lacks migrations {', '.join(names)}: run `manage.py migrate` first. Refusing to serve.")


_refuse_to_serve_broken()
