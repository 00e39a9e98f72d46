"""Rule files → RuleBook, or every problem as `path:line: message — fix`.

Layers, as a reviewer reads them: YAML syntax → schema → references and
meaning. All problems of all files are collected before anything is
reported, so an author fixes a file in one pass.

A domain is `rules/<id>.yaml`, or a folder `rules/<id>/` of YAML files read
in name order whose sections are joined (exactly one of them has `domain:`).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import model as m
from .problems import Problem, RuleBookError
from .schema import schema_load, schema_problems
from .yamlfile import MAX_FILE_BYTES, TOO_BIG, TOO_BIG_FIX, YamlDocument, yaml_read

# The site's own URLs, and rules/ folders that hold something other than a domain.
NOT_DOMAIN_FOLDERS = frozenset({"blueprints", "fragments"})
RESERVED_DOMAIN_IDS = frozenset({"api", "s", "static", "healthz", "admin", "design"}) | NOT_DOMAIN_FOLDERS
LIFECYCLE_RULE_ID = "lifecycle"  # the engine's own reason for ruling out retired services
SECTIONS = ("questions", "candidates", "rules", "examples")
ID = re.compile(r"[a-z][a-z0-9_-]*")  # rules.schema.json's $defs/id
ID_RULE = "use lower-case letters, digits, '-' and '_', starting with a letter"
# Conditions are evaluated recursively on every request; the shipped rules nest 3 deep.
MAX_CONDITION_DEPTH = 8


@dataclass
class _Part:
    """One file's data, with where it came from."""

    display_path: str
    document: YamlDocument

    def at(self, *path: str | int) -> str:
        return f"{self.display_path}:{self.document.line(path)}"


def rulebook_load(rules_dir: Path, *, display_root: Path | None = None) -> m.RuleBook:
    """Load and check every domain under `rules_dir`; raise RuleBookError listing every problem."""
    rules_dir = Path(rules_dir)
    display_root = display_root or rules_dir.parent
    if not rules_dir.is_dir():
        raise RuleBookError(
            [
                Problem(
                    _display(rules_dir, display_root),
                    0,
                    "the rules folder does not exist",
                    "point ADVISOR_RULES_DIR at a folder of rule files",
                )
            ]
        )

    domain_files, problems = _domain_files(rules_dir, display_root)
    if not domain_files and not problems:
        problems.append(Problem(_display(rules_dir, display_root), 0, "no rule files found", "add a file such as rules/database.yaml"))
    digest = hashlib.sha256()
    domains = []
    for domain_id, files in domain_files:
        parts = []
        for path in files:
            display_path = _display(path, display_root)
            raw, read_problems = _file_read(path, display_path)
            if raw is None:
                problems += read_problems
                continue
            digest.update(path.relative_to(rules_dir).as_posix().encode() + b"\0" + raw + b"\0")
            part, file_problems = _part_read(raw, display_path)
            problems += file_problems
            if part is not None:
                parts.append(part)
        if len(parts) == len(files):
            where = files[0] if files[0].parent == rules_dir else files[0].parent
            domain, domain_problems = _domain_build(domain_id, parts, _display(where, display_root))
            problems += domain_problems
            if domain is not None:
                domains.append(domain)
    blueprints, blueprint_problems = _blueprints_load(rules_dir, display_root, {d.id: d for d in domains}, digest)
    problems += blueprint_problems
    fragments, not_built, fragment_problems = _fragments_load(rules_dir, display_root, {d.id: d for d in domains}, blueprints, digest)
    problems += fragment_problems
    if problems:
        raise RuleBookError(problems)
    return m.RuleBook(
        domains=tuple(domains),
        version=digest.hexdigest()[:12],
        blueprints=tuple(blueprints),
        fragments=tuple(fragments),
        not_built=tuple(not_built),
    )


