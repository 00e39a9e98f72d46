"""The diagram's geometry: boxes, and arrows routed between them (advisor.engine.design.diagram lays out
the tiles and groups; this finds each arrow's path and a place for its label).

Paths are orthogonal, from one box's border to another's, and cross as few other tiles as they
can: candidates in a fixed order, scored by tiles crossed, then bends, then length, so the same
boxes always give the same picture.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

LABEL_MARGIN = 4  # an arrow's label keeps this clear of tiles and other labels


@dataclass(frozen=True, slots=True)
class Box:
    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    @property
    def cx(self) -> int:
        return self.x + self.w // 2

    @property
    def cy(self) -> int:
        return self.y + self.h // 2

    def contains(self, other: Box) -> bool:
        return self.x <= other.x and self.y <= other.y and other.right <= self.right and other.bottom <= self.bottom

    def overlaps(self, other: Box) -> bool:
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom


def segment_box(segment, margin: int) -> Box:
    (x1, y1), (x2, y2) = segment
    return Box(min(x1, x2) - margin, min(y1, y2) - margin, abs(x2 - x1) + 2 * margin, abs(y2 - y1) + 2 * margin)


def _spread(box: Box, along_x: bool) -> list[int]:
    """Where an arrow may leave or reach a box's side: its middle first, then the quarters."""
    start, size = (box.x, box.w) if along_x else (box.y, box.h)
    return [start + size // 2, start + size // 4, start + 3 * size // 4]


def _crossings(points, obstacles: list[tuple[int, int, int, int]]) -> int:
    """How many (segment, obstacle) pairs touch: each segment widened by 2 on every side.

    Obstacles are (x, y, right, bottom) tuples and the test is Box.overlaps written out: this runs
    for every candidate path of every arrow, the diagram's hottest loop."""
    count = 0
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        left, right = (x1 - 2, x2 + 2) if x1 <= x2 else (x2 - 2, x1 + 2)
        top, bottom = (y1 - 2, y2 + 2) if y1 <= y2 else (y2 - 2, y1 + 2)
        for ox, oy, oright, obottom in obstacles:
            if left < oright and ox < right and top < obottom and oy < bottom:
                count += 1
    return count


def route(a: Box, b: Box, obstacles: list[Box], channels) -> tuple[tuple[int, int], ...]:
    """An orthogonal path from a's border to b's border that crosses as few other tiles as it can:
    candidates in a fixed order (straight, one elbow, a detour through a gap between columns or
    tiers), scored by tiles crossed, then bends, then length, so the choice is deterministic."""
    candidates = []
    xs_channels, ys_channels = channels
    if a.bottom <= b.y or b.bottom <= a.y:
        down = a.bottom <= b.y
        sy, ey = (a.bottom, b.y) if down else (a.y, b.bottom)
        step = 8 if down else -8
        lo, hi = max(a.x, b.x), min(a.right, b.right)
        shared = [(lo + hi) // 2] if hi - lo >= 20 else []
        for sx in shared + _spread(a, True):
            for ex in shared + _spread(b, True):
                if sx == ex:
                    candidates.append(((sx, sy), (ex, ey)))
                else:
                    for my in ((sy + ey) // 2, sy + step, ey - step):
                        candidates.append(((sx, sy), (sx, my), (ex, my), (ex, ey)))
        for cx in xs_channels:
            candidates.append(((a.cx, sy), (a.cx, sy + step), (cx, sy + step), (cx, ey - step), (b.cx, ey - step), (b.cx, ey)))
    else:
        right = a.right <= b.x
        sx, ex = (a.right, b.x) if right else (a.x, b.right)
        step = 10 if right else -10
        lo, hi = max(a.y, b.y), min(a.bottom, b.bottom)
        shared = [(lo + hi) // 2] if hi - lo >= 16 else []
        for sy in shared + _spread(a, False):
            for ey in shared + _spread(b, False):
                if sy == ey:
                    candidates.append(((sx, sy), (ex, ey)))
                else:
                    for mx in ((sx + ex) // 2, sx + step, ex - step):
                        candidates.append(((sx, sy), (mx, sy), (mx, ey), (ex, ey)))
        # Out of a's bottom or top, along a gap between tiers, then across to b.
        for cy in ys_channels:
            if cy > a.bottom:
                candidates.append(((a.cx, a.bottom), (a.cx, cy), (ex - step, cy), (ex - step, b.cy), (ex, b.cy)))
            elif cy < a.y:
                candidates.append(((a.cx, a.y), (a.cx, cy), (ex - step, cy), (ex - step, b.cy), (ex, b.cy)))

    corners = [(o.x, o.y, o.right, o.bottom) for o in obstacles]

    def score(points):
        length = sum(abs(x2 - x1) + abs(y2 - y1) for (x1, y1), (x2, y2) in itertools.pairwise(points))
        return (_crossings(points, corners), len(points), length)

    return min(candidates, key=score)


def _grown(box: Box, margin: int) -> Box:
    return Box(box.x - margin, box.y - margin, box.w + 2 * margin, box.h + 2 * margin)


def label_box(points, w: int, h: int, taken: list[Box], lines: list[Box]) -> Box:
    """Where a label w wide and h high goes beside a path: by the middle of a segment, the longest first, where it
    covers no tile or other label (`taken`), and better not a line either."""
    segments = sorted(itertools.pairwise(points), key=lambda s: -(abs(s[0][0] - s[1][0]) + abs(s[0][1] - s[1][1])))
    options = []
    for (x1, y1), (x2, y2) in segments:
        for share in (2, 3, 1.5):  # the middle, then a third and two thirds of the way
            if x1 == x2:  # vertical: right of the line, else left
                at = int(y1 + (y2 - y1) / share)
                options += [Box(x1 + 5, at - h // 2, w, h), Box(x1 - 5 - w, at - h // 2, w, h)]
            else:  # horizontal: above the line, else below
                at = int(x1 + (x2 - x1) / share)
                options += [Box(at - w // 2, y1 - h - 2, w, h), Box(at - w // 2, y1 + 3, w, h)]
    # Widths are estimates (capitals run wider than the per-character width): a label keeps LABEL_MARGIN clear of
    # tiles and other labels, so "HTTP" never touches a subnet's name beside it.
    clear = [o for o in options if not any(_grown(o, LABEL_MARGIN).overlaps(t) for t in taken)]
    box = next((o for o in clear if not any(o.overlaps(line) for line in lines)), clear[0] if clear else options[0])
    return box
