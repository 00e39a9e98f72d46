"""A design's architecture diagram as plain data (issue 14): groups, nodes and edges with positions.

Pure Python, no Django: advisor.engine.design.svg only draws what this computes, so the
same parts always give the same SVG, byte for byte. The layout follows AWS's diagram
conventions (STYLE.md, "For diagrams"): AWS Cloud → Region → VPC → two Availability Zones as
dashed columns → subnet tier rows; regional services outside the VPC, global ones outside the
Region; gateways straddling the border they cross; a part that spans the AZs (Auto Scaling
group, DB subnet group, load balancer) drawn once across both columns.

No icon artwork (AWS's icon set has no licence we can ship): each part is a labelled tile, its
service name and what it does here, with a band in its category's colour.

Text cannot be measured without a font, so widths are estimated with a fixed width per character
(a little wider than system-ui's average) and long roles are wrapped: labels fit with margin.
All coordinates are integers, so the rendering is stable across platforms.

The parts come from advisor.engine.design.parts (design_parts); this module reads only their
attributes, so it can be tested with hand-made parts too.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Protocol

from .geometry import Box, label_box, route, segment_box

# Where a part can be drawn (Part.place), and the subnet tiers in their top-to-bottom order.
TIERS = ("public", "app", "data")
PLACES = (*TIERS, "vpc", "vpc-border", "region", "global")
TIER_LABELS = {"public": "Public subnet", "app": "Private subnet (app)", "data": "Private subnet (data)"}
TIER_PLURALS = {"public": "public subnets", "app": "private app subnets", "data": "private data subnets"}
AZ_COUNT = 2

# AWS's group colours and line styles (its architecture icon deck's groups).
GROUP_STYLES = {
    "cloud": ("#232F3E", False),
    "region": ("#00A4A6", True),
    "vpc": ("#8C4FFF", False),
    "az": ("#545B64", True),
    "subnet-public": ("#7AA116", False),
    "subnet-private": ("#00A4A6", False),
    "asg": ("#ED7100", True),
    "db-subnet-group": ("#00A4A6", True),
}
# AWS's category colours, for the band on each tile.
CATEGORY_COLOURS = {
    "networking": "#8C4FFF",
    "compute": "#ED7100",
    "database": "#C925D1",
    "storage": "#7AA116",
    "security": "#DD344C",
    "dns": "#8C4FFF",
    "management": "#E7157B",
}


# A part spanning the AZs is framed by the group AWS draws for it: an Auto Scaling group around
# the fleet it scales, a DB subnet group around a database. Others (a load balancer, a Lambda
# function or an ECS service in the VPC) are a wide tile alone.
def _span_group(part) -> tuple[str, str] | None:
    if "auto scaling" in part.label.lower():
        return "asg", "Auto Scaling group"
    if part.category == "database":  # the subnet group each service names its own way
        name = part.label.lower()
        label = "Cache subnet group" if "elasticache" in name else "Cluster subnet group" if "redshift" in name else "DB subnet group"
        return "db-subnet-group", label
    return None


# Type and spacing. Estimated character widths are deliberately generous (bold system-ui
# averages about 0.6 em); a test checks every text's estimate fits its box.
LABEL_SIZE, LABEL_CHAR, LABEL_LINE = 12, 7.8, 15
ROLE_SIZE, ROLE_CHAR, ROLE_LINE = 11, 6.4, 13
GROUP_SIZE, GROUP_CHAR = 12, 7.4
TITLE_SIZE, TITLE_CHAR = 16, 9.6
EDGE_SIZE, EDGE_CHAR = 11, 6.4
TILE_PAD, TILE_BAND = 8, 5  # inner padding; the category colour band on the tile's left
TILE_MIN, TILE_MAX = 150, 200  # a tile's width range inside an AZ column
PAD = 12  # a group's padding
HEADER = 28  # a group's label row
GAP = 14  # between tiles, and between sibling groups
AZ_GAP = 24  # between the two AZ columns
MARGIN = 16
TITLE_ROW = 36


class PartLike(Protocol):
    id: str
    label: str
    role: str
    category: str
    place: str
    per_az: bool
    spans_azs: bool
    connects: tuple[tuple[str, str], ...]
    placeholder: bool


@dataclass(frozen=True, slots=True)
class Text:
    x: int
    y: int  # the baseline
    text: str
    kind: str  # label | role | group | edge | title: the template's class and font


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    kind: str  # cloud | region | vpc | az | subnet-public | subnet-private | asg | db-subnet-group
    label: str
    box: Box
    parent: str | None
    colour: str
    dashed: bool
    text: Text


@dataclass(frozen=True, slots=True)
class Node:
    id: str  # the part's id, with "@az1"/"@az2" for a part drawn in each AZ
    part: str
    label: str
    role: str
    category: str
    colour: str
    box: Box
    group: str  # the group it sits in (or, on a border, straddles)
    border: bool  # straddles its group's edge (a gateway)
    placeholder: bool
    texts: tuple[Text, ...]
    where: str = ""  # said in the list beside the picture: "on the VPC's edge", "across both Availability Zones…"


@dataclass(frozen=True, slots=True)
class Edge:
    source: str  # node ids
    target: str
    label: str
    points: tuple[tuple[int, int], ...]
    text: Text | None  # where the label is drawn: once per connection, not on every AZ's copy


@dataclass(frozen=True, slots=True)
class Diagram:
    title: str
    description: str
    width: int
    height: int
    title_text: Text
    groups: tuple[Group, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def group(self, group_id: str) -> Group:
        return next(g for g in self.groups if g.id == group_id)

    def node(self, node_id: str) -> Node:
        return next(n for n in self.nodes if n.id == node_id)


# Text ---------------------------------------------------------------------------


def text_width(text: str, char: float) -> int:
    return math.ceil(len(text) * char)


def text_wrap(text: str, width: int, char: float) -> tuple[str, ...]:
    """Greedy word wrap to an estimated pixel width; a word longer than a line is cut."""
    most = max(1, int(width // char))
    lines: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > most:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:most])
            word = word[most:]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= most:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return tuple(lines) or ("",)


# Tiles ---------------------------------------------------------------------------


def _tile_label(part: PartLike) -> str:
    return f"Undecided: {part.label}" if part.placeholder else part.label


def _tile_lines(part: PartLike, width: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    inner = width - 2 * TILE_PAD - TILE_BAND
    return text_wrap(_tile_label(part), inner, LABEL_CHAR), text_wrap(part.role, inner, ROLE_CHAR)


def _tile_natural_width(part: PartLike) -> int:
    """The narrowest tile (within TILE_MIN..TILE_MAX) its longest unwrapped line fits."""
    label, role = _tile_lines(part, TILE_MAX)
    longest = max([text_width(line, LABEL_CHAR) for line in label] + [text_width(line, ROLE_CHAR) for line in role])
    return max(TILE_MIN, min(TILE_MAX, longest + 2 * TILE_PAD + TILE_BAND))


def _tile_height(part: PartLike, width: int) -> int:
    label, role = _tile_lines(part, width)
    return 2 * TILE_PAD + len(label) * LABEL_LINE + len(role) * ROLE_LINE


def _node(part: PartLike, box: Box, group: str, *, az: int | None = None, border: bool = False, where: str = "") -> Node:
    label, role = _tile_lines(part, box.w)
    x = box.x + TILE_BAND + TILE_PAD
    y = box.y + TILE_PAD
    texts = []
    for line in label:
        y += LABEL_LINE
        texts.append(Text(x, y - 3, line, "label"))
    for line in role:
        y += ROLE_LINE
        texts.append(Text(x, y - 3, line, "role"))
    return Node(
        id=part.id if az is None else f"{part.id}@az{az}",
        part=part.id,
        label=_tile_label(part),
        role=part.role,
        category=part.category,
        colour=CATEGORY_COLOURS.get(part.category, "#545B64"),
        box=box,
        group=group,
        border=border,
        placeholder=part.placeholder,
        texts=tuple(texts),
        where=where,
    )


def _group(group_id: str, kind: str, label: str, box: Box, parent: str | None) -> Group:
    colour, dashed = GROUP_STYLES[kind]
    return Group(group_id, kind, label, box, parent, colour, dashed, Text(box.x + 10, box.y + 18, label, "group"))


def _row(parts: list[PartLike], x: int, y: int, width: int) -> list[tuple[PartLike, Box]]:
    """Tiles left to right from (x, y), wrapping to a new row past `width`."""
    placed, cx, cy, row_h = [], x, y, 0
    for part in parts:
        w = _tile_natural_width(part)
        if cx > x and cx + w > x + width:
            cx, cy, row_h = x, cy + row_h + GAP, 0
        h = _tile_height(part, w)
        placed.append((part, Box(cx, cy, w, h)))
        cx += w + GAP
        row_h = max(row_h, h)
    return placed


def _extent(boxes, default: int) -> int:
    return max((b.bottom for b in boxes), default=default)


def _span_block(parts, start: int, span_x: int, span_right: int, blocks: list) -> int:
    """Parts spanning the AZs, stacked from `start`: a wide tile, framed by its group when AWS draws one."""
    for part in parts:
        kind_label = _span_group(part)
        if kind_label:
            kind, label = kind_label
            inner_x, inner_w = span_x + PAD, span_right - span_x - 2 * PAD
            h = _tile_height(part, inner_w)
            blocks.append(("group", part, Box(span_x, start, span_right - span_x, HEADER + h + PAD), kind, label))
            blocks.append(("span", part, Box(inner_x, start + HEADER, inner_w, h), kind, label))
            start += HEADER + h + PAD + GAP
        else:
            w = span_right - span_x
            h = _tile_height(part, w)
            blocks.append(("span", part, Box(span_x, start, w, h), None, None))
            start += h + GAP
    return start


def _az_block(parts, start: int, az_xs: list[int], tile_w: int, blocks: list) -> int:
    """Parts drawn in each AZ (or once, in the first), stacked from `start` in each column."""
    bottom = start
    for az, az_x in enumerate(az_xs):
        sy = start
        for part in parts:
            if not part.per_az and az > 0:
                continue
            h = _tile_height(part, tile_w)
            blocks.append(("az", part, Box(az_x + 2 * PAD, sy, tile_w, h), az + 1, None))
            sy += h + GAP
        bottom = max(bottom, sy)
    return bottom


# Layout -----------------------------------------------------------------------------


def diagram_layout(parts: tuple[PartLike, ...] | list[PartLike], *, title: str) -> Diagram:
    """Where everything goes. Raises ValueError for a part with an unknown place (the fragment schema prevents it)."""
    for part in parts:
        if part.place not in PLACES:
            raise ValueError(f"part {part.id!r}: place {part.place!r} is not one of {', '.join(PLACES)}")
    by_place = {place: [p for p in parts if p.place == place] for place in PLACES}
    spanning = {t: [p for p in by_place[t] if p.spans_azs] for t in TIERS}
    in_az = {t: [p for p in by_place[t] if not p.spans_azs] for t in TIERS}  # per AZ, or once in the first AZ

    # Column geometry: every tile in an AZ column has the column's width.
    tile_w = max([TILE_MIN] + [_tile_natural_width(p) for t in TIERS for p in in_az[t]])
    tile_w = max(tile_w, *(text_width(TIER_LABELS[t], GROUP_CHAR) + 20 - 2 * PAD for t in TIERS))
    subnet_w = tile_w + 2 * PAD
    az_w = subnet_w + 2 * PAD
    border_top = by_place["vpc-border"]
    # A gateway endpoint (it reaches a regional service) sits on the VPC's right edge, facing
    # that service; the others (internet gateway, VPN gateway) on its top edge.
    regional_ids = {p.id for p in by_place["region"]}
    border_right = [p for p in border_top if any(target in regional_ids for target, _ in p.connects)]
    border_top = [p for p in border_top if p not in border_right]

    x0 = MARGIN
    cloud_x = x0
    region_x = cloud_x + PAD
    vpc_x = region_x + PAD
    az_xs = [vpc_x + PAD + i * (az_w + AZ_GAP) for i in range(AZ_COUNT)]
    vpc_w = AZ_COUNT * az_w + (AZ_COUNT - 1) * AZ_GAP + 2 * PAD
    # Room inside the right edge for the half of each gateway that straddles it, clear of the AZs.
    vpc_w += max((_tile_natural_width(p) // 2 for p in border_right), default=0)
    span_x, span_right = az_xs[0] + 2 * PAD - 6, az_xs[-1] + az_w - 2 * PAD + 6  # across both subnets

    nodes: list[Node] = []
    groups: list[Group] = []

    # Global services: a row inside the AWS Cloud, above the Region.
    y = TITLE_ROW + MARGIN
    cloud_y = y
    y += HEADER
    global_tiles = _row(by_place["global"], vpc_x + PAD, y, vpc_w)
    y = _extent((b for _, b in global_tiles), y - GAP) + GAP
    region_y = y
    y += HEADER
    vpc_y = y + (max((_tile_height(p, _tile_natural_width(p)) for p in border_top), default=0) // 2)
    y = vpc_y + HEADER
    # Top-border gateways straddle the VPC's top edge, right-aligned (the VPC's label is on the left).
    top_tiles = []
    bx = vpc_x + vpc_w - PAD
    for part in reversed(border_top):
        w = _tile_natural_width(part)
        h = _tile_height(part, w)
        bx -= w
        top_tiles.append((part, Box(bx, vpc_y - h // 2, w, h)))
        bx -= GAP
    top_tiles.reverse()
    if top_tiles:
        y = max(y, _extent((b for _, b in top_tiles), y) + GAP)

    # Inside the VPC but in no subnet.
    vpc_tiles = _row(by_place["vpc"], az_xs[0], y, vpc_w - 2 * PAD)
    y = _extent((b for _, b in vpc_tiles), y - GAP) + GAP

    az_y = y
    y += HEADER
    tier_boxes: dict[str, Box] = {}
    for tier in TIERS:
        sub_y = y
        y += HEADER
        span_first = tier != "public"  # public: NAT gateways near the internet gateway, the load balancer near the app tier
        blocks = []

        if span_first:
            y = _az_block(in_az[tier], _span_block(spanning[tier], y, span_x, span_right, blocks), az_xs, tile_w, blocks)
        else:
            y = _span_block(spanning[tier], _az_block(in_az[tier], y, az_xs, tile_w, blocks), span_x, span_right, blocks)
        # The last tile's gap becomes the subnet's padding; an empty subnet still shows (the base network builds it).
        y = y - GAP + PAD if y > sub_y + HEADER else y + 18
        sub_h = y - sub_y
        tier_boxes[tier] = Box(0, sub_y, 0, sub_h)
        for az in range(AZ_COUNT):
            kind = "subnet-public" if tier == "public" else "subnet-private"
            groups.append(
                _group(f"{tier}-az{az + 1}", kind, TIER_LABELS[tier], Box(az_xs[az] + PAD, sub_y, subnet_w, sub_h), f"az{az + 1}")
            )
        for block in blocks:
            what, part, box, extra, label = block
            if what == "group":
                groups.append(_group(f"{part.id}-group", extra, label, box, "vpc"))
            elif what == "span":
                where = f"across both Availability Zones, in the {TIER_PLURALS[tier]}"
                nodes.append(_node(part, box, f"{part.id}-group" if extra else "vpc", where=where))
            else:
                az = extra
                nodes.append(_node(part, box, f"{tier}-az{az}", az=az if part.per_az else None))
        y += GAP
    y = y - GAP + PAD
    az_h = y - az_y
    for az in range(AZ_COUNT):
        groups.append(_group(f"az{az + 1}", "az", f"Availability Zone {az + 1}", Box(az_xs[az], az_y, az_w, az_h), "vpc"))

    # Right-border gateways straddle the VPC's right edge, level with the app tier they serve.
    right_tiles = []
    ry = tier_boxes["app"].y + HEADER
    for part in border_right:
        w = _tile_natural_width(part)
        h = _tile_height(part, w)
        right_tiles.append((part, Box(vpc_x + vpc_w - w // 2, ry, w, h)))
        ry += h + GAP
    vpc_bottom = max(y + PAD, ry - GAP + PAD)
    vpc_box = Box(vpc_x, vpc_y, vpc_w, vpc_bottom - vpc_y)

    # Regional services: a column right of the VPC, level with the app tier.
    right_reach = max((b.right for _, b in right_tiles), default=vpc_box.right)
    # Wide enough a gap for the labels of the arrows that cross it.
    crossing = [label for p in parts if p.place != "region" for target, label in p.connects if target in regional_ids]
    col_x = right_reach + max(3 * GAP, max((text_width(label, EDGE_CHAR) + 3 * GAP for label in crossing), default=0))
    col_w = max((_tile_natural_width(p) for p in by_place["region"]), default=0)
    region_tiles = []
    cy = tier_boxes["app"].y + HEADER
    for part in by_place["region"]:
        h = _tile_height(part, col_w)
        region_tiles.append((part, Box(col_x, cy, col_w, h)))
        cy += h + GAP
    region_right = max(col_x + col_w if region_tiles else right_reach, right_reach) + PAD
    region_box = Box(region_x, region_y, region_right - region_x, max(vpc_box.bottom, cy - GAP) + PAD - region_y)

    # Gaps arrows may run along: between the AZ columns and beside them; below each subnet tier.
    channels = (
        # (inside the outer subnets' margins, clear of the spanning groups, before outside the AZs)
        (az_xs[0] + az_w + AZ_GAP // 2, az_xs[0] + PAD + 4, az_xs[-1] + az_w - PAD - 4, az_xs[0] - PAD // 2, az_xs[-1] + az_w + PAD // 2),
        tuple(y for t in TIERS for y in (tier_boxes[t].y - 7, tier_boxes[t].bottom + 7)),
    )
    global_right = max((b.right for _, b in global_tiles), default=0)
    cloud_right = max(region_box.right, global_right) + PAD
    cloud_box = Box(cloud_x, cloud_y, cloud_right - cloud_x, region_box.bottom + PAD - cloud_y)
    groups = [
        _group("cloud", "cloud", "AWS Cloud", cloud_box, None),
        _group("region", "region", "Region", region_box, "cloud"),
        _group("vpc", "vpc", "VPC", vpc_box, "region"),
        *groups[-AZ_COUNT:],  # the AZs, then their subnets and the spanning groups
        *groups[:-AZ_COUNT],
    ]
    nodes = (
        [_node(p, b, "cloud") for p, b in global_tiles]
        + [_node(p, b, "region") for p, b in region_tiles]
        + [_node(p, b, "vpc", border=True, where="on the VPC's edge") for p, b in top_tiles]
        + [_node(p, b, "vpc") for p, b in vpc_tiles]
        + nodes
        + [_node(p, b, "vpc", border=True, where="on the VPC's edge, towards the Region's services") for p, b in right_tiles]
    )

    title_text = Text(MARGIN, MARGIN + TITLE_SIZE + 4, title, "title")
    width = max(cloud_box.right + MARGIN, MARGIN * 2 + text_width(title, TITLE_CHAR))
    height = cloud_box.bottom + MARGIN
    labels = [Box(g.text.x - 2, g.text.y - 13, text_width(g.label, GROUP_CHAR) + 4, 17) for g in groups]
    edges = _edges(parts, nodes, channels, labels)
    return Diagram(
        title=title,
        description=_description(parts, edges),
        width=width,
        height=height,
        title_text=title_text,
        groups=tuple(groups),
        nodes=tuple(nodes),
        edges=tuple(edges),
    )


# Edges ----------------------------------------------------------------------------------


def _az_of(node: Node) -> str | None:
    return node.id.partition("@")[2] or None


def _edges(parts, nodes: list[Node], channels, labels: list[Box]) -> list[Edge]:
    """One arrow per drawn pair: a per-AZ part connects to its own AZ's copy of another per-AZ part."""
    drawn: dict[str, list[Node]] = {}
    for node in nodes:
        drawn.setdefault(node.part, []).append(node)
    routes = []  # (source, target, label, points, labelled): every path first, then the labels beside them
    for part in parts:
        for target_id, label in part.connects:
            if target_id not in drawn:
                continue  # a connection to a part this design does not have
            first = True
            for source in drawn[part.id]:
                for target in drawn[target_id]:
                    if _az_of(source) and _az_of(target) and _az_of(source) != _az_of(target):
                        continue
                    others = [n.box for n in nodes if n is not source and n is not target]
                    routes.append((source, target, label, route(source.box, target.box, others, channels), first and bool(label)))
                    first = False
    # Where a label must not go: tiles, group labels and other labels; and better not on a line.
    taken: list[Box] = [n.box for n in nodes] + labels
    lines = [segment_box(s, 1) for r in routes for s in itertools.pairwise(r[3])]
    edges: list[Edge] = []
    for source, target, label, points, labelled in routes:
        text = None
        if labelled:
            box = label_box(points, text_width(label, EDGE_CHAR), EDGE_SIZE + 2, taken, lines)
            text = Text(box.x, box.bottom - 3, label, "edge")
            taken.append(box)
        edges.append(Edge(source.id, target.id, label, points, text))
    return edges


