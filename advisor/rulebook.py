"""The one RuleBook of this process: loaded at start-up, read by every request."""

from __future__ import annotations

import sys

from django.conf import settings

from .engine import RuleBook, RuleBookError, rulebook_load

_book: RuleBook | None = None


def rulebook_startup() -> None:
    """Load the configured rule book, or stop the process with every problem, path:line first."""
    global _book
    try:
        _book = rulebook_load(settings.ADVISOR_RULES_DIR, display_root=settings.BASE_DIR)
    except RuleBookError as error:
        sys.stderr.write(f"{error}\nThe rule book in {settings.ADVISOR_RULES_DIR} is invalid: fix the problems above.\n")
        sys.exit(1)


def rulebook() -> RuleBook:
    if _book is None:
        rulebook_startup()
    return _book
