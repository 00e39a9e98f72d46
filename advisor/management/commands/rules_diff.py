import io
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings

from advisor.engine import RuleBook, RuleBookError, rulebook_load
from advisor.engine.diff import rulebook_diff
from advisor.engine.diff_markdown import diff_markdown

from ._cli import AdvisorCommand

USAGE = "give OLD_DIR [NEW_DIR], or --base GIT_REF [NEW_DIR]"


class Command(AdvisorCommand):
    help = (
        "What a rule change does to the advice: answer paths whose top recommendation changes, and the rules, "
        "candidates, questions and examples added, changed or retired. Markdown by default. "
        "Examples: rules_diff /tmp/old-rules; rules_diff --base origin/main"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "dirs", nargs="*", metavar="DIR", help="OLD_DIR [NEW_DIR]; with --base only [NEW_DIR] (default: ADVISOR_RULES_DIR, rules/)"
        )
        parser.add_argument(
            "--base", metavar="GIT_REF", help="read the old rule book from this git ref (e.g. origin/main) instead of OLD_DIR"
        )
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the report as JSON, for tools")

    def handle(self, *args, dirs: list[str], base: str | None = None, as_json: bool = False, **options) -> None:
        if len(dirs) > (1 if base else 2) or (not base and not dirs):
            self.fail(USAGE)
        new_dir = Path(dirs[-1]) if len(dirs) == (1 if base else 2) else Path(settings.ADVISOR_RULES_DIR)
        with tempfile.TemporaryDirectory(prefix="rules-diff-") as temporary:
            if base:
                old_dir, display_root = self._at_ref(base, new_dir, Path(temporary)), Path(temporary)
                old_name = f"the rule book at {base}"
            else:
                old_dir, display_root, old_name = Path(dirs[0]), settings.BASE_DIR, str(dirs[0])
            old = self._load(old_dir, old_name, display_root)
        new = self._load(new_dir, str(new_dir), settings.BASE_DIR)
        report = rulebook_diff(old, new)
        if as_json:
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(diff_markdown(report), ending="")

    def _load(self, rules_dir: Path, name: str, display_root: Path) -> RuleBook:
        if not rules_dir.is_dir():
            self.fail(f"{name}: no such folder")
        try:
            return rulebook_load(rules_dir, display_root=display_root)
        except RuleBookError as error:
            for problem in error.problems:
                self.stdout.write(str(problem))
            self.fail(f"{name} is not a valid rule book: {len(error.problems)} problem(s) above")

    def _git(self, *args: str, cwd: Path) -> subprocess.CompletedProcess:
        try:
            # A fixed program and arguments checked below (the ref cannot pass as an option).
            return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)  # noqa: S603, S607
        except FileNotFoundError:
            self.fail("--base needs git, and git is not installed")

    def _at_ref(self, ref: str, new_dir: Path, into: Path) -> Path:
        """The rule files at `ref`, from the same place in the repository as `new_dir`, written under `into`."""
        if not new_dir.is_dir():
            self.fail(f"{new_dir}: no such folder")
        if ref.startswith("-"):
            self.fail(f"unknown git ref '{ref}'")
        found = self._git("rev-parse", "--show-toplevel", "--show-prefix", cwd=new_dir)
        if found.returncode:
            self.fail(f"{new_dir} is not in a git repository, so --base has nothing to read")
        top, where = [*found.stdout.decode().splitlines(), ""][:2]
        where = where.rstrip("/") or "."
        if self._git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=new_dir).returncode:
            self.fail(f"unknown git ref '{ref}'")
        archive = self._git("archive", "--format=tar", ref, "--", where, cwd=Path(top))
        if archive.returncode:
            self.fail(f"{where}/ does not exist at {ref}")
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(into, filter="data")
        return into / where
