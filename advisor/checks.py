"""System checks: production settings that are missing, and a database that lacks its tables.

`check`, `migrate`, `runserver` and most other commands run these; the commands that serve
nothing (check_rules, recommend, rules_diff) skip them, so they work with no environment.
"""

from __future__ import annotations

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
    if not databases or settings.MISSING_PRODUCTION_SETTINGS:
        return []
    problems = []
    for alias in databases:
        if names := unapplied_migrations(alias):
            problems.append(Warning(UNMIGRATED.format(names=", ".join(names)), hint="Run `manage.py migrate`.", id="advisor.W001"))
    return problems
