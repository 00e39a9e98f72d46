"""What the advisor's commands share: one-line failures with a fixed exit code, no tracebacks."""

from __future__ import annotations

from typing import NoReturn

from django.core.management.base import BaseCommand


class AdvisorCommand(BaseCommand):
    # These commands read the rule book and serve nothing: they skip the system checks (which
    # demand production settings and a database), so they work in a fresh shell with no environment.
    requires_system_checks = ()
    # Usage problems exit 2 with one line, like the rest of the command's failures.
    usage_exit_code = 2

    def fail(self, message: str, *, code: int = 2) -> NoReturn:
        self.stderr.write(f"{self.name}: {message}")
        raise SystemExit(code)

    @property
    def name(self) -> str:
        return self.__module__.rsplit(".", 1)[-1]

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.error = self.fail
        return parser
