"""System checks: production settings that are missing, and a database that lacks its tables.

`check`, `migrate`, `runserver` and most other commands run these; the commands that serve
nothing (check_rules, recommend, rules_diff) skip them, so they work with no environment.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

MISSING_SETTING = "{name} must be set when DJANGO_DEBUG is not 1 (production)"
MISSING_SETTING_HINT = (
    "Set it in the environment (see README.md, Settings). For local use, run `make run`, or set DJANGO_DEBUG=1 "
    "to use a throwaway key and a SQLite file in the project."
)
UNMIGRATED = "the database has migrations not yet applied ({names}): saving links fails until it has them"
RETIRED_SETTINGS = {
    "ADVISOR_RESULT_CACHE_PAGES": "the page cache budgets bytes now, not pages: set ADVISOR_RESULT_CACHE_MB (default 10 per worker)",
}
_migrating: ContextVar[bool] = ContextVar("migrating", default=False)


@contextmanager
def migrating() -> Iterator[None]:
    """While `migrate` checks before migrating: telling it to run itself is noise (W001)."""
    token = _migrating.set(True)
    try:
        yield
    finally:
        _migrating.reset(token)


@register(Tags.security, deploy=False)
def production_settings_check(app_configs, **kwargs) -> list[Error]:
    return [
        Error(MISSING_SETTING.format(name=name), hint=MISSING_SETTING_HINT, id="advisor.E001")
        for name in settings.MISSING_PRODUCTION_SETTINGS
    ]


def unapplied_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Names of the migrations the database still needs (empty when its tables are all there)."""
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


@register(Tags.database)
def migrations_check(app_configs, databases=None, **kwargs) -> list[Warning]:
    # A warning, not an error: `migrate` runs the database checks before it migrates.
    if not databases or settings.MISSING_PRODUCTION_SETTINGS or _migrating.get():
        return []
    problems = []
    for alias in databases:
        if names := unapplied_migrations(alias):
            problems.append(Warning(UNMIGRATED.format(names=", ".join(names)), hint="Run `manage.py migrate`.", id="advisor.W001"))
    return problems


@register()
def retired_settings_check(app_configs, **kwargs) -> list[Warning]:
    """A setting that is no longer read says so, rather than being ignored in silence."""
    return [
        Warning(f"{name} is no longer read: {instead}", hint="Remove it from the environment.", id="advisor.W002")
        for name, instead in RETIRED_SETTINGS.items()
        if name in os.environ
    ]