def _yaml_files(folder: Path, display_root: Path) -> tuple[list[Path], list[Problem]]:
    """A folder's *.yaml files by lstat alone: links refused, never followed."""
    if not folder.exists():
        return [], []
    if folder.is_symlink():
        return [], [_link_problem(folder, display_root)]
    files, problems = [], []
    for path in sorted(folder.iterdir()):
        if path.suffix != ".yaml":
            continue
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            problems.append(_link_problem(path, display_root))
        else:
            files.append(path)  # _file_read refuses anything but a regular file
    return files, problems


def _kind_parts(rules_dir: Path, folder: str, display_root: Path, digest, parse) -> tuple[list[tuple[_Part, str]], list[Problem]]:
    """(part, file stem) for each *.yaml file of a rules/ folder of another kind (blueprints, fragments),
    read with the rule files' care and counted in the rules version."""
    files, problems = _yaml_files(rules_dir / folder, display_root)
    parts = []
    for path in files:
        display_path = _display(path, display_root)
        raw, read_problems = _file_read(path, display_path)
        if raw is None:
            problems += read_problems
            continue
        digest.update(path.relative_to(rules_dir).as_posix().encode() + b"\0" + raw + b"\0")
        part, file_problems = _part_read(raw, display_path, parse)
        problems += file_problems
        if part is not None:
            parts.append((part, path.stem))
    return parts, problems


def _fragments_load(
    rules_dir: Path, display_root: Path, domains: dict[str, m.Domain], blueprints: list, digest
) -> tuple[list, list, list[Problem]]:
    """rules/fragments/*.yaml: the CloudFormation starter's building blocks (advisor/engine/design/fragments.py).
    Read after the blueprints, since their conditions may name the blueprints' findings."""
    from .design.fragments import FRAGMENTS_FOLDER, fragment_part, fragments_build

    parts, problems = _kind_parts(rules_dir, FRAGMENTS_FOLDER, display_root, digest, fragment_part)
    if problems:
        return [], [], problems
    fragments, not_built, build_problems = fragments_build(parts, domains, [b for b in blueprints if b is not None])
    return fragments, not_built, build_problems


def _blueprints_load(rules_dir: Path, display_root: Path, domains: dict[str, m.Domain], digest) -> tuple[list, list[Problem]]:
    """rules/blueprints/*.yaml (advisor/engine/design/loader.py)."""
    from .design.loader import BLUEPRINTS_FOLDER, blueprint_build, blueprint_part

    parts, problems = _kind_parts(rules_dir, BLUEPRINTS_FOLDER, display_root, digest, blueprint_part)
    blueprints = []
    for part, stem in parts:
        blueprint, build_problems = blueprint_build(part, stem, domains)
        problems += build_problems
        blueprints.append(blueprint)
    return blueprints, problems


def _display(path: Path, root: Path) -> str:
    try:
        # Resolve the folder only: a symbolic link among the rule files is named as itself.
        return (path.parent.resolve() / path.name).relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _domain_files(rules_dir: Path, display_root: Path) -> tuple[list[tuple[str, list[Path]]], list[Problem]]:
    """The domains' files, found by lstat alone: symbolic links are refused, never followed,
    since a link in a pull request could point at any file (or folder) on the server."""
    found, problems = [], []
    for entry in sorted(rules_dir.iterdir()):
        mode = entry.lstat().st_mode
        if stat.S_ISLNK(mode):
            # is_dir() follows the link, but only to stat its target: nothing is read.
            if entry.suffix == ".yaml" or (entry.is_dir() and not entry.name.startswith((".", "_"))):
                problems.append(_link_problem(entry, display_root))
        elif stat.S_ISREG(mode) and entry.suffix == ".yaml":
            found.append((entry.stem, [entry]))
        elif stat.S_ISDIR(mode) and not entry.name.startswith((".", "_")) and entry.name not in NOT_DOMAIN_FOLDERS:
            files = []
            for path in sorted(entry.iterdir()):
                if path.suffix != ".yaml":
                    continue
                if path.is_symlink():
                    problems.append(_link_problem(path, display_root))
                elif stat.S_ISREG(path.lstat().st_mode):
                    files.append(path)
            if files:
                found.append((entry.name, files))
    return sorted(found), problems


