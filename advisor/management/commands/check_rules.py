from pathlib import Path

from django.conf import settings

from advisor.engine import RuleBookError, rulebook_check, rulebook_load
from advisor.engine.check import rule_files_lint
from advisor.engine.problems import printable

from ._cli import AdvisorCommand


class Command(AdvisorCommand):
    help = (
        "Check a rule book: syntax, schema, references, then every answer sequence and every example. "
        "Prints one `path:line: message — fix` line per problem and exits 1 if there is any: "
        "exit 0 means the rule book passes everything `make test` asks of it."
    )

    def add_arguments(self, parser):
        parser.add_argument("rules_dir", nargs="?", type=Path, help="the rules folder (default: ADVISOR_RULES_DIR, rules/)")
        parser.add_argument(
            "--coverage",
            action="store_true",
            help=(
                "also print, per domain, rules exercised by examples, candidates that can come out on top and "
                "questions reachable (information only: the problems decide the exit status)"
            ),
        )

    def handle(self, *args, rules_dir: Path | None = None, coverage: bool = False, **options) -> None:
        rules_dir = rules_dir or settings.ADVISOR_RULES_DIR
        try:
            book = rulebook_load(rules_dir, display_root=settings.BASE_DIR)
        except RuleBookError as error:
            self._problems(error.problems)
        report = rulebook_check(book)
        problems = sorted([*report.problems, *rule_files_lint(rules_dir, display_root=settings.BASE_DIR)])
        for todo in report.todos:
            self.stdout.write(printable(f"todo: {todo}"))  # quotes the example's own `todo` text
        if coverage:
            for line in report.coverage:
                self.stdout.write(printable(str(line)))
        if problems:
            self._problems(problems)
        rules = sum(len(d.rules) for d in book.domains)
        examples = sum(len(d.examples) for d in book.domains)
        self.stdout.write(f"ok: {len(book.domains)} domains, {rules} rules, {examples} examples (rules version {book.version})")

    def _problems(self, problems) -> None:
        for problem in problems:
            self.stdout.write(str(problem))
        self.stderr.write(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
        raise SystemExit(1)
