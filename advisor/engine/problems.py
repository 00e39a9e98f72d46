"""A problem found in a rule book, printed as `path:line: message — how to fix`."""

from __future__ import annotations

import re
from dataclasses import dataclass

# What a terminal acts on rather than shows: C0 controls (ESC starts an ANSI
# sequence that can recolour, erase or fake an "ok" line; CR, BS and line breaks
# overwrite or split it), DEL, C1 controls (0x9b is a one-byte CSI), line and
# paragraph separators, and the bidirectional overrides that reorder what is shown.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with every character a terminal would act on written as an escape (ESC → \\x1b)."""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    fix: str = ""

    def __str__(self) -> str:
        # Messages quote the file's own text (ids, values), and a file name may hold anything.
        text = f"{self.path}:{self.line}: {self.message}"
        return printable(f"{text} — {self.fix}" if self.fix else text)


class RuleBookError(Exception):
    """The rule book cannot be used; `problems` says every reason, in file order."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))