def _link_problem(path: Path, display_root: Path) -> Problem:
    kind = "files" if path.suffix == ".yaml" else "folders"
    return Problem(_display(path, display_root), 1, f"rule {kind} may not be symbolic links", f"commit the {kind[:-1]} itself")


def _file_read(path: Path, display_path: str) -> tuple[bytes | None, list[Problem]]:
    """The file's bytes, or why not, judged from its size before a byte is read."""
    try:
        # O_NOFOLLOW: a file swapped for a link after the listing is still not followed;
        # O_NONBLOCK: a FIFO cannot stall the loader (fstat then refuses it).
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        return None, [Problem(display_path, 1, f"cannot open the file: {error.strerror}", "commit a plain, readable file")]
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, [Problem(display_path, 1, "not a regular file", "commit a plain file")]
        if info.st_size > MAX_FILE_BYTES:
            return None, [Problem(display_path, 1, TOO_BIG.format(size=info.st_size, limit=MAX_FILE_BYTES), TOO_BIG_FIX)]
        raw = file.read(MAX_FILE_BYTES + 1)  # it may have grown since fstat
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(display_path, 1, f"file is over the {MAX_FILE_BYTES:,}-byte limit", TOO_BIG_FIX)]
    return raw, []


def _part_read(raw: bytes, display_path: str, parse=None) -> tuple[_Part | None, list[Problem]]:
    """A file's bytes as a part: UTF-8, then YAML and the schema (`parse`: another file kind's, e.g. a blueprint's)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem(display_path, line, "the file is not valid UTF-8", "save it as UTF-8")]
    if parse is not None:
        return parse(display_path, text)
    document, problems = yaml_read(text, display_path=display_path)
    if document is None or problems:
        return None, problems
    problems = schema_problems(document, display_path=display_path)
    if problems:
        return None, problems
    return _Part(display_path, document), []


# Building a domain -----------------------------------------------------------


def _domain_build(domain_id: str, parts: list[_Part], display_path: str) -> tuple[m.Domain | None, list[Problem]]:
    problems: list[Problem] = []
    headers = [(part, part.document.data["domain"]) for part in parts if "domain" in part.document.data]
    if not headers:
        return None, [
            Problem(display_path, 1, f"domain '{domain_id}' has no `domain:` block", "add domain: {id, area, title, summary} at the top")
        ]
    for part, _ in headers[1:]:
        problems.append(
            Problem(part.display_path, part.document.line(("domain",)), "a second `domain:` block", "keep one `domain:` block per domain")
        )
    header_part, header = headers[0]
    if header["id"] != domain_id:
        problems.append(
            Problem(
                header_part.display_path,
                header_part.document.line(("domain", "id")),
                f"domain id '{header['id']}' does not match its file or folder name '{domain_id}'",
                f"rename one so both are '{header['id']}' or '{domain_id}'",
            )
        )
    if header["id"] in RESERVED_DOMAIN_IDS:
        problems.append(
            Problem(
                header_part.display_path,
                header_part.document.line(("domain", "id")),
                f"domain id '{header['id']}' is reserved for the site's own URLs",
                f"choose an id other than {', '.join(sorted(RESERVED_DOMAIN_IDS))}",
            )
        )

    sections = {name: _joined(parts, name) for name in SECTIONS}
    builder = _Builder(problems)
    questions = builder.questions(sections["questions"])
    candidates = builder.candidates(sections["candidates"])
    scope = _Scope({q.id: q for q in questions}, {c.id: c for c in candidates})
    rules = builder.rules(sections["rules"], scope)
    examples = builder.examples(sections["examples"], scope, {r.id: r for r in rules})
    if not questions:
        problems.append(
            Problem(
                header_part.display_path, header_part.document.line(("domain",)), "the domain has no questions", "add a `questions:` list"
            )
        )
    if not candidates:
        problems.append(
            Problem(
                header_part.display_path, header_part.document.line(("domain",)), "the domain has no candidates", "add a `candidates:` list"
            )
        )
    domain = m.Domain(
        id=header["id"],
        area=header["area"],
        title=header["title"],
        summary=header["summary"],
        questions=questions,
        candidates=candidates,
        rules=rules,
        examples=examples,
        location=header_part.at("domain"),
    )
    return domain, problems


def _joined(parts: list[_Part], section: str) -> list[tuple[dict[str, Any], _Part, int]]:
    return [(item, part, i) for part in parts for i, item in enumerate(part.document.data.get(section) or [])]


@dataclass(frozen=True)
class _Scope:
    questions: dict[str, m.Question]
    candidates: dict[str, m.Candidate]


class _Builder:
    """Turns schema-valid data into model objects, noting every broken reference."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems

    def _problem(self, part: _Part, path: tuple, message: str, fix: str = "") -> None:
        self.problems.append(Problem(part.display_path, part.document.line(path), message, fix))

    def _url(self, part: _Part, path: tuple, url: str, kind: str) -> None:
        # The schema's pattern, checked whole, as for ids: its "$" lets a final line break
        # through, and the URL goes into Markdown links as it stands.
        definition = schema_load()["$defs"][kind]
        if not re.fullmatch(definition["pattern"].removeprefix("^").removesuffix("$"), url):
            self._problem(part, path, f"{url!r} is not a valid link here", definition["description"])

    def _unique(self, kind: str, entries: Iterable[tuple[str, _Part, tuple]]) -> None:
        first: dict[str, str] = {}
        for item_id, part, path in entries:
            if not ID.fullmatch(item_id):
                # The schema's pattern, checked whole: JSON Schema validators let "$" match
                # before a final line break, and ids go into URLs unescaped.
                self._problem(part, path, f"{kind} id {item_id!r} is not a valid id", ID_RULE)
            if item_id in first:
                self._problem(
                    part,
                    path,
                    f"duplicate {kind} id '{item_id}'",
                    f"already declared at {first[item_id]}; ids are never reused, so pick a new one",
                )
            else:
                first[item_id] = part.at(*path)

    # Questions

    def questions(self, entries: list[tuple[dict, _Part, int]]) -> tuple[m.Question, ...]:
        self._unique("question", ((q["id"], part, ("questions", i, "id")) for q, part, i in entries))
        built: dict[str, m.Question] = {}
        for data, part, i in entries:
            where = ("questions", i)
            choices = self._choices(data, part, where)
            ask_if = None
            if "ask_if" in data:
                # ask_if may read only earlier questions: the questionnaire asks in file order.
                scope = _Scope(dict(built), {})
                ask_if = self._condition(data["ask_if"], part, (*where, "ask_if"), scope, f"question '{data['id']}' ask_if")
            question = m.Question(
                id=data["id"],
                text=data["text"],
                help=data["help"],
                choices=choices,
                ask_if=ask_if,
                status=data.get("status", m.STABLE),
                replaced_by=data.get("replaced_by"),
                location=part.at(*where),
            )
            built.setdefault(question.id, question)
        for data, part, i in entries:
            self._replacement("question", data, part, ("questions", i), built)
        return tuple(built.values())

    def _choices(self, data: dict, part: _Part, where: tuple) -> tuple[m.Choice, ...]:
        self._unique(
            f"choice (in question '{data['id']}')", ((c["id"], part, (*where, "choices", j, "id")) for j, c in enumerate(data["choices"]))
        )
        choices = {}
        for j, c in enumerate(data["choices"]):
            choices.setdefault(
                c["id"],
                m.Choice(
                    id=c["id"],
                    label=c["label"],
                    help=c.get("help", ""),
                    unsure=c.get("unsure", False),
                    status=c.get("status", m.STABLE),
                    replaced_by=c.get("replaced_by"),
                    location=part.at(*where, "choices", j),
                ),
            )
        for j, c in enumerate(data["choices"]):
            self._replacement(f"choice of question '{data['id']}'", c, part, (*where, "choices", j), choices)
        offered = [c for c in choices.values() if c.status == m.STABLE]
        if data.get("status", m.STABLE) == m.STABLE and len(offered) < 2:
            self._problem(
                part,
                (*where, "choices"),
                f"question '{data['id']}' offers fewer than two choices",
                "a question needs at least two stable choices",
            )
        if sum(c.unsure for c in choices.values()) > 1:
            self._problem(
                part, (*where, "choices"), f"question '{data['id']}' has more than one `unsure` choice", 'keep one "Not sure" choice'
            )
        return tuple(choices.values())

    def _replacement(self, kind: str, data: dict, part: _Part, where: tuple, known: dict[str, Any]) -> None:
        status, replaced_by = data.get("status", m.STABLE), data.get("replaced_by", ...)
        if status == m.DEPRECATED and replaced_by is ...:
            self._problem(
                part, where, f"deprecated {kind} '{data['id']}' has no `replaced_by`", "name what replaced it, or write replaced_by: null"
            )
        elif status == m.STABLE and replaced_by is not ...:
            self._problem(
                part,
                (*where, "replaced_by"),
                f"{kind} '{data['id']}' has `replaced_by` but is not deprecated",
                "add status: deprecated, or remove replaced_by",
            )
        elif isinstance(replaced_by, str):
            target = known.get(replaced_by)
            if target is None:
                self._problem(
                    part,
                    (*where, "replaced_by"),
                    f"{kind} '{data['id']}' is replaced by unknown id '{replaced_by}'",
                    "name an id declared in this domain",
                )
            elif replaced_by == data["id"] or getattr(target, "status", m.STABLE) != m.STABLE:
                self._problem(
                    part,
                    (*where, "replaced_by"),
                    f"{kind} '{data['id']}' is replaced by '{replaced_by}', which is not in use",
                    "name a stable replacement",
                )

    # Candidates

    def candidates(self, entries: list[tuple[dict, _Part, int]]) -> tuple[m.Candidate, ...]:
        self._unique("candidate", ((c["id"], part, ("candidates", i, "id")) for c, part, i in entries))
        built: dict[str, m.Candidate] = {}
        for data, part, i in entries:
            where = ("candidates", i)
            life = data.get("lifecycle", {"status": m.AVAILABLE})
            lifecycle = m.Lifecycle(
                status=life["status"],
                date=life.get("date"),
                successor=life.get("successor"),
                note=life.get("note", ""),
                source=life.get("source", ""),
                location=part.at(*where, "lifecycle"),
            )
            self._url(part, (*where, "docs"), data["docs"], "docs-url")
            if "source" in life:
                self._url(part, (*where, "lifecycle", "source"), life["source"], "docs-url")
            if lifecycle.status != m.AVAILABLE:
                for key in ("date", "successor", "source"):
                    if key not in life:
                        self._problem(
                            part,
                            (*where, "lifecycle"),
                            f"candidate '{data['id']}' is {lifecycle.status} but its lifecycle has no `{key}`",
                            "a retired or closed service needs date, successor (or null) and the source that announced it",
                        )
            built.setdefault(
                data["id"],
                m.Candidate(
                    data["id"], data["name"], data["summary"], data["docs"], data["cost"], data["verified"], lifecycle, part.at(*where)
                ),
            )
        for data, part, i in entries:
            successor = data.get("lifecycle", {}).get("successor")
            if successor is None:
                continue
            path = ("candidates", i, "lifecycle", "successor")
            if successor not in built:
                self._problem(
                    part,
                    path,
                    f"candidate '{data['id']}' names unknown successor '{successor}'",
                    "declare the successor as a candidate in this domain, or write successor: null",
                )
            elif not built[successor].available:
                self._problem(
                    part,
                    path,
                    f"candidate '{data['id']}' names successor '{successor}', which is not available either",
                    "point to a service that new work can use",
                )
        return tuple(built.values())

    # Rules

    def rules(self, entries: list[tuple[dict, _Part, int]], scope: _Scope) -> tuple[m.Rule, ...]:
        self._unique("rule", ((r["id"], part, ("rules", i, "id")) for r, part, i in entries))
        built: dict[str, m.Rule] = {}
        for data, part, i in entries:
            where = ("rules", i)
            if data["id"] == LIFECYCLE_RULE_ID:
                self._problem(
                    part,
                    (*where, "id"),
                    f"rule id '{LIFECYCLE_RULE_ID}' is reserved",
                    "the engine uses it for retired services; choose another id",
                )
            if not any(key in data for key in ("favour", "disfavour", "rule_out")):
                self._problem(part, where, f"rule '{data['id']}' moves no candidate", "add favour, disfavour or rule_out")
            status = data.get("status", m.STABLE)
            when = self._condition(data["when"], part, (*where, "when"), scope, f"rule '{data['id']}'", stable=status == m.STABLE)
            for effect in ("favour", "disfavour", "rule_out"):
                for candidate_id in data.get(effect, ()):
                    candidate = scope.candidates.get(candidate_id)
                    if candidate is None:
                        self._problem(
                            part,
                            (*where, effect),
                            f"rule '{data['id']}' names unknown candidate '{candidate_id}'",
                            f"known candidates: {', '.join(scope.candidates)}",
                        )
                    elif effect == "favour" and not candidate.available and status == m.STABLE:
                        self._problem(
                            part,
                            (*where, effect),
                            f"rule '{data['id']}' favours '{candidate_id}', which is {candidate.lifecycle.status}",
                            f"favour its successor ({candidate.lifecycle.successor or 'none named'}) instead: "
                            "a service that is not available is never recommended",
                        )
            both = set(data.get("favour", {})) & (set(data.get("disfavour", {})) | set(data.get("rule_out", [])))
            if both:
                self._problem(
                    part, where, f"rule '{data['id']}' both favours and disfavours {', '.join(sorted(both))}", "split it into two rules"
                )
            self._url(part, (*where, "source"), data["source"], "docs-url")
            notes = data.get("notes")
            rule = m.Rule(
                id=data["id"],
                title=data["title"],
                when=when,
                because=data["because"],
                source=data["source"],
                favour=tuple(data.get("favour", {}).items()),
                disfavour=tuple(data.get("disfavour", {}).items()),
                rule_out=tuple(data.get("rule_out", ())),
                notes=(notes["date"], notes["heading"]) if notes else None,
                status=status,
                replaced_by=data.get("replaced_by"),
                location=part.at(*where),
            )
            built.setdefault(rule.id, rule)
        for data, part, i in entries:
            self._replacement("rule", data, part, ("rules", i), built)
        return tuple(built.values())

    def _condition(
        self, data: dict, part: _Part, path: tuple, scope: _Scope, owner: str, *, stable: bool = True, depth: int = 1
    ) -> m.Condition:
        ((kind, value),) = data.items()
        here = (*path, kind)
        if kind in ("all", "any", "not") and depth >= MAX_CONDITION_DEPTH:
            self._problem(
                part,
                here,
                f"the condition of {owner} nests more than {MAX_CONDITION_DEPTH} levels deep",
                "flatten it: `not` of `not` is the test itself, `all` inside `all` is one `all`; or split the rule",
            )
            return m.AllOf(())
        match kind:
            case "all" | "any":
                parts = tuple(
                    self._condition(item, part, (*here, j), scope, owner, stable=stable, depth=depth + 1) for j, item in enumerate(value)
                )
                return m.AllOf(parts) if kind == "all" else m.AnyOf(parts)
            case "not":
                return m.Not(self._condition(value, part, here, scope, owner, stable=stable, depth=depth + 1))
        matches = []
        for question_id, wanted in value.items():
            choice_ids = [wanted] if kind == "equals" else wanted
            self._check_reference(question_id, choice_ids, part, (*here, question_id), scope, owner, stable=stable)
            matches.append(m.Match(question_id, frozenset(choice_ids)))
        return matches[0] if len(matches) == 1 else m.AllOf(tuple(matches))

    def _check_reference(
        self, question_id: str, choice_ids: list[str], part: _Part, path: tuple, scope: _Scope, owner: str, *, stable: bool
    ) -> None:
        question = scope.questions.get(question_id)
        if question is None:
            known = ", ".join(scope.questions) or "none"
            hint = f"it may name only questions declared before it ({known})" if "ask_if" in owner else f"known questions: {known}"
            self._problem(part, path, f"{owner} reads unknown question '{question_id}'", hint)
            return
        if stable and question.status != m.STABLE:
            self._problem(
                part,
                path,
                f"{owner} reads question '{question_id}', which is deprecated",
                f"read its replacement ({question.replaced_by or 'none'}) instead",
            )
        for choice_id in choice_ids:
            choice = question.choice(choice_id)
            if choice is None:
                self._problem(
                    part,
                    path,
                    f"{owner} tests unknown choice '{choice_id}' of question '{question_id}'",
                    f"choices: {', '.join(c.id for c in question.choices)}",
                )
            elif choice.unsure:
                self._problem(
                    part,
                    path,
                    f"{owner} tests for '{choice_id}', the \"not sure\" answer",
                    'a "not sure" answer moves no score; test the answers that do decide',
                )
            elif stable and choice.status != m.STABLE:
                self._problem(
                    part,
                    path,
                    f"{owner} tests choice '{choice_id}' of question '{question_id}', which is deprecated",
                    f"test its replacement ({choice.replaced_by or 'none'}) instead",
                )

    # Examples

    def examples(self, entries: list[tuple[dict, _Part, int]], scope: _Scope, rules: dict[str, m.Rule]) -> tuple[m.Example, ...]:
        self._unique("example", ((e["id"], part, ("examples", i, "id")) for e, part, i in entries))
        built: dict[str, m.Example] = {}
        for data, part, i in entries:
            where = ("examples", i)
            for question_id, choice_id in data["answers"].items():
                # Examples may answer "not sure"; rules may not test for it.
                if not _is_unsure(scope, question_id, choice_id):
                    self._check_reference(
                        question_id, [choice_id], part, (*where, "answers", question_id), scope, f"example '{data['id']}'", stable=True
                    )
            expect = data["expect"]
            for key in ("top", "ruled_out"):
                for candidate_id in [expect[key]] if key == "top" else expect.get(key, []):
                    if candidate_id not in scope.candidates:
                        self._problem(
                            part,
                            (*where, "expect", key),
                            f"example '{data['id']}' expects unknown candidate '{candidate_id}'",
                            f"known candidates: {', '.join(scope.candidates)}",
                        )
            for key in ("fires", "does_not_fire"):
                for rule_id in expect.get(key, []):
                    if rule_id not in rules:
                        self._problem(
                            part,
                            (*where, "expect", key),
                            f"example '{data['id']}' names unknown rule '{rule_id}'",
                            "name a rule declared in this domain",
                        )
            built.setdefault(
                data["id"],
                m.Example(
                    id=data["id"],
                    answers=tuple(data["answers"].items()),
                    top=expect["top"],
                    ruled_out=tuple(expect.get("ruled_out", ())),
                    fires=tuple(expect.get("fires", ())),
                    does_not_fire=tuple(expect.get("does_not_fire", ())),
                    todo=data.get("todo"),
                    location=part.at(*where),
                ),
            )
        return tuple(built.values())


def _is_unsure(scope: _Scope, question_id: str, choice_id: str) -> bool:
    question = scope.questions.get(question_id)
    choice = question.choice(choice_id) if question else None
    return bool(choice and choice.unsure)
