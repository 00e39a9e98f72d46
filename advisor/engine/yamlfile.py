"""Read one YAML rule file safely, keeping the line of every value.

Safe loading alone is not enough for files that arrive by pull request: an
alias "bomb" of a few hundred bytes expands to hundreds of millions of nodes.
So anchors and aliases are refused outright (rule files never need them),
files are capped in size, nesting is capped in depth (the composer and every
walk over the data recurse: a deep file would overflow the stack), numbers
are capped in length, and one document per file is required.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import yaml

from .problems import Problem

# libyaml's C parser is ~9x faster; fall back to the pure-Python one.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 1024 * 1024
# A rule file nests about 8 levels deep (file → rules → rule → when → all → list → test);
# 32 leaves room for honest conditions and stops long before any recursion limit.
MAX_DEPTH = 32
# Numbers in rule files are weights of 1 to 5; a 5,000-digit one would hit Python's
# int-conversion limit (and cost quadratic time) before the schema could refuse it.
MAX_NUMBER_CHARS = 20
TOO_BIG = "file is {size:,} bytes, over the {limit:,}-byte limit"
TOO_BIG_FIX = "split the domain into a folder of smaller files"

type Path = tuple[str | int, ...]

_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_NULL = "tag:yaml.org,2002:null"
_constructor = yaml.constructor.SafeConstructor()


@dataclass(frozen=True, slots=True)
class YamlDocument:
    data: Any
    lines: dict[Path, int]  # 1-based line of each value, keyed by its path in `data`

    def line(self, path: Path) -> int:
        """The line of `path`, or of its nearest ancestor that has one."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)


def yaml_read(text: str, *, display_path: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse `text` into plain data with line numbers, or say every reason it cannot be."""
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        return None, [Problem(display_path, 1, TOO_BIG.format(size=size, limit=MAX_FILE_BYTES), TOO_BIG_FIX)]
    try:
        # The event stream is flat: checking it first keeps a hostile file from
        # ever reaching the recursive composer.
        problems = _refuse_unsafe_events(text, display_path)
        if problems:
            return None, problems
        node = yaml.compose(text, Loader=SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        what = " ".join(part for part in (error.context, error.problem) if part)
        return None, [
            Problem(
                display_path,
                (mark.line + 1) if mark else 1,
                f"YAML syntax error: {what}",
                "check indentation, colons and quotes on this line or the one before",
            )
        ]
    except yaml.YAMLError as error:
        return None, [Problem(display_path, 1, f"YAML error: {error}", "the file must be plain UTF-8 YAML")]
    if node is None:
        return None, [
            Problem(display_path, 1, "file is empty", "start it with the schema line and a `domain:` block (see rules/README.md)")
        ]
    lines: dict[Path, int] = {}
    problems = []
    data = _to_data(node, (), lines, problems, display_path)
    return YamlDocument(data, lines), problems


def _refuse_unsafe_events(text: str, display_path: str) -> list[Problem]:
    problems = []
    documents = depth = 0
    for event in yaml.parse(text, Loader=SafeLoader):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                # One problem is enough: everything below is as deep or deeper.
                problems.append(
                    Problem(
                        display_path,
                        line,
                        f"YAML nested more than {MAX_DEPTH} levels deep",
                        "flatten it: a rule file needs far fewer levels (not of not is the test itself; all inside all is one all)",
                    )
                )
                return problems
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents == 2:
                problems.append(Problem(display_path, line, "a second YAML document (---)", "keep one document per rule file"))
        elif isinstance(event, yaml.AliasEvent):
            problems.append(
                Problem(
                    display_path,
                    line,
                    f"YAML alias *{event.anchor} is not allowed",
                    "write the value out in full: rule files refuse anchors and aliases",
                )
            )
        elif getattr(event, "anchor", None):
            problems.append(
                Problem(
                    display_path,
                    line,
                    f"YAML anchor &{event.anchor} is not allowed",
                    "write the value out in full: rule files refuse anchors and aliases",
                )
            )
    return problems


def _to_data(node: yaml.Node, path: Path, lines: dict[Path, int], problems: list[Problem], display_path: str) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Hashable, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            key = _scalar_or_problem(key_node, problems, display_path) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                problems.append(Problem(display_path, key_line, "a mapping key must be a plain word", "use a name such as `id:`"))
                continue
            if key in result:
                problems.append(
                    Problem(display_path, key_line, f"duplicate key '{key}'", f"'{key}' is already set on line {lines[(*path, key)]}")
                )
                continue
            result[key] = _to_data(value_node, (*path, key), lines, problems, display_path)
            lines[(*path, key)] = key_line
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_data(item, (*path, i), lines, problems, display_path) for i, item in enumerate(node.value)]
    return _scalar_or_problem(node, problems, display_path)


def _scalar_or_problem(node: yaml.ScalarNode, problems: list[Problem], display_path: str) -> Any:
    if node.tag in (_INT, _FLOAT) and len(node.value) > MAX_NUMBER_CHARS:
        problems.append(
            Problem(
                display_path,
                node.start_mark.line + 1,
                f"a number {len(node.value):,} characters long",
                f"numbers in rule files are small (weights are 1 to 5; at most {MAX_NUMBER_CHARS} characters); put text in quotes",
            )
        )
        return None
    return _scalar(node)


def _scalar(node: yaml.ScalarNode) -> Any:
    # YAML 1.1 reads yes/no/on/off as booleans and dates as dates; in rule files
    # those are ids and strings (a choice may well be called `yes`), so only
    # true/false are booleans and every other non-number stays a string.
    if node.tag == _NULL:
        return None
    if node.tag == _BOOL:
        return node.value.lower() == "true" if node.value.lower() in ("true", "false") else node.value
    if node.tag in (_INT, _FLOAT):
        return _constructor.construct_object(node)
    return node.value