def _description(parts, edges: list[Edge]) -> str:
    """The <desc>: what the picture shows, in one paragraph (the list beside it has the details)."""
    names = ", ".join(_tile_label(p) for p in parts)
    flows = sum(1 for e in edges if e.text is not None)
    return (
        f"Architecture diagram: an AWS Region with a VPC across {AZ_COUNT} Availability Zones, each with public, "
        f"private app and private data subnets. Components: {names}. {flows} labelled arrows show the request path and data flows."
    )


# The same content as a list (beside the picture, for screen readers and small screens) -----------


def diagram_outline(diagram: Diagram) -> dict:
    """{"tree": [{"text", "items": [...]}], "arrows": [text]}: the groups as nested lists with their
    components, then the arrows. Plain JSON, so a saved design can keep it beside its SVG."""

    def node_text(node: Node) -> str:
        text = f"{node.label}: {node.role}"
        return f"{text} ({node.where})" if node.where else text

    def entry(group: Group) -> dict:
        items = [{"text": node_text(n), "items": []} for n in diagram.nodes if n.group == group.id]
        items += [entry(g) for g in diagram.groups if g.parent == group.id]
        return {"text": group.label, "items": items}

    labels = {n.id: n.label for n in diagram.nodes}
    arrows: dict[tuple[str, str, str], bool] = {}
    for edge in diagram.edges:
        key = (labels[edge.source], labels[edge.target], edge.label)
        arrows[key] = key in arrows  # seen twice: drawn in each Availability Zone
    return {
        "tree": [entry(g) for g in diagram.groups if g.parent is None],
        "arrows": [
            f"{source} → {target}" + (f": {label}" if label else "") + (" (in each Availability Zone)" if twice else "")
            for (source, target, label), twice in arrows.items()
        ],
    }
