"""Read one YAML rule file safely, keeping the line of every value.

Safe loading alone is not enough for files that arrive by pull request: an
alias "bomb" of a few hundred bytes expands to hundreds of millions of nodes.
So anchors and aliases are refused outright (rule files never need them),
files are capped in size, nesting is capped in depth (the composer and every
walk over the data recurse: a deep file would overflow the stack), numbers
are capped in length, and one document per file is required.
"""

from __future__ import annotations

from collections.abc import Callable
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
_STR = "tag:yaml.org,2002:str"
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
    loader = SafeLoader(text)
    try:
        # The parser's own get_event, not yaml.parse: its generator costs three calls an event.
        return _read_events(loader.get_event, display_path)
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
    finally:
        loader.dispose()


_resolver = yaml.resolver.Resolver()
# Events are told apart by exact type (the parsers make no subclasses): isinstance ran 5 times an event.
_OPENS = frozenset({yaml.MappingStartEvent, yaml.SequenceStartEvent})
_CLOSES = frozenset({yaml.MappingEndEvent, yaml.SequenceEndEvent})
_VALUES = frozenset({yaml.ScalarEvent, yaml.AliasEvent, *_OPENS})
ANCHOR_FIX = "write the value out in full: rule files refuse anchors and aliases"
DEPTH_FIX = "flatten it: a rule file needs far fewer levels (not of not is the test itself; all inside all is one all)"
_NOWHERE = object()  # a value that is read but not kept (under a refused key, or in a second document)
_EMPTY = object()


@dataclass(slots=True)
class _Open:
    """A mapping or sequence being read: what is built of it (None: read and dropped), its path,
    and, in a mapping, the key that waits for its value."""

    data: dict | list | None
    path: Path
    key: Any = None  # None: the next value is a key; _NOWHERE: a refused key's value comes next
    key_line: int = 0


def _read_events(next_event: Callable[[], yaml.Event], display_path: str) -> tuple[YamlDocument | None, list[Problem]]:
    """The first document's data and lines, built straight from the parser's flat event stream.

    One pass and no composer: the stream is checked as it is read (anchors, aliases, a second
    document, depth), so a hostile file never reaches anything recursive, and no node tree is
    built only to be walked again (composing and walking took half as long again).
    """
    unsafe: list[Problem] = []  # any of these and the file is refused, whatever else it holds
    problems: list[Problem] = []
    lines: dict[Path, int] = {}
    stack: list[_Open] = []
    root: Any = _EMPTY
    documents = 0
    while (kind := type(event := next_event())) is not yaml.StreamEndEvent:
        line = event.start_mark.line + 1
        if kind is yaml.DocumentStartEvent:
            documents += 1
            if documents == 2:
                unsafe.append(Problem(display_path, line, "a second YAML document (---)", "keep one document per rule file"))
            continue
        if kind in _CLOSES:
            stack.pop()
            continue
        if kind not in _VALUES:
            continue  # the stream's start and the documents' ends
        opens = kind in _OPENS
        if opens and len(stack) >= MAX_DEPTH:
            # One problem is enough: everything below is as deep or deeper.
            return None, [Problem(display_path, line, f"YAML nested more than {MAX_DEPTH} levels deep", DEPTH_FIX)]
        if kind is yaml.AliasEvent:
            unsafe.append(Problem(display_path, line, f"YAML alias *{event.anchor} is not allowed", ANCHOR_FIX))
        elif event.anchor:
            unsafe.append(Problem(display_path, line, f"YAML anchor &{event.anchor} is not allowed", ANCHOR_FIX))

        parent = stack[-1] if stack else None
        if parent is not None and type(parent.data) is dict and parent.key is None:
            _read_key(parent, event, line, lines, problems, display_path)
            if opens:  # a mapping or list as a key: read and dropped, as is its value
                stack.append(_Open(None, ()))
            continue
        path = _NOWHERE if documents > 1 else _path_of(parent)
        if opens:
            data = None if path is _NOWHERE else ({} if kind is yaml.MappingStartEvent else [])
            stack.append(_Open(data, () if path is _NOWHERE else path))
        elif path is _NOWHERE or kind is yaml.AliasEvent:
            data = None
        else:
            data = _scalar_or_problem(event, line, problems, display_path)
        if path is _NOWHERE:
            continue
        if parent is None:
            root = data
            lines[path] = line
        elif type(parent.data) is list:
            parent.data.append(data)
            lines[path] = line
        else:
            parent.data[path[-1]] = data
            lines[path] = parent.key_line
            parent.key = None
    if unsafe:
        return None, unsafe
    if root is _EMPTY:
        return None, [
            Problem(display_path, 1, "file is empty", "start it with the schema line and a `domain:` block (see rules/README.md)")
        ]
    return YamlDocument(root, lines), problems


def _path_of(parent: _Open | None) -> Path | object:
    """Where the next value goes: the document's root, the next item of a list, a mapping's key
    read just before; or _NOWHERE when it is dropped."""
    if parent is None:
        return ()
    if parent.data is None:
        return _NOWHERE
    if type(parent.data) is list:
        return (*parent.path, len(parent.data))
    if parent.key is _NOWHERE:
        parent.key = None  # the refused key's value: dropped, and the next value is a key again
        return _NOWHERE
    return (*parent.path, parent.key)


def _read_key(parent: _Open, event, line: int, lines: dict[Path, int], problems: list[Problem], display_path: str) -> None:
    """A mapping key: kept to wait for its value, or refused (its value is then dropped)."""
    key = _scalar_or_problem(event, line, problems, display_path) if type(event) is yaml.ScalarEvent else None
    parent.key = _NOWHERE
    if not isinstance(key, str):
        problems.append(Problem(display_path, line, "a mapping key must be a plain word", "use a name such as `id:`"))
    elif key in parent.data:
        problems.append(
            Problem(display_path, line, f"duplicate key '{key}'", f"'{key}' is already set on line {lines[(*parent.path, key)]}")
        )
    else:
        parent.key, parent.key_line = key, line


def _scalar_or_problem(event: yaml.ScalarEvent, line: int, problems: list[Problem], display_path: str) -> Any:
    tag = event.tag
    if tag is None or tag == "!":  # as the composer resolves a plain or quoted scalar
        # Only a plain scalar can be read as anything but a string (a quoted or block one never is).
        tag = _resolver.resolve(yaml.ScalarNode, event.value, event.implicit) if event.implicit[0] else _STR
    if tag in (_INT, _FLOAT) and len(event.value) > MAX_NUMBER_CHARS:
        problems.append(
            Problem(
                display_path,
                line,
                f"a number {len(event.value):,} characters long",
                f"numbers in rule files are small (weights are 1 to 5; at most {MAX_NUMBER_CHARS} characters); put text in quotes",
            )
        )
        return None
    return _scalar(tag, event.value)


def _scalar(tag: str, value: str) -> Any:
    # YAML 1.1 reads yes/no/on/off as booleans and dates as dates; in rule files
    # those are ids and strings (a choice may well be called `yes`), so only
    # true/false are booleans and every other non-number stays a string.
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return value.lower() == "true" if value.lower() in ("true", "false") else value
    if tag == _INT:
        return _constructor.construct_yaml_int(yaml.ScalarNode(tag, value))
    if tag == _FLOAT:
        return _constructor.construct_yaml_float(yaml.ScalarNode(tag, value))
    return value
